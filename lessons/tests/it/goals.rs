//! Goal evaluation on real runs: the status text, `after_s` windows and current lag.

use engine::{Comparison, Scenario, SimTime};
use lessons::{Check, Goal, Metric, Op};

fn run(json: &str, seconds: u64) -> Comparison {
    let scenario = Scenario::from_json(json).expect("test scenario");
    let mut comparison = Comparison::new(&scenario, 5);
    comparison.run_until(SimTime::from_secs(seconds));
    comparison
}

fn check(design: &str, metric: Metric, op: Op, value: f64, after_s: Option<f64>) -> Check {
    Check {
        design: Some(match design {
            "sync" => engine::Design::Sync,
            _ => engine::Design::Event,
        }),
        metric,
        op,
        value,
        after_s,
        until_s: None,
    }
}

#[test]
fn status_says_what_is_still_missing() {
    let comparison = run(
        r#"{"duration_s": 5, "workload": {"arrival_rate_per_s": 50}}"#,
        3,
    );
    let goal = Goal {
        description: "test".into(),
        checks: vec![
            check("event", Metric::DoubleCharges, Op::Eq, 0.0, None),
            check("sync", Metric::OrdersArrived, Op::Gt, 1e9, None),
            Check {
                design: None,
                metric: Metric::TimeS,
                op: Op::Ge,
                value: 3.0,
                after_s: None,
                until_s: None,
            },
        ],
    };
    let status = goal.evaluate(&comparison);
    assert!(!status.met);
    assert_eq!(status.checks[0].text, "event double charges = 0 (now 0)");
    assert!(status.checks[0].met);
    assert!(!status.checks[1].met);
    assert!(
        status.checks[1]
            .text
            .starts_with("sync orders arrived > 1000000000 (now "),
        "{}",
        status.checks[1].text
    );
    assert!(status.checks[2].met, "{:?}", status.checks[2]);
    assert_eq!(status.checks[2].actual, 3.0);
}

#[test]
fn after_s_only_counts_later_buckets() {
    let comparison = run(
        r#"{"duration_s": 10, "workload": {"arrival_rate_per_s": 100}}"#,
        10,
    );
    let all = check("sync", Metric::OrdersArrived, Op::Ge, 0.0, None)
        .evaluate(&comparison)
        .actual;
    let late = check("sync", Metric::OrdersArrived, Op::Ge, 0.0, Some(5.0))
        .evaluate(&comparison)
        .actual;
    assert!(
        all > 800.0 && late > 300.0 && late < all * 0.7,
        "all {all}, late {late}"
    );
    let text = check("sync", Metric::OrdersArrived, Op::Ge, 0.0, Some(5.0))
        .evaluate(&comparison)
        .text;
    assert!(text.contains("after 5 s"), "{text}");
}

#[test]
fn until_s_closes_the_window() {
    let comparison = run(
        r#"{"duration_s": 10, "workload": {"arrival_rate_per_s": 100}}"#,
        10,
    );
    let window = |after_s: Option<f64>, until_s: Option<f64>| Check {
        until_s,
        ..check("sync", Metric::OrdersArrived, Op::Ge, 0.0, after_s)
    };
    let all = window(None, None).evaluate(&comparison).actual;
    let early = window(None, Some(4.0)).evaluate(&comparison).actual;
    let middle = window(Some(2.0), Some(4.0)).evaluate(&comparison);
    assert!(
        early > all * 0.3 && early < all * 0.5,
        "all {all}, before 4 s {early}"
    );
    assert!(
        middle.actual > all * 0.1 && middle.actual < all * 0.3,
        "all {all}, 2 s to 4 s {}",
        middle.actual
    );
    assert!(middle.text.contains("from 2 s to 4 s"), "{}", middle.text);
    assert!(
        window(None, Some(4.0))
            .evaluate(&comparison)
            .text
            .contains("until 4 s")
    );
}

#[test]
fn failed_share_and_current_lag_are_zero_when_nothing_happened() {
    let comparison = run(
        r#"{"duration_s": 5, "workload": {"arrival_rate_per_s": 0}}"#,
        2,
    );
    for metric in [Metric::FailedShare, Metric::CurrentLag, Metric::CurrentLagS] {
        assert_eq!(
            check("event", metric, Op::Eq, 0.0, None)
                .evaluate(&comparison)
                .actual,
            0.0,
            "{metric:?}"
        );
    }
}

#[test]
fn lag_is_seen_while_a_consumer_group_is_down() {
    let comparison = run(
        r#"{"duration_s": 10, "workload": {"arrival_rate_per_s": 100},
            "faults": [{"kind": "outage", "target": "payment", "start_s": 2}]}"#,
        6,
    );
    let current = check("event", Metric::CurrentLag, Op::Gt, 100.0, None).evaluate(&comparison);
    assert!(current.met, "{current:?}");
    let max = check(
        "event",
        Metric::MaxConsumerLag,
        Op::Ge,
        current.actual,
        Some(3.0),
    )
    .evaluate(&comparison);
    assert!(max.met, "{max:?}");
}

#[test]
fn every_metric_name_round_trips() {
    assert_eq!(Metric::ALL.len(), Metric::NAMES.len());
    for metric in Metric::ALL {
        assert_eq!(Metric::from_name(metric.name()), Some(*metric));
    }
}
