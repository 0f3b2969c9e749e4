//! `Binary`: the parsed view of one ELF file, and its architecture, byte order and kind.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use crate::dwarf::DebugInfo;
use crate::error::Error;
use crate::imports::Import;
use crate::sections::Section;
use crate::segments::{Image, Perms, Segment};
use crate::symbols::{Symbol, Symbols};

/// The instruction set of a binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arch {
    /// x86-64 (`EM_X86_64`), including the x32 ABI in ELF32 files.
    X86_64,
    /// 32-bit x86 (`EM_386`).
    X86,
    /// AArch64 (`EM_AARCH64`), including ILP32 in ELF32 files.
    AArch64,
    /// 32-bit ARM, A32 and T32 code (`EM_ARM`).
    Arm,
    /// 32-bit PowerPC (`EM_PPC`).
    PowerPc,
    /// 64-bit PowerPC (`EM_PPC64`).
    PowerPc64,
    /// RISC-V in an ELF32 file (`EM_RISCV`).
    RiscV32,
    /// RISC-V in an ELF64 file (`EM_RISCV`).
    RiscV64,
}

impl Arch {
    /// A short lower-case name: `x86-64`, `x86`, `aarch64`, `arm`, `ppc`, `ppc64`, `riscv32`,
    /// `riscv64`.
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86-64",
            Arch::X86 => "x86",
            Arch::AArch64 => "aarch64",
            Arch::Arm => "arm",
            Arch::PowerPc => "ppc",
            Arch::PowerPc64 => "ppc64",
            Arch::RiscV32 => "riscv32",
            Arch::RiscV64 => "riscv64",
        }
    }
}

impl std::fmt::Display for Arch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Byte order of the file's data (and, except for ARM BE8 and AArch64, of its instructions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endian {
    /// `ELFDATA2LSB`.
    Little,
    /// `ELFDATA2MSB`.
    Big,
}

/// What the file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// An executable linked at fixed addresses (`ET_EXEC`).
    Executable,
    /// A position-independent executable (`ET_DYN` with `DF_1_PIE` or a `PT_INTERP` segment);
    /// addresses are relative to a load base chosen at run time, and tandem uses them as they
    /// are (base 0).
    PositionIndependentExecutable,
    /// A shared library (`ET_DYN` otherwise).
    SharedObject,
    /// A relocatable object file (`ET_REL`): no segments, so nothing is mapped and
    /// [`Binary::read`] returns `None`; section addresses are all 0.
    Relocatable,
}

/// A parsed ELF file. See the crate documentation for an overview.
///
/// Everything except DWARF is parsed and validated by [`Binary::parse`]; DWARF is parsed on the
/// first call to [`Binary::debug_info`] and cached.
pub struct Binary<'data> {
    pub(crate) data: &'data [u8],
    pub(crate) arch: Arch,
    pub(crate) endian: Endian,
    pub(crate) is_64: bool,
    pub(crate) kind: Kind,
    pub(crate) entry: u64,
    pub(crate) entry_thumb: bool,
    pub(crate) machine_flags: u32,
    pub(crate) image: Image<'data>,
    pub(crate) sections: Vec<Section<'data>>,
    pub(crate) symbols: Symbols<'data>,
    pub(crate) imports: Vec<Import<'data>>,
    pub(crate) debug: OnceLock<Result<DebugInfo, Error>>,
}

impl std::fmt::Debug for Binary<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Binary")
            .field("len", &self.data.len())
            .field("arch", &self.arch)
            .field("endian", &self.endian)
            .field("is_64", &self.is_64)
            .field("kind", &self.kind)
            .field("entry", &format_args!("{:#x}", self.entry))
            .field("segments", &self.image.segments.len())
            .field("sections", &self.sections.len())
            .field("symbols", &self.symbols.list.len())
            .field("imports", &self.imports.len())
            .finish_non_exhaustive()
    }
}

impl<'data> Binary<'data> {
    /// Parses and validates an ELF file held in memory.
    ///
    /// Reads the headers, `PT_LOAD` segments, section headers, `.symtab` and `.dynsym`, and the
    /// PLT imports. Any inconsistency is an [`Error`]; no input makes this panic.
    pub fn parse(data: &'data [u8]) -> Result<Binary<'data>, Error> {
        crate::elf::parse(data)
    }

    /// The whole file.
    pub fn data(&self) -> &'data [u8] {
        self.data
    }

    /// The instruction set.
    pub fn arch(&self) -> Arch {
        self.arch
    }

    /// The byte order of the file.
    pub fn endian(&self) -> Endian {
        self.endian
    }

    /// Whether the file is ELF64 (addresses and pointers are 64 bits wide).
    pub fn is_64(&self) -> bool {
        self.is_64
    }

