//! Evaluation of constant expressions (global initial values and example values), and the
//! concrete meaning of every pure operation.

use crate::checked::{BinOp, Builtin, CastKind, Expr, ExprKind, UnaryOp, Value};
use crate::types::Type;

/// Why a constant could not be evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConstError {
    /// A division or remainder by zero.
    DivisionByZero,
    /// A node that is not constant (the checker rejects these before evaluating).
    NotConstant,
}

/// Evaluates a checked constant expression. Pointer arithmetic wraps at 64 bits: a constant
/// does not know the target's pointer width.
pub(crate) fn eval(expr: &Expr) -> Result<Value, ConstError> {
    match &expr.kind {
        ExprKind::Const(value) => Ok(*value),
        ExprKind::Unary { op, operand } => Ok(unary(*op, eval(operand)?)),
        ExprKind::Binary { op, lhs, rhs } => {
            let a = eval(lhs)?;
            // `&&` and `||` evaluate the right operand only when needed.
            match op {
                BinOp::LogicalAnd if !a.is_true() => return Ok(Value::bool(false)),
                BinOp::LogicalOr if a.is_true() => return Ok(Value::bool(true)),
                _ => {}
            }
            binary(*op, a, eval(rhs)?, expr.ty)
        }
        ExprKind::Cast { kind, value } => Ok(cast(*kind, eval(value)?, expr.ty)),
        ExprKind::If {
            cond,
            then_value,
            else_value,
        } => {
            if eval(cond)?.is_true() {
                eval(then_value)
            } else {
                eval(else_value)
            }
        }
        ExprKind::Builtin { builtin, args } => {
            let [a, b] = args.as_slice() else {
                return Err(ConstError::NotConstant);
            };
            let (a, b) = (eval(a)?, eval(b)?);
            let pick_first = match builtin {
                Builtin::UMin => a.bits <= b.bits,
                Builtin::UMax => a.bits >= b.bits,
                Builtin::SMin => a.to_i128() <= b.to_i128(),
                Builtin::SMax => a.to_i128() >= b.to_i128(),
                Builtin::CStringLength => return Err(ConstError::NotConstant),
            };
            Ok(if pick_first { a } else { b })
        }
        ExprKind::Local(_)
        | ExprKind::Global(_)
        | ExprKind::Offset
        | ExprKind::Call { .. }
        | ExprKind::Load { .. } => Err(ConstError::NotConstant),
    }
}

/// A unary operation on a value of the result's type.
pub(crate) fn unary(op: UnaryOp, a: Value) -> Value {
    match op {
        UnaryOp::Neg => Value::new(a.ty, a.bits.wrapping_neg()),
        UnaryOp::BitNot => Value::new(a.ty, !a.bits),
        UnaryOp::Not => Value::bool(!a.is_true()),
    }
}

/// The value of `bits` sign-extended from `ty`'s width to 64 bits.
fn signed(a: Value) -> i64 {
    let shift = 64 - a.ty.bits().min(64);
    ((a.bits << shift) as i64) >> shift
}

/// A binary operation; `ty` is the result type.
pub(crate) fn binary(op: BinOp, a: Value, b: Value, ty: Type) -> Result<Value, ConstError> {
    let width = u64::from(a.ty.bits());
    let v = |bits: u64| Ok(Value::new(ty, bits));
    match op {
        BinOp::Add | BinOp::PtrAdd => v(a.bits.wrapping_add(b.bits)),
        BinOp::Sub | BinOp::PtrSub | BinOp::PtrDiff => v(a.bits.wrapping_sub(b.bits)),
        BinOp::Mul => v(a.bits.wrapping_mul(b.bits)),
        BinOp::UDiv | BinOp::URem | BinOp::SDiv | BinOp::SRem if b.bits == 0 => {
            Err(ConstError::DivisionByZero)
        }
        BinOp::UDiv => v(a.bits / b.bits),
        BinOp::URem => v(a.bits % b.bits),
        BinOp::SDiv => v(signed(a).wrapping_div(signed(b)) as u64),
        BinOp::SRem => v(signed(a).wrapping_rem(signed(b)) as u64),
        BinOp::And => v(a.bits & b.bits),
        BinOp::Or => v(a.bits | b.bits),
        BinOp::Xor => v(a.bits ^ b.bits),
        BinOp::Shl => v(if b.bits >= width { 0 } else { a.bits << b.bits }),
        BinOp::LShr => v(if b.bits >= width { 0 } else { a.bits >> b.bits }),
        BinOp::AShr => {
            let amount = b.bits.min(63) as u32;
            v((signed(a) >> amount) as u64)
        }
        BinOp::Eq => Ok(Value::bool(a.bits == b.bits)),
        BinOp::Ne => Ok(Value::bool(a.bits != b.bits)),
        BinOp::ULt => Ok(Value::bool(a.bits < b.bits)),
        BinOp::ULe => Ok(Value::bool(a.bits <= b.bits)),
        BinOp::UGt => Ok(Value::bool(a.bits > b.bits)),
        BinOp::UGe => Ok(Value::bool(a.bits >= b.bits)),
        BinOp::SLt => Ok(Value::bool(signed(a) < signed(b))),
        BinOp::SLe => Ok(Value::bool(signed(a) <= signed(b))),
        BinOp::SGt => Ok(Value::bool(signed(a) > signed(b))),
        BinOp::SGe => Ok(Value::bool(signed(a) >= signed(b))),
        BinOp::LogicalAnd => Ok(Value::bool(a.is_true() && b.is_true())),
        BinOp::LogicalOr => Ok(Value::bool(a.is_true() || b.is_true())),
    }
}

