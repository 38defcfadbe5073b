//! `parse_lesson`: TOML text to a checked [`Lesson`], or every problem in the file.

use crate::model::{Lesson, Step};
use crate::problem::{Problem, Report, choose_hint, field, index};
use crate::read::{self, Table, array, integer, known_fields, number, required, table, text};
use crate::{CONTROLS, convert, is_control, render_markdown};
use engine::{FaultKind, Scenario, SimTime};
use serde_json::Value;

mod goal;
mod incident;
mod patch;
mod solution;

use goal::{goal, prediction};
use patch::{scenario, step_scenario};
use solution::{check_at, solution};

const LESSON_FIELDS: &[&str] = &[
    "id", "title", "summary", "minutes", "seed", "scenario", "steps",
];
const STEP_FIELDS: &[&str] = &[
    "title",
    "text",
    "patch",
    "patch_base",
    "controls",
    "fault_kinds",
    "prediction",
    "goal",
    "hints",
    "solution",
    "check_at_s",
    "incident",
];

const FAULT_KINDS: &[&str] = &[
    "outage",
    "slowdown",
    "error_rate",
    "traffic_spike",
    "duplicate_delivery",
    "reordering",
    "consumer_crash",
    "partition_unavailable",
    "poison_event",
];
pub(super) const SCENARIO_HINT: &str =
    "engine/SCENARIOS.md lists every scenario field and its range";

/// Reports at `path` what the engine finds wrong with `fault` in `scenario` (the check a fault
/// of the scenario's own schedule gets); true when nothing is.
pub(super) fn fault_fits(
    report: &mut Report<'_>,
    fault: &engine::Fault,
    path: &str,
    scenario: &engine::Scenario,
) -> bool {
    let problems = engine::fault_problems(fault, scenario);
    for problem in &problems {
        let at = if problem.path.is_empty() {
            path.to_string()
        } else {
            format!("{path}.{}", problem.path)
        };
        report.add(
            &at,
            problem.message.clone(),
            Some(SCENARIO_HINT.to_string()),
        );
    }
    problems.is_empty()
}

/// Parses and checks one lesson file. `file_name` is only used in the problems.
pub fn parse_lesson(file_name: &str, text: &str) -> Result<Lesson, Vec<Problem>> {
    let mut report = Report::new(file_name, text);
    let Some(root) = convert::parse_toml(&mut report, text) else {
        return Err(report.problems);
    };
    let lesson = lesson(&mut report, &root, file_name);
    match lesson {
        Some(lesson) if report.problems.is_empty() => Ok(lesson),
        _ => {
            // In file order, so an author can fix them top to bottom; stable, so problems on
            // one line keep the order they were found in. Problems without a line go last.
            let mut problems = report.problems;
            problems.sort_by_key(|p| (p.line.is_none(), p.line, p.column));
            Err(problems)
        }
    }
}

fn lesson(report: &mut Report<'_>, root: &Value, file_name: &str) -> Option<Lesson> {
    let map = table(report, root, "")?;
    known_fields(report, map, "", "a lesson", LESSON_FIELDS);
    let id = lesson_id(report, map, file_name);
    let title = text(
        report,
        map,
        "",
        "title",
        "a short title, e.g. title = \"The chain\"",
    );
    let summary = text(
        report,
        map,
        "",
        "summary",
        "one or two sentences for the lesson list",
    );
    let minutes = minutes(report, map);
    let seed = seed(report, map);
    let scenario = required(
        report,
        map,
        "",
        "scenario",
        "a [scenario] table in the form of engine/SCENARIOS.md",
    )
    .and_then(|value| table(report, value, "scenario").map(|_| value))
    .and_then(|json| scenario(report, json, "scenario", None));
    let mut steps = steps(report, map, scenario)?;
    let seed = seed?;
    // The lesson's seed is the one that counts; writing it into every step's scenario means a
    // player that starts runs from `scenario.seed` gets the very run the tests proved.
    for step in &mut steps {
        step.scenario.seed = seed;
    }
    Some(Lesson {
        id: id?,
        title: title?,
        summary: summary?,
        minutes: minutes?,
        seed,
        steps,
    })
}

