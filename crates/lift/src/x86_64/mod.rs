//! The x86-64 lifter.
//!
//! Capstone decodes (Intel syntax, full detail); [`ctx`] turns its operands into our
//! registers and memory references, and [`sem`] gives each instruction id its semantics.
//! Partial registers follow x86-64's rules (a 32-bit write zeroes the upper half, 8- and
//! 16-bit writes merge); all six status flags are exact, and the flags the ISA leaves undefined
//! are `Havoc`ed, under the condition that makes them undefined. `lock` prefixes do not change
//! the single-threaded semantics and are ignored.

mod cc;
mod ctx;
pub mod regs;
mod sem;

use capstone::arch::x86::{ArchMode, ArchSyntax, X86Insn, X86OperandType, X86Reg};
use capstone::arch::{ArchOperand, BuildsCapstone, BuildsCapstoneSyntax};
use capstone::{Capstone, RegId};
use tandem_ir::{self as ir, Alias, Flow, Stmt};

use crate::{Arch, CallConv, LiftError, SyscallConv};
use ctx::{Ctx, MemRef, OpKind, Operand, Rep};
use sem::{HANDLERS, Handler};

/// The x86-64 lifter. Not `Sync`: make one per thread.
pub struct X86_64 {
    cs: Capstone,
    /// Capstone register id to our location.
    regs: Vec<Option<RegLoc>>,
    handlers: Vec<Option<Handler>>,
}

#[derive(Clone, Copy, Debug)]
enum RegLoc {
    Alias(Alias),
    Rip,
    Segment(Option<ir::Reg>),
}

impl std::fmt::Debug for X86_64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("X86_64")
    }
}

fn insn_from_id(id: u32) -> Option<X86Insn> {
    if id == 0 || id >= X86Insn::X86_INS_ENDING as u32 {
        return None;
    }
    // SAFETY: `X86Insn` is `#[repr(u32)]` with the contiguous discriminants 0..X86_INS_ENDING
    // (checked by `instruction_ids_are_contiguous`), and `id` is in that range.
    Some(unsafe { std::mem::transmute::<u32, X86Insn>(id) })
}

impl X86_64 {
    pub fn new() -> Result<X86_64, LiftError> {
        let cs = Capstone::new()
            .x86()
            .mode(ArchMode::Mode64)
            .syntax(ArchSyntax::Intel)
            .detail(true)
            .build()
            .map_err(|e| LiftError::Decoder(e.to_string()))?;
        let mut regs = vec![None; X86Reg::X86_REG_ENDING as usize];
        for (id, slot) in regs.iter_mut().enumerate().skip(1) {
            let Some(name) = cs.reg_name(RegId(id as u16)) else {
                continue;
            };
            *slot = match name.as_str() {
                "rip" => Some(RegLoc::Rip),
                "fs" => Some(RegLoc::Segment(Some(regs::FS_BASE))),
                "gs" => Some(RegLoc::Segment(Some(regs::GS_BASE))),
                "cs" | "ds" | "es" | "ss" => Some(RegLoc::Segment(None)),
                n => st_register(n)
                    .or_else(|| regs::DESC.alias(n))
                    .map(RegLoc::Alias),
            };
        }
        let mut handlers = vec![None; X86Insn::X86_INS_ENDING as usize];
        for (id, h) in HANDLERS {
            handlers[*id as usize] = Some(*h);
        }
        Ok(X86_64 { cs, regs, handlers })
    }

    /// Lifts every instruction in `bytes` (at `addr`) by linear sweep; bytes that do not
    /// decode are reported one at a time as [`LiftError::Invalid`].
    pub fn sweep(&self, bytes: &[u8], addr: u64, mut f: impl FnMut(Result<ir::Insn, LiftError>)) {
        let mut off = 0usize;
        while off < bytes.len() {
            let here = addr.wrapping_add(off as u64);
            let mut progressed = false;
            if let Ok(mut iter) = self.cs.disasm_iter(&bytes[off..], here) {
                while let Some(insn) = iter.next() {
                    let len = insn.len();
                    f(Ok(self.lift_decoded(&insn)));
                    off += len;
                    progressed = true;
                }
            }
            if off < bytes.len() {
                f(Err(LiftError::Invalid {
                    addr: addr.wrapping_add(off as u64),
                }));
                off += 1;
            }
            let _ = progressed;
        }
    }

