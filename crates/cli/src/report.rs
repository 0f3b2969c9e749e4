//! Rendering a verification report: human text, JSON (CONTRACT.md) and SARIF 2.1.0.

use std::fmt::Write as _;

use serde_json::{Value, json};
use tandem_verify::{ConcreteArg, ConcreteEvent, ConcreteInput, Report, Verdict};

#[derive(clap::ValueEnum, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Human,
    Json,
    Sarif,
}

/// What one `verify` run found, with what it was run on.
pub struct Run<'a> {
    pub original: &'a str,
    pub patched: &'a str,
    pub report: &'a Report,
    /// Wall time of the whole command (loading included).
    pub seconds: f64,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The index of the first event where the traces differ (or where the shorter one ends).
fn first_difference(a: &[ConcreteEvent], b: &[ConcreteEvent]) -> usize {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()))
}

pub fn human(run: &Run) -> String {
    let r = run.report;
    let mut s = String::new();
    let _ = writeln!(s, "{}", r.verdict.as_str());
    if let Some(cx) = &r.counterexample {
        let _ = writeln!(
            s,
            "counterexample (the traces differ from {}):",
            cx.found_at
        );
        let _ = writeln!(s, "  input:");
        write_input_human(&mut s, &cx.input);
        let at = first_difference(&cx.original, &cx.patched);
        for (name, trace) in [("original", &cx.original), ("patched", &cx.patched)] {
            let _ = writeln!(s, "  {name} trace:");
            for (i, e) in trace.iter().enumerate() {
                let mark = if i == at { "-> " } else { "   " };
                let _ = writeln!(s, "  {mark}{i:>3}  {e}");
            }
            if trace.len() == at {
                let _ = writeln!(s, "  -> {at:>3}  (no further event)");
            }
        }
    }
    for reason in &r.reasons {
        let _ = writeln!(s, "reason: {reason}");
    }
    let st = &r.stats;
    let _ = writeln!(
        s,
        "stats: {:.3}s, {} nodes, {} visits, {} solver queries ({} syntactic, {} cached, {} to Z3)",
        run.seconds,
        st.nodes,
        st.visits,
        st.solver.queries,
        st.solver.syntactic,
        st.solver.cached,
        st.solver.solver_calls
    );
    s
}

fn write_input_human(s: &mut String, input: &ConcreteInput) {
    if input.reads.is_empty() && input.args.is_empty() && input.values.is_empty() {
        let _ = writeln!(s, "    (none: the difference does not depend on the input)");
    }
    for (fd, bytes) in &input.reads {
        let _ = writeln!(
            s,
            "    read fd {fd}: \"{}\" ({} bytes)",
            tandem_stubs::concrete::escape(bytes),
            bytes.len()
        );
    }
    for (name, v) in &input.args {
        let _ = writeln!(s, "    argument {name} = {v:#x}");
    }
    for (name, args, v) in &input.values {
        let _ = writeln!(s, "    stub value {} = {v:#x}", call_text(name, args));
    }
}

fn call_text(name: &str, args: &[u128]) -> String {
    let a: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    format!("{name}({})", a.join(", "))
}

fn input_json(input: &ConcreteInput) -> Value {
    let reads: Vec<Value> = input
        .reads
        .iter()
        .map(|(fd, b)| json!({ "fd": fd, "bytes": hex(b) }))
        .collect();
    let args: serde_json::Map<String, Value> = input
        .args
        .iter()
        .map(|(n, v)| (n.clone(), json!(format!("{v:#x}"))))
        .collect();
    let stubs: serde_json::Map<String, Value> = input
        .values
        .iter()
        .map(|(n, a, v)| (call_text(n, a), json!(format!("{v:#x}"))))
        .collect();
    json!({ "reads": reads, "args": args, "memory": {}, "stubs": stubs })
}

