//! The verifier: decides trace equivalence of two binaries.
//!
//! [`verify`] builds the two sides (`side`), starts both at the analysis entry with identical
//! inputs, runs the forward fixpoint over the pair graph (`product`, widening in
//! `generalize`), and turns what it found into a [`Report`]: `equivalent` when every exit pair
//! of every node was checked and nothing failed; `inequivalent` with a counterexample when a
//! failure is confirmed by running both binaries concretely on the input the solver found;
//! `inconclusive` with every reason otherwise.
//!
//! What it is not: no lifting, no term simplification, no solver internals, no output
//! formats. System calls are the stubs' business (`tandem-stubs`, interpreted symbolically
//! during the analysis and concretely for replay).

mod events;
mod generalize;
mod inputs;
mod pending;
mod product;
mod replay;
mod side;
mod stripe;

use std::time::{Duration, Instant};

use tandem_loader::Binary;

pub use side::{ObservedRange, SideId};
pub use tandem_stubs::concrete::{ConcreteArg, ConcreteEvent, ConcreteInput};

/// Limits; exhausting one is a reason for `inconclusive`, never a guess.
#[derive(Clone, Debug)]
pub struct Budgets {
    /// The whole run (`--timeout`).
    pub total: Duration,
    /// One solver query.
    pub query: Duration,
    /// Instructions one region exploration may execute.
    pub region_steps: usize,
    /// Visits of one node before it is declared non-converging.
    pub node_visits: u32,
    /// Pair-graph nodes.
    pub max_nodes: usize,
}

impl Budgets {
    pub fn standard(total: Duration) -> Budgets {
        Budgets {
            total,
            query: Duration::from_secs(10),
            region_steps: 200_000,
            node_visits: 24,
            max_nodes: 2_000,
        }
    }
}

/// Where the analysis starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// The ELF entry point.
    Elf,
    /// A function, by symbol name in both binaries.
    Function(String),
}

#[derive(Clone, Debug)]
pub struct Config {
    pub entry: Entry,
    /// Extra observable memory, by section name, symbol name or address range.
    pub observe: Vec<Observe>,
    /// Writable data is input (shared) rather than each binary's own contents.
    pub symbolic_data: bool,
    pub budgets: Budgets,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Observe {
    Section(String),
    Symbol(String),
    Range {
        start: u64,
        len: u64,
    },
    /// Every store to writable data.
    Globals,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Equivalent,
    ConditionallyEquivalent,
    Inequivalent,
    Inconclusive,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Equivalent => "equivalent",
            Verdict::ConditionallyEquivalent => "conditionally-equivalent",
            Verdict::Inequivalent => "inequivalent",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// Why the verifier could not decide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A path the analysis cannot follow (unsupported instruction, unresolved jump, ...).
    Stuck(String),
    Solver(String),
    Budget(String),
    /// The abstraction at a loop could not be made to cover every iteration.
    Abstraction(String),
    /// A possible difference found under an abstraction that concrete replay did not confirm.
    Unconfirmed(String),
}

impl Reason {
    /// The same reason, said to hold within `context` (an entry function, say).
    pub fn within(&self, context: &str) -> Reason {
        let wrap = |s: &String| format!("{context}: {s}");
        match self {
            Reason::Stuck(s) => Reason::Stuck(wrap(s)),
            Reason::Solver(s) => Reason::Solver(wrap(s)),
            Reason::Budget(s) => Reason::Budget(wrap(s)),
            Reason::Abstraction(s) => Reason::Abstraction(wrap(s)),
            Reason::Unconfirmed(s) => Reason::Unconfirmed(wrap(s)),
        }
    }

    /// A short machine-readable name of the kind of reason.
    pub fn kind(&self) -> &'static str {
        match self {
            Reason::Stuck(_) => "stuck",
            Reason::Solver(_) => "solver",
            Reason::Budget(_) => "budget",
            Reason::Abstraction(_) => "abstraction",
            Reason::Unconfirmed(_) => "unconfirmed",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Stuck(s) => write!(f, "cannot analyse: {s}"),
            Reason::Solver(s) => write!(f, "solver gave up: {s}"),
            Reason::Budget(s) => write!(f, "budget exhausted: {s}"),
            Reason::Abstraction(s) => write!(f, "loop abstraction failed: {s}"),
            Reason::Unconfirmed(s) => {
                write!(f, "possible difference not confirmed concretely: {s}")
            }
        }
    }
}

