//! SSE data movement and SSE2 integer operations on `xmm` registers.

use capstone::arch::x86::X86Insn as I;
use tandem_ir::{Expr, Trap};

use super::vector::{is_xmm, join, lanes, map1, map2, mask_of, set_xmm, set_xmm_low, src, xmm};
use crate::x86_64::ctx::{Ctx, Sem, Unsupported};
use crate::x86_64::regs::*;

fn check_aligned(c: &mut Ctx, addr: &Expr) {
    c.trap_if(
        addr.clone().and(Expr::c(64, 15)).is_zero().not(),
        Trap::GeneralProtection,
    );
}

/// Full-width moves: movaps, movups, movapd, movupd, movdqa, movdqu, lddqu, movnt*.
pub fn mov128(c: &mut Ctx, id: I) -> Sem {
    let aligned = !matches!(
        id,
        I::X86_INS_MOVUPS | I::X86_INS_MOVUPD | I::X86_INS_MOVDQU | I::X86_INS_LDDQU
    );
    if c.is_mem(0) {
        let v = xmm(c, 1)?;
        let addr = c.ea(0)?;
        let addr = c.tmp(addr);
        if aligned {
            check_aligned(c, &addr);
        }
        c.store(addr, v);
        Ok(())
    } else {
        let v = src(c, 1, 128, aligned)?;
        set_xmm(c, 0, v)
    }
}

/// movd and movq in all directions.
pub fn movd_q(c: &mut Ctx, id: I) -> Sem {
    let w = if id == I::X86_INS_MOVD { 32 } else { 64 };
    if is_xmm(c, 0) {
        let v = src(c, 1, w, false)?;
        set_xmm(c, 0, v.zext(128))
    } else {
        let v = xmm(c, 1)?.low(w);
        c.write(0, v)
    }
}

/// movss and the SSE form of movsd.
pub fn mov_scalar(c: &mut Ctx, id: I) -> Sem {
    let w = if id == I::X86_INS_MOVSS { 32 } else { 64 };
    if c.is_mem(0) {
        let v = xmm(c, 1)?.low(w);
        c.write(0, v)
    } else if c.is_mem(1) {
        let v = src(c, 1, w, false)?;
        set_xmm(c, 0, v.zext(128))
    } else {
        let v = xmm(c, 1)?.low(w);
        set_xmm_low(c, 0, v)
    }
}

/// movhps, movhpd, movlps, movlpd, movhlps, movlhps.
pub fn mov_half(c: &mut Ctx, id: I) -> Sem {
    let high = matches!(id, I::X86_INS_MOVHPS | I::X86_INS_MOVHPD);
    match id {
        I::X86_INS_MOVHLPS => {
            let d = xmm(c, 0)?;
            let s = xmm(c, 1)?;
            set_xmm(c, 0, Expr::concat(d.extract(64, 64), s.extract(64, 64)))
        }
        I::X86_INS_MOVLHPS => {
            let d = xmm(c, 0)?;
            let s = xmm(c, 1)?;
            set_xmm(c, 0, Expr::concat(s.low(64), d.low(64)))
        }
        _ if c.is_mem(0) => {
            let v = xmm(c, 1)?.extract(if high { 64 } else { 0 }, 64);
            c.write(0, v)
        }
        _ => {
            let m = src(c, 1, 64, false)?;
            let d = xmm(c, 0)?;
            let v = if high {
                Expr::concat(m, d.low(64))
            } else {
                Expr::concat(d.extract(64, 64), m)
            };
            set_xmm(c, 0, v)
        }
    }
}

/// movmskps, movmskpd, pmovmskb: the lanes' sign bits into a general register.
pub fn movmsk(c: &mut Ctx, id: I) -> Sem {
    let lw = match id {
        I::X86_INS_MOVMSKPS => 32,
        I::X86_INS_MOVMSKPD => 64,
        I::X86_INS_PMOVMSKB => 8,
        _ => return Err(Unsupported),
    };
    let v = xmm(c, 1)?;
    let bits: Vec<Expr> = lanes(&v, lw).into_iter().map(|l| l.msb()).collect();
    let w = c.size(0)?;
    let m = join(bits).zext(w);
    c.write(0, m)
}

