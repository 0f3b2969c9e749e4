//! Concrete replay: both binaries run on one concrete input in the IR's interpreter, so a
//! possible difference the solver found is shown only if it is real.
//!
//! The input is whatever the symbolic analysis left free: input registers, the stack contents
//! above the entry, shared data, and the values of the stubs' uninterpreted functions (the
//! stream a `read` returns). A [`UfOracle`] answers the latter, from a solver model or from a
//! random source.

use std::cell::RefCell;
use std::collections::BTreeMap;

use tandem_ir::interp::{self, Fault, Memory, Outcome, PagedMemory, State};
use tandem_stubs::Library;
use tandem_stubs::concrete::{
    ConcreteEnv, ConcreteEvent, ConcreteInput, ConcreteSyscall, UfOracle,
};
use tandem_stubs::symbolic::X86_64_SYSCALL;
use tandem_stubs::types::Arch;
use tandem_symex::{TermId, VarKind};

use crate::product::Engine;
use crate::side::{Side, SideId};
use crate::{Config, Counterexample, Entry, Failure};

/// Memory that reports stores into observable ranges.
struct Observing<'a> {
    inner: PagedMemory,
    ranges: &'a [crate::side::ObservedRange],
    stores: RefCell<Vec<ConcreteEvent>>,
}

impl Memory for Observing<'_> {
    fn read(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), Fault> {
        self.inner.read(addr, buf)
    }

    fn write(&mut self, addr: u64, data: &[u8]) -> Result<(), Fault> {
        self.inner.write(addr, data)?;
        if let Some(r) = self
            .ranges
            .iter()
            .find(|r| addr >= r.start && addr - r.start < r.len)
        {
            let value = data
                .iter()
                .rev()
                .fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
            self.stores.borrow_mut().push(ConcreteEvent::Store {
                range: r.name.clone(),
                offset: addr - r.start,
                value,
                size: data.len() as u8,
            });
        }
        Ok(())
    }
}

/// The concrete starting point shared by both runs.
pub struct Start {
    pub regs: Vec<(u16, u128)>,
    pub stack_base: u64,
    /// Bytes above the stack base.
    pub stack: Vec<u8>,
}

const STACK_SIZE: u64 = 8 << 20;
const MAX_STEPS: usize = 2_000_000;

/// Runs one side concretely; its events, or `None` if the input is infeasible or the run
/// cannot be completed.
pub fn run(
    side: &Side,
    start: &Start,
    entry: u64,
    config: &Config,
    env: &mut ConcreteEnv,
) -> Option<Vec<ConcreteEvent>> {
    let prog = &side.prog;
    let desc = prog.desc();
    let binary = side.image.binary;
    let mut mem = PagedMemory::new();
    for seg in binary.segments() {
        mem.map(seg.vaddr, seg.mem_size, true, seg.data);
    }
    let sb = start.stack_base;
    mem.map(sb - STACK_SIZE, STACK_SIZE + 0x1000, true, &[]);
    mem.map(sb, start.stack.len() as u64, true, &start.stack);
    if let Entry::Function(_) = config.entry {
        let _ = mem.write(sb, &crate::inputs::RETURN_SENTINEL.to_le_bytes());
    }
    let mut mem = Observing {
        inner: mem,
        ranges: &side.observed.ranges,
        stores: RefCell::new(Vec::new()),
    };
    let mut st = State::new(desc);
    for (id, v) in &start.regs {
        st.set(
            tandem_ir::Reg::new(*id, desc.regs[usize::from(*id)].width),
            *v,
        );
    }
    st.set(desc.sp, u128::from(sb));
    let mut pc = entry;
    let mut events = Vec::new();
    for _ in 0..MAX_STEPS {
        if pc == crate::inputs::RETURN_SENTINEL {
            let rax = desc.reg("rax").map(|r| st.get(r)).unwrap_or(0);
            events.extend(mem.stores.borrow_mut().drain(..));
            events.push(ConcreteEvent::Return { value: rax });
            return Some(events);
        }
        let insn = prog.insn(pc).ok()?;
        st.set(desc.pc, u128::from(pc));
        let (outcome, _) = interp::step(desc, &insn, &mut st, &mut mem).ok()?;
        events.extend(mem.stores.borrow_mut().drain(..));
        match outcome {
            Outcome::Continue(next) => pc = next,
            Outcome::Syscall => {
                let r = env.syscall(&mut st, &mut mem);
                events.extend(mem.stores.borrow_mut().drain(..));
                events.extend(env.take_events());
                match r {
                    ConcreteSyscall::Continue => pc = insn.next_addr(),
                    ConcreteSyscall::Ended => return Some(events),
                    ConcreteSyscall::Infeasible | ConcreteSyscall::Failed(_) => return None,
                }
            }
            Outcome::Trap(t) => {
                let signal = match t {
                    tandem_ir::Trap::DivideError => "SIGFPE",
                    tandem_ir::Trap::InvalidOpcode => "SIGILL",
                    tandem_ir::Trap::Breakpoint => "SIGTRAP",
                    tandem_ir::Trap::GeneralProtection => "SIGSEGV",
                };
                events.push(ConcreteEvent::Fault {
                    signal: signal.into(),
                });
                return Some(events);
            }
            Outcome::Fault(_) => {
                events.push(ConcreteEvent::Fault {
                    signal: "SIGSEGV".into(),
                });
                return Some(events);
            }
        }
    }
    None
}

