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

/// A memory read at constant and symbolic addresses, and an uninterpreted input: reads are
/// functions, so bit-blasting (after Ackermann's reduction) answers with a model, and the
/// model's values are consistent with the reads (the same address reads the same byte).
#[test]
fn memory_reads_and_inputs_get_models_from_both_kinds_of_solver() {
    for choice_heavy in [true, false] {
        let mut pool = TermPool::new();
        let mut s = Solver::new(Duration::from_secs(5));
        let mem = pool.fresh_var("mem", 0, VarKind::Memory);
        let f = pool.func_decl("input", &[64], 64);
        let zero = pool.c(64, 0);
        let i = pool.app(f, vec![zero]);
        let (at_i, at_7) = (pool.select(mem, i), pool.c(64, 7));
        let b7 = pool.select(mem, at_7);
        let (x41, x42) = (pool.c(8, 0x41), pool.c(8, 0x42));
        let reads_41 = pool.eq_(at_i, x41);
        let reads_42 = pool.eq_(b7, x42);
        let q = pool.and(reads_41, reads_42);
        // Many choices or many sums decide which solver runs first (`is_choice_heavy`).
        let q = if choice_heavy {
            let c = pool.eq_(i, at_7);
            let pick = pool.ite(c, x41, x42);
            let also = pool.eq_(pick, x41);
            let c_or_not = pool.or(also, reads_41);
            pool.and(q, c_or_not)
        } else {
            let s1 = pool.add(i, at_7);
            let s2 = pool.add(s1, i);
            let big = pool.c(64, 1 << 40);
            let small = pool.ult(s2, big);
            pool.and(q, small)
        };
        assert_eq!(is_choice_heavy(&pool, q), choice_heavy);
        match s.check(&pool, q) {
            Answer::Sat(m) => {
                assert_eq!(s.eval(&pool, &m, at_i), Some(0x41));
                assert_eq!(s.eval(&pool, &m, b7), Some(0x42));
                assert_ne!(s.eval(&pool, &m, i), Some(7), "7 holds 0x42, not 0x41");
            }
            other => panic!("expected a model, got {other:?}"),
        }
        // The same address cannot hold both bytes.
        let same = pool.eq_(i, at_7);
        let both = pool.and(q, same);
        assert!(matches!(s.check(&pool, both), Answer::Unsat));
    }
}
