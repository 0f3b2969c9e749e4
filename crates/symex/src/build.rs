//! Smart constructors: every term is simplified as it is built, so equal values meet as
//! equal ids as often as possible before any solver is asked.
//!
//! Rules (all exact, for every value): constant folding with the IR interpreter's operator
//! semantics; linear normal form for `+ - * <<` by constants; algebraic identities
//! (`x ^ x = 0`, `x & 0 = 0`, `x | ~x = 1` on booleans, ...); bit-range algebra for
//! extract/concat/extensions (`x & 0xff` is `zext(x[7:0])`, `x >> 8` is `zext(x[63:8])`);
//! `ite` with known or repeated conditions; `select` through `store`s whose address differs
//! from it by a non-zero constant; known zero bits (`known_bits`): masks that clear nothing
//! vanish, an `or` of disjoint bit ranges is a sum, unsigned division and remainder run at the
//! width their operands really have.

use tandem_ir::interp::{binary_value, unary_value};
use tandem_ir::{BinOp, UnOp, mask};

use crate::known_bits::KNOWN_BITS_DEPTH;
use crate::linear::Linear;
use crate::term::{FuncId, Node, TermId, TermPool};

impl TermPool {
    pub fn c(&mut self, width: u16, value: u128) -> TermId {
        self.intern(
            Node::Const {
                width,
                value: value & mask(width),
            },
            width,
        )
    }

    pub fn tru(&mut self) -> TermId {
        self.c(1, 1)
    }

    pub fn fls(&mut self) -> TermId {
        self.c(1, 0)
    }

    pub fn bool(&mut self, b: bool) -> TermId {
        self.c(1, u128::from(b))
    }

    pub fn unary(&mut self, op: UnOp, a: TermId) -> TermId {
        let w = self.width(a);
        let out_w = match op {
            UnOp::FConvert { to, .. } | UnOp::IntToFloat(to) => to.width(),
            UnOp::FloatToInt { width, .. } => width,
            _ => w,
        };
        if let Some(x) = self.as_const(a)
            && let Some(v) = unary_value(op, w, x)
        {
            return self.c(out_w, v);
        }
        match op {
            UnOp::Neg => {
                let l = self.linear(a).neg();
                self.from_linear(&l)
            }
            UnOp::Not => {
                if let Node::Unary(UnOp::Not, inner) = self.node(a) {
                    return *inner;
                }
                self.intern(Node::Unary(op, a), w)
            }
            _ => self.intern(Node::Unary(op, a), out_w),
        }
    }

    pub fn not(&mut self, a: TermId) -> TermId {
        self.unary(UnOp::Not, a)
    }

    pub fn neg(&mut self, a: TermId) -> TermId {
        self.unary(UnOp::Neg, a)
    }

