//! The data an architecture gives the IR: registers, aliases, byte order, program counter.

use std::fmt;

/// A full architectural register: an index into a [`MachineDesc`]'s register table, and its
/// width in bits. Sub-registers (`eax`, `al`, `ah`) are not `Reg`s: they are [`Alias`]es, and
/// the lifter turns their reads and writes into extracts and merges of the full register.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Reg {
    pub id: u16,
    pub width: u16,
}

impl Reg {
    pub const fn new(id: u16, width: u16) -> Reg {
        Reg { id, width }
    }
}

/// What kind of state a register holds; the oracle and the printer use it, the semantics never
/// depend on it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RegClass {
    /// General-purpose integer register (including the stack pointer).
    General,
    /// The program counter.
    Pc,
    /// A single status flag.
    Flag,
    /// A vector or floating-point register.
    Vector,
    /// x87-style floating-point stack and its control/status state.
    Fpu,
    /// Segment bases and other system-visible state.
    System,
}

#[derive(Clone, Copy, Debug)]
pub struct RegInfo {
    pub name: &'static str,
    pub width: u16,
    pub class: RegClass,
}

/// How a write to an alias affects the rest of its base register.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AliasWrite {
    /// Bits outside the alias are cleared (x86-64: a 32-bit write zeroes the upper half).
    ZeroExtend,
    /// Bits outside the alias keep their value (x86: 8- and 16-bit writes).
    Merge,
}

/// A named part of a full register: bits `lo .. lo + width` of `base`.
#[derive(Clone, Copy, Debug)]
pub struct Alias {
    pub name: &'static str,
    pub base: Reg,
    pub lo: u16,
    pub width: u16,
    pub write: AliasWrite,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Endian {
    Little,
    Big,
}

/// Everything the IR needs to know about an architecture, as data.
#[derive(Debug)]
pub struct MachineDesc {
    pub name: &'static str,
    /// Indexed by [`Reg::id`].
    pub regs: &'static [RegInfo],
    pub aliases: &'static [Alias],
    pub endian: Endian,
    pub pc: Reg,
    pub sp: Reg,
    /// Width of an address in bits.
    pub addr_width: u16,
}

impl MachineDesc {
    pub fn info(&self, reg: Reg) -> Option<&RegInfo> {
        self.regs.get(usize::from(reg.id))
    }

    pub fn reg_name(&self, reg: Reg) -> &'static str {
        self.info(reg).map_or("?reg", |i| i.name)
    }

    /// The full register called `name`.
    pub fn reg(&self, name: &str) -> Option<Reg> {
        self.regs
            .iter()
            .position(|r| r.name == name)
            .map(|i| Reg::new(i as u16, self.regs[i].width))
    }

    /// The alias called `name`; a full register is its own alias.
    pub fn alias(&self, name: &str) -> Option<Alias> {
        if let Some(a) = self.aliases.iter().find(|a| a.name == name) {
            return Some(*a);
        }
        self.reg(name).map(|r| Alias {
            name: self.reg_name(r),
            base: r,
            lo: 0,
            width: r.width,
            write: AliasWrite::ZeroExtend,
        })
    }

    pub fn all_regs(&self) -> impl Iterator<Item = Reg> + '_ {
        self.regs
            .iter()
            .enumerate()
            .map(|(i, r)| Reg::new(i as u16, r.width))
    }
}

/// Displays a register by name through its machine description.
pub(crate) struct RegName<'a>(pub Reg, pub &'a MachineDesc);

impl fmt::Display for RegName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.1.reg_name(self.0))
    }
}
