//! Diagnostics: what is wrong ([`Error`]), where ([`Diagnostic`]), and how to show it.

use std::fmt;
use std::sync::Arc;

use crate::source::{LineColumn, SourceFile, Span};
use crate::types::{Arch, ReturnType, Type};

/// What is wrong with a stub file: one variant per kind of mistake.
///
/// The `Display` text is the one-line message, without the file name or position (the
/// [`Diagnostic`] that carries the error adds those).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- lexical ----
    /// A character that starts no token.
    #[error("unexpected character `{0}`")]
    UnexpectedCharacter(char),
    /// A string literal without its closing quote on the same line.
    #[error("unterminated string literal")]
    UnterminatedString,
    /// A character literal without its closing quote.
    #[error("unterminated character literal")]
    UnterminatedChar,
    /// A character literal that is empty, holds more than one character, or a non-ASCII one.
    #[error("invalid character literal")]
    BadCharLiteral,
    /// An unknown escape sequence in a string or character literal.
    #[error("unknown escape `{0}`")]
    BadEscape(String),
    /// An integer literal above `u64::MAX`.
    #[error("integer literal `{0}` does not fit in 64 bits")]
    IntegerTooLarge(String),
    /// An integer literal with a bad digit, no digits, or a leading zero.
    #[error("invalid integer literal `{text}`: {reason}")]
    InvalidInteger {
        /// The literal as written.
        text: String,
        /// What is wrong with it.
        reason: String,
    },

    // ---- syntax ----
    /// A token that cannot appear here.
    #[error("unexpected {found}: expected {expected}")]
    UnexpectedToken {
        /// The token found (`` `)` ``, "end of file", ...).
        found: String,
        /// What the grammar allows here.
        expected: String,
    },
    /// A `{`, `(` or `[` whose closing partner never comes.
    #[error("unclosed `{open}`: found {found} before the matching `{close}`")]
    Unclosed {
        /// The opening delimiter.
        open: &'static str,
        /// The closing delimiter expected.
        close: &'static str,
        /// What came instead.
        found: String,
    },
    /// `p[a .. b]` outside an `event` argument or a `store` target.
    #[error("a byte range is only allowed as an `event` argument or a `store` target")]
    RangeNotAllowed,
    /// A reserved word used as the name of something that must be a plain name.
    #[error("`{word}` is a reserved word and cannot name a {what}")]
    ReservedWord {
        /// The keyword.
        word: String,
        /// What it was meant to name.
        what: &'static str,
    },
    /// `a < b < c`.
    #[error("comparison operators cannot be chained")]
    ChainedComparison,
    /// Nesting beyond the parser's limit.
    #[error("nesting is too deep (more than {0} levels)")]
    TooDeep(u32),
    /// A malformed `bytes "..."` string.
    #[error("invalid hex bytes: {0}")]
    BadHexBytes(String),
    /// `number` or `clobbers` after a statement, or inside an `if`.
    #[error("`{0}` must come at the top of a body, before its statements")]
    MisplacedDeclaration(&'static str),
    /// `number` in a `stub`.
    #[error("`number` is only allowed in a `syscall`")]
    NumberInStub,

    // ---- names ----
    /// A type name that is not a type.
    #[error("unknown type `{0}`")]
    UnknownType(String),
    /// A type in a place that does not allow it (`void` for a parameter, `bool` in memory, ...).
    #[error("type `{ty}` cannot be used {place}")]
    TypeNotAllowed {
        /// The type.
        ty: String,
        /// Where it was used ("for a parameter", ...).
        place: &'static str,
    },
    /// A name that is not a parameter, `let` binding or ghost global in scope.
    #[error("unknown name `{0}`")]
    UnknownName(String),
    /// A call of something that is neither an uninterpreted function nor a built-in.
    #[error("unknown function `{0}`")]
    UnknownFunction(String),
    /// An architecture name that tandem does not know.
    #[error("unknown architecture `{0}`")]
    UnknownArch(String),
    /// A second definition of a name in the same scope or file.
    #[error("duplicate {what} `{name}` (first defined at {first})")]
    Duplicate {
        /// What kind of thing (`stub`, `global`, `parameter`, ...).
        what: &'static str,
        /// Its name.
        name: String,
        /// Where the first definition is.
        first: LineColumn,
    },
    /// A declaration that disagrees with the same name's declaration in an earlier file.
    #[error("{what} `{name}` conflicts with its declaration at {previous}")]
    Conflict {
        /// What kind of thing (`global`, `uninterpreted function`).
        what: &'static str,
        /// Its name.
        name: String,
        /// `file:line:column` of the earlier declaration.
        previous: String,
    },
    /// A parameter or `let` with the name of something already visible.
    #[error("`{name}` is already defined as a {what} at {first}")]
    Shadowing {
        /// The name.
        name: String,
        /// What it already is.
        what: &'static str,
        /// Where that is (in this file, or `file:line:column` in another).
        first: String,
    },
    /// A global or uninterpreted function named like a built-in.
    #[error("`{0}` is a built-in function and cannot be redefined")]
    BuiltinName(String),
    /// A call with the wrong number of arguments.
    #[error("`{function}` takes {expected} argument{s} but {found} {were} given", s = plural(*expected), were = if *found == 1 { "was" } else { "were" })]
    ArgCount {
        /// The function.
        function: String,
        /// How many it takes.
        expected: usize,
        /// How many were given.
        found: usize,
    },
    /// An assignment to something other than a ghost global.
    #[error("cannot assign to {what} `{name}`: only ghost globals are assignable")]
    NotAssignable {
        /// The name.
        name: String,
        /// What it is (`parameter`, `let binding`).
        what: &'static str,
    },
    /// A function name used as a value.
    #[error("`{0}` is a function, not a value")]
    NotAValue(String),
    /// A call of a value.
    #[error("`{name}` is a {what}, not a function")]
    NotAFunction {
        /// The name.
        name: String,
        /// What it is.
        what: &'static str,
    },
    /// `_` outside the value of a range `store`.
    #[error("`_` is only allowed in the value of a range `store`")]
    OffsetOutsideStore,

    // ---- types ----
    /// A value of the wrong type.
    #[error("type mismatch: expected {expected}, found `{found}`")]
    TypeMismatch {
        /// What was expected (`` `u64` ``, "an integer type", ...).
        expected: String,
        /// The type found.
        found: Type,
    },
    /// A binary operation whose operands have different types.
    #[error("mismatched operand types for `{op}`: `{lhs}` and `{rhs}`")]
    OperandMismatch {
        /// The operator.
        op: &'static str,
        /// The left operand's type.
        lhs: Type,
        /// The right operand's type.
        rhs: Type,
    },
    /// An operator applied to a type that does not support it.
    #[error("`{op}` cannot be applied to `{ty}`")]
    BadOperand {
        /// The operator.
        op: &'static str,
        /// The operand's type.
        ty: Type,
    },
    /// An integer literal that does not fit the type the context gives it.
    #[error("literal `{literal}` does not fit in `{ty}`")]
    LiteralOutOfRange {
        /// The literal as written (with its minus sign).
        literal: String,
        /// The type.
        ty: Type,
    },
    /// A cast between types that do not convert.
    #[error("cannot cast `{from}` to `{to}`")]
    BadCast {
        /// The source type.
        from: Type,
        /// The target type.
        to: Type,
    },
    /// A `return` value of the wrong type.
    #[error("`return` value has type `{found}`, but `{function}` returns `{ret}`")]
    ReturnMismatch {
        /// The type of the value.
        found: Type,
        /// The stub.
        function: String,
        /// Its declared return type.
        ret: ReturnType,
    },
    /// `return VALUE` in a `void` stub.
    #[error("`{0}` returns `void`, so `return` takes no value")]
    ReturnValueInVoid(String),
    /// A bare `return` in a stub that returns a value.
    #[error("`return` needs a value: `{function}` returns `{ret}`")]
    MissingReturnValue {
        /// The stub.
        function: String,
        /// Its return type.
        ret: Type,
    },
    /// `return` in a `never` stub.
    #[error("`{0}` returns `never`, so it cannot `return`")]
    ReturnInNever(String),
    /// A path through a `never` stub that does not end in `exit`.
    #[error("`never` stub `{0}` can reach its end without `exit`")]
    MissingExit(String),
    /// A path through a value-returning stub that does not end in `return` or `exit`.
    #[error("`{function}` can reach its end without returning a `{ret}`")]
    MissingReturn {
        /// The stub.
        function: String,
        /// Its return type.
        ret: Type,
    },
    /// A statement after `return` or `exit` in the same block.
    #[error("unreachable statement after `{0}`")]
    Unreachable(&'static str),
    /// A syscall without a `number` line.
    #[error("syscall `{0}` has no `number`")]
    MissingNumber(String),
    /// A syscall with more parameters than system calls take.
    #[error("syscall `{name}` has {count} parameters; system calls take at most 6")]
    TooManySyscallParams {
        /// The syscall.
        name: String,
        /// How many parameters it declares.
        count: usize,
    },
    /// Two syscalls with the same number on the same architecture.
    #[error("syscall number {number} on {arch} is already used by `{other}` at {first}")]
    DuplicateSyscallNumber {
        /// The architecture.
        arch: Arch,
        /// The number.
        number: u64,
        /// The syscall that has it already.
        other: String,
        /// Where that syscall's `number` is.
        first: String,
    },
    /// A pointer passed as an event argument.
    #[error("event argument is a pointer; events observe memory, not addresses")]
    PointerEventArg,
    /// An event whose arguments differ from another `event` of the same name in this file.
    #[error("event `{name}` does not match the `event {name}` at {first}: {detail}")]
    EventMismatch {
        /// The event's name.
        name: String,
        /// Where the first use is.
        first: LineColumn,
        /// How they differ.
        detail: String,
    },
    /// Something that is not allowed in a constant (a global's initial value, an example).
    #[error("{0} is not allowed in a constant")]
    NotConstant(&'static str),
    /// A division by zero in a constant.
    #[error("division by zero in a constant")]
    ConstDivisionByZero,

    // ---- examples ----
    /// An example naming no stub or syscall of its file.
    #[error("no stub or syscall `{0}` in this file")]
    UnknownExampleTarget(String),
    /// An example naming both a syscall and a stub.
    #[error("both a syscall and a stub are named `{0}`")]
    AmbiguousExampleTarget(String),
    /// A word that starts no example clause.
    #[error("unknown example clause `{0}`")]
    UnknownClause(String),
    /// The same clause twice in one example.
    #[error("duplicate `{0}` clause")]
    DuplicateClause(&'static str),
    /// More than one of `returns`, `exits` and `fails`.
    #[error("an example has at most one of `returns`, `exits` and `fails`")]
    ConflictingOutcome,
    /// An outcome clause that the target's return type rules out.
    #[error("`{clause}` does not fit `{function}`, which returns `{ret}`")]
    OutcomeMismatch {
        /// The clause.
        clause: &'static str,
        /// The target.
        function: String,
        /// Its return type.
        ret: ReturnType,
    },
    /// An example of a `never` function without `exits` or `fails`.
    #[error("an example of `{0}`, which never returns, needs an `exits` or `fails` clause")]
    MissingOutcome(String),
    /// A parameter with no value in `args`.
    #[error("missing argument `{0}`")]
    MissingArgument(String),
    /// A name in `args` or `after` that is not a parameter (or global) of the target.
    #[error("`{function}` has no parameter `{name}`")]
    UnknownParameter {
        /// The target.
        function: String,
        /// The name.
        name: String,
    },
    /// A value of the wrong shape: bytes where a number is needed, or the reverse.
    #[error("expected {expected}, found {found}")]
    ExampleValue {
        /// What was needed.
        expected: String,
        /// What was written.
        found: &'static str,
    },
    /// An expected event that the target never emits.
    #[error("`{function}` never emits event `{event}`")]
    UnknownEvent {
        /// The target.
        function: String,
        /// The event.
        event: String,
    },
    /// `_` in a `given` call that cannot take it.
    #[error("{0}")]
    BadGivenOffset(&'static str),
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One problem in a stub file: the error, its place, and an optional hint.
///
/// `Display` gives the one-line form `file:line:column: message`; [`Diagnostic::render`] gives
/// the multi-line form with the source line and the span underlined.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    error: Error,
    file: Arc<SourceFile>,
    span: Span,
    hint: Option<String>,
    notes: Vec<(Span, String)>,
}

impl Diagnostic {
    /// A diagnostic for `error` at `span` of `file`.
    pub fn new(file: Arc<SourceFile>, span: Span, error: Error) -> Diagnostic {
        Diagnostic {
            error,
            file,
            span,
            hint: None,
            notes: Vec::new(),
        }
    }

    /// Adds a hint ("did you mean `u64`?").
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a secondary label at another span of the same file ("first defined here").
    pub fn with_note(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.notes.push((span, label.into()));
        self
    }

    /// What is wrong.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The message: the error's text.
    pub fn message(&self) -> String {
        self.error.to_string()
    }

    /// The hint, if any.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The file the diagnostic points into.
    pub fn file(&self) -> &Arc<SourceFile> {
        &self.file
    }

    /// The file's name.
    pub fn file_name(&self) -> &str {
        self.file.name()
    }

    /// The byte span of the problem.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The line and column where the span starts.
    pub fn line_column(&self) -> LineColumn {
        self.file.line_column(self.span.start)
    }

    /// The 1-based line.
    pub fn line(&self) -> u32 {
        self.line_column().line
    }

    /// The 1-based column (in characters).
    pub fn column(&self) -> u32 {
        self.line_column().column
    }

    /// The one-line form `file:line:column: message`.
    pub fn one_line(&self) -> String {
        self.to_string()
    }

    /// `file:line:column`.
    fn one_line_position(&self) -> String {
        format!("{}:{}", self.file.name(), self.line_column())
    }

    /// The multi-line form for people: the message, the position, the source line with the
    /// span underlined (`^`), secondary labels (`-`), and the hint.
    ///
    /// ```text
    /// error: unknown type `u46`
    ///  --> t.tstub:1:11
    ///   |
    /// 1 | stub f(x: u46) -> void {}
    ///   |           ^^^
    ///   |
    ///   = help: did you mean `u64`?
    /// ```
    pub fn render(&self) -> String {
        render::render(self)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.file.name(),
            self.line_column(),
            self.error
        )
    }
}

impl std::error::Error for Diagnostic {}

mod render {
    //! The multi-line rendering of a diagnostic, in the style of rustc.

    use std::fmt::Write as _;

    use super::Diagnostic;
    use crate::source::Span;

    /// Tabs are shown as this many spaces, so that underlines line up.
    const TAB: &str = "    ";

    struct Annotation<'a> {
        line: u32,
        /// Start and end columns (0-based, in displayed characters) on `line`.
        columns: (usize, usize),
        primary: bool,
        label: Option<&'a str>,
    }

    pub(super) fn render(d: &Diagnostic) -> String {
        let file = &d.file;
        let mut annotations = vec![annotate(d, d.span, true, None)];
        for (span, label) in &d.notes {
            annotations.push(annotate(d, *span, false, Some(label)));
        }
        annotations.sort_by_key(|a| (a.line, !a.primary));
        let last_line = annotations.iter().map(|a| a.line).max().unwrap_or(1);
        let gutter = last_line.to_string().len();
        let pad = " ".repeat(gutter);

        let mut out = String::new();
        let _ = writeln!(out, "error: {}", d.error);
        let _ = writeln!(out, "{pad}--> {}", d.one_line_position());
        let _ = writeln!(out, "{pad} |");
        let mut previous: Option<u32> = None;
        for a in &annotations {
            if previous != Some(a.line) {
                if let Some(p) = previous
                    && a.line > p + 1
                {
                    let _ = writeln!(out, "{}", ".".repeat(gutter.max(3)));
                }
                let text = file.line_text(a.line).replace('\t', TAB);
                let _ = writeln!(out, "{:>gutter$} | {}", a.line, text.trim_end());
            }
            previous = Some(a.line);
            let marker = if a.primary { "^" } else { "-" };
            let width = a.columns.1.saturating_sub(a.columns.0).max(1);
            let mut underline = format!(
                "{pad} | {}{}",
                " ".repeat(a.columns.0),
                marker.repeat(width)
            );
            if let Some(label) = a.label {
                underline.push(' ');
                underline.push_str(label);
            }
            let _ = writeln!(out, "{underline}");
        }
        if let Some(hint) = &d.hint {
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{pad} = help: {hint}");
        }
        out
    }

    /// Where a span sits on its first line, in displayed columns (tabs expanded).
    fn annotate<'a>(
        d: &Diagnostic,
        span: Span,
        primary: bool,
        label: Option<&'a str>,
    ) -> Annotation<'a> {
        let file = &d.file;
        let start = file.line_column(span.start);
        let line_text = file.line_text(start.line);
        let display = |chars: usize| -> usize {
            line_text
                .chars()
                .take(chars)
                .map(|c| if c == '\t' { TAB.len() } else { 1 })
                .sum()
        };
        let first = start.column as usize - 1;
        let end = file.line_column(span.end);
        let last = if end.line == start.line {
            end.column as usize - 1
        } else {
            // A span over several lines is underlined to the end of its first line.
            line_text.chars().count().max(first + 1)
        };
        Annotation {
            line: start.line,
            columns: (display(first), display(last).max(display(first) + 1)),
            primary,
            label,
        }
    }
}
