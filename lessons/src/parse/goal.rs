//! Predictions and goals of a step.

use super::{non_negative, within_run};
use crate::goal::{Check, Goal, Metric, Op};
use crate::model::{Choice, Prediction};
use crate::problem::{Report, choose_hint, field, index};
use crate::read::{Table, array, integer, known_fields, number, required, string, table, text};
use engine::{Design, Scenario, SimTime};
use serde_json::Value;

const PREDICTION_FIELDS: &[&str] = &["question", "choices", "answer", "reveal_at_s"];
const CHOICE_FIELDS: &[&str] = &["text", "explain"];
const GOAL_FIELDS: &[&str] = &["description", "checks"];
const CHECK_FIELDS: &[&str] = &["design", "metric", "op", "value", "after_s", "until_s"];

/// `check_at` is the step's judging moment: the default moment to reveal the answer.
pub(super) fn prediction(
    report: &mut Report<'_>,
    map: &Table,
    path: &str,
    scenario: Option<&Scenario>,
    check_at: Option<SimTime>,
) -> Option<Prediction> {
    known_fields(report, map, path, "a prediction", PREDICTION_FIELDS);
    let reveal_at =
        within_run(report, map, path, "reveal_at_s", scenario).map(|at| at.or(check_at));
    let question = text(
        report,
        map,
        path,
        "question",
        "what the learner predicts before running",
    );
    let choices = choices(report, map, path);
    let answer = required(
        report,
        map,
        path,
        "answer",
        "the index of the right choice, counting from 0",
    )
    .and_then(|value| integer(report, value, &field(path, "answer")));
    let (choices, answer) = (choices?, answer?);
    let in_range = usize::try_from(answer).ok().filter(|a| *a < choices.len());
    if in_range.is_none() {
        report.add(
            &field(path, "answer"),
            format!(
                "answer {answer} is out of range: there are {} choices",
                choices.len()
            ),
            Some(format!(
                "choices count from 0, so answer is 0 to {}",
                choices.len().saturating_sub(1)
            )),
        );
    }
    Some(Prediction {
        question: question?,
        choices,
        answer: in_range?,
        reveal_at: reveal_at??,
    })
}

fn choices(report: &mut Report<'_>, map: &Table, path: &str) -> Option<Vec<Choice>> {
    let hint = "choices = [{ text = \"…\", explain = \"…\" }, …], 2 to 6 of them";
    let value = required(report, map, path, "choices", hint)?;
    let path = field(path, "choices");
    let items = array(report, value, &path)?;
    if !(2..=6).contains(&items.len()) {
        report.add(
            &path,
            format!("has {} choices, needs 2 to 6", items.len()),
            Some(hint.to_string()),
        );
    }
    let mut choices = Vec::with_capacity(items.len());
    for (position, item) in items.iter().enumerate() {
        let item_path = index(&path, position);
        let Some(choice) = table(report, item, &item_path) else {
            continue;
        };
        known_fields(report, choice, &item_path, "a choice", CHOICE_FIELDS);
        let text_ = text(
            report,
            choice,
            &item_path,
            "text",
            "the answer as the learner reads it",
        );
        let explain = text(
            report,
            choice,
            &item_path,
            "explain",
            "every choice needs an explanation of why it is right or wrong; it is shown once the answer is revealed",
        );
        if let (Some(text), Some(explain)) = (text_, explain) {
            let explain_html = crate::render_inline(&explain);
            choices.push(Choice {
                text,
                explain,
                explain_html,
            });
        }
    }
    (choices.len() == items.len() && (2..=6).contains(&items.len())).then_some(choices)
}

pub(super) fn goal(report: &mut Report<'_>, map: &Table, path: &str) -> Option<Goal> {
    known_fields(report, map, path, "a goal", GOAL_FIELDS);
    let description = text(
        report,
        map,
        path,
        "description",
        "what the learner must achieve, in words",
    );
    let hint =
        "checks = [{ design = \"event\", metric = \"double_charges\", op = \"eq\", value = 0 }]";
    let checks_value = required(report, map, path, "checks", hint);
    let checks_path = field(path, "checks");
    let items = checks_value.and_then(|value| array(report, value, &checks_path))?;
    if items.is_empty() {
        report.add(
            &checks_path,
            "a goal needs at least one check",
            Some(hint.to_string()),
        );
        return None;
    }
    let checks: Vec<Option<Check>> = items
        .iter()
        .enumerate()
        .map(|(position, item)| check(report, item, &index(&checks_path, position)))
        .collect();
    let checks: Option<Vec<Check>> = checks.into_iter().collect();
    Some(Goal {
        description: description?,
        checks: checks?,
    })
}

fn check(report: &mut Report<'_>, value: &Value, path: &str) -> Option<Check> {
    let map = table(report, value, path)?;
    known_fields(report, map, path, "a check", CHECK_FIELDS);
    let metric = required(
        report,
        map,
        path,
        "metric",
        "e.g. metric = \"double_charges\"",
    )
    .and_then(|value| string(report, value, &field(path, "metric")))
    .and_then(|name| {
        let metric = Metric::from_name(&name);
        if metric.is_none() {
            report.add(
                &field(path, "metric"),
                format!("unknown metric `{name}`"),
                Some(choose_hint(&name, "valid metrics", Metric::NAMES)),
            );
        }
        metric
    });
    let design = check_design(report, map, path, metric);
    let op = required(report, map, path, "op", "one of lt, le, eq, ge, gt")
        .and_then(|value| string(report, value, &field(path, "op")))
        .and_then(|name| {
            let op = Op::from_name(&name);
            if op.is_none() {
                report.add(
                    &field(path, "op"),
                    format!("unknown comparison `{name}`"),
                    Some(choose_hint(&name, "valid comparisons", &Op::NAMES)),
                );
            }
            op
        });
    let value = required(
        report,
        map,
        path,
        "value",
        "the number to compare with, e.g. value = 0",
    )
    .and_then(|value| number(report, value, &field(path, "value")));
    let after_s = non_negative(report, map, path, "after_s");
    let until_s = non_negative(report, map, path, "until_s");
    if let (Some(Some(after)), Some(Some(until))) = (after_s, until_s)
        && until <= after
    {
        report.add(
            &field(path, "until_s"),
            format!("until_s = {until} is not after after_s = {after}"),
            Some("the window runs from after_s to until_s, so until_s must be larger".into()),
        );
        return None;
    }
    Some(Check {
        design: design?,
        metric: metric?,
        op: op?,
        value: value?,
        after_s: after_s?,
        until_s: until_s?,
    })
}

fn check_design(
    report: &mut Report<'_>,
    map: &Table,
    path: &str,
    metric: Option<Metric>,
) -> Option<Option<Design>> {
    let hint = "design = \"sync\" or design = \"event\"";
    let Some(value) = map.get("design") else {
        if metric.is_some_and(|m| m != Metric::TimeS) {
            report.add(
                path,
                "missing field `design`",
                Some(format!("{hint}: which shop's numbers to check")),
            );
            return None;
        }
        return Some(None);
    };
    let name = string(report, value, &field(path, "design"))?;
    match name.as_str() {
        "sync" => Some(Some(Design::Sync)),
        "event" => Some(Some(Design::Event)),
        _ => {
            report.add(
                &field(path, "design"),
                format!("unknown design `{name}`"),
                Some(hint.to_string()),
            );
            None
        }
    }
}
