//! The concrete interpreter: a checked stub run on a concrete machine state, for replaying an
//! input on both binaries (every counterexample is replayed before it is shown) and for
//! running examples.
//!
//! Values of uninterpreted functions come from a [`UfOracle`]: a solver model, or a random
//! source. An `assume` that does not hold makes the run infeasible (the input is not one the
//! stubs allow); an `assert` that does not hold is a failure.

use tandem_ir::interp::{Memory, State};
use tandem_ir::{MachineDesc, Reg};

use crate::Library;
use crate::checked::{
    BinOp, Builtin, CastKind, EventArg as CEventArg, Expr, ExprKind, Function, StmtKind, UnaryOp,
};
use crate::symbolic::Convention;
use crate::types::{Arch, ReturnType, Type};

/// Values of uninterpreted functions for one concrete run.
pub trait UfOracle {
    fn value(&self, name: &str, args: &[u128], width: u16) -> u128;
}

/// An argument of a concrete event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConcreteArg {
    Value(u128),
    Bytes(Vec<u8>),
}

/// An observable event with concrete values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConcreteEvent {
    Call {
        name: String,
        args: Vec<ConcreteArg>,
    },
    Store {
        range: String,
        offset: u64,
        value: u128,
        size: u8,
    },
    Exit {
        status: u128,
    },
    Fault {
        signal: String,
    },
    Return {
        value: u128,
    },
}

impl std::fmt::Display for ConcreteEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConcreteEvent::Call { name, args } => {
                let a: Vec<String> = args
                    .iter()
                    .map(|a| match a {
                        ConcreteArg::Value(v) => format!("{v}"),
                        ConcreteArg::Bytes(b) => format!("\"{}\"", escape(b)),
                    })
                    .collect();
                write!(f, "{name}({})", a.join(", "))
            }
            ConcreteEvent::Store {
                range,
                offset,
                value,
                size,
            } => {
                write!(f, "store {range}+{offset:#x} = {value:#x} ({size} bytes)")
            }
            ConcreteEvent::Exit { status } => write!(f, "exit({})", *status as u32 as i32),
            ConcreteEvent::Fault { signal } => write!(f, "killed by {signal}"),
            ConcreteEvent::Return { value } => write!(f, "return {value:#x}"),
        }
    }
}

/// Bytes as a C-like string literal body.
pub fn escape(b: &[u8]) -> String {
    b.iter()
        .map(|c| match c {
            b' '..=b'~' if *c != b'"' && *c != b'\\' => (*c as char).to_string(),
            b'\n' => "\\n".into(),
            _ => format!("\\x{c:02x}"),
        })
        .collect()
}

/// The inputs one run consumed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConcreteInput {
    /// Each range store of a stub whose first parameter is a file descriptor (`read`-like
    /// calls), in order: the descriptor and the bytes.
    pub reads: Vec<(u64, Vec<u8>)>,
    /// Entry-function arguments (by register).
    pub args: Vec<(String, u128)>,
    /// Every uninterpreted-function value the run used: name, arguments, value.
    pub values: Vec<(String, Vec<u128>, u128)>,
}

/// How a system call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConcreteSyscall {
    Continue,
    /// The process ended; the event was recorded.
    Ended,
    /// An `assume` failed: this input is not one the stubs allow.
    Infeasible,
    /// An `assert` failed, or the call has no stub.
    Failed(String),
}

/// Services system calls concretely.
pub struct ConcreteEnv<'l, 'o> {
    lib: &'l Library,
    arch: Arch,
    conv: Convention,
    desc: &'static MachineDesc,
    oracle: &'o dyn UfOracle,
    ghosts: Vec<(String, u64)>,
    events: Vec<ConcreteEvent>,
    input: ConcreteInput,
}

struct Ctx<'a> {
    locals: Vec<Option<u64>>,
    mem: &'a mut dyn Memory,
    offset: u64,
    failed: Option<ConcreteSyscall>,
}

impl<'l, 'o> ConcreteEnv<'l, 'o> {
    pub fn new(
        lib: &'l Library,
        arch: Arch,
        conv: Convention,
        desc: &'static MachineDesc,
        oracle: &'o dyn UfOracle,
    ) -> ConcreteEnv<'l, 'o> {
        let ghosts = lib
            .globals()
            .iter()
            .map(|g| (g.name.to_string(), g.init.bits))
            .collect();
        ConcreteEnv {
            lib,
            arch,
            conv,
            desc,
            oracle,
            ghosts,
            events: Vec::new(),
            input: ConcreteInput::default(),
        }
    }

