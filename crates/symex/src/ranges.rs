//! Value ranges a path implies: what the comparisons it took say about the values they
//! compared, and what a term's form says about its value, without a solver.
//!
//! Memory uses them to tell a write at a symbolic offset from a slot it cannot reach (at -O0,
//! `rev[n - 1 - i]` against the frame's `i` and `n`, with `i < n <= 16` on the path), and the
//! explorer to follow only the side of a branch the path already decides. Without them every
//! such load is a choice on whether the write hit it, and the choices nest with every
//! iteration of a loop.
//!
//! A range is an *arc*: the residues modulo `2^width` of the integers `lo ..= hi`, with
//! `0 <= lo < 2^width` and `hi - lo < 2^width`, so that an unsigned interval and a signed one
//! (which wraps past the top as an unsigned one) are both arcs, and so is `x + c` for any arc
//! of `x`. Everything here is a sound over-approximation: a term's value on any execution of
//! the path lies in its arc; `None` means nothing is known. Widths above 64 are not ranged.

use rustc_hash::{FxHashMap, FxHashSet};
use tandem_ir::{BinOp, UnOp, mask};

use crate::term::{Node, TermId, TermPool};

/// The residues of `lo ..= hi` modulo `2^width` (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arc {
    pub lo: i128,
    pub hi: i128,
}

/// How deep a range walks into a term's structure.
const MAX_DEPTH: u32 = 12;

fn modulus(w: u16) -> i128 {
    1i128 << w
}

impl Arc {
    /// The arc of `lo ..= hi`, normalised; `None` when it covers every value.
    fn new(w: u16, lo: i128, hi: i128) -> Option<Arc> {
        if hi < lo {
            return None;
        }
        let m = modulus(w);
        if hi - lo >= m - 1 {
            return None;
        }
        let start = lo.rem_euclid(m);
        Some(Arc {
            lo: start,
            hi: start + (hi - lo),
        })
    }

    fn point(w: u16, v: u128) -> Arc {
        Arc {
            lo: (v & mask(w)) as i128,
            hi: (v & mask(w)) as i128,
        }
    }

    /// The unsigned interval the arc lies in.
    fn unsigned(self, w: u16) -> (u128, u128) {
        if self.hi < modulus(w) {
            (self.lo as u128, self.hi as u128)
        } else {
            (0, mask(w))
        }
    }

    /// The signed interval the arc lies in.
    fn signed(self, w: u16) -> (i128, i128) {
        let m = modulus(w);
        let half = m / 2;
        // The signed view breaks between 2^(w-1) - 1 and 2^(w-1) (modulo 2^w).
        let boundary = if self.lo < half { half } else { half + m };
        if self.lo < boundary && boundary <= self.hi {
            return (-half, half - 1);
        }
        let lo = if self.lo >= half {
            self.lo - m
        } else {
            self.lo
        };
        (lo, lo + (self.hi - self.lo))
    }

    fn size(self) -> i128 {
        self.hi - self.lo + 1
    }

    /// The smallest arc holding both, as far as an unsigned or a signed view finds one.
    fn hull(w: u16, a: Arc, b: Arc) -> Option<Arc> {
        let (ua, ub) = (a.unsigned(w), b.unsigned(w));
        let u = Arc::new(w, ua.0.min(ub.0) as i128, ua.1.max(ub.1) as i128);
        let (sa, sb) = (a.signed(w), b.signed(w));
        let s = Arc::new(w, sa.0.min(sb.0), sa.1.max(sb.1));
        match (u, s) {
            (Some(u), Some(s)) => Some(if s.size() < u.size() { s } else { u }),
            (u, s) => u.or(s),
        }
    }

    /// An arc holding every value both hold (the smaller one when their common values are
    /// not one arc); `None` when they hold no value in common.
    fn meet(w: u16, a: Arc, b: Arc) -> Option<Arc> {
        let m = modulus(w);
        let mut pieces = Vec::new();
        for k in -1..=2 {
            let (lo, hi) = (b.lo + k * m, b.hi + k * m);
            let (lo, hi) = (lo.max(a.lo), hi.min(a.hi));
            if lo <= hi {
                pieces.push((lo, hi));
            }
        }
        match pieces.as_slice() {
            [] => None,
            [(lo, hi)] => Some(Arc::new(w, *lo, *hi).unwrap_or(a)),
            _ if b.size() < a.size() => Some(b),
            _ => Some(a),
        }
    }
}

