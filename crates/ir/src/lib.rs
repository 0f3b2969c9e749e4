//! tandem's intermediate language (IR).
//!
//! Every architecture is lifted to this one language, and everything above the lifter (code
//! discovery, symbolic execution, the verifier) reads only this. It holds:
//!
//! - [`Expr`]: pure, fixed-width bitvector expressions over registers, temporaries and constants
//!   (width 1 doubles as the boolean type), with integer, comparison, bit-manipulation and IEEE
//!   floating-point operators whose semantics are defined exactly, edge cases included;
//! - [`Stmt`]: assignments to registers and temporaries, loads and stores, side exits (a
//!   conditional trap or early end of the instruction), `Havoc` for architecturally undefined
//!   results, and an explicit [`Stmt::Unsupported`] for instructions without semantics;
//! - [`Insn`]: the statements of one machine instruction and its [`Flow`] (fall through, jump,
//!   branch, call, return, system call, trap);
//! - [`MachineDesc`]: the register file of an architecture, its sub-register aliases (`eax`
//!   inside `rax`), its byte order and its program counter, as data;
//! - a printer ([`Insn::display`]), a verifier ([`verify`]) and the concrete interpreter
//!   ([`interp`]), which is the reference semantics the symbolic executor must agree with.
//!
//! What it is not: no decoding (see `tandem-lift`), no symbolic terms and no solver (those live
//! in the layers above), no knowledge of any particular architecture beyond the data a
//! [`MachineDesc`] carries.

mod expr;
pub mod float;
pub mod interp;
mod machine;
mod print;
mod stmt;
mod verify;

pub use expr::{BinOp, Expr, FloatFormat, Rounding, UnOp, mask};
pub use machine::{Alias, AliasWrite, Endian, MachineDesc, Reg, RegClass, RegInfo};
pub use stmt::{ExitTo, Flow, Insn, Stmt, Target, Temp, Trap};
pub use verify::{VerifyError, verify};
