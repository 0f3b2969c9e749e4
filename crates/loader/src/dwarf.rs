//! DWARF: functions with their parameters and variables, global variables, and the line table.
//!
//! Parsed on demand with `gimli` into owned, compact tables (names become `String`s: DWARF names
//! are only used to make tandem's output readable, never to match code). Compressed sections
//! (`SHF_COMPRESSED` with zlib or zstd, and GNU `.zdebug_*`) are decompressed first.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use gimli::{AttributeValue, DwAt, EndianSlice, Operation, RunTimeEndian, UnitOffset};
use object::read::{CompressedData, CompressionFormat};

use crate::binary::{Binary, Endian, Kind};
use crate::error::Error;
use crate::sections::Section;

/// Where a variable lives, when that is simple enough to state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Place {
    /// In a register (`DW_OP_reg*`); the number is the DWARF register number of the
    /// architecture (on x86-64: 0 `rax`, 5 `rdi`, 4 `rsi`, 1 `rdx`, 2 `rcx`, 8 `r8`, 9 `r9`, 7
    /// `rsp`, 6 `rbp`).
    Register(u16),
    /// In memory at the function's frame base plus an offset (`DW_OP_fbreg`); see
    /// [`Function::frame_base`].
    FrameBase(i64),
    /// In memory at a register plus an offset (`DW_OP_breg*`).
    RegisterOffset {
        /// DWARF register number.
        register: u16,
        /// Byte offset.
        offset: i64,
    },
    /// At a fixed address (`DW_OP_addr`, `DW_OP_addrx`).
    Address(u64),
    /// The canonical frame address (`DW_OP_call_frame_cfa`), the usual frame base.
    CallFrameCfa,
    /// A DWARF expression that is not one of the above (a computed value, pieces, an entry
    /// value, ...).
    Complex,
}

/// The location of a parameter or variable.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum VarLocation {
    /// No location (optimised out, or not described).
    #[default]
    None,
    /// The same place during the whole lifetime.
    Single(Place),
    /// Places that depend on the program counter (a location list), in DWARF order.
    List(Vec<(Range<u64>, Place)>),
}

impl VarLocation {
    /// The place at `pc`: the single place, or the list entry whose range contains `pc`.
    pub fn at(&self, pc: u64) -> Option<Place> {
        match self {
            VarLocation::None => None,
            VarLocation::Single(place) => Some(*place),
            VarLocation::List(entries) => entries
                .iter()
                .find(|(range, _)| range.contains(&pc))
                .map(|(_, place)| *place),
        }
    }
}

/// A formal parameter or a local variable of a function.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Variable {
    /// The source name (from the DIE or its abstract origin).
    pub name: Option<String>,
    /// Where it lives.
    pub location: VarLocation,
}

/// A function with code (a `DW_TAG_subprogram` with an address range).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Function {
    /// The source name (from the DIE, or its abstract origin or specification).
    pub name: Option<String>,
    /// The mangled linkage name, when the compiler recorded one.
    pub linkage_name: Option<String>,
    /// The entry address (`DW_AT_low_pc`, or the start of the lowest range).
    pub entry: u64,
    /// The address ranges of the code, sorted.
    pub ranges: Vec<Range<u64>>,
    /// Whether the function declares a return type (`DW_AT_type`); `false` for `void`.
    pub has_return_type: bool,
    /// The formal parameters, in declaration order.
    pub parameters: Vec<Variable>,
    /// The local variables, including those of nested lexical blocks (not those of inlined
    /// callees).
    pub variables: Vec<Variable>,
    /// `DW_AT_frame_base`, which [`Place::FrameBase`] offsets are relative to.
    pub frame_base: Option<Place>,
    /// Whether the function is visible outside its compilation unit (`DW_AT_external`).
    pub external: bool,
}

impl Function {
    /// One past the end of the last range.
    fn end(&self) -> u64 {
        self.ranges
            .iter()
            .map(|r| r.end)
            .max()
            .unwrap_or(self.entry)
    }

