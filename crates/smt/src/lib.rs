//! The solver layer: tandem's terms lowered to Z3, queries answered with a cache and a
//! timeout, and models read back as concrete values.
//!
//! A query is a boolean term; [`Solver::check`] answers [`Answer::Sat`] with a model,
//! [`Answer::Unsat`], or [`Answer::Unknown`] with the reason (a timeout, an unsupported
//! construct). Queries whose term is a constant are decided without Z3, and repeated queries
//! are answered from the cache keyed by term identity; [`Stats`] counts each kind.
//! [`Solver::prove`] gives a goal that does not settle quickly a second form: the `ite`
//! conditions its assumption decides replaced by their values (one incremental solver holding
//! the assumption answers a probe per condition).
//!
//! Floating-point operators are lowered to uninterpreted functions: equal operands give equal
//! results, which is all an equivalence proof may rely on, and a model that depends on their
//! values is checked by concrete replay before anyone sees it.
//!
//! What it is not: it never walks Z3's terms (the system Z3 may be older than the `z3` crate
//! expects, so Z3's own term kinds are not trusted); it only emits terms and reads values.

mod lower;
mod model;
mod resolve;

use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use tandem_symex::{TermId, TermPool};

pub use model::Model;

/// The answer to a satisfiability query.
#[derive(Debug)]
pub enum Answer {
    Sat(Model),
    Unsat,
    Unknown(String),
}

/// Where queries were decided.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Queries asked.
    pub queries: u64,
    /// Decided without Z3 because the simplified term was a constant.
    pub syntactic: u64,
    /// Answered from the cache.
    pub cached: u64,
    /// Sent to Z3.
    pub solver_calls: u64,
    pub sat: u64,
    pub unsat: u64,
    pub unknown: u64,
    /// Time spent in Z3.
    pub solver_time: Duration,
}

impl Stats {
    /// Adds another run's counts.
    pub fn add(&mut self, o: &Stats) {
        self.queries += o.queries;
        self.syntactic += o.syntactic;
        self.cached += o.cached;
        self.solver_calls += o.solver_calls;
        self.sat += o.sat;
        self.unsat += o.unsat;
        self.unknown += o.unknown;
        self.solver_time += o.solver_time;
    }
}

/// A goal with case splits gets this long, or three times what deciding them has cost on
/// average where that is longer, before they are decided one by one; a probe gets this long.
const QUICK_ATTEMPT: Duration = Duration::from_millis(200);

/// At most this many case splits of a goal are decided.
const MAX_CONDITIONS: usize = 32;

/// How long each of the first stages of [`Solver::solve`] may run.
const STAGE: Duration = Duration::from_secs(1);

/// The longest first attempt.
const LONGEST_ATTEMPT: Duration = Duration::from_secs(1);

/// How long deciding one goal's case splits may take in all.
const RESOLUTION_BUDGET: Duration = Duration::from_secs(1);

/// Whether `formula` is mostly choices (`ite`s: merged paths, table lookups) rather than
/// sums. Bit-blasting decides the first kind fastest; on sums taken in another order (a
/// reduction the two binaries associate differently) SAT is lost and the logic's solver,
/// which normalises sums first, is much faster. On the slow queries of 13 testbins pairs the
/// faster one was bit-blasting on 9 of 12 formulas with at least 2 `ite`s per 3 additions,
/// and the logic's solver on 30 of 34 of the others.
fn is_choice_heavy(pool: &TermPool, formula: TermId) -> bool {
    let (mut ites, mut adds) = (0u64, 0u64);
    let mut seen = rustc_hash::FxHashSet::default();
    let mut work = vec![formula];
    while let Some(t) = work.pop() {
        if !seen.insert(t) {
            continue;
        }
        match pool.node(t) {
            tandem_symex::Node::Ite(..) => ites += 1,
            tandem_symex::Node::Binary(tandem_ir::BinOp::Add, ..) => adds += 1,
            _ => {}
        }
        work.extend(pool.children(t));
    }
    3 * ites >= 2 * adds
}

