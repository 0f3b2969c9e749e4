//! x86-64 specifics of the oracle: filling placeholders, random machine states that steer
//! memory operands into the windows, and conversion between the IR's registers and ptrace's.

use tandem_ir::interp::State;
use tandem_ir::{Insn, Reg};
use tandem_lift::x86_64::regs::{self, *};
use tandem_lift::{Arch, LiftError, X86_64};

use crate::asm::{AsmError, assemble_x86_64};
use crate::forms::{Form, Piece, pieces};
use crate::harness::{HarnessError, Isa, Machine};
use crate::machine::{Instance, MemSpec, Preset, Stop, WINDOWS, window};
use crate::native::{CODE_ADDR, CpuRegs, NativeCpu, NativeError, StepMode};
use crate::rng::Rng;

const R8_NAMES: &[&str] = &[
    "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b",
    "r13b", "r14b", "r15b",
];
const R8L_NAMES: &[&str] = &["al", "cl", "dl", "bl"];
const R8H_NAMES: &[&str] = &["ah", "ch", "dh", "bh"];
const R16_NAMES: &[&str] = &[
    "ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w",
    "r14w", "r15w",
];
const R32_NAMES: &[&str] = &[
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d",
    "r13d", "r14d", "r15d",
];
const R64_NAMES: &[&str] = &[
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
    "r14", "r15",
];

/// The x86-64 side of the oracle.
#[derive(Debug)]
pub struct X86Isa {
    pub lifter: X86_64,
}

/// Instructions the oracle cannot run: `syscall` would be serviced by the kernel. Its IR (the
/// return address in `rcx`, the flags in `r11`, then the environment) is checked by the
/// lifter's unit tests.
const NOT_RUNNABLE: &[&str] = &["syscall"];

impl Isa for X86Isa {
    fn desc(&self) -> &'static tandem_ir::MachineDesc {
        &regs::DESC
    }

    fn forms(&self) -> &'static str {
        include_str!("../forms/x86_64.forms")
    }

    fn instantiate(&self, form_index: usize, form: &Form, rng: &mut Rng) -> Instance {
        instantiate(form_index, form, rng)
    }

    fn assemble(&self, lines: &[String]) -> Result<Vec<Vec<u8>>, AsmError> {
        assemble_x86_64(lines)
    }

    fn lift(&self, code: &[u8], addr: u64) -> Result<Insn, LiftError> {
        Arch::lift(&self.lifter, code, addr)
    }

    fn insn_name(&self, code: &[u8], addr: u64) -> Option<String> {
        self.lifter.insn_name(code, addr)
    }

    fn supported_names(&self) -> Vec<String> {
        self.lifter.supported_names()
    }

    fn not_runnable(&self) -> &'static [&'static str] {
        NOT_RUNNABLE
    }

    fn random_case(&self, rng: &mut Rng, inst: &Instance) -> (State, Vec<Vec<u8>>) {
        random_case(rng, inst)
    }
}

/// This CPU, through ptrace, seen through the IR's x86-64 registers.
pub struct NativeX86 {
    cpu: NativeCpu,
    baseline: CpuRegs,
}

impl std::fmt::Debug for NativeX86 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NativeX86({:?})", self.cpu)
    }
}

impl NativeX86 {
    pub fn spawn() -> Result<NativeX86, NativeError> {
        let cpu = NativeCpu::spawn()?;
        let baseline = cpu.baseline();
        Ok(NativeX86 { cpu, baseline })
    }
}

impl Machine for NativeX86 {
    fn execute(
        &mut self,
        len: usize,
        state: &State,
        memory: &[Vec<u8>],
        mode: StepMode,
    ) -> Result<(State, Vec<Vec<u8>>, Stop), HarnessError> {
        let (after, mem, stop) =
            self.cpu
                .step(len, &to_cpu(state, &self.baseline), memory, mode)?;
        Ok((from_cpu(&after), mem, stop))
    }
}

