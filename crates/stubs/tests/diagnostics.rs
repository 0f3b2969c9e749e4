//! Diagnostics: one test per kind of mistake, each asserting line, column and message.

use tandem_stubs::{Diagnostic, Error, Library, parse_and_check};

/// The diagnostics of `text` (as file `t.tstub`), which must have some.
fn diagnostics(text: &str) -> Vec<Diagnostic> {
    match parse_and_check("t.tstub", text) {
        Ok(_) => panic!("expected errors in:\n{text}"),
        Err(errors) => errors,
    }
}

/// Asserts that `text` has exactly the listed errors: `(line, column, message)`.
#[track_caller]
fn check(text: &str, expected: &[(u32, u32, &str)]) {
    let found: Vec<(u32, u32, String)> = diagnostics(text)
        .iter()
        .map(|d| (d.line(), d.column(), d.message()))
        .collect();
    let expected: Vec<(u32, u32, String)> = expected
        .iter()
        .map(|(l, c, m)| (*l, *c, m.to_string()))
        .collect();
    assert_eq!(found, expected, "in:\n{text}");
}

/// Asserts the only error of `text` and its hint.
#[track_caller]
fn check_hint(text: &str, expected: (u32, u32, &str), hint: &str) {
    let all = diagnostics(text);
    let [d] = all.as_slice() else {
        panic!("expected one error, got {all:#?}");
    };
    assert_eq!((d.line(), d.column(), d.message().as_str()), expected);
    assert_eq!(d.hint(), Some(hint));
}

// ---------------------------------------------------------------- the required kinds

#[test]
fn unknown_type() {
    check_hint(
        "stub f(x: u46) -> void {}",
        (1, 11, "unknown type `u46`"),
        "did you mean `u64`?",
    );
    check_hint(
        "uninterpreted g(n: size_t) -> u64",
        (1, 20, "unknown type `size_t`"),
        "did you mean `u64`?",
    );
    check_hint(
        "stub f() -> nevr { exit 0 }",
        (1, 13, "unknown type `nevr`"),
        "did you mean `never`?",
    );
}

#[test]
fn unknown_name() {
    check_hint(
        "global read_index: u64 = 0\nstub f() -> void {\n    read_idex = 1\n}",
        (3, 5, "unknown name `read_idex`"),
        "did you mean `read_index`?",
    );
    check(
        "stub f(count: u64) -> u64 {\n    let n = count + cnt\n    return n\n}",
        &[(2, 21, "unknown name `cnt`")],
    );
}

#[test]
fn type_mismatch_in_binary_operation() {
    check_hint(
        "stub f(a: u64, b: i32) -> u64 {\n    return a + b\n}",
        (2, 14, "mismatched operand types for `+`: `u64` and `i32`"),
        "operands must have the same type; convert one with `as`, e.g. `b as u64`",
    );
    check(
        "stub f(n: u64) -> void {\n    let a = n == 1\n    let c = a & a\n}",
        &[(3, 15, "`&` cannot be applied to `bool`")],
    );
    check(
        "stub f(p: ptr) -> void {\n    let q = 8 + p\n}",
        &[(2, 15, "mismatched operand types for `+`: `u64` and `ptr`")],
    );
}

#[test]
fn wrong_number_of_arguments() {
    check_hint(
        "uninterpreted read_len(index: u64) -> u64\nstub f() -> u64 {\n    return read_len(1, 2)\n}",
        (3, 12, "`read_len` takes 1 argument but 2 were given"),
        "it is declared `read_len(index: u64) -> u64`",
    );
    check(
        "stub f(s: ptr) -> u64 {\n    return cstring_length(s)\n}",
        &[(2, 12, "`cstring_length` takes 2 arguments but 1 was given")],
    );
}

#[test]
fn assignment_to_a_parameter() {
    check_hint(
        "stub f(fd: i32) -> void {\n    fd = 3\n}",
        (
            2,
            5,
            "cannot assign to parameter `fd`: only ghost globals are assignable",
        ),
        "bind a new name instead: `let fd2 = ...`",
    );
    check(
        "stub f() -> void {\n    let n = 1\n    n = 2\n}",
        &[(
            3,
            5,
            "cannot assign to `let` binding `n`: only ghost globals are assignable",
        )],
    );
}

#[test]
fn missing_exit_in_a_never_stub() {
    check_hint(
        "stub abort2(code: i32) -> never {\n    if code > 0 {\n        exit code\n    }\n}",
        (
            5,
            1,
            "`never` stub `abort2` can reach its end without `exit`",
        ),
        "add `exit` at the end of a `never` stub",
    );
    check(
        "stub f() -> never {\n    return\n}",
        &[(2, 5, "`f` returns `never`, so it cannot `return`")],
    );
}

