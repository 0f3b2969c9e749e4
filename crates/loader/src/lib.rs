//! `tandem-loader`: reads an ELF file and gives tandem a small, validated, tandem-shaped view
//! of it.
//!
//! The loader is the bottom layer of tandem. It reads ELF32 and ELF64 files of either byte
//! order for x86-64, x86, AArch64, ARM, PowerPC (32 and 64) and RISC-V, and exposes:
//!
//! - the architecture, byte order, kind (executable, PIE, shared object, relocatable) and entry
//!   point;
//! - the loaded image: `PT_LOAD` segments with permissions, and reads by virtual address;
//! - every section with its flags and bytes;
//! - the symbols of `.symtab` and `.dynsym`, merged, with lookups by name and by address;
//! - the imports: each PLT stub with the library function it calls and its GOT slot;
//! - on demand, the DWARF: functions with parameters and local variables (names and, where
//!   simple, locations), global variables, and the line table.
//!
//! What it deliberately is **not**:
//!
//! - not a dynamic linker: nothing is relocated or resolved against libraries, a PIE is viewed
//!   at load base 0, and imports are names, not code;
//! - not a disassembler: it decodes no instructions, except for matching the few fixed byte
//!   patterns of PLT stubs that linkers emit;
//! - not an emulation of the platform loader: it does not round segments to pages, apply
//!   `PT_GNU_RELRO`, or set up a stack, TLS or auxiliary vector.
//!
//! Malformed input is an [`Error`], never a panic: every read of the file is bounds-checked,
//! every arithmetic on values from the file is checked, and no allocation is sized by a header
//! field beyond what the file's length allows. The [`Error`] text is one line without the file
//! name.
//!
//! # Example
//!
//! ```
//! use tandem_loader::{Arch, Binary, Kind};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/x86_64-O0-nopie");
//! let data = std::fs::read(path)?;
//! let binary = Binary::parse(&data)?;
//! assert_eq!((binary.arch(), binary.kind()), (Arch::X86_64, Kind::Executable));
//!
//! let main = binary.symbol("main").expect("main is defined");
//! let code = binary.read(main.address, main.size).expect("main is mapped");
//! assert_eq!(code.len() as u64, main.size);
//!
//! // `call 0x401040` in main is a call to puts.
//! let import = binary.import_at(0x401040).expect("a PLT stub");
//! assert_eq!(import.name, b"puts");
//!
//! let debug = binary.debug_info()?;
//! let location = debug.line_at(main.address).expect("main has line info");
//! assert_eq!((location.file, location.line), ("/src/prog.c", 44));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # API
//!
//! ```text
//! Binary::parse(&'data [u8]) -> Result<Binary<'data>, Error>
//!   .arch() -> Arch            X86_64 | X86 | AArch64 | Arm | PowerPc | PowerPc64 | RiscV32 | RiscV64
//!   .endian() -> Endian        Little | Big
//!   .is_64() -> bool
//!   .kind() -> Kind            Executable | PositionIndependentExecutable | SharedObject | Relocatable
//!   .entry() -> u64            (ARM: Thumb bit cleared, see .entry_is_thumb())
//!   .segments() -> &[Segment]  vaddr, mem_size, file_offset, file_size, perms, data
//!   .sections() -> &[Section]  name (bytes; name_lossy()), addr, size, alloc/write/execute, data
//!   .section_by_name(name) -> Option<&Section>
//!   .symbols() -> &[Symbol]    name (bytes, unversioned), version, address, size, kind, binding,
//!                              defined, thumb, in_symtab, in_dynsym
//!   .symbol(name) -> Option<&Symbol>          defined functions first
//!   .symbols_named(name) -> impl Iterator<Item = &Symbol>
//!   .symbol_containing(addr) -> Option<&Symbol>
//!   .functions() -> impl Iterator<Item = &Symbol>
//!   .read(addr, len) -> Option<Cow<'data, [u8]>>   zero-filled past p_filesz, None if unmapped
//!   .perms_at(addr) -> Option<Perms>
//!   .executable_ranges() -> impl Iterator<Item = Range<u64>>
//!   .imports() -> &[Import]    plt (call target), got (slot), name, version, slot kind,
//!                              arm_entry (ARM stubs with a Thumb prefix)
//!   .import_at(addr) -> Option<&Import>
//!   .debug_info() -> Result<&DebugInfo, Error>     parsed on first use, cached
//! DebugInfo
//!   .functions() -> &[Function]   name, linkage_name, entry, ranges, has_return_type,
//!                                 parameters/variables: Variable { name, location }, frame_base
//!   .function_containing(addr) / .function(name)
//!   .globals() -> &[GlobalVariable]
//!   .line_at(addr) -> Option<Location { file, line, column }>
//! Error                        one variant per fault; Display is one line without the path
//! ```
//!
//! # Imports by architecture
//!
//! A PLT stub is recognised by byte pattern, its GOT slot computed from the pattern, and the
//! slot matched to a `JUMP_SLOT` or `GLOB_DAT` relocation; a stub whose slot has no such
//! relocation is left out, never guessed.
//!
//! - **x86-64**: classic `.plt` (PLT0 + 16-byte `jmp *slot(%rip)` entries, lazy or `-z now`),
//!   `.plt.sec` (`endbr64; [bnd] jmp *slot(%rip)`) and `.plt.got` (8- or 16-byte entries).
//! - **x86**: `jmp *slot` and `jmp *slot(%ebx)` entries (with `endbr32`/`bnd` variants); the
//!   `%ebx` base is `DT_PLTGOT`.
//! - **AArch64**: `[bti c;] adrp x16; ldr x17, [x16, #off]; add x16, x16, #off; [autia1716;]
//!   br x17`.
//! - **ARM**: `add ip, pc, #A; add ip, ip, #B; [add ip, ip, #C;] ldr pc, [ip, #D]!` and the
//!   `--long-plt` form (A32 stubs; Thumb-only PLTs are not recognised).
//! - **PowerPC**: secure-PLT call stubs of non-PIC code (`lis r11; lwz r11; mtctr r11; bctr`).
//!   Stubs that address the GOT through `r30` (PIC and PIE code) are not recognised, nor is the
//!   old BSS-PLT; such files report no imports.
//! - **RISC-V**: `auipc t3; l[wd] t3; jalr t1, t3`.
//! - **PowerPC64**: not supported (its `.glink` stubs and TOC-relative call stubs are left out);
//!   the list is empty.
//!
//! Files without section headers report no imports.

mod binary;
mod dwarf;
mod elf;
mod error;
mod imports;
mod sections;
mod segments;
mod symbols;

pub use binary::{Arch, Binary, Endian, Kind};
pub use dwarf::{DebugInfo, Function, GlobalVariable, Location, Place, VarLocation, Variable};
pub use error::Error;
pub use imports::{Import, SlotKind};
pub use sections::Section;
pub use segments::{Perms, Segment};
pub use symbols::{Binding, Symbol, SymbolKind};
