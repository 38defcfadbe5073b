//! Files written by earlier versions read the same, and the JSON written now is what they
//! contain. `fixtures/actions.json` holds one recorded action of every kind as the engine wrote
//! them before tagged enums were read without serde's buffering.

use engine::{ControlAction, RecordedAction, Scenario};
use serde_json::Value;

const ACTIONS: &str = include_str!("../fixtures/actions.json");

#[test]
fn every_recorded_action_of_an_earlier_version_reads_and_writes_the_same() {
    let actions: Vec<RecordedAction> = serde_json::from_str(ACTIONS).unwrap();
    assert_eq!(actions.len(), 25);
    let written: Value = serde_json::to_value(&actions).unwrap();
    let fixture: Value = serde_json::from_str(ACTIONS).unwrap();
    assert_eq!(written, fixture);
    // Every kind of action is there.
    let mut kinds: Vec<String> = fixture
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"]["action"].as_str().unwrap().to_string())
        .collect();
    kinds.dedup();
    assert_eq!(kinds.len(), 19, "{kinds:?}");
    assert_eq!(
        actions[11].action,
        ControlAction::SetConsumerCount {
            service: engine::ServiceId::Shipping,
            consumers: 4
        }
    );
    // An optional field may be left out, as before.
    let heal: ControlAction = serde_json::from_str(r#"{"action": "heal"}"#).unwrap();
    assert_eq!(heal, ControlAction::Heal { target: None });
}

fn action_error(json: &str) -> String {
    let error = serde_json::from_str::<ControlAction>(json)
        .unwrap_err()
        .to_string();
    error.split(" at line").next().unwrap().to_string()
}

#[test]
fn a_wrong_action_is_worded_as_before() {
    assert_eq!(
        action_error(r#"{"action": "set_timeout", "enabled": true}"#),
        "unknown field `enabled`, expected `timeout_ms`"
    );
    assert_eq!(
        action_error(r#"{"action": "set_consumer_count", "service": "payment"}"#),
        "missing field `consumers`"
    );
    assert_eq!(
        action_error(r#"{"action": "set_consumer_count", "consumers": 2, "per_s": 3}"#),
        "unknown field `per_s`, expected `service` or `consumers`"
    );
    assert_eq!(action_error(r#"{"per_s": 3}"#), "missing field `action`");
    assert!(
        action_error(r#"{"action": "explode"}"#)
            .starts_with("unknown variant `explode`, expected one of `inject_fault`, `heal`"),
    );
    assert!(
        action_error(r#"{"action": "heal", "colour": 1}"#).starts_with("unknown field `colour`"),
    );
    assert_eq!(
        action_error(r#"{"action": "set_arrival_rate", "per_s": "fast"}"#),
        "invalid type: string \"fast\", expected f64"
    );
}

#[test]
fn service_times_read_and_write_as_before() {
    for (json, ok) in [
        (r#"{"kind": "exponential", "mean_ms": 5.0}"#, true),
        (
            r#"{"kind": "lognormal", "median_ms": 4.0, "p99_ms": 12.0}"#,
            true,
        ),
        (r#"{"kind": "fixed", "ms": 3.0}"#, true),
        (r#"{"kind": "fixed", "mean_ms": 3.0}"#, false),
        (r#"{"kind": "lognormal", "median_ms": 4.0}"#, false),
        (r#"{"kind": "gamma", "ms": 3.0}"#, false),
    ] {
        let text = format!(r#"{{"services": {{"order": {{"service_time": {json}}}}}}}"#);
        let scenario = Scenario::from_json(&text);
        assert_eq!(scenario.is_ok(), ok, "{json}: {:?}", scenario.err());
        if let Ok(scenario) = scenario {
            let written =
                serde_json::to_value(scenario.services[&engine::ServiceId::Order].service_time)
                    .unwrap();
            assert_eq!(written, serde_json::from_str::<Value>(json).unwrap());
        }
    }
    let error = Scenario::from_json(
        r#"{"services": {"order": {"service_time": {"kind": "fixed", "mean_ms": 3.0}}}}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("unknown field `mean_ms`, expected `ms`"),
        "{error}"
    );
    // Every bundled scenario still reads and writes itself unchanged.
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let scenario = Scenario::from_json(&text).unwrap();
        // Exported files are laid out exactly as before.
        assert_eq!(
            scenario.to_json(),
            serde_json::to_string_pretty(&scenario).unwrap()
        );
        let again = Scenario::from_json(&scenario.to_json()).unwrap();
        assert_eq!(again, scenario);
    }
}

/// Enums read by name (`engine::deserialize_by_name!`) read exactly what they write.
#[test]
fn named_enums_read_what_they_write() {
    use engine::scenario::{CommitPolicy, PartitionKey, SyncStyle};
    fn check<T>(table: &[(T, &str)])
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        for (value, name) in table {
            let written = serde_json::to_string(value).unwrap();
            assert_eq!(written, format!("\"{name}\""));
            assert_eq!(&serde_json::from_str::<T>(&written).unwrap(), value);
        }
        let names: Vec<String> = table.iter().map(|(_, n)| format!("`{n}`")).collect();
        let error = serde_json::from_str::<T>("\"nonsense\"")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&names.join(", ")) || table.len() == 2,
            "{error}"
        );
    }
    check(engine::FaultKind::JSON_NAMES);
    assert_eq!(engine::FaultKind::JSON_NAMES.len(), 9);
    check(SyncStyle::JSON_NAMES);
    check(PartitionKey::JSON_NAMES);
    check(CommitPolicy::JSON_NAMES);
}