/// What a path says about values: arcs of the terms its comparisons bound, and its
/// conjuncts.
#[derive(Default)]
pub struct Facts {
    bounds: FxHashMap<TermId, Arc>,
    known: FxHashSet<TermId>,
    memo: FxHashMap<TermId, Option<Arc>>,
    /// How many `ite` conditions the arc being computed is assumed under (see `arc_under`).
    assumed: u32,
    /// Two facts bound one term to arcs with no value in common: no execution takes the path.
    contradiction: bool,
}

/// A side of a condition the facts rule out.
struct Impossible;

/// What a set of facts says with an assumption added (see [`Facts::overlay`]).
struct Overlay<T> {
    result: T,
    bounds: FxHashMap<TermId, Arc>,
    contradiction: bool,
}

/// The most `ite` conditions an arc is computed under at once: each costs a walk of the
/// arm without the memo.
const MAX_ASSUMED: u32 = 3;

impl Facts {
    /// Nothing known beyond the terms' forms.
    pub fn none() -> Facts {
        Facts::default()
    }

    /// The facts of a path (its conjuncts). Comparisons with a constant bound first, then
    /// comparisons between terms, each bounded by what the first round found of the other
    /// (`i < n` with `n <= 16` bounds `i`).
    pub fn from_path(pool: &mut TermPool, path: &[TermId]) -> Facts {
        let mut f = Facts::default();
        for &c in path {
            f.known.insert(c);
        }
        for round in 0..2 {
            for &c in path {
                f.learn(pool, c, true, round == 1);
            }
            f.memo.clear();
        }
        f
    }

    /// The facts of a condition: its conjuncts are the path.
    pub fn from_condition(pool: &mut TermPool, cond: TermId) -> Facts {
        let mut conjuncts = Vec::new();
        let mut work = vec![cond];
        while let Some(c) = work.pop() {
            match *pool.node(c) {
                Node::Binary(BinOp::And, x, y) if pool.width(c) == 1 => {
                    work.push(x);
                    work.push(y);
                }
                _ => conjuncts.push(c),
            }
        }
        Facts::from_path(pool, &conjuncts)
    }

    /// `t` with every part the facts settle replaced by its value: a comparison they
    /// decide, a value their ranges pin to one number (the trip count of a loop exit the path
    /// took). Equal to `t` wherever the facts hold.
    pub fn simplify(&mut self, pool: &mut TermPool, t: TermId) -> TermId {
        let mut settled = FxHashMap::default();
        let mut seen = FxHashSet::default();
        let mut work = vec![t];
        while let Some(x) = work.pop() {
            if !seen.insert(x) || pool.as_const(x).is_some() {
                continue;
            }
            let w = pool.width(x);
            let value = match w {
                0 => None,
                1 => self.decide(pool, x).map(u128::from),
                _ => self
                    .arc(pool, x)
                    .filter(|r| r.size() == 1)
                    .map(|r| r.lo as u128),
            };
            match value {
                Some(v) => {
                    let c = pool.c(w, v);
                    settled.insert(x, c);
                }
                None => work.extend(pool.children(x)),
            }
        }
        if settled.is_empty() {
            return t;
        }
        pool.substitute_all(t, &settled)
    }

    /// Whether the facts contradict each other: no execution takes the path.
    pub fn is_contradictory(&self) -> bool {
        self.contradiction
    }

    /// Whether `cond` (a truth value) is decided under the facts.
    pub fn decide(&mut self, pool: &mut TermPool, cond: TermId) -> Option<bool> {
        self.decide_at(pool, cond, MAX_DEPTH)
    }

    /// The arc `t`'s value lies in; `None` when nothing is known.
    pub fn arc(&mut self, pool: &mut TermPool, t: TermId) -> Option<Arc> {
        self.arc_at(pool, t, MAX_DEPTH)
    }

    /// Runs `f` with what `c == positive` adds to the facts, which are as before after; the
    /// arcs found meanwhile are not kept (they hold only under the assumption).
    fn overlay<T>(
        &mut self,
        pool: &mut TermPool,
        c: TermId,
        positive: bool,
        rounds: &[bool],
        f: impl FnOnce(&mut Facts, &mut TermPool) -> T,
    ) -> Overlay<T> {
        let bounds = self.bounds.clone();
        let memo = std::mem::take(&mut self.memo);
        let contradiction = self.contradiction;
        self.assumed += 1;
        for &relational in rounds {
            self.learn(pool, c, positive, relational);
            self.memo.clear();
        }
        let result = f(self, pool);
        self.assumed -= 1;
        let out = Overlay {
            result,
            bounds: std::mem::replace(&mut self.bounds, bounds),
            contradiction: std::mem::replace(&mut self.contradiction, contradiction),
        };
        self.memo = memo;
        out
    }

