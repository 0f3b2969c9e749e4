//! Executing one lifted instruction on a symbolic state.

use std::cell::Cell;

use tandem_ir::{ExitTo, Expr, Flow, Insn, Stmt, Target, Trap};

use crate::memory::{self, InitialMemory, MemWrite, Regions, WriteKind};
use crate::state::{Event, FaultKind, SymState};
use crate::term::{TermId, TermPool, VarKind};

/// How control continues after an instruction on one path.
#[derive(Clone, Debug)]
pub enum Next {
    /// At this address.
    Addr(u64),
    /// At a computed address (indirect jump).
    Indirect(TermId),
    /// A call: to the target (a constant or computed), returning to `return_to`.
    Call { target: TermId, return_to: u64 },
    /// A return to the computed address.
    Return(TermId),
    /// A system call; then `next`.
    Syscall { next: u64 },
    /// The process dies.
    Fault(FaultKind),
    /// The instruction has no semantics.
    Unsupported { addr: u64, mnemonic: String },
}

/// Which memory is observable: a store to it is an event.
pub trait Observer {
    /// The observed range a store at `addr` falls into, and the offset in it.
    fn observed(&self, pool: &mut TermPool, addr: TermId) -> Option<(String, TermId)>;
    /// Whether any memory is observed at all.
    fn observes_any(&self) -> bool;
}

/// What a store through a pointer of unknown region is reported as when memory is observed:
/// it may land in observed memory, so it is an event (at its whole address) that the other
/// side must match.
pub const UNRESOLVED_STORE: &str = "an unresolved pointer";

/// Everything executing instructions needs besides the state.
pub struct Machine<'a> {
    pub init: &'a dyn InitialMemory,
    pub observer: &'a dyn Observer,
    pub regions: &'a dyn Regions,
    /// Whether a constant address is mapped (a constant address elsewhere faults).
    pub is_mapped: &'a dyn Fn(u64) -> bool,
    /// Names undefined values uniquely.
    pub undefined: Cell<u32>,
    /// Prefix of the variables this machine creates (the side of the comparison).
    pub tag: &'a str,
}

