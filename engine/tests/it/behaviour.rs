//! The features a learner sees, one named scenario each, with asserted outcomes.

use crate::support::{crash_scenario, run_sim_checked, secs, shop};
use engine::scenario::{
    CircuitBreaker, CommitPolicy, PartitionKey, ServiceConfig, ServiceTime, SyncStyle,
};
use engine::trace::Step;
use engine::{
    Comparison, ControlAction, Design, Fault, FaultKind, OutageMode, Scenario, ServiceId,
    Simulation, Summary,
};

fn run(scenario: &Scenario, seed: u64) -> (Summary, Summary) {
    let mut comparison = Comparison::new(scenario, seed);
    comparison.run();
    comparison.summaries()
}

fn outage(target: ServiceId, mode: OutageMode, start: f64, end: f64) -> Fault {
    Fault {
        mode: Some(mode),
        ..Fault::new(FaultKind::Outage)
            .on(target)
            .window(start, Some(end))
    }
}

#[test]
fn latency_accumulates_with_each_synchronous_hop() {
    let mut scenario = shop(20.0, 20.0);
    scenario.workload.cancel_share = 0.0;
    for config in scenario.services.values_mut() {
        config.service_time = ServiceTime::Fixed { ms: 2.0 };
    }
    scenario.sync.hop_latency_ms = 10.0;
    let (sync, _) = run(&scenario, 1);
    // Five services, each a request and an answer of 10 ms plus 2 ms of work.
    assert!(
        (sync.latency_ms.mean - 110.0).abs() < 2.0,
        "seed=1: {}",
        sync.latency_ms.mean
    );
    scenario.sync.style = SyncStyle::Nested;
    let (nested, _) = run(&scenario, 1);
    assert!(
        (nested.latency_ms.mean - 110.0).abs() < 2.0,
        "seed=1: {}",
        nested.latency_ms.mean
    );
}

#[test]
fn events_keep_acceptance_latency_flat_while_payment_is_slow() {
    let mut scenario = shop(150.0, 20.0);
    scenario.faults = vec![Fault {
        factor: Some(6.0),
        ..Fault::new(FaultKind::Slowdown)
            .on(ServiceId::Payment)
            .window(5.0, Some(15.0))
    }];
    let (sync, event) = run(&scenario, 2);
    assert!(
        sync.latency_ms.p99 > 5.0 * event.latency_ms.p99,
        "seed=2: sync {:?} event {:?}",
        sync.latency_ms,
        event.latency_ms
    );
    assert!(
        event.max_consumer_lag > 50,
        "seed=2: lag {}",
        event.max_consumer_lag
    );
}

#[test]
fn a_payment_outage_fails_sync_orders_while_event_orders_wait() {
    let mut scenario = shop(100.0, 30.0);
    scenario.faults = vec![outage(ServiceId::Payment, OutageMode::Refuse, 5.0, 10.0)];
    let (sync, event) = run(&scenario, 3);
    assert!(sync.orders_failed > 300, "seed=3: {sync:?}");
    assert_eq!(event.orders_failed, 0, "seed=3: {event:?}");
    assert!(event.max_consumer_lag_s > 4.0, "seed=3: {event:?}");
    assert!(
        event.orders_in_flight < 20,
        "seed=3: the backlog drained: {event:?}"
    );
}