    /// Decodes (with operand detail, as lifting does) without lifting, and counts the
    /// instructions: the decoder's share of the lifting cost.
    pub fn decode_count(&self, bytes: &[u8], addr: u64) -> usize {
        let mut n = 0;
        if let Ok(mut iter) = self.cs.disasm_iter(bytes, addr) {
            while let Some(insn) = iter.next() {
                if self.cs.insn_detail(&insn).is_ok() {
                    n += 1;
                }
            }
        }
        n
    }

    /// Capstone's names of the instructions the lifter has semantics for (some forms of a
    /// supported instruction may still be unsupported).
    pub fn supported_names(&self) -> Vec<String> {
        HANDLERS
            .iter()
            .filter_map(|(id, _)| self.cs.insn_name(capstone::InsnId(*id as u32)))
            .collect()
    }

    /// The canonical name of the instruction at the start of `bytes`, as the lifter
    /// dispatches it: Capstone's instruction name (`cmpsd` for `cmpltsd`).
    pub fn insn_name(&self, bytes: &[u8], addr: u64) -> Option<String> {
        let insns = self.cs.disasm_count(bytes, addr, 1).ok()?;
        let insn = insns.iter().next()?;
        if let Some(ctx) = self.context(insn, addr, insn.len() as u8)
            && sem::is_sse_compare(&ctx)
        {
            return Some(sem::sse_compare_name(&ctx).to_string());
        }
        self.cs.insn_name(insn.id())
    }

    fn lift_decoded(&self, insn: &capstone::Insn) -> ir::Insn {
        let addr = insn.address();
        let len = insn.len() as u8;
        let mnemonic = insn.mnemonic().unwrap_or("?");
        let op_str = insn.op_str().unwrap_or("");
        let asm = if op_str.is_empty() {
            mnemonic.to_string()
        } else {
            format!("{mnemonic} {op_str}")
        };
        let unsupported = |asm: String| ir::Insn {
            addr,
            len,
            stmts: vec![Stmt::Unsupported {
                mnemonic: mnemonic.to_string(),
            }],
            asm,
            flow: Flow::Next,
        };
        let Some(id) = insn_from_id(insn.id().0) else {
            return unsupported(asm);
        };
        let Some(mut ctx) = self.context(insn, addr, len) else {
            return unsupported(asm);
        };
        let handler = if sem::is_sse_compare(&ctx) {
            // Capstone 5 reports wrong ids for `cmpltsd` and friends; trust the opcode.
            Some(sem::sse_compare as Handler)
        } else {
            self.handlers.get(id as usize).copied().flatten()
        };
        let Some(handler) = handler else {
            return unsupported(asm);
        };
        match handler(&mut ctx, id) {
            Ok(()) => {
                let mut insn = ir::Insn {
                    addr,
                    len,
                    asm,
                    stmts: ctx.stmts,
                    flow: ctx.flow,
                };
                insn.prune_dead_temps();
                // A verifier failure is a lifter bug; debug builds (and so every test) stop
                // on it.
                #[cfg(debug_assertions)]
                if let Err(errors) = ir::verify(&insn, &regs::DESC) {
                    panic!(
                        "lifted IR fails verification:\n{}{errors:?}",
                        insn.display(&regs::DESC)
                    );
                }
                insn
            }
            Err(ctx::Unsupported) => unsupported(asm),
        }
    }

