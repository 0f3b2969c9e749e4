//! Lifting throughput over a large real binary: `cargo bench -p tandem-lift`.
//!
//! The binary is `$TANDEM_BENCH_BINARY`, or `/usr/bin/gdb` (an x86-64 ELF of about 10 MB on
//! the machines tandem is developed on). Each iteration lifts the first 1 MiB of its `.text`
//! by linear sweep; the throughput column counts instructions.

use std::sync::OnceLock;

use divan::Bencher;
use divan::counter::ItemsCount;
use tandem_lift::X86_64;
use tandem_loader::Binary;

fn main() {
    divan::main();
}

const SLICE: usize = 1 << 20;

/// The start address and bytes of the code under test.
fn code() -> &'static (u64, Vec<u8>) {
    static CODE: OnceLock<(u64, Vec<u8>)> = OnceLock::new();
    CODE.get_or_init(|| {
        let path = std::env::var("TANDEM_BENCH_BINARY").unwrap_or_else(|_| "/usr/bin/gdb".into());
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let bin = Binary::parse(&data).unwrap_or_else(|e| panic!("{path}: {e}"));
        let text = bin
            .section_by_name(".text")
            .unwrap_or_else(|| panic!("{path}: no .text"));
        let n = text.data.len().min(SLICE);
        (text.addr, text.data[..n].to_vec())
    })
}

fn instruction_count(lifter: &X86_64) -> usize {
    let (addr, bytes) = code();
    let mut n = 0;
    lifter.sweep(bytes, *addr, |_| n += 1);
    n
}

#[divan::bench(sample_count = 10)]
fn lift_sweep(bencher: Bencher) {
    let lifter = X86_64::new().expect("capstone");
    let n = instruction_count(&lifter);
    let (addr, bytes) = code();
    bencher.counter(ItemsCount::new(n)).bench_local(|| {
        let mut unsupported = 0usize;
        lifter.sweep(bytes, *addr, |r| {
            if r.map(|i| i.unsupported().is_some()).unwrap_or(true) {
                unsupported += 1;
            }
        });
        divan::black_box(unsupported)
    });
}

#[divan::bench(sample_count = 10)]
fn decode_only(bencher: Bencher) {
    let lifter = X86_64::new().expect("capstone");
    let n = instruction_count(&lifter);
    let (addr, bytes) = code();
    bencher
        .counter(ItemsCount::new(n))
        .bench_local(|| divan::black_box(lifter.decode_count(bytes, *addr)));
}
