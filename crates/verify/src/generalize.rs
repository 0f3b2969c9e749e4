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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocValue {
    Induction { first: TermId, step: u128 },
    Var(TermId),
}

#[derive(Clone, Debug, Default)]
pub struct Abstraction {
    /// The exact states of the first arrival (events cleared).
    pub first: Option<[Option<SymState>; 2]>,
    /// The generalised locations of each side.
    pub locs: [Vec<(Loc, LocValue)>; 2],
    pub iter_var: Option<TermId>,
    pub invariants: Vec<TermId>,
    /// Candidate invariants already proposed (each is proposed once).
    pub tried: Vec<TermId>,
}

pub enum Join {
    Subsumed,
    Widened,
    Failed(String),
}

fn value_of(pool: &mut TermPool, eng_side: &crate::side::Side, st: &SymState, loc: &Loc) -> TermId {
    match loc {
        Loc::Reg(id) => st.regs[usize::from(*id)],
        Loc::Ghost(name) => st.ghost(name).unwrap_or_else(|| pool.c(64, 0)),
        Loc::Cell { addr, size } => tandem_symex::load(
            pool,
            &st.mem,
            *addr,
            *size,
            &eng_side.image,
            &eng_side.image,
        ),
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

/// The locations whose values may differ between two states of one side: live registers (but
/// the program counter), ghost globals, and memory cells written after their common history.
fn changed_locations(
    pool: &mut TermPool,
    pc: u16,
    live: RegSet,
    a: &SymState,
    b: &SymState,
    node_vars: &FxHashSet<TermId>,
) -> Result<Vec<Loc>, String> {
    let mut out = Vec::new();
    for (i, (x, y)) in a.regs.iter().zip(&b.regs).enumerate() {
        if i as u16 != pc && x != y && live.contains(i as u16) {
            out.push(Loc::Reg(i as u16));
        }
    }
    for (name, v) in &b.ghosts {
        if a.ghost(name) != Some(*v) {
            out.push(Loc::Ghost(name.clone()));
        }
    }
    let (_, sa, sb) = a.mem.split_common(&b.mem);
    for w in sa.iter().chain(&sb) {
        let size = match &w.kind {
            WriteKind::Value { size, .. } => u16::from(*size),
            WriteKind::Range { .. } => return Err("a loop writes a range of memory".into()),
        };
        if mentions_any(pool, w.addr, node_vars) {
            return Err("a loop writes memory at an address that moves between iterations".into());
        }
        let loc = Loc::Cell { addr: w.addr, size };
        if !out.contains(&loc) {
            out.push(loc);
        }
    }
    Ok(out)
}

fn mentions_any(pool: &TermPool, t: TermId, vars: &FxHashSet<TermId>) -> bool {
    !vars.is_empty() && pool.free_vars(t).iter().any(|v| vars.contains(v))
}

/// The node's variables (iteration counter and location variables).
fn node_vars(abs: &Abstraction) -> FxHashSet<TermId> {
    let mut s = FxHashSet::default();
    if let Some(k) = abs.iter_var {
        s.insert(k);
    }
    for side in &abs.locs {
        for (_, v) in side {
            if let LocValue::Var(x) = v {
                s.insert(*x);
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
        for (loc, v) in &abs.locs[side] {
            let t = abstract_value(&mut eng.pool, v, abs.iter_var);
            match loc {
                Loc::Reg(id) => st.regs[usize::from(*id)] = t,
                Loc::Ghost(name) => st.set_ghost(name, t),
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
    }
}

/// Joins an arrival into node `n`.
pub fn join(
    eng: &mut Engine,
    n: usize,
    arrival: &[Option<SymState>; 2],
    pending: &[Vec<Event>; 2],
    cond: TermId,
) -> Join {
    if eng.nodes[n].pending != *pending {
        return Join::Failed(
            "the binaries defer different events on different paths into one point".into(),
        );
    }
    if eng.nodes[n].abs.first.is_none() {
        // The node's current states are its exact first arrival.
        let first = eng.nodes[n].states.clone();
        eng.nodes[n].abs.first = Some(first);
    }
    match subsumed(eng, n, arrival, cond) {
        Ok(()) => Join::Subsumed,
        Err(weaken) => match widen(eng, n, arrival, cond, weaken) {
            Ok(()) => {
                rebuild(eng, n);
                Join::Widened
            }
            Err(why) => Join::Failed(why),
        },
    }
}

/// What must be weakened for an arrival to be covered.
#[derive(Default)]
pub struct Weaken {
    /// Locations that are no longer their first value, per side.
    new_locs: [Vec<Loc>; 2],
    /// Locations whose abstract value does not cover the arrival, per side.
    bad_locs: [Vec<Loc>; 2],
    bad_invariants: Vec<TermId>,
}

enum Expected {
    Abstract(TermId),
    Arrival(TermId),
}

fn subsumed(
    eng: &mut Engine,
    n: usize,
    arrival: &[Option<SymState>; 2],
    cond: TermId,
) -> Result<(), Weaken> {
    let abs = eng.nodes[n].abs.clone();
    let first = abs.first.clone().unwrap_or_default();
    let vars = node_vars(&abs);
    let pc = eng.sides[0].prog.desc().pc.id;
    let mut weaken = Weaken::default();
    let mut sigma: FxHashMap<TermId, TermId> = FxHashMap::default();
    // (side, location, expected, actual); `expected` is an abstract term to substitute, or
    // (for a variable bound earlier) an arrival term already.
    let mut obligations: Vec<(usize, Loc, Expected, TermId)> = Vec::new();
    // The iteration counter: try `k + 1` (a back edge); a first arrival of another path has
    // no counter value to offer and is checked location by location.
    if let Some(k) = abs.iter_var {
        let one = eng.pool.c(64, 1);
        let next = eng.pool.add(k, one);
        sigma.insert(k, next);
    }
    for side in 0..2 {
        let (Some(f), Some(a)) = (&first[side], &arrival[side]) else {
            continue;
        };
        // Locations changed from the first arrival must all be abstracted.
        let live = live_regs(eng, n, side);
        let changed = match changed_locations(&mut eng.pool, pc, live, f, a, &vars) {
            Ok(c) => c,
            Err(_) => {
                weaken.new_locs[side].push(Loc::Ghost("<memory>".into()));
                continue;
            }
        };
        for loc in changed {
            if !abs.locs[side].iter().any(|(l, _)| *l == loc) {
                weaken.new_locs[side].push(loc);
            }
        }
        for (loc, v) in &abs.locs[side] {
            let av = value_of(&mut eng.pool, eng.sides[side], a, loc);
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
            }
        }
    }
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
        if !eng.holds(cond, i) {
            tracing::debug!(invariant = %eng.pool.show(*inv, 8), "invariant dropped");
            weaken.bad_invariants.push(*inv);
        }
    }
    let clean = weaken.new_locs.iter().all(Vec::is_empty)
        && weaken.bad_locs.iter().all(Vec::is_empty)
        && weaken.bad_invariants.is_empty();
    if clean { Ok(()) } else { Err(weaken) }
}

fn widen(
    eng: &mut Engine,
    n: usize,
    arrival: &[Option<SymState>; 2],
    cond: TermId,
    w: Weaken,
) -> Result<(), String> {
    let mut abs = eng.nodes[n].abs.clone();
    let first = abs.first.clone().unwrap_or_default();
    if w.new_locs
        .iter()
        .flatten()
        .any(|l| matches!(l, Loc::Ghost(g) if g == "<memory>"))
    {
        let vars = node_vars(&abs);
        let pc = eng.sides[0].prog.desc().pc.id;
        for side in 0..2 {
            if let (Some(f), Some(a)) = (&first[side], &arrival[side]) {
                let live = live_regs(eng, n, side);
                changed_locations(&mut eng.pool, pc, live, f, a, &vars)?;
            }
        }
    }
    abs.invariants.retain(|i| !w.bad_invariants.contains(i));
    let exact_arrival = abs.locs.iter().all(Vec::is_empty);
    // Values of the new locations: an induction when the first two values differ by a
    // constant, else a variable, shared across the sides when both values match.
    let mut new_vals: [Vec<(Loc, TermId, TermId)>; 2] = Default::default();
    // Side 0's replacements of failed abstractions: (old value, first, arrival, new variable).
    let mut replaced: Vec<(LocValue, TermId, TermId, TermId)> = Vec::new();
    for side in 0..2 {
        let (Some(f), Some(a)) = (&first[side], &arrival[side]) else {
            continue;
        };
        for loc in &w.new_locs[side] {
            let fv = value_of(&mut eng.pool, eng.sides[side], f, loc);
            let av = value_of(&mut eng.pool, eng.sides[side], a, loc);
            new_vals[side].push((loc.clone(), fv, av));
        }
        // A location whose abstraction failed becomes a plain variable: shared with the other
        // side's location when both had the same abstraction, start equal and arrive equal
        // (the equality is then checked again at every later arrival, through the shared
        // variable); otherwise this side's own.
        for loc in &w.bad_locs[side] {
            let Some(i) = abs.locs[side].iter().position(|(l, _)| l == loc) else {
                continue;
            };
            let old = abs.locs[side][i].1.clone();
            let width = match &old {
                LocValue::Var(x) => eng.pool.width(*x),
                LocValue::Induction { first, .. } => eng.pool.width(*first),
            };
            let fv = value_of(&mut eng.pool, eng.sides[side], f, loc);
            let av = value_of(&mut eng.pool, eng.sides[side], a, loc);
            let mut x = None;
            if side == 1 {
                for (o, f0, a0, x0) in &replaced {
                    if *o == old && *f0 == fv && eng.pool.width(*a0) == width {
                        let same = eng.pool.eq_(*a0, av);
                        if eng.holds(cond, same) {
                            x = Some(*x0);
                            break;
                        }
                    }
                }
            }
            let x = x.unwrap_or_else(|| {
                eng.pool.fresh_var(
                    format!("{}{}", eng.sides[side].id.tag(), loc_name(eng, loc)),
                    width,
                    VarKind::Abstract,
                )
            });
            if side == 0 {
                replaced.push((old, fv, av, x));
            }
            abs.locs[side][i].1 = LocValue::Var(x);
        }
    }
    let mut shared: Vec<((TermId, TermId), TermId)> = Vec::new();
    let first_path: Vec<TermId> = first
        .iter()
        .flatten()
        .flat_map(|f| f.path.clone())
        .collect();
    let first_cond = eng.pool.all(first_path);
    for (side, vals) in new_vals.iter_mut().enumerate() {
        for (loc, fv, av) in std::mem::take(vals) {
            let width = eng.pool.width(fv);
            let diff = eng.pool.sub(av, fv);
            let value = match eng.pool.as_const(diff) {
                Some(d) if d != 0 && exact_arrival => {
                    if abs.iter_var.is_none() {
                        abs.iter_var = Some(eng.pool.fresh_var("k", 64, VarKind::Abstract));
                    }
                    LocValue::Induction { first: fv, step: d }
                }
                _ => {
                    // Share with the other side's location of the same history.
                    let found = shared
                        .iter()
                        .find(|((f2, a2), _)| *f2 == fv && *a2 == av)
                        .map(|(_, x)| *x);
                    let found = match found {
                        Some(x) => Some(x),
                        None if side == 1 => {
                            let mut hit = None;
                            for ((f2, a2), x) in &shared {
                                if eng.pool.width(*f2) != width {
                                    continue;
                                }
                                let g = eng.pool.eq_(*a2, av);
                                if !eng.holds(cond, g) {
                                    continue;
                                }
                                // Equal first values: the same term, or provably equal on
                                // the first arrival (bytes past a read's end are each
                                // side's own unknowns, but never read there).
                                let f_eq = eng.pool.eq_(*f2, fv);
                                if *f2 == fv || eng.holds(first_cond, f_eq) {
                                    hit = Some(*x);
                                    break;
                                }
                            }
                            hit
                        }
                        None => None,
                    };
                    let x = match found {
                        Some(x) if !abs.locs[side].iter().any(|(_, v)| *v == LocValue::Var(x)) => x,
                        _ => {
                            let x = eng.pool.fresh_var(
                                format!("{}{}", eng.sides[side].id.tag(), loc_name(eng, &loc)),
                                width,
                                VarKind::Abstract,
                            );
                            if side == 0 {
                                shared.push(((fv, av), x));
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

fn loc_name(eng: &Engine, loc: &Loc) -> String {
    match loc {
        Loc::Reg(id) => eng.sides[0]
            .prog
            .desc()
            .reg_name(tandem_ir::Reg::new(*id, 0))
            .to_string(),
        Loc::Ghost(g) => g.clone(),
        Loc::Cell { addr, .. } => format!("mem{}", addr.0),
    }
}

/// Proposes invariants from the comparisons on the paths out of node `n`; true when new
/// candidates were added (the node must then be visited again under them).
pub fn propose_invariants(eng: &mut Engine, n: usize, paths: &[Vec<TermId>]) -> bool {
    let abs = eng.nodes[n].abs.clone();
    if abs.locs.iter().all(Vec::is_empty) {
        return false;
    }
    let vars = node_vars(&abs);
    let mut atoms: Vec<TermId> = Vec::new();
    for path in paths {
        for c in path {
            collect_atoms(&eng.pool, *c, &vars, &mut atoms);
        }
    }
    let mut candidates: Vec<TermId> = Vec::new();
    for a in atoms {
        tracing::trace!(atom = %eng.pool.show(a, 8), "exit atom");
        let (positive, atom) = match eng.pool.node(a).clone() {
            Node::Unary(tandem_ir::UnOp::Not, inner) => (false, inner),
            _ => (true, a),
        };
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
    let first = abs.first.clone().unwrap_or_default();
    let mut sigma0: FxHashMap<TermId, TermId> = FxHashMap::default();
    if let Some(k) = abs.iter_var {
        let z = eng.pool.c(64, 0);
        sigma0.insert(k, z);
    }
    for (side, f) in first.iter().enumerate() {
        if let Some(f) = f {
            for (loc, v) in &abs.locs[side] {
                if let LocValue::Var(x) = v {
                    let fv = value_of(&mut eng.pool, eng.sides[side], f, loc);
                    sigma0.entry(*x).or_insert(fv);
                }
            }
        }
    }
    let mut first_cond_parts: Vec<TermId> = Vec::new();
    for f in first.iter().flatten() {
        first_cond_parts.extend(f.path.iter().copied());
    }
    let first_cond = eng.pool.all(first_cond_parts);
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
        if !eng.holds(first_cond, at_first) {
            continue;
        }
        tracing::debug!(invariant = %eng.pool.show(c, 8), "candidate invariant");
        eng.nodes[n].abs.invariants.push(c);
        added = true;
    }
    if added {
        rebuild(eng, n);
    }
    added
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
