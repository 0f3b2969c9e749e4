//! The checked form: names resolved, every expression typed, operators resolved to their
//! signed, unsigned or pointer meaning. This is what interpreters walk.
//!
//! A checked tree exists only for a file without errors, so it holds no error nodes, and its
//! invariants hold (the checker guarantees them):
//!
//! - every [`Expr`] has the type in its `ty`, and the operand types of each [`ExprKind`] are
//!   the ones its documentation states (both operands of [`BinOp::Add`] have the result type,
//!   ...);
//! - [`ExprKind::Offset`] occurs only inside the `value` of [`StmtKind::StoreRange`];
//! - [`LocalId`]s index [`Function::locals`]; the first `params.len()` are the parameters in
//!   order, and a `let` is evaluated before any use of its id;
//! - every path through a `never` function ends in [`StmtKind::Exit`], every path through a
//!   function returning a value ends in [`StmtKind::Return`] with a value or in `Exit`, and no
//!   statement follows a `Return` or `Exit` in its block;
//! - [`Value::bits`] is masked to its type's width ([`Type::mask`]).
//!
//! The meaning of every node in terms of the machine state is specified in
//! `docs/stub-language.md`.

use std::fmt;
use std::sync::Arc;

pub use crate::ast::FunctionKind;
use crate::source::{SourceFile, Span};
use crate::types::{Arch, ReturnType, Type};

/// A name shared between the declaration and its uses (globals, functions, events).
pub type Name = Arc<str>;

/// The checked contents of one stub file.
#[derive(Debug, Clone)]
pub struct StubFile {
    /// The file.
    pub source: Arc<SourceFile>,
    /// The ghost globals it declares, in source order.
    pub globals: Vec<Global>,
    /// The uninterpreted functions it declares, in source order.
    pub uninterpreted: Vec<Uninterpreted>,
    /// Its system calls, in source order.
    pub syscalls: Vec<Function>,
    /// Its library-function stubs, in source order.
    pub stubs: Vec<Function>,
}

/// A ghost global: state that exists only for the verifier, with its initial value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Global {
    /// The name, the global's identity across files.
    pub name: Name,
    /// Its type.
    pub ty: Type,
    /// Its value when the analysis starts.
    pub init: Value,
    /// The declaration.
    pub span: Span,
    /// The file that declares it.
    pub source: Arc<SourceFile>,
}

/// An uninterpreted function: a pure function about which nothing is known but its name and
/// signature, the same in both binaries and for the whole run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uninterpreted {
    /// The name, the function's identity across files.
    pub name: Name,
    /// The parameters' names (for messages) and types.
    pub params: Vec<(Name, Type)>,
    /// The result type.
    pub ret: Type,
    /// The declaration.
    pub span: Span,
    /// The file that declares it.
    pub source: Arc<SourceFile>,
}

/// A system call or library-function stub.
#[derive(Debug, Clone)]
pub struct Function {
    /// `syscall` or `stub`.
    pub kind: FunctionKind,
    /// Its name: the symbol name of a library function; a label for a system call.
    pub name: Name,
    /// For a system call, its number on each architecture it exists on (at least one); empty
    /// for a stub.
    pub numbers: Vec<SyscallNumber>,
    /// The parameters, in calling-convention order; parameter `i` is `LocalId(i)`.
    pub params: Vec<Param>,
    /// The return type.
    pub ret: ReturnType,
    /// The registers the call destroys beyond those the convention always does.
    pub clobbers: Clobbers,
    /// Every local (parameters first, then each `let` in source order), indexed by
    /// [`LocalId`].
    pub locals: Vec<Local>,
    /// The statements.
    pub body: Vec<Stmt>,
    /// The examples of this function from its file, for `tandem stub test`.
    pub examples: Vec<Example>,
    /// The definition (from `syscall`/`stub` to the closing brace).
    pub span: Span,
    /// The file that defines it.
    pub source: Arc<SourceFile>,
}

impl Function {
    /// The number of this system call on `arch`, if it has one there.
    pub fn number(&self, arch: Arch) -> Option<u64> {
        self.numbers
            .iter()
            .find(|n| n.arch == arch)
            .map(|n| n.number)
    }

    /// The local behind an id.
    pub fn local(&self, id: LocalId) -> Option<&Local> {
        self.locals.get(id.index())
    }
}