fn concrete_env<'l, 'o>(
    lib: &'l Library,
    side: &Side,
    oracle: &'o dyn UfOracle,
) -> ConcreteEnv<'l, 'o> {
    ConcreteEnv::new(lib, Arch::X86_64, X86_64_SYSCALL, side.prog.desc(), oracle)
}

/// Uninterpreted-function values from a solver model.
struct ModelOracle<'e, 's, 'b> {
    eng: RefCell<&'e mut Engine<'s, 'b>>,
    model: tandem_smt::Model,
}

impl UfOracle for ModelOracle<'_, '_, '_> {
    fn value(&self, name: &str, args: &[u128], width: u16) -> u128 {
        let mut eng = self.eng.borrow_mut();
        let eng = &mut **eng;
        let widths: Vec<u16> = match eng.pool_func_args(name) {
            Some(w) => w,
            None => return 0,
        };
        let f = eng.pool.func_decl(name, &widths, width);
        let a: Vec<TermId> = args
            .iter()
            .zip(&widths)
            .map(|(v, w)| eng.pool.c(*w, *v))
            .collect();
        let t = eng.pool.app(f, a);
        eng.solver.eval(&eng.pool, &self.model, t).unwrap_or(0)
    }
}

/// The concrete start a model describes.
fn start_from_model(eng: &mut Engine, model: &tandem_smt::Model) -> Start {
    let desc = eng.sides[0].prog.desc();
    let mut regs = Vec::new();
    let ids: Vec<(tandem_symex::VarId, String)> = eng
        .pool
        .vars()
        .filter(|(_, v)| v.kind == VarKind::Input && v.name.starts_with("in."))
        .map(|(id, v)| (id, v.name.clone()))
        .collect();
    let vars: Vec<(TermId, String)> = ids
        .into_iter()
        .filter_map(|(id, name)| eng.pool_var_term(id).map(|t| (t, name)))
        .collect();
    for (t, name) in vars {
        if let Some(r) = desc.reg(&name[3..]) {
            let v = eng.solver.eval(&eng.pool, model, t).unwrap_or(0);
            regs.push((r.id, v));
        }
    }
    let sb_term = eng.stack_base_term();
    let stack_base = eng
        .solver
        .eval(&eng.pool, model, sb_term)
        .unwrap_or(0x7FFF_0000_0000) as u64;
    let stack_base = if (0x7FF0_0000_0000..0x7FFF_FFFF_0000).contains(&stack_base) {
        stack_base & !0xF
    } else {
        0x7FFF_0000_0000
    };
    let mut stack = Vec::with_capacity(256);
    let arr = eng.stack_contents_term();
    for off in 0..256u64 {
        let o = eng.pool.c(64, u128::from(off));
        let s = eng.pool.select(arr, o);
        stack.push(eng.solver.eval(&eng.pool, model, s).unwrap_or(0) as u8);
    }
    Start {
        regs,
        stack_base,
        stack,
    }
}

