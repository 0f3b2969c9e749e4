//! `tandem verify ORIGINAL PATCHED`: the main job.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use tandem_verify::{Budgets, Config, Entry, Verdict};

use crate::InputError;
use crate::input::{parse, read_file};

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The original binary.
    original: PathBuf,
    /// The patched binary.
    patched: PathBuf,
    /// Start the analysis at this function in both binaries (default: the ELF entry point).
    #[arg(long, value_name = "SYMBOL")]
    entry: Option<String>,
    /// An extra stub file or a folder of them (repeatable); the built-in library always loads.
    #[arg(long, value_name = "PATH")]
    stubs: Vec<PathBuf>,
    /// Treat the initial contents of writable data as input.
    #[arg(long)]
    symbolic_data: bool,
    /// Budget for the whole run, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300.0)]
    timeout: f64,
}

pub fn run(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let od = read_file(&args.original)?;
    let pd = read_file(&args.patched)?;
    let ob = parse(&args.original, &od)?;
    let pb = parse(&args.patched, &pd)?;
    let lib = tandem_stubs::Library::load_with_builtin(&args.stubs)
        .map_err(|e| InputError(format!("{e}")))?;
    let config = Config {
        entry: match &args.entry {
            Some(s) => Entry::Function(s.clone()),
            None => Entry::Elf,
        },
        observe: Vec::new(),
        symbolic_data: args.symbolic_data,
        budgets: Budgets::standard(Duration::from_secs_f64(args.timeout.max(0.001))),
    };
    let on = args.original.display().to_string();
    let pn = args.patched.display().to_string();
    let report = tandem_verify::verify((&on, &ob), (&pn, &pb), &lib, &config)
        .map_err(|e| InputError(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", report.verdict.as_str())?;
    if let Some(cx) = &report.counterexample {
        writeln!(out, "counterexample (found at {}):", cx.found_at)?;
        for (fd, bytes) in &cx.input.reads {
            writeln!(
                out,
                "  read fd {fd}: \"{}\"",
                tandem_stubs::concrete::escape(bytes)
            )?;
        }
        writeln!(out, "  original:")?;
        for e in &cx.original {
            writeln!(out, "    {e}")?;
        }
        writeln!(out, "  patched:")?;
        for e in &cx.patched {
            writeln!(out, "    {e}")?;
        }
    }
    for r in &report.reasons {
        writeln!(out, "reason: {r}")?;
    }
    let s = &report.stats;
    writeln!(
        out,
        "stats: {:.3}s, {} nodes, {} visits, {} solver queries ({} syntactic, {} cached, {} to Z3)",
        s.seconds,
        s.nodes,
        s.visits,
        s.solver.queries,
        s.solver.syntactic,
        s.solver.cached,
        s.solver.solver_calls
    )?;
    Ok(ExitCode::from(match report.verdict {
        Verdict::Equivalent => 0,
        Verdict::Inequivalent => 1,
        Verdict::ConditionallyEquivalent => 2,
        Verdict::Inconclusive => 3,
    }))
}