    pub fn binary(&mut self, op: BinOp, a: TermId, b: TermId) -> TermId {
        let w = self.width(a);
        debug_assert_eq!(w, self.width(b), "operand widths of {op:?}");
        let out_w = if op.is_comparison() { 1 } else { w };
        if let (Some(x), Some(y)) = (self.as_const(a), self.as_const(b))
            && let Some(v) = binary_value(op, w, x, y)
        {
            return self.c(out_w, v);
        }
        match op {
            BinOp::Add | BinOp::Sub => {
                let (la, lb) = (self.linear(a), self.linear(b));
                let l = if op == BinOp::Add {
                    la.add(&lb)
                } else {
                    la.sub(&lb)
                };
                let l = self.division_identity(l);
                self.from_linear(&l)
            }
            BinOp::Mul => match (self.as_const(a), self.as_const(b)) {
                (_, Some(k)) => {
                    let l = self.linear(a).scale(k);
                    self.from_linear(&l)
                }
                (Some(k), _) => {
                    let l = self.linear(b).scale(k);
                    self.from_linear(&l)
                }
                _ => {
                    let (a, b) = if b < a { (b, a) } else { (a, b) };
                    self.intern(Node::Binary(op, a, b), w)
                }
            },
            BinOp::Shl => match self.as_const(b) {
                Some(k) if k >= u128::from(w) => self.c(w, 0),
                Some(k) => {
                    let l = self.linear(a).scale(1u128 << k);
                    self.from_linear(&l)
                }
                None => self.intern(Node::Binary(op, a, b), w),
            },
            BinOp::LShr | BinOp::AShr => match self.as_const(b) {
                Some(0) => a,
                Some(k) if k >= u128::from(w) => {
                    if op == BinOp::LShr {
                        self.c(w, 0)
                    } else {
                        let sign = self.extract(a, w - 1, 1);
                        self.sext(sign, w)
                    }
                }
                Some(k) => {
                    let k = k as u16;
                    let hi = self.extract(a, k, w - k);
                    if op == BinOp::LShr {
                        self.zext(hi, w)
                    } else {
                        self.sext(hi, w)
                    }
                }
                None => self.intern(Node::Binary(op, a, b), w),
            },
            BinOp::And | BinOp::Or | BinOp::Xor => self.bitwise(op, a, b),
            BinOp::Eq => self.eq(a, b),
            BinOp::Ne => {
                let e = self.eq(a, b);
                self.not(e)
            }
            BinOp::Ult | BinOp::Slt | BinOp::Ule | BinOp::Sle => {
                if a == b {
                    return self.bool(matches!(op, BinOp::Ule | BinOp::Sle));
                }
                match (op, self.as_const(a), self.as_const(b)) {
                    (BinOp::Ult, _, Some(0)) => return self.fls(),
                    (BinOp::Ule, Some(0), _) => return self.tru(),
                    (BinOp::Ule, _, Some(m)) if m == mask(w) => return self.tru(),
                    (BinOp::Ult, Some(m), _) if m == mask(w) => return self.fls(),
                    _ => {}
                }
                // A value whose known high zero bits keep it below a constant (a zero-extended
                // byte against the kernel's largest count).
                let most = |pool: &TermPool, x: TermId| {
                    mask(w - pool.high_zeros(x, KNOWN_BITS_DEPTH).min(w))
                };
                match (op, self.as_const(a), self.as_const(b)) {
                    (BinOp::Ult, _, Some(k)) if most(self, a) < k => return self.tru(),
                    (BinOp::Ule, _, Some(k)) if most(self, a) <= k => return self.tru(),
                    (BinOp::Ult, Some(k), _) if most(self, b) <= k => return self.fls(),
                    (BinOp::Ule, Some(k), _) if most(self, b) < k => return self.fls(),
                    _ => {}
                }
                self.intern(Node::Binary(op, a, b), 1)
            }
            BinOp::UDiv | BinOp::URem => self.narrow_division(op, a, b),
            BinOp::RotL | BinOp::RotR if self.as_const(b) == Some(0) => a,
            _ => self.intern(Node::Binary(op, a, b), out_w),
        }
    }

    /// `a - (a / b) * b` is `a % b` (at every width, and for `b = 0` too, where the quotient
    /// is all ones and the remainder `a`): a sum holding `c * ((a / b) * b)` takes
    /// `c * (a - a % b)` instead when that leaves it fewer atoms. The quotient may be the
    /// narrowed form `narrow_division` builds.
    fn division_identity(&mut self, l: Linear) -> Linear {
        for &(atom, coef) in &l.terms {
            let Node::Binary(BinOp::Mul, x, y) = *self.node(atom) else {
                continue;
            };
            for (q, d) in [(x, y), (y, x)] {
                let Some((dividend, rem)) = self.quotient_times_divisor(q, d) else {
                    continue;
                };
                let w = l.width;
                let product = Linear {
                    width: w,
                    constant: 0,
                    terms: vec![(atom, 1)],
                };
                let (ld, lr) = (self.linear(dividend), self.linear(rem));
                let candidate = l.sub(&product.scale(coef)).add(&ld.sub(&lr).scale(coef));
                if candidate.terms.len() < l.terms.len() {
                    return candidate;
                }
            }
        }
        l
    }

