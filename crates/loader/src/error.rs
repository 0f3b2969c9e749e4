//! `Error`: one variant per way an input file can be unusable, each with a one-line message.

use std::fmt;

/// Why a file could not be loaded.
///
/// Every variant names one fault precisely and carries the offending value or offset. The
/// `Display` text is a single line without the file name: the caller prefixes it (the CLI prints
/// `tandem: <path>: <error>` and exits with status 4).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file does not start with the ELF magic `7f 45 4c 46`.
    #[error("not an ELF file ({})", Magic { found: *found, len: *len })]
    NotElf {
        /// The first bytes of the file (zero-padded when the file is shorter than four bytes).
        found: [u8; 4],
        /// The length of the file.
        len: u64,
    },
    /// `EI_CLASS` is neither `ELFCLASS32` (1) nor `ELFCLASS64` (2).
    #[error("unsupported ELF class {0} (expected 1 for ELF32 or 2 for ELF64)")]
    UnsupportedClass(u8),
    /// `EI_DATA` is neither `ELFDATA2LSB` (1) nor `ELFDATA2MSB` (2).
    #[error("unsupported ELF data encoding {0} (expected 1 for little-endian or 2 for big-endian)")]
    UnsupportedEncoding(u8),
    /// `EI_VERSION` or `e_version` is not `EV_CURRENT` (1).
    #[error("unsupported ELF version {0} (expected 1)")]
    UnsupportedVersion(u32),
    /// `e_machine` names an architecture tandem does not handle.
    #[error("unsupported machine: e_machine {machine} ({name})")]
    UnsupportedMachine {
        /// The raw `e_machine` value.
        machine: u16,
        /// A readable name for it (`"unknown"` when the value is not a known `EM_*` constant).
        name: &'static str,
    },
    /// `e_type` is not `ET_EXEC`, `ET_DYN` or `ET_REL` (a core dump, say).
    #[error("unsupported ELF file type: e_type {e_type} ({name})")]
    UnsupportedFileType {
        /// The raw `e_type` value.
        e_type: u16,
        /// A readable name for it.
        name: &'static str,
    },
    /// A structure extends past the end of the file.
    #[error(
        "truncated file: {what} is {size} bytes at offset {offset}, but the file has only {file_len} bytes"
    )]
    Truncated {
        /// The structure, e.g. `section header table` or `section [12] .text`.
        what: String,
        /// Its file offset according to the headers.
        offset: u64,
        /// Its size according to the headers.
        size: u64,
        /// The actual length of the file.
        file_len: u64,
    },
    /// Header fields contradict each other or the ELF specification.
    #[error("inconsistent headers: {0}")]
    InconsistentHeaders(String),
    /// A symbol table (`.symtab` or `.dynsym`) or its string table cannot be read.
    #[error("malformed symbol table {table}: {reason}")]
    MalformedSymbolTable {
        /// The name of the symbol table section.
        table: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A relocation section used to find imports cannot be read.
    #[error("malformed relocations in {section}: {reason}")]
    MalformedRelocations {
        /// The name of the relocation section.
        section: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A section's contents cannot be read (a bad name offset, a corrupt compressed section).
    #[error("malformed section {section}: {reason}")]
    MalformedSection {
        /// The section, as `[index] name` when the name is readable.
        section: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The DWARF debugging information is corrupt.
    #[error("malformed DWARF: {0}")]
    MalformedDwarf(String),
}

/// Formats the first bytes of a file that is not ELF.
struct Magic {
    found: [u8; 4],
    len: u64,
}

impl fmt::Display for Magic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len == 0 {
            return f.write_str("the file is empty");
        }
        let shown = usize::try_from(self.len).unwrap_or(4).min(4);
        f.write_str("bad magic")?;
        for byte in self.found.iter().take(shown) {
            write!(f, " {byte:02x}")?;
        }
        if self.len < 4 {
            write!(f, ", only {} bytes", self.len)?;
        }
        Ok(())
    }
}

/// A name from the file, made safe for a one-line message: invalid UTF-8 replaced, control
/// characters escaped, and cut after 64 characters.
pub(crate) fn printable(name: &[u8]) -> String {
    const LIMIT: usize = 64;
    let text = String::from_utf8_lossy(name);
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == LIMIT {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Converts an `object` error message into the text of one of our variants.
pub(crate) fn object_reason(error: object::Error) -> String {
    // object's messages are capitalised sentences without a final period ("Invalid ELF section
    // name offset"); lower-case the first letter so that they read as a clause after a colon.
    let text = error.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line() {
        let errors = [
            Error::NotElf {
                found: [0; 4],
                len: 0,
            },
            Error::NotElf {
                found: *b"MZ\x90\0",
                len: 100,
            },
            Error::NotElf {
                found: [0x7f, b'E', 0, 0],
                len: 2,
            },
            Error::UnsupportedClass(3),
            Error::UnsupportedEncoding(0),
            Error::UnsupportedVersion(2),
            Error::UnsupportedMachine {
                machine: 8,
                name: "MIPS",
            },
            Error::Truncated {
                what: "section header table".into(),
                offset: 1000,
                size: 640,
                file_len: 1200,
            },
            Error::InconsistentHeaders("e_phentsize is 3, expected 56".into()),
            Error::MalformedDwarf("unexpected end of input".into()),
        ];
        for error in errors {
            let text = error.to_string();
            assert!(!text.contains('\n'), "{text}");
            assert!(!text.is_empty());
        }
    }

    #[test]
    fn printable_names() {
        assert_eq!(printable(b".text"), ".text");
        assert_eq!(printable(b"a\nb\x01"), "a\\nb\\u{1}");
        assert_eq!(printable(&[0xff, b'x']), "\u{fffd}x");
        let long = printable(&[b'x'; 100]);
        assert_eq!(long.chars().count(), 65);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn magic_display() {
        let empty = Error::NotElf {
            found: [0; 4],
            len: 0,
        };
        assert_eq!(empty.to_string(), "not an ELF file (the file is empty)");
        let short = Error::NotElf {
            found: [0x7f, b'E', 0, 0],
            len: 2,
        };
        assert_eq!(
            short.to_string(),
            "not an ELF file (bad magic 7f 45, only 2 bytes)"
        );
        let pe = Error::NotElf {
            found: *b"MZ\x90\0",
            len: 100,
        };
        assert_eq!(pe.to_string(), "not an ELF file (bad magic 4d 5a 90 00)");
    }
}
