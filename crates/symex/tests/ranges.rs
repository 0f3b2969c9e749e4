//! Ranges must be sound: on a random path of comparisons that holds for random values of the
//! variables, every term's value lies in the arc the path's facts give it, and every
//! comparison the facts decide is decided the way the values say.

mod common;

use common::{E, VARS, W, build, eval, expr, value};
use proptest::prelude::*;
use tandem_ir::BinOp;
use tandem_symex::{Facts, TermId, TermPool, VarKind};

/// A comparison of two random terms, or of a term and a constant.
#[derive(Clone, Debug)]
struct Cmp {
    op: BinOp,
    a: E,
    b: E,
}

fn cmp() -> impl Strategy<Value = Cmp> {
    let op = prop_oneof![
        Just(BinOp::Ult),
        Just(BinOp::Ule),
        Just(BinOp::Slt),
        Just(BinOp::Sle),
        Just(BinOp::Eq),
    ];
    let side = prop_oneof![
        expr(),
        (0..VARS).prop_map(E::Var),
        (0u32..300).prop_map(E::Const)
    ];
    (op, side.clone(), side).prop_map(|(op, a, b)| Cmp { op, a, b })
}

fn holds(op: BinOp, x: u128, y: u128) -> bool {
    let s = |v: u128| (v as u32) as i32;
    match op {
        BinOp::Ult => x < y,
        BinOp::Ule => x <= y,
        BinOp::Slt => s(x) < s(y),
        BinOp::Sle => s(x) <= s(y),
        _ => x == y,
    }
}

/// Whether `v` is one of the residues of the arc `lo ..= hi` modulo 2^W.
fn in_arc(v: u128, lo: i128, hi: i128) -> bool {
    let m = 1i128 << W;
    let v = v as i128;
    (lo..=hi).contains(&v) || (lo..=hi).contains(&(v + m))
}

fn ranges_are_sound(path: &[Cmp], probes: &[E], values: &[u128]) -> Result<(), TestCaseError> {
    let mut pool = TermPool::new();
    let vars: Vec<TermId> = (0..VARS)
        .map(|i| pool.fresh_var(format!("v{i}"), W, VarKind::Input))
        .collect();
    // Each comparison, or its negation, so that the path holds for `values`.
    let mut conjuncts = Vec::new();
    for c in path {
        let (a, b) = (build(&mut pool, &vars, &c.a), build(&mut pool, &vars, &c.b));
        let t = pool.binary(c.op, a, b);
        let truth = holds(c.op, eval(values, &c.a), eval(values, &c.b));
        conjuncts.push(if truth { t } else { pool.not(t) });
    }
    let mut facts = Facts::from_path(&mut pool, &conjuncts);
    // The path holds for `values`: the facts cannot contradict each other.
    prop_assert!(!facts.is_contradictory(), "{:?}", values);
    let variables: Vec<E> = (0..VARS).map(E::Var).collect();
    for p in probes.iter().chain(&variables) {
        let t = build(&mut pool, &vars, p);
        let v = eval(values, p);
        if let Some(arc) = facts.arc(&mut pool, t) {
            prop_assert!(
                in_arc(v, arc.lo, arc.hi),
                "{} = {:#x} outside {:?} with {:?}",
                pool.show(t, 10),
                v,
                arc,
                values
            );
        }
        for (op, k) in [
            (BinOp::Ult, 16u128),
            (BinOp::Ule, 200),
            (BinOp::Slt, 0),
            (BinOp::Eq, 7),
        ] {
            let kc = pool.c(W, k);
            let q = pool.binary(op, t, kc);
            if let Some(d) = facts.decide(&mut pool, q) {
                prop_assert_eq!(d, holds(op, v, k), "{} with {:?}", pool.show(q, 10), values);
            }
        }
    }
    // The path's own conjuncts hold.
    for c in conjuncts {
        prop_assert_ne!(facts.decide(&mut pool, c), Some(false));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 5000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn ranges_hold_on_every_execution_of_the_path(
        path in prop::collection::vec(cmp(), 0..5),
        probes in prop::collection::vec(expr(), 1..4),
        values in prop::collection::vec(value(), VARS),
    ) {
        let values: Vec<u128> = values.into_iter().map(u128::from).collect();
        ranges_are_sound(&path, &probes, &values)?;
    }
}