    /// For `q * d` with `q` the quotient of a division by `d` (both possibly widened or
    /// truncated to `d`'s width, which keeps the identity: truncation is a ring morphism, and
    /// a widened product cannot carry since `(a / b) * b <= a`): the dividend and the
    /// remainder at `d`'s width.
    fn quotient_times_divisor(&mut self, q: TermId, d: TermId) -> Option<(TermId, TermId)> {
        let w = self.width(d);
        let q = match *self.node(q) {
            // By zero the product is zero whatever the quotient: `x == 0` implies `d == 0`
            // when `d` is `x` resized.
            Node::Ite(c, _, e) => {
                let Node::Binary(BinOp::Eq, x, y) = *self.node(c) else {
                    return None;
                };
                let x = match (self.as_const(x), self.as_const(y)) {
                    (_, Some(0)) => x,
                    (Some(0), _) => y,
                    _ => return None,
                };
                (self.resize(x, w) == d).then_some(e)?
            }
            _ => q,
        };
        let quotient = match *self.node(q) {
            Node::ZeroExt { arg, .. } | Node::Extract { arg, lo: 0, .. } => arg,
            _ => q,
        };
        let Node::Binary(BinOp::UDiv, a, b) = *self.node(quotient) else {
            return None;
        };
        if self.resize(b, w) != d {
            return None;
        }
        let rem = self.binary(BinOp::URem, a, b);
        Some((self.resize(a, w), self.resize(rem, w)))
    }

    /// `x` at `width` bits: its low bits, or zero-extended.
    fn resize(&mut self, x: TermId, width: u16) -> TermId {
        if self.width(x) > width {
            self.extract(x, 0, width)
        } else {
            self.zext(x, width)
        }
    }

    /// An unsigned division at the width its operands really have: `div r32` divides a
    /// 64-bit `edx:eax` whose top half is zero, and a 64-bit division is far harder for the
    /// solver than a narrow one.
    fn narrow_division(&mut self, op: BinOp, a: TermId, b: TermId) -> TermId {
        let w = self.width(a);
        let zeros = self
            .high_zeros(a, KNOWN_BITS_DEPTH)
            .min(self.high_zeros(b, KNOWN_BITS_DEPTH));
        let n = (w - zeros).max(1);
        if n >= w {
            return self.intern(Node::Binary(op, a, b), w);
        }
        let (an, bn) = (self.extract(a, 0, n), self.extract(b, 0, n));
        let narrow = self.binary(op, an, bn);
        let wide = self.zext(narrow, w);
        if op == BinOp::URem {
            return wide;
        }
        // Division by zero gives all ones at the operation's own width.
        let zero = self.c(w, 0);
        let by_zero = self.eq(b, zero);
        let ones = self.c(w, mask(w));
        self.ite(by_zero, ones, wide)
    }

    fn bitwise(&mut self, op: BinOp, a: TermId, b: TermId) -> TermId {
        let w = self.width(a);
        let ones = mask(w);
        // Canonical operand order: constants last, otherwise by id.
        let (a, b) = if self.as_const(a).is_some() || (self.as_const(b).is_none() && b < a) {
            (b, a)
        } else {
            (a, b)
        };
        let cb = self.as_const(b);
        let is_not_of = |pool: &TermPool, x: TermId, y: TermId| {
            matches!(pool.node(x), Node::Unary(UnOp::Not, i) if *i == y)
                || matches!(pool.node(y), Node::Unary(UnOp::Not, i) if *i == x)
        };
        match op {
            BinOp::And => {
                if a == b {
                    return a;
                }
                if cb == Some(0) || is_not_of(self, a, b) {
                    return self.c(w, 0);
                }
                if cb == Some(ones) {
                    return a;
                }
                // Clearing low bits that are known to be zero changes nothing (`and rsp, -16`
                // on an aligned stack pointer).
                if let Some(m) = cb
                    && m != 0
                {
                    let k = m.trailing_zeros().min(128) as u16;
                    let high = ones & !((1u128 << k) - 1);
                    if m == high && self.low_zeros(a, KNOWN_BITS_DEPTH) >= k {
                        return a;
                    }
                }
                // A mask of low bits is a zero-extended bit range.
                if let Some(m) = cb
                    && m != 0
                    && (m & (m + 1)) == 0
                {
                    let k = m.count_ones() as u16;
                    if self.high_zeros(a, KNOWN_BITS_DEPTH) >= w - k {
                        return a;
                    }
                    let low = self.extract(a, 0, k);
                    return self.zext(low, w);
                }
            }
            BinOp::Or => {
                if a == b {
                    return a;
                }
                if w == 1
                    && let Some(t) = self.or_equal(a, b).or_else(|| self.or_equal(b, a))
                {
                    return t;
                }
                if cb == Some(0) {
                    return a;
                }
                if cb == Some(ones) || is_not_of(self, a, b) {
                    return self.c(w, ones);
                }
                // Disjoint bit ranges joined by `or` are a sum: `b0 | b1 << 8` and
                // `b1 * 256 + b0` meet as one linear form.
                if w > 1 && self.bits_disjoint(a, b, KNOWN_BITS_DEPTH) {
                    return self.add(a, b);
                }
            }
            BinOp::Xor => {
                if a == b {
                    return self.c(w, 0);
                }
                // x ^ (x ^ y) = y: the sign flag cancels out of SF ^ OF.
                for (x, other) in [(a, b), (b, a)] {
                    if let Node::Binary(BinOp::Xor, p, q) = *self.node(other) {
                        if p == x {
                            return q;
                        }
                        if q == x {
                            return p;
                        }
                    }
                }
                if cb == Some(0) {
                    return a;
                }
                if cb == Some(ones) {
                    return self.not(a);
                }
            }
            _ => {}
        }
        self.intern(Node::Binary(op, a, b), w)
    }

