//! Exploring a region: every path from a start point to the next cut points, merged where
//! paths join.
//!
//! Calls are followed into the callee (the return address the call pushed is a constant, so
//! the return is resolved exactly) unless the callee is already active (recursion). A region
//! ends at cut points (loop heads, recursive calls), at the end of the process (exit, fault),
//! at a return from the function the region started in, or where the analysis cannot go on
//! (an unsupported instruction, an unresolved indirect jump, the step budget); the caller
//! decides what each of those means.
//!
//! States are processed in a topological order of the code (reverse post-order of each
//! function's blocks, nested by call depth), so the paths into a join are all there when it is
//! processed; states at the same point with the same events are merged into one.
//!
//! A loop whose iterations decide every branch they take (a constant trip count: the path
//! condition at its head is the same each time round) is unrolled instead of cut, up to
//! `MAX_UNROLLED_ITERATIONS`: its head need not become a node of its own, and a loop one
//! binary keeps and the other had its compiler unroll lines up. Otherwise the exploration
//! starts again with that head cut, so a region never ends part way through a loop.
//!
//! With a bound set ([`Explorer::bounded`]), an innermost loop whose iterations do not decide
//! their branches is unrolled too, for as long as its head is reached on a path the caller's
//! feasibility check cannot rule out, up to the bound: a loop over an input of bounded length
//! then needs no abstraction at all. Only a path proved infeasible is dropped; one still open
//! at the bound cuts the head as before. Paths that left such a loop after different numbers
//! of iterations are not merged again (see `Key::left`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use petgraph::visit::DfsPostOrder;
use tandem_cfg::{Function, Program, Terminator};

use crate::exec::{Machine, Next};
use crate::memory::MemWrite;
use crate::state::{Event, Frame, SymState};
use crate::term::{Node, TermId, TermPool};

/// What services system calls (the stubs).
pub trait Environment {
    /// The ghost globals and their initial values.
    fn initial_ghosts(&mut self, _pool: &mut TermPool) -> Vec<(String, TermId)> {
        Vec::new()
    }

    /// Services the system call `state` stopped at; every outcome, possibly several paths.
    fn syscall(&mut self, m: &Machine, pool: &mut TermPool, state: SymState) -> Vec<SyscallResult>;
}

pub enum SyscallResult {
    /// The call returned; continue after it.
    Continue(SymState),
    /// The process ended (the state's last event is terminal).
    Ended(SymState),
    /// The environment cannot model this call.
    Stuck(SymState, String),
}

#[derive(Clone, Debug)]
pub enum ExitKind {
    /// Reached a cut point (a loop head, or the entry of a recursive call).
    Cut(u64),
    /// The process ended; the state's last event says how.
    End,
    /// Returned from the region's outermost function to this address.
    Return(TermId),
    /// The analysis cannot go on along this path.
    Stuck(String),
}

#[derive(Clone, Debug)]
pub struct RegionExit {
    pub kind: ExitKind,
    pub state: SymState,
}

/// What an exploration asks of its caller: the machine it runs on, the environment that
/// services system calls, and whether a path condition may hold (false only when it provably
/// cannot; asked only about loops unrolled under [`Explorer::bounded`] and returns that may
/// go elsewhere than their call's return site).
pub struct Services<'s, 'm> {
    pub machine: &'s Machine<'m>,
    pub env: &'s mut dyn Environment,
    pub feasible: &'s mut dyn FnMut(&mut TermPool, &[TermId]) -> bool,
}

/// Explores regions of one program.
pub struct Explorer<'a> {
    pub prog: &'a Program<'a>,
    /// Instructions one exploration may execute.
    pub max_steps: usize,
    /// When exploring stops (every path still open is then stuck).
    pub deadline: Option<std::time::Instant>,
    /// The most iterations a loop whose trip count varies is unrolled (none: such loops are
    /// cut at once).
    pub bounded: Option<u32>,
    rpo: std::cell::RefCell<HashMap<u64, Rc<HashMap<u64, u32>>>>,
    /// Natural loops, by function and head.
    loop_bodies: std::cell::RefCell<HashMap<(u64, u64), LoopBody>>,
}

