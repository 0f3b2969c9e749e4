//! The lifting context of one instruction: decoded operands, the statements being built, and
//! the helpers every semantic function uses (operand access with x86's partial-register rules,
//! effective addresses, flags, the stack).

use tandem_ir::{Alias, AliasWrite, ExitTo, Expr, Flow, Reg, Stmt, Temp, Trap, UnOp};

use super::regs::*;

/// A memory operand, resolved to our registers.
#[derive(Clone, Debug)]
pub(crate) struct MemRef {
    /// `fs_base` or `gs_base` for an `fs:`/`gs:` override.
    pub segment: Option<Reg>,
    pub base: Option<Alias>,
    pub index: Option<Alias>,
    pub scale: u8,
    pub disp: i64,
    /// `[rip + disp]`: the address is a constant.
    pub rip_relative: bool,
    /// Address-size override: the effective address is computed in 32 bits.
    pub addr32: bool,
}

#[derive(Clone, Debug)]
pub(crate) enum OpKind {
    Reg(Alias),
    Imm(i64),
    Mem(MemRef),
}

#[derive(Clone, Debug)]
pub(crate) struct Operand {
    pub kind: OpKind,
    /// In bits.
    pub size: u16,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Rep {
    None,
    /// `rep`/`repe`/`repz` (f3).
    Repe,
    /// `repne`/`repnz`.
    Repne,
}

/// A form the lifter has no semantics for.
#[derive(Debug)]
pub(crate) struct Unsupported;

pub(crate) type Sem = Result<(), Unsupported>;

pub(crate) struct Ctx {
    pub addr: u64,
    pub next: u64,
    pub ops: Vec<Operand>,
    pub rep: Rep,
    /// Operand-size override prefix (0x66) present.
    pub opsize_prefix: bool,
    /// The instruction's encoding (for the few forms Capstone identifies wrongly).
    pub bytes: [u8; 16],
    /// The opcode bytes as Capstone reports them.
    pub opcode: [u8; 4],
    pub stmts: Vec<Stmt>,
    pub flow: Flow,
    temps: u32,
    /// The effective address of each memory operand, computed once on first use: x86
    /// computes addresses before any register is written back, so a later write to a base
    /// register must not move the operand.
    addrs: Vec<Option<Expr>>,
    /// Expressions over registers already bound to temporaries since the last register write.
    bound: Vec<(Expr, Temp)>,
}

impl Ctx {
    pub fn new(addr: u64, len: u8, ops: Vec<Operand>, rep: Rep, opsize_prefix: bool) -> Ctx {
        Ctx {
            addr,
            next: addr.wrapping_add(u64::from(len)),
            ops,
            rep,
            opsize_prefix,
            bytes: [0; 16],
            opcode: [0; 4],
            stmts: Vec::new(),
            flow: Flow::Next,
            temps: 0,
            addrs: Vec::new(),
            bound: Vec::new(),
        }
    }

    // ---- statements and temporaries ----

    pub fn emit(&mut self, s: Stmt) {
        self.stmts.push(s);
    }

    fn fresh(&mut self, width: u16) -> Temp {
        let t = Temp {
            id: self.temps,
            width,
        };
        self.temps += 1;
        t
    }

    /// Binds `e` to a temporary (unless it is a constant or a temporary already), so that it
    /// keeps its value when registers change and is computed once. The same expression bound
    /// again before any register changes gets the same temporary, so `xor eax, eax` sees one
    /// value twice and folds to zero.
    pub fn tmp(&mut self, e: Expr) -> Expr {
        match e {
            Expr::Const { .. } | Expr::Temp(_) => e,
            _ => {
                if let Some((_, t)) = self.bound.iter().find(|(b, _)| *b == e) {
                    return Expr::Temp(*t);
                }
                let t = self.fresh(e.width());
                self.bound.push((e.clone(), t));
                self.emit(Stmt::SetTemp { temp: t, value: e });
                Expr::Temp(t)
            }
        }
    }

    pub fn load(&mut self, addr: Expr, width: u16) -> Expr {
        let t = self.fresh(width);
        self.emit(Stmt::Load { dst: t, addr });
        Expr::Temp(t)
    }

    pub fn store(&mut self, addr: Expr, value: Expr) {
        self.emit(Stmt::Store { addr, value });
    }