    /// Whether `addr` is inside one of the function's ranges.
    pub fn contains(&self, addr: u64) -> bool {
        self.ranges.iter().any(|r| r.contains(&addr))
    }
}

/// A global or static variable at a fixed address.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GlobalVariable {
    /// The source name.
    pub name: String,
    /// Its address.
    pub address: u64,
}

/// A source position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location<'a> {
    /// The source file, as a path (joined with the compilation directory when relative).
    pub file: &'a str,
    /// The line, starting at 1 (0 when the compiler did not attribute the code to a line).
    pub line: u32,
    /// The column, starting at 1 (0 when unknown).
    pub column: u32,
}

/// The DWARF information of a binary: functions, global variables and the line table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DebugInfo {
    functions: Vec<Function>,
    /// `(range start, range end, index into functions)`, sorted by start.
    function_ranges: Vec<(u64, u64, usize)>,
    max_range: u64,
    globals: Vec<GlobalVariable>,
    files: Vec<String>,
    rows: Vec<Row>,
}

/// One line-table row; `file == END` marks the end of a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    address: u64,
    file: u32,
    line: u32,
    column: u32,
}

const END: u32 = u32::MAX;

impl DebugInfo {
    /// Every function with code, sorted by entry address.
    pub fn functions(&self) -> &[Function] {
        &self.functions
    }

    /// The function whose ranges contain `addr` (the innermost one, for nested functions).
    pub fn function_containing(&self, addr: u64) -> Option<&Function> {
        let end = self
            .function_ranges
            .partition_point(|&(start, _, _)| start <= addr);
        let lowest = addr.saturating_sub(self.max_range);
        let mut best: Option<(u64, usize)> = None;
        for &(start, stop, index) in self.function_ranges.get(..end).unwrap_or(&[]).iter().rev() {
            if start < lowest {
                break;
            }
            if addr < stop {
                let size = stop - start;
                if best.is_none_or(|(best_size, _)| size < best_size) {
                    best = Some((size, index));
                }
            }
        }
        self.functions.get(best?.1)
    }

    /// The first function called `name`.
    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions
            .iter()
            .find(|f| f.name.as_deref() == Some(name))
    }

    /// Global and static variables at fixed addresses, sorted by address.
    pub fn globals(&self) -> &[GlobalVariable] {
        &self.globals
    }

    /// The source position of the instruction at `addr`, from the line table.
    pub fn line_at(&self, addr: u64) -> Option<Location<'_>> {
        let after = self.rows.partition_point(|row| row.address <= addr);
        let row = self.rows.get(after.checked_sub(1)?)?;
        if row.file == END {
            return None;
        }
        let file = self.files.get(usize::try_from(row.file).ok()?)?;
        Some(Location {
            file,
            line: row.line,
            column: row.column,
        })
    }

    /// Every source file named by the line table.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Whether there is no DWARF at all.
    pub fn is_empty(&self) -> bool {
        self.functions.is_empty() && self.rows.is_empty() && self.globals.is_empty()
    }
}

type R<'a> = EndianSlice<'a, RunTimeEndian>;

