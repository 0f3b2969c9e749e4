//! `cargo run -p tandem-loader --example dump -- FILE [ADDR...]`: prints what the loader sees in
//! an ELF file (header, segments, sections, functions, imports, DWARF functions), and the symbol
//! and source line of each hexadecimal ADDR given.

use std::process::ExitCode;

use tandem_loader::{Binary, VarLocation};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: dump FILE [ADDR...]");
        return ExitCode::from(2);
    };
    let data = match std::fs::read(&path) {
        Ok(data) => data,
        Err(e) => {
            eprintln!("dump: {path}: {e}");
            return ExitCode::from(4);
        }
    };
    let binary = match Binary::parse(&data) {
        Ok(binary) => binary,
        Err(e) => {
            eprintln!("dump: {path}: {e}");
            return ExitCode::from(4);
        }
    };
    println!(
        "{} {:?} {}-bit {:?} entry {:#x}{}",
        binary.arch(),
        binary.endian(),
        if binary.is_64() { 64 } else { 32 },
        binary.kind(),
        binary.entry(),
        if binary.entry_is_thumb() {
            " (thumb)"
        } else {
            ""
        }
    );
    for s in binary.segments() {
        println!(
            "segment {:#x}+{:#x} file {:#x}+{:#x} {:?}",
            s.vaddr, s.mem_size, s.file_offset, s.file_size, s.perms
        );
    }
    for s in binary.sections() {
        println!(
            "section [{}] {} {:#x}+{:#x}",
            s.index,
            s.name_lossy(),
            s.addr,
            s.size
        );
    }
    for f in binary.functions() {
        println!(
            "function {} {:#x}+{:#x}{}",
            f.name_lossy(),
            f.address,
            f.size,
            if f.thumb { " thumb" } else { "" }
        );
    }
    for i in binary.imports() {
        println!(
            "import {} plt {:#x} got {:#x} {:?}",
            i.name_lossy(),
            i.plt,
            i.got,
            i.slot
        );
    }
    match binary.debug_info() {
        Ok(info) => {
            for f in info.functions() {
                let params: Vec<String> = f
                    .parameters
                    .iter()
                    .map(|p| {
                        let place = match &p.location {
                            VarLocation::Single(place) => format!("{place:?}"),
                            VarLocation::List(list) => format!("list of {}", list.len()),
                            VarLocation::None => "none".into(),
                            other => format!("{other:?}"),
                        };
                        format!("{}: {place}", p.name.as_deref().unwrap_or("?"))
                    })
                    .collect();
                let line = info
                    .line_at(f.entry)
                    .map(|l| format!("{}:{}", l.file, l.line))
                    .unwrap_or_default();
                println!(
                    "dwarf {} {:#x} {:?} returns={} ({}) {line}",
                    f.name.as_deref().unwrap_or("?"),
                    f.entry,
                    f.ranges,
                    f.has_return_type,
                    params.join(", ")
                );
            }
            for g in info.globals() {
                println!("global {} {:#x}", g.name, g.address);
            }
        }
        Err(e) => println!("dwarf error: {e}"),
    }
    for arg in args {
        let Ok(addr) = u64::from_str_radix(arg.trim_start_matches("0x"), 16) else {
            eprintln!("dump: not a hexadecimal address: {arg}");
            return ExitCode::from(2);
        };
        let symbol = binary
            .symbol_containing(addr)
            .map(|s| s.name_lossy().into_owned())
            .unwrap_or_default();
        let line = binary
            .debug_info()
            .ok()
            .and_then(|info| info.line_at(addr))
            .map(|l| format!("{}:{}:{}", l.file, l.line, l.column))
            .unwrap_or_default();
        println!("{addr:#x} {symbol} {line}");
    }
    ExitCode::SUCCESS
}