/// `number ARCH = N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyscallNumber {
    /// The architecture.
    pub arch: Arch,
    /// The system-call number there.
    pub number: u64,
    /// The `number` line.
    pub span: Span,
}

/// A parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Its name.
    pub name: Name,
    /// Its type: an integer type or `ptr`.
    pub ty: Type,
    /// Where it is declared.
    pub span: Span,
}

/// What a stub's `clobbers` lines say, merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clobbers {
    /// `clobbers caller_saved`: every caller-saved register of the calling convention.
    pub caller_saved: bool,
    /// Registers named in `clobbers { ... }` lists, in order (names are checked against the
    /// architecture by the interpreter, not here).
    pub registers: Vec<ClobberedRegister>,
}

/// One register of a `clobbers { ... }` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClobberedRegister {
    /// `Some` when the list was `clobbers ARCH { ... }`: the register is clobbered only there.
    pub arch: Option<Arch>,
    /// The register's name as written.
    pub name: Name,
    /// Where it is written.
    pub span: Span,
}

/// A parameter or `let` binding of a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(pub u32);

impl LocalId {
    /// The index into [`Function::locals`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for LocalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "l{}", self.0)
    }
}

/// A local's name, type and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    /// Its name.
    pub name: Name,
    /// Its type.
    pub ty: Type,
    /// Whether it is a parameter or a `let`.
    pub kind: LocalKind,
    /// Where it is declared.
    pub span: Span,
}

/// Parameter or `let`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalKind {
    /// The parameter at this position.
    Param(usize),
    /// A `let` binding.
    Let,
}

/// A constant: a type and its bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Value {
    /// The type.
    pub ty: Type,
    /// The bits, masked to the type's width; signed values in two's complement, `bool` as 0 or
    /// 1, `ptr` as the address.
    pub bits: u64,
}

impl Value {
    /// A value of `ty` from any bits (masked to the width).
    pub fn new(ty: Type, bits: u64) -> Value {
        Value {
            ty,
            bits: bits & ty.mask(),
        }
    }

    /// A `bool`.
    pub fn bool(b: bool) -> Value {
        Value {
            ty: Type::Bool,
            bits: u64::from(b),
        }
    }

    /// Whether the bits are non-zero (the truth of a `bool`).
    pub fn is_true(self) -> bool {
        self.bits != 0
    }

    /// The value as a signed number when its type is signed, else as an unsigned one.
    pub fn to_i128(self) -> i128 {
        if self.ty.is_signed() {
            let shift = 64 - self.ty.bits();
            i128::from(((self.bits << shift) as i64) >> shift)
        } else {
            i128::from(self.bits)
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ty {
            Type::Bool => write!(f, "{}", self.is_true()),
            Type::Ptr => write!(f, "{:#x}", self.bits),
            _ => write!(f, "{}", self.to_i128()),
        }
    }
}

/// A statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stmt {
    /// What it does.
    pub kind: StmtKind,
    /// Where it is written.
    pub span: Span,
}

/// The statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StmtKind {
    /// Evaluates `value` and binds it to `local` for the rest of the block.
    Let {
        /// The new local.
        local: LocalId,
        /// Its value (of the local's type).
        value: Expr,
    },
    /// Sets a ghost global.
    SetGlobal {
        /// The global.
        global: Name,
        /// The new value (of the global's type).
        value: Expr,
    },
    /// Runs `then_body` when `cond` (a `bool`) holds, `else_body` otherwise.
    If {
        /// The condition.
        cond: Expr,
        /// The statements when it holds.
        then_body: Vec<Stmt>,
        /// The statements otherwise (possibly none).
        else_body: Vec<Stmt>,
    },
    /// Restricts the path to states where the `bool` holds.
    Assume(Expr),
    /// A verification failure with `message` on every path where the `bool` does not hold;
    /// the path goes on assuming it.
    Assert {
        /// The condition.
        cond: Expr,
        /// The message (the written one, or the condition's source text).
        message: String,
    },
    /// Writes one byte at each offset `k` of the range: `value` evaluated with `_` (an
    /// [`ExprKind::Offset`]) equal to `k - start`, all against the state before the statement.
    StoreRange {
        /// The bytes written.
        range: ByteRange,
        /// The byte (`u8`), possibly depending on [`ExprKind::Offset`].
        value: Expr,
    },
    /// Writes `value` (of type `ty`, an integer type or `ptr`) at `addr` (a `ptr`) in the
    /// target's byte order, as many bytes as [`Type::size_in_memory`] gives.
    Store {
        /// The address.
        addr: Expr,
        /// The stored type.
        ty: Type,
        /// The value.
        value: Expr,
    },
    /// Appends an observable event to the trace.
    Event {
        /// The event's name.
        name: Name,
        /// Its arguments.
        args: Vec<EventArg>,
    },
    /// Ends the function; the value (present exactly when the return type is a value type)
    /// goes to the caller.
    Return(Option<Expr>),
    /// Ends the process with the status (an `i32`).
    Exit(Expr),
}