/// Parses the DWARF of `binary`.
pub(crate) fn parse(binary: &Binary<'_>) -> Result<DebugInfo, Error> {
    let span = tracing::debug_span!("dwarf");
    let _entered = span.enter();
    if binary.kind == Kind::Relocatable
        && binary
            .sections()
            .iter()
            .any(|s| s.name.starts_with(b".rela.debug_") || s.name.starts_with(b".rel.debug_"))
    {
        // The DWARF of an object file is only meaningful once its relocations are applied, and
        // the loader does not link.
        tracing::debug!("relocatable file with relocated DWARF; not read");
        return Ok(DebugInfo::default());
    }
    let sections = gimli::DwarfSections::load(|id| load_section(binary, id))?;
    let endian = match binary.endian {
        Endian::Little => RunTimeEndian::Little,
        Endian::Big => RunTimeEndian::Big,
    };
    let mut dwarf = sections.borrow(|section| EndianSlice::new(section, endian));
    dwarf.populate_abbreviations_cache(gimli::AbbreviationsCacheStrategy::Duplicates);

    // Code ranges: sequences and functions outside them were discarded by the linker (their
    // addresses are 0 or a tombstone). A relocatable file has no segments; keep everything.
    let code: Vec<Range<u64>> = binary.executable_ranges().collect();
    let filter = binary.kind != Kind::Relocatable;
    let in_code = |addr: u64| !filter || code.iter().any(|r| r.contains(&addr));

    let mut builder = Builder::default();
    let mut units = dwarf.units();
    while let Some(header) = units.next().map_err(|e| dwarf_error(e, None))? {
        let offset = Some(header.offset().0);
        let unit = dwarf.unit(header).map_err(|e| dwarf_error(e, offset))?;
        let unit = unit.unit_ref(&dwarf);
        builder
            .unit(unit, &in_code)
            .map_err(|e| dwarf_error(e, offset))?;
    }
    let info = builder.finish();
    tracing::debug!(
        functions = info.functions.len(),
        rows = info.rows.len(),
        "dwarf parsed"
    );
    Ok(info)
}

fn dwarf_error(error: gimli::Error, unit: Option<usize>) -> Error {
    match unit {
        Some(offset) => Error::MalformedDwarf(format!(
            "{error} (in the unit at .debug_info offset {offset:#x})"
        )),
        None => Error::MalformedDwarf(error.to_string()),
    }
}

/// The upper bound on decompressed size: zlib cannot expand more than about 1032:1, and no
/// DWARF section tandem can use is larger than 1 GiB.
fn decompressed_limit(compressed: usize) -> u64 {
    let compressed = u64::try_from(compressed).unwrap_or(u64::MAX);
    compressed
        .saturating_mul(1032)
        .saturating_add(4096)
        .min(1 << 30)
}

/// The contents of the DWARF section `id`, decompressed if needed; empty if absent.
fn load_section<'data>(
    binary: &Binary<'data>,
    id: gimli::SectionId,
) -> Result<Cow<'data, [u8]>, Error> {
    let name = id.name();
    if let Some(section) = binary.section_by_name(name) {
        if !section.has_file_data() {
            return Ok(Cow::Borrowed(&[]));
        }
        if section.compressed {
            return decompress_elf(binary, section);
        }
        return Ok(Cow::Borrowed(section.data));
    }
    if let Some(suffix) = name.strip_prefix(".debug_") {
        let zname = format!(".zdebug_{suffix}");
        if let Some(section) = binary.section_by_name(zname.as_bytes())
            && section.has_file_data()
        {
            return decompress_gnu(section);
        }
    }
    Ok(Cow::Borrowed(&[]))
}

fn compression_error(section: &Section<'_>, reason: impl Into<String>) -> Error {
    Error::MalformedSection {
        section: section.describe(),
        reason: reason.into(),
    }
}