    pub fn take_events(&mut self) -> Vec<ConcreteEvent> {
        std::mem::take(&mut self.events)
    }

    pub fn input(&self) -> ConcreteInput {
        self.input.clone()
    }

    fn reg(&self, name: &str) -> Option<Reg> {
        self.desc.reg(name)
    }

    /// Services the system call `state` stopped at.
    pub fn syscall(&mut self, state: &mut State, mem: &mut dyn Memory) -> ConcreteSyscall {
        let Some(nr) = self.reg(self.conv.number).map(|r| state.get(r) as u64) else {
            return ConcreteSyscall::Failed("no system-call number register".into());
        };
        let Some(f) = self.lib.syscall_by_number(self.arch, nr) else {
            return ConcreteSyscall::Failed(format!("system call {nr} has no stub"));
        };
        let f = f.clone();
        let mut locals = vec![None; f.locals.len()];
        for (i, p) in f.params.iter().enumerate() {
            let Some(r) = self.conv.args.get(i).and_then(|n| self.reg(n)) else {
                return ConcreteSyscall::Failed(format!(
                    "system call `{}` has too many parameters",
                    f.name
                ));
            };
            locals[i] = Some(state.get(r) as u64 & p.ty.mask());
        }
        let mut ctx = Ctx {
            locals,
            mem,
            offset: 0,
            failed: None,
        };
        let result = self.block(&f, &f.body, &mut ctx, state);
        if let Some(fail) = ctx.failed {
            return fail;
        }
        match result {
            Flow::Return(v) => {
                if let (Some(v), ReturnType::Value(ty), Some(r)) =
                    (v, f.ret, self.reg(self.conv.result))
                {
                    let wide = if ty.is_signed() {
                        sign_extend(v, ty)
                    } else {
                        v
                    };
                    state.set(r, u128::from(wide));
                }
                ConcreteSyscall::Continue
            }
            Flow::Exit => ConcreteSyscall::Ended,
            Flow::Next => ConcreteSyscall::Continue,
        }
    }

