//! Scenarios of a lesson: the base one and each step's patch merged into the previous one.

use super::SCENARIO_HINT;
use crate::locate;
use crate::problem::{Report, field};
use crate::read::{Table, table};
use engine::Scenario;
use serde_json::Value;

/// Deserializes and validates a scenario. `patch` is set when `value` is a step's patch
/// applied to the previous scenario: problems then point into the patch where they can.
pub(super) fn scenario(
    report: &mut Report<'_>,
    value: &Value,
    prefix: &str,
    patch: Option<&Value>,
) -> Option<Scenario> {
    let mut found: Vec<(String, String)> = Vec::new();
    match locate::deserialize::<Scenario>(value) {
        Err(errors) => {
            for (segments, message) in errors {
                found.push((locate::render("", &segments), message));
            }
        }
        Ok(scenario) => match scenario.validate() {
            Ok(()) => return Some(scenario),
            Err(problems) => found.extend(problems.into_iter().map(|p| (p.path, p.message))),
        },
    }
    for (path, message) in found {
        let hint = Some(SCENARIO_HINT.to_string());
        match patch {
            Some(patch) if !path.is_empty() && !json_has(patch, &path) => report.add(
                prefix,
                format!("after this patch, scenario.{path}: {message}"),
                hint,
            ),
            _ => report.add(&field(prefix, &path), message, hint),
        }
    }
    None
}

/// Whether `path` (`a.b[2].c`) names a node inside `value`.
fn json_has(value: &Value, path: &str) -> bool {
    let mut node = value;
    for part in path.split('.') {
        let mut pieces = part.split('[');
        let key = pieces.next().unwrap_or_default();
        if !key.is_empty() {
            match node.get(key) {
                Some(next) => node = next,
                None => return false,
            }
        }
        for piece in pieces {
            let position = piece.trim_end_matches(']').parse::<usize>().ok();
            match position.and_then(|i| node.get(i)) {
                Some(next) => node = next,
                None => return false,
            }
        }
    }
    true
}

/// Tables merge key by key, recursively; anything else replaces what was there.
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                match target.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value)
                    }
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

pub(super) fn step_scenario(
    report: &mut Report<'_>,
    map: &Table,
    path: &str,
    previous: &mut Option<Scenario>,
) -> Option<Scenario> {
    let patch = map.get("patch");
    let patch_path = field(path, "patch");
    if let Some(patch) = patch {
        table(report, patch, &patch_path)?;
    }
    // With an invalid earlier scenario its problems are already reported; repeating them for
    // every later step would bury the one line to fix.
    let current = previous.clone()?;
    let Some(patch) = patch else {
        return Some(current);
    };
    // Patch the scenario with its defaults filled in, so `services.payment.workers = 2` changes
    // one service instead of replacing the whole default set of services.
    let Ok(mut merged) = serde_json::to_value(&current) else {
        report.add(&patch_path, "the previous scenario cannot be patched", None);
        return None;
    };
    merge(&mut merged, patch);
    let patched = scenario(report, &merged, &patch_path, Some(patch));
    *previous = patched.clone();
    patched
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn patches_merge_tables_and_replace_the_rest() {
        let mut target = json!({"a": {"b": 1, "c": [1, 2]}, "d": 1});
        merge(
            &mut target,
            &json!({"a": {"c": [3], "e": 2}, "d": {"x": 1}}),
        );
        assert_eq!(
            target,
            json!({"a": {"b": 1, "c": [3], "e": 2}, "d": {"x": 1}})
        );
    }

    #[test]
    fn json_paths_follow_keys_and_indices() {
        let value =
            json!({"faults": [{"kind": "outage"}], "services": {"payment": {"workers": 1}}});
        assert!(json_has(&value, "faults[0].kind"));
        assert!(json_has(&value, "services.payment.workers"));
        assert!(!json_has(&value, "faults[1]"));
        assert!(!json_has(&value, "event.partitions"));
    }
}