#[test]
fn duplicate_stub_name() {
    check(
        "stub puts(s: ptr) -> i32 { return 0 }\nstub puts(s: ptr) -> i32 { return 1 }",
        &[(2, 6, "duplicate stub `puts` (first defined at 1:6)")],
    );
    // A syscall and a stub may share a name: `write` the system call and `write` the libc
    // function are different things.
    assert!(
        parse_and_check(
            "t.tstub",
            "syscall write(fd: i32) -> i64 { number x86_64 = 1; return 0 }\n\
             stub write(fd: i32) -> i64 { return 0 }"
        )
        .is_ok()
    );
    check(
        "global g: u64 = 0\nuninterpreted g(x: u64) -> u64",
        &[(
            2,
            15,
            "duplicate uninterpreted function `g` (first defined at 1:8)",
        )],
    );
}

#[test]
fn unterminated_block() {
    check_hint(
        "stub f() -> void {\n    let x = 1\n\nstub g() -> void {}",
        (1, 18, "unclosed `{`: found `stub` before the matching `}`"),
        "add the missing `}`",
    );
    // Nested unclosed blocks are one mistake; the next item is still checked.
    check(
        "stub f() -> void {\n    if true {\n\nstub g() -> u8 { return 300 }",
        &[
            (2, 13, "unclosed `{`: found `stub` before the matching `}`"),
            (4, 25, "literal `300` does not fit in `u8`"),
        ],
    );
    check(
        "stub f() -> void {",
        &[(
            1,
            18,
            "unclosed `{`: found end of file before the matching `}`",
        )],
    );
}

#[test]
fn unterminated_string() {
    check_hint(
        "stub f() -> void {\n    assert true, \"oops\n}",
        (2, 18, "unterminated string literal"),
        "close the string with `\"` on the same line",
    );
}

#[test]
fn unexpected_token() {
    check(
        "stub f(x: u64) -> u64 {\n    return x x\n}",
        &[(2, 14, "unexpected name `x`: expected a statement")],
    );
    check(
        "global g: u64 = (1 + 2",
        &[(1, 23, "unexpected end of file: expected `)`")],
    );
    check(
        "stub f() -> void {\n    let = 3\n}",
        &[(2, 9, "unexpected `=`: expected a `let` binding name")],
    );
    check(
        "let x = 1",
        &[(
            1,
            1,
            "unexpected `let`: expected an item (`global`, `uninterpreted`, `syscall`, `stub` or `example`)",
        )],
    );
}

#[test]
fn bad_integer_literal() {
    check_hint(
        "global big: u64 = 18446744073709551616",
        (
            1,
            19,
            "integer literal `18446744073709551616` does not fit in 64 bits",
        ),
        "the largest integer literal is 0xffff_ffff_ffff_ffff",
    );
    check(
        "global a: u64 = 0x\nglobal b: u64 = 12ab\nglobal c: u64 = 0644",
        &[
            (1, 17, "invalid integer literal `0x`: it has no digits"),
            (
                2,
                17,
                "invalid integer literal `12ab`: `a` is not a decimal digit",
            ),
            (
                3,
                17,
                "invalid integer literal `0644`: decimal literals cannot start with `0`",
            ),
        ],
    );
    check(
        "global a: u8 = 256\nglobal b: i8 = -129\nglobal c: u32 = -1",
        &[
            (1, 16, "literal `256` does not fit in `u8`"),
            (2, 16, "literal `-129` does not fit in `i8`"),
            (3, 17, "literal `-1` does not fit in `u32`"),
        ],
    );
}

#[test]
fn offset_outside_a_range_store() {
    check_hint(
        "stub f(p: ptr) -> void {\n    let k = _\n}",
        (2, 13, "`_` is only allowed in the value of a range `store`"),
        "`store p[a .. b] = f(_)` writes byte `f(k)` at offset `a + k`",
    );
    check(
        "stub f(p: ptr) -> void {\n    store p: u64 = _\n}",
        &[(2, 20, "`_` is only allowed in the value of a range `store`")],
    );
}

#[test]
fn syscall_without_a_number() {
    check_hint(
        "syscall getpid() -> i64 {\n    return 1\n}",
        (1, 9, "syscall `getpid` has no `number`"),
        "add `number x86_64 = N` (one per architecture) at the top of its body",
    );
}

