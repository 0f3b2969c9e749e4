//! Stripes: memory a loop writes at an address that moves between iterations.
//!
//! A loop that fills an array writes `out + s*k` on iteration `k`. At the loop head, after
//! `k` iterations, the bytes `start .. start + len` (`start` the first iteration's address,
//! `len` the current address minus `start`; for a loop that writes downwards, the `len` bytes
//! below the end of the first write) hold whatever the loop wrote: the abstraction
//! reads them from a fresh memory variable, `contents[offset]`, and everything outside them
//! keeps its first value. The same `contents` on both sides says the two loops wrote the same
//! bytes at the same offsets.
//!
//! An arrival is covered when (under its path) every write the loop made at a moving address
//! lies inside the stripe's new extent, the old extent lies inside the new one, and, for a
//! stripe shared by the sides, both extents are equal and hold equal bytes at every offset.
//! These are semantic checks on the solver, so the length may be any term over the node's
//! variables.

use rustc_hash::{FxHashMap, FxHashSet};
use tandem_ir::BinOp;
use tandem_symex::{MemWrite, SymState, TermId, TermPool, VarKind, WriteKind};

use crate::product::Engine;

/// The cap on a stripe's length. x86-64 user space spans 2^47 bytes, so no loop writes a
/// longer contiguous range; a stripe is its first `min(len, STRIPE_MAX)` bytes.
pub const STRIPE_MAX: u64 = 1 << 48;

/// How far apart (in bytes) two moving writes of one iteration may start and still belong to
/// one stripe (the fields of one array element, an unrolled loop's writes).
const GROUP_SPAN: u128 = 4096;

/// A stripe found in an arrival: its anchor (where it starts on the first arrival, or for a
/// loop that writes downwards, where it ends), its length at the node, and the writes that
/// made it.
pub struct NewStripe {
    pub anchor: TermId,
    pub down: bool,
    pub len: TermId,
    pub writes: Vec<MemWrite>,
}

/// Where a stripe of length `len` starts: at its anchor, or for a downward stripe `len`
/// bytes below it.
pub fn start_of(pool: &mut TermPool, anchor: TermId, down: bool, len: TermId) -> TermId {
    if down { pool.sub(anchor, len) } else { anchor }
}

/// The size of a value write (a range write never moves with the loop).
fn write_size(w: &MemWrite) -> Option<u64> {
    match w.kind {
        WriteKind::Value { size, .. } => Some(u64::from(size)),
        WriteKind::Range { .. } => None,
    }
}

/// Whether `moved` (a write's address minus its first address) only ever goes down: every
/// coefficient of its linear form is negative and it has no constant part.
fn moves_down(pool: &mut TermPool, moved: TermId) -> bool {
    let lin = pool.linear(moved);
    lin.constant == 0
        && !lin.terms.is_empty()
        && lin.terms.iter().all(|(_, c)| (*c as u64 as i64) < 0)
}

/// Groups the writes at moving addresses into stripes. `sigma0` maps the node's variables to
/// their values on the first arrival, so the address of a write there is its first address.
/// A write that moves down from there makes a downward stripe, anchored at the end of its
/// first write: after `k` iterations of stride `s` it covers the `k * s` bytes below.
pub fn group(
    pool: &mut TermPool,
    writes: &[MemWrite],
    sigma0: &FxHashMap<TermId, TermId>,
    node_vars: &FxHashSet<TermId>,
) -> Result<Vec<NewStripe>, String> {
    let mut out: Vec<NewStripe> = Vec::new();
    for w in writes {
        let Some(size) = write_size(w) else {
            return Err("a loop writes a range of memory at a moving address".into());
        };
        let first = pool.substitute_all(w.addr, sigma0);
        // The stripe stays where the first iteration put it.
        if pool.free_vars(first).iter().any(|v| node_vars.contains(v)) {
            return Err(
                "a loop writes memory at an address that moves between iterations and depends \
                 on values the loop overwrites"
                    .into(),
            );
        }
        let moved = pool.sub(w.addr, first);
        let down = moves_down(pool, moved);
        let (anchor, len) = if down {
            (
                pool.add_const(first, u128::from(size)),
                pool.sub(first, w.addr),
            )
        } else {
            (first, moved)
        };
        let near = out.iter().position(|s| {
            let d = pool.const_diff(anchor, s.anchor);
            s.down == down
                && matches!(d, Some(d) if (d as u64 as i64).unsigned_abs() < GROUP_SPAN as u64)
        });
        match near {
            Some(i) => {
                let d = pool.const_diff(anchor, out[i].anchor).unwrap_or(0) as u64 as i64;
                // An upward stripe starts at its lowest write, a downward one ends at its
                // highest.
                if (d < 0 && !down) || (d > 0 && down) {
                    out[i].anchor = anchor;
                    out[i].len = len;
                }
                out[i].writes.push(w.clone());
            }
            None => out.push(NewStripe {
                anchor,
                down,
                len,
                writes: vec![w.clone()],
            }),
        }
    }
    Ok(out)
}

