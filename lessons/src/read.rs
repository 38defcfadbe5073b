//! Small readers over the converted JSON value: each checks one field's type and reports a
//! problem with its path instead of stopping, so one pass finds everything wrong in a file.

use crate::problem::{Report, choose_hint, field, index};
use serde_json::{Map, Value};

pub(crate) type Table = Map<String, Value>;

pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a float",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

/// Reports a value of the wrong type (unless conversion already reported it as unusable).
fn wrong_type(report: &mut Report<'_>, value: &Value, path: &str, expected: &str) {
    if !value.is_null() {
        report.add(
            path,
            format!("must be {expected}, found {}", kind(value)),
            None,
        );
    }
}

pub(crate) fn table<'v>(
    report: &mut Report<'_>,
    value: &'v Value,
    path: &str,
) -> Option<&'v Table> {
    match value {
        Value::Object(map) => Some(map),
        other => {
            wrong_type(report, other, path, "a table");
            None
        }
    }
}

/// Reports every key that is not one of `known`, naming the fields that exist.
pub(crate) fn known_fields(
    report: &mut Report<'_>,
    map: &Table,
    path: &str,
    what: &str,
    known: &[&str],
) {
    for key in map.keys() {
        if !known.contains(&key.as_str()) {
            report.add(
                &field(path, key),
                format!("unknown field `{key}`"),
                Some(choose_hint(key, &format!("fields of {what}"), known)),
            );
        }
    }
}

pub(crate) fn required<'v>(
    report: &mut Report<'_>,
    map: &'v Table,
    path: &str,
    key: &str,
    hint: &str,
) -> Option<&'v Value> {
    let value = map.get(key);
    if value.is_none() {
        report.add(
            path,
            format!("missing field `{key}`"),
            Some(hint.to_string()),
        );
    }
    value
}

pub(crate) fn string(report: &mut Report<'_>, value: &Value, path: &str) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        other => {
            wrong_type(report, other, path, "a string");
            None
        }
    }
}

/// A required string that must not be blank.
pub(crate) fn text(
    report: &mut Report<'_>,
    map: &Table,
    path: &str,
    key: &str,
    hint: &str,
) -> Option<String> {
    let value = required(report, map, path, key, hint)?;
    let text = string(report, value, &field(path, key))?;
    if text.trim().is_empty() {
        report.add(
            &field(path, key),
            "must not be empty",
            Some(hint.to_string()),
        );
        return None;
    }
    Some(text)
}

pub(crate) fn number(report: &mut Report<'_>, value: &Value, path: &str) -> Option<f64> {
    match value.as_f64() {
        Some(number) if value.is_number() => Some(number),
        _ => {
            wrong_type(report, value, path, "a number");
            None
        }
    }
}

/// An integer; `i128` holds every TOML integer, signed or not, without clamping.
pub(crate) fn integer(report: &mut Report<'_>, value: &Value, path: &str) -> Option<i128> {
    match value {
        Value::Number(n) if n.is_i64() => n.as_i64().map(i128::from),
        Value::Number(n) if n.is_u64() => n.as_u64().map(i128::from),
        other => {
            wrong_type(report, other, path, "an integer");
            None
        }
    }
}

pub(crate) fn array<'v>(
    report: &mut Report<'_>,
    value: &'v Value,
    path: &str,
) -> Option<&'v Vec<Value>> {
    match value {
        Value::Array(items) => Some(items),
        other => {
            wrong_type(report, other, path, "an array");
            None
        }
    }
}

/// An optional array of strings; absent is empty.
pub(crate) fn strings(
    report: &mut Report<'_>,
    map: &Table,
    path: &str,
    key: &str,
) -> Vec<(String, String)> {
    let Some(value) = map.get(key) else {
        return Vec::new();
    };
    let path = field(path, key);
    let Some(items) = array(report, value, &path) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(position, item)| {
            let item_path = index(&path, position);
            string(report, item, &item_path).map(|text| (item_path, text))
        })
        .collect()
}