    fn block(
        &mut self,
        f: &Function,
        stmts: &[crate::checked::Stmt],
        ctx: &mut Ctx,
        state: &mut State,
    ) -> Flow {
        for s in stmts {
            if ctx.failed.is_some() {
                return Flow::Exit;
            }
            match &s.kind {
                StmtKind::Let { local, value } => {
                    let v = self.eval(value, ctx);
                    ctx.locals[local.index()] = Some(v);
                }
                StmtKind::SetGlobal { global, value } => {
                    let v = self.eval(value, ctx);
                    match self.ghosts.iter_mut().find(|(n, _)| **n == **global) {
                        Some(slot) => slot.1 = v,
                        None => self.ghosts.push((global.to_string(), v)),
                    }
                }
                StmtKind::If {
                    cond,
                    then_body,
                    else_body,
                } => {
                    let c = self.eval(cond, ctx) != 0;
                    let flow = self.block(f, if c { then_body } else { else_body }, ctx, state);
                    if !matches!(flow, Flow::Next) {
                        return flow;
                    }
                }
                StmtKind::Assume(cond) => {
                    if self.eval(cond, ctx) == 0 {
                        ctx.failed = Some(ConcreteSyscall::Infeasible);
                        return Flow::Exit;
                    }
                }
                StmtKind::Assert { cond, message } => {
                    if self.eval(cond, ctx) == 0 {
                        ctx.failed = Some(ConcreteSyscall::Failed(format!(
                            "stub `{}`: assertion failed: {message}",
                            f.name
                        )));
                        return Flow::Exit;
                    }
                }
                StmtKind::StoreRange { range, value } => {
                    let base = self.eval(&range.base, ctx);
                    let start = self.eval(&range.start, ctx);
                    let end = self.eval(&range.end, ctx);
                    let mut bytes = Vec::new();
                    for k in start..end.max(start) {
                        ctx.offset = k - start;
                        bytes.push(self.eval(value, ctx) as u8);
                    }
                    if ctx.failed.is_some() {
                        return Flow::Exit;
                    }
                    if ctx.mem.write(base.wrapping_add(start), &bytes).is_err() {
                        self.events.push(ConcreteEvent::Fault {
                            signal: "SIGSEGV".into(),
                        });
                        return Flow::Exit;
                    }
                    if f.params.first().is_some_and(|p| &*p.name == "fd") {
                        let fd = ctx.locals.first().copied().flatten().unwrap_or(0);
                        self.input.reads.push((fd, bytes));
                    }
                }
                StmtKind::Store { addr, ty, value } => {
                    let a = self.eval(addr, ctx);
                    let v = self.eval(value, ctx);
                    let n = ty.size_in_memory(8).unwrap_or(8) as usize;
                    let bytes = v.to_le_bytes();
                    if ctx.mem.write(a, &bytes[..n]).is_err() {
                        self.events.push(ConcreteEvent::Fault {
                            signal: "SIGSEGV".into(),
                        });
                        return Flow::Exit;
                    }
                }
                StmtKind::Event { name, args } => {
                    let mut out = Vec::new();
                    for a in args {
                        out.push(match a {
                            CEventArg::Value(e) => {
                                ConcreteArg::Value(u128::from(self.eval(e, ctx)))
                            }
                            CEventArg::Bytes(r) => {
                                let base = self.eval(&r.base, ctx);
                                let start = self.eval(&r.start, ctx);
                                let end = self.eval(&r.end, ctx);
                                let n = end.saturating_sub(start).min(1 << 20) as usize;
                                let mut buf = vec![0u8; n];
                                if ctx.mem.read(base.wrapping_add(start), &mut buf).is_err() {
                                    self.events.push(ConcreteEvent::Fault {
                                        signal: "SIGSEGV".into(),
                                    });
                                    return Flow::Exit;
                                }
                                ConcreteArg::Bytes(buf)
                            }
                        });
                    }
                    self.events.push(ConcreteEvent::Call {
                        name: name.to_string(),
                        args: out,
                    });
                }
                StmtKind::Return(value) => {
                    let v = value.as_ref().map(|e| self.eval(e, ctx));
                    return Flow::Return(v);
                }
                StmtKind::Exit(status) => {
                    let v = self.eval(status, ctx);
                    self.events.push(ConcreteEvent::Exit {
                        status: u128::from(v),
                    });
                    return Flow::Exit;
                }
            }
        }
        let _ = state;
        Flow::Next
    }

