//! Integer data movement, arithmetic and logic, flags and the stack.

use capstone::arch::x86::X86Insn as I;
use tandem_ir::{Expr, Reg};

use crate::x86_64::ctx::{Ctx, Sem, Unsupported};
use crate::x86_64::regs::*;

pub fn mov(c: &mut Ctx, _: I) -> Sem {
    let w = c.size(0)?;
    let v = c.read_as(1, w)?;
    c.write(0, v)
}

pub fn movzx(c: &mut Ctx, _: I) -> Sem {
    let w = c.size(0)?;
    let v = c.read(1)?.zext(w);
    c.write(0, v)
}

pub fn movsx(c: &mut Ctx, _: I) -> Sem {
    let w = c.size(0)?;
    let v = c.read(1)?;
    let v = if v.width() <= w { v.sext(w) } else { v.low(w) };
    c.write(0, v)
}

pub fn lea(c: &mut Ctx, _: I) -> Sem {
    let w = c.size(0)?;
    let crate::x86_64::ctx::OpKind::Mem(m) = &c.op(1)?.kind else {
        return Err(Unsupported);
    };
    // LEA ignores segment overrides: it computes the offset only.
    let mut m = m.clone();
    m.segment = None;
    let a = c.mem_addr(&m).resize(w);
    c.write(0, a)
}

pub fn xchg(c: &mut Ctx, _: I) -> Sem {
    let a = c.read(0)?;
    let a = c.tmp(a);
    let b = c.read(1)?;
    let b = c.tmp(b);
    c.write(0, b)?;
    c.write(1, a)
}

/// The accumulator register at `width` bits.
fn acc(width: u16) -> tandem_ir::Alias {
    Ctx::gpr_alias(RAX, width)
}

pub fn cmpxchg(c: &mut Ctx, _: I) -> Sem {
    let w = c.size(0)?;
    let dst = c.read(0)?;
    let dst = c.tmp(dst);
    let src = c.read(1)?;
    let src = c.tmp(src);
    let a = c.read_alias(acc(w));
    let a = c.tmp(a);
    let res = c.tmp(a.clone().sub(dst.clone()));
    c.flags_sub(&a, &dst, &res, None);
    let equal = c.tmp(a.eq(dst.clone()));
    // On success the destination takes the source; on failure the accumulator takes the
    // destination. A register that is not written keeps all 64 bits (no zero-extension).
    if c.is_mem(0) {
        // The processor writes memory either way (the old value on failure).
        c.write(0, Expr::ite(equal.clone(), src, dst.clone()))?;
    } else {
        c.write_if(0, equal.clone(), src)?;
    }
    let old = c.tmp(c.get(RAX));
    let loaded = if w == 32 {
        dst.zext(64)
    } else if w == 64 {
        dst
    } else {
        Expr::concat(old.clone().extract(w, 64 - w), dst)
    };
    c.set(RAX, Expr::ite(equal, old, loaded));
    Ok(())
}

pub fn xadd(c: &mut Ctx, _: I) -> Sem {
    let dst = c.read(0)?;
    let dst = c.tmp(dst);
    let src = c.read(1)?;
    let src = c.tmp(src);
    let sum = c.tmp(dst.clone().add(src.clone()));
    c.flags_add(&dst, &src, &sum, None);
    c.write(1, dst)?;
    c.write(0, sum)
}

