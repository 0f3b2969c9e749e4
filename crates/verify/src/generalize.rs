//! Widening at pair-graph nodes: from the exact states of the first arrival to an abstraction
//! that covers every arrival, and the check that a new arrival is covered.
//!
//! A node's abstraction keeps the exact first arrival and lists the *locations* that change
//! (registers, ghost globals, memory cells at fixed addresses) with what is known of them:
//! - `Induction { first, step }`: `first + step * k`, where `k` is the node's iteration
//!   counter, shared by both sides (one visit of the node is one iteration of both);
//! - `Var(x)`: an unknown value; the same variable on both sides when the two locations were
//!   found equal on every arrival (a cross-location equality such as "the original's stack slot
//!   equals the patched binary's register");
//! - everything else keeps its first value.
//!
//! Invariants over `k` and the variables are proposed from the comparisons on the paths out
//! of the node and kept while every arrival satisfies them (Houdini). A new arrival is covered
//! when a substitution of the node's variables maps the abstraction onto it and the invariants
//! hold; otherwise the failing locations are weakened (a kept value becomes a variable, a
//! shared variable is split) and the node is visited again. Locations only lose precision, so
//! this terminates.

use rustc_hash::{FxHashMap, FxHashSet};
use tandem_ir::BinOp;
use tandem_symex::{Event, MemWrite, Node, SymState, TermId, TermPool, VarKind, WriteKind};

use tandem_cfg::RegSet;

use crate::product::{Engine, Point};
use crate::{pending, stripe};

