//! One binary of the comparison: its program, its initial memory, its observable ranges.

use tandem_cfg::Program;
use tandem_loader::Binary;
use tandem_symex::{InitialMemory, Observer, Regions, TermId, TermPool, VarKind};

/// Which binary.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum SideId {
    Original,
    Patched,
}

impl SideId {
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            SideId::Original => "original",
            SideId::Patched => "patched",
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            SideId::Original => "o.",
            SideId::Patched => "p.",
        }
    }
}

/// A range of observable memory: every store into it is an event.
#[derive(Clone, Debug)]
pub struct ObservedRange {
    pub name: String,
    pub start: u64,
    pub len: u64,
}

/// Variables both binaries share: their inputs are the same.
#[derive(Clone, Debug)]
pub struct SharedInputs {
    /// The stack pointer at the analysis entry: 16-byte aligned by construction (a 60-bit
    /// variable above four zero bits), so `and rsp, -16` is seen to change nothing.
    pub stack_base: TermId,
    /// The stack contents above the entry stack pointer (arguments, environment), indexed by
    /// offset from the stack base.
    pub stack_mem: TermId,
    /// The stack below the entry stack pointer, by address: never written, the same in both
    /// runs (the stack lies outside both images, so neither binary's contents show there).
    pub stack_below: TermId,
    /// The bytes outside every known object, when both binaries have the same image (else
    /// each side has its own: the bytes there differ).
    pub same_image_unknown: Option<TermId>,
}

impl SharedInputs {
    pub fn new(pool: &mut TermPool, same_image: bool) -> SharedInputs {
        let high = pool.fresh_var("stack", 60, VarKind::Input);
        let zero = pool.c(4, 0);
        let stack_base = pool.concat(high, zero);
        let stack_mem = pool.fresh_var("stack_contents", 0, VarKind::Memory);
        let stack_below = pool.fresh_var("stack_uninitialised", 0, VarKind::Memory);
        let same_image_unknown =
            same_image.then(|| pool.fresh_var("uninitialised", 0, VarKind::Memory));
        SharedInputs {
            stack_base,
            stack_mem,
            stack_below,
            same_image_unknown,
        }
    }
}

/// The memory a binary starts with: its image (read-only data exactly, writable data either
/// exactly or as shared input), the shared stack contents (above the entry stack pointer and
/// below it), and this binary's own unknown bytes elsewhere (an address outside the stack may
/// lie in either image, whose bytes differ).
pub struct Image<'b> {
    pub binary: &'b Binary<'b>,
    pub shared: SharedInputs,
    /// Bytes of this binary's memory that no one initialised (e.g. the stack below the entry).
    pub unknown: TermId,
    /// Writable data is input (shared by name with the other binary) rather than the
    /// binary's own contents.
    pub symbolic_data: bool,
    pub data_arrays: std::cell::RefCell<Vec<(String, TermId)>>,
}

/// Tables read at a computed index are spelled out as an `ite` over at most this many bytes.
const MAX_TABLE: u64 = 256;

impl Image<'_> {
    fn unknown_byte(&self, pool: &mut TermPool, addr: TermId) -> TermId {
        pool.select(self.unknown, addr)
    }

    /// The data array shared by both binaries for the writable object `name`.
    fn data_array(&self, pool: &mut TermPool, name: &str) -> TermId {
        if let Some((_, t)) = self.data_arrays.borrow().iter().find(|(n, _)| n == name) {
            return *t;
        }
        let t = pool.fresh_var(format!("data.{name}"), 0, VarKind::Memory);
        self.data_arrays.borrow_mut().push((name.to_string(), t));
        t
    }

    /// The one value every byte of `size` bytes at `addr` holds in the file, if there is one.
    fn uniform_byte(&self, addr: u64, size: u64) -> Option<u8> {
        let bytes = self.binary.read(addr, size)?;
        let first = *bytes.first()?;
        bytes.iter().all(|x| *x == first).then_some(first)
    }

    /// The byte of the image at a constant address.
    fn image_byte(&self, pool: &mut TermPool, a: u64) -> Option<TermId> {
        let perms = self.binary.perms_at(a)?;
        if perms.write && self.symbolic_data {
            let sym = self.binary.symbol_containing(a);
            let (name, off) = match sym {
                Some(s) => (s.name_lossy().into_owned(), a - s.address),
                None => (format!("{a:#x}"), 0),
            };
            let arr = self.data_array(pool, &name);
            let o = pool.c(64, u128::from(off));
            return Some(pool.select(arr, o));
        }
        let b = self.binary.read(a, 1).map_or(0, |b| b[0]);
        Some(pool.c(8, u128::from(b)))
    }
}

