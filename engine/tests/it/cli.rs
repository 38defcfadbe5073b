//! The `simulate` command: one JSON object on stdout, problems on stderr with exit code 2.

use std::process::Command;

fn simulate(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_simulate"))
        .args(args)
        .output()
        .unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (
        output.status.code().unwrap_or(-1),
        text(output.stdout),
        text(output.stderr),
    )
}

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn prints_one_summary_per_design() {
    let (code, stdout, _) = simulate(&[&scenario("shop.json"), "--seed", "9", "--until", "2"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["seed"], 9);
    for design in ["sync", "event"] {
        let summary = &json["designs"][design];
        for key in [
            "orders_arrived",
            "orders_completed",
            "orders_failed",
            "orders_in_flight",
            "double_charges",
            "duplicate_deliveries",
            "ordering_anomalies",
            "max_consumer_lag",
            "lost_orders",
            "events_processed",
            "wall_seconds",
            "trace_hash",
        ] {
            assert!(summary.get(key).is_some(), "{design} lacks {key}");
        }
        for key in ["mean", "p50", "p95", "p99", "max"] {
            assert!(
                summary["latency_ms"].get(key).is_some()
                    && summary["completion_latency_ms"].get(key).is_some()
            );
        }
    }
    let (_, only_event, _) =
        simulate(&[&scenario("shop.json"), "--until", "1", "--design", "event"]);
    let json: serde_json::Value = serde_json::from_str(&only_event).unwrap();
    assert!(json["designs"].get("sync").is_none());
}

#[test]
fn bad_input_exits_with_code_2_and_says_why() {
    let dir = std::env::temp_dir().join(format!("simulate-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let invalid = dir.join("invalid.json");
    std::fs::write(&invalid, r#"{"services": {"order": {"workers": 0}}}"#).unwrap();
    let malformed = dir.join("malformed.json");
    std::fs::write(&malformed, "{\"duration_s\": ").unwrap();
    let cases = [
        (
            invalid.to_str().unwrap().to_string(),
            "services.order.workers: must be at least 1",
        ),
        (malformed.to_str().unwrap().to_string(), "line 1 column"),
        ("/no/such/file.json".to_string(), "cannot read"),
    ];
    for (file, expected) in cases {
        let (code, stdout, stderr) = simulate(&[&file]);
        assert_eq!(code, 2, "{file}");
        assert!(stdout.is_empty(), "{file}: {stdout}");
        assert!(stderr.contains(expected), "{file}: {stderr}");
    }
    let (code, _, stderr) = simulate(&[&scenario("shop.json"), "--design", "both-ish"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown design"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_run_beyond_the_budget_is_refused_unless_asked_for() {
    let dir = std::env::temp_dir().join(format!("simulate-budget-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.json");
    // 25 M orders, but only the first 0.01 s (2,500 orders) is asked for with --until.
    std::fs::write(
        &big,
        r#"{"duration_s": 100, "workload": {"arrival_rate_per_s": 250000}}"#,
    )
    .unwrap();
    let file = big.to_str().unwrap();
    let (code, stdout, stderr) = simulate(&[file]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("this run asks for about 25 M orders; at most 20 M run in a browser")
            && stderr.contains("--max-orders"),
        "{stderr}"
    );
    let (code, stdout, stderr) = simulate(&[file, "--until", "0.01"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(json["designs"]["sync"]["orders_arrived"].as_u64().unwrap() > 2_000);
    // On purpose: it warns, then runs (a short stretch, to keep the test quick).
    let (code, _, stderr) = simulate(&[file, "--max-orders", "1e9", "--until", "0.01"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let (code, _, stderr) = simulate(&[
        file,
        "--max-orders",
        "30e6",
        "--design",
        "sync",
        "--until",
        "90",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning: simulating about 22.5 M orders"),
        "{stderr}"
    );
    let (code, _, stderr) = simulate(&[file, "--max-orders", "-3"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--max-orders must be a positive number"),
        "{stderr}"
    );
}
