//! Pure bitvector expressions and their operators.
//!
//! Every value is a bitvector of a fixed width between 1 and 128 bits; width 1 is the boolean
//! type (comparisons yield it, `Ite` and side exits take it). Operators are total and their
//! edge cases are defined here once, following SMT-LIB where it has a rule, so the interpreter
//! and the symbolic executor cannot disagree:
//!
//! - `UDiv x 0 = all ones`, `URem x 0 = x`; `SDiv`/`SRem` as SMT-LIB `bvsdiv`/`bvsrem`
//!   (so `SDiv x 0` is -1 for x >= 0 and 1 for x < 0, and `SDiv MIN (-1) = MIN`);
//! - shifts take an unsigned amount of the same width; an amount >= width gives 0 (`Shl`,
//!   `LShr`) or the sign fill (`AShr`); rotates take the amount modulo the width;
//! - `Clz 0 = Ctz 0 = width`;
//! - floating-point operators read and produce IEEE-754 bit patterns of the given
//!   [`FloatFormat`]; rounding is to nearest-even unless the operator says otherwise, and NaN
//!   results follow the x86 SSE rules, documented in [`crate::float`].

use crate::interp::eval_const;
use crate::machine::Reg;
use crate::stmt::Temp;

/// All ones in the low `width` bits.
pub const fn mask(width: u16) -> u128 {
    if width >= 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    }
}

/// An IEEE-754 binary format, or the x87 80-bit extended format.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FloatFormat {
    F32,
    F64,
    /// x87 double-extended: 1 sign, 15 exponent, explicit integer bit, 63 fraction bits.
    F80,
}

impl FloatFormat {
    pub const fn width(self) -> u16 {
        match self {
            FloatFormat::F32 => 32,
            FloatFormat::F64 => 64,
            FloatFormat::F80 => 80,
        }
    }

    pub const fn suffix(self) -> &'static str {
        match self {
            FloatFormat::F32 => "f32",
            FloatFormat::F64 => "f64",
            FloatFormat::F80 => "f80",
        }
    }
}

/// Rounding for float-to-integer conversions.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Rounding {
    NearestEven,
    Down,
    Up,
    TowardZero,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum UnOp {
    Not,
    Neg,
    Popcount,
    /// Count of leading zero bits.
    Clz,
    /// Count of trailing zero bits.
    Ctz,
    FSqrt(FloatFormat),
    /// Float to float; widening is exact, narrowing rounds to nearest-even.
    FConvert {
        from: FloatFormat,
        to: FloatFormat,
    },
    /// Signed integer (of the argument's width) to float, rounding to nearest-even.
    IntToFloat(FloatFormat),
    /// Float to signed integer of `width` bits. NaN and out-of-range values give the "integer
    /// indefinite" value (the most negative integer), as x86 does.
    FloatToInt {
        from: FloatFormat,
        width: u16,
        rounding: Rounding,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    UDiv,
    SDiv,
    URem,
    SRem,
    And,
    Or,
    Xor,
    Shl,
    LShr,
    AShr,
    RotL,
    RotR,
    Eq,
    Ne,
    Ult,
    Ule,
    Slt,
    Sle,
    FAdd(FloatFormat),
    FSub(FloatFormat),
    FMul(FloatFormat),
    FDiv(FloatFormat),
    /// Ordered and equal (false if either is NaN).
    FEq(FloatFormat),
    /// Ordered and less than.
    FLt(FloatFormat),
    /// Ordered and less than or equal.
    FLe(FloatFormat),
    /// Either operand is NaN.
    FUnordered(FloatFormat),
}

impl BinOp {
    /// Whether the result is a 1-bit truth value rather than a value of the operands' width.
    pub const fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq
                | BinOp::Ne
                | BinOp::Ult
                | BinOp::Ule
                | BinOp::Slt
                | BinOp::Sle
                | BinOp::FEq(_)
                | BinOp::FLt(_)
                | BinOp::FLe(_)
                | BinOp::FUnordered(_)
        )
    }
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Expr {
    Const {
        width: u16,
        value: u128,
    },
    Reg(Reg),
    Temp(Temp),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `if cond (width 1) then a else b`.
    Ite(Box<Expr>, Box<Expr>, Box<Expr>),
    /// Bits `lo .. lo + width` of the argument.
    Extract {
        lo: u16,
        width: u16,
        arg: Box<Expr>,
    },
    /// High part first: `Concat(h, l)` has `l` in its low bits.
    Concat(Box<Expr>, Box<Expr>),
    ZeroExt {
        width: u16,
        arg: Box<Expr>,
    },
    SignExt {
        width: u16,
        arg: Box<Expr>,
    },
}

