//! `tandem lift`: print lifted IR per basic block, or lifting statistics.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tandem_ir::Insn;
use tandem_lift::{Arch, LiftError, X86_64};
use tandem_loader::{Arch as Machine, Binary};

use crate::InputError;
use crate::input::{parse, read_file};

#[derive(clap::Args, Debug)]
pub struct LiftArgs {
    /// The ELF files (several only with --stats, which then sums over all of them).
    #[arg(required = true)]
    binaries: Vec<PathBuf>,
    /// Print only the basic blocks of this function.
    #[arg(long, value_name = "SYMBOL", conflicts_with = "stats")]
    function: Option<String>,
    /// Lift every instruction of the executable sections (linear sweep) and report how many
    /// lifted, with the most frequent unsupported mnemonics.
    #[arg(long)]
    stats: bool,
    /// How many unsupported mnemonics --stats lists.
    #[arg(long, default_value_t = 20, requires = "stats")]
    top: usize,
}

pub fn run(args: &LiftArgs) -> anyhow::Result<ExitCode> {
    let lifter = X86_64::new()?;
    if args.stats {
        let mut stats = Stats::default();
        for path in &args.binaries {
            let data = read_file(path)?;
            let bin = parse(path, &data)?;
            check_arch(path, &bin)?;
            let _span = tracing::debug_span!("lift_stats", file = %path.display()).entered();
            for (addr, bytes) in code_ranges(&bin) {
                lifter.sweep(bytes, addr, |r| stats.record(r));
            }
        }
        stats.print(&mut io::stdout().lock(), args.top)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.binaries.len() != 1 {
        return Err(InputError(
            "lift prints one binary at a time (use --stats for several)".into(),
        )
        .into());
    }
    let path = &args.binaries[0];
    let data = read_file(path)?;
    let bin = parse(path, &data)?;
    check_arch(path, &bin)?;
    let ranges = match &args.function {
        Some(name) => vec![function_range(path, &bin, name)?],
        None => code_ranges(&bin),
    };
    let mut out = BufWriter::new(io::stdout().lock());
    for (addr, bytes) in ranges {
        print_blocks(&mut out, &lifter, &bin, addr, bytes)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn check_arch(path: &Path, bin: &Binary) -> Result<(), InputError> {
    match bin.arch() {
        Machine::X86_64 => Ok(()),
        other => Err(InputError(format!(
            "{}: unsupported architecture {} (tandem lifts x86-64 so far)",
            path.display(),
            other.name()
        ))),
    }
}

/// The bytes of every executable section (or, without section headers, executable segment).
fn code_ranges<'d>(bin: &Binary<'d>) -> Vec<(u64, &'d [u8])> {
    let sections: Vec<_> = bin
        .sections()
        .iter()
        .filter(|s| s.alloc && s.execute && s.has_file_data())
        .map(|s| (s.addr, s.data))
        .collect();
    if !sections.is_empty() {
        return sections;
    }
    bin.segments()
        .iter()
        .filter(|s| s.perms.execute)
        .map(|s| (s.vaddr, s.data))
        .collect()
}

fn function_range<'d>(
    path: &Path,
    bin: &Binary<'d>,
    name: &str,
) -> Result<(u64, &'d [u8]), InputError> {
    let unknown = || InputError(format!("{}: unknown symbol `{name}`", path.display()));
    let sym = bin.defined_symbol(name).ok_or_else(unknown)?;
    let mut size = sym.size;
    if size == 0 {
        // No size in the symbol table: take DWARF's range, else up to the next symbol.
        size = bin
            .debug_info()
            .ok()
            .and_then(|d| {
                d.function(name)
                    .and_then(|f| f.ranges.first().map(|r| r.end - r.start))
            })
            .unwrap_or(0);
    }
    if size == 0 {
        size = bin
            .functions()
            .filter(|s| s.address > sym.address)
            .map(|s| s.address - sym.address)
            .min()
            .unwrap_or(64);
    }
    let bytes = bin.read(sym.address, size).ok_or_else(|| {
        InputError(format!(
            "{}: `{name}` is not in a mapped segment",
            path.display()
        ))
    })?;
    let bytes: &'d [u8] = match bytes {
        std::borrow::Cow::Borrowed(b) => b,
        std::borrow::Cow::Owned(_) => {
            return Err(InputError(format!(
                "{}: `{name}` has no bytes in the file",
                path.display()
            )));
        }
    };
    Ok((sym.address, bytes))
}

fn print_blocks(
    out: &mut impl Write,
    lifter: &X86_64,
    bin: &Binary,
    addr: u64,
    bytes: &[u8],
) -> io::Result<()> {
    let desc = lifter.desc();
    let starts: std::collections::HashMap<u64, String> = bin
        .symbols()
        .iter()
        .filter(|s| s.defined && s.size > 0)
        .map(|s| (s.address, s.name_lossy().into_owned()))
        .collect();
    let mut block_start = true;
    let mut result = Ok(());
    lifter.sweep(bytes, addr, |r| {
        if result.is_err() {
            return;
        }
        result = (|| {
            let here = match &r {
                Ok(i) => i.addr,
                Err(LiftError::Invalid { addr }) => *addr,
                Err(_) => return Ok(()),
            };
            let sym = starts.get(&here);
            if block_start || sym.is_some() {
                writeln!(out)?;
                match sym {
                    Some(name) => writeln!(out, "block {here:#x} <{name}>:")?,
                    None => writeln!(out, "block {here:#x}:")?,
                }
            }
            match r {
                Ok(insn) => {
                    write!(out, "{}", insn.display(desc))?;
                    block_start = insn.flow.ends_block();
                }
                Err(_) => {
                    writeln!(out, "{here:#x}: (bad)")?;
                    block_start = true;
                }
            }
            Ok(())
        })();
    });
    result
}

#[derive(Default)]
struct Stats {
    total: u64,
    lifted: u64,
    unsupported: BTreeMap<String, u64>,
}

impl Stats {
    fn record(&mut self, r: Result<Insn, LiftError>) {
        self.total += 1;
        match r {
            Ok(insn) => match insn.unsupported() {
                None => self.lifted += 1,
                Some(m) => *self.unsupported.entry(m.to_string()).or_default() += 1,
            },
            Err(_) => *self.unsupported.entry("(bad)".to_string()).or_default() += 1,
        }
    }

    fn print(&self, out: &mut impl Write, top: usize) -> io::Result<()> {
        let mut worst: Vec<_> = self.unsupported.iter().collect();
        worst.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        if !worst.is_empty() {
            writeln!(out, "most frequent unsupported mnemonics:")?;
            for (m, n) in worst.iter().take(top) {
                writeln!(out, "{n:>10}  {m}")?;
            }
        }
        let pct = if self.total == 0 {
            100.0
        } else {
            self.lifted as f64 * 100.0 / self.total as f64
        };
        writeln!(
            out,
            "lifted {} of {} instructions ({pct:.2}%)",
            self.lifted, self.total
        )
    }
}
