//! The product of the two binaries: the pair graph and its forward fixpoint.
//!
//! A node pairs a point of the original with a point of the patched binary (a cut point
//! reached by both, or the end of one), with an abstract input state per side (terms over the
//! node's variables), the invariants assumed there, and the events one side emitted that the
//! other has not matched yet. Visiting a node explores each side's region from its input
//! (see `tandem_symex::Explorer`), pairs every exit of the original with every exit of the
//! patched binary whose joint path condition is satisfiable, compares their events under that
//! condition, and passes the pair's states on to the successor node. A successor reached
//! again is joined: either the new arrival is an instance of its abstraction (nothing to do),
//! or the abstraction is widened (`generalize`) and the node visited again. Every path of each
//! side ends in some exit, so the exit pairs cover every execution.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use tandem_symex::{
    Event, ExitKind, Explorer, Frame, Machine, RegionExit, SymState, TermId, TermPool,
};

use crate::events::{describe, event_eq};
use crate::generalize::{self, Abstraction};
use crate::pending;
use crate::side::Side;
use crate::{Budgets, Failure, Reason};

/// Where one side is at a node.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Point {
    At {
        addr: u64,
        frames: Vec<Frame>,
        function: u64,
    },
    /// The side ended (exited, died, or returned from the analysed function).
    Ended,
}

impl Point {
    fn of(kind: &ExitKind, st: &SymState) -> Point {
        match kind {
            ExitKind::Cut(a) => Point::At {
                addr: *a,
                frames: st.frames.clone(),
                function: st.function,
            },
            _ => Point::Ended,
        }
    }

    pub fn describe(&self, side: &Side) -> String {
        match self {
            Point::At { addr, function, .. } => side.describe(*addr, *function),
            Point::Ended => "end".to_string(),
        }
    }
}

/// The most regions a side behind the other runs on within one visit.
const MAX_RUN_OUT: usize = 2;

/// The longest byte range in an event compared byte by byte (one small term per byte, which
/// the solver decides fast); a longer one is compared at a symbolic offset.
const MAX_UNROLLED_RANGE: u64 = 4096;

/// How long a speculative query (`Engine::holds_speculative`) may run. Invariant checks mostly
/// answer in tens of milliseconds; one that runs for seconds is usually a candidate that does
/// not hold, and a dropped candidate costs precision, never soundness.
const SPECULATIVE_QUERY: Duration = Duration::from_secs(2);

/// How long a bounded unrolling may spend showing that a loop's next iteration is
/// infeasible (an unknown answer unrolls on, towards the bound).
const FEASIBILITY_QUERY: Duration = Duration::from_millis(500);

/// The most nodes one pair of points gets (one per form of deferred events).
const MAX_NODES_PER_POINT: usize = 8;

pub struct NodeData {
    pub key: (Point, Point),
    pub states: [Option<SymState>; 2],
    pub pending: [Vec<Event>; 2],
    pub abs: Abstraction,
    /// Whether the input states are exact (no abstraction yet): then every failure found here
    /// is a real execution.
    pub exact: bool,
    pub visits: u32,
}

/// One side's exit, or its end if it had ended before the node.
struct SideExit {
    kind: ExitKind,
    state: Option<SymState>,
}