    /// `eq | strict` as one non-strict comparison, when `eq` is `x == y` and `strict` is
    /// `x < y` (signed or unsigned), or `strict` is the sign bit of `x` and `eq` is `x == 0`
    /// (`test x, x; jle`).
    fn or_equal(&mut self, eq: TermId, strict: TermId) -> Option<TermId> {
        match *self.node(strict) {
            Node::Binary(op @ (BinOp::Slt | BinOp::Ult), x, y) => {
                let same = self.eq(x, y);
                (same == eq).then(|| {
                    let le = if op == BinOp::Slt {
                        BinOp::Sle
                    } else {
                        BinOp::Ule
                    };
                    self.binary(le, x, y)
                })
            }
            Node::Extract { lo, arg, .. } if lo + 1 == self.width(arg) => {
                let zero = self.c(self.width(arg), 0);
                let same = self.eq(arg, zero);
                (same == eq).then(|| self.binary(BinOp::Sle, arg, zero))
            }
            _ => None,
        }
    }

    fn eq(&mut self, a: TermId, b: TermId) -> TermId {
        if a == b {
            return self.tru();
        }
        let w = self.width(a);
        if w == 1 {
            // Boolean equality: x == 1 is x, x == 0 is !x.
            match (self.as_const(a), self.as_const(b)) {
                (_, Some(1)) => return a,
                (_, Some(0)) => return self.not(a),
                (Some(1), _) => return b,
                (Some(0), _) => return self.not(b),
                _ => {}
            }
        }
        // `ite(c, k1, e) == k` becomes `c ? k1 == k : e == k`, which folds: a value chosen
        // from a constant table compares as the condition that chose it.
        for (x, y) in [(a, b), (b, a)] {
            if self.as_const(y).is_none() {
                continue;
            }
            if let Node::Ite(c, t, e) = *self.node(x)
                && (self.as_const(t).is_some() || self.as_const(e).is_some())
            {
                let te = self.eq(t, y);
                let ee = self.eq(e, y);
                return self.ite(c, te, ee);
            }
        }
        let d = self.linear(a).sub(&self.linear(b));
        if d.is_constant() {
            return self.bool(d.constant == 0);
        }
        // x + c1 == y + c2 has the canonical form `lhs == const`, except two atoms with
        // opposite unit coefficients, which stay `x == y`.
        if d.constant == 0 && d.terms.len() == 2 {
            let (t0, c0) = d.terms[0];
            let (t1, c1) = d.terms[1];
            if c0 == 1 && c1 == mask(w) {
                return self.intern(Node::Binary(BinOp::Eq, t0, t1), 1);
            }
            if c1 == 1 && c0 == mask(w) {
                return self.intern(Node::Binary(BinOp::Eq, t0, t1), 1);
            }
        }
        let mut lhs = d.clone();
        lhs.constant = 0;
        let rhs_value = d.constant.wrapping_neg() & mask(w);
        let l = self.from_linear(&lhs);
        let r = self.c(w, rhs_value);
        self.intern(Node::Binary(BinOp::Eq, l, r), 1)
    }

