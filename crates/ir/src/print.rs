//! The readable text form of the IR.
//!
//! ```text
//! 0x401000: add rax, rbx
//!     t0:64 = (rax + rbx)
//!     cf = (t0 <u rax)
//!     rax = t0
//! ```
//!
//! Expressions print infix where an operator is familiar (`+`, `&`, `<<`, `<u`, `<=s`,
//! `c ? a : b`) and as calls otherwise (`popcnt(x)`, `fadd.f64(a, b)`, `zext64(x)`); `x[hi:lo]`
//! is a bit range, `0x5:32` a constant with its width.

use std::fmt::{self, Display, Formatter};

use crate::expr::{BinOp, Expr, Rounding, UnOp};
use crate::machine::{MachineDesc, RegName};
use crate::stmt::{ExitTo, Flow, Insn, Stmt, Target, Trap};

pub struct ExprDisplay<'a> {
    expr: &'a Expr,
    desc: &'a MachineDesc,
}

pub struct InsnDisplay<'a> {
    insn: &'a Insn,
    desc: &'a MachineDesc,
}

impl Expr {
    pub fn display<'a>(&'a self, desc: &'a MachineDesc) -> ExprDisplay<'a> {
        ExprDisplay { expr: self, desc }
    }
}

impl Insn {
    /// The address, the disassembly, then one statement per line, indented.
    pub fn display<'a>(&'a self, desc: &'a MachineDesc) -> InsnDisplay<'a> {
        InsnDisplay { insn: self, desc }
    }
}

fn infix(op: BinOp) -> Option<&'static str> {
    Some(match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::And => "&",
        BinOp::Or => "|",
        BinOp::Xor => "^",
        BinOp::Shl => "<<",
        BinOp::LShr => ">>",
        BinOp::AShr => ">>s",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Ult => "<u",
        BinOp::Ule => "<=u",
        BinOp::Slt => "<s",
        BinOp::Sle => "<=s",
        _ => return None,
    })
}

fn call_name(op: BinOp) -> String {
    match op {
        BinOp::UDiv => "udiv".into(),
        BinOp::SDiv => "sdiv".into(),
        BinOp::URem => "urem".into(),
        BinOp::SRem => "srem".into(),
        BinOp::RotL => "rotl".into(),
        BinOp::RotR => "rotr".into(),
        BinOp::FAdd(f) => format!("fadd.{}", f.suffix()),
        BinOp::FSub(f) => format!("fsub.{}", f.suffix()),
        BinOp::FMul(f) => format!("fmul.{}", f.suffix()),
        BinOp::FDiv(f) => format!("fdiv.{}", f.suffix()),
        BinOp::FEq(f) => format!("feq.{}", f.suffix()),
        BinOp::FLt(f) => format!("flt.{}", f.suffix()),
        BinOp::FLe(f) => format!("fle.{}", f.suffix()),
        BinOp::FUnordered(f) => format!("funord.{}", f.suffix()),
        other => format!("{other:?}").to_lowercase(),
    }
}

fn rounding(r: Rounding) -> &'static str {
    match r {
        Rounding::NearestEven => "rne",
        Rounding::Down => "rdn",
        Rounding::Up => "rup",
        Rounding::TowardZero => "rtz",
    }
}

