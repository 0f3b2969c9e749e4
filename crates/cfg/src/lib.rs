//! Code discovery: from an ELF binary to functions, basic blocks, loops and CFARs.
//!
//! [`Program`] wraps a loaded binary and its lifter. Instructions are lifted on demand and
//! cached by address; functions are discovered on demand from their entry by recursive
//! descent ([`Function`]): basic blocks, intra-procedural edges as a `petgraph` graph, calls
//! and their return sites, returns, tail calls, jump tables of compiled `switch` statements
//! (resolved by running the dispatch code in the concrete interpreter for every index the
//! bounds check admits), and loop heads (targets of DFS back edges). No-return functions
//! (those that never reach a `ret`, and the libc names known never to return) have no return
//! site after their calls. [`Cfar`]s cut a function at its entry, its loop heads and its
//! return sites; [`pair_functions`] and [`pair_cfars`] pair two programs' functions and CFARs
//! statically (by symbol, then by structure).
//!
//! What it is not: it executes nothing symbolically and decides nothing about feasibility;
//! an edge here is a possible edge. Indirect jumps it cannot resolve are reported, not
//! guessed.

mod cfar;
mod discover;
mod dot;
mod jump_table;
mod liveness;
mod pairing;
mod program;

pub use cfar::{Cfar, CfarExit, HeadKind, cfars};
pub use discover::{Block, CallSite, Function, Terminator};
pub use dot::function_dot;
pub use liveness::{Liveness, RegSet};
pub use pairing::{
    CfarPair, FunctionPair, MatchedBy, pair_cfars, pair_functions, reachable_functions,
};
pub use program::{CfgError, Program};