    pub fn ite(&mut self, c: TermId, t: TermId, e: TermId) -> TermId {
        if t == e {
            return t;
        }
        match self.as_const(c) {
            Some(1) => return t,
            Some(0) => return e,
            _ => {}
        }
        let w = self.width(t);
        if w == 1 {
            match (self.as_const(t), self.as_const(e)) {
                (Some(1), Some(0)) => return c,
                (Some(0), Some(1)) => return self.not(c),
                (_, Some(0)) => return self.binary(BinOp::And, c, t),
                (Some(1), _) => return self.binary(BinOp::Or, c, e),
                _ => {}
            }
        }
        if let Node::Unary(UnOp::Not, inner) = self.node(c) {
            let inner = *inner;
            return self.ite(inner, e, t);
        }
        if let Node::Ite(c2, t2, _) = self.node(t)
            && *c2 == c
        {
            let t2 = *t2;
            return self.ite(c, t2, e);
        }
        if let Node::Ite(c2, _, e2) = self.node(e)
            && *c2 == c
        {
            let e2 = *e2;
            return self.ite(c, t, e2);
        }
        self.intern(Node::Ite(c, t, e), w)
    }

    pub fn extract(&mut self, a: TermId, lo: u16, width: u16) -> TermId {
        let w = self.width(a);
        if lo == 0 && width == w {
            return a;
        }
        if let Some(v) = self.as_const(a) {
            return self.c(width, v >> lo);
        }
        if let Some(t) = self.extract_cache.get(&(a, lo, width)) {
            return *t;
        }
        let t = self.extract_uncached(a, lo, width);
        self.extract_cache.insert((a, lo, width), t);
        t
    }

