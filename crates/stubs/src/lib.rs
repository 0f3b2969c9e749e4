//! `tandem-stubs`: the front end of tandem's stub language, in which system calls and library
//! functions are modelled (`stubs/*.tstub`, and users' files given with `--stubs PATH`).
//!
//! It reads stub source and gives either a **checked form** that interpreters walk directly,
//! or every problem of the file as a [`Diagnostic`] with file, line, column, message, the span
//! underlined in the source line, and a hint where one helps. The language is specified in
//! `docs/stub-language.md`, the contract between this crate and the interpreters.
//!
//! The pipeline: lexer → recursive-descent parser → [`ast`] (spans on every node)
//! → name resolution and type checking → [`checked`] (every expression typed, names resolved
//! to parameters, `let`s, ghost globals and functions, operators resolved to their signed,
//! unsigned or pointer meaning). Every stage collects all of its errors and goes on; the
//! checker runs even after syntax errors, over what parsed.
//!
//! What it deliberately is **not**:
//!
//! - not only a front end: [`symbolic`] interprets a checked stub over a symbolic machine
//!   state (for the verifier) and [`concrete`] over a concrete one (for replaying
//!   counterexamples and running examples);
//! - not architecture-aware: register names in `clobbers` are kept as written, and the
//!   calling conventions that bind parameters and return values live with the architectures;
//! - not a solver client: constants are folded, nothing else is simplified.
//!
//! No input makes it panic: malformed text is a diagnostic, nesting is limited, and a property
//! test feeds it random and mutated source.
//!
//! # Example
//!
//! ```
//! use tandem_stubs::{Library, parse_and_check, checked::StmtKind};
//!
//! let source = r#"
//!     global calls: u64 = 0
//!     stub abs(x: i32) -> i32 {
//!         calls = calls + 1
//!         return if x < 0 then -x else x
//!     }
//!     example abs { args x = -3; returns 3 }
//! "#;
//! let file = parse_and_check("abs.tstub", source).expect("no errors");
//! let abs = &file.stubs[0];
//! assert!(matches!(abs.body[0].kind, StmtKind::SetGlobal { .. }));
//! assert_eq!(abs.examples.len(), 1);
//!
//! // Mistakes come back as diagnostics, all of them.
//! let errors = parse_and_check("bad.tstub", "stub f(x: u46) -> i32 { return y }").expect_err("errors");
//! assert_eq!(errors[0].one_line(), "bad.tstub:1:11: unknown type `u46`");
//! assert_eq!(errors[0].hint(), Some("did you mean `u64`?"));
//! assert_eq!(errors[1].one_line(), "bad.tstub:1:32: unknown name `y`");
//!
//! // The built-in library, and users' files on top of it.
//! let library = Library::builtin().expect("the library checks");
//! assert!(library.syscall("read").is_some());
//! ```
//!
//! # API
//!
//! ```text
//! parse_and_check(file_name, text) -> Result<checked::StubFile, Vec<Diagnostic>>
//! parse(file_name, text) -> (ast::File, Vec<Diagnostic>)        the syntax tree alone
//! Library::builtin() / ::from_sources(..) / ::load(paths) / ::load_with_builtin(paths)
//!   .syscall(name) .syscall_by_number(arch, n) .stub(name) .global(name)
//!   .uninterpreted_function(name) .syscalls() .stubs() .globals() .uninterpreted()
//! Diagnostic: .one_line() "file:line:col: message"   .render() multi-line, source underlined
//!   .line() .column() .message() .hint() .error() -> &Error (one variant per mistake)
//! checked::Function { kind, name, numbers, params, ret, clobbers, locals, body, examples }
//!   body: Vec<Stmt>  Stmt { kind: StmtKind, span }  Expr { kind: ExprKind, ty: Type, span }
//! ```

pub mod ast;
mod check;
pub mod checked;
pub mod concrete;
mod diagnostic;
mod lexer;
mod library;
mod parser;
mod source;
mod suggest;
pub mod symbolic;
pub mod types;

use std::collections::BTreeSet;
use std::sync::Arc;

pub use diagnostic::{Diagnostic, Error};
pub use library::{BUILTIN_SOURCES, Library, LoadError};
pub use source::{LineColumn, SourceFile, Span};
pub use types::{Arch, ReturnType, Type};

/// Parses and checks one stub file on its own.
///
/// On success the checked file is returned; otherwise every diagnostic of the file, in source
/// order.
pub fn parse_and_check(file_name: &str, text: &str) -> Result<checked::StubFile, Vec<Diagnostic>> {
    let source = SourceFile::new(file_name, text);
    let (file, errors) = check_source(&source, &check::Env::default());
    if errors.is_empty() {
        Ok(file)
    } else {
        Err(errors)
    }
}

/// Parses one stub file into its syntax tree, without checking it. The tree is complete when
/// the diagnostics are empty.
pub fn parse(file_name: &str, text: &str) -> (ast::File, Vec<Diagnostic>) {
    let source = SourceFile::new(file_name, text);
    parser::parse_file(&source)
}

/// Parses and checks a file against the declarations of earlier files. The checked file holds
/// whatever checked; the diagnostics are sorted by position.
pub(crate) fn check_source(
    source: &Arc<SourceFile>,
    env: &check::Env,
) -> (checked::StubFile, Vec<Diagnostic>) {
    let (ast, mut diagnostics) = parser::parse_file(source);
    let quiet = if diagnostics.is_empty() {
        BTreeSet::new()
    } else {
        declared_names(source.text())
    };
    let (file, mut errors) = check::check_file(source, &ast, env, &quiet);
    diagnostics.append(&mut errors);
    diagnostics.sort_by_key(|d| d.span().start);
    diagnostics.dedup_by(|a, b| a.span() == b.span() && a.error() == b.error());
    (file, diagnostics)
}

/// The names that follow a declaring keyword anywhere in the text. After a syntax error the
/// checker does not report these as unknown: the broken item or statement may be what
/// declares them. `number` is included when the text has a `number` line, so that a syscall
/// whose `number` line is broken is not also reported as having none.
fn declared_names(text: &str) -> BTreeSet<String> {
    use lexer::{Keyword, TokenKind};
    let tokens = lexer::lex(text, |_, _, _| {});
    let mut names = BTreeSet::new();
    for pair in tokens.windows(2) {
        let [first, second] = pair else { continue };
        match (&first.kind, &second.kind) {
            (TokenKind::Keyword(Keyword::Number), _) => {
                names.insert("number".to_string());
            }
            (
                TokenKind::Keyword(
                    Keyword::Global
                    | Keyword::Uninterpreted
                    | Keyword::Syscall
                    | Keyword::Stub
                    | Keyword::Let,
                ),
                TokenKind::Ident(name),
            ) => {
                names.insert(name.clone());
            }
            (TokenKind::Ident(name), TokenKind::Punct(lexer::Punct::Colon)) => {
                // Parameters of a broken signature.
                names.insert(name.clone());
            }
            _ => {}
        }
    }
    names
}