type LoopBody = Rc<BTreeSet<u64>>;

/// The most iterations of one loop an exploration unrolls.
const MAX_UNROLLED_ITERATIONS: u32 = 64;

/// The most times one exploration passes a loop head it unrolls (inner loops of unrolled
/// loops included), and the most instructions it executes while unrolling.
const MAX_HEAD_ARRIVALS: u32 = 256;
const MAX_UNROLLED_STEPS: usize = 20_000;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Key {
    order: Vec<u32>,
    addr: u64,
    frames: Vec<(u64, u64)>,
    /// The loops being unrolled around this point, innermost last: iterations of one loop
    /// stay apart, paths that left it join the others...
    unrolling: Vec<Unrolling>,
    /// ...except after a loop unrolled under the bound, outside every other loop being
    /// unrolled and with another loop ahead: paths that left it after different numbers of
    /// iterations stay apart until they leave another such loop. Merged, they would make
    /// every pointer the loop built a choice by trip count, and a later loop that follows
    /// those pointers (a list it built) a tangle of choices; apart, each path follows its own
    /// pointers.
    left: Option<Trips>,
}

/// A loop unrolled under the bound that a path left, and after how many iterations.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Trips {
    head: u64,
    depth: usize,
    iterations: u32,
}

/// A loop being unrolled: its head, at which call depth, how often its head was reached, and
/// the path condition when it last was.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Unrolling {
    head: u64,
    depth: usize,
    iterations: u32,
    path: Vec<TermId>,
    /// Whether it was unrolled under the bound (its path grew).
    bounded: bool,
}

/// Why an exploration starts again.
struct CutHead(u64);

