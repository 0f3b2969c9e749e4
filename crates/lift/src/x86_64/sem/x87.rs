//! The x87 data movement compilers emit: loading constants and values onto the register
//! stack, storing and popping, exchanging.
//!
//! The stack is modelled as `st0..st7` relative to the top, so a push shifts every register
//! down one place and a pop rotates `st0` to `st7`; this matches the physical registers and
//! the `TOP` field exactly. `fpu_tags` holds the abridged tag word (one bit per physical
//! register, set when it holds a value), `fpu_c` the condition codes C0..C3 (bits 0..3).
//! Stack overflow and underflow give the masked response (the "real indefinite" NaN, C1 set on
//! overflow); the exception flags of the status word are not modelled.

use capstone::arch::x86::X86Insn as I;
use tandem_ir::{Expr, FloatFormat, UnOp};

use crate::x86_64::ctx::{Ctx, OpKind, Sem, Unsupported};
use crate::x86_64::regs::*;

/// The x87 "real indefinite": a negative quiet NaN.
const INDEFINITE: u128 = 0xFFFF_C000_0000_0000_0000;
const ONE: u128 = 0x3FFF_8000_0000_0000_0000;

/// The abridged tag bit of physical register `phys` (a 3-bit value).
fn tag(phys: &Expr) -> Expr {
    Expr::Reg(FPU_TAGS).lshr(phys.clone().zext(8)).bit(0)
}

fn set_tag(c: &mut Ctx, phys: &Expr, valid: bool) {
    let bit = Expr::c(8, 1).shl(phys.clone().zext(8));
    let tags = if valid {
        Expr::Reg(FPU_TAGS).or(bit)
    } else {
        Expr::Reg(FPU_TAGS).and(bit.not())
    };
    c.set(FPU_TAGS, tags);
}

/// Sets condition code C1 (bit 1 of `fpu_c`).
fn set_c1(c: &mut Ctx, v: Expr) {
    let cc = Expr::Reg(FPU_C);
    let merged = Expr::concat(cc.clone().extract(2, 2), Expr::concat(v, cc.extract(0, 1)));
    c.set(FPU_C, merged);
}

/// The physical register holding ST(i).
fn phys(i: u128) -> Expr {
    Expr::Reg(FPU_TOP).add_const(i)
}

/// ST(i), or the indefinite value if that register is empty (the masked underflow response).
fn read_st(c: &mut Ctx, i: usize) -> Expr {
    let valid = tag(&phys(i as u128));
    c.tmp(Expr::ite(valid, Expr::Reg(STS[i]), Expr::c(80, INDEFINITE)))
}

/// Pushes `value`; `source_valid` is false when the value came from an empty register (a
/// stack underflow, which takes precedence over an overflow in C1).
fn push(c: &mut Ctx, value: Expr, source_valid: Expr) {
    let top = c.tmp(Expr::Reg(FPU_TOP).sub(Expr::c(3, 1)));
    let overflow = c.tmp(tag(&top));
    let v = Expr::ite(overflow.clone(), Expr::c(80, INDEFINITE), value);
    let v = c.tmp(v);
    for i in (1..8).rev() {
        c.set(STS[i], Expr::Reg(STS[i - 1]));
    }
    c.set(ST0, v);
    c.set(FPU_TOP, top.clone());
    set_tag(c, &top, true);
    set_c1(c, overflow.and(source_valid));
}

fn pop(c: &mut Ctx) {
    let top = c.tmp(Expr::Reg(FPU_TOP));
    set_tag(c, &top, false);
    let old0 = c.tmp(Expr::Reg(ST0));
    for i in 0..7 {
        c.set(STS[i], Expr::Reg(STS[i + 1]));
    }
    c.set(ST7, old0);
    c.set(FPU_TOP, top.add_const(1));
}

/// The stack index of an `st(i)` operand.
fn st_index(c: &Ctx, i: usize) -> Result<usize, Unsupported> {
    match c.op(i)?.kind {
        OpKind::Reg(a) => STS.iter().position(|r| *r == a.base).ok_or(Unsupported),
        _ => Err(Unsupported),
    }
}

pub fn load_const(c: &mut Ctx, id: I) -> Sem {
    let v = match id {
        I::X86_INS_FLDZ => 0,
        I::X86_INS_FLD1 => ONE,
        _ => return Err(Unsupported),
    };
    push(c, Expr::c(80, v), Expr::bool(true));
    Ok(())
}

pub fn fld(c: &mut Ctx, _: I) -> Sem {
    let mut source_valid = Expr::bool(true);
    let v = if c.is_mem(0) {
        let w = c.size(0)?;
        let raw = c.read(0)?;
        match w {
            80 => raw,
            32 => Expr::unary(
                UnOp::FConvert {
                    from: FloatFormat::F32,
                    to: FloatFormat::F80,
                },
                raw,
            ),
            64 => Expr::unary(
                UnOp::FConvert {
                    from: FloatFormat::F64,
                    to: FloatFormat::F80,
                },
                raw,
            ),
            _ => return Err(Unsupported),
        }
    } else {
        let i = st_index(c, 0)?;
        source_valid = c.tmp(tag(&phys(i as u128)));
        read_st(c, i)
    };
    let v = c.tmp(v);
    push(c, v, source_valid);
    Ok(())
}

/// fst and fstp to a register, and fstp to an 80-bit memory operand.
pub fn fst(c: &mut Ctx, id: I) -> Sem {
    let v = read_st(c, 0);
    if c.is_mem(0) {
        // Narrowing stores round by the control word; not modelled yet.
        if c.size(0)? != 80 || id != I::X86_INS_FSTP {
            return Err(Unsupported);
        }
        c.write(0, v)?;
    } else {
        let i = st_index(c, 0)?;
        c.set(STS[i], v);
        set_tag(c, &phys(i as u128), true);
    }
    set_c1(c, Expr::bool(false));
    if id == I::X86_INS_FSTP {
        pop(c);
    }
    Ok(())
}

pub fn fxch(c: &mut Ctx, _: I) -> Sem {
    // Capstone may list st(0) explicitly; the other register is the one exchanged.
    let i = (0..c.nops())
        .filter_map(|k| st_index(c, k).ok())
        .find(|&k| k != 0)
        .unwrap_or(1);
    let a = read_st(c, 0);
    let b = read_st(c, i);
    c.set(ST0, b);
    c.set(STS[i], a);
    set_tag(c, &phys(0), true);
    set_tag(c, &phys(i as u128), true);
    set_c1(c, Expr::bool(false));
    Ok(())
}
