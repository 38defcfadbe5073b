//! The reference solution of a step and the moment its goal is judged.

use super::{fault_fits, within_run};
use crate::locate::{self, Seg};
use crate::problem::{Report, field, index};
use crate::read::{Table, array, known_fields, number, required, table};
use engine::{ControlAction, RecordedAction, Scenario, SimTime};
use serde_json::Value;

const SOLUTION_FIELDS: &[&str] = &["at_s", "action"];

pub(super) fn check_at(
    report: &mut Report<'_>,
    map: &Table,
    path: &str,
    scenario: Option<&Scenario>,
) -> Option<SimTime> {
    let at = within_run(report, map, path, "check_at_s", scenario)?;
    at.or_else(|| scenario.map(|s| SimTime::from_secs_f64(s.duration_s)))
}

pub(super) fn solution(
    report: &mut Report<'_>,
    map: &Table,
    path: &str,
    has_goal: bool,
    scenario: Option<&Scenario>,
    check_at: Option<SimTime>,
) -> Option<Vec<RecordedAction>> {
    let solution_path = field(path, "solution");
    let Some(value) = map.get("solution") else {
        if has_goal {
            report.add(
                path,
                "a step with a goal needs a reference solution",
                Some("solution = [{ at_s = 5.0, action = { action = \"set_consumer_idempotency\", enabled = true } }]".into()),
            );
            return None;
        }
        return Some(Vec::new());
    };
    let items = array(report, value, &solution_path)?;
    let mut actions = Vec::with_capacity(items.len());
    let mut complete = true;
    let mut last_at = SimTime::ZERO;
    for (position, item) in items.iter().enumerate() {
        let item_path = index(&solution_path, position);
        match solution_action(report, item, &item_path, scenario) {
            Some(action) => {
                if action.at < last_at {
                    report.add(
                        &field(&item_path, "at_s"),
                        "actions must be in time order",
                        None,
                    );
                    complete = false;
                }
                if check_at.is_some_and(|check_at| action.at > check_at) {
                    report.add(
                        &field(&item_path, "at_s"),
                        "is after the moment the goal is checked (check_at_s)",
                        None,
                    );
                    complete = false;
                }
                last_at = action.at;
                actions.push(action);
            }
            None => complete = false,
        }
    }
    complete.then_some(actions)
}

fn solution_action(
    report: &mut Report<'_>,
    value: &Value,
    path: &str,
    scenario: Option<&Scenario>,
) -> Option<RecordedAction> {
    let map = table(report, value, path)?;
    known_fields(report, map, path, "a solution entry", SOLUTION_FIELDS);
    let hint = "{ at_s = 5.0, action = { action = \"heal\", target = \"payment\" } }";
    let at_s = required(report, map, path, "at_s", hint)
        .and_then(|value| number(report, value, &field(path, "at_s")))
        .filter(|at_s| {
            let valid = *at_s >= 0.0;
            if !valid {
                report.add(&field(path, "at_s"), "must not be negative", None);
            }
            valid
        });
    let action_path = field(path, "action");
    let action = required(report, map, path, "action", hint)
        .and_then(|value| table(report, value, &action_path).map(|_| value))
        .and_then(|value| match locate::deserialize::<ControlAction>(value) {
            Ok(action) => Some(action),
            Err(errors) => {
                for (segments, message) in errors {
                    report.add(
                        &locate::render(&action_path, &segments),
                        message,
                        Some(action_hint(&segments)),
                    );
                }
                None
            }
        })
        .filter(|action| fault_is_valid(report, action, &action_path, scenario));
    Some(RecordedAction {
        at: SimTime::from_secs_f64(at_s?),
        action: action?,
    })
}

fn action_hint(segments: &[Seg]) -> String {
    let base =
        "actions are written as in engine/SCENARIOS.md (\"Control actions\"), tagged by `action`";
    if segments.is_empty() {
        format!("{base}; e.g. {{ action = \"set_timeout\", timeout_ms = 500.0 }}")
    } else {
        base.to_string()
    }
}

/// An injected fault must be one the scenario would accept in its schedule.
fn fault_is_valid(
    report: &mut Report<'_>,
    action: &ControlAction,
    path: &str,
    scenario: Option<&Scenario>,
) -> bool {
    let (ControlAction::InjectFault { fault }, Some(scenario)) = (action, scenario) else {
        return true;
    };
    fault_fits(report, fault, &field(path, "fault"), scenario)
}
