//! Parsing and validation of the ELF structures, generic over ELF32/ELF64 and byte order.
//!
//! `object`'s low-level ELF API does the bounds-checked reads; this module checks the headers
//! first so that each fault gets a precise [`Error`] (which structure, which offset and size),
//! then converts everything into the crate's own types.

use std::mem;

use object::elf;
use object::read::StringTable;
use object::read::elf::{
    Dyn, FileHeader, ProgramHeader, Rel, Rela, SectionHeader, SectionTable, Sym, SymbolTable,
    VersionTable,
};
use object::{Endianness, SectionIndex, SymbolIndex};

use crate::binary::{Arch, Binary, Endian, Kind};
use crate::error::{Error, object_reason};
use crate::imports::{self, Slot, SlotKind, Target};
use crate::sections::Section;
use crate::segments::{Image, Perms, Segment, slice};
use crate::symbols::{Binding, Symbol, SymbolKind, Symbols, is_mapping_symbol, split_version};

/// Parses `data` as an ELF file.
pub(crate) fn parse(data: &[u8]) -> Result<Binary<'_>, Error> {
    let span = tracing::debug_span!("load", bytes = data.len());
    let _entered = span.enter();
    let ident = identify(data)?;
    let binary = if ident.is_64 {
        parse_as::<elf::FileHeader64<Endianness>>(data, ident)?
    } else {
        parse_as::<elf::FileHeader32<Endianness>>(data, ident)?
    };
    tracing::debug!(
        arch = binary.arch.name(),
        segments = binary.image.segments.len(),
        sections = binary.sections.len(),
        symbols = binary.symbols.list.len(),
        imports = binary.imports.len(),
        "loaded"
    );
    Ok(binary)
}

/// Size of `e_ident`, and the indexes of its class, data encoding and version bytes.
const EI_NIDENT: usize = 16;
const EI_CLASS: usize = 4;
const EI_DATA: usize = 5;
const EI_VERSION: usize = 6;

#[derive(Debug, Clone, Copy)]
struct Ident {
    is_64: bool,
    endian: Endianness,
}

/// Checks `e_ident`: magic, class, data encoding and version.
fn identify(data: &[u8]) -> Result<Ident, Error> {
    let len = file_len(data);
    let mut found = [0u8; 4];
    for (slot, byte) in found.iter_mut().zip(data) {
        *slot = *byte;
    }
    if data.get(..4) != Some(&elf::ELFMAG[..]) {
        return Err(Error::NotElf { found, len });
    }
    let Some(ident) = data.get(..EI_NIDENT) else {
        return Err(Error::Truncated {
            what: "ELF identification (e_ident)".into(),
            offset: 0,
            size: EI_NIDENT as u64,
            file_len: len,
        });
    };
    let byte = |index: usize| ident.get(index).copied().unwrap_or(0);
    // ELFCLASS32 = 1, ELFCLASS64 = 2; ELFDATA2LSB = 1, ELFDATA2MSB = 2; EV_CURRENT = 1.
    let is_64 = match byte(EI_CLASS) {
        1 => false,
        2 => true,
        other => return Err(Error::UnsupportedClass(other)),
    };
    let endian = match byte(EI_DATA) {
        1 => Endianness::Little,
        2 => Endianness::Big,
        other => return Err(Error::UnsupportedEncoding(other)),
    };
    let version = byte(EI_VERSION);
    if version != 1 {
        return Err(Error::UnsupportedVersion(u32::from(version)));
    }
    Ok(Ident { is_64, endian })
}

fn file_len(data: &[u8]) -> u64 {
    u64::try_from(data.len()).unwrap_or(u64::MAX)
}

/// Fails with [`Error::Truncated`] unless `offset .. offset + size` lies inside the file.
fn check_range(
    what: impl FnOnce() -> String,
    offset: u64,
    size: u64,
    data: &[u8],
) -> Result<(), Error> {
    let file_len = file_len(data);
    match offset.checked_add(size) {
        Some(end) if end <= file_len => Ok(()),
        _ => Err(Error::Truncated {
            what: what(),
            offset,
            size,
            file_len,
        }),
    }
}

fn inconsistent(text: impl Into<String>) -> Error {
    Error::InconsistentHeaders(text.into())
}