/// A proof obligation that failed.
#[derive(Clone, Debug)]
pub struct Failure {
    pub node: String,
    /// When this holds, the traces may differ.
    pub condition: tandem_symex::TermId,
    pub what: String,
    /// Found on exact states: a model of the condition is a real input.
    pub exact: bool,
    /// Found in an abstract visit that a later visit of its node superseded (the abstraction
    /// was widened since): still worth replaying, but no reason for doubt when replay does not
    /// confirm it, because the node's final visit checked the same exits again.
    pub superseded: bool,
}

/// A concrete input on which the two binaries behave differently, with both traces.
#[derive(Clone, Debug)]
pub struct Counterexample {
    pub input: ConcreteInput,
    pub original: Vec<ConcreteEvent>,
    pub patched: Vec<ConcreteEvent>,
    /// Where the symbolic analysis found the difference.
    pub found_at: String,
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub seconds: f64,
    pub nodes: usize,
    pub visits: u64,
    pub regions: u64,
    pub exit_pairs: u64,
    pub event_checks: u64,
    pub widenings: u64,
    pub solver: tandem_smt::Stats,
    pub terms: usize,
}

#[derive(Clone, Debug)]
pub struct Report {
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    pub counterexample: Option<Counterexample>,
    pub stats: Stats,
}

impl Stats {
    /// Adds another run's counts (several entry functions of one pair).
    pub fn add(&mut self, o: &Stats) {
        self.seconds += o.seconds;
        self.nodes += o.nodes;
        self.visits += o.visits;
        self.regions += o.regions;
        self.exit_pairs += o.exit_pairs;
        self.event_checks += o.event_checks;
        self.widenings += o.widenings;
        self.terms += o.terms;
        self.solver.add(&o.solver);
    }
}

/// One verdict for a pair verified from several entry functions: a confirmed difference from
/// any entry makes the pair inequivalent; it is equivalent only when every entry is; anything
/// else is inconclusive, with each entry's reasons prefixed by the entry. Conditions from
/// several entries are not combined (yet): a conditional entry makes the whole inconclusive.
pub fn combine(mut reports: Vec<(Entry, Report)>) -> Report {
    if reports.len() == 1 {
        return reports.pop().expect("one report").1;
    }
    let mut stats = Stats::default();
    for (_, r) in &reports {
        stats.add(&r.stats);
    }
    if let Some(i) = reports
        .iter()
        .position(|(_, r)| r.verdict == Verdict::Inequivalent)
    {
        let (_, mut r) = reports.swap_remove(i);
        r.stats = stats;
        return r;
    }
    let mut reasons = Vec::new();
    for (entry, r) in &reports {
        let context = match entry {
            Entry::Elf => "the ELF entry point".to_string(),
            Entry::Function(name) => format!("entry {name}"),
        };
        match r.verdict {
            Verdict::Equivalent => {}
            Verdict::ConditionallyEquivalent => reasons.push(Reason::Stuck(format!(
                "{context}: conditionally equivalent, and conditions of several entries are not combined"
            ))),
            Verdict::Inequivalent | Verdict::Inconclusive => {
                reasons.extend(r.reasons.iter().map(|x| x.within(&context)));
            }
        }
    }
    let all_equivalent = reports
        .iter()
        .all(|(_, r)| r.verdict == Verdict::Equivalent);
    Report {
        verdict: if all_equivalent {
            Verdict::Equivalent
        } else {
            Verdict::Inconclusive
        },
        reasons,
        counterexample: None,
        stats,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{file}: {message}")]
    Input { file: String, message: String },
}

/// Decides trace equivalence of `original` and `patched`.
///
/// Several passes share the overall budget, each tried only while the ones before left the
/// pair undecided: the abstract fixpoint ([`Pass::Widen`], on at most [`WIDEN_SHARE`] of
/// it); when the only trouble was a
/// difference replay could not confirm, the fixpoint with the dearer invariant templates
/// ([`Pass::RichInvariants`]); then loops over bounded inputs unrolled instead of abstracted
/// ([`Pass::Unroll`]). An undecided pair reports the first pass's reasons.
pub fn verify(
    original: (&str, &Binary),
    patched: (&str, &Binary),
    lib: &tandem_stubs::Library,
    config: &Config,
) -> Result<Report, VerifyError> {
    let mut widen = config.clone();
    widen.budgets.total = config.budgets.total.mul_f64(WIDEN_SHARE);
    let mut first = verify_with(original, patched, lib, &widen, Pass::Widen, |_| {})?;
    let unconfirmed_only = first
        .reasons
        .iter()
        .all(|r| matches!(r, Reason::Unconfirmed(_)));
    for pass in [Pass::RichInvariants, Pass::Unroll] {
        if decided(&first) {
            break;
        }
        if pass == Pass::RichInvariants && !unconfirmed_only {
            continue;
        }
        let left = config
            .budgets
            .total
            .saturating_sub(Duration::from_secs_f64(first.stats.seconds));
        if left.is_zero() {
            break;
        }
        tracing::debug!(?pass, "another pass");
        let mut again = config.clone();
        again.budgets.total = left;
        let mut other = verify_with(original, patched, lib, &again, pass, |_| {})?;
        if decided(&other) {
            std::mem::swap(&mut first, &mut other);
        }
        first.stats.seconds += other.stats.seconds;
        first.stats.solver.add(&other.stats.solver);
    }
    Ok(first)
}

fn decided(r: &Report) -> bool {
    matches!(r.verdict, Verdict::Equivalent | Verdict::Inequivalent)
}

/// How one pass of [`verify`] analyses loops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass {
    /// Loops become nodes with abstract states widened to a fixpoint; the pass stops at its
    /// first reason for `inconclusive`, leaving the time to the next passes.
    Widen,
    /// Loops whose iterations stay feasible at most [`UNROLL_BOUND`] times (a loop over an
    /// input of bounded length) are unrolled; the others are widened.
    Unroll,
    /// Like `Widen`, with the invariant templates that make every query dearer (bounds on
    /// sums, zero top halves), which most pairs do not need.
    RichInvariants,
}