    pub fn get(&self, r: Reg) -> Expr {
        Expr::Reg(r)
    }

    pub fn set(&mut self, reg: Reg, value: Expr) {
        debug_assert_eq!(reg.width, value.width(), "width of {reg:?}");
        // Expressions bound so far may read the register: they no longer name its value.
        self.bound.clear();
        self.emit(Stmt::SetReg { reg, value });
    }

    pub fn set_bool(&mut self, reg: Reg, b: bool) {
        self.set(reg, Expr::bool(b));
    }

    pub fn havoc(&mut self, reg: Reg) {
        self.bound.clear();
        self.emit(Stmt::Havoc {
            reg,
            cond: Expr::bool(true),
        });
    }

    pub fn havoc_if(&mut self, reg: Reg, cond: Expr) {
        if cond.as_const() != Some(0) {
            self.bound.clear();
            self.emit(Stmt::Havoc { reg, cond });
        }
    }

    pub fn trap_if(&mut self, cond: Expr, trap: Trap) {
        self.emit(Stmt::Exit {
            cond,
            to: ExitTo::Trap(trap),
        });
    }

    pub fn exit_if(&mut self, cond: Expr) {
        self.emit(Stmt::Exit {
            cond,
            to: ExitTo::Next,
        });
    }

    // ---- registers and aliases ----

    pub fn read_alias(&self, a: Alias) -> Expr {
        Expr::Reg(a.base).extract(a.lo, a.width)
    }

    pub fn write_alias(&mut self, a: Alias, value: Expr) {
        debug_assert_eq!(a.width, value.width(), "width written to {}", a.name);
        let base = a.base;
        let v = if a.width == base.width {
            value
        } else {
            match a.write {
                AliasWrite::ZeroExtend => value.zext(base.width),
                AliasWrite::Merge => {
                    let old = Expr::Reg(base);
                    let hi_lo = a.lo + a.width;
                    let mut v = value;
                    if a.lo > 0 {
                        v = Expr::concat(v, old.clone().extract(0, a.lo));
                    }
                    if hi_lo < base.width {
                        v = Expr::concat(old.extract(hi_lo, base.width - hi_lo), v);
                    }
                    v
                }
            }
        };
        self.set(base, v);
    }

    /// The 64-bit register `r` seen at `width` bits (its low part).
    pub fn gpr_alias(r: Reg, width: u16) -> Alias {
        Alias {
            name: "",
            base: r,
            lo: 0,
            width,
            write: if width == 32 {
                AliasWrite::ZeroExtend
            } else {
                AliasWrite::Merge
            },
        }
    }

    pub fn read_gpr(&self, r: Reg, width: u16) -> Expr {
        Expr::Reg(r).low(width)
    }

    pub fn write_gpr(&mut self, r: Reg, value: Expr) {
        let w = value.width();
        self.write_alias(Ctx::gpr_alias(r, w), value);
    }

    // ---- operands ----

    pub fn nops(&self) -> usize {
        self.ops.len()
    }

    pub fn op(&self, i: usize) -> Result<&Operand, Unsupported> {
        self.ops.get(i).ok_or(Unsupported)
    }

    pub fn size(&self, i: usize) -> Result<u16, Unsupported> {
        Ok(self.op(i)?.size)
    }

    pub fn is_mem(&self, i: usize) -> bool {
        matches!(
            self.ops.get(i),
            Some(Operand {
                kind: OpKind::Mem(_),
                ..
            })
        )
    }

    pub fn is_imm(&self, i: usize) -> bool {
        matches!(
            self.ops.get(i),
            Some(Operand {
                kind: OpKind::Imm(_),
                ..
            })
        )
    }

    pub fn imm(&self, i: usize) -> Result<i64, Unsupported> {
        match self.op(i)?.kind {
            OpKind::Imm(v) => Ok(v),
            _ => Err(Unsupported),
        }
    }

    pub fn reg_of(&self, i: usize) -> Result<Alias, Unsupported> {
        match self.op(i)?.kind {
            OpKind::Reg(a) => Ok(a),
            _ => Err(Unsupported),
        }
    }

