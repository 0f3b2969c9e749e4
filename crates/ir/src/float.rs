//! Concrete floating-point semantics of the IR's float operators.
//!
//! Values are IEEE-754 bit patterns. Arithmetic rounds to nearest-even and never flushes
//! denormals (the x86 MXCSR default). Rust's `f32`/`f64` arithmetic is IEEE-754 exact on
//! non-NaN operands, so it computes the value; which NaN comes out is defined here, explicitly,
//! with the x86 SSE rules, so the result does not depend on the host:
//!
//! - if the first operand is a NaN, the result is that NaN made quiet;
//! - else if the second operand is a NaN, the result is that NaN made quiet;
//! - else an invalid operation (`inf - inf`, `0 * inf`, `0 / 0`, `sqrt(-1)`) gives the
//!   "default NaN": sign set, quiet bit set, payload zero.
//!
//! Exception flags (MXCSR sticky bits, x87 status exception bits) are not modelled.

use crate::expr::{FloatFormat, Rounding};

fn quiet_bit(fmt: FloatFormat) -> u128 {
    match fmt {
        FloatFormat::F32 => 1 << 22,
        FloatFormat::F64 => 1 << 51,
        FloatFormat::F80 => 1 << 62,
    }
}

/// The default NaN x86 produces for invalid operations.
pub fn default_nan(fmt: FloatFormat) -> u128 {
    match fmt {
        FloatFormat::F32 => 0xFFC0_0000,
        FloatFormat::F64 => 0xFFF8_0000_0000_0000,
        FloatFormat::F80 => 0xFFFF_C000_0000_0000_0000,
    }
}

pub fn is_nan(fmt: FloatFormat, bits: u128) -> bool {
    match fmt {
        FloatFormat::F32 => f32::from_bits(bits as u32).is_nan(),
        FloatFormat::F64 => f64::from_bits(bits as u64).is_nan(),
        FloatFormat::F80 => {
            let exp = (bits >> 64) & 0x7FFF;
            let frac = bits & ((1 << 63) - 1);
            exp == 0x7FFF && frac != 0
        }
    }
}

fn quiet(fmt: FloatFormat, bits: u128) -> u128 {
    bits | quiet_bit(fmt)
}

/// The NaN an operation on `a` (and `b`) yields, if any operand is a NaN.
fn propagate(fmt: FloatFormat, a: u128, b: Option<u128>) -> Option<u128> {
    if is_nan(fmt, a) {
        return Some(quiet(fmt, a));
    }
    match b {
        Some(b) if is_nan(fmt, b) => Some(quiet(fmt, b)),
        _ => None,
    }
}

fn binary_f32(a: u128, b: u128, op: impl Fn(f32, f32) -> f32) -> u128 {
    if let Some(nan) = propagate(FloatFormat::F32, a, Some(b)) {
        return nan;
    }
    let r = op(f32::from_bits(a as u32), f32::from_bits(b as u32));
    if r.is_nan() {
        default_nan(FloatFormat::F32)
    } else {
        u128::from(r.to_bits())
    }
}

fn binary_f64(a: u128, b: u128, op: impl Fn(f64, f64) -> f64) -> u128 {
    if let Some(nan) = propagate(FloatFormat::F64, a, Some(b)) {
        return nan;
    }
    let r = op(f64::from_bits(a as u64), f64::from_bits(b as u64));
    if r.is_nan() {
        default_nan(FloatFormat::F64)
    } else {
        u128::from(r.to_bits())
    }
}

