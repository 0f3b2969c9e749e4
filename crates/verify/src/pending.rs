//! Events a node carries for one side (emitted, not matched by the other side yet) as
//! abstractable values.
//!
//! When one side leaves a loop an iteration earlier than the other (a rotated loop against a
//! loop tested at the top, say), the events it emits on the way out wait at the node where
//! the other side still loops, and they arrive there with other values on every iteration.
//! The abstraction treats each value in them as a location: the k-th argument of the i-th
//! pending event. A byte-range argument of a known, short length is one value (its bytes,
//! read from the memory the event saw); rebuilt, it reads that value from a memory of its own.

use tandem_symex::{Event, EventArg, MemLog, MemWrite, TermId, TermPool, WriteKind};

use crate::side::Side;

/// The longest byte-range argument abstracted as one value.
const MAX_BYTES: u64 = 64;

/// Whether two lists of pending events of one side have the same form: the same kinds, names
/// and arguments, up to the values the abstraction can generalise.
pub fn same_shape(pool: &TermPool, a: &[Event], b: &[Event]) -> bool {
    shapes_match(pool, a, b, true)
}

/// Whether two events (of either side) carry their values in the same places, so that
/// [`values`] pairs them up; byte ranges may lie anywhere.
pub fn comparable(pool: &TermPool, a: &Event, b: &Event) -> bool {
    shapes_match(
        pool,
        std::slice::from_ref(a),
        std::slice::from_ref(b),
        false,
    )
}

fn shapes_match(pool: &TermPool, a: &[Event], b: &[Event], same_base: bool) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Event::Call { name: nx, args: ax }, Event::Call { name: ny, args: ay }) => {
                nx == ny
                    && ax.len() == ay.len()
                    && ax
                        .iter()
                        .zip(ay)
                        .all(|(p, q)| same_arg_shape(pool, p, q, same_base))
            }
            (
                Event::Store {
                    range: rx,
                    value: vx,
                    ..
                },
                Event::Store {
                    range: ry,
                    value: vy,
                    ..
                },
            ) => rx == ry && pool.width(*vx) == pool.width(*vy),
            (Event::Exit { status: s }, Event::Exit { status: t })
            | (Event::Return { value: s }, Event::Return { value: t }) => {
                pool.width(*s) == pool.width(*t)
            }
            (Event::Fault { kind: k }, Event::Fault { kind: l }) => k == l,
            _ => false,
        })
}

fn same_arg_shape(pool: &TermPool, a: &EventArg, b: &EventArg, same_base: bool) -> bool {
    match (a, b) {
        (EventArg::Value(x), EventArg::Value(y)) => pool.width(*x) == pool.width(*y),
        (
            EventArg::Bytes {
                base: bx, len: lx, ..
            },
            EventArg::Bytes {
                base: by, len: ly, ..
            },
        ) => (bx == by || !same_base) && lx == ly && short_len(pool, *lx).is_some() || a == b,
        _ => false,
    }
}

/// A byte-range length the abstraction reads as one value.
fn short_len(pool: &TermPool, len: TermId) -> Option<u64> {
    pool.as_const(len)
        .map(|l| l as u64)
        .filter(|l| (1..=MAX_BYTES).contains(l))
}

/// Every abstractable value of the events: `(event index, argument index, value)`.
pub fn values(pool: &mut TermPool, side: &Side, events: &[Event]) -> Vec<(u16, u16, TermId)> {
    let mut out = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let i = i as u16;
        match e {
            Event::Call { args, .. } => {
                for (j, a) in args.iter().enumerate() {
                    if let Some(v) = arg_value(pool, side, a) {
                        out.push((i, j as u16, v));
                    }
                }
            }
            Event::Store { offset, value, .. } => {
                out.push((i, 0, *offset));
                out.push((i, 1, *value));
            }
            Event::Exit { status: v } | Event::Return { value: v } => out.push((i, 0, *v)),
            Event::Fault { .. } => {}
        }
    }
    out
}

fn arg_value(pool: &mut TermPool, side: &Side, a: &EventArg) -> Option<TermId> {
    match a {
        EventArg::Value(v) => Some(*v),
        EventArg::Bytes { base, len, mem } => {
            let n = short_len(pool, *len)?;
            Some(tandem_symex::load(
                pool,
                mem,
                *base,
                n as u16,
                &side.image,
                &side.image,
                &mut tandem_symex::PathFacts::new(&[]),
            ))
        }
    }
}

/// The value of one argument.
pub fn value(
    pool: &mut TermPool,
    side: &Side,
    events: &[Event],
    index: u16,
    arg: u16,
) -> Option<TermId> {
    let e = events.get(usize::from(index))?;
    values(pool, side, std::slice::from_ref(e))
        .into_iter()
        .find(|(_, j, _)| *j == arg)
        .map(|(_, _, v)| v)
}

/// Sets one argument to `v` (for a byte range: its bytes become `v`).
pub fn set_value(pool: &TermPool, events: &mut [Event], index: u16, arg: u16, v: TermId) {
    let Some(e) = events.get_mut(usize::from(index)) else {
        return;
    };
    match e {
        Event::Call { args, .. } => match args.get_mut(usize::from(arg)) {
            Some(EventArg::Value(x)) => *x = v,
            Some(EventArg::Bytes { base, len, mem }) => {
                let Some(n) = short_len(pool, *len) else {
                    return;
                };
                let mut fresh = MemLog::new();
                fresh.push(MemWrite {
                    addr: *base,
                    guard: None,
                    kind: WriteKind::Value {
                        value: v,
                        size: n as u8,
                    },
                });
                *mem = fresh;
            }
            None => {}
        },
        Event::Store { offset, value, .. } => {
            if arg == 0 {
                *offset = v;
            } else {
                *value = v;
            }
        }
        Event::Exit { status: x } | Event::Return { value: x } => *x = v,
        Event::Fault { .. } => {}
    }
}