/// A cast to `to`.
pub(crate) fn cast(kind: CastKind, a: Value, to: Type) -> Value {
    match kind {
        CastKind::Bits | CastKind::Truncate | CastKind::ZeroExtend | CastKind::FromBool => {
            Value::new(to, a.bits)
        }
        CastKind::SignExtend => Value::new(to, signed(a) as u64),
        CastKind::ToPtr => {
            let wide = if a.ty.is_signed() {
                signed(a) as u64
            } else {
                a.bits
            };
            Value::new(to, wide)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn val(ty: Type, n: i64) -> Value {
        Value::new(ty, n as u64)
    }

    #[test]
    fn arithmetic_wraps_and_respects_sign() {
        let r = |op, a, b| binary(op, a, b, a.ty).map(|v| v.to_i128());
        assert_eq!(r(BinOp::Add, val(Type::U8, 250), val(Type::U8, 10)), Ok(4));
        assert_eq!(
            r(BinOp::SDiv, val(Type::I8, -128), val(Type::I8, -1)),
            Ok(-128)
        );
        assert_eq!(r(BinOp::SRem, val(Type::I8, -7), val(Type::I8, 2)), Ok(-1));
        assert_eq!(
            r(BinOp::UDiv, val(Type::U8, 7), val(Type::U8, 0)),
            Err(ConstError::DivisionByZero)
        );
        assert_eq!(r(BinOp::Shl, val(Type::U8, 1), val(Type::U8, 8)), Ok(0));
        assert_eq!(
            r(BinOp::AShr, val(Type::I8, -8), val(Type::I8, 100)),
            Ok(-1)
        );
        assert_eq!(r(BinOp::AShr, val(Type::I8, -8), val(Type::I8, 1)), Ok(-4));
        assert_eq!(
            r(BinOp::LShr, val(Type::U32, -1), val(Type::U32, 28)),
            Ok(15)
        );
        let lt = binary(
            BinOp::SLt,
            val(Type::I32, -1),
            val(Type::I32, 0),
            Type::Bool,
        );
        assert_eq!(lt, Ok(Value::bool(true)));
        let ult = binary(
            BinOp::ULt,
            val(Type::U32, -1),
            val(Type::U32, 0),
            Type::Bool,
        );
        assert_eq!(ult, Ok(Value::bool(false)));
    }

    #[test]
    fn casts() {
        assert_eq!(
            cast(CastKind::SignExtend, val(Type::I8, -1), Type::U64).bits,
            u64::MAX
        );
        assert_eq!(
            cast(CastKind::ZeroExtend, val(Type::U8, 255), Type::I64).to_i128(),
            255
        );
        assert_eq!(
            cast(CastKind::Truncate, val(Type::U64, 0x1234), Type::U8).bits,
            0x34
        );
        assert_eq!(
            cast(CastKind::Bits, val(Type::U32, -1), Type::I32).to_i128(),
            -1
        );
        assert_eq!(
            cast(CastKind::ToPtr, val(Type::I32, -1), Type::Ptr).bits,
            u64::MAX
        );
    }
}
