//! Recursive-descent discovery of one function: its instructions, basic blocks, edges, calls
//! and loop heads.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{DfsEvent, depth_first_search};
use tandem_ir::{Expr, Flow, Insn, Stmt, Target};

use crate::jump_table;
use crate::program::Program;

/// How a basic block ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Terminator {
    /// The next instruction starts another block.
    Fallthrough(u64),
    Jump(u64),
    Branch {
        taken: u64,
        fallthrough: u64,
    },
    /// A call; `return_site` is `None` when the callee never returns.
    Call {
        target: Option<u64>,
        return_site: Option<u64>,
    },
    /// A jump to another function's entry (or an indirect jump leaving the function).
    TailCall {
        target: Option<u64>,
    },
    Return,
    /// An indirect jump resolved as a jump table.
    Switch {
        targets: Vec<u64>,
    },
    /// An indirect jump that could not be resolved.
    Unresolved,
    /// A system call; `next` is `None` when it is `exit`/`exit_group`.
    Syscall {
        next: Option<u64>,
    },
    /// A trap (`ud2`, `hlt`, `int3`), or code that does not decode.
    Halt,
}

impl Terminator {
    /// Intra-procedural successors.
    pub fn successors(&self) -> Vec<u64> {
        match self {
            Terminator::Fallthrough(a) | Terminator::Jump(a) => vec![*a],
            Terminator::Branch { taken, fallthrough } => vec![*taken, *fallthrough],
            Terminator::Call { return_site, .. } => return_site.iter().copied().collect(),
            Terminator::Switch { targets } => targets.clone(),
            Terminator::Syscall { next } => next.iter().copied().collect(),
            Terminator::TailCall { .. }
            | Terminator::Return
            | Terminator::Unresolved
            | Terminator::Halt => vec![],
        }
    }
}

#[derive(Clone, Debug)]
pub struct Block {
    pub start: u64,
    /// The address after the last instruction.
    pub end: u64,
    pub insns: Vec<u64>,
    pub term: Terminator,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallSite {
    /// Address of the call instruction.
    pub at: u64,
    pub target: Option<u64>,
    pub return_site: Option<u64>,
}

/// One discovered function.
#[derive(Debug)]
pub struct Function {
    pub entry: u64,
    pub name: Option<String>,
    pub blocks: BTreeMap<u64, Block>,
    /// Blocks (weighted by their start address) and intra-procedural edges.
    pub graph: DiGraph<u64, ()>,
    pub nodes: HashMap<u64, NodeIndex>,
    /// Targets of back edges of a depth-first search from the entry.
    pub loop_heads: BTreeSet<u64>,
    pub calls: Vec<CallSite>,
    /// Whether some path reaches a `ret` (or a tail call to a function that returns).
    pub may_return: bool,
    /// Indirect jumps that could not be resolved.
    pub unresolved: Vec<u64>,
    /// Addresses where no instruction could be lifted.
    pub undecodable: Vec<u64>,
}

impl Function {
    pub fn block(&self, start: u64) -> Option<&Block> {
        self.blocks.get(&start)
    }

    /// The block containing `addr`.
    pub fn block_containing(&self, addr: u64) -> Option<&Block> {
        self.blocks
            .range(..=addr)
            .next_back()
            .map(|(_, b)| b)
            .filter(|b| addr < b.end)
    }

    pub fn is_loop_head(&self, addr: u64) -> bool {
        self.loop_heads.contains(&addr)
    }