pub fn bitwise(c: &mut Ctx, id: I) -> Sem {
    let a = xmm(c, 0)?;
    let b = src(c, 1, 128, true)?;
    use I::*;
    let r = match id {
        X86_INS_PXOR | X86_INS_XORPS | X86_INS_XORPD => a.xor(b),
        X86_INS_PAND | X86_INS_ANDPS | X86_INS_ANDPD => a.and(b),
        X86_INS_POR | X86_INS_ORPS | X86_INS_ORPD => a.or(b),
        X86_INS_PANDN | X86_INS_ANDNPS | X86_INS_ANDNPD => a.not().and(b),
        _ => return Err(Unsupported),
    };
    set_xmm(c, 0, r)
}

fn sat_signed(v: Expr, to: u16) -> Expr {
    let w = v.width();
    let max = Expr::c(w, (1u128 << (to - 1)) - 1);
    let min = Expr::c(w, (1u128 << (to - 1)).wrapping_neg());
    let hi = v.clone().sgt(max.clone());
    let lo = v.clone().slt(min.clone());
    Expr::ite(hi, max, Expr::ite(lo, min, v)).low(to)
}

fn sat_unsigned_from_signed(v: Expr, to: u16) -> Expr {
    let w = v.width();
    let max = Expr::c(w, (1u128 << to) - 1);
    let neg = v.clone().slt(Expr::zero(w));
    let hi = v.clone().sgt(max.clone());
    Expr::ite(neg, Expr::zero(w), Expr::ite(hi, max, v)).low(to)
}

/// Lane-wise integer arithmetic, comparisons, minimum and maximum, averages, multiplies.
pub fn lanewise(c: &mut Ctx, id: I) -> Sem {
    use I::*;
    let lw = match id {
        X86_INS_PADDB | X86_INS_PSUBB | X86_INS_PCMPEQB | X86_INS_PCMPGTB | X86_INS_PADDUSB
        | X86_INS_PSUBUSB | X86_INS_PADDSB | X86_INS_PSUBSB | X86_INS_PMINUB | X86_INS_PMAXUB
        | X86_INS_PAVGB => 8,
        X86_INS_PADDW | X86_INS_PSUBW | X86_INS_PCMPEQW | X86_INS_PCMPGTW | X86_INS_PADDUSW
        | X86_INS_PSUBUSW | X86_INS_PADDSW | X86_INS_PSUBSW | X86_INS_PMINSW | X86_INS_PMAXSW
        | X86_INS_PAVGW | X86_INS_PMULLW | X86_INS_PMULHW | X86_INS_PMULHUW => 16,
        X86_INS_PADDD | X86_INS_PSUBD | X86_INS_PCMPEQD | X86_INS_PCMPGTD => 32,
        X86_INS_PADDQ | X86_INS_PSUBQ => 64,
        _ => return Err(Unsupported),
    };
    let a = xmm(c, 0)?;
    let b = src(c, 1, 128, true)?;
    let r = map2(&a, &b, lw, |x, y| match id {
        X86_INS_PADDB | X86_INS_PADDW | X86_INS_PADDD | X86_INS_PADDQ => x.add(y),
        X86_INS_PSUBB | X86_INS_PSUBW | X86_INS_PSUBD | X86_INS_PSUBQ => x.sub(y),
        X86_INS_PCMPEQB | X86_INS_PCMPEQW | X86_INS_PCMPEQD => mask_of(x.eq(y), lw),
        X86_INS_PCMPGTB | X86_INS_PCMPGTW | X86_INS_PCMPGTD => mask_of(x.sgt(y), lw),
        X86_INS_PADDUSB | X86_INS_PADDUSW => {
            let s = x.zext(lw + 1).add(y.zext(lw + 1));
            Expr::ite(s.clone().msb(), Expr::ones(lw), s.low(lw))
        }
        X86_INS_PSUBUSB | X86_INS_PSUBUSW => {
            Expr::ite(x.clone().ult(y.clone()), Expr::zero(lw), x.sub(y))
        }
        X86_INS_PADDSB | X86_INS_PADDSW => sat_signed(x.sext(lw + 1).add(y.sext(lw + 1)), lw),
        X86_INS_PSUBSB | X86_INS_PSUBSW => sat_signed(x.sext(lw + 1).sub(y.sext(lw + 1)), lw),
        X86_INS_PMINUB => Expr::ite(x.clone().ult(y.clone()), x, y),
        X86_INS_PMAXUB => Expr::ite(x.clone().ugt(y.clone()), x, y),
        X86_INS_PMINSW => Expr::ite(x.clone().slt(y.clone()), x, y),
        X86_INS_PMAXSW => Expr::ite(x.clone().sgt(y.clone()), x, y),
        X86_INS_PAVGB | X86_INS_PAVGW => x
            .zext(lw + 1)
            .add(y.zext(lw + 1))
            .add_const(1)
            .lshr(Expr::c(lw + 1, 1))
            .low(lw),
        X86_INS_PMULLW => x.mul(y),
        X86_INS_PMULHW => x.sext(2 * lw).mul(y.sext(2 * lw)).extract(lw, lw),
        X86_INS_PMULHUW => x.zext(2 * lw).mul(y.zext(2 * lw)).extract(lw, lw),
        _ => Expr::zero(lw),
    });
    set_xmm(c, 0, r)
}

