//! The symbolic interpreter: a checked stub run on a symbolic machine state.
//!
//! [`SymbolicEnv`] services system calls for `tandem_symex`: it finds the stub by the number in
//! the system-call register, binds the parameters through the system-call convention, and runs
//! the body over terms: `let` and ghost globals are terms, `if` forks the path, `assume` adds
//! to the path condition, `assert` records a failing path, stores go through the machine's
//! memory (a byte range with a symbolic end is one range write), events are appended to the
//! state, `return` sets the result register, `exit` ends the process.

use tandem_ir::{BinOp as IrBin, UnOp as IrUn};
use tandem_symex::{
    Environment, Event, EventArg, Machine, MemWrite, SymState, SyscallResult, TermId, TermPool,
    VarKind, WriteKind,
};

use crate::Library;
use crate::checked::{
    BinOp, Builtin, CastKind, EventArg as CEventArg, Expr, ExprKind, Function, StmtKind, UnaryOp,
};
use crate::types::{Arch, ReturnType, Type};

/// Where a calling convention keeps arguments and the result, by register name.
#[derive(Clone, Debug)]
pub struct Convention {
    pub number: &'static str,
    pub args: &'static [&'static str],
    pub result: &'static str,
}

/// Linux x86-64 system calls.
pub const X86_64_SYSCALL: Convention = Convention {
    number: "rax",
    args: &["rdi", "rsi", "rdx", "r10", "r8", "r9"],
    result: "rax",
};

/// Services system calls with the library's stubs.
pub struct SymbolicEnv<'l> {
    lib: &'l Library,
    arch: Arch,
    conv: Convention,
    desc: &'static tandem_ir::MachineDesc,
    /// The variable that stands for `_` in range stores.
    offset: Option<TermId>,
}

impl<'l> SymbolicEnv<'l> {
    pub fn new(
        lib: &'l Library,
        arch: Arch,
        conv: Convention,
        desc: &'static tandem_ir::MachineDesc,
    ) -> SymbolicEnv<'l> {
        SymbolicEnv {
            lib,
            arch,
            conv,
            desc,
            offset: None,
        }
    }

    fn reg(&self, name: &str) -> Option<tandem_ir::Reg> {
        self.desc.reg(name)
    }
}

fn width(ty: Type) -> u16 {
    ty.bits() as u16
}

/// One path through a stub body.
#[derive(Clone)]
struct Frame {
    st: SymState,
    locals: Vec<Option<TermId>>,
}

enum End {
    Returned(SymState),
    Exited(SymState),
    Failed(SymState, String),
}

impl Environment for SymbolicEnv<'_> {
    fn initial_ghosts(&mut self, pool: &mut TermPool) -> Vec<(String, TermId)> {
        self.lib
            .globals()
            .iter()
            .map(|g| {
                (
                    g.name.to_string(),
                    pool.c(width(g.ty), u128::from(g.init.bits)),
                )
            })
            .collect()
    }

    fn syscall(&mut self, m: &Machine, pool: &mut TermPool, st: SymState) -> Vec<SyscallResult> {
        let Some(nr_reg) = self.reg(self.conv.number) else {
            return vec![SyscallResult::Stuck(
                st,
                "no system-call number register".into(),
            )];
        };
        let nr = st.regs[usize::from(nr_reg.id)];
        let Some(n) = pool.as_const(nr) else {
            return vec![SyscallResult::Stuck(
                st,
                "a system call whose number is not a constant".into(),
            )];
        };
        let Some(f) = self.lib.syscall_by_number(self.arch, n as u64) else {
            return vec![SyscallResult::Stuck(
                st,
                format!("system call {n} has no stub"),
            )];
        };
        let f = f.clone();
        let mut locals: Vec<Option<TermId>> = vec![None; f.locals.len()];
        for (i, p) in f.params.iter().enumerate() {
            let Some(r) = self.conv.args.get(i).and_then(|n| self.reg(n)) else {
                return vec![SyscallResult::Stuck(
                    st,
                    format!("system call `{}` has too many parameters", f.name),
                )];
            };
            let v = st.regs[usize::from(r.id)];
            locals[i] = Some(pool.extract(v, 0, width(p.ty)));
        }
        let mut out = Vec::new();
        for end in self.run(m, pool, &f, Frame { st, locals }) {
            out.push(match end {
                End::Returned(s) => SyscallResult::Continue(s),
                End::Exited(s) => SyscallResult::Ended(s),
                End::Failed(s, why) => SyscallResult::Stuck(s, why),
            });
        }
        out
    }
}

