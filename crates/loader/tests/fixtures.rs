//! The loader's view of the committed fixture binaries (`tests/data/`, built by
//! `tests/data/build.sh` from `prog.c`), checked against values read independently with the
//! binutils of each architecture when the fixtures were built:
//!
//! - entry points: `readelf -h` ("Entry point address");
//! - function symbols: `readelf -sW` (value and size; ARM Thumb values have bit 0 set there);
//! - imports: the addresses `objdump -d` labels `name@plt`, and the `r_offset` that
//!   `readelf -rW` shows for the `JUMP_SLOT`/`GLOB_DAT` relocation of the same name;
//! - source lines: `objdump -dl` (the `/src/prog.c:N` line above each instruction).
//!
//! Every expectation lives in the `FIXTURES` table and is checked by one `check` function.

use tandem_loader::{
    Arch, Binary, Binding, Endian, Error, Kind, Perms, Place, SlotKind, SymbolKind, VarLocation,
};

fn load(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const J: SlotKind = SlotKind::JumpSlot;
const G: SlotKind = SlotKind::GlobDat;

/// What one fixture must look like.
struct Expected {
    file: &'static str,
    arch: Arch,
    endian: Endian,
    is_64: bool,
    kind: Kind,
    entry: u64,
    /// Number of `PT_LOAD` segments (`readelf -lW`).
    segments: usize,
    /// `(name, address, size)` of the functions of prog.c.
    functions: &'static [(&'static str, u64, u64)],
    /// Whether the prog.c functions are Thumb code.
    thumb: bool,
    /// Every import: `(name, PLT address, GOT slot, slot kind)`.
    imports: &'static [(&'static str, u64, u64, SlotKind)],
    /// Whether the fixture has DWARF.
    dwarf: bool,
    /// `(address, line of /src/prog.c)`.
    lines: &'static [(u64, u32)],
}

/// The functions of prog.c with their parameter names and whether they return a value.
const PROTOTYPES: &[(&str, &[&str], bool)] = &[
    ("add", &["a", "b"], true),
    ("scale", &["value", "factor"], true),
    ("copy_greeting", &["dst", "n"], false),
    ("make_buffer", &["n"], true),
    ("getenv_address", &[], true),
    ("main", &["argc", "argv"], true),
];

const X86_64_O0_FUNCTIONS: &[(&str, u64, u64)] = &[
    ("add", 0x401186, 0x14),
    ("scale", 0x40119a, 0x26),
    ("copy_greeting", 0x4011c0, 0x39),
    ("make_buffer", 0x4011f9, 0x3e),
    ("getenv_address", 0x401237, 0xd),
    ("main", 0x401244, 0xc4),
];

const X86_64_O0_IMPORTS: &[(&str, u64, u64, SlotKind)] = &[
    ("free", 0x401030, 0x404000, J),
    ("puts", 0x401040, 0x404008, J),
    ("printf", 0x401050, 0x404010, J),
    ("memset", 0x401060, 0x404018, J),
    ("memcpy", 0x401070, 0x404020, J),
    ("malloc", 0x401080, 0x404028, J),
    // .plt.got: getenv's address is taken, so its stub jumps through the GLOB_DAT slot.
    ("getenv", 0x401090, 0x403fd0, G),
];

/// objdump -dl: 0x40125d `call puts@plt` is line 46, 0x40126f `call add` line 47,
/// 0x40128a `call scale` line 48.
const X86_64_O0_LINES: &[(u64, u32)] = &[
    (0x401186, 12),
    (0x40125d, 46),
    (0x40126f, 47),
    (0x40128a, 48),
];

const X86_64_O2_IBT_FUNCTIONS: &[(&str, u64, u64)] = &[
    ("main", 0x10d0, 0x90),
    ("add", 0x1250, 0x8),
    ("scale", 0x1260, 0x1f),
    ("copy_greeting", 0x1280, 0xad),
    ("make_buffer", 0x1330, 0xe),
    ("getenv_address", 0x1340, 0xc),
];

