//! Deciding a goal's case splits under its assumption before the solver sees the goal.
//!
//! A goal that compares two merged computations is full of `ite(c, x, y)` whose condition
//! the assumption (a path condition) already decides: a byte read only when `i < len`, on a
//! path where `len > i` is known. Each such condition is a small query on its own, while the
//! whole goal can keep a SAT solver busy for seconds. Replacing the decided conditions by
//! their values leaves a goal equivalent under the assumption, often syntactically true.

use std::time::Instant;

use tandem_symex::{TermId, TermPool};

use crate::{Model, QUICK_ATTEMPT, RESOLUTION_BUDGET, Solver};

impl Solver {
    /// The conditions whose value `assumption` decides, with that value; `None` when the
    /// assumption is unsatisfiable. Each model found rules out every condition it gives a
    /// value other than the first model's, so undecided conditions cost few queries.
    pub fn decide_conditions(
        &mut self,
        pool: &mut TermPool,
        assumption: TermId,
        conditions: Vec<TermId>,
    ) -> Option<Vec<(TermId, bool)>> {
        let Some(budget) = self.budget_ms() else {
            return Some(Vec::new());
        };
        // One incremental solver holds the assumption; each probe only adds a literal.
        let z3 = z3::Solver::new_for_logic("QF_AUFBV").unwrap_or_default();
        let mut params = z3::Params::new();
        params.set_u32("timeout", budget.min(QUICK_ATTEMPT.as_millis() as u32));
        z3.set_params(&params);
        z3.assert(self.lower.boolean(pool, assumption));
        let start = Instant::now();
        let model = match (self.run(|| z3.check()), z3.get_model()) {
            (z3::SatResult::Sat, Some(m)) => Model::new(m),
            (z3::SatResult::Unsat, _) => return None,
            _ => return Some(Vec::new()),
        };
        let mut candidates: Vec<(TermId, bool)> = conditions
            .into_iter()
            .filter_map(|c| self.eval(pool, &model, c).map(|v| (c, v == 1)))
            .collect();
        let mut decided = Vec::new();
        while let Some((c, value)) = candidates.pop() {
            if start.elapsed() > RESOLUTION_BUDGET {
                break;
            }
            let other = if value { pool.not(c) } else { c };
            let literal = self.lower.boolean(pool, other);
            match self.run(|| z3.check_assumptions(&[literal])) {
                z3::SatResult::Unsat => decided.push((c, value)),
                z3::SatResult::Sat => {
                    let Some(m) = z3.get_model() else { break };
                    let m = Model::new(m);
                    candidates.retain(|&(d, v)| self.eval(pool, &m, d) == Some(u128::from(v)));
                }
                z3::SatResult::Unknown => {}
            }
        }
        Some(decided)
    }

    /// Runs one Z3 call and counts it.
    fn run(&mut self, call: impl FnOnce() -> z3::SatResult) -> z3::SatResult {
        let start = Instant::now();
        let result = call();
        self.stats.queries += 1;
        self.stats.solver_calls += 1;
        self.stats.solver_time += start.elapsed();
        match result {
            z3::SatResult::Sat => self.stats.sat += 1,
            z3::SatResult::Unsat => self.stats.unsat += 1,
            z3::SatResult::Unknown => self.stats.unknown += 1,
        }
        tracing::trace!(ms = start.elapsed().as_millis() as u64, ?result, "z3 probe");
        result
    }
}
