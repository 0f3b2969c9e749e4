//! The symbolic machine state of one binary on one path (or a merge of paths).

use crate::memory::MemLog;
use crate::term::{TermId, TermPool};

/// An argument of an observable event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventArg {
    Value(TermId),
    /// The `len` bytes at `base`, as the memory `mem` held them when the event happened
    /// (read when events are compared, up to a bound on `len`).
    Bytes {
        base: TermId,
        len: TermId,
        mem: MemLog,
    },
}

/// Why a process died.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// SIGSEGV: an access outside mapped memory, or a general-protection fault.
    Segv,
    /// SIGFPE: division by zero or overflow.
    Fpe,
    /// SIGILL.
    Ill,
    /// SIGTRAP.
    Trap,
}

/// An observable event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A system call or library call a stub declared observable.
    Call { name: String, args: Vec<EventArg> },
    /// A store into observable memory: the offset into the observed range, and the value.
    Store {
        range: String,
        offset: TermId,
        value: TermId,
    },
    /// The process exited with this status.
    Exit { status: TermId },
    /// The process died of a signal.
    Fault { kind: FaultKind },
    /// The analysed function returned this value (`--entry`).
    Return { value: TermId },
}

impl Event {
    /// Whether the event ends the execution.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Event::Exit { .. } | Event::Fault { .. } | Event::Return { .. }
        )
    }
}

/// A call the execution is inside of.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Frame {
    /// The called function's entry.
    pub function: u64,
    /// The call instruction's address.
    pub call_site: u64,
    /// Where the call returns to.
    pub return_to: u64,
}

#[derive(Clone, Debug)]
pub struct SymState {
    /// By register id.
    pub regs: Vec<TermId>,
    pub mem: MemLog,
    /// Ghost globals of the stubs, by name.
    pub ghosts: Vec<(String, TermId)>,
    /// Events since the analysis of this region started, in order.
    pub events: Vec<Event>,
    /// Conjuncts of the path condition.
    pub path: Vec<TermId>,
    /// The function entered at the start of the region is frame 0's caller; frames are the
    /// calls made since, innermost last.
    pub frames: Vec<Frame>,
    /// The function the current code belongs to.
    pub function: u64,
    /// The function below every frame (where the analysis started).
    pub root_function: u64,
}

impl SymState {
    pub fn ghost(&self, name: &str) -> Option<TermId> {
        self.ghosts.iter().find(|(n, _)| n == name).map(|(_, t)| *t)
    }

    pub fn set_ghost(&mut self, name: &str, value: TermId) {
        match self.ghosts.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.ghosts.push((name.to_string(), value)),
        }
    }

    /// Adds a conjunct to the path condition.
    pub fn assume(&mut self, pool: &mut TermPool, cond: TermId) {
        if pool.is_true(cond) {
            return;
        }
        // A conjunction is split so that facts stay atomic.
        if let crate::term::Node::Binary(tandem_ir::BinOp::And, a, b) = pool.node(cond).clone()
            && pool.width(a) == 1
        {
            self.assume(pool, a);
            self.assume(pool, b);
            return;
        }
        if !self.path.contains(&cond) {
            self.path.push(cond);
        }
    }

    /// The path condition as one term.
    pub fn path_condition(&self, pool: &mut TermPool) -> TermId {
        pool.all(self.path.iter().copied())
    }

    /// Whether the path condition is syntactically false.
    pub fn is_dead(&self, pool: &TermPool) -> bool {
        self.path.iter().any(|c| pool.is_false(*c))
    }
}
