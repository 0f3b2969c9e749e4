//! Fuzz target `loader`: any byte string given to `tandem_loader::Binary::parse`, then every
//! accessor (segments, reads, sections, symbols, imports, DWARF functions and lines), must
//! return without panicking, and the invariants checked by `exercise` must hold.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/loader/tests/support/exercise.rs"]
mod exercise;

fuzz_target!(|data: &[u8]| {
    let _ = exercise::exercise(data);
});