/// Inventory hangs for 3 s and each call gives up after 500 ms, without retries. Order holds a
/// worker for every call it waits on, so its 8 workers each time out on Inventory once every
/// half second: 8 × 3 s / 0.5 s = 48 timeouts, give or take one round. The customers behind
/// them wait in Order's queue until the gateway's own 500 ms runs out: nobody waits longer,
/// and most orders placed during the hang fail.
#[test]
fn a_hanging_service_holds_callers_until_their_timeout() {
    let mut scenario = shop(100.0, 15.0);
    scenario.workload.cancel_share = 0.0;
    scenario.sync.timeout_ms = Some(500.0);
    scenario.sync.gateway_timeout_ms = Some(500.0);
    scenario.sync.retries.attempts = 0;
    scenario.faults = vec![outage(ServiceId::Inventory, OutageMode::Hang, 5.0, 8.0)];
    let mut comparison = Comparison::new(&scenario, 4);
    comparison.run();
    let sync = comparison.sync().summary();
    let inventory = comparison.sync().metrics().service_totals[ServiceId::Inventory.index()];
    assert!(
        (40..=56).contains(&inventory.timeouts),
        "seed=4: {inventory:?}"
    );
    assert!(sync.latency_ms.max < 503.0, "seed=4: {sync:?}");
    assert!(sync.orders_failed > 250, "seed=4: {sync:?}");
    assert_eq!(
        sync.inconsistent_orders, sync.orders_failed,
        "seed=4: every failed order was charged anyway, when Order got to it: {sync:?}"
    );
}

#[test]
fn timeouts_and_retries_charge_twice_unless_payment_keeps_idempotency_keys() {
    let mut scenario = shop(100.0, 15.0);
    scenario.sync.timeout_ms = Some(40.0);
    scenario.sync.retries.attempts = 2;
    scenario.faults = vec![Fault {
        extra_latency_ms: Some(60.0),
        ..Fault::new(FaultKind::Slowdown)
            .on(ServiceId::Payment)
            .window(3.0, Some(6.0))
    }];
    let (sync, _) = run(&scenario, 5);
    assert!(sync.double_charges > 50, "seed=5: {sync:?}");
    assert!(sync.retries > 100, "seed=5: {sync:?}");
    scenario.sync.idempotency_keys = true;
    let (keyed, _) = run(&scenario, 5);
    assert_eq!(keyed.double_charges, 0, "seed=5: {keyed:?}");
}

#[test]
fn a_spike_is_rejected_by_the_chain_and_buffered_by_the_log() {
    let mut scenario = shop(200.0, 20.0);
    for config in scenario.services.values_mut() {
        config.queue_capacity = 50;
    }
    scenario.faults = vec![Fault {
        multiplier: Some(10.0),
        ..Fault::new(FaultKind::TrafficSpike).window(5.0, Some(8.0))
    }];
    let (sync, event) = run(&scenario, 6);
    assert!(sync.orders_rejected > 500, "seed=6: {sync:?}");
    assert!(
        event.orders_failed < sync.orders_failed / 10,
        "seed=6: {event:?}"
    );
    assert!(event.max_consumer_lag > 100, "seed=6: {event:?}");
}

#[test]
fn a_crash_between_charge_and_commit_charges_twice_unless_payment_is_idempotent() {
    let (_, event) = run(&crash_scenario(CommitPolicy::AfterProcessing, false), 7);
    assert!(event.double_charges > 0, "seed=7: {event:?}");
    assert!(event.rebalances >= 5, "seed=7: {event:?}");
    assert_eq!(event.lost_orders, 0, "seed=7: {event:?}");
    let (_, idempotent) = run(&crash_scenario(CommitPolicy::AfterProcessing, true), 7);
    assert_eq!(idempotent.double_charges, 0, "seed=7: {idempotent:?}");
}

/// A consumer that comes back before its session expires has still lost its uncommitted
/// progress: everything since the last commit is delivered again, as after a slow restart, not
/// just the batch it was working on.
#[test]
fn a_quick_restart_redelivers_everything_not_yet_committed() {
    let with_restart = |restart_ms: f64| {
        let mut scenario = crash_scenario(CommitPolicy::Periodic, false);
        scenario.event.commit_interval_ms = 2_000.0;
        scenario.event.batch_size = 5;
        for fault in &mut scenario.faults {
            fault.restart_after_ms = Some(restart_ms);
        }
        run(&scenario, 9).1
    };
    let session_ms = Scenario::default().event.session_timeout_ms;
    let quick = with_restart(session_ms / 10.0);
    let slow = with_restart(session_ms * 2.0);
    // Payment is not idempotent here, so every charge delivered again is a double charge.
    let crashes = 5;
    assert!(
        quick.double_charges > 2 * crashes,
        "more than the record each crash was on is charged again: {quick:?}"
    );
    assert!(
        quick.double_charges * 2 >= slow.double_charges,
        "quick restart {} vs slow restart {} double charges",
        quick.double_charges,
        slow.double_charges
    );
}

