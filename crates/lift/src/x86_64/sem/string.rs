//! String instructions (`movs`, `stos`, `lods`, `cmps`, `scas`) with and without `rep`.
//!
//! One execution of a `rep` instruction is one iteration, as on the processor: with `rcx`
//! zero it does nothing and falls through; otherwise it does one element, decrements `rcx`,
//! and jumps back to itself unless the count ran out or the `repe`/`repne` condition ended it.

use capstone::arch::x86::X86Insn as I;
use tandem_ir::{Expr, Flow, Target};

use crate::x86_64::ctx::{Ctx, OpKind, Rep, Sem, Unsupported};
use crate::x86_64::regs::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Movs,
    Stos,
    Lods,
    Cmps,
    Scas,
}

fn classify(id: I) -> Option<(Kind, u16)> {
    use I::*;
    Some(match id {
        X86_INS_MOVSB => (Kind::Movs, 8),
        X86_INS_MOVSW => (Kind::Movs, 16),
        X86_INS_MOVSD => (Kind::Movs, 32),
        X86_INS_MOVSQ => (Kind::Movs, 64),
        X86_INS_STOSB => (Kind::Stos, 8),
        X86_INS_STOSW => (Kind::Stos, 16),
        X86_INS_STOSD => (Kind::Stos, 32),
        X86_INS_STOSQ => (Kind::Stos, 64),
        X86_INS_LODSB => (Kind::Lods, 8),
        X86_INS_LODSW => (Kind::Lods, 16),
        X86_INS_LODSD => (Kind::Lods, 32),
        X86_INS_LODSQ => (Kind::Lods, 64),
        X86_INS_CMPSB => (Kind::Cmps, 8),
        X86_INS_CMPSW => (Kind::Cmps, 16),
        X86_INS_CMPSD => (Kind::Cmps, 32),
        X86_INS_CMPSQ => (Kind::Cmps, 64),
        X86_INS_SCASB => (Kind::Scas, 8),
        X86_INS_SCASW => (Kind::Scas, 16),
        X86_INS_SCASD => (Kind::Scas, 32),
        X86_INS_SCASQ => (Kind::Scas, 64),
        _ => return None,
    })
}

/// Whether this `movsd`/`cmpsd` is the string form (not the SSE one).
pub fn is_string_form(c: &Ctx) -> bool {
    !c.ops.iter().any(|o| match &o.kind {
        OpKind::Reg(a) => XMMS.contains(&a.base),
        _ => false,
    })
}

pub fn string(c: &mut Ctx, id: I) -> Sem {
    let (kind, w) = classify(id).ok_or(Unsupported)?;
    for op in &c.ops {
        if let OpKind::Mem(m) = &op.kind
            && (m.segment.is_some() || m.addr32)
        {
            return Err(Unsupported);
        }
    }
    let rep = c.rep != Rep::None;
    if rep {
        c.exit_if(c.get(RCX).is_zero());
    }
    let n = u128::from(w / 8);
    let si = c.tmp(c.get(RSI));
    let di = c.tmp(c.get(RDI));
    match kind {
        Kind::Movs => {
            let v = c.load(si.clone(), w);
            c.store(di.clone(), v);
        }
        Kind::Stos => {
            let v = c.read_gpr(RAX, w);
            c.store(di.clone(), v);
        }
        Kind::Lods => {
            let v = c.load(si.clone(), w);
            c.write_gpr(RAX, v);
        }
        Kind::Cmps => {
            let a = c.load(si.clone(), w);
            let b = c.load(di.clone(), w);
            let res = c.tmp(a.clone().sub(b.clone()));
            c.flags_sub(&a, &b, &res, None);
        }
        Kind::Scas => {
            let a = c.tmp(c.read_gpr(RAX, w));
            let b = c.load(di.clone(), w);
            let res = c.tmp(a.clone().sub(b.clone()));
            c.flags_sub(&a, &b, &res, None);
        }
    }
    let delta = c.tmp(Expr::ite(
        c.get(DF),
        Expr::c(64, n.wrapping_neg()),
        Expr::c(64, n),
    ));
    if matches!(kind, Kind::Movs | Kind::Lods | Kind::Cmps) {
        c.set(RSI, si.add(delta.clone()));
    }
    if matches!(kind, Kind::Movs | Kind::Stos | Kind::Cmps | Kind::Scas) {
        c.set(RDI, di.add(delta));
    }
    if rep {
        let count = c.tmp(c.get(RCX).sub(Expr::c(64, 1)));
        c.set(RCX, count.clone());
        let mut done = count.is_zero();
        if matches!(kind, Kind::Cmps | Kind::Scas) {
            let zf = c.get(ZF);
            done = done.or(if c.rep == Rep::Repe { zf.not() } else { zf });
        }
        c.exit_if(done);
        c.flow = Flow::Jump(Target::Direct(c.addr));
    }
    Ok(())
}
