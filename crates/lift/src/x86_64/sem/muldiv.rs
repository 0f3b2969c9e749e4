//! Multiplication and division, with x86's register pairs and divide-error traps.

use capstone::arch::x86::X86Insn as I;
use tandem_ir::Expr;

use crate::x86_64::ctx::{Ctx, Sem, Unsupported};
use crate::x86_64::regs::*;

/// Writes a double-width result to the accumulator pair (`ax`, `dx:ax`, `edx:eax`, `rdx:rax`).
fn write_pair(c: &mut Ctx, w: u16, value: Expr) {
    if w == 8 {
        c.write_gpr(RAX, value);
    } else {
        let v = c.tmp(value);
        c.write_gpr(RAX, v.clone().low(w));
        c.write_gpr(RDX, v.extract(w, w));
    }
}

/// The double-width dividend in the accumulator pair.
fn read_pair(c: &Ctx, w: u16) -> Expr {
    if w == 8 {
        c.read_gpr(RAX, 16)
    } else {
        Expr::concat(c.read_gpr(RDX, w), c.read_gpr(RAX, w))
    }
}

fn undefined_szap(c: &mut Ctx) {
    for f in [SF, ZF, AF, PF] {
        c.havoc(f);
    }
}

pub fn mul(c: &mut Ctx, _: I) -> Sem {
    let w = c.size(0)?;
    let src = c.read(0)?;
    let a = c.read_gpr(RAX, w);
    let full = c.tmp(a.zext(2 * w).mul(src.zext(2 * w)));
    let high_set = c.tmp(full.clone().extract(w, w).is_zero().not());
    write_pair(c, w, full);
    c.set(CF, high_set.clone());
    c.set(OF, high_set);
    undefined_szap(c);
    Ok(())
}

pub fn imul(c: &mut Ctx, _: I) -> Sem {
    let w = c.size(0)?;
    let (a, b) = match c.nops() {
        1 => (c.read_gpr(RAX, w), c.read(0)?),
        2 => (c.read(0)?, c.read(1)?),
        3 => (c.read(1)?, c.read_as(2, w)?),
        _ => return Err(Unsupported),
    };
    let full = c.tmp(a.sext(2 * w).mul(b.sext(2 * w)));
    let overflow = c.tmp(full.clone().low(w).sext(2 * w).ne(full.clone()));
    if c.nops() == 1 {
        write_pair(c, w, full);
    } else {
        c.write(0, full.low(w))?;
    }
    c.set(CF, overflow.clone());
    c.set(OF, overflow);
    undefined_szap(c);
    Ok(())
}

pub fn div(c: &mut Ctx, id: I) -> Sem {
    let w = c.size(0)?;
    let divisor = c.read(0)?;
    let divisor = c.tmp(divisor);
    let dividend = c.tmp(read_pair(c, w));
    c.div_trap_if(divisor.clone().is_zero());
    let (q, r) = if id == I::X86_INS_IDIV {
        let d = divisor.sext(2 * w);
        (dividend.clone().sdiv(d.clone()), dividend.srem(d))
    } else {
        let d = divisor.zext(2 * w);
        (dividend.clone().udiv(d.clone()), dividend.urem(d))
    };
    let q = c.tmp(q);
    let r = c.tmp(r);
    // The quotient must fit the destination, or the division faults.
    let fits = if id == I::X86_INS_IDIV {
        q.clone().low(w).sext(2 * w).eq(q.clone())
    } else {
        q.clone().extract(w, w).is_zero()
    };
    c.div_trap_if(fits.not());
    if w == 8 {
        c.write_gpr(RAX, Expr::concat(r.low(8), q.low(8)));
    } else {
        c.write_gpr(RAX, q.low(w));
        c.write_gpr(RDX, r.low(w));
    }
    for f in [CF, OF, SF, ZF, AF, PF] {
        c.havoc(f);
    }
    Ok(())
}