fn bits(is_64: bool) -> u32 {
    if is_64 { 64 } else { 32 }
}

/// Maps `e_machine` (and the class) to an [`Arch`].
fn arch_for(machine: elf::Machine, is_64: bool) -> Result<Arch, Error> {
    let class_mismatch = |name: &str| {
        Err(inconsistent(format!(
            "e_machine {} ({name}) in an ELF{} file",
            machine.0,
            bits(is_64)
        )))
    };
    match machine {
        elf::EM_X86_64 => Ok(Arch::X86_64),
        elf::EM_AARCH64 => Ok(Arch::AArch64),
        elf::EM_RISCV if is_64 => Ok(Arch::RiscV64),
        elf::EM_RISCV => Ok(Arch::RiscV32),
        elf::EM_386 if is_64 => class_mismatch("EM_386"),
        elf::EM_386 => Ok(Arch::X86),
        elf::EM_ARM if is_64 => class_mismatch("EM_ARM"),
        elf::EM_ARM => Ok(Arch::Arm),
        elf::EM_PPC if is_64 => class_mismatch("EM_PPC"),
        elf::EM_PPC => Ok(Arch::PowerPc),
        elf::EM_PPC64 if is_64 => Ok(Arch::PowerPc64),
        elf::EM_PPC64 => class_mismatch("EM_PPC64"),
        other => Err(Error::UnsupportedMachine {
            machine: other.0,
            name: other.name().unwrap_or("unknown"),
        }),
    }
}

fn parse_as<Elf: FileHeader<Endian = Endianness>>(
    data: &[u8],
    ident: Ident,
) -> Result<Binary<'_>, Error> {
    let endian = ident.endian;
    check_range(
        || "ELF header".into(),
        0,
        mem::size_of::<Elf>() as u64,
        data,
    )?;
    let header = Elf::parse(data).map_err(|e| inconsistent(object_reason(e)))?;
    // Checked first: a file whose EI_CLASS is wrong reads as garbage, and this is the field
    // that says so most plainly.
    let ehsize = header.e_ehsize(endian);
    if usize::from(ehsize) != mem::size_of::<Elf>() {
        return Err(inconsistent(format!(
            "e_ehsize is {ehsize}, but the ELF{} header is {} bytes",
            bits(ident.is_64),
            mem::size_of::<Elf>()
        )));
    }
    let arch = arch_for(header.e_machine(endian), ident.is_64)?;
    let e_type = header.e_type(endian);
    if !matches!(e_type, elf::ET_REL | elf::ET_EXEC | elf::ET_DYN) {
        return Err(Error::UnsupportedFileType {
            e_type: e_type.0,
            name: e_type.name().unwrap_or("unknown"),
        });
    }
    let machine_flags = header.e_flags(endian).0;

    let program_headers = program_headers(header, endian, data, ident.is_64)?;
    let section_headers = section_headers(header, endian, data, ident.is_64)?;
    let strings = section_strings(header, endian, data, section_headers)?;
    let table = SectionTable::new(section_headers, strings.unwrap_or_default());

    let image = segments::<Elf>(program_headers, endian, data, ident.is_64)?;
    let sections = sections::<Elf>(&table, strings.is_some(), endian, data)?;
    let dynamic = dynamic_info::<Elf>(&table, program_headers, endian, data, &sections)?;

    let kind = match e_type {
        elf::ET_REL => Kind::Relocatable,
        elf::ET_EXEC => Kind::Executable,
        _ if dynamic.pie_flag || dynamic.has_interp => Kind::PositionIndependentExecutable,
        _ => Kind::SharedObject,
    };
    let mut entry: u64 = header.e_entry(endian).into();
    let mut entry_thumb = false;
    if arch == Arch::Arm && entry & 1 == 1 {
        entry &= !1;
        entry_thumb = true;
    }

    let versions = table
        .versions(endian, data)
        .map_err(|e| malformed_named(&sections, elf::SHT_GNU_VERSYM, e))?;
    let (symtab, _) = symbols::<Elf>(&table, endian, data, elf::SHT_SYMTAB, arch, None, &sections)?;
    let (dynsym, dynsym_table) = symbols::<Elf>(
        &table,
        endian,
        data,
        elf::SHT_DYNSYM,
        arch,
        versions.as_ref(),
        &sections,
    )?;
    let symbols = Symbols::new(symtab, dynsym);

    let mut slots = match &dynsym_table {
        Some((index, dynsym)) => plt_slots::<Elf>(
            &table,
            endian,
            data,
            arch,
            *index,
            dynsym,
            versions.as_ref(),
            &sections,
        )?,
        None => Vec::new(),
    };
    let code_big_endian = match arch {
        Arch::AArch64 => false,
        // BE8: big-endian data, little-endian instructions.
        Arch::Arm => endian == Endianness::Big && machine_flags & elf::EF_ARM_BE8.0 == 0,
        _ => endian == Endianness::Big,
    };
    let got_base = dynamic.plt_got.or_else(|| {
        sections
            .iter()
            .find(|s| s.name == b".got.plt")
            .map(|s| s.addr)
    });
    let target = Target {
        arch,
        code_big_endian,
        addr32: !ident.is_64,
        got_base,
    };
    let imports = imports::find(&target, &sections, &mut slots);

    Ok(Binary {
        data,
        arch,
        endian: match endian {
            Endianness::Little => Endian::Little,
            Endianness::Big => Endian::Big,
        },
        is_64: ident.is_64,
        kind,
        entry,
        entry_thumb,
        machine_flags,
        image,
        sections,
        symbols,
        imports,
        debug: std::sync::OnceLock::new(),
    })
}

