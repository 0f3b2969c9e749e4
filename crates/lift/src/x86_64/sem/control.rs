//! Jumps, calls, returns, system calls and traps.

use capstone::arch::x86::X86Insn as I;
use tandem_ir::{Expr, Flow, Target, Trap};

use super::int::{cc_of, rflags_value};
use crate::x86_64::ctx::{Ctx, Sem, Unsupported};
use crate::x86_64::regs::*;

fn target(c: &mut Ctx) -> Result<Target, Unsupported> {
    if c.is_imm(0) {
        Ok(Target::Direct(c.imm(0)? as u64))
    } else {
        let t = c.read_as(0, 64)?;
        let t = c.tmp(t);
        c.canonical_check(&t);
        Ok(Target::Indirect(t))
    }
}

pub fn jmp(c: &mut Ctx, _: I) -> Sem {
    c.flow = Flow::Jump(target(c)?);
    Ok(())
}

pub fn jcc(c: &mut Ctx, id: I) -> Sem {
    let cond = match id {
        I::X86_INS_JRCXZ => c.get(RCX).is_zero(),
        I::X86_INS_JECXZ => c.read_gpr(RCX, 32).is_zero(),
        _ => c.cond(cc_of(id).ok_or(Unsupported)?),
    };
    c.flow = Flow::Branch {
        cond,
        target: c.imm(0)? as u64,
    };
    Ok(())
}

pub fn loop_(c: &mut Ctx, id: I) -> Sem {
    let n = c.tmp(c.get(RCX).sub(Expr::c(64, 1)));
    c.set(RCX, n.clone());
    let mut cond = n.is_zero().not();
    match id {
        I::X86_INS_LOOP => {}
        I::X86_INS_LOOPE => cond = cond.and(c.get(ZF)),
        I::X86_INS_LOOPNE => cond = cond.and(c.get(ZF).not()),
        _ => return Err(Unsupported),
    }
    c.flow = Flow::Branch {
        cond,
        target: c.imm(0)? as u64,
    };
    Ok(())
}

pub fn call(c: &mut Ctx, _: I) -> Sem {
    // The target is read before the return address is pushed (`call [rsp]` sees the old rsp).
    let t = target(c)?;
    let ret = Expr::c(64, u128::from(c.next));
    c.push(ret);
    c.flow = Flow::Call(t);
    Ok(())
}

pub fn ret(c: &mut Ctx, _: I) -> Sem {
    let sp = c.tmp(c.get(RSP));
    let to = c.load(sp, 64);
    c.canonical_check(&to);
    let to = c.pop_loaded(to);
    if c.nops() == 1 {
        let extra = c.imm(0)? as u128 & 0xFFFF;
        let sp = c.get(RSP).add_const(extra);
        c.set(RSP, sp);
    }
    c.flow = Flow::Return(to);
    Ok(())
}

pub fn syscall(c: &mut Ctx, _: I) -> Sem {
    // The processor saves the return address and the flags before entering the kernel.
    c.set(RCX, Expr::c(64, u128::from(c.next)));
    c.set(R11, rflags_value());
    c.flow = Flow::Syscall;
    Ok(())
}

pub fn trap(c: &mut Ctx, id: I) -> Sem {
    c.flow = Flow::Trap(match id {
        I::X86_INS_HLT => Trap::GeneralProtection,
        I::X86_INS_UD2 => Trap::InvalidOpcode,
        I::X86_INS_INT3 => Trap::Breakpoint,
        _ => return Err(Unsupported),
    });
    Ok(())
}