/// `.plt.got` (16-byte IBT entries) then `.plt.sec` (`endbr64; jmp *GOT(%rip)`).
const X86_64_O2_IBT_IMPORTS: &[(&str, u64, u64, SlotKind)] = &[
    ("getenv", 0x1070, 0x3fd0, G),
    ("__cxa_finalize", 0x1080, 0x3ff8, G),
    ("free", 0x1090, 0x3fb0, J),
    ("puts", 0x10a0, 0x3fb8, J),
    ("printf", 0x10b0, 0x3fc0, J),
    ("calloc", 0x10c0, 0x3fc8, J),
];

const X86_64_O2_FUNCTIONS: &[(&str, u64, u64)] = &[
    ("main", 0x1080, 0x8c),
    ("add", 0x1200, 0x4),
    ("scale", 0x1210, 0x17),
    ("copy_greeting", 0x1230, 0xa5),
    ("make_buffer", 0x12e0, 0xa),
    ("getenv_address", 0x12f0, 0x8),
];

const FIXTURES: &[Expected] = &[
    Expected {
        file: "x86_64-O0-nopie",
        arch: Arch::X86_64,
        endian: Endian::Little,
        is_64: true,
        kind: Kind::Executable,
        entry: 0x4010a0,
        segments: 4,
        functions: X86_64_O0_FUNCTIONS,
        thumb: false,
        imports: X86_64_O0_IMPORTS,
        dwarf: true,
        lines: X86_64_O0_LINES,
    },
    Expected {
        file: "x86_64-O0-gz",
        arch: Arch::X86_64,
        endian: Endian::Little,
        is_64: true,
        kind: Kind::Executable,
        entry: 0x4010a0,
        segments: 4,
        functions: X86_64_O0_FUNCTIONS,
        thumb: false,
        imports: X86_64_O0_IMPORTS,
        dwarf: true,
        lines: X86_64_O0_LINES,
    },
    Expected {
        file: "x86_64-O2-pie-now-ibt",
        arch: Arch::X86_64,
        endian: Endian::Little,
        is_64: true,
        kind: Kind::PositionIndependentExecutable,
        entry: 0x1160,
        segments: 4,
        functions: X86_64_O2_IBT_FUNCTIONS,
        thumb: false,
        imports: X86_64_O2_IBT_IMPORTS,
        dwarf: true,
        // objdump -dl: scale's `js` at 0x1266 is line 18, the `neg` block at 0x1278 line 19,
        // the `imul` path at 0x1268 line 20.
        lines: &[(0x1260, 17), (0x1266, 18), (0x1268, 20), (0x1278, 19)],
    },
    Expected {
        file: "x86_64-O2-pie-now-ibt-stripped",
        arch: Arch::X86_64,
        endian: Endian::Little,
        is_64: true,
        kind: Kind::PositionIndependentExecutable,
        entry: 0x1160,
        segments: 4,
        functions: &[],
        thumb: false,
        imports: X86_64_O2_IBT_IMPORTS,
        dwarf: false,
        lines: &[],
    },
    Expected {
        file: "x86_64-O2-pie-lazy",
        arch: Arch::X86_64,
        endian: Endian::Little,
        is_64: true,
        kind: Kind::PositionIndependentExecutable,
        entry: 0x1110,
        segments: 4,
        functions: X86_64_O2_FUNCTIONS,
        thumb: false,
        // Classic lazy .plt, then 8-byte .plt.got entries.
        imports: &[
            ("free", 0x1030, 0x4000, J),
            ("puts", 0x1040, 0x4008, J),
            ("printf", 0x1050, 0x4010, J),
            ("calloc", 0x1060, 0x4018, J),
            ("getenv", 0x1070, 0x3fb8, G),
            ("__cxa_finalize", 0x1078, 0x3fe0, G),
        ],
        dwarf: true,
        lines: &[(0x1200, 13), (0x1203, 14)],
    },
    Expected {
        file: "x86_64-O2-pie-now",
        arch: Arch::X86_64,
        endian: Endian::Little,
        is_64: true,
        kind: Kind::PositionIndependentExecutable,
        entry: 0x1110,
        segments: 4,
        functions: X86_64_O2_FUNCTIONS,
        thumb: false,
        // -z now without IBT: .plt keeps its PLT0 + `jmp *GOT(%rip)` layout.
        imports: &[
            ("free", 0x1030, 0x3fb0, J),
            ("puts", 0x1040, 0x3fb8, J),
            ("printf", 0x1050, 0x3fc0, J),
            ("calloc", 0x1060, 0x3fc8, J),
            ("getenv", 0x1070, 0x3fd0, G),
            ("__cxa_finalize", 0x1078, 0x3ff8, G),
        ],
        dwarf: true,
        lines: &[(0x1200, 13), (0x1203, 14)],
    },
    Expected {
        file: "x86_64-O2.o",
        arch: Arch::X86_64,
        endian: Endian::Little,
        is_64: true,
        kind: Kind::Relocatable,
        entry: 0,
        segments: 0,
        // Section-relative values: main is in .text.startup, the others in .text.
        functions: &[
            ("add", 0x0, 0x4),
            ("scale", 0x10, 0x17),
            ("copy_greeting", 0x30, 0xa5),
            ("make_buffer", 0xe0, 0xa),
            ("getenv_address", 0xf0, 0x8),
            ("main", 0x0, 0x8c),
        ],
        thumb: false,
        imports: &[],
        // DWARF of an object file needs relocating: reported as empty.
        dwarf: false,
        lines: &[],
    },
    Expected {
        file: "x86-O2",
        arch: Arch::X86,
        endian: Endian::Little,
        is_64: false,
        kind: Kind::PositionIndependentExecutable,
        entry: 0x1150,
        segments: 4,
        functions: &[
            ("main", 0x1090, 0xb4),
            ("add", 0x1280, 0x9),
            ("scale", 0x1290, 0x17),
            ("copy_greeting", 0x12b0, 0x8d),
            ("make_buffer", 0x1340, 0x1f),
            ("getenv_address", 0x1360, 0x11),
        ],
        thumb: false,
        // PIC `jmp *slot(%ebx)` entries, %ebx = DT_PLTGOT.
        imports: &[
            ("__libc_start_main", 0x1030, 0x4000, J),
            ("printf", 0x1040, 0x4004, J),
            ("free", 0x1050, 0x4008, J),
            ("puts", 0x1060, 0x400c, J),
            ("calloc", 0x1070, 0x4010, J),
            ("__cxa_finalize", 0x1080, 0x3fe0, G),
            ("getenv", 0x1088, 0x3fe4, G),
        ],
        dwarf: true,
        lines: &[(0x1280, 13), (0x1288, 14)],
    },
    Expected {
        file: "aarch64-O2",
        arch: Arch::AArch64,
        endian: Endian::Little,
        is_64: true,
        kind: Kind::PositionIndependentExecutable,
        entry: 0x8c0,
        segments: 2,
        functions: &[
            ("main", 0x800, 0xa8),
            ("add", 0x9e0, 0x8),
            ("scale", 0x9f0, 0x14),
            ("copy_greeting", 0xa04, 0x1c),
            ("make_buffer", 0xa20, 0x8),
            ("getenv_address", 0xa30, 0xc),
        ],
        thumb: false,
        imports: &[
            ("memcpy", 0x730, 0x2000, J),
            ("__libc_start_main", 0x740, 0x2008, J),
            ("__cxa_finalize", 0x750, 0x2010, J),
            ("calloc", 0x760, 0x2018, J),
            ("__gmon_start__", 0x770, 0x2020, J),
            ("abort", 0x780, 0x2028, J),
            ("puts", 0x790, 0x2030, J),
            ("free", 0x7a0, 0x2038, J),
            ("printf", 0x7b0, 0x2040, J),
            ("getenv", 0x7c0, 0x2048, J),
        ],
        dwarf: true,
        lines: &[(0x9e0, 14)],
    },
    Expected {
        file: "arm-O2",
        arch: Arch::Arm,
        endian: Endian::Little,
        is_64: false,
        kind: Kind::PositionIndependentExecutable,
        entry: 0x584,
        segments: 2,
        functions: &[
            ("main", 0x4e4, 0xa0),
            ("add", 0x6ec, 0x8),
            ("scale", 0x6f4, 0x10),
            ("copy_greeting", 0x704, 0x1c),
            ("make_buffer", 0x720, 0x8),
            ("getenv_address", 0x728, 0x2c),
        ],
        thumb: false,
        imports: &[
            ("calloc", 0x46c, 0x200c, J),
            ("__libc_start_main", 0x478, 0x2010, J),
            ("__cxa_finalize", 0x484, 0x2014, J),
            ("printf", 0x490, 0x2018, J),
            ("free", 0x49c, 0x201c, J),
            ("memcpy", 0x4a8, 0x2020, J),
            ("getenv", 0x4b4, 0x2024, J),
            ("puts", 0x4c0, 0x2028, J),
            ("__gmon_start__", 0x4cc, 0x202c, J),
            ("abort", 0x4d8, 0x2030, J),
        ],
        dwarf: true,
        lines: &[(0x6ec, 14)],
    },
    Expected {
        file: "arm-thumb-O2",
        arch: Arch::Arm,
        endian: Endian::Little,
        is_64: false,
        kind: Kind::PositionIndependentExecutable,
        // _start (from crt1.o) is ARM code even in a -mthumb build.
        entry: 0x56c,
        segments: 2,
        functions: &[
            ("main", 0x4fc, 0x70),
            ("add", 0x6d4, 0x4),
            ("scale", 0x6d8, 0xc),
            ("copy_greeting", 0x6e4, 0x18),
            ("make_buffer", 0x6fc, 0xa),
            ("getenv_address", 0x708, 0x14),
        ],
        thumb: true,
        // Entries that Thumb code calls start with `bx pc; b .-4`; see arm_entry.
        imports: &[
            ("calloc", 0x46c, 0x200c, J),
            ("__libc_start_main", 0x47c, 0x2010, J),
            ("__cxa_finalize", 0x488, 0x2014, J),
            ("printf", 0x494, 0x2018, J),
            ("free", 0x4a4, 0x201c, J),
            ("memcpy", 0x4b4, 0x2020, J),
            ("getenv", 0x4c4, 0x2024, J),
            ("puts", 0x4d4, 0x2028, J),
            ("__gmon_start__", 0x4e4, 0x202c, J),
            ("abort", 0x4f0, 0x2030, J),
        ],
        dwarf: true,
        // objdump -dl: scale: 0x6d8 line 18, 0x6dc line 20, 0x6e0 line 19.
        lines: &[(0x6d8, 18), (0x6dc, 20), (0x6e0, 19)],
    },
    Expected {
        file: "ppc-O2",
        arch: Arch::PowerPc,
        endian: Endian::Big,
        is_64: false,
        kind: Kind::Executable,
        entry: 0x100004c0,
        segments: 2,
        functions: &[
            ("main", 0x10000400, 0xc0),
            ("add", 0x100005c0, 0x8),
            ("scale", 0x100005d0, 0x18),
            ("copy_greeting", 0x100005f0, 0x4c),
            ("make_buffer", 0x10000640, 0x3c),
            ("getenv_address", 0x10000680, 0x38),
        ],
        thumb: false,
        // Secure-PLT call stubs at the end of .text.
        imports: &[
            ("__libc_start_main", 0x100006c0, 0x10002000, J),
            ("printf", 0x100006d0, 0x10002004, J),
            ("free", 0x100006e0, 0x10002008, J),
            ("memcpy", 0x100006f0, 0x1000200c, J),
            ("getenv", 0x10000700, 0x10002010, J),
            ("puts", 0x10000710, 0x10002014, J),
            ("__gmon_start__", 0x10000720, 0x10002018, J),
            ("calloc", 0x10000730, 0x1000201c, J),
        ],
        dwarf: true,
        // objdump -dl: scale: 0x100005d0 line 18, 0x100005d8 line 20, 0x100005e0 line 19.
        lines: &[(0x100005d0, 18), (0x100005d8, 20), (0x100005e0, 19)],
    },
    Expected {
        file: "riscv64-O2",
        arch: Arch::RiscV64,
        endian: Endian::Little,
        is_64: true,
        kind: Kind::PositionIndependentExecutable,
        entry: 0x7b8,
        segments: 2,
        functions: &[
            ("main", 0x730, 0x86),
            ("add", 0x870, 0x4),
            ("scale", 0x874, 0x10),
            ("copy_greeting", 0x884, 0x14),
            ("make_buffer", 0x898, 0x4),
            ("getenv_address", 0x89c, 0xa),
        ],
        thumb: false,
        imports: &[
            ("__libc_start_main", 0x6c0, 0x2020, J),
            ("getenv", 0x6d0, 0x2028, J),
            ("memcpy", 0x6e0, 0x2030, J),
            ("puts", 0x6f0, 0x2038, J),
            ("printf", 0x700, 0x2040, J),
            ("calloc", 0x710, 0x2048, J),
            ("free", 0x720, 0x2050, J),
        ],
        dwarf: true,
        lines: &[(0x870, 14)],
    },
];