    /// The arc of `t` where `c == positive` holds as well: `Err` when it cannot (the facts
    /// then contradict each other).
    fn arc_under(
        &mut self,
        pool: &mut TermPool,
        c: TermId,
        positive: bool,
        t: TermId,
        depth: u32,
    ) -> Result<Option<Arc>, Impossible> {
        if self.assumed >= MAX_ASSUMED || pool.as_const(t).is_some() {
            return Ok(self.arc_at(pool, t, depth));
        }
        let o = self.overlay(pool, c, positive, &[false, true], |f, pool| {
            f.arc_at(pool, t, depth)
        });
        if o.contradiction {
            return Err(Impossible);
        }
        Ok(o.result)
    }

    /// Adds what `c == positive` says; `relational` also learns from comparisons of two
    /// terms that are not constants.
    fn learn(&mut self, pool: &mut TermPool, c: TermId, positive: bool, relational: bool) {
        match pool.node(c).clone() {
            Node::Unary(UnOp::Not, x) => self.learn(pool, x, !positive, relational),
            Node::Binary(BinOp::And, x, y) if positive && pool.width(c) == 1 => {
                self.learn(pool, x, true, relational);
                self.learn(pool, y, true, relational);
            }
            Node::Binary(BinOp::Or, x, y) if !positive && pool.width(c) == 1 => {
                self.learn(pool, x, false, relational);
                self.learn(pool, y, false, relational);
            }
            // Either disjunct: what both bound, within the hull of the two (`a < 32 | a ==
            // 32`, as a `cmova` tests, bounds `a` by 32); a disjunct the facts rule out
            // leaves the other.
            Node::Binary(BinOp::Or, x, y) if positive && pool.width(c) == 1 => {
                if self.assumed >= MAX_ASSUMED {
                    return;
                }
                let round = [relational];
                let with_x = self.overlay(pool, x, true, &round, |_, _| ());
                let with_y = self.overlay(pool, y, true, &round, |_, _| ());
                match (with_x.contradiction, with_y.contradiction) {
                    (true, true) => self.contradiction = true,
                    (true, false) => self.learn(pool, y, true, relational),
                    (false, true) => self.learn(pool, x, true, relational),
                    (false, false) => {
                        for (t, ax) in with_x.bounds {
                            if let Some(&ay) = with_y.bounds.get(&t)
                                && Some(&ax) != self.bounds.get(&t)
                                && let Some(h) = Arc::hull(pool.width(t), ax, ay)
                            {
                                self.constrain(pool, t, h);
                            }
                        }
                    }
                }
            }
            Node::Binary(op @ (BinOp::Ult | BinOp::Ule | BinOp::Slt | BinOp::Sle), a, b) => {
                let constant = pool.as_const(a).is_some() || pool.as_const(b).is_some();
                if constant == relational {
                    return;
                }
                // ¬(a < b) is b <= a, ¬(a <= b) is b < a.
                let (op, a, b) = if positive {
                    (op, a, b)
                } else {
                    let flipped = match op {
                        BinOp::Ult => BinOp::Ule,
                        BinOp::Ule => BinOp::Ult,
                        BinOp::Slt => BinOp::Sle,
                        _ => BinOp::Slt,
                    };
                    (flipped, b, a)
                };
                self.learn_order(pool, op, a, b);
            }
            Node::Binary(BinOp::Eq, a, b) if !relational => {
                let w = pool.width(a);
                if w > 64 {
                    return;
                }
                for (x, y) in [(a, b), (b, a)] {
                    let Some(v) = pool.as_const(y) else { continue };
                    if positive {
                        self.constrain(pool, x, Arc::point(w, v));
                        continue;
                    }
                    // `x != v` at an end of x's arc moves that end.
                    let Some(r) = self.arc(pool, x) else { continue };
                    let m = modulus(w);
                    let v = v as i128;
                    let shrunk = if r.lo == v || r.lo == v + m {
                        Arc::new(w, r.lo + 1, r.hi)
                    } else if r.hi == v || r.hi == v + m {
                        Arc::new(w, r.lo, r.hi - 1)
                    } else {
                        None
                    };
                    if let Some(shrunk) = shrunk {
                        self.constrain(pool, x, shrunk);
                    }
                }
            }
            // The sign bit.
            Node::Extract { lo, width: 1, arg } if !relational => {
                let w = pool.width(arg);
                if w > 64 || lo + 1 != w {
                    return;
                }
                let half = modulus(w) / 2;
                let arc = if positive {
                    Arc::new(w, -half, -1)
                } else {
                    Arc::new(w, 0, half - 1)
                };
                if let Some(arc) = arc {
                    self.constrain(pool, arg, arc);
                }
            }
            _ => {}
        }
    }

