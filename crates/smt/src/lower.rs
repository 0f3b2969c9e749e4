//! Lowering terms to Z3.
//!
//! Each term is lowered once (memoised by id) in an explicit post-order, so deep terms do not
//! exhaust the stack. A 1-bit term that is a comparison or a boolean connective is lowered to
//! a Z3 `Bool`; every other 1-bit term to a 1-bit vector; each view is derived from the other
//! on demand.

use rustc_hash::FxHashMap;
use tandem_ir::{BinOp, UnOp};
use tandem_symex::{FuncId, Node, TermId, TermPool, VarKind};
use z3::ast::{Array, BV, Bool, Dynamic};
use z3::{FuncDecl, Sort};

#[derive(Default)]
pub struct Lowering {
    bvs: FxHashMap<TermId, BV>,
    bools: FxHashMap<TermId, Bool>,
    arrays: FxHashMap<TermId, Array>,
    /// Memory variables, as functions from addresses to bytes rather than arrays: tandem
    /// never writes into a memory term (writes stay in its own log), so reading one is
    /// applying a function, which Z3's Ackermann reduction turns into plain bit-vectors.
    memories: FxHashMap<TermId, FuncDecl>,
    funcs: FxHashMap<FuncId, FuncDecl>,
    /// Uninterpreted stand-ins for floating-point operators, by operator and widths.
    float_ops: FxHashMap<String, FuncDecl>,
}

fn is_boolean_node(pool: &TermPool, t: TermId) -> bool {
    if pool.width(t) != 1 {
        return false;
    }
    match pool.node(t) {
        Node::Binary(op, a, _) => op.is_comparison() || pool.width(*a) == 1,
        Node::Unary(UnOp::Not, _) => true,
        Node::Ite(..) => true,
        _ => false,
    }
}

fn bv_const(width: u16, value: u128) -> BV {
    if width <= 64 {
        BV::from_u64(value as u64, u32::from(width))
    } else {
        BV::from_str(u32::from(width), &value.to_string())
            .unwrap_or_else(|| BV::from_u64(0, u32::from(width)))
    }
}

impl Lowering {
    pub fn boolean(&mut self, pool: &TermPool, t: TermId) -> Bool {
        self.ensure(pool, t);
        if let Some(b) = self.bools.get(&t) {
            return b.clone();
        }
        let v = self.bvs.get(&t).cloned().unwrap_or_else(|| bv_const(1, 0));
        let b = v.eq(bv_const(1, 1));
        self.bools.insert(t, b.clone());
        b
    }

    pub fn bv(&mut self, pool: &TermPool, t: TermId) -> BV {
        self.ensure(pool, t);
        if let Some(v) = self.bvs.get(&t) {
            return v.clone();
        }
        let b = self
            .bools
            .get(&t)
            .cloned()
            .unwrap_or_else(|| Bool::from_bool(false));
        let v = b.ite(&bv_const(1, 1), &bv_const(1, 0));
        self.bvs.insert(t, v.clone());
        v
    }

    fn array(&mut self, pool: &TermPool, t: TermId) -> Array {
        self.ensure(pool, t);
        if !self.arrays.contains_key(&t)
            && let Some(f) = self.memories.get(&t)
        {
            // A memory written into (no term does this today) is an array of its own, not
            // tied to the function: queries over both only lose constraints, so an `Unsat`
            // is still a proof.
            let a = Array::new_const(
                format!("{}[]", f.name()),
                &Sort::bitvector(64),
                &Sort::bitvector(8),
            );
            self.arrays.insert(t, a);
        }
        self.arrays
            .get(&t)
            .cloned()
            .unwrap_or_else(|| Array::new_const("?mem", &Sort::bitvector(64), &Sort::bitvector(8)))
    }

    fn done(&self, t: TermId) -> bool {
        self.bvs.contains_key(&t)
            || self.bools.contains_key(&t)
            || self.arrays.contains_key(&t)
            || self.memories.contains_key(&t)
    }

    /// Lowers `t` and every subterm not lowered yet, children first.
    fn ensure(&mut self, pool: &TermPool, t: TermId) {
        if self.done(t) {
            return;
        }
        let mut stack = vec![(t, false)];
        while let Some((x, expanded)) = stack.pop() {
            if self.done(x) {
                continue;
            }
            if expanded {
                self.lower_node(pool, x);
            } else {
                stack.push((x, true));
                for c in pool.children(x) {
                    if !self.done(c) {
                        stack.push((c, false));
                    }
                }
            }
        }
    }