/// The bytes `base + start .. base + end`: the ends are `u64` offsets, the base a `ptr`. An
/// `end` at or below `start` gives no bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteRange {
    /// The base address.
    pub base: Expr,
    /// The first offset.
    pub start: Expr,
    /// One past the last offset.
    pub end: Expr,
    /// The range as written.
    pub span: Span,
}

/// An event argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventArg {
    /// A value (never a `ptr`).
    Value(Expr),
    /// The contents of a byte range, observed as a sequence of bytes.
    Bytes(ByteRange),
}

/// A typed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its type.
    pub ty: Type,
    /// Where it is written.
    pub span: Span,
}

/// The expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    /// A constant of the expression's type.
    Const(Value),
    /// A parameter or `let`.
    Local(LocalId),
    /// The current value of a ghost global.
    Global(Name),
    /// `_`: the offset within the range of the byte being stored (`u64`).
    Offset,
    /// A unary operation; the operand has the result type.
    Unary {
        /// The operation.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// A binary operation; see [`BinOp`] for operand and result types.
    Binary {
        /// The operation.
        op: BinOp,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
        rhs: Box<Expr>,
    },
    /// A conversion from `value.ty` to the expression's type.
    Cast {
        /// How the bits change.
        kind: CastKind,
        /// The converted value.
        value: Box<Expr>,
    },
    /// An application of an uninterpreted function; the arguments have its parameter types.
    Call {
        /// The function.
        function: Name,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// A built-in function.
    Builtin {
        /// Which one.
        builtin: Builtin,
        /// The arguments, typed as [`Builtin`] says.
        args: Vec<Expr>,
    },
    /// The value of the expression's type stored at `addr` (a `ptr`) in the target's byte
    /// order. `p[i]` is `Load` of `u8` at `p + i`.
    Load {
        /// The address.
        addr: Box<Expr>,
    },
    /// `if cond then a else b`: only the chosen branch is evaluated.
    If {
        /// The condition (`bool`).
        cond: Box<Expr>,
        /// The value when it holds.
        then_value: Box<Expr>,
        /// The value otherwise.
        else_value: Box<Expr>,
    },
}

/// Unary operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// Two's-complement negation of an integer (wrapping).
    Neg,
    /// Logical not of a `bool`.
    Not,
    /// Bitwise not of an integer.
    BitNot,
}

/// Binary operations, resolved: signedness and pointer arithmetic are explicit. Unless said
/// otherwise both operands and the result have one integer type and arithmetic wraps modulo
/// 2^bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b` (the low bits of the product)
    Mul,
    /// Unsigned division; a zero divisor is a verification failure.
    UDiv,
    /// Signed division rounding toward zero; `MIN / -1` is `MIN`; a zero divisor is a
    /// verification failure.
    SDiv,
    /// Unsigned remainder; a zero divisor is a verification failure.
    URem,
    /// Signed remainder with the sign of the dividend; `MIN % -1` is 0; a zero divisor is a
    /// verification failure.
    SRem,
    /// Bitwise and.
    And,
    /// Bitwise or.
    Or,
    /// Bitwise exclusive or.
    Xor,
    /// Left shift; an amount (taken unsigned) at or above the width gives 0.
    Shl,
    /// Logical right shift (unsigned types); an amount at or above the width gives 0.
    LShr,
    /// Arithmetic right shift (signed types); an amount at or above the width gives 0 or -1
    /// by the sign.
    AShr,
    /// Equality of two values of one type (any type); result `bool`.
    Eq,
    /// Inequality; result `bool`.
    Ne,
    /// Unsigned `<` (unsigned integers and `ptr`); result `bool`.
    ULt,
    /// Unsigned `<=`.
    ULe,
    /// Unsigned `>`.
    UGt,
    /// Unsigned `>=`.
    UGe,
    /// Signed `<` (signed integers); result `bool`.
    SLt,
    /// Signed `<=`.
    SLe,
    /// Signed `>`.
    SGt,
    /// Signed `>=`.
    SGe,
    /// `&&` on `bool`: the right operand is evaluated only when the left holds.
    LogicalAnd,
    /// `||` on `bool`: the right operand is evaluated only when the left does not hold.
    LogicalOr,
    /// `ptr + u64` → `ptr`, wrapping at the target's pointer width.
    PtrAdd,
    /// `ptr - u64` → `ptr`, wrapping at the target's pointer width.
    PtrSub,
    /// `ptr - ptr` → `u64`: the difference of the addresses modulo 2^64.
    PtrDiff,
}