/// pmuludq, pmaddwd, psadbw: products and sums that change the lane width.
pub fn widening(c: &mut Ctx, id: I) -> Sem {
    let a = xmm(c, 0)?;
    let b = src(c, 1, 128, true)?;
    let r = match id {
        I::X86_INS_PMULUDQ => map2(&a, &b, 64, |x, y| {
            x.low(32).zext(64).mul(y.low(32).zext(64))
        }),
        I::X86_INS_PMADDWD => map2(&a, &b, 32, |x, y| {
            let p = |k: u16| {
                x.clone()
                    .extract(k, 16)
                    .sext(32)
                    .mul(y.clone().extract(k, 16).sext(32))
            };
            p(0).add(p(16))
        }),
        I::X86_INS_PSADBW => map2(&a, &b, 64, |x, y| {
            let mut sum = Expr::zero(16);
            for (p, q) in lanes(&x, 8).into_iter().zip(lanes(&y, 8)) {
                let d = Expr::ite(p.clone().ugt(q.clone()), p.clone().sub(q.clone()), q.sub(p));
                sum = sum.add(d.zext(16));
            }
            sum.zext(64)
        }),
        _ => return Err(Unsupported),
    };
    set_xmm(c, 0, r)
}

/// psllw/d/q, psrlw/d/q, psraw/d by an immediate or by the low quadword of an operand.
pub fn shift_lanes(c: &mut Ctx, id: I) -> Sem {
    use I::*;
    let (lw, kind) = match id {
        X86_INS_PSLLW => (16, 0),
        X86_INS_PSLLD => (32, 0),
        X86_INS_PSLLQ => (64, 0),
        X86_INS_PSRLW => (16, 1),
        X86_INS_PSRLD => (32, 1),
        X86_INS_PSRLQ => (64, 1),
        X86_INS_PSRAW => (16, 2),
        X86_INS_PSRAD => (32, 2),
        _ => return Err(Unsupported),
    };
    let a = xmm(c, 0)?;
    let count = if c.is_imm(1) {
        Expr::c(64, (c.imm(1)? as u128) & 0xFF)
    } else {
        src(c, 1, 128, true)?.low(64)
    };
    let count = c.tmp(count);
    let big = c.tmp(count.clone().uge(Expr::c(64, u128::from(lw))));
    let n = count.low(lw);
    let r = map1(&a, lw, |x| {
        let shifted = match kind {
            0 => x.clone().shl(n.clone()),
            1 => x.clone().lshr(n.clone()),
            _ => x.clone().ashr(n.clone()),
        };
        let overflow = if kind == 2 {
            x.ashr(Expr::c(lw, u128::from(lw - 1)))
        } else {
            Expr::zero(lw)
        };
        Expr::ite(big.clone(), overflow, shifted)
    });
    set_xmm(c, 0, r)
}

/// pslldq and psrldq: whole-register byte shifts.
pub fn shift_bytes(c: &mut Ctx, id: I) -> Sem {
    let a = xmm(c, 0)?;
    let n = (c.imm(1)? as u128 & 0xFF).min(16) * 8;
    let r = if id == I::X86_INS_PSLLDQ {
        a.shl(Expr::c(128, n))
    } else {
        a.lshr(Expr::c(128, n))
    };
    set_xmm(c, 0, r)
}

/// pshufd, pshuflw, pshufhw.
pub fn shuffle(c: &mut Ctx, id: I) -> Sem {
    let s = src(c, 1, 128, true)?;
    let imm = c.imm(2)? as u16 & 0xFF;
    let pick = |v: &Expr, lw: u16, base: u16| -> Vec<Expr> {
        (0..4)
            .map(|k| {
                let sel = (imm >> (2 * k)) & 3;
                v.clone().extract(base + sel * lw, lw)
            })
            .collect()
    };
    let r = match id {
        I::X86_INS_PSHUFD => join(pick(&s, 32, 0)),
        I::X86_INS_PSHUFLW => Expr::concat(s.clone().extract(64, 64), join(pick(&s, 16, 0))),
        I::X86_INS_PSHUFHW => Expr::concat(join(pick(&s, 16, 64)), s.low(64)),
        _ => return Err(Unsupported),
    };
    set_xmm(c, 0, r)
}

