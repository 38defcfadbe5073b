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
    let status = goal.evaluate(&comparison, SimTime::from_secs(3));
    assert!(!status.met);
    assert!(!status.holding);
    assert_eq!(status.checks[0].text, "event double charges = 0 (so far 0)");
    assert!(status.checks[0].met);
    assert!(!status.checks[1].met);
    assert!(
        status.checks[1]
            .text
            .starts_with("sync orders arrived > 1000000000 (so far "),
        "{}",
        status.checks[1].text
    );
    assert!(status.checks[2].met, "{:?}", status.checks[2]);
    assert_eq!(status.checks[2].actual, Some(3.0));
    assert_eq!(
        status.checks[3].text,
        "the run reaches 3 s, when the goal is judged (now 3 s)"
    );
    assert!(status.checks[3].met);
}

#[test]
fn after_s_only_counts_later_buckets() {
    let comparison = run(
        r#"{"duration_s": 10, "workload": {"arrival_rate_per_s": 100}}"#,
        10,
    );
    let all = check("sync", Metric::OrdersArrived, Op::Ge, 0.0, None)
        .evaluate(&comparison)
        .actual
        .unwrap();
    let late = check("sync", Metric::OrdersArrived, Op::Ge, 0.0, Some(5.0))
        .evaluate(&comparison)
        .actual
        .unwrap();
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
    let all = window(None, None).evaluate(&comparison).actual.unwrap();
    let early = window(None, Some(4.0))
        .evaluate(&comparison)
        .actual
        .unwrap();
    let middle = window(Some(2.0), Some(4.0)).evaluate(&comparison);
    let middle_actual = middle.actual.unwrap();
    assert!(
        early > all * 0.3 && early < all * 0.5,
        "all {all}, before 4 s {early}"
    );
    assert!(
        middle_actual > all * 0.1 && middle_actual < all * 0.3,
        "all {all}, 2 s to 4 s {middle_actual}"
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
fn with_no_orders_lag_is_zero_and_shares_and_latencies_are_not_known_yet() {
    let comparison = run(
        r#"{"duration_s": 5, "workload": {"arrival_rate_per_s": 0}}"#,
        2,
    );
    for metric in [
        Metric::CurrentLag,
        Metric::CurrentLagS,
        Metric::DoubleCharges,
    ] {
        let status = check("event", metric, Op::Eq, 0.0, None).evaluate(&comparison);
        assert_eq!(status.actual, Some(0.0), "{metric:?}");
        assert!(status.met, "{metric:?}");
    }
    for metric in [
        Metric::FailedShare,
        Metric::LatencyP99Ms,
        Metric::CompletionMeanMs,
    ] {
        for after_s in [None, Some(1.0)] {
            let status = check("event", metric, Op::Lt, 1e9, after_s).evaluate(&comparison);
            assert_eq!(status.actual, None, "{metric:?} after {after_s:?}");
            assert!(!status.met, "{metric:?} after {after_s:?}: {status:?}");
            assert!(status.text.ends_with("(no data yet)"), "{}", status.text);
        }
    }
}

/// A window that has not begun holds no data, so a check on it is not yet met, whatever it
/// asks: "no more than 0 failures after 5 s" is not true at 3 s.
#[test]
fn a_window_that_has_not_begun_is_not_met() {
    let comparison = run(
        r#"{"duration_s": 10, "workload": {"arrival_rate_per_s": 100}}"#,
        3,
    );
    for metric in [
        Metric::OrdersFailed,
        Metric::MaxConsumerLag,
        Metric::LatencyP99Ms,
    ] {
        for seconds in [3.0, 5.0] {
            let status = check("event", metric, Op::Le, 1e9, Some(seconds)).evaluate(&comparison);
            assert_eq!(status.actual, None, "{metric:?} after {seconds} s at 3 s");
            assert!(!status.met);
        }
        let begun = check("event", metric, Op::Le, 1e9, Some(2.0)).evaluate(&comparison);
        assert!(begun.met, "{metric:?} after 2 s at 3 s: {begun:?}");
    }
}

/// Checks that hold so far are not a met goal: the goal is judged when the run reaches the
/// step's moment, and from then on it is met while its checks hold.
#[test]
fn a_goal_is_met_only_once_the_run_reaches_its_moment() {
    let scenario =
        Scenario::from_json(r#"{"duration_s": 10, "workload": {"arrival_rate_per_s": 100}}"#)
            .unwrap();
    let goal = Goal {
        description: "calm".into(),
        checks: vec![check("event", Metric::DoubleCharges, Op::Eq, 0.0, None)],
    };
    let judged_at = SimTime::from_secs(4);
    let mut comparison = Comparison::new(&scenario, 5);
    for seconds in 0..=10 {
        comparison.run_until(SimTime::from_secs(seconds));
        let status = goal.evaluate(&comparison, judged_at);
        assert!(status.holding, "{seconds} s");
        assert_eq!(status.met, seconds >= 4, "{seconds} s: {status:?}");
        assert_eq!(status.checks.last().unwrap().met, seconds >= 4);
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
        current.actual.unwrap(),
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
