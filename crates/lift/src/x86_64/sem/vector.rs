//! Helpers for 128-bit SSE registers: operand access with the alignment rule of legacy SSE,
//! and lane-wise construction.

use tandem_ir::{Expr, Trap};

use crate::x86_64::ctx::{Ctx, OpKind, Unsupported};
use crate::x86_64::regs::XMMS;

/// Whether operand `i` is an `xmm` register.
pub fn is_xmm(c: &Ctx, i: usize) -> bool {
    matches!(c.ops.get(i), Some(o) if matches!(&o.kind, OpKind::Reg(a) if XMMS.contains(&a.base)))
}

/// Reads operand `i` as a `width`-bit vector value: an `xmm` register (its low bits) or memory.
/// A 128-bit memory operand of a legacy SSE instruction must be 16-byte aligned unless the
/// instruction is one of the explicitly unaligned ones (`aligned == false`).
pub fn src(c: &mut Ctx, i: usize, width: u16, aligned: bool) -> Result<Expr, Unsupported> {
    if c.is_mem(i) {
        let addr = c.ea(i)?;
        let addr = c.tmp(addr);
        if aligned && width == 128 {
            c.trap_if(
                addr.clone().and(Expr::c(64, 15)).is_zero().not(),
                Trap::GeneralProtection,
            );
        }
        Ok(c.load(addr, width))
    } else if is_xmm(c, i) {
        let a = c.reg_of(i)?;
        Ok(c.tmp(Expr::Reg(a.base).low(width)))
    } else {
        // A general-purpose register or an immediate (movd/movq/cvtsi2sd/pinsrw sources).
        let v = c.read(i)?;
        Ok(c.tmp(v.resize(width)))
    }
}

/// The full 128-bit value of `xmm` operand `i`.
pub fn xmm(c: &mut Ctx, i: usize) -> Result<Expr, Unsupported> {
    if !is_xmm(c, i) {
        return Err(Unsupported);
    }
    let a = c.reg_of(i)?;
    Ok(c.tmp(Expr::Reg(a.base)))
}

/// Writes a full 128-bit value to `xmm` operand `i`.
pub fn set_xmm(c: &mut Ctx, i: usize, v: Expr) -> Result<(), Unsupported> {
    if !is_xmm(c, i) {
        return Err(Unsupported);
    }
    let a = c.reg_of(i)?;
    c.set(a.base, v.resize(128));
    Ok(())
}

/// Replaces the low `v.width()` bits of `xmm` operand `i`, keeping the rest.
pub fn set_xmm_low(c: &mut Ctx, i: usize, v: Expr) -> Result<(), Unsupported> {
    let old = xmm(c, i)?;
    let w = v.width();
    set_xmm(c, i, Expr::concat(old.extract(w, 128 - w), v))
}

/// Splits a value into lanes of `lw` bits, lowest first.
pub fn lanes(v: &Expr, lw: u16) -> Vec<Expr> {
    (0..v.width() / lw)
        .map(|k| v.clone().extract(k * lw, lw))
        .collect()
}

/// Joins lanes (lowest first) into one value.
pub fn join(lanes: Vec<Expr>) -> Expr {
    let mut it = lanes.into_iter().rev();
    let first = it.next().unwrap_or_else(|| Expr::zero(8));
    it.fold(first, Expr::concat)
}

pub fn map2(a: &Expr, b: &Expr, lw: u16, f: impl Fn(Expr, Expr) -> Expr) -> Expr {
    join(
        lanes(a, lw)
            .into_iter()
            .zip(lanes(b, lw))
            .map(|(x, y)| f(x, y))
            .collect(),
    )
}

pub fn map1(a: &Expr, lw: u16, f: impl Fn(Expr) -> Expr) -> Expr {
    join(lanes(a, lw).into_iter().map(f).collect())
}

/// All ones in the lane if `cond` holds, else zero.
pub fn mask_of(cond: Expr, lw: u16) -> Expr {
    Expr::ite(cond, Expr::ones(lw), Expr::zero(lw))
}
