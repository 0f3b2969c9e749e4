//! SSE and SSE2 floating point: scalar and packed arithmetic, minimum and maximum, square
//! roots, comparisons and conversions. MXCSR is assumed at its default (round to nearest-even,
//! exceptions masked, no flush-to-zero); exception flags are not modelled.

use capstone::arch::x86::X86Insn as I;
use tandem_ir::{BinOp, Expr, FloatFormat, Rounding, UnOp};

use super::vector::{join, lanes, map1, map2, mask_of, set_xmm, set_xmm_low, src, xmm};
use crate::x86_64::ctx::{Ctx, Sem, Unsupported};
use crate::x86_64::regs::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Scalar,
    Packed,
}

/// Scalar or packed, single or double: the mandatory prefix says (f3: ss, f2: sd, 66: pd,
/// none: ps), for every SSE floating-point operation alike.
fn shape_of(c: &Ctx) -> (Shape, FloatFormat) {
    match c.mandatory_prefix() {
        Some(0xF3) => (Shape::Scalar, FloatFormat::F32),
        Some(0xF2) => (Shape::Scalar, FloatFormat::F64),
        Some(_) => (Shape::Packed, FloatFormat::F64),
        None => (Shape::Packed, FloatFormat::F32),
    }
}

/// `a op b` for one lane, with x86's min/max rule: if the operands are unordered or equal the
/// second (source) operand is the result.
fn lane_op(id: I, fmt: FloatFormat, a: Expr, b: Expr) -> Option<Expr> {
    use I::*;
    Some(match id {
        X86_INS_ADDSS | X86_INS_ADDSD | X86_INS_ADDPS | X86_INS_ADDPD => {
            Expr::binary(BinOp::FAdd(fmt), a, b)
        }
        X86_INS_SUBSS | X86_INS_SUBSD | X86_INS_SUBPS | X86_INS_SUBPD => {
            Expr::binary(BinOp::FSub(fmt), a, b)
        }
        X86_INS_MULSS | X86_INS_MULSD | X86_INS_MULPS | X86_INS_MULPD => {
            Expr::binary(BinOp::FMul(fmt), a, b)
        }
        X86_INS_DIVSS | X86_INS_DIVSD | X86_INS_DIVPS | X86_INS_DIVPD => {
            Expr::binary(BinOp::FDiv(fmt), a, b)
        }
        X86_INS_MINSS | X86_INS_MINSD | X86_INS_MINPS | X86_INS_MINPD => {
            Expr::ite(Expr::binary(BinOp::FLt(fmt), a.clone(), b.clone()), a, b)
        }
        X86_INS_MAXSS | X86_INS_MAXSD | X86_INS_MAXPS | X86_INS_MAXPD => {
            Expr::ite(Expr::binary(BinOp::FLt(fmt), b.clone(), a.clone()), a, b)
        }
        X86_INS_SQRTSS | X86_INS_SQRTSD | X86_INS_SQRTPS | X86_INS_SQRTPD => {
            Expr::unary(UnOp::FSqrt(fmt), b)
        }
        _ => return None,
    })
}

pub fn arith(c: &mut Ctx, id: I) -> Sem {
    let (shape, fmt) = shape_of(c);
    let w = fmt.width();
    match shape {
        Shape::Scalar => {
            let a = xmm(c, 0)?.low(w);
            let b = src(c, 1, w, false)?;
            let r = lane_op(id, fmt, a, b).ok_or(Unsupported)?;
            set_xmm_low(c, 0, r)
        }
        Shape::Packed => {
            let a = xmm(c, 0)?;
            let b = src(c, 1, 128, true)?;
            lane_op(id, fmt, Expr::zero(w), Expr::zero(w)).ok_or(Unsupported)?;
            let r = map2(&a, &b, w, |x, y| {
                lane_op(id, fmt, x, y).unwrap_or_else(|| Expr::zero(w))
            });
            set_xmm(c, 0, r)
        }
    }
}

/// The truth value of SSE comparison predicate `p` (0..8: eq, lt, le, unord, neq, nlt, nle,
/// ord).
fn predicate(p: u8, fmt: FloatFormat, a: Expr, b: Expr) -> Option<Expr> {
    let base = match p & 3 {
        0 => Expr::binary(BinOp::FEq(fmt), a, b),
        1 => Expr::binary(BinOp::FLt(fmt), a, b),
        2 => Expr::binary(BinOp::FLe(fmt), a, b),
        _ => Expr::binary(BinOp::FUnordered(fmt), a, b),
    };
    match p {
        0..4 => Some(base),
        4..8 => Some(base.not()),
        _ => None,
    }
}

/// cmpss, cmpsd, cmpps, cmppd (and their predicate-named aliases): the format comes from the
/// mandatory prefix (f3: ss, f2: sd, 66: pd, none: ps), the predicate from the trailing
/// immediate byte.
pub fn compare(c: &mut Ctx) -> Sem {
    let (shape, fmt) = shape_of(c);
    let w = fmt.width();
    let len = (c.next - c.addr) as usize;
    let p = *c.bytes.get(len.wrapping_sub(1)).ok_or(Unsupported)?;
    if p >= 8 {
        return Err(Unsupported);
    }
    match shape {
        Shape::Scalar => {
            let a = xmm(c, 0)?.low(w);
            let b = src(c, 1, w, false)?;
            let r = mask_of(predicate(p, fmt, a, b).ok_or(Unsupported)?, w);
            set_xmm_low(c, 0, r)
        }
        Shape::Packed => {
            let a = xmm(c, 0)?;
            let b = src(c, 1, 128, true)?;
            let r = map2(&a, &b, w, |x, y| {
                mask_of(predicate(p, fmt, x, y).unwrap_or(Expr::bool(false)), w)
            });
            set_xmm(c, 0, r)
        }
    }
}

