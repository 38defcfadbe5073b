//! Business failures and the saga that undoes them. A share of cards is declined and a share
//! of orders is out of stock; the shop undoes what it did for them: in the chain, Order (or,
//! nested, each service on the way back) refunds and releases; in the event-driven shop,
//! Payment and Inventory publish `PaymentFailed` / `InventoryUnavailable`, the other undoes its
//! work and publishes `PaymentRefunded` / `StockReleased`, and Notification tells the customer.

use engine::SimTime;
use engine::trace::RecordKind;
use engine::{Comparison, ControlAction, Scenario, Summary, TopicId};

fn shop(decline: f64, out_of_stock: f64, style: &str) -> Scenario {
    Scenario::from_json(&format!(
        r#"{{"duration_s": 10,
            "workload": {{"arrival_rate_per_s": 200, "decline_share": {decline},
                          "out_of_stock_share": {out_of_stock}}},
            "services": {{"order": {{"workers": 64}}, "payment": {{}}, "inventory": {{}},
                         "shipping": {{}}, "notification": {{}}}},
            "sync": {{"hop_latency_ms": 1, "style": "{style}"}},
            "event": {{"broker_latency_ms": 1}}}}"#
    ))
    .expect("test scenario")
}

/// Arrivals stop at 5 s; by 10 s every order has ended.
/// Checked as it runs: orders conserved (declined ones included), pools and logs consistent.
fn settled(scenario: &Scenario, seed: u64) -> (Comparison, Summary, Summary) {
    let mut comparison = Comparison::new(scenario, seed);
    crate::support::run_checked(&mut comparison, SimTime::from_secs(5), seed);
    comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
    crate::support::run_checked(&mut comparison, SimTime::from_secs(10), seed);
    let sync = comparison.sync().summary();
    let event = comparison.event().summary();
    (comparison, sync, event)
}

/// Records of `kind` on `topic` in the event-driven shop's log.
fn logged(comparison: &Comparison, topic: TopicId, kind: RecordKind) -> u64 {
    let broker = comparison.event().broker().expect("event design");
    broker
        .topic(topic)
        .partitions
        .iter()
        .map(|p| {
            (p.log_start()..p.end_offset())
                .filter(|&offset| p.get(offset).is_some_and(|r| r.kind == kind))
                .count() as u64
        })
        .sum()
}

/// What must hold of every settled run: each order completed or declined, once; nothing left
/// to undo, nobody charged twice or left charged for a declined order.
fn clean(summary: &Summary, what: &str) {
    assert_eq!(
        summary.orders_completed + summary.orders_declined,
        summary.orders_arrived,
        "{what}: {summary:?}"
    );
    assert_eq!(summary.orders_failed, 0, "{what}");
    assert_eq!(summary.orders_in_flight, 0, "{what}");
    assert_eq!(summary.pending_compensations, 0, "{what}");
    assert_eq!(summary.inconsistent_orders, 0, "{what}");
    assert_eq!(summary.double_charges, 0, "{what}");
    assert_eq!(summary.ordering_anomalies, 0, "{what}");
}

/// Declined cards: the same orders are declined in both designs (the same draws), about the
/// share asked for. In the chain Payment is called first, so nothing was done that needs
/// undoing. In the event-driven shop Inventory works at the same time as Payment: it releases
/// what it reserved before hearing of the failure, one `StockReleased` each. Every declined
/// order is announced by exactly one `PaymentFailed`, and its customer hears of it once: from
/// the answer in the chain, from Notification's email in the event-driven shop.
#[test]
fn a_declined_card_declines_the_order_in_both_designs() {
    for seed in 1..=3 {
        let (comparison, sync, event) = settled(&shop(0.2, 0.0, "orchestrated"), seed);
        clean(&sync, "sync");
        clean(&event, "event");
        assert_eq!(sync.orders_arrived, event.orders_arrived);
        assert_eq!(sync.orders_declined, event.orders_declined, "same orders");
        let n = sync.orders_arrived as f64;
        let sigma = (n * 0.2 * 0.8).sqrt();
        assert!(
            (sync.orders_declined as f64 - 0.2 * n).abs() < 5.0 * sigma,
            "{} of {n}",
            sync.orders_declined
        );
        assert_eq!(sync.compensation_ms.count, 0, "nothing to undo: {sync:?}");
        let releases = logged(&comparison, TopicId::Inventory, RecordKind::StockReleased);
        assert_eq!(releases, event.compensation_ms.count, "{event:?}");
        assert!(
            releases > 0 && releases <= event.orders_declined,
            "{event:?}"
        );
        assert_eq!(
            logged(&comparison, TopicId::Payments, RecordKind::PaymentFailed),
            event.orders_declined
        );
        assert_eq!(
            logged(&comparison, TopicId::Payments, RecordKind::PaymentRefunded),
            0
        );
        // Every customer of a declined order hears of it once.
        assert_eq!(sync.decline_notice_ms.count, sync.orders_declined);
        assert_eq!(event.decline_notice_ms.count, event.orders_declined);
    }
}

