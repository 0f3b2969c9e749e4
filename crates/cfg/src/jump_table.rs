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

/// Read-only view of the binary's image, plus the few bytes of a stack slot that holds the
/// index when the bounds check compares memory (`cmp dword ptr [rbp - 8], 7` at -O0).
struct Image<'a> {
    binary: &'a Binary<'a>,
    slot: Vec<(u64, u8)>,
}

impl Memory for Image<'_> {
    fn read(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), Fault> {
        let fault = Fault { addr, write: false };
        let in_slot = |a: u64| self.slot.iter().find(|(s, _)| *s == a).map(|(_, b)| *b);
        if let Some(first) = in_slot(addr) {
            buf[0] = first;
            for (i, b) in buf.iter_mut().enumerate().skip(1) {
                *b = in_slot(addr + i as u64).ok_or(fault)?;
            }
            return Ok(());
        }
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

/// Where the stack slot of a memory bounds check is placed: far from the image.
const SLOT_BASE: u64 = 0x7ff0_0000_1000;

/// What a bounds check compares: a register, or a slot `[base +/- disp]` of `size` bytes.
#[derive(Debug, PartialEq)]
enum Compared<'s> {
    Reg(&'s str),
    Slot { base: &'s str, disp: i64, size: u8 },
}

/// `dword ptr [rbp - 8]` as a slot.
fn parse_slot(op: &str) -> Option<Compared<'_>> {
    let (size, rest) = op.split_once(" ptr [")?;
    let size = match size {
        "byte" => 1,
        "word" => 2,
        "dword" => 4,
        "qword" => 8,
        _ => return None,
    };
    let inner = rest.strip_suffix(']')?;
    let (base, disp) = match inner.split_once(' ') {
        None => (inner, 0),
        Some((base, d)) => {
            let (sign, num) = d.split_once(' ')?;
            let v = parse_imm(num)? as i64;
            match sign {
                "+" => (base, v),
                "-" => (base, -v),
                _ => return None,
            }
        }
    };
    Some(Compared::Slot { base, disp, size })
}

fn parse_imm(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
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

/// `cmp REG, IMM` or `cmp SIZE ptr [BASE +/- DISP], IMM` as (what is compared, immediate).
fn parse_cmp(asm: &str) -> Option<(Compared<'_>, u64)> {
    let ops = asm.strip_prefix("cmp ")?;
    let (lhs, imm) = ops.rsplit_once(", ")?;
    let imm = parse_imm(imm)?;
    let lhs = if lhs.contains('[') {
        parse_slot(lhs)?
    } else {
        Compared::Reg(lhs)
    };
    Some((lhs, imm))
}

/// The targets of the jump table `jmp` (in the function starting at `entry`) dispatches
/// through; `context` is the run of instructions that led to it.
pub fn resolve(prog: &Program, entry: u64, jmp: &Insn, context: &[u64]) -> Option<Vec<u64>> {
    bounded(prog, jmp, context).or_else(|| scanned(prog, entry, jmp))
}

/// A table without a bounds check (the index is bounded by its computation, `x >> 5` say):
/// the entries of `jmp qword ptr [REG*8 + TABLE]` from `TABLE` on, while they are read-only
/// and point into the function. The symbolic executor checks that the jump can reach no
/// other target, so a table read too long costs time, never soundness.
fn scanned(prog: &Program, entry: u64, jmp: &Insn) -> Option<Vec<u64>> {
    let op = jmp.asm.strip_prefix("jmp qword ptr [")?.strip_suffix(']')?;
    let (index, table) = op.split_once(" + ")?;
    let (_, scale) = index.split_once('*')?;
    if scale != "8" {
        return None;
    }
    let table = parse_imm(table)?;
    let binary = prog.binary();
    let func = binary
        .symbol_containing(entry)
        .filter(|s| s.address == entry && s.size > 0)?;
    let inside = |t: u64| t >= func.address && t - func.address < func.size;
    let mut targets = Vec::new();
    for i in 0..MAX_ENTRIES {
        let at = table + 8 * i;
        if binary.perms_at(at).is_none_or(|p| p.write) {
            break;
        }
        let Some(bytes) = binary.read(at, 8) else {
            break;
        };
        let t = u64::from_le_bytes(bytes.as_ref().try_into().ok()?);
        if !inside(t) {
            break;
        }
        if !targets.contains(&t) {
            targets.push(t);
        }
    }
    (targets.len() >= 2).then_some(targets)
}

/// A table behind a bounds check: the dispatch code run once per index value.
fn bounded(prog: &Program, jmp: &Insn, context: &[u64]) -> Option<Vec<u64>> {
    let insns: Vec<_> = context.iter().filter_map(|a| prog.insn(*a).ok()).collect();
    // The last bounds check on the path: a `cmp` followed by a conditional branch.
    let (cmp_at, compared, n) = (0..insns.len().saturating_sub(1)).rev().find_map(|i| {
        let Flow::Branch { target, .. } = insns[i + 1].flow else {
            return None;
        };
        let (compared, imm) = parse_cmp(&insns[i].asm)?;
        let mnemonic = insns[i + 1].asm.split(' ').next()?;
        let taken = insns.get(i + 2).is_some_and(|next| next.addr == target);
        let n = bound(mnemonic, imm, taken)?;
        Some((i, compared, n))
    })?;
    if n >= MAX_ENTRIES {
        return None;
    }
    let desc = prog.desc();
    let mut targets: Vec<u64> = Vec::new();
    for v in 0..=n {
        let mut st = State::new(desc);
        // Unknown registers hold a value no table computation can turn into code.
        for r in desc.all_regs() {
            st.set(r, 0x7FF0_DEAD_0000_0000 | u128::from(r.id));
        }
        let mut image = Image {
            binary: prog.binary(),
            slot: Vec::new(),
        };
        match &compared {
            Compared::Reg(reg) => st.set(desc.alias(reg)?.base, u128::from(v)),
            Compared::Slot { base, disp, size } => {
                st.set(desc.alias(base)?.base, u128::from(SLOT_BASE));
                let at = SLOT_BASE.wrapping_add_signed(*disp);
                image.slot = (0..u64::from(*size))
                    .map(|i| (at + i, (v >> (8 * i)) as u8))
                    .collect();
            }
        }
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
        assert_eq!(parse_cmp("cmp eax, 0x1f"), Some((Compared::Reg("eax"), 31)));
        assert_eq!(parse_cmp("cmp edi, 5"), Some((Compared::Reg("edi"), 5)));
        assert_eq!(parse_cmp("cmp eax, dword ptr [rbp - 4]"), None);
        assert_eq!(
            parse_cmp("cmp dword ptr [rbp - 8], 7"),
            Some((
                Compared::Slot {
                    base: "rbp",
                    disp: -8,
                    size: 4
                },
                7
            ))
        );
        assert_eq!(
            parse_cmp("cmp byte ptr [rsp], 3"),
            Some((
                Compared::Slot {
                    base: "rsp",
                    disp: 0,
                    size: 1
                },
                3
            ))
        );
    }
}
