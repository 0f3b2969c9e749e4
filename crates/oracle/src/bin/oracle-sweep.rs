//! The larger oracle sweep, on demand:
//! `cargo run --release -p tandem-oracle --bin oracle-sweep -- [--seed N] [--instances N]
//! [--states N] [--filter TEXT]`. Prints the per-mnemonic table and every mismatch found;
//! exits 1 if there is any.

use std::process::ExitCode;

use tandem_oracle::{Config, run_x86_64};

fn main() -> ExitCode {
    let mut cfg = Config {
        seed: 1,
        instances_per_form: 16,
        states_per_instance: 125,
        filter: None,
        max_reported: 5,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next();
        let number = || value.as_deref().and_then(|v| v.parse::<u64>().ok());
        match flag.as_str() {
            "--seed" => cfg.seed = number().unwrap_or(cfg.seed),
            "--instances" => cfg.instances_per_form = number().unwrap_or(16) as usize,
            "--states" => cfg.states_per_instance = number().unwrap_or(125) as usize,
            "--filter" => cfg.filter = value,
            _ => {
                eprintln!(
                    "usage: oracle-sweep [--seed N] [--instances N] [--states N] [--filter TEXT]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let report = match run_x86_64(&cfg) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("oracle-sweep: {e}");
            return ExitCode::from(2);
        }
    };
    print!("{}", report.summary());
    for d in &report.details {
        println!("{d}");
    }
    for f in &report.broken_forms {
        println!("not lifted: {f}");
    }
    for n in &report.untested {
        println!("no forms: {n}");
    }
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