fn program_headers<'data, Elf: FileHeader<Endian = Endianness>>(
    header: &Elf,
    endian: Endianness,
    data: &'data [u8],
    is_64: bool,
) -> Result<&'data [Elf::ProgramHeader], Error> {
    let phoff: u64 = header.e_phoff(endian).into();
    if phoff == 0 || header.e_phnum(endian) == 0 {
        return Ok(&[]);
    }
    let phnum = header.phnum(endian, data).map_err(|e| {
        inconsistent(format!(
            "e_phnum is PN_XNUM but the real count in section header 0 cannot be read ({})",
            object_reason(e)
        ))
    })?;
    if phnum == 0 {
        return Ok(&[]);
    }
    let entsize = header.e_phentsize(endian);
    let expected = mem::size_of::<Elf::ProgramHeader>();
    if usize::from(entsize) != expected {
        return Err(inconsistent(format!(
            "e_phentsize is {entsize}, but ELF{} program headers are {expected} bytes",
            bits(is_64)
        )));
    }
    let size = u64::from(phnum).saturating_mul(expected as u64);
    check_range(
        || format!("program header table ({phnum} entries)"),
        phoff,
        size,
        data,
    )?;
    header
        .program_headers(endian, data)
        .map_err(|e| inconsistent(object_reason(e)))
}

fn section_headers<'data, Elf: FileHeader<Endian = Endianness>>(
    header: &Elf,
    endian: Endianness,
    data: &'data [u8],
    is_64: bool,
) -> Result<&'data [Elf::SectionHeader], Error> {
    let shoff: u64 = header.e_shoff(endian).into();
    if shoff == 0 {
        return Ok(&[]);
    }
    let entsize = header.e_shentsize(endian);
    let expected = mem::size_of::<Elf::SectionHeader>();
    if header.e_shnum(endian) == 0 && entsize == 0 {
        // No section headers, and e_shoff is stale.
        return Ok(&[]);
    }
    if usize::from(entsize) != expected {
        return Err(inconsistent(format!(
            "e_shentsize is {entsize}, but ELF{} section headers are {expected} bytes",
            bits(is_64)
        )));
    }
    // Section 0 may hold the real count (when e_shnum is 0).
    check_range(
        || "section header table".into(),
        shoff,
        expected as u64,
        data,
    )?;
    let shnum = header.shnum(endian, data).map_err(|e| {
        inconsistent(format!(
            "the section count in section header 0 is invalid ({})",
            object_reason(e)
        ))
    })?;
    let size = u64::from(shnum).saturating_mul(expected as u64);
    check_range(
        || format!("section header table ({shnum} entries)"),
        shoff,
        size,
        data,
    )?;
    header
        .section_headers(endian, data)
        .map_err(|e| inconsistent(object_reason(e)))
}