pub fn bswap(c: &mut Ctx, _: I) -> Sem {
    let w = c.size(0)?;
    if w < 32 {
        // BSWAP of a 16-bit register is undefined.
        return Err(Unsupported);
    }
    let v = c.read(0)?;
    let v = c.tmp(v);
    let mut out = v.clone().extract(0, 8);
    for i in 1..w / 8 {
        out = Expr::concat(out, v.clone().extract(8 * i, 8));
    }
    c.write(0, out)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Alu {
    Add,
    Adc,
    Sub,
    Sbb,
    Cmp,
    And,
    Or,
    Xor,
    Test,
}

fn alu(c: &mut Ctx, op: Alu) -> Sem {
    let w = c.size(0)?;
    let a = c.read(0)?;
    let a = c.tmp(a);
    let b = c.read_as(1, w)?;
    let b = c.tmp(b);
    let carry = || Expr::Reg(CF);
    let res = match op {
        Alu::Add => a.clone().add(b.clone()),
        Alu::Adc => a.clone().add(b.clone()).add(carry().zext(w)),
        Alu::Sub | Alu::Cmp => a.clone().sub(b.clone()),
        Alu::Sbb => a.clone().sub(b.clone()).sub(carry().zext(w)),
        Alu::And | Alu::Test => a.clone().and(b.clone()),
        Alu::Or => a.clone().or(b.clone()),
        Alu::Xor => a.clone().xor(b.clone()),
    };
    let res = c.tmp(res);
    match op {
        Alu::Add => c.flags_add(&a, &b, &res, None),
        Alu::Adc => {
            let cin = c.tmp(carry());
            c.flags_add(&a, &b, &res, Some(cin))
        }
        Alu::Sub | Alu::Cmp => c.flags_sub(&a, &b, &res, None),
        Alu::Sbb => {
            let cin = c.tmp(carry());
            c.flags_sub(&a, &b, &res, Some(cin))
        }
        Alu::And | Alu::Or | Alu::Xor | Alu::Test => c.flags_logic(&res),
    }
    if !matches!(op, Alu::Cmp | Alu::Test) {
        c.write(0, res)?;
    }
    Ok(())
}

pub fn arith(c: &mut Ctx, id: I) -> Sem {
    let op = match id {
        I::X86_INS_ADD => Alu::Add,
        I::X86_INS_ADC => Alu::Adc,
        I::X86_INS_SUB => Alu::Sub,
        I::X86_INS_SBB => Alu::Sbb,
        I::X86_INS_CMP => Alu::Cmp,
        I::X86_INS_AND => Alu::And,
        I::X86_INS_OR => Alu::Or,
        I::X86_INS_XOR => Alu::Xor,
        I::X86_INS_TEST => Alu::Test,
        _ => return Err(Unsupported),
    };
    alu(c, op)
}

pub fn neg(c: &mut Ctx, _: I) -> Sem {
    let a = c.read(0)?;
    let a = c.tmp(a);
    let zero = Expr::zero(a.width());
    let res = c.tmp(a.clone().neg());
    c.flags_sub(&zero, &a, &res, None);
    c.write(0, res)
}

pub fn not(c: &mut Ctx, _: I) -> Sem {
    let a = c.read(0)?;
    c.write(0, a.not())
}

pub fn inc_dec(c: &mut Ctx, id: I) -> Sem {
    let a = c.read(0)?;
    let a = c.tmp(a);
    let one = Expr::c(a.width(), 1);
    let (res, of) = if id == I::X86_INS_INC {
        let r = c.tmp(a.clone().add(one.clone()));
        (
            r.clone(),
            r.clone().xor(a.clone()).and(r.xor(one.clone())).msb(),
        )
    } else {
        let r = c.tmp(a.clone().sub(one.clone()));
        (
            r.clone(),
            a.clone().xor(one.clone()).and(a.clone().xor(r)).msb(),
        )
    };
    // CF is not affected.
    c.set(OF, of);
    c.set(AF, a.xor(one).xor(res.clone()).bit(4));
    c.set_szp(&res);
    c.write(0, res)
}

pub fn convert_acc(c: &mut Ctx, id: I) -> Sem {
    let (from, to) = match id {
        I::X86_INS_CBW => (8, 16),
        I::X86_INS_CWDE => (16, 32),
        I::X86_INS_CDQE => (32, 64),
        I::X86_INS_CWD => (16, 32),
        I::X86_INS_CDQ => (32, 64),
        I::X86_INS_CQO => (64, 128),
        _ => return Err(Unsupported),
    };
    let v = c.read_gpr(RAX, from).sext(to);
    if matches!(id, I::X86_INS_CWD | I::X86_INS_CDQ | I::X86_INS_CQO) {
        c.write_gpr(RDX, v.extract(from, from));
    } else {
        c.write_gpr(RAX, v);
    }
    Ok(())
}

/// The condition-code number (0..16) of a `jcc`/`setcc`/`cmovcc` instruction.
pub fn cc_of(id: I) -> Option<u8> {
    use I::*;
    Some(match id {
        X86_INS_JO | X86_INS_SETO | X86_INS_CMOVO => 0,
        X86_INS_JNO | X86_INS_SETNO | X86_INS_CMOVNO => 1,
        X86_INS_JB | X86_INS_SETB | X86_INS_CMOVB => 2,
        X86_INS_JAE | X86_INS_SETAE | X86_INS_CMOVAE => 3,
        X86_INS_JE | X86_INS_SETE | X86_INS_CMOVE => 4,
        X86_INS_JNE | X86_INS_SETNE | X86_INS_CMOVNE => 5,
        X86_INS_JBE | X86_INS_SETBE | X86_INS_CMOVBE => 6,
        X86_INS_JA | X86_INS_SETA | X86_INS_CMOVA => 7,
        X86_INS_JS | X86_INS_SETS | X86_INS_CMOVS => 8,
        X86_INS_JNS | X86_INS_SETNS | X86_INS_CMOVNS => 9,
        X86_INS_JP | X86_INS_SETP | X86_INS_CMOVP => 10,
        X86_INS_JNP | X86_INS_SETNP | X86_INS_CMOVNP => 11,
        X86_INS_JL | X86_INS_SETL | X86_INS_CMOVL => 12,
        X86_INS_JGE | X86_INS_SETGE | X86_INS_CMOVGE => 13,
        X86_INS_JLE | X86_INS_SETLE | X86_INS_CMOVLE => 14,
        X86_INS_JG | X86_INS_SETG | X86_INS_CMOVG => 15,
        _ => return None,
    })
}

pub fn cmov(c: &mut Ctx, id: I) -> Sem {
    let cc = cc_of(id).ok_or(Unsupported)?;
    let w = c.size(0)?;
    // The source is read (and may fault) whether or not the move happens, and a 32-bit
    // destination is zero-extended either way.
    let src = c.read_as(1, w)?;
    let src = c.tmp(src);
    let old = c.read(0)?;
    let v = Expr::ite(c.cond(cc), src, old);
    c.write(0, v)
}

pub fn setcc(c: &mut Ctx, id: I) -> Sem {
    let cc = cc_of(id).ok_or(Unsupported)?;
    let v = c.cond(cc).zext(8);
    c.write(0, v)
}

pub fn flag_ops(c: &mut Ctx, id: I) -> Sem {
    match id {
        I::X86_INS_CLC => c.set_bool(CF, false),
        I::X86_INS_STC => c.set_bool(CF, true),
        I::X86_INS_CMC => {
            let v = c.get(CF).not();
            c.set(CF, v)
        }
        I::X86_INS_CLD => c.set_bool(DF, false),
        I::X86_INS_STD => c.set_bool(DF, true),
        _ => return Err(Unsupported),
    }
    Ok(())
}

/// `rflags` as software sees it: the status flags and DF, IF and the always-one bit 1.
pub fn rflags_value() -> Expr {
    let mut v = Expr::c(64, 0x202);
    for (reg, bit) in FLAG_BITS {
        v = v.or(Expr::Reg(reg).zext(64).shl(Expr::c(64, u128::from(bit))));
    }
    v
}

fn set_flags_from(c: &mut Ctx, v: &Expr, flags: &[(Reg, u16)]) {
    for (reg, bit) in flags {
        c.set(*reg, v.clone().bit(*bit));
    }
}

pub fn lahf_sahf(c: &mut Ctx, id: I) -> Sem {
    let status = [(CF, 0), (PF, 2), (AF, 4), (ZF, 6), (SF, 7)];
    if id == I::X86_INS_LAHF {
        let v = rflags_value().low(8);
        c.write_alias(Ctx::gpr_alias(RAX, 16), Expr::concat(v, c.read_gpr(RAX, 8)));
    } else {
        let ah = c.tmp(c.get(RAX).extract(8, 8));
        set_flags_from(c, &ah, &status);
    }
    Ok(())
}

pub fn pushf(c: &mut Ctx, _: I) -> Sem {
    if c.opsize_prefix {
        return Err(Unsupported);
    }
    c.push(rflags_value());
    Ok(())
}

pub fn popf(c: &mut Ctx, _: I) -> Sem {
    if c.opsize_prefix {
        return Err(Unsupported);
    }
    let v = c.pop(64);
    set_flags_from(c, &v, &FLAG_BITS);
    Ok(())
}

pub fn push(c: &mut Ctx, _: I) -> Sem {
    let w = if c.opsize_prefix { 16 } else { 64 };
    let v = c.read_as(0, w)?;
    let v = c.tmp(v);
    c.push(v);
    Ok(())
}

pub fn pop(c: &mut Ctx, _: I) -> Sem {
    let w = if c.opsize_prefix { 16 } else { 64 };
    let v = c.pop(w);
    c.write(0, v)
}

pub fn leave(c: &mut Ctx, _: I) -> Sem {
    let bp = c.get(RBP);
    c.set(RSP, bp);
    let v = c.pop(64);
    c.set(RBP, v);
    Ok(())
}

/// Instructions with no architectural effect on the state we model.
pub fn nop(_: &mut Ctx, _: I) -> Sem {
    Ok(())
}