    /// The natural loop of `head`: itself and the blocks that reach one of its back edges
    /// (from a block it dominates) without passing through it. Empty when no edge into it
    /// comes from a block it dominates: a loop entered other than through its head
    /// (irreducible), or not a loop head.
    pub fn loop_body(&self, head: u64) -> BTreeSet<u64> {
        let (Some(&root), Some(&h)) = (self.nodes.get(&self.entry), self.nodes.get(&head)) else {
            return BTreeSet::new();
        };
        let doms = petgraph::algo::dominators::simple_fast(&self.graph, root);
        let preds = |n: NodeIndex| self.graph.neighbors_directed(n, Direction::Incoming);
        let mut work: Vec<NodeIndex> = preds(h)
            .filter(|&p| doms.dominators(p).is_some_and(|mut d| d.any(|x| x == h)))
            .collect();
        if work.is_empty() {
            return BTreeSet::new();
        }
        let mut body = HashSet::from([h]);
        while let Some(n) = work.pop() {
            if body.insert(n) {
                work.extend(preds(n));
            }
        }
        body.into_iter().map(|n| self.graph[n]).collect()
    }
}

/// How many instructions of context `classify` sees.
const CONTEXT: usize = 24;

/// How control leaves one instruction, seen from its function.
enum Step {
    Next,
    Jump(u64),
    Branch(u64),
    Call(Option<u64>),
    TailCall(Option<u64>),
    Return,
    Switch(Vec<u64>),
    Unresolved,
    Syscall { exits: bool },
    Halt,
}

/// `context` is the straight-line run of instructions that led to `insn` (ending with it),
/// preceded by the run that led to that one: what jump-table and exit-call analysis look at.
fn classify(prog: &Program, entry: u64, insn: &Insn, context: &[u64]) -> Step {
    if insn.unsupported().is_some() {
        // The instruction's effect is unknown, but its length is: keep discovering after it.
        return Step::Next;
    }
    match &insn.flow {
        Flow::Next => Step::Next,
        Flow::Jump(Target::Direct(t)) => {
            if *t != entry && prog.is_function_start(*t) {
                Step::TailCall(Some(*t))
            } else {
                Step::Jump(*t)
            }
        }
        Flow::Jump(Target::Indirect(_)) => match jump_table::resolve(prog, entry, insn, context) {
            Some(targets) => Step::Switch(targets),
            None => Step::Unresolved,
        },
        Flow::Branch { target, .. } => Step::Branch(*target),
        Flow::Call(Target::Direct(t)) => Step::Call(Some(*t)),
        Flow::Call(Target::Indirect(_)) => Step::Call(None),
        Flow::Return(_) => Step::Return,
        Flow::Syscall => Step::Syscall {
            exits: is_exit_syscall(prog, context),
        },
        Flow::Trap(_) => Step::Halt,
    }
}

/// Whether the system call ending `context` is `exit` (60) or `exit_group` (231): the last
/// write to `rax` before it is one of those constants.
fn is_exit_syscall(prog: &Program, context: &[u64]) -> bool {
    let rax = tandem_lift::x86_64::regs::RAX;
    for addr in context.iter().rev().skip(1) {
        let Ok(insn) = prog.insn(*addr) else {
            return false;
        };
        for s in insn.stmts.iter().rev() {
            if let Stmt::SetReg { reg, value } = s
                && *reg == rax
            {
                return matches!(
                    value,
                    Expr::Const {
                        value: 60 | 231,
                        ..
                    }
                );
            }
        }
    }
    false
}

pub fn discover(prog: &Program, entry: u64) -> Function {
    let _span = tracing::debug_span!("discover", entry = format_args!("{entry:#x}")).entered();
    // Pass 1: every reachable instruction, and the addresses that must start a block.
    let mut leaders: BTreeSet<u64> = BTreeSet::from([entry]);
    let mut seen: BTreeSet<u64> = BTreeSet::new();
    let mut undecodable = Vec::new();
    // Each work item carries the run that led to it, as context for `classify`.
    let mut work: Vec<(u64, Vec<u64>)> = vec![(entry, Vec::new())];
    // What `classify` said about each control-flow instruction, reused by pass 2.
    let mut steps: HashMap<u64, Step> = HashMap::new();
    while let Some((start, before)) = work.pop() {
        let mut addr = start;
        let mut run: Vec<u64> = before;
        loop {
            if !seen.insert(addr) {
                break;
            }
            let insn = match prog.insn(addr) {
                Ok(i) => i,
                Err(_) => {
                    undecodable.push(addr);
                    break;
                }
            };
            run.push(addr);
            if run.len() > CONTEXT {
                run.drain(..run.len() - CONTEXT);
            }
            let next = insn.next_addr();
            let step = classify(prog, entry, &insn, &run);
            match &step {
                Step::Next => {
                    addr = next;
                    continue;
                }
                Step::Jump(t) => {
                    leaders.insert(*t);
                    work.push((*t, run.clone()));
                }
                Step::Branch(t) => {
                    leaders.extend([*t, next]);
                    work.push((*t, run.clone()));
                    work.push((next, run.clone()));
                }
                Step::Call(target) => {
                    let returns = target.is_none_or(|t| prog.may_return(t));
                    if returns {
                        leaders.insert(next);
                        work.push((next, Vec::new()));
                    }
                }
                Step::Switch(targets) => {
                    for t in targets {
                        leaders.insert(*t);
                        work.push((*t, Vec::new()));
                    }
                }
                Step::Syscall { exits } => {
                    if !exits {
                        leaders.insert(next);
                        work.push((next, Vec::new()));
                    }
                }
                Step::TailCall(_) | Step::Return | Step::Unresolved | Step::Halt => {}
            }
            steps.insert(addr, step);
            break;
        }
    }
    // Pass 2: blocks from the leaders.
    let mut blocks = BTreeMap::new();
    let mut calls = Vec::new();
    let mut unresolved = Vec::new();
    let mut may_return = false;
    for &start in &leaders {
        if !seen.contains(&start) {
            continue;
        }
        let mut insns = Vec::new();
        let mut addr = start;
        let term = loop {
            let Ok(insn) = prog.insn(addr) else {
                break Terminator::Halt;
            };
            insns.push(addr);
            let next = insn.next_addr();
            let step = steps.remove(&addr).unwrap_or(Step::Next);
            let t = match step {
                Step::Next => {
                    if leaders.contains(&next) {
                        Some(Terminator::Fallthrough(next))
                    } else if !seen.contains(&next) {
                        Some(Terminator::Halt)
                    } else {
                        None
                    }
                }
                Step::Jump(t) => Some(Terminator::Jump(t)),
                Step::Branch(t) => Some(Terminator::Branch {
                    taken: t,
                    fallthrough: next,
                }),
                Step::Call(target) => {
                    let return_site = target.is_none_or(|t| prog.may_return(t)).then_some(next);
                    calls.push(CallSite {
                        at: addr,
                        target,
                        return_site,
                    });
                    Some(Terminator::Call {
                        target,
                        return_site,
                    })
                }
                Step::TailCall(target) => {
                    if target.is_none_or(|t| prog.may_return(t)) {
                        may_return = true;
                    }
                    Some(Terminator::TailCall { target })
                }
                Step::Return => {
                    may_return = true;
                    Some(Terminator::Return)
                }
                Step::Switch(targets) => Some(Terminator::Switch { targets }),
                Step::Unresolved => {
                    unresolved.push(addr);
                    Some(Terminator::Unresolved)
                }
                Step::Syscall { exits } => Some(Terminator::Syscall {
                    next: (!exits).then_some(next),
                }),
                Step::Halt => Some(Terminator::Halt),
            };
            match t {
                Some(t) => break t,
                None => addr = next,
            }
        };
        let end = insns
            .last()
            .and_then(|a| prog.insn(*a).ok())
            .map_or(start, |i| i.next_addr());
        blocks.insert(
            start,
            Block {
                start,
                end,
                insns,
                term,
            },
        );
    }
    // The block graph and its loop heads.
    let mut graph = DiGraph::new();
    let mut nodes = HashMap::new();
    for &start in blocks.keys() {
        nodes.insert(start, graph.add_node(start));
    }
    for b in blocks.values() {
        for s in b.term.successors() {
            if let (Some(&from), Some(&to)) = (nodes.get(&b.start), nodes.get(&s)) {
                graph.add_edge(from, to, ());
            }
        }
    }
    let mut loop_heads = BTreeSet::new();
    if let Some(&root) = nodes.get(&entry) {
        depth_first_search(&graph, Some(root), |event| {
            if let DfsEvent::BackEdge(_, to) = event {
                loop_heads.insert(graph[to]);
            }
        });
    }
    Function {
        entry,
        name: prog.function_name(entry).map(str::to_string),
        blocks,
        graph,
        nodes,
        loop_heads,
        calls,
        may_return,
        unresolved,
        undecodable,
    }
}
