//! Hash-consed terms: every distinct term exists once in a [`TermPool`] and is named by a
//! [`TermId`], so identical computations (in one binary or in both) are the same id and
//! equality of ids is equality of terms.
//!
//! Terms are bitvectors (width 1..=128; width 1 is the boolean type) or byte arrays
//! (memories, indexed by 64-bit addresses). Operators reuse the IR's, with the IR's exact
//! semantics (constant folding calls the interpreter's own operator functions).

use std::fmt;

use rustc_hash::FxHashMap;
use tandem_ir::{BinOp, UnOp};

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TermId(pub u32);

impl fmt::Debug for TermId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct VarId(pub u32);

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct FuncId(pub u32);

/// What a variable stands for; decides how it is shown and what a model value of it means.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum VarKind {
    /// An input of the program (a register at the entry, the stack base, data).
    Input,
    /// A value a verifier abstraction introduced (a loop-head generalisation).
    Abstract,
    /// An initial memory (an array variable).
    Memory,
}

#[derive(Clone, Debug)]
pub struct VarInfo {
    pub name: String,
    /// 0 for memories.
    pub width: u16,
    pub kind: VarKind,
}

/// An uninterpreted function: the same arguments give the same result, nothing else is known.
#[derive(Clone, Debug)]
pub struct FuncDecl {
    pub name: String,
    pub args: Vec<u16>,
    pub ret: u16,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Node {
    Const {
        width: u16,
        value: u128,
    },
    Var(VarId),
    Unary(UnOp, TermId),
    Binary(BinOp, TermId, TermId),
    Ite(TermId, TermId, TermId),
    Extract {
        lo: u16,
        width: u16,
        arg: TermId,
    },
    Concat(TermId, TermId),
    ZeroExt {
        width: u16,
        arg: TermId,
    },
    SignExt {
        width: u16,
        arg: TermId,
    },
    App(FuncId, Vec<TermId>),
    /// A memory with one byte replaced: `Store(mem, addr, byte)`.
    Store(TermId, TermId, TermId),
    /// One byte of a memory.
    Select(TermId, TermId),
}

/// Terms, variables and uninterpreted functions of one analysis.
#[derive(Default)]
pub struct TermPool {
    nodes: Vec<Node>,
    /// Width of each term (0 for memories).
    widths: Vec<u16>,
    index: FxHashMap<Node, TermId>,
    vars: Vec<VarInfo>,
    funcs: Vec<FuncDecl>,
    func_index: FxHashMap<String, FuncId>,
    pub(crate) linear_cache: FxHashMap<TermId, std::rc::Rc<crate::linear::Linear>>,
    /// Extracts already simplified: pushing an extract into both arms of an `ite` would
    /// otherwise visit a shared sub-term once per path to it.
    pub(crate) extract_cache: FxHashMap<(TermId, u16, u16), TermId>,
}

impl fmt::Debug for TermPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TermPool({} terms, {} vars)",
            self.nodes.len(),
            self.vars.len()
        )
    }
}

