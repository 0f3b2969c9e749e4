//! Type checking of expressions: literal adaptation, operator resolution, calls and built-ins.
//!
//! An integer literal has no type of its own: it takes the type its context expects (the other
//! operand of a binary operation, a parameter, a declared type), and `u64` when nothing
//! expects one. [`is_untyped`] says which expressions are built of such literals only.

use super::consteval::{self, ConstError};
use super::{Checker, Ctx, Resolved};
use crate::ast::{self, BinaryOp, IntBase};
use crate::checked::{BinOp, Builtin, CastKind, Expr, ExprKind, UnaryOp, Value};
use crate::diagnostic::{Diagnostic, Error};
use crate::source::Span;
use crate::suggest;
use crate::types::Type;

/// Whether an expression is made of integer literals only, so that it adapts to the type its
/// context expects.
pub(crate) fn is_untyped(e: &ast::Expr) -> bool {
    match &e.kind {
        ast::ExprKind::Int { .. } => true,
        ast::ExprKind::Unary { op, operand } => {
            matches!(op, ast::UnaryOp::Neg | ast::UnaryOp::BitNot) && is_untyped(operand)
        }
        ast::ExprKind::Binary { op, lhs, rhs, .. } => {
            is_arithmetic(*op) && is_untyped(lhs) && is_untyped(rhs)
        }
        ast::ExprKind::If {
            then_value,
            else_value,
            ..
        } => is_untyped(then_value) && is_untyped(else_value),
        _ => false,
    }
}

fn is_arithmetic(op: BinaryOp) -> bool {
    matches!(
        op,
        BinaryOp::Add
            | BinaryOp::Sub
            | BinaryOp::Mul
            | BinaryOp::Div
            | BinaryOp::Rem
            | BinaryOp::BitAnd
            | BinaryOp::BitOr
            | BinaryOp::BitXor
            | BinaryOp::Shl
            | BinaryOp::Shr
    )
}

/// The range of values an integer literal may have in `ty`: unsigned types take
/// `0 ..= 2^n - 1`; signed types take decimal `-2^(n-1) ..= 2^(n-1) - 1`, and hex, octal,
/// binary and character literals as bit patterns `0 ..= 2^n - 1`.
fn literal_fits(value: u64, negative: bool, base: IntBase, ty: Type) -> bool {
    let bits = ty.bits();
    let value = u128::from(value);
    if negative {
        ty.is_signed() && value <= 1u128 << (bits - 1) || value == 0
    } else if ty.is_signed() && base == IntBase::Decimal {
        value < 1u128 << (bits - 1)
    } else {
        value < 1u128 << bits
    }
}

