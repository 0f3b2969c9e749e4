//! Models: concrete values for a satisfiable query.

/// A Z3 model (empty for queries decided without Z3).
pub struct Model {
    inner: Option<z3::Model>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Model")
    }
}

impl Model {
    pub(crate) fn new(m: z3::Model) -> Model {
        Model { inner: Some(m) }
    }

    pub(crate) fn empty() -> Model {
        Model { inner: None }
    }

    /// Evaluates a lowered bitvector (with model completion: free variables become 0).
    pub(crate) fn eval_bv(&self, bv: &z3::ast::BV, width: u16) -> Option<u128> {
        let Some(m) = &self.inner else {
            return Some(0);
        };
        let v = m.eval(bv, true)?;
        if width <= 64 {
            return v.as_u64().map(u128::from);
        }
        parse_numeral(&v.to_string())
    }
}

/// Parses Z3's `#x...`/`#b...` numerals.
fn parse_numeral(s: &str) -> Option<u128> {
    if let Some(h) = s.strip_prefix("#x") {
        u128::from_str_radix(h, 16).ok()
    } else if let Some(b) = s.strip_prefix("#b") {
        u128::from_str_radix(b, 2).ok()
    } else {
        s.parse().ok()
    }
}