/// `SHF_COMPRESSED`: an `Elf32_Chdr`/`Elf64_Chdr` header, then the compressed stream.
fn decompress_elf<'data>(
    binary: &Binary<'data>,
    section: &Section<'data>,
) -> Result<Cow<'data, [u8]>, Error> {
    let data = section.data;
    let word = |offset: usize| -> Option<u32> {
        let bytes: [u8; 4] = data.get(offset..offset + 4)?.try_into().ok()?;
        Some(match binary.endian {
            Endian::Little => u32::from_le_bytes(bytes),
            Endian::Big => u32::from_be_bytes(bytes),
        })
    };
    let doubleword = |offset: usize| -> Option<u64> {
        let bytes: [u8; 8] = data.get(offset..offset + 8)?.try_into().ok()?;
        Some(match binary.endian {
            Endian::Little => u64::from_le_bytes(bytes),
            Endian::Big => u64::from_be_bytes(bytes),
        })
    };
    let (ch_type, size, header_len) = if binary.is_64 {
        (word(0), doubleword(8), 24)
    } else {
        (word(0), word(4).map(u64::from), 12)
    };
    let (Some(ch_type), Some(size)) = (ch_type, size) else {
        return Err(compression_error(
            section,
            format!(
                "the compression header needs {header_len} bytes, the section has {}",
                data.len()
            ),
        ));
    };
    let format = match ch_type {
        1 => CompressionFormat::Zlib,
        2 => CompressionFormat::Zstandard,
        other => {
            return Err(compression_error(
                section,
                format!("unsupported compression type {other}"),
            ));
        }
    };
    let stream = data.get(header_len..).unwrap_or(&[]);
    decompress(section, format, stream, size)
}

/// GNU `.zdebug_*`: `ZLIB`, the uncompressed size as a big-endian u64, then a zlib stream.
fn decompress_gnu<'data>(section: &Section<'data>) -> Result<Cow<'data, [u8]>, Error> {
    let data = section.data;
    let size = data
        .get(4..12)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map(u64::from_be_bytes);
    match (data.get(..4), size) {
        (Some(b"ZLIB"), Some(size)) => decompress(
            section,
            CompressionFormat::Zlib,
            data.get(12..).unwrap_or(&[]),
            size,
        ),
        _ => Err(compression_error(
            section,
            "a .zdebug section must start with ZLIB and a 64-bit size",
        )),
    }
}

fn decompress<'data>(
    section: &Section<'data>,
    format: CompressionFormat,
    stream: &'data [u8],
    size: u64,
) -> Result<Cow<'data, [u8]>, Error> {
    let limit = decompressed_limit(stream.len());
    if size > limit {
        return Err(compression_error(
            section,
            format!(
                "the header claims {size} uncompressed bytes from {} compressed ones (at most {limit} accepted)",
                stream.len()
            ),
        ));
    }
    CompressedData {
        format,
        data: stream,
        uncompressed_size: size,
    }
    .decompress()
    .map_err(|e| compression_error(section, crate::error::object_reason(e)))
}

/// Accumulates the tables while the units are walked.
#[derive(Default)]
struct Builder {
    functions: Vec<Function>,
    globals: Vec<GlobalVariable>,
    files: Vec<String>,
    file_ids: HashMap<String, u32>,
    rows: Vec<Row>,
}

/// What encloses the DIE being visited.
#[derive(Clone, Copy)]
enum Scope {
    /// A function with code: its index in `Builder::functions`.
    Function(usize),
    /// Something whose variables are not collected (an inlined call, a declaration, an abstract
    /// instance).
    Other,
}

/// How many `DW_AT_abstract_origin`/`DW_AT_specification` links are followed.
const MAX_ORIGIN_DEPTH: usize = 8;

