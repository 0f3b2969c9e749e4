//! The x86-64 lifter against this CPU: every form in `forms/x86_64.forms`, 8 instances of
//! each, 25 random states per instance (200 states per form). Zero mismatches allowed.
//! The per-mnemonic table is written to `target/oracle-x86_64.txt`.

use tandem_oracle::{Config, run_x86_64};

#[test]
fn x86_64_lifter_agrees_with_the_cpu() {
    let cfg = Config {
        seed: 0x007A_4DE3,
        instances_per_form: 8,
        states_per_instance: 25,
        filter: std::env::var("TANDEM_ORACLE_FILTER").ok(),
        max_reported: 2,
    };
    let report = match run_x86_64(&cfg) {
        Ok(r) => r,
        Err(e) => panic!("oracle could not run: {e}"),
    };
    let summary = report.summary();
    println!("{summary}");
    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
    let _ = std::fs::write(target.join("oracle-x86_64.txt"), &summary);
    for d in &report.details {
        println!("{d}");
    }
    assert!(
        report.broken_forms.is_empty(),
        "forms the lifter does not handle:\n{}",
        report.broken_forms.join("\n")
    );
    assert!(
        report.untested.is_empty(),
        "supported instructions without forms: {:?}",
        report.untested
    );
    assert_eq!(
        report.mismatches, 0,
        "the interpreter disagrees with the CPU"
    );
    // Every form ran on at least 200 states.
    for (m, s) in &report.per_mnemonic {
        assert!(
            s.states >= 200 * s.forms.len() as u64,
            "{m}: only {} states",
            s.states
        );
    }
}
