//! The types of the stub language, return types, and the architectures a `number` names.

use std::fmt;

/// The type of a value.
///
/// Integers are fixed-width bit vectors in two's complement; the signed types differ from the
/// unsigned ones only in the operations that depend on signedness (comparison, division,
/// remainder, right shift, `min`/`max`, and widening casts). `ptr` is an address: it behaves as
/// a 64-bit unsigned number holding the target's address zero-extended (see
/// `docs/stub-language.md`, "Types").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// 8-bit unsigned integer (`uint8_t`).
    U8,
    /// 16-bit unsigned integer (`uint16_t`).
    U16,
    /// 32-bit unsigned integer (`uint32_t`).
    U32,
    /// 64-bit unsigned integer (`uint64_t`).
    U64,
    /// 8-bit signed integer (`int8_t`).
    I8,
    /// 16-bit signed integer (`int16_t`).
    I16,
    /// 32-bit signed integer (`int32_t`).
    I32,
    /// 64-bit signed integer (`int64_t`).
    I64,
    /// A truth value; it has no size in memory and cannot cross the calling convention.
    Bool,
    /// An address in the target's memory (`void *`).
    Ptr,
}

impl Type {
    /// Every type, in the order of the reference.
    pub const ALL: [Type; 10] = [
        Type::U8,
        Type::U16,
        Type::U32,
        Type::U64,
        Type::I8,
        Type::I16,
        Type::I32,
        Type::I64,
        Type::Bool,
        Type::Ptr,
    ];

    /// The type a source name denotes (`u8`, ..., `ptr`), if any.
    pub fn from_name(name: &str) -> Option<Type> {
        Type::ALL.into_iter().find(|ty| ty.name() == name)
    }

    /// The name as written in source.
    pub fn name(self) -> &'static str {
        match self {
            Type::U8 => "u8",
            Type::U16 => "u16",
            Type::U32 => "u32",
            Type::U64 => "u64",
            Type::I8 => "i8",
            Type::I16 => "i16",
            Type::I32 => "i32",
            Type::I64 => "i64",
            Type::Bool => "bool",
            Type::Ptr => "ptr",
        }
    }

    /// Whether this is one of the eight integer types (not `bool`, not `ptr`).
    pub fn is_integer(self) -> bool {
        !matches!(self, Type::Bool | Type::Ptr)
    }

    /// Whether this is a signed integer type.
    pub fn is_signed(self) -> bool {
        matches!(self, Type::I8 | Type::I16 | Type::I32 | Type::I64)
    }

    /// The width in bits of the value as the language computes with it: 8 to 64 for integers,
    /// 64 for `ptr` (an address zero-extended to 64 bits), 1 for `bool`.
    pub fn bits(self) -> u32 {
        match self {
            Type::U8 | Type::I8 => 8,
            Type::U16 | Type::I16 => 16,
            Type::U32 | Type::I32 => 32,
            Type::U64 | Type::I64 | Type::Ptr => 64,
            Type::Bool => 1,
        }
    }

    /// The size in memory in bytes, given the target's pointer size; `None` for `bool`, which
    /// cannot be loaded or stored.
    pub fn size_in_memory(self, pointer_bytes: u32) -> Option<u32> {
        match self {
            Type::Bool => None,
            Type::Ptr => Some(pointer_bytes),
            _ => Some(self.bits() / 8),
        }
    }

    /// The mask of the value's bits in a `u64`: all ones for 64-bit types and `ptr`, 1 for
    /// `bool`.
    pub fn mask(self) -> u64 {
        match self.bits() {
            64 => u64::MAX,
            bits => (1u64 << bits) - 1,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a stub or system call gives back to its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReturnType {
    /// A value of this type, bound to the return register(s) by the calling convention.
    Value(Type),
    /// Nothing (library stubs only); the return register counts as clobbered.
    Void,
    /// The stub never returns: every path ends in `exit`.
    Never,
}

impl fmt::Display for ReturnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReturnType::Value(ty) => ty.fmt(f),
            ReturnType::Void => f.write_str("void"),
            ReturnType::Never => f.write_str("never"),
        }
    }
}

/// An architecture named by a `number` line or an architecture-specific `clobbers` list.
///
/// The variants mirror `loader::Arch`; this crate does not depend on the loader, and the caller
/// maps one to the other by [`Arch::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arch {
    /// `x86_64`
    X86_64,
    /// `x86` (32-bit)
    X86,
    /// `aarch64`
    AArch64,
    /// `arm` (32-bit, A32 and T32)
    Arm,
    /// `ppc` (32-bit PowerPC)
    PowerPc,
    /// `ppc64`
    PowerPc64,
    /// `riscv32`
    RiscV32,
    /// `riscv64`
    RiscV64,
}

impl Arch {
    /// Every architecture.
    pub const ALL: [Arch; 8] = [
        Arch::X86_64,
        Arch::X86,
        Arch::AArch64,
        Arch::Arm,
        Arch::PowerPc,
        Arch::PowerPc64,
        Arch::RiscV32,
        Arch::RiscV64,
    ];

    /// The name as written in stub source: `x86_64`, `x86`, `aarch64`, `arm`, `ppc`, `ppc64`,
    /// `riscv32`, `riscv64`.
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::X86 => "x86",
            Arch::AArch64 => "aarch64",
            Arch::Arm => "arm",
            Arch::PowerPc => "ppc",
            Arch::PowerPc64 => "ppc64",
            Arch::RiscV32 => "riscv32",
            Arch::RiscV64 => "riscv64",
        }
    }

    /// The architecture a source name denotes, if any.
    pub fn from_name(name: &str) -> Option<Arch> {
        Arch::ALL.into_iter().find(|arch| arch.name() == name)
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
