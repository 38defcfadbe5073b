//! The log keeps records for its retention period, whatever has been read or committed; a
//! group further behind than that loses what expires first, and a group that joins during the
//! run starts at the end of the log or, with `earliest`, at its oldest retained record.

use engine::{Comparison, ControlAction, Scenario, ServiceId, SimTime};

fn shop(retention_s: f64, reset: &str, faults: &str) -> Scenario {
    Scenario::from_json(&format!(
        r#"{{"duration_s": 40, "workload": {{"arrival_rate_per_s": 100}},
            "services": {{"order": {{"workers": 64}}, "payment": {{}}, "inventory": {{}},
                         "shipping": {{}}, "notification": {{}}}},
            "event": {{"retention_s": {retention_s}, "auto_offset_reset": "{reset}",
                       "partitions": 4}},
            "faults": [{faults}]}}"#
    ))
    .expect("test scenario")
}

/// Everyone keeps up: after 30 s with a 10 s retention each log holds only about its last
/// 10 s of records (it does not wait for readers, nor drop what was read), and nothing expired
/// unread.
#[test]
fn logs_keep_what_retention_says_read_or_not() {
    let mut comparison = Comparison::new(&shop(10.0, "latest", ""), 2);
    comparison.run_until(SimTime::from_secs(30));
    let event = comparison.event();
    let broker = event.broker().expect("event design");
    let orders = broker.topic(engine::TopicId::Orders);
    let stored: usize = orders.partitions.iter().map(|p| p.stored()).sum();
    let produced: u64 = orders.partitions.iter().map(|p| p.end_offset()).sum();
    // About 100 OrderCreated a second for the last 10 s (give or take a metrics tick).
    assert!(
        (800..=1_200).contains(&stored),
        "{stored} of {produced} stored"
    );
    assert!(produced > 2_500, "{produced}");
    assert_eq!(event.summary().expired_records, 0, "{:?}", event.summary());
}

/// Payment is down for 20 s with a 5 s retention: when it comes back, the records older than
/// 5 s are gone. It loses them, each counted expired, and those orders can never complete.
#[test]
fn a_group_further_behind_than_retention_loses_records() {
    let scenario = shop(
        5.0,
        "latest",
        r#"{"kind": "outage", "target": "payment", "start_s": 5, "end_s": 25}"#,
    );
    let mut comparison = Comparison::new(&scenario, 3);
    comparison.run_until(SimTime::from_secs(30));
    comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
    comparison.run_until(SimTime::from_secs(40));
    let event = comparison.event().summary();
    // About 15 s of Payment's records (from 5 s to 20 s) expired before it came back.
    assert!(
        (1_200..=1_800).contains(&event.expired_records),
        "{event:?}"
    );
    assert_eq!(event.lost_orders, event.expired_records, "{event:?}");
    assert_eq!(event.orders_in_flight, event.lost_orders, "{event:?}");
}

/// Analytics joins at 20 s. With `latest` it reads only what is produced from then on; with
/// `earliest` it first replays every record still retained (all of them: retention is 600 s).
#[test]
fn a_new_group_starts_where_auto_offset_reset_says() {
    let mut read = Vec::new();
    for reset in ["latest", "earliest"] {
        let mut comparison = Comparison::new(&shop(600.0, reset, ""), 4);
        comparison.run_until(SimTime::from_secs(20));
        comparison.apply(ControlAction::AddService {
            service: ServiceId::Analytics,
        });
        comparison.run_until(SimTime::from_secs(30));
        let sim = comparison.event();
        read.push(sim.metrics().service_totals[ServiceId::Analytics.index()].completions);
    }
    // Analytics reads every topic; about 10 s against 30 s of history.
    assert!(read[0] > 1_000, "{read:?}");
    assert!(read[1] > 2 * read[0], "{read:?}");
}
