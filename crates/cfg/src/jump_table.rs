//! Jump tables of compiled `switch` statements.
//!
//! The dispatch looks like `cmp idx, N; ja default; ...; jmp [table + idx*8]` (or the
//! position-independent `movsxd`/`add` form). The bounds check gives the range of the index;
//! the dispatch code is then run in the concrete interpreter once per index value, from the
//! instructions that led to the jump, reading only read-only memory of the binary. A target
//! outside executable memory (because the computation depended on something unknown) rejects
//! the whole table.

use tandem_ir::interp::{self, Fault, Memory, Outcome, State};
use tandem_ir::{Flow, Insn};
use tandem_loader::Binary;

use crate::program::Program;

/// The largest table resolved.
const MAX_ENTRIES: u64 = 4096;

/// Read-only view of the binary's image: writable memory could change at run time.
struct Image<'a> {
    binary: &'a Binary<'a>,
}

impl Memory for Image<'_> {
    fn read(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), Fault> {
        let fault = Fault { addr, write: false };
        match self.binary.perms_at(addr) {
            Some(p) if !p.write => {}
            _ => return Err(fault),
        }
        let bytes = self.binary.read(addr, buf.len() as u64).ok_or(fault)?;
        buf.copy_from_slice(&bytes);
        Ok(())
    }

    fn write(&mut self, addr: u64, _: &[u8]) -> Result<(), Fault> {
        Err(Fault { addr, write: true })
    }
}

/// The bound the conditional branch after a `cmp` puts on the index on the path taken.
fn bound(mnemonic: &str, imm: u64, taken: bool) -> Option<u64> {
    match (mnemonic, taken) {
        ("ja", false) | ("jbe", true) => Some(imm),
        ("jae", false) | ("jb", true) => imm.checked_sub(1),
        _ => None,
    }
}

/// `cmp REG, IMM` as (register name, immediate).
fn parse_cmp(asm: &str) -> Option<(&str, u64)> {
    let ops = asm.strip_prefix("cmp ")?;
    let (reg, imm) = ops.split_once(", ")?;
    let imm = match imm.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok()?,
        None => imm.parse().ok()?,
    };
    Some((reg, imm))
}

pub fn resolve(prog: &Program, jmp: &Insn, context: &[u64]) -> Option<Vec<u64>> {
    let insns: Vec<_> = context.iter().filter_map(|a| prog.insn(*a).ok()).collect();
    // The last bounds check on the path: a `cmp` followed by a conditional branch.
    let (cmp_at, reg, n) = (0..insns.len().saturating_sub(1)).rev().find_map(|i| {
        let Flow::Branch { target, .. } = insns[i + 1].flow else {
            return None;
        };
        let (reg, imm) = parse_cmp(&insns[i].asm)?;
        let mnemonic = insns[i + 1].asm.split(' ').next()?;
        let taken = insns.get(i + 2).is_some_and(|next| next.addr == target);
        let n = bound(mnemonic, imm, taken)?;
        Some((i, reg.to_string(), n))
    })?;
    if n >= MAX_ENTRIES {
        return None;
    }
    let desc = prog.desc();
    let alias = desc.alias(&reg)?;
    let mut image = Image {
        binary: prog.binary(),
    };
    let mut targets: Vec<u64> = Vec::new();
    for v in 0..=n {
        let mut st = State::new(desc);
        // Unknown registers hold a value no table computation can turn into code.
        for r in desc.all_regs() {
            st.set(r, 0x7FF0_DEAD_0000_0000 | u128::from(r.id));
        }
        st.set(alias.base, u128::from(v));
        let mut ok = true;
        for insn in insns[cmp_at + 1..]
            .iter()
            .filter(|i| !matches!(i.flow, Flow::Branch { .. }))
        {
            if insn.addr == jmp.addr {
                break;
            }
            match interp::step(desc, insn, &mut st, &mut image) {
                Ok((Outcome::Continue(_), _)) => {}
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            return None;
        }
        let target = match interp::step(desc, jmp, &mut st, &mut image) {
            Ok((Outcome::Continue(t), _)) => t,
            _ => return None,
        };
        match prog.binary().perms_at(target) {
            Some(p) if p.execute => {}
            _ => return None,
        }
        if !targets.contains(&target) {
            targets.push(target);
        }
    }
    Some(targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_from_branches() {
        assert_eq!(bound("ja", 7, false), Some(7));
        assert_eq!(bound("jae", 7, false), Some(6));
        assert_eq!(bound("jbe", 7, true), Some(7));
        assert_eq!(bound("ja", 7, true), None);
        assert_eq!(parse_cmp("cmp eax, 0x1f"), Some(("eax", 31)));
        assert_eq!(parse_cmp("cmp edi, 5"), Some(("edi", 5)));
        assert_eq!(parse_cmp("cmp eax, dword ptr [rbp - 4]"), None);
    }
}