pub struct Engine<'s, 'b> {
    pub pool: TermPool,
    pub solver: tandem_smt::Solver,
    pub sides: [&'s Side<'b>; 2],
    explorers: [Explorer<'s>; 2],
    envs: [Box<dyn tandem_symex::Environment + 's>; 2],
    shared: crate::side::SharedInputs,
    entry_addrs: [u64; 2],
    pub nodes: Vec<NodeData>,
    /// The nodes of each pair of points: one per form of the events the sides defer there
    /// (one side may reach a point having emitted a write on one path and an exit status on
    /// another; such arrivals cannot share one abstraction).
    index: HashMap<(Point, Point), Vec<usize>>,
    work: BTreeSet<usize>,
    pub failures: Vec<Failure>,
    /// Whether the node being visited had exact states when the visit started (its
    /// abstraction may be widened during the visit, by its own back edge).
    pub visit_exact: bool,
    /// The node and visit each failure of an abstract visit was found in.
    failure_visits: Vec<Option<(usize, u32)>>,
    pub reasons: Vec<Reason>,
    pub budgets: Budgets,
    pub deadline: Instant,
    /// Whether nodes are widened (proof mode) or unrolled (exact search for counterexamples).
    pub widen: bool,
    /// Whether widening proposes the invariant templates that make queries dearer (a second
    /// pass, for pairs the first could not decide).
    pub rich_invariants: bool,
    /// Whether the fixpoint stops at the first reason for `inconclusive` (a later pass may
    /// decide the pair; the rest of this one could not).
    pub stop_at_reason: bool,
    pub stats: EngineStats,
}

#[derive(Clone, Debug, Default)]
pub struct EngineStats {
    pub visits: u64,
    pub regions: u64,
    pub exit_pairs: u64,
    pub event_checks: u64,
    pub widenings: u64,
}

impl<'s, 'b> Engine<'s, 'b> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        pool: TermPool,
        solver: tandem_smt::Solver,
        sides: [&'s Side<'b>; 2],
        envs: [Box<dyn tandem_symex::Environment + 's>; 2],
        shared: crate::side::SharedInputs,
        budgets: Budgets,
        deadline: Instant,
        widen: bool,
    ) -> Engine<'s, 'b> {
        let explorers = [&sides[0].prog, &sides[1].prog].map(|prog| {
            let mut e = Explorer::new(prog, budgets.region_steps);
            e.deadline = Some(deadline);
            e
        });
        Engine {
            pool,
            solver,
            sides,
            explorers,
            envs,
            shared,
            entry_addrs: [0, 0],
            nodes: Vec::new(),
            index: HashMap::new(),
            work: BTreeSet::new(),
            failures: Vec::new(),
            failure_visits: Vec::new(),
            visit_exact: false,
            reasons: Vec::new(),
            budgets,
            deadline,
            widen,
            rich_invariants: false,
            stop_at_reason: false,
            stats: EngineStats::default(),
        }
    }

    pub fn stack_base_term(&self) -> TermId {
        self.shared.stack_base
    }

    pub fn stack_contents_term(&self) -> TermId {
        self.shared.stack_mem
    }

    pub fn entry_addrs(&self) -> [u64; 2] {
        self.entry_addrs
    }

    /// The argument widths of a declared uninterpreted function.
    pub fn pool_func_args(&self, name: &str) -> Option<Vec<u16>> {
        self.pool
            .func_by_name(name)
            .map(|f| self.pool.func(f).args.clone())
    }

    pub fn pool_var_term(&mut self, v: tandem_symex::VarId) -> Option<TermId> {
        Some(self.pool.var_term(v))
    }

    /// Whether `goal` provably holds under `cond` (an unknown answer is a no).
    pub fn holds(&mut self, cond: TermId, goal: TermId) -> bool {
        if self.pool.is_true(goal) {
            return true;
        }
        matches!(
            self.solver.prove(&mut self.pool, cond, goal),
            tandem_smt::Answer::Unsat
        )
    }

    /// Like `holds`, for a query whose `Unknown` only costs precision (a candidate invariant
    /// dropped): it gives up after [`SPECULATIVE_QUERY`].
    pub fn holds_speculative(&mut self, cond: TermId, goal: TermId) -> bool {
        self.solver.set_limit(Some(SPECULATIVE_QUERY));
        let held = self.holds(cond, goal);
        self.solver.set_limit(None);
        held
    }

    fn reason(&mut self, r: Reason) {
        if !self.reasons.contains(&r) {
            tracing::debug!(reason = %r, "inconclusive reason");
            self.reasons.push(r);
        }
    }

    /// Adds the analysis entry: both sides at their entry points, identical inputs.
    pub fn add_root(&mut self, states: [SymState; 2], addrs: [u64; 2]) {
        self.entry_addrs = addrs;
        let key = (
            Point::At {
                addr: addrs[0],
                frames: vec![],
                function: states[0].function,
            },
            Point::At {
                addr: addrs[1],
                frames: vec![],
                function: states[1].function,
            },
        );
        let [o, p] = states;
        self.nodes.push(NodeData {
            key: key.clone(),
            states: [Some(o), Some(p)],
            pending: [vec![], vec![]],
            abs: Abstraction::default(),
            exact: true,
            visits: 0,
        });
        self.index.insert(key, vec![0]);
        self.work.insert(0);
    }

    /// Runs the fixpoint until no node changes or a budget runs out.
    pub fn run(&mut self) {
        let _span = tracing::debug_span!("fixpoint").entered();
        while let Some(n) = self.work.pop_first() {
            if self.stopped() {
                tracing::debug!("stopped at the first reason");
                break;
            }
            if self.out_of_time() {
                return;
            }
            if self.nodes.len() > self.budgets.max_nodes {
                self.reason(Reason::Budget(format!(
                    "more than {} pair-graph nodes",
                    self.budgets.max_nodes
                )));
                return;
            }
            if self.nodes[n].visits >= self.budgets.node_visits {
                self.reason(Reason::Budget(format!(
                    "node {} was revisited {} times without converging",
                    self.describe_node(n),
                    self.budgets.node_visits
                )));
                continue;
            }
            self.visit(n);
        }
        self.mark_superseded_failures();
    }

    /// Marks the failures of abstract visits that a later visit of their node superseded: an
    /// abstraction widened since was not yet inductive, and its states may have been too
    /// narrow (a loop's writes not abstracted yet, say). The final visit of every node checks
    /// all its exit pairs again. Failures on exact states are real executions either way.
    fn mark_superseded_failures(&mut self) {
        for (f, origin) in self.failures.iter_mut().zip(&self.failure_visits) {
            if let Some((n, visit)) = origin
                && self.nodes[*n].visits != *visit
            {
                tracing::debug!(node = %f.node, what = %f.what, "superseded failure");
                f.superseded = true;
            }
        }
    }

    pub fn describe_node(&self, n: usize) -> String {
        let (a, b) = &self.nodes[n].key;
        format!(
            "({} | {})",
            a.describe(self.sides[0]),
            b.describe(self.sides[1])
        )
    }

    fn explore(&mut self, side: usize, st: SymState, addr: u64) -> Vec<RegionExit> {
        self.stats.regions += 1;
        let s = self.sides[side];
        let is_mapped = |a: u64| s.is_mapped(a);
        let m = Machine {
            init: &s.image,
            observer: &s.observed,
            regions: &s.image,
            is_mapped: &is_mapped,
            undefined: std::cell::Cell::new(0),
            tag: s.id.tag(),
        };
        let solver = &mut self.solver;
        let mut feasible = |pool: &mut TermPool, path: &[TermId]| {
            if tandem_symex::Facts::from_path(pool, path).is_contradictory() {
                return false;
            }
            let cond = pool.all(path.to_vec());
            solver.set_limit(Some(FEASIBILITY_QUERY));
            let answer = solver.check(pool, cond);
            solver.set_limit(None);
            !matches!(answer, tandem_smt::Answer::Unsat)
        };
        let mut services = tandem_symex::Services {
            machine: &m,
            env: self.envs[side].as_mut(),
            feasible: &mut feasible,
        };
        self.explorers[side].explore(&mut self.pool, &mut services, st, addr)
    }

    /// Unrolls loops whose trip count varies up to `bound` iterations (none: cuts them).
    pub fn set_bounded(&mut self, bound: Option<u32>) {
        for e in &mut self.explorers {
            e.bounded = bound;
        }
    }

    fn side_exits(&mut self, n: usize, side: usize) -> Vec<SideExit> {
        let node = &self.nodes[n];
        // An ended side stays where it ended; its final state keeps the path it ended on,
        // which constrains the inputs for the other side.
        let (Point::At { addr, .. }, Some(st)) = (
            if side == 0 { &node.key.0 } else { &node.key.1 },
            &node.states[side],
        ) else {
            return vec![SideExit {
                kind: ExitKind::End,
                state: node.states[side].clone(),
            }];
        };
        let (addr, st) = (*addr, st.clone());
        self.explore(side, st, addr)
            .into_iter()
            .map(|e| SideExit {
                kind: e.kind,
                state: Some(e.state),
            })
            .collect()
    }

    fn visit(&mut self, n: usize) {
        self.stats.visits += 1;
        self.nodes[n].visits += 1;
        self.visit_exact = self.nodes[n].exact;
        let _span = tracing::debug_span!("visit", node = n).entered();
        tracing::debug!(node = %self.describe_node(n), exact = self.nodes[n].exact, "visit");
        let exits_o = self.side_exits(n, 0);
        let exits_p = self.side_exits(n, 1);
        if tracing::enabled!(tracing::Level::TRACE) {
            for (side, exits) in [(0, &exits_o), (1, &exits_p)] {
                for e in exits {
                    let path: Vec<String> = e
                        .state
                        .as_ref()
                        .map(|s| s.path.iter().map(|c| self.pool.show(*c, 12)).collect())
                        .unwrap_or_default();
                    tracing::trace!(side, kind = ?e.kind, ?path, "exit");
                }
            }
        }
        // Invariant candidates from the paths out of an abstract node.
        let paths: Vec<Vec<TermId>> = exits_o
            .iter()
            .chain(&exits_p)
            .filter_map(|e| e.state.as_ref().map(|s| s.path.clone()))
            .collect();
        // Candidate invariants also say that the events the sides will compare are equal.
        let mut events: Vec<[Vec<Event>; 2]> = Vec::new();
        if self.widen && !self.nodes[n].exact {
            for e1 in &exits_o {
                for e2 in &exits_p {
                    events.push(self.exit_events(n, e1, e2));
                }
            }
        }
        if self.widen {
            match generalize::propose_invariants(self, n, &paths, &events) {
                Ok(false) => {}
                Ok(true) => {
                    self.work.insert(n);
                    return;
                }
                Err(why) => {
                    let where_ = self.describe_node(n);
                    self.reason(Reason::Abstraction(format!("{why} at {where_}")));
                    return;
                }
            }
        }
        for e1 in &exits_o {
            for e2 in &exits_p {
                if self.stopped() || self.out_of_time() {
                    return;
                }
                self.pair(n, e1, e2, 0);
            }
        }
    }

    /// Whether the overall budget ran out (then recorded as a reason).
    fn out_of_time(&mut self) -> bool {
        let out = Instant::now() > self.deadline;
        if out {
            self.reason(Reason::Budget(
                "the overall time budget (--timeout) ran out".into(),
            ));
        }
        out
    }

    /// Whether the fixpoint has stopped at its first reason (see `stop_at_reason`).
    fn stopped(&self) -> bool {
        self.stop_at_reason && !self.reasons.is_empty()
    }

    /// The events of an exit pair: what the node carried, then what each side emitted (a
    /// return from the analysed function is an event too).
    fn exit_events(&self, n: usize, e1: &SideExit, e2: &SideExit) -> [Vec<Event>; 2] {
        let mut evs: [Vec<Event>; 2] = self.nodes[n].pending.clone();
        for (i, e) in [e1, e2].into_iter().enumerate() {
            let Some(s) = &e.state else {
                continue;
            };
            evs[i].extend(s.events.iter().cloned());
            if let ExitKind::Return(_) = &e.kind {
                let rax = self.sides[i]
                    .prog
                    .desc()
                    .reg("rax")
                    .map(|r| s.regs[usize::from(r.id)]);
                if let Some(v) = rax {
                    evs[i].push(Event::Return { value: v });
                }
            }
        }
        evs
    }

    /// The joint condition of two exits (each side's path condition includes the node's).
    fn joint(&mut self, n: usize, e1: &SideExit, e2: &SideExit) -> TermId {
        let mut conj: Vec<TermId> = Vec::new();
        for (i, e) in [e1, e2].into_iter().enumerate() {
            match &e.state {
                Some(s) => conj.extend(s.path.iter().copied()),
                None => {
                    if let Some(s) = &self.nodes[n].states[i] {
                        conj.extend(s.path.iter().copied());
                    }
                }
            }
        }
        conj.extend(self.nodes[n].abs.invariants.iter().copied());
        conj.sort();
        conj.dedup();
        self.pool.all(conj)
    }

    /// Pairs two exits; `run_out` counts the regions a side behind the other ran on.
    fn pair(&mut self, n: usize, e1: &SideExit, e2: &SideExit, run_out: usize) {
        let cond = self.joint(n, e1, e2);
        if self.pool.is_false(cond)
            || tandem_symex::Facts::from_condition(&mut self.pool, cond).is_contradictory()
        {
            return;
        }
        match self.solver.check(&self.pool, cond) {
            tandem_smt::Answer::Unsat => return,
            // Feasibility only prunes: a pair analysed although it cannot happen costs work,
            // and a difference found on it is never confirmed concretely, so it is never
            // reported; every check the pair passes still holds.
            tandem_smt::Answer::Unknown(why) => {
                tracing::debug!(%why, "exit pair of unknown feasibility analysed as feasible");
            }
            tandem_smt::Answer::Sat(_) => {}
        }
        self.stats.exit_pairs += 1;
        for e in [e1, e2] {
            if let ExitKind::Stuck(why) = &e.kind {
                let where_ = self.describe_node(n);
                self.reason(Reason::Stuck(format!("{why} (from {where_})")));
                return;
            }
        }
        let evs = self.exit_events(n, e1, e2);
        let common = evs[0].len().min(evs[1].len());
        for (k, (a, b)) in evs[0].iter().zip(&evs[1]).enumerate() {
            self.stats.event_checks += 1;
            // The same terms over the same image read the same bytes, however many.
            if a == b && self.shared.same_image_unknown.is_some() {
                continue;
            }
            let (a, b) = (a.clone(), b.clone());
            // Short ranges are compared byte by byte, longer ones (or of no known bound) at
            // a symbolic offset.
            let bound = self.range_bound(cond, &a, &b);
            let sides = self.sides;
            let mut read = |pool: &mut TermPool,
                            side: usize,
                            arg: &tandem_symex::EventArg,
                            offset: TermId|
             -> TermId {
                let tandem_symex::EventArg::Bytes { base, mem, .. } = arg else {
                    return pool.c(8, 0);
                };
                let addr = pool.add(*base, offset);
                let (image, mut facts) = (&sides[side].image, tandem_symex::PathFacts::new(&[]));
                tandem_symex::load_byte(pool, mem, addr, image, image, &mut facts)
            };
            let eq = event_eq(&mut self.pool, &a, &b, bound, &mut read);
            let ok = match eq {
                None => false,
                Some(eq) => self.proved(cond, eq, n, &a, &b),
            };
            if !ok {
                if eq.is_none() {
                    self.fail(
                        n,
                        cond,
                        format!(
                            "event {} differs: {} vs {}",
                            k + 1,
                            describe(&self.pool, &a),
                            describe(&self.pool, &b)
                        ),
                    );
                }
                return;
            }
        }
        let left: [Vec<Event>; 2] = [evs[0][common..].to_vec(), evs[1][common..].to_vec()];
        let point = |e: &SideExit| match &e.state {
            Some(s) => Point::of(&e.kind, s),
            None => Point::Ended,
        };
        let ends = [point(e1), point(e2)];
        let ended = [ends[0] == Point::Ended, ends[1] == Point::Ended];
        if ended[0] && ended[1] {
            if !left[0].is_empty() || !left[1].is_empty() {
                let (more, extra) = if left[0].is_empty() {
                    ("patched", &left[1][0])
                } else {
                    ("original", &left[0][0])
                };
                let d = describe(&self.pool, extra);
                self.fail(n, cond, format!("only the {more} binary goes on to {d}"));
            }
            return;
        }
        if run_out < MAX_RUN_OUT
            && let Some(late) = (0..2).find(|&i| self.behind(n, i, &ends[i], &ends[1 - i]))
            && self.run_out(n, [e1, e2], late, run_out)
        {
            return;
        }
        let key = (ends[0].clone(), ends[1].clone());
        let mk = |e: &SideExit| -> Option<SymState> {
            e.state.clone().map(|mut s| {
                s.events.clear();
                s
            })
        };
        let mut arrival = [mk(e1), mk(e2)];
        // The joint condition holds on arrival: it relates the two sides.
        for s in arrival.iter_mut().flatten() {
            let parts: Vec<TermId> = self.nodes[n].abs.invariants.clone();
            for c in parts {
                s.assume(&mut self.pool, c);
            }
        }
        let exact = self.visit_exact;
        self.arrive(n, key, arrival, left, exact, cond);
    }

    /// Whether side `i` at `p` is behind the other side at `q`, having left node `n`: the
    /// other ended, or left a function `i` is still in, while `i` stands at a loop head there.
    /// A loop one binary enters behind a guard and the other tests at its head (rotated by
    /// the compiler) ends one region later on the side that tests first.
    fn behind(&self, n: usize, i: usize, p: &Point, q: &Point) -> bool {
        let (
            Point::At {
                addr,
                frames,
                function,
            },
            Point::At {
                frames: other_frames,
                function: other_function,
                ..
            },
        ) = (p, q)
        else {
            return matches!((p, q), (Point::At { .. }, Point::Ended));
        };
        if !self.sides[i].prog.function(*function).is_loop_head(*addr) {
            return false;
        }
        if frames.len() > other_frames.len() {
            return true;
        }
        // Both were in one function (by name) at the node; this side still is, the other
        // has returned from it.
        let j = 1 - i;
        let key = &self.nodes[n].key;
        let (at_i, at_j) = if i == 0 {
            (&key.0, &key.1)
        } else {
            (&key.1, &key.0)
        };
        let (Point::At { function: fi, .. }, Point::At { function: fj, .. }) = (at_i, at_j) else {
            return false;
        };
        let name = |side: usize, f: u64| self.sides[side].prog.function_name(f);
        if fi != function || name(i, *fi).is_none() || name(i, *fi) != name(j, *fj) {
            return false;
        }
        let still_in = std::iter::once(*other_function)
            .chain(other_frames.iter().map(|f| f.function))
            .any(|f| f == *fj);
        !still_in
    }

    /// Runs side `live` on from its cut point within this visit, the other side being ahead
    /// (see `behind`): pairing the regions it still runs here keeps what this node knows
    /// relating the sides, which a node of its own would have to rediscover as invariants.
    /// False (nothing done) when the side is not at a cut point.
    fn run_out(&mut self, n: usize, exits: [&SideExit; 2], live: usize, run_out: usize) -> bool {
        let (ExitKind::Cut(addr), Some(st)) = (&exits[live].kind, &exits[live].state) else {
            return false;
        };
        let (addr, st) = (*addr, st.clone());
        for x in self.explore(live, st, addr) {
            let on = SideExit {
                kind: x.kind,
                state: Some(x.state),
            };
            let mut pair = exits;
            pair[live] = &on;
            self.pair(n, pair[0], pair[1], run_out + 1);
        }
        true
    }

    /// A bound of at most [`MAX_UNROLLED_RANGE`] on the byte-range lengths of two events
    /// under `cond` (0 when they have none); `None` when there is no such bound.
    fn range_bound(&mut self, cond: TermId, a: &Event, b: &Event) -> Option<u64> {
        let lens: Vec<TermId> = crate::events::range_lengths(a)
            .into_iter()
            .chain(crate::events::range_lengths(b))
            .collect();
        if lens.is_empty() {
            return Some(0);
        }
        let mut max = 0u64;
        let mut symbolic = Vec::new();
        for l in lens {
            match self.pool.as_const(l) {
                Some(c) => max = max.max(c as u64),
                None => symbolic.push(l),
            }
        }
        if max > MAX_UNROLLED_RANGE {
            return None;
        }
        if symbolic.is_empty() {
            return Some(max);
        }
        'bounds: for b in [64u64, 256, MAX_UNROLLED_RANGE] {
            for &l in &symbolic {
                let k = self.pool.c(64, u128::from(b));
                let le = self.pool.binary(tandem_ir::BinOp::Ule, l, k);
                if !self.holds(cond, le) {
                    continue 'bounds;
                }
            }
            return Some(max.max(b));
        }
        None
    }