impl Builder {
    fn unit(
        &mut self,
        unit: gimli::UnitRef<'_, R<'_>>,
        in_code: &dyn Fn(u64) -> bool,
    ) -> gimli::Result<()> {
        self.lines(unit, in_code)?;
        let mut scopes: Vec<(isize, Scope)> = Vec::new();
        let mut entries = unit.entries();
        while let Some(entry) = entries.next_dfs()? {
            let depth = entry.depth();
            while scopes.last().is_some_and(|&(d, _)| d >= depth) {
                scopes.pop();
            }
            match entry.tag() {
                gimli::DW_TAG_subprogram => {
                    let scope = match self.function(unit, entry, in_code)? {
                        Some(function) => {
                            self.functions.push(function);
                            Scope::Function(self.functions.len() - 1)
                        }
                        None => Scope::Other,
                    };
                    scopes.push((depth, scope));
                }
                gimli::DW_TAG_inlined_subroutine => scopes.push((depth, Scope::Other)),
                gimli::DW_TAG_formal_parameter => {
                    if let Some(&(d, Scope::Function(index))) = scopes.last()
                        && d.checked_add(1) == Some(depth)
                    {
                        let variable = variable(unit, entry)?;
                        if let Some(function) = self.functions.get_mut(index) {
                            function.parameters.push(variable);
                        }
                    }
                }
                gimli::DW_TAG_variable => match scopes.last() {
                    Some(&(_, Scope::Function(index))) => {
                        let variable = variable(unit, entry)?;
                        if let Some(function) = self.functions.get_mut(index) {
                            function.variables.push(variable);
                        }
                    }
                    Some(&(_, Scope::Other)) => {}
                    None => {
                        if let Some(global) = global(unit, entry)? {
                            self.globals.push(global);
                        }
                    }
                },
                _ => {}
            }
        }
        Ok(())
    }

    fn function<'a>(
        &self,
        unit: gimli::UnitRef<'_, R<'a>>,
        entry: &gimli::DebuggingInformationEntry<R<'a>>,
        in_code: &dyn Fn(u64) -> bool,
    ) -> gimli::Result<Option<Function>> {
        let mut ranges = Vec::new();
        for range in die_ranges(unit, entry)? {
            if range.start < range.end && in_code(range.start) {
                ranges.push(range);
            }
        }
        if ranges.is_empty() {
            return Ok(None);
        }
        ranges.sort_by_key(|r| (r.start, r.end));
        let low_pc = match entry.attr_value(gimli::DW_AT_low_pc) {
            Some(value) => unit.attr_address(value)?,
            None => None,
        };
        let entry_pc = low_pc
            .filter(|pc| ranges.iter().any(|r| r.contains(pc)))
            .or_else(|| ranges.first().map(|r| r.start))
            .unwrap_or(0);
        let frame_base = entry
            .attr(gimli::DW_AT_frame_base)
            .and_then(|a| a.exprloc_value())
            .map(|expr| place(unit, expr));
        Ok(Some(Function {
            name: string_attr(unit, entry, gimli::DW_AT_name)?,
            linkage_name: match string_attr(unit, entry, gimli::DW_AT_linkage_name)? {
                Some(name) => Some(name),
                None => string_attr(unit, entry, gimli::DW_AT_MIPS_linkage_name)?,
            },
            entry: entry_pc,
            ranges,
            has_return_type: has_attr(unit, entry, gimli::DW_AT_type)?,
            parameters: Vec::new(),
            variables: Vec::new(),
            frame_base,
            external: matches!(
                inherited(unit, entry, gimli::DW_AT_external)?,
                Some(AttributeValue::Flag(true))
            ),
        }))
    }

    fn lines(
        &mut self,
        unit: gimli::UnitRef<'_, R<'_>>,
        in_code: &dyn Fn(u64) -> bool,
    ) -> gimli::Result<()> {
        let Some(program) = unit.line_program.clone() else {
            return Ok(());
        };
        let mut rows = program.rows();
        let mut sequence: Vec<Row> = Vec::new();
        let mut unit_files: HashMap<u64, u32> = HashMap::new();
        while let Some((header, row)) = rows.next_row()? {
            let address = row.address();
            if row.end_sequence() {
                if sequence.first().is_some_and(|first| in_code(first.address))
                    && sequence.last().is_some_and(|last| last.address <= address)
                {
                    self.rows.append(&mut sequence);
                    self.rows.push(Row {
                        address,
                        file: END,
                        line: 0,
                        column: 0,
                    });
                }
                sequence.clear();
                continue;
            }
            let file_index = row.file_index();
            let file = match unit_files.get(&file_index) {
                Some(&id) => id,
                None => {
                    let path = match header.file(file_index) {
                        Some(entry) => file_path(unit, header, entry)?,
                        None => "<unknown>".to_owned(),
                    };
                    let id = self.file_id(path);
                    unit_files.insert(file_index, id);
                    id
                }
            };
            let row = Row {
                address,
                file,
                line: row
                    .line()
                    .map_or(0, |l| u32::try_from(l.get()).unwrap_or(u32::MAX)),
                column: match row.column() {
                    gimli::ColumnType::LeftEdge => 0,
                    gimli::ColumnType::Column(c) => u32::try_from(c.get()).unwrap_or(u32::MAX),
                },
            };
            // Several rows at one address: the last one describes the instruction.
            match sequence.last_mut() {
                Some(last) if last.address == address => *last = row,
                _ => sequence.push(row),
            }
        }
        Ok(())
    }

    fn file_id(&mut self, path: String) -> u32 {
        if let Some(&id) = self.file_ids.get(&path) {
            return id;
        }
        let id = u32::try_from(self.files.len())
            .unwrap_or(END - 1)
            .min(END - 1);
        self.files.push(path.clone());
        self.file_ids.insert(path, id);
        id
    }

    fn finish(mut self) -> DebugInfo {
        self.functions
            .sort_by(|a, b| (a.entry, a.end(), &a.name).cmp(&(b.entry, b.end(), &b.name)));
        let mut function_ranges: Vec<(u64, u64, usize)> = self
            .functions
            .iter()
            .enumerate()
            .flat_map(|(index, f)| f.ranges.iter().map(move |r| (r.start, r.end, index)))
            .collect();
        function_ranges.sort_unstable();
        let max_range = function_ranges
            .iter()
            .map(|&(start, end, _)| end - start)
            .max()
            .unwrap_or(0);
        self.globals
            .sort_by(|a, b| (a.address, &a.name).cmp(&(b.address, &b.name)));
        self.globals.dedup();
        // Sequence ends sort before rows at the same address, so that a sequence starting
        // where another ends wins the lookup.
        self.rows.sort_by_key(|row| (row.address, row.file != END));
        DebugInfo {
            functions: self.functions,
            function_ranges,
            max_range,
            globals: self.globals,
            files: self.files,
            rows: self.rows,
        }
    }
}