    fn eval(&mut self, e: &Expr, ctx: &mut Ctx) -> u64 {
        let m = e.ty.mask();
        let v = match &e.kind {
            ExprKind::Const(v) => v.bits,
            ExprKind::Local(id) => ctx.locals.get(id.index()).copied().flatten().unwrap_or(0),
            ExprKind::Global(name) => self
                .ghosts
                .iter()
                .find(|(n, _)| **n == **name)
                .map_or(0, |(_, v)| *v),
            ExprKind::Offset => ctx.offset,
            ExprKind::Unary { op, operand } => {
                let a = self.eval(operand, ctx);
                match op {
                    UnaryOp::Neg => a.wrapping_neg(),
                    UnaryOp::Not => u64::from(a == 0),
                    UnaryOp::BitNot => !a,
                }
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let a = self.eval(lhs, ctx);
                if matches!(op, BinOp::LogicalAnd) && a == 0 {
                    return 0;
                }
                if matches!(op, BinOp::LogicalOr) && a != 0 {
                    return 1;
                }
                let b = self.eval(rhs, ctx);
                binary(*op, lhs.ty, a, b)
            }
            ExprKind::Cast { kind, value } => {
                let a = self.eval(value, ctx);
                match kind {
                    CastKind::SignExtend => sign_extend(a, value.ty),
                    CastKind::ToPtr if value.ty.is_signed() => sign_extend(a, value.ty),
                    _ => a,
                }
            }
            ExprKind::Call { function, args } => {
                let vals: Vec<u128> = args.iter().map(|a| u128::from(self.eval(a, ctx))).collect();
                let v = self.oracle.value(function, &vals, e.ty.bits() as u16) as u64 & m;
                self.input
                    .values
                    .push((function.to_string(), vals, u128::from(v)));
                v
            }
            ExprKind::Builtin { builtin, args } => {
                let vals: Vec<u64> = args.iter().map(|a| self.eval(a, ctx)).collect();
                let ty = args.first().map_or(Type::U64, |a| a.ty);
                let (x, y) = (
                    vals.first().copied().unwrap_or(0),
                    vals.get(1).copied().unwrap_or(0),
                );
                match builtin {
                    Builtin::UMin => x.min(y),
                    Builtin::UMax => x.max(y),
                    Builtin::SMin => {
                        if signed(x, ty) <= signed(y, ty) {
                            x
                        } else {
                            y
                        }
                    }
                    Builtin::SMax => {
                        if signed(x, ty) >= signed(y, ty) {
                            x
                        } else {
                            y
                        }
                    }
                    Builtin::CStringLength => {
                        let mut k = 0;
                        while k < y {
                            let mut b = [0u8];
                            if ctx.mem.read(x.wrapping_add(k), &mut b).is_err() || b[0] == 0 {
                                break;
                            }
                            k += 1;
                        }
                        k
                    }
                }
            }
            ExprKind::Load { addr } => {
                let a = self.eval(addr, ctx);
                let n = e.ty.size_in_memory(8).unwrap_or(8) as usize;
                let mut buf = [0u8; 8];
                if ctx.mem.read(a, &mut buf[..n]).is_err() {
                    ctx.failed = Some(ConcreteSyscall::Failed(
                        "a stub read unmapped memory".into(),
                    ));
                    return 0;
                }
                u64::from_le_bytes(buf)
            }
            ExprKind::If {
                cond,
                then_value,
                else_value,
            } => {
                if self.eval(cond, ctx) != 0 {
                    self.eval(then_value, ctx)
                } else {
                    self.eval(else_value, ctx)
                }
            }
        };
        v & m
    }
}

enum Flow {
    Next,
    Return(Option<u64>),
    Exit,
}

fn signed(v: u64, ty: Type) -> i64 {
    sign_extend(v, ty) as i64
}

fn sign_extend(v: u64, ty: Type) -> u64 {
    let bits = ty.bits();
    if bits >= 64 || bits == 0 {
        return v;
    }
    let shift = 64 - bits;
    (((v << shift) as i64) >> shift) as u64
}

fn binary(op: BinOp, ty: Type, a: u64, b: u64) -> u64 {
    let bits = ty.bits();
    let (sa, sb) = (signed(a, ty), signed(b, ty));
    match op {
        BinOp::Add | BinOp::PtrAdd => a.wrapping_add(b),
        BinOp::Sub | BinOp::PtrSub | BinOp::PtrDiff => a.wrapping_sub(b),
        BinOp::Mul => a.wrapping_mul(b),
        BinOp::UDiv => a.checked_div(b).unwrap_or(0),
        BinOp::URem => a.checked_rem(b).unwrap_or(0),
        BinOp::SDiv => sa
            .checked_div(sb)
            .map_or(if sb == 0 { 0 } else { a }, |v| v as u64),
        BinOp::SRem => sa.checked_rem(sb).map_or(0, |v| v as u64),
        BinOp::And | BinOp::LogicalAnd => a & b,
        BinOp::Or | BinOp::LogicalOr => a | b,
        BinOp::Xor => a ^ b,
        BinOp::Shl => {
            if b >= u64::from(bits) {
                0
            } else {
                a << b
            }
        }
        BinOp::LShr => {
            if b >= u64::from(bits) {
                0
            } else {
                a >> b
            }
        }
        BinOp::AShr => {
            if b >= u64::from(bits) {
                if sa < 0 { u64::MAX } else { 0 }
            } else {
                (sa >> b) as u64
            }
        }
        BinOp::Eq => u64::from(a == b),
        BinOp::Ne => u64::from(a != b),
        BinOp::ULt => u64::from(a < b),
        BinOp::ULe => u64::from(a <= b),
        BinOp::UGt => u64::from(a > b),
        BinOp::UGe => u64::from(a >= b),
        BinOp::SLt => u64::from(sa < sb),
        BinOp::SLe => u64::from(sa <= sb),
        BinOp::SGt => u64::from(sa > sb),
        BinOp::SGe => u64::from(sa >= sb),
    }
}
