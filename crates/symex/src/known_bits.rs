//! Bits of a term known to be zero without a solver: how many at the bottom and at the top.
//! The simplifier uses them to drop masks that change nothing, to see that an `or` of
//! disjoint bit ranges is a sum, and to divide at the width the operands really have.

use tandem_ir::{BinOp, UnOp};

use crate::term::{Node, TermId, TermPool};

/// How deep the known-bits walks look; the simplifier calls them on every build.
pub(crate) const KNOWN_BITS_DEPTH: u32 = 8;

impl TermPool {
    /// How many low bits of `t` are known to be zero (looking `depth` levels down).
    pub fn low_zeros(&self, t: TermId, depth: u32) -> u16 {
        let w = self.width(t);
        if depth == 0 {
            return 0;
        }
        let r = match self.node(t) {
            Node::Const { value, .. } => {
                if *value == 0 {
                    w
                } else {
                    value.trailing_zeros() as u16
                }
            }
            Node::Concat(h, l) => {
                let lw = self.width(*l);
                let lz = self.low_zeros(*l, depth - 1);
                if lz >= lw {
                    lw + self.low_zeros(*h, depth - 1)
                } else {
                    lz
                }
            }
            Node::ZeroExt { arg, .. } | Node::SignExt { arg, .. } => {
                self.low_zeros(*arg, depth - 1)
            }
            Node::Binary(BinOp::Mul, a, b) => {
                self.low_zeros(*a, depth - 1) + self.low_zeros(*b, depth - 1)
            }
            Node::Binary(BinOp::Add | BinOp::Sub | BinOp::Or | BinOp::Xor, a, b) => self
                .low_zeros(*a, depth - 1)
                .min(self.low_zeros(*b, depth - 1)),
            Node::Binary(BinOp::And, a, b) => self
                .low_zeros(*a, depth - 1)
                .max(self.low_zeros(*b, depth - 1)),
            Node::Binary(BinOp::Shl, a, b) => match self.as_const(*b) {
                Some(k) => self
                    .low_zeros(*a, depth - 1)
                    .saturating_add(k.min(128) as u16),
                None => 0,
            },
            Node::Unary(UnOp::Neg, a) => self.low_zeros(*a, depth - 1),
            Node::Extract { lo, arg, .. } => self.low_zeros(*arg, depth - 1).saturating_sub(*lo),
            Node::Ite(_, a, b) => self
                .low_zeros(*a, depth - 1)
                .min(self.low_zeros(*b, depth - 1)),
            _ => 0,
        };
        r.min(w)
    }

    /// How many high bits of `t` are known to be zero (looking `depth` levels down).
    pub fn high_zeros(&self, t: TermId, depth: u32) -> u16 {
        let w = self.width(t);
        if depth == 0 {
            return 0;
        }
        let bits_of = |pool: &TermPool, x: TermId| pool.width(x) - pool.high_zeros(x, depth - 1);
        let r = match self.node(t) {
            Node::Const { value, .. } => {
                if *value == 0 {
                    w
                } else {
                    (value.leading_zeros() as u16).saturating_sub(128 - w)
                }
            }
            Node::ZeroExt { arg, .. } => (w - self.width(*arg)) + self.high_zeros(*arg, depth - 1),
            Node::Concat(h, l) => {
                let hw = self.width(*h);
                let hz = self.high_zeros(*h, depth - 1);
                if hz >= hw {
                    hw + self.high_zeros(*l, depth - 1)
                } else {
                    hz
                }
            }
            Node::Extract { lo, width, arg } => {
                let above = self.width(*arg) - lo - width;
                self.high_zeros(*arg, depth - 1).saturating_sub(above)
            }
            Node::Binary(BinOp::And, a, b) => self
                .high_zeros(*a, depth - 1)
                .max(self.high_zeros(*b, depth - 1)),
            Node::Binary(BinOp::Or | BinOp::Xor, a, b) => self
                .high_zeros(*a, depth - 1)
                .min(self.high_zeros(*b, depth - 1)),
            Node::Ite(_, a, b) => self
                .high_zeros(*a, depth - 1)
                .min(self.high_zeros(*b, depth - 1)),
            Node::Binary(BinOp::LShr, a, b) => match self.as_const(*b) {
                Some(k) => self
                    .high_zeros(*a, depth - 1)
                    .saturating_add(k.min(128) as u16),
                None => self.high_zeros(*a, depth - 1),
            },
            Node::Binary(BinOp::Shl, a, b) => match self.as_const(*b) {
                Some(k) => self
                    .high_zeros(*a, depth - 1)
                    .saturating_sub(k.min(128) as u16),
                None => 0,
            },
            // `x / 0` is all ones; `x % y` is at most `x`, also for `y == 0`.
            Node::Binary(BinOp::UDiv, a, b) if self.as_const(*b).is_some_and(|c| c != 0) => {
                self.high_zeros(*a, depth - 1)
            }
            Node::Binary(BinOp::URem, a, _) => self.high_zeros(*a, depth - 1),
            // A sum of disjoint bit ranges carries nowhere; otherwise it may carry once.
            Node::Binary(BinOp::Add, a, b) => {
                let (ta, tb) = (bits_of(self, *a), bits_of(self, *b));
                let disjoint =
                    ta <= self.low_zeros(*b, depth - 1) || tb <= self.low_zeros(*a, depth - 1);
                w.saturating_sub(ta.max(tb) + u16::from(!disjoint))
            }
            // x * c < 2^bits(x) * c, so a constant factor adds ceil(log2 c) bits.
            Node::Binary(BinOp::Mul, a, b) => {
                let factor_bits = |x: TermId| match self.as_const(x) {
                    Some(c) if c > 0 => 128 - (c - 1).leading_zeros() as u16,
                    _ => bits_of(self, x),
                };
                w.saturating_sub(factor_bits(*a) + factor_bits(*b))
            }
            _ => 0,
        };
        r.min(w)
    }

    /// Whether no bit can be set in both `a` and `b` (so `a | b == a + b == a ^ b`).
    pub fn bits_disjoint(&self, a: TermId, b: TermId, depth: u32) -> bool {
        let w = self.width(a);
        let top = |pool: &TermPool, x: TermId| w - pool.high_zeros(x, depth);
        top(self, a) <= self.low_zeros(b, depth) || top(self, b) <= self.low_zeros(a, depth)
    }
}
