//! The concrete interpreter: the reference semantics of the IR.
//!
//! [`step`] executes one [`Insn`] over a concrete [`State`] and a [`Memory`]. The symbolic
//! executor must agree with it on every input, the execution oracle checks it against the real
//! CPU, and the verifier replays every counterexample through it before showing it.

mod eval;
mod memory;

pub use eval::{binary as binary_value, eval_const, unary as unary_value};
pub use memory::{Fault, Memory, PagedMemory};

use crate::expr::mask;
use crate::machine::{Endian, MachineDesc, Reg};
use crate::stmt::{ExitTo, Flow, Insn, Stmt, Target, Trap};
use eval::Env;

/// Concrete register values, indexed by register id; each holds `width` low bits.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct State {
    regs: Vec<u128>,
}

impl State {
    /// All registers zero.
    pub fn new(desc: &MachineDesc) -> State {
        State {
            regs: vec![0; desc.regs.len()],
        }
    }

    pub fn get(&self, reg: Reg) -> u128 {
        self.regs.get(usize::from(reg.id)).copied().unwrap_or(0)
    }

    pub fn set(&mut self, reg: Reg, value: u128) {
        if let Some(slot) = self.regs.get_mut(usize::from(reg.id)) {
            *slot = value & mask(reg.width);
        }
    }
}

/// How an instruction ended.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Outcome {
    /// Continue at this address (the program counter already holds it).
    Continue(u64),
    /// A system call; the program counter holds the address after it.
    Syscall,
    /// A processor exception; registers and memory are as the statements before it left them.
    Trap(Trap),
    /// A load or store touched unmapped memory.
    Fault(Fault),
}

/// The interpreter cannot go on: this is a gap in the model, never a machine behaviour.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum ExecError {
    #[error("unsupported instruction `{mnemonic}` at {addr:#x}")]
    Unsupported { addr: u64, mnemonic: String },
    #[error("malformed IR at {addr:#x}: {what}")]
    Malformed { addr: u64, what: String },
}

/// What one [`step`] did besides its outcome.
#[derive(Clone, Default, Debug)]
pub struct Effects {
    /// Registers the instruction left undefined (the interpreter sets them to zero).
    pub havocked: Vec<Reg>,
}

/// Executes `insn` on `state` and `mem`.
pub fn step(
    desc: &MachineDesc,
    insn: &Insn,
    state: &mut State,
    mem: &mut dyn Memory,
) -> Result<(Outcome, Effects), ExecError> {
    let mut env = Env::new(state);
    env.state.set(desc.pc, u128::from(insn.addr));
    let mut effects = Effects::default();
    let malformed = |what: String| ExecError::Malformed {
        addr: insn.addr,
        what,
    };
    let next = insn.next_addr();
    for stmt in &insn.stmts {
        match stmt {
            Stmt::SetReg { reg, value } => {
                let v = env.eval(value).map_err(malformed)?;
                env.state.set(*reg, v);
            }
            Stmt::SetTemp { temp, value } => {
                let v = env.eval(value).map_err(malformed)?;
                env.set_temp(*temp, v);
            }
            Stmt::Load { dst, addr } => {
                let a = env.eval(addr).map_err(malformed)? as u64;
                let mut buf = [0u8; 16];
                let n = usize::from(dst.width / 8);
                if let Err(fault) = mem.read(a, &mut buf[..n]) {
                    return Ok((Outcome::Fault(fault), effects));
                }
                env.set_temp(*dst, from_bytes(&buf[..n], desc.endian));
            }
            Stmt::Store { addr, value } => {
                let a = env.eval(addr).map_err(malformed)? as u64;
                let v = env.eval(value).map_err(malformed)?;
                let n = usize::from(value.width() / 8);
                let bytes = to_bytes(v, n, desc.endian);
                if let Err(fault) = mem.write(a, &bytes[..n]) {
                    return Ok((Outcome::Fault(fault), effects));
                }
            }
            Stmt::Havoc { reg, cond } => {
                if env.eval(cond).map_err(malformed)? & 1 == 1 {
                    env.state.set(*reg, 0);
                    effects.havocked.push(*reg);
                }
            }
            Stmt::Exit { cond, to } => {
                if env.eval(cond).map_err(malformed)? & 1 == 1 {
                    return Ok(match to {
                        ExitTo::Next => {
                            env.state.set(desc.pc, u128::from(next));
                            (Outcome::Continue(next), effects)
                        }
                        ExitTo::Trap(t) => (Outcome::Trap(*t), effects),
                    });
                }
            }
            Stmt::Unsupported { mnemonic } => {
                return Err(ExecError::Unsupported {
                    addr: insn.addr,
                    mnemonic: mnemonic.clone(),
                });
            }
        }
    }
    let target = |env: &mut Env, t: &Target| -> Result<u64, ExecError> {
        match t {
            Target::Direct(a) => Ok(*a),
            Target::Indirect(e) => env.eval(e).map(|v| v as u64).map_err(malformed),
        }
    };
    let outcome = match &insn.flow {
        Flow::Next => Outcome::Continue(next),
        Flow::Jump(t) | Flow::Call(t) => Outcome::Continue(target(&mut env, t)?),
        Flow::Branch { cond, target } => {
            if env.eval(cond).map_err(malformed)? & 1 == 1 {
                Outcome::Continue(*target)
            } else {
                Outcome::Continue(next)
            }
        }
        Flow::Return(e) => Outcome::Continue(env.eval(e).map_err(malformed)? as u64),
        Flow::Syscall => Outcome::Syscall,
        Flow::Trap(t) => {
            // A breakpoint is a trap-class exception: it reports the address after itself.
            if *t == Trap::Breakpoint {
                env.state.set(desc.pc, u128::from(next));
            }
            return Ok((Outcome::Trap(*t), effects));
        }
    };
    let pc = match outcome {
        Outcome::Continue(a) => a,
        _ => next,
    };
    env.state.set(desc.pc, u128::from(pc));
    Ok((outcome, effects))
}

fn from_bytes(bytes: &[u8], endian: Endian) -> u128 {
    let fold = |acc: u128, b: &u8| (acc << 8) | u128::from(*b);
    match endian {
        Endian::Little => bytes.iter().rev().fold(0, fold),
        Endian::Big => bytes.iter().fold(0, fold),
    }
}

fn to_bytes(value: u128, n: usize, endian: Endian) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (i, slot) in out.iter_mut().take(n).enumerate() {
        let shift = match endian {
            Endian::Little => 8 * i,
            Endian::Big => 8 * (n - 1 - i),
        };
        *slot = (value >> shift) as u8;
    }
    out
}