    /// Whether `goal` holds under `cond`; records a failure if it does not.
    fn proved(&mut self, cond: TermId, goal: TermId, n: usize, a: &Event, b: &Event) -> bool {
        if self.pool.is_true(goal) {
            return true;
        }
        match self.solver.prove(&mut self.pool, cond, goal) {
            tandem_smt::Answer::Unsat => true,
            tandem_smt::Answer::Sat(model) => {
                if tracing::enabled!(tracing::Level::TRACE) {
                    let lens: Vec<Option<u128>> = crate::events::range_lengths(a)
                        .into_iter()
                        .chain(crate::events::range_lengths(b))
                        .map(|l| self.solver.eval(&self.pool, &model, l))
                        .collect();
                    let mut parts = vec![goal];
                    let mut falsified = None;
                    while let Some(g) = parts.pop() {
                        if let tandem_symex::Node::Binary(tandem_ir::BinOp::And, x, y) =
                            self.pool.node(g).clone()
                        {
                            parts.push(x);
                            parts.push(y);
                        } else if self.solver.eval(&self.pool, &model, g) == Some(0) {
                            falsified = Some(g);
                        }
                    }
                    let falsified = falsified.map(|g| self.pool.show(g, 14));
                    tracing::trace!(?falsified, ?lens, "event comparison failed");
                }
                let msg = format!("{} vs {}", describe(&self.pool, a), describe(&self.pool, b));
                let ng = self.pool.not(goal);
                let c = self.pool.and(cond, ng);
                self.fail(n, c, format!("observable events may differ: {msg}"));
                false
            }
            tandem_smt::Answer::Unknown(why) => {
                self.reason(Reason::Solver(format!(
                    "comparing events at {}: {why}",
                    self.describe_node(n)
                )));
                false
            }
        }
    }