/// Runs both sides on the input a failure's model gives; a counterexample if their events
/// differ.
pub fn confirm(
    eng: &mut Engine,
    f: &Failure,
    sides: [&Side; 2],
    lib: &Library,
    config: &Config,
) -> Option<Counterexample> {
    let model = match eng.solver.check(&eng.pool, f.condition) {
        tandem_smt::Answer::Sat(m) => m,
        _ => return None,
    };
    let start = start_from_model(eng, &model);
    let entries = eng.entry_addrs();
    let oracle = ModelOracle {
        eng: RefCell::new(eng),
        model,
    };
    let mut traces = Vec::new();
    let mut input = ConcreteInput::default();
    for (i, side) in sides.iter().enumerate() {
        let mut env = concrete_env(lib, side, &oracle);
        let events = run(side, &start, entries[i], config, &mut env)?;
        if side.id == SideId::Original {
            input = env.input();
        }
        traces.push(events);
    }
    if traces[0] == traces[1] {
        return None;
    }
    let desc = sides[0].prog.desc();
    if let Entry::Function(_) = config.entry {
        for name in ["rdi", "rsi", "rdx", "rcx", "r8", "r9"] {
            if let Some(r) = desc.reg(name) {
                let v = start
                    .regs
                    .iter()
                    .find(|(id, _)| *id == r.id)
                    .map_or(0, |(_, v)| *v);
                input.args.push((name.to_string(), v));
            }
        }
    }
    let p = traces.pop()?;
    let o = traces.pop()?;
    Some(Counterexample {
        input,
        original: o,
        patched: p,
        found_at: format!("{} ({})", f.node, f.what),
    })
}

/// Runs both sides on random inputs; the first input on which they differ.
pub fn random_testing(
    eng: &mut Engine,
    sides: [&Side; 2],
    lib: &Library,
    config: &Config,
    runs: u32,
    seed: u64,
) -> Option<Counterexample> {
    let entries = eng.entry_addrs();
    for r in 0..runs {
        if std::time::Instant::now() > eng.deadline {
            break;
        }
        let oracle = RandomOracle {
            seed: seed
                .wrapping_add(u64::from(r))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15),
            memo: RefCell::new(BTreeMap::new()),
        };
        let start = Start {
            regs: Vec::new(),
            stack_base: 0x7FFF_0000_0000,
            stack: vec![0; 256],
        };
        let mut traces = Vec::new();
        let mut input = ConcreteInput::default();
        for (i, side) in sides.iter().enumerate() {
            let mut env = concrete_env(lib, side, &oracle);
            match run(side, &start, entries[i], config, &mut env) {
                Some(ev) => {
                    if i == 0 {
                        input = env.input();
                    }
                    traces.push(ev);
                }
                None => break,
            }
        }
        if traces.len() == 2 && traces[0] != traces[1] {
            let p = traces.pop()?;
            let o = traces.pop()?;
            return Some(Counterexample {
                input,
                original: o,
                patched: p,
                found_at: format!("random input #{r}"),
            });
        }
    }
    None
}

/// Random stub results: small values are much more likely, so lengths fit their buffers, and
/// errors are rare.
struct RandomOracle {
    seed: u64,
    memo: RefCell<BTreeMap<(String, Vec<u128>), u128>>,
}

impl UfOracle for RandomOracle {
    fn value(&self, name: &str, args: &[u128], width: u16) -> u128 {
        let key = (name.to_string(), args.to_vec());
        if let Some(v) = self.memo.borrow().get(&key) {
            return *v;
        }
        let mut h = self.seed ^ 0x51_7CC1_B727_220A;
        for b in name.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3);
        }
        for a in args {
            h = (h ^ (*a as u64)).wrapping_mul(0x100_0000_01B3);
            h ^= h >> 29;
        }
        h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^= h >> 32;
        // Errors are the exception: a stub's `..._error` value is 0 (success) 7 times in 8.
        let error = name.contains("error");
        let v = match h % 8 {
            1..=7 if error => 0,
            0..=4 => u128::from(h % 80),
            5 => u128::from(h % 4),
            _ => u128::from(h),
        } & tandem_ir::mask(width);
        self.memo.borrow_mut().insert(key, v);
        v
    }
}