    /// Learns from `a op b` holding, `op` one of the four orders.
    fn learn_order(&mut self, pool: &mut TermPool, op: BinOp, a: TermId, b: TermId) {
        let w = pool.width(a);
        if w > 64 {
            return;
        }
        let strict = i128::from(matches!(op, BinOp::Ult | BinOp::Slt));
        let (ra, rb) = (self.arc(pool, a), self.arc(pool, b));
        let (a_arc, b_arc) = if matches!(op, BinOp::Ult | BinOp::Ule) {
            let (a_lo, _) = ra.map_or((0, mask(w)), |r| r.unsigned(w));
            let (_, b_hi) = rb.map_or((0, mask(w)), |r| r.unsigned(w));
            (
                Arc::new(w, 0, b_hi as i128 - strict),
                Arc::new(w, a_lo as i128 + strict, mask(w) as i128),
            )
        } else {
            let half = modulus(w) / 2;
            let (a_lo, _) = ra.map_or((-half, half - 1), |r| r.signed(w));
            let (_, b_hi) = rb.map_or((-half, half - 1), |r| r.signed(w));
            (
                Arc::new(w, -half, b_hi - strict),
                Arc::new(w, a_lo + strict, half - 1),
            )
        };
        if let Some(arc) = a_arc {
            self.constrain(pool, a, arc);
        }
        if let Some(arc) = b_arc {
            self.constrain(pool, b, arc);
        }
    }

    /// Records that `t` lies in `arc`; for `t = x + c` (one atom, unit coefficient), that
    /// `x` lies in `arc - c`.
    fn constrain(&mut self, pool: &mut TermPool, t: TermId, arc: Arc) {
        let w = pool.width(t);
        let lin = pool.linear(t);
        let (t, arc) = match lin.terms.as_slice() {
            [(x, coef)] if *coef == 1 && lin.constant != 0 => {
                let c = lin.constant as i128;
                match Arc::new(w, arc.lo - c, arc.hi - c) {
                    Some(shifted) => (*x, shifted),
                    None => return,
                }
            }
            _ => (t, arc),
        };
        let arc = match self.bounds.get(&t) {
            Some(old) => match Arc::meet(w, *old, arc) {
                Some(both) => both,
                None => {
                    self.contradiction = true;
                    return;
                }
            },
            None => arc,
        };
        self.bounds.insert(t, arc);
        // Arcs found before this fact are still sound, only looser; the next question
        // about `t` or what it is made of should see the fact.
        self.memo.clear();
    }