/// The share of the overall budget [`Pass::Widen`] may use: an abstraction that takes long
/// to settle often fails in the end, and the unrolling pass needs the time then.
const WIDEN_SHARE: f64 = 0.5;

/// The most iterations [`Pass::Unroll`] unrolls a loop: past every buffer of the test
/// programs (64 bytes) and a 64-bit count of bits.
const UNROLL_BOUND: u32 = 72;

/// [`verify`], with a hook that sees the engine after the fixpoint and before failures are
/// replayed (tests inject failures through it).
fn verify_with(
    original: (&str, &Binary),
    patched: (&str, &Binary),
    lib: &tandem_stubs::Library,
    config: &Config,
    pass: Pass,
    after_fixpoint: impl FnOnce(&mut product::Engine),
) -> Result<Report, VerifyError> {
    let start = Instant::now();
    let _span = tracing::info_span!("verify").entered();
    let mut pool = tandem_symex::TermPool::new();
    let same = inputs::same_image(original.1, patched.1);
    let shared = side::SharedInputs::new(&mut pool, same);
    let sides = [
        inputs::make_side(&mut pool, SideId::Original, original, &shared, config)?,
        inputs::make_side(&mut pool, SideId::Patched, patched, &shared, config)?,
    ];
    let symbolic = |side: &side::Side| -> Box<dyn tandem_symex::Environment + '_> {
        Box::new(tandem_stubs::symbolic::SymbolicEnv::new(
            lib,
            tandem_stubs::types::Arch::X86_64,
            tandem_stubs::symbolic::X86_64_SYSCALL,
            side.prog.desc(),
        ))
    };
    let ghosts = symbolic(&sides[0]).initial_ghosts(&mut pool);
    let (states, addrs) =
        inputs::entry_states(&mut pool, &shared, [&sides[0], &sides[1]], config, &ghosts)?;
    let deadline = start + config.budgets.total;
    let mut solver = tandem_smt::Solver::new(config.budgets.query);
    solver.set_deadline(deadline);
    let mut eng = product::Engine::new(
        pool,
        solver,
        [&sides[0], &sides[1]],
        [symbolic(&sides[0]), symbolic(&sides[1])],
        shared.clone(),
        config.budgets.clone(),
        deadline,
        true,
    );
    eng.rich_invariants = pass == Pass::RichInvariants;
    eng.stop_at_reason = pass == Pass::Widen;
    if pass == Pass::Unroll {
        eng.set_bounded(Some(UNROLL_BOUND));
    }
    eng.add_root(states, addrs);
    // Cheap first: concrete runs on random inputs find most differences at once (a second
    // pass has run them already).
    if pass == Pass::Widen
        && let Some(cx) =
            replay::random_testing(&mut eng, [&sides[0], &sides[1]], lib, config, 48, 0x7A4D)
    {
        return Ok(Report {
            verdict: Verdict::Inequivalent,
            reasons: Vec::new(),
            counterexample: Some(cx),
            stats: Stats {
                seconds: start.elapsed().as_secs_f64(),
                ..Stats::default()
            },
        });
    }
    eng.run();
    after_fixpoint(&mut eng);
    let mut reasons = eng.reasons.clone();
    let mut counterexample = None;
    for f in eng.failures.clone() {
        if counterexample.is_some() {
            break;
        }
        match replay::confirm(&mut eng, &f, [&sides[0], &sides[1]], lib, config) {
            Some(cx) => counterexample = Some(cx),
            None if f.superseded => {}
            None => {
                let r = Reason::Unconfirmed(format!("{} at {}", f.what, f.node));
                if !reasons.contains(&r) {
                    reasons.push(r);
                }
            }
        }
    }
    let verdict = if counterexample.is_some() {
        Verdict::Inequivalent
    } else if reasons.is_empty() {
        Verdict::Equivalent
    } else {
        Verdict::Inconclusive
    };
    let stats = Stats {
        seconds: start.elapsed().as_secs_f64(),
        nodes: eng.nodes.len(),
        visits: eng.stats.visits,
        regions: eng.stats.regions,
        exit_pairs: eng.stats.exit_pairs,
        event_checks: eng.stats.event_checks,
        widenings: eng.stats.widenings,
        solver: eng.solver.stats.clone(),
        terms: eng.pool.len(),
    };
    if counterexample.is_some() {
        reasons.clear();
    }
    Ok(Report {
        verdict,
        reasons,
        counterexample,
        stats,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two committed test binaries, parsed, with the built-in stubs and a 60 s budget.
    struct Pair {
        data: [Vec<u8>; 2],
        lib: tandem_stubs::Library,
        config: Config,
    }

    impl Pair {
        fn new(original: &str, patched: &str) -> Pair {
            let read = |name: &str| {
                let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testbins/bin/");
                std::fs::read(format!("{path}{name}")).expect("committed test binary")
            };
            Pair {
                data: [read(original), read(patched)],
                lib: tandem_stubs::Library::load_with_builtin(&[] as &[&str])
                    .expect("stub library"),
                config: Config {
                    entry: Entry::Elf,
                    observe: Vec::new(),
                    symbolic_data: false,
                    budgets: Budgets::standard(Duration::from_secs(60)),
                },
            }
        }

        fn binaries(&self) -> [Binary<'_>; 2] {
            [&self.data[0], &self.data[1]].map(|d| Binary::parse(d).expect("elf"))
        }

        /// `verify_with` on the pair, `hook` seeing the engine after the fixpoint.
        fn run(&self, hook: impl FnOnce(&mut product::Engine)) -> Report {
            self.run_pass(Pass::Widen, hook)
        }

        fn run_pass(&self, pass: Pass, hook: impl FnOnce(&mut product::Engine)) -> Report {
            let [o, p] = self.binaries();
            verify_with(("o", &o), ("p", &p), &self.lib, &self.config, pass, hook).expect("verify")
        }

        fn verify(&self) -> Report {
            let [o, p] = self.binaries();
            verify(("o", &o), ("p", &p), &self.lib, &self.config).expect("verify")
        }
    }

    /// Bytes a stub writes into observed memory (here `read` into the observed buffer) are
    /// not yet events: the path is not analysed rather than the change missed.
    #[test]
    fn a_read_into_observed_memory_is_not_silently_unobserved() {
        let mut pair = Pair::new("loop-forms/orig-O2", "loop-forms/orig-O2");
        assert_eq!(pair.verify().verdict, Verdict::Equivalent);
        pair.config.observe = vec![Observe::Symbol("buf".to_string())];
        let report = pair.verify();
        assert_eq!(report.verdict, Verdict::Inconclusive);
        assert!(
            report
                .reasons
                .iter()
                .any(|r| r.to_string().contains("may lie in observed memory")),
            "{:?}",
            report.reasons
        );
    }

    /// The CRC's 8-step bit loop (a loop of its own in the original's helper, unrolled by
    /// gcc in the patched binary's inlined copy at -O2) decides its branches on a constant
    /// counter: it is unrolled inside the byte loop's region rather than cut, so the pair
    /// graph has just the entry and the byte loop, and the two line up.
    #[test]
    fn a_loop_with_a_constant_trip_count_is_unrolled_inside_its_region() {
        let report = Pair::new("pate-crc/orig-O0", "pate-crc/good-O2").verify();
        assert_eq!(report.verdict, Verdict::Equivalent, "{:?}", report.reasons);
        assert_eq!(report.stats.nodes, 2);
    }

    /// The password check leaves its loop at the first mismatch; the patched one runs it to
    /// the end. No invariant the widening proposes relates the two loops, but both run at
    /// most 6 times (the input is compared up to the secret's length): the unrolling pass
    /// follows every iteration while it is feasible, needs no loop node at all, and proves
    /// the pair. The same pass finds the bypass fix's real difference by itself (it runs no
    /// random tests) and replays it.
    #[test]
    fn loops_over_bounded_input_are_unrolled_when_widening_cannot_decide() {
        let pair = Pair::new("auth-prefix/orig-O2", "auth-prefix/good-O2");
        let widened = pair.run_pass(Pass::Widen, |_| {});
        assert_eq!(widened.verdict, Verdict::Inconclusive);
        let unrolled = pair.run_pass(Pass::Unroll, |_| {});
        assert_eq!(
            unrolled.verdict,
            Verdict::Equivalent,
            "{:?}",
            unrolled.reasons
        );
        assert_eq!(unrolled.stats.nodes, 1);
        assert_eq!(pair.verify().verdict, Verdict::Equivalent);

        let bad = Pair::new("auth-prefix/orig-O2", "auth-prefix/bad-O2");
        let report = bad.run_pass(Pass::Unroll, |_| {});
        assert_eq!(
            report.verdict,
            Verdict::Inequivalent,
            "{:?}",
            report.reasons
        );
        assert!(report.counterexample.is_some());
    }

    /// A rotated loop (-O2: the head's block first in the order, the body after it) whose
    /// iteration takes one of two paths: the faster path reaches the head first and waits
    /// there for the other, so each iteration is one merged state. Before, every iteration
    /// started a lineage of its own going round the loop alone: over 2,000 feasibility
    /// queries, and the budget ran out.
    #[test]
    fn the_paths_of_one_unrolled_iteration_merge_at_the_head() {
        let pair = Pair::new("stack-layout/orig-O2", "stack-layout/good-O2");
        let report = pair.run_pass(Pass::Unroll, |_| {});
        assert_eq!(report.verdict, Verdict::Equivalent, "{:?}", report.reasons);
        assert!(
            report.stats.solver.queries < 600,
            "{} queries",
            report.stats.solver.queries
        );
    }

    /// In a loop that calls functions (the register machine's OUT case writes through a
    /// helper at -O0), the callee frames left below the stack pointer are dead at the loop
    /// head: the abstraction gives them fresh contents instead of tracking each stale cell
    /// (return addresses, spilled registers) as a location, and the pair is proved.
    #[test]
    fn dead_callee_frames_below_the_stack_pointer_are_not_locations() {
        let pair = Pair::new("jump-table-vm/orig-O0", "jump-table-vm/good-O0");
        let mut loop_heads = 0;
        let report = pair.run(|eng| {
            for n in 0..eng.nodes.len() {
                let abs = eng.nodes[n].abs.clone();
                let Some(first) = abs.first else { continue };
                if abs.locs.iter().all(Vec::is_empty) {
                    continue;
                }
                for (side, st) in first.iter().enumerate() {
                    let Some(st) = st else { continue };
                    let sp = st.regs[usize::from(eng.sides[side].prog.desc().sp.id)];
                    assert!(abs.dead[side].is_some(), "node {n} side {side}");
                    for (loc, _) in &abs.locs[side] {
                        if let generalize::Loc::Cell { addr, .. } = loc {
                            let below = eng.pool.const_diff(sp, *addr);
                            assert!(
                                below.is_none_or(|d| (d as u64 as i64) <= 0),
                                "node {n} side {side}: a cell below the stack pointer"
                            );
                        }
                    }
                }
                loop_heads += 1;
            }
        });
        assert_eq!(report.verdict, Verdict::Equivalent, "{:?}", report.reasons);
        assert_eq!(loop_heads, 1);
    }

    /// A possible difference that is not real (here: claimed on every input of an equivalent
    /// pair, even as "exact") is replayed on both binaries, found to give equal traces, and
    /// never shown as a counterexample: the verdict is `inconclusive` with the reason.
    #[test]
    fn a_wrong_counterexample_is_caught_by_replay() {
        let pair = Pair::new("constant-folding/orig-O0", "constant-folding/good-O0");
        let honest = pair.verify();
        assert_eq!(honest.verdict, Verdict::Equivalent, "{:?}", honest.reasons);

        let report = pair.run(|eng| {
            let condition = eng.pool.tru();
            eng.failures.push(Failure {
                node: "injected".into(),
                condition,
                what: "an injected difference".into(),
                exact: true,
                superseded: false,
            });
        });
        assert_eq!(report.verdict, Verdict::Inconclusive);
        assert!(report.counterexample.is_none());
        assert_eq!(
            report.reasons,
            vec![Reason::Unconfirmed(
                "an injected difference at injected".into()
            )]
        );
    }
}