/// Out of stock, orchestrated: Order has had the card charged before Inventory says no, so
/// every declined order is refunded by a call, after Payment's answer, Inventory's round trip
/// and the refund's. Nested, Payment is still waiting on Inventory and refunds its own charge
/// before it answers: every declined order is refunded too, sooner. In the event-driven shop Payment refunds what it charged before it heard
/// `InventoryUnavailable`, publishing one `PaymentRefunded` per refund, and remembers the
/// failure so it never charges such an order later.
#[test]
fn out_of_stock_is_refunded_by_each_design_its_own_way() {
    for seed in 1..=3 {
        let (comparison, sync, event) = settled(&shop(0.0, 0.3, "orchestrated"), seed);
        clean(&sync, "sync orchestrated");
        clean(&event, "event");
        assert_eq!(sync.orders_declined, event.orders_declined, "same orders");
        assert!(sync.orders_declined > 100, "{sync:?}");
        assert_eq!(
            sync.compensation_ms.count, sync.orders_declined,
            "Order refunds every declined order's charge"
        );
        // A refund call: a hop each way and Payment's work.
        assert!(
            sync.compensation_ms.p50 >= 2.0,
            "{:?}",
            sync.compensation_ms
        );
        let refunds = logged(&comparison, TopicId::Payments, RecordKind::PaymentRefunded);
        assert_eq!(refunds, event.compensation_ms.count, "{event:?}");
        assert!(refunds <= event.orders_declined);
        assert_eq!(
            logged(
                &comparison,
                TopicId::Inventory,
                RecordKind::InventoryUnavailable
            ),
            event.orders_declined
        );
        assert_eq!(event.decline_notice_ms.count, event.orders_declined);

        let (_, nested, _) = settled(&shop(0.0, 0.3, "nested"), seed);
        clean(&nested, "sync nested");
        assert_eq!(nested.orders_declined, sync.orders_declined);
        assert_eq!(nested.compensation_ms.count, nested.orders_declined);
        assert!(
            nested.compensation_ms.mean < sync.compensation_ms.mean,
            "nested {:?}, orchestrated {:?}",
            nested.compensation_ms,
            sync.compensation_ms
        );
    }
}

/// Both failures on one order: it is declined once, and the event-driven Notification tells
/// the customer once although two failure records reach it.
#[test]
fn an_order_failing_twice_is_declined_and_notified_once() {
    let (_, sync, event) = settled(&shop(1.0, 1.0, "orchestrated"), 4);
    clean(&sync, "sync");
    clean(&event, "event");
    assert_eq!(sync.orders_declined, sync.orders_arrived);
    assert_eq!(event.orders_declined, event.orders_arrived);
    assert_eq!(event.decline_notice_ms.count, event.orders_declined);
    assert_eq!(sync.orders_completed + event.orders_completed, 0);
}

/// While Payment is slow the event-driven shop keeps charges it has not yet been able to
/// refund: pending compensations rise, then fall to zero once Payment catches up.
#[test]
fn compensations_wait_while_payment_is_slow() {
    let mut scenario = shop(0.0, 0.3, "orchestrated");
    scenario.faults = vec![
        serde_json::from_str(
            r#"{"kind": "slowdown", "target": "payment", "start_s": 1, "end_s": 3, "factor": 30}"#,
        )
        .expect("fault"),
    ];
    scenario
        .services
        .get_mut(&engine::ServiceId::Payment)
        .expect("payment")
        .consumers = Some(1);
    let mut comparison = Comparison::new(&scenario, 2);
    let mut peak = 0;
    while comparison.now() < SimTime::from_secs(5) {
        let next = comparison.now() + SimTime::from_millis(100);
        comparison.run_until(next);
        peak = peak.max(comparison.event().summary().pending_compensations);
    }
    comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
    comparison.run_until(SimTime::from_secs(60));
    let event = comparison.event().summary();
    clean(&event, "event");
    assert!(peak > 0, "charges waited for their refund");
    assert_eq!(event.pending_compensations, 0);
}

/// Cancellations and declines together: a customer is told of a decline only for an order that
/// was declined (one cancelled first is not), once each; nothing is left charged, and every
/// order ends exactly one way.
#[test]
fn cancelled_orders_are_not_announced_as_declined() {
    let mut scenario = shop(0.5, 0.0, "orchestrated");
    scenario.workload.cancel_share = 0.5;
    scenario.workload.cancel_delay_ms = 5.0;
    for seed in 1..=3 {
        let (_, sync, event) = settled(&scenario, seed);
        for summary in [&sync, &event] {
            assert_eq!(
                summary.decline_notice_ms.count, summary.orders_declined,
                "{summary:?}"
            );
            assert_eq!(
                summary.orders_completed
                    + summary.orders_declined
                    + summary.orders_cancelled
                    + summary.orders_failed,
                summary.orders_arrived,
                "{summary:?}"
            );
            assert_eq!(summary.pending_compensations, 0, "{summary:?}");
            assert!(summary.orders_cancelled > 100 && summary.orders_declined > 100);
        }
    }
}