/// A piece of state that can change between arrivals.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Loc {
    Reg(u16),
    Ghost(String),
    /// `size` bytes of memory at an address that does not move between arrivals.
    Cell {
        addr: TermId,
        size: u16,
    },
    /// Memory a loop writes at a moving address, by where the first iteration wrote it: its
    /// start, or for a loop that writes downwards its end (see `stripe`).
    Stripe {
        anchor: TermId,
        down: bool,
    },
    /// Memory written by ranges at a fixed address (a `read` into a buffer, another loop's
    /// stripe): the block of bytes from `addr` that such writes reached.
    Block {
        addr: TermId,
    },
    /// A value in the events the side has pending at the node (see `pending`).
    Event {
        index: u16,
        arg: u16,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocValue {
    Induction {
        first: TermId,
        step: u128,
    },
    Var(TermId),
    /// The stripe's bytes `0 .. len` are `contents[offset]`.
    Stripe {
        len: TermId,
        contents: TermId,
        offset: TermId,
    },
    /// The block's bytes `0 .. len` (`len`, a variable, at most `max`) are
    /// `contents[offset]`.
    Block {
        len: TermId,
        max: u64,
        contents: TermId,
        offset: TermId,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Abstraction {
    /// The exact states of the first arrival (events cleared).
    pub first: Option<[Option<SymState>; 2]>,
    /// The events pending on the first arrival.
    pub first_pending: [Vec<Event>; 2],
    /// The path condition of the first arrival (both sides). `first`'s paths shrink to what
    /// every arrival satisfies; this one stays, for facts about the first arrival itself.
    pub first_path: Vec<TermId>,
    /// The arrivals from other nodes, with the node and visit they came from, kept to check
    /// invariants added later on them too. An arrival over the node's own back edge, or from
    /// a visit its node has since superseded, is made again by that node's next visit.
    pub others: Vec<(usize, u32, Arrival)>,
    /// The generalised locations of each side.
    pub locs: [Vec<(Loc, LocValue)>; 2],
    pub iter_var: Option<TermId>,
    pub invariants: Vec<TermId>,
    /// Candidate invariants already proposed (each is proposed once).
    pub tried: Vec<TermId>,
    /// Candidates inherited from other nodes' arrivals, for the next proposal: the tests
    /// their paths made of a value this node generalised (a caller loop's `i < n`, made of
    /// its counter, becomes `x < n` at the head of a loop in the callee it calls).
    pub inherited: Vec<TermId>,
    /// Each side's fresh contents for the dead stack below its stack pointer, and the
    /// offset variable of its fill (see `dead_below`).
    pub dead: [Option<(TermId, TermId)>; 2],
}

/// How far below the stack pointer the abstraction gives the stack fresh contents: past any
/// callee frame a loop body makes.
const DEAD_SPAN: u64 = 1 << 20;

/// The pseudo-location that stands for the dead stack (see `dead_below`) in a weakening.
const DEAD_STACK: &str = "<dead stack>";

/// The stack pointer of `st` (side `side` at node `n`), below which its memory is dead when
/// the node stands in a function that makes calls (one without calls may keep locals in the
/// red zone below it). There lie the frames of callees that returned
/// (their return addresses, spilled registers). When the loop changes cells there, they do
/// not become locations: the abstraction gives the whole area fresh contents instead
/// (`Abstraction::dead`, written by `rebuild`), which covers whatever a callee left. Only
/// then: a read at an offset the simplifier cannot place (`buf[i]` in the frame) would
/// otherwise meet that area too.
fn dead_below(eng: &Engine, n: usize, side: usize, st: &SymState) -> Option<TermId> {
    let key = &eng.nodes[n].key;
    let Point::At { function, .. } = (if side == 0 { &key.0 } else { &key.1 }) else {
        return None;
    };
    let prog = &eng.sides[side].prog;
    if prog.function(*function).calls.is_empty() {
        return None;
    }
    Some(st.regs[usize::from(prog.desc().sp.id)])
}

/// An arrival at a node: the two states, the events pending, the path condition it came on.
#[derive(Clone, Debug)]
pub struct Arrival {
    pub states: [Option<SymState>; 2],
    pub pending: [Vec<Event>; 2],
    pub cond: TermId,
}

/// How often [`recheck_others`] widens before it gives up.
const MAX_RECHECKS: usize = 8;

pub enum Join {
    Subsumed,
    Widened,
    Failed(String),
}

fn value_of(
    pool: &mut TermPool,
    eng_side: &crate::side::Side,
    st: &SymState,
    pending: &[Event],
    loc: &Loc,
) -> TermId {
    match loc {
        Loc::Event { index, arg } => pending::value(pool, eng_side, pending, *index, *arg)
            .expect("pending events of one node have one shape (`pending::same_shape`)"),
        Loc::Reg(id) => st.regs[usize::from(*id)],
        Loc::Ghost(name) => st.ghost(name).unwrap_or_else(|| pool.c(64, 0)),
        Loc::Cell { addr, size } => tandem_symex::load(
            pool,
            &st.mem,
            *addr,
            *size,
            &eng_side.image,
            &eng_side.image,
            &mut tandem_symex::PathFacts::new(&st.path),
        ),
        Loc::Stripe { .. } | Loc::Block { .. } => {
            unreachable!("a stripe or block has no single value; callers skip it")
        }
    }
}

/// The registers that may be read before being written from the node's point on a side.
fn live_regs(eng: &Engine, n: usize, side: usize) -> RegSet {
    let point = if side == 0 {
        &eng.nodes[n].key.0
    } else {
        &eng.nodes[n].key.1
    };
    let prog = &eng.sides[side].prog;
    match point {
        Point::At { addr, function, .. } => prog.liveness(*function).live_at(*addr, prog.desc()),
        Point::Ended => RegSet::EMPTY,
    }
}

/// What changed between two states of one side.
struct Changed {
    locs: Vec<Loc>,
    /// Writes at addresses that depend on the node's variables (stripe material).
    moving: Vec<MemWrite>,
}

/// The value of the iteration counter `k` that makes the arrival's inductions fit: `k + 1`
/// when it does (a back edge), else a constant count that fits them all, else `k + 1` (and the
/// inductions fail).
fn counter_value(
    eng: &mut Engine,
    abs: &Abstraction,
    k: TermId,
    arrival: &[Option<SymState>; 2],
    pending: &[Vec<Event>; 2],
) -> TermId {
    let one = eng.pool.c(64, 1);
    let next = eng.pool.add(k, one);
    let mut inductions = Vec::new();
    let mut candidates = vec![next];
    for side in 0..2 {
        let Some(a) = &arrival[side] else {
            continue;
        };
        for (loc, v) in &abs.locs[side] {
            if let LocValue::Induction { first, step } = v {
                let av = value_of(&mut eng.pool, eng.sides[side], a, &pending[side], loc);
                inductions.push((v.clone(), av));
                if let Some(d) = eng.pool.const_diff(av, *first)
                    && *step != 0
                    && d % step == 0
                {
                    candidates.push(eng.pool.c(64, d / step));
                }
            }
        }
    }
    // The count most inductions fit (the first such, `k + 1` on a tie): those that do not
    // fit it are weakened, not all of them.
    let mut best = (next, 0);
    for c in candidates {
        let mut fits = 0;
        for (v, av) in &inductions {
            let t = abstract_value(&mut eng.pool, v, Some(k));
            let e = eng.pool.substitute(t, k, c);
            if e == *av {
                fits += 1;
            }
        }
        if fits > best.1 {
            best = (c, fits);
        }
    }
    best.0
}

/// The locations whose values may differ between two states of one side: live registers (but
/// the program counter), ghost globals, and memory cells written after their common history;
/// and the writes at moving addresses. The node's own stripe and block writes (their fill is
/// in `own_fills`) are not changes; another range write is a block.
fn changed_locations(
    pool: &mut TermPool,
    pc: u16,
    live: RegSet,
    a: &SymState,
    b: &SymState,
    node_vars: &FxHashSet<TermId>,
    own_fills: &FxHashSet<TermId>,
) -> Result<Changed, String> {
    let mut out = Changed {
        locs: Vec::new(),
        moving: Vec::new(),
    };
    for (i, (x, y)) in a.regs.iter().zip(&b.regs).enumerate() {
        if i as u16 != pc && x != y && live.contains(i as u16) {
            out.locs.push(Loc::Reg(i as u16));
        }
    }
    for (name, v) in &b.ghosts {
        if a.ghost(name) != Some(*v) {
            out.locs.push(Loc::Ghost(name.clone()));
        }
    }
    let (_, sa, sb) = a.mem.split_common(&b.mem);
    for w in sa.iter().chain(&sb) {
        let size = match &w.kind {
            WriteKind::Value { size, .. } => u16::from(*size),
            WriteKind::Range { fill, .. } if own_fills.contains(fill) => continue,
            WriteKind::Range { .. } => {
                if mentions_any(pool, w.addr, node_vars) {
                    return Err("a loop writes a range of memory at a moving address".into());
                }
                let loc = Loc::Block { addr: w.addr };
                if !out.locs.contains(&loc) {
                    out.locs.push(loc);
                }
                continue;
            }
        };
        if mentions_any(pool, w.addr, node_vars) {
            out.moving.push(w.clone());
            continue;
        }
        let loc = Loc::Cell { addr: w.addr, size };
        if !out.locs.contains(&loc) {
            out.locs.push(loc);
        }
    }
    Ok(out)
}

/// The pending-event values that differ between two arrivals of one side.
fn changed_events(
    pool: &mut TermPool,
    side: &crate::side::Side,
    first: &[Event],
    arrival: &[Event],
) -> Vec<Loc> {
    let a = pending::values(pool, side, first);
    let b = pending::values(pool, side, arrival);
    a.into_iter()
        .zip(b)
        .filter(|(x, y)| x.2 != y.2)
        .map(|(x, _)| Loc::Event {
            index: x.0,
            arg: x.1,
        })
        .collect()
}

fn mentions_any(pool: &TermPool, t: TermId, vars: &FxHashSet<TermId>) -> bool {
    !vars.is_empty() && pool.free_vars(t).iter().any(|v| vars.contains(v))
}

/// The fills of the range writes the node's rebuilt states carry (its stripes and blocks).
fn own_fills(pool: &mut TermPool, abs: &Abstraction) -> FxHashSet<TermId> {
    let mut out = FxHashSet::default();
    for (_, v) in abs.locs.iter().flatten() {
        if let LocValue::Stripe {
            contents, offset, ..
        }
        | LocValue::Block {
            contents, offset, ..
        } = v
        {
            out.insert(pool.select(*contents, *offset));
        }
    }
    for (contents, offset) in abs.dead.iter().flatten() {
        out.insert(pool.select(*contents, *offset));
    }
    out
}

/// How far the range writes at `addr` since the common history of `first` and `arrival`
/// reached, and the largest bound any of them has: the most of their lengths (a guarded
/// write counts only when its guard holds). `None` when there are none.
fn block_extent(
    pool: &mut TermPool,
    first: &SymState,
    arrival: &SymState,
    addr: TermId,
) -> Option<(TermId, u64)> {
    let (_, sa, sb) = first.mem.split_common(&arrival.mem);
    let mut out: Option<(TermId, u64)> = None;
    for w in sa.iter().chain(&sb) {
        let WriteKind::Range { len, max, .. } = &w.kind else {
            continue;
        };
        if w.addr != addr {
            continue;
        }
        let l = match w.guard {
            Some(g) => {
                let z = pool.c(64, 0);
                pool.ite(g, *len, z)
            }
            None => *len,
        };
        out = Some(match out {
            None => (l, *max),
            Some((m, mx)) => {
                let lt = pool.ult(m, l);
                (pool.ite(lt, l, m), mx.max(*max))
            }
        });
    }
    out
}

/// The node's variables (iteration counter and location variables).
fn node_vars(abs: &Abstraction) -> FxHashSet<TermId> {
    let mut s = FxHashSet::default();
    if let Some(k) = abs.iter_var {
        s.insert(k);
    }
    for side in &abs.locs {
        for (_, v) in side {
            match v {
                LocValue::Var(x) => {
                    s.insert(*x);
                }
                LocValue::Stripe { contents, .. } => {
                    s.insert(*contents);
                }
                LocValue::Block { len, contents, .. } => {
                    s.insert(*len);
                    s.insert(*contents);
                }
                LocValue::Induction { .. } => {}
            }
        }
    }
    s
}

/// The term a location has in the abstract input state.
fn abstract_value(pool: &mut TermPool, v: &LocValue, k: Option<TermId>) -> TermId {
    match v {
        LocValue::Var(x) => *x,
        LocValue::Induction { first, step } => {
            let w = pool.width(*first);
            let kk = k.expect("an induction needs the iteration counter");
            let kw = pool.extract(kk, 0, w);
            let s = pool.c(w, *step);
            let m = pool.binary(BinOp::Mul, kw, s);
            pool.add(*first, m)
        }
        LocValue::Stripe { .. } | LocValue::Block { .. } => {
            unreachable!("a stripe or block is memory, not a value")
        }
    }
}

/// Rebuilds the node's input states from its abstraction.
pub fn rebuild(eng: &mut Engine, n: usize) {
    let abs = eng.nodes[n].abs.clone();
    let Some(first) = abs.first.clone() else {
        return;
    };
    for (side, first) in first.iter().enumerate() {
        let Some(mut st) = first.clone() else {
            continue;
        };
        if let (Some(sp), Some((contents, offset))) =
            (dead_below(eng, n, side, &st), abs.dead[side])
        {
            let start = eng.pool.add_const(sp, u128::from(DEAD_SPAN).wrapping_neg());
            let len = eng.pool.c(64, u128::from(DEAD_SPAN));
            st.mem.push(stripe::write(
                &mut eng.pool,
                start,
                len,
                DEAD_SPAN,
                contents,
                offset,
            ));
        }
        // Stripes first: a cell the loop also writes is then read from the cell.
        for (loc, v) in &abs.locs[side] {
            if let (
                Loc::Stripe { anchor, down },
                LocValue::Stripe {
                    len,
                    contents,
                    offset,
                },
            ) = (loc, v)
            {
                let start = stripe::start_of(&mut eng.pool, *anchor, *down, *len);
                st.mem.push(stripe::write(
                    &mut eng.pool,
                    start,
                    *len,
                    stripe::STRIPE_MAX,
                    *contents,
                    *offset,
                ));
            }
            if let (
                Loc::Block { addr },
                LocValue::Block {
                    len,
                    max,
                    contents,
                    offset,
                },
            ) = (loc, v)
            {
                st.mem.push(stripe::write(
                    &mut eng.pool,
                    *addr,
                    *len,
                    *max,
                    *contents,
                    *offset,
                ));
            }
        }
        let mut pending = abs.first_pending[side].clone();
        for (loc, v) in &abs.locs[side] {
            if matches!(v, LocValue::Stripe { .. } | LocValue::Block { .. }) {
                continue;
            }
            let t = abstract_value(&mut eng.pool, v, abs.iter_var);
            match loc {
                Loc::Reg(id) => st.regs[usize::from(*id)] = t,
                Loc::Ghost(name) => st.set_ghost(name, t),
                Loc::Stripe { .. } | Loc::Block { .. } => {
                    unreachable!("a stripe or block location holds a stripe or block value")
                }
                Loc::Event { index, arg } => {
                    pending::set_value(&eng.pool, &mut pending, *index, *arg, t)
                }
                Loc::Cell { addr, size } => {
                    let w = size * 8;
                    let t = if eng.pool.width(t) == w {
                        t
                    } else {
                        eng.pool.extract(t, 0, w)
                    };
                    st.mem.push(MemWrite {
                        addr: *addr,
                        guard: None,
                        kind: WriteKind::Value {
                            value: t,
                            size: *size as u8,
                        },
                    });
                }
            }
        }
        for inv in &abs.invariants {
            st.assume(&mut eng.pool, *inv);
        }
        eng.nodes[n].states[side] = Some(st);
        eng.nodes[n].pending[side] = pending;
    }
}

/// Joins an arrival into node `n` from node `from`.
pub fn join(eng: &mut Engine, n: usize, arrival: Arrival, from: usize) -> Join {
    let shapes = (0..2)
        .all(|i| pending::same_shape(&eng.pool, &eng.nodes[n].pending[i], &arrival.pending[i]));
    if !shapes {
        return Join::Failed(
            "the binaries defer different events on different paths into one point".into(),
        );
    }
    if eng.nodes[n].abs.first.is_none() {
        // The node's current states are its exact first arrival.
        let first = eng.nodes[n].states.clone();
        eng.nodes[n].abs.first_path = first
            .iter()
            .flatten()
            .flat_map(|f| f.path.iter().copied())
            .collect();
        eng.nodes[n].abs.first = Some(first);
        eng.nodes[n].abs.first_pending = eng.nodes[n].pending.clone();
    }
    let before = eng.nodes[n].abs.invariants.clone();
    let inductions_before = inductions(&eng.nodes[n].abs);
    let joined = match subsumed(eng, n, &arrival.states, &arrival.pending, arrival.cond) {
        Ok(()) => Join::Subsumed,
        Err(weaken) => {
            match widen(
                eng,
                n,
                &arrival.states,
                &arrival.pending,
                arrival.cond,
                weaken,
                from == n,
            ) {
                Ok(()) => {
                    rebuild(eng, n);
                    Join::Widened
                }
                Err(why) => return Join::Failed(why),
            }
        }
    };
    if from != n {
        let visits: Vec<u32> = eng.nodes.iter().map(|d| d.visits).collect();
        let others = &mut eng.nodes[n].abs.others;
        others.retain(|(m, v, _)| visits[*m] == *v);
        others.push((from, visits[from], arrival));
    }
    // New invariants narrow the abstraction, and so does an induction a later back edge
    // added (a location other arrivals may have left at its first value).
    let narrowed = eng.nodes[n]
        .abs
        .invariants
        .iter()
        .any(|i| !before.contains(i))
        || inductions(&eng.nodes[n].abs) > inductions_before;
    if narrowed && let Err(why) = recheck_others(eng, n) {
        return Join::Failed(why);
    }
    joined
}

/// Another node's variable that an arrival carries in a location, when this node may name
/// the location by it: a loop in a callee called from the caller's loop sees the caller's
/// counter as the caller's variable `k` on every arrival from there, and returning to the
/// caller with `k` (not a fresh name) keeps the caller's induction `k + 1`. A node's
/// variables are its own whatever their names (every arrival binds them afresh), so the
/// name is free to take unless the node's first arrival mentions it: that state's terms and
/// path are facts, and would then constrain the variable.
fn adoptable(
    eng: &Engine,
    abs: &Abstraction,
    av: TermId,
    first: &[Option<SymState>; 2],
) -> Option<TermId> {
    let Node::Var(v) = eng.pool.node(av) else {
        return None;
    };
    if eng.pool.var_info(*v).kind != VarKind::Abstract || node_vars(abs).contains(&av) {
        return None;
    }
    let mut roots: Vec<TermId> = abs.first_path.clone();
    for st in first.iter().flatten() {
        roots.extend(&st.regs);
        roots.extend(&st.path);
        roots.extend(st.ghosts.iter().map(|(_, t)| *t));
        for w in st.mem.iter() {
            roots.push(w.addr);
            roots.extend(w.guard);
            match &w.kind {
                WriteKind::Value { value, .. } => roots.push(*value),
                WriteKind::Range { len, fill, .. } => roots.extend([*len, *fill]),
            }
        }
    }
    let mut seen = FxHashSet::default();
    while let Some(t) = roots.pop() {
        if t == av {
            return None;
        }
        if seen.insert(t) {
            roots.extend(eng.pool.children(t));
        }
    }
    Some(av)
}

/// The most candidates one arrival passes on.
const MAX_INHERITED: usize = 8;

/// Tests the arrival's path made of `av`, another node's variable, as candidates about `x`,
/// the variable that now stands for it.
fn inherit_tests(pool: &mut TermPool, abs: &mut Abstraction, a: &SymState, av: TermId, x: TermId) {
    if !matches!(pool.node(av), Node::Var(_)) || pool.width(av) != pool.width(x) {
        return;
    }
    let vars: FxHashSet<TermId> = std::iter::once(av).collect();
    let mut atoms = Vec::new();
    for c in &a.path {
        collect_atoms(pool, *c, &vars, &mut atoms);
    }
    for atom in atoms.into_iter().take(MAX_INHERITED) {
        let c = pool.substitute(atom, av, x);
        if !abs.inherited.contains(&c) {
            abs.inherited.push(c);
        }
    }
}

fn inductions(abs: &Abstraction) -> usize {
    abs.locs
        .iter()
        .flatten()
        .filter(|(_, v)| matches!(v, LocValue::Induction { .. }))
        .count()
}

/// Checks the recorded arrivals from other nodes against the node's abstraction again, after
/// invariants were added (they narrow it), and widens where one is no longer covered.
pub fn recheck_others(eng: &mut Engine, n: usize) -> Result<(), String> {
    for _ in 0..MAX_RECHECKS {
        let mut widened = false;
        let current: Vec<Arrival> = eng.nodes[n]
            .abs
            .others
            .iter()
            .filter(|(m, v, _)| eng.nodes[*m].visits == *v)
            .map(|(_, _, a)| a.clone())
            .collect();
        for a in current {
            if let Err(w) = subsumed(eng, n, &a.states, &a.pending, a.cond) {
                widen(eng, n, &a.states, &a.pending, a.cond, w, false)?;
                rebuild(eng, n);
                widened = true;
            }
        }
        if !widened {
            return Ok(());
        }
    }
    Err("the abstraction did not settle over the arrivals from other nodes".into())
}

/// What must be weakened for an arrival to be covered.
#[derive(Default)]
pub struct Weaken {
    /// Locations that are no longer their first value, per side.
    new_locs: [Vec<Loc>; 2],
    /// Locations whose abstract value does not cover the arrival, per side.
    bad_locs: [Vec<Loc>; 2],
    bad_invariants: Vec<TermId>,
    /// Writes at moving addresses no stripe covers, per side.
    moving: [Vec<MemWrite>; 2],
    /// Stripes whose new extent does not contain the old one, per side.
    bad_stripes: [Vec<Loc>; 2],
    /// The patched side's stripes whose contents no longer equal the original's.
    split_stripes: Vec<Loc>,
}

enum Expected {
    Abstract(TermId),
    Arrival(TermId),
}

fn subsumed(
    eng: &mut Engine,
    n: usize,
    arrival: &[Option<SymState>; 2],
    pending: &[Vec<Event>; 2],
    cond: TermId,
) -> Result<(), Box<Weaken>> {
    let abs = eng.nodes[n].abs.clone();
    let first = abs.first.clone().unwrap_or_default();
    let first_pending = &abs.first_pending;
    let vars = node_vars(&abs);
    let fills = own_fills(&mut eng.pool, &abs);
    let pc = eng.sides[0].prog.desc().pc.id;
    let mut weaken = Weaken::default();
    // Each side's blocks with their extents in the arrival.
    let mut blocks: SideRegions = Default::default();
    let mut sigma: FxHashMap<TermId, TermId> = FxHashMap::default();
    // (side, location, expected, actual); `expected` is an abstract term to substitute, or
    // (for a variable bound earlier) an arrival term already.
    let mut obligations: Vec<(usize, Loc, Expected, TermId)> = Vec::new();
    let mut moving: [Vec<MemWrite>; 2] = Default::default();
    // The iteration counter: `k + 1` on a back edge; an arrival from another path (a peeled
    // first iteration, say) may instead fit a constant count, read off an induction.
    if let Some(k) = abs.iter_var {
        let next = counter_value(eng, &abs, k, arrival, pending);
        sigma.insert(k, next);
    }
    for side in 0..2 {
        let (Some(f), Some(a)) = (&first[side], &arrival[side]) else {
            continue;
        };
        // Locations changed from the first arrival must all be abstracted.
        let live = live_regs(eng, n, side);
        // Dead only below a stack pointer every arrival shares with the first.
        let dead =
            dead_below(eng, n, side, f).filter(|sp| Some(*sp) == dead_below(eng, n, side, a));
        let mut changed = match changed_locations(&mut eng.pool, pc, live, f, a, &vars, &fills) {
            Ok(c) => c,
            Err(_) => {
                weaken.new_locs[side].push(Loc::Ghost("<memory>".into()));
                continue;
            }
        };
        changed.locs.extend(changed_events(
            &mut eng.pool,
            eng.sides[side],
            &first_pending[side],
            &pending[side],
        ));
        for loc in changed.locs {
            if abs.locs[side].iter().any(|(l, _)| *l == loc) {
                continue;
            }
            // A cell written again with the value it had (a return address a call pushes
            // anew, say) has not changed; nor has one whose value only reads differently (a
            // variable in memory read back through stores at indices the path keeps apart
            // from it, at `-O0`).
            if matches!(loc, Loc::Cell { .. }) {
                let fv = value_of(
                    &mut eng.pool,
                    eng.sides[side],
                    f,
                    &first_pending[side],
                    &loc,
                );
                let av = value_of(&mut eng.pool, eng.sides[side], a, &pending[side], &loc);
                if fv == av {
                    continue;
                }
                // A read that may have seen one of several stores.
                if !eng.pool.ite_conditions(av, 1).is_empty() {
                    let same = eng.pool.eq_(fv, av);
                    if eng.holds_speculative(cond, same) {
                        continue;
                    }
                }
                if let (Loc::Cell { addr, size }, Some(sp)) = (&loc, dead) {
                    let below = eng.pool.const_diff(sp, *addr);
                    // Inside the area `rebuild` gives fresh contents.
                    let inside = |d: u128| (u64::from(*size)..=DEAD_SPAN).contains(&(d as u64));
                    if below.is_some_and(inside) {
                        let havoc = Loc::Ghost(DEAD_STACK.into());
                        if abs.dead[side].is_none() && !weaken.new_locs[side].contains(&havoc) {
                            weaken.new_locs[side].push(havoc);
                        }
                        continue;
                    }
                }
            }
            weaken.new_locs[side].push(loc);
        }
        moving[side] = changed.moving;
        for (loc, v) in &abs.locs[side] {
            if let (
                Loc::Block { addr },
                LocValue::Block {
                    len, max, contents, ..
                },
            ) = (loc, v)
            {
                // The block's length is bound to how far the arrival's range writes at its
                // address reached (none: 0); the contents are free.
                let (reach, most) = block_extent(&mut eng.pool, f, a, *addr)
                    .unwrap_or_else(|| (eng.pool.c(64, 0), 0));
                if most > *max {
                    weaken.bad_locs[side].push(loc.clone());
                }
                // A block the sides share has one length: the patched side's must match.
                match sigma.get(len) {
                    Some(bound) => {
                        obligations.push((side, loc.clone(), Expected::Arrival(*bound), reach))
                    }
                    None => {
                        sigma.insert(*len, reach);
                    }
                }
                let cap = eng.pool.c(64, u128::from(*max));
                let under = eng.pool.ult(reach, cap);
                let extent = eng.pool.ite(under, reach, cap);
                blocks[side].push((loc.clone(), *addr, extent, *contents));
            }
            if matches!(v, LocValue::Stripe { .. } | LocValue::Block { .. }) {
                continue;
            }
            let av = value_of(&mut eng.pool, eng.sides[side], a, &pending[side], loc);
            match v {
                LocValue::Var(x) => match sigma.get(x) {
                    Some(bound) => {
                        obligations.push((side, loc.clone(), Expected::Arrival(*bound), av))
                    }
                    None => {
                        sigma.insert(*x, av);
                    }
                },
                LocValue::Induction { .. } => {
                    let t = abstract_value(&mut eng.pool, v, abs.iter_var);
                    obligations.push((side, loc.clone(), Expected::Abstract(t), av));
                }
                LocValue::Stripe { .. } | LocValue::Block { .. } => {}
            }
        }
    }
    // A block the sides share holds the same bytes on both.
    split_unequal(eng, cond, arrival, &blocks, &mut weaken);
    for (side, loc, expected, actual) in obligations {
        let e = match expected {
            Expected::Abstract(t) => eng.pool.substitute_all(t, &sigma),
            Expected::Arrival(t) => t,
        };
        if e == actual {
            continue;
        }
        let goal = eng.pool.eq_(e, actual);
        if !eng.holds(cond, goal) {
            tracing::debug!(side, loc = %loc_name(eng, &loc), expected = %eng.pool.show(e, 6), actual = %eng.pool.show(actual, 6), "not covered");
            weaken.bad_locs[side].push(loc);
        }
    }
    for inv in &abs.invariants {
        let i = eng.pool.substitute_all(*inv, &sigma);
        if !eng.holds_speculative(cond, i) {
            tracing::debug!(invariant = %eng.pool.show(*inv, 8), "invariant dropped");
            weaken.bad_invariants.push(*inv);
        }
    }
    check_stripes(eng, &abs, arrival, cond, &sigma, moving, &mut weaken);
    let clean = weaken.new_locs.iter().all(Vec::is_empty)
        && weaken.bad_locs.iter().all(Vec::is_empty)
        && weaken.bad_invariants.is_empty()
        && weaken.moving.iter().all(Vec::is_empty)
        && weaken.bad_stripes.iter().all(Vec::is_empty)
        && weaken.split_stripes.is_empty();
    if clean { Ok(()) } else { Err(Box::new(weaken)) }
}

/// The stripes of each side with their extents in the arrival.
fn check_stripes(
    eng: &mut Engine,
    abs: &Abstraction,
    arrival: &[Option<SymState>; 2],
    cond: TermId,
    sigma: &FxHashMap<TermId, TermId>,
    moving: [Vec<MemWrite>; 2],
    weaken: &mut Weaken,
) {
    // Each side's stripes with their extents in the arrival.
    let mut extents: SideRegions = Default::default();
    // The old extents, per side in the order of `extents`.
    let mut olds: [Vec<TermId>; 2] = Default::default();
    for side in 0..2 {
        for (loc, v) in &abs.locs[side] {
            let (Loc::Stripe { anchor, down }, LocValue::Stripe { len, contents, .. }) = (loc, v)
            else {
                continue;
            };
            let next = eng.pool.substitute_all(*len, sigma);
            let start = stripe::start_of(&mut eng.pool, *anchor, *down, next);
            extents[side].push((loc.clone(), start, next, *contents));
            olds[side].push(*len);
        }
    }
    for (side, writes) in moving.into_iter().enumerate() {
        // The writes each stripe covers: their distances from its start are below the cap,
        // which is what keeps its extent from wrapping as it grows.
        let mut covered_by: Vec<Vec<MemWrite>> = vec![Vec::new(); extents[side].len()];
        for w in writes {
            let by = extents[side]
                .clone()
                .into_iter()
                .position(|(_, start, next, _)| stripe::covers(eng, cond, &w, start, next));
            match by {
                Some(i) => covered_by[i].push(w),
                None => weaken.moving[side].push(w),
            }
        }
        if arrival[side].is_none() {
            continue;
        }
        for (i, (loc, start, next, _)) in extents[side].clone().into_iter().enumerate() {
            if !stripe::grows(eng, cond, olds[side][i], next, start, &covered_by[i]) {
                tracing::debug!(side, len = %eng.pool.show(olds[side][i], 6), next = %eng.pool.show(next, 6), "stripe shrinks");
                weaken.bad_stripes[side].push(loc);
            }
        }
    }
    split_unequal(eng, cond, arrival, &extents, weaken);
}

/// The regions (stripes or blocks) of each side in an arrival: location, start, extent
/// there, contents.
type SideRegions = [Vec<(Loc, TermId, TermId, TermId)>; 2];

/// Marks for splitting the patched side's regions that share their contents with one of the
/// original's but do not hold the same bytes in the arrival.
fn split_unequal(
    eng: &mut Engine,
    cond: TermId,
    arrival: &[Option<SymState>; 2],
    regions: &SideRegions,
    weaken: &mut Weaken,
) {
    let (Some(a0), Some(a1)) = (&arrival[0], &arrival[1]) else {
        return;
    };
    for (l1, s1, n1, c1) in &regions[1] {
        let Some((_, s0, n0, _)) = regions[0].iter().find(|e| e.3 == *c1) else {
            continue;
        };
        if !stripe::same_contents(eng, cond, [a0, a1], [(*s0, *n0), (*s1, *n1)]) {
            tracing::debug!(region = %loc_name(eng, l1), "shared contents differ");
            weaken.split_stripes.push(l1.clone());
        }
    }
}

fn widen(
    eng: &mut Engine,
    n: usize,
    arrival: &[Option<SymState>; 2],
    pending: &[Vec<Event>; 2],
    cond: TermId,
    w: Box<Weaken>,
    back_edge: bool,
) -> Result<(), String> {
    let mut abs = eng.nodes[n].abs.clone();
    let first = abs.first.clone().unwrap_or_default();
    let first_pending = abs.first_pending.clone();
    if w.new_locs
        .iter()
        .flatten()
        .any(|l| matches!(l, Loc::Ghost(g) if g == "<memory>"))
    {
        let vars = node_vars(&abs);
        let fills = own_fills(&mut eng.pool, &abs);
        let pc = eng.sides[0].prog.desc().pc.id;
        for side in 0..2 {
            if let (Some(f), Some(a)) = (&first[side], &arrival[side]) {
                let live = live_regs(eng, n, side);
                changed_locations(&mut eng.pool, pc, live, f, a, &vars, &fills)?;
            }
        }
    }
    if let Some(l) = w.bad_stripes.iter().flatten().next() {
        return Err(format!(
            "a loop's writes at moving addresses do not grow one range ({})",
            loc_name(eng, l)
        ));
    }
    for loc in &w.split_stripes {
        let fresh = eng.pool.fresh_var(
            format!("{}{}", eng.sides[1].id.tag(), loc_name(eng, loc)),
            0,
            VarKind::Memory,
        );
        for (l, v) in abs.locs[1].iter_mut() {
            if let (true, LocValue::Stripe { contents, .. } | LocValue::Block { contents, .. }) =
                (l == loc, v)
            {
                *contents = fresh;
            }
        }
    }
    abs.invariants.retain(|i| !w.bad_invariants.contains(i));
    // A location that moves by a constant from its first value is an induction when the
    // arrival is one iteration on from the first: the first back edge, or a later back edge
    // (the location still held its first value in the visit). Another node's arrival says
    // nothing about iterations.
    let one_iteration = back_edge || abs.locs.iter().all(Vec::is_empty);
    // Values of the new locations: an induction when the first two values differ by a
    // constant, else a variable, shared across the sides when both values match.
    let mut new_vals: [Vec<(Loc, TermId, TermId)>; 2] = Default::default();
    let first_cond = eng.pool.all(abs.first_path.clone());
    // New variables and how they grew in one iteration, for `growth_candidates`.
    let mut growths: Vec<Growth> = Vec::new();
    let mut new_blocks: [Vec<TermId>; 2] = Default::default();
    for side in 0..2 {
        let (Some(f), Some(a)) = (&first[side], &arrival[side]) else {
            continue;
        };
        for loc in &w.new_locs[side] {
            if matches!(loc, Loc::Ghost(g) if g == DEAD_STACK) {
                let name = format!("{}dead_stack", eng.sides[side].id.tag());
                abs.dead[side] = Some((
                    eng.pool.fresh_var(name, 0, VarKind::Memory),
                    eng.pool.fresh_var("offset", 64, VarKind::Abstract),
                ));
                continue;
            }
            if let Loc::Block { addr } = loc {
                new_blocks[side].push(*addr);
                continue;
            }
            let fv = value_of(&mut eng.pool, eng.sides[side], f, &first_pending[side], loc);
            let av = value_of(&mut eng.pool, eng.sides[side], a, &pending[side], loc);
            new_vals[side].push((loc.clone(), fv, av));
        }
        // A location whose abstraction failed becomes a plain variable: shared with an
        // original's location that starts equal and arrives equal (the equality is then
        // checked again at every later arrival, through the shared variable); otherwise this
        // side's own.
        let originals = if side == 1 && !w.bad_locs[1].is_empty() {
            original_vars(eng, &abs, &first, arrival, &first_pending, pending)
        } else {
            Vec::new()
        };
        for loc in &w.bad_locs[side] {
            let Some(i) = abs.locs[side].iter().position(|(l, _)| l == loc) else {
                continue;
            };
            let old = abs.locs[side][i].1.clone();
            let width = match &old {
                LocValue::Var(x) => eng.pool.width(*x),
                LocValue::Induction { first, .. } => eng.pool.width(*first),
                // Stripes are checked on their own (`check_stripes`).
                LocValue::Stripe { .. } => continue,
                // A block whose writes may now be longer: its bound grows. A patched block
                // that no longer matches the original's gets its own length and contents.
                LocValue::Block { .. } => {
                    let shared_len: Vec<TermId> = abs.locs[0]
                        .iter()
                        .filter_map(|(_, v)| match v {
                            LocValue::Block { len, .. } => Some(*len),
                            _ => None,
                        })
                        .collect();
                    let name = format!("{}{}", eng.sides[side].id.tag(), loc_name(eng, loc));
                    if let (
                        Loc::Block { addr },
                        LocValue::Block {
                            len, max, contents, ..
                        },
                    ) = (loc, &mut abs.locs[side][i].1)
                    {
                        if let Some((_, most)) = block_extent(&mut eng.pool, f, a, *addr) {
                            *max = (*max).max(most);
                        }
                        if side == 1 && shared_len.contains(len) {
                            *len = eng
                                .pool
                                .fresh_var(format!("{name}.len"), 64, VarKind::Abstract);
                            *contents = eng.pool.fresh_var(name, 0, VarKind::Memory);
                        }
                    }
                    continue;
                }
            };
            let fv = value_of(&mut eng.pool, eng.sides[side], f, &first_pending[side], loc);
            let av = value_of(&mut eng.pool, eng.sides[side], a, &pending[side], loc);
            let x = if side == 1 {
                share_with_original(eng, &originals, loc, fv, av, cond, first_cond).0
            } else {
                None
            };
            let x = x.unwrap_or_else(|| {
                let x = eng.pool.fresh_var(
                    format!("{}{}", eng.sides[side].id.tag(), loc_name(eng, loc)),
                    width,
                    VarKind::Abstract,
                );
                if eng.rich_invariants {
                    add_zero_top(&mut eng.pool, &mut abs, x, &[fv, av]);
                    // An induction that failed on a back edge (a counter that does not
                    // count on every path) grew from its value at the head: the first one
                    // in an exact visit.
                    if back_edge && let LocValue::Induction { .. } = old {
                        let before = if eng.visit_exact {
                            fv
                        } else {
                            abstract_value(&mut eng.pool, &old, abs.iter_var)
                        };
                        let diff = eng.pool.sub(av, before);
                        growths.push(Growth {
                            side,
                            x,
                            first: fv,
                            diff,
                        });
                    }
                }
                x
            });
            tracing::debug!(side, loc = %loc_name(eng, loc), back_edge, "weakened to a variable");
            abs.locs[side][i].1 = LocValue::Var(x);
        }
    }
    let mut shared: Vec<Shareable> = Vec::new();
    for (side, vals) in new_vals.iter_mut().enumerate() {
        for (loc, fv, av) in std::mem::take(vals) {
            let width = eng.pool.width(fv);
            let mut av = av;
            let mut diff = eng.pool.sub(av, fv);
            if one_iteration && eng.pool.as_const(diff).is_none() && eng.pool.as_const(fv).is_some()
            {
                // A counter (it starts at a constant) read back from memory after a store at
                // an index the symbolic execution could not tell apart from it (`-O0`): the
                // arrival's value may step by a constant once the aliasing cases are ruled
                // out.
                let pruned = prune_ites(eng, cond, av);
                if pruned != av {
                    let d = eng.pool.sub(pruned, fv);
                    if eng.pool.as_const(d).is_some() {
                        (av, diff) = (pruned, d);
                    }
                }
            }
            let value = match eng.pool.as_const(diff) {
                Some(d) if d != 0 && one_iteration => {
                    if abs.iter_var.is_none() {
                        abs.iter_var = Some(eng.pool.fresh_var("k", 64, VarKind::Abstract));
                    }
                    LocValue::Induction { first: fv, step: d }
                }
                _ => {
                    // Share with the original's location of the same history.
                    let (found, low_match) = if side == 1 {
                        share_with_original(eng, &shared, &loc, fv, av, cond, first_cond)
                    } else {
                        (None, None)
                    };
                    // Several patched locations may share one variable (a value and the copy
                    // an event carries, say): every later arrival checks they stay equal.
                    let adopted = if found.is_none() && !back_edge {
                        adoptable(eng, &abs, av, &first)
                    } else {
                        None
                    };
                    if side == 0
                        && let Some(x) = adopted
                    {
                        shared.push(((fv, av), x, loc.clone()));
                    }
                    let x = match found.or(adopted) {
                        Some(x) => x,
                        None => {
                            let x = eng.pool.fresh_var(
                                format!("{}{}", eng.sides[side].id.tag(), loc_name(eng, &loc)),
                                width,
                                VarKind::Abstract,
                            );
                            if side == 0 {
                                shared.push(((fv, av), x, loc.clone()));
                            }
                            if eng.rich_invariants {
                                add_zero_top(&mut eng.pool, &mut abs, x, &[fv, av]);
                            }
                            if one_iteration && eng.rich_invariants {
                                growths.push(Growth {
                                    side,
                                    x,
                                    first: fv,
                                    diff,
                                });
                            }
                            if !back_edge && let Some(a) = &arrival[side] {
                                inherit_tests(&mut eng.pool, &mut abs, a, av, x);
                            }
                            if let Some((x0, low)) = low_match {
                                let (l0, l1) =
                                    (eng.pool.extract(x0, 0, low), eng.pool.extract(x, 0, low));
                                let inv = eng.pool.eq_(l0, l1);
                                abs.invariants.push(inv);
                                abs.tried.push(inv);
                            }
                            x
                        }
                    };
                    LocValue::Var(x)
                }
            };
            tracing::debug!(
                side,
                loc = %loc_name(eng, &loc),
                first = %eng.pool.show(fv, 6),
                arrival = %eng.pool.show(av, 6),
                value = ?value,
                "widen"
            );
            abs.locs[side].push((loc, value));
        }
    }
    if let Some(k) = abs.iter_var {
        let found = growth_candidates(eng, cond, &growths, k);
        abs.inherited.extend(found);
    }
    add_blocks(eng, &mut abs, &first, arrival, cond, new_blocks);
    add_stripes(eng, &mut abs, cond, w.moving)?;
    if tracing::enabled!(tracing::Level::DEBUG) {
        for (side, locs) in abs.locs.iter().enumerate() {
            let shown: Vec<String> = locs
                .iter()
                .map(|(l, v)| format!("{}={v:?}", loc_name(eng, l)))
                .collect();
            tracing::debug!(side, locs = ?shown, "abstraction");
        }
    }
    eng.nodes[n].abs = abs;
    // The node's path condition: only what every arrival satisfies.
    for side in 0..2 {
        if let (Some(f), Some(a)) = (
            eng.nodes[n]
                .abs
                .first
                .as_mut()
                .and_then(|f| f[side].as_mut()),
            &arrival[side],
        ) {
            f.path.retain(|c| a.path.contains(c));
        }
    }
    Ok(())
}

/// The most `ite` conditions [`prune_ites`] asks the solver about.
const MAX_PRUNED: usize = 16;

/// `t` with the `ite`s whose condition `cond` decides replaced by the branch it takes (equal
/// to `t` under `cond`). Memory reads through stores at symbolic addresses are `ite`s on the
/// addresses being equal, which the path usually rules out.
fn prune_ites(eng: &mut Engine, cond: TermId, t: TermId) -> TermId {
    let conds = eng.pool.ite_conditions(t, MAX_PRUNED);
    if conds.is_empty() {
        return t;
    }
    match eng.solver.decide_conditions(&mut eng.pool, cond, conds) {
        Some(decided) if !decided.is_empty() => eng.pool.substitute_conditions(t, &decided),
        _ => t,
    }
}

/// Makes it an invariant that the top bits of the new variable `x` are zero when they are
/// zero in all its known values (a 32-bit counter in a 64-bit register, a byte in a 32-bit
/// one). Without it a loop that updates the low half on one path and keeps the register on
/// another would not be inductive: the variable's top half is arbitrary.
fn add_zero_top(pool: &mut TermPool, abs: &mut Abstraction, x: TermId, values: &[TermId]) {
    let w = pool.width(x);
    // Constants say nothing about how wide the value is: a counter from 0 to 1 may grow.
    let sizes: &[u16] = if values.iter().all(|v| pool.as_const(*v).is_some()) {
        &[32]
    } else {
        &[8, 16, 32]
    };
    for low in sizes.iter().copied().filter(|l| *l < w) {
        let zero = values.iter().all(|v| {
            let top = pool.extract(*v, low, w - low);
            pool.as_const(top) == Some(0)
        });
        if zero {
            let top = pool.extract(x, low, w - low);
            let z = pool.c(w - low, 0);
            let inv = pool.eq_(top, z);
            abs.invariants.push(inv);
            abs.tried.push(inv);
            return;
        }
    }
}

/// A variable that grew by `diff` from its `first` value in the node's first iteration.
struct Growth {
    side: usize,
    x: TermId,
    first: TermId,
    diff: TermId,
}

/// Candidate invariants over `k` from how variables grew in the first iteration:
/// - `x <=u first + 255 * k` for one that grew by at most 255 (a byte added to a sum): it
///   shows that a sum of bytes fits in a field; `x <=u first + k` for one that grew by at
///   most 1;
/// - `sum(x - first) == k` over the variables of one side and width that each grew by at
///   most 1 (counters that partition the iterations: exactly one counts each), which shows
///   that the last of them is `k` minus the others.
fn growth_candidates(eng: &mut Engine, cond: TermId, growths: &[Growth], k: TermId) -> Vec<TermId> {
    let mut out = Vec::new();
    // (side, width) -> the counters' distances from their first values.
    let mut counters: Vec<((usize, u16), Vec<TermId>)> = Vec::new();
    for g in growths {
        let w = eng.pool.width(g.x);
        if w <= 8 {
            continue;
        }
        let one = eng.pool.c(w, 1);
        let at_most_one = eng.pool.binary(BinOp::Ule, g.diff, one);
        let byte = eng.pool.c(w, 0xff);
        let at_most_byte = eng.pool.binary(BinOp::Ule, g.diff, byte);
        let kw = eng.pool.extract(k, 0, w);
        let most = if eng.holds_speculative(cond, at_most_one) {
            let d = eng.pool.sub(g.x, g.first);
            match counters.iter_mut().find(|(key, _)| *key == (g.side, w)) {
                Some((_, ds)) => ds.push(d),
                None => counters.push(((g.side, w), vec![d])),
            }
            kw
        } else if eng.holds_speculative(cond, at_most_byte) {
            // 255 * k as (k << 8) - k: a shift is cheaper for the solver than a product.
            let eight = eng.pool.c(w, 8);
            let shifted = eng.pool.binary(BinOp::Shl, kw, eight);
            eng.pool.sub(shifted, kw)
        } else {
            continue;
        };
        let bound = eng.pool.add(g.first, most);
        out.push(eng.pool.binary(BinOp::Ule, g.x, bound));
    }
    for ((_, w), ds) in counters {
        if ds.len() < 2 {
            continue;
        }
        let pool = &mut eng.pool;
        let mut sum = ds[0];
        for d in &ds[1..] {
            sum = pool.add(sum, *d);
        }
        let kw = pool.extract(k, 0, w);
        out.push(pool.eq_(sum, kw));
    }
    out
}

/// The node's variables at their values on the first arrival (the iteration counter at 0).
fn first_sigma(eng: &mut Engine, abs: &Abstraction) -> FxHashMap<TermId, TermId> {
    let first = abs.first.clone().unwrap_or_default();
    let mut sigma0: FxHashMap<TermId, TermId> = FxHashMap::default();
    if let Some(k) = abs.iter_var {
        let z = eng.pool.c(64, 0);
        sigma0.insert(k, z);
    }
    for (side, f) in first.iter().enumerate() {
        if let Some(f) = f {
            for (loc, v) in &abs.locs[side] {
                if let LocValue::Block { len, .. } = v {
                    let z = eng.pool.c(64, 0);
                    sigma0.insert(*len, z);
                }
                if let LocValue::Var(x) = v {
                    let fv = value_of(
                        &mut eng.pool,
                        eng.sides[side],
                        f,
                        &abs.first_pending[side],
                        loc,
                    );
                    sigma0.entry(*x).or_insert(fv);
                }
            }
        }
    }
    sigma0
}

/// Abstracts the blocks range writes reached: a length variable (bound on each arrival) and
/// fresh contents, shared with the original's block when the arrival holds the same bytes in
/// both.
fn add_blocks(
    eng: &mut Engine,
    abs: &mut Abstraction,
    first: &[Option<SymState>; 2],
    arrival: &[Option<SymState>; 2],
    cond: TermId,
    new_blocks: [Vec<TermId>; 2],
) {
    // The original's new blocks: (contents, length, start, extent in the arrival).
    let mut originals: Vec<(TermId, TermId, TermId, TermId)> = Vec::new();
    for (side, addrs) in new_blocks.into_iter().enumerate() {
        let (Some(f), Some(a)) = (&first[side], &arrival[side]) else {
            continue;
        };
        for addr in addrs {
            let Some((reach, max)) = block_extent(&mut eng.pool, f, a, addr) else {
                continue;
            };
            let loc = Loc::Block { addr };
            let cap = eng.pool.c(64, u128::from(max));
            let under = eng.pool.ult(reach, cap);
            let extent = eng.pool.ite(under, reach, cap);
            let mut shared = None;
            if side == 1
                && let Some(a0) = &arrival[0]
            {
                for (c0, l0, s0, e0) in originals.clone() {
                    let regions = [(s0, e0), (addr, extent)];
                    if stripe::same_contents(eng, cond, [a0, a], regions) {
                        shared = Some((c0, l0));
                        originals.retain(|o| o.0 != c0);
                        break;
                    }
                }
            }
            let name = format!("{}{}", eng.sides[side].id.tag(), loc_name(eng, &loc));
            // A shared block has the original's contents and length.
            let (contents, len) = shared.unwrap_or_else(|| {
                (
                    eng.pool.fresh_var(name.clone(), 0, VarKind::Memory),
                    eng.pool
                        .fresh_var(format!("{name}.len"), 64, VarKind::Abstract),
                )
            });
            if side == 0 {
                originals.push((contents, len, addr, extent));
            }
            let offset = eng.pool.fresh_var("offset", 64, VarKind::Abstract);
            tracing::debug!(side, block = %name, reach = %eng.pool.show(reach, 6), max, shared = shared.is_some(), "block");
            abs.locs[side].push((
                loc,
                LocValue::Block {
                    len,
                    max,
                    contents,
                    offset,
                },
            ));
        }
    }
}

/// Turns the writes at moving addresses into stripes: cells the first iteration wrote are
/// folded into them, and a stripe is shared with the original's when both were made by the
/// same writes.
fn add_stripes(
    eng: &mut Engine,
    abs: &mut Abstraction,
    cond: TermId,
    moving: [Vec<MemWrite>; 2],
) -> Result<(), String> {
    if moving.iter().all(Vec::is_empty) {
        return Ok(());
    }
    let sigma0 = first_sigma(eng, abs);
    let vars = node_vars(abs);
    let mut made: [Vec<stripe::NewStripe>; 2] = Default::default();
    for (side, writes) in moving.iter().enumerate() {
        made[side] = stripe::group(&mut eng.pool, writes, &sigma0, &vars)?;
    }
    // The original's stripe contents, and those the patched binary shares.
    let mut contents_of: Vec<TermId> = Vec::new();
    let mut taken: Vec<TermId> = Vec::new();
    for side in 0..2 {
        for ns in &made[side] {
            let loc = Loc::Stripe {
                anchor: ns.anchor,
                down: ns.down,
            };
            if abs.locs[side].iter().any(|(l, _)| *l == loc) {
                return Err(format!(
                    "a loop writes memory beyond the range it wrote so far ({})",
                    loc_name(eng, &loc)
                ));
            }
            // Cells the first iteration wrote are inside the stripe now.
            let extent = stripe::first_extent(&mut eng.pool, ns, &sigma0);
            abs.locs[side].retain(|(l, _)| match l {
                Loc::Cell { addr, .. } if ns.down => !matches!(
                    eng.pool.const_diff(ns.anchor, *addr),
                    Some(d) if d > 0 && (d as u64) <= extent
                ),
                Loc::Cell { addr, .. } => !matches!(
                    eng.pool.const_diff(*addr, ns.anchor),
                    Some(d) if (d as u64) < extent
                ),
                _ => true,
            });
            // A stripe of the original written the same way shares its contents: first one
            // written with equal values, else one laid out alike whose values are not equal
            // yet only because cells the stripe now covers were widened apart (this arrival
            // read them). The sharing is a hypothesis every later arrival checks
            // (`split_unequal`), so sharing too eagerly costs a visit, never soundness.
            let shared = if side == 1 {
                let mut hit = None;
                'values: for values in [true, false] {
                    for (j, other) in made[0].iter().enumerate() {
                        if !taken.contains(&contents_of[j])
                            && stripe::same_writes(eng, cond, other, ns, values)
                        {
                            hit = Some(contents_of[j]);
                            taken.push(contents_of[j]);
                            break 'values;
                        }
                    }
                }
                hit
            } else {
                None
            };
            let contents = shared.unwrap_or_else(|| {
                eng.pool.fresh_var(
                    format!("{}{}", eng.sides[side].id.tag(), loc_name(eng, &loc)),
                    0,
                    VarKind::Memory,
                )
            });
            if side == 0 {
                contents_of.push(contents);
            }
            let offset = eng.pool.fresh_var("offset", 64, VarKind::Abstract);
            tracing::debug!(
                side,
                anchor = %eng.pool.show(ns.anchor, 6),
                down = ns.down,
                len = %eng.pool.show(ns.len, 6),
                shared = shared.is_some(),
                "stripe"
            );
            abs.locs[side].push((
                loc,
                LocValue::Stripe {
                    len: ns.len,
                    contents,
                    offset,
                },
            ));
        }
    }
    // Invariants over variables of cells that are gone.
    let kept = node_vars(abs);
    let gone: FxHashSet<TermId> = vars.difference(&kept).copied().collect();
    abs.invariants
        .retain(|i| !mentions_any(&eng.pool, *i, &gone));
    Ok(())
}

/// An original's new variable: its location's (first, arrival) values, the variable, the
/// location.
type Shareable = ((TermId, TermId), TermId, Loc);

/// The original's locations that hold variables, with their first and arrival values.
fn original_vars(
    eng: &mut Engine,
    abs: &Abstraction,
    first: &[Option<SymState>; 2],
    arrival: &[Option<SymState>; 2],
    first_pending: &[Vec<Event>; 2],
    pending: &[Vec<Event>; 2],
) -> Vec<Shareable> {
    let (Some(f), Some(a)) = (&first[0], &arrival[0]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (loc, v) in &abs.locs[0] {
        if let LocValue::Var(x) = v {
            let fv = value_of(&mut eng.pool, eng.sides[0], f, &first_pending[0], loc);
            let av = value_of(&mut eng.pool, eng.sides[0], a, &pending[0], loc);
            out.push(((fv, av), *x, loc.clone()));
        }
    }
    out
}

/// The original's variable a new patched location shares: one whose location had the same
/// first value and arrives equal. The same location is tried first (an unchanged slot), then
/// syntactic matches, so that coincidences (two counters both 0 then 1) pair up as the code
/// does. Also, when only the low bits match (a 32-bit slot against a 64-bit register), the
/// variable and the width to relate them by an invariant.
fn share_with_original(
    eng: &mut Engine,
    shared: &[Shareable],
    loc: &Loc,
    fv: TermId,
    av: TermId,
    cond: TermId,
    first_cond: TermId,
) -> (Option<TermId>, Option<(TermId, u16)>) {
    let width = eng.pool.width(fv);
    let mut order: Vec<&Shareable> = shared.iter().collect();
    order.sort_by_key(|(vals, _, l)| (l != loc, *vals != (fv, av)));
    let mut low_match = None;
    for ((f2, a2), x, _) in order {
        if (*f2, *a2) == (fv, av) {
            return (Some(*x), None);
        }
        let w2 = eng.pool.width(*f2);
        let low = w2.min(width);
        let (a2l, avl) = (eng.pool.extract(*a2, 0, low), eng.pool.extract(av, 0, low));
        let g = eng.pool.eq_(a2l, avl);
        if !eng.holds_speculative(cond, g) {
            continue;
        }
        // Equal first values: the same term, or provably equal on the first arrival (bytes
        // past a read's end are each side's own unknowns, but never read there).
        let (f2l, fvl) = (eng.pool.extract(*f2, 0, low), eng.pool.extract(fv, 0, low));
        let f_eq = eng.pool.eq_(f2l, fvl);
        if f2l == fvl || eng.holds_speculative(first_cond, f_eq) {
            if w2 == width {
                return (Some(*x), None);
            }
            low_match.get_or_insert((*x, low));
        }
    }
    (None, low_match)
}

fn loc_name(eng: &Engine, loc: &Loc) -> String {
    match loc {
        Loc::Reg(id) => eng.sides[0]
            .prog
            .desc()
            .reg_name(tandem_ir::Reg::new(*id, 0))
            .to_string(),
        Loc::Ghost(g) => g.clone(),
        Loc::Cell { addr, .. } => format!("mem{}", addr.0),
        Loc::Stripe { anchor, .. } => format!("stripe{}", anchor.0),
        Loc::Block { addr } => format!("block{}", addr.0),
        Loc::Event { index, arg } => format!("event{index}.{arg}"),
    }
}

/// Proposes invariants from the comparisons on the paths out of node `n`; true when new
/// candidates were added (the node must then be visited again under them). Candidates are
/// checked on the first arrival and the recorded arrivals from other nodes; the node's next
/// visit checks its back edges.
pub fn propose_invariants(
    eng: &mut Engine,
    n: usize,
    paths: &[Vec<TermId>],
    events: &[[Vec<Event>; 2]],
) -> Result<bool, String> {
    let abs = eng.nodes[n].abs.clone();
    if abs.locs.iter().all(Vec::is_empty) {
        return Ok(false);
    }
    let vars = node_vars(&abs);
    let mut candidates = event_equalities(eng, &vars, events);
    candidates.extend(var_equalities(eng, &abs));
    candidates.extend(std::mem::take(&mut eng.nodes[n].abs.inherited));
    let mut atoms: Vec<TermId> = Vec::new();
    for path in paths {
        for c in path {
            collect_atoms(&eng.pool, *c, &vars, &mut atoms);
        }
    }
    for a in atoms {
        tracing::trace!(atom = %eng.pool.show(a, 8), "exit atom");
        let (positive, atom) = match eng.pool.node(a).clone() {
            Node::Unary(tandem_ir::UnOp::Not, inner) => (false, inner),
            _ => (true, a),
        };
        // A sign test (`jns` after `cmp x, 0`) is `0 <=s x` or `x <s 0`.
        if let Node::Extract { lo, width: 1, arg } = eng.pool.node(atom).clone()
            && lo + 1 == eng.pool.width(arg)
        {
            let zero = eng.pool.c(lo + 1, 0);
            let stripped = strip_offset(&mut eng.pool, arg, &vars);
            for x in [arg, stripped] {
                candidates.push(if positive {
                    eng.pool.binary(BinOp::Slt, x, zero)
                } else {
                    eng.pool.binary(BinOp::Sle, zero, x)
                });
            }
            continue;
        }
        if let Node::Binary(BinOp::Eq, x, y) = eng.pool.node(atom).clone()
            && let Some(k) = abs.iter_var
        {
            candidates.extend(distance_bounds(&mut eng.pool, x, y, k, &vars));
            continue;
        }
        if let Node::Binary(op, x, y) = eng.pool.node(atom).clone() {
            let (lt, le) = match op {
                BinOp::Slt | BinOp::Sle => (BinOp::Slt, BinOp::Sle),
                BinOp::Ult | BinOp::Ule => (BinOp::Ult, BinOp::Ule),
                _ => continue,
            };
            // The comparison as it holds on the path, and its non-strict form; also both
            // with the counter's side stripped of its constant offset (`i + 1 < n` on the
            // path out of the body is `i < n` at the head).
            let (x, y, strict) = if positive {
                (x, y, op == lt)
            } else {
                (y, x, op != lt)
            };
            let (xs, ys) = (
                strip_offset(&mut eng.pool, x, &vars),
                strip_offset(&mut eng.pool, y, &vars),
            );
            for (a, b) in [(x, y), (xs, y), (x, ys)] {
                if strict {
                    candidates.push(eng.pool.binary(lt, a, b));
                }
                candidates.push(eng.pool.binary(le, a, b));
            }
        }
    }
    if let Some(k) = abs.iter_var {
        let zero = eng.pool.c(64, 0);
        candidates.push(eng.pool.binary(BinOp::Sle, zero, k));
    }
    let mut added = false;
    let sigma0 = first_sigma(eng, &abs);
    let first_cond = eng.pool.all(abs.first_path.clone());
    for c in candidates {
        if eng.pool.is_true(c) || eng.pool.is_false(c) {
            continue;
        }
        if eng.nodes[n].abs.tried.contains(&c) {
            continue;
        }
        eng.nodes[n].abs.tried.push(c);
        // It must hold on the first arrival.
        let at_first = eng.pool.substitute_all(c, &sigma0);
        if !eng.holds_speculative(first_cond, at_first) {
            continue;
        }
        tracing::debug!(invariant = %eng.pool.show(c, 8), "candidate invariant");
        eng.nodes[n].abs.invariants.push(c);
        added = true;
    }
    if added {
        rebuild(eng, n);
        recheck_others(eng, n)?;
    }
    Ok(added)
}

/// The most variable-equality candidates one visit proposes.
const MAX_VAR_CANDIDATES: usize = 32;

/// Equalities between an original's and a patched variable that are not shared and started
/// equal (in their common low bits): the sharing heuristic pairs locations by their first two
/// values, which cannot tell apart two counters that both went from 0 to x; Houdini keeps the
/// equalities that hold on every arrival.
fn var_equalities(eng: &mut Engine, abs: &Abstraction) -> Vec<TermId> {
    let own = |side: usize| -> Vec<(TermId, &Loc)> {
        let other: Vec<TermId> = abs.locs[1 - side]
            .iter()
            .filter_map(|(_, v)| match v {
                LocValue::Var(x) => Some(*x),
                _ => None,
            })
            .collect();
        abs.locs[side]
            .iter()
            .filter_map(|(l, v)| match v {
                LocValue::Var(x) if !other.contains(x) => Some((*x, l)),
                _ => None,
            })
            .collect()
    };
    let (xs, ys) = (own(0), own(1));
    if xs.is_empty() || ys.is_empty() {
        return Vec::new();
    }
    let sigma0 = first_sigma(eng, abs);
    let mut out = Vec::new();
    // Locations of different widths (a 32-bit variable in a frame slot, its copy in a
    // 64-bit register) compare in their common low bits.
    let low = |pool: &mut TermPool, t: TermId, w: u16| {
        if pool.width(t) == w {
            t
        } else {
            pool.extract(t, 0, w)
        }
    };
    for (x, _) in &xs {
        for (y, _) in &ys {
            let w = eng.pool.width(*x).min(eng.pool.width(*y));
            let (Some(fx), Some(fy)) = (sigma0.get(x).copied(), sigma0.get(y).copied()) else {
                continue;
            };
            let (fx, fy) = (low(&mut eng.pool, fx, w), low(&mut eng.pool, fy, w));
            if fx != fy {
                continue;
            }
            let (lx, ly) = (low(&mut eng.pool, *x, w), low(&mut eng.pool, *y, w));
            out.push(eng.pool.eq_(lx, ly));
            if out.len() >= MAX_VAR_CANDIDATES {
                return out;
            }
        }
    }
    out
}

/// The most event-equality candidates one visit proposes.
const MAX_EVENT_CANDIDATES: usize = 16;

/// Equalities between the values of the events the sides will compare (at the same position
/// of an exit pair), over the node's variables: a value a side carries in a pending event and
/// the one the other side computes at its end, say.
fn event_equalities(
    eng: &mut Engine,
    vars: &FxHashSet<TermId>,
    events: &[[Vec<Event>; 2]],
) -> Vec<TermId> {
    let mut out = Vec::new();
    for [a, b] in events {
        for (x, y) in a.iter().zip(b) {
            if !pending::comparable(&eng.pool, x, y) {
                break;
            }
            let (x, y) = (std::slice::from_ref(x), std::slice::from_ref(y));
            let vx = pending::values(&mut eng.pool, eng.sides[0], x);
            let vy = pending::values(&mut eng.pool, eng.sides[1], y);
            for ((_, _, p), (_, _, q)) in vx.into_iter().zip(vy) {
                if p == q || eng.pool.width(p) != eng.pool.width(q) {
                    continue;
                }
                if !mentions_any(&eng.pool, p, vars) && !mentions_any(&eng.pool, q, vars) {
                    continue;
                }
                let c = eng.pool.eq_(p, q);
                if !out.contains(&c) {
                    out.push(c);
                    if out.len() >= MAX_EVENT_CANDIDATES {
                        return out;
                    }
                }
            }
        }
    }
    out
}

/// Bounds on the iteration counter from a loop that runs until `x == y`, where `y - x` is
/// `d - s*k` for a `d` fixed across iterations: `s*k < d` and `s*k <= d` (unsigned), which
/// say the distance has not been crossed yet.
fn distance_bounds(
    pool: &mut TermPool,
    x: TermId,
    y: TermId,
    k: TermId,
    vars: &FxHashSet<TermId>,
) -> Vec<TermId> {
    let w = pool.width(x);
    let kw = if w == 64 {
        k
    } else {
        pool.extract(k, 0, w.min(64))
    };
    if w > 64 {
        return Vec::new();
    }
    let mut dist = pool.linear(y).sub(&pool.linear(x));
    let Some(pos) = dist.terms.iter().position(|(t, _)| *t == kw) else {
        return Vec::new();
    };
    let (_, coef) = dist.terms.remove(pos);
    let mut rest = pool.from_linear(&dist);
    if mentions_any(pool, rest, vars) {
        return Vec::new();
    }
    // Make the counter's coefficient negative: `y - x` or `x - y` shrinks as k grows.
    let mut step = coef.wrapping_neg() & tandem_ir::mask(w);
    if step > tandem_ir::mask(w) / 2 {
        step = coef;
        rest = pool.neg(rest);
    }
    let s = pool.c(w, step);
    let sk = pool.binary(BinOp::Mul, kw, s);
    vec![
        pool.binary(BinOp::Ult, sk, rest),
        pool.binary(BinOp::Ule, sk, rest),
    ]
}

/// `t` without its constant term, when `t` is linear in the node's variables.
fn strip_offset(pool: &mut TermPool, t: TermId, vars: &FxHashSet<TermId>) -> TermId {
    if !mentions_any(pool, t, vars) {
        return t;
    }
    let mut l = (*pool.linear(t)).clone();
    l.constant = 0;
    pool.from_linear(&l)
}

fn collect_atoms(pool: &TermPool, t: TermId, vars: &FxHashSet<TermId>, out: &mut Vec<TermId>) {
    match pool.node(t) {
        Node::Binary(BinOp::And, a, b) if pool.width(*a) == 1 => {
            let (a, b) = (*a, *b);
            collect_atoms(pool, a, vars, out);
            collect_atoms(pool, b, vars, out);
        }
        _ => {
            if mentions_any(pool, t, vars) && !out.contains(&t) {
                out.push(t);
            }
        }
    }
}