    /// Executable, PIE, shared library or relocatable object.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The entry point (`e_entry`). On ARM bit 0 (the Thumb bit) is cleared; see
    /// [`Binary::entry_is_thumb`].
    pub fn entry(&self) -> u64 {
        self.entry
    }

    /// Whether execution starts in Thumb state (ARM only: bit 0 of `e_entry` was set).
    pub fn entry_is_thumb(&self) -> bool {
        self.entry_thumb
    }

    /// The processor-specific `e_flags` (ABI version, float ABI, BE8 on ARM, ...).
    pub fn machine_flags(&self) -> u32 {
        self.machine_flags
    }

    /// The `PT_LOAD` segments, sorted by address; they do not overlap.
    pub fn segments(&self) -> &[Segment<'data>] {
        &self.image.segments
    }

    /// Every section header, in file order (index 0 is the null section).
    pub fn sections(&self) -> &[Section<'data>] {
        &self.sections
    }

    /// The first section called `name`.
    pub fn section_by_name(&self, name: impl AsRef<[u8]>) -> Option<&Section<'data>> {
        let name = name.as_ref();
        self.sections.iter().find(|s| s.name == name)
    }

    /// All symbols of `.symtab` and `.dynsym`, merged (one entry for a symbol present in both)
    /// and sorted by address, then name.
    pub fn symbols(&self) -> &[Symbol<'data>] {
        &self.symbols.list
    }

    /// The best symbol called `name` (without version suffix): a defined function if there is
    /// one, then another defined symbol, then an undefined one; global before weak before local.
    pub fn symbol(&self, name: impl AsRef<[u8]>) -> Option<&Symbol<'data>> {
        self.symbols.by_name(name.as_ref())
    }

    /// The best symbol called `name` that this file defines (what a user means by a function
    /// or variable name on the command line).
    pub fn defined_symbol(&self, name: impl AsRef<[u8]>) -> Option<&Symbol<'data>> {
        self.symbol(name).filter(|s| s.defined)
    }

    /// Every symbol called `name`, best first (see [`Binary::symbol`]).
    pub fn symbols_named<'a>(
        &'a self,
        name: &'a [u8],
    ) -> impl Iterator<Item = &'a Symbol<'data>> + 'a {
        self.symbols.all_by_name(name)
    }

    /// The defined symbol whose `address .. address + size` contains `addr` (a symbol of size 0
    /// only at its own address), preferring functions, then the smallest.
    pub fn symbol_containing(&self, addr: u64) -> Option<&Symbol<'data>> {
        self.symbols.containing(addr)
    }

    /// The defined functions, sorted by address.
    pub fn functions(&self) -> impl Iterator<Item = &Symbol<'data>> + '_ {
        self.symbols.functions()
    }

    /// The bytes of the loaded image at `addr .. addr + len`, or `None` if any of it is not
    /// inside a `PT_LOAD` segment. Memory past a segment's file bytes reads as zero. Borrowed
    /// from the file when possible.
    pub fn read(&self, addr: u64, len: u64) -> Option<Cow<'data, [u8]>> {
        self.image.read(addr, len)
    }

    /// The permissions of the segment that maps `addr`, or `None` if it is unmapped.
    pub fn perms_at(&self, addr: u64) -> Option<Perms> {
        self.image.perms_at(addr)
    }

    /// The address ranges of the executable segments, in address order.
    pub fn executable_ranges(&self) -> impl Iterator<Item = Range<u64>> + '_ {
        self.image.executable_ranges()
    }

    /// The PLT imports, sorted by stub address: one per stub whose GOT slot carries a
    /// `JUMP_SLOT` or `GLOB_DAT` relocation.
    pub fn imports(&self) -> &[Import<'data>] {
        &self.imports
    }

    /// The import whose PLT stub starts at `addr` (the target of a call); on ARM also the
    /// import whose stub has its ARM instructions at `addr` ([`Import::arm_entry`]).
    pub fn import_at(&self, addr: u64) -> Option<&Import<'data>> {
        match self.imports.binary_search_by_key(&addr, |i| i.plt) {
            Ok(at) => self.imports.get(at),
            Err(_) => self.imports.iter().find(|i| i.arm_entry == Some(addr)),
        }
    }

    /// The DWARF debugging information, parsed on the first call and cached. A file without
    /// DWARF gives an empty [`DebugInfo`]; corrupt DWARF gives [`Error::MalformedDwarf`] (or
    /// [`Error::MalformedSection`] for a compressed section that cannot be decompressed).
    /// The DWARF of a relocatable file that has relocations for its debug sections is not read
    /// (it would need linking): the result is empty.
    pub fn debug_info(&self) -> Result<&DebugInfo, Error> {
        self.debug
            .get_or_init(|| crate::dwarf::parse(self))
            .as_ref()
            .map_err(Clone::clone)
    }
}