/// Two Payment consumers that cannot keep up, so every poll returns a full batch of 20: each
/// of the five crashes loses what the dead member had committed and not yet processed, at
/// most 19 records; nothing is charged twice.
#[test]
fn committing_before_processing_loses_orders_instead() {
    let mut scenario = crash_scenario(CommitPolicy::BeforeProcessing, false);
    let payment = scenario.services.get_mut(&ServiceId::Payment).unwrap();
    payment.consumers = Some(2);
    payment.service_time = ServiceTime::Fixed { ms: 6.0 };
    let (_, event) = run(&scenario, 8);
    assert_eq!(event.double_charges, 0, "seed=8: {event:?}");
    assert!(
        (1..=5 * 19).contains(&event.lost_orders),
        "seed=8: {event:?}"
    );
}

#[test]
fn a_poison_event_is_dead_lettered_or_blocks_its_partition() {
    let mut scenario = shop(100.0, 20.0);
    scenario.faults = vec![Fault {
        probability: Some(0.05),
        ..Fault::new(FaultKind::PoisonEvent)
            .on(ServiceId::Payment)
            .window(2.0, Some(4.0))
    }];
    let (_, parked) = run(&scenario, 9);
    assert!(parked.dead_lettered > 0, "seed=9: {parked:?}");
    assert!(parked.max_consumer_lag < 100, "seed=9: {parked:?}");
    scenario.event.dead_letter_after = None;
    let (_, blocked) = run(&scenario, 9);
    assert_eq!(blocked.dead_lettered, 0, "seed=9: {blocked:?}");
    assert!(blocked.max_consumer_lag > 300, "seed=9: {blocked:?}");
}

#[test]
fn an_unavailable_partition_holds_its_records_until_it_returns() {
    let mut scenario = shop(100.0, 20.0);
    scenario.faults = vec![Fault {
        partition: Some(2),
        ..Fault::new(FaultKind::PartitionUnavailable).window(3.0, Some(8.0))
    }];
    let (_, event) = run(&scenario, 10);
    assert!(
        event.completion_latency_ms.max > 4_000.0,
        "seed=10: {event:?}"
    );
    assert!(event.orders_in_flight < 20, "seed=10: {event:?}");
}

#[test]
fn unkeyed_events_let_cancellations_overtake_orders_unless_services_check_versions() {
    let mut scenario = shop(200.0, 20.0);
    scenario.workload.cancel_share = 0.4;
    scenario.workload.cancel_delay_ms = 3.0;
    scenario.event.partition_key = PartitionKey::None;
    scenario.faults = vec![Fault {
        jitter_ms: Some(30.0),
        ..Fault::new(FaultKind::Reordering).window(0.0, None)
    }];
    let (_, unkeyed) = run(&scenario, 11);
    assert!(unkeyed.ordering_anomalies > 0, "seed=11: {unkeyed:?}");
    scenario.event.version_checks = true;
    let (_, checked) = run(&scenario, 11);
    assert_eq!(checked.ordering_anomalies, 0, "seed=11: {checked:?}");
}