/// `None` when the format has no arithmetic in the IR (x87 extended precision).
pub fn arith(fmt: FloatFormat, a: u128, b: u128, op: Arith) -> Option<u128> {
    let f64op = |x: f64, y: f64| match op {
        Arith::Add => x + y,
        Arith::Sub => x - y,
        Arith::Mul => x * y,
        Arith::Div => x / y,
    };
    let f32op = |x: f32, y: f32| match op {
        Arith::Add => x + y,
        Arith::Sub => x - y,
        Arith::Mul => x * y,
        Arith::Div => x / y,
    };
    match fmt {
        FloatFormat::F32 => Some(binary_f32(a, b, f32op)),
        FloatFormat::F64 => Some(binary_f64(a, b, f64op)),
        FloatFormat::F80 => None,
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

pub fn sqrt(fmt: FloatFormat, a: u128) -> Option<u128> {
    if let Some(nan) = propagate(fmt, a, None) {
        return Some(nan);
    }
    match fmt {
        FloatFormat::F32 => {
            let r = f32::from_bits(a as u32).sqrt();
            Some(if r.is_nan() {
                default_nan(fmt)
            } else {
                u128::from(r.to_bits())
            })
        }
        FloatFormat::F64 => {
            let r = f64::from_bits(a as u64).sqrt();
            Some(if r.is_nan() {
                default_nan(fmt)
            } else {
                u128::from(r.to_bits())
            })
        }
        FloatFormat::F80 => None,
    }
}

/// Ordered comparisons and the unordered test.
pub fn compare(fmt: FloatFormat, a: u128, b: u128, op: Compare) -> Option<bool> {
    let (x, y) = match fmt {
        FloatFormat::F32 => (
            f64::from(f32::from_bits(a as u32)),
            f64::from(f32::from_bits(b as u32)),
        ),
        FloatFormat::F64 => (f64::from_bits(a as u64), f64::from_bits(b as u64)),
        FloatFormat::F80 => return compare_f80(a, b, op),
    };
    Some(match op {
        Compare::Eq => x == y,
        Compare::Lt => x < y,
        Compare::Le => x <= y,
        Compare::Unordered => x.is_nan() || y.is_nan(),
    })
}

#[derive(Clone, Copy, Debug)]
pub enum Compare {
    Eq,
    Lt,
    Le,
    Unordered,
}

/// x87 extended values compare exactly through a sign-magnitude key, since no rounding is
/// involved. Unnormal encodings (integer bit clear with a non-zero exponent) are treated as the
/// value they spell.
fn compare_f80(a: u128, b: u128, op: Compare) -> Option<bool> {
    let fmt = FloatFormat::F80;
    let unordered = is_nan(fmt, a) || is_nan(fmt, b);
    if let Compare::Unordered = op {
        return Some(unordered);
    }
    if unordered {
        return Some(false);
    }
    let ka = f80_order_key(a);
    let kb = f80_order_key(b);
    Some(match op {
        Compare::Eq => ka == kb,
        Compare::Lt => ka < kb,
        Compare::Le => ka <= kb,
        Compare::Unordered => unreachable!("handled above"),
    })
}

/// A key whose integer order is the numeric order of (non-NaN) x87 extended values.
fn f80_order_key(bits: u128) -> i128 {
    let sign = (bits >> 79) & 1;
    let exp = ((bits >> 64) & 0x7FFF) as i128;
    let mant = (bits & u128::from(u64::MAX)) as i128;
    // Normalise so that equal values get equal keys: shift the mantissa until its integer bit
    // is set or the exponent reaches the denormal exponent (1, shared with exponent 0).
    let (mut e, mut m) = (exp.max(1), mant);
    if m == 0 {
        return 0;
    }
    while m & (1 << 63) == 0 && e > 1 {
        m <<= 1;
        e -= 1;
    }
    let magnitude = (e << 64) | m;
    if sign == 1 { -magnitude } else { magnitude }
}

/// Float to float conversion. Widening is exact; narrowing rounds to nearest-even. NaNs keep
/// their sign and the top of their payload and become quiet.
pub fn convert(from: FloatFormat, to: FloatFormat, a: u128) -> Option<u128> {
    use FloatFormat::*;
    if from == to {
        return Some(a);
    }
    Some(match (from, to) {
        (F32, F64) => {
            if is_nan(F32, a) {
                let sign = (a >> 31) & 1;
                let frac = a & 0x7F_FFFF;
                (sign << 63) | (0x7FF << 52) | (frac << 29) | quiet_bit(F64)
            } else {
                u128::from(f64::from(f32::from_bits(a as u32)).to_bits())
            }
        }
        (F64, F32) => {
            if is_nan(F64, a) {
                let sign = (a >> 63) & 1;
                let frac = (a >> 29) & 0x7F_FFFF;
                (sign << 31) | (0xFF << 23) | frac | quiet_bit(F32)
            } else {
                u128::from((f64::from_bits(a as u64) as f32).to_bits())
            }
        }
        (F64, F80) => f64_to_f80(a as u64),
        (F32, F80) => {
            let wide = convert(F32, F64, a)?;
            f64_to_f80(wide as u64)
        }
        _ => return None,
    })
}

fn f64_to_f80(a: u64) -> u128 {
    let sign = u128::from(a >> 63);
    let exp = ((a >> 52) & 0x7FF) as i32;
    let frac = a & ((1 << 52) - 1);
    let (e80, m80): (u128, u128) = if exp == 0x7FF {
        if frac == 0 {
            (0x7FFF, 1 << 63)
        } else {
            // NaN: explicit integer bit, payload on top, made quiet.
            (0x7FFF, (1 << 63) | (1 << 62) | (u128::from(frac) << 11))
        }
    } else if exp == 0 {
        if frac == 0 {
            (0, 0)
        } else {
            // Denormal double: normalise, extended precision has the range for it.
            let shift = frac.leading_zeros() - 11; // bring the top set bit to bit 52
            let m = u128::from(frac) << (11 + shift);
            let e = 1 - 1023 + 16383 - shift as i32;
            (e as u128, m)
        }
    } else {
        (
            (exp - 1023 + 16383) as u128,
            (1 << 63) | (u128::from(frac) << 11),
        )
    };
    (sign << 79) | (e80 << 64) | m80
}

/// Signed integer of `width` bits to float, rounding to nearest-even.
pub fn int_to_float(width: u16, to: FloatFormat, a: u128) -> Option<u128> {
    let v = sign_extend(a, width);
    Some(match to {
        FloatFormat::F32 => u128::from((v as f32).to_bits()),
        FloatFormat::F64 => u128::from((v as f64).to_bits()),
        FloatFormat::F80 => {
            // Every integer of up to 64 bits is exact in extended precision.
            if v == 0 {
                return Some(0);
            }
            let sign = u128::from(v < 0);
            let mag = v.unsigned_abs();
            let lz = mag.leading_zeros() - 64;
            let m = (mag << lz) & u128::from(u64::MAX);
            let e = 16383 + 63 - u128::from(lz);
            (sign << 79) | (e << 64) | m
        }
    })
}

fn sign_extend(a: u128, width: u16) -> i128 {
    if width == 0 || width >= 128 {
        return a as i128;
    }
    let shift = 128 - u32::from(width);
    ((a << shift) as i128) >> shift
}

/// Float to signed integer of `width` bits; NaN and out-of-range give the most negative integer.
pub fn float_to_int(from: FloatFormat, width: u16, rounding: Rounding, a: u128) -> Option<u128> {
    let indefinite = 1u128 << (width - 1);
    let x = match from {
        FloatFormat::F32 => f64::from(f32::from_bits(a as u32)),
        FloatFormat::F64 => f64::from_bits(a as u64),
        FloatFormat::F80 => return None,
    };
    if x.is_nan() {
        return Some(indefinite);
    }
    let r = match rounding {
        Rounding::NearestEven => x.round_ties_even(),
        Rounding::Down => x.floor(),
        Rounding::Up => x.ceil(),
        Rounding::TowardZero => x.trunc(),
    };
    let limit = 2f64.powi(i32::from(width) - 1);
    if r >= limit || r < -limit {
        return Some(indefinite);
    }
    Some((r as i128 as u128) & crate::expr::mask(width))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_rules_follow_x86() {
        let one = u128::from(1.0f64.to_bits());
        let snan = 0x7FF0_0000_0000_0001u128;
        let qnan2 = 0x7FF8_0000_0000_0002u128;
        let inf = u128::from(f64::INFINITY.to_bits());
        assert_eq!(
            arith(FloatFormat::F64, snan, one, Arith::Add),
            Some(0x7FF8_0000_0000_0001)
        );
        assert_eq!(arith(FloatFormat::F64, one, qnan2, Arith::Add), Some(qnan2));
        assert_eq!(
            arith(FloatFormat::F64, snan, qnan2, Arith::Mul),
            Some(0x7FF8_0000_0000_0001)
        );
        assert_eq!(
            arith(FloatFormat::F64, inf, inf, Arith::Sub),
            Some(default_nan(FloatFormat::F64))
        );
        assert_eq!(
            sqrt(FloatFormat::F64, u128::from((-1.0f64).to_bits())),
            Some(default_nan(FloatFormat::F64))
        );
    }

    #[test]
    fn conversions_to_int_saturate_to_indefinite() {
        let big = u128::from(3e10f64.to_bits());
        assert_eq!(
            float_to_int(FloatFormat::F64, 32, Rounding::TowardZero, big),
            Some(0x8000_0000)
        );
        let x = u128::from((-2.5f64).to_bits());
        assert_eq!(
            float_to_int(FloatFormat::F64, 32, Rounding::NearestEven, x),
            Some(0xFFFF_FFFE)
        );
        assert_eq!(
            float_to_int(FloatFormat::F64, 32, Rounding::TowardZero, x),
            Some(0xFFFF_FFFE)
        );
        let y = u128::from((-3.5f64).to_bits());
        assert_eq!(
            float_to_int(FloatFormat::F64, 64, Rounding::NearestEven, y),
            Some(0xFFFF_FFFF_FFFF_FFFC)
        );
    }

    #[test]
    fn extended_conversions_are_exact() {
        assert_eq!(
            convert(
                FloatFormat::F64,
                FloatFormat::F80,
                u128::from(1.0f64.to_bits())
            ),
            Some(0x3FFF_8000_0000_0000_0000)
        );
        assert_eq!(
            int_to_float(64, FloatFormat::F80, 1),
            Some(0x3FFF_8000_0000_0000_0000)
        );
        assert_eq!(
            int_to_float(64, FloatFormat::F80, u128::from(u64::MAX)),
            Some(0xBFFF_8000_0000_0000_0000)
        );
        let tiny = u128::from(f64::from_bits(1).to_bits());
        let ext = convert(FloatFormat::F64, FloatFormat::F80, tiny).unwrap_or_default();
        assert_eq!(ext >> 64, 16383 - 1074);
        assert_eq!(
            compare(
                FloatFormat::F80,
                ext,
                0x3FFF_8000_0000_0000_0000,
                Compare::Lt
            ),
            Some(true)
        );
    }
}
