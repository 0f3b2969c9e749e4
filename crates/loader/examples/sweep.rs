//! `cargo run -p tandem-loader --example sweep -- FILE...`: parses each file and its DWARF and
//! prints one line per file (counts, or the error), for checking the loader against a
//! directory of real binaries.

fn main() {
    for path in std::env::args().skip(1) {
        let Ok(data) = std::fs::read(&path) else {
            continue;
        };
        if !data.starts_with(b"\x7fELF") {
            continue;
        }
        match tandem_loader::Binary::parse(&data) {
            Ok(binary) => {
                let dwarf = match binary.debug_info() {
                    Ok(info) => format!("{} dwarf functions", info.functions().len()),
                    Err(e) => format!("dwarf error: {e}"),
                };
                println!(
                    "{path}: ok {} symbols, {} imports, {dwarf}",
                    binary.symbols().len(),
                    binary.imports().len()
                );
            }
            Err(e) => println!("{path}: error: {e}"),
        }
    }
}
