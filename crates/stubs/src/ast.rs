//! The syntax tree: what a stub file says, as written, with a span on every node.
//!
//! The parser builds it and the checker reads it; nothing is resolved or typed yet (types and
//! architectures are still names). Interpreters do not walk this tree: they walk the checked
//! form in [`crate::checked`], which exists only for a file without errors.
//!
//! Nodes that the parser could not build are [`ExprKind::Error`]; a tree holding one always
//! comes with at least one diagnostic.

use crate::source::Span;

/// A name with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The text of the name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A type as written: a name such as `u64`, `ptr`, `void` or `never`, resolved by the checker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeName {
    /// The name.
    pub name: Ident,
}

/// A whole stub file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The items in source order.
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `global NAME: TYPE = CONST_EXPR`
    Global(Global),
    /// `uninterpreted NAME(PARAMS) -> TYPE`
    Uninterpreted(Uninterpreted),
    /// `syscall NAME(PARAMS) -> TYPE { BODY }` or `stub NAME(PARAMS) -> TYPE { BODY }`
    Function(Function),
    /// `example [syscall|stub] TARGET ["title"] { CLAUSES }`
    Example(Example),
}

/// `global NAME: TYPE = CONST_EXPR`: a ghost global and its initial value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Global {
    /// The global's name.
    pub name: Ident,
    /// Its declared type.
    pub ty: TypeName,
    /// Its initial value, a constant expression.
    pub init: Expr,
    /// The whole item.
    pub span: Span,
}

/// `uninterpreted NAME(PARAMS) -> TYPE`: a global mathematical function, known only by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uninterpreted {
    /// The function's name.
    pub name: Ident,
    /// Its parameters.
    pub params: Vec<Param>,
    /// Its result type.
    pub ret: TypeName,
    /// The whole item.
    pub span: Span,
}

/// One `NAME: TYPE` parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The parameter's name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeName,
    /// `NAME: TYPE`.
    pub span: Span,
}

/// Whether a function is a system call or a library function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FunctionKind {
    /// `syscall`: bound through the system-call convention, identified by its numbers.
    Syscall,
    /// `stub`: a library function, bound through the function calling convention, identified by
    /// its symbol name.
    Stub,
}

impl FunctionKind {
    /// The keyword: `syscall` or `stub`.
    pub fn keyword(self) -> &'static str {
        match self {
            FunctionKind::Syscall => "syscall",
            FunctionKind::Stub => "stub",
        }
    }
}

/// A `syscall` or `stub` definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// `syscall` or `stub`.
    pub kind: FunctionKind,
    /// The name (a keyword such as `exit` is allowed here).
    pub name: Ident,
    /// The parameters, bound from the calling convention in order.
    pub params: Vec<Param>,
    /// The return type: a value type, `void` or `never`.
    pub ret: TypeName,
    /// The body: declarations (`number`, `clobbers`) then statements.
    pub body: Block,
    /// From the keyword to the closing brace.
    pub span: Span,
}

/// `{ STATEMENTS }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The statements in order.
    pub stmts: Vec<Stmt>,
    /// From `{` to `}`.
    pub span: Span,
}

/// A statement (or a body declaration: `number`, `clobbers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stmt {
    /// What the statement is.
    pub kind: StmtKind,
    /// The whole statement.
    pub span: Span,
}

