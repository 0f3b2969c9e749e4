//! Linear normal form of additive terms: `c0 + c1*t1 + ... + cn*tn` (modulo 2^width) with
//! the atoms `ti` sorted. Sums, differences, negations, multiplications and left shifts by
//! constants all land in this form, so `(rsp - 0x48) + i` and `(i + rsp) - 0x48` are one term,
//! and `x << 3` is `x * 8`.

use std::rc::Rc;

use tandem_ir::{BinOp, UnOp, mask};

use crate::term::{Node, TermId, TermPool};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Linear {
    pub width: u16,
    pub constant: u128,
    /// Atoms with non-zero coefficients, sorted by id.
    pub terms: Vec<(TermId, u128)>,
}

impl Linear {
    pub fn constant(width: u16, c: u128) -> Linear {
        Linear {
            width,
            constant: c & mask(width),
            terms: Vec::new(),
        }
    }

    pub fn is_constant(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn scale(&self, k: u128) -> Linear {
        let m = mask(self.width);
        Linear {
            width: self.width,
            constant: self.constant.wrapping_mul(k) & m,
            terms: self
                .terms
                .iter()
                .map(|(t, c)| (*t, c.wrapping_mul(k) & m))
                .filter(|(_, c)| *c != 0)
                .collect(),
        }
    }

    pub fn add(&self, other: &Linear) -> Linear {
        let m = mask(self.width);
        let mut terms: Vec<(TermId, u128)> =
            Vec::with_capacity(self.terms.len() + other.terms.len());
        let (mut i, mut j) = (0, 0);
        while i < self.terms.len() || j < other.terms.len() {
            let take_left = j >= other.terms.len()
                || (i < self.terms.len() && self.terms[i].0 < other.terms[j].0);
            let take_right = i >= self.terms.len()
                || (j < other.terms.len() && other.terms[j].0 < self.terms[i].0);
            if take_left {
                terms.push(self.terms[i]);
                i += 1;
            } else if take_right {
                terms.push(other.terms[j]);
                j += 1;
            } else {
                let c = (self.terms[i].1.wrapping_add(other.terms[j].1)) & m;
                if c != 0 {
                    terms.push((self.terms[i].0, c));
                }
                i += 1;
                j += 1;
            }
        }
        Linear {
            width: self.width,
            constant: self.constant.wrapping_add(other.constant) & m,
            terms,
        }
    }

    pub fn neg(&self) -> Linear {
        self.scale(u128::MAX)
    }

    pub fn sub(&self, other: &Linear) -> Linear {
        self.add(&other.neg())
    }
}

impl TermPool {
    /// The linear form of `t` (cached).
    pub fn linear(&mut self, t: TermId) -> Rc<Linear> {
        if let Some(l) = self.linear_cache.get(&t) {
            return l.clone();
        }
        let w = self.width(t);
        let lin = match self.node(t).clone() {
            Node::Const { value, .. } => Linear::constant(w, value),
            Node::Binary(BinOp::Add, a, b) => {
                let (la, lb) = (self.linear(a), self.linear(b));
                la.add(&lb)
            }
            Node::Binary(BinOp::Sub, a, b) => {
                let (la, lb) = (self.linear(a), self.linear(b));
                la.sub(&lb)
            }
            Node::Unary(UnOp::Neg, a) => self.linear(a).neg(),
            Node::Binary(BinOp::Mul, a, b) => match (self.as_const(a), self.as_const(b)) {
                (_, Some(k)) => self.linear(a).scale(k),
                (Some(k), _) => self.linear(b).scale(k),
                _ => atom(w, t),
            },
            Node::Binary(BinOp::Shl, a, b) => match self.as_const(b) {
                Some(k) if k < u128::from(w) => self.linear(a).scale(1u128 << k),
                _ => atom(w, t),
            },
            _ => atom(w, t),
        };
        let lin = Rc::new(lin);
        self.linear_cache.insert(t, lin.clone());
        lin
    }

    /// Builds the canonical term of a linear form.
    pub fn from_linear(&mut self, l: &Linear) -> TermId {
        let w = l.width;
        let mut acc: Option<TermId> = None;
        for &(atom, coef) in &l.terms {
            let term = if coef == 1 {
                atom
            } else {
                let k = self.intern(
                    Node::Const {
                        width: w,
                        value: coef,
                    },
                    w,
                );
                self.intern(Node::Binary(BinOp::Mul, atom, k), w)
            };
            acc = Some(match acc {
                None => term,
                Some(a) => self.intern(Node::Binary(BinOp::Add, a, term), w),
            });
        }
        let c = self.intern(
            Node::Const {
                width: w,
                value: l.constant,
            },
            w,
        );
        match acc {
            None => c,
            Some(a) if l.constant == 0 => a,
            Some(a) => self.intern(Node::Binary(BinOp::Add, a, c), w),
        }
    }

    /// `a - b` when it is a constant.
    pub fn const_diff(&mut self, a: TermId, b: TermId) -> Option<u128> {
        if a == b {
            return Some(0);
        }
        let d = self.linear(a).sub(&self.linear(b));
        d.is_constant().then_some(d.constant)
    }
}

fn atom(w: u16, t: TermId) -> Linear {
    Linear {
        width: w,
        constant: 0,
        terms: vec![(t, 1)],
    }
}