fn check(expected: &Expected) {
    let file = expected.file;
    let data = load(file);
    let binary = Binary::parse(&data).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(binary.arch(), expected.arch, "{file}: arch");
    assert_eq!(binary.endian(), expected.endian, "{file}: endian");
    assert_eq!(binary.is_64(), expected.is_64, "{file}: class");
    assert_eq!(binary.kind(), expected.kind, "{file}: kind");
    assert_eq!(binary.entry(), expected.entry, "{file}: entry");
    assert!(!binary.entry_is_thumb(), "{file}: entry is ARM code");
    assert_eq!(
        binary.segments().len(),
        expected.segments,
        "{file}: segments"
    );
    if expected.kind != Kind::Relocatable {
        assert_eq!(
            binary.perms_at(expected.entry),
            Some(Perms::RX),
            "{file}: the entry point is in read-execute memory"
        );
    }

    for &(name, address, size) in expected.functions {
        let symbol = binary
            .symbol(name)
            .unwrap_or_else(|| panic!("{file}: no symbol {name}"));
        assert_eq!(
            (symbol.address, symbol.size, symbol.kind, symbol.defined),
            (address, size, SymbolKind::Function, true),
            "{file}: {name}"
        );
        assert_eq!(symbol.thumb, expected.thumb, "{file}: {name} thumb");
        assert_eq!(symbol.binding, Binding::Global, "{file}: {name} binding");
        if expected.kind != Kind::Relocatable {
            let inside = binary.symbol_containing(address + size - 1).map(|s| s.name);
            assert_eq!(inside, Some(name.as_bytes()), "{file}: last byte of {name}");
            let code = binary
                .read(address, size)
                .expect("function bytes are mapped");
            assert_eq!(code.len() as u64, size);
        }
    }
    if !expected.functions.is_empty() {
        let listed: Vec<&[u8]> = binary
            .functions()
            .map(|f| f.name)
            .filter(|n| {
                expected
                    .functions
                    .iter()
                    .any(|(name, ..)| name.as_bytes() == *n)
            })
            .collect();
        assert_eq!(
            listed.len(),
            expected.functions.len(),
            "{file}: functions()"
        );
    }

    let imports: Vec<(&[u8], u64, u64, SlotKind)> = binary
        .imports()
        .iter()
        .map(|i| (i.name, i.plt, i.got, i.slot))
        .collect();
    let wanted: Vec<(&[u8], u64, u64, SlotKind)> = expected
        .imports
        .iter()
        .map(|&(name, plt, got, slot)| (name.as_bytes(), plt, got, slot))
        .collect();
    assert_eq!(imports, wanted, "{file}: imports");
    for &(name, plt, ..) in expected.imports {
        let import = binary.import_at(plt).map(|i| i.name);
        assert_eq!(import, Some(name.as_bytes()), "{file}: import_at({plt:#x})");
        assert_eq!(
            binary.perms_at(plt),
            Some(Perms::RX),
            "{file}: {name}@plt is code"
        );
    }

    let info = binary
        .debug_info()
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    if !expected.dwarf {
        assert!(info.is_empty(), "{file}: no DWARF");
        return;
    }
    for &(name, parameters, returns) in PROTOTYPES {
        let function = info
            .function(name)
            .unwrap_or_else(|| panic!("{file}: no DWARF function {name}"));
        let names: Vec<&str> = function
            .parameters
            .iter()
            .map(|p| p.name.as_deref().unwrap_or("?"))
            .collect();
        assert_eq!(names, parameters, "{file}: parameters of {name}");
        assert_eq!(function.has_return_type, returns, "{file}: {name} returns");
        let symbol = expected.functions.iter().find(|f| f.0 == name);
        if let Some(&(_, address, size)) = symbol {
            assert_eq!(function.entry, address, "{file}: DWARF entry of {name}");
            assert_eq!(
                function.ranges,
                vec![address..address + size],
                "{file}: DWARF range of {name}"
            );
            assert_eq!(
                info.function_containing(address + size - 1)
                    .and_then(|f| f.name.as_deref()),
                Some(name),
                "{file}: function_containing in {name}"
            );
        }
    }
    for &(address, line) in expected.lines {
        let location = info
            .line_at(address)
            .unwrap_or_else(|| panic!("{file}: no line for {address:#x}"));
        assert_eq!(
            (location.file, location.line),
            ("/src/prog.c", line),
            "{file}: line_at({address:#x})"
        );
    }
    let globals: Vec<&str> = info.globals().iter().map(|g| g.name.as_str()).collect();
    for name in ["greeting", "counter", "buffer"] {
        assert!(
            globals.contains(&name),
            "{file}: global {name} in {globals:?}"
        );
    }
    for global in info.globals() {
        if let Some(symbol) = binary.symbol(&global.name) {
            assert_eq!(
                symbol.address, global.address,
                "{file}: global {}",
                global.name
            );
        }
    }
}

