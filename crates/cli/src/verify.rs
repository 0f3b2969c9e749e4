//! `tandem verify ORIGINAL PATCHED`: the main job.
//!
//! Settings come from the command line, then from `--config FILE` for whatever the command line
//! left unset. With several `--entry` functions each is verified on its own and the verdicts
//! combine: any difference makes the pair inequivalent, any undecided entry inconclusive.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use tandem_verify::{Budgets, Config, Entry, Observe, Verdict};

use crate::InputError;
use crate::input::{parse, read_file};
use crate::report::{self, Format, Run};

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The original binary.
    original: PathBuf,
    /// The patched binary.
    patched: PathBuf,
    /// Start the analysis at this function in both binaries (repeatable; default: the ELF
    /// entry point).
    #[arg(long, value_name = "SYMBOL")]
    entry: Vec<String>,
    /// An extra stub file or a folder of them (repeatable); the built-in library always loads.
    #[arg(long, value_name = "PATH")]
    stubs: Vec<PathBuf>,
    /// More observable state (repeatable): section:NAME, symbol:NAME, range:ADDR:LEN,
    /// globals, return.
    #[arg(long, value_name = "WHAT")]
    observe: Vec<String>,
    /// Output on stdout.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Treat the initial contents of writable data as input.
    #[arg(long)]
    symbolic_data: bool,
    /// Budget for the whole run, in seconds (default 300).
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
    /// A tandem.toml holding the same settings (command-line flags win).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// `tandem.toml`: the settings of `verify`, by the names of its flags.
#[derive(serde::Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    #[serde(default)]
    entry: OneOrMany,
    #[serde(default)]
    stubs: OneOrMany,
    #[serde(default)]
    observe: OneOrMany,
    format: Option<Format>,
    symbolic_data: Option<bool>,
    timeout: Option<f64>,
}

#[derive(serde::Deserialize, Default, Debug)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// The settings after merging the command line over the config file.
struct Settings {
    entries: Vec<String>,
    stubs: Vec<PathBuf>,
    observe: Vec<Observe>,
    format: Format,
    symbolic_data: bool,
    timeout: Duration,
}

fn settings(args: &VerifyArgs) -> Result<Settings, InputError> {
    let file = match &args.config {
        Some(path) => load_config(path)?,
        None => ConfigFile::default(),
    };
    // Stub paths in the config file are relative to the file.
    let base = args
        .config
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let entries = pick(args.entry.clone(), file.entry.into_vec());
    let stubs = if args.stubs.is_empty() {
        file.stubs
            .into_vec()
            .into_iter()
            .map(|s| base.join(s))
            .collect()
    } else {
        args.stubs.clone()
    };
    let observe = pick(args.observe.clone(), file.observe.into_vec())
        .iter()
        .map(|s| parse_observe(s))
        .collect::<Result<Vec<_>, _>>()?;
    let timeout = args.timeout.or(file.timeout).unwrap_or(300.0);
    if !(timeout.is_finite() && timeout > 0.0) {
        return Err(InputError(format!(
            "--timeout: expected a positive number of seconds, got {timeout}"
        )));
    }
    Ok(Settings {
        entries,
        stubs,
        observe: observe.into_iter().flatten().collect(),
        format: args.format.or(file.format).unwrap_or(Format::Human),
        symbolic_data: args.symbolic_data || file.symbolic_data.unwrap_or(false),
        timeout: Duration::from_secs_f64(timeout),
    })
}

fn pick(flags: Vec<String>, file: Vec<String>) -> Vec<String> {
    if flags.is_empty() { file } else { flags }
}

fn load_config(path: &Path) -> Result<ConfigFile, InputError> {
    let text = read_file(path)?;
    let text = std::str::from_utf8(&text)
        .map_err(|_| InputError(format!("{}: not UTF-8 text", path.display())))?;
    toml::from_str(text).map_err(|e| {
        let msg = e.message().replace('\n', " ");
        let line = e
            .span()
            .map(|s| text[..s.start].matches('\n').count() + 1)
            .map(|l| format!(":{l}"))
            .unwrap_or_default();
        InputError(format!("{}{line}: {msg}", path.display()))
    })
}

/// One `--observe` value; `return` is `None` (the entry function's return value is always
/// observed when there is an entry function to return from).
fn parse_observe(s: &str) -> Result<Option<Observe>, InputError> {
    let bad = |why: &str| InputError(format!("--observe {s}: {why}"));
    let (kind, rest) = s.split_once(':').unwrap_or((s, ""));
    Ok(Some(match kind {
        "globals" if rest.is_empty() => Observe::Globals,
        "return" if rest.is_empty() => return Ok(None),
        "section" if !rest.is_empty() => Observe::Section(rest.to_string()),
        "symbol" if !rest.is_empty() => Observe::Symbol(rest.to_string()),
        "range" => {
            let (a, l) = rest
                .split_once(':')
                .ok_or_else(|| bad("expected range:ADDR:LEN"))?;
            let start = parse_number(a).ok_or_else(|| bad("ADDR is not a number"))?;
            let len = parse_number(l).ok_or_else(|| bad("LEN is not a number"))?;
            if len == 0 || start.checked_add(len).is_none() {
                return Err(bad("the range is empty or wraps around"));
            }
            Observe::Range { start, len }
        }
        _ => {
            return Err(bad(
                "expected section:NAME, symbol:NAME, range:ADDR:LEN, globals or return",
            ));
        }
    }))
}

fn parse_number(s: &str) -> Option<u64> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

pub fn run(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let settings = settings(args)?;
    let start = Instant::now();
    let od = read_file(&args.original)?;
    let pd = read_file(&args.patched)?;
    let ob = parse(&args.original, &od)?;
    let pb = parse(&args.patched, &pd)?;
    let lib = tandem_stubs::Library::load_with_builtin(&settings.stubs)
        .map_err(|e| InputError(format!("{e}")))?;
    let on = args.original.display().to_string();
    let pn = args.patched.display().to_string();
    let entries: Vec<Entry> = if settings.entries.is_empty() {
        vec![Entry::Elf]
    } else {
        settings
            .entries
            .iter()
            .map(|s| Entry::Function(s.clone()))
            .collect()
    };
    let mut reports = Vec::new();
    for entry in entries {
        // Each entry gets what is left of the overall budget.
        let left = settings.timeout.saturating_sub(start.elapsed());
        let config = Config {
            entry: entry.clone(),
            observe: settings.observe.clone(),
            symbolic_data: settings.symbolic_data,
            budgets: Budgets::standard(left.max(Duration::from_millis(1))),
        };
        let report = tandem_verify::verify((&on, &ob), (&pn, &pb), &lib, &config)
            .map_err(|e| InputError(e.to_string()))?;
        reports.push((entry, report));
    }
    let report = tandem_verify::combine(reports);
    let run = Run {
        original: &on,
        patched: &pn,
        report: &report,
        seconds: start.elapsed().as_secs_f64(),
    };
    let text = match settings.format {
        Format::Human => report::human(&run),
        Format::Json => report::json(&run),
        Format::Sarif => report::sarif(&run),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(ExitCode::from(match report.verdict {
        Verdict::Equivalent => 0,
        Verdict::Inequivalent => 1,
        Verdict::ConditionallyEquivalent => 2,
        Verdict::Inconclusive => 3,
    }))
}