impl SymbolicEnv<'_> {
    fn run(&mut self, m: &Machine, pool: &mut TermPool, f: &Function, start: Frame) -> Vec<End> {
        let mut ends = Vec::new();
        // (path, statements still to run), the innermost block first.
        let mut work: Vec<(Frame, Vec<Vec<crate::checked::Stmt>>)> =
            vec![(start, vec![f.body.clone()])];
        while let Some((mut fr, mut blocks)) = work.pop() {
            let Some(block) = blocks.last_mut() else {
                // Fell off the end: a `void` stub returns.
                ends.push(End::Returned(fr.st));
                continue;
            };
            if block.is_empty() {
                blocks.pop();
                work.push((fr, blocks));
                continue;
            }
            let stmt = block.remove(0);
            match stmt.kind {
                StmtKind::Let { local, value } => {
                    let v = self.eval(m, pool, &fr, &value);
                    fr.locals[local.index()] = Some(v);
                    work.push((fr, blocks));
                }
                StmtKind::SetGlobal { global, value } => {
                    let v = self.eval(m, pool, &fr, &value);
                    fr.st.set_ghost(&global, v);
                    work.push((fr, blocks));
                }
                StmtKind::If {
                    cond,
                    then_body,
                    else_body,
                } => {
                    let c = self.eval(m, pool, &fr, &cond);
                    if !pool.is_false(c) {
                        let mut t = fr.clone();
                        t.st.assume(pool, c);
                        let mut b = blocks.clone();
                        b.push(then_body);
                        work.push((t, b));
                    }
                    if !pool.is_true(c) {
                        let nc = pool.not(c);
                        fr.st.assume(pool, nc);
                        blocks.push(else_body);
                        work.push((fr, blocks));
                    }
                }
                StmtKind::Assume(cond) => {
                    let c = self.eval(m, pool, &fr, &cond);
                    fr.st.assume(pool, c);
                    if !fr.st.is_dead(pool) {
                        work.push((fr, blocks));
                    }
                }
                StmtKind::Assert { cond, message } => {
                    let c = self.eval(m, pool, &fr, &cond);
                    if !pool.is_true(c) {
                        let mut bad = fr.st.clone();
                        let nc = pool.not(c);
                        bad.assume(pool, nc);
                        ends.push(End::Failed(
                            bad,
                            format!("stub `{}`: assertion failed: {message}", f.name),
                        ));
                    }
                    fr.st.assume(pool, c);
                    work.push((fr, blocks));
                }
                StmtKind::StoreRange { range, value } => {
                    let base = self.eval(m, pool, &fr, &range.base);
                    let start = self.eval(m, pool, &fr, &range.start);
                    let end = self.eval(m, pool, &fr, &range.end);
                    let addr = pool.add(base, start);
                    if m.may_observe(pool, addr) {
                        // Observed memory changes only through stores that are events; a
                        // range of bytes written there is not one (yet): the path is not
                        // analysed rather than its writes missed.
                        let why = format!(
                            "stub `{}`: writes a range that may lie in observed memory",
                            f.name
                        );
                        ends.push(End::Failed(fr.st, why));
                        continue;
                    }
                    let len = range_len(pool, start, end);
                    let off = self.offset_var(pool);
                    let fill = self.eval(m, pool, &fr, &value);
                    let max = upper_bound(pool, &fr.st.path, len, 4)
                        .map_or(1u64 << 32, |c| c.min(1 << 32) as u64);
                    if max > 0 {
                        fr.st.mem.push(MemWrite {
                            addr,
                            guard: None,
                            kind: WriteKind::Range {
                                len,
                                max,
                                fill,
                                offset: off,
                            },
                        });
                    }
                    work.push((fr, blocks));
                }
                StmtKind::Store { addr, ty, value } => {
                    let a = self.eval(m, pool, &fr, &addr);
                    let v = self.eval(m, pool, &fr, &value);
                    let v = if ty == Type::Ptr { pool.zext(v, 64) } else { v };
                    m.store(pool, &mut fr.st, a, v);
                    work.push((fr, blocks));
                }
                StmtKind::Event { name, args } => {
                    let mut evargs = Vec::new();
                    for a in &args {
                        evargs.push(match a {
                            CEventArg::Value(e) => EventArg::Value(self.eval(m, pool, &fr, e)),
                            CEventArg::Bytes(r) => {
                                let base = self.eval(m, pool, &fr, &r.base);
                                let start = self.eval(m, pool, &fr, &r.start);
                                let end = self.eval(m, pool, &fr, &r.end);
                                EventArg::Bytes {
                                    base: pool.add(base, start),
                                    len: range_len(pool, start, end),
                                    mem: fr.st.mem.clone(),
                                }
                            }
                        });
                    }
                    fr.st.events.push(Event::Call {
                        name: name.to_string(),
                        args: evargs,
                    });
                    work.push((fr, blocks));
                }
                StmtKind::Return(value) => {
                    if let (Some(e), ReturnType::Value(ty)) = (value, f.ret)
                        && let Some(r) = self.reg(self.conv.result)
                    {
                        let v = self.eval(m, pool, &fr, &e);
                        let v = if ty.is_signed() {
                            pool.sext(v, r.width)
                        } else {
                            pool.zext(v, r.width)
                        };
                        fr.st.regs[usize::from(r.id)] = v;
                    }
                    ends.push(End::Returned(fr.st));
                }
                StmtKind::Exit(status) => {
                    let v = self.eval(m, pool, &fr, &status);
                    fr.st.events.push(Event::Exit { status: v });
                    ends.push(End::Exited(fr.st));
                }
            }
        }
        ends
    }

    fn offset_var(&mut self, pool: &mut TermPool) -> TermId {
        match self.offset {
            Some(v) => v,
            None => {
                let v = pool.fresh_var("_", 64, VarKind::Abstract);
                self.offset = Some(v);
                v
            }
        }
    }

    fn eval(&mut self, m: &Machine, pool: &mut TermPool, fr: &Frame, e: &Expr) -> TermId {
        let w = width(e.ty);
        match &e.kind {
            ExprKind::Const(v) => pool.c(w, u128::from(v.bits)),
            ExprKind::Local(id) => fr
                .locals
                .get(id.index())
                .copied()
                .flatten()
                .unwrap_or_else(|| pool.c(w, 0)),
            ExprKind::Global(name) => fr.st.ghost(name).unwrap_or_else(|| pool.c(w, 0)),
            ExprKind::Offset => self.offset_var(pool),
            ExprKind::Unary { op, operand } => {
                let a = self.eval(m, pool, fr, operand);
                match op {
                    UnaryOp::Neg => pool.unary(IrUn::Neg, a),
                    UnaryOp::Not | UnaryOp::BitNot => pool.not(a),
                }
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let a = self.eval(m, pool, fr, lhs);
                let b = self.eval(m, pool, fr, rhs);
                binary(pool, *op, a, b)
            }
            ExprKind::Cast { kind, value } => {
                let a = self.eval(m, pool, fr, value);
                let aw = pool.width(a);
                match kind {
                    CastKind::Bits => a,
                    CastKind::Truncate => pool.extract(a, 0, w),
                    CastKind::ZeroExtend | CastKind::FromBool => pool.zext(a, w),
                    CastKind::SignExtend => pool.sext(a, w),
                    CastKind::ToPtr => {
                        if value.ty.is_signed() {
                            pool.sext(a, 64)
                        } else if aw < 64 {
                            pool.zext(a, 64)
                        } else {
                            a
                        }
                    }
                }
            }
            ExprKind::Call { function, args } => {
                let vals: Vec<TermId> = args.iter().map(|a| self.eval(m, pool, fr, a)).collect();
                let widths: Vec<u16> = args.iter().map(|a| width(a.ty)).collect();
                let f = pool.func_decl(function, &widths, w);
                pool.app(f, vals)
            }
            ExprKind::Builtin { builtin, args } => {
                let vals: Vec<TermId> = args.iter().map(|a| self.eval(m, pool, fr, a)).collect();
                match builtin {
                    Builtin::UMin => {
                        let lt = pool.ult(vals[0], vals[1]);
                        pool.ite(lt, vals[0], vals[1])
                    }
                    Builtin::UMax => {
                        let lt = pool.ult(vals[0], vals[1]);
                        pool.ite(lt, vals[1], vals[0])
                    }
                    Builtin::SMin => {
                        let lt = pool.binary(IrBin::Slt, vals[0], vals[1]);
                        pool.ite(lt, vals[0], vals[1])
                    }
                    Builtin::SMax => {
                        let lt = pool.binary(IrBin::Slt, vals[0], vals[1]);
                        pool.ite(lt, vals[1], vals[0])
                    }
                    Builtin::CStringLength => {
                        // Spelled out up to the bound, which must be a constant.
                        let max = pool.as_const(vals[1]).map_or(4096, |c| c.min(4096) as u64);
                        let mut acc = pool.c(64, u128::from(max));
                        for k in (0..max).rev() {
                            let a = pool.add_const(vals[0], u128::from(k));
                            let byte = m.load(pool, &fr.st, a, 1);
                            let z = pool.c(8, 0);
                            let is_nul = pool.eq_(byte, z);
                            let kk = pool.c(64, u128::from(k));
                            acc = pool.ite(is_nul, kk, acc);
                        }
                        acc
                    }
                }
            }
            ExprKind::Load { addr } => {
                let a = self.eval(m, pool, fr, addr);
                m.load(pool, &fr.st, a, w.div_ceil(8).max(1))
            }
            ExprKind::If {
                cond,
                then_value,
                else_value,
            } => {
                let c = self.eval(m, pool, fr, cond);
                let a = self.eval(m, pool, fr, then_value);
                let b = self.eval(m, pool, fr, else_value);
                pool.ite(c, a, b)
            }
        }
    }
}