#[test]
fn every_fixture_matches_binutils() {
    for expected in FIXTURES {
        check(expected);
    }
}

#[test]
fn x86_64_data_and_memory() {
    let data = load("x86_64-O0-nopie");
    let binary = Binary::parse(&data).expect("parses");
    // readelf -sW: greeting 0x402008 size 14 in .rodata; counter 0x404040 size 4 in .data;
    // buffer 0x404080 size 64 in .bss (local).
    let greeting = binary.symbol("greeting").expect("greeting");
    assert_eq!((greeting.address, greeting.size), (0x402008, 14));
    assert_eq!(greeting.kind, SymbolKind::Object);
    assert_eq!(
        binary.read(0x402008, 14).as_deref(),
        Some(&b"hello, tandem\0"[..])
    );
    assert_eq!(binary.perms_at(0x402008), Some(Perms::R));
    let counter = binary.symbol("counter").expect("counter");
    assert_eq!((counter.address, counter.size), (0x404040, 4));
    assert_eq!(
        binary.read(0x404040, 4).as_deref(),
        Some(&7u32.to_le_bytes()[..])
    );
    assert_eq!(binary.perms_at(0x404040), Some(Perms::RW));
    let buffer = binary.symbol("buffer").expect("buffer");
    assert_eq!(
        (buffer.address, buffer.size, buffer.binding),
        (0x404080, 64, Binding::Local)
    );
    // .bss lies past the data segment's file bytes (0x403df0 + 0x254): it reads as zeros.
    assert_eq!(binary.read(0x404080, 64).as_deref(), Some(&[0u8; 64][..]));
    assert_eq!(binary.read(0x4040c0, 1), None, "past the end of .bss");
    assert_eq!(binary.perms_at(0x3fffff), None);
    // Reads across the boundary between file bytes and zero fill are stitched together.
    let tail = binary.read(0x404040, 0x20).expect("mapped");
    assert_eq!(&tail[..4], &7u32.to_le_bytes());
    assert!(tail[4..].iter().all(|&b| b == 0));

    let ranges: Vec<_> = binary.executable_ranges().collect();
    assert_eq!(ranges, vec![0x401000..0x401311]);
    // The first instruction of add (objdump: 401186: 55 push %rbp).
    assert_eq!(binary.read(0x401186, 1).as_deref(), Some(&[0x55][..]));

    let text = binary.section_by_name(".text").expect(".text");
    assert!(text.execute && text.alloc && !text.write && text.has_file_data());
    assert_eq!(text.perms(), Some(Perms::RX));
    let bss = binary.section_by_name(".bss").expect(".bss");
    assert!(!bss.has_file_data() && bss.data.is_empty() && bss.write);
    let debug_info = binary.section_by_name(".debug_info").expect(".debug_info");
    assert_eq!(debug_info.perms(), None, "not loaded");

    // The undefined puts of .symtab (`puts@GLIBC_2.2.5`) and of .dynsym are one symbol.
    let puts: Vec<_> = binary.symbols_named(b"puts").collect();
    assert_eq!(puts.len(), 1);
    let puts = puts[0];
    assert!(!puts.defined && puts.in_symtab && puts.in_dynsym);
    assert_eq!(puts.version, Some(&b"GLIBC_2.2.5"[..]));
    let import = binary.import_at(0x401040).expect("puts@plt");
    assert_eq!(import.version, Some(&b"GLIBC_2.2.5"[..]));
    // A call into the middle of a PLT entry is not an import.
    assert!(binary.import_at(0x401046).is_none());
}