/// ucomiss, ucomisd, comiss, comisd: ZF, PF, CF from an unordered comparison.
pub fn ucomis(c: &mut Ctx, id: I) -> Sem {
    let fmt = match id {
        I::X86_INS_UCOMISS | I::X86_INS_COMISS => FloatFormat::F32,
        _ => FloatFormat::F64,
    };
    let w = fmt.width();
    let a = xmm(c, 0)?.low(w);
    let b = src(c, 1, w, false)?;
    let unord = c.tmp(Expr::binary(BinOp::FUnordered(fmt), a.clone(), b.clone()));
    let lt = Expr::binary(BinOp::FLt(fmt), a.clone(), b.clone());
    let eq = Expr::binary(BinOp::FEq(fmt), a, b);
    c.set(ZF, unord.clone().or(eq));
    c.set(PF, unord.clone());
    c.set(CF, unord.or(lt));
    for f in [OF, SF, AF] {
        c.set_bool(f, false);
    }
    Ok(())
}

/// Scalar conversions between integers and floats and between float formats.
pub fn convert(c: &mut Ctx, id: I) -> Sem {
    use FloatFormat::{F32, F64};
    use I::*;
    match id {
        X86_INS_CVTSI2SS | X86_INS_CVTSI2SD => {
            let to = if id == X86_INS_CVTSI2SS { F32 } else { F64 };
            let v = c.read(1)?;
            let f = Expr::unary(UnOp::IntToFloat(to), v);
            set_xmm_low(c, 0, f)
        }
        X86_INS_CVTTSS2SI | X86_INS_CVTTSD2SI | X86_INS_CVTSS2SI | X86_INS_CVTSD2SI => {
            let from = if matches!(id, X86_INS_CVTTSS2SI | X86_INS_CVTSS2SI) {
                F32
            } else {
                F64
            };
            let rounding = if matches!(id, X86_INS_CVTTSS2SI | X86_INS_CVTTSD2SI) {
                Rounding::TowardZero
            } else {
                Rounding::NearestEven
            };
            let w = c.size(0)?;
            let v = src(c, 1, from.width(), false)?;
            let i = Expr::unary(
                UnOp::FloatToInt {
                    from,
                    width: w,
                    rounding,
                },
                v,
            );
            c.write(0, i)
        }
        X86_INS_CVTSS2SD => {
            let v = src(c, 1, 32, false)?;
            set_xmm_low(c, 0, Expr::unary(UnOp::FConvert { from: F32, to: F64 }, v))
        }
        X86_INS_CVTSD2SS => {
            let v = src(c, 1, 64, false)?;
            set_xmm_low(c, 0, Expr::unary(UnOp::FConvert { from: F64, to: F32 }, v))
        }
        _ => Err(Unsupported),
    }
}

/// Packed conversions.
pub fn convert_packed(c: &mut Ctx, id: I) -> Sem {
    use FloatFormat::{F32, F64};
    use I::*;
    let to_int = |from: FloatFormat, rounding| {
        move |x: Expr| {
            Expr::unary(
                UnOp::FloatToInt {
                    from,
                    width: 32,
                    rounding,
                },
                x,
            )
        }
    };
    let r = match id {
        X86_INS_CVTDQ2PD => {
            let s = src(c, 1, 64, false)?;
            map1(&s, 32, |x| Expr::unary(UnOp::IntToFloat(F64), x))
        }
        X86_INS_CVTDQ2PS => {
            let s = src(c, 1, 128, true)?;
            map1(&s, 32, |x| Expr::unary(UnOp::IntToFloat(F32), x))
        }
        X86_INS_CVTTPS2DQ | X86_INS_CVTPS2DQ => {
            let s = src(c, 1, 128, true)?;
            let r = if id == X86_INS_CVTTPS2DQ {
                Rounding::TowardZero
            } else {
                Rounding::NearestEven
            };
            map1(&s, 32, to_int(F32, r))
        }
        X86_INS_CVTPS2PD => {
            let s = src(c, 1, 64, false)?;
            map1(&s, 32, |x| {
                Expr::unary(UnOp::FConvert { from: F32, to: F64 }, x)
            })
        }
        X86_INS_CVTPD2PS => {
            let s = src(c, 1, 128, true)?;
            let lo: Vec<Expr> = lanes(&s, 64)
                .into_iter()
                .map(|x| Expr::unary(UnOp::FConvert { from: F64, to: F32 }, x))
                .collect();
            join(lo).zext(128)
        }
        X86_INS_CVTTPD2DQ | X86_INS_CVTPD2DQ => {
            let s = src(c, 1, 128, true)?;
            let r = if id == X86_INS_CVTTPD2DQ {
                Rounding::TowardZero
            } else {
                Rounding::NearestEven
            };
            let lo: Vec<Expr> = lanes(&s, 64).into_iter().map(to_int(F64, r)).collect();
            join(lo).zext(128)
        }
        _ => return Err(Unsupported),
    };
    set_xmm(c, 0, r)
}
