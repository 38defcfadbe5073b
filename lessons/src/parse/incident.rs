//! An incident drill: the hidden causes a run's seed picks from.

use super::fault_fits;
use crate::locate;
use crate::model::{Cause, Incident};
use crate::problem::{Report, field, index};
use crate::read::{Table, array, known_fields, required, table, text};
use engine::{Fault, Scenario};

const INCIDENT_FIELDS: &[&str] = &["question", "causes"];
const CAUSE_FIELDS: &[&str] = &["text", "explain", "faults"];
const HINT: &str = "causes = [{ text = \"…\", explain = \"…\", faults = [{ kind = \"slowdown\", target = \"payment\", start_s = 8, factor = 10 }] }, …], 2 to 6 of them";

pub(super) fn incident(
    report: &mut Report<'_>,
    map: &Table,
    path: &str,
    scenario: Option<&Scenario>,
) -> Option<Incident> {
    known_fields(report, map, path, "an incident", INCIDENT_FIELDS);
    let question = text(
        report,
        map,
        path,
        "question",
        "what the learner is asked to find, such as \"What broke?\"",
    );
    let value = required(report, map, path, "causes", HINT)?;
    let causes_path = field(path, "causes");
    let items = array(report, value, &causes_path)?;
    if !(2..=6).contains(&items.len()) {
        report.add(
            &causes_path,
            format!("has {} causes, needs 2 to 6", items.len()),
            Some(HINT.to_string()),
        );
    }
    let mut causes = Vec::with_capacity(items.len());
    for (position, item) in items.iter().enumerate() {
        let item_path = index(&causes_path, position);
        if let Some(cause) = cause(report, item, &item_path, scenario) {
            causes.push(cause);
        }
    }
    (causes.len() == items.len() && (2..=6).contains(&items.len())).then_some(Incident {
        question: question?,
        causes,
    })
}

fn cause(
    report: &mut Report<'_>,
    item: &serde_json::Value,
    path: &str,
    scenario: Option<&Scenario>,
) -> Option<Cause> {
    let map = table(report, item, path)?;
    known_fields(report, map, path, "a cause", CAUSE_FIELDS);
    let text_ = text(
        report,
        map,
        path,
        "text",
        "the cause as the learner names it",
    );
    let explain = text(
        report,
        map,
        path,
        "explain",
        "the symptoms that point to this cause, shown once the learner has answered",
    );
    let faults_path = field(path, "faults");
    let value = required(
        report,
        map,
        path,
        "faults",
        "the faults this cause adds to the run",
    )?;
    let faults: Vec<Fault> = match locate::deserialize(value) {
        Ok(faults) => faults,
        Err(errors) => {
            for (segments, message) in errors {
                report.add(
                    &locate::render(&faults_path, &segments),
                    message,
                    Some(HINT.to_string()),
                );
            }
            return None;
        }
    };
    if faults.is_empty() {
        report.add(&faults_path, "a cause needs at least one fault", None);
        return None;
    }
    // The faults must be ones the step's scenario would accept in its schedule.
    if let Some(scenario) = scenario {
        let mut valid = true;
        for (position, fault) in faults.iter().enumerate() {
            valid &= fault_fits(report, fault, &index(&faults_path, position), scenario);
        }
        if !valid {
            return None;
        }
    }
    let explain = explain?;
    Some(Cause {
        text: text_?,
        explain_html: crate::render_inline(&explain),
        explain,
        faults,
    })
}
