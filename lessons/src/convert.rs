//! TOML to JSON: the engine's scenario and actions have a documented JSON form, so a lesson's
//! TOML is converted once and the same serde types do the rest. Every node's position is kept
//! in the report so later problems can name a line.

use crate::problem::{Report, field, index};
use serde_json::{Map, Number, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Parses the file. Syntax errors are all reported, with their line and column.
pub(crate) fn parse_toml(report: &mut Report<'_>, text: &str) -> Option<Value> {
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for error in errors {
            let offset = error.span().map(|span| span.start);
            let message = error.message().trim().to_string();
            report.add_at(
                "",
                offset,
                format!("TOML syntax: {message}"),
                Some("check quotes, brackets and `=` near this position".to_string()),
            );
        }
        return None;
    }
    Some(table(report, root.get_ref(), ""))
}

fn table(report: &mut Report<'_>, table: &DeTable<'_>, path: &str) -> Value {
    let mut map = Map::new();
    for (key, value) in table.iter() {
        let key_path = field(path, key.get_ref());
        // The key is where the author looks for a field; its value follows on the same line.
        report.remember(&key_path, key.span().start);
        map.insert(key.get_ref().to_string(), node(report, value, &key_path));
    }
    Value::Object(map)
}

fn node(report: &mut Report<'_>, value: &Spanned<DeValue<'_>>, path: &str) -> Value {
    match value.get_ref() {
        DeValue::String(text) => Value::String(text.to_string()),
        DeValue::Boolean(flag) => Value::Bool(*flag),
        DeValue::Integer(integer) => {
            let digits = integer.as_str().replace('_', "");
            if let Ok(number) = i64::from_str_radix(&digits, integer.radix()) {
                Value::Number(number.into())
            } else if let Ok(number) = u64::from_str_radix(&digits, integer.radix()) {
                Value::Number(number.into())
            } else {
                report.add(path, "integer out of range", None);
                Value::Null
            }
        }
        DeValue::Float(float) => {
            let number = float
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .and_then(Number::from_f64);
            match number {
                Some(number) => Value::Number(number),
                None => {
                    report.add(path, "must be a finite number", None);
                    Value::Null
                }
            }
        }
        DeValue::Datetime(_) => {
            report.add(path, "dates and times are not used in lessons", None);
            Value::Null
        }
        DeValue::Array(items) => {
            let mut converted = Vec::with_capacity(items.len());
            for (position, item) in items.iter().enumerate() {
                let item_path = index(path, position);
                report.remember(&item_path, item.span().start);
                converted.push(node(report, item, &item_path));
            }
            Value::Array(converted)
        }
        DeValue::Table(inner) => table(report, inner, path),
    }
}
