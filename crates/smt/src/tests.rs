//! Solver tests on small queries.

use std::time::Duration;

use tandem_symex::{TermPool, VarKind};

use super::*;

#[test]
fn decides_identities_and_finds_counterexamples() {
    let mut pool = TermPool::new();
    let mut s = Solver::new(Duration::from_secs(5));
    let x = pool.fresh_var("x", 32, VarKind::Input);
    let y = pool.fresh_var("y", 32, VarKind::Input);
    // (x ^ y) + ((x & y) << 1) == x + y: not syntactic, proved by Z3.
    let xor = pool.binary(tandem_ir::BinOp::Xor, x, y);
    let and = pool.and(x, y);
    let one = pool.c(32, 1);
    let sh = pool.binary(tandem_ir::BinOp::Shl, and, one);
    let lhs = pool.add(xor, sh);
    let rhs = pool.add(x, y);
    let t = pool.tru();
    let eq = pool.eq_(lhs, rhs);
    assert!(matches!(s.prove(&mut pool, t, eq), Answer::Unsat));
    // x < 10 vs x <= 10 differ exactly at 10.
    let ten = pool.c(32, 10);
    let lt = pool.ult(x, ten);
    let le = pool.binary(tandem_ir::BinOp::Ule, x, ten);
    let same = pool.eq_(lt, le);
    match s.prove(&mut pool, t, same) {
        Answer::Sat(m) => assert_eq!(s.eval(&pool, &m, x), Some(10)),
        other => panic!("expected a counterexample, got {other:?}"),
    }
    // Syntactic identities never reach Z3.
    let before = s.stats.solver_calls;
    let xx = pool.sub(x, x);
    let zero = pool.c(32, 0);
    let q = pool.eq_(xx, zero);
    assert!(matches!(s.prove(&mut pool, t, q), Answer::Unsat));
    assert_eq!(s.stats.solver_calls, before);
    assert!(s.stats.syntactic >= 1);
}

#[test]
fn case_splits_are_decided_only_where_the_assumption_decides_them() {
    let mut pool = TermPool::new();
    let mut s = Solver::new(Duration::from_secs(5));
    let x = pool.fresh_var("x", 32, VarKind::Input);
    let (three, five, ten) = (pool.c(32, 3), pool.c(32, 5), pool.c(32, 10));
    let below_five = pool.ult(x, five);
    let below_ten = pool.ult(x, ten);
    let below_three = pool.ult(x, three);
    let at_least_ten = pool.not(below_ten);
    let decided = s
        .decide_conditions(
            &mut pool,
            below_five,
            vec![below_ten, below_three, at_least_ten],
        )
        .expect("x < 5 is satisfiable");
    let mut decided = decided;
    decided.sort();
    let mut want = vec![(below_ten, true), (at_least_ten, false)];
    want.sort();
    assert_eq!(decided, want);
    // An unsatisfiable assumption decides nothing: the goal holds vacuously.
    let never = pool.and(below_five, at_least_ten);
    assert!(
        s.decide_conditions(&mut pool, never, vec![below_three])
            .is_none()
    );
}