/// The kinds of statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StmtKind {
    /// `number ARCH = INT`: the system-call number on one architecture.
    Number {
        /// The architecture's name (`x86_64`, `aarch64`, ...).
        arch: Ident,
        /// The number.
        value: u64,
        /// The number's span.
        value_span: Span,
    },
    /// `clobbers caller_saved` or `clobbers [ARCH] { REG, ... }`.
    Clobbers(Clobbers),
    /// `let NAME [: TYPE] = EXPR`
    Let {
        /// The new name.
        name: Ident,
        /// The declared type, if written.
        ty: Option<TypeName>,
        /// The value.
        value: Expr,
    },
    /// `NAME = EXPR`: an assignment (legal only to a ghost global).
    Assign {
        /// The assigned name.
        target: Ident,
        /// The new value.
        value: Expr,
    },
    /// `if COND { ... } [else { ... } | else if ...]`
    If {
        /// The condition.
        cond: Expr,
        /// The block run when it holds.
        then_block: Block,
        /// The block run otherwise; `else if` is an `else` block holding one `if` statement.
        else_block: Option<Block>,
    },
    /// `assume EXPR`
    Assume(Expr),
    /// `assert EXPR [, "message"]`
    Assert {
        /// The condition.
        cond: Expr,
        /// The message, if written, with its span.
        message: Option<(String, Span)>,
    },
    /// `store PTR[A .. B] = EXPR`: one byte per offset of the range; `_` in the value is the
    /// offset within the range.
    StoreRange {
        /// The bytes written.
        range: ByteRange,
        /// The value of each byte (type `u8`).
        value: Expr,
    },
    /// `store PTR[I] = EXPR`: one byte.
    StoreByte {
        /// The base address.
        base: Expr,
        /// The offset from it.
        offset: Expr,
        /// The byte.
        value: Expr,
    },
    /// `store ADDR: TYPE = EXPR`: one value of a type, in the target's byte order.
    StoreValue {
        /// The address.
        addr: Expr,
        /// The stored type.
        ty: TypeName,
        /// The value.
        value: Expr,
    },
    /// `event NAME(ARG, ...)`: an observable event.
    Event {
        /// The event's name (a keyword such as `exit` is allowed).
        name: Ident,
        /// The arguments.
        args: Vec<EventArg>,
    },
    /// `return [EXPR]`
    Return(Option<Expr>),
    /// `exit EXPR`: the process ends with this status.
    Exit(Expr),
}

/// `clobbers caller_saved`, `clobbers { REG, ... }` or `clobbers ARCH { REG, ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clobbers {
    /// Every caller-saved register of the calling convention.
    CallerSaved(Span),
    /// Named registers, on every architecture or on one.
    Registers {
        /// The architecture the list is restricted to, if any.
        arch: Option<Ident>,
        /// The register names.
        registers: Vec<Ident>,
    },
}

/// `PTR[A .. B]`: the bytes at `PTR + A` up to but not including `PTR + B`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteRange {
    /// The base address.
    pub base: Expr,
    /// The first offset.
    pub start: Expr,
    /// The offset one past the last byte.
    pub end: Expr,
    /// The whole range expression.
    pub span: Span,
}

/// An argument of an `event`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventArg {
    /// A value.
    Value(Expr),
    /// The contents of a byte range.
    Bytes(ByteRange),
}

/// An expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// The whole expression, including any parentheses around it.
    pub span: Span,
}

/// How an integer literal was written; it matters only for which values fit a signed type
/// (decimal literals are numbers, the others bit patterns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntBase {
    /// `42`
    Decimal,
    /// `0x2a`
    Hex,
    /// `0o52`
    Octal,
    /// `0b101010`
    Binary,
    /// `'*'`
    Char,
}

/// The kinds of expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    /// An integer literal; its type comes from the context.
    Int {
        /// The value.
        value: u64,
        /// How it was written.
        base: IntBase,
    },
    /// `true` or `false`.
    Bool(bool),
    /// A parameter, `let` binding or ghost global.
    Name(Ident),
    /// `_`: the offset of the byte being stored by a range `store`.
    Offset,
    /// `-x`, `!x`, `~x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `a OP b`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// The operator's own span.
        op_span: Span,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
        rhs: Box<Expr>,
    },
    /// `x as TYPE`.
    Cast {
        /// The converted value.
        value: Box<Expr>,
        /// The target type.
        ty: TypeName,
    },
    /// `f(ARGS)`: an uninterpreted function or a built-in.
    Call {
        /// The function's name.
        callee: Ident,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `load(ADDR, TYPE)`: a value read from memory.
    Load {
        /// The address.
        addr: Box<Expr>,
        /// The type read.
        ty: TypeName,
    },
    /// `PTR[I]`: the byte at `PTR + I`.
    Index {
        /// The base address.
        base: Box<Expr>,
        /// The offset.
        offset: Box<Expr>,
    },
    /// `if COND then A else B`.
    If {
        /// The condition.
        cond: Box<Expr>,
        /// The value when it holds.
        then_value: Box<Expr>,
        /// The value otherwise.
        else_value: Box<Expr>,
    },
    /// A piece the parser could not read (already reported).
    Error,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-`: two's-complement negation.
    Neg,
    /// `!`: logical not (on `bool`).
    Not,
    /// `~`: bitwise not (on integers).
    BitNot,
}

impl UnaryOp {
    /// The operator as written.
    pub fn text(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Not => "!",
            UnaryOp::BitNot => "~",
        }
    }
}

/// Binary operators as written; the checker resolves signedness and pointer arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&&`
    And,
    /// `||`
    Or,
}

