//! Shifts and rotates: by one, by an immediate and by `cl`, with the masked count and the
//! exact flag rules (flags untouched for a zero count; OF defined only for a count of one;
//! AF undefined; CF of SHL/SHR undefined when the count reaches the operand size).

use capstone::arch::x86::X86Insn as I;
use tandem_ir::{Expr, Reg};

use crate::x86_64::ctx::{Ctx, Sem, Unsupported};
use crate::x86_64::regs::*;

/// The shift count of operand `operand` (or 1 if absent), masked as x86 masks it for an
/// operand of `op_width` bits, as an 8-bit value bound to a temporary.
fn count(c: &mut Ctx, operand: usize, op_width: u16) -> Result<Expr, Unsupported> {
    let mask = if op_width == 64 { 0x3f } else { 0x1f };
    let raw = if c.nops() > operand {
        c.read_as(operand, 8)?
    } else {
        Expr::c(8, 1)
    };
    Ok(c.tmp(raw.and(Expr::c(8, mask))))
}

/// Sets `reg` to `value` unless the count is zero.
fn set_unless_zero(c: &mut Ctx, zero: &Expr, reg: Reg, value: Expr) {
    let v = Expr::ite(zero.clone(), Expr::Reg(reg), value);
    c.set(reg, v);
}

/// CF, OF and the result flags of a shift, none of them changed by a zero count; AF undefined
/// otherwise.
fn shift_flags(c: &mut Ctx, zero: &Expr, cf: Expr, of: Expr, res: &Expr) {
    set_unless_zero(c, zero, CF, cf);
    set_unless_zero(c, zero, OF, of);
    set_unless_zero(c, zero, SF, res.clone().msb());
    set_unless_zero(c, zero, ZF, res.clone().is_zero());
    set_unless_zero(c, zero, PF, Ctx::parity(res));
    c.havoc_if(AF, zero.clone().not());
}

pub fn shift(c: &mut Ctx, id: I) -> Sem {
    let w = c.size(0)?;
    let a = c.read(0)?;
    let a = c.tmp(a);
    let n8 = count(c, 1, w)?;
    let n = c.tmp(n8.clone().zext(w.max(8)).resize(w));
    // For 8-bit operands the count (up to 31) does not fit the operand width; compare on the
    // 8-bit count instead.
    // For 8- and 16-bit operands the masked count (up to 31) can exceed the width; the shifts
    // then give 0 (or the sign fill), as x86 does.
    let zero = c.tmp(n8.clone().is_zero());
    let at_least = |k: u16| n8.clone().uge(Expr::c(8, u128::from(k)));
    let nm1 = n.clone().sub(Expr::c(w, 1));
    let (res, cf) = match id {
        I::X86_INS_SHL | I::X86_INS_SAL => (
            a.clone().shl(n.clone()),
            // The last bit shifted out: bit (w - n) of the operand.
            Expr::ite(at_least(w + 1), Expr::bool(false), a.clone().shl(nm1).msb()),
        ),
        I::X86_INS_SHR => (
            a.clone().lshr(n.clone()),
            Expr::ite(
                at_least(w + 1),
                Expr::bool(false),
                a.clone().lshr(nm1).bit(0),
            ),
        ),
        I::X86_INS_SAR => (
            a.clone().ashr(n.clone()),
            Expr::ite(at_least(w + 1), a.clone().msb(), a.clone().ashr(nm1).bit(0)),
        ),
        _ => return Err(Unsupported),
    };
    let res = c.tmp(res);
    let cf = c.tmp(cf);
    let of = match id {
        I::X86_INS_SHL | I::X86_INS_SAL => res.clone().msb().xor(cf.clone()),
        I::X86_INS_SHR => a.clone().msb(),
        _ => Expr::bool(false),
    };
    shift_flags(c, &zero, cf, of, &res);
    c.havoc_if(OF, at_least(2));
    if w < 32 && matches!(id, I::X86_INS_SHL | I::X86_INS_SAL | I::X86_INS_SHR) {
        c.havoc_if(CF, at_least(w));
    }
    c.write(0, res)
}

