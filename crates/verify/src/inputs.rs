//! The analysis entry: the two sides set up, and their identical initial states.

use tandem_cfg::Program;
use tandem_loader::{Binary, SymbolKind};
use tandem_symex::{MemLog, MemWrite, SymState, TermId, TermPool, VarKind, WriteKind};

use crate::side::{Image, Observed, ObservedRange, SharedInputs, Side, SideId};
use crate::{Config, Entry, Observe, VerifyError};

/// Whether the two binaries load the same bytes at the same addresses with the same
/// permissions: then a byte read outside every known object is the same byte in both.
pub fn same_image(a: &Binary, b: &Binary) -> bool {
    let (sa, sb) = (a.segments(), b.segments());
    sa.len() == sb.len()
        && sa.iter().zip(sb).all(|(x, y)| {
            x.vaddr == y.vaddr && x.mem_size == y.mem_size && x.perms == y.perms && x.data == y.data
        })
}

/// Where a return from the analysed function lands: an address neither binary maps, the same
/// for both.
pub const RETURN_SENTINEL: u64 = 0xFFFF_FFFF_FFFF_FFF0;

pub fn make_side<'b>(
    pool: &mut TermPool,
    id: SideId,
    (file, binary): (&str, &'b Binary<'b>),
    shared: &SharedInputs,
    config: &Config,
) -> Result<Side<'b>, VerifyError> {
    let prog = Program::new(binary).map_err(|e| VerifyError::Input {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    let unknown = match shared.same_image_unknown {
        Some(u) => u,
        None => pool.fresh_var(format!("{}uninitialised", id.tag()), 0, VarKind::Memory),
    };
    let symbolic_data = config.symbolic_data || config.entry != Entry::Elf;
    let mut ranges = Vec::new();
    for s in binary.sections() {
        if s.alloc && s.name == b".output" {
            ranges.extend(by_symbol(binary, ".output", s.addr, s.size));
        }
    }
    for o in &config.observe {
        match o {
            Observe::Section(name) => {
                let s =
                    binary
                        .section_by_name(name.as_bytes())
                        .ok_or_else(|| VerifyError::Input {
                            file: file.to_string(),
                            message: format!("no section `{name}` to observe"),
                        })?;
                ranges.extend(by_symbol(binary, name, s.addr, s.size));
            }
            Observe::Symbol(name) => {
                let s = binary
                    .defined_symbol(name)
                    .ok_or_else(|| VerifyError::Input {
                        file: file.to_string(),
                        message: format!("unknown symbol `{name}` to observe"),
                    })?;
                ranges.push(ObservedRange {
                    name: name.clone(),
                    start: s.address,
                    len: s.size.max(1),
                });
            }
            Observe::Range { start, len } => ranges.push(ObservedRange {
                name: format!("{start:#x}"),
                start: *start,
                len: *len,
            }),
            Observe::Globals => {
                for seg in binary.segments() {
                    if seg.perms.write {
                        ranges.extend(by_symbol(binary, "data", seg.vaddr, seg.mem_size));
                    }
                }
            }
        }
    }
    Ok(Side {
        id,
        prog,
        image: Image {
            binary,
            shared: shared.clone(),
            unknown,
            symbolic_data,
            data_arrays: Default::default(),
        },
        observed: Observed { ranges },
    })
}

/// An observed range split by the data symbols in it, so that a store is named by its
/// variable and stays comparable when a rebuild moves the variables around. Bytes outside
/// every symbol keep the range's name and their offset in it (the whole range comes last, as
/// the fallback).
fn by_symbol(binary: &Binary, name: &str, start: u64, len: u64) -> Vec<ObservedRange> {
    let mut out: Vec<ObservedRange> = binary
        .symbols()
        .iter()
        .filter(|s| s.defined && s.kind == SymbolKind::Object && s.size > 0)
        .filter(|s| s.address >= start && s.address - start < len)
        .map(|s| ObservedRange {
            name: s.name_lossy().into_owned(),
            start: s.address,
            len: s.size.min(start + len - s.address),
        })
        .collect();
    out.sort_by_key(|r| r.start);
    out.dedup_by_key(|r| r.start);
    out.push(ObservedRange {
        name: name.to_string(),
        start,
        len,
    });
    out
}

/// Both sides' initial states at the entry and the entry addresses. Every register starts as
/// the same input variable on both sides, except the stack pointer (the shared stack base)
/// and the direction flag (clear, as the ABI guarantees).
pub fn entry_states(
    pool: &mut TermPool,
    shared: &SharedInputs,
    sides: [&Side; 2],
    config: &Config,
    ghosts: &[(String, TermId)],
) -> Result<([SymState; 2], [u64; 2]), VerifyError> {
    let desc = sides[0].prog.desc();
    let mut regs: Vec<TermId> = Vec::with_capacity(desc.regs.len());
    for r in desc.regs.iter() {
        let t = match r.name {
            "rsp" => shared.stack_base,
            "df" => pool.c(1, 0),
            "fpu_cw" => pool.c(16, 0x37F),
            "fpu_top" | "fpu_tags" | "fpu_c" => pool.c(r.width, 0),
            _ => pool.fresh_var(format!("in.{}", r.name), r.width, VarKind::Input),
        };
        regs.push(t);
    }
    let mut states = Vec::new();
    let mut addrs = [0u64; 2];
    for (i, side) in sides.iter().enumerate() {
        let binary = side.image.binary;
        let addr =
            match &config.entry {
                Entry::Elf => binary.entry(),
                Entry::Function(name) => binary
                    .defined_symbol(name)
                    .map(|s| s.address)
                    .ok_or_else(|| VerifyError::Input {
                        file: side.id.name().to_string(),
                        message: format!("unknown symbol `{name}`"),
                    })?,
            };
        addrs[i] = addr;
        let mut st = SymState {
            regs: regs.clone(),
            mem: MemLog::new(),
            ghosts: Vec::new(),
            events: Vec::new(),
            path: Vec::new(),
            frames: Vec::new(),
            function: addr,
            root_function: addr,
        };
        st.regs[usize::from(desc.pc.id)] = pool.c(64, u128::from(addr));
        // A plausible stack pointer: aligned, high in the user address space.
        let sb = shared.stack_base;
        let lo = pool.c(64, 0x7FF0_0000_0000);
        let hi = pool.c(64, 0x7FFF_FFFF_0000);
        let above = pool.binary(tandem_ir::BinOp::Ule, lo, sb);
        let below = pool.ult(sb, hi);
        let low = pool.extract(sb, 0, 4);
        let zero = pool.c(4, 0);
        let aligned = pool.eq_(low, zero);
        st.assume(pool, above);
        st.assume(pool, below);
        st.assume(pool, aligned);
        if let Entry::Function(_) = config.entry {
            let ret = pool.c(64, u128::from(RETURN_SENTINEL));
            st.mem.push(MemWrite {
                addr: sb,
                guard: None,
                kind: WriteKind::Value {
                    value: ret,
                    size: 8,
                },
            });
        }
        st.ghosts = ghosts.to_vec();
        states.push(st);
    }
    let p = states.pop().expect("two states");
    let o = states.pop().expect("two states");
    Ok(([o, p], addrs))
}
