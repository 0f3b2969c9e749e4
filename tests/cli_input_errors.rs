//! Bad input gets one line on stderr naming the file and the problem, and exit code 4.

mod common;
use common::*;

fn expect_input_error(path: &str, needle: &str) {
    let o = tandem(&["lift", "--stats", path]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{path}: {err}");
    assert_eq!(err.lines().count(), 1, "{path}: not one line: {err}");
    assert!(err.starts_with("tandem: "), "{err}");
    assert!(err.contains(path), "{path} not named: {err}");
    assert!(
        err.contains(needle),
        "{path}: expected `{needle}` in: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn garbage_is_not_an_elf() {
    let dir = scratch("garbage");
    let p = dir.join("garbage.bin");
    std::fs::write(&p, b"this is certainly not an executable file\n").expect("write");
    expect_input_error(p.to_str().unwrap_or_default(), "not an ELF file");
}

#[test]
fn empty_file_is_not_an_elf() {
    let dir = scratch("empty");
    let p = dir.join("empty");
    std::fs::write(&p, b"").expect("write");
    expect_input_error(p.to_str().unwrap_or_default(), "not an ELF file");
}

#[test]
fn truncated_elf_files_are_rejected_at_every_cut() {
    let data = std::fs::read(repo().join(HELLO)).expect("hello");
    let dir = scratch("truncated");
    for cut in [5, 20, 63, 64, 100, 200, 1000] {
        let p = dir.join(format!("hello.{cut}"));
        std::fs::write(&p, &data[..cut]).expect("write");
        let path = p.to_str().unwrap_or_default().to_string();
        let o = tandem(&["lift", "--stats", &path]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(4), "cut at {cut}: {err}");
        assert_eq!(err.lines().count(), 1, "cut at {cut}: {err}");
        assert!(err.contains(&path), "{err}");
    }
}

#[test]
fn foreign_architecture_is_rejected() {
    let mut data = std::fs::read(repo().join(HELLO)).expect("hello");
    let dir = scratch("foreign");
    // e_machine = EM_AARCH64: a valid ELF of an architecture tandem does not lift yet.
    data[18] = 0xB7;
    data[19] = 0;
    let p = dir.join("aarch64");
    std::fs::write(&p, &data).expect("write");
    expect_input_error(
        p.to_str().unwrap_or_default(),
        "unsupported architecture aarch64",
    );
    // e_machine = 0x1234: no architecture tandem knows.
    data[18] = 0x34;
    data[19] = 0x12;
    let p = dir.join("unknown-machine");
    std::fs::write(&p, &data).expect("write");
    expect_input_error(p.to_str().unwrap_or_default(), "machine");
}

#[test]
fn missing_file_and_directory() {
    expect_input_error("no/such/file", "no such file");
    expect_input_error("examples", "directory");
}
