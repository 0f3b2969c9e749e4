//! Expression evaluation over concrete values.

use super::State;
use crate::expr::{BinOp, Expr, UnOp, mask};
use crate::float::{self, Arith, Compare};
use crate::stmt::Temp;

pub(super) struct Env<'s> {
    pub state: &'s mut State,
    temps: Vec<Option<u128>>,
}

impl<'s> Env<'s> {
    pub fn new(state: &'s mut State) -> Env<'s> {
        Env {
            state,
            temps: Vec::new(),
        }
    }

    pub fn set_temp(&mut self, t: Temp, v: u128) {
        let i = t.id as usize;
        if self.temps.len() <= i {
            self.temps.resize(i + 1, None);
        }
        self.temps[i] = Some(v & mask(t.width));
    }

    pub fn eval(&self, e: &Expr) -> Result<u128, String> {
        eval(e, &|leaf| match leaf {
            Expr::Reg(r) => Ok(self.state.get(*r)),
            Expr::Temp(t) => self
                .temps
                .get(t.id as usize)
                .copied()
                .flatten()
                .ok_or_else(|| format!("temporary t{} read before it was set", t.id)),
            _ => Err("not a leaf".to_string()),
        })
    }
}

/// Evaluates an expression without registers or temporaries; `None` if it has any, or if it
/// uses an operator the interpreter has no semantics for.
pub fn eval_const(e: &Expr) -> Option<u128> {
    eval(e, &|_| Err(String::new())).ok()
}

fn sext(v: u128, width: u16) -> i128 {
    if width >= 128 {
        return v as i128;
    }
    let shift = 128 - u32::from(width);
    ((v << shift) as i128) >> shift
}

fn eval(e: &Expr, leaf: &dyn Fn(&Expr) -> Result<u128, String>) -> Result<u128, String> {
    let r = match e {
        Expr::Const { value, .. } => *value,
        Expr::Reg(_) | Expr::Temp(_) => leaf(e)?,
        Expr::Unary(op, a) => {
            let w = a.width();
            let x = eval(a, leaf)?;
            unary(*op, w, x).ok_or_else(|| format!("no concrete semantics for {op:?}"))?
        }
        Expr::Binary(op, a, b) => {
            let w = a.width();
            let x = eval(a, leaf)?;
            let y = eval(b, leaf)?;
            binary(*op, w, x, y).ok_or_else(|| format!("no concrete semantics for {op:?}"))?
        }
        Expr::Ite(c, t, f) => {
            if eval(c, leaf)? & 1 == 1 {
                eval(t, leaf)?
            } else {
                eval(f, leaf)?
            }
        }
        Expr::Extract { lo, arg, .. } => eval(arg, leaf)? >> lo,
        Expr::Concat(h, l) => (eval(h, leaf)? << l.width()) | eval(l, leaf)?,
        Expr::ZeroExt { arg, .. } => eval(arg, leaf)?,
        Expr::SignExt { arg, .. } => sext(eval(arg, leaf)?, arg.width()) as u128,
    };
    Ok(r & mask(e.width()))
}

/// The value of a unary operator on a `w`-bit argument (unmasked); `None` when the operator
/// has no concrete semantics for that format.
pub fn unary(op: UnOp, w: u16, x: u128) -> Option<u128> {
    Some(match op {
        UnOp::Not => !x,
        UnOp::Neg => x.wrapping_neg(),
        UnOp::Popcount => u128::from(x.count_ones()),
        UnOp::Clz => u128::from(x.leading_zeros() - (128 - u32::from(w))),
        UnOp::Ctz => u128::from(x.trailing_zeros().min(u32::from(w))),
        UnOp::FSqrt(fmt) => float::sqrt(fmt, x)?,
        UnOp::FConvert { from, to } => float::convert(from, to, x)?,
        UnOp::IntToFloat(to) => float::int_to_float(w, to, x)?,
        UnOp::FloatToInt {
            from,
            width,
            rounding,
        } => float::float_to_int(from, width, rounding, x)?,
    })
}

/// The value of a binary operator on `w`-bit arguments (unmasked).
pub fn binary(op: BinOp, w: u16, x: u128, y: u128) -> Option<u128> {
    let m = mask(w);
    let (sx, sy) = (sext(x, w), sext(y, w));
    let shift = |f: &dyn Fn(u32) -> u128, overflow: u128| {
        if y >= u128::from(w) {
            overflow
        } else {
            f(y as u32)
        }
    };
    let rot = |left: bool| {
        let k = (y % u128::from(w)) as u32;
        if k == 0 {
            return x;
        }
        let (a, b) = if left {
            (k, u32::from(w) - k)
        } else {
            (u32::from(w) - k, k)
        };
        ((x << a) | (x >> b)) & m
    };
    Some(match op {
        BinOp::Add => x.wrapping_add(y),
        BinOp::Sub => x.wrapping_sub(y),
        BinOp::Mul => x.wrapping_mul(y),
        BinOp::UDiv => x.checked_div(y).unwrap_or(m),
        BinOp::URem => x.checked_rem(y).unwrap_or(x),
        BinOp::SDiv => {
            if y == 0 {
                if sx < 0 { 1 } else { m }
            } else {
                // Wrapping: MIN / -1 is MIN, as in SMT-LIB.
                let q = sx.unsigned_abs() / sy.unsigned_abs();
                if (sx < 0) != (sy < 0) {
                    q.wrapping_neg()
                } else {
                    q
                }
            }
        }
        BinOp::SRem => {
            if y == 0 {
                x
            } else {
                let r = sx.unsigned_abs() % sy.unsigned_abs();
                if sx < 0 { r.wrapping_neg() } else { r }
            }
        }
        BinOp::And => x & y,
        BinOp::Or => x | y,
        BinOp::Xor => x ^ y,
        BinOp::Shl => shift(&|k| x << k, 0),
        BinOp::LShr => shift(&|k| x >> k, 0),
        BinOp::AShr => shift(&|k| (sx >> k) as u128, if sx < 0 { m } else { 0 }),
        BinOp::RotL => rot(true),
        BinOp::RotR => rot(false),
        BinOp::Eq => u128::from(x == y),
        BinOp::Ne => u128::from(x != y),
        BinOp::Ult => u128::from(x < y),
        BinOp::Ule => u128::from(x <= y),
        BinOp::Slt => u128::from(sx < sy),
        BinOp::Sle => u128::from(sx <= sy),
        BinOp::FAdd(f) => float::arith(f, x, y, Arith::Add)?,
        BinOp::FSub(f) => float::arith(f, x, y, Arith::Sub)?,
        BinOp::FMul(f) => float::arith(f, x, y, Arith::Mul)?,
        BinOp::FDiv(f) => float::arith(f, x, y, Arith::Div)?,
        BinOp::FEq(f) => u128::from(float::compare(f, x, y, Compare::Eq)?),
        BinOp::FLt(f) => u128::from(float::compare(f, x, y, Compare::Lt)?),
        BinOp::FLe(f) => u128::from(float::compare(f, x, y, Compare::Le)?),
        BinOp::FUnordered(f) => u128::from(float::compare(f, x, y, Compare::Unordered)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(w: u16, v: u128) -> Expr {
        Expr::c(w, v)
    }

    #[test]
    fn division_edge_cases_follow_smtlib() {
        assert_eq!(binary(BinOp::UDiv, 8, 7, 0), Some(0xFF));
        assert_eq!(binary(BinOp::URem, 8, 7, 0), Some(7));
        assert_eq!(
            binary(BinOp::SDiv, 8, 0x80, 0xFF).map(|v| v & 0xFF),
            Some(0x80)
        );
        assert_eq!(binary(BinOp::SDiv, 8, 5, 0).map(|v| v & 0xFF), Some(0xFF));
        assert_eq!(binary(BinOp::SDiv, 8, 0xFB, 0).map(|v| v & 0xFF), Some(1));
        assert_eq!(
            binary(BinOp::SRem, 8, 0xF9, 2).map(|v| v & 0xFF),
            Some(0xFF)
        );
    }

    #[test]
    fn shifts_and_rotates() {
        assert_eq!(eval_const(&c(8, 0x81).ashr(c(8, 9))), Some(0xFF));
        assert_eq!(eval_const(&c(8, 0x81).shl(c(8, 8))), Some(0));
        assert_eq!(eval_const(&c(8, 0x81).rotl(c(8, 9))), Some(0x03));
        assert_eq!(eval_const(&c(16, 0x8001).rotr(c(16, 1))), Some(0xC000));
    }

    #[test]
    fn bit_counts() {
        assert_eq!(eval_const(&Expr::unary(UnOp::Clz, c(32, 1))), Some(31));
        assert_eq!(eval_const(&Expr::unary(UnOp::Clz, c(32, 0))), Some(32));
        assert_eq!(eval_const(&Expr::unary(UnOp::Ctz, c(16, 0))), Some(16));
        assert_eq!(
            eval_const(&Expr::unary(UnOp::Popcount, c(64, 0xF0F0))),
            Some(8)
        );
    }

    #[test]
    fn constant_folding_in_constructors() {
        assert_eq!(c(8, 200).add(c(8, 100)), c(8, 44));
        assert_eq!(c(8, 0x80).sext(16), c(16, 0xFF80));
        assert_eq!(Expr::concat(c(8, 0x12), c(8, 0x34)), c(16, 0x1234));
        assert_eq!(c(32, 0x1234_5678).extract(8, 8), c(8, 0x56));
    }
}