/// The bytes the first iteration wrote, as distances from the stripe's anchor: `0 .. extent`
/// above it, or below it for a downward stripe.
pub fn first_extent(pool: &mut TermPool, s: &NewStripe, sigma0: &FxHashMap<TermId, TermId>) -> u64 {
    let mut end = 0u64;
    for w in &s.writes {
        let first = pool.substitute_all(w.addr, sigma0);
        let size = write_size(w).unwrap_or(0);
        let d = if s.down {
            pool.const_diff(s.anchor, first).unwrap_or(0) as u64
        } else {
            (pool.const_diff(first, s.anchor).unwrap_or(0) as u64).saturating_add(size)
        };
        end = end.max(d);
    }
    end
}

/// Whether the write lies inside `start .. start + min(len, STRIPE_MAX)` whenever it happens.
pub fn covers(eng: &mut Engine, cond: TermId, w: &MemWrite, start: TermId, len: TermId) -> bool {
    let Some(size) = write_size(w) else {
        return false;
    };
    let pool = &mut eng.pool;
    let d = pool.sub(w.addr, start);
    let end = pool.add_const(d, u128::from(size));
    let cap = pool.c(64, u128::from(STRIPE_MAX));
    let in_len = pool.binary(BinOp::Ule, end, len);
    let in_cap = pool.binary(BinOp::Ule, end, cap);
    let no_wrap = pool.ult(d, cap);
    let goal = pool.all([in_len, in_cap, no_wrap]);
    let c = match w.guard {
        Some(g) => pool.and(cond, g),
        None => cond,
    };
    eng.holds(c, goal)
}

/// Whether the old extent `len` lies inside the new one. The writes the stripe covers in this
/// arrival lie less than [`STRIPE_MAX`] bytes from its `start` (`covers` checked it), so the
/// extent did not wrap around to reach them: a loop's `k <= k + 1` holds because iteration
/// `k` wrote at distance `k`.
pub fn grows(
    eng: &mut Engine,
    cond: TermId,
    len: TermId,
    next: TermId,
    start: TermId,
    covered: &[MemWrite],
) -> bool {
    if len == next {
        return true;
    }
    let pool = &mut eng.pool;
    let cap = pool.c(64, u128::from(STRIPE_MAX));
    let mut facts = vec![cond];
    for w in covered {
        let d = pool.sub(w.addr, start);
        let near = pool.ult(d, cap);
        facts.push(match w.guard {
            Some(g) => {
                let ng = pool.not(g);
                pool.or(ng, near)
            }
            None => near,
        });
    }
    let assumed = pool.all(facts);
    let goal = pool.binary(BinOp::Ule, len, next);
    eng.holds(assumed, goal)
}

/// Whether the original's region `(start, len)` in `states[0]` and the patched binary's in
/// `states[1]` (stripes or blocks of an arrival) have the same length and the same byte at
/// every offset.
pub fn same_contents(
    eng: &mut Engine,
    cond: TermId,
    states: [&SymState; 2],
    regions: [(TermId, TermId); 2],
) -> bool {
    let same_len = eng.pool.eq_(regions[0].1, regions[1].1);
    let o = eng.pool.fresh_var("offset", 64, VarKind::Abstract);
    let sides = eng.sides;
    let pool = &mut eng.pool;
    let cap = pool.c(64, u128::from(STRIPE_MAX));
    let in_len = pool.ult(o, regions[0].1);
    let in_cap = pool.ult(o, cap);
    let inside = pool.and(in_len, in_cap);
    let byte = |pool: &mut TermPool, i: usize| {
        let addr = pool.add(regions[i].0, o);
        let image = &sides[i].image;
        let mut facts = tandem_symex::PathFacts::new(&states[i].path);
        tandem_symex::load_byte(pool, &states[i].mem, addr, image, image, &mut facts)
    };
    let (b0, b1) = (byte(pool, 0), byte(pool, 1));
    let eq = pool.eq_(b0, b1);
    let outside = pool.not(inside);
    let within = pool.or(outside, eq);
    let goal = pool.and(same_len, within);
    eng.holds(cond, goal)
}