#[test]
fn return_type_mismatch() {
    check_hint(
        "stub puts(s: ptr) -> i32 {\n    let n = cstring_length(s, 4096)\n    return n + 1\n}",
        (
            3,
            12,
            "`return` value has type `u64`, but `puts` returns `i32`",
        ),
        "convert with `(n + 1) as i32`",
    );
    check(
        "stub f() -> void {\n    return 1\n}",
        &[(2, 12, "`f` returns `void`, so `return` takes no value")],
    );
    check(
        "stub f() -> u32 {\n    return\n}",
        &[(2, 5, "`return` needs a value: `f` returns `u32`")],
    );
}

#[test]
fn unknown_builtin() {
    check_hint(
        "stub puts(s: ptr) -> i32 {\n    let n = strlen(s)\n    return 0\n}",
        (2, 13, "unknown function `strlen`"),
        "did you mean `cstring_length`?",
    );
    check_hint(
        "stub f(a: u64) -> u64 {\n    return mn(a, 1)\n}",
        (2, 12, "unknown function `mn`"),
        "did you mean `min`?",
    );
    check_hint(
        "stub f(a: u64) -> u64 {\n    return hash(a)\n}",
        (2, 12, "unknown function `hash`"),
        "the built-ins are `cstring_length`, `min`, `max` and `load`; declare other functions \
         with `uninterpreted`",
    );
}

// ---------------------------------------------------------------- more kinds

#[test]
fn missing_return() {
    check_hint(
        "stub f(x: i32) -> i32 {\n    if x > 0 {\n        return 1\n    }\n}",
        (5, 1, "`f` can reach its end without returning a `i32`"),
        "add `return` with a `i32` value at the end",
    );
}

#[test]
fn unreachable_statement() {
    check(
        "stub f() -> never {\n    exit 1\n    let x = 2\n    let y = 3\n}",
        &[(3, 5, "unreachable statement after `exit`")],
    );
    check(
        "stub f(c: u8) -> u8 {\n    if c != 0 { return 1 } else { exit 2 }\n    return 3\n}",
        &[(3, 5, "unreachable statement after `if`")],
    );
}

#[test]
fn conditions_are_bool() {
    check_hint(
        "stub f(n: u64) -> void {\n    assume n\n}",
        (2, 12, "type mismatch: expected `bool`, found `u64`"),
        "compare with zero: `n != 0`",
    );
    check(
        "stub f(n: u64) -> void {\n    if n + 1 { }\n}",
        &[(2, 8, "type mismatch: expected `bool`, found `u64`")],
    );
}

#[test]
fn ranges_are_u64_and_bytes_are_u8() {
    check(
        "stub f(p: ptr, n: u32) -> void {\n    store p[0 .. n] = 0\n    event e(p[0 .. 4], 1)\n}",
        &[(2, 18, "type mismatch: expected `u64`, found `u32`")],
    );
    check(
        "stub f(p: ptr, v: u32) -> void {\n    store p[0 .. 4] = v\n}",
        &[(2, 23, "type mismatch: expected `u8`, found `u32`")],
    );
}

#[test]
fn byte_range_outside_event_or_store() {
    check_hint(
        "stub f(p: ptr) -> void {\n    let v = p[0 .. 4]\n}",
        (
            2,
            13,
            "a byte range is only allowed as an `event` argument or a `store` target",
        ),
        "read one byte with `p[i]` or a value with `load(p, TYPE)`",
    );
}

#[test]
fn pointer_event_argument() {
    check_hint(
        "stub puts(s: ptr) -> i32 {\n    event puts(s)\n    return 0\n}",
        (
            2,
            16,
            "event argument is a pointer; events observe memory, not addresses",
        ),
        "observe the bytes it points to, `s[0 .. n]`, or the address as a number, `s as u64`",
    );
}

#[test]
fn event_arguments_must_agree() {
    check(
        "stub f(a: u64) -> void {\n    event e(a)\n}\nstub g(a: u32) -> void {\n    event e(a)\n}",
        &[(
            5,
            5,
            "event `e` does not match the `event e` at 2:5: argument 1 is `u64` there and `u32` here",
        )],
    );
}

#[test]
fn chained_comparison() {
    check(
        "stub f(a: u64) -> void {\n    assume 1 < a < 3\n}",
        &[(2, 18, "comparison operators cannot be chained")],
    );
}

#[test]
fn casts() {
    check_hint(
        "stub f(x: u64) -> void {\n    assume x as bool\n}",
        (2, 12, "cannot cast `u64` to `bool`"),
        "compare with zero instead: `x != 0`",
    );
    check(
        "stub f(x: u64) -> void {\n    let b = !x\n}",
        &[(2, 13, "`!` cannot be applied to `u64`")],
    );
}

