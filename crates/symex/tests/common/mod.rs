//! Random terms over a few 32-bit variables, for the property tests: how to build each with
//! the simplifying constructors and what the IR's interpreter says it evaluates to.

use proptest::prelude::*;
use tandem_ir::interp::binary_value;
use tandem_ir::{BinOp, mask};
use tandem_symex::{TermId, TermPool};

pub const W: u16 = 32;
pub const VARS: usize = 3;

#[derive(Clone, Debug)]
pub enum E {
    Var(usize),
    Const(u32),
    /// The low `width` bits of a variable, zero-extended: values with known zero high bits.
    Narrow(usize, u16),
    Bin(BinOp, Box<E>, Box<E>),
    /// `e << k` or `e >> k` by a constant.
    Shift(BinOp, Box<E>, u16),
    /// `zext(e[lo +: width])`.
    Bits(Box<E>, u16, u16),
    Ite(Box<E>, Box<E>, Box<E>, Box<E>),
    /// `if a op b then t else f`, `op` an order.
    IteOrder(BinOp, Box<E>, Box<E>, Box<E>, Box<E>),
}

pub fn expr() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![
        (0..VARS).prop_map(E::Var),
        any::<u32>().prop_map(E::Const),
        prop_oneof![Just(0u32), Just(0xff), Just(0xff00), Just(1), Just(256)].prop_map(E::Const),
        (
            0..VARS,
            prop_oneof![Just(1u16), Just(8), Just(16), Just(24)]
        )
            .prop_map(|(v, w)| E::Narrow(v, w)),
    ];
    leaf.prop_recursive(5, 40, 3, |inner| {
        let op = prop_oneof![
            Just(BinOp::Add),
            Just(BinOp::Sub),
            Just(BinOp::Mul),
            Just(BinOp::And),
            Just(BinOp::Or),
            Just(BinOp::Xor),
            Just(BinOp::UDiv),
            Just(BinOp::URem),
        ];
        prop_oneof![
            (op, inner.clone(), inner.clone()).prop_map(|(o, a, b)| E::Bin(
                o,
                Box::new(a),
                Box::new(b)
            )),
            (
                prop_oneof![Just(BinOp::Shl), Just(BinOp::LShr)],
                inner.clone(),
                0..W
            )
                .prop_map(|(o, a, k)| E::Shift(o, Box::new(a), k)),
            (inner.clone(), 0..W, 1..=W)
                .prop_filter("in range", |(_, lo, w)| lo + w <= W)
                .prop_map(|(a, lo, w)| E::Bits(Box::new(a), lo, w)),
            (inner.clone(), inner.clone(), inner.clone(), inner.clone()).prop_map(
                |(a, b, c, d)| { E::Ite(Box::new(a), Box::new(b), Box::new(c), Box::new(d)) }
            ),
            (
                prop_oneof![
                    Just(BinOp::Ult),
                    Just(BinOp::Ule),
                    Just(BinOp::Slt),
                    Just(BinOp::Sle)
                ],
                inner.clone(),
                inner.clone(),
                inner.clone(),
                inner
            )
                .prop_map(|(op, a, b, c, d)| {
                    E::IteOrder(op, Box::new(a), Box::new(b), Box::new(c), Box::new(d))
                }),
        ]
    })
}

pub fn build(pool: &mut TermPool, vars: &[TermId], e: &E) -> TermId {
    match e {
        E::Var(i) => vars[*i],
        E::Const(c) => pool.c(W, u128::from(*c)),
        E::Narrow(i, w) => {
            let low = pool.extract(vars[*i], 0, *w);
            pool.zext(low, W)
        }
        E::Bin(op, a, b) => {
            let (a, b) = (build(pool, vars, a), build(pool, vars, b));
            pool.binary(*op, a, b)
        }
        E::Shift(op, a, k) => {
            let a = build(pool, vars, a);
            let k = pool.c(W, u128::from(*k));
            pool.binary(*op, a, k)
        }
        E::Bits(a, lo, w) => {
            let a = build(pool, vars, a);
            let part = pool.extract(a, *lo, *w);
            pool.zext(part, W)
        }
        E::Ite(a, b, t, f) => {
            let (a, b) = (build(pool, vars, a), build(pool, vars, b));
            let c = pool.eq_(a, b);
            let (t, f) = (build(pool, vars, t), build(pool, vars, f));
            pool.ite(c, t, f)
        }
        E::IteOrder(op, a, b, t, f) => {
            let (a, b) = (build(pool, vars, a), build(pool, vars, b));
            let c = pool.binary(*op, a, b);
            let (t, f) = (build(pool, vars, t), build(pool, vars, f));
            pool.ite(c, t, f)
        }
    }
}

pub fn eval(values: &[u128], e: &E) -> u128 {
    let bin = |op, x, y| binary_value(op, W, x, y).expect("integer operator") & mask(W);
    match e {
        E::Var(i) => values[*i],
        E::Const(c) => u128::from(*c),
        E::Narrow(i, w) => values[*i] & mask(*w),
        E::Bin(op, a, b) => bin(*op, eval(values, a), eval(values, b)),
        E::Shift(op, a, k) => bin(*op, eval(values, a), u128::from(*k)),
        E::Bits(a, lo, w) => (eval(values, a) >> lo) & mask(*w),
        E::Ite(a, b, t, f) => {
            if eval(values, a) == eval(values, b) {
                eval(values, t)
            } else {
                eval(values, f)
            }
        }
        E::IteOrder(op, a, b, t, f) => {
            if bin(*op, eval(values, a), eval(values, b)) != 0 {
                eval(values, t)
            } else {
                eval(values, f)
            }
        }
    }
}

pub fn value() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u32>(),
        0u32..300,
        Just(0),
        Just(u32::MAX),
        any::<u8>().prop_map(u32::from),
    ]
}