#[test]
fn x86_64_dwarf_locations() {
    let data = load("x86_64-O0-nopie");
    let binary = Binary::parse(&data).expect("parses");
    let info = binary.debug_info().expect("DWARF");
    let add = info.function("add").expect("add");
    // -O0: parameters live in the frame (gcc: DW_OP_fbreg -20 and -24), the frame base is
    // the CFA.
    assert_eq!(add.frame_base, Some(Place::CallFrameCfa));
    let places: Vec<_> = add.parameters.iter().map(|p| p.location.clone()).collect();
    assert_eq!(
        places,
        vec![
            VarLocation::Single(Place::FrameBase(-20)),
            VarLocation::Single(Place::FrameBase(-24)),
        ]
    );
    assert!(add.external);
    let make_buffer = info.function("make_buffer").expect("make_buffer");
    let locals: Vec<_> = make_buffer
        .variables
        .iter()
        .map(|v| v.name.as_deref())
        .collect();
    assert_eq!(locals, vec![Some("p")]);
    let global = info.globals().iter().find(|g| g.name == "counter");
    assert_eq!(global.map(|g| g.address), Some(0x404040));

    // -O2: parameters in registers (DWARF numbering: 5 = rdi, 4 = rsi), some in location
    // lists.
    let data = load("x86_64-O2-pie-now-ibt");
    let binary = Binary::parse(&data).expect("parses");
    let info = binary.debug_info().expect("DWARF");
    let add = info.function("add").expect("add");
    let places: Vec<_> = add
        .parameters
        .iter()
        .map(|p| p.location.at(0x1250))
        .collect();
    assert_eq!(
        places,
        vec![Some(Place::Register(5)), Some(Place::Register(4))]
    );
    let main = info.function("main").expect("main");
    let argc = main.parameters.first().expect("argc");
    assert!(matches!(argc.location, VarLocation::List(_)));
    assert_eq!(argc.location.at(0x10d0), Some(Place::Register(5)));
}

