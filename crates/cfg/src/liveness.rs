//! Register liveness: which registers a function may still read before writing them.
//!
//! The verifier drops dead registers from the states it abstracts at loop heads: a dead
//! register's value cannot influence anything, so leaving it out is exact, and it keeps
//! scratch registers and flags (which most instructions rewrite) from defeating widening.
//!
//! Every boundary the function cannot see through is taken as reading everything: calls (the
//! callee may read any register), returns (the caller may), tail calls and unresolved jumps.
//! System calls read the general-purpose registers (the stubs decide which), and traps read
//! nothing.

use std::collections::{BTreeMap, HashMap};

use tandem_ir::{Expr, Flow, Insn, MachineDesc, RegClass, Stmt, Target};

use crate::discover::{Block, Function, Terminator};
use crate::program::Program;

/// A set of registers by [`tandem_ir::Reg::id`] (architectures have fewer than 128).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Debug)]
pub struct RegSet(u128);

impl RegSet {
    pub const EMPTY: RegSet = RegSet(0);

    pub fn all(desc: &MachineDesc) -> RegSet {
        RegSet::of_class(desc, |_| true)
    }

    fn of_class(desc: &MachineDesc, keep: impl Fn(RegClass) -> bool) -> RegSet {
        let mut s = RegSet::EMPTY;
        for (i, r) in desc.regs.iter().enumerate() {
            if keep(r.class) {
                s.insert(i as u16);
            }
        }
        s
    }

    pub fn insert(&mut self, id: u16) {
        debug_assert!(id < 128);
        self.0 |= 1u128 << id;
    }

    pub fn remove(&mut self, id: u16) {
        self.0 &= !(1u128 << id);
    }

    pub fn contains(&self, id: u16) -> bool {
        id < 128 && self.0 & (1u128 << id) != 0
    }

    pub fn union(self, other: RegSet) -> RegSet {
        RegSet(self.0 | other.0)
    }
}

fn note_reads(e: &Expr, out: &mut RegSet) {
    match e {
        Expr::Reg(r) => out.insert(r.id),
        Expr::Const { .. } | Expr::Temp(_) => {}
        Expr::Unary(_, a)
        | Expr::Extract { arg: a, .. }
        | Expr::ZeroExt { arg: a, .. }
        | Expr::SignExt { arg: a, .. } => note_reads(a, out),
        Expr::Binary(_, a, b) | Expr::Concat(a, b) => {
            note_reads(a, out);
            note_reads(b, out);
        }
        Expr::Ite(c, a, b) => {
            note_reads(c, out);
            note_reads(a, out);
            note_reads(b, out);
        }
    }
}

/// What one instruction reads and what it certainly overwrites. A register the instruction
/// both reads and writes counts as read (the read may come first); a write after an early
/// exit of the instruction is not certain.
fn uses_defs(insn: &Insn) -> (RegSet, RegSet) {
    let mut uses = RegSet::EMPTY;
    let mut defs = RegSet::EMPTY;
    let mut may_leave = false;
    for s in &insn.stmts {
        match s {
            Stmt::SetReg { reg, value } => {
                note_reads(value, &mut uses);
                if !may_leave {
                    defs.insert(reg.id);
                }
            }
            Stmt::SetTemp { value, .. } => note_reads(value, &mut uses),
            Stmt::Load { addr, .. } => note_reads(addr, &mut uses),
            Stmt::Store { addr, value } => {
                note_reads(addr, &mut uses);
                note_reads(value, &mut uses);
            }
            // A conditional havoc keeps the old value when its condition fails.
            Stmt::Havoc { reg, cond } => {
                note_reads(cond, &mut uses);
                uses.insert(reg.id);
            }
            Stmt::Exit { cond, .. } => {
                note_reads(cond, &mut uses);
                may_leave = true;
            }
            Stmt::Unsupported { .. } => {}
        }
    }
    match &insn.flow {
        Flow::Branch { cond, .. } => note_reads(cond, &mut uses),
        Flow::Jump(Target::Indirect(e)) | Flow::Call(Target::Indirect(e)) | Flow::Return(e) => {
            note_reads(e, &mut uses)
        }
        _ => {}
    }
    (uses, RegSet(defs.0 & !uses.0))
}

/// Runs a block backwards from the registers live after it, calling `at` with the live set
/// before each instruction; returns the set live at its start.
fn through_block(
    prog: &Program,
    b: &Block,
    live_out: RegSet,
    all: RegSet,
    mut at: impl FnMut(u64, RegSet),
) -> RegSet {
    let mut live = live_out;
    for a in b.insns.iter().rev() {
        live = match prog.insn(*a) {
            // An instruction without semantics may read anything.
            Ok(i) if i.unsupported().is_none() => {
                let (uses, defs) = uses_defs(&i);
                RegSet(live.0 & !defs.0).union(uses)
            }
            _ => all,
        };
        at(*a, live);
    }
    live
}

/// Live registers at the start of every instruction of a function.
#[derive(Clone, Debug, Default)]
pub struct Liveness {
    live_in: HashMap<u64, RegSet>,
}

impl Liveness {
    /// Registers that may be read before being written from `addr` on; everything when `addr`
    /// is not an instruction of the function.
    pub fn live_at(&self, addr: u64, desc: &MachineDesc) -> RegSet {
        self.live_in
            .get(&addr)
            .copied()
            .unwrap_or_else(|| RegSet::all(desc))
    }

    pub fn compute(prog: &Program, f: &Function) -> Liveness {
        let desc = prog.desc();
        let all = RegSet::all(desc);
        let general = RegSet::of_class(desc, |c| c == RegClass::General);
        // Per block: the live set flowing out of its terminator that does not come from a
        // successor block.
        let boundary = |term: &Terminator| -> RegSet {
            match term {
                Terminator::Call { .. }
                | Terminator::TailCall { .. }
                | Terminator::Return
                | Terminator::Unresolved => all,
                Terminator::Syscall { .. } => general,
                Terminator::Halt => RegSet::EMPTY,
                Terminator::Fallthrough(_)
                | Terminator::Jump(_)
                | Terminator::Branch { .. }
                | Terminator::Switch { .. } => RegSet::EMPTY,
            }
        };
        let live_out = |b: &Block, block_in: &BTreeMap<u64, RegSet>| {
            b.term.successors().iter().fold(boundary(&b.term), |l, s| {
                l.union(block_in.get(s).copied().unwrap_or_default())
            })
        };
        let mut block_in: BTreeMap<u64, RegSet> = BTreeMap::new();
        let mut changed = true;
        while changed {
            changed = false;
            for (start, b) in f.blocks.iter().rev() {
                let live = through_block(prog, b, live_out(b, &block_in), all, |_, _| {});
                if block_in.get(start) != Some(&live) {
                    block_in.insert(*start, live);
                    changed = true;
                }
            }
        }
        let mut live_in = HashMap::new();
        for b in f.blocks.values() {
            through_block(prog, b, live_out(b, &block_in), all, |a, l| {
                live_in.insert(a, l);
            });
        }
        Liveness { live_in }
    }
}
