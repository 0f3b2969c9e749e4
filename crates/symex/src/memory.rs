//! Symbolic memory: a persistent log of writes over an initial memory.
//!
//! A load is resolved byte by byte against the log, newest write first. An address is a
//! linear term; the difference between the load's and a write's address decides: a constant
//! difference inside the write gives its byte, outside it skips the write; a symbolic
//! difference in one region gives an `ite` on whether the byte falls inside. Addresses in
//! different regions (the stack, a heap object, the image) never alias: tandem assumes
//! accesses stay inside the object their pointer was derived from, which is how a C program
//! that is free of buffer overflows behaves. Bytes no write covers
//! come from the [`InitialMemory`] the caller provides; which addresses may alias, from its
//! [`Regions`].

use std::rc::Rc;

use crate::ranges::PathFacts;
use crate::term::{Node, TermId, TermPool};

/// What a write stores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteKind {
    /// `size` bytes of `value` (its width is `8 * size`), in little-endian order.
    Value { value: TermId, size: u8 },
    /// Bytes `addr .. addr + min(len, max)` become `fill`, a byte term in which the variable
    /// `offset` stands for the byte's offset in the range.
    Range {
        len: TermId,
        max: u64,
        fill: TermId,
        offset: TermId,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemWrite {
    pub addr: TermId,
    /// The write happens only when this holds (from merging paths).
    pub guard: Option<TermId>,
    pub kind: WriteKind,
}

#[derive(Debug)]
struct Node_ {
    write: MemWrite,
    prev: Option<Rc<Node_>>,
    depth: usize,
}

/// A persistent write log: forks share their common prefix.
#[derive(Clone, Debug, Default)]
pub struct MemLog {
    head: Option<Rc<Node_>>,
}

impl PartialEq for MemLog {
    fn eq(&self, other: &MemLog) -> bool {
        match (&self.head, &other.head) {
            (None, None) => true,
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for MemLog {}

impl MemLog {
    pub fn new() -> MemLog {
        MemLog::default()
    }

    pub fn depth(&self) -> usize {
        self.head.as_ref().map_or(0, |n| n.depth)
    }

    pub fn push(&mut self, write: MemWrite) {
        let depth = self.depth() + 1;
        self.head = Some(Rc::new(Node_ {
            write,
            prev: self.head.take(),
            depth,
        }));
    }

    /// Writes, newest first.
    pub fn iter(&self) -> impl Iterator<Item = &MemWrite> {
        let mut cur = self.head.as_deref();
        std::iter::from_fn(move || {
            let n = cur?;
            cur = n.prev.as_deref();
            Some(&n.write)
        })
    }

    /// The log truncated to its `depth` oldest writes.
    fn prefix(&self, depth: usize) -> MemLog {
        let mut cur = self.head.clone();
        while let Some(n) = cur.clone() {
            if n.depth <= depth {
                break;
            }
            cur = n.prev.clone();
        }
        MemLog { head: cur }
    }

    /// The longest common prefix of two logs, and the writes after it in each (oldest first).
    pub fn split_common(&self, other: &MemLog) -> (MemLog, Vec<MemWrite>, Vec<MemWrite>) {
        let mut a = self.clone();
        let mut b = other.clone();
        while a.depth() > b.depth() {
            a = a.prefix(a.depth() - 1);
        }
        while b.depth() > a.depth() {
            b = b.prefix(b.depth() - 1);
        }
        while a != b {
            a = a.prefix(a.depth() - 1);
            b = b.prefix(b.depth() - 1);
        }
        let common = a;
        let suffix = |log: &MemLog| {
            let mut v: Vec<MemWrite> = log
                .iter()
                .take(log.depth() - common.depth())
                .cloned()
                .collect();
            v.reverse();
            v
        };
        (common.clone(), suffix(self), suffix(other))
    }
}

/// Where the bytes that no write covers come from.
pub trait InitialMemory {
    /// The byte at `addr` before any write of the log.
    fn byte(&self, pool: &mut TermPool, addr: TermId) -> TermId;

    /// The `size`-byte little-endian value at `addr` before any write, when it is better said
    /// whole than byte by byte (an entry of a constant table read at a computed index, as one
    /// `ite` over the entries instead of one per byte); `None` to read it byte by byte.
    fn word(&self, _pool: &mut TermPool, _addr: TermId, _size: u16) -> Option<TermId> {
        None
    }
}

/// What the memory model knows about where pointers can point.
pub trait Regions {
    /// Whether a term is a pointer base: a variable standing for the start of an object that
    /// is disjoint from every other object (the stack, a heap object).
    fn is_base(&self, t: TermId) -> bool;
    /// Whether an absolute address lies in the binary's image (its code and globals), which
    /// is disjoint from every based object.
    fn in_image(&self, addr: u64) -> bool;
}

/// The object an address points into, as far as its form tells.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Region {
    /// Inside the object starting at this base.
    Based(TermId),
    /// Inside the image: no base, and the constant part points into it.
    Image,
    /// Anything (a pointer loaded from memory, say).
    Unknown,
}

/// The region of an address: the atom of its linear form that is a base, else the image when
/// its constant part is in it. tandem assumes pointer arithmetic stays inside the object the
/// pointer was derived from, which is how a C program free of buffer overflows behaves.
pub fn region_of(pool: &mut TermPool, addr: TermId, regions: &dyn Regions) -> Region {
    let lin = pool.linear(addr);
    if let Some((t, _)) = lin
        .terms
        .iter()
        .find(|(t, c)| *c == 1 && regions.is_base(*t))
    {
        return Region::Based(*t);
    }
    if regions.in_image(lin.constant as u64) {
        return Region::Image;
    }
    Region::Unknown
}

/// Whether accesses at `a` and `b` may touch the same bytes, judging by their regions only.
fn may_alias(pool: &mut TermPool, a: TermId, b: TermId, regions: &dyn Regions) -> bool {
    match (region_of(pool, a, regions), region_of(pool, b, regions)) {
        (Region::Based(x), Region::Based(y)) => x == y,
        (Region::Based(_), Region::Image) | (Region::Image, Region::Based(_)) => false,
        _ => true,
    }
}

/// Reads one byte at `addr`; `facts` (the path's) decide which writes at symbolic offsets
/// can reach it.
pub fn load_byte(
    pool: &mut TermPool,
    log: &MemLog,
    addr: TermId,
    init: &dyn InitialMemory,
    regions: &dyn Regions,
    facts: &mut PathFacts,
) -> TermId {
    let writes: Vec<MemWrite> = log.iter().cloned().collect();
    load_from(pool, &writes, addr, init, regions, facts)
}

fn load_from(
    pool: &mut TermPool,
    writes: &[MemWrite],
    addr: TermId,
    init: &dyn InitialMemory,
    regions: &dyn Regions,
    facts: &mut PathFacts,
) -> TermId {
    for (i, w) in writes.iter().enumerate() {
        let size = match &w.kind {
            WriteKind::Value { size, .. } => u64::from(*size),
            WriteKind::Range { max, .. } => *max,
        };
        let diff = pool.sub(addr, w.addr);
        let hit = match pool.as_const(diff) {
            Some(d) if (d as u64) < size && d < u128::from(u64::MAX) => Some(diff),
            Some(_) => None,
            None => may_alias(pool, addr, w.addr, regions).then_some(diff),
        };
        let Some(d) = hit else {
            continue;
        };
        // The byte this write would give, and when it covers `addr`.
        let (byte, covers) = match &w.kind {
            WriteKind::Value { value, size } => {
                let byte = match pool.as_const(d) {
                    Some(k) => pool.extract(*value, 8 * k as u16, 8),
                    None => byte_at(pool, *value, u16::from(*size), d),
                };
                let sz = pool.c(64, u128::from(*size));
                let covers = pool.ult(d, sz);
                (byte, covers)
            }
            WriteKind::Range {
                len,
                max,
                fill,
                offset,
            } => {
                let byte = pool.substitute(*fill, *offset, d);
                let mut covers = pool.ult(d, *len);
                // The range is its first `min(len, max)` bytes, as the constant-offset case
                // above reads it.
                if pool.as_const(*len).is_none_or(|l| l > u128::from(*max)) {
                    let cap = pool.c(64, u128::from(*max));
                    let below = pool.ult(d, cap);
                    covers = pool.and(covers, below);
                }
                (byte, covers)
            }
        };
        let covers = match facts.decide(pool, covers) {
            Some(v) => pool.bool(v),
            None => covers,
        };
        let covers = match w.guard {
            Some(g) => pool.and(g, covers),
            None => covers,
        };
        if pool.is_true(covers) {
            return byte;
        }
        if pool.is_false(covers) {
            continue;
        }
        let rest = load_from(pool, &writes[i + 1..], addr, init, regions, facts);
        return pool.ite(covers, byte, rest);
    }
    init.byte(pool, addr)
}

/// Byte `d` of the `size`-byte `value`, for a `d` known only to be below `size`: a choice
/// among the bytes by the offset's low bits. (A shift by `8 * d` says the same, but a
/// variable shift is a barrel shifter to the solver, many times the size of this.)
fn byte_at(pool: &mut TermPool, value: TermId, size: u16, d: TermId) -> TermId {
    let sel = if size.is_power_of_two() {
        let bits = size.trailing_zeros() as u16;
        if bits == 0 {
            return value;
        }
        pool.extract(d, 0, bits)
    } else {
        d
    };
    let w = pool.width(sel);
    let mut byte = pool.extract(value, 0, 8);
    for k in 1..size {
        let kc = pool.c(w, u128::from(k));
        let at = pool.eq_(sel, kc);
        let b = pool.extract(value, 8 * k, 8);
        byte = pool.ite(at, b, byte);
    }
    byte
}

/// The most addresses one access at a merged address is split into.
const MAX_ADDRESS_CHOICES: usize = 64;
/// The most `ite`s taken apart to find them.
const MAX_ADDRESS_SPLITS: usize = 4096;

/// An address that is one of several (paths that computed different pointers, merged): each
/// choice with the condition under which the address is it, the conditions disjoint and
/// covering. `None` when the address is not a choice, or a choice among too many, or when its
/// region is known without taking it apart (`base + ite(..)`: an index chosen by paths), or
/// when a choice's is not known either.
///
/// Splitting matters because a choice of pointers has no region (it is an `ite`, an opaque
/// atom of the linear form), so an access at it would be compared against every write in
/// memory, while each of its choices usually lies in one known object, often at a constant
/// address.
pub fn address_choices(
    pool: &mut TermPool,
    addr: TermId,
    regions: &dyn Regions,
) -> Option<Vec<(TermId, TermId)>> {
    if region_of(pool, addr, regions) != Region::Unknown {
        return None;
    }
    // Different paths through the `ite`s often reach the same address: one choice each, the
    // conditions joined, keeps a pointer chased through merged memory from multiplying.
    let whole = pool.bool(true);
    let mut choices: Vec<(TermId, TermId)> = Vec::new();
    let mut pending = vec![(whole, addr)];
    let mut work = 0;
    while let Some((cond, a)) = pending.pop() {
        work += 1;
        if work > MAX_ADDRESS_SPLITS {
            return None;
        }
        let lin = pool.linear(a);
        let choice = lin.terms.iter().find_map(|&(t, _)| match pool.node(t) {
            Node::Ite(c, x, y) => Some((t, *c, *x, *y)),
            _ => None,
        });
        let Some((atom, c, x, y)) = choice else {
            // A choice no better placed than the whole is no help.
            if pool.as_const(a).is_none() && region_of(pool, a, regions) == Region::Unknown {
                return None;
            }
            match choices.iter().position(|&(_, at)| at == a) {
                Some(i) => choices[i].0 = pool.or(choices[i].0, cond),
                None if choices.len() == MAX_ADDRESS_CHOICES => return None,
                None => choices.push((cond, a)),
            }
            continue;
        };
        let not_c = pool.not(c);
        for (branch, when) in [(y, not_c), (x, c)] {
            let at = pool.substitute(a, atom, branch);
            let cond = pool.and(cond, when);
            if !pool.is_false(cond) {
                pending.push((cond, at));
            }
        }
    }
    (work > 1).then_some(choices)
}

/// Reads `size` bytes at `addr` as a little-endian value; `facts` (the path's) decide which
/// writes at symbolic offsets can reach it.
pub fn load(
    pool: &mut TermPool,
    log: &MemLog,
    addr: TermId,
    size: u16,
    init: &dyn InitialMemory,
    regions: &dyn Regions,
    facts: &mut PathFacts,
) -> TermId {
    // Each choice is an address with no choice left in it, so this recursion is one deep.
    if let Some(choices) = address_choices(pool, addr, regions) {
        let mut loaded = choices
            .iter()
            .map(|&(cond, a)| (cond, load(pool, log, a, size, init, regions, facts)))
            .collect::<Vec<_>>();
        let (_, mut value) = loaded.pop().expect("a split address has choices");
        for (cond, v) in loaded.into_iter().rev() {
            value = pool.ite(cond, v, value);
        }
        return value;
    }
    let writes: Vec<MemWrite> = log.iter().cloned().collect();
    // Whole values: when every write that may touch the load either holds all of it or is
    // provably elsewhere, the load is the newest such value (a choice among them by their
    // guards, for writes from merged paths), not one assembled byte by byte; a pointer loaded
    // this way stays a choice among pointers, which `address_choices` can take apart.
    let end = u128::from(size);
    let mut guarded: Vec<(TermId, TermId)> = Vec::new();
    let mut newest = None;
    let mut whole = true;
    for w in &writes {
        let (value, ws) = match &w.kind {
            WriteKind::Value { value, size } => (Some(*value), u128::from(*size)),
            WriteKind::Range { max, .. } => (None, u128::from(*max)),
        };
        match (pool.const_diff(addr, w.addr), value) {
            (Some(d), Some(value)) if d + end <= ws => {
                let v = pool.extract(value, 8 * d as u16, 8 * size);
                match w.guard {
                    Some(g) => guarded.push((g, v)),
                    None => {
                        newest = Some(v);
                        break;
                    }
                }
            }
            // Disjoint: the load starts after the write ends and ends before it starts
            // (modulo 2^64).
            (Some(d), _)
                if (d as u64) >= ws as u64 && (d as u64).wrapping_neg() >= u64::from(size) =>
            {
                continue;
            }
            _ if !may_alias(pool, addr, w.addr, regions) => continue,
            _ if apart(pool, addr, u128::from(size), w.addr, ws, facts) => continue,
            _ => {
                whole = false;
                break;
            }
        }
    }
    if whole {
        let mut v = match newest.or_else(|| init.word(pool, addr, size)) {
            Some(v) => v,
            None => {
                let bytes: Vec<TermId> = (0..u64::from(size))
                    .map(|i| {
                        let a = pool.add_const(addr, u128::from(i));
                        init.byte(pool, a)
                    })
                    .collect();
                concat_le(pool, &bytes)
            }
        };
        for (g, gv) in guarded.into_iter().rev() {
            v = pool.ite(g, gv, v);
        }
        return v;
    }
    let bytes: Vec<TermId> = (0..u64::from(size))
        .map(|i| {
            let a = pool.add_const(addr, u128::from(i));
            load_from(pool, &writes, a, init, regions, facts)
        })
        .collect();
    concat_le(pool, &bytes)
}

/// Whether the `size` bytes at `a` and the `ws` bytes at `b` are disjoint on the path: the
/// byte ranges meet exactly when `a + size - 1 - b < size + ws - 1` (modulo 2^64).
fn apart(
    pool: &mut TermPool,
    a: TermId,
    size: u128,
    b: TermId,
    ws: u128,
    facts: &mut PathFacts,
) -> bool {
    let d = pool.sub(a, b);
    let last = pool.add_const(d, size - 1);
    let reach = pool.c(64, size + ws - 1);
    let meet = pool.ult(last, reach);
    facts.decide(pool, meet) == Some(false)
}

/// Bytes (lowest address first) as one little-endian value; zero bytes read as a zero byte.
pub fn concat_le(pool: &mut TermPool, bytes: &[TermId]) -> TermId {
    let Some((last, lower)) = bytes.split_last() else {
        return pool.c(8, 0);
    };
    lower.iter().rev().fold(*last, |hi, b| pool.concat(hi, *b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::World;
    use crate::term::VarKind;

    /// A pool with the stack base and a path condition `c`.
    fn stack_and_condition() -> (TermPool, World, TermId) {
        let (mut pool, world) = World::new();
        let c = pool.fresh_var("c", 1, VarKind::Input);
        (pool, world, c)
    }

    /// A pointer merged from two paths reads what each path's pointer points to, as a choice
    /// on the same condition, untouched by writes elsewhere (the stack).
    #[test]
    fn a_load_at_a_choice_of_pointers_reads_each_pointer() {
        let (mut pool, mem, c) = stack_and_condition();
        let stack = mem.stack;
        let (a, b) = (pool.c(64, 0x40_1000), pool.c(64, 0x40_1010));
        let (va, vb, vs) = (pool.c(64, 0x11), pool.c(64, 0x22), pool.c(64, 0x33));
        let mut log = MemLog::new();
        for (addr, value) in [(a, va), (b, vb), (stack, vs)] {
            log.push(MemWrite {
                addr,
                guard: None,
                kind: WriteKind::Value { value, size: 8 },
            });
        }
        let p = pool.ite(c, a, b);
        let loaded = load(&mut pool, &log, p, 8, &mem, &mem, &mut PathFacts::new(&[]));
        let want = pool.ite(c, va, vb);
        assert_eq!(loaded, want, "{}", pool.show(loaded, 8));
    }

    /// An index chosen by paths inside a known object is not split: its region is known
    /// whole, and a split only multiplies the work.
    #[test]
    fn an_index_chosen_by_paths_is_not_split() {
        let (mut pool, mem, c) = stack_and_condition();
        let (one, two) = (pool.c(64, 1), pool.c(64, 2));
        let index = pool.ite(c, one, two);
        let in_frame = pool.add(mem.stack, index);
        assert_eq!(address_choices(&mut pool, in_frame, &mem), None);
        let (a, b) = (pool.c(64, 0x40_1000), pool.c(64, 0x40_2000));
        let pointer = pool.ite(c, a, b);
        let not_c = pool.not(c);
        assert_eq!(
            address_choices(&mut pool, pointer, &mem),
            Some(vec![(c, a), (not_c, b)])
        );
    }

    #[test]
    fn a_byte_at_a_symbolic_offset_is_the_byte_at_each_offset() {
        let mut pool = TermPool::new();
        let d = pool.fresh_var("d", 64, VarKind::Input);
        for (size, value) in [(8u16, 0x0807_0605_0403_0201u128), (3, 0x03_0201), (1, 0x01)] {
            let v = pool.c(8 * size, value);
            let byte = byte_at(&mut pool, v, size, d);
            for k in 0..size {
                let kc = pool.c(64, u128::from(k));
                let at = pool.substitute(byte, d, kc);
                assert_eq!(
                    pool.as_const(at),
                    Some(u128::from(k) + 1),
                    "size {size}, byte {k}"
                );
            }
        }
    }
}