    fn decide_at(&mut self, pool: &mut TermPool, c: TermId, depth: u32) -> Option<bool> {
        if let Some(v) = pool.as_const(c) {
            return Some(v != 0);
        }
        if self.known.contains(&c) {
            return Some(true);
        }
        let negated = pool.not(c);
        if self.known.contains(&negated) {
            return Some(false);
        }
        if depth == 0 {
            return None;
        }
        match pool.node(c).clone() {
            Node::Unary(UnOp::Not, x) => self.decide_at(pool, x, depth - 1).map(|v| !v),
            Node::Ite(c, x, y) => match self.decide_at(pool, c, depth - 1) {
                Some(true) => self.decide_at(pool, x, depth - 1),
                Some(false) => self.decide_at(pool, y, depth - 1),
                None => {
                    let vx = self.decide_at(pool, x, depth - 1)?;
                    (self.decide_at(pool, y, depth - 1)? == vx).then_some(vx)
                }
            },
            Node::Binary(BinOp::And, x, y) if pool.width(c) == 1 => {
                match (
                    self.decide_at(pool, x, depth - 1),
                    self.decide_at(pool, y, depth - 1),
                ) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                }
            }
            Node::Binary(BinOp::Or, x, y) if pool.width(c) == 1 => {
                match (
                    self.decide_at(pool, x, depth - 1),
                    self.decide_at(pool, y, depth - 1),
                ) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                }
            }
            Node::Binary(op @ (BinOp::Ult | BinOp::Ule | BinOp::Slt | BinOp::Sle), a, b) => {
                let w = pool.width(a);
                let (ra, rb) = (
                    self.arc_at(pool, a, depth - 1)?,
                    self.arc_at(pool, b, depth - 1)?,
                );
                let ((a_lo, a_hi), (b_lo, b_hi)) = if matches!(op, BinOp::Ult | BinOp::Ule) {
                    let (ua, ub) = (ra.unsigned(w), rb.unsigned(w));
                    ((ua.0 as i128, ua.1 as i128), (ub.0 as i128, ub.1 as i128))
                } else {
                    (ra.signed(w), rb.signed(w))
                };
                if matches!(op, BinOp::Ult | BinOp::Slt) {
                    if a_hi < b_lo {
                        Some(true)
                    } else if a_lo >= b_hi {
                        Some(false)
                    } else {
                        None
                    }
                } else if a_hi <= b_lo {
                    Some(true)
                } else if a_lo > b_hi {
                    Some(false)
                } else {
                    None
                }
            }
            Node::Binary(BinOp::Eq, a, b) => {
                let w = pool.width(a);
                let (ra, rb) = (
                    self.arc_at(pool, a, depth - 1)?,
                    self.arc_at(pool, b, depth - 1)?,
                );
                if ra.size() == 1 && ra == rb {
                    return Some(true);
                }
                let (ua, ub) = (ra.unsigned(w), rb.unsigned(w));
                let (sa, sb) = (ra.signed(w), rb.signed(w));
                let apart = ua.1 < ub.0 || ub.1 < ua.0 || sa.1 < sb.0 || sb.1 < sa.0;
                apart.then_some(false)
            }
            Node::Extract { lo, width: 1, arg } if lo + 1 == pool.width(arg) => {
                let w = pool.width(arg);
                let (s_lo, s_hi) = self.arc_at(pool, arg, depth - 1)?.signed(w);
                if s_hi < 0 {
                    Some(true)
                } else if s_lo >= 0 {
                    Some(false)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn arc_at(&mut self, pool: &mut TermPool, t: TermId, depth: u32) -> Option<Arc> {
        let w = pool.width(t);
        if w == 0 || w > 64 {
            return None;
        }
        if let Some(v) = pool.as_const(t) {
            return Some(Arc::point(w, v));
        }
        if let Some(r) = self.memo.get(&t) {
            return *r;
        }
        let formed = if depth == 0 {
            high_zeros_arc(pool, t)
        } else {
            let lin = pool.linear(t);
            let is_atom = lin.constant == 0 && lin.terms.len() == 1 && lin.terms[0].1 == 1;
            if is_atom {
                self.atom_arc(pool, t, depth)
            } else {
                self.linear_arc(pool, &lin, depth)
            }
        };
        let r = match (formed, self.bounds.get(&t).copied()) {
            (Some(a), Some(b)) => Some(Arc::meet(w, a, b).unwrap_or(a)),
            (a, b) => a.or(b),
        };
        self.memo.insert(t, r);
        r
    }

    /// `c0 + c1*t1 + ...`: each coefficient taken as signed, each atom's arc scaled and added.
    fn linear_arc(
        &mut self,
        pool: &mut TermPool,
        lin: &crate::linear::Linear,
        depth: u32,
    ) -> Option<Arc> {
        let w = lin.width;
        let m = modulus(w);
        let (mut lo, mut hi) = (lin.constant as i128, lin.constant as i128);
        for &(atom, coef) in &lin.terms {
            let coef = coef as i128;
            let coef = if coef >= m / 2 { coef - m } else { coef };
            let r = self.arc_at(pool, atom, depth - 1)?;
            let (x, y) = (coef.checked_mul(r.lo)?, coef.checked_mul(r.hi)?);
            lo = lo.checked_add(x.min(y))?;
            hi = hi.checked_add(x.max(y))?;
            if hi - lo >= m {
                return None;
            }
        }
        Arc::new(w, lo, hi)
    }

    /// What an atom's form and the facts about it say.
    fn atom_arc(&mut self, pool: &mut TermPool, t: TermId, depth: u32) -> Option<Arc> {
        let w = pool.width(t);
        let d = depth - 1;
        let structural = match pool.node(t).clone() {
            Node::ZeroExt { arg, .. } => {
                let aw = pool.width(arg);
                let (lo, hi) = self
                    .arc_at(pool, arg, d)
                    .map_or((0, mask(aw)), |r| r.unsigned(aw));
                Arc::new(w, lo as i128, hi as i128)
            }
            Node::SignExt { arg, .. } => {
                let aw = pool.width(arg);
                let half = modulus(aw) / 2;
                let (lo, hi) = self
                    .arc_at(pool, arg, d)
                    .map_or((-half, half - 1), |r| r.signed(aw));
                Arc::new(w, lo, hi)
            }
            Node::Extract { lo: 0, arg, .. } => {
                // Truncation keeps residues: an arc narrower than the new width stays one.
                let r = self.arc_at(pool, arg, d);
                r.and_then(|r| Arc::new(w, r.lo, r.hi))
            }
            Node::Extract { lo, arg, .. } => {
                let aw = pool.width(arg);
                let r = self.arc_at(pool, arg, d);
                r.and_then(|r| {
                    let (a, b) = r.unsigned(aw);
                    Arc::new(w, (a >> lo) as i128, (b >> lo) as i128)
                })
            }
            Node::Concat(h, l) => {
                let (hw, lw) = (pool.width(h), pool.width(l));
                let uh = self
                    .arc_at(pool, h, d)
                    .map_or((0, mask(hw)), |r| r.unsigned(hw));
                let ul = self
                    .arc_at(pool, l, d)
                    .map_or((0, mask(lw)), |r| r.unsigned(lw));
                let (lo, hi) = if uh.0 == uh.1 {
                    ((uh.0 << lw) | ul.0, (uh.0 << lw) | ul.1)
                } else {
                    (uh.0 << lw, (uh.1 << lw) | mask(lw))
                };
                Arc::new(w, lo as i128, hi as i128)
            }
            Node::Ite(c, x, y) => match self.decide_at(pool, c, d) {
                Some(true) => self.arc_at(pool, x, d),
                Some(false) => self.arc_at(pool, y, d),
                None => {
                    // Each arm under its side of the condition: `ite(a >u 32, 32, a)` is
                    // at most 32.
                    match (
                        self.arc_under(pool, c, true, x, d),
                        self.arc_under(pool, c, false, y, d),
                    ) {
                        (Ok(Some(a)), Ok(Some(b))) => Arc::hull(w, a, b),
                        (Ok(r), Err(Impossible)) | (Err(Impossible), Ok(r)) => r,
                        _ => None,
                    }
                }
            },
            Node::Binary(BinOp::And, a, b) => {
                let ha = self.arc_at(pool, a, d).map_or(mask(w), |r| r.unsigned(w).1);
                let hb = self.arc_at(pool, b, d).map_or(mask(w), |r| r.unsigned(w).1);
                Arc::new(w, 0, ha.min(hb) as i128)
            }
            Node::Binary(BinOp::Or, a, b) => {
                let ua = self
                    .arc_at(pool, a, d)
                    .map_or((0, mask(w)), |r| r.unsigned(w));
                let ub = self
                    .arc_at(pool, b, d)
                    .map_or((0, mask(w)), |r| r.unsigned(w));
                let top = ua.1.max(ub.1);
                let ones = if top == 0 {
                    0
                } else {
                    mask(128 - top.leading_zeros() as u16)
                };
                Arc::new(w, ua.0.max(ub.0) as i128, ones as i128)
            }
            Node::Binary(BinOp::URem, a, b) => {
                let ha = self.arc_at(pool, a, d).map_or(mask(w), |r| r.unsigned(w).1);
                let hi = match pool.as_const(b) {
                    Some(k) if k != 0 => ha.min(k - 1),
                    _ => ha,
                };
                Arc::new(w, 0, hi as i128)
            }
            Node::Binary(BinOp::UDiv, a, b) => match pool.as_const(b) {
                Some(k) if k != 0 => {
                    let (lo, hi) = self
                        .arc_at(pool, a, d)
                        .map_or((0, mask(w)), |r| r.unsigned(w));
                    Arc::new(w, (lo / k) as i128, (hi / k) as i128)
                }
                _ => None,
            },
            Node::Unary(UnOp::Popcount | UnOp::Clz | UnOp::Ctz, _) => Arc::new(w, 0, i128::from(w)),
            _ if w == 1 => self
                .decide_at(pool, t, d)
                .map(|v| Arc::point(1, u128::from(v))),
            _ => None,
        };
        match (structural, high_zeros_arc(pool, t)) {
            (Some(a), Some(b)) => Some(Arc::meet(w, a, b).unwrap_or(a)),
            (a, b) => a.or(b),
        }
    }
}

/// The facts of a path, gathered the first time a question needs them (most loads and
/// branches are decided by their terms alone).
pub struct PathFacts<'p> {
    path: &'p [TermId],
    facts: Option<Facts>,
}

impl<'p> PathFacts<'p> {
    pub fn new(path: &'p [TermId]) -> PathFacts<'p> {
        PathFacts { path, facts: None }
    }

    fn get(&mut self, pool: &mut TermPool) -> &mut Facts {
        let path = self.path;
        self.facts
            .get_or_insert_with(|| Facts::from_path(pool, path))
    }

    /// Whether `cond` is decided on the path.
    pub fn decide(&mut self, pool: &mut TermPool, cond: TermId) -> Option<bool> {
        if let Some(v) = pool.as_const(cond) {
            return Some(v != 0);
        }
        self.get(pool).decide(pool, cond)
    }
}

/// `0 ..= 2^k - 1` for a term whose bits above `k` are known zero.
fn high_zeros_arc(pool: &TermPool, t: TermId) -> Option<Arc> {
    let w = pool.width(t);
    let hz = pool.high_zeros(t, crate::known_bits::KNOWN_BITS_DEPTH);
    (hz > 0).then(|| Arc {
        lo: 0,
        hi: mask(w - hz) as i128,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::VarKind;

    fn var(pool: &mut TermPool, name: &str) -> TermId {
        pool.fresh_var(name, 64, VarKind::Input)
    }

    /// The -O0 reversal loop: a write at `rev + n - 1 - i` never reaches the slot of `i`
    /// (0x30 bytes above `rev`) once the path says `i < n` and `n <= 16`.
    #[test]
    fn a_bounded_index_stays_inside_its_buffer() {
        let mut pool = TermPool::new();
        let (n, i) = (var(&mut pool, "n"), var(&mut pool, "i"));
        let sixteen = pool.c(64, 16);
        let zero = pool.c(64, 0);
        let n_le = pool.binary(BinOp::Ule, n, sixteen);
        let i_lt = pool.binary(BinOp::Slt, i, n);
        let i_ge = pool.binary(BinOp::Sle, zero, i);
        let path = [n_le, i_lt, i_ge];
        let mut facts = Facts::from_path(&mut pool, &path);
        // offset of the written byte from the slot: (n - 1 - i) - 0x30
        let one = pool.c(64, 1);
        let off = pool.sub(n, one);
        let off = pool.sub(off, i);
        let d = pool.add_const(off, 0x30u128.wrapping_neg() & mask(64));
        let eight = pool.c(64, 8);
        let covers = pool.ult(d, eight);
        assert_eq!(facts.decide(&mut pool, covers), Some(false));
        // Ranges are not relational: that the byte lies inside the buffer needs `i`
        // concrete (as in an unrolled iteration, here the fourth).
        let inside = pool.ult(off, sixteen);
        assert_eq!(facts.decide(&mut pool, inside), None);
        let three = pool.c(64, 3);
        let past_three = pool.binary(BinOp::Slt, three, n);
        let mut fourth = Facts::from_path(&mut pool, &[n_le, past_three]);
        let off = pool.add_const(n, 4u128.wrapping_neg() & mask(64));
        let inside = pool.ult(off, sixteen);
        assert_eq!(fourth.decide(&mut pool, inside), Some(true));
        // Without the bound on n nothing is known.
        let mut loose = Facts::from_path(&mut pool, &[i_lt, i_ge]);
        assert_eq!(loose.decide(&mut pool, covers), None);
    }

    /// The negation of a comparison bounds the other way; the sign bit bounds signed.
    #[test]
    fn negated_comparisons_and_sign_tests_bound() {
        let mut pool = TermPool::new();
        let x = var(&mut pool, "x");
        let ten = pool.c(64, 10);
        let lt = pool.binary(BinOp::Ult, x, ten);
        let not_lt = pool.not(lt);
        let sign = pool.extract(x, 63, 1);
        let not_sign = pool.not(sign);
        let mut facts = Facts::from_path(&mut pool, &[not_lt, not_sign]);
        let (lo, hi) = facts.arc(&mut pool, x).expect("bounded").signed(64);
        assert_eq!((lo, hi), (10, i128::from(i64::MAX)));
        let nine = pool.c(64, 9);
        let eq = pool.eq_(x, nine);
        assert_eq!(facts.decide(&mut pool, eq), Some(false));
    }

    /// A choice of values ranges over both; a sum of bytes over their sum.
    #[test]
    fn choices_and_sums_of_narrow_values() {
        let mut pool = TermPool::new();
        let (x, y, c) = (
            var(&mut pool, "x"),
            var(&mut pool, "y"),
            pool.fresh_var("c", 1, VarKind::Input),
        );
        let (bx, by) = (pool.extract(x, 0, 8), pool.extract(y, 0, 8));
        let (zx, zy) = (pool.zext(bx, 64), pool.zext(by, 64));
        let sum = pool.add(zx, zy);
        let three = pool.c(64, 3);
        let pick = pool.ite(c, sum, three);
        let mut facts = Facts::none();
        assert_eq!(
            facts.arc(&mut pool, pick).map(|r| r.unsigned(64)),
            Some((0, 510))
        );
        let big = pool.c(64, 511);
        let below = pool.ult(pick, big);
        assert_eq!(facts.decide(&mut pool, below), Some(true));
    }

    /// A clamp (`cmova`: `ite(a >u 32, 32, a)`) is at most 32: each arm is ranged under its
    /// side of the condition. `x != 0` on `x <= 4095` leaves `1 ..= 4095`.
    #[test]
    fn arms_are_ranged_under_their_condition() {
        let mut pool = TermPool::new();
        let a = var(&mut pool, "a");
        let byte = pool.extract(a, 0, 8);
        let byte = pool.zext(byte, 64);
        let k = pool.c(64, 32);
        let above = pool.ult(k, byte);
        let clamp = pool.ite(above, k, byte);
        let mut facts = Facts::none();
        assert_eq!(
            facts.arc(&mut pool, clamp).map(|r| r.unsigned(64)),
            Some((0, 32))
        );
        let x = var(&mut pool, "x");
        let max = pool.c(64, 4095);
        let (zero, le) = (pool.c(64, 0), pool.binary(BinOp::Ule, x, max));
        let is_zero = pool.eq_(x, zero);
        let nonzero = pool.not(is_zero);
        let mut facts = Facts::from_path(&mut pool, &[le, nonzero]);
        let minus = pool.neg(x);
        assert_eq!(
            facts.arc(&mut pool, minus).map(|r| r.signed(64)),
            Some((-4095, -1))
        );
    }

    /// Facts that leave a term no value contradict each other; a disjunct they rule out
    /// leaves the other; a value they pin to one number simplifies away (the trip count of
    /// the loop exit a path took).
    #[test]
    fn contradictions_units_and_pinned_values() {
        let mut pool = TermPool::new();
        let (x, y, n) = (
            var(&mut pool, "x"),
            var(&mut pool, "y"),
            var(&mut pool, "n"),
        );
        let (three, four, five, seven) =
            (pool.c(64, 3), pool.c(64, 4), pool.c(64, 5), pool.c(64, 7));
        let below_five = pool.ult(x, five);
        let above_seven = pool.ult(seven, x);
        assert!(Facts::from_path(&mut pool, &[below_five, above_seven]).is_contradictory());
        let y_is_3 = pool.eq_(y, three);
        let either = pool.or(above_seven, y_is_3);
        let mut facts = Facts::from_path(&mut pool, &[below_five, either]);
        assert!(!facts.is_contradictory());
        let y_is_3_decided = facts.decide(&mut pool, y_is_3);
        assert_eq!(y_is_3_decided, Some(true));

        let went_round = pool.binary(BinOp::Slt, three, n);
        let stays = pool.binary(BinOp::Slt, four, n);
        let left = pool.not(stays);
        let mut facts = Facts::from_path(&mut pool, &[went_round, left]);
        let two = pool.c(64, 2);
        let twice = pool.binary(BinOp::Mul, n, two);
        let eight = pool.c(64, 8);
        assert_eq!(facts.simplify(&mut pool, twice), eight);
    }
}