impl<'a> Explorer<'a> {
    pub fn new(prog: &'a Program<'a>, max_steps: usize) -> Explorer<'a> {
        Explorer {
            prog,
            max_steps,
            deadline: None,
            bounded: None,
            rpo: Default::default(),
            loop_bodies: Default::default(),
        }
    }

    /// Reverse post-order index of each block of function `entry`.
    fn rpo_of(&self, entry: u64) -> Rc<HashMap<u64, u32>> {
        if let Some(r) = self.rpo.borrow().get(&entry) {
            return r.clone();
        }
        let f = self.prog.function(entry);
        let mut post = Vec::new();
        if let Some(&root) = f.nodes.get(&entry) {
            let mut dfs = DfsPostOrder::new(&f.graph, root);
            while let Some(n) = dfs.next(&f.graph) {
                post.push(f.graph[n]);
            }
        }
        let n = post.len() as u32;
        let map: HashMap<u64, u32> = post
            .into_iter()
            .enumerate()
            .map(|(i, b)| (b, n - 1 - i as u32))
            .collect();
        let map = Rc::new(map);
        self.rpo.borrow_mut().insert(entry, map.clone());
        map
    }

    fn order_in(&self, function: u64, addr: u64) -> u32 {
        let f = self.prog.function(function);
        let block = f.block_containing(addr).map_or(addr, |b| b.start);
        self.rpo_of(function)
            .get(&block)
            .copied()
            .unwrap_or(u32::MAX)
    }

    fn loop_body(&self, function: u64, head: u64) -> LoopBody {
        self.loop_bodies
            .borrow_mut()
            .entry((function, head))
            .or_insert_with(|| Rc::new(self.prog.function(function).loop_body(head)))
            .clone()
    }

    fn in_loop(&self, function: u64, head: u64, addr: u64) -> bool {
        let f = self.prog.function(function);
        let block = f.block_containing(addr).map_or(addr, |b| b.start);
        self.loop_body(function, head).contains(&block)
    }

    fn key(
        &self,
        base_function: u64,
        st: &SymState,
        addr: u64,
        unrolling: &[Unrolling],
        left: Option<Trips>,
    ) -> Key {
        let mut order = Vec::with_capacity(st.frames.len() + 1);
        let mut caller = base_function;
        for f in &st.frames {
            order.push(self.order_in(caller, f.call_site));
            caller = f.function;
        }
        order.push(self.order_in(st.function, addr));
        let mut key = Key {
            order,
            addr,
            frames: st
                .frames
                .iter()
                .map(|f| (f.function, f.return_to))
                .collect(),
            unrolling: Vec::new(),
            left,
        };
        let mut left = None;
        for u in unrolling {
            let inside = u.depth < st.frames.len()
                || (u.depth == st.frames.len() && self.in_loop(st.function, u.head, addr));
            if inside {
                key.unrolling.push(u.clone());
            } else if u.bounded
                && u.depth == st.frames.len()
                && self.loop_follows(st.function, u.head, addr)
            {
                left = Some(Trips {
                    head: u.head,
                    depth: u.depth,
                    iterations: u.iterations,
                });
            }
        }
        // Inside another loop being unrolled, the trip counts of every iteration's inner loop
        // would multiply: paths there merge as before.
        if key.unrolling.is_empty() && left.is_some() {
            key.left = left;
        }
        key
    }

    /// Whether another loop can be reached from `addr`, outside the loop at `head`, in the
    /// same function: only then are paths that left that loop kept apart (`Key::left`), since
    /// apart they cost a copy of all that follows each.
    fn loop_follows(&self, function: u64, head: u64, addr: u64) -> bool {
        let f = self.prog.function(function);
        let body = self.loop_body(function, head);
        let Some(start) = f.block_containing(addr).and_then(|b| f.nodes.get(&b.start)) else {
            return false;
        };
        let mut seen = HashSet::new();
        let mut work = vec![*start];
        while let Some(n) = work.pop() {
            let block = f.graph[n];
            if body.contains(&block) || !seen.insert(n) {
                continue;
            }
            if f.is_loop_head(block) {
                return true;
            }
            work.extend(f.graph.neighbors(n));
        }
        false
    }

    /// Whether the loop at `head` has no other loop inside it (in its own function).
    fn is_innermost(&self, function: u64, head: u64) -> bool {
        let f = self.prog.function(function);
        self.loop_body(function, head)
            .iter()
            .all(|&b| b == head || !f.is_loop_head(b))
    }

    fn is_loop_head(&self, function: u64, addr: u64) -> bool {
        self.prog.function(function).is_loop_head(addr)
    }

    /// Explores from `start` at `start_addr` (inside `start.function`).
    pub fn explore(
        &self,
        pool: &mut TermPool,
        services: &mut Services,
        start: SymState,
        start_addr: u64,
    ) -> Vec<RegionExit> {
        let mut cut = HashSet::new();
        loop {
            match self.explore_cutting(pool, services, start.clone(), start_addr, &cut) {
                Ok(exits) => return exits,
                Err(CutHead(head)) => {
                    tracing::trace!(head = format_args!("{head:#x}"), "loop not unrolled");
                    cut.insert(head);
                }
            }
        }
    }

    /// One exploration that cuts at the loop heads in `cut` and unrolls the others; the first
    /// loop found not to unroll is the error.
    fn explore_cutting(
        &self,
        pool: &mut TermPool,
        services: &mut Services,
        start: SymState,
        start_addr: u64,
        cut: &HashSet<u64>,
    ) -> Result<Vec<RegionExit>, CutHead> {
        let base_function = start.root_function;
        let mut exits = Vec::new();
        let mut queue: BTreeMap<Key, Vec<SymState>> = BTreeMap::new();
        queue.insert(
            self.key(base_function, &start, start_addr, &[], None),
            vec![start],
        );
        let mut steps = 0usize;
        let mut first = true;
        let mut head_arrivals = HashMap::new();
        while let Some(key) = next_key(&queue) {
            let states = queue.remove(&key).unwrap_or_default();
            let addr = key.addr;
            for st in merge_all(pool, states) {
                let mut unrolling = key.unrolling.clone();
                if self.is_loop_head(st.function, addr) {
                    if cut.contains(&addr) {
                        if !first {
                            // A loop whose iterations pass a cut head cannot finish them in
                            // this region: it is cut too, so that it becomes a node of its own
                            // instead of folding into the cut loop's.
                            if let Some(outer) = unrolling.last() {
                                return Err(CutHead(outer.head));
                            }
                            exits.push(RegionExit {
                                kind: ExitKind::Cut(addr),
                                state: st,
                            });
                            continue;
                        }
                    } else {
                        let arrivals = head_arrivals.entry(addr).or_insert(0u32);
                        *arrivals += 1;
                        // Under a bound, each trip count of a loop left earlier is a path
                        // of its own through the loops after it.
                        let most = MAX_HEAD_ARRIVALS * (1 + self.bounded.unwrap_or(0));
                        if *arrivals > most || self.loop_body(st.function, addr).is_empty() {
                            return Err(CutHead(addr));
                        }
                        if steps > MAX_UNROLLED_STEPS {
                            return Err(CutHead(unrolling.first().map_or(addr, |u| u.head)));
                        }
                        // Only an innermost loop is unrolled under the bound: an outer loop
                        // stays a node, so each of its iterations (an inner loop unrolled)
                        // is compared on its own rather than all of them in one formula.
                        let bound = self
                            .bounded
                            .filter(|_| self.is_innermost(st.function, addr));
                        let grown = unroll(&mut unrolling, addr, &st, bound)?;
                        tracing::trace!(
                            head = format_args!("{addr:#x}"),
                            grown,
                            terms = pool.len(),
                            steps,
                            "unrolled"
                        );
                        if grown && !(services.feasible)(pool, &st.path) {
                            continue;
                        }
                    }
                }
                let f = self.prog.function(st.function);
                let end = f.block_containing(addr).map_or(0, |b| b.end);
                let outs = self.run_block(pool, services, &f, st, addr, end, &mut steps);
                for (st, next) in outs {
                    match next {
                        Flow::Continue(a) => {
                            let k = self.key(base_function, &st, a, &unrolling, key.left);
                            queue.entry(k).or_default().push(st);
                        }
                        Flow::Exit(kind) => exits.push(RegionExit { kind, state: st }),
                    }
                }
            }
            first = false;
            let why = if steps > self.max_steps {
                Some(format!(
                    "step budget of {} instructions exhausted",
                    self.max_steps
                ))
            } else if self.deadline.is_some_and(|d| std::time::Instant::now() > d) {
                Some("the overall time budget (--timeout) ran out".to_string())
            } else {
                None
            };
            if let Some(why) = why {
                for (_, states) in std::mem::take(&mut queue) {
                    for st in states {
                        exits.push(RegionExit {
                            kind: ExitKind::Stuck(why.clone()),
                            state: st,
                        });
                    }
                }
            }
        }
        Ok(exits)
    }

    /// Runs the block of `f` from `addr` (ending at `end`; 0 when unknown, then one
    /// instruction); where each path goes next.
    #[allow(clippy::too_many_arguments)]
    fn run_block(
        &self,
        pool: &mut TermPool,
        services: &mut Services,
        f: &Function,
        st: SymState,
        addr: u64,
        end: u64,
        steps: &mut usize,
    ) -> Vec<(SymState, Flow)> {
        let mut out = Vec::new();
        let mut work = vec![(st, addr)];
        while let Some((mut st, a)) = work.pop() {
            if st.is_dead(pool) {
                continue;
            }
            let insn = match self.prog.insn(a) {
                Ok(i) => i,
                Err(e) => {
                    out.push((st, Flow::Exit(ExitKind::Stuck(format!("{e}")))));
                    continue;
                }
            };
            *steps += 1;
            let pc = pool.c(64, u128::from(a));
            st.regs[usize::from(self.prog.desc().pc.id)] = pc;
            for (s, next) in services.machine.step(pool, st, &insn) {
                if s.is_dead(pool) {
                    continue;
                }
                match next {
                    Next::Addr(n) if n == insn.next_addr() && n < end => work.push((s, n)),
                    Next::Addr(n) => out.push((s, Flow::Continue(n))),
                    Next::Indirect(t) => out.extend(self.indirect(pool, f, s, a, t)),
                    Next::Call { target, return_to } => {
                        out.extend(self.indirect_call(pool, s, a, target, return_to));
                    }
                    Next::Return(t) => out.extend(self.ret(pool, services, s, t)),
                    Next::Syscall { next } => {
                        for r in services.env.syscall(services.machine, pool, s) {
                            match r {
                                SyscallResult::Continue(s) => out.push((s, Flow::Continue(next))),
                                SyscallResult::Ended(s) => out.push((s, Flow::Exit(ExitKind::End))),
                                SyscallResult::Stuck(s, why) => {
                                    out.push((s, Flow::Exit(ExitKind::Stuck(why))))
                                }
                            }
                        }
                    }
                    Next::Fault(kind) => {
                        let mut s = s;
                        s.events.push(Event::Fault { kind });
                        out.push((s, Flow::Exit(ExitKind::End)));
                    }
                    Next::Unsupported { addr, mnemonic } => out.push((
                        s,
                        Flow::Exit(ExitKind::Stuck(format!(
                            "unsupported instruction `{mnemonic}` at {addr:#x}"
                        ))),
                    )),
                }
            }
        }
        out
    }

    fn indirect(
        &self,
        pool: &mut TermPool,
        f: &Function,
        st: SymState,
        at: u64,
        t: TermId,
    ) -> Vec<(SymState, Flow)> {
        let targets = f
            .block_containing(at)
            .and_then(|b| match &b.term {
                Terminator::Switch { targets } => Some(targets.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let (hits, rest) = split_on_targets(pool, st, t, targets);
        let mut out: Vec<(SymState, Flow)> = hits
            .into_iter()
            .map(|(s, tgt)| (s, Flow::Continue(tgt)))
            .collect();
        if let Some(rest) = rest {
            out.push((
                rest,
                Flow::Exit(ExitKind::Stuck(format!(
                    "unresolved indirect jump at {at:#x}"
                ))),
            ));
        }
        out
    }

    /// A call through a term: one call per constant the term can be (a function pointer read
    /// from a constant table is an `ite` over the entries), and a stuck path for the rest.
    fn indirect_call(
        &self,
        pool: &mut TermPool,
        st: SymState,
        at: u64,
        target: TermId,
        return_to: u64,
    ) -> Vec<(SymState, Flow)> {
        if pool.as_const(target).is_some() {
            return vec![self.call(pool, st, at, target, return_to)];
        }
        let mut leaves = Vec::new();
        constant_leaves(pool, target, &mut leaves);
        let (hits, rest) = split_on_targets(pool, st, target, leaves.into_iter().map(|v| v as u64));
        let mut out = Vec::new();
        for (s, tgt) in hits {
            let k = pool.c(64, u128::from(tgt));
            out.push(self.call(pool, s, at, k, return_to));
        }
        if let Some(rest) = rest {
            out.push((
                rest,
                Flow::Exit(ExitKind::Stuck(format!(
                    "indirect call at {at:#x} to an unknown target"
                ))),
            ));
        }
        out
    }

    fn call(
        &self,
        pool: &mut TermPool,
        mut st: SymState,
        at: u64,
        target: TermId,
        return_to: u64,
    ) -> (SymState, Flow) {
        let Some(t) = pool.as_const(target).map(|v| v as u64) else {
            return (
                st,
                Flow::Exit(ExitKind::Stuck(format!(
                    "indirect call at {at:#x} to an unknown target"
                ))),
            );
        };
        if let Some(name) = self.prog.import_name(t) {
            return (
                st,
                Flow::Exit(ExitKind::Stuck(format!(
                    "call to the library function `{name}` at {at:#x}"
                ))),
            );
        }
        let recursive = st.function == t || st.frames.iter().any(|f| f.function == t);
        st.frames.push(Frame {
            function: t,
            call_site: at,
            return_to,
        });
        st.function = t;
        if recursive {
            (st, Flow::Exit(ExitKind::Cut(t)))
        } else {
            (st, Flow::Continue(t))
        }
    }

    /// Returns from the innermost active call. Where the return address may have been
    /// overwritten (a write at a symbolic offset in the frame), returning elsewhere is a path
    /// of its own, unless the path condition rules it out (the write's index is bounded).
    fn ret(
        &self,
        pool: &mut TermPool,
        services: &mut Services,
        mut st: SymState,
        t: TermId,
    ) -> Vec<(SymState, Flow)> {
        let Some(top) = st.frames.last().cloned() else {
            return vec![(st, Flow::Exit(ExitKind::Return(t)))];
        };
        let expected = pool.c(64, u128::from(top.return_to));
        let c = pool.eq_(t, expected);
        let mut out = Vec::new();
        if !pool.is_true(c) {
            let mut other = st.clone();
            let nc = pool.not(c);
            other.assume(pool, nc);
            if !other.is_dead(pool) && (services.feasible)(pool, &other.path) {
                out.push((
                    other,
                    Flow::Exit(ExitKind::Stuck(
                        "a return to an address other than its call's return site".to_string(),
                    )),
                ));
            }
            st.assume(pool, c);
        }
        st.frames.pop();
        st.function = st.frames.last().map_or(st.root_function, |f| f.function);
        out.push((st, Flow::Continue(top.return_to)));
        out
    }
}

/// Records that `st` reached loop head `head` once more; true when its path condition grew
/// since the last time round (only within `bounded` iterations; the path must then be
/// checked). An error when the loop is to be cut: its iterations no longer decide their
/// branches and there is no bound, or there were too many.
fn unroll(
    unrolling: &mut Vec<Unrolling>,
    head: u64,
    st: &SymState,
    bounded: Option<u32>,
) -> Result<bool, CutHead> {
    let depth = st.frames.len();
    match unrolling
        .iter_mut()
        .find(|u| u.head == head && u.depth == depth)
    {
        None => unrolling.push(Unrolling {
            head,
            depth,
            iterations: 0,
            path: st.path.clone(),
            bounded: false,
        }),
        Some(u) if u.path == st.path && u.iterations < MAX_UNROLLED_ITERATIONS => {
            u.iterations += 1;
        }
        Some(u) if bounded.is_some_and(|b| u.iterations < b) => {
            u.iterations += 1;
            u.path = st.path.clone();
            u.bounded = true;
            return Ok(true);
        }
        Some(_) => return Err(CutHead(head)),
    }
    Ok(false)
}

/// `st` split on the addresses a jump or call target `t` may be: a state per distinct target
/// it can equal (assuming so), and the state where it is none of them, unless that is dead.
fn split_on_targets(
    pool: &mut TermPool,
    st: SymState,
    t: TermId,
    targets: impl IntoIterator<Item = u64>,
) -> (Vec<(SymState, u64)>, Option<SymState>) {
    let mut targets: Vec<u64> = targets.into_iter().collect();
    targets.sort_unstable();
    targets.dedup();
    let mut hits = Vec::new();
    let mut rest = st.clone();
    for tgt in targets {
        let k = pool.c(64, u128::from(tgt));
        let c = pool.eq_(t, k);
        if pool.is_false(c) {
            continue;
        }
        let mut s = st.clone();
        s.assume(pool, c);
        if !s.is_dead(pool) {
            hits.push((s, tgt));
        }
        let nc = pool.not(c);
        rest.assume(pool, nc);
    }
    let rest = (!rest.is_dead(pool)).then_some(rest);
    (hits, rest)
}

/// The most constants an indirect call is split into.
const MAX_CALL_TARGETS: usize = 64;

/// The constants at the leaves of the `ite` tree `t` (up to [`MAX_CALL_TARGETS`]).
fn constant_leaves(pool: &TermPool, t: TermId, out: &mut Vec<u128>) {
    if out.len() >= MAX_CALL_TARGETS {
        return;
    }
    match pool.node(t) {
        Node::Ite(_, a, b) => {
            let (a, b) = (*a, *b);
            constant_leaves(pool, a, out);
            constant_leaves(pool, b, out);
        }
        _ => out.extend(pool.as_const(t)),
    }
}

enum Flow {
    Continue(u64),
    Exit(ExitKind),
}

/// The key to process next: the first in order, except a loop head reached again while
/// states of the same iteration are still on their way through the loop's body (a rotated
/// loop's head comes first in the order, its body after it): those join it first, so that
/// the iteration's paths reach the head together and merge there, rather than each going
/// round the loop on its own.
fn next_key(queue: &BTreeMap<Key, Vec<SymState>>) -> Option<Key> {
    let back_at_head = |k: &Key| {
        k.unrolling
            .last()
            .is_some_and(|u| u.head == k.addr && u.depth == k.frames.len())
    };
    let waiting = |k: &Key| {
        back_at_head(k)
            && queue
                .keys()
                .any(|o| o != k && o.unrolling.starts_with(&k.unrolling) && !back_at_head(o))
    };
    queue
        .keys()
        .find(|k| !waiting(k))
        .or_else(|| queue.keys().next())
        .cloned()
}

/// Merges the states that have the same events (and frames); the others stay apart.
fn merge_all(pool: &mut TermPool, states: Vec<SymState>) -> Vec<SymState> {
    let mut groups: Vec<SymState> = Vec::new();
    for s in states {
        if s.is_dead(pool) {
            continue;
        }
        match groups
            .iter_mut()
            .find(|g| g.events == s.events && g.frames == s.frames && g.function == s.function)
        {
            Some(g) => {
                let merged = merge(pool, g, &s);
                *g = merged;
            }
            None => groups.push(s),
        }
    }
    groups
}

/// Merges two states at the same point with the same events.
pub fn merge(pool: &mut TermPool, a: &SymState, b: &SymState) -> SymState {
    let common: Vec<TermId> = a
        .path
        .iter()
        .copied()
        .filter(|c| b.path.contains(c))
        .collect();
    let only_a: Vec<TermId> = a
        .path
        .iter()
        .copied()
        .filter(|c| !common.contains(c))
        .collect();
    let only_b: Vec<TermId> = b
        .path
        .iter()
        .copied()
        .filter(|c| !common.contains(c))
        .collect();
    // The selector must tell the two paths apart: they diverged at some branch, so each has a
    // conjunct the other lacks.
    let cb = pool.all(only_b.iter().copied());
    let ca = if only_a.is_empty() {
        pool.not(cb)
    } else {
        pool.all(only_a.iter().copied())
    };
    let mut out = a.clone();
    out.path = common;
    let either = pool.or(ca, cb);
    out.assume(pool, either);
    for (i, (ra, rb)) in a.regs.iter().zip(&b.regs).enumerate() {
        if ra != rb {
            out.regs[i] = pool.ite(ca, *ra, *rb);
        }
    }
    for (name, vb) in &b.ghosts {
        match a.ghost(name) {
            Some(va) if va == *vb => {}
            Some(va) => {
                let v = pool.ite(ca, va, *vb);
                out.set_ghost(name, v);
            }
            None => out.set_ghost(name, *vb),
        }
    }
    let (mut log, sa, sb) = a.mem.split_common(&b.mem);
    for w in interleave(pool, &sa, ca, &sb, cb) {
        log.push(w);
    }
    out.mem = log;
    out
}

/// The writes of two exclusive paths (`ca`, `cb` select them) as one log: each side's writes
/// in their own order, each guarded by its side's selector. A write both sides made alike (the
/// same address and contents: the iterations two exits of a loop share) appears once, under
/// either selector, so that merging the exits of a loop one by one does not copy its earlier
/// iterations' writes again at every merge.
fn interleave(
    pool: &mut TermPool,
    sa: &[MemWrite],
    ca: TermId,
    sb: &[MemWrite],
    cb: TermId,
) -> Vec<MemWrite> {
    let alike = |x: &MemWrite, y: &MemWrite| x.addr == y.addr && x.kind == y.kind;
    let guarded = |pool: &mut TermPool, w: &MemWrite, g: TermId| -> MemWrite {
        let guard = match w.guard {
            Some(old) => pool.and(old, g),
            None => g,
        };
        MemWrite {
            guard: Some(guard),
            ..w.clone()
        }
    };
    let mut out = Vec::with_capacity(sa.len().max(sb.len()));
    let (mut i, mut j) = (0, 0);
    while i < sa.len() || j < sb.len() {
        if i < sa.len() && j < sb.len() && alike(&sa[i], &sb[j]) {
            // Under `ca or cb` (the merged path): `(ga and ca) or (gb and cb)`, which is
            // `ga or cb` when `gb` is true, and so on.
            let guard = match (sa[i].guard, sb[j].guard) {
                (None, None) => None,
                (Some(ga), None) => Some(pool.or(ga, cb)),
                (None, Some(gb)) => Some(pool.or(ca, gb)),
                (Some(ga), Some(gb)) => {
                    let from_a = pool.and(ga, ca);
                    let from_b = pool.and(gb, cb);
                    Some(pool.or(from_a, from_b))
                }
            };
            out.push(MemWrite {
                guard,
                ..sa[i].clone()
            });
            i += 1;
            j += 1;
            continue;
        }
        // Take first the write the other side does not make later (so a match further on is
        // not skipped).
        let a_first = j == sb.len() || (i < sa.len() && !sa[i..].iter().any(|w| alike(w, &sb[j])));
        if a_first {
            out.push(guarded(pool, &sa[i], ca));
            i += 1;
        } else {
            out.push(guarded(pool, &sb[j], cb));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::WriteKind;
    use crate::term::VarKind;

    fn arriving(path: Vec<TermId>) -> SymState {
        SymState {
            regs: Vec::new(),
            mem: Default::default(),
            ghosts: Vec::new(),
            events: Vec::new(),
            path,
            frames: Vec::new(),
            function: 0x1000,
            root_function: 0x1000,
        }
    }

    /// Merging the exits of a loop one by one: a write both paths made (an earlier iteration)
    /// stays one write, needing no guard when neither path had one; only the write one path
    /// alone made is guarded by that path's selector.
    #[test]
    fn a_write_both_merged_paths_made_stays_one_write() {
        let mut pool = TermPool::new();
        let n = pool.fresh_var("n", 64, VarKind::Input);
        let one = pool.c(64, 1);
        let more = pool.ult(one, n);
        let fewer = pool.not(more);
        let write = |pool: &mut TermPool, at: u128, v: u128| MemWrite {
            addr: pool.c(64, at),
            guard: None,
            kind: WriteKind::Value {
                value: pool.c(8, v),
                size: 1,
            },
        };
        let first = write(&mut pool, 0x2000, 1);
        let second = write(&mut pool, 0x2001, 2);
        let mut left_early = arriving(vec![fewer]);
        left_early.mem.push(first.clone());
        let mut left_late = left_early.clone();
        left_late.path = vec![more];
        left_late.mem.push(second.clone());

        let merged = merge(&mut pool, &left_early, &left_late);
        let writes: Vec<&MemWrite> = merged.mem.iter().collect();
        assert_eq!(writes.len(), 2, "{writes:?}");
        assert_eq!(writes[1], &first);
        assert_eq!(writes[0].addr, second.addr);
        assert_eq!(writes[0].guard, Some(more));
    }

    /// A loop whose path condition grows each time round is cut at once without a bound,
    /// and unrolled (each grown arrival to be checked for feasibility) up to the bound with
    /// one; a path that stays the same unrolls either way.
    #[test]
    fn a_loop_whose_path_grows_is_unrolled_only_within_the_bound() {
        let mut pool = TermPool::new();
        let conds: Vec<TermId> = (0..4).map(|i| pool.c(64, i)).collect();
        let head = 0x1010;
        let grown = |n: usize| arriving(conds[..n].to_vec());

        let mut cut = Vec::new();
        assert!(matches!(unroll(&mut cut, head, &grown(0), None), Ok(false)));
        assert!(matches!(unroll(&mut cut, head, &grown(0), None), Ok(false)));
        assert!(matches!(unroll(&mut cut, head, &grown(1), None), Err(CutHead(h)) if h == head));

        let mut bounded = Vec::new();
        assert!(matches!(
            unroll(&mut bounded, head, &grown(0), Some(2)),
            Ok(false)
        ));
        assert!(matches!(
            unroll(&mut bounded, head, &grown(1), Some(2)),
            Ok(true)
        ));
        assert!(matches!(
            unroll(&mut bounded, head, &grown(2), Some(2)),
            Ok(true)
        ));
        assert!(matches!(
            unroll(&mut bounded, head, &grown(3), Some(2)),
            Err(CutHead(h)) if h == head
        ));
    }
}
