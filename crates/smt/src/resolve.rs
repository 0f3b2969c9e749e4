//! Deciding a goal's case splits under its assumption before the solver sees the goal.
//!
//! A goal that compares two merged computations is full of `ite(c, x, y)` whose condition
//! the assumption (a path condition) already decides: a byte read only when `i < len`, on a
//! path where `len > i` is known. Each such condition is a small query on its own, while the
//! whole goal can keep a SAT solver busy for seconds. Replacing the decided conditions by
//! their values leaves a goal equivalent under the assumption, often syntactically true.

use rustc_hash::{FxHashMap, FxHashSet};
use tandem_symex::{Node, TermId, TermPool};

/// At most this many conditions are tried per goal.
const MAX_CONDITIONS: usize = 32;

/// The conditions of the `ite`s in `t` that are not constants, outermost first.
pub(crate) fn ite_conditions(pool: &TermPool, t: TermId) -> Vec<TermId> {
    let mut out = Vec::new();
    let mut seen = FxHashSet::default();
    let mut stack = vec![t];
    while let Some(x) = stack.pop() {
        if !seen.insert(x) {
            continue;
        }
        if let Node::Ite(c, _, _) = pool.node(x)
            && pool.as_const(*c).is_none()
            && !out.contains(c)
        {
            out.push(*c);
            if out.len() == MAX_CONDITIONS {
                break;
            }
        }
        stack.extend(pool.children(x));
    }
    out
}

/// `t` with each condition in `decided` replaced by its value.
pub(crate) fn substitute_decided(
    pool: &mut TermPool,
    t: TermId,
    decided: &[(TermId, bool)],
) -> TermId {
    let mut map = FxHashMap::default();
    for &(c, v) in decided {
        map.insert(c, pool.bool(v));
    }
    pool.substitute_all(t, &map)
}
