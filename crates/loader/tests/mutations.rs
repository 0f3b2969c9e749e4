//! Property test: the fixtures, mutated at random (byte flips, truncations, insertions and
//! header fields overwritten with boundary values), never make `Binary::parse` or any accessor
//! panic. `PROPTEST_CASES` raises the number of cases (default 4096).

#[path = "support/exercise.rs"]
mod exercise;

use proptest::prelude::*;

const FIXTURES: &[&str] = &[
    "x86_64-O0-nopie",
    "x86_64-O0-gz",
    "x86_64-O2-pie-now-ibt",
    "x86_64-O2-pie-now-ibt-stripped",
    "x86_64-O2-pie-lazy",
    "x86_64-O2-pie-lazy-dwarf4",
    "x86_64-O2.o",
    "x86-O2",
    "aarch64-O2",
    "arm-O2",
    "arm-thumb-O2",
    "ppc-O2",
    "riscv64-O2",
];

fn fixtures() -> &'static [Vec<u8>] {
    static DATA: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    DATA.get_or_init(|| {
        FIXTURES
            .iter()
            .map(|name| {
                let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
                std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
            })
            .collect()
    })
}

/// Values that tend to break size and offset arithmetic.
const BOUNDARIES: &[u64] = &[
    0,
    1,
    2,
    3,
    4,
    7,
    8,
    0x10,
    0x20,
    0x38,
    0x40,
    0x7f,
    0x80,
    0xff,
    0x100,
    0xfff,
    0x1000,
    0x7fff,
    0x8000,
    0xffff,
    0x1_0000,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_fff0,
    0xffff_ffff,
    0x1_0000_0000,
    0x7fff_ffff_ffff_ffff,
    0x8000_0000_0000_0000,
    u64::MAX - 15,
    u64::MAX,
];

#[derive(Debug, Clone)]
enum Mutation {
    /// XOR one byte (position as a fraction of the length).
    Flip { at: u32, mask: u8 },
    /// Cut the file.
    Truncate { at: u32 },
    /// Insert bytes.
    Insert { at: u32, bytes: Vec<u8> },
    /// Delete a range.
    Delete { at: u32, len: u16 },
    /// Overwrite a field of the ELF header.
    Header { field: usize, value: u64 },
    /// Overwrite a field of a section header.
    SectionHeader {
        index: u16,
        field: usize,
        value: u64,
    },
    /// Overwrite a field of a program header.
    ProgramHeader {
        index: u16,
        field: usize,
        value: u64,
    },
    /// Overwrite bytes anywhere with a boundary value.
    Anywhere { at: u32, width: u8, value: u64 },
}

fn value() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => proptest::sample::select(BOUNDARIES),
        1 => any::<u64>(),
        1 => 0u64..0x10000,
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<u32>(), 1u8..=255).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        1 => any::<u32>().prop_map(|at| Mutation::Truncate { at }),
        1 => (any::<u32>(), proptest::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        1 => (any::<u32>(), 1u16..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        3 => (0usize..HEADER_FIELDS.len(), value())
            .prop_map(|(field, value)| Mutation::Header { field, value }),
        4 => (0u16..48, 0usize..10, value()).prop_map(|(index, field, value)| {
            Mutation::SectionHeader { index, field, value }
        }),
        3 => (0u16..16, 0usize..8, value()).prop_map(|(index, field, value)| {
            Mutation::ProgramHeader { index, field, value }
        }),
        2 => (any::<u32>(), proptest::sample::select(&[1u8, 2, 4, 8][..]), value())
            .prop_map(|(at, width, value)| Mutation::Anywhere { at, width, value }),
    ]
}

/// `(offset in ELF32, offset in ELF64, width in ELF32, width in ELF64)` of the header fields
/// after `e_ident`: e_type, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags,
/// e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx.
const HEADER_FIELDS: &[(usize, usize, u8, u8)] = &[
    (16, 16, 2, 2),
    (18, 18, 2, 2),
    (20, 20, 4, 4),
    (24, 24, 4, 8),
    (28, 32, 4, 8),
    (32, 40, 4, 8),
    (36, 48, 4, 4),
    (40, 52, 2, 2),
    (42, 54, 2, 2),
    (44, 56, 2, 2),
    (46, 58, 2, 2),
    (48, 60, 2, 2),
    (50, 62, 2, 2),
];

/// Section header fields: `(offset, width)` for ELF32 and ELF64.
const SECTION_FIELDS_32: &[(usize, u8)] = &[
    (0, 4),
    (4, 4),
    (8, 4),
    (12, 4),
    (16, 4),
    (20, 4),
    (24, 4),
    (28, 4),
    (32, 4),
    (36, 4),
];
const SECTION_FIELDS_64: &[(usize, u8)] = &[
    (0, 4),
    (4, 4),
    (8, 8),
    (16, 8),
    (24, 8),
    (32, 8),
    (40, 4),
    (44, 4),
    (48, 8),
    (56, 8),
];
/// Program header fields (p_type, p_flags/p_offset, ...) for ELF32 and ELF64.
const PROGRAM_FIELDS_32: &[(usize, u8)] = &[
    (0, 4),
    (4, 4),
    (8, 4),
    (12, 4),
    (16, 4),
    (20, 4),
    (24, 4),
    (28, 4),
];
const PROGRAM_FIELDS_64: &[(usize, u8)] = &[
    (0, 4),
    (4, 4),
    (8, 8),
    (16, 8),
    (24, 8),
    (32, 8),
    (40, 8),
    (48, 8),
];