impl Machine<'_> {
    pub fn load(&self, pool: &mut TermPool, st: &SymState, addr: TermId, bytes: u16) -> TermId {
        let mut facts = crate::ranges::PathFacts::new(&st.path);
        memory::load(
            pool,
            &st.mem,
            addr,
            bytes,
            self.init,
            self.regions,
            &mut facts,
        )
    }

    pub fn store(&self, pool: &mut TermPool, st: &mut SymState, addr: TermId, value: TermId) {
        let size = (pool.width(value) / 8) as u8;
        let choices = memory::address_choices(pool, addr, self.regions);
        if let Some((range, offset)) = self.observed(pool, addr, choices.as_deref()) {
            st.events.push(Event::Store {
                range,
                offset,
                value,
            });
        }
        let kind = WriteKind::Value { value, size };
        match choices {
            Some(choices) => {
                for (cond, addr) in choices {
                    st.mem.push(MemWrite {
                        addr,
                        guard: Some(cond),
                        kind: kind.clone(),
                    });
                }
            }
            None => st.mem.push(MemWrite {
                addr,
                guard: None,
                kind,
            }),
        }
    }

    /// Whether a write starting at `addr` may land in observed memory (a range a stub writes,
    /// which its object holds whole).
    pub fn may_observe(&self, pool: &mut TermPool, addr: TermId) -> bool {
        let choices = memory::address_choices(pool, addr, self.regions);
        self.observed(pool, addr, choices.as_deref()).is_some()
    }

    /// The observed range a store at `addr` (one of `choices`, when it is a choice of
    /// pointers) may fall into. A pointer whose region is unknown may point anywhere, so while
    /// any memory is observed its store is an event of its own ([`UNRESOLVED_STORE`]), never
    /// silently unobserved.
    fn observed(
        &self,
        pool: &mut TermPool,
        addr: TermId,
        choices: Option<&[(TermId, TermId)]>,
    ) -> Option<(String, TermId)> {
        if !self.observer.observes_any() {
            return None;
        }
        let unresolved = || Some((UNRESOLVED_STORE.to_string(), addr));
        match choices {
            Some(choices) => {
                for &(_, a) in choices {
                    if self.observer.observed(pool, a).is_some() {
                        return unresolved();
                    }
                }
                None
            }
            None => {
                if let Some(hit) = self.observer.observed(pool, addr) {
                    return Some(hit);
                }
                let unknown = pool.as_const(addr).is_none()
                    && memory::region_of(pool, addr, self.regions) == memory::Region::Unknown;
                if unknown { unresolved() } else { None }
            }
        }
    }

    fn fresh_undefined(&self, pool: &mut TermPool, width: u16) -> TermId {
        let n = self.undefined.get();
        self.undefined.set(n + 1);
        pool.fresh_var(format!("{}undef{n}", self.tag), width, VarKind::Abstract)
    }

    /// When an access at `addr` faults on the path of `st`: always for an unmapped constant
    /// address; for a choice of pointers (merged paths), when it is one of the unmapped ones
    /// (a lookup that returns a table entry or null, dereferenced unchecked); `None` when it
    /// does not fault, as far as its form tells (an access through a pointer of unknown
    /// region is assumed to stay inside its object).
    fn fault_condition(&self, pool: &mut TermPool, st: &SymState, addr: TermId) -> Option<TermId> {
        let unmapped = |pool: &TermPool, a: TermId| {
            pool.as_const(a)
                .is_some_and(|a| !(self.is_mapped)(a as u64))
        };
        if unmapped(pool, addr) {
            return Some(pool.tru());
        }
        let choices = memory::address_choices(pool, addr, self.regions)?;
        let bad: Vec<TermId> = choices
            .iter()
            .filter(|&&(_, a)| unmapped(pool, a))
            .map(|&(c, _)| c)
            .collect();
        if bad.is_empty() {
            return None;
        }
        let c = pool.any(bad);
        let c = decided(pool, st, c);
        (!pool.is_false(c)).then_some(c)
    }

    /// Executes `insn`; every path out of it, with how it continues.
    pub fn step(&self, pool: &mut TermPool, state: SymState, insn: &Insn) -> Vec<(SymState, Next)> {
        let mut out = Vec::new();
        let mut st = state;
        let mut temps: Vec<Option<TermId>> = Vec::new();
        let next = insn.next_addr();
        for s in &insn.stmts {
            match s {
                Stmt::SetReg { reg, value } => {
                    let v = self.eval(pool, &st, &temps, value);
                    st.regs[usize::from(reg.id)] = v;
                }
                Stmt::SetTemp { temp, value } => {
                    let v = self.eval(pool, &st, &temps, value);
                    set_temp(&mut temps, temp.id, v);
                }
                Stmt::Load { dst, addr } => {
                    let a = self.eval(pool, &st, &temps, addr);
                    if let Some(c) = self.fault_condition(pool, &st, a) {
                        if pool.is_true(c) {
                            out.push((st, Next::Fault(FaultKind::Segv)));
                            return out;
                        }
                        let mut dies = st.clone();
                        dies.assume(pool, c);
                        out.push((dies, Next::Fault(FaultKind::Segv)));
                        let nc = pool.not(c);
                        st.assume(pool, nc);
                    }
                    let v = self.load(pool, &st, a, dst.width / 8);
                    set_temp(&mut temps, dst.id, v);
                }
                Stmt::Store { addr, value } => {
                    let a = self.eval(pool, &st, &temps, addr);
                    if let Some(c) = self.fault_condition(pool, &st, a) {
                        if pool.is_true(c) {
                            out.push((st, Next::Fault(FaultKind::Segv)));
                            return out;
                        }
                        let mut dies = st.clone();
                        dies.assume(pool, c);
                        out.push((dies, Next::Fault(FaultKind::Segv)));
                        let nc = pool.not(c);
                        st.assume(pool, nc);
                    }
                    let v = self.eval(pool, &st, &temps, value);
                    self.store(pool, &mut st, a, v);
                }
                Stmt::Havoc { reg, cond } => {
                    let c = self.eval(pool, &st, &temps, cond);
                    if !pool.is_false(c) {
                        let fresh = self.fresh_undefined(pool, reg.width);
                        let old = st.regs[usize::from(reg.id)];
                        st.regs[usize::from(reg.id)] = pool.ite(c, fresh, old);
                    }
                }
                Stmt::Exit { cond, to } => {
                    let c = self.eval(pool, &st, &temps, cond);
                    let c = decided(pool, &st, c);
                    if pool.is_false(c) {
                        continue;
                    }
                    let mut taken = st.clone();
                    taken.assume(pool, c);
                    let how = match to {
                        ExitTo::Next => Next::Addr(next),
                        ExitTo::Trap(t) => Next::Fault(fault_of(*t)),
                    };
                    let always = pool.is_true(c);
                    out.push((taken, how));
                    if always {
                        return out;
                    }
                    let nc = pool.not(c);
                    st.assume(pool, nc);
                }
                Stmt::Unsupported { mnemonic } => {
                    out.push((
                        st,
                        Next::Unsupported {
                            addr: insn.addr,
                            mnemonic: mnemonic.clone(),
                        },
                    ));
                    return out;
                }
            }
        }
        match &insn.flow {
            Flow::Next => out.push((st, Next::Addr(next))),
            Flow::Jump(Target::Direct(t)) => out.push((st, Next::Addr(*t))),
            Flow::Jump(Target::Indirect(e)) => {
                let t = self.eval(pool, &st, &temps, e);
                match pool.as_const(t) {
                    Some(a) => out.push((st, Next::Addr(a as u64))),
                    None => out.push((st, Next::Indirect(t))),
                }
            }
            Flow::Branch { cond, target } => {
                let c = self.eval(pool, &st, &temps, cond);
                let c = decided(pool, &st, c);
                match pool.as_const(c) {
                    Some(1) => out.push((st, Next::Addr(*target))),
                    Some(_) => out.push((st, Next::Addr(next))),
                    None => {
                        let mut taken = st.clone();
                        taken.assume(pool, c);
                        out.push((taken, Next::Addr(*target)));
                        let nc = pool.not(c);
                        st.assume(pool, nc);
                        out.push((st, Next::Addr(next)));
                    }
                }
            }
            Flow::Call(t) => {
                let target = match t {
                    Target::Direct(a) => pool.c(64, u128::from(*a)),
                    Target::Indirect(e) => self.eval(pool, &st, &temps, e),
                };
                out.push((
                    st,
                    Next::Call {
                        target,
                        return_to: next,
                    },
                ));
            }
            Flow::Return(e) => {
                let t = self.eval(pool, &st, &temps, e);
                out.push((st, Next::Return(t)));
            }
            Flow::Syscall => out.push((st, Next::Syscall { next })),
            Flow::Trap(t) => out.push((st, Next::Fault(fault_of(*t)))),
        }
        out
    }

    pub fn eval(
        &self,
        pool: &mut TermPool,
        st: &SymState,
        temps: &[Option<TermId>],
        e: &Expr,
    ) -> TermId {
        match e {
            Expr::Const { width, value } => pool.c(*width, *value),
            Expr::Reg(r) => st.regs[usize::from(r.id)],
            Expr::Temp(t) => temps
                .get(t.id as usize)
                .copied()
                .flatten()
                .unwrap_or_else(|| pool.c(t.width, 0)),
            Expr::Unary(op, a) => {
                let a = self.eval(pool, st, temps, a);
                pool.unary(*op, a)
            }
            Expr::Binary(op, a, b) => {
                let a = self.eval(pool, st, temps, a);
                let b = self.eval(pool, st, temps, b);
                pool.binary(*op, a, b)
            }
            Expr::Ite(c, a, b) => {
                let c = self.eval(pool, st, temps, c);
                let a = self.eval(pool, st, temps, a);
                let b = self.eval(pool, st, temps, b);
                pool.ite(c, a, b)
            }
            Expr::Extract { lo, width, arg } => {
                let a = self.eval(pool, st, temps, arg);
                pool.extract(a, *lo, *width)
            }
            Expr::Concat(h, l) => {
                let h = self.eval(pool, st, temps, h);
                let l = self.eval(pool, st, temps, l);
                pool.concat(h, l)
            }
            Expr::ZeroExt { width, arg } => {
                let a = self.eval(pool, st, temps, arg);
                pool.zext(a, *width)
            }
            Expr::SignExt { width, arg } => {
                let a = self.eval(pool, st, temps, arg);
                pool.sext(a, *width)
            }
        }
    }
}

