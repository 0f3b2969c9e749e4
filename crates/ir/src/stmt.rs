//! Statements, instructions and control flow.

use crate::expr::Expr;
use crate::machine::Reg;

/// A temporary: local to one instruction, assigned once before it is read.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Temp {
    pub id: u32,
    pub width: u16,
}

/// Why execution stops with a processor exception (the signal a process would die of).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Trap {
    /// Integer division by zero or quotient overflow (SIGFPE).
    DivideError,
    /// An undefined or deliberately invalid instruction such as `ud2` (SIGILL).
    InvalidOpcode,
    /// A breakpoint instruction such as `int3` (SIGTRAP).
    Breakpoint,
    /// General protection: a privileged instruction such as `hlt` in user mode, or a misaligned
    /// operand of an SSE instruction that requires alignment (SIGSEGV).
    GeneralProtection,
}

/// Where a side exit goes when its condition holds.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ExitTo {
    /// End the instruction here and continue at the next one (the rest of the statements and
    /// the instruction's flow are skipped).
    Next,
    Trap(Trap),
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Stmt {
    SetReg {
        reg: Reg,
        value: Expr,
    },
    SetTemp {
        temp: Temp,
        value: Expr,
    },
    /// Reads `dst.width / 8` bytes at `addr` in the machine's byte order.
    Load {
        dst: Temp,
        addr: Expr,
    },
    /// Writes `value.width() / 8` bytes at `addr` in the machine's byte order.
    Store {
        addr: Expr,
        value: Expr,
    },
    /// When `cond` holds, the architecture leaves this register undefined: its new value is
    /// arbitrary.
    Havoc {
        reg: Reg,
        cond: Expr,
    },
    /// If `cond` holds, leave the instruction as `to` says.
    Exit {
        cond: Expr,
        to: ExitTo,
    },
    /// No semantics for this instruction: executing it cannot be modelled.
    Unsupported {
        mnemonic: String,
    },
}

/// A jump target.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Target {
    Direct(u64),
    Indirect(Expr),
}

/// How control leaves an instruction once its statements ran.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Flow {
    /// Continue at the next instruction.
    Next,
    Jump(Target),
    /// If `cond` holds go to `target`, else to the next instruction.
    Branch {
        cond: Expr,
        target: u64,
    },
    /// A call; the statements already saved the return address.
    Call(Target),
    /// A return to the address the statements computed.
    Return(Expr),
    /// A system call, serviced by the environment; then the next instruction.
    Syscall,
    Trap(Trap),
}

impl Flow {
    /// Whether the instruction ends a basic block.
    pub fn ends_block(&self) -> bool {
        !matches!(self, Flow::Next)
    }
}

/// One lifted machine instruction.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Insn {
    pub addr: u64,
    pub len: u8,
    /// The disassembly, for people.
    pub asm: String,
    pub stmts: Vec<Stmt>,
    pub flow: Flow,
}

impl Insn {
    pub fn next_addr(&self) -> u64 {
        self.addr.wrapping_add(u64::from(self.len))
    }

    /// Removes assignments to temporaries that nothing reads. Loads stay (they can fault).
    pub fn prune_dead_temps(&mut self) {
        let mut used: Vec<bool> = Vec::new();
        let mut note = |e: &Expr| {
            e.for_each_temp(&mut |t| {
                let i = t.id as usize;
                if used.len() <= i {
                    used.resize(i + 1, false);
                }
                used[i] = true;
            })
        };
        for s in &self.stmts {
            match s {
                Stmt::SetReg { value, .. } | Stmt::SetTemp { value, .. } => note(value),
                Stmt::Load { addr, .. } => note(addr),
                Stmt::Store { addr, value } => {
                    note(addr);
                    note(value);
                }
                Stmt::Havoc { cond, .. } | Stmt::Exit { cond, .. } => note(cond),
                Stmt::Unsupported { .. } => {}
            }
        }
        match &self.flow {
            Flow::Jump(Target::Indirect(e)) | Flow::Call(Target::Indirect(e)) | Flow::Return(e) => {
                note(e)
            }
            Flow::Branch { cond, .. } => note(cond),
            _ => {}
        }
        let live = |id: u32| used.get(id as usize).copied().unwrap_or(false);
        self.stmts
            .retain(|s| !matches!(s, Stmt::SetTemp { temp, .. } if !live(temp.id)));
    }

    /// The mnemonic of the first unsupported statement, if any.
    pub fn unsupported(&self) -> Option<&str> {
        self.stmts.iter().find_map(|s| match s {
            Stmt::Unsupported { mnemonic } => Some(mnemonic.as_str()),
            _ => None,
        })
    }

    /// Registers this instruction may leave architecturally undefined.
    pub fn havocs(&self) -> impl Iterator<Item = Reg> + '_ {
        self.stmts.iter().filter_map(|s| match s {
            Stmt::Havoc { reg, .. } => Some(*reg),
            _ => None,
        })
    }
}
