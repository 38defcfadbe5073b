//! Dual writes and the transactional outbox. Without the outbox, Order stores an order and
//! then publishes its event as a second write: a crash between the two leaves an order nobody
//! downstream will hear of. With it, the event is stored in the same transaction and a relay
//! publishes it; a relay that crashes after sending and before marking sends again, so the
//! consumers still need to be idempotent.

use engine::SimTime;
use engine::{Comparison, ControlAction, Scenario, Summary, TopicId};

fn shop(outbox: bool, idempotent: bool) -> Scenario {
    Scenario::from_json(&format!(
        r#"{{"duration_s": 10, "workload": {{"arrival_rate_per_s": 200}},
            "services": {{"order": {{"workers": 64, "service_time": {{"kind": "fixed", "ms": 2}}}},
                         "payment": {{}}, "inventory": {{}}, "shipping": {{}}, "notification": {{}}}},
            "sync": {{"hop_latency_ms": 1}},
            "event": {{"outbox": {outbox}, "outbox_relay_ms": 50, "broker_latency_ms": 1,
                       "idempotent_consumers": {idempotent}}},
            "faults": [{{"kind": "consumer_crash", "target": "order", "start_s": 2,
                         "restart_after_ms": 500}}]}}"#
    ))
    .expect("test scenario")
}

fn settled(scenario: &Scenario) -> (Comparison, Summary) {
    let mut comparison = Comparison::new(scenario, 6);
    comparison.run_until(SimTime::from_secs(5));
    comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
    comparison.run_until(SimTime::from_secs(10));
    let event = comparison.event().summary();
    (comparison, event)
}

fn orders_logged(comparison: &Comparison) -> u64 {
    let broker = comparison.event().broker().expect("event design");
    broker
        .topic(TopicId::Orders)
        .partitions
        .iter()
        .map(|p| p.end_offset())
        .sum()
}

/// Order crashes once, between storing an order and publishing it: exactly one order is
/// stuck, its event never reaches the log, and the log holds exactly the orders that were not
/// failed (the crashed one, those queued behind it and those refused while Order restarted).
#[test]
fn a_crash_between_the_two_writes_leaves_one_order_stuck() {
    let (comparison, event) = settled(&shop(false, false));
    assert_eq!(event.stuck_orders, 1, "{event:?}");
    // About 100 refused in the half second Order takes to restart; each one error.
    assert!((50..=160).contains(&event.orders_failed), "{event:?}");
    assert_eq!(event.errors, event.orders_failed, "{event:?}");
    assert_eq!(
        orders_logged(&comparison),
        event.orders_arrived - event.orders_failed
    );
    assert_eq!(event.orders_in_flight, 0, "{event:?}");
}

/// The same crash with the outbox hits the relay: nothing is stuck and no customer is failed,
/// but the round it had sent goes out again after the restart. Payment, not idempotent,
/// charges each repeated order twice: the double charges are exactly the repeated records.
#[test]
fn with_the_outbox_a_relay_crash_repeats_events_instead() {
    let (comparison, event) = settled(&shop(true, false));
    assert_eq!(event.stuck_orders, 0, "{event:?}");
    assert_eq!(event.orders_failed, 0, "{event:?}");
    assert_eq!(event.orders_in_flight, 0, "{event:?}");
    assert!(event.producer_duplicates >= 1, "{event:?}");
    assert_eq!(event.double_charges, event.producer_duplicates, "{event:?}");
    assert_eq!(
        orders_logged(&comparison),
        event.orders_arrived + event.producer_duplicates
    );
    let (_, idempotent) = settled(&shop(true, true));
    assert_eq!(idempotent.producer_duplicates, event.producer_duplicates);
    assert_eq!(idempotent.double_charges, 0, "{idempotent:?}");
}

/// With the outbox Order answers once its transaction is stored: the request (1 ms), the
/// work (2 ms) and the answer (1 ms), 4 ms every time, without waiting for the broker; the
/// relay's round adds to the time until the order is processed instead.
#[test]
fn with_the_outbox_accepted_means_stored() {
    let mut scenario = shop(true, false);
    scenario.faults.clear();
    let (_, event) = settled(&scenario);
    assert!(
        (event.latency_ms.mean - 4.0).abs() < 1e-9,
        "{:?}",
        event.latency_ms
    );
    assert!(
        event.completion_latency_ms.mean > 25.0,
        "{:?}",
        event.completion_latency_ms
    );
}

/// Switched on during the run (the lever a learner uses), the outbox protects the orders
/// placed from then on: crashes before the switch strand one order each, a crash after it
/// strands none and repeats the relay's round instead. Orders cancelled while their event
/// still waits in the outbox follow it through the outbox, so none is announced cancelled
/// before it was announced created, even once the outbox is switched off again.
#[test]
fn the_outbox_switched_on_live_protects_later_orders() {
    let mut scenario = shop(false, false);
    scenario.workload.cancel_share = 0.3;
    scenario.workload.cancel_delay_ms = 20.0;
    let crash = |start_s: f64| {
        let json = format!(
            r#"{{"kind": "consumer_crash", "target": "order", "start_s": {start_s},
                "restart_after_ms": 200}}"#
        );
        serde_json::from_str::<engine::Fault>(&json).expect("fault")
    };
    scenario.faults = vec![crash(1.0), crash(2.0), crash(4.0)];
    let mut comparison = Comparison::new(&scenario, 3);
    comparison.run_until(SimTime::from_secs(3));
    let before = comparison.event().summary().stuck_orders;
    assert_eq!(before, 2, "one order stuck per crash before the switch");
    comparison.apply(ControlAction::SetOutbox { enabled: true });
    comparison.run_until(SimTime::from_millis(5_000));
    comparison.apply(ControlAction::SetOutbox { enabled: false });
    comparison.run_until(SimTime::from_millis(5_500));
    comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
    comparison.run_until(SimTime::from_secs(10));
    let event = comparison.event().summary();
    // The crash at 4 s struck the relay.
    assert_eq!(event.stuck_orders, 2, "{event:?}");
    assert!(event.producer_duplicates >= 1, "{event:?}");
    assert_eq!(event.ordering_anomalies, 0, "{event:?}");
    assert_eq!(event.orders_in_flight, 0, "{event:?}");
}

/// The inspector's story of that crash: the stuck order's trace says Order crashed while it
/// held it, and the last customers failed were refused while Order restarted.
#[test]
fn the_stuck_order_and_those_refused_after_say_why() {
    use engine::examples::Example;
    let scenario = shop(false, false);
    let (comparison, _) = settled(&scenario);
    let event = comparison.event();
    let stuck: Vec<u64> = event.examples().recent(Example::Stuck).collect();
    let refused: Vec<u64> = event.examples().recent(Example::Failed).collect();
    assert_eq!((stuck.len(), refused.len()), (1, 4));
    let mut pinned = scenario.clone();
    pinned.trace.pinned = stuck.iter().chain(&refused).copied().collect();
    let (replayed, _) = settled(&pinned);
    let cause = |order: u64| {
        replayed
            .event()
            .trace(order)
            .and_then(|t| t.failure_cause())
    };
    assert_eq!(
        cause(stuck[0]).as_deref(),
        Some("Order crashed while it held the order")
    );
    for order in refused {
        assert_eq!(
            cause(order).as_deref(),
            Some("Order was down and refused it"),
            "order {order}"
        );
    }
}