impl Expr {
    pub fn c(width: u16, value: u128) -> Expr {
        Expr::Const {
            width,
            value: value & mask(width),
        }
    }

    pub fn bool(b: bool) -> Expr {
        Expr::c(1, u128::from(b))
    }

    pub fn zero(width: u16) -> Expr {
        Expr::c(width, 0)
    }

    pub fn ones(width: u16) -> Expr {
        Expr::c(width, u128::MAX)
    }

    pub fn width(&self) -> u16 {
        match self {
            Expr::Const { width, .. } => *width,
            Expr::Reg(r) => r.width,
            Expr::Temp(t) => t.width,
            Expr::Unary(op, a) => match op {
                UnOp::FConvert { to, .. } | UnOp::IntToFloat(to) => to.width(),
                UnOp::FloatToInt { width, .. } => *width,
                _ => a.width(),
            },
            Expr::Binary(op, a, _) => {
                if op.is_comparison() {
                    1
                } else {
                    a.width()
                }
            }
            Expr::Ite(_, a, _) => a.width(),
            Expr::Extract { width, .. }
            | Expr::ZeroExt { width, .. }
            | Expr::SignExt { width, .. } => *width,
            Expr::Concat(h, l) => h.width() + l.width(),
        }
    }

    /// Calls `f` on every temporary the expression reads.
    pub fn for_each_temp(&self, f: &mut impl FnMut(Temp)) {
        match self {
            Expr::Const { .. } | Expr::Reg(_) => {}
            Expr::Temp(t) => f(*t),
            Expr::Unary(_, a)
            | Expr::Extract { arg: a, .. }
            | Expr::ZeroExt { arg: a, .. }
            | Expr::SignExt { arg: a, .. } => a.for_each_temp(f),
            Expr::Binary(_, a, b) | Expr::Concat(a, b) => {
                a.for_each_temp(f);
                b.for_each_temp(f);
            }
            Expr::Ite(c, a, b) => {
                c.for_each_temp(f);
                a.for_each_temp(f);
                b.for_each_temp(f);
            }
        }
    }

    pub fn as_const(&self) -> Option<u128> {
        match self {
            Expr::Const { value, .. } => Some(*value),
            _ => None,
        }
    }

    fn fold(self) -> Expr {
        match eval_const(&self) {
            Some(value) => Expr::c(self.width(), value),
            None => self,
        }
    }

    pub fn unary(op: UnOp, a: Expr) -> Expr {
        let folded = a.as_const().is_some();
        let e = Expr::Unary(op, Box::new(a));
        if folded { e.fold() } else { e }
    }

    pub fn binary(op: BinOp, a: Expr, b: Expr) -> Expr {
        let folded = a.as_const().is_some() && b.as_const().is_some();
        if !folded && let Some(e) = Expr::identity(op, &a, &b) {
            return e;
        }
        let e = Expr::Binary(op, Box::new(a), Box::new(b));
        if folded { e.fold() } else { e }
    }

    /// Algebraic identities that hold for every value (expressions are pure, so two equal
    /// expressions have equal values).
    fn identity(op: BinOp, a: &Expr, b: &Expr) -> Option<Expr> {
        let w = a.width();
        let (ca, cb) = (a.as_const(), b.as_const());
        let ones = mask(w);
        let same = a == b;
        Some(match op {
            BinOp::Xor | BinOp::Sub if same => Expr::zero(w),
            BinOp::And | BinOp::Or if same => a.clone(),
            BinOp::Eq | BinOp::Ule | BinOp::Sle if same => Expr::bool(true),
            BinOp::Ne | BinOp::Ult | BinOp::Slt if same => Expr::bool(false),
            BinOp::Add | BinOp::Or | BinOp::Xor if cb == Some(0) => a.clone(),
            BinOp::Add | BinOp::Or | BinOp::Xor if ca == Some(0) => b.clone(),
            BinOp::Sub | BinOp::Shl | BinOp::LShr | BinOp::AShr if cb == Some(0) => a.clone(),
            BinOp::And if cb == Some(0) || ca == Some(0) => Expr::zero(w),
            BinOp::And if cb == Some(ones) => a.clone(),
            BinOp::And if ca == Some(ones) => b.clone(),
            BinOp::Mul if cb == Some(1) => a.clone(),
            BinOp::Mul if ca == Some(1) => b.clone(),
            _ => return None,
        })
    }

