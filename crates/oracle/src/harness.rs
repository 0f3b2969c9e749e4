//! The differential run: every form, many instances, many random states; the interpreter and
//! the CPU must agree on every register, every defined flag, every window byte and the way
//! execution stopped.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use tandem_ir::interp::{self, Outcome, PagedMemory, State};
use tandem_ir::{Flow, Insn, Trap};
use tandem_lift::X86_64;

use crate::asm::AsmError;
use crate::forms::{self, Form};
use crate::machine::{Instance, Stop, WINDOWS};
use crate::native::{NativeError, StepMode};
use crate::rng::Rng;
use crate::x86::{NativeX86, X86Isa};

#[derive(Clone, Debug)]
pub struct Config {
    pub seed: u64,
    /// Distinct instantiations (registers, immediates, addressing) of every form.
    pub instances_per_form: usize,
    /// Random states each instance runs on.
    pub states_per_instance: usize,
    /// Run only forms whose template contains this text.
    pub filter: Option<String>,
    /// Mismatch details kept per mnemonic.
    pub max_reported: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    #[error(transparent)]
    Asm(#[from] AsmError),
    #[error(transparent)]
    Native(#[from] NativeError),
    #[error(transparent)]
    Lift(#[from] tandem_lift::LiftError),
}

#[derive(Clone, Default, Debug)]
pub struct MnemonicStats {
    pub forms: BTreeSet<usize>,
    pub states: u64,
    pub mismatches: u64,
}

#[derive(Default, Debug)]
pub struct Report {
    /// Keyed by Capstone's instruction name.
    pub per_mnemonic: BTreeMap<String, MnemonicStats>,
    pub states: u64,
    pub mismatches: u64,
    /// Human-readable detail of the first mismatches.
    pub details: Vec<String>,
    /// Forms whose instances the lifter reported unsupported or that failed the IR verifier.
    pub broken_forms: Vec<String>,
    /// Instruction names the lifter supports but no form exercised.
    pub untested: Vec<String>,
}

impl Report {
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<14} {:>6} {:>9} {:>10}",
            "mnemonic", "forms", "states", "mismatches"
        );
        for (m, st) in &self.per_mnemonic {
            let _ = writeln!(
                s,
                "{m:<14} {:>6} {:>9} {:>10}",
                st.forms.len(),
                st.states,
                st.mismatches
            );
        }
        let forms: usize = self.per_mnemonic.values().map(|s| s.forms.len()).sum();
        let _ = writeln!(
            s,
            "total: {} mnemonics, {forms} forms, {} states, {} mismatches",
            self.per_mnemonic.len(),
            self.states,
            self.mismatches
        );
        s
    }

    pub fn is_clean(&self) -> bool {
        self.mismatches == 0 && self.broken_forms.is_empty() && self.untested.is_empty()
    }
}

fn expected_stop(outcome: &Outcome) -> Option<Stop> {
    Some(match outcome {
        Outcome::Continue(_) => Stop::Stepped,
        Outcome::Trap(Trap::DivideError) => Stop::DivideError,
        Outcome::Trap(Trap::InvalidOpcode) => Stop::InvalidOpcode,
        Outcome::Trap(Trap::Breakpoint) => Stop::Breakpoint,
        Outcome::Trap(Trap::GeneralProtection) => Stop::GeneralProtection,
        Outcome::Fault(f) => Stop::PageFault(f.addr),
        Outcome::Syscall => return None,
    })
}

/// One architecture's side of the oracle: its forms, lifter, assembler and random states.
pub trait Isa {
    fn desc(&self) -> &'static tandem_ir::MachineDesc;
    /// The forms file.
    fn forms(&self) -> &'static str;
    fn instantiate(&self, form_index: usize, form: &Form, rng: &mut Rng) -> Instance;
    fn assemble(&self, lines: &[String]) -> Result<Vec<Vec<u8>>, AsmError>;
    fn lift(&self, code: &[u8], addr: u64) -> Result<Insn, tandem_lift::LiftError>;
    /// The name the lifter dispatches the instruction by.
    fn insn_name(&self, code: &[u8], addr: u64) -> Option<String>;
    /// Every instruction name the lifter has semantics for.
    fn supported_names(&self) -> Vec<String>;
    /// Supported instructions a machine cannot run in isolation (checked elsewhere).
    fn not_runnable(&self) -> &'static [&'static str];
    /// A random state and window contents with the instance's memory operands aimed inside
    /// the windows.
    fn random_case(&self, rng: &mut Rng, inst: &Instance) -> (State, Vec<Vec<u8>>);
}

/// A real execution of one instruction: the CPU itself, or (for other architectures) an
/// emulator.
pub trait Machine {
    /// Runs the instruction of `len` bytes at the start of the code window (`memory[0]`)
    /// from `state`, and returns the registers, the windows and how it stopped.
    fn execute(
        &mut self,
        len: usize,
        state: &State,
        memory: &[Vec<u8>],
        mode: StepMode,
    ) -> Result<(State, Vec<Vec<u8>>, Stop), HarnessError>;
}

/// Runs the x86-64 oracle on this CPU.
pub fn run_x86_64(cfg: &Config) -> Result<Report, HarnessError> {
    let isa = X86Isa {
        lifter: X86_64::new()?,
    };
    let mut machine = NativeX86::spawn()?;
    run(&isa, &mut machine, cfg)
}