    /// Applies the uninterpreted stand-in for a floating-point operator.
    fn float_op(&mut self, name: &str, args: &[&BV], widths: &[u16], ret: u16) -> BV {
        let key = format!("{name}{widths:?}{ret}");
        let decl = self.float_ops.entry(key.clone()).or_insert_with(|| {
            let sorts: Vec<Sort> = widths
                .iter()
                .map(|w| Sort::bitvector(u32::from(*w)))
                .collect();
            let refs: Vec<&Sort> = sorts.iter().collect();
            FuncDecl::new(key, &refs, &Sort::bitvector(u32::from(ret)))
        });
        let refs: Vec<&dyn z3::ast::Ast> = args.iter().map(|a| *a as &dyn z3::ast::Ast).collect();
        decl.apply(&refs)
            .as_bv()
            .unwrap_or_else(|| bv_const(ret, 0))
    }

    fn lower_node(&mut self, pool: &TermPool, t: TermId) {
        let w = pool.width(t);
        let node = pool.node(t).clone();
        if is_boolean_node(pool, t) {
            let b = self.lower_bool(pool, &node);
            self.bools.insert(t, b);
            return;
        }
        match node {
            Node::Var(v) => {
                let info = pool.var_info(v);
                let name = format!("{}!{}", info.name, v.0);
                if info.kind == VarKind::Memory {
                    let f = FuncDecl::new(name, &[&Sort::bitvector(64)], &Sort::bitvector(8));
                    self.memories.insert(t, f);
                } else {
                    self.bvs.insert(t, BV::new_const(name, u32::from(w)));
                }
            }
            Node::Store(m, a, v) => {
                let (m, a, v) = (self.array(pool, m), self.bv(pool, a), self.bv(pool, v));
                self.arrays.insert(t, m.store(&a, &v));
            }
            Node::Ite(c, a, b) if w == 0 => {
                let c = self.boolean(pool, c);
                let (a, b) = (self.array(pool, a), self.array(pool, b));
                self.arrays.insert(t, c.ite(&a, &b));
            }
            _ => {
                let v = self.lower_bv(pool, &node, w);
                self.bvs.insert(t, v);
            }
        }
    }

    fn lower_bool(&mut self, pool: &TermPool, node: &Node) -> Bool {
        match node {
            Node::Unary(UnOp::Not, a) => self.boolean(pool, *a).not(),
            Node::Ite(c, a, b) => {
                let c = self.boolean(pool, *c);
                let (a, b) = (self.boolean(pool, *a), self.boolean(pool, *b));
                c.ite(&a, &b)
            }
            Node::Binary(op, a, b)
                if pool.width(*a) == 1
                    && !matches!(op, BinOp::Ult | BinOp::Ule | BinOp::Slt | BinOp::Sle) =>
            {
                let (x, y) = (self.boolean(pool, *a), self.boolean(pool, *b));
                match op {
                    BinOp::And => Bool::and(&[x, y]),
                    BinOp::Or => Bool::or(&[x, y]),
                    BinOp::Xor | BinOp::Ne => x.xor(&y),
                    BinOp::Eq => x.iff(&y),
                    _ => {
                        let (xa, ya) = (self.bv(pool, *a), self.bv(pool, *b));
                        self.compare(*op, &xa, &ya)
                    }
                }
            }
            Node::Binary(op, a, b) => {
                let (x, y) = (self.bv(pool, *a), self.bv(pool, *b));
                self.compare(*op, &x, &y)
            }
            _ => Bool::from_bool(false),
        }
    }

    fn compare(&mut self, op: BinOp, x: &BV, y: &BV) -> Bool {
        match op {
            BinOp::Eq => x.eq(y),
            BinOp::Ne => x.eq(y).not(),
            BinOp::Ult => x.bvult(y),
            BinOp::Ule => x.bvule(y),
            BinOp::Slt => x.bvslt(y),
            BinOp::Sle => x.bvsle(y),
            BinOp::FEq(f) | BinOp::FLt(f) | BinOp::FLe(f) | BinOp::FUnordered(f) => {
                let w = f.width();
                let r = self.float_op(&format!("{op:?}"), &[x, y], &[w, w], 1);
                r.eq(bv_const(1, 1))
            }
            _ => Bool::from_bool(false),
        }
    }