pub fn rotate(c: &mut Ctx, id: I) -> Sem {
    let w = c.size(0)?;
    let a = c.read(0)?;
    let a = c.tmp(a);
    let n8 = count(c, 1, w)?;
    let zero = c.tmp(n8.clone().is_zero());
    let one = n8.clone().eq(Expr::c(8, 1));
    match id {
        I::X86_INS_ROL | I::X86_INS_ROR => {
            let n = n8.clone().zext(w.max(8)).resize(w);
            let res = if id == I::X86_INS_ROL {
                a.clone().rotl(n)
            } else {
                a.clone().rotr(n)
            };
            let res = c.tmp(res);
            let (cf, of) = if id == I::X86_INS_ROL {
                let cf = res.clone().bit(0);
                (cf.clone(), res.clone().msb().xor(cf))
            } else {
                (
                    res.clone().msb(),
                    res.clone().msb().xor(res.clone().bit(w - 2)),
                )
            };
            set_unless_zero(c, &zero, CF, cf);
            set_unless_zero(c, &zero, OF, of);
            c.havoc_if(OF, zero.not().and(one.not()));
            c.write(0, res)
        }
        I::X86_INS_RCL | I::X86_INS_RCR => {
            // Rotate the (w + 1)-bit value CF:operand; the rotate's modulus is the x86 one.
            let v = Expr::concat(c.get(CF), a.clone());
            let n = n8.clone().zext(w + 1);
            let rotated = if id == I::X86_INS_RCL {
                v.rotl(n)
            } else {
                v.rotr(n)
            };
            let rotated = c.tmp(rotated);
            let res = c.tmp(rotated.clone().low(w));
            let cf = rotated.msb();
            let of = if id == I::X86_INS_RCL {
                res.clone().msb().xor(cf.clone())
            } else {
                a.clone().msb().xor(c.get(CF))
            };
            let of = c.tmp(of);
            set_unless_zero(c, &zero, CF, cf);
            set_unless_zero(c, &zero, OF, of);
            c.havoc_if(OF, zero.not().and(one.not()));
            c.write(0, res)
        }
        _ => Err(Unsupported),
    }
}

pub fn double_shift(c: &mut Ctx, id: I) -> Sem {
    let w = c.size(0)?;
    let dst = c.read(0)?;
    let dst = c.tmp(dst);
    let src = c.read(1)?;
    let src = c.tmp(src);
    let n8 = count(c, 2, w)?;
    let zero = c.tmp(n8.clone().is_zero());
    let one = n8.clone().eq(Expr::c(8, 1));
    let n = n8.clone().zext(2 * w);
    let nm1 = n.clone().sub(Expr::c(2 * w, 1));
    let (res, cf) = if id == I::X86_INS_SHLD {
        let v = Expr::concat(dst.clone(), src);
        (v.clone().shl(n).extract(w, w), v.shl(nm1).msb())
    } else {
        let v = Expr::concat(src, dst.clone());
        (v.clone().lshr(n).low(w), v.lshr(nm1).bit(0))
    };
    let res = c.tmp(res);
    let of = res.clone().msb().xor(dst.clone().msb());
    shift_flags(c, &zero, cf, of, &res);
    c.havoc_if(OF, zero.not().and(one.not()));
    // A count larger than a 16-bit operand leaves the result and the flags undefined.
    let too_big = n8.ugt(Expr::c(8, u128::from(w)));
    c.write(0, res)?;
    if w == 16 {
        let Ok(dst_alias) = c.reg_of(0) else {
            // Memory destination with an out-of-range count: refuse rather than guess.
            return Err(Unsupported);
        };
        c.havoc_if(dst_alias.base, too_big.clone());
        for f in [CF, OF, SF, ZF, PF] {
            c.havoc_if(f, too_big.clone());
        }
    }
    Ok(())
}

/// BMI2 shifts: no flags, count masked to the operand width.
pub fn shift_bmi(c: &mut Ctx, id: I) -> Sem {
    let w = c.size(0)?;
    let a = c.read(1)?;
    let mask = u128::from(w - 1);
    let res = if id == I::X86_INS_RORX {
        let k = (c.imm(2)? as u128) & mask;
        a.rotr(Expr::c(w, k))
    } else {
        let n = c.read(2)?.and(Expr::c(w, mask));
        match id {
            I::X86_INS_SHLX => a.shl(n),
            I::X86_INS_SHRX => a.lshr(n),
            I::X86_INS_SARX => a.ashr(n),
            _ => return Err(Unsupported),
        }
    };
    c.write(0, res)
}