/// The address ranges of a DIE, from `DW_AT_low_pc` with `DW_AT_high_pc`, or `DW_AT_ranges`.
///
/// Like `gimli::UnitRef::die_ranges`, except that `low_pc + size` is checked: gimli adds
/// without checking, which panics in debug builds when the file says the function ends past
/// the end of the address space.
fn die_ranges<'a>(
    unit: gimli::UnitRef<'_, R<'a>>,
    entry: &gimli::DebuggingInformationEntry<R<'a>>,
) -> gimli::Result<Vec<Range<u64>>> {
    let mut low_pc = None;
    let mut high_pc = None;
    let mut size = None;
    for attr in entry.attrs() {
        match attr.name() {
            gimli::DW_AT_low_pc => {
                low_pc = Some(
                    unit.attr_address(attr.value())?
                        .ok_or(gimli::Error::UnsupportedAttributeForm(attr.form()))?,
                );
            }
            gimli::DW_AT_high_pc => match attr.value() {
                AttributeValue::Udata(value) => size = Some(value),
                value => {
                    high_pc = Some(
                        unit.attr_address(value)?
                            .ok_or(gimli::Error::UnsupportedAttributeForm(attr.form()))?,
                    );
                }
            },
            gimli::DW_AT_ranges => {
                if let Some(mut list) = unit.attr_ranges(attr.value())? {
                    let mut ranges = Vec::new();
                    while let Some(range) = list.next()? {
                        ranges.push(range.begin..range.end);
                    }
                    return Ok(ranges);
                }
            }
            _ => {}
        }
    }
    let end = match (low_pc, size) {
        (Some(begin), Some(size)) => begin.checked_add(size),
        _ => high_pc,
    };
    let mut ranges = Vec::new();
    if let (Some(begin), Some(end)) = (low_pc, end) {
        ranges.push(begin..end);
    }
    Ok(ranges)
}