/// An upper bound (unsigned) of `t` from its form and the path condition's `x <= c` facts.
fn upper_bound(pool: &TermPool, path: &[TermId], t: TermId, depth: u32) -> Option<u128> {
    if let Some(c) = pool.as_const(t) {
        return Some(c);
    }
    for &c in path {
        if let tandem_symex::Node::Binary(op, a, b) = pool.node(c)
            && *a == t
            && let Some(k) = pool.as_const(*b)
        {
            match op {
                IrBin::Ule => return Some(k),
                IrBin::Ult => return k.checked_sub(1),
                _ => {}
            }
        }
    }
    if depth == 0 {
        return None;
    }
    match pool.node(t) {
        tandem_symex::Node::Ite(_, a, b) => {
            let (x, y) = (
                upper_bound(pool, path, *a, depth - 1)?,
                upper_bound(pool, path, *b, depth - 1)?,
            );
            Some(x.max(y))
        }
        tandem_symex::Node::ZeroExt { arg, .. } => upper_bound(pool, path, *arg, depth - 1),
        _ => None,
    }
}

/// `end - start` when positive, else 0.
fn range_len(pool: &mut TermPool, start: TermId, end: TermId) -> TermId {
    let le = pool.binary(IrBin::Ule, end, start);
    let d = pool.sub(end, start);
    let z = pool.c(64, 0);
    pool.ite(le, z, d)
}

