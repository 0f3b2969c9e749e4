//! CFARs (control-flow-aware regions): a function cut at its entry, its loop heads and the
//! return sites of its calls. Each CFAR holds the blocks reachable from its head without
//! passing another head, and ends in exits: a call, a return, a jump to a head, a system call
//! that exits, a trap, an unresolved jump.

use std::collections::{BTreeSet, VecDeque};

use crate::discover::{Function, Terminator};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HeadKind {
    FunctionEntry,
    LoopHead,
    ReturnSite,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CfarExit {
    /// A jump or fall-through into another region's head (or this one's: a back edge).
    ToHead {
        from: u64,
        head: u64,
    },
    Call {
        from: u64,
        target: Option<u64>,
        return_site: Option<u64>,
    },
    TailCall {
        from: u64,
        target: Option<u64>,
    },
    Return {
        from: u64,
    },
    Exit {
        from: u64,
    },
    Halt {
        from: u64,
    },
    Unresolved {
        from: u64,
    },
}

#[derive(Clone, Debug)]
pub struct Cfar {
    pub head: u64,
    pub kind: HeadKind,
    /// Block start addresses, in address order.
    pub blocks: Vec<u64>,
    pub exits: Vec<CfarExit>,
}

/// The heads of `f` and their kinds; a head that is several kinds takes the first.
fn heads(f: &Function) -> Vec<(u64, HeadKind)> {
    let mut out: Vec<(u64, HeadKind)> = vec![(f.entry, HeadKind::FunctionEntry)];
    for &h in &f.loop_heads {
        if h != f.entry {
            out.push((h, HeadKind::LoopHead));
        }
    }
    for c in &f.calls {
        if let Some(r) = c.return_site
            && f.blocks.contains_key(&r)
            && !out.iter().any(|(a, _)| *a == r)
        {
            out.push((r, HeadKind::ReturnSite));
        }
    }
    out.sort();
    out
}

/// The CFARs of a function, ordered by head address.
pub fn cfars(f: &Function) -> Vec<Cfar> {
    let heads = heads(f);
    let is_head = |a: u64| heads.iter().any(|(h, _)| *h == a);
    let mut out = Vec::new();
    for &(head, kind) in &heads {
        let mut blocks = BTreeSet::new();
        let mut exits = Vec::new();
        let mut queue = VecDeque::from([head]);
        while let Some(b) = queue.pop_front() {
            if !blocks.insert(b) {
                continue;
            }
            let Some(block) = f.blocks.get(&b) else {
                continue;
            };
            let from = block.insns.last().copied().unwrap_or(b);
            let mut follow = |to: u64, exits: &mut Vec<CfarExit>| {
                if is_head(to) {
                    exits.push(CfarExit::ToHead { from, head: to });
                } else {
                    queue.push_back(to);
                }
            };
            match &block.term {
                Terminator::Fallthrough(t) | Terminator::Jump(t) => follow(*t, &mut exits),
                Terminator::Branch { taken, fallthrough } => {
                    follow(*taken, &mut exits);
                    follow(*fallthrough, &mut exits);
                }
                Terminator::Switch { targets } => {
                    for t in targets {
                        follow(*t, &mut exits);
                    }
                }
                Terminator::Syscall { next: Some(n) } => follow(*n, &mut exits),
                Terminator::Syscall { next: None } => exits.push(CfarExit::Exit { from }),
                Terminator::Call {
                    target,
                    return_site,
                } => exits.push(CfarExit::Call {
                    from,
                    target: *target,
                    return_site: *return_site,
                }),
                Terminator::TailCall { target } => exits.push(CfarExit::TailCall {
                    from,
                    target: *target,
                }),
                Terminator::Return => exits.push(CfarExit::Return { from }),
                Terminator::Halt => exits.push(CfarExit::Halt { from }),
                Terminator::Unresolved => exits.push(CfarExit::Unresolved { from }),
            }
        }
        out.push(Cfar {
            head,
            kind,
            blocks: blocks.into_iter().collect(),
            exits,
        });
    }
    out
}
