//! Malformed lesson files and the problems they must produce.

use crate::util::{VALID, edit, problems};

/// Parses `text` as `bad.toml` and asserts that every expected fragment appears in one of the
/// problems' display lines.
fn check(case: &str, text: &str, expected: &[&str]) {
    let found = problems("bad.toml", text);
    assert!(
        !found.is_empty(),
        "case `{case}`: expected problems, the file was accepted"
    );
    for fragment in expected {
        assert!(
            found.iter().any(|line| line.contains(fragment)),
            "case `{case}`: no problem mentions `{fragment}`; problems:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn the_fixture_is_valid() {
    assert_eq!(problems("tiny.toml", VALID), Vec::<String>::new());
}

#[test]
fn malformed_files_name_file_line_path_and_fix() {
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "bad TOML syntax",
            edit("title = \"Tiny\"", "title = \"Tiny"),
            vec!["bad.toml:2:", "TOML syntax"],
        ),
        (
            "unknown top-level field",
            edit("minutes = 5", "minutes = 5\nlevel = 3"),
            vec![
                "bad.toml:5:1: level: unknown field `level`",
                "fields of a lesson: id, title",
            ],
        ),
        (
            "misspelt step field",
            edit(
                "controls = [\"run\", \"charts\"]\n",
                "controls = [\"run\", \"charts\"]\ntitel = \"x\"\n",
            ),
            vec![
                "steps[0].titel: unknown field `titel`",
                "did you mean `title`?",
            ],
        ),
        (
            "wrong type",
            edit("minutes = 5", "minutes = \"five\""),
            vec!["bad.toml:4:1: minutes: must be an integer, found a string"],
        ),
        (
            "minutes out of range",
            edit("minutes = 5", "minutes = 90"),
            vec!["minutes: 90 is out of range"],
        ),
        (
            "unknown control",
            edit(
                "controls = [\"run\", \"charts\"]",
                "controls = [\"run\", \"chart\"]",
            ),
            vec![
                "steps[0].controls[1]: unknown control `chart`",
                "did you mean `charts`?",
                "arrival-rate",
            ],
        ),
        (
            "unknown metric",
            edit("metric = \"orders_failed\"", "metric = \"orders_faild\""),
            vec![
                "steps[1].goal.checks[0].metric: unknown metric `orders_faild`",
                "did you mean `orders_failed`?",
                "latency_p99_ms",
            ],
        ),
        (
            "a window that ends before it starts",
            edit("value = 10 }", "value = 10, after_s = 8, until_s = 3 }"),
            vec![
                "steps[1].goal.checks[0].until_s: until_s = 3 is not after after_s = 8",
                "must be larger",
            ],
        ),
        (
            "unknown comparison",
            edit("op = \"ge\"", "op = \">=\""),
            vec![
                "steps[1].goal.checks[0].op: unknown comparison",
                "lt, le, eq, ge, gt",
            ],
        ),
        (
            "check without design",
            edit("design = \"sync\", ", ""),
            vec!["steps[1].goal.checks[0]: missing field `design`"],
        ),
        (
            "prediction answer out of range",
            edit("answer = 1", "answer = 2"),
            vec![
                "bad.toml:32:1: steps[1].prediction.answer: answer 2 is out of range",
                "0 to 1",
            ],
        ),
        (
            "missing explain",
            edit(", explain = \"Every order needs Payment's answer.\"", ""),
            vec![
                "steps[1].prediction.choices[0]: missing field `explain`",
                "every choice needs an explanation",
            ],
        ),
        (
            "too few choices",
            edit(
                "  { text = \"They fail\", explain = \"Payment refuses, so the chain fails.\" },\n",
                "",
            ),
            vec!["steps[1].prediction.choices: has 1 choices, needs 2 to 6"],
        ),
        (
            "goal without solution",
            edit(
                "solution = [\n  { at_s = 2.0, action = { action = \"inject_fault\", fault = { kind = \"outage\", target = \"payment\" } } },\n]\n",
                "",
            ),
            vec!["steps[1]: a step with a goal needs a reference solution"],
        ),
        (
            "goal without hints",
            edit("hints = [\"Open the fault panel.\"]\n", ""),
            vec!["steps[1].hints: a step with a goal needs at least one hint"],
        ),
        (
            "patch making the scenario invalid",
            edit(
                "patch = { sync = { timeout_ms = 500 } }",
                "patch = { services = { payment = { workers = 0 } } }",
            ),
            vec![
                "bad.toml:23:",
                "steps[1].patch.services.payment.workers: must be at least 1",
            ],
        ),
        (
            "patch with a wrong type",
            edit(
                "patch = { sync = { timeout_ms = 500 } }",
                "patch = { sync = { timeout_ms = \"soon\" } }",
            ),
            vec!["steps[1].patch.sync.timeout_ms: invalid type: string \"soon\""],
        ),
        (
            "scenario with an unknown field",
            edit("duration_s = 10", "duration_s = 10\nduraton = 3"),
            vec![
                "bad.toml:9:1: scenario.duraton: unknown field `duraton`",
                "SCENARIOS.md",
            ],
        ),
        (
            "unknown service time kind",
            edit(
                "arrival_rate_per_s = 50",
                "arrival_rate_per_s = 50\n\n[scenario.services.order]\nservice_time = { kind = \"gaussian\", mean_ms = 5 }",
            ),
            vec![
                "bad.toml:14:18: scenario.services.order.service_time.kind: unknown variant `gaussian`",
            ],
        ),
        (
            "bad id",
            edit("id = \"tiny\"", "id = \"Tiny Lesson\""),
            vec![
                "bad.toml:1:1: id: `Tiny Lesson` is not a valid id",
                "lowercase letters",
            ],
        ),
        (
            "unknown action",
            edit(
                "action = \"inject_fault\", fault = { kind = \"outage\", target = \"payment\" }",
                "action = \"explode\"",
            ),
            vec![
                "bad.toml:26:28: steps[1].solution[0].action.action: unknown variant `explode`",
                "set_consumer_idempotency",
            ],
        ),
        (
            "invalid injected fault",
            edit(
                "fault = { kind = \"outage\", target = \"payment\" }",
                "fault = { kind = \"error_rate\", target = \"payment\" }",
            ),
            vec!["steps[1].solution[0].action.fault.probability: is required"],
        ),
        (
            "unknown fault kind",
            edit("fault_kinds = [\"outage\"]", "fault_kinds = [\"outages\"]"),
            vec![
                "steps[1].fault_kinds[0]: unknown fault kind `outages`",
                "did you mean `outage`?",
            ],
        ),
        (
            "fault kinds without the fault panel",
            edit(
                "controls = [\"run\", \"charts\", \"faults\"]",
                "controls = [\"run\", \"charts\"]",
            ),
            vec!["steps[1].fault_kinds: restricts the fault panel"],
        ),
        (
            "check after the end",
            edit("check_at_s = 8.0", "check_at_s = 80.0"),
            vec!["steps[1].check_at_s: 80 s is after the end of the scenario"],
        ),
        (
            "reveal after the end",
            edit("answer = 1\n", "answer = 1\nreveal_at_s = 99\n"),
            vec!["steps[1].prediction.reveal_at_s: 99 s is after the end of the scenario"],
        ),
        (
            "an incident with one cause and no fault",
            edit(
                "check_at_s = 8.0",
                "check_at_s = 8.0\nincident = { question = \"What broke?\", causes = [{ text = \"Payment\", explain = \"Its lag\", faults = [] }] }",
            ),
            vec![
                "steps[1].incident.causes: has 1 causes, needs 2 to 6",
                "steps[1].incident.causes[0].faults: a cause needs at least one fault",
            ],
        ),
        (
            "an incident cause with a fault the scenario refuses",
            edit(
                "check_at_s = 8.0",
                "check_at_s = 8.0\nincident = { question = \"What broke?\", causes = [{ text = \"a\", explain = \"b\", faults = [{ kind = \"slowdown\", target = \"payment\", factor = -2 }] }, { text = \"c\", explain = \"d\", faults = [{ kind = \"outage\", target = \"payment\" }] }] }",
            ),
            vec!["steps[1].incident.causes[0].faults[0].factor"],
        ),
        (
            "patch base neither lesson nor previous",
            edit(
                "patch = { sync = { timeout_ms = 500 } }",
                "patch = { sync = { timeout_ms = 500 } }\npatch_base = \"first\"",
            ),
            vec!["steps[1].patch_base: must be \"lesson\" or \"previous\""],
        ),
        (
            "reveal before the start",
            edit("answer = 1\n", "answer = 1\nreveal_at_s = -1\n"),
            vec!["steps[1].prediction.reveal_at_s: must not be negative"],
        ),
        (
            "no steps",
            VALID[..VALID.find("[[steps]]").unwrap_or(0)].to_string(),
            vec!["missing field `steps`"],
        ),
        (
            "infinite number",
            edit("duration_s = 10", "duration_s = inf"),
            vec!["scenario.duration_s: must be a finite number"],
        ),
    ];
    for (case, text, expected) in cases {
        check(case, &text, &expected);
    }
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let text = edit("minutes = 5", "minutes = 0\nlevel = 1")
        .replace("controls = [\"run\", \"charts\"]", "controls = [\"runn\"]")
        .replace("answer = 1", "answer = 7");
    let found = problems("bad.toml", &text);
    for fragment in [
        "minutes: 0 is out of range",
        "level: unknown field",
        "unknown control `runn`",
        "answer 7 is out of range",
    ] {
        assert!(
            found.iter().any(|p| p.contains(fragment)),
            "missing `{fragment}` in:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn a_file_named_for_another_id_is_reported() {
    let found = problems("content/03-the-chain.toml", VALID);
    assert!(
        found
            .iter()
            .any(|p| p.contains("the file is named for `the-chain` but the id is `tiny`")),
        "{found:#?}"
    );
}

#[test]
fn binary_garbage_and_empty_files_are_problems_not_panics() {
    for text in [
        "",
        "\u{0}\u{1}",
        "[[steps]]\n[[steps]]",
        "steps = 3",
        "scenario = 1\nsteps = []",
    ] {
        assert!(
            !problems("x.toml", text).is_empty(),
            "{text:?} was accepted"
        );
    }
}

mod never_panics {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn on_edited_lessons(cut in 0usize..1200, insert in "[\\[\\]=\"a-z0-9 .,{}\n]{0,12}") {
            let mut text = crate::util::VALID.to_string();
            let mut at = cut.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, &insert);
            let _ = lessons::parse_lesson("fuzz.toml", &text);
        }
    }
}