/// The section name string table, `None` when there is none (`e_shstrndx` is `SHN_UNDEF`).
fn section_strings<'data, Elf: FileHeader<Endian = Endianness>>(
    header: &Elf,
    endian: Endianness,
    data: &'data [u8],
    headers: &'data [Elf::SectionHeader],
) -> Result<Option<StringTable<'data, &'data [u8]>>, Error> {
    if headers.is_empty() || header.e_shstrndx(endian) == elf::SHN_UNDEF {
        return Ok(None);
    }
    let index = header
        .shstrndx(endian, data)
        .map_err(|e| inconsistent(format!("e_shstrndx: {}", object_reason(e))))?;
    let section = usize::try_from(index)
        .ok()
        .and_then(|i| headers.get(i))
        .ok_or_else(|| {
            inconsistent(format!(
                "e_shstrndx is {index}, but there are only {} sections",
                headers.len()
            ))
        })?;
    let (offset, size) = section.file_range(endian).ok_or_else(|| {
        inconsistent(format!(
            "the section name string table [{index}] has no file data (SHT_NOBITS)"
        ))
    })?;
    check_range(
        || format!("section name string table [{index}]"),
        offset,
        size,
        data,
    )?;
    Ok(Some(StringTable::new(
        data,
        offset,
        offset.saturating_add(size),
    )))
}

fn segments<'data, Elf: FileHeader<Endian = Endianness>>(
    headers: &'data [Elf::ProgramHeader],
    endian: Endianness,
    data: &'data [u8],
    is_64: bool,
) -> Result<Image<'data>, Error> {
    let mut segments = Vec::new();
    for (index, ph) in headers.iter().enumerate() {
        if ph.p_type(endian) != elf::PT_LOAD {
            continue;
        }
        let vaddr: u64 = ph.p_vaddr(endian).into();
        let mem_size: u64 = ph.p_memsz(endian).into();
        let file_offset: u64 = ph.p_offset(endian).into();
        let file_size: u64 = ph.p_filesz(endian).into();
        if file_size > mem_size {
            return Err(inconsistent(format!(
                "program header {index} (PT_LOAD): p_filesz {file_size:#x} exceeds p_memsz {mem_size:#x}"
            )));
        }
        let limit = if is_64 { u64::MAX } else { 1 << 32 };
        if vaddr.checked_add(mem_size).is_none_or(|end| end > limit) {
            return Err(inconsistent(format!(
                "program header {index} (PT_LOAD): {vaddr:#x} + p_memsz {mem_size:#x} overflows the address space"
            )));
        }
        check_range(
            || format!("program header {index} (PT_LOAD)"),
            file_offset,
            file_size,
            data,
        )?;
        let bytes = slice(data, file_offset, file_size).ok_or_else(|| Error::Truncated {
            what: format!("program header {index} (PT_LOAD)"),
            offset: file_offset,
            size: file_size,
            file_len: file_len(data),
        })?;
        if mem_size == 0 {
            continue;
        }
        let flags = ph.p_flags(endian);
        segments.push(Segment {
            index,
            vaddr,
            mem_size,
            file_offset,
            file_size,
            perms: Perms {
                read: flags.contains(elf::PF_R),
                write: flags.contains(elf::PF_W),
                execute: flags.contains(elf::PF_X),
            },
            data: bytes,
        });
    }
    segments.sort_by_key(|s| (s.vaddr, s.index));
    for pair in segments.windows(2) {
        if let [a, b] = pair
            && b.vaddr < a.end()
        {
            return Err(inconsistent(format!(
                "PT_LOAD segments {} ({:#x}..{:#x}) and {} ({:#x}..{:#x}) overlap",
                a.index,
                a.vaddr,
                a.end(),
                b.index,
                b.vaddr,
                b.end()
            )));
        }
    }
    Ok(Image { segments })
}

