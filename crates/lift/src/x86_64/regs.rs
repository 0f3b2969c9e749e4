//! The x86-64 register file, its aliases, and the mapping from Capstone's registers.

use tandem_ir::{Alias, AliasWrite, Endian, MachineDesc, Reg, RegClass, RegInfo};

macro_rules! regfile {
    ($( $konst:ident = $id:literal $name:literal $width:literal $class:ident ),* $(,)?) => {
        $( pub const $konst: Reg = Reg::new($id, $width); )*
        const REGS: &[RegInfo] = &[
            $( RegInfo { name: $name, width: $width, class: RegClass::$class } ),*
        ];
    };
}

regfile! {
    RAX = 0 "rax" 64 General, RCX = 1 "rcx" 64 General, RDX = 2 "rdx" 64 General,
    RBX = 3 "rbx" 64 General, RSP = 4 "rsp" 64 General, RBP = 5 "rbp" 64 General,
    RSI = 6 "rsi" 64 General, RDI = 7 "rdi" 64 General, R8 = 8 "r8" 64 General,
    R9 = 9 "r9" 64 General, R10 = 10 "r10" 64 General, R11 = 11 "r11" 64 General,
    R12 = 12 "r12" 64 General, R13 = 13 "r13" 64 General, R14 = 14 "r14" 64 General,
    R15 = 15 "r15" 64 General,
    RIP = 16 "rip" 64 Pc,
    CF = 17 "cf" 1 Flag, PF = 18 "pf" 1 Flag, AF = 19 "af" 1 Flag, ZF = 20 "zf" 1 Flag,
    SF = 21 "sf" 1 Flag, OF = 22 "of" 1 Flag, DF = 23 "df" 1 Flag,
    FS_BASE = 24 "fs_base" 64 System, GS_BASE = 25 "gs_base" 64 System,
    XMM0 = 26 "xmm0" 128 Vector, XMM1 = 27 "xmm1" 128 Vector, XMM2 = 28 "xmm2" 128 Vector,
    XMM3 = 29 "xmm3" 128 Vector, XMM4 = 30 "xmm4" 128 Vector, XMM5 = 31 "xmm5" 128 Vector,
    XMM6 = 32 "xmm6" 128 Vector, XMM7 = 33 "xmm7" 128 Vector, XMM8 = 34 "xmm8" 128 Vector,
    XMM9 = 35 "xmm9" 128 Vector, XMM10 = 36 "xmm10" 128 Vector, XMM11 = 37 "xmm11" 128 Vector,
    XMM12 = 38 "xmm12" 128 Vector, XMM13 = 39 "xmm13" 128 Vector, XMM14 = 40 "xmm14" 128 Vector,
    XMM15 = 41 "xmm15" 128 Vector,
    ST0 = 42 "st0" 80 Fpu, ST1 = 43 "st1" 80 Fpu, ST2 = 44 "st2" 80 Fpu, ST3 = 45 "st3" 80 Fpu,
    ST4 = 46 "st4" 80 Fpu, ST5 = 47 "st5" 80 Fpu, ST6 = 48 "st6" 80 Fpu, ST7 = 49 "st7" 80 Fpu,
    FPU_TOP = 50 "fpu_top" 3 Fpu,
    FPU_TAGS = 51 "fpu_tags" 8 Fpu,
    FPU_CW = 52 "fpu_cw" 16 Fpu,
    FPU_C = 53 "fpu_c" 4 Fpu,
}

/// The general-purpose registers in encoding order.
pub const GPRS: [Reg; 16] = [
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15,
];

pub const XMMS: [Reg; 16] = [
    XMM0, XMM1, XMM2, XMM3, XMM4, XMM5, XMM6, XMM7, XMM8, XMM9, XMM10, XMM11, XMM12, XMM13, XMM14,
    XMM15,
];

/// The x87 stack, top first: `st0` is ST(0) whatever the physical register.
pub const STS: [Reg; 8] = [ST0, ST1, ST2, ST3, ST4, ST5, ST6, ST7];

/// The status flags in the order of their `rflags` bit positions.
pub const FLAG_BITS: [(Reg, u16); 7] = [
    (CF, 0),
    (PF, 2),
    (AF, 4),
    (ZF, 6),
    (SF, 7),
    (DF, 10),
    (OF, 11),
];

macro_rules! aliases {
    ($( $name:literal : $base:ident [$lo:literal ; $width:literal] $write:ident ),* $(,)?) => {
        const ALIASES: &[Alias] = &[
            $( Alias { name: $name, base: $base, lo: $lo, width: $width, write: AliasWrite::$write } ),*
        ];
    };
}

aliases! {
    "eax": RAX[0;32] ZeroExtend, "ecx": RCX[0;32] ZeroExtend, "edx": RDX[0;32] ZeroExtend,
    "ebx": RBX[0;32] ZeroExtend, "esp": RSP[0;32] ZeroExtend, "ebp": RBP[0;32] ZeroExtend,
    "esi": RSI[0;32] ZeroExtend, "edi": RDI[0;32] ZeroExtend, "r8d": R8[0;32] ZeroExtend,
    "r9d": R9[0;32] ZeroExtend, "r10d": R10[0;32] ZeroExtend, "r11d": R11[0;32] ZeroExtend,
    "r12d": R12[0;32] ZeroExtend, "r13d": R13[0;32] ZeroExtend, "r14d": R14[0;32] ZeroExtend,
    "r15d": R15[0;32] ZeroExtend,
    "ax": RAX[0;16] Merge, "cx": RCX[0;16] Merge, "dx": RDX[0;16] Merge, "bx": RBX[0;16] Merge,
    "sp": RSP[0;16] Merge, "bp": RBP[0;16] Merge, "si": RSI[0;16] Merge, "di": RDI[0;16] Merge,
    "r8w": R8[0;16] Merge, "r9w": R9[0;16] Merge, "r10w": R10[0;16] Merge,
    "r11w": R11[0;16] Merge, "r12w": R12[0;16] Merge, "r13w": R13[0;16] Merge,
    "r14w": R14[0;16] Merge, "r15w": R15[0;16] Merge,
    "al": RAX[0;8] Merge, "cl": RCX[0;8] Merge, "dl": RDX[0;8] Merge, "bl": RBX[0;8] Merge,
    "spl": RSP[0;8] Merge, "bpl": RBP[0;8] Merge, "sil": RSI[0;8] Merge, "dil": RDI[0;8] Merge,
    "r8b": R8[0;8] Merge, "r9b": R9[0;8] Merge, "r10b": R10[0;8] Merge, "r11b": R11[0;8] Merge,
    "r12b": R12[0;8] Merge, "r13b": R13[0;8] Merge, "r14b": R14[0;8] Merge,
    "r15b": R15[0;8] Merge,
    "ah": RAX[8;8] Merge, "ch": RCX[8;8] Merge, "dh": RDX[8;8] Merge, "bh": RBX[8;8] Merge,
}

pub static DESC: MachineDesc = MachineDesc {
    name: "x86-64",
    regs: REGS,
    aliases: ALIASES,
    endian: Endian::Little,
    pc: RIP,
    sp: RSP,
    addr_width: 64,
};