/// The tactics that decide most of tandem's queries fastest: simplified, equalities solved,
/// unconstrained parts dropped, bit-vectors narrowed, uninterpreted functions and reads of
/// unwritten memories replaced by fresh values with their consistency constraints
/// (Ackermann), then bit-blasted to a SAT problem. It cannot decide what it cannot reduce to
/// SAT (a memory written at symbolic addresses, say): another stage decides that. `None`
/// when this Z3 lacks one of the tactics.
fn bit_blaster() -> Option<z3::Tactic> {
    const STEPS: [&str; 8] = [
        "simplify",
        "propagate-values",
        "solve-eqs",
        "elim-uncnstr",
        "reduce-bv-size",
        "ackermannize_bv",
        "bit-blast",
        "sat",
    ];
    let known = z3::Tactic::list_all();
    let has = |name: &str| known.iter().any(|k| k.as_deref() == Ok(name));
    if !STEPS.iter().all(|s| has(s)) {
        return None;
    }
    // Ackermann's reduction gives up past this many congruence lemmas (Z3's default is
    // 1000); a memory read at a hundred constant addresses has about 5000 pairs, nearly all
    // of them trivially apart.
    let mut lemmas = z3::Params::new();
    lemmas.set_u32("div0_ackermann_limit", 1_000_000);
    let mut steps = STEPS.iter().map(|&s| {
        let t = z3::Tactic::new(s);
        if s == "ackermannize_bv" {
            t.with(&lemmas)
        } else {
            t
        }
    });
    let first = steps.next()?;
    Some(steps.fold(first, |t, next| t.and_then(&next)))
}

/// One Z3 solver (Z3 objects belong to the thread that made them).
pub struct Solver {
    lower: lower::Lowering,
    cache: FxHashMap<TermId, CachedAnswer>,
    pub stats: Stats,
    timeout_ms: u32,
    /// A tighter limit for the queries in progress (see `set_limit`).
    limit_ms: Option<u32>,
    deadline: Option<Instant>,
    /// A running average of what deciding a goal's case splits took.
    resolution_cost: Duration,
    /// See [`bit_blaster`].
    bit_blaster: Option<z3::Tactic>,
}

#[derive(Clone, Copy)]
enum CachedAnswer {
    Unsat,
}

impl std::fmt::Debug for Solver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Solver({:?})", self.stats)
    }
}

impl Solver {
    /// A solver whose every query gives up after `timeout`.
    pub fn new(timeout: Duration) -> Solver {
        let timeout_ms = timeout.as_millis().clamp(1, u128::from(u32::MAX)) as u32;
        Solver {
            lower: lower::Lowering::default(),
            cache: FxHashMap::default(),
            stats: Stats::default(),
            timeout_ms,
            limit_ms: None,
            deadline: None,
            // Until deciding splits has been measured, only goals slower than a second pay
            // for it.
            resolution_cost: LONGEST_ATTEMPT / 3,
            bit_blaster: bit_blaster(),
        }
    }

    /// Until it is lifted (`None`), queries give up after `limit` where that is sooner than
    /// the solver's timeout: for queries whose `Unknown` only costs precision (a candidate
    /// invariant that is then dropped), not an answer.
    pub fn set_limit(&mut self, limit: Option<Duration>) {
        self.limit_ms = limit.map(|l| l.as_millis().clamp(1, u128::from(u32::MAX)) as u32);
    }

    /// No query runs past `deadline`: near it, queries get what time is left, and after it
    /// they answer `Unknown` at once.
    pub fn set_deadline(&mut self, deadline: Instant) {
        self.deadline = Some(deadline);
    }

    pub fn timeout_ms(&self) -> u32 {
        self.timeout_ms
    }