fn sections<'data, Elf: FileHeader<Endian = Endianness>>(
    table: &SectionTable<'data, Elf, &'data [u8]>,
    has_names: bool,
    endian: Endianness,
    data: &'data [u8],
) -> Result<Vec<Section<'data>>, Error> {
    let mut sections = Vec::with_capacity(table.len());
    for (index, sh) in table.enumerate() {
        let index = index.0;
        let sh_type = sh.sh_type(endian);
        let name = if !has_names {
            &[][..]
        } else {
            match table.section_name(endian, sh) {
                Ok(name) => name,
                // The null section's name does not matter.
                Err(_) if sh_type == elf::SHT_NULL => &[][..],
                Err(e) => {
                    return Err(Error::MalformedSection {
                        section: format!("[{index}]"),
                        reason: format!("sh_name {}: {}", sh.sh_name(endian), object_reason(e)),
                    });
                }
            }
        };
        let flags = sh.sh_flags(endian);
        let file_offset: u64 = sh.sh_offset(endian).into();
        let size: u64 = sh.sh_size(endian).into();
        let mut section = Section {
            index,
            name,
            sh_type: sh_type.0,
            addr: sh.sh_addr(endian).into(),
            size,
            file_offset,
            alloc: flags.contains(elf::SHF_ALLOC),
            write: flags.contains(elf::SHF_WRITE),
            execute: flags.contains(elf::SHF_EXECINSTR),
            compressed: flags.contains(elf::SHF_COMPRESSED),
            sh_flags: flags.0,
            entry_size: sh.sh_entsize(endian).into(),
            data: &[],
        };
        if section.has_file_data() {
            check_range(
                || format!("section {}", section.describe()),
                file_offset,
                size,
                data,
            )?;
            section.data = slice(data, file_offset, size).unwrap_or(&[]);
        }
        sections.push(section);
    }
    Ok(sections)
}

/// Facts from the dynamic section and program headers.
#[derive(Debug, Default)]
struct DynamicInfo {
    pie_flag: bool,
    has_interp: bool,
    plt_got: Option<u64>,
}

fn dynamic_info<'data, Elf: FileHeader<Endian = Endianness>>(
    table: &SectionTable<'data, Elf, &'data [u8]>,
    program_headers: &'data [Elf::ProgramHeader],
    endian: Endianness,
    data: &'data [u8],
    sections: &[Section<'data>],
) -> Result<DynamicInfo, Error> {
    let mut info = DynamicInfo {
        has_interp: program_headers
            .iter()
            .any(|ph| ph.p_type(endian) == elf::PT_INTERP),
        ..DynamicInfo::default()
    };
    let entries: &[Elf::Dyn] = match table.dynamic(endian, data) {
        Ok(Some((entries, _))) => entries,
        Ok(None) => {
            // Without section headers, fall back to the PT_DYNAMIC segment.
            let mut found: &[Elf::Dyn] = &[];
            for (index, ph) in program_headers.iter().enumerate() {
                if let Some(entries) = ph.dynamic(endian, data).map_err(|e| {
                    inconsistent(format!(
                        "program header {index} (PT_DYNAMIC): {}",
                        object_reason(e)
                    ))
                })? {
                    found = entries;
                    break;
                }
            }
            found
        }
        Err(e) => return Err(malformed_named(sections, elf::SHT_DYNAMIC, e)),
    };
    for entry in entries {
        let tag = entry.d_tag(endian);
        let value: u64 = entry.d_val(endian).into();
        if tag == elf::DT_NULL {
            break;
        } else if tag == elf::DT_FLAGS_1 {
            info.pie_flag |= value & elf::DF_1_PIE.0 != 0;
        } else if tag == elf::DT_PLTGOT {
            info.plt_got = Some(value);
        }
    }
    Ok(info)
}