#[test]
fn shadowing() {
    check(
        "global n: u64 = 0\nstub f(a: u64) -> void {\n    let a = 1\n    let n = 2\n}",
        &[
            (3, 9, "`a` is already defined as a parameter at 2:8"),
            (4, 9, "`n` is already defined as a ghost global at 1:8"),
        ],
    );
    check(
        "global count: u64 = 0\nstub f(count: u64) -> void {}",
        &[(2, 8, "`count` is already defined as a ghost global at 1:8")],
    );
}

#[test]
fn declarations_and_numbers() {
    check(
        "stub f() -> void {\n    number x86_64 = 1\n}",
        &[(2, 5, "`number` is only allowed in a `syscall`")],
    );
    check(
        "syscall s() -> i64 {\n    number x86_64 = 1\n    let a = 1\n    number aarch64 = 2\n    return 0\n}",
        &[(
            4,
            5,
            "`number` must come at the top of a body, before its statements",
        )],
    );
    check_hint(
        "syscall s() -> i64 {\n    number amd64 = 1\n    number x86_64 = 1\n    return 0\n}",
        (2, 12, "unknown architecture `amd64`"),
        "did you mean `x86_64`?",
    );
    check(
        "syscall s() -> i64 {\n    number x86_64 = 1\n    number x86_64 = 2\n    return 0\n}",
        &[(
            3,
            12,
            "duplicate `number` line for `x86_64` (first defined at 2:5)",
        )],
    );
    check(
        "syscall a() -> i64 { number x86_64 = 7; return 0 }\nsyscall b() -> i64 { number x86_64 = 7; return 0 }",
        &[(
            2,
            22,
            "syscall number 7 on x86_64 is already used by `a` at 1:22",
        )],
    );
    check(
        "syscall s(a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64) -> i64 { number x86_64 = 1; return 0 }",
        &[(
            1,
            9,
            "syscall `s` has 7 parameters; system calls take at most 6",
        )],
    );
    check(
        "syscall s() -> void { number x86_64 = 1 }",
        &[(
            1,
            16,
            "type `void` cannot be used as the return type of a syscall",
        )],
    );
    check(
        "stub f(b: bool) -> void {}",
        &[(1, 11, "type `bool` cannot be used for a parameter")],
    );
}

#[test]
fn constants() {
    check(
        "global a: u64 = 1 / 0\nglobal b: u64 = read_len(0)\nglobal c: u64 = d",
        &[
            (1, 17, "division by zero in a constant"),
            (2, 17, "a function call is not allowed in a constant"),
            (3, 17, "a name is not allowed in a constant"),
        ],
    );
    check(
        "global min: u64 = 0",
        &[(1, 8, "`min` is a built-in function and cannot be redefined")],
    );
}

#[test]
fn reserved_words() {
    check_hint(
        "stub f(exit: u64) -> void {}",
        (
            1,
            8,
            "`exit` is a reserved word and cannot name a parameter",
        ),
        "choose another name, such as `exit_`",
    );
}

#[test]
fn examples() {
    let stub = "stub add(a: u32, b: u32) -> u32 {\n    event add(a, b)\n    return a + b\n}\n";
    check(
        &format!("{stub}example ad {{ args a = 1, b = 2 }}"),
        &[(5, 9, "no stub or syscall `ad` in this file")],
    );
    check(
        &format!("{stub}example add {{ args a = 1 }}"),
        &[(5, 15, "missing argument `b`")],
    );
    check(
        &format!("{stub}example add {{ args a = 1, c = 2 }}"),
        &[
            (5, 15, "missing argument `b`"),
            (5, 27, "`add` has no parameter `c`"),
        ],
    );
    check(
        &format!("{stub}example add {{ args a = \"x\", b = 2 }}"),
        &[(5, 24, "expected a `u32` value for `a`, found bytes")],
    );
    check(
        &format!("{stub}example add {{ args a = 1, b = 2; returns 3; exits 0 }}"),
        &[(
            5,
            45,
            "an example has at most one of `returns`, `exits` and `fails`",
        )],
    );
    check(
        &format!("{stub}example add {{ args a = 1, b = 2; events sub(1, 2) }}"),
        &[(5, 41, "`add` never emits event `sub`")],
    );
    check(
        &format!("{stub}example add {{ args a = 1, b = 2; events add(1) }}"),
        &[(5, 41, "`event add` takes 2 arguments but 1 was given")],
    );
    check(
        &format!("{stub}example add {{ args a = 1, b = 2; returns 5000000000 }}"),
        &[(5, 42, "literal `5000000000` does not fit in `u32`")],
    );
    check(
        "stub f() -> never { exit 1 }\nexample f { returns 1 }",
        &[(2, 13, "`returns` does not fit `f`, which returns `never`")],
    );
    check(
        "stub f() -> never { exit 1 }\nexample f { }",
        &[(
            2,
            9,
            "an example of `f`, which never returns, needs an `exits` or `fails` clause",
        )],
    );
    check(
        "uninterpreted v(i: u64) -> u64\nstub f() -> u64 { return v(0) }\nexample f { given v(_) = \"ab\" }",
        &[(
            3,
            19,
            "with `_`, the bytes are the function's values: its result must be `u8`",
        )],
    );
    check(
        "stub f() -> u64 { return 0 }\nexample f { frobs 1 }",
        &[(2, 13, "unknown example clause `frobs`")],
    );
    check(
        "stub f(p: ptr) -> u64 { return 0 }\nexample f { args p = bytes \"6\" }",
        &[(2, 28, "invalid hex bytes: odd number of hex digits")],
    );
}

