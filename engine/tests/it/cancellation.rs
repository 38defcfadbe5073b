//! Cancelling is work, counted the same way in both designs: in the chain, Order refunds and
//! releases what was done with calls that take a worker and can fail; a service "acted out of
//! order" only if it acted after it had been told of the cancellation; and effects that stand
//! on a cancelled order with nothing left to undo them make it inconsistent.

use engine::trace::Step;
use engine::{Comparison, ControlAction, Scenario, ServiceId, SimTime, Simulation};

/// Order, Payment (a slow, fixed 50 ms) and Inventory; every order is cancelled about 60 ms
/// after it is placed, so many are cancelled while Payment is charging them.
fn cancelling_shop(payment_fault: &str) -> Scenario {
    Scenario::from_json(&format!(
        r#"{{"duration_s": 10, "workload": {{"arrival_rate_per_s": 50, "cancel_share": 1,
                                         "cancel_delay_ms": 60}},
            "services": {{"order": {{"workers": 64}},
                         "payment": {{"service_time": {{"kind": "fixed", "ms": 50}}}},
                         "inventory": {{}}}},
            "trace": {{"sample_every": 1, "max_traces": 100000}},
            "faults": [{payment_fault}]}}"#
    ))
    .expect("test scenario")
}

fn settled(scenario: &Scenario) -> Comparison {
    let mut comparison = Comparison::new(scenario, 3);
    comparison.run_until(SimTime::from_secs(6));
    comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
    comparison.run_until(SimTime::from_secs(10));
    comparison
}

/// Cancelled orders whose charge still stands, and how many were charged at all.
fn charges_of_cancelled(sim: &Simulation) -> (u64, u64) {
    let arrived = sim.summary().orders_arrived;
    let (mut standing, mut charged) = (0, 0);
    for id in 0..arrived {
        let state = sim.order(id).expect("still in the window");
        if state.status == engine::Status::Cancelled
            && state.effects[ServiceId::Payment.index()] > 0
        {
            charged += 1;
            standing += u64::from(state.standing_effects(ServiceId::Payment) > 0);
        }
    }
    (standing, charged)
}

/// With Payment healthy, Order refunds every cancelled order it charged, and each refund
/// comes at least Payment's 50 ms of work after the customer cancelled.
#[test]
fn a_cancellation_refunds_with_a_call_that_takes_time() {
    let comparison = settled(&cancelling_shop(""));
    let sync = comparison.sync();
    let (standing, charged) = charges_of_cancelled(sync);
    assert!(charged > 50, "{charged} cancelled orders charged");
    assert_eq!(standing, 0);
    assert_eq!(
        sync.summary().inconsistent_orders,
        0,
        "{:?}",
        sync.summary()
    );
    let mut refunds = 0;
    for order in sync.traced_orders() {
        let entries = &sync.trace(order).expect("traced").entries;
        let cancelled = entries.iter().find(|e| e.step == Step::CancelRequested);
        let undone = entries
            .iter()
            .find(|e| e.step == Step::Undone && e.service == Some(ServiceId::Payment));
        if let (Some(cancelled), Some(undone)) = (cancelled, undone) {
            refunds += 1;
            assert!(
                undone.at >= cancelled.at + SimTime::from_millis(50),
                "{entries:?}"
            );
        }
    }
    assert!(
        refunds >= charged,
        "{refunds} refunds for {charged} charges"
    );
}

/// Payment refuses every call from 3 s on, and there are no retries: the refunds Order tries
/// from then on fail, and exactly the cancelled orders whose charge still stands are
/// inconsistent.
#[test]
fn a_refund_that_fails_leaves_the_order_inconsistent() {
    let comparison = settled(&cancelling_shop(
        r#"{"kind": "outage", "target": "payment", "mode": "refuse", "start_s": 3}"#,
    ));
    let sync = comparison.sync();
    let (standing, _) = charges_of_cancelled(sync);
    assert!(standing > 0);
    assert_eq!(
        sync.summary().inconsistent_orders,
        standing,
        "{:?}",
        sync.summary()
    );
}

/// A calm shop whose customers cancel a third of their orders: nobody acts on an order after
/// being told it was cancelled, in either design (the event shop keys by order, so each
/// cancellation follows its order). Before, the chain counted every call that finished after
/// the customer's cancellation.
#[test]
fn a_calm_shop_acts_on_no_cancelled_order_it_was_told_of() {
    let scenario = Scenario::from_json(
        r#"{"duration_s": 10, "workload": {"arrival_rate_per_s": 200, "cancel_share": 0.3,
                                         "cancel_delay_ms": 20},
            "services": {"order": {"workers": 64}, "payment": {}, "inventory": {},
                         "shipping": {}, "notification": {}}}"#,
    )
    .expect("test scenario");
    let comparison = settled(&scenario);
    let (sync, event) = comparison.summaries();
    assert!(sync.orders_cancelled > 200, "{sync:?}");
    assert_eq!(sync.ordering_anomalies, 0, "{sync:?}");
    assert_eq!(event.ordering_anomalies, 0, "{event:?}");
}

/// An error rate of 0.2 on Shipping and no second chances (no retries, dead letters after
/// one failure): about a fifth of the orders fail in both designs, since Shipping works once
/// per order in each; the event-driven Shipping only notes down `OrderCreated` and the first
/// half of its join.
#[test]
fn an_error_rate_fails_as_many_orders_in_both_designs() {
    let scenario = Scenario::from_json(
        r#"{"duration_s": 10, "workload": {"arrival_rate_per_s": 200},
            "services": {"order": {"workers": 64}, "payment": {}, "inventory": {},
                         "shipping": {}, "notification": {}},
            "event": {"dead_letter_after": 1},
            "faults": [{"kind": "error_rate", "target": "shipping", "probability": 0.2,
                        "start_s": 0}]}"#,
    )
    .expect("test scenario");
    let comparison = settled(&scenario);
    let (sync, event) = comparison.summaries();
    for (name, s) in [("sync", &sync), ("event", &event)] {
        let n = s.orders_arrived as f64;
        let spread = 5.0 * (n * 0.2 * 0.8).sqrt();
        assert_eq!(s.orders_in_flight, 0, "{name}: {s:?}");
        assert!(
            (s.orders_failed as f64 - 0.2 * n).abs() < spread,
            "{name}: {} of {n} failed",
            s.orders_failed
        );
    }
}

/// Poison aimed at Shipping, with dead letters after one failure: every order fails at
/// Shipping in both designs (the event-driven Shipping is poisoned by the record it acts on,
/// the second half of its join).
#[test]
fn poison_strikes_a_service_that_acts_on_a_join() {
    let scenario = Scenario::from_json(
        r#"{"duration_s": 10, "workload": {"arrival_rate_per_s": 100},
            "services": {"order": {"workers": 64}, "payment": {}, "inventory": {},
                         "shipping": {}, "notification": {}},
            "event": {"dead_letter_after": 1},
            "faults": [{"kind": "poison_event", "target": "shipping", "probability": 1,
                        "start_s": 0}]}"#,
    )
    .expect("test scenario");
    let comparison = settled(&scenario);
    let (sync, event) = comparison.summaries();
    assert!(sync.orders_arrived > 500, "{sync:?}");
    assert_eq!(sync.orders_failed, sync.orders_arrived, "{sync:?}");
    assert_eq!(event.orders_failed, event.orders_arrived, "{event:?}");
    assert_eq!(event.dead_lettered, event.orders_arrived, "{event:?}");
}
