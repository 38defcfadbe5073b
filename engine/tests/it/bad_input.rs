//! Arbitrary input never panics: not in parsing, not in validation, not in a short run.

use engine::{Comparison, Scenario, SimTime};
use proptest::prelude::*;
use serde_json::Value;

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "duration_s",
            "seed",
            "workload",
            "arrival_rate_per_s",
            "cancel_share",
            "services",
            "order",
            "payment",
            "shipping",
            "workers",
            "queue_capacity",
            "service_time",
            "kind",
            "mean_ms",
            "median_ms",
            "p99_ms",
            "ms",
            "sync",
            "event",
            "partitions",
            "faults",
            "target",
            "start_s",
            "end_s",
            "probability",
            "multiplier",
            "partition",
            "timeout_ms",
            "retries",
            "attempts",
            "batch_size",
            "metrics",
            "bucket_ms",
            "trace",
        ])
        .prop_map(String::from),
        "[a-z_]{1,8}",
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::num::f64::NORMAL.prop_map(Value::from),
        (-1e3..1e7f64).prop_map(Value::from),
        prop::sample::select(vec![
            "exponential",
            "lognormal",
            "fixed",
            "outage",
            "payment",
            "nested",
            "none",
            ""
        ])
        .prop_map(Value::from),
        "[a-z_]{0,10}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Parses, validates and, when valid, runs a little of both designs.
fn exercise(text: &str) {
    let Ok(scenario) = Scenario::from_json(text) else {
        return;
    };
    let mut comparison = Comparison::new(&scenario, 1);
    let until = SimTime::from_millis(300);
    for _ in 0..3_000 {
        if !comparison.step() || comparison.now() > until {
            break;
        }
    }
    let _ = comparison.sync().snapshot();
    let _ = comparison.event().snapshot();
    let _ = comparison.summaries();
}

/// Real paths of the scenario, so mutations mostly produce scenarios that parse and exercise
/// the engine with odd values rather than stopping at the parser.
fn real_path() -> impl Strategy<Value = Vec<String>> {
    prop::sample::select(vec![
        "duration_s",
        "seed",
        "workload.arrival_rate_per_s",
        "workload.cancel_share",
        "workload.cancel_delay_ms",
        "workload.customers",
        "workload.items_max",
        "workload.amount_min",
        "services.payment.workers",
        "services.order.queue_capacity",
        "services.shipping.consumers",
        "services.inventory.service_time.mean_ms",
        "services.notification.service_time.ms",
        "sync.timeout_ms",
        "sync.hop_latency_ms",
        "sync.retries.attempts",
        "sync.retries.multiplier",
        "sync.retries.backoff_ms",
        "sync.bulkhead",
        "event.partitions",
        "event.batch_size",
        "event.session_timeout_ms",
        "event.rebalance_ms",
        "event.dead_letter_after",
        "event.commit_interval_ms",
        "event.broker_latency_ms",
        "metrics.bucket_ms",
        "trace.sample_every",
        "trace.max_traces",
    ])
    .prop_map(|path| path.split('.').map(String::from).collect())
}

fn odd_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            0.0,
            -1.0,
            0.5,
            1e-9,
            1e9,
            1e300,
            -1e300,
            4_294_967_296.0
        ])
        .prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u32>().prop_map(Value::from),
        (0.0..10.0f64).prop_map(Value::from),
    ]
}

fn shop_value() -> Value {
    serde_json::from_str(include_str!("../../scenarios/shop.json")).unwrap()
}

/// Replaces the value at a path of keys (creating objects on the way) in a valid scenario.
fn mutate(mut value: Value, path: &[String], replacement: Value) -> Value {
    let mut cursor = &mut value;
    for (depth, key) in path.iter().enumerate() {
        if !cursor.is_object() {
            *cursor = Value::Object(Default::default());
        }
        let object = cursor.as_object_mut().unwrap();
        if depth + 1 == path.len() {
            object.insert(key.clone(), replacement);
            break;
        }
        cursor = object
            .entry(key.clone())
            .or_insert(Value::Object(Default::default()));
    }
    value
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        exercise(&value.to_string());
    }

    #[test]
    fn mutated_scenarios_never_panic(path in prop::collection::vec(key(), 1..4), replacement in json()) {
        exercise(&mutate(shop_value(), &path, replacement).to_string());
    }

    #[test]
    fn odd_numbers_in_real_fields_never_panic(edits in prop::collection::vec((real_path(), odd_number()), 1..4)) {
        let value = edits.into_iter().fold(shop_value(), |value, (path, number)| mutate(value, &path, number));
        exercise(&value.to_string());
    }

    /// `Comparison::new` must not panic even on a scenario that was never validated.
    #[test]
    fn unvalidated_scenarios_never_panic(edits in prop::collection::vec((real_path(), odd_number()), 1..4)) {
        let value = edits.into_iter().fold(shop_value(), |value, (path, number)| mutate(value, &path, number));
        let text = value.to_string();
        if let Ok(scenario) = serde_json::from_str::<Scenario>(&text) {
            let mut scenario = scenario;
            scenario.workload.arrival_rate_per_s = scenario.workload.arrival_rate_per_s.min(5_000.0);
            let mut comparison = Comparison::new(&scenario, 3);
            for _ in 0..3_000 {
                if !comparison.step() {
                    break;
                }
            }
            let _ = (comparison.sync().snapshot(), comparison.event().snapshot(), comparison.summaries());
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        exercise(&text);
    }
}

#[test]
fn extreme_but_valid_values_run() {
    let text = r#"{
        "duration_s": 604800,
        "workload": {"arrival_rate_per_s": 1000000, "cancel_share": 1, "cancel_delay_ms": 0, "customers": 1},
        "services": {"order": {"workers": 1, "queue_capacity": 0, "service_time": {"kind": "lognormal", "median_ms": 86400000, "p99_ms": 86400000}}},
        "sync": {"timeout_ms": 0.001, "retries": {"attempts": 20, "backoff_ms": 0, "multiplier": 10, "jitter": 1}},
        "event": {"partitions": 1024, "batch_size": 10000, "rebalance_ms": 0, "dead_letter_after": null, "retry_backoff_ms": 1},
        "faults": [{"kind": "traffic_spike", "start_s": 0, "multiplier": 100}],
        "metrics": {"bucket_ms": 1}
    }"#;
    // Beyond what a browser may run: refused with the work it asks for.
    let refused = Scenario::from_json(text).expect_err("over the browser's budget");
    assert!(
        refused.problems[0]
            .message
            .starts_with("this run asks for about 60480.0 billion orders"),
        "{refused}"
    );
    // Within every other limit, so a budget without bounds takes it, and it runs.
    let unbounded = engine::Budget::with_max_orders(f64::INFINITY);
    let scenario = Scenario::from_json_within(text, &unbounded).unwrap();
    let mut comparison = Comparison::new(&scenario, 1);
    for _ in 0..3_000 {
        if !comparison.step() {
            break;
        }
    }
    let _ = (
        comparison.sync().snapshot(),
        comparison.event().snapshot(),
        comparison.summaries(),
    );
}
