//! Sections: name, address, flags and file bytes of every section header.

use std::borrow::Cow;

use crate::segments::Perms;

/// One section header and the bytes it describes.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Section<'data> {
    /// Index of the section header (section 0 is the null section).
    pub index: usize,
    /// The name, as stored in the section header string table.
    pub name: &'data [u8],
    /// `sh_type`, e.g. `SHT_PROGBITS` (1) or `SHT_NOBITS` (8).
    pub sh_type: u32,
    /// Virtual address when loaded (`sh_addr`), 0 for sections that are not loaded.
    pub addr: u64,
    /// Size in memory (`sh_size`); for compressed sections the compressed size.
    pub size: u64,
    /// File offset (`sh_offset`).
    pub file_offset: u64,
    /// Occupies memory at run time (`SHF_ALLOC`).
    pub alloc: bool,
    /// Writable at run time (`SHF_WRITE`).
    pub write: bool,
    /// Holds instructions (`SHF_EXECINSTR`).
    pub execute: bool,
    /// The contents are compressed (`SHF_COMPRESSED`); `data` holds the compression header.
    pub compressed: bool,
    /// Raw `sh_flags`.
    pub sh_flags: u64,
    /// Raw `sh_entsize`.
    pub entry_size: u64,
    /// The file bytes: `size` bytes at `file_offset`, empty for `SHT_NOBITS` and `SHT_NULL`.
    pub data: &'data [u8],
}

impl std::fmt::Debug for Section<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Section")
            .field("index", &self.index)
            .field("name", &self.name_lossy())
            .field("sh_type", &self.sh_type)
            .field("addr", &format_args!("{:#x}", self.addr))
            .field("size", &format_args!("{:#x}", self.size))
            .field("alloc", &self.alloc)
            .field("write", &self.write)
            .field("execute", &self.execute)
            .field("compressed", &self.compressed)
            .finish_non_exhaustive()
    }
}

impl<'data> Section<'data> {
    /// The name for display (invalid UTF-8 replaced).
    pub fn name_lossy(&self) -> Cow<'data, str> {
        String::from_utf8_lossy(self.name)
    }

    /// Whether the section has bytes in the file (false for `SHT_NOBITS`, like `.bss`).
    pub fn has_file_data(&self) -> bool {
        self.sh_type != object::elf::SHT_NOBITS.0 && self.sh_type != object::elf::SHT_NULL.0
    }

    /// Access permissions at run time, or `None` for sections that are not loaded.
    pub fn perms(&self) -> Option<Perms> {
        self.alloc.then_some(Perms {
            read: true,
            write: self.write,
            execute: self.execute,
        })
    }

    /// Whether the loaded section covers `addr`.
    pub fn contains(&self, addr: u64) -> bool {
        self.alloc && addr >= self.addr && addr - self.addr < self.size
    }

    /// A short description for error messages: `[index] name`.
    pub(crate) fn describe(&self) -> String {
        format!("[{}] {}", self.index, crate::error::printable(self.name))
    }
}
