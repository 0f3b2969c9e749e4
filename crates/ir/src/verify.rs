//! The IR verifier: invariants every lifted instruction must satisfy.
//!
//! Checked: operand widths agree (binary operators, `Ite` arms, concatenations, extensions that
//! widen, extracts within range, stores of whole bytes up to 128 bits), conditions are 1 bit,
//! registers exist in the machine description with their declared width, every temporary is
//! assigned exactly once before it is read and read at the width it was assigned with, and
//! addresses have the machine's address width. A failure is always a lifter bug.

use std::collections::HashMap;
use std::fmt;

use crate::expr::{BinOp, Expr, UnOp};
use crate::machine::{MachineDesc, Reg};
use crate::stmt::{Flow, Insn, Stmt, Target};

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VerifyError {
    pub addr: u64,
    /// Index of the offending statement; `None` for the flow.
    pub stmt: Option<usize>,
    pub message: String,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.stmt {
            Some(i) => write!(f, "{:#x} statement {i}: {}", self.addr, self.message),
            None => write!(f, "{:#x} flow: {}", self.addr, self.message),
        }
    }
}

struct Checker<'a> {
    desc: &'a MachineDesc,
    temps: HashMap<u32, u16>,
    errors: Vec<String>,
}

impl Checker<'_> {
    fn reg(&mut self, r: Reg) {
        match self.desc.info(r) {
            Some(info) if info.width == r.width => {}
            Some(info) => self.errors.push(format!(
                "register {} used at width {} but declared {}",
                info.name, r.width, info.width
            )),
            None => self.errors.push(format!("unknown register id {}", r.id)),
        }
    }

    fn expect(&mut self, what: &str, got: u16, want: u16) {
        if got != want {
            self.errors
                .push(format!("{what}: width {got}, expected {want}"));
        }
    }

    /// Checks `e` and returns its width.
    fn expr(&mut self, e: &Expr) -> u16 {
        let w = e.width();
        if w == 0 || w > 128 {
            self.errors.push(format!("width {w} out of range"));
        }
        match e {
            Expr::Const { .. } => {}
            Expr::Reg(r) => self.reg(*r),
            Expr::Temp(t) => match self.temps.get(&t.id) {
                None => self
                    .errors
                    .push(format!("t{} read before it is assigned", t.id)),
                Some(&tw) => self.expect(&format!("t{}", t.id), t.width, tw),
            },
            Expr::Unary(op, a) => {
                let aw = self.expr(a);
                match op {
                    UnOp::FSqrt(f)
                    | UnOp::FConvert { from: f, .. }
                    | UnOp::FloatToInt { from: f, .. } => {
                        self.expect("float operand", aw, f.width())
                    }
                    _ => {}
                }
            }
            Expr::Binary(op, a, b) => {
                let aw = self.expr(a);
                let bw = self.expr(b);
                self.expect(&format!("right operand of {op:?}"), bw, aw);
                if let BinOp::FAdd(f)
                | BinOp::FSub(f)
                | BinOp::FMul(f)
                | BinOp::FDiv(f)
                | BinOp::FEq(f)
                | BinOp::FLt(f)
                | BinOp::FLe(f)
                | BinOp::FUnordered(f) = op
                {
                    self.expect("float operand", aw, f.width());
                }
            }
            Expr::Ite(c, a, b) => {
                let cw = self.expr(c);
                self.expect("condition", cw, 1);
                let aw = self.expr(a);
                let bw = self.expr(b);
                self.expect("else arm", bw, aw);
            }
            Expr::Extract { lo, width, arg } => {
                let aw = self.expr(arg);
                if lo + width > aw {
                    self.errors.push(format!(
                        "extract of bits {lo}..{} from width {aw}",
                        lo + width
                    ));
                }
            }
            Expr::Concat(h, l) => {
                self.expr(h);
                self.expr(l);
            }
            Expr::ZeroExt { width, arg } | Expr::SignExt { width, arg } => {
                let aw = self.expr(arg);
                if aw > *width {
                    self.errors.push(format!("extension from {aw} to {width}"));
                }
            }
        }
        w
    }

    fn cond(&mut self, e: &Expr) {
        let w = self.expr(e);
        self.expect("condition", w, 1);
    }

    fn addr(&mut self, e: &Expr) {
        let w = self.expr(e);
        self.expect("address", w, self.desc.addr_width);
    }

    fn define(&mut self, id: u32, width: u16) {
        if self.temps.insert(id, width).is_some() {
            self.errors.push(format!("t{id} assigned twice"));
        }
    }
}

/// Checks one instruction; returns every problem found.
pub fn verify(insn: &Insn, desc: &MachineDesc) -> Result<(), Vec<VerifyError>> {
    let mut c = Checker {
        desc,
        temps: HashMap::new(),
        errors: Vec::new(),
    };
    let mut out = Vec::new();
    let mut flush = |c: &mut Checker, stmt: Option<usize>| {
        for message in c.errors.drain(..) {
            out.push(VerifyError {
                addr: insn.addr,
                stmt,
                message,
            });
        }
    };
    for (i, s) in insn.stmts.iter().enumerate() {
        match s {
            Stmt::SetReg { reg, value } => {
                c.reg(*reg);
                let w = c.expr(value);
                c.expect("assigned value", w, reg.width);
            }
            Stmt::SetTemp { temp, value } => {
                let w = c.expr(value);
                c.expect("assigned value", w, temp.width);
                c.define(temp.id, temp.width);
            }
            Stmt::Load { dst, addr } => {
                c.addr(addr);
                if !dst.width.is_multiple_of(8) || dst.width > 128 {
                    c.errors.push(format!("load of width {}", dst.width));
                }
                c.define(dst.id, dst.width);
            }
            Stmt::Store { addr, value } => {
                c.addr(addr);
                let w = c.expr(value);
                if !w.is_multiple_of(8) || w > 128 {
                    c.errors.push(format!("store of width {w}"));
                }
            }
            Stmt::Havoc { reg, cond } => {
                c.reg(*reg);
                c.cond(cond);
            }
            Stmt::Exit { cond, .. } => c.cond(cond),
            Stmt::Unsupported { .. } => {}
        }
        flush(&mut c, Some(i));
    }
    match &insn.flow {
        Flow::Next | Flow::Syscall | Flow::Trap(_) => {}
        Flow::Jump(t) | Flow::Call(t) => {
            if let Target::Indirect(e) = t {
                c.addr(e);
            }
        }
        Flow::Branch { cond, .. } => c.cond(cond),
        Flow::Return(e) => c.addr(e),
    }
    flush(&mut c, None);
    if out.is_empty() { Ok(()) } else { Err(out) }
}