    /// Is `formula` (a 1-bit term) satisfiable?
    pub fn check(&mut self, pool: &TermPool, formula: TermId) -> Answer {
        self.stats.queries += 1;
        if let Some(v) = pool.as_const(formula) {
            self.stats.syntactic += 1;
            return if v == 1 {
                Answer::Sat(Model::empty())
            } else {
                Answer::Unsat
            };
        }
        if let Some(CachedAnswer::Unsat) = self.cache.get(&formula) {
            self.stats.cached += 1;
            return Answer::Unsat;
        }
        let Some(budget) = self.budget_ms() else {
            self.stats.unknown += 1;
            return Answer::Unknown("the overall time budget ran out".into());
        };
        let _span = tracing::trace_span!("solver_check", term = formula.0).entered();
        let b = self.lower.boolean(pool, formula);
        self.stats.solver_calls += 1;
        let start = Instant::now();
        let blast_first = is_choice_heavy(pool, formula);
        let (result, model, why) = self.solve(&b, budget, blast_first);
        let took = start.elapsed();
        self.stats.solver_time += took;
        tracing::trace!(
            query = self.stats.solver_calls,
            ms = took.as_millis() as u64,
            ?result,
            "z3"
        );
        match result {
            z3::SatResult::Unsat => {
                self.stats.unsat += 1;
                self.cache.insert(formula, CachedAnswer::Unsat);
                Answer::Unsat
            }
            z3::SatResult::Sat => {
                self.stats.sat += 1;
                match model {
                    Some(m) => Answer::Sat(Model::new(m)),
                    None => Answer::Unknown("the solver returned no model".into()),
                }
            }
            z3::SatResult::Unknown => {
                self.stats.unknown += 1;
                Answer::Unknown(why)
            }
        }
    }

    /// Runs Z3 on `b` within `budget_ms`, in stages: bit-blasted to SAT (see
    /// [`bit_blaster`]) for up to [`STAGE`]; then the solver
    /// for the logic tandem's queries are in (bit-vectors, arrays for memory, uninterpreted
    /// functions for inputs), which picks its own tactics, as long; then bit-blasted again
    /// for the rest. A formula of sums rather than choices (`blast_first` false, see
    /// [`is_choice_heavy`]) takes the two the other way round; a budget shorter than three
    /// stages goes to the first alone. Each
    /// is fastest on some queries: bit-blasting on most (on the 2,180 queries of 12 slow
    /// testbins pairs it took 0.74x the time in all and decided 3 more within 10 s), the
    /// logic's solver on wide multiplications (a decimal parser's `10 * x + d`, 35 times
    /// faster). A fresh solver per query: on a sample of 30 testbins pairs that took 0.67x
    /// the time of a fresh general solver and 0.56x that of one incremental solver.
    fn solve(
        &self,
        b: &z3::ast::Bool,
        budget_ms: u32,
        blast_first: bool,
    ) -> (z3::SatResult, Option<z3::Model>, String) {
        if let Ok(dir) = std::env::var("TANDEM_DUMP_SMT") {
            // A debugging aid: every query Z3 sees, as SMT-LIB2.
            static DUMPED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let n = DUMPED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = std::path::Path::new(&dir).join(format!("q{n}.smt2"));
            let z3 = z3::Solver::new();
            z3.assert(b);
            let _ = std::fs::write(path, z3.to_smt2());
        }
        let start = Instant::now();
        let stage = STAGE.as_millis() as u32;
        // (bit-blasting?, the stage's limit); without the tactics, the logic's solver alone.
        // A budget too short for three stages (a first attempt, a probe) goes whole to the
        // one the formula favours: a stage started again starts from nothing.
        let stages: &[(bool, u32)] = if self.bit_blaster.is_some() {
            if budget_ms < 3 * stage {
                if blast_first {
                    &[(true, u32::MAX)]
                } else {
                    &[(false, u32::MAX)]
                }
            } else if blast_first {
                &[(true, stage), (false, stage), (true, u32::MAX)]
            } else {
                &[(false, stage), (true, stage), (false, u32::MAX)]
            }
        } else {
            &[(false, u32::MAX)]
        };
        let mut why = String::from("unknown");
        // A goal bit-blasting cannot reduce to SAT stays so: its second try is skipped.
        let mut irreducible = false;
        for &(blasting, limit) in stages {
            let spent = start.elapsed().as_millis() as u32;
            let Some(left) = budget_ms.checked_sub(spent).filter(|&l| l > 0) else {
                break;
            };
            let z3 = match &self.bit_blaster {
                Some(t) if blasting => {
                    if irreducible {
                        continue;
                    }
                    t.solver()
                }
                _ => z3::Solver::new_for_logic("QF_AUFBV").unwrap_or_default(),
            };
            let mut params = z3::Params::new();
            params.set_u32("timeout", left.min(limit));
            z3.set_params(&params);
            z3.assert(b);
            let result = z3.check();
            if result != z3::SatResult::Unknown {
                return (result, z3.get_model(), String::new());
            }
            why = z3
                .get_reason_unknown()
                .unwrap_or_else(|| "unknown".to_string());
            irreducible |= blasting && !(why.contains("timeout") || why.contains("canceled"));
            tracing::trace!(%why, blasting, "a solver stage could not decide");
        }
        (z3::SatResult::Unknown, None, why)
    }

