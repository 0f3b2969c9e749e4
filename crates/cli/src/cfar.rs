//! `tandem cfar ORIGINAL PATCHED`: the paired functions and CFARs, as text or Graphviz.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use tandem_cfg::{Cfar, CfarExit, HeadKind, MatchedBy, Program, function_dot, pair_cfars};
use tandem_loader::Binary;

use crate::InputError;
use crate::input::{parse, read_file};

#[derive(clap::Args, Debug)]
pub struct CfarArgs {
    /// The original binary.
    original: PathBuf,
    /// The patched binary.
    patched: PathBuf,
    /// Show only this function (by symbol, in both binaries) instead of everything reachable
    /// from the ELF entry point.
    #[arg(long, value_name = "SYMBOL")]
    function: Option<String>,
    /// Also write the paired regions as a Graphviz digraph to FILE.
    #[arg(long, value_name = "FILE")]
    dot: Option<PathBuf>,
}

fn root(path: &std::path::Path, bin: &Binary, function: Option<&str>) -> Result<u64, InputError> {
    match function {
        None => Ok(bin.entry()),
        Some(name) => bin
            .defined_symbol(name)
            .map(|s| s.address)
            .ok_or_else(|| InputError(format!("{}: unknown symbol `{name}`", path.display()))),
    }
}

fn program<'b>(path: &std::path::Path, bin: &'b Binary<'b>) -> Result<Program<'b>, InputError> {
    Program::new(bin).map_err(|e| InputError(format!("{}: {e}", path.display())))
}

fn kind(c: &Cfar) -> &'static str {
    match c.kind {
        HeadKind::FunctionEntry => "entry",
        HeadKind::LoopHead => "loop head",
        HeadKind::ReturnSite => "return site",
    }
}

fn summary(c: Option<&Cfar>) -> String {
    let Some(c) = c else {
        return "-".to_string();
    };
    let calls = c
        .exits
        .iter()
        .filter(|e| matches!(e, CfarExit::Call { .. }))
        .count();
    format!(
        "{:#x} ({} blocks, {} exits, {calls} calls)",
        c.head,
        c.blocks.len(),
        c.exits.len()
    )
}

pub fn run(args: &CfarArgs) -> anyhow::Result<ExitCode> {
    let od = read_file(&args.original)?;
    let pd = read_file(&args.patched)?;
    let ob = parse(&args.original, &od)?;
    let pb = parse(&args.patched, &pd)?;
    let op = program(&args.original, &ob)?;
    let pp = program(&args.patched, &pb)?;
    let roots = (
        root(&args.original, &ob, args.function.as_deref())?,
        root(&args.patched, &pb, args.function.as_deref())?,
    );
    let mut pairs = tandem_cfg::pair_functions(&op, &pp, roots);
    if args.function.is_some() {
        pairs.truncate(1);
    }
    let to_original: HashMap<u64, u64> = pairs
        .iter()
        .filter_map(|p| Some((p.patched.as_ref()?.entry, p.original.as_ref()?.entry)))
        .collect();
    let name = |f: &tandem_cfg::Function| {
        f.name
            .clone()
            .unwrap_or_else(|| format!("sub_{:x}", f.entry))
    };
    let mut text = String::new();
    let mut dot = String::from("digraph cfars {\n  compound = true;\n");
    for pair in &pairs {
        let on = pair.original.as_deref().map(name).unwrap_or("-".into());
        let pn = pair.patched.as_deref().map(name).unwrap_or("-".into());
        let _ = writeln!(text, "function {on} <-> {pn} ({})", pair.how.as_str());
        if let Some(f) = &pair.original {
            dot.push_str(&function_dot(f, &tandem_cfg::cfars(f), "o_"));
        }
        if let Some(f) = &pair.patched {
            dot.push_str(&function_dot(f, &tandem_cfg::cfars(f), "p_"));
        }
        let cfar_pairs = match (&pair.original, &pair.patched) {
            (Some(o), Some(p)) => pair_cfars((&op, o), (&pp, p), &to_original),
            (Some(o), None) => one_sided(o, true),
            (None, Some(p)) => one_sided(p, false),
            (None, None) => Vec::new(),
        };
        for c in &cfar_pairs {
            let k = c
                .original
                .as_ref()
                .or(c.patched.as_ref())
                .map(kind)
                .unwrap_or("");
            let _ = writeln!(
                text,
                "  {k:<12} {:<40} <-> {}  ({})",
                summary(c.original.as_ref()),
                summary(c.patched.as_ref()),
                c.how.as_str()
            );
            if let (Some(o), Some(p)) = (&c.original, &c.patched) {
                let _ = writeln!(
                    dot,
                    "  \"o_{:x}\" -> \"p_{:x}\" [style = dashed, color = blue, constraint = false];",
                    o.head, p.head
                );
            }
        }
    }
    dot.push_str("}\n");
    if let Some(path) = &args.dot {
        std::fs::write(path, dot)
            .map_err(|e| InputError(format!("{}: cannot write: {e}", path.display())))?;
    }
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn one_sided(f: &tandem_cfg::Function, original: bool) -> Vec<tandem_cfg::CfarPair> {
    tandem_cfg::cfars(f)
        .into_iter()
        .map(|c| tandem_cfg::CfarPair {
            original: original.then(|| c.clone()),
            patched: (!original).then_some(c),
            how: MatchedBy::Unmatched,
        })
        .collect()
}