#[test]
fn compressed_dwarf_matches_uncompressed() {
    let plain = load("x86_64-O0-nopie");
    let compressed = load("x86_64-O0-gz");
    let plain = Binary::parse(&plain).expect("parses");
    let compressed = Binary::parse(&compressed).expect("parses");
    let section = compressed
        .section_by_name(".debug_info")
        .expect(".debug_info");
    assert!(section.compressed);
    let a = plain.debug_info().expect("DWARF");
    let b = compressed.debug_info().expect("compressed DWARF");
    assert_eq!(a.functions(), b.functions());
    assert_eq!(a.globals(), b.globals());
    assert_eq!(a.line_at(0x40125d), b.line_at(0x40125d));
}

#[test]
fn stripped_binary_keeps_dynamic_symbols() {
    let data = load("x86_64-O2-pie-now-ibt-stripped");
    let binary = Binary::parse(&data).expect("parses");
    assert!(binary.symbol("main").is_none(), ".symtab is gone");
    let puts = binary.symbol("puts").expect("puts in .dynsym");
    assert!(!puts.defined && puts.in_dynsym && !puts.in_symtab);
    assert!(binary.symbols().iter().all(|s| s.in_dynsym));
    assert!(
        binary
            .debug_info()
            .expect("no DWARF is not an error")
            .is_empty()
    );
    assert_eq!(binary.symbol_containing(0x1250), None);
}

