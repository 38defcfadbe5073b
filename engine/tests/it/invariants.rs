//! Properties over many seeds, options and fault schedules. The checkers panic with the seed
//! on any broken invariant; proptest prints the whole failing input, seed included.

use crate::support::{proptest_config, run_checked, secs, shop};
use engine::scenario::{CommitPolicy, PartitionKey, SyncStyle};
use engine::{Comparison, ControlAction, Fault, FaultKind, OutageMode, Scenario, ServiceId};
use proptest::prelude::*;

const TARGETS: [ServiceId; 5] = [
    ServiceId::Order,
    ServiceId::Payment,
    ServiceId::Inventory,
    ServiceId::Shipping,
    ServiceId::Notification,
];
const KINDS: [FaultKind; 9] = [
    FaultKind::Outage,
    FaultKind::Slowdown,
    FaultKind::ErrorRate,
    FaultKind::TrafficSpike,
    FaultKind::DuplicateDelivery,
    FaultKind::Reordering,
    FaultKind::ConsumerCrash,
    FaultKind::PartitionUnavailable,
    FaultKind::PoisonEvent,
];

fn fault(kind: FaultKind, target: ServiceId, start: f64, length: f64, x: f64, hang: bool) -> Fault {
    let base = Fault::new(kind).window(start, Some(start + length));
    match kind {
        FaultKind::Outage => Fault {
            mode: Some(if hang {
                OutageMode::Hang
            } else {
                OutageMode::Refuse
            }),
            ..base.on(target)
        },
        FaultKind::Slowdown => Fault {
            factor: Some(1.0 + 4.0 * x),
            ..base.on(target)
        },
        FaultKind::ErrorRate => Fault {
            probability: Some(0.5 * x),
            ..base.on(target)
        },
        FaultKind::TrafficSpike => Fault {
            multiplier: Some(1.0 + 3.0 * x),
            ..base
        },
        FaultKind::DuplicateDelivery => Fault {
            probability: Some(0.5 * x),
            ..base.on(target)
        },
        FaultKind::Reordering => Fault {
            jitter_ms: Some(50.0 * x),
            ..base
        },
        FaultKind::ConsumerCrash => Fault {
            restart_after_ms: Some(200.0 + 1000.0 * x),
            ..base.on(target)
        },
        FaultKind::PartitionUnavailable => Fault {
            partition: Some((x * 3.99) as u32),
            ..base
        },
        FaultKind::PoisonEvent => Fault {
            probability: Some(0.05 * x),
            ..base.on(target)
        },
    }
}

fn faults() -> impl Strategy<Value = Vec<Fault>> {
    let one = (
        0..KINDS.len(),
        0..TARGETS.len(),
        0.0..3.5f64,
        0.2..1.5f64,
        0.0..1.0f64,
        any::<bool>(),
    )
        .prop_map(|(k, t, start, length, x, hang)| {
            fault(KINDS[k], TARGETS[t], start, length, x, hang)
        });
    prop::collection::vec(one, 0..5)
}

#[derive(Clone, Debug)]
struct Options {
    commit: CommitPolicy,
    idempotent_consumers: bool,
    idempotent_producer: bool,
    key: PartitionKey,
    partitions: u32,
    payment_consumers: u32,
    timeout_ms: Option<f64>,
    retries: u32,
    nested: bool,
    dead_letter: bool,
    version_checks: bool,
}

fn options() -> impl Strategy<Value = Options> {
    (
        prop_oneof![
            Just(CommitPolicy::AfterProcessing),
            Just(CommitPolicy::BeforeProcessing),
            Just(CommitPolicy::Periodic)
        ],
        any::<bool>(),
        any::<bool>(),
        prop_oneof![
            Just(PartitionKey::OrderId),
            Just(PartitionKey::CustomerId),
            Just(PartitionKey::None)
        ],
        4..8u32,
        1..6u32,
        prop::option::of(100.0..2000.0f64),
        0..3u32,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(commit, ic, ip, key, partitions, consumers, timeout_ms, retries, nested, dlq, vc)| {
                Options {
                    commit,
                    idempotent_consumers: ic,
                    idempotent_producer: ip,
                    key,
                    partitions,
                    payment_consumers: consumers,
                    timeout_ms,
                    retries,
                    nested,
                    dead_letter: dlq,
                    version_checks: vc,
                }
            },
        )
}