/// A [`Error::MalformedSection`] naming the first section of type `sh_type`.
fn malformed_named(sections: &[Section<'_>], sh_type: elf::SectionType, e: object::Error) -> Error {
    let section = sections
        .iter()
        .find(|s| s.sh_type == sh_type.0)
        .map(Section::describe)
        .unwrap_or_else(|| format!("of type {}", sh_type.0));
    Error::MalformedSection {
        section,
        reason: object_reason(e),
    }
}

type SymbolTableOf<'data, Elf> = SymbolTable<'data, Elf, &'data [u8]>;

/// Reads the first symbol table of type `sh_type`; also returns it (with its section index)
/// so that relocations can refer to its entries.
#[allow(clippy::type_complexity)]
fn symbols<'data, Elf: FileHeader<Endian = Endianness>>(
    table: &SectionTable<'data, Elf, &'data [u8]>,
    endian: Endianness,
    data: &'data [u8],
    sh_type: elf::SectionType,
    arch: Arch,
    versions: Option<&VersionTable<'data, Elf>>,
    sections: &[Section<'data>],
) -> Result<
    (
        Vec<Symbol<'data>>,
        Option<(SectionIndex, SymbolTableOf<'data, Elf>)>,
    ),
    Error,
> {
    let dynamic = sh_type == elf::SHT_DYNSYM;
    let Some((index, section)) = sections
        .iter()
        .find(|s| s.sh_type == sh_type.0)
        .map(|s| (s.index, s))
    else {
        return Ok((Vec::new(), None));
    };
    let table_name = || crate::error::printable(section.name);
    let symtab = table
        .symbols(endian, data, sh_type)
        .map_err(|e| Error::MalformedSymbolTable {
            table: table_name(),
            reason: object_reason(e),
        })?;
    let mut out = Vec::with_capacity(symtab.len());
    for (symbol_index, sym) in symtab.enumerate() {
        if symbol_index.0 == 0 {
            continue;
        }
        let st_type = sym.st_type();
        if st_type == elf::STT_SECTION || st_type == elf::STT_FILE {
            continue;
        }
        let raw = symtab
            .symbol_name(endian, sym)
            .map_err(|e| Error::MalformedSymbolTable {
                table: table_name(),
                reason: format!(
                    "symbol {}: st_name {}: {}",
                    symbol_index.0,
                    sym.st_name(endian),
                    object_reason(e)
                ),
            })?;
        if raw.is_empty() {
            continue;
        }
        if matches!(
            arch,
            Arch::Arm | Arch::AArch64 | Arch::RiscV32 | Arch::RiscV64
        ) && is_mapping_symbol(raw)
        {
            continue;
        }
        let (name, version) = if dynamic {
            (raw, dynamic_version(versions, endian, symbol_index))
        } else {
            split_version(raw)
        };
        let section_index = symtab
            .symbol_section(endian, sym, symbol_index)
            .map_err(|e| Error::MalformedSymbolTable {
                table: table_name(),
                reason: format!("symbol {}: {}", symbol_index.0, object_reason(e)),
            })?
            .map(|s| s.0);
        let kind = match st_type {
            elf::STT_FUNC => SymbolKind::Function,
            elf::STT_GNU_IFUNC => SymbolKind::IndirectFunction,
            elf::STT_OBJECT | elf::STT_COMMON => SymbolKind::Object,
            elf::STT_TLS => SymbolKind::Tls,
            _ => SymbolKind::Other,
        };
        let binding = match sym.st_bind() {
            elf::STB_LOCAL => Binding::Local,
            elf::STB_GLOBAL | elf::STB_GNU_UNIQUE => Binding::Global,
            elf::STB_WEAK => Binding::Weak,
            other => Binding::Other(other.0),
        };
        let mut address: u64 = sym.st_value(endian).into();
        let mut thumb = false;
        if arch == Arch::Arm
            && matches!(kind, SymbolKind::Function | SymbolKind::IndirectFunction)
            && address & 1 == 1
        {
            address &= !1;
            thumb = true;
        }
        out.push(Symbol {
            name,
            version,
            address,
            size: sym.st_size(endian).into(),
            kind,
            binding,
            defined: !sym.is_undefined(endian),
            section: section_index,
            thumb,
            in_symtab: !dynamic,
            in_dynsym: dynamic,
        });
    }
    Ok((out, Some((SectionIndex(index), symtab))))
}

fn dynamic_version<'data, Elf: FileHeader<Endian = Endianness>>(
    versions: Option<&VersionTable<'data, Elf>>,
    endian: Endianness,
    index: SymbolIndex,
) -> Option<&'data [u8]> {
    let versions = versions?;
    let version = versions
        .version(versions.version_index(endian, index).index())
        .ok()??;
    Some(version.name())
}