#[test]
fn new_consumers_join_without_changing_the_producer() {
    let scenario = shop(100.0, 10.0);
    let mut extended = scenario.clone();
    for id in [ServiceId::Fraud, ServiceId::Analytics] {
        extended.services.insert(id, ServiceConfig::default());
    }
    let mut before = Simulation::new(&scenario, 12, Design::Event);
    let mut after = Simulation::new(&extended, 12, Design::Event);
    before.run();
    after.run();
    let orders = |sim: &Simulation| {
        sim.broker()
            .unwrap()
            .topic(engine::TopicId::Orders)
            .partitions
            .iter()
            .map(|p| p.end_offset())
            .sum::<u64>()
    };
    assert_eq!(
        orders(&before),
        orders(&after),
        "seed=12: Order produced the same records"
    );
    let groups: Vec<ServiceId> = after
        .broker()
        .unwrap()
        .groups
        .iter()
        .map(|g| g.service)
        .collect();
    assert!(groups.contains(&ServiceId::Fraud) && groups.contains(&ServiceId::Analytics));
    assert!(after.metrics().service_totals[ServiceId::Analytics.index()].completions > 1_000);
}

#[test]
fn an_open_circuit_breaker_fails_fast() {
    let mut scenario = shop(100.0, 15.0);
    scenario.sync.timeout_ms = Some(200.0);
    scenario.faults = vec![outage(ServiceId::Payment, OutageMode::Hang, 3.0, 10.0)];
    let (slow, _) = run(&scenario, 13);
    scenario.sync.circuit_breaker = Some(CircuitBreaker {
        failure_threshold: 5,
        open_ms: 1_000.0,
    });
    let (fast, _) = run(&scenario, 13);
    assert!(fast.orders_rejected > 300, "seed=13: {fast:?}");
    assert!(
        fast.latency_ms.p95 < slow.latency_ms.p95 / 2.0,
        "seed=13: {:?} vs {:?}",
        fast.latency_ms,
        slow.latency_ms
    );
}

#[test]
fn a_bulkhead_caps_calls_in_flight_to_one_service() {
    let mut scenario = shop(150.0, 10.0);
    scenario.sync.bulkhead = Some(4);
    scenario.faults = vec![Fault {
        factor: Some(10.0),
        ..Fault::new(FaultKind::Slowdown)
            .on(ServiceId::Inventory)
            .window(2.0, Some(6.0))
    }];
    let (sync, _) = run(&scenario, 14);
    assert!(sync.orders_rejected > 100, "seed=14: {sync:?}");
}

#[test]
fn more_consumers_drain_lag_but_partitions_cap_parallelism() {
    let mut scenario = shop(300.0, 20.0);
    scenario.event.partitions = 4;
    let payment = scenario.services.get_mut(&ServiceId::Payment).unwrap();
    payment.service_time = ServiceTime::Exponential { mean_ms: 12.0 };
    payment.consumers = Some(2);
    let lag = |consumers: u32, scenario: &Scenario| {
        let mut s = scenario.clone();
        s.services.get_mut(&ServiceId::Payment).unwrap().consumers = Some(consumers);
        run(&s, 15).1.max_consumer_lag
    };
    let (two, four, eight) = (lag(2, &scenario), lag(4, &scenario), lag(8, &scenario));
    assert!(
        two > 4 * four.max(1),
        "seed=15: lag {two} with 2 consumers, {four} with 4"
    );
    assert_eq!(
        four, eight,
        "seed=15: members beyond the partition count sit idle"
    );
}

#[test]
fn a_pinned_order_has_a_causal_trace_through_every_service() {
    let mut scenario = shop(100.0, 5.0);
    scenario.workload.cancel_share = 0.0;
    scenario.trace.pinned = vec![42];
    let mut comparison = Comparison::new(&scenario, 16);
    comparison.run();
    let trace = comparison
        .event()
        .trace(42)
        .expect("pinned order is traced");
    let steps: Vec<Step> = trace.entries.iter().map(|e| e.step).collect();
    assert_eq!(steps.first(), Some(&Step::Placed));
    assert_eq!(steps.last(), Some(&Step::Completed), "{steps:?}");
    let consumers: std::collections::BTreeSet<_> = trace
        .entries
        .iter()
        .filter(|e| e.step == Step::Consumed)
        .filter_map(|e| e.service)
        .collect();
    assert!(consumers.len() >= 4, "{consumers:?}");
    assert!(
        trace
            .entries
            .iter()
            .filter(|e| e.step == Step::Produced)
            .all(|e| e.offset.is_some() && e.partition.is_some())
    );
    assert!(trace.entries.windows(2).all(|w| w[0].at <= w[1].at));
    let sync_trace = comparison.sync().trace(42).unwrap();
    assert_eq!(
        sync_trace.entries.last().map(|e| e.step),
        Some(Step::Completed)
    );
}

