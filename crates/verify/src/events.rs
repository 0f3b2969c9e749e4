//! Comparing observable events: when are two events the same?

use tandem_symex::{Event, EventArg, TermId, TermPool, VarKind};

/// Reads the byte at an offset (a 64-bit term) in a byte-range argument of one side's event.
pub type ByteReader<'a> = dyn FnMut(&mut TermPool, usize, &EventArg, TermId) -> TermId + 'a;

/// A boolean term that holds exactly when the two events are the same; `None` when they can
/// never be (different kinds or names). Byte ranges are compared byte by byte up to `bound`
/// bytes (the caller proved both lengths are at most that), or without a bound at one offset
/// that may be any (a fresh variable: the equality holds for every offset when it holds for
/// that one).
pub fn event_eq(
    pool: &mut TermPool,
    a: &Event,
    b: &Event,
    bound: Option<u64>,
    read: &mut ByteReader,
) -> Option<TermId> {
    match (a, b) {
        (Event::Call { name: na, args: aa }, Event::Call { name: nb, args: ab }) => {
            if na != nb || aa.len() != ab.len() {
                return None;
            }
            let mut conj = Vec::new();
            for (x, y) in aa.iter().zip(ab) {
                conj.push(arg_eq(pool, x, y, bound, read)?);
            }
            Some(pool.all(conj))
        }
        (
            Event::Store {
                range: ra,
                offset: oa,
                value: va,
            },
            Event::Store {
                range: rb,
                offset: ob,
                value: vb,
            },
        ) => {
            if ra != rb || pool.width(*va) != pool.width(*vb) {
                return None;
            }
            let e1 = pool.eq_(*oa, *ob);
            let e2 = pool.eq_(*va, *vb);
            Some(pool.and(e1, e2))
        }
        (Event::Exit { status: a }, Event::Exit { status: b })
        | (Event::Return { value: a }, Event::Return { value: b }) => {
            if pool.width(*a) != pool.width(*b) {
                return None;
            }
            Some(pool.eq_(*a, *b))
        }
        (Event::Fault { kind: a }, Event::Fault { kind: b }) => Some(pool.bool(a == b)),
        _ => None,
    }
}

fn arg_eq(
    pool: &mut TermPool,
    a: &EventArg,
    b: &EventArg,
    bound: Option<u64>,
    read: &mut ByteReader,
) -> Option<TermId> {
    match (a, b) {
        (EventArg::Value(x), EventArg::Value(y)) => {
            if pool.width(*x) != pool.width(*y) {
                return None;
            }
            Some(pool.eq_(*x, *y))
        }
        (EventArg::Bytes { len: la, .. }, EventArg::Bytes { len: lb, .. }) => {
            let (la, lb) = (*la, *lb);
            let mut conj = vec![pool.eq_(la, lb)];
            let Some(bound) = bound else {
                let o = pool.fresh_var("byte", 64, VarKind::Abstract);
                let x = read(pool, 0, a, o);
                let y = read(pool, 1, b, o);
                let inside = pool.ult(o, la);
                let same = pool.eq_(x, y);
                let outside = pool.not(inside);
                conj.push(pool.or(outside, same));
                return Some(pool.all(conj));
            };
            let n = match pool.as_const(la) {
                Some(c) => (c as u64).min(bound),
                None => bound,
            };
            // Byte i matters only when it is inside the (common) length.
            for i in 0..n {
                let k = pool.c(64, u128::from(i));
                let x = read(pool, 0, a, k);
                let y = read(pool, 1, b, k);
                if x == y {
                    continue;
                }
                let inside = pool.ult(k, la);
                let same = pool.eq_(x, y);
                let outside = pool.not(inside);
                conj.push(pool.or(outside, same));
            }
            Some(pool.all(conj))
        }
        _ => None,
    }
}

/// The byte-range lengths of an event's arguments.
pub fn range_lengths(e: &Event) -> Vec<TermId> {
    match e {
        Event::Call { args, .. } => args
            .iter()
            .filter_map(|a| match a {
                EventArg::Bytes { len, .. } => Some(*len),
                EventArg::Value(_) => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A one-line description of an event with concrete values where the terms are constant.
pub fn describe(pool: &TermPool, e: &Event) -> String {
    let v = |t: TermId| match pool.as_const(t) {
        Some(c) => format!("{c}"),
        None => "?".to_string(),
    };
    match e {
        Event::Call { name, args } => {
            let args: Vec<String> = args
                .iter()
                .map(|a| match a {
                    EventArg::Value(t) => v(*t),
                    EventArg::Bytes { len, .. } => format!("<{} bytes>", v(*len)),
                })
                .collect();
            format!("{name}({})", args.join(", "))
        }
        Event::Store {
            range,
            offset,
            value,
        } => format!("store {range}+{} = {}", v(*offset), v(*value)),
        Event::Exit { status } => format!("exit({})", v(*status)),
        Event::Fault { kind } => format!("fault {kind:?}"),
        Event::Return { value } => format!("return {}", v(*value)),
    }
}
