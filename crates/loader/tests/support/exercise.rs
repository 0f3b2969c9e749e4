//! Calls every accessor of the loader on one input and checks the invariants of the result;
//! shared by the property tests, the crasher regression test and the cargo-fuzz target.

use tandem_loader::{Binary, Error};

/// Parses `data` and, when that succeeds, walks everything the loader offers. Panics only when
/// an invariant is broken (which is a loader bug); malformed input comes back as `Err`.
pub fn exercise(data: &[u8]) -> Result<(), Error> {
    let binary = match Binary::parse(data) {
        Ok(binary) => binary,
        Err(error) => {
            check_message(&error);
            return Err(error);
        }
    };
    let _ = (
        binary.arch().name(),
        binary.endian(),
        binary.is_64(),
        binary.kind(),
        binary.machine_flags(),
        binary.entry_is_thumb(),
    );
    let entry = binary.entry();
    let _ = binary.read(entry, 16);
    let _ = binary.symbol_containing(entry);
    let _ = binary.perms_at(entry);
    let _ = binary.read(u64::MAX, 1);
    let _ = binary.read(0, u64::MAX);
    let _ = binary.read(u64::MAX - 1, 4);

    let segments = binary.segments();
    for pair in segments.windows(2) {
        if let [a, b] = pair {
            assert!(a.end() <= b.vaddr, "segments overlap or are unsorted");
        }
    }
    for segment in segments {
        assert!(segment.file_size <= segment.mem_size);
        assert_eq!(segment.data.len() as u64, segment.file_size);
        let shown = segment.mem_size.min(64);
        let bytes = binary
            .read(segment.vaddr, shown)
            .expect("the start of a segment is mapped");
        assert_eq!(bytes.len() as u64, shown);
        let head = segment.file_size.min(shown) as usize;
        assert_eq!(bytes.get(..head), segment.data.get(..head));
        let last = segment.end() - 1;
        assert_eq!(binary.perms_at(last), Some(segment.perms));
        assert!(binary.read(last, 1).is_some());
        let _ = binary.read(last, 2);
        let _ = binary.read(segment.vaddr.wrapping_sub(1), 2);
    }
    let _ = binary.executable_ranges().count();

    for section in binary.sections() {
        let _ = (
            section.name_lossy(),
            section.perms(),
            section.has_file_data(),
        );
        let _ = section.contains(section.addr);
        assert!(binary.section_by_name(section.name).is_some());
    }

    for symbol in binary.symbols() {
        let _ = (symbol.name_lossy(), symbol.name_str(), symbol.is_function());
        assert!(binary.symbol(symbol.name).is_some());
        assert!(binary.symbols_named(symbol.name).count() >= 1);
        if symbol.defined {
            let found = binary.symbol_containing(symbol.address);
            assert!(found.is_some_and(|s| s.contains(symbol.address)));
        }
        let _ = binary.read(symbol.address, symbol.size.min(64));
    }
    let mut previous = 0;
    for function in binary.functions() {
        assert!(function.address >= previous, "functions are sorted");
        previous = function.address;
    }

    for import in binary.imports() {
        assert_eq!(
            binary.import_at(import.plt).map(|i| i.plt),
            Some(import.plt)
        );
        let _ = import.name_lossy();
        let _ = binary.read(import.plt, 16);
    }

    match binary.debug_info() {
        Ok(info) => {
            for function in info.functions() {
                let _ = info.line_at(function.entry);
                if let Some(found) = info.function_containing(function.entry) {
                    assert!(found.contains(function.entry));
                }
                if let Some(name) = &function.name {
                    assert!(info.function(name).is_some());
                }
                for variable in function.parameters.iter().chain(&function.variables) {
                    let _ = variable.location.at(function.entry);
                }
            }
            for global in info.globals() {
                let _ = info.line_at(global.address);
            }
            let _ = info.files().len();
            for symbol in binary.symbols().iter().take(256) {
                let _ = info.line_at(symbol.address);
            }
            // The cache returns the same value.
            let again = binary.debug_info().map(|i| i.functions().len());
            assert_eq!(again.ok(), Some(info.functions().len()));
        }
        Err(error) => check_message(&error),
    }
    Ok(())
}

/// The CLI prints `tandem: <path>: <error>` on one line.
fn check_message(error: &Error) {
    let text = error.to_string();
    assert!(!text.is_empty());
    assert!(!text.contains('\n'), "multi-line error message: {text:?}");
}