fn mem_size_keyword(bits: u64) -> &'static str {
    match bits {
        8 => "byte ptr ",
        16 => "word ptr ",
        32 => "dword ptr ",
        64 => "qword ptr ",
        80 => "tbyte ptr ",
        128 => "xmmword ptr ",
        _ => "",
    }
}

fn hex(v: i64) -> String {
    if v < 0 {
        format!("- {:#x}", v.unsigned_abs())
    } else {
        format!("+ {v:#x}")
    }
}

fn memory(rng: &mut Rng, bits: u64) -> (String, MemSpec) {
    let gpr = |rng: &mut Rng| *rng.pick(R64_NAMES);
    let index_reg = |rng: &mut Rng| loop {
        let r = *rng.pick(R64_NAMES);
        if r != "rsp" {
            return r;
        }
    };
    let reg = |name: &str| regs::DESC.reg(name);
    let mut spec = MemSpec {
        base: None,
        index: None,
        scale: 1,
        disp: 0,
        segment: None,
        rip: false,
        size: bits.max(8) / 8,
    };
    let small_disp = |rng: &mut Rng| rng.below(256) as i64 - 128;
    let body = match rng.below(20) {
        0..=7 => {
            let b = gpr(rng);
            spec.base = reg(b);
            spec.disp = small_disp(rng);
            format!("[{b} {}]", hex(spec.disp))
        }
        8..=11 => {
            let b = gpr(rng);
            spec.base = reg(b);
            format!("[{b}]")
        }
        12..=15 => {
            let (b, i) = (gpr(rng), index_reg(rng));
            spec.base = reg(b);
            spec.index = reg(i);
            spec.scale = *rng.pick(&[1, 2, 4, 8]);
            spec.disp = if rng.chance(50) {
                small_disp(rng)
            } else {
                rng.below(1 << 20) as i64 - (1 << 19)
            };
            format!("[{b} + {i}*{} {}]", spec.scale, hex(spec.disp))
        }
        16 => {
            let i = index_reg(rng);
            spec.index = reg(i);
            spec.scale = *rng.pick(&[1, 2, 4, 8]);
            spec.disp = rng.below(1 << 20) as i64;
            format!("[{i}*{} {}]", spec.scale, hex(spec.disp))
        }
        17..=18 => {
            spec.rip = true;
            spec.disp = 0x1000 + rng.below(0xF00) as i64;
            format!("[rip {}]", hex(spec.disp))
        }
        _ => {
            let seg = if rng.chance(50) { "fs" } else { "gs" };
            // Not rsp: aiming an fs-relative operand would move the stack out of its window.
            let b = index_reg(rng);
            spec.segment = Some(if seg == "fs" { FS_BASE } else { GS_BASE });
            spec.base = reg(b);
            spec.disp = small_disp(rng);
            format!("{seg}:[{b} {}]", hex(spec.disp))
        }
    };
    (format!("{}{body}", mem_size_keyword(bits)), spec)
}

