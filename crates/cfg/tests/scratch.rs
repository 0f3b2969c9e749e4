use tandem_cfg::*;
use tandem_loader::Binary;

#[test]
fn scratch() {
    for path in ["/tmp/ls-O0", "/tmp/ls-O2"] {
        let data = std::fs::read(path).unwrap();
        let bin = Binary::parse(&data).unwrap();
        let prog = Program::new(&bin).unwrap();
        let main = bin.symbol("tb_main").unwrap().address;
        for entry in [prog.entry(), main] {
            let f = prog.function(entry);
            println!(
                "{path} fn {:?} @{:#x} loops {:x?} may_return {} calls {:x?}",
                f.name, f.entry, f.loop_heads, f.may_return, f.calls
            );
            for b in f.blocks.values() {
                println!("  block {:#x}..{:#x} {:x?}", b.start, b.end, b.term);
            }
            for c in cfars(&f) {
                println!(
                    "  cfar {:#x} {:?} blocks {:x?} exits {:x?}",
                    c.head, c.kind, c.blocks, c.exits
                );
            }
        }
    }
}
