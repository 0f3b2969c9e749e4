//! Substitution of terms for variables, with the result simplified by the constructors.

use rustc_hash::FxHashMap;

use crate::term::{Node, TermId, TermPool};

impl TermPool {
    /// `t` with `var` replaced by `by`.
    pub fn substitute(&mut self, t: TermId, var: TermId, by: TermId) -> TermId {
        let mut map = FxHashMap::default();
        map.insert(var, by);
        self.substitute_all(t, &map)
    }

    /// `t` with each condition in `decided` replaced by its value (equal to `t` wherever the
    /// conditions have those values).
    pub fn substitute_conditions(&mut self, t: TermId, decided: &[(TermId, bool)]) -> TermId {
        let mut map = FxHashMap::default();
        for &(c, v) in decided {
            map.insert(c, self.bool(v));
        }
        self.substitute_all(t, &map)
    }

    /// `t` with every variable in `map` replaced.
    pub fn substitute_all(&mut self, t: TermId, map: &FxHashMap<TermId, TermId>) -> TermId {
        let mut memo: FxHashMap<TermId, TermId> = FxHashMap::default();
        self.subst_rec(t, map, &mut memo)
    }

    fn subst_rec(
        &mut self,
        t: TermId,
        map: &FxHashMap<TermId, TermId>,
        memo: &mut FxHashMap<TermId, TermId>,
    ) -> TermId {
        if let Some(&r) = map.get(&t) {
            return r;
        }
        if let Some(&r) = memo.get(&t) {
            return r;
        }
        let node = self.node(t).clone();
        let r = match node {
            Node::Const { .. } | Node::Var(_) => t,
            Node::Unary(op, a) => {
                let a = self.subst_rec(a, map, memo);
                self.unary(op, a)
            }
            Node::Binary(op, a, b) => {
                let a = self.subst_rec(a, map, memo);
                let b = self.subst_rec(b, map, memo);
                self.binary(op, a, b)
            }
            Node::Ite(c, a, b) => {
                let c = self.subst_rec(c, map, memo);
                let a = self.subst_rec(a, map, memo);
                let b = self.subst_rec(b, map, memo);
                self.ite(c, a, b)
            }
            Node::Extract { lo, width, arg } => {
                let a = self.subst_rec(arg, map, memo);
                self.extract(a, lo, width)
            }
            Node::Concat(h, l) => {
                let h = self.subst_rec(h, map, memo);
                let l = self.subst_rec(l, map, memo);
                self.concat(h, l)
            }
            Node::ZeroExt { width, arg } => {
                let a = self.subst_rec(arg, map, memo);
                self.zext(a, width)
            }
            Node::SignExt { width, arg } => {
                let a = self.subst_rec(arg, map, memo);
                self.sext(a, width)
            }
            Node::App(f, args) => {
                let args = args
                    .into_iter()
                    .map(|a| self.subst_rec(a, map, memo))
                    .collect();
                self.app(f, args)
            }
            Node::Store(m, a, v) => {
                let m = self.subst_rec(m, map, memo);
                let a = self.subst_rec(a, map, memo);
                let v = self.subst_rec(v, map, memo);
                self.store(m, a, v)
            }
            Node::Select(m, a) => {
                let m = self.subst_rec(m, map, memo);
                let a = self.subst_rec(a, map, memo);
                self.select(m, a)
            }
        };
        memo.insert(t, r);
        r
    }
}
