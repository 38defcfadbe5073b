//! Helpers shared by the test modules.

use std::path::PathBuf;

/// Every lesson file in `content/`, as (file name, text), sorted by name.
pub fn content_files() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name.ends_with(".toml"))
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name))
                .unwrap_or_else(|error| panic!("cannot read {name}: {error}"));
            (name, text)
        })
        .collect();
    files.sort();
    files
}

/// A small valid lesson; the malformed cases are edits of it.
pub const VALID: &str = r#"id = "tiny"
title = "Tiny"
summary = "A lesson small enough to read at a glance."
minutes = 5
seed = 3

[scenario]
duration_s = 10

[scenario.workload]
arrival_rate_per_s = 50

[[steps]]
title = "Look"
text = "Press **Run** and watch the latency chart."
controls = ["run", "charts"]

[[steps]]
title = "Break it"
text = "Take Payment down."
controls = ["run", "charts", "faults"]
fault_kinds = ["outage"]
patch = { sync = { timeout_ms = 500 } }
hints = ["Open the fault panel."]
solution = [
  { at_s = 2.0, action = { action = "inject_fault", fault = { kind = "outage", target = "payment" } } },
]
check_at_s = 8.0

[steps.prediction]
question = "What happens to synchronous orders?"
answer = 1
choices = [
  { text = "Nothing", explain = "Every order needs Payment's answer." },
  { text = "They fail", explain = "Payment refuses, so the chain fails." },
]

[steps.goal]
description = "Make synchronous orders fail."
checks = [{ design = "sync", metric = "orders_failed", op = "ge", value = 10 }]
"#;

/// Parses `text` as `file` and returns every problem as its display line.
pub fn problems(file: &str, text: &str) -> Vec<String> {
    match lessons::parse_lesson(file, text) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    }
}

/// `VALID` with `from` replaced by `to` (which must occur exactly once).
pub fn edit(from: &str, to: &str) -> String {
    assert_eq!(
        VALID.matches(from).count(),
        1,
        "fixture edit `{from}` must match once"
    );
    VALID.replacen(from, to, 1)
}
