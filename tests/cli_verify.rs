//! `tandem verify` and `tandem cfar` at the command line: exit codes, the JSON contract, the
//! human report, configuration, and the paired-regions view.

mod common;
use common::*;

const ORIG: &str = "testbins/bin/constant-folding/orig-O0";
const GOOD: &str = "testbins/bin/constant-folding/good-O0";
const BAD: &str = "testbins/bin/constant-folding/bad-O0";

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn equivalent_pair_exits_0_with_the_required_json_fields() {
    let o = tandem(&["verify", "--format", "json", ORIG, GOOD]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let v = json(&o);
    assert_eq!(v["verdict"], "equivalent");
    assert_eq!(v["original"], ORIG);
    assert_eq!(v["patched"], GOOD);
    assert!(v["stats"]["seconds"].as_f64().is_some());
    assert!(v["stats"]["nodes"].as_u64().is_some_and(|n| n > 0));
    assert!(v["stats"]["solver_queries"].as_u64().is_some());
    assert!(v.get("counterexample").is_none());
    assert!(v.get("reasons").is_none());
}

#[test]
fn inequivalent_pair_exits_1_with_a_replayable_counterexample() {
    let o = tandem(&["verify", "--format", "json", ORIG, BAD]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let v = json(&o);
    assert_eq!(v["verdict"], "inequivalent");
    let cx = &v["counterexample"];
    assert!(cx["input"]["reads"].is_array());
    let (a, b) = (
        cx["original_trace"].as_array().expect("original trace"),
        cx["patched_trace"].as_array().expect("patched trace"),
    );
    let at = cx["first_difference"].as_u64().expect("first difference") as usize;
    assert_eq!(
        a[..at],
        b[..at],
        "the traces agree before the first difference"
    );
    assert_ne!(a.get(at), b.get(at), "and differ at it");
}

#[test]
fn human_report_puts_the_verdict_first_and_marks_the_difference() {
    let o = tandem(&["verify", ORIG, BAD]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_eq!(out.lines().next(), Some("inequivalent"), "{out}");
    assert!(
        out.contains("original trace:") && out.contains("patched trace:"),
        "{out}"
    );
    assert_eq!(out.matches("\n  -> ").count(), 2, "{out}");
}

#[test]
fn repeated_entries_are_each_verified() {
    let o = tandem(&[
        "verify", "--entry", "tb_main", "--entry", "tb_main", ORIG, GOOD,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let o = tandem(&[
        "verify",
        "--entry",
        "tb_main",
        "--entry",
        "no_such_fn",
        ORIG,
        GOOD,
    ]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr(&o).contains("no_such_fn"), "{}", stderr(&o));
}

#[test]
fn sarif_lists_the_difference_as_an_error() {
    let o = tandem(&["verify", "--format", "sarif", ORIG, BAD]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "tandem/inequivalent");
}

#[test]
fn bad_observe_values_are_input_errors() {
    for bad in ["foo", "section:", "range:0x10", "range:zz:4", "range:16:0"] {
        let o = tandem(&["verify", "--observe", bad, ORIG, GOOD]);
        assert_eq!(o.status.code(), Some(4), "{bad}");
        let err = stderr(&o);
        assert!(
            err.contains("--observe") && err.lines().count() == 1,
            "{err}"
        );
    }
}

#[test]
fn config_file_settings_apply_and_flags_win() {
    let dir = scratch("verify_config");
    let cfg = dir.join("tandem.toml");
    std::fs::write(
        &cfg,
        "entry = \"tb_main\"\nformat = \"json\"\ntimeout = 60\n",
    )
    .expect("write");
    let cfg = cfg.to_string_lossy().into_owned();
    let o = tandem(&["verify", "--config", &cfg, ORIG, GOOD]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(json(&o)["verdict"], "equivalent");
    let o = tandem(&["verify", "--config", &cfg, "--format", "human", ORIG, GOOD]);
    assert_eq!(stdout(&o).lines().next(), Some("equivalent"));

    std::fs::write(dir.join("bad.toml"), "timeout = \"soon\"\n").expect("write");
    let bad = dir.join("bad.toml").to_string_lossy().into_owned();
    let o = tandem(&["verify", "--config", &bad, ORIG, GOOD]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr(&o).contains("bad.toml:1:"), "{}", stderr(&o));
    std::fs::write(dir.join("unknown.toml"), "entyr = \"main\"\n").expect("write");
    let unknown = dir.join("unknown.toml").to_string_lossy().into_owned();
    let o = tandem(&["verify", "--config", &unknown, ORIG, GOOD]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr(&o).contains("entyr"), "{}", stderr(&o));
}

#[test]
fn cfar_pairs_functions_by_symbol_and_writes_dot() {
    let dir = scratch("cfar_dot");
    let dot = dir.join("pairs.dot").to_string_lossy().into_owned();
    let o = tandem(&[
        "cfar",
        "testbins/bin/loop-sum/orig-O0",
        "testbins/bin/loop-sum/good-O0",
        "--dot",
        &dot,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("function tb_main <-> tb_main (symbol)"),
        "{out}"
    );
    assert!(out.contains("loop head"), "{out}");
    let text = std::fs::read_to_string(&dot).expect("dot written");
    assert!(
        text.starts_with("digraph") && text.contains("style = dashed"),
        "{text}"
    );

    let o = tandem(&["cfar", "--function", "nope", ORIG, GOOD]);
    assert_eq!(o.status.code(), Some(4));
    assert!(
        stderr(&o).contains("unknown symbol `nope`"),
        "{}",
        stderr(&o)
    );
}