impl BinaryOp {
    /// The operator as written.
    pub fn text(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::BitAnd => "&",
            BinaryOp::BitOr => "|",
            BinaryOp::BitXor => "^",
            BinaryOp::Shl => "<<",
            BinaryOp::Shr => ">>",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
        }
    }

    /// Whether the operator compares (`== != < <= > >=`).
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }
}

/// An `example` block: concrete inputs for one stub and what they should produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// `syscall` or `stub` when written, to pick between a syscall and a stub of the same name.
    pub target_kind: Option<FunctionKind>,
    /// The stub or syscall this example runs.
    pub target: Ident,
    /// An optional title, `example write "three bytes" { ... }`.
    pub title: Option<String>,
    /// The clauses in order.
    pub clauses: Vec<ExampleClause>,
    /// The whole item.
    pub span: Span,
}

/// One clause of an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleClause {
    /// What the clause says.
    pub kind: ExampleClauseKind,
    /// The whole clause.
    pub span: Span,
}

/// The kinds of example clauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExampleClauseKind {
    /// `args NAME = VALUE, ...`: the stub's arguments.
    Args(Vec<(Ident, ExampleValue)>),
    /// `given NAME = VALUE, F(ARGS) = VALUE, ...`: initial ghost globals and values of
    /// uninterpreted functions.
    Given(Vec<Given>),
    /// `returns VALUE`
    Returns(Expr),
    /// `exits VALUE`
    Exits(Expr),
    /// `fails ["text"]`: a failing `assert` (whose message contains the text) ends the run.
    Fails(Option<(String, Span)>),
    /// `after NAME = VALUE, ...`: memory of pointer arguments and ghost globals after the call.
    After(Vec<(Ident, ExampleValue)>),
    /// `events E(ARGS), ...` or `events none`: the observable events, in order.
    Events(Vec<ExampleEvent>),
}

/// A value in an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExampleValue {
    /// A constant expression.
    Expr(Expr),
    /// A block of bytes: `"text"`, `bytes "68 69"` or `zeros N`.
    Bytes(ByteString),
}

/// Bytes written in an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteString {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Where they are written.
    pub span: Span,
}

/// One assignment of a `given` clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Given {
    /// `GLOBAL = VALUE`: the ghost global's value before the call.
    Global {
        /// The global.
        name: Ident,
        /// Its value.
        value: Expr,
    },
    /// `F(A, B) = VALUE`, or `F(A, _) = BYTES` for the consecutive values `F(A, 0)`, `F(A, 1)`,
    /// ... of a function whose result is `u8`.
    Call {
        /// The uninterpreted function.
        function: Ident,
        /// The arguments; `None` is the one `_` position.
        args: Vec<Option<Expr>>,
        /// The value.
        value: ExampleValue,
        /// The whole assignment.
        span: Span,
    },
}

/// An expected event in an example: `NAME(ARG, ...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleEvent {
    /// The event's name.
    pub name: Ident,
    /// The expected arguments.
    pub args: Vec<ExampleValue>,
    /// The whole event.
    pub span: Span,
}