    /// How long the next query may run: the timeout, the limit in force, and what is left
    /// before the deadline (`None` once it has passed).
    fn budget_ms(&self) -> Option<u32> {
        let timeout = self
            .limit_ms
            .map_or(self.timeout_ms, |l| l.min(self.timeout_ms));
        match self.deadline {
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now()).as_millis();
                (left > 0).then(|| left.min(u128::from(timeout)) as u32)
            }
            None => Some(timeout),
        }
    }

    /// Whether `goal` holds whenever `assumption` does: `Unsat` of `assumption && !goal` is a
    /// proof, a model is a counterexample.
    ///
    /// A goal with case splits that does not settle quickly is asked again with the splits
    /// the assumption decides replaced by their values (see `resolve`): equivalent under the
    /// assumption, so its answer and its models are the original goal's.
    pub fn prove(&mut self, pool: &mut TermPool, assumption: TermId, goal: TermId) -> Answer {
        // What the assumption's ranges settle needs no solver (equal under the assumption,
        // so the answer and its models are the original goal's).
        let mut facts = tandem_symex::Facts::from_condition(pool, assumption);
        if facts.is_contradictory() {
            self.stats.queries += 1;
            self.stats.syntactic += 1;
            return Answer::Unsat;
        }
        let goal = facts.simplify(pool, goal);
        let ng = pool.not(goal);
        let q = pool.and(assumption, ng);
        let conditions = pool.ite_conditions(goal, MAX_CONDITIONS);
        if conditions.is_empty() {
            return self.check(pool, q);
        }
        // Deciding the splits pays only for goals slower than deciding them.
        let attempt = (self.resolution_cost * 3).clamp(QUICK_ATTEMPT, LONGEST_ATTEMPT);
        let first = self.check_within(pool, q, attempt);
        if !matches!(first, Answer::Unknown(_)) {
            return first;
        }
        let start = Instant::now();
        let decided = self.decide_conditions(pool, assumption, conditions);
        self.resolution_cost = (self.resolution_cost + start.elapsed()) / 2;
        let Some(decided) = decided else {
            // The assumption itself is unsatisfiable: the goal holds vacuously.
            return Answer::Unsat;
        };
        let goal = pool.substitute_conditions(goal, &decided);
        tracing::trace!(
            decided = decided.len(),
            "case splits decided by the assumption"
        );
        let ng = pool.not(goal);
        let q = pool.and(assumption, ng);
        self.check(pool, q)
    }

    /// `check` giving up after `limit` at the latest.
    fn check_within(&mut self, pool: &TermPool, formula: TermId, limit: Duration) -> Answer {
        let outer = self.limit_ms;
        let ms = limit.as_millis().clamp(1, u128::from(u32::MAX)) as u32;
        self.limit_ms = Some(outer.map_or(ms, |o| o.min(ms)));
        let answer = self.check(pool, formula);
        self.limit_ms = outer;
        answer
    }

    /// The value of `t` in `model` (variables the model leaves free read as 0).
    pub fn eval(&mut self, pool: &TermPool, model: &Model, t: TermId) -> Option<u128> {
        let d = self.lower.bv(pool, t);
        model.eval_bv(&d, pool.width(t))
    }
}

#[cfg(test)]
mod tests;