/// The `JUMP_SLOT` and `GLOB_DAT` relocations of every relocation section linked to the
/// dynamic symbol table.
#[allow(clippy::too_many_arguments)]
fn plt_slots<'data, Elf: FileHeader<Endian = Endianness>>(
    table: &SectionTable<'data, Elf, &'data [u8]>,
    endian: Endianness,
    data: &'data [u8],
    arch: Arch,
    dynsym_index: SectionIndex,
    dynsym: &SymbolTableOf<'data, Elf>,
    versions: Option<&VersionTable<'data, Elf>>,
    sections: &[Section<'data>],
) -> Result<Vec<Slot<'data>>, Error> {
    let (jump_slot, glob_dat) = match arch {
        Arch::X86_64 => (elf::R_X86_64_JUMP_SLOT, elf::R_X86_64_GLOB_DAT),
        Arch::X86 => (elf::R_386_JMP_SLOT, elf::R_386_GLOB_DAT),
        Arch::AArch64 => (elf::R_AARCH64_JUMP_SLOT, elf::R_AARCH64_GLOB_DAT),
        Arch::Arm => (elf::R_ARM_JUMP_SLOT, elf::R_ARM_GLOB_DAT),
        Arch::PowerPc => (elf::R_PPC_JMP_SLOT, elf::R_PPC_GLOB_DAT),
        Arch::PowerPc64 => (elf::R_PPC64_JMP_SLOT, elf::R_PPC64_GLOB_DAT),
        // RISC-V has no GLOB_DAT: GOT entries of taken addresses use R_RISCV_64/32.
        Arch::RiscV32 | Arch::RiscV64 => (elf::R_RISCV_JUMP_SLOT, elf::R_RISCV_JUMP_SLOT),
    };
    let mut raw: Vec<(u64, u32, Option<SlotKind>)> = Vec::new();
    let mut owners: Vec<usize> = Vec::new();
    for (index, sh) in table.enumerate() {
        let malformed = |e: object::Error| Error::MalformedRelocations {
            section: sections
                .get(index.0)
                .map(Section::describe)
                .unwrap_or_else(|| format!("[{}]", index.0)),
            reason: object_reason(e),
        };
        let sh_type = sh.sh_type(endian);
        if sh_type == elf::SHT_RELA {
            let Some((relocs, link)) = sh.rela(endian, data).map_err(malformed)? else {
                continue;
            };
            if link != dynsym_index {
                continue;
            }
            for rela in relocs {
                raw.push((
                    rela.r_offset(endian).into(),
                    rela.r_sym(endian, false),
                    slot_kind(rela.r_type(endian, false), jump_slot, glob_dat),
                ));
                owners.push(index.0);
            }
        } else if sh_type == elf::SHT_REL {
            let Some((relocs, link)) = sh.rel(endian, data).map_err(malformed)? else {
                continue;
            };
            if link != dynsym_index {
                continue;
            }
            for rel in relocs {
                raw.push((
                    rel.r_offset(endian).into(),
                    rel.r_sym(endian),
                    slot_kind(rel.r_type(endian), jump_slot, glob_dat),
                ));
                owners.push(index.0);
            }
        }
    }
    let mut slots = Vec::new();
    for ((got, sym, kind), owner) in raw.into_iter().zip(owners) {
        let Some(kind) = kind else {
            continue;
        };
        if sym == 0 {
            continue;
        }
        let symbol_index = SymbolIndex(sym as usize);
        let symbol = dynsym
            .symbol(symbol_index)
            .map_err(|_| Error::MalformedRelocations {
                section: sections
                    .get(owner)
                    .map(Section::describe)
                    .unwrap_or_else(|| format!("[{owner}]")),
                reason: format!(
                    "symbol index {sym} is outside the dynamic symbol table ({} entries)",
                    dynsym.len()
                ),
            })?;
        let name = dynsym
            .symbol_name(endian, symbol)
            .map_err(|e| Error::MalformedSymbolTable {
                table: ".dynsym".into(),
                reason: format!("symbol {sym}: {}", object_reason(e)),
            })?;
        slots.push(Slot {
            got,
            name,
            version: dynamic_version(versions, endian, symbol_index),
            kind,
        });
    }
    Ok(slots)
}

/// The import slot kind of a relocation type, `None` for unrelated relocations.
fn slot_kind(
    r_type: elf::RelocationType,
    jump_slot: elf::RelocationType,
    glob_dat: elf::RelocationType,
) -> Option<SlotKind> {
    if r_type == jump_slot {
        Some(SlotKind::JumpSlot)
    } else if r_type == glob_dat {
        Some(SlotKind::GlobDat)
    } else {
        None
    }
}