// ---------------------------------------------------------------- behaviour of the reports

#[test]
fn every_error_of_a_file_is_reported() {
    let text = "\
global g: u46 = 0
stub f(x: u64) -> i32 {
    let y = x + z
    fd = 1
    return x
}
syscall s() -> i64 {
    return 0
}
stub h() -> void {
    let s = \"unterminated
}
";
    check(
        text,
        &[
            (1, 11, "unknown type `u46`"),
            (3, 17, "unknown name `z`"),
            (4, 5, "unknown name `fd`"),
            (
                5,
                12,
                "`return` value has type `u64`, but `f` returns `i32`",
            ),
            (7, 9, "syscall `s` has no `number`"),
            (11, 13, "unterminated string literal"),
        ],
    );
}

#[test]
fn one_line_and_rendered_forms() {
    let errors = diagnostics("stub f(x: u64) -> void {\n    assume x > y\n}\n");
    let d = &errors[0];
    assert_eq!(d.one_line(), "t.tstub:2:16: unknown name `y`");
    assert_eq!(d.to_string(), d.one_line());
    assert_eq!(d.file_name(), "t.tstub");
    assert!(matches!(d.error(), Error::UnknownName(name) if name == "y"));
    assert_eq!(
        d.render(),
        "\
error: unknown name `y`
 --> t.tstub:2:16
  |
2 |     assume x > y
  |                ^
  |
  = help: did you mean `x`?
"
    );
    // Secondary labels show the other places involved; tabs are expanded.
    let errors = diagnostics("stub f() -> void {}\n\n\n\tstub f() -> void {}");
    assert_eq!(
        errors[0].render(),
        "\
error: duplicate stub `f` (first defined at 1:6)
 --> t.tstub:4:7
  |
1 | stub f() -> void {}
  |      - first defined here
...
4 |     stub f() -> void {}
  |          ^
  |
  = help: rename one of them; to replace a stub of another file, define it in a later file
"
    );
}

#[test]
fn library_conflicts_across_files() {
    let base = "global index: u64 = 0\nuninterpreted value(i: u64) -> u8\n\
                syscall read(fd: i32) -> i64 { number x86_64 = 0; return 0 }";
    // Repeating a declaration exactly is allowed; changing it is not.
    let ok = Library::from_sources([("a.tstub", base), ("b.tstub", "global index: u64 = 0")]);
    assert!(ok.is_ok());
    let errors = Library::from_sources([("a.tstub", base), ("b.tstub", "global index: u32 = 0")])
        .expect_err("errors");
    assert_eq!(
        errors[0].one_line(),
        "b.tstub:1:8: global `index` conflicts with its declaration at a.tstub:1:8"
    );
    let errors = Library::from_sources([
        ("a.tstub", base),
        ("b.tstub", "uninterpreted value(i: u32) -> u8"),
    ])
    .expect_err("errors");
    assert_eq!(
        errors[0].one_line(),
        "b.tstub:1:15: uninterpreted function `value` conflicts with its declaration at a.tstub:2:15"
    );
    // A new syscall may not take the number of an earlier one unless it replaces it by name.
    let errors = Library::from_sources([
        ("a.tstub", base),
        (
            "b.tstub",
            "syscall myread(fd: i32) -> i64 { number x86_64 = 0; return 1 }",
        ),
    ])
    .expect_err("errors");
    assert_eq!(
        errors[0].one_line(),
        "b.tstub:1:34: syscall number 0 on x86_64 is already used by `read` at a.tstub:3:32"
    );
    assert_eq!(
        errors[0].hint(),
        Some("to replace that syscall, name this one `read`")
    );
}