    fn extract_uncached(&mut self, a: TermId, lo: u16, width: u16) -> TermId {
        match self.node(a).clone() {
            Node::Extract { lo: l2, arg, .. } => return self.extract(arg, l2 + lo, width),
            Node::Concat(hi, low) => {
                let lw = self.width(low);
                if lo + width <= lw {
                    return self.extract(low, lo, width);
                }
                if lo >= lw {
                    return self.extract(hi, lo - lw, width);
                }
                let h = self.extract(hi, 0, lo + width - lw);
                let l = self.extract(low, lo, lw - lo);
                return self.concat(h, l);
            }
            Node::ZeroExt { arg, .. } => {
                let aw = self.width(arg);
                if lo + width <= aw {
                    return self.extract(arg, lo, width);
                }
                if lo >= aw {
                    return self.c(width, 0);
                }
                let part = self.extract(arg, lo, aw - lo);
                return self.zext(part, width);
            }
            Node::SignExt { arg, .. } => {
                let aw = self.width(arg);
                if lo + width <= aw {
                    return self.extract(arg, lo, width);
                }
                if lo < aw {
                    let part = self.extract(arg, lo, aw - lo);
                    return self.sext(part, width);
                }
            }
            // The low bits of a sum, product or bitwise operation depend only on the low bits
            // of the operands; bitwise operations work on any bit range.
            Node::Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul), x, y) if lo == 0 => {
                let (xl, yl) = (self.extract(x, 0, width), self.extract(y, 0, width));
                return self.binary(op, xl, yl);
            }
            // A sum of disjoint bit ranges is their `or`.
            Node::Binary(BinOp::Add, x, y) if self.bits_disjoint(x, y, KNOWN_BITS_DEPTH) => {
                let (xl, yl) = (self.extract(x, lo, width), self.extract(y, lo, width));
                return self.binary(BinOp::Or, xl, yl);
            }
            // A product by 2^k is a shift.
            Node::Binary(BinOp::Mul, x, k)
                if self.as_const(k).is_some_and(|k| k.is_power_of_two()) =>
            {
                let k = self.as_const(k).map_or(0, |k| k.trailing_zeros() as u16);
                if lo >= k {
                    return self.extract(x, lo - k, width);
                }
                if lo + width <= k {
                    return self.c(width, 0);
                }
                let part = self.extract(x, 0, lo + width - k);
                let zeros = self.c(k - lo, 0);
                return self.concat(part, zeros);
            }
            Node::Binary(op @ (BinOp::And | BinOp::Or | BinOp::Xor), x, y) => {
                let (xl, yl) = (self.extract(x, lo, width), self.extract(y, lo, width));
                return self.binary(op, xl, yl);
            }
            Node::Unary(UnOp::Not, x) => {
                let xl = self.extract(x, lo, width);
                return self.not(xl);
            }
            Node::Unary(UnOp::Neg, x) if lo == 0 => {
                let xl = self.extract(x, 0, width);
                return self.neg(xl);
            }
            Node::Ite(c, t, e) => {
                let (tl, el) = (self.extract(t, lo, width), self.extract(e, lo, width));
                return self.ite(c, tl, el);
            }
            _ => {}
        }
        self.intern(Node::Extract { lo, width, arg: a }, width)
    }

    pub fn concat(&mut self, hi: TermId, lo: TermId) -> TermId {
        let (hw, lw) = (self.width(hi), self.width(lo));
        let w = hw + lw;
        if let (Some(h), Some(l)) = (self.as_const(hi), self.as_const(lo)) {
            return self.c(w, (h << lw) | l);
        }
        if self.as_const(hi) == Some(0) {
            return self.zext(lo, w);
        }
        // Adjacent bit ranges of one term join.
        if let (
            Node::Extract { lo: a, arg: x, .. },
            Node::Extract {
                lo: b,
                width: bw,
                arg: y,
            },
        ) = (self.node(hi).clone(), self.node(lo).clone())
            && x == y
            && b + bw == a
        {
            return self.extract(x, b, w);
        }
        self.intern(Node::Concat(hi, lo), w)
    }

    pub fn zext(&mut self, a: TermId, width: u16) -> TermId {
        let w = self.width(a);
        if width == w {
            return a;
        }
        if let Some(v) = self.as_const(a) {
            return self.c(width, v);
        }
        if let Node::ZeroExt { arg, .. } = self.node(a) {
            let arg = *arg;
            return self.zext(arg, width);
        }
        if let Some(sum) = self.zext_of_sum(a, width) {
            return sum;
        }
        self.intern(Node::ZeroExt { width, arg: a }, width)
    }

    /// A sum that cannot carry out of its width (every atom's known high zero bits leave room
    /// for its coefficient and the others) widens atom by atom: `zext(b0 + 256 * b1)` of two
    /// zero-extended bytes is `zext(b0) + 256 * zext(b1)`, which lines up with the same sum
    /// built at the wider width.
    fn zext_of_sum(&mut self, a: TermId, width: u16) -> Option<TermId> {
        const MAX_ATOMS: usize = 8;
        let l = self.linear(a);
        if l.terms.len() < 2 || l.terms.len() > MAX_ATOMS || l.width > 64 {
            return None;
        }
        let w = l.width;
        let mut most = l.constant;
        for &(atom, coef) in &l.terms {
            let bits = w - self.high_zeros(atom, KNOWN_BITS_DEPTH).min(w);
            let top = (1u128 << bits) - 1;
            most = most.checked_add(top.checked_mul(coef)?)?;
        }
        if most > mask(w) {
            return None;
        }
        let mut wide = Linear::constant(width, l.constant);
        for &(atom, coef) in &l.terms {
            let z = self.zext(atom, width);
            wide = wide.add(&self.linear(z).scale(coef));
        }
        Some(self.from_linear(&wide))
    }

    pub fn sext(&mut self, a: TermId, width: u16) -> TermId {
        let w = self.width(a);
        if width == w {
            return a;
        }
        if let Some(v) = self.as_const(a) {
            let shift = 128 - u32::from(w);
            let s = (((v << shift) as i128) >> shift) as u128;
            return self.c(width, s);
        }
        match self.node(a).clone() {
            Node::SignExt { arg, .. } => return self.sext(arg, width),
            Node::ZeroExt { arg, width: zw } if zw > self.width(arg) => {
                // The sign bit of a proper zero-extension is 0.
                return self.zext(arg, width);
            }
            _ => {}
        }
        self.intern(Node::SignExt { width, arg: a }, width)
    }

    pub fn app(&mut self, f: FuncId, args: Vec<TermId>) -> TermId {
        let w = self.func(f).ret;
        self.intern(Node::App(f, args), w)
    }

    /// One byte of memory `mem` at `addr`, looking through stores at provably different
    /// addresses.
    pub fn select(&mut self, mem: TermId, addr: TermId) -> TermId {
        let mut m = mem;
        loop {
            match self.node(m).clone() {
                Node::Store(inner, a, v) => match self.const_diff(addr, a) {
                    Some(0) => return v,
                    Some(_) => m = inner,
                    None => break,
                },
                Node::Ite(c, t, e) => {
                    let (st, se) = (self.select(t, addr), self.select(e, addr));
                    return self.ite(c, st, se);
                }
                _ => break,
            }
        }
        self.intern(Node::Select(m, addr), 8)
    }

    pub fn store(&mut self, mem: TermId, addr: TermId, byte: TermId) -> TermId {
        self.intern(Node::Store(mem, addr, byte), 0)
    }

    // ---- conveniences ----

    pub fn add(&mut self, a: TermId, b: TermId) -> TermId {
        self.binary(BinOp::Add, a, b)
    }

    pub fn sub(&mut self, a: TermId, b: TermId) -> TermId {
        self.binary(BinOp::Sub, a, b)
    }

    pub fn and(&mut self, a: TermId, b: TermId) -> TermId {
        self.binary(BinOp::And, a, b)
    }

    pub fn or(&mut self, a: TermId, b: TermId) -> TermId {
        self.binary(BinOp::Or, a, b)
    }

    pub fn eq_(&mut self, a: TermId, b: TermId) -> TermId {
        self.binary(BinOp::Eq, a, b)
    }

    pub fn ult(&mut self, a: TermId, b: TermId) -> TermId {
        self.binary(BinOp::Ult, a, b)
    }

    pub fn add_const(&mut self, a: TermId, k: u128) -> TermId {
        let w = self.width(a);
        let c = self.c(w, k);
        self.add(a, c)
    }

    /// Conjunction of several booleans; false when one is the negation of another (two paths
    /// that took opposite sides of one branch).
    pub fn all(&mut self, items: impl IntoIterator<Item = TermId>) -> TermId {
        let items: Vec<TermId> = items.into_iter().collect();
        let seen: rustc_hash::FxHashSet<TermId> = items.iter().copied().collect();
        let mut acc = self.tru();
        for &t in &items {
            let negated = self.not(t);
            if seen.contains(&negated) {
                return self.fls();
            }
            acc = self.and(acc, t);
        }
        acc
    }

    /// Disjunction of several booleans.
    pub fn any(&mut self, items: impl IntoIterator<Item = TermId>) -> TermId {
        let mut acc = self.fls();
        for t in items {
            acc = self.or(acc, t);
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use rustc_hash::FxHashMap;
    use tandem_ir::BinOp;

    use crate::term::{Node, TermPool, VarKind};

    /// Two paths that took opposite sides of one branch cannot both hold.
    #[test]
    fn a_conjunction_with_a_condition_and_its_negation_is_false() {
        let mut pool = TermPool::new();
        let n = pool.fresh_var("n", 64, VarKind::Input);
        let (three, five) = (pool.c(64, 3), pool.c(64, 5));
        let below_three = pool.ult(n, three);
        let below_five = pool.ult(n, five);
        let not_below_three = pool.not(below_three);
        let opposite = pool.all([below_five, below_three, not_below_three]);
        assert!(pool.is_false(opposite));
        let compatible = pool.all([below_five, not_below_three]);
        assert!(!pool.is_false(compatible));
    }

    #[test]
    fn comparing_a_table_entry_with_a_constant_gives_the_index_condition() {
        let mut pool = TermPool::new();
        let i = pool.fresh_var("i", 64, VarKind::Input);
        let other = pool.fresh_var("other", 64, VarKind::Input);
        let (k0, k8) = (pool.c(64, 0), pool.c(64, 8));
        let (a, b) = (pool.c(64, 0x401030), pool.c(64, 0x401040));
        // i == 0 ? A : (i == 8 ? B : other)
        let (at0, at8) = (pool.eq_(i, k0), pool.eq_(i, k8));
        let rest = pool.ite(at8, b, other);
        let entry = pool.ite(at0, a, rest);
        let is_b = pool.eq_(entry, b);
        assert!(
            !matches!(pool.node(is_b), Node::Binary(BinOp::Eq, x, _) if *x == entry),
            "the table stays whole: {}",
            pool.show(is_b, 8)
        );
        for (iv, ov, want) in [
            (0, 0x401040, false),
            (8, 0x999, true),
            (16, 0x401040, true),
            (16, 0x999, false),
        ] {
            let mut sigma = FxHashMap::default();
            sigma.insert(i, pool.c(64, iv));
            sigma.insert(other, pool.c(64, ov));
            let v = pool.substitute_all(is_b, &sigma);
            assert_eq!(
                pool.as_const(v),
                Some(u128::from(want)),
                "i = {iv}, other = {ov:#x}"
            );
        }
    }
}