/// The DIE that `DW_AT_abstract_origin` or `DW_AT_specification` of `entry` points to, when it
/// is in the same unit.
fn origin<'a>(
    unit: gimli::UnitRef<'_, R<'a>>,
    entry: &gimli::DebuggingInformationEntry<R<'a>>,
) -> gimli::Result<Option<gimli::DebuggingInformationEntry<R<'a>>>> {
    for attr in [gimli::DW_AT_abstract_origin, gimli::DW_AT_specification] {
        if let Some(AttributeValue::UnitRef(offset)) = entry.attr_value(attr) {
            return unit.entry(offset).map(Some);
        }
    }
    Ok(None)
}

/// The value of `name` on `entry` or, failing that, on its abstract origin or specification.
fn inherited<'a>(
    unit: gimli::UnitRef<'_, R<'a>>,
    entry: &gimli::DebuggingInformationEntry<R<'a>>,
    name: DwAt,
) -> gimli::Result<Option<AttributeValue<R<'a>>>> {
    if let Some(value) = entry.attr_value(name) {
        return Ok(Some(value));
    }
    let mut current = origin(unit, entry)?;
    let mut seen: Vec<UnitOffset> = vec![entry.offset()];
    for _ in 0..MAX_ORIGIN_DEPTH {
        let Some(die) = current else {
            return Ok(None);
        };
        if let Some(value) = die.attr_value(name) {
            return Ok(Some(value));
        }
        if seen.contains(&die.offset()) {
            return Ok(None);
        }
        seen.push(die.offset());
        current = origin(unit, &die)?;
    }
    Ok(None)
}

fn has_attr<'a>(
    unit: gimli::UnitRef<'_, R<'a>>,
    entry: &gimli::DebuggingInformationEntry<R<'a>>,
    name: DwAt,
) -> gimli::Result<bool> {
    Ok(inherited(unit, entry, name)?.is_some())
}

fn string_attr<'a>(
    unit: gimli::UnitRef<'_, R<'a>>,
    entry: &gimli::DebuggingInformationEntry<R<'a>>,
    name: DwAt,
) -> gimli::Result<Option<String>> {
    match inherited(unit, entry, name)? {
        Some(value) => Ok(Some(
            unit.attr_string(value)?.to_string_lossy().into_owned(),
        )),
        None => Ok(None),
    }
}

fn variable<'a>(
    unit: gimli::UnitRef<'_, R<'a>>,
    entry: &gimli::DebuggingInformationEntry<R<'a>>,
) -> gimli::Result<Variable> {
    Ok(Variable {
        name: string_attr(unit, entry, gimli::DW_AT_name)?,
        location: location(unit, entry)?,
    })
}

fn location<'a>(
    unit: gimli::UnitRef<'_, R<'a>>,
    entry: &gimli::DebuggingInformationEntry<R<'a>>,
) -> gimli::Result<VarLocation> {
    let Some(attr) = entry.attr(gimli::DW_AT_location) else {
        return Ok(VarLocation::None);
    };
    if let Some(expr) = attr.exprloc_value() {
        return Ok(VarLocation::Single(place(unit, expr)));
    }
    let Some(mut list) = unit.attr_locations(attr.value())? else {
        return Ok(VarLocation::None);
    };
    let mut entries = Vec::new();
    while let Some(item) = list.next()? {
        if item.range.begin < item.range.end {
            entries.push((item.range.begin..item.range.end, place(unit, item.data)));
        }
    }
    Ok(VarLocation::List(entries))
}