/// Whether two new stripes were made by the same writes: equally many, at equal offsets
/// from their starts, of equal sizes and guards, and (when `values`) of equal values.
pub fn same_writes(
    eng: &mut Engine,
    cond: TermId,
    a: &NewStripe,
    b: &NewStripe,
    values: bool,
) -> bool {
    if a.writes.len() != b.writes.len() || a.down != b.down {
        return false;
    }
    let mut goals = Vec::new();
    let pool = &mut eng.pool;
    let la = pool.eq_(a.len, b.len);
    goals.push(la);
    for (x, y) in a.writes.iter().zip(&b.writes) {
        let (
            WriteKind::Value {
                value: vx,
                size: sx,
            },
            WriteKind::Value {
                value: vy,
                size: sy,
            },
        ) = (&x.kind, &y.kind)
        else {
            return false;
        };
        if sx != sy || x.guard.is_some() != y.guard.is_some() {
            return false;
        }
        let dx = pool.sub(x.addr, a.anchor);
        let dy = pool.sub(y.addr, b.anchor);
        goals.push(pool.eq_(dx, dy));
        let ve = if values {
            pool.eq_(*vx, *vy)
        } else {
            pool.tru()
        };
        match (x.guard, y.guard) {
            (Some(gx), Some(gy)) => {
                goals.push(pool.eq_(gx, gy));
                let ng = pool.not(gx);
                goals.push(pool.or(ng, ve));
            }
            _ => goals.push(ve),
        }
    }
    let goal = pool.all(goals);
    eng.holds(cond, goal)
}

/// The memory write that puts a stripe (or a block, whose `len` is at most `max`) into a
/// rebuilt input state.
pub fn write(
    pool: &mut TermPool,
    start: TermId,
    len: TermId,
    max: u64,
    contents: TermId,
    offset: TermId,
) -> MemWrite {
    let fill = pool.select(contents, offset);
    MemWrite {
        addr: start,
        guard: None,
        kind: WriteKind::Range {
            len,
            max,
            fill,
            offset,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn byte_write(pool: &mut TermPool, addr: TermId) -> MemWrite {
        let value = pool.c(8, 0x41);
        MemWrite {
            addr,
            guard: None,
            kind: WriteKind::Value { value, size: 1 },
        }
    }

    /// `base + step * k` written by a loop whose counter `k` starts at 0.
    fn stripe_of(step: u128) -> (TermPool, TermId, TermId, NewStripe) {
        let mut pool = TermPool::new();
        let base = pool.fresh_var("base", 64, VarKind::Input);
        let k = pool.fresh_var("k", 64, VarKind::Abstract);
        let s = pool.c(64, step);
        let moved = pool.binary(BinOp::Mul, k, s);
        let addr = pool.add(base, moved);
        let w = byte_write(&mut pool, addr);
        let zero = pool.c(64, 0);
        let sigma0: FxHashMap<TermId, TermId> = [(k, zero)].into_iter().collect();
        let vars: FxHashSet<TermId> = [k].into_iter().collect();
        let mut made = group(&mut pool, &[w], &sigma0, &vars).expect("one stripe");
        assert_eq!(made.len(), 1);
        let ns = made.remove(0);
        (pool, base, k, ns)
    }

    #[test]
    fn a_loop_writing_upwards_makes_a_stripe_from_its_first_write() {
        let (mut pool, base, k, ns) = stripe_of(1);
        assert!(!ns.down);
        assert_eq!(ns.anchor, base);
        assert_eq!(ns.len, k);
        assert_eq!(start_of(&mut pool, ns.anchor, ns.down, ns.len), base);
    }

    #[test]
    fn a_loop_writing_downwards_makes_a_stripe_ending_after_its_first_write() {
        // rev[n - 1 - i] = ...: after k bytes, base - k + 1 .. base + 1 are written.
        let (mut pool, base, k, ns) = stripe_of(u128::from(u64::MAX));
        assert!(ns.down);
        let end = pool.add_const(base, 1);
        assert_eq!(ns.anchor, end);
        assert_eq!(ns.len, k);
        let start = start_of(&mut pool, ns.anchor, ns.down, ns.len);
        let expected = pool.sub(end, k);
        assert_eq!(start, expected);
        let zero = pool.c(64, 0);
        let sigma0: FxHashMap<TermId, TermId> = [(k, zero)].into_iter().collect();
        assert_eq!(first_extent(&mut pool, &ns, &sigma0), 1);
    }
}