/// Fills a form's placeholders.
fn instantiate(form_index: usize, form: &Form, rng: &mut Rng) -> Instance {
    let mut text = String::new();
    let mut mems = Vec::new();
    for piece in pieces(&form.template) {
        match piece {
            Piece::Text(t) => text.push_str(t),
            Piece::Hole(h) => {
                let s = match h {
                    "r8" => rng.pick(R8_NAMES).to_string(),
                    "r8l" => rng.pick(R8L_NAMES).to_string(),
                    "r8h" => rng.pick(R8H_NAMES).to_string(),
                    "r16" => rng.pick(R16_NAMES).to_string(),
                    "r32" => rng.pick(R32_NAMES).to_string(),
                    "r32l" => rng.pick(&R32_NAMES[..8]).to_string(),
                    "r64" => rng.pick(R64_NAMES).to_string(),
                    "xmm" => format!("xmm{}", rng.below(16)),
                    "st" => format!("st({})", 1 + rng.below(7)),
                    "imm8" => format!("{}", rng.below(256) as i64 - 128),
                    "simm8" => format!("{}", rng.below(256) as i64 - 128),
                    "imm16" => format!("{:#x}", rng.interesting() & 0xFFFF),
                    "imm32" => format!("{:#x}", rng.interesting() & 0xFFFF_FFFF),
                    "simm32" => format!("{}", rng.interesting() as i32),
                    "imm64" => format!("{:#x}", rng.interesting()),
                    "u8" => format!("{}", rng.below(256)),
                    "count" => format!(
                        "{}",
                        rng.pick(&[
                            0u64, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 200, 255
                        ])
                    ),
                    "rel" => format!(".+{}", rng.pick(&[2u64, 8, 0x20, 0x7F, 0x100, 0x4000])),
                    "rel8" => format!(".+{}", rng.pick(&[2u64, 8, 0x20, 0x7F])),
                    m if m.starts_with('m') => {
                        let bits = m[1..].parse::<u64>().unwrap_or(0);
                        let (s, spec) = memory(rng, bits);
                        mems.push(spec);
                        s
                    }
                    other => format!("{{{other}}}"),
                };
                text.push_str(&s);
            }
        }
    }
    let presets = form
        .presets
        .iter()
        .filter_map(|(r, v)| {
            let reg = regs::DESC.reg(r)?;
            let p = match v.as_str() {
                "data" => Preset::Data,
                "small" => Preset::Small,
                "zero" => Preset::Zero,
                _ => return None,
            };
            Some((reg, p))
        })
        .collect();
    Instance {
        form: form_index,
        text,
        mems,
        presets,
    }
}

fn random_float_bits(rng: &mut Rng, double: bool) -> u64 {
    let specials64: &[u64] = &[
        0,
        0x8000_0000_0000_0000,
        0x7FF0_0000_0000_0000,
        0xFFF0_0000_0000_0000,
        0x7FF8_0000_0000_0000,
        0x7FF0_0000_0000_0001,
        0xFFF8_0000_0000_1234,
        0x0000_0000_0000_0001,
        0x000F_FFFF_FFFF_FFFF,
        0x0010_0000_0000_0000,
        0x7FEF_FFFF_FFFF_FFFF,
    ];
    let specials32: &[u64] = &[
        0,
        0x8000_0000,
        0x7F80_0000,
        0xFF80_0000,
        0x7FC0_0000,
        0x7F80_0001,
        0xFFC0_1234,
        1,
        0x007F_FFFF,
        0x0080_0000,
        0x7F7F_FFFF,
    ];
    let nice = [
        0.0,
        1.0,
        -1.0,
        0.5,
        2.5,
        -2.5,
        3.5,
        1e10,
        -1e10,
        2147483647.5,
        2147483648.0,
        -2147483648.5,
        9.3e18,
        -9.3e18,
        1.5,
        100.25,
        1e-310,
    ];
    match rng.below(4) {
        0 => {
            if double {
                *rng.pick(specials64)
            } else {
                *rng.pick(specials32)
            }
        }
        1 => {
            let v: f64 = *rng.pick(&nice);
            if double {
                v.to_bits()
            } else {
                u64::from((v as f32).to_bits())
            }
        }
        2 => {
            // Moderate magnitudes, so arithmetic stays finite and inexact.
            let v = (rng.next_u64() as i64 as f64) / 1e9;
            if double {
                v.to_bits()
            } else {
                u64::from((v as f32).to_bits())
            }
        }
        _ => {
            if double {
                rng.next_u64()
            } else {
                rng.next_u64() & 0xFFFF_FFFF
            }
        }
    }
}

fn random_xmm(rng: &mut Rng) -> u128 {
    match rng.below(3) {
        0 => {
            let lo = random_float_bits(rng, true);
            let hi = random_float_bits(rng, true);
            (u128::from(hi) << 64) | u128::from(lo)
        }
        1 => (0..4).fold(0u128, |acc, k| {
            acc | (u128::from(random_float_bits(rng, false)) << (32 * k))
        }),
        _ => (u128::from(rng.interesting()) << 64) | u128::from(rng.interesting()),
    }
}

