//! Malformed input: each fault gives its own `Error` variant, with a one-line message, and
//! nothing panics. Most cases patch one field of the `x86_64-O0-nopie` fixture (ELF64,
//! little-endian; offsets from the ELF specification, layout from `readelf -hSW`).

use tandem_loader::{Binary, Error};

fn load(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fixture() -> Vec<u8> {
    load("x86_64-O0-nopie")
}

fn put(data: &mut [u8], offset: usize, bytes: &[u8]) {
    data[offset..offset + bytes.len()].copy_from_slice(bytes);
}

fn get_u64(data: &[u8], offset: usize) -> u64 {
    u64::from_le_bytes(data[offset..offset + 8].try_into().expect("8 bytes"))
}

// ELF64 header fields.
const E_TYPE: usize = 16;
const E_MACHINE: usize = 18;
const E_PHOFF: usize = 32;
const E_SHOFF: usize = 40;
const E_PHENTSIZE: usize = 54;
const E_SHSTRNDX: usize = 62;
// Section header fields (ELF64).
const SH_OFFSET: usize = 24;
const SH_SIZE: usize = 32;
const SH_LINK: usize = 40;

/// The file offset of section header `index` of an ELF64 little-endian file.
fn section_header(data: &[u8], index: usize) -> usize {
    get_u64(data, E_SHOFF) as usize + index * 64
}

/// The index of the section called `name` (found with the loader itself).
fn section_index(data: &[u8], name: &str) -> usize {
    let binary = Binary::parse(data).expect("the fixture parses");
    binary
        .section_by_name(name)
        .unwrap_or_else(|| panic!("no section {name}"))
        .index
}

/// Parses `data`, expecting an error; checks that its message is one line.
fn parse_err(data: &[u8]) -> Error {
    let error = match Binary::parse(data) {
        Ok(_) => panic!("expected an error"),
        Err(error) => error,
    };
    let text = error.to_string();
    assert!(!text.contains('\n'), "{text}");
    error
}

#[test]
fn empty_file() {
    let error = parse_err(&[]);
    assert_eq!(
        error,
        Error::NotElf {
            found: [0; 4],
            len: 0
        }
    );
    assert_eq!(error.to_string(), "not an ELF file (the file is empty)");
}

#[test]
fn garbage() {
    let error = parse_err(b"hello world, this is not an ELF file at all");
    assert_eq!(
        error,
        Error::NotElf {
            found: *b"hell",
            len: 43
        }
    );
    assert_eq!(error.to_string(), "not an ELF file (bad magic 68 65 6c 6c)");
    assert!(matches!(
        parse_err(&[0x7f, b'E', b'L']),
        Error::NotElf { len: 3, .. }
    ));
    let pseudo_random: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(matches!(parse_err(&pseudo_random), Error::NotElf { .. }));
}

#[test]
fn truncated_at_several_points() {
    let data = fixture();
    let len = data.len() as u64;
    let cases: &[(usize, &str, u64, u64)] = &[
        // (cut, structure, offset, size)
        (8, "ELF identification (e_ident)", 0, 16),
        (20, "ELF header", 0, 64),
        (63, "ELF header", 0, 64),
        // 13 program headers of 56 bytes at offset 64.
        (200, "program header table (13 entries)", 64, 13 * 56),
        // 37 section headers of 64 bytes at offset 16368, at the end of the file.
        (5000, "section header table", 16368, 64),
        (16400, "section header table", 16368, 64),
        (16500, "section header table (37 entries)", 16368, 37 * 64),
        (
            data.len() - 1,
            "section header table (37 entries)",
            16368,
            37 * 64,
        ),
    ];
    for &(cut, what, offset, size) in cases {
        let error = parse_err(&data[..cut]);
        assert_eq!(
            error,
            Error::Truncated {
                what: what.into(),
                offset,
                size,
                file_len: cut as u64,
            },
            "cut at {cut}"
        );
    }
    assert!(
        Binary::parse(&data).is_ok(),
        "the uncut file ({len} bytes) parses"
    );
    let error = parse_err(&data[..200]);
    assert_eq!(
        error.to_string(),
        "truncated file: program header table (13 entries) is 728 bytes at offset 64, \
         but the file has only 200 bytes"
    );
}

#[test]
fn truncated_segment_without_section_headers() {
    let mut data = fixture();
    put(&mut data, E_SHOFF, &0u64.to_le_bytes());
    // The executable PT_LOAD covers file bytes 0x1000..0x1311.
    let error = parse_err(&data[..0x1200]);
    match error {
        Error::Truncated {
            what,
            offset,
            size,
            file_len,
        } => {
            assert!(what.contains("PT_LOAD"), "{what}");
            assert_eq!((offset, size, file_len), (0x1000, 0x311, 0x1200));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_section_header_offset() {
    let mut data = fixture();
    put(&mut data, E_SHOFF, &0x0000_ffff_0000_0000u64.to_le_bytes());
    let error = parse_err(&data);
    assert_eq!(
        error,
        Error::Truncated {
            what: "section header table".into(),
            offset: 0x0000_ffff_0000_0000,
            size: 64,
            file_len: data.len() as u64,
        }
    );
    // An offset so large that offset + size overflows.
    put(&mut data, E_SHOFF, &u64::MAX.to_le_bytes());
    assert!(matches!(parse_err(&data), Error::Truncated { .. }));
}

#[test]
fn bad_program_header_offset() {
    let mut data = fixture();
    put(&mut data, E_PHOFF, &(u64::MAX - 8).to_le_bytes());
    assert!(matches!(
        parse_err(&data),
        Error::Truncated { what, .. } if what.starts_with("program header table")
    ));
}

#[test]
fn section_data_past_the_end() {
    let mut data = fixture();
    let index = section_index(&data, ".debug_line");
    let header = section_header(&data, index);
    put(&mut data, header + SH_OFFSET, &0x10_0000u64.to_le_bytes());
    let error = parse_err(&data);
    assert!(
        matches!(&error, Error::Truncated { what, offset: 0x10_0000, .. }
            if what == &format!("section [{index}] .debug_line")),
        "{error:?}"
    );
}

#[test]
fn unsupported_class_encoding_and_version() {
    let mut data = fixture();
    data[4] = 3;
    assert_eq!(parse_err(&data), Error::UnsupportedClass(3));
    let mut data = fixture();
    data[5] = 0;
    assert_eq!(parse_err(&data), Error::UnsupportedEncoding(0));
    let mut data = fixture();
    data[6] = 2;
    assert_eq!(parse_err(&data), Error::UnsupportedVersion(2));
    assert_eq!(
        Error::UnsupportedClass(3).to_string(),
        "unsupported ELF class 3 (expected 1 for ELF32 or 2 for ELF64)"
    );
}

#[test]
fn wrong_class() {
    // An ELF64 file that claims to be ELF32: read as ELF32, e_ehsize (offset 40) is the low
    // half of the 64-bit e_shoff, 16368.
    let mut data = fixture();
    data[4] = 1;
    assert_eq!(
        parse_err(&data),
        Error::InconsistentHeaders("e_ehsize is 16368, but the ELF32 header is 52 bytes".into())
    );
    let mut data = load("ppc-O2");
    data[4] = 2;
    assert!(matches!(parse_err(&data), Error::InconsistentHeaders(_)));
    // A machine that exists only as ELF32, in an ELF64 file.
    let mut data = fixture();
    put(&mut data, E_MACHINE, &40u16.to_le_bytes()); // EM_ARM
    let error = parse_err(&data);
    assert_eq!(
        error,
        Error::InconsistentHeaders("e_machine 40 (EM_ARM) in an ELF64 file".into())
    );
}

#[test]
fn foreign_machine() {
    let mut data = fixture();
    put(&mut data, E_MACHINE, &8u16.to_le_bytes());
    let error = parse_err(&data);
    assert_eq!(
        error,
        Error::UnsupportedMachine {
            machine: 8,
            name: "EM_MIPS"
        }
    );
    assert_eq!(
        error.to_string(),
        "unsupported machine: e_machine 8 (EM_MIPS)"
    );
    put(&mut data, E_MACHINE, &0x7777u16.to_le_bytes());
    assert_eq!(
        parse_err(&data),
        Error::UnsupportedMachine {
            machine: 0x7777,
            name: "unknown"
        }
    );
}

#[test]
fn core_dump() {
    let mut data = fixture();
    put(&mut data, E_TYPE, &4u16.to_le_bytes());
    assert_eq!(
        parse_err(&data),
        Error::UnsupportedFileType {
            e_type: 4,
            name: "ET_CORE"
        }
    );
}

#[test]
fn inconsistent_headers() {
    let mut data = fixture();
    put(&mut data, E_PHENTSIZE, &3u16.to_le_bytes());
    assert_eq!(
        parse_err(&data),
        Error::InconsistentHeaders(
            "e_phentsize is 3, but ELF64 program headers are 56 bytes".into()
        )
    );

    let mut data = fixture();
    put(&mut data, E_SHSTRNDX, &999u16.to_le_bytes());
    assert_eq!(
        parse_err(&data),
        Error::InconsistentHeaders("e_shstrndx is 999, but there are only 37 sections".into())
    );

    // The read-execute PT_LOAD is program header 3 (readelf -lW); make p_filesz > p_memsz.
    let mut data = fixture();
    let phdr = 64 + 3 * 56;
    assert_eq!(
        get_u64(&data, phdr + 8),
        0x1000,
        "p_offset of the code segment"
    );
    put(&mut data, phdr + 32, &0x400u64.to_le_bytes());
    put(&mut data, phdr + 40, &0x300u64.to_le_bytes());
    assert!(matches!(
        parse_err(&data),
        Error::InconsistentHeaders(text) if text.contains("p_filesz 0x400 exceeds p_memsz 0x300")
    ));

    // Two PT_LOAD segments at the same address.
    let mut data = fixture();
    let code = get_u64(&data, phdr + 16);
    put(&mut data, 64 + 2 * 56 + 16, &code.to_le_bytes());
    assert!(matches!(
        parse_err(&data),
        Error::InconsistentHeaders(text) if text.contains("overlap")
    ));
}

#[test]
fn malformed_symbol_table() {
    // .symtab links to a string table; point the link at the null section instead.
    let mut data = fixture();
    let index = section_index(&data, ".symtab");
    let header = section_header(&data, index);
    put(&mut data, header + SH_LINK, &0u32.to_le_bytes());
    assert!(matches!(
        parse_err(&data),
        Error::MalformedSymbolTable { table, .. } if table == ".symtab"
    ));

    // A symbol whose name offset lies outside the string table.
    let mut data = fixture();
    let symtab_offset = get_u64(&data, header + SH_OFFSET) as usize;
    put(
        &mut data,
        symtab_offset + 24 * 5,
        &0x00ff_ffffu32.to_le_bytes(),
    );
    let error = parse_err(&data);
    assert!(
        matches!(&error, Error::MalformedSymbolTable { table, reason }
            if table == ".symtab" && reason.starts_with("symbol 5: st_name 16777215")),
        "{error:?}"
    );

    // A symbol table whose size is not a whole number of entries.
    let mut data = fixture();
    let size = get_u64(&data, header + SH_SIZE);
    put(&mut data, header + SH_SIZE, &(size - 1).to_le_bytes());
    assert!(matches!(
        parse_err(&data),
        Error::MalformedSymbolTable { .. }
    ));
}

#[test]
fn malformed_dwarf_is_reported_lazily() {
    let mut data = fixture();
    let binary = Binary::parse(&data).expect("parses");
    let info = binary.section_by_name(".debug_info").expect(".debug_info");
    // The unit header: a 4-byte length, then the 2-byte version.
    let version_at = info.file_offset as usize + 4;
    drop(binary);
    put(&mut data, version_at, &0x99u16.to_le_bytes());
    let binary = Binary::parse(&data).expect("DWARF is not read by parse");
    let error = binary.debug_info().expect_err("corrupt DWARF");
    assert!(matches!(error, Error::MalformedDwarf(_)), "{error:?}");
    let text = error.to_string();
    assert!(text.starts_with("malformed DWARF: "), "{text}");
    assert!(!text.contains('\n'));
    // The error is cached, and the rest of the binary is still usable.
    assert_eq!(binary.debug_info().expect_err("cached"), error);
    assert!(binary.symbol("main").is_some());
}

#[test]
fn malformed_compressed_section() {
    let original = load("x86_64-O0-gz");
    let binary = Binary::parse(&original).expect("parses");
    let section = binary.section_by_name(".debug_info").expect(".debug_info");
    let (offset, index) = (section.file_offset as usize, section.index);
    drop(binary);

    // Elf64_Chdr: ch_type at 0, ch_size at 8, then the zlib stream at 24.
    let mut data = original.clone();
    put(&mut data, offset, &7u32.to_le_bytes());
    let binary = Binary::parse(&data).expect("parses");
    assert_eq!(
        binary.debug_info().expect_err("bad ch_type"),
        Error::MalformedSection {
            section: format!("[{index}] .debug_info"),
            reason: "unsupported compression type 7".into()
        }
    );

    let mut data = original.clone();
    put(&mut data, offset + 8, &(1u64 << 40).to_le_bytes());
    let binary = Binary::parse(&data).expect("parses");
    assert!(matches!(
        binary.debug_info().expect_err("huge ch_size"),
        Error::MalformedSection { reason, .. } if reason.contains("uncompressed bytes")
    ));

    let mut data = original;
    for byte in &mut data[offset + 24..offset + 40] {
        *byte = 0xa5;
    }
    let binary = Binary::parse(&data).expect("parses");
    assert!(matches!(
        binary.debug_info().expect_err("corrupt stream"),
        Error::MalformedSection { .. }
    ));
}

#[test]
fn big_endian_truncation() {
    // The same checks hold for ELF32 big-endian.
    let data = load("ppc-O2");
    for cut in [0, 3, 16, 51, 52, 100, 1000, data.len() - 1] {
        assert!(Binary::parse(&data[..cut]).is_err(), "cut at {cut}");
    }
    assert!(matches!(
        parse_err(&data[..40]),
        Error::Truncated { size: 52, .. }
    ));
}