impl InitialMemory for Image<'_> {
    fn byte(&self, pool: &mut TermPool, addr: TermId) -> TermId {
        let lin = pool.linear(addr);
        if lin.is_constant() {
            return match self.image_byte(pool, lin.constant as u64) {
                Some(b) => b,
                None => self.unknown_byte(pool, addr),
            };
        }
        if lin
            .terms
            .iter()
            .any(|(t, c)| *t == self.shared.stack_base && *c == 1)
        {
            let off = pool.sub(addr, self.shared.stack_base);
            let above = pool.select(self.shared.stack_mem, off);
            let below = pool.select(self.shared.stack_below, addr);
            return match pool.as_const(off) {
                Some(o) if (o as u64 as i64) >= 0 => above,
                Some(_) => below,
                None => {
                    let zero = pool.c(64, 0);
                    let negative = pool.binary(tandem_ir::BinOp::Slt, off, zero);
                    pool.ite(negative, below, above)
                }
            };
        }
        // An object indexed by a computed offset (the memory model assumes the access stays
        // inside it): shared data when writable data is input; else its initial bytes, one
        // value for an object that holds one byte throughout (zeroed data, say), spelled out
        // for a small table.
        let Some(obj) = self.object_at(lin.constant as u64) else {
            return self.unknown_byte(pool, addr);
        };
        let start = pool.c(64, u128::from(obj.start));
        let off = pool.sub(addr, start);
        if obj.writable && self.symbolic_data {
            let arr = self.data_array(pool, &obj.name);
            return pool.select(arr, off);
        }
        let size = pool.c(64, u128::from(obj.size));
        let inside = pool.ult(off, size);
        let unknown = self.unknown_byte(pool, addr);
        if let Some(b) = self.uniform_byte(obj.start, obj.size) {
            let b = pool.c(8, u128::from(b));
            return pool.ite(inside, b, unknown);
        }
        if obj.size > MAX_TABLE {
            return unknown;
        }
        let mut acc = unknown;
        for i in (0..obj.size).rev() {
            let Some(b) = self.image_byte(pool, obj.start + i) else {
                continue;
            };
            let k = pool.c(64, u128::from(i));
            let hit = pool.eq_(off, k);
            acc = pool.ite(hit, b, acc);
        }
        acc
    }

    fn word(&self, pool: &mut TermPool, addr: TermId, size: u16) -> Option<TermId> {
        let lin = pool.linear(addr);
        if lin.is_constant() || !matches!(size, 2 | 4 | 8) {
            return None;
        }
        let obj = self.object_at(lin.constant as u64)?;
        if obj.writable || obj.size < u64::from(size) {
            return None;
        }
        // Every address the linear form can take is `constant + stride * k`: only the entries
        // at those offsets can be read.
        let stride = lin
            .terms
            .iter()
            .map(|(_, c)| (*c as u64).trailing_zeros())
            .min()
            .map_or(1, |z| 1u64 << z.min(12));
        let first = (lin.constant as u64).wrapping_sub(obj.start) % stride;
        let last = obj.size - u64::from(size);
        let offsets: Vec<u64> = (first..=last).step_by(stride as usize).collect();
        if offsets.len() as u64 > MAX_TABLE / 2 {
            return None;
        }
        let start = pool.c(64, u128::from(obj.start));
        let off = pool.sub(addr, start);
        let mut acc = {
            let mut bytes = Vec::new();
            for i in 0..u128::from(size) {
                let a = pool.add_const(addr, i);
                bytes.push(self.unknown_byte(pool, a));
            }
            tandem_symex::concat_le(pool, &bytes)
        };
        for k in offsets.into_iter().rev() {
            let bytes = self.binary.read(obj.start + k, u64::from(size))?;
            let value = bytes
                .iter()
                .rev()
                .fold(0u128, |v, b| (v << 8) | u128::from(*b));
            let v = pool.c(8 * size, value);
            let kc = pool.c(64, u128::from(k));
            let hit = pool.eq_(off, kc);
            acc = pool.ite(hit, v, acc);
        }
        Some(acc)
    }
}