fn binary(pool: &mut TermPool, op: BinOp, a: TermId, b: TermId) -> TermId {
    let ir = |op| -> Option<IrBin> { Some(op) };
    let simple = match op {
        BinOp::Add | BinOp::PtrAdd => ir(IrBin::Add),
        BinOp::Sub | BinOp::PtrSub | BinOp::PtrDiff => ir(IrBin::Sub),
        BinOp::Mul => ir(IrBin::Mul),
        BinOp::UDiv => ir(IrBin::UDiv),
        BinOp::SDiv => ir(IrBin::SDiv),
        BinOp::URem => ir(IrBin::URem),
        BinOp::SRem => ir(IrBin::SRem),
        BinOp::And | BinOp::LogicalAnd => ir(IrBin::And),
        BinOp::Or | BinOp::LogicalOr => ir(IrBin::Or),
        BinOp::Xor => ir(IrBin::Xor),
        BinOp::Shl => ir(IrBin::Shl),
        BinOp::LShr => ir(IrBin::LShr),
        BinOp::AShr => ir(IrBin::AShr),
        BinOp::Eq => ir(IrBin::Eq),
        BinOp::Ne => ir(IrBin::Ne),
        BinOp::ULt => ir(IrBin::Ult),
        BinOp::ULe => ir(IrBin::Ule),
        BinOp::SLt => ir(IrBin::Slt),
        BinOp::SLe => ir(IrBin::Sle),
        BinOp::UGt | BinOp::UGe | BinOp::SGt | BinOp::SGe => None,
    };
    match (simple, op) {
        (Some(o), _) => pool.binary(o, a, b),
        (None, BinOp::UGt) => pool.binary(IrBin::Ult, b, a),
        (None, BinOp::UGe) => pool.binary(IrBin::Ule, b, a),
        (None, BinOp::SGt) => pool.binary(IrBin::Slt, b, a),
        (None, _) => pool.binary(IrBin::Sle, b, a),
    }
}