/// `c`, or its truth value when the path decides it (a loop test the path's bounds settle),
/// so that the path not taken is not followed.
fn decided(pool: &mut TermPool, st: &SymState, c: TermId) -> TermId {
    if pool.as_const(c).is_some() {
        return c;
    }
    match crate::ranges::PathFacts::new(&st.path).decide(pool, c) {
        Some(v) => pool.bool(v),
        None => c,
    }
}

fn set_temp(temps: &mut Vec<Option<TermId>>, id: u32, v: TermId) {
    let i = id as usize;
    if temps.len() <= i {
        temps.resize(i + 1, None);
    }
    temps[i] = Some(v);
}

fn fault_of(t: Trap) -> FaultKind {
    match t {
        Trap::DivideError => FaultKind::Fpe,
        Trap::InvalidOpcode => FaultKind::Ill,
        Trap::Breakpoint => FaultKind::Trap,
        Trap::GeneralProtection => FaultKind::Segv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::World;

    /// A store through a pointer loaded from memory may land in observed memory: it is an
    /// event, as a store into `.output` is; a store into the stack frame is not.
    #[test]
    fn a_store_through_a_pointer_of_unknown_region_is_observed() {
        let (mut pool, world) = World::new();
        let stack = world.stack;
        let is_mapped = |_: u64| true;
        let m = Machine {
            init: &world,
            observer: &world,
            regions: &world,
            is_mapped: &is_mapped,
            undefined: Cell::new(0),
            tag: "o.",
        };
        let mut st = SymState {
            regs: Vec::new(),
            mem: Default::default(),
            ghosts: Vec::new(),
            events: Vec::new(),
            path: Vec::new(),
            frames: Vec::new(),
            function: 0x40_1000,
            root_function: 0x40_1000,
        };
        let value = pool.c(8, 7);
        let loaded = pool.fresh_var("loaded", 64, VarKind::Input);
        let local = pool.add_const(stack, 8);
        let output = pool.c(64, 0x40_2004);
        for addr in [loaded, local, output] {
            m.store(&mut pool, &mut st, addr, value);
        }
        let four = pool.c(64, 4);
        assert_eq!(
            st.events,
            vec![
                Event::Store {
                    range: UNRESOLVED_STORE.to_string(),
                    offset: loaded,
                    value,
                },
                Event::Store {
                    range: ".output".to_string(),
                    offset: four,
                    value,
                },
            ]
        );
    }

    /// A pointer that is a table entry on one path and null on the other (merged) faults on
    /// the null path when dereferenced: that path ends in SIGSEGV under its condition, and
    /// the load goes on only where the pointer is the entry.
    #[test]
    fn a_load_through_a_pointer_that_may_be_null_faults_where_it_is() {
        use tandem_ir::{Expr, Temp};
        let (mut pool, world) = World::new();
        let is_mapped = |a: u64| a >= 0x1000;
        let m = Machine {
            init: &world,
            observer: &world,
            regions: &world,
            is_mapped: &is_mapped,
            undefined: Cell::new(0),
            tag: "o.",
        };
        let found = pool.fresh_var("found", 1, VarKind::Input);
        let (entry, null) = (pool.c(64, 0x40_1000), pool.c(64, 0));
        let pointer = pool.ite(found, entry, null);
        let st = SymState {
            regs: vec![pointer],
            mem: Default::default(),
            ghosts: Vec::new(),
            events: Vec::new(),
            path: Vec::new(),
            frames: Vec::new(),
            function: 0x40_1000,
            root_function: 0x40_1000,
        };
        let rax = tandem_ir::Reg::new(0, 64);
        let insn = Insn {
            addr: 0x40_1100,
            len: 3,
            asm: "movzbl 1(%rax), %eax".into(),
            stmts: vec![Stmt::Load {
                dst: Temp { id: 0, width: 8 },
                addr: Expr::Binary(
                    tandem_ir::BinOp::Add,
                    Box::new(Expr::Reg(rax)),
                    Box::new(Expr::Const {
                        width: 64,
                        value: 1,
                    }),
                ),
            }],
            flow: Flow::Next,
        };
        let outs = m.step(&mut pool, st, &insn);
        let not_found = pool.not(found);
        assert_eq!(outs.len(), 2);
        assert!(matches!(outs[0].1, Next::Fault(FaultKind::Segv)));
        assert_eq!(outs[0].0.path, vec![not_found]);
        assert!(matches!(outs[1].1, Next::Addr(0x40_1103)));
        assert_eq!(outs[1].0.path, vec![found]);
    }
}