/// An object of the image that an address computed from a constant stays inside.
struct Object {
    start: u64,
    size: u64,
    writable: bool,
    name: String,
}

impl Image<'_> {
    /// The object holding `base`: its symbol, else, for read-only data (where compilers put
    /// unnamed jump tables and constant tables), its section.
    fn object_at(&self, base: u64) -> Option<Object> {
        let perms = self.binary.perms_at(base)?;
        if let Some(sym) = self.binary.symbol_containing(base)
            && sym.size > 0
        {
            return Some(Object {
                start: sym.address,
                size: sym.size,
                writable: perms.write,
                name: sym.name_lossy().into_owned(),
            });
        }
        if perms.write || perms.execute {
            return None;
        }
        let sec = self
            .binary
            .sections()
            .iter()
            .find(|s| s.contains(base) && s.has_file_data())?;
        Some(Object {
            start: sec.addr,
            size: sec.size,
            writable: false,
            name: sec.name_lossy().into_owned(),
        })
    }
}

impl Regions for Image<'_> {
    fn is_base(&self, t: TermId) -> bool {
        t == self.shared.stack_base
    }

    fn in_image(&self, addr: u64) -> bool {
        self.binary.perms_at(addr).is_some()
    }
}

/// Observable memory of one binary.
pub struct Observed {
    pub ranges: Vec<ObservedRange>,
}

impl Observer for Observed {
    fn observed(&self, pool: &mut TermPool, addr: TermId) -> Option<(String, TermId)> {
        let lin = pool.linear(addr);
        let c = lin.constant as u64;
        let r = self
            .ranges
            .iter()
            .find(|r| c >= r.start && c - r.start < r.len)?;
        let start = pool.c(64, u128::from(r.start));
        let off = pool.sub(addr, start);
        Some((r.name.clone(), off))
    }

    fn observes_any(&self) -> bool {
        !self.ranges.is_empty()
    }
}

/// Everything about one binary the verifier needs.
pub struct Side<'b> {
    pub id: SideId,
    pub prog: Program<'b>,
    pub image: Image<'b>,
    pub observed: Observed,
}

impl<'b> Side<'b> {
    pub fn is_mapped(&self, addr: u64) -> bool {
        self.image.binary.perms_at(addr).is_some()
    }

    /// `addr` for people: the address, the function it is in, and the source line when
    /// DWARF has one (`0x401020 in main (loop.c:12)`).
    pub fn describe(&self, addr: u64, function: u64) -> String {
        let mut s = format!("{addr:#x}");
        if let Some(name) = self.prog.function_name(function) {
            s.push_str(&format!(" in {name}"));
        }
        if let Ok(debug) = self.image.binary.debug_info()
            && let Some(loc) = debug.line_at(addr)
        {
            let file = loc.file.rsplit('/').next().unwrap_or(loc.file);
            s.push_str(&format!(" ({file}:{})", loc.line));
        }
        s
    }
}