    /// Decodes Capstone's detail into a lifting context; `None` for operands we cannot
    /// represent (segment registers as values, control registers, AVX-512 masks, ...).
    fn context(&self, insn: &capstone::Insn, addr: u64, len: u8) -> Option<Ctx> {
        let detail = self.cs.insn_detail(insn).ok()?;
        let arch = detail.arch_detail();
        let x86 = arch.x86()?;
        let prefix = x86.prefix();
        let rep = match prefix[0] {
            0xF3 => Rep::Repe,
            0xF2 => Rep::Repne,
            _ => Rep::None,
        };
        let addr32 = x86.addr_size() == 4;
        let mut ops = Vec::new();
        for op in arch.operands() {
            #[allow(unreachable_patterns)] // other architectures' operands, when enabled
            let op = match op {
                ArchOperand::X86Operand(op) => op,
                _ => return None,
            };
            let size = u16::from(op.size) * 8;
            let kind = match op.op_type {
                X86OperandType::Reg(r) => match self.reg(r)? {
                    RegLoc::Alias(a) => OpKind::Reg(a),
                    _ => return None,
                },
                X86OperandType::Imm(v) => OpKind::Imm(v),
                X86OperandType::Mem(m) => {
                    let segment = match self.reg_opt(m.segment())? {
                        None => None,
                        Some(RegLoc::Segment(s)) => s,
                        Some(_) => return None,
                    };
                    let (base, rip_relative) = match self.reg_opt(m.base())? {
                        None => (None, false),
                        Some(RegLoc::Rip) => (None, true),
                        Some(RegLoc::Alias(a)) => (Some(a), false),
                        Some(RegLoc::Segment(_)) => return None,
                    };
                    let index = match self.reg_opt(m.index())? {
                        None => None,
                        Some(RegLoc::Alias(a)) => Some(a),
                        Some(_) => return None,
                    };
                    OpKind::Mem(MemRef {
                        segment,
                        base,
                        index,
                        scale: u8::try_from(m.scale()).ok()?,
                        disp: m.disp(),
                        rip_relative,
                        addr32,
                    })
                }
                X86OperandType::Invalid => return None,
            };
            ops.push(Operand { kind, size });
        }
        let mut ctx = Ctx::new(addr, len, ops, rep, prefix[2] == 0x66);
        let bytes = insn.bytes();
        ctx.bytes[..bytes.len().min(16)].copy_from_slice(&bytes[..bytes.len().min(16)]);
        ctx.opcode = *x86.opcode();
        Some(ctx)
    }

    /// `Some(None)` for "no register", `None` for a register we cannot represent.
    fn reg_opt(&self, r: RegId) -> Option<Option<RegLoc>> {
        if r.0 == 0 {
            return Some(None);
        }
        self.reg(r).map(Some)
    }

    fn reg(&self, r: RegId) -> Option<RegLoc> {
        self.regs.get(usize::from(r.0)).copied().flatten()
    }
}

/// Capstone names the x87 stack `st(0)`..`st(7)`.
fn st_register(name: &str) -> Option<Alias> {
    let i = name
        .strip_prefix("st(")?
        .strip_suffix(')')?
        .parse::<usize>()
        .ok()?;
    let r = *regs::STS.get(i)?;
    Some(Alias {
        name: "st",
        base: r,
        lo: 0,
        width: 80,
        write: ir::AliasWrite::ZeroExtend,
    })
}

impl Arch for X86_64 {
    fn desc(&self) -> &'static ir::MachineDesc {
        &regs::DESC
    }

    fn call_conv(&self) -> &'static CallConv {
        &cc::SYSV
    }

    fn syscall_conv(&self) -> &'static SyscallConv {
        &cc::LINUX_SYSCALL
    }

    fn lift(&self, bytes: &[u8], addr: u64) -> Result<ir::Insn, LiftError> {
        let insns = self
            .cs
            .disasm_count(bytes, addr, 1)
            .map_err(|e| LiftError::Decoder(e.to_string()))?;
        let insn = insns.iter().next().ok_or(LiftError::Invalid { addr })?;
        Ok(self.lift_decoded(insn))
    }
}

#[cfg(test)]
mod tests;