impl Display for ExprDisplay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let sub = |e| ExprDisplay {
            expr: e,
            desc: self.desc,
        };
        match self.expr {
            Expr::Const { width, value } => write!(f, "{value:#x}:{width}"),
            Expr::Reg(r) => write!(f, "{}", RegName(*r, self.desc)),
            Expr::Temp(t) => write!(f, "t{}", t.id),
            Expr::Unary(op, a) => {
                let a = sub(a);
                match op {
                    UnOp::Not => write!(f, "~{a}"),
                    UnOp::Neg => write!(f, "-{a}"),
                    UnOp::Popcount => write!(f, "popcnt({a})"),
                    UnOp::Clz => write!(f, "clz({a})"),
                    UnOp::Ctz => write!(f, "ctz({a})"),
                    UnOp::FSqrt(fmt) => write!(f, "fsqrt.{}({a})", fmt.suffix()),
                    UnOp::FConvert { from, to } => {
                        write!(f, "fcvt.{}.{}({a})", from.suffix(), to.suffix())
                    }
                    UnOp::IntToFloat(to) => write!(f, "itof.{}({a})", to.suffix()),
                    UnOp::FloatToInt {
                        from,
                        width,
                        rounding: r,
                    } => write!(f, "ftoi{width}.{}.{}({a})", from.suffix(), rounding(*r)),
                }
            }
            Expr::Binary(op @ (BinOp::Add | BinOp::Sub), a, b)
                if b.as_const()
                    .is_some_and(|v| v >> (b.width() - 1) == 1 && b.width() > 1) =>
            {
                // `x + 0xff..f8` reads better as `x - 0x8`.
                let v = b.as_const().unwrap_or(0);
                let neg = v.wrapping_neg() & crate::expr::mask(b.width());
                let sym = if *op == BinOp::Add { "-" } else { "+" };
                write!(f, "({} {sym} {neg:#x}:{})", sub(a), b.width())
            }
            Expr::Binary(op, a, b) => match infix(*op) {
                Some(sym) => write!(f, "({} {sym} {})", sub(a), sub(b)),
                None => write!(f, "{}({}, {})", call_name(*op), sub(a), sub(b)),
            },
            Expr::Ite(c, a, b) => write!(f, "({} ? {} : {})", sub(c), sub(a), sub(b)),
            Expr::Extract { lo, width, arg } => {
                let hi = lo + width - 1;
                if hi == *lo {
                    write!(f, "{}[{lo}]", sub(arg))
                } else {
                    write!(f, "{}[{hi}:{lo}]", sub(arg))
                }
            }
            Expr::Concat(h, l) => write!(f, "concat({}, {})", sub(h), sub(l)),
            Expr::ZeroExt { width, arg } => write!(f, "zext{width}({})", sub(arg)),
            Expr::SignExt { width, arg } => write!(f, "sext{width}({})", sub(arg)),
        }
    }
}

fn trap_name(t: Trap) -> &'static str {
    match t {
        Trap::DivideError => "divide-error",
        Trap::InvalidOpcode => "invalid-opcode",
        Trap::Breakpoint => "breakpoint",
        Trap::GeneralProtection => "general-protection",
    }
}

impl Display for InsnDisplay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let d = self.desc;
        let insn = self.insn;
        writeln!(f, "{:#x}: {}", insn.addr, insn.asm)?;
        for s in &insn.stmts {
            match s {
                Stmt::SetReg { reg, value } => {
                    writeln!(f, "    {} = {}", RegName(*reg, d), value.display(d))?
                }
                Stmt::SetTemp { temp, value } => {
                    writeln!(f, "    t{}:{} = {}", temp.id, temp.width, value.display(d))?
                }
                Stmt::Load { dst, addr } => writeln!(
                    f,
                    "    t{}:{} = load [{}]",
                    dst.id,
                    dst.width,
                    addr.display(d)
                )?,
                Stmt::Store { addr, value } => writeln!(
                    f,
                    "    store.{} [{}] = {}",
                    value.width(),
                    addr.display(d),
                    value.display(d)
                )?,
                Stmt::Havoc { reg, cond } => match cond.as_const() {
                    Some(1) => writeln!(f, "    havoc {}", RegName(*reg, d))?,
                    _ => writeln!(f, "    havoc {} if {}", RegName(*reg, d), cond.display(d))?,
                },
                Stmt::Exit { cond, to } => match to {
                    ExitTo::Next => writeln!(f, "    if {} exit", cond.display(d))?,
                    ExitTo::Trap(t) => {
                        writeln!(f, "    if {} trap {}", cond.display(d), trap_name(*t))?
                    }
                },
                Stmt::Unsupported { mnemonic } => writeln!(f, "    unsupported \"{mnemonic}\"")?,
            }
        }
        let target = |t: &Target| match t {
            Target::Direct(a) => format!("{a:#x}"),
            Target::Indirect(e) => format!("{}", e.display(d)),
        };
        match &insn.flow {
            Flow::Next => Ok(()),
            Flow::Jump(t) => writeln!(f, "    jump {}", target(t)),
            Flow::Branch { cond, target } => {
                writeln!(f, "    branch {} {target:#x}", cond.display(d))
            }
            Flow::Call(t) => writeln!(f, "    call {}", target(t)),
            Flow::Return(e) => writeln!(f, "    return {}", e.display(d)),
            Flow::Syscall => writeln!(f, "    syscall"),
            Flow::Trap(t) => writeln!(f, "    trap {}", trap_name(*t)),
        }
    }
}
