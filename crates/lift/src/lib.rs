//! Instruction lifters: machine code to tandem IR.
//!
//! Each architecture is a module implementing [`Arch`]: it decodes with Capstone, describes its
//! register file as an [`ir::MachineDesc`] (sub-registers as aliases, flags as 1-bit
//! registers), gives each instruction form its semantics as IR statements, and states its
//! calling and system-call conventions ([`CallConv`]). x86-64 is the first ([`x86_64`]).
//!
//! Semantics are trusted because they are checked against the real CPU on random states,
//! instruction form by instruction form (`tandem-oracle`), not because they were reviewed.
//! Whatever has no semantics lifts to [`ir::Stmt::Unsupported`], never to nothing.
//!
//! What it is not: no control-flow recovery (that is `tandem-cfg`), no symbolic execution, no
//! ELF parsing; a lifter sees bytes and an address.

pub mod x86_64;

pub use x86_64::X86_64;

use tandem_ir as ir;

/// Where a calling convention keeps arguments, results and preserved state.
#[derive(Debug)]
pub struct CallConv {
    /// Integer and pointer arguments, in order.
    pub int_args: &'static [&'static str],
    /// Floating-point arguments, in order.
    pub float_args: &'static [&'static str],
    pub int_return: &'static str,
    pub float_return: &'static str,
    /// Registers a callee must preserve.
    pub callee_saved: &'static [&'static str],
    pub stack_pointer: &'static str,
}

/// How a system call is made.
#[derive(Debug)]
pub struct SyscallConv {
    pub number: &'static str,
    pub args: &'static [&'static str],
    pub result: &'static str,
    /// Registers the kernel overwrites besides the result.
    pub clobbered: &'static [&'static str],
}

#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum LiftError {
    #[error("no valid instruction at {addr:#x}")]
    Invalid { addr: u64 },
    #[error("disassembler failure: {0}")]
    Decoder(String),
}

/// One architecture's lifter.
pub trait Arch {
    fn desc(&self) -> &'static ir::MachineDesc;
    fn call_conv(&self) -> &'static CallConv;
    fn syscall_conv(&self) -> &'static SyscallConv;
    /// Lifts the instruction at the start of `bytes`, which sit at address `addr`.
    fn lift(&self, bytes: &[u8], addr: u64) -> Result<ir::Insn, LiftError>;
}