/// punpckl*/punpckh* and unpcklps/pd, unpckhps/pd: interleave the low or high halves.
pub fn unpack(c: &mut Ctx, id: I) -> Sem {
    use I::*;
    let (lw, high) = match id {
        X86_INS_PUNPCKLBW => (8, false),
        X86_INS_PUNPCKLWD => (16, false),
        X86_INS_PUNPCKLDQ | X86_INS_UNPCKLPS => (32, false),
        X86_INS_PUNPCKLQDQ | X86_INS_UNPCKLPD => (64, false),
        X86_INS_PUNPCKHBW => (8, true),
        X86_INS_PUNPCKHWD => (16, true),
        X86_INS_PUNPCKHDQ | X86_INS_UNPCKHPS => (32, true),
        X86_INS_PUNPCKHQDQ | X86_INS_UNPCKHPD => (64, true),
        _ => return Err(Unsupported),
    };
    let a = lanes(&xmm(c, 0)?, lw);
    let b = lanes(&src(c, 1, 128, true)?, lw);
    let half = a.len() / 2;
    let start = if high { half } else { 0 };
    let mut out = Vec::with_capacity(a.len());
    for k in start..start + half {
        out.push(a[k].clone());
        out.push(b[k].clone());
    }
    set_xmm(c, 0, join(out))
}

/// packsswb, packssdw, packuswb: narrow with saturation, destination lanes first.
pub fn pack(c: &mut Ctx, id: I) -> Sem {
    let (lw, signed) = match id {
        I::X86_INS_PACKSSWB => (16, true),
        I::X86_INS_PACKSSDW => (32, true),
        I::X86_INS_PACKUSWB => (16, false),
        _ => return Err(Unsupported),
    };
    let a = xmm(c, 0)?;
    let b = src(c, 1, 128, true)?;
    let narrow = |x: Expr| {
        if signed {
            sat_signed(x, lw / 2)
        } else {
            sat_unsigned_from_signed(x, lw / 2)
        }
    };
    let mut out: Vec<Expr> = lanes(&a, lw).into_iter().map(narrow).collect();
    out.extend(lanes(&b, lw).into_iter().map(narrow));
    set_xmm(c, 0, join(out))
}

pub fn pextrw(c: &mut Ctx, _: I) -> Sem {
    if c.is_mem(0) {
        return Err(Unsupported);
    }
    let v = xmm(c, 1)?;
    let k = (c.imm(2)? as u16) & 7;
    let w = c.size(0)?;
    c.write(0, v.extract(16 * k, 16).zext(w))
}

pub fn pinsrw(c: &mut Ctx, _: I) -> Sem {
    let d = xmm(c, 0)?;
    let s = if c.is_mem(1) {
        src(c, 1, 16, false)?
    } else {
        c.read(1)?.low(16)
    };
    let k = usize::from((c.imm(2)? as u16) & 7);
    let mut ls = lanes(&d, 16);
    ls[k] = s;
    set_xmm(c, 0, join(ls))
}

/// shufps and shufpd.
pub fn shufp(c: &mut Ctx, id: I) -> Sem {
    let a = xmm(c, 0)?;
    let b = src(c, 1, 128, true)?;
    let imm = c.imm(2)? as u16 & 0xFF;
    let r = if id == I::X86_INS_SHUFPS {
        let sel = |v: &Expr, k: u16| v.clone().extract(32 * ((imm >> (2 * k)) & 3), 32);
        join(vec![sel(&a, 0), sel(&a, 1), sel(&b, 2), sel(&b, 3)])
    } else {
        let sel = |v: &Expr, k: u16| v.clone().extract(64 * ((imm >> k) & 1), 64);
        join(vec![sel(&a, 0), sel(&b, 1)])
    };
    set_xmm(c, 0, r)
}

/// ptest: ZF and CF from the AND and AND-NOT of the operands.
pub fn ptest(c: &mut Ctx, _: I) -> Sem {
    let a = xmm(c, 0)?;
    let b = src(c, 1, 128, true)?;
    c.set(ZF, a.clone().and(b.clone()).is_zero());
    c.set(CF, a.not().and(b).is_zero());
    for f in [AF, OF, PF, SF] {
        c.set_bool(f, false);
    }
    Ok(())
}