impl TermPool {
    pub fn new() -> TermPool {
        TermPool::default()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn node(&self, t: TermId) -> &Node {
        &self.nodes[t.0 as usize]
    }

    pub fn width(&self, t: TermId) -> u16 {
        self.widths[t.0 as usize]
    }

    pub fn var_info(&self, v: VarId) -> &VarInfo {
        &self.vars[v.0 as usize]
    }

    pub fn func(&self, f: FuncId) -> &FuncDecl {
        &self.funcs[f.0 as usize]
    }

    pub fn vars(&self) -> impl Iterator<Item = (VarId, &VarInfo)> {
        self.vars
            .iter()
            .enumerate()
            .map(|(i, v)| (VarId(i as u32), v))
    }

    /// Interns `node` of `width` without simplifying: constructors call this last.
    pub(crate) fn intern(&mut self, node: Node, width: u16) -> TermId {
        if let Some(&t) = self.index.get(&node) {
            return t;
        }
        let t = TermId(self.nodes.len() as u32);
        self.nodes.push(node.clone());
        self.widths.push(width);
        self.index.insert(node, t);
        t
    }

    /// A fresh variable (never equal to any other as a term).
    pub fn fresh_var(&mut self, name: impl Into<String>, width: u16, kind: VarKind) -> TermId {
        let v = VarId(self.vars.len() as u32);
        self.vars.push(VarInfo {
            name: name.into(),
            width,
            kind,
        });
        self.intern(Node::Var(v), width)
    }

    /// The uninterpreted function called `name` (declared on first use).
    pub fn func_decl(&mut self, name: &str, args: &[u16], ret: u16) -> FuncId {
        if let Some(&f) = self.func_index.get(name) {
            return f;
        }
        let f = FuncId(self.funcs.len() as u32);
        self.funcs.push(FuncDecl {
            name: name.to_string(),
            args: args.to_vec(),
            ret,
        });
        self.func_index.insert(name.to_string(), f);
        f
    }

    /// The uninterpreted function called `name`, if declared.
    pub fn func_by_name(&self, name: &str) -> Option<FuncId> {
        self.func_index.get(name).copied()
    }

    /// The term of a variable.
    pub fn var_term(&mut self, v: VarId) -> TermId {
        let w = self.vars[v.0 as usize].width;
        self.intern(Node::Var(v), w)
    }

    pub fn as_const(&self, t: TermId) -> Option<u128> {
        match self.node(t) {
            Node::Const { value, .. } => Some(*value),
            _ => None,
        }
    }

    pub fn is_true(&self, t: TermId) -> bool {
        self.as_const(t) == Some(1) && self.width(t) == 1
    }

    pub fn is_false(&self, t: TermId) -> bool {
        self.as_const(t) == Some(0) && self.width(t) == 1
    }

    /// The direct subterms of `t`.
    pub fn children(&self, t: TermId) -> Vec<TermId> {
        match self.node(t) {
            Node::Const { .. } | Node::Var(_) => vec![],
            Node::Unary(_, a)
            | Node::Extract { arg: a, .. }
            | Node::ZeroExt { arg: a, .. }
            | Node::SignExt { arg: a, .. } => vec![*a],
            Node::Binary(_, a, b) | Node::Concat(a, b) | Node::Select(a, b) => vec![*a, *b],
            Node::Ite(a, b, c) | Node::Store(a, b, c) => vec![*a, *b, *c],
            Node::App(_, args) => args.clone(),
        }
    }

    /// Whether `t` mentions the variable term `var`.
    pub fn mentions(&self, t: TermId, var: TermId) -> bool {
        let mut stack = vec![t];
        let mut seen = rustc_hash::FxHashSet::default();
        while let Some(x) = stack.pop() {
            if x == var {
                return true;
            }
            if seen.insert(x) {
                stack.extend(self.children(x));
            }
        }
        false
    }

    /// The conditions of the `ite`s in `t` (at most `max`), outermost first.
    pub fn ite_conditions(&self, t: TermId, max: usize) -> Vec<TermId> {
        let mut out = Vec::new();
        let mut stack = vec![t];
        let mut seen = rustc_hash::FxHashSet::default();
        while let Some(x) = stack.pop() {
            if out.len() >= max {
                break;
            }
            if !seen.insert(x) {
                continue;
            }
            if let Node::Ite(c, _, _) = self.node(x)
                && !out.contains(c)
            {
                out.push(*c);
            }
            stack.extend(self.children(x));
        }
        out
    }

    /// The variables `t` mentions, in first-seen order.
    pub fn free_vars(&self, t: TermId) -> Vec<TermId> {
        let mut out = Vec::new();
        let mut stack = vec![t];
        let mut seen = rustc_hash::FxHashSet::default();
        while let Some(x) = stack.pop() {
            if !seen.insert(x) {
                continue;
            }
            if let Node::Var(_) = self.node(x) {
                out.push(x);
            }
            stack.extend(self.children(x));
        }
        out
    }
}
