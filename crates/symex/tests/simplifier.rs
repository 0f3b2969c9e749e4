//! The simplifying constructors must not change any value: a random term built over
//! variables, then given random values, must fold to what the IR interpreter computes for
//! the same expression.

mod common;

use common::{E, VARS, W, build, eval, expr, value};
use proptest::prelude::*;
use rustc_hash::FxHashMap;
use tandem_ir::BinOp;
use tandem_symex::{TermId, TermPool, VarKind};

/// `e` built with the simplifying constructors, then with `values` substituted for its
/// variables, folds to what the interpreter computes.
fn keeps_its_value(e: &E, values: Vec<u32>) -> Result<(), TestCaseError> {
    let mut pool = TermPool::new();
    let vars: Vec<TermId> = (0..VARS)
        .map(|i| pool.fresh_var(format!("v{i}"), W, VarKind::Input))
        .collect();
    let t = build(&mut pool, &vars, e);
    let values: Vec<u128> = values.into_iter().map(u128::from).collect();
    let mut sigma = FxHashMap::default();
    for (v, x) in vars.iter().zip(&values) {
        sigma.insert(*v, pool.c(W, *x));
    }
    let folded = pool.substitute_all(t, &sigma);
    prop_assert_eq!(
        pool.as_const(folded),
        Some(eval(&values, e)),
        "{} with {:?}",
        pool.show(t, 12),
        values
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 10000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn simplified_terms_keep_their_value(e in expr(), values in prop::collection::vec(value(), VARS)) {
        keeps_its_value(&e, values)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 3000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// `c + (a - (a / b) * b)`: a remainder computed by hand, which the simplifier folds
    /// into `a % b` (also where `a` and `b` are narrow or `b` is zero).
    #[test]
    fn remainders_computed_by_hand_keep_their_value(
        a in expr(),
        b in expr(),
        c in expr(),
        values in prop::collection::vec(value(), VARS),
    ) {
        let (a, b) = (Box::new(a), Box::new(b));
        let quotient = Box::new(E::Bin(BinOp::UDiv, a.clone(), b.clone()));
        let product = Box::new(E::Bin(BinOp::Mul, quotient, b));
        let by_hand = Box::new(E::Bin(BinOp::Sub, a, product));
        let e = E::Bin(BinOp::Add, Box::new(c), by_hand);
        keeps_its_value(&e, values)?;
    }
}

/// The remainder a patched helper computes as `a - (a / b) * b` is the same term as the
/// original's `a % b`, for full-width operands and for a 16-bit total over an 8-bit divisor
/// (the division then runs at 16 bits, its quotient widened or truncated around it).
#[test]
fn a_remainder_computed_by_hand_is_the_remainder() {
    let mut pool = TermPool::new();
    let (a, b) = (
        pool.fresh_var("a", W, VarKind::Input),
        pool.fresh_var("b", W, VarKind::Input),
    );
    let by_hand = |pool: &mut TermPool, a: TermId, b: TermId| {
        let q = pool.binary(BinOp::UDiv, a, b);
        let qb = pool.binary(BinOp::Mul, q, b);
        pool.sub(a, qb)
    };
    let r = pool.binary(BinOp::URem, a, b);
    assert_eq!(by_hand(&mut pool, a, b), r);

    let lo = pool.extract(a, 0, 8);
    let hi = pool.extract(a, 8, 8);
    let (lo, hi) = (pool.zext(lo, W), pool.zext(hi, W));
    let k = pool.c(W, 256);
    let hi = pool.binary(BinOp::Mul, hi, k);
    let total = pool.add(lo, hi);
    let d = pool.extract(b, 0, 8);
    let d = pool.zext(d, W);
    let r = pool.binary(BinOp::URem, total, d);
    assert_eq!(by_hand(&mut pool, total, d), r);
    // Byte by byte, as events are compared: the low byte of `total - q * d`, built from the
    // low bytes of its parts, is the low byte of the remainder.
    let q = pool.binary(BinOp::UDiv, total, d);
    let (total8, q8, d8) = (
        pool.extract(total, 0, 8),
        pool.extract(q, 0, 8),
        pool.extract(d, 0, 8),
    );
    let qd8 = pool.binary(BinOp::Mul, q8, d8);
    let by_hand_low = pool.sub(total8, qd8);
    let r8 = pool.extract(r, 0, 8);
    assert_eq!(
        by_hand_low,
        r8,
        "{} vs {}",
        pool.show(by_hand_low, 8),
        pool.show(r8, 8)
    );
}

/// Found by the property above: `x % 0` is `x`, so its high bits are not those of the divisor.
#[test]
fn a_remainder_by_zero_keeps_the_dividends_high_bits() {
    let e = E::Bin(
        BinOp::And,
        Box::new(E::Bin(
            BinOp::URem,
            Box::new(E::Var(0)),
            Box::new(E::Const(0)),
        )),
        Box::new(E::Const(1)),
    );
    let mut pool = TermPool::new();
    let vars: Vec<TermId> = (0..VARS)
        .map(|i| pool.fresh_var(format!("v{i}"), W, VarKind::Input))
        .collect();
    let t = build(&mut pool, &vars, &e);
    let mut sigma = FxHashMap::default();
    sigma.insert(vars[0], pool.c(W, 3));
    let folded = pool.substitute_all(t, &sigma);
    assert_eq!(pool.as_const(folded), Some(eval(&[3, 0, 0], &e)));
    assert_eq!(pool.as_const(folded), Some(1));
}