fn scenario(options: &Options, faults: Vec<Fault>) -> Scenario {
    let mut scenario = shop(150.0, 5.0);
    let event = &mut scenario.event;
    event.commit = options.commit;
    event.commit_interval_ms = 200.0;
    event.idempotent_consumers = options.idempotent_consumers;
    event.idempotent_producer = options.idempotent_producer;
    event.partition_key = options.key;
    event.partitions = options.partitions;
    event.dead_letter_after = options.dead_letter.then_some(3);
    event.version_checks = options.version_checks;
    event.session_timeout_ms = 500.0;
    scenario.sync.timeout_ms = options.timeout_ms;
    scenario.sync.retries.attempts = options.retries;
    scenario.sync.style = if options.nested {
        SyncStyle::Nested
    } else {
        SyncStyle::Orchestrated
    };
    if let Some(payment) = scenario.services.get_mut(&ServiceId::Payment) {
        payment.consumers = Some(options.payment_consumers);
    }
    scenario.faults = faults;
    if let Err(problems) = scenario.validate() {
        panic!("generated an invalid scenario: {problems:?}");
    }
    scenario
}

/// Runs past the faults, then stops new orders and lets everything drain.
fn drain(comparison: &mut Comparison) {
    comparison.run_until(secs(5.0));
    comparison.apply(ControlAction::Heal { target: None });
    comparison.apply(ControlAction::SetArrivalRate { per_s: 0.0 });
    comparison.run_until(secs(60.0));
}

proptest! {
    #![proptest_config(proptest_config(128))]

    #[test]
    fn invariants_hold_under_any_fault_schedule(seed in any::<u64>(), options in options(), faults in faults()) {
        let scenario = scenario(&options, faults);
        let mut comparison = Comparison::new(&scenario, seed);
        run_checked(&mut comparison, secs(5.0), seed);
    }

    #[test]
    fn at_least_once_loses_nothing_once_faults_heal(seed in any::<u64>(), options in options(), faults in faults()) {
        let mut options = options;
        options.commit = CommitPolicy::AfterProcessing;
        options.dead_letter = true;
        // A hanging Order service without a timeout keeps customers waiting for ever: that
        // is visible in flight, not lost, and is not what this property is about.
        let faults = faults.into_iter().map(|mut f| { if f.target == Some(ServiceId::Order) { f.mode = f.mode.map(|_| OutageMode::Refuse); } f }).collect();
        let scenario = scenario(&options, faults);
        let mut comparison = Comparison::new(&scenario, seed);
        drain(&mut comparison);
        let event = comparison.event().summary();
        prop_assert_eq!(event.lost_orders, 0, "seed={}", seed);
        prop_assert_eq!(event.orders_in_flight, 0, "seed={} {:?}", seed, event);
    }

    #[test]
    fn at_most_once_never_duplicates(seed in any::<u64>(), options in options(), faults in faults()) {
        let mut options = options;
        options.commit = CommitPolicy::BeforeProcessing;
        options.idempotent_consumers = false;
        let faults = faults.into_iter().filter(|f| f.kind != FaultKind::DuplicateDelivery).collect();
        let scenario = scenario(&options, faults);
        let mut comparison = Comparison::new(&scenario, seed);
        drain(&mut comparison);
        let event = comparison.event().summary();
        prop_assert_eq!(event.double_charges + event.double_shipments + event.double_emails, 0, "seed={} {:?}", seed, event);
    }

    #[test]
    fn idempotent_consumers_never_double_charge(seed in any::<u64>(), options in options(), faults in faults(), crashes in 1..4usize) {
        let mut options = options;
        options.idempotent_consumers = true;
        let mut faults = faults;
        for i in 0..crashes {
            let start = 0.5 + i as f64;
            faults.push(fault(FaultKind::ConsumerCrash, ServiceId::Payment, start, 0.3, 0.2, false));
            faults.push(fault(FaultKind::DuplicateDelivery, ServiceId::Payment, start, 1.0, 0.6, false));
        }
        let scenario = scenario(&options, faults);
        let mut comparison = Comparison::new(&scenario, seed);
        drain(&mut comparison);
        let event = comparison.event().summary();
        prop_assert_eq!(event.double_charges, 0, "seed={} {:?}", seed, event);
    }

    /// Without faults and without cancellations (which race the work they cancel, so a
    /// shipment can follow one), nothing goes wrong in either design.
    #[test]
    fn no_fault_means_no_errors(seed in any::<u64>(), options in options()) {
        let mut options = options;
        options.key = PartitionKey::OrderId;
        options.timeout_ms = None;
        let mut scenario = scenario(&options, Vec::new());
        scenario.workload.cancel_share = 0.0;
        let mut comparison = Comparison::new(&scenario, seed);
        run_checked(&mut comparison, secs(5.0), seed);
        for summary in [comparison.sync().summary(), comparison.event().summary()] {
            let bad = summary.errors + summary.orders_failed + summary.timeouts + summary.double_charges
                + summary.double_shipments + summary.double_emails + summary.duplicate_deliveries + summary.lost_orders
                + summary.dead_lettered + summary.inconsistent_orders;
            prop_assert_eq!(bad, 0, "seed={} {:?}", seed, summary);
        }
        prop_assert_eq!(comparison.event().summary().ordering_anomalies, 0, "seed={}", seed);
    }
}