    pub fn ite(cond: Expr, then: Expr, otherwise: Expr) -> Expr {
        match cond.as_const() {
            Some(1) => then,
            Some(_) => otherwise,
            None if then == otherwise => then,
            None => Expr::Ite(Box::new(cond), Box::new(then), Box::new(otherwise)),
        }
    }

    pub fn concat(high: Expr, low: Expr) -> Expr {
        let folded = high.as_const().is_some() && low.as_const().is_some();
        let e = Expr::Concat(Box::new(high), Box::new(low));
        if folded { e.fold() } else { e }
    }

    pub fn extract(self, lo: u16, width: u16) -> Expr {
        if lo == 0 && width == self.width() {
            return self;
        }
        match self {
            // Extracting from a widening returns (part of) the original value.
            Expr::ZeroExt { arg, .. } | Expr::SignExt { arg, .. }
                if lo == 0 && width <= arg.width() =>
            {
                arg.extract(0, width)
            }
            Expr::Extract { lo: inner, arg, .. } => arg.extract(inner + lo, width),
            other => {
                let folded = other.as_const().is_some();
                let e = Expr::Extract {
                    lo,
                    width,
                    arg: Box::new(other),
                };
                if folded { e.fold() } else { e }
            }
        }
    }

    /// The low `width` bits.
    pub fn low(self, width: u16) -> Expr {
        self.extract(0, width)
    }

    /// Bit `i` as a 1-bit value.
    pub fn bit(self, i: u16) -> Expr {
        self.extract(i, 1)
    }

    /// The most significant bit.
    pub fn msb(self) -> Expr {
        let w = self.width();
        self.extract(w - 1, 1)
    }

    pub fn zext(self, width: u16) -> Expr {
        if width == self.width() {
            return self;
        }
        let folded = self.as_const().is_some();
        let e = Expr::ZeroExt {
            width,
            arg: Box::new(self),
        };
        if folded { e.fold() } else { e }
    }

    pub fn sext(self, width: u16) -> Expr {
        if width == self.width() {
            return self;
        }
        let folded = self.as_const().is_some();
        let e = Expr::SignExt {
            width,
            arg: Box::new(self),
        };
        if folded { e.fold() } else { e }
    }

    /// Zero-extends or truncates to `width`.
    pub fn resize(self, width: u16) -> Expr {
        if width <= self.width() {
            self.low(width)
        } else {
            self.zext(width)
        }
    }
}

macro_rules! binary_methods {
    ($($name:ident => $op:ident),* $(,)?) => {
        impl Expr {
            $(
                #[allow(clippy::should_implement_trait)]
                pub fn $name(self, other: Expr) -> Expr {
                    Expr::binary(BinOp::$op, self, other)
                }
            )*
        }
    };
}

binary_methods! {
    add => Add, sub => Sub, mul => Mul, udiv => UDiv, sdiv => SDiv, urem => URem, srem => SRem,
    and => And, or => Or, xor => Xor, shl => Shl, lshr => LShr, ashr => AShr, rotl => RotL,
    rotr => RotR, eq => Eq, ne => Ne, ult => Ult, ule => Ule, slt => Slt, sle => Sle,
}

impl Expr {
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Expr {
        Expr::unary(UnOp::Not, self)
    }

    #[allow(clippy::should_implement_trait)]
    pub fn neg(self) -> Expr {
        Expr::unary(UnOp::Neg, self)
    }

    pub fn ugt(self, other: Expr) -> Expr {
        other.ult(self)
    }

    pub fn uge(self, other: Expr) -> Expr {
        other.ule(self)
    }

    pub fn sgt(self, other: Expr) -> Expr {
        other.slt(self)
    }

    pub fn sge(self, other: Expr) -> Expr {
        other.sle(self)
    }

    /// `self + k` for a constant `k` of the same width.
    pub fn add_const(self, k: u128) -> Expr {
        let w = self.width();
        if k & mask(w) == 0 {
            return self;
        }
        self.add(Expr::c(w, k))
    }

    pub fn is_zero(self) -> Expr {
        let w = self.width();
        self.eq(Expr::zero(w))
    }
}
