//! Rebalances as Kafka's consumer groups do them: a living member finishes and commits the
//! batch it polled before it gives up its partitions, so only a dead member's work is read
//! again (at-least-once) or lost (at-most-once); a member removed by scaling down leaves
//! cleanly, and one added joins without anything being read twice.

use engine::{Comparison, ControlAction, Scenario, ServiceId, SimTime, Summary};

/// Payment with `consumers` members on 8 partitions, batches of 20, busy enough that every
/// poll returns a full batch.
fn busy_payment(consumers: u32, commit: &str, faults: &str) -> Scenario {
    Scenario::from_json(&format!(
        r#"{{"duration_s": 30, "workload": {{"arrival_rate_per_s": 400}},
            "services": {{"order": {{"workers": 64}},
                         "payment": {{"consumers": {consumers}, "workers": 8,
                                     "service_time": {{"kind": "fixed", "ms": 9}}}},
                         "inventory": {{}}, "shipping": {{}}, "notification": {{}}}},
            "event": {{"partitions": 8, "batch_size": 20, "commit": "{commit}"}},
            "faults": [{faults}]}}"#
    ))
    .expect("test scenario")
}

/// Runs to 6 s, stops arrivals and lets everything drain.
fn settled(scenario: &Scenario, seed: u64, actions: &[(f64, ControlAction)]) -> Summary {
    let mut comparison = Comparison::new(scenario, seed);
    for (at, action) in actions {
        comparison.run_until(SimTime::from_secs_f64(*at));
        comparison.apply(action.clone());
    }
    comparison.run_until(SimTime::from_secs(6));
    comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
    comparison.run_until(SimTime::from_secs(30));
    comparison.event().summary()
}

const CRASH: &str =
    r#"{"kind": "consumer_crash", "target": "payment", "start_s": 2, "restart_after_ms": 1000}"#;

/// At-least-once, four members, one crash: only the dead member's uncommitted batch (at most
/// 20 records) is processed again, each a double charge; the three healthy members finish
/// and commit theirs.
#[test]
fn a_crash_re_reads_only_the_dead_members_batch() {
    for seed in [1, 2, 3, 4] {
        let event = settled(&busy_payment(4, "after_processing", CRASH), seed, &[]);
        assert_eq!(event.orders_in_flight, 0, "seed {seed}: {event:?}");
        assert!(event.rebalances >= 1, "seed {seed}: {event:?}");
        assert!(
            (1..=20).contains(&event.redeliveries),
            "seed {seed}: {event:?}"
        );
        assert_eq!(
            event.double_charges, event.redeliveries,
            "seed {seed}: {event:?}"
        );
        assert_eq!(event.lost_orders, 0, "seed {seed}: {event:?}");
    }
}

/// At-most-once, four members, one crash: the dead member loses what it had committed and
/// not yet processed, at most 19 of its 20 records; the healthy members lose nothing.
#[test]
fn at_most_once_loses_only_the_dead_members_records() {
    for seed in [1, 2, 3, 4] {
        let event = settled(&busy_payment(4, "before_processing", CRASH), seed, &[]);
        assert!(event.rebalances >= 1, "seed {seed}: {event:?}");
        assert!(event.lost_orders <= 19, "seed {seed}: {event:?}");
        assert_eq!(
            event.orders_in_flight, event.lost_orders,
            "seed {seed}: {event:?}"
        );
        assert_eq!(event.double_charges, 0, "seed {seed}: {event:?}");
    }
}

/// Scaling down from four members to two, and up from two to four, in the middle of a busy
/// run: members that leave commit what they processed, members that stay finish their batch,
/// so not one record is read twice or lost, under either commit policy.
#[test]
fn scaling_a_group_reads_nothing_twice_and_loses_nothing() {
    for commit in ["after_processing", "before_processing", "periodic"] {
        for (from, to) in [(4, 2), (2, 4), (4, 1)] {
            let scenario = busy_payment(from, commit, "");
            let action = ControlAction::SetConsumerCount {
                service: ServiceId::Payment,
                consumers: to,
            };
            let event = settled(&scenario, 7, &[(3.0, action)]);
            let place = format!("{commit}, {from} → {to}");
            assert_eq!(event.rebalances, 1, "{place}: {event:?}");
            assert_eq!(event.redeliveries, 0, "{place}: {event:?}");
            assert_eq!(event.double_charges, 0, "{place}: {event:?}");
            assert_eq!(event.lost_orders, 0, "{place}: {event:?}");
            assert_eq!(event.orders_in_flight, 0, "{place}: {event:?}");
        }
    }
}

/// The snapshot shows each member and how many partitions it owns, as the assignor spread
/// them: 8 partitions over 3 members are 3, 3 and 2; over 10, two members own nothing (idle,
/// the partition cap). A crashed member keeps its partitions until its session times out
/// (3 s), and nobody reads them meanwhile; then the 8 are spread over the 2 left, 4 each;
/// once it is back, 3, 3 and 2 again.
#[test]
fn the_snapshot_shows_which_members_own_how_many_partitions() {
    let members = |comparison: &Comparison| {
        let snapshot = comparison.event().snapshot();
        let group = snapshot
            .groups
            .iter()
            .find(|g| g.group == ServiceId::Payment)
            .expect("payment's group")
            .clone();
        let owned = |m: u32| {
            snapshot
                .partitions
                .iter()
                .flat_map(|p| &p.groups)
                .filter(|g| g.group == ServiceId::Payment && g.owner == Some(m))
                .count() as u32
        };
        for (index, member) in group.member_states.iter().enumerate() {
            assert_eq!(member.partitions, owned(index as u32), "{group:?}");
        }
        group
            .member_states
            .iter()
            .map(|m| (m.alive, m.partitions))
            .collect::<Vec<_>>()
    };
    let mut three = Comparison::new(&busy_payment(3, "after_processing", ""), 1);
    three.run_until(SimTime::from_secs(1));
    assert_eq!(members(&three), [(true, 3), (true, 3), (true, 2)]);
    let mut ten = Comparison::new(&busy_payment(10, "after_processing", ""), 1);
    ten.run_until(SimTime::from_secs(1));
    let ten = members(&ten);
    assert_eq!(ten.len(), 10);
    assert_eq!(ten.iter().filter(|&&(_, n)| n == 1).count(), 8);
    assert_eq!(ten.iter().filter(|&&(alive, n)| alive && n == 0).count(), 2);

    let crash = r#"{"kind": "consumer_crash", "target": "payment", "start_s": 2, "restart_after_ms": 8000}"#;
    let mut crashed = Comparison::new(&busy_payment(3, "after_processing", crash), 1);
    crashed.run_until(SimTime::from_secs(4));
    let mut held = members(&crashed);
    held.sort();
    assert!(
        held == [(false, 2), (true, 3), (true, 3)] || held == [(false, 3), (true, 2), (true, 3)],
        "{held:?}"
    );
    crashed.run_until(SimTime::from_secs(6));
    let mut after_session = members(&crashed);
    after_session.sort();
    assert_eq!(after_session, [(false, 0), (true, 4), (true, 4)]);
    crashed.run_until(SimTime::from_secs(12));
    let mut after = members(&crashed);
    after.sort();
    assert_eq!(after, [(true, 2), (true, 3), (true, 3)]);
}