#[test]
fn live_actions_take_effect_at_their_time() {
    let mut comparison = Comparison::new(&shop(100.0, 10.0), 17);
    comparison.run_until(secs(2.0));
    comparison.apply(ControlAction::InjectFault {
        fault: outage(ServiceId::Payment, OutageMode::Refuse, 0.0, 2.0),
    });
    comparison.run_until(secs(3.0));
    assert_eq!(comparison.actions()[0].at, secs(2.0));
    let snapshot = comparison.sync().snapshot();
    let payment = snapshot
        .services
        .iter()
        .find(|s| s.service == ServiceId::Payment)
        .unwrap();
    assert_eq!(payment.health, engine::HealthState::DownRefusing);
    comparison.run();
    let (sync, _) = comparison.summaries();
    assert!(sync.orders_failed > 100, "seed=17: {sync:?}");
}

#[test]
fn memory_stays_bounded_on_a_long_event_run() {
    let mut scenario = shop(500.0, 240.0);
    scenario.metrics.bucket_ms = 10.0;
    scenario.event.retention_s = 20.0;
    let mut sim = Simulation::new(&scenario, 18, Design::Event);
    run_sim_checked(&mut sim, secs(20.0), 18);
    sim.run();
    // The logs hold the last 20 s: 500 orders a second, four records each (the order, its
    // payment, its reservation, its shipment) and a few cancellations.
    let stored = sim.broker().unwrap().stored_records();
    assert!(
        (500 * 4 * 19..=500 * 5 * 21).contains(&stored),
        "seed=18: {stored} records kept"
    );
    assert!(
        sim.metrics().buckets().len() <= 4_097,
        "{}",
        sim.metrics().buckets().len()
    );
    assert!(sim.traced_orders().len() <= 200);
}

#[test]
fn live_verbs_are_recorded_as_actions() {
    let mut comparison = Comparison::new(&shop(100.0, 10.0), 19);
    comparison.run_until(secs(1.0));
    comparison.outage(ServiceId::Payment, OutageMode::Hang);
    comparison.run_until(secs(2.0));
    comparison.crash(ServiceId::Inventory, 500.0);
    comparison.spike(3.0);
    comparison.run_until(secs(3.0));
    comparison.heal(None);
    comparison.run();
    assert_eq!(comparison.actions().len(), 4);
    let replayed = Comparison::replay(
        &shop(100.0, 10.0),
        19,
        comparison.actions(),
        comparison.now(),
    );
    assert_eq!(
        replayed.event().trace_hash(),
        comparison.event().trace_hash(),
        "seed=19"
    );
    assert_eq!(
        replayed.sync().summary(),
        comparison.sync().summary(),
        "seed=19"
    );
}

#[test]
fn snapshots_show_what_there_is_to_draw() {
    let mut scenario = shop(300.0, 5.0);
    scenario.sync.hop_latency_ms = 5.0;
    let mut comparison = Comparison::new(&scenario, 20);
    comparison.run_until(secs(2.0));
    let sync = comparison.sync().snapshot();
    assert_eq!(sync.services.len(), 5);
    assert!(
        sync.edges
            .iter()
            .any(|e| e.in_flight > 0 && !e.sample.is_empty()),
        "{:?}",
        sync.edges
    );
    assert!(sync.services.iter().all(|s| s.busy <= s.workers));
    let event = comparison.event().snapshot();
    assert_eq!(
        event.partitions.len(),
        5 * scenario.event.partitions as usize
    );
    assert_eq!(event.groups.len(), 4);
    let orders = event
        .partitions
        .iter()
        .filter(|p| p.topic == engine::TopicId::Orders);
    for partition in orders {
        assert_eq!(
            partition.groups.len(),
            4,
            "payment, inventory, shipping and notification read orders"
        );
        assert!(
            partition
                .groups
                .iter()
                .all(|g| g.committed <= partition.end_offset && g.owner.is_some())
        );
    }
    let json = serde_json::to_string(&event).unwrap();
    assert!(json.contains("\"end_offset\"") && json.contains("\"committed\""));
}