struct Layout {
    is_64: bool,
    big_endian: bool,
}

impl Layout {
    fn of(data: &[u8]) -> Option<Layout> {
        Some(Layout {
            is_64: *data.get(4)? == 2,
            big_endian: *data.get(5)? == 2,
        })
    }

    fn read(&self, data: &[u8], offset: usize, width: u8) -> Option<u64> {
        let bytes = data.get(offset..offset.checked_add(usize::from(width))?)?;
        let mut value = 0u64;
        for i in 0..bytes.len() {
            let byte = if self.big_endian {
                bytes[i]
            } else {
                bytes[bytes.len() - 1 - i]
            };
            value = (value << 8) | u64::from(byte);
        }
        Some(value)
    }

    fn write(&self, data: &mut [u8], offset: usize, width: u8, value: u64) {
        let width = usize::from(width);
        let Some(end) = offset.checked_add(width) else {
            return;
        };
        let Some(bytes) = data.get_mut(offset..end) else {
            return;
        };
        for (i, byte) in bytes.iter_mut().enumerate() {
            let shift = if self.big_endian {
                8 * (width - 1 - i)
            } else {
                8 * i
            };
            *byte = (value >> shift) as u8;
        }
    }

    /// `(table offset, entry size)` of the section or program header table.
    fn table(&self, data: &[u8], sections: bool) -> Option<(usize, usize)> {
        let field = if sections { 5 } else { 4 };
        let (off32, off64, w32, w64) = *HEADER_FIELDS.get(field)?;
        let offset = if self.is_64 {
            self.read(data, off64, w64)?
        } else {
            self.read(data, off32, w32)?
        };
        let entsize = match (sections, self.is_64) {
            (true, true) => 64,
            (true, false) => 40,
            (false, true) => 56,
            (false, false) => 32,
        };
        Some((usize::try_from(offset).ok()?, entsize))
    }
}

fn position(at: u32, len: usize) -> usize {
    if len == 0 {
        0
    } else {
        (u64::from(at) * len as u64 / (u64::from(u32::MAX) + 1)) as usize
    }
}

fn apply(data: &mut Vec<u8>, mutation: &Mutation) {
    let len = data.len();
    match mutation {
        Mutation::Flip { at, mask } => {
            if let Some(byte) = data.get_mut(position(*at, len)) {
                *byte ^= mask;
            }
        }
        Mutation::Truncate { at } => data.truncate(position(*at, len)),
        Mutation::Insert { at, bytes } => {
            let at = position(*at, len);
            data.splice(at..at, bytes.iter().copied());
        }
        Mutation::Delete { at, len: n } => {
            let at = position(*at, len);
            let end = (at + usize::from(*n)).min(len);
            data.drain(at..end);
        }
        Mutation::Header { field, value } => {
            let (Some(layout), Some(&(off32, off64, w32, w64))) =
                (Layout::of(data), HEADER_FIELDS.get(*field))
            else {
                return;
            };
            let (offset, width) = if layout.is_64 {
                (off64, w64)
            } else {
                (off32, w32)
            };
            layout.write(data, offset, width, *value);
        }
        Mutation::SectionHeader {
            index,
            field,
            value,
        }
        | Mutation::ProgramHeader {
            index,
            field,
            value,
        } => {
            let sections = matches!(mutation, Mutation::SectionHeader { .. });
            let Some(layout) = Layout::of(data) else {
                return;
            };
            let Some((table, entsize)) = layout.table(data, sections) else {
                return;
            };
            let fields = match (sections, layout.is_64) {
                (true, true) => SECTION_FIELDS_64,
                (true, false) => SECTION_FIELDS_32,
                (false, true) => PROGRAM_FIELDS_64,
                (false, false) => PROGRAM_FIELDS_32,
            };
            let Some(&(offset, width)) = fields.get(*field % fields.len()) else {
                return;
            };
            let at = table
                .saturating_add(usize::from(*index) * entsize)
                .saturating_add(offset);
            layout.write(data, at, width, *value);
        }
        Mutation::Anywhere { at, width, value } => {
            let layout = Layout::of(data).unwrap_or(Layout {
                is_64: true,
                big_endian: false,
            });
            layout.write(data, position(*at, len), *width, *value);
        }
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4096)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_fixtures_never_panic(
        fixture in 0..FIXTURES.len(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let mut data = fixtures()[fixture].clone();
        for mutation in &mutations {
            apply(&mut data, mutation);
        }
        let _ = exercise::exercise(&data);
    }
}

#[test]
fn unmutated_fixtures_pass_the_exerciser() {
    for (name, data) in FIXTURES.iter().zip(fixtures()) {
        assert!(exercise::exercise(data).is_ok(), "{name}");
    }
}

#[test]
fn mutations_hit_the_headers() {
    // The structured mutations land where they should: e_shnum of the ELF64 fixture, and the
    // sh_offset of its section 1.
    let mut data = fixtures()[0].clone();
    apply(
        &mut data,
        &Mutation::Header {
            field: 11,
            value: 0x1234,
        },
    );
    assert_eq!(&data[60..62], &[0x34, 0x12]);
    let mut data = fixtures()[0].clone();
    let layout = Layout::of(&data).expect("ELF");
    let (table, _) = layout.table(&data, true).expect("section headers");
    apply(
        &mut data,
        &Mutation::SectionHeader {
            index: 1,
            field: 4,
            value: u64::MAX,
        },
    );
    assert_eq!(layout.read(&data, table + 64 + 24, 8), Some(u64::MAX));
}