fn event_json(e: &ConcreteEvent) -> Value {
    let mut v = match e {
        ConcreteEvent::Call { name, args } => {
            let args: Vec<Value> = args
                .iter()
                .map(|a| match a {
                    ConcreteArg::Value(v) => json!(format!("{v:#x}")),
                    ConcreteArg::Bytes(b) => json!({ "bytes": hex(b) }),
                })
                .collect();
            json!({ "event": "call", "name": name, "args": args })
        }
        ConcreteEvent::Store {
            range,
            offset,
            value,
            size,
        } => json!({
            "event": "store", "range": range, "offset": offset,
            "value": format!("{value:#x}"), "size": size
        }),
        ConcreteEvent::Exit { status } => {
            json!({ "event": "exit", "status": *status as u32 as i32 })
        }
        ConcreteEvent::Fault { signal } => json!({ "event": "fault", "signal": signal }),
        ConcreteEvent::Return { value } => {
            json!({ "event": "return", "value": format!("{value:#x}") })
        }
    };
    v["text"] = json!(e.to_string());
    v
}

pub fn json(run: &Run) -> String {
    let r = run.report;
    let st = &r.stats;
    let without_z3 = st.solver.syntactic + st.solver.cached;
    let mut v = json!({
        "verdict": r.verdict.as_str(),
        "original": run.original,
        "patched": run.patched,
        "stats": {
            "seconds": run.seconds,
            "nodes": st.nodes,
            "visits": st.visits,
            "solver_queries": st.solver.queries,
            "solver_queries_without_z3": without_z3,
            "solver_calls": st.solver.solver_calls,
        },
    });
    if let Some(cx) = &r.counterexample {
        v["counterexample"] = json!({
            "input": input_json(&cx.input),
            "original_trace": cx.original.iter().map(event_json).collect::<Vec<_>>(),
            "patched_trace": cx.patched.iter().map(event_json).collect::<Vec<_>>(),
            "first_difference": first_difference(&cx.original, &cx.patched),
            "found_at": cx.found_at,
        });
    }
    if r.verdict == Verdict::Inconclusive {
        v["reasons"] = json!(r.reasons.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        v["reason_kinds"] = json!(r.reasons.iter().map(|x| x.kind()).collect::<Vec<_>>());
    }
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// SARIF 2.1.0: one result per finding (the counterexample, or each reason for an
/// inconclusive verdict), so that code-scanning dashboards show patch checks.
pub fn sarif(run: &Run) -> String {
    let r = run.report;
    let location = json!([{ "physicalLocation": { "artifactLocation": { "uri": run.patched } } }]);
    let mut results = Vec::new();
    match r.verdict {
        Verdict::Inequivalent | Verdict::ConditionallyEquivalent => {
            let cx = r.counterexample.as_ref();
            let text = match cx {
                Some(cx) => format!(
                    "{} behaves differently from {} (the traces differ from {})",
                    run.patched, run.original, cx.found_at
                ),
                None => format!("{} behaves differently from {}", run.patched, run.original),
            };
            results.push(json!({
                "ruleId": "tandem/inequivalent", "level": "error",
                "message": { "text": text }, "locations": location,
            }));
        }
        Verdict::Inconclusive => {
            for reason in &r.reasons {
                results.push(json!({
                    "ruleId": format!("tandem/inconclusive/{}", reason.kind()), "level": "warning",
                    "message": { "text": reason.to_string() }, "locations": location,
                }));
            }
        }
        Verdict::Equivalent => {}
    }
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "tandem",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": [
                    { "id": "tandem/inequivalent", "shortDescription": { "text": "the patch changes observable behaviour" } },
                    { "id": "tandem/inconclusive/stuck", "shortDescription": { "text": "a path could not be analysed" } },
                    { "id": "tandem/inconclusive/solver", "shortDescription": { "text": "the solver gave up" } },
                    { "id": "tandem/inconclusive/budget", "shortDescription": { "text": "a budget ran out" } },
                    { "id": "tandem/inconclusive/abstraction", "shortDescription": { "text": "a loop abstraction failed" } },
                    { "id": "tandem/inconclusive/unconfirmed", "shortDescription": { "text": "a possible difference was not confirmed" } },
                ],
            }},
            "properties": { "verdict": r.verdict.as_str(), "original": run.original },
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