    /// The effective address of memory operand `i` (segment base included), bound to a
    /// temporary the first time it is asked for.
    pub fn ea(&mut self, i: usize) -> Result<Expr, Unsupported> {
        if let Some(Some(a)) = self.addrs.get(i) {
            return Ok(a.clone());
        }
        let OpKind::Mem(m) = &self.op(i)?.kind else {
            return Err(Unsupported);
        };
        let a = self.mem_addr(m);
        let a = self.tmp(a);
        if self.addrs.len() <= i {
            self.addrs.resize(i + 1, None);
        }
        self.addrs[i] = Some(a.clone());
        Ok(a)
    }

    pub fn mem_addr(&self, m: &MemRef) -> Expr {
        let w = if m.addr32 { 32 } else { 64 };
        let mut a = if m.rip_relative {
            Expr::c(w, u128::from(self.next))
        } else {
            Expr::zero(w)
        };
        if let Some(b) = m.base {
            a = self.read_alias(b).resize(w).add(a);
        }
        if let Some(ix) = m.index {
            let scaled = self.read_alias(ix).resize(w);
            let scaled = match m.scale {
                1 => scaled,
                s => scaled.mul(Expr::c(w, u128::from(s))),
            };
            a = a.add(scaled);
        }
        a = a.add_const(m.disp as u128);
        let mut a = a.zext(64);
        if let Some(seg) = m.segment {
            a = Expr::Reg(seg).add(a);
        }
        a
    }

    /// Reads operand `i` at its own size.
    pub fn read(&mut self, i: usize) -> Result<Expr, Unsupported> {
        let w = self.size(i)?;
        self.read_as(i, w)
    }

    /// Reads operand `i` at `width` bits (an immediate is sign-extended or truncated; a
    /// register or memory operand is read at that width).
    pub fn read_as(&mut self, i: usize, width: u16) -> Result<Expr, Unsupported> {
        let op = self.op(i)?.clone();
        Ok(match &op.kind {
            OpKind::Imm(v) => Expr::c(width, *v as i128 as u128),
            OpKind::Reg(a) => {
                let mut a = *a;
                if width < a.width {
                    a.width = width;
                }
                self.read_alias(a).resize(width)
            }
            OpKind::Mem(_) => {
                let addr = self.ea(i)?;
                self.load(addr, width)
            }
        })
    }

    /// Writes operand `i` only if `cond` holds: a register keeps its whole old value
    /// otherwise (no zero-extension), memory is rewritten with its old contents.
    pub fn write_if(&mut self, i: usize, cond: Expr, value: Expr) -> Result<(), Unsupported> {
        let op = self.op(i)?.clone();
        match &op.kind {
            OpKind::Imm(_) => return Err(Unsupported),
            OpKind::Reg(a) => {
                let old = self.tmp(Expr::Reg(a.base));
                self.write_alias(*a, value);
                let new = Expr::Reg(a.base);
                self.set(a.base, Expr::ite(cond, new, old));
            }
            OpKind::Mem(_) => {
                let addr = self.ea(i)?;
                let old = self.load(addr.clone(), value.width());
                self.store(addr, Expr::ite(cond, value, old));
            }
        }
        Ok(())
    }

    /// Writes operand `i`; the value's width is the access width.
    pub fn write(&mut self, i: usize, value: Expr) -> Result<(), Unsupported> {
        let op = self.op(i)?.clone();
        match &op.kind {
            OpKind::Imm(_) => return Err(Unsupported),
            OpKind::Reg(a) => self.write_alias(*a, value),
            OpKind::Mem(_) => {
                let addr = self.ea(i)?;
                self.store(addr, value);
            }
        }
        Ok(())
    }

    // ---- flags ----

    /// Parity flag: set when the low byte has an even number of one bits.
    pub fn parity(res: &Expr) -> Expr {
        Expr::unary(UnOp::Popcount, res.clone().low(8)).bit(0).not()
    }

    /// SF, ZF and PF from a result.
    pub fn set_szp(&mut self, res: &Expr) {
        self.set(SF, res.clone().msb());
        self.set(ZF, res.clone().is_zero());
        self.set(PF, Ctx::parity(res));
    }

    /// Flags of `res = a + b + carry_in`.
    pub fn flags_add(&mut self, a: &Expr, b: &Expr, res: &Expr, carry_in: Option<Expr>) {
        let w = a.width();
        let mut wide = a.clone().zext(w + 1).add(b.clone().zext(w + 1));
        if let Some(c) = carry_in {
            wide = wide.add(c.zext(w + 1));
        }
        self.set(CF, wide.bit(w));
        let of = a
            .clone()
            .xor(res.clone())
            .and(b.clone().xor(res.clone()))
            .msb();
        self.set(OF, of);
        self.set(AF, a.clone().xor(b.clone()).xor(res.clone()).bit(4));
        self.set_szp(res);
    }

