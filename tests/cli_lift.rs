//! `tandem lift`: blocks with disassembly and IR, and `--stats`.

mod common;
use common::*;

#[test]
fn stats_end_with_the_lifted_line() {
    let o = tandem(&["lift", "--stats", HELLO]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let last = out.lines().last().unwrap_or("");
    let (n, m) = last
        .strip_prefix("lifted ")
        .and_then(|r| r.split_once(" of "))
        .map(|(n, rest)| {
            (
                n.to_string(),
                rest.split(' ').next().unwrap_or("").to_string(),
            )
        })
        .unwrap_or_default();
    assert!(last.ends_with("(100.00%)"), "{last}");
    assert_eq!(n, m);
    assert!(n.parse::<u64>().unwrap_or(0) > 30, "{last}");
}

#[test]
fn stats_list_unsupported_mnemonics_before_the_total() {
    // cpuid and an x87 addition have no semantics; ud2 does.
    let dir = scratch("stats_unsupported");
    let bin = dir.join("code.bin");
    let obj = build_object(&dir, "cpuid\ncpuid\nfaddp st(1), st\nud2\n");
    std::fs::copy(&obj, &bin).expect("copy");
    let o = tandem(&["lift", "--stats", bin.to_str().unwrap_or_default()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.last().copied(),
        Some("lifted 1 of 4 instructions (25.00%)"),
        "{out}"
    );
    assert!(lines.iter().any(|l| l.trim() == "2  cpuid"), "{out}");
    assert!(lines.iter().any(|l| l.trim() == "1  faddp"), "{out}");
}

/// Assembles `text` (Intel syntax) into an object file with the system assembler.
fn build_object(dir: &std::path::Path, text: &str) -> std::path::PathBuf {
    let src = dir.join("code.s");
    let obj = dir.join("code.o");
    std::fs::write(&src, format!(".intel_syntax noprefix\n.text\n{text}")).expect("write");
    let st = std::process::Command::new("as")
        .arg("--64")
        .arg("-o")
        .arg(&obj)
        .arg(&src)
        .status()
        .expect("run as");
    assert!(st.success());
    obj
}

#[test]
fn function_blocks_show_disassembly_and_ir() {
    let o = tandem(&["lift", "--function", "_start", HELLO]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("block 0x401000 <_start>:"), "{out}");
    assert!(out.contains("0x401000: xor eax, eax"), "{out}");
    assert!(out.contains("    rax = 0x0:64"), "{out}");
    assert!(out.contains("    syscall"), "{out}");
    // A conditional branch ends its block; the next block gets a header.
    let blocks = out.lines().filter(|l| l.starts_with("block ")).count();
    assert!(blocks >= 3, "{out}");
}

#[test]
fn unknown_function_is_an_input_error() {
    let o = tandem(&["lift", "--function", "no_such_function", HELLO]);
    assert_eq!(o.status.code(), Some(4));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("examples/hello/hello: unknown symbol `no_such_function`"),
        "{err}"
    );
}
