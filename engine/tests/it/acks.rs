//! Order says "accepted" only once the broker has the order's record (acks), within a delivery
//! timeout that otherwise fails the request; records without a key go to a partition the
//! producer can reach.

use engine::{Comparison, ControlAction, Scenario, SimTime, TopicId};

fn shop(key: &str, faults: &str) -> Scenario {
    Scenario::from_json(&format!(
        r#"{{"duration_s": 10, "workload": {{"arrival_rate_per_s": 100}},
            "services": {{"order": {{"workers": 64, "service_time": {{"kind": "fixed", "ms": 2}}}},
                         "payment": {{}}, "inventory": {{}}, "shipping": {{}}, "notification": {{}}}},
            "sync": {{"hop_latency_ms": 1}},
            "event": {{"partitions": 2, "partition_key": "{key}", "broker_latency_ms": 1,
                       "delivery_timeout_ms": 500}},
            "faults": [{faults}]}}"#
    ))
    .expect("test scenario")
}

fn settled(scenario: &Scenario) -> Comparison {
    let mut comparison = Comparison::new(scenario, 8);
    comparison.run_until(SimTime::from_secs(6));
    comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
    comparison.run_until(SimTime::from_secs(10));
    comparison
}

/// The customer's wait is the request (1 ms), Order's work (2 ms), the record reaching the
/// broker (1 ms), the acknowledgement coming back (1 ms) and the answer (1 ms): 6 ms, every time.
#[test]
fn accepted_means_the_broker_has_the_record() {
    let comparison = settled(&shop("order_id", ""));
    let latency = comparison.event().summary().latency_ms;
    assert!((latency.mean - 6.0).abs() < 1e-9, "{latency:?}");
    // (The histogram keeps three significant digits.)
    assert!(latency.max < 6.02, "{latency:?}");
}

fn orders_logged(comparison: &Comparison) -> u64 {
    let sim = comparison.event();
    let topic = sim.broker().expect("event design").topic(TopicId::Orders);
    topic.partitions.iter().map(|p| p.end_offset()).sum()
}

/// Partition 0 is unavailable from 1 s to 5 s. An order keyed to it cannot be written: Order
/// waits, and after the 500 ms delivery timeout tells the customer it failed, and the record
/// is never written. So every failure is a timeout, and the log holds exactly the orders that
/// were accepted: about half of those placed while the partition was down failed.
#[test]
fn a_keyed_record_that_cannot_be_written_fails_the_order() {
    let comparison = settled(&shop(
        "order_id",
        r#"{"kind": "partition_unavailable", "partition": 0, "start_s": 1, "end_s": 5}"#,
    ));
    let event = comparison.event().summary();
    assert_eq!(event.orders_in_flight, 0, "{event:?}");
    assert_eq!(event.timeouts, event.orders_failed, "{event:?}");
    assert_eq!(
        orders_logged(&comparison),
        event.orders_arrived - event.orders_failed
    );
    // Half of about 350 orders placed from 1 s to 4.5 s.
    assert!((120..=230).contains(&event.orders_failed), "{event:?}");
}

/// The same outage with records that have no key: the producer sends each to the partition
/// it can reach, so nothing waits and nothing fails.
#[test]
fn a_keyless_record_goes_to_a_partition_that_is_up() {
    let comparison = settled(&shop(
        "none",
        r#"{"kind": "partition_unavailable", "partition": 0, "start_s": 1, "end_s": 5}"#,
    ));
    let event = comparison.event().summary();
    assert_eq!(event.orders_failed, 0, "{event:?}");
    assert_eq!(orders_logged(&comparison), event.orders_arrived);
    assert!(
        (event.latency_ms.mean - 6.0).abs() < 1e-9,
        "{:?}",
        event.latency_ms
    );
}

/// Partition 0 is down for 100 s and the gateway gives up on customers after 1 s, so the
/// orders Order is still waiting on are failed long before their 80 s delivery timeout, and
/// the customers' orders would leave the engine's window of live orders after a minute.
/// Order's workers must still come back, each at its delivery timeout: none is held for good.
#[test]
fn a_worker_waiting_past_its_customer_comes_back_at_the_delivery_timeout() {
    let mut scenario = shop(
        "order_id",
        r#"{"kind": "partition_unavailable", "partition": 0, "start_s": 1, "end_s": 100}"#,
    );
    scenario.duration_s = 120.0;
    scenario.sync.gateway_timeout_ms = Some(1_000.0);
    scenario.event.delivery_timeout_ms = 80_000.0;
    let mut comparison = Comparison::new(&scenario, 8);
    // About 60 orders, half of them keyed to the partition that is down: fewer than Order's
    // 64 workers, so none queues.
    comparison.run_until(SimTime::from_millis(1_600));
    comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
    comparison.run_until(SimTime::from_secs(50));
    let held = comparison
        .event()
        .pool(engine::ServiceId::Order)
        .map_or(0, |p| p.0);
    assert!(
        (10..64).contains(&held),
        "{held} of Order's workers waiting at 50 s"
    );
    comparison.run_until(SimTime::from_secs(90));
    let event = comparison.event().summary();
    let busy = comparison
        .event()
        .pool(engine::ServiceId::Order)
        .map(|p| p.0);
    assert_eq!(busy, Some(0), "{event:?}");
}
