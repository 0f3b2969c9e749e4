//! Tidiness checks for this crate: every Rust file opens with a `//!` line, the crate doc says
//! what the loader is not, and no test is ignored or expected to panic.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn crate_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "examples"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    files
}

#[test]
fn every_file_opens_with_a_module_doc() {
    for path in crate_files() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            text.starts_with("//!"),
            "{} does not start with a //! line",
            path.display()
        );
    }
}

#[test]
fn crate_doc_states_what_the_loader_is_not() {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    let text = std::fs::read_to_string(lib).unwrap_or_default();
    for phrase in [
        "not a dynamic linker",
        "not a disassembler",
        "not an emulation of the platform loader",
    ] {
        assert!(text.contains(phrase), "lib.rs doc lacks {phrase:?}");
    }
}

#[test]
fn no_ignored_or_should_panic_tests() {
    let forbidden = [concat!("#[", "ignore"), concat!("#[", "should_panic")];
    for path in crate_files() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for pattern in forbidden {
            assert!(
                !text.contains(pattern),
                "{} uses {pattern}]",
                path.display()
            );
        }
    }
}