/// Classifies a one-operation location expression.
fn place<'a>(unit: gimli::UnitRef<'_, R<'a>>, expr: gimli::Expression<R<'a>>) -> Place {
    let mut ops = expr.operations(unit.encoding());
    let first = match ops.next() {
        Ok(Some(op)) => op,
        _ => return Place::Complex,
    };
    if !matches!(ops.next(), Ok(None)) {
        return Place::Complex;
    }
    match first {
        Operation::Register { register } => Place::Register(register.0),
        Operation::FrameOffset { offset } => Place::FrameBase(offset),
        Operation::RegisterOffset {
            register, offset, ..
        } => Place::RegisterOffset {
            register: register.0,
            offset,
        },
        Operation::Address { address } => Place::Address(address),
        Operation::AddressIndex { index } => {
            unit.address(index).map_or(Place::Complex, Place::Address)
        }
        Operation::CallFrameCFA => Place::CallFrameCfa,
        _ => Place::Complex,
    }
}

fn global<'a>(
    unit: gimli::UnitRef<'_, R<'a>>,
    entry: &gimli::DebuggingInformationEntry<R<'a>>,
) -> gimli::Result<Option<GlobalVariable>> {
    let Some(expr) = entry
        .attr(gimli::DW_AT_location)
        .and_then(|a| a.exprloc_value())
    else {
        return Ok(None);
    };
    let Place::Address(address) = place(unit, expr) else {
        return Ok(None);
    };
    Ok(string_attr(unit, entry, gimli::DW_AT_name)?.map(|name| GlobalVariable { name, address }))
}

/// The path of a line-table file entry: `comp_dir/dir/name`, skipping the parts that are
/// absolute already.
fn file_path<'a>(
    unit: gimli::UnitRef<'_, R<'a>>,
    header: &gimli::LineProgramHeader<R<'a>>,
    file: &gimli::FileEntry<R<'a>>,
) -> gimli::Result<String> {
    let name = unit
        .attr_string(file.path_name())?
        .to_string_lossy()
        .into_owned();
    if name.starts_with('/') {
        return Ok(name);
    }
    let mut path = String::new();
    if let Some(dir) = file.directory(header) {
        path = unit.attr_string(dir)?.to_string_lossy().into_owned();
    }
    if !path.starts_with('/')
        && let Some(comp_dir) = &unit.comp_dir
    {
        let comp_dir = comp_dir.to_string_lossy();
        path = join(&comp_dir, &path);
    }
    Ok(join(&path, &name))
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else if name.is_empty() {
        dir.to_owned()
    } else if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_paths() {
        assert_eq!(join("/a", "b.c"), "/a/b.c");
        assert_eq!(join("/a/", "b.c"), "/a/b.c");
        assert_eq!(join("", "b.c"), "b.c");
        assert_eq!(join("/a", ""), "/a");
    }

    #[test]
    fn limits_decompression() {
        assert_eq!(decompressed_limit(0), 4096);
        assert_eq!(decompressed_limit(1000), 1_036_096);
        assert_eq!(decompressed_limit(usize::MAX), 1 << 30);
    }

    #[test]
    fn line_lookup_prefers_the_next_sequence() {
        let info = DebugInfo {
            files: vec!["a.c".into(), "b.c".into()],
            rows: vec![
                Row {
                    address: 0x10,
                    file: 0,
                    line: 1,
                    column: 0,
                },
                Row {
                    address: 0x20,
                    file: END,
                    line: 0,
                    column: 0,
                },
                Row {
                    address: 0x20,
                    file: 1,
                    line: 7,
                    column: 3,
                },
                Row {
                    address: 0x30,
                    file: END,
                    line: 0,
                    column: 0,
                },
            ],
            ..DebugInfo::default()
        };
        assert_eq!(info.line_at(0x0f), None);
        assert_eq!(
            info.line_at(0x1f).map(|l| (l.file, l.line)),
            Some(("a.c", 1))
        );
        assert_eq!(
            info.line_at(0x20).map(|l| (l.file, l.line)),
            Some(("b.c", 7))
        );
        assert_eq!(info.line_at(0x30), None);
    }
}
