//! The oracle must not be vacuous: a lifter with a deliberately wrong semantics is caught.

use tandem_ir::{Insn, Stmt};
use tandem_lift::X86_64;
use tandem_lift::x86_64::regs;
use tandem_oracle::asm::AsmError;
use tandem_oracle::forms::Form;
use tandem_oracle::machine::Instance;
use tandem_oracle::rng::Rng;
use tandem_oracle::x86::{NativeX86, X86Isa};
use tandem_oracle::{Config, Isa, run};

/// The real x86-64 side, with one statement of every lifted instruction changed by `mutate`.
struct Mutant {
    inner: X86Isa,
    mutate: fn(&mut Insn),
}

impl Isa for Mutant {
    fn desc(&self) -> &'static tandem_ir::MachineDesc {
        self.inner.desc()
    }
    fn forms(&self) -> &'static str {
        self.inner.forms()
    }
    fn instantiate(&self, i: usize, f: &Form, rng: &mut Rng) -> Instance {
        self.inner.instantiate(i, f, rng)
    }
    fn assemble(&self, lines: &[String]) -> Result<Vec<Vec<u8>>, AsmError> {
        self.inner.assemble(lines)
    }
    fn lift(&self, code: &[u8], addr: u64) -> Result<Insn, tandem_lift::LiftError> {
        let mut insn = self.inner.lift(code, addr)?;
        (self.mutate)(&mut insn);
        Ok(insn)
    }
    fn insn_name(&self, code: &[u8], addr: u64) -> Option<String> {
        self.inner.insn_name(code, addr)
    }
    fn supported_names(&self) -> Vec<String> {
        self.inner.supported_names()
    }
    fn not_runnable(&self) -> &'static [&'static str] {
        self.inner.not_runnable()
    }
    fn random_case(
        &self,
        rng: &mut Rng,
        inst: &Instance,
    ) -> (tandem_ir::interp::State, Vec<Vec<u8>>) {
        self.inner.random_case(rng, inst)
    }
}

fn mismatches(filter: &str, mutate: fn(&mut Insn)) -> u64 {
    let isa = Mutant {
        inner: X86Isa {
            lifter: X86_64::new().expect("capstone"),
        },
        mutate,
    };
    let mut machine = NativeX86::spawn().expect("traced child");
    let cfg = Config {
        seed: 3,
        instances_per_form: 4,
        states_per_instance: 25,
        filter: Some(filter.to_string()),
        max_reported: 0,
    };
    run(&isa, &mut machine, &cfg)
        .expect("oracle runs")
        .mismatches
}

#[test]
fn a_missing_carry_flag_update_is_caught() {
    let n = mismatches("adc {r64}, {r64}", |insn| {
        insn.stmts
            .retain(|s| !matches!(s, Stmt::SetReg { reg, .. } if *reg == regs::CF));
    });
    assert!(n > 0, "dropping CF from adc went unnoticed");
}

#[test]
fn a_wrong_result_is_caught() {
    let n = mismatches("imul {r32}, {r32}", |insn| {
        // Write the result one too high.
        for s in &mut insn.stmts {
            if let Stmt::SetReg { reg, value } = s
                && regs::GPRS.contains(reg)
            {
                *value = value.clone().add_const(1);
            }
        }
    });
    assert!(n >= 4 * 25 * 9 / 10, "only {n} of 100 wrong results caught");
}

#[test]
fn a_missing_store_is_caught() {
    let n = mismatches("mov {m64}, {r64}", |insn| {
        insn.stmts.retain(|s| !matches!(s, Stmt::Store { .. }));
    });
    assert!(n > 50, "only {n} dropped stores caught");
}

#[test]
fn the_unmutated_lifter_passes_the_same_forms() {
    for f in ["adc {r64}, {r64}", "imul {r32}, {r32}", "mov {m64}, {r64}"] {
        assert_eq!(mismatches(f, |_| {}), 0, "{f}");
    }
}