#[test]
fn arm_thumb_details() {
    let data = load("arm-thumb-O2");
    let binary = Binary::parse(&data).expect("parses");
    // readelf -sW: add is 0x6d5 (bit 0 = Thumb); the loader clears the bit.
    let add = binary.symbol("add").expect("add");
    assert_eq!((add.address, add.thumb), (0x6d4, true));
    let start = binary.symbol("_start").expect("_start");
    assert!(!start.thumb, "crt1's _start is ARM code");
    // objdump: 4d4: bx pc; b.n 4d4; 4d8: add ip, pc, #0, 12 ...
    let puts = binary.import_at(0x4d4).expect("puts@plt");
    assert_eq!(puts.arm_entry, Some(0x4d8));
    assert_eq!(binary.import_at(0x4d8).map(|i| i.name), Some(&b"puts"[..]));
    // ARM and AArch64 mapping symbols ($a, $t, $d) are not listed.
    assert!(binary.symbols().iter().all(|s| !s.name.starts_with(b"$")));

    let data = load("arm-O2");
    let binary = Binary::parse(&data).expect("parses");
    let add = binary.symbol("add").expect("add");
    assert_eq!((add.address, add.thumb), (0x6ec, false));
    assert_eq!(binary.import_at(0x4c0).and_then(|i| i.arm_entry), None);
}

