//! The execution oracle: differential testing of tandem's lifters against real execution.
//!
//! For every instruction form in a forms file (`forms/<arch>.forms`) the harness makes several
//! concrete instances (registers, immediates, addressing modes chosen at random), assembles
//! them with the system assembler, and runs each on many random machine states both through
//! the lifted IR in the concrete interpreter and on a real machine. Registers, every flag the
//! ISA defines (flags the lifter marks undefined with `Havoc` are skipped, exactly where it
//! marks them), every byte of the memory windows, and how execution stopped (completed,
//! divide error, invalid opcode, general protection, page fault) must agree.
//!
//! The machine is a [`native::NativeCpu`]: this very CPU, running one instruction at a time in
//! a traced child process. The pieces are separable for the other architectures: forms,
//! instantiation and random states are per architecture ([`x86`]); the backend is the only part
//! that needs the real hardware, and an emulator backend (unicorn for AArch64, ARM and PPC32,
//! qemu-user for PPC64; see shared/notes/rust-ecosystem.md) slots in beside it.
//!
//! What it is not: a semantics of its own. It trusts only the machine.

pub mod asm;
pub mod forms;
pub mod harness;
pub mod machine;
pub mod native;
pub mod rng;
pub mod x86;

pub use harness::{Config, Isa, Machine, Report, run, run_x86_64};
