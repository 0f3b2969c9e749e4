//! Regression tests for every input that once made the loader panic (found by the fuzzer,
//! `fuzz/`, and kept in `tests/crashers/`): each must now parse, or fail with the stated error,
//! and every accessor must return without panicking.

#[path = "support/exercise.rs"]
mod exercise;

use tandem_loader::Error;

/// `(file, expected outcome of exercise)`; the file names say what the bug was.
const CRASHERS: &[(&str, Outcome)] = &[
    // A section name containing a newline made the Display of `Error::Truncated` two lines.
    ("01-newline-in-section-name-error", Outcome::Truncated),
    // DW_AT_low_pc + DW_AT_high_pc (as a size) overflowed inside gimli's die_ranges.
    ("02-gimli-die-ranges-high-pc-overflow", Outcome::Ok),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    Truncated,
    Inconsistent,
    MalformedSymbolTable,
    MalformedSection,
    MalformedDwarf,
    Other,
}

fn outcome(result: &Result<(), Error>) -> Outcome {
    match result {
        Ok(()) => Outcome::Ok,
        Err(Error::Truncated { .. }) => Outcome::Truncated,
        Err(Error::InconsistentHeaders(_)) => Outcome::Inconsistent,
        Err(Error::MalformedSymbolTable { .. }) => Outcome::MalformedSymbolTable,
        Err(Error::MalformedSection { .. }) => Outcome::MalformedSection,
        Err(Error::MalformedDwarf(_)) => Outcome::MalformedDwarf,
        Err(_) => Outcome::Other,
    }
}

#[test]
fn crashers_no_longer_panic() {
    let dir = format!("{}/tests/crashers", env!("CARGO_MANIFEST_DIR"));
    for &(name, expected) in CRASHERS {
        let data = std::fs::read(format!("{dir}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"));
        let result = exercise::exercise(&data);
        assert_eq!(outcome(&result), expected, "{name}: {result:?}");
    }
}

#[test]
fn every_crasher_is_listed() {
    let dir = format!("{}/tests/crashers", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let listed: Vec<&str> = CRASHERS.iter().map(|(name, _)| *name).collect();
    assert_eq!(files, listed);
}