fn random_f80(rng: &mut Rng) -> u128 {
    match rng.below(4) {
        0 => 0,
        1 => 0x3FFF_8000_0000_0000_0000,
        2 => {
            let sign = u128::from(rng.below(2));
            let exp = u128::from(0x3FF0 + rng.below(0x20));
            (sign << 79) | (exp << 64) | u128::from(rng.next_u64() | (1 << 63))
        }
        _ => u128::from(rng.next_u64()) | (u128::from(rng.next_u64() & 0xFFFF) << 64),
    }
}

/// A random state and window contents for `inst`, with its memory operands aimed inside the
/// windows.
fn random_case(rng: &mut Rng, inst: &Instance) -> (State, Vec<Vec<u8>>) {
    let mut st = State::new(&regs::DESC);
    for r in GPRS {
        st.set(r, u128::from(rng.interesting()));
    }
    for (r, _) in FLAG_BITS {
        st.set(r, u128::from(rng.below(2)));
    }
    st.set(FS_BASE, u128::from(rng.below(1 << 40) & !7));
    st.set(GS_BASE, u128::from(rng.below(1 << 40) & !7));
    for r in XMMS {
        st.set(r, random_xmm(rng));
    }
    for r in STS {
        st.set(r, random_f80(rng));
    }
    st.set(FPU_TOP, u128::from(rng.below(8)));
    st.set(FPU_TAGS, u128::from(rng.below(256)));
    st.set(FPU_C, u128::from(rng.below(16)));
    st.set(FPU_CW, 0x037F);
    let stack = window("stack");
    let data = window("data");
    let mut rsp = stack.base + 0x800 + rng.below(0x800);
    if rng.chance(85) {
        rsp &= !7;
    }
    st.set(RSP, u128::from(rsp));
    for (r, p) in &inst.presets {
        let v = match p {
            Preset::Data => data.base + 0x800 + rng.below(0x800),
            Preset::Small => rng.below(7),
            Preset::Zero => 0,
        };
        st.set(*r, u128::from(v));
    }
    for m in &inst.mems {
        aim(rng, &mut st, m);
    }
    let mut memory = Vec::with_capacity(WINDOWS.len());
    for w in WINDOWS {
        let mut buf = vec![0u8; w.size];
        if rng.chance(50) {
            rng.fill(&mut buf);
        } else {
            for chunk in buf.chunks_mut(8) {
                let v = if rng.chance(50) {
                    rng.interesting()
                } else {
                    random_float_bits(rng, true)
                };
                chunk.copy_from_slice(&v.to_le_bytes()[..chunk.len()]);
            }
        }
        memory.push(buf);
    }
    (st, memory)
}

/// Sets the base (or index) register of `m` so the effective address lands in a window.
fn aim(rng: &mut Rng, st: &mut State, m: &MemSpec) {
    if m.rip {
        return;
    }
    let w = if m.base == Some(RSP) {
        window("stack")
    } else {
        window("data")
    };
    let mut target = w.base + 64 + rng.below(w.size as u64 - 128 - m.size);
    if rng.chance(70) {
        target &= !15;
    }
    let seg = m.segment.map_or(0, |s| st.get(s) as u64);
    let fixed = target.wrapping_sub(m.disp as u64).wrapping_sub(seg);
    match (m.base, m.index) {
        (Some(b), None) => st.set(b, u128::from(fixed)),
        (Some(b), Some(i)) if b == i => {
            let k = 1 + m.scale;
            let v = fixed / k;
            // Round the target so that (1 + scale) divides it.
            st.set(b, u128::from(v));
        }
        (Some(b), Some(i)) => {
            let iv = rng.below(16).wrapping_sub(8);
            st.set(i, u128::from(iv));
            st.set(b, u128::from(fixed.wrapping_sub(iv.wrapping_mul(m.scale))));
        }
        (None, Some(i)) => {
            let v = fixed / m.scale;
            st.set(i, u128::from(v));
        }
        (None, None) => {}
    }
}