    fn fail(&mut self, n: usize, condition: TermId, what: String) {
        let where_ = self.describe_node(n);
        tracing::debug!(node = %where_, %what, "failure");
        let exact = self.visit_exact;
        self.failure_visits
            .push((!exact).then_some((n, self.nodes[n].visits)));
        self.failures.push(Failure {
            node: where_,
            condition,
            what,
            exact,
            superseded: false,
        });
    }

    fn join(&mut self, k: usize, arrival: generalize::Arrival, from: usize) {
        match generalize::join(self, k, arrival, from) {
            generalize::Join::Subsumed => {}
            generalize::Join::Widened => {
                self.stats.widenings += 1;
                self.nodes[k].exact = false;
                self.work.insert(k);
            }
            generalize::Join::Failed(why) => {
                let where_ = self.describe_node(k);
                self.reason(Reason::Abstraction(format!("{why} at {where_}")));
            }
        }
    }

    fn arrive(
        &mut self,
        from: usize,
        key: (Point, Point),
        arrival: [Option<SymState>; 2],
        pending: [Vec<Event>; 2],
        exact: bool,
        cond: TermId,
    ) {
        let candidates = self.index.get(&key).cloned().unwrap_or_default();
        let existing = candidates
            .iter()
            .copied()
            .find(|k| {
                (0..2).all(|i| {
                    pending::same_shape(&self.pool, &self.nodes[*k].pending[i], &pending[i])
                })
            })
            .or_else(|| {
                // Past the cap the first node takes the arrival (and its join fails).
                (candidates.len() >= MAX_NODES_PER_POINT)
                    .then(|| candidates.first().copied())
                    .flatten()
            });
        let unroll = !self.widen;
        match existing {
            Some(k) if !unroll => {
                let arrival = generalize::Arrival {
                    states: arrival,
                    pending,
                    cond,
                };
                self.join(k, arrival, from)
            }
            _ => {
                let id = self.nodes.len();
                self.nodes.push(NodeData {
                    key: key.clone(),
                    states: arrival,
                    pending,
                    abs: Abstraction::default(),
                    exact,
                    visits: 0,
                });
                if existing.is_none() {
                    self.index.entry(key).or_default().push(id);
                }
                self.work.insert(id);
            }
        }
    }
}