#[test]
fn powerpc_is_big_endian() {
    let data = load("ppc-O2");
    let binary = Binary::parse(&data).expect("parses");
    let counter = binary.symbol("counter").expect("counter");
    assert_eq!(
        binary.read(counter.address, 4).as_deref(),
        Some(&7u32.to_be_bytes()[..])
    );
    let greeting = binary.symbol("greeting").expect("greeting");
    assert_eq!(
        binary.read(greeting.address, 5).as_deref(),
        Some(&b"hello"[..])
    );
}

#[test]
fn relocatable_object() {
    let data = load("x86_64-O2.o");
    let binary = Binary::parse(&data).expect("parses");
    assert!(binary.segments().is_empty());
    assert_eq!(binary.read(0, 1), None, "nothing is mapped");
    assert!(binary.imports().is_empty());
    let puts = binary.symbol("puts").expect("undefined puts");
    assert!(!puts.defined && puts.section.is_none());
    let main = binary.symbol("main").expect("main");
    let section = binary.sections().get(main.section.expect("in a section"));
    assert_eq!(section.map(|s| s.name), Some(&b".text.startup"[..]));
}

#[test]
fn errors_are_values_not_panics_on_every_fixture_prefix() {
    // A cheap sweep: every fixture cut at 64 evenly spaced lengths parses or fails cleanly.
    for expected in FIXTURES {
        let data = load(expected.file);
        for step in 0..64 {
            let cut = data.len() * step / 64;
            if let Err(error) = Binary::parse(&data[..cut]) {
                assert!(
                    matches!(
                        error,
                        Error::NotElf { .. }
                            | Error::Truncated { .. }
                            | Error::InconsistentHeaders(_)
                    ),
                    "{} cut at {cut}: {error}",
                    expected.file
                );
            }
        }
    }
}

#[test]
fn dwarf4_and_dwarf5_agree() {
    // The same code built with -gdwarf-4 and (gcc 12's default) DWARF 5: location lists,
    // range lists and file numbering are encoded differently, the result must not be.
    let v5 = load("x86_64-O2-pie-lazy");
    let v4 = load("x86_64-O2-pie-lazy-dwarf4");
    let v5 = Binary::parse(&v5).expect("parses");
    let v4 = Binary::parse(&v4).expect("parses");
    let a = v5.debug_info().expect("DWARF 5");
    let b = v4.debug_info().expect("DWARF 4");
    assert_eq!(a.functions(), b.functions());
    assert_eq!(a.globals(), b.globals());
    let text = v5.section_by_name(".text").expect(".text");
    let mut lines = 0;
    for addr in text.addr..text.addr + text.size {
        assert_eq!(a.line_at(addr), b.line_at(addr), "{addr:#x}");
        lines += usize::from(a.line_at(addr).is_some());
    }
    assert!(lines > 0);
}
