//! Symbolic execution for tandem.
//!
//! - [`TermPool`]: hash-consed, simplifying terms (bitvectors and byte-array memories),
//!   variables and uninterpreted functions. Identical computations become the same
//!   [`TermId`], so most equalities between the two binaries are decided by comparing ids.
//! - [`SymState`]: registers, a persistent memory write log ([`MemLog`]) over an
//!   [`InitialMemory`], ghost globals, the observable events, the path condition, the call
//!   frames.
//! - [`Machine`]: executes one lifted instruction; [`Explorer`]: explores a region (every path
//!   from a start point to the next cut points, calls followed, paths merged at joins, in a
//!   topological order of the code).
//!
//! What it is not: no solver (terms are lowered to Z3 by `tandem-smt`), no knowledge of
//! stubs (system calls go to an [`Environment`]), no pairing of the two binaries (that is the
//! verifier's).

mod build;
mod exec;
mod explore;
#[cfg(test)]
mod fixture;
mod known_bits;
mod linear;
mod memory;
mod print;
mod ranges;
mod state;
mod subst;
mod term;

pub use exec::{Machine, Next, Observer};
pub use explore::{Environment, ExitKind, Explorer, RegionExit, Services, SyscallResult, merge};
pub use linear::Linear;
pub use memory::{
    InitialMemory, MemLog, MemWrite, Region, Regions, WriteKind, concat_le, load, load_byte,
    region_of,
};
pub use ranges::{Arc, Facts, PathFacts};
pub use state::{Event, EventArg, FaultKind, Frame, SymState};
pub use term::{FuncDecl, FuncId, Node, TermId, TermPool, VarId, VarInfo, VarKind};