/// Fraud joins halfway: the synchronous chain makes one more call for the orders placed after
/// that, while the event-driven shop gains a consumer group that starts at the end of the log,
/// and nothing its customers or producers see changes.
#[test]
fn a_service_added_during_the_run_joins_each_design_its_own_way() {
    let scenario = shop(100.0, 20.0);
    let mut plain = Comparison::new(&scenario, 4);
    plain.run_until(secs(20.0));
    let add = ControlAction::AddService {
        service: ServiceId::Fraud,
    };
    let joined = Comparison::replay(
        &scenario,
        4,
        &[engine::RecordedAction {
            at: secs(10.0),
            action: add.clone(),
        }],
        secs(20.0),
    );

    let p50_after = |comparison: &Comparison, design: Design, from_s: f64| {
        let buckets = comparison.design(design).metrics().buckets();
        let late: Vec<f64> = buckets
            .iter()
            .filter(|b| b.start >= secs(from_s) && b.latency_ms.count > 0)
            .map(|b| b.latency_ms.p50)
            .collect();
        late.iter().sum::<f64>() / late.len().max(1) as f64
    };
    let (before, after) = (
        p50_after(&plain, Design::Sync, 12.0),
        p50_after(&joined, Design::Sync, 12.0),
    );
    assert!(
        after > before + 2.0,
        "one more call per order: sync p50 {before:.1} → {after:.1} ms"
    );

    let (_, plain_event) = plain.summaries();
    let (_, joined_event) = joined.summaries();
    assert_eq!(
        plain_event.latency_ms, joined_event.latency_ms,
        "event-driven customers notice nothing"
    );
    let orders_log = |comparison: &Comparison| -> u64 {
        comparison
            .event()
            .snapshot()
            .partitions
            .iter()
            .filter(|p| p.topic == engine::TopicId::Orders)
            .map(|p| p.end_offset)
            .sum()
    };
    assert_eq!(
        orders_log(&plain),
        orders_log(&joined),
        "no producer changed"
    );
    let snapshot = joined.event().snapshot();
    let fraud = snapshot
        .groups
        .iter()
        .find(|g| g.group == ServiceId::Fraud)
        .expect("a Fraud consumer group");
    assert!(fraud.lag < 100, "it keeps up: {fraud:?}");
    let read: u64 = snapshot
        .partitions
        .iter()
        .filter(|p| p.topic == engine::TopicId::Orders)
        .flat_map(|p| p.groups.iter().filter(|g| g.group == ServiceId::Fraud))
        .map(|g| g.committed)
        .sum();
    assert!(
        read > orders_log(&joined) * 3 / 4,
        "its offsets start at the end of the log, not at 0: committed {read}"
    );

    // Added twice, or a service that cannot join, changes nothing.
    let mut twice = Comparison::replay(
        &scenario,
        4,
        &[
            engine::RecordedAction {
                at: secs(10.0),
                action: add.clone(),
            },
            engine::RecordedAction {
                at: secs(11.0),
                action: add,
            },
            engine::RecordedAction {
                at: secs(12.0),
                action: ControlAction::AddService {
                    service: ServiceId::Payment,
                },
            },
        ],
        secs(20.0),
    );
    twice.run_until(secs(20.0));
    assert_eq!(twice.sync().trace_hash(), joined.sync().trace_hash());
    assert_eq!(twice.event().trace_hash(), joined.event().trace_hash());
}