    /// Flags of `res = a - b - borrow_in`.
    pub fn flags_sub(&mut self, a: &Expr, b: &Expr, res: &Expr, borrow_in: Option<Expr>) {
        let w = a.width();
        let borrow_in_was_none = borrow_in.is_none();
        let cf = match borrow_in {
            None => a.clone().ult(b.clone()),
            Some(c) => {
                let subtrahend = b.clone().zext(w + 1).add(c.zext(w + 1));
                a.clone().zext(w + 1).ult(subtrahend)
            }
        };
        self.set(CF, cf);
        // Without a borrow, a signed overflow is exactly a sign of the wrapped result that
        // disagrees with the true order: OF = (a <s b) ^ SF. Said this way, SF ^ OF (`jl`)
        // simplifies to `a <s b`, which loop invariants are made of.
        let of = if borrow_in_was_none {
            a.clone().slt(b.clone()).xor(res.clone().msb())
        } else {
            a.clone()
                .xor(b.clone())
                .and(a.clone().xor(res.clone()))
                .msb()
        };
        self.set(OF, of);
        self.set(AF, a.clone().xor(b.clone()).xor(res.clone()).bit(4));
        self.set_szp(res);
    }

    /// Flags of a logical operation: CF = OF = 0, AF undefined.
    pub fn flags_logic(&mut self, res: &Expr) {
        self.set_bool(CF, false);
        self.set_bool(OF, false);
        self.havoc(AF);
        self.set_szp(res);
    }

    /// The condition of a `cc` suffix (0..16 in encoding order: o, no, b, ae, e, ne, be, a, s,
    /// ns, p, np, l, ge, le, g).
    pub fn cond(&self, cc: u8) -> Expr {
        let f = |r: Reg| Expr::Reg(r);
        let base = match cc >> 1 {
            0 => f(OF),
            1 => f(CF),
            2 => f(ZF),
            3 => f(CF).or(f(ZF)),
            4 => f(SF),
            5 => f(PF),
            6 => f(SF).xor(f(OF)),
            _ => f(ZF).or(f(SF).xor(f(OF))),
        };
        if cc & 1 == 1 { base.not() } else { base }
    }

    // ---- stack ----

    pub fn push(&mut self, value: Expr) {
        let n = u128::from(value.width() / 8);
        let sp = self.tmp(Expr::Reg(RSP).sub(Expr::c(64, n)));
        self.store(sp.clone(), value);
        self.set(RSP, sp);
    }

    pub fn pop(&mut self, width: u16) -> Expr {
        let sp = self.tmp(Expr::Reg(RSP));
        let v = self.load(sp, width);
        self.pop_loaded(v)
    }

    /// Completes a pop whose value the caller already loaded from `[rsp]`.
    pub fn pop_loaded(&mut self, v: Expr) -> Expr {
        let sp = Expr::Reg(RSP).add_const(u128::from(v.width() / 8));
        self.set(RSP, sp);
        v
    }

    pub fn div_trap_if(&mut self, cond: Expr) {
        self.trap_if(cond, Trap::DivideError);
    }

    /// A jump to a non-canonical address faults before it changes any state (48-bit linear
    /// addresses).
    pub fn canonical_check(&mut self, target: &Expr) {
        let canonical = target.clone().low(48).sext(64).eq(target.clone());
        self.trap_if(canonical.not(), Trap::GeneralProtection);
    }

    /// The mandatory SSE prefix among the legacy prefixes (`f2`/`f3` win over `66`).
    pub fn mandatory_prefix(&self) -> Option<u8> {
        let mut seen = None;
        for &b in &self.bytes {
            match b {
                0xF2 | 0xF3 => seen = Some(b),
                0x66 if seen.is_none() => seen = Some(b),
                0x26 | 0x2E | 0x36 | 0x3E | 0x64 | 0x65 | 0x67 | 0xF0 | 0x66 => {}
                0x40..=0x4F => {}
                _ => break,
            }
        }
        seen
    }
}
