//! Callers block: in both synchronous styles Order holds a worker, waiting, for as long as the
//! services it calls take, so a slow or hanging callee uses up Order's workers, Order's queue
//! fills and the front turns customers away, while the callee itself holds nothing.

use engine::scenario::SyncStyle;
use engine::{Comparison, ControlAction, Scenario, ServiceId, SimTime, Snapshot};

const STYLES: [SyncStyle; 2] = [SyncStyle::Orchestrated, SyncStyle::Nested];

fn scenario(style: SyncStyle, payment_fault: &str) -> Scenario {
    let mut scenario = Scenario::from_json(&format!(
        r#"{{"duration_s": 10, "workload": {{"arrival_rate_per_s": 100}},
            "services": {{
                "order": {{"workers": 4, "queue_capacity": 10, "service_time": {{"kind": "fixed", "ms": 2}}}},
                "payment": {{"workers": 2, "queue_capacity": 1000, "service_time": {{"kind": "fixed", "ms": 5}}}},
                "inventory": {{}}, "shipping": {{}}, "notification": {{}}}},
            "faults": [{payment_fault}]}}"#
    ))
    .expect("test scenario");
    scenario.sync.style = style;
    scenario
}

fn service(snapshot: &Snapshot, id: ServiceId) -> &engine::snapshot::ServiceView {
    snapshot
        .services
        .iter()
        .find(|s| s.service == id)
        .expect("service in the snapshot")
}

/// Payment accepts calls and never answers, and nobody set a timeout: Order's four workers
/// each wait for ever, its queue of ten fills, and every later customer is rejected at the
/// front. With arrivals stopped at 5 s, exactly 4 + 10 orders stay in flight. The
/// event-driven Order rejects nobody.
#[test]
fn a_hanging_callee_uses_up_the_callers_workers_and_the_front_rejects() {
    for style in STYLES {
        let scenario = scenario(
            style,
            r#"{"kind": "outage", "target": "payment", "mode": "hang", "start_s": 0}"#,
        );
        let mut comparison = Comparison::new(&scenario, 5);
        comparison.run_until(SimTime::from_secs(5));
        comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
        comparison.run_until(SimTime::from_secs(6));
        let (sync, event) = comparison.summaries();
        assert!(sync.orders_arrived > 400, "{style:?} {sync:?}");
        assert_eq!(sync.orders_in_flight, 4 + 10, "{style:?} {sync:?}");
        assert_eq!(
            sync.orders_rejected,
            sync.orders_arrived - 14,
            "{style:?} {sync:?}"
        );
        assert_eq!(sync.orders_completed, 0, "{style:?} {sync:?}");
        let snapshot = comparison.sync().snapshot();
        let order = service(&snapshot, ServiceId::Order);
        assert_eq!(
            (order.busy, order.waiting, order.queue),
            (4, 4, 10),
            "{style:?}"
        );
        let payment = service(&snapshot, ServiceId::Payment);
        assert_eq!(
            (payment.busy, payment.waiting, payment.queue),
            (0, 0, 0),
            "{style:?}"
        );
        assert_eq!(event.orders_rejected, 0, "{style:?} {event:?}");
    }
}

/// Payment ten times slower (50 ms) can finish 40 orders a second; 100 arrive. Order's workers
/// end up waiting on Payment, Order's queue is full and the front rejects, while Payment's own
/// queue never holds more than the calls Order's other workers can make: 4 − 2.
#[test]
fn a_slow_callee_saturates_the_healthy_callers_pool() {
    for style in STYLES {
        let scenario = scenario(
            style,
            r#"{"kind": "slowdown", "target": "payment", "factor": 10, "start_s": 1}"#,
        );
        let mut comparison = Comparison::new(&scenario, 9);
        let mut saw_waiting = false;
        for tenth in 1..=80 {
            comparison.run_until(SimTime::from_millis(100 * tenth));
            let snapshot = comparison.sync().snapshot();
            let order = service(&snapshot, ServiceId::Order);
            let payment = service(&snapshot, ServiceId::Payment);
            assert!(
                order.waiting <= order.busy && order.busy <= 4,
                "{style:?} {order:?}"
            );
            assert!(payment.queue <= 2, "{style:?} at {tenth}: {payment:?}");
            if style == SyncStyle::Orchestrated {
                assert_eq!(payment.waiting, 0, "orchestrated, only Order calls others");
            }
            saw_waiting |= tenth > 20 && order.waiting >= 3 && order.queue == 10;
        }
        assert!(
            saw_waiting,
            "{style:?}: never 3 of Order's 4 workers waiting on Payment with its queue full"
        );
        let (sync, event) = comparison.summaries();
        // From 1 s on, at most about 4 workers / (2 + 50 + …) ms ≈ 40 orders a second get in.
        let seconds = 8.0 - 1.0;
        let admitted_at_most = 100.0 + 42.0 * seconds;
        assert!(
            (sync.orders_arrived - sync.orders_rejected) as f64 <= admitted_at_most,
            "{style:?} {sync:?}"
        );
        assert!(sync.orders_rejected > 200, "{style:?} {sync:?}");
        assert_eq!(event.orders_rejected, 0, "{style:?} {event:?}");
    }
}