fn lesson_id(report: &mut Report<'_>, map: &Table, file_name: &str) -> Option<String> {
    let hint = "lowercase letters, digits and `-`, 1 to 64 characters, e.g. id = \"the-chain\"";
    let id = text(report, map, "", "id", hint)?;
    let slug = id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !slug {
        report.add(
            "id",
            format!("`{id}` is not a valid id"),
            Some(hint.to_string()),
        );
        return None;
    }
    // Bundled files are named `NN-<id>.toml`; a mismatch is almost always a copy-paste slip.
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let named = base
        .strip_suffix(".toml")
        .and_then(|stem| stem.split_once('-'))
        .filter(|(number, _)| number.len() == 2 && number.bytes().all(|b| b.is_ascii_digit()))
        .map(|(_, named)| named);
    if let Some(named) = named.filter(|named| *named != id) {
        report.add(
            "id",
            format!("the file is named for `{named}` but the id is `{id}`"),
            Some(format!("rename the file or set id = \"{named}\"")),
        );
    }
    Some(id)
}

fn minutes(report: &mut Report<'_>, map: &Table) -> Option<u32> {
    let hint = "an estimate in whole minutes, 1 to 60";
    let value = required(report, map, "", "minutes", hint)?;
    let minutes = integer(report, value, "minutes")?;
    if !(1..=60).contains(&minutes) {
        report.add(
            "minutes",
            format!("{minutes} is out of range"),
            Some(hint.to_string()),
        );
        return None;
    }
    u32::try_from(minutes).ok()
}

fn seed(report: &mut Report<'_>, map: &Table) -> Option<u64> {
    let Some(value) = map.get("seed") else {
        return Some(1);
    };
    let seed = integer(report, value, "seed")?;
    let seed = u64::try_from(seed).ok();
    if seed.is_none() {
        report.add("seed", "must not be negative", None);
    }
    seed
}

fn steps(report: &mut Report<'_>, map: &Table, scenario: Option<Scenario>) -> Option<Vec<Step>> {
    let value = required(report, map, "", "steps", "add at least one [[steps]] table")?;
    let items = array(report, value, "steps")?;
    if items.is_empty() {
        report.add(
            "steps",
            "a lesson needs at least one step",
            Some("add a [[steps]] table".into()),
        );
        return None;
    }
    let lesson_scenario = scenario.clone();
    let mut previous = scenario;
    let mut steps = Vec::with_capacity(items.len());
    let mut complete = true;
    for (position, item) in items.iter().enumerate() {
        let path = index("steps", position);
        if let Some(map) = item.as_object()
            && from_lesson(report, map, &path)
        {
            previous.clone_from(&lesson_scenario);
        }
        match step(report, item, &path, &mut previous) {
            Some(step) => steps.push(step),
            None => complete = false,
        }
    }
    complete.then_some(steps)
}

/// Whether a step's `patch_base` says its patch applies to the lesson's own scenario (for a
/// step that needs what an earlier step's patch changed undone: a service it added, say)
/// rather than the previous step's.
fn from_lesson(report: &mut Report<'_>, map: &Table, path: &str) -> bool {
    match map.get("patch_base") {
        None => false,
        Some(Value::String(base)) if base == "lesson" => true,
        Some(Value::String(base)) if base == "previous" => false,
        Some(_) => {
            report.add(
                &field(path, "patch_base"),
                "must be \"lesson\" or \"previous\"",
                Some("\"lesson\" starts from the lesson's own scenario; \"previous\" (the default) from the step before".into()),
            );
            false
        }
    }
}

fn step(
    report: &mut Report<'_>,
    value: &Value,
    path: &str,
    previous: &mut Option<Scenario>,
) -> Option<Step> {
    let map = table(report, value, path)?;
    known_fields(report, map, path, "a step", STEP_FIELDS);
    let title = text(report, map, path, "title", "a short title for the step");
    let markdown = text(
        report,
        map,
        path,
        "text",
        "the step's explanation, in Markdown",
    );
    let scenario = step_scenario(report, map, path, previous);
    let controls = controls(report, map, path);
    let fault_kinds = fault_kinds(report, map, path, controls.as_deref());
    let check_at = check_at(report, map, path, scenario.as_ref());
    let prediction = optional(report, map, path, "prediction", |report, map, path| {
        prediction(report, map, path, scenario.as_ref(), check_at)
    });
    let goal = optional(report, map, path, "goal", goal);
    let incident = optional(report, map, path, "incident", |report, map, path| {
        incident::incident(report, map, path, scenario.as_ref())
    });
    let has_goal = map.contains_key("goal");
    let hints = hints(report, map, path, has_goal);
    let solution = solution(report, map, path, has_goal, scenario.as_ref(), check_at);
    Some(Step {
        title: title?,
        html: render_markdown(markdown.as_deref()?),
        text: markdown?,
        scenario: scenario?,
        controls: controls?,
        fault_kinds: fault_kinds?,
        prediction: prediction?,
        goal: goal?,
        hints: hints?,
        solution: solution?,
        check_at: check_at?,
        incident: incident?,
    })
}