/// Runs every form of `isa` on `machine` and on the interpreter.
pub fn run(isa: &dyn Isa, machine: &mut dyn Machine, cfg: &Config) -> Result<Report, HarnessError> {
    let forms: Vec<Form> = forms::parse(isa.forms())
        .into_iter()
        .filter(|f| {
            cfg.filter
                .as_ref()
                .is_none_or(|p| f.template.contains(p.as_str()))
        })
        .collect();
    let mut rng = Rng::new(cfg.seed);
    let mut instances: Vec<Instance> = Vec::new();
    for (i, f) in forms.iter().enumerate() {
        for _ in 0..cfg.instances_per_form {
            instances.push(isa.instantiate(i, f, &mut rng));
        }
    }
    let texts: Vec<String> = instances.iter().map(|i| i.text.clone()).collect();
    let codes = isa.assemble(&texts)?;
    let desc = isa.desc();
    let code_addr = WINDOWS[0].base;
    let mut report = Report::default();
    let mut seen_names = BTreeSet::new();
    for (inst, code) in instances.iter().zip(&codes) {
        let form = &forms[inst.form];
        let insn = isa.lift(code, code_addr)?;
        let name = isa
            .insn_name(code, code_addr)
            .unwrap_or_else(|| "?".to_string());
        seen_names.insert(name.clone());
        if insn.unsupported().is_some() || tandem_ir::verify(&insn, desc).is_err() {
            report.broken_forms.push(format!(
                "line {}: `{}` ({})",
                form.line, inst.text, insn.asm
            ));
            continue;
        }
        let stats = report.per_mnemonic.entry(name).or_default();
        stats.forms.insert(inst.form);
        for _ in 0..cfg.states_per_instance {
            let (state, mut memory) = isa.random_case(&mut rng, inst);
            place_code(&mut memory[0], code);
            let mode = if insn.flow == Flow::Next {
                StepMode::ToBreakpoint
            } else {
                StepMode::Single
            };
            let (after, machine_mem, stop) = machine.execute(code.len(), &state, &memory, mode)?;
            let diff = compare(desc, &insn, &state, &memory, &after, &machine_mem, stop);
            stats.states += 1;
            report.states += 1;
            if let Some(d) = diff {
                stats.mismatches += 1;
                report.mismatches += 1;
                if stats.mismatches <= cfg.max_reported as u64 {
                    report.details.push(format!(
                        "form line {}: `{}`\n{}{d}",
                        form.line,
                        inst.text,
                        insn.display(desc)
                    ));
                }
            }
        }
    }
    if cfg.filter.is_none() {
        for name in isa.supported_names() {
            if !seen_names.contains(&name) && !isa.not_runnable().contains(&name.as_str()) {
                report.untested.push(name);
            }
        }
    }
    Ok(report)
}

/// Puts the instruction at the start of the code window, followed by `int3` padding.
fn place_code(window: &mut [u8], code: &[u8]) {
    let n = code.len().min(16);
    window[..n].copy_from_slice(&code[..n]);
    window[n..32].fill(0xCC);
}

/// Runs `insn` in the interpreter on the same input and describes every difference from what
/// the CPU did; `None` when they agree.
fn compare(
    desc: &tandem_ir::MachineDesc,
    insn: &Insn,
    input: &State,
    memory: &[Vec<u8>],
    cpu: &State,
    cpu_mem: &[Vec<u8>],
    stop: Stop,
) -> Option<String> {
    let mut st = input.clone();
    st.set(desc.pc, u128::from(WINDOWS[0].base));
    let mut mem = PagedMemory::new();
    for (w, bytes) in WINDOWS.iter().zip(memory) {
        mem.map(w.base, w.size as u64, true, bytes);
    }
    let mut out = String::new();
    let (outcome, effects) = match interp::step(desc, insn, &mut st, &mut mem) {
        Ok(r) => r,
        Err(e) => return Some(format!("interpreter error: {e}\n")),
    };
    let want = expected_stop(&outcome);
    let faulted = matches!(outcome, Outcome::Fault(_));
    match (want, stop) {
        // A fault is terminal; the kernel reports non-canonical addresses as a general
        // protection fault.
        (Some(Stop::PageFault(_)), Stop::PageFault(_) | Stop::GeneralProtection) => return None,
        (Some(w), s) if w == s => {}
        (w, s) => {
            let _ = writeln!(out, "stop: interpreter {w:?} ({outcome:?}), cpu {s:?}");
        }
    }
    if faulted || !out.is_empty() {
        return Some(describe_input(desc, input, &out));
    }
    for reg in desc.all_regs() {
        if effects.havocked.contains(&reg) {
            continue;
        }
        let (a, b) = (st.get(reg), cpu.get(reg));
        if a != b {
            let _ = writeln!(
                out,
                "{}: interpreter {a:#x}, cpu {b:#x} (was {:#x})",
                desc.reg_name(reg),
                input.get(reg)
            );
        }
    }
    for (w, bytes) in WINDOWS.iter().zip(cpu_mem) {
        let mut ours = vec![0u8; w.size];
        let _ = interp::Memory::read(&mut mem, w.base, &mut ours);
        if let Some(i) = (0..w.size).find(|&i| ours[i] != bytes[i]) {
            let _ = writeln!(
                out,
                "memory {:#x}: interpreter {:02x?}, cpu {:02x?}",
                w.base + i as u64,
                &ours[i..(i + 16).min(w.size)],
                &bytes[i..(i + 16).min(w.size)]
            );
        }
    }
    if out.is_empty() {
        None
    } else {
        Some(describe_input(desc, input, &out))
    }
}

fn describe_input(desc: &tandem_ir::MachineDesc, input: &State, diff: &str) -> String {
    let mut s = String::from(diff);
    s.push_str("input:");
    for reg in desc.all_regs() {
        if desc
            .info(reg)
            .is_some_and(|i| i.class != tandem_ir::RegClass::Vector)
            || input.get(reg) != 0
        {
            let _ = write!(s, " {}={:#x}", desc.reg_name(reg), input.get(reg));
        }
    }
    s.push('\n');
    s
}