/// Switching the style while orders are on their way: each order finishes the way it
/// started, so no step runs twice and nobody is charged twice, whichever way round.
#[test]
fn changing_the_style_mid_run_runs_each_step_once() {
    for (from, to) in [
        (SyncStyle::Nested, SyncStyle::Orchestrated),
        (SyncStyle::Orchestrated, SyncStyle::Nested),
    ] {
        let mut scenario = scenario(from, "");
        scenario
            .services
            .get_mut(&ServiceId::Payment)
            .unwrap()
            .workers = 8;
        scenario
            .services
            .get_mut(&ServiceId::Order)
            .unwrap()
            .workers = 64;
        let mut comparison = Comparison::new(&scenario, 3);
        comparison.run_until(SimTime::from_millis(2_003));
        comparison.apply(ControlAction::SetSyncStyle { style: to });
        comparison.run_until(SimTime::from_secs(4));
        comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
        comparison.run_until(SimTime::from_secs(6));
        let sync = comparison.sync().summary();
        assert_eq!(
            sync.orders_completed, sync.orders_arrived,
            "{from:?} → {to:?}: {sync:?}"
        );
        assert_eq!(
            sync.double_charges + sync.double_shipments,
            0,
            "{from:?} → {to:?}"
        );
    }
}

/// A spike thirty times the usual rate overruns Order's four workers and queue of ten in both
/// shops. Those turned away at the front door, before Order did anything, are counted as
/// rejected and left out of customer latency (they come back in milliseconds and would read as
/// a faster shop); everyone else's wait is in it. Once drained, every order is in exactly one
/// of the two.
#[test]
fn customer_latency_leaves_out_those_turned_away_at_the_door() {
    for style in STYLES {
        let scenario = scenario(
            style,
            r#"{"kind": "traffic_spike", "multiplier": 30, "start_s": 1, "end_s": 2}"#,
        );
        let mut comparison = Comparison::new(&scenario, 8);
        comparison.run_until(SimTime::from_secs(3));
        comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
        comparison.run_until(SimTime::from_secs(10));
        let (sync, event) = comparison.summaries();
        for summary in [&sync, &event] {
            assert_eq!(summary.orders_in_flight, 0, "{style:?} {summary:?}");
            assert!(summary.orders_rejected > 100, "{style:?} {summary:?}");
            assert_eq!(
                summary.latency_ms.count + summary.orders_rejected,
                summary.orders_arrived,
                "{style:?} {summary:?}"
            );
        }
    }
}

/// With Payment hanging and no timeout, nobody who got past the door has an answer yet, so
/// there is no customer latency at all, however many were turned away.
#[test]
fn a_shop_that_only_refuses_has_no_latency_to_show() {
    let scenario = scenario(
        SyncStyle::Orchestrated,
        r#"{"kind": "outage", "target": "payment", "mode": "hang", "start_s": 0}"#,
    );
    let mut comparison = Comparison::new(&scenario, 5);
    comparison.run_until(SimTime::from_secs(5));
    let sync = comparison.sync().summary();
    assert!(sync.orders_rejected > 400, "{sync:?}");
    assert_eq!(sync.latency_ms.count, 0, "{sync:?}");
}
