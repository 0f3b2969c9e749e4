//! The `tandem` command line: argument parsing, exit codes, and glue between the layers.
//!
//! Exit codes (CONTRACT.md): 0 equivalent, 1 inequivalent, 2 conditionally equivalent,
//! 3 inconclusive, 4 usage or input error. Commands that are not verdicts (`lift`, `cfar`) exit 0 on
//! success and 4 on bad input.

mod cfar;
mod input;
mod lift;
mod report;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// tandem: a symbolic binary patch equivalence verifier.
#[derive(Parser, Debug)]
#[command(name = "tandem", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Decide whether a patched binary behaves like the original.
    Verify(verify::VerifyArgs),
    /// Show the paired functions and CFARs of two binaries.
    Cfar(cfar::CfarArgs),
    /// Lift machine code to tandem IR and print it, or report how much of a binary lifts.
    Lift(lift::LiftArgs),
}

/// Bad input or usage: reported as one line on stderr with exit code 4.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 4 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Lift(args) => lift::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Cfar(args) => cfar::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if let Some(io) = e.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::BrokenPipe
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("tandem: {e}");
            ExitCode::from(4)
        }
    }
}