impl BinOp {
    /// Whether the result is a `bool` comparison of its operands.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq
                | BinOp::Ne
                | BinOp::ULt
                | BinOp::ULe
                | BinOp::UGt
                | BinOp::UGe
                | BinOp::SLt
                | BinOp::SLe
                | BinOp::SGt
                | BinOp::SGe
        )
    }
}

/// How a cast changes the bits of `value.ty` into the target type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CastKind {
    /// Same width: the bits are kept (`u32 as i32`, `ptr as u64`, `u64 as u64`).
    Bits,
    /// To a narrower type: the low bits are kept.
    Truncate,
    /// From an unsigned type (or `ptr`) to a wider one.
    ZeroExtend,
    /// From a signed type to a wider one.
    SignExtend,
    /// `bool` to an integer: 0 or 1.
    FromBool,
    /// An integer to `ptr`: extended to 64 bits by its signedness, then reduced modulo the
    /// target's pointer width.
    ToPtr,
}

/// The built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `cstring_length(s: ptr, max: u64) -> u64`: the smallest `k < max` with `s[k] == 0`, or
    /// `max` when there is none. Reads `s[0]`, `s[1]`, ... up to and including the terminator
    /// (at most `max` bytes).
    CStringLength,
    /// `min(a, b)` on unsigned integers.
    UMin,
    /// `min(a, b)` on signed integers.
    SMin,
    /// `max(a, b)` on unsigned integers.
    UMax,
    /// `max(a, b)` on signed integers.
    SMax,
}

impl Builtin {
    /// The name as written in source.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::CStringLength => "cstring_length",
            Builtin::UMin | Builtin::SMin => "min",
            Builtin::UMax | Builtin::SMax => "max",
        }
    }
}

/// A concrete example for `tandem stub test`: the inputs and what should come out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The optional title.
    pub title: Option<String>,
    /// The arguments, one per parameter, in order.
    pub args: Vec<ExampleArg>,
    /// Ghost globals that start with another value than their declared initial one.
    pub given_globals: Vec<(Name, Value)>,
    /// Values of uninterpreted functions at given arguments.
    pub given_calls: Vec<GivenCall>,
    /// How the call should end.
    pub outcome: Outcome,
    /// The expected bytes, after the call, at the start of the blocks passed for these
    /// pointer parameters.
    pub after_memory: Vec<(LocalId, Vec<u8>)>,
    /// The expected values of ghost globals after the call.
    pub after_globals: Vec<(Name, Value)>,
    /// The expected events in order, when the example states them (`events none` is
    /// `Some(vec![])`).
    pub events: Option<Vec<ExpectedEvent>>,
    /// The example item.
    pub span: Span,
}

/// An argument of an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExampleArg {
    /// This value in the argument's register.
    Value(Value),
    /// A fresh block of memory holding these bytes (and nothing mapped around it); its
    /// address is the argument.
    Memory(Vec<u8>),
}

/// `F(ARGS) = VALUE` in a `given` clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenCall {
    /// The uninterpreted function.
    pub function: Name,
    /// The arguments.
    pub args: Vec<Value>,
    /// Its value there.
    pub value: Value,
}

/// How an example's call should end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It returns; with `Some`, this value.
    Returns(Option<Value>),
    /// The process exits with this status (an `i32`).
    Exits(Value),
    /// An `assert` fails; with `Some`, its message contains this text.
    Fails(Option<String>),
}

/// An expected event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedEvent {
    /// The event's name.
    pub name: Name,
    /// Its arguments.
    pub args: Vec<ExpectedArg>,
    /// Where it is written.
    pub span: Span,
}

/// An expected event argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectedArg {
    /// A value.
    Value(Value),
    /// The bytes of a range argument.
    Bytes(Vec<u8>),
}
