//! Bit tests, bit scans and counts, byte swaps, and the BMI1/BMI2 bit-manipulation group.

use capstone::arch::x86::X86Insn as I;
use tandem_ir::{Expr, UnOp};

use crate::x86_64::ctx::{Ctx, OpKind, Sem, Unsupported};
use crate::x86_64::regs::*;

pub fn bit_test(c: &mut Ctx, id: I) -> Sem {
    let w = c.size(0)?;
    let log_w = w.trailing_zeros();
    let mask = Expr::c(w, u128::from(w - 1));
    // A register bit offset with a memory base addresses bits beyond the operand: the word
    // holding the bit is found by the sign-extended offset divided by the width.
    let (addr, value, bit) = if c.is_mem(0) && !c.is_imm(1) {
        let off = c.read(1)?;
        let off = c.tmp(off);
        let words = off.clone().sext(64).ashr(Expr::c(64, u128::from(log_w)));
        let addr = c
            .ea(0)?
            .add(words.shl(Expr::c(64, u128::from((w / 8).trailing_zeros()))));
        let addr = c.tmp(addr);
        let value = c.load(addr.clone(), w);
        (Some(addr), value, off.and(mask))
    } else {
        let value = c.read(0)?;
        let value = c.tmp(value);
        let bit = c.read_as(1, w)?.and(mask);
        (None, value, bit)
    };
    let bit = c.tmp(bit);
    let one = Expr::c(w, 1).shl(bit.clone());
    c.set(CF, value.clone().lshr(bit).bit(0));
    for f in [OF, SF, AF, PF] {
        c.havoc(f);
    }
    let new = match id {
        I::X86_INS_BT => return Ok(()),
        I::X86_INS_BTS => value.or(one),
        I::X86_INS_BTR => value.and(one.not()),
        I::X86_INS_BTC => value.xor(one),
        _ => return Err(Unsupported),
    };
    match addr {
        Some(a) => c.store(a, new),
        None => c.write(0, new)?,
    }
    Ok(())
}

pub fn bit_scan(c: &mut Ctx, id: I) -> Sem {
    let w = c.size(0)?;
    let src = c.read(1)?;
    let src = c.tmp(src);
    let zero = c.tmp(src.clone().is_zero());
    let found = match id {
        I::X86_INS_BSF => Expr::unary(UnOp::Ctz, src),
        I::X86_INS_BSR => Expr::c(w, u128::from(w - 1)).sub(Expr::unary(UnOp::Clz, src)),
        _ => return Err(Unsupported),
    };
    let old = c.read(0)?;
    c.write(0, Expr::ite(zero.clone(), old, found))?;
    c.set(ZF, zero.clone());
    for f in [CF, OF, SF, AF, PF] {
        c.havoc(f);
    }
    // With a zero source the destination is architecturally undefined.
    if let OpKind::Reg(a) = c.op(0)?.kind {
        c.havoc_if(a.base, zero);
    }
    Ok(())
}

pub fn count_bits(c: &mut Ctx, id: I) -> Sem {
    let src = c.read(1)?;
    let src = c.tmp(src);
    let res = match id {
        I::X86_INS_TZCNT => Expr::unary(UnOp::Ctz, src.clone()),
        I::X86_INS_LZCNT => Expr::unary(UnOp::Clz, src.clone()),
        I::X86_INS_POPCNT => Expr::unary(UnOp::Popcount, src.clone()),
        _ => return Err(Unsupported),
    };
    let res = c.tmp(res);
    if id == I::X86_INS_POPCNT {
        c.set(ZF, src.is_zero());
        for f in [CF, OF, SF, AF, PF] {
            c.set_bool(f, false);
        }
    } else {
        c.set(CF, src.is_zero());
        c.set(ZF, res.clone().is_zero());
        for f in [OF, SF, AF, PF] {
            c.havoc(f);
        }
    }
    c.write(0, res)
}

/// ANDN, BEXTR, BLSI, BLSMSK, BLSR, BZHI.
pub fn bmi(c: &mut Ctx, id: I) -> Sem {
    let w = c.size(0)?;
    let src = c.read(1)?;
    let src = c.tmp(src);
    let one = Expr::c(w, 1);
    let (res, cf) = match id {
        I::X86_INS_ANDN => {
            let b = c.read(2)?;
            (src.not().and(b), Expr::bool(false))
        }
        I::X86_INS_BEXTR => {
            let ctl = c.read(2)?;
            let ctl = c.tmp(ctl);
            let start = ctl.clone().low(8).zext(w);
            let len = c.tmp(ctl.extract(8, 8).zext(w));
            let shifted = src.lshr(start);
            let mask = Expr::ite(
                len.clone().uge(Expr::c(w, u128::from(w))),
                Expr::ones(w),
                one.clone().shl(len).sub(one),
            );
            (shifted.and(mask), Expr::bool(false))
        }
        I::X86_INS_BLSI => (src.clone().and(src.clone().neg()), src.is_zero().not()),
        I::X86_INS_BLSMSK => (src.clone().xor(src.clone().sub(one)), src.is_zero()),
        I::X86_INS_BLSR => (src.clone().and(src.clone().sub(one)), src.is_zero()),
        I::X86_INS_BZHI => {
            let idx = c.read(2)?;
            let n = c.tmp(idx.low(8).zext(w));
            let big = c.tmp(n.clone().uge(Expr::c(w, u128::from(w))));
            let masked = src.clone().and(one.clone().shl(n).sub(one));
            (Expr::ite(big.clone(), src, masked), big)
        }
        _ => return Err(Unsupported),
    };
    let res = c.tmp(res);
    c.set(CF, cf);
    c.set_bool(OF, false);
    c.havoc(AF);
    c.havoc(PF);
    match id {
        I::X86_INS_BEXTR => {
            c.set(ZF, res.clone().is_zero());
            c.havoc(SF);
        }
        I::X86_INS_BLSMSK => {
            c.set_bool(ZF, false);
            c.set(SF, res.clone().msb());
        }
        _ => {
            c.set(ZF, res.clone().is_zero());
            c.set(SF, res.clone().msb());
        }
    }
    c.write(0, res)
}