/// Reads an optional sub-table with `read`; `Some(None)` when absent, `None` when invalid.
fn optional<T>(
    report: &mut Report<'_>,
    map: &Table,
    path: &str,
    key: &str,
    read: impl FnOnce(&mut Report<'_>, &Table, &str) -> Option<T>,
) -> Option<Option<T>> {
    let Some(value) = map.get(key) else {
        return Some(None);
    };
    let path = field(path, key);
    let inner = table(report, value, &path)?;
    read(report, inner, &path).map(Some)
}

fn controls(report: &mut Report<'_>, map: &Table, path: &str) -> Option<Vec<String>> {
    let mut valid = true;
    let controls: Vec<String> = read::strings(report, map, path, "controls")
        .into_iter()
        .filter_map(|(item_path, id)| {
            if is_control(&id) {
                Some(id)
            } else {
                report.add(
                    &item_path,
                    format!("unknown control `{id}`"),
                    Some(choose_hint(&id, "valid control ids", &CONTROLS.concat())),
                );
                valid = false;
                None
            }
        })
        .collect();
    if map.get("controls").is_some_and(|v| !v.is_array()) {
        valid = false;
    }
    valid.then_some(controls)
}

fn fault_kinds(
    report: &mut Report<'_>,
    map: &Table,
    path: &str,
    controls: Option<&[String]>,
) -> Option<Vec<FaultKind>> {
    let mut kinds = Vec::new();
    let mut valid = map.get("fault_kinds").is_none_or(Value::is_array);
    for (item_path, name) in read::strings(report, map, path, "fault_kinds") {
        match serde_json::from_value::<FaultKind>(Value::String(name.clone())) {
            Ok(kind) => kinds.push(kind),
            Err(_) => {
                report.add(
                    &item_path,
                    format!("unknown fault kind `{name}`"),
                    Some(choose_hint(&name, "fault kinds", FAULT_KINDS)),
                );
                valid = false;
            }
        }
    }
    let faults_shown = controls.is_none_or(|controls| controls.iter().any(|c| c == "faults"));
    if !kinds.is_empty() && !faults_shown {
        report.add(
            &field(path, "fault_kinds"),
            "restricts the fault panel, but `faults` is not in `controls`",
            Some("add \"faults\" to controls or remove fault_kinds".to_string()),
        );
        valid = false;
    }
    valid.then_some(kinds)
}

/// An optional finite number ≥ 0.
/// A moment of the run in seconds (`key`), if given: not negative and not after the scenario's
/// end. `Some(None)` when absent, `None` when invalid (reported).
pub(super) fn within_run(
    report: &mut Report<'_>,
    map: &Table,
    path: &str,
    key: &str,
    scenario: Option<&Scenario>,
) -> Option<Option<SimTime>> {
    let at_s = non_negative(report, map, path, key)?;
    let duration_s = scenario.map_or(f64::INFINITY, |s| s.duration_s);
    match at_s {
        Some(at_s) if at_s > duration_s => {
            report.add(
                &field(path, key),
                format!("{at_s} s is after the end of the scenario ({duration_s} s)"),
                Some(format!("lower {key} or raise scenario.duration_s")),
            );
            None
        }
        Some(at_s) => Some(Some(SimTime::from_secs_f64(at_s))),
        None => Some(None),
    }
}

pub(super) fn non_negative(
    report: &mut Report<'_>,
    map: &Table,
    path: &str,
    key: &str,
) -> Option<Option<f64>> {
    let Some(value) = map.get(key) else {
        return Some(None);
    };
    let path = field(path, key);
    let number = number(report, value, &path)?;
    if number < 0.0 {
        report.add(
            &path,
            "must not be negative",
            Some("seconds from the start of the run".into()),
        );
        return None;
    }
    Some(Some(number))
}

fn hints(report: &mut Report<'_>, map: &Table, path: &str, has_goal: bool) -> Option<Vec<String>> {
    let valid = map.get("hints").is_none_or(Value::is_array);
    let mut hints = Vec::new();
    for (item_path, hint) in read::strings(report, map, path, "hints") {
        if hint.trim().is_empty() {
            report.add(&item_path, "must not be empty", None);
        } else {
            hints.push(hint);
        }
    }
    if has_goal && valid && hints.is_empty() {
        report.add(
            &field(path, "hints"),
            "a step with a goal needs at least one hint",
            Some("hints = [\"Watch the lag chart after the spike.\"]".to_string()),
        );
        return None;
    }
    valid.then_some(hints)
}