    fn lower_bv(&mut self, pool: &TermPool, node: &Node, w: u16) -> BV {
        match node {
            Node::Const { width, value } => bv_const(*width, *value),
            Node::Unary(op, a) => {
                let aw = pool.width(*a);
                let x = self.bv(pool, *a);
                match op {
                    UnOp::Not => x.bvnot(),
                    UnOp::Neg => x.bvneg(),
                    UnOp::Popcount => {
                        let mut acc = bv_const(aw, 0);
                        for i in 0..u32::from(aw) {
                            acc = acc.bvadd(x.extract(i, i).zero_ext(u32::from(aw) - 1));
                        }
                        acc
                    }
                    UnOp::Clz | UnOp::Ctz => {
                        // Scan from the far end so the first set bit found wins.
                        let mut acc = bv_const(aw, u128::from(aw));
                        let bits: Vec<u32> = if *op == UnOp::Ctz {
                            (0..u32::from(aw)).rev().collect()
                        } else {
                            (0..u32::from(aw)).collect()
                        };
                        for i in bits {
                            let count = if *op == UnOp::Ctz {
                                i
                            } else {
                                u32::from(aw) - 1 - i
                            };
                            let set = x.extract(i, i).eq(bv_const(1, 1));
                            acc = set.ite(&bv_const(aw, u128::from(count)), &acc);
                        }
                        acc
                    }
                    other => self.float_op(&format!("{other:?}"), &[&x], &[aw], w),
                }
            }
            Node::Binary(op, a, b) => {
                let (x, y) = (self.bv(pool, *a), self.bv(pool, *b));
                match op {
                    BinOp::Add => x.bvadd(&y),
                    BinOp::Sub => x.bvsub(&y),
                    BinOp::Mul => x.bvmul(&y),
                    BinOp::UDiv => x.bvudiv(&y),
                    BinOp::SDiv => x.bvsdiv(&y),
                    BinOp::URem => x.bvurem(&y),
                    BinOp::SRem => x.bvsrem(&y),
                    BinOp::And => x.bvand(&y),
                    BinOp::Or => x.bvor(&y),
                    BinOp::Xor => x.bvxor(&y),
                    BinOp::Shl => x.bvshl(&y),
                    BinOp::LShr => x.bvlshr(&y),
                    BinOp::AShr => x.bvashr(&y),
                    BinOp::RotL | BinOp::RotR => {
                        // Z3's rotate by a term takes the amount modulo the width, as the IR.
                        if *op == BinOp::RotL {
                            x.bvrotl(&y)
                        } else {
                            x.bvrotr(&y)
                        }
                    }
                    other => self.float_op(&format!("{other:?}"), &[&x, &y], &[w, w], w),
                }
            }
            Node::Ite(c, a, b) => {
                let c = self.boolean(pool, *c);
                let (a, b) = (self.bv(pool, *a), self.bv(pool, *b));
                c.ite(&a, &b)
            }
            Node::Extract { lo, width, arg } => {
                let x = self.bv(pool, *arg);
                x.extract(u32::from(*lo + *width - 1), u32::from(*lo))
            }
            Node::Concat(h, l) => {
                let (h, l) = (self.bv(pool, *h), self.bv(pool, *l));
                h.concat(&l)
            }
            Node::ZeroExt { width, arg } => {
                let x = self.bv(pool, *arg);
                x.zero_ext(u32::from(*width - pool.width(*arg)))
            }
            Node::SignExt { width, arg } => {
                let x = self.bv(pool, *arg);
                x.sign_ext(u32::from(*width - pool.width(*arg)))
            }
            Node::App(f, args) => {
                let vals: Vec<BV> = args.iter().map(|a| self.bv(pool, *a)).collect();
                let decl = self.funcs.entry(*f).or_insert_with(|| {
                    let fd = pool.func(*f);
                    let sorts: Vec<Sort> = fd
                        .args
                        .iter()
                        .map(|w| Sort::bitvector(u32::from(*w)))
                        .collect();
                    let refs: Vec<&Sort> = sorts.iter().collect();
                    FuncDecl::new(fd.name.clone(), &refs, &Sort::bitvector(u32::from(fd.ret)))
                });
                let refs: Vec<&dyn z3::ast::Ast> =
                    vals.iter().map(|v| v as &dyn z3::ast::Ast).collect();
                let r: Dynamic = decl.apply(&refs);
                r.as_bv().unwrap_or_else(|| bv_const(w, 0))
            }
            Node::Select(m, a) => {
                let addr = self.bv(pool, *a);
                if let Some(f) = self.memories.get(m) {
                    return f.apply(&[&addr]).as_bv().unwrap_or_else(|| bv_const(8, 0));
                }
                let m = self.array(pool, *m);
                m.select(&addr).as_bv().unwrap_or_else(|| bv_const(8, 0))
            }
            Node::Var(_) | Node::Store(..) => bv_const(w.max(1), 0),
        }
    }
}
