//! Deserializing a JSON value into an engine type while finding *where* each error is.
//! `serde_json::from_value` names no path, so the offending node is found by elimination: a
//! child is to blame when removing it changes the error. Found nodes are removed and the value
//! is tried again, so every error is reported, not only the first.

use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;

/// A step into a JSON value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Renders segments in the lesson's path style: `a.b[2].c`.
pub(crate) fn render(prefix: &str, segments: &[Seg]) -> String {
    let mut path = prefix.to_string();
    for segment in segments {
        match segment {
            Seg::Key(key) => path = crate::problem::field(&path, key),
            Seg::Index(i) => path = crate::problem::index(&path, *i),
        }
    }
    path
}

/// Most errors reported for one value; a file with more has bigger problems than a list shows.
const MAX_ERRORS: usize = 20;
/// Widest node searched for the culprit.
const MAX_CHILDREN: usize = 64;

/// The value as `T`, or every error with the path of its node.
pub(crate) fn deserialize<T: DeserializeOwned>(
    value: &Value,
) -> Result<T, Vec<(Vec<Seg>, String)>> {
    let mut current = value.clone();
    let mut errors: Vec<(Vec<Seg>, String)> = Vec::new();
    // Original indices removed from each array (keyed by the array's original path).
    let mut removed: BTreeMap<Vec<Seg>, Vec<usize>> = BTreeMap::new();
    while errors.len() < MAX_ERRORS {
        let message = match serde_json::from_value::<T>(current.clone()) {
            Ok(parsed) if errors.is_empty() => return Ok(parsed),
            Ok(_) => break,
            Err(error) => error.to_string(),
        };
        let location = blame::<T>(&current, &message);
        let original = to_original(&location, &removed);
        // Removing a field of a struct may make a required field missing one level up: that
        // is a consequence of the error already reported, not a new one.
        let consequence = message.starts_with("missing field")
            && errors
                .iter()
                .any(|(path, _)| path.len() > original.len() && path.starts_with(&original));
        if !consequence {
            errors.push((original.clone(), message));
        }
        if location.is_empty() || !remove(&mut current, &location) {
            break;
        }
        if let Some((Seg::Index(i), parent)) = original.split_last().map(|(l, p)| (l.clone(), p)) {
            let list = removed.entry(parent.to_vec()).or_default();
            list.push(i);
            list.sort_unstable();
        }
    }
    Err(errors)
}

/// Follows the single child whose removal changes the error, as deep as it goes.
fn blame<T: DeserializeOwned>(value: &Value, message: &str) -> Vec<Seg> {
    let mut path: Vec<Seg> = Vec::new();
    loop {
        let children: Vec<Seg> = match get(value, &path) {
            Some(Value::Object(map)) => map.keys().map(|k| Seg::Key(k.clone())).collect(),
            Some(Value::Array(items)) => (0..items.len()).map(Seg::Index).collect(),
            _ => return path,
        };
        // Each candidate costs a full deserialization; past this many the node itself is a
        // precise enough answer, and a huge file cannot make the check quadratic.
        if children.len() > MAX_CHILDREN {
            return path;
        }
        let mut guilty = children.into_iter().filter(|child| {
            let mut candidate = path.clone();
            candidate.push(child.clone());
            let mut without = value.clone();
            remove(&mut without, &candidate);
            match serde_json::from_value::<T>(without) {
                Ok(_) => true,
                Err(error) => error.to_string() != message,
            }
        });
        match (guilty.next(), guilty.next()) {
            (Some(only), None) => path.push(only),
            _ => return path,
        }
    }
}

fn get<'v>(value: &'v Value, path: &[Seg]) -> Option<&'v Value> {
    path.iter().try_fold(value, |node, segment| match segment {
        Seg::Key(key) => node.get(key),
        Seg::Index(i) => node.get(*i),
    })
}

fn remove(value: &mut Value, path: &[Seg]) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return false;
    };
    let mut node = value;
    for segment in parent {
        let next = match segment {
            Seg::Key(key) => node.get_mut(key),
            Seg::Index(i) => node.get_mut(*i),
        };
        match next {
            Some(next) => node = next,
            None => return false,
        }
    }
    match (node, last) {
        (Value::Object(map), Seg::Key(key)) => map.remove(key).is_some(),
        (Value::Array(items), Seg::Index(i)) if *i < items.len() => {
            items.remove(*i);
            true
        }
        _ => false,
    }
}

/// Maps indices in the shrunken value back to the author's file.
fn to_original(path: &[Seg], removed: &BTreeMap<Vec<Seg>, Vec<usize>>) -> Vec<Seg> {
    let mut original: Vec<Seg> = Vec::with_capacity(path.len());
    for segment in path {
        let mapped = match segment {
            Seg::Index(i) => {
                let mut index = *i;
                for gone in removed.get(&original).into_iter().flatten() {
                    if *gone <= index {
                        index += 1;
                    }
                }
                Seg::Index(index)
            }
            key => key.clone(),
        };
        original.push(mapped);
    }
    original
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::Scenario;

    fn errors(json: &str) -> Vec<String> {
        let value: Value = serde_json::from_str(json).expect("test JSON");
        match deserialize::<Scenario>(&value) {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .into_iter()
                .map(|(path, message)| format!("{}: {message}", render("", &path)))
                .collect(),
        }
    }

    #[test]
    fn every_error_is_found_with_its_path() {
        let found = errors(
            r#"{"duration_s": "long",
                "services": {"order": {}, "payment": {"workers": -1}},
                "faults": [{"kind": "outage", "target": "payment"}, {"kind": "outagee"}]}"#,
        );
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(
            found[0].starts_with("duration_s: invalid type"),
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("faults[1].kind: unknown variant")),
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("services.payment.workers:")),
            "{found:#?}"
        );
    }

    #[test]
    fn a_valid_value_passes() {
        assert!(errors(r#"{"duration_s": 5}"#).is_empty());
    }
}
