//! Property tests: no input makes the front end panic, and every diagnostic points at a valid
//! place of its file and renders.

use proptest::prelude::*;
use tandem_stubs::{BUILTIN_SOURCES, Diagnostic, Library, parse, parse_and_check};

/// Pieces of stub source, so that random text often gets deep into the grammar.
const FRAGMENTS: &[&str] = &[
    "global ",
    "uninterpreted ",
    "syscall ",
    "stub ",
    "example ",
    "number ",
    "clobbers ",
    "caller_saved ",
    "let ",
    "if ",
    "then ",
    "else ",
    "assume ",
    "assert ",
    "store ",
    "event ",
    "return ",
    "exit ",
    "as ",
    "true ",
    "false ",
    "load",
    "args ",
    "given ",
    "returns ",
    "exits ",
    "fails ",
    "after ",
    "events ",
    "none ",
    "bytes ",
    "zeros ",
    "x86_64 ",
    "u8 ",
    "u64 ",
    "i32 ",
    "i64 ",
    "bool ",
    "ptr ",
    "void ",
    "never ",
    "x ",
    "y ",
    "n ",
    "p ",
    "g ",
    "f ",
    "read_len",
    "cstring_length",
    "min",
    "max",
    "_",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    ";",
    "->",
    "..",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "&",
    "|",
    "^",
    "~",
    "!",
    "<<",
    ">>",
    "&&",
    "||",
    "0",
    "1",
    "255",
    "0x7f",
    "0b101",
    "0o17",
    "18446744073709551616",
    "'a'",
    "'\\n'",
    "'",
    "\"abc\"",
    "\"61 62\"",
    "\"",
    "\n",
    " ",
    "// comment\n",
    "é",
    "\t",
    "\\",
    "@",
];

fn fragments() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..120).prop_map(|v| v.concat())
}

/// The built-in library with a few random edits: deletions, insertions and replacements of
/// byte ranges (kept on character boundaries).
fn mutated_library() -> impl Strategy<Value = String> {
    let text = BUILTIN_SOURCES[0].1;
    prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            0usize..12,
            prop::sample::select(FRAGMENTS),
        ),
        1..6,
    )
    .prop_map(move |edits| {
        let mut s = text.to_string();
        for (at, len, insert) in edits {
            let mut start = at.index(s.len() + 1);
            while !s.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + len).min(s.len());
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            s.replace_range(start..end, insert);
        }
        s
    })
}

fn assert_sound(text: &str, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let span = d.span();
        assert!(span.start <= span.end, "{d}");
        assert!((span.end as usize) <= text.len(), "{d}");
        assert!(text.is_char_boundary(span.start as usize), "{d}");
        assert!(text.is_char_boundary(span.end as usize), "{d}");
        assert!(d.line() >= 1 && d.column() >= 1);
        assert!(!d.one_line().is_empty());
        assert!(!d.render().is_empty());
    }
}

fn run(text: &str) {
    let (_, parse_errors) = parse("fuzz.tstub", text);
    assert_sound(text, &parse_errors);
    match parse_and_check("fuzz.tstub", text) {
        Ok(_) => assert!(parse_errors.is_empty()),
        Err(errors) => {
            assert!(!errors.is_empty());
            assert_sound(text, &errors);
        }
    }
    // As a later file of the library, too.
    let _ = Library::from_sources([BUILTIN_SOURCES[0], ("fuzz.tstub", text)]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,200}") {
        run(&text);
    }

    #[test]
    fn random_fragments_never_panic(text in fragments()) {
        run(&text);
    }

    #[test]
    fn a_mutated_library_never_panics(text in mutated_library()) {
        run(&text);
    }
}

#[test]
fn pathological_inputs() {
    for text in [
        String::new(),
        "(".repeat(100_000),
        "-".repeat(100_000),
        "{".repeat(100_000),
        format!("stub f() -> void {{ {} }}", "if true { ".repeat(10_000)),
        format!("global g: u64 = {}", "1 + ".repeat(100_000)),
        format!("global g: u64 = {}1", "!".repeat(100_000)),
        format!(
            "stub f(p: ptr) -> void {{ let x = p{} }}",
            "[0]".repeat(10_000)
        ),
        "example f { args x = zeros 99999999999 }".to_string(),
        "\u{0}\u{feff}\r\n\r".to_string(),
    ] {
        run(&text);
    }
}