/// Our state as ptrace registers, starting from the child's own as a template.
fn to_cpu(st: &State, base: &CpuRegs) -> CpuRegs {
    let mut c = base.clone();
    let g = |r: Reg| st.get(r) as u64;
    let gpr = &mut c.gpr;
    gpr.rax = g(RAX);
    gpr.rcx = g(RCX);
    gpr.rdx = g(RDX);
    gpr.rbx = g(RBX);
    gpr.rsp = g(RSP);
    gpr.rbp = g(RBP);
    gpr.rsi = g(RSI);
    gpr.rdi = g(RDI);
    gpr.r8 = g(R8);
    gpr.r9 = g(R9);
    gpr.r10 = g(R10);
    gpr.r11 = g(R11);
    gpr.r12 = g(R12);
    gpr.r13 = g(R13);
    gpr.r14 = g(R14);
    gpr.r15 = g(R15);
    gpr.rip = CODE_ADDR;
    gpr.fs_base = g(FS_BASE);
    gpr.gs_base = g(GS_BASE);
    let mut flags = 0x202u64;
    for (r, bit) in FLAG_BITS {
        flags |= g(r) << bit;
    }
    gpr.eflags = flags;
    let fp = &mut c.fp;
    fp.cwd = g(FPU_CW) as u16;
    let cc = g(FPU_C);
    fp.swd = ((g(FPU_TOP) as u16) << 11)
        | (((cc & 1) as u16) << 8)
        | ((((cc >> 1) & 1) as u16) << 9)
        | ((((cc >> 2) & 1) as u16) << 10)
        | ((((cc >> 3) & 1) as u16) << 14);
    fp.ftw = g(FPU_TAGS) as u16;
    fp.mxcsr = 0x1F80;
    for (i, r) in STS.iter().enumerate() {
        let v = st.get(*r);
        for k in 0..4 {
            fp.st_space[4 * i + k] = if k < 3 { (v >> (32 * k)) as u32 } else { 0 };
        }
        fp.st_space[4 * i + 2] &= 0xFFFF;
    }
    for (i, r) in XMMS.iter().enumerate() {
        let v = st.get(*r);
        for k in 0..4 {
            fp.xmm_space[4 * i + k] = (v >> (32 * k)) as u32;
        }
    }
    c
}

/// ptrace registers as our state.
fn from_cpu(c: &CpuRegs) -> State {
    let mut st = State::new(&regs::DESC);
    let gpr = &c.gpr;
    for (r, v) in [
        (RAX, gpr.rax),
        (RCX, gpr.rcx),
        (RDX, gpr.rdx),
        (RBX, gpr.rbx),
        (RSP, gpr.rsp),
        (RBP, gpr.rbp),
        (RSI, gpr.rsi),
        (RDI, gpr.rdi),
        (R8, gpr.r8),
        (R9, gpr.r9),
        (R10, gpr.r10),
        (R11, gpr.r11),
        (R12, gpr.r12),
        (R13, gpr.r13),
        (R14, gpr.r14),
        (R15, gpr.r15),
        (RIP, gpr.rip),
        (FS_BASE, gpr.fs_base),
        (GS_BASE, gpr.gs_base),
    ] {
        st.set(r, u128::from(v));
    }
    for (r, bit) in FLAG_BITS {
        st.set(r, u128::from((gpr.eflags >> bit) & 1));
    }
    let fp = &c.fp;
    st.set(FPU_CW, u128::from(fp.cwd));
    let swd = u128::from(fp.swd);
    st.set(FPU_TOP, (swd >> 11) & 7);
    st.set(
        FPU_C,
        ((swd >> 8) & 1)
            | (((swd >> 9) & 1) << 1)
            | (((swd >> 10) & 1) << 2)
            | (((swd >> 14) & 1) << 3),
    );
    st.set(FPU_TAGS, u128::from(fp.ftw & 0xFF));
    for (i, r) in STS.iter().enumerate() {
        let v = (0..3).fold(0u128, |acc, k| {
            acc | (u128::from(fp.st_space[4 * i + k]) << (32 * k))
        });
        st.set(*r, v);
    }
    for (i, r) in XMMS.iter().enumerate() {
        let v = (0..4).fold(0u128, |acc, k| {
            acc | (u128::from(fp.xmm_space[4 * i + k]) << (32 * k))
        });
        st.set(*r, v);
    }
    st
}