impl Checker<'_> {
    /// Checks an expression whose type must be `ty`, reporting a mismatch.
    pub(crate) fn expr_as(&mut self, e: &ast::Expr, ty: Type, cx: Ctx<'_>) -> Option<Expr> {
        let checked = self.expr(e, Some(ty), cx)?;
        if checked.ty != ty {
            let hint = self.conversion_hint(checked.span, ty, checked.ty);
            self.error_hint(
                checked.span,
                Error::TypeMismatch {
                    expected: format!("`{ty}`"),
                    found: checked.ty,
                },
                hint,
            );
            return None;
        }
        Some(checked)
    }

    /// How to turn a value of `found` into `expected`, quoting the expression when short.
    pub(crate) fn conversion_hint(
        &self,
        span: Span,
        expected: Type,
        found: Type,
    ) -> Option<String> {
        let text = self.source.slice(span);
        let text = if text.len() <= 30 && !text.contains('\n') {
            if text.contains(' ') && !(text.starts_with('(') && text.ends_with(')')) {
                format!("({text})")
            } else {
                text.to_string()
            }
        } else {
            "...".to_string()
        };
        match (expected, found) {
            (Type::Bool, _) if found.is_integer() => {
                Some(format!("compare with zero: `{text} != 0`"))
            }
            (Type::Bool, Type::Ptr) => Some(format!("compare with null: `{text} != 0 as ptr`")),
            (_, Type::Bool) if expected.is_integer() => Some(format!(
                "`{text} as {expected}` gives 0 or 1, or pick values with `if {text} then 1 else 0`"
            )),
            (Type::Ptr, _) if found.is_integer() => Some(format!(
                "convert with `{text} as ptr`; an offset from a pointer is `p + n`"
            )),
            _ if (expected.is_integer() || expected == Type::Ptr)
                && (found.is_integer() || found == Type::Ptr) =>
            {
                Some(format!("convert with `{text} as {expected}`"))
            }
            _ => None,
        }
    }

    /// Checks an expression. `expected` only gives literals their type; the caller compares
    /// the result's type with what it needs. `None` means an error was reported (or an
    /// earlier error makes the expression unknowable).
    pub(crate) fn expr(
        &mut self,
        e: &ast::Expr,
        expected: Option<Type>,
        cx: Ctx<'_>,
    ) -> Option<Expr> {
        let span = e.span;
        let make = |kind, ty| Some(Expr { kind, ty, span });
        match &e.kind {
            ast::ExprKind::Error => None,
            ast::ExprKind::Int { value, base } => {
                self.literal(*value, false, *base, expected, span)
            }
            ast::ExprKind::Bool(b) => make(ExprKind::Const(Value::bool(*b)), Type::Bool),
            ast::ExprKind::Offset => {
                if cx.offset {
                    make(ExprKind::Offset, Type::U64)
                } else if cx.fun.is_none() {
                    self.error(span, Error::NotConstant("`_`"));
                    None
                } else {
                    self.error_hint(
                        span,
                        Error::OffsetOutsideStore,
                        Some(
                            "`store p[a .. b] = f(_)` writes byte `f(k)` at offset `a + k`".into(),
                        ),
                    );
                    None
                }
            }
            ast::ExprKind::Name(ident) => {
                if cx.fun.is_none() {
                    self.error(span, Error::NotConstant("a name"));
                    return None;
                }
                match self.resolve(&ident.name, cx.fun) {
                    Resolved::Local(id, ty) => make(ExprKind::Local(id), ty),
                    Resolved::Global(name, ty) => make(ExprKind::Global(name), ty),
                    Resolved::Poisoned => None,
                    Resolved::Function => {
                        self.error_hint(
                            span,
                            Error::NotAValue(ident.name.clone()),
                            Some(format!("call it: `{}(...)`", ident.name)),
                        );
                        None
                    }
                    Resolved::Unknown => {
                        self.unknown_name(&ident.name, span, cx.fun);
                        None
                    }
                }
            }
            ast::ExprKind::Unary { op, operand } => self.unary(*op, operand, expected, span, cx),
            ast::ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => self.binary(*op, *op_span, lhs, rhs, expected, span, cx),
            ast::ExprKind::Cast { value, ty } => self.cast(value, ty, span, cx),
            ast::ExprKind::Call { callee, args } => self.call(callee, args, expected, span, cx),
            ast::ExprKind::Load { addr, ty } => {
                if cx.fun.is_none() {
                    self.error(span, Error::NotConstant("a memory read"));
                    return None;
                }
                let addr = self.expr_as(addr, Type::Ptr, cx);
                let ty = self.machine_type(ty, "in memory")?;
                make(
                    ExprKind::Load {
                        addr: Box::new(addr?),
                    },
                    ty,
                )
            }
            ast::ExprKind::Index { base, offset } => {
                if cx.fun.is_none() {
                    self.error(span, Error::NotConstant("a memory read"));
                    return None;
                }
                let addr = self.byte_address(base, offset, span, cx)?;
                make(
                    ExprKind::Load {
                        addr: Box::new(addr),
                    },
                    Type::U8,
                )
            }
            ast::ExprKind::If {
                cond,
                then_value,
                else_value,
            } => {
                let cond = self.expr_as(cond, Type::Bool, cx);
                let (a, b) = self.pair(then_value, else_value, expected, cx, |t| t)?;
                if a.ty != b.ty {
                    self.push(
                        Diagnostic::new(
                            self.source.clone(),
                            b.span,
                            Error::TypeMismatch {
                                expected: format!("`{}` (the type of the `then` value)", a.ty),
                                found: b.ty,
                            },
                        )
                        .with_note(a.span, format!("this is `{}`", a.ty)),
                    );
                    return None;
                }
                let ty = a.ty;
                make(
                    ExprKind::If {
                        cond: Box::new(cond?),
                        then_value: Box::new(a),
                        else_value: Box::new(b),
                    },
                    ty,
                )
            }
        }
    }

    /// `base + offset` as the address of one byte: `base` a `ptr`, `offset` a `u64`.
    pub(crate) fn byte_address(
        &mut self,
        base: &ast::Expr,
        offset: &ast::Expr,
        span: Span,
        cx: Ctx<'_>,
    ) -> Option<Expr> {
        let base = self.expr_as(base, Type::Ptr, cx);
        let offset = self.expr_as(offset, Type::U64, cx);
        Some(Expr {
            kind: ExprKind::Binary {
                op: BinOp::PtrAdd,
                lhs: Box::new(base?),
                rhs: Box::new(offset?),
            },
            ty: Type::Ptr,
            span,
        })
    }

    /// An integer literal (negated when `negative`) in the expected integer type, or `u64`.
    fn literal(
        &mut self,
        value: u64,
        negative: bool,
        base: IntBase,
        expected: Option<Type>,
        span: Span,
    ) -> Option<Expr> {
        let ty = expected.filter(|t| t.is_integer()).unwrap_or(Type::U64);
        if !literal_fits(value, negative, base, ty) {
            let literal = format!(
                "{}{}",
                if negative { "-" } else { "" },
                self.source.slice(span).trim_start_matches('-').trim()
            );
            let hint = if negative && !ty.is_signed() {
                format!("`{ty}` is unsigned; use a signed type, or `~0` for all ones")
            } else {
                let (min, max) = if ty.is_signed() {
                    (-(1i128 << (ty.bits() - 1)), (1i128 << (ty.bits() - 1)) - 1)
                } else {
                    (0, (1i128 << ty.bits()) - 1)
                };
                format!("`{ty}` holds {min} ..= {max}")
            };
            self.error_hint(span, Error::LiteralOutOfRange { literal, ty }, Some(hint));
            return None;
        }
        let bits = if negative {
            value.wrapping_neg()
        } else {
            value
        };
        Some(Expr {
            kind: ExprKind::Const(Value::new(ty, bits)),
            ty,
            span,
        })
    }

    fn unary(
        &mut self,
        op: ast::UnaryOp,
        operand: &ast::Expr,
        expected: Option<Type>,
        span: Span,
        cx: Ctx<'_>,
    ) -> Option<Expr> {
        // A minus sign directly on a literal makes a negative literal.
        if let (ast::UnaryOp::Neg, ast::ExprKind::Int { value, base }) = (op, &operand.kind) {
            return self.literal(*value, true, *base, expected, span);
        }
        let x = self.expr(operand, expected, cx)?;
        let (op, ok) = match op {
            ast::UnaryOp::Neg => (UnaryOp::Neg, x.ty.is_integer()),
            ast::UnaryOp::BitNot => (UnaryOp::BitNot, x.ty.is_integer()),
            ast::UnaryOp::Not => (UnaryOp::Not, x.ty == Type::Bool),
        };
        if !ok {
            let hint = match (op, x.ty) {
                (UnaryOp::Not, t) if t.is_integer() => Some(
                    "`!` is logical not; bitwise not is `~`, and `x == 0` tests for zero".into(),
                ),
                (UnaryOp::BitNot, Type::Bool) => Some("logical not is `!`".into()),
                _ => None,
            };
            let text = match op {
                UnaryOp::Neg => "-",
                UnaryOp::Not => "!",
                UnaryOp::BitNot => "~",
            };
            self.error_hint(span, Error::BadOperand { op: text, ty: x.ty }, hint);
            return None;
        }
        let ty = x.ty;
        Some(Expr {
            kind: ExprKind::Unary {
                op,
                operand: Box::new(x),
            },
            ty,
            span,
        })
    }

    /// Checks two operands that must agree. An operand made of literals only takes the other
    /// operand's type (through `adapt`, for `p + 1`); two such operands take `expected` (when
    /// it is an integer type) or `u64`.
    pub(crate) fn pair(
        &mut self,
        a: &ast::Expr,
        b: &ast::Expr,
        expected: Option<Type>,
        cx: Ctx<'_>,
        adapt: impl Fn(Type) -> Type,
    ) -> Option<(Expr, Expr)> {
        match (is_untyped(a), is_untyped(b)) {
            (true, true) => {
                let ty = expected.filter(|t| t.is_integer()).unwrap_or(Type::U64);
                let x = self.expr(a, Some(ty), cx);
                let y = self.expr(b, Some(ty), cx);
                Some((x?, y?))
            }
            (true, false) => {
                let y = self.expr(b, None, cx);
                let x = self.expr(a, Some(y.as_ref().map_or(Type::U64, |y| y.ty)), cx);
                Some((x?, y?))
            }
            _ => {
                let x = self.expr(a, None, cx);
                let y = self.expr(b, x.as_ref().map(|x| adapt(x.ty)), cx);
                Some((x?, y?))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn binary(
        &mut self,
        op: BinaryOp,
        op_span: Span,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        expected: Option<Type>,
        span: Span,
        cx: Ctx<'_>,
    ) -> Option<Expr> {
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            let x = self.expr_as(lhs, Type::Bool, cx);
            let y = self.expr_as(rhs, Type::Bool, cx);
            let op = if op == BinaryOp::And {
                BinOp::LogicalAnd
            } else {
                BinOp::LogicalOr
            };
            return Some(binary_expr(op, x?, y?, Type::Bool, span));
        }
        let pointer_arithmetic = matches!(op, BinaryOp::Add | BinaryOp::Sub);
        let expected = if op.is_comparison() { None } else { expected };
        let (x, y) = self.pair(lhs, rhs, expected, cx, |t| {
            if t == Type::Ptr && pointer_arithmetic {
                Type::U64
            } else {
                t
            }
        })?;
        let (a, b) = (x.ty, y.ty);
        let signed = a.is_signed();
        let resolved = match op {
            BinaryOp::Add if a == Type::Ptr && b == Type::U64 => Some((BinOp::PtrAdd, Type::Ptr)),
            BinaryOp::Sub if a == Type::Ptr && b == Type::U64 => Some((BinOp::PtrSub, Type::Ptr)),
            BinaryOp::Sub if a == Type::Ptr && b == Type::Ptr => Some((BinOp::PtrDiff, Type::U64)),
            _ if a != b => None,
            BinaryOp::Eq => Some((BinOp::Eq, Type::Bool)),
            BinaryOp::Ne => Some((BinOp::Ne, Type::Bool)),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge if a != Type::Bool => {
                let op = match (op, signed) {
                    (BinaryOp::Lt, false) => BinOp::ULt,
                    (BinaryOp::Le, false) => BinOp::ULe,
                    (BinaryOp::Gt, false) => BinOp::UGt,
                    (BinaryOp::Ge, false) => BinOp::UGe,
                    (BinaryOp::Lt, true) => BinOp::SLt,
                    (BinaryOp::Le, true) => BinOp::SLe,
                    (BinaryOp::Gt, true) => BinOp::SGt,
                    _ => BinOp::SGe,
                };
                Some((op, Type::Bool))
            }
            _ if !a.is_integer() => None,
            BinaryOp::Add => Some((BinOp::Add, a)),
            BinaryOp::Sub => Some((BinOp::Sub, a)),
            BinaryOp::Mul => Some((BinOp::Mul, a)),
            BinaryOp::Div => Some((if signed { BinOp::SDiv } else { BinOp::UDiv }, a)),
            BinaryOp::Rem => Some((if signed { BinOp::SRem } else { BinOp::URem }, a)),
            BinaryOp::BitAnd => Some((BinOp::And, a)),
            BinaryOp::BitOr => Some((BinOp::Or, a)),
            BinaryOp::BitXor => Some((BinOp::Xor, a)),
            BinaryOp::Shl => Some((BinOp::Shl, a)),
            BinaryOp::Shr => Some((if signed { BinOp::AShr } else { BinOp::LShr }, a)),
            _ => None,
        };
        if let Some((op, ty)) = resolved {
            return Some(binary_expr(op, x, y, ty, span));
        }
        // Explain the failure.
        if a != b {
            let hint = if a == Type::Ptr || b == Type::Ptr {
                if b == Type::Ptr && a.is_integer() && pointer_arithmetic {
                    Some("pointer arithmetic is `ptr + u64`, `ptr - u64` and `ptr - ptr`; write the pointer first".to_string())
                } else {
                    Some(
                        "pointer arithmetic is `ptr + u64`, `ptr - u64` and `ptr - ptr`"
                            .to_string(),
                    )
                }
            } else if a.is_integer() && b.is_integer() {
                let text = self.source.slice(y.span);
                let text = if text.len() <= 30 { text } else { "..." };
                let paren = if text.contains(' ') {
                    format!("({text})")
                } else {
                    text.to_string()
                };
                Some(format!(
                    "operands must have the same type; convert one with `as`, e.g. `{paren} as {a}`"
                ))
            } else {
                None
            };
            let mut d = Diagnostic::new(
                self.source.clone(),
                op_span,
                Error::OperandMismatch {
                    op: op.text(),
                    lhs: a,
                    rhs: b,
                },
            )
            .with_note(x.span, format!("`{a}`"))
            .with_note(y.span, format!("`{b}`"));
            if let Some(hint) = hint {
                d = d.with_hint(hint);
            }
            self.push(d);
        } else {
            let hint = match (op, a) {
                (BinaryOp::BitAnd | BinaryOp::BitOr, Type::Bool) => {
                    Some("logical operators are `&&` and `||`".to_string())
                }
                (_, Type::Ptr) => {
                    Some("convert the addresses with `as u64` to compute with them".to_string())
                }
                _ => None,
            };
            self.error_hint(
                op_span,
                Error::BadOperand {
                    op: op.text(),
                    ty: a,
                },
                hint,
            );
        }
        None
    }

    fn cast(
        &mut self,
        value: &ast::Expr,
        ty: &ast::TypeName,
        span: Span,
        cx: Ctx<'_>,
    ) -> Option<Expr> {
        let to = self.value_type(ty, "in a cast");
        // A literal takes the cast's type directly (`-1 as i32`); to `ptr` it goes through u64.
        let hint = to.filter(|t| t.is_integer());
        let x = self.expr(value, hint, cx);
        let (x, to) = (x?, to?);
        let from = x.ty;
        let kind = match (from, to) {
            (Type::Bool, Type::Bool) | (Type::Ptr, Type::Ptr) => Some(CastKind::Bits),
            (Type::Bool, t) if t.is_integer() => Some(CastKind::FromBool),
            (f, Type::Ptr) if f.is_integer() => Some(CastKind::ToPtr),
            (Type::Ptr, t) if t.is_integer() => Some(if t.bits() == 64 {
                CastKind::Bits
            } else {
                CastKind::Truncate
            }),
            (f, t) if f.is_integer() && t.is_integer() => Some(if f.bits() == t.bits() {
                CastKind::Bits
            } else if f.bits() > t.bits() {
                CastKind::Truncate
            } else if f.is_signed() {
                CastKind::SignExtend
            } else {
                CastKind::ZeroExtend
            }),
            _ => None,
        };
        let Some(kind) = kind else {
            let hint = match (from, to) {
                (f, Type::Bool) if f.is_integer() => {
                    Some("compare with zero instead: `x != 0`".to_string())
                }
                (Type::Ptr, Type::Bool) => {
                    Some("compare with null instead: `p != 0 as ptr`".to_string())
                }
                (Type::Bool, Type::Ptr) => None,
                _ => None,
            };
            self.error_hint(span, Error::BadCast { from, to }, hint);
            return None;
        };
        Some(Expr {
            kind: ExprKind::Cast {
                kind,
                value: Box::new(x),
            },
            ty: to,
            span,
        })
    }

    fn call(
        &mut self,
        callee: &ast::Ident,
        args: &[ast::Expr],
        expected: Option<Type>,
        span: Span,
        cx: Ctx<'_>,
    ) -> Option<Expr> {
        let name = callee.name.as_str();
        if cx.fun.is_none() && name != "min" && name != "max" {
            self.error(span, Error::NotConstant("a function call"));
            return None;
        }
        let arity = |this: &mut Self, n: usize| {
            if args.len() == n {
                true
            } else {
                this.error(
                    span,
                    Error::ArgCount {
                        function: name.to_string(),
                        expected: n,
                        found: args.len(),
                    },
                );
                false
            }
        };
        match name {
            "cstring_length" => {
                if !arity(self, 2) {
                    return None;
                }
                let s = self.expr_as(&args[0], Type::Ptr, cx);
                let max = self.expr_as(&args[1], Type::U64, cx);
                return Some(Expr {
                    kind: ExprKind::Builtin {
                        builtin: Builtin::CStringLength,
                        args: vec![s?, max?],
                    },
                    ty: Type::U64,
                    span,
                });
            }
            "min" | "max" => {
                if !arity(self, 2) {
                    return None;
                }
                let (a, b) = self.pair(&args[0], &args[1], expected, cx, |t| t)?;
                if a.ty != b.ty || !a.ty.is_integer() {
                    let error = if a.ty != b.ty {
                        Error::OperandMismatch {
                            op: if name == "min" { "min" } else { "max" },
                            lhs: a.ty,
                            rhs: b.ty,
                        }
                    } else {
                        Error::BadOperand {
                            op: if name == "min" { "min" } else { "max" },
                            ty: a.ty,
                        }
                    };
                    self.error(span, error);
                    return None;
                }
                let builtin = match (name, a.ty.is_signed()) {
                    ("min", false) => Builtin::UMin,
                    ("min", true) => Builtin::SMin,
                    (_, false) => Builtin::UMax,
                    (_, true) => Builtin::SMax,
                };
                let ty = a.ty;
                return Some(Expr {
                    kind: ExprKind::Builtin {
                        builtin,
                        args: vec![a, b],
                    },
                    ty,
                    span,
                });
            }
            _ => {}
        }
        let Some(function) = self.lookup_uninterpreted(name).cloned() else {
            // Check the arguments for their own errors.
            for a in args {
                let _ = self.expr(a, None, cx);
            }
            match self.resolve(name, cx.fun) {
                Resolved::Local(id, _) => {
                    let what = match cx
                        .fun
                        .and_then(|f| f.locals.get(id.index()))
                        .map(|l| l.kind)
                    {
                        Some(crate::checked::LocalKind::Param(_)) => "parameter",
                        _ => "`let` binding",
                    };
                    self.error(
                        callee.span,
                        Error::NotAFunction {
                            name: name.to_string(),
                            what,
                        },
                    );
                }
                Resolved::Global(..) => self.error(
                    callee.span,
                    Error::NotAFunction {
                        name: name.to_string(),
                        what: "ghost global",
                    },
                ),
                Resolved::Poisoned => {}
                Resolved::Function | Resolved::Unknown => {
                    let mut candidates: Vec<&str> = super::BUILTINS.to_vec();
                    candidates.push("load");
                    candidates.extend(self.uninterpreted.keys().map(String::as_str));
                    candidates.extend(self.env.uninterpreted.keys().map(|k| &**k));
                    let hint = suggest::did_you_mean(name, candidates).or_else(|| {
                        Some(
                            "the built-ins are `cstring_length`, `min`, `max` and `load`; \
                             declare other functions with `uninterpreted`"
                                .to_string(),
                        )
                    });
                    self.error_hint(callee.span, Error::UnknownFunction(name.to_string()), hint);
                }
            }
            return None;
        };
        if args.len() != function.params.len() {
            for a in args {
                let _ = self.expr(a, None, cx);
            }
            let d = Diagnostic::new(
                self.source.clone(),
                span,
                Error::ArgCount {
                    function: name.to_string(),
                    expected: function.params.len(),
                    found: args.len(),
                },
            );
            let signature = function
                .params
                .iter()
                .map(|(n, t)| format!("{n}: {t}"))
                .collect::<Vec<_>>()
                .join(", ");
            self.push(d.with_hint(format!(
                "it is declared `{name}({signature}) -> {}`",
                function.ret
            )));
            return None;
        }
        let mut checked = Vec::new();
        let mut ok = true;
        for (a, (_, ty)) in args.iter().zip(&function.params) {
            match self.expr_as(a, *ty, cx) {
                Some(a) => checked.push(a),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        Some(Expr {
            kind: ExprKind::Call {
                function: function.name.clone(),
                args: checked,
            },
            ty: function.ret,
            span,
        })
    }

    /// A constant of type `ty`: checked without access to names or memory, then evaluated.
    pub(crate) fn constant(&mut self, e: &ast::Expr, ty: Type) -> Option<Value> {
        let checked = self.expr_as(e, ty, Ctx::CONSTANT)?;
        match consteval::eval(&checked) {
            Ok(value) => Some(value),
            Err(ConstError::DivisionByZero) => {
                self.error(e.span, Error::ConstDivisionByZero);
                None
            }
            // The checker rejected every non-constant node already.
            Err(ConstError::NotConstant) => None,
        }
    }
}

fn binary_expr(op: BinOp, lhs: Expr, rhs: Expr, ty: Type, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        ty,
        span,
    }
}
