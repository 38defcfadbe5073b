//! The work estimate and budget: real runs never ask for more than twice what was estimated,
//! the bundled scenarios are estimated closely, and a run beyond the budget is refused with a
//! message that names what to lower.

use crate::support::{proptest_config, secs, shop};
use engine::scenario::{CommitPolicy, ServiceTime, SyncStyle};
use engine::work::{self, Budget};
use engine::{
    Comparison, ControlAction, Fault, FaultKind, OutageMode, RecordedAction, Scenario, ServiceId,
    SimTime, check_run,
};
use proptest::prelude::*;

const SCENARIOS: [&str; 12] = [
    "shop",
    "tandem",
    "consumer_crash",
    "duplicate_delivery",
    "error_rate",
    "outage_hang",
    "outage_refuse",
    "partition_unavailable",
    "poison_event",
    "reordering",
    "slowdown",
    "traffic_spike",
];

fn bundled(name: &str) -> Scenario {
    let path = format!("{}/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("bundled scenario");
    Scenario::from_json(&text).expect("bundled scenarios are valid")
}

/// Runs to the end with a hard allowance of twice the estimated events; false if the run
/// needed more.
fn within_twice(scenario: &Scenario, actions: &[RecordedAction], seed: u64) -> (bool, Comparison) {
    let end = secs(scenario.duration_s);
    let estimate = work::estimate(scenario, actions, end);
    let allowance = (2.0 * estimate.events) as u64 + 1_000;
    let mut run = engine::Run::with_actions(scenario.clone(), seed, actions.to_vec());
    let reached = run.advance(end, allowance);
    let comparison = run.comparison().clone();
    (reached, comparison)
}

#[test]
fn bundled_scenarios_are_estimated_within_a_third() {
    for name in SCENARIOS {
        let scenario = bundled(name);
        let end = secs(scenario.duration_s);
        let estimate = work::estimate(&scenario, &[], end);
        let mut comparison = Comparison::new(&scenario, 7);
        comparison.run();
        let orders = comparison.sync().summary().orders_arrived as f64;
        let events = comparison.events_processed() as f64;
        let ratio = estimate.events / events;
        assert!(
            (0.75..=1.5).contains(&ratio),
            "{name}: estimated {} events, ran {events} ({ratio:.2})",
            estimate.events
        );
        // Poisson arrivals: within five standard deviations of the expected count.
        let spread = 5.0 * estimate.orders.sqrt();
        assert!(
            (orders - estimate.orders).abs() <= spread,
            "{name}: estimated {} orders, ran {orders}",
            estimate.orders
        );
    }
}

#[test]
fn orders_integrate_spikes_rate_changes_and_heals() {
    // 100/s for 60 s, a 3× spike from 10 to 20 s, the rate set to 50/s at 30 s, a live
    // 2× spike at 40 s healed at 50 s: 1000 + 3000 + 1000 + 500 + 1000 + 500 orders.
    let mut scenario = Scenario {
        duration_s: 60.0,
        ..Scenario::default()
    };
    scenario.workload.arrival_rate_per_s = 100.0;
    scenario.faults.push(Fault {
        multiplier: Some(3.0),
        ..Fault::new(FaultKind::TrafficSpike).window(10.0, Some(20.0))
    });
    let actions = vec![
        RecordedAction {
            at: secs(30.0),
            action: ControlAction::SetArrivalRate { per_s: 50.0 },
        },
        RecordedAction {
            at: secs(40.0),
            action: ControlAction::InjectFault {
                fault: Fault {
                    multiplier: Some(2.0),
                    ..Fault::new(FaultKind::TrafficSpike)
                },
            },
        },
        RecordedAction {
            at: secs(50.0),
            action: ControlAction::Heal { target: None },
        },
    ];
    let estimate = work::estimate(&scenario, &actions, secs(60.0));
    assert!((estimate.orders - 7_000.0).abs() < 1e-6, "{estimate:?}");
    let halfway = work::estimate(&scenario, &actions, secs(15.0));
    assert!((halfway.orders - 2_500.0).abs() < 1e-6, "{halfway:?}");
    let (reached, comparison) = within_twice(&scenario, &actions, 3);
    assert!(reached);
    let placed = comparison.sync().summary().orders_arrived as f64;
    assert!((placed - 7_000.0).abs() < 5.0 * 7_000f64.sqrt(), "{placed}");
}

#[test]
fn the_frozen_link_is_refused_with_what_to_lower() {
    // The default shop at 200,000 orders/s for its 60 s: 12 M orders, 500 M+ steps.
    let mut scenario = bundled("shop");
    scenario.workload.arrival_rate_per_s = 200_000.0;
    scenario.duration_s = 300.0;
    let problems = scenario.validate().expect_err("over the budget");
    assert_eq!(problems.len(), 1, "{problems:?}");
    let problem = &problems[0];
    assert_eq!(problem.path, "workload.arrival_rate_per_s");
    assert!(
        problem.message.starts_with("this run asks for about 60 M orders; at most 20 M run in a browser: lower `workload.arrival_rate_per_s` (200000/s) or `duration_s` (300 s)"),
        "{problem}"
    );
    // The command line can go further on purpose.
    assert!(
        scenario
            .validate_within(&Budget::with_max_orders(50e6))
            .is_err()
    );
    assert!(
        scenario
            .validate_within(&Budget::with_max_orders(100e6))
            .is_ok()
    );
}

#[test]
fn multiplied_spikes_are_named() {
    // Ten overlapping 5× spikes multiply to 5^10 (capped at 10^4 as the engine caps them).
    let mut scenario = shop(100.0, 60.0);
    for _ in 0..10 {
        scenario.faults.push(Fault {
            multiplier: Some(5.0),
            ..Fault::new(FaultKind::TrafficSpike).window(0.0, Some(60.0))
        });
    }
    let problems = scenario.validate().expect_err("over the budget");
    assert_eq!(problems[0].path, "faults");
    assert!(
        problems[0].message.starts_with("this run asks for about 60 M orders; at most 20 M run in a browser: lower the traffic spikes"),
        "{problems:?}"
    );
}

#[test]
fn busy_clocks_are_counted_and_named() {
    // No orders at all, but a tick every millisecond for a week in both designs.
    let mut scenario = shop(0.0, 7.0 * 24.0 * 3600.0);
    scenario.metrics.bucket_ms = 1.0;
    let problems = scenario.validate().expect_err("ticks over the budget");
    assert_eq!(problems[0].path, "metrics.bucket_ms");
    assert!(
        problems[0].message.contains("1.2 billion simulation steps"),
        "{problems:?}"
    );

    let mut scenario = shop(0.0, 7.0 * 24.0 * 3600.0);
    scenario.event.commit = CommitPolicy::Periodic;
    scenario.event.commit_interval_ms = 0.5;
    let problems = scenario.validate().expect_err("commits over the budget");
    assert_eq!(problems[0].path, "event.commit_interval_ms");
}

#[test]
fn a_blocked_partition_retrying_is_counted() {
    // Failing records without dead letters block partitions, each retried every millisecond
    // by the member that owns it: 256 Shipping members over 3 × 64 partition slots.
    let mut scenario = shop(10.0, 3_600.0);
    scenario.event.dead_letter_after = None;
    scenario.event.retry_backoff_ms = 1.0;
    scenario.event.partitions = 64;
    if let Some(shipping) = scenario.services.get_mut(&ServiceId::Shipping) {
        shipping.consumers = Some(256);
    }
    scenario.faults.push(Fault {
        probability: Some(1.0),
        ..Fault::new(FaultKind::ErrorRate).on(ServiceId::Shipping)
    });
    let problems = scenario.validate().expect_err("retries over the budget");
    assert_eq!(problems[0].path, "event.dead_letter_after", "{problems:?}");
    scenario.duration_s = 5.0;
    let (reached, _) = within_twice(&scenario, &[], 1);
    assert!(reached, "ran more than twice the estimate");
}

#[test]
fn live_actions_are_checked_like_the_scenario() {
    let scenario = shop(100.0, 60.0);
    let actions = vec![RecordedAction {
        at: secs(5.0),
        action: ControlAction::SetArrivalRate { per_s: 900_000.0 },
    }];
    let problems = check_run(&scenario, &actions, &Budget::BROWSER).expect_err("over");
    assert_eq!(problems[0].path, "actions");
    assert!(
        problems[0]
            .message
            .contains("the arrival rate set during the run"),
        "{problems:?}"
    );
    let bad = vec![RecordedAction {
        at: secs(1.0),
        action: ControlAction::InjectFault {
            fault: Fault {
                multiplier: Some(1e9),
                ..Fault::new(FaultKind::TrafficSpike)
            },
        },
    }];
    let problems = check_run(&scenario, &bad, &Budget::BROWSER).expect_err("invalid");
    assert_eq!(
        problems[0].to_string(),
        "actions[0].fault.multiplier: must be at most 100"
    );

    // A spike started live is named as such, and a budget other than the browser's says so.
    let spike = vec![RecordedAction {
        at: secs(1.0),
        action: ControlAction::InjectFault {
            fault: Fault {
                multiplier: Some(100.0),
                ..Fault::new(FaultKind::TrafficSpike)
            },
        },
    }];
    let problems = check_run(&shop(5_000.0, 60.0), &spike, &Budget::BROWSER).expect_err("over");
    assert_eq!(problems[0].path, "actions");
    assert!(
        problems[0].message.ends_with(
            "at most 20 M run in a browser: lower the traffic spikes started during the run"
        ),
        "{problems:?}"
    );
    let problems =
        check_run(&shop(5_000.0, 60.0), &spike, &Budget::with_max_orders(1e6)).expect_err("over");
    assert!(
        problems[0].message.contains("at most 1 M fit this budget"),
        "{problems:?}"
    );

    // A fault on a service that joined during the run, and on a partition that was added.
    let grown = vec![
        RecordedAction {
            at: secs(1.0),
            action: ControlAction::AddService {
                service: ServiceId::Fraud,
            },
        },
        RecordedAction {
            at: secs(1.0),
            action: ControlAction::SetPartitionCount { partitions: 12 },
        },
        RecordedAction {
            at: secs(2.0),
            action: ControlAction::InjectFault {
                fault: Fault::new(FaultKind::Outage).on(ServiceId::Fraud),
            },
        },
        RecordedAction {
            at: secs(2.0),
            action: ControlAction::InjectFault {
                fault: Fault {
                    partition: Some(9),
                    ..Fault::new(FaultKind::PartitionUnavailable)
                },
            },
        },
    ];
    check_run(&scenario, &grown, &Budget::BROWSER).expect("valid once they joined");
    let problems = check_run(&scenario, &grown[2..], &Budget::BROWSER).expect_err("not yet");
    assert_eq!(
        problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "actions[0].fault.target: names fraud, which is not in services",
            "actions[1].fault.partition: must be below event.partitions (6)"
        ]
    );

    // A run refuses a live action that would take it over the budget, and stays as it was.
    let mut run = engine::Run::new(scenario, 1);
    run.advance_to(secs(2.0));
    let refused = run
        .apply(ControlAction::SetArrivalRate { per_s: 900_000.0 })
        .expect_err("over");
    assert_eq!(refused[0].path, "actions");
    assert!(run.timeline().is_empty());
    run.apply(ControlAction::SetArrivalRate { per_s: 200.0 })
        .expect("within");
    assert_eq!(run.timeline().len(), 1);
}

#[test]
fn duplicate_delivery_with_no_work_time_does_not_loop() {
    // Every delivery repeated, and work that takes no time: one draw per delivery means each
    // record comes exactly twice, so the run ends.
    let mut scenario = shop(50.0, 4.0);
    for config in scenario.services.values_mut() {
        config.service_time = ServiceTime::Fixed { ms: 0.0 };
    }
    scenario.faults.push(Fault {
        probability: Some(1.0),
        ..Fault::new(FaultKind::DuplicateDelivery).on(ServiceId::Payment)
    });
    let (reached, comparison) = within_twice(&scenario, &[], 9);
    assert!(reached);
    let event = comparison.event().summary();
    // Payment reads only `OrderCreated` and gets each one twice (not without end); acting
    // twice, it produces `PaymentCompleted` twice, and each produce is sent twice as well: three
    // extra deliveries per order.
    let created = event.orders_arrived;
    assert!(created > 150, "{event:?}");
    assert_eq!(event.duplicate_deliveries, 3 * created, "{event:?}");
    assert_eq!(event.double_charges, created, "{event:?}");
}

fn fuzz_fault(kind: usize, target: ServiceId, start: f64, length: f64, x: f64) -> Fault {
    let base = Fault::new(FaultKind::Outage).window(start, Some(start + length));
    match kind {
        0 => Fault {
            mode: Some(if x > 0.5 {
                OutageMode::Hang
            } else {
                OutageMode::Refuse
            }),
            ..base.on(target)
        },
        1 => Fault {
            kind: FaultKind::Slowdown,
            factor: Some(1.0 + 20.0 * x),
            ..base.on(target)
        },
        2 => Fault {
            kind: FaultKind::ErrorRate,
            probability: Some(x),
            ..base.on(target)
        },
        3 => Fault {
            kind: FaultKind::TrafficSpike,
            multiplier: Some(1.0 + 9.0 * x),
            ..base
        },
        4 => Fault {
            kind: FaultKind::DuplicateDelivery,
            probability: Some(x),
            ..base.on(target)
        },
        5 => Fault {
            kind: FaultKind::Reordering,
            jitter_ms: Some(100.0 * x),
            ..base
        },
        6 => Fault {
            kind: FaultKind::ConsumerCrash,
            restart_after_ms: Some(2000.0 * x),
            ..base.on(target)
        },
        7 => Fault {
            kind: FaultKind::PartitionUnavailable,
            partition: Some(0),
            ..base
        },
        _ => Fault {
            kind: FaultKind::PoisonEvent,
            probability: Some(x),
            ..base.on(target)
        },
    }
}

const FUZZ_TARGETS: [ServiceId; 5] = [
    ServiceId::Order,
    ServiceId::Payment,
    ServiceId::Inventory,
    ServiceId::Shipping,
    ServiceId::Notification,
];

#[derive(Clone, Debug)]
struct Shape {
    rate: f64,
    duration_s: f64,
    workers: u32,
    queue: u32,
    fixed_ms: Option<f64>,
    hop_ms: f64,
    timeout_ms: Option<f64>,
    retries: u32,
    nested: bool,
    partitions: u32,
    consumers: u32,
    batch: u32,
    commit: u8,
    dead_letter: Option<u32>,
    backoff_ms: f64,
    bucket_ms: f64,
    cancel_share: f64,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        (
            0.0..3000.0f64,
            1.0..12.0f64,
            1..16u32,
            0..2000u32,
            prop::option::of(0.0..20.0f64),
            0.0..5.0f64,
        ),
        (
            prop::option::of(5.0..2000.0f64),
            0..6u32,
            any::<bool>(),
            1..16u32,
            1..10u32,
            1..64u32,
        ),
        (
            0..3u8,
            prop::option::of(1..10u32),
            1.0..200.0f64,
            10.0..1000.0f64,
            0.0..0.5f64,
        ),
    )
        .prop_map(|(a, b, c)| Shape {
            rate: a.0,
            duration_s: a.1,
            workers: a.2,
            queue: a.3,
            fixed_ms: a.4,
            hop_ms: a.5,
            timeout_ms: b.0,
            retries: b.1,
            nested: b.2,
            partitions: b.3,
            consumers: b.4,
            batch: b.5,
            commit: c.0,
            dead_letter: c.1,
            backoff_ms: c.2,
            bucket_ms: c.3,
            cancel_share: c.4,
        })
}

fn fuzz_scenario(shape: &Shape, faults: Vec<Fault>) -> Scenario {
    let mut scenario = shop(shape.rate, shape.duration_s);
    for config in scenario.services.values_mut() {
        config.workers = shape.workers;
        config.queue_capacity = shape.queue;
        config.consumers = Some(shape.consumers);
        if let Some(ms) = shape.fixed_ms {
            config.service_time = ServiceTime::Fixed { ms };
        }
    }
    scenario.workload.cancel_share = shape.cancel_share;
    scenario.sync.hop_latency_ms = shape.hop_ms;
    scenario.sync.timeout_ms = shape.timeout_ms;
    scenario.sync.retries.attempts = shape.retries;
    scenario.sync.retries.backoff_ms = 10.0;
    scenario.sync.style = if shape.nested {
        SyncStyle::Nested
    } else {
        SyncStyle::Orchestrated
    };
    scenario.event.partitions = shape.partitions;
    scenario.event.batch_size = shape.batch;
    scenario.event.commit = [
        CommitPolicy::AfterProcessing,
        CommitPolicy::BeforeProcessing,
        CommitPolicy::Periodic,
    ][shape.commit as usize];
    scenario.event.commit_interval_ms = 100.0;
    scenario.event.dead_letter_after = shape.dead_letter;
    scenario.event.retry_backoff_ms = shape.backoff_ms;
    scenario.metrics.bucket_ms = shape.bucket_ms;
    scenario.faults = faults
        .into_iter()
        .filter(|f| f.partition.is_none_or(|p| p < shape.partitions))
        .collect();
    scenario
}

fn fuzz_faults() -> impl Strategy<Value = Vec<Fault>> {
    let one = (
        0..9usize,
        0..FUZZ_TARGETS.len(),
        0.0..8.0f64,
        0.1..6.0f64,
        0.0..1.0f64,
    )
        .prop_map(|(kind, target, start, length, x)| {
            fuzz_fault(kind, FUZZ_TARGETS[target], start, length, x)
        });
    prop::collection::vec(one, 0..6)
}

fn fuzz_actions() -> impl Strategy<Value = Vec<RecordedAction>> {
    let one = (0..5u8, 0.0..10.0f64, 0.0..1.0f64, 0..FUZZ_TARGETS.len()).prop_map(
        |(kind, at, x, target)| {
            let action = match kind {
                0 => ControlAction::SetArrivalRate { per_s: 3000.0 * x },
                1 => ControlAction::AddService {
                    service: if x > 0.5 {
                        ServiceId::Fraud
                    } else {
                        ServiceId::Analytics
                    },
                },
                2 => ControlAction::Heal { target: None },
                3 => ControlAction::InjectFault {
                    fault: fuzz_fault((x * 8.99) as usize, FUZZ_TARGETS[target], 0.0, 2.0, x),
                },
                _ => ControlAction::SetRetries {
                    retries: engine::scenario::RetryPolicy {
                        attempts: (x * 5.0) as u32,
                        ..Default::default()
                    },
                },
            };
            RecordedAction {
                at: SimTime::from_secs_f64(at),
                action,
            }
        },
    );
    prop::collection::vec(one, 0..4)
}

proptest! {
    #![proptest_config(proptest_config(96))]

    #[test]
    fn no_run_asks_for_more_than_twice_its_estimate(
        seed in any::<u64>(), shape in shape(), faults in fuzz_faults(), actions in fuzz_actions()
    ) {
        let scenario = fuzz_scenario(&shape, faults);
        prop_assume!(check_run(&scenario, &actions, &Budget::BROWSER).is_ok());
        let end = secs(scenario.duration_s);
        let estimate = work::estimate(&scenario, &actions, end);
        let (reached, comparison) = within_twice(&scenario, &actions, seed);
        prop_assert!(reached, "seed={} ran {} events, estimated {}", seed, comparison.events_processed(), estimate.events);
        let orders = comparison.sync().summary().orders_arrived as f64;
        let slack = 5.0 * estimate.orders.sqrt() + 10.0;
        prop_assert!(orders <= 2.0 * estimate.orders + slack, "seed={} {} orders, estimated {}", seed, orders, estimate.orders);
    }
}

#[test]
fn a_run_that_holds_too_much_stops_and_says_why() {
    // Payment hangs for good with no timeout: every order stays in flight in both designs.
    let mut scenario = shop(2_000.0, 600.0);
    scenario.faults.push(Fault {
        mode: Some(OutageMode::Hang),
        ..Fault::new(FaultKind::Outage).on(ServiceId::Payment)
    });
    let mut run = engine::Run::new(scenario, 4);
    run.set_budget(Budget {
        memory_bytes: 20e6,
        ..Budget::BROWSER
    });
    let mut slices = 0;
    while !run.advance(secs(600.0), 20_000) {
        slices += 1;
        assert!(slices < 100_000, "never stopped");
    }
    let message = run.stopped().expect("stopped for memory").to_string();
    assert!(
        run.now() < secs(600.0) && run.now() > secs(5.0),
        "at {}",
        run.now()
    );
    let held = run.comparison().approx_bytes() as f64;
    assert!((20e6..30e6).contains(&held), "holds {held} bytes");
    assert!(
        message.starts_with(&format!(
            "The run stopped at {:.1} s: it holds about {:.0} MB of orders and records still in flight",
            run.now().as_secs_f64(),
            held / 1e6
        )),
        "{message}"
    );
    assert!(message.contains("set a timeout"), "{message}");
    // It goes no further, and rewinding starts it again.
    let at = run.now();
    assert!(run.advance(secs(600.0), 20_000));
    assert_eq!(run.now(), at);
    run.rewind(secs(2.0));
    assert!(run.stopped().is_none());
    assert!(run.advance(secs(3.0), u64::MAX));
    assert_eq!(run.now(), secs(3.0));
}

/// The estimate must hold where the work multiplies: retries of a nested chain, poison that
/// always goes the whole way to the dead-letter topic, partitions added to a blocked topic,
/// and crashes under periodic commits.
#[test]
fn multiplying_work_is_priced() {
    let mut nested = shop(200.0, 5.0);
    nested.sync.style = SyncStyle::Nested;
    nested.sync.retries.attempts = 3;
    nested.sync.retries.backoff_ms = 1.0;
    nested
        .faults
        .push(Fault::new(FaultKind::Outage).on(ServiceId::Notification));

    let mut poison = shop(200.0, 5.0);
    poison.event.dead_letter_after = Some(50);
    poison.event.retry_backoff_ms = 1.0;
    poison.faults.push(Fault {
        probability: Some(0.5),
        ..Fault::new(FaultKind::PoisonEvent).on(ServiceId::Payment)
    });

    let mut blocked = shop(200.0, 5.0);
    blocked.event.dead_letter_after = None;
    blocked.event.retry_backoff_ms = 1.0;
    blocked.faults.push(Fault {
        probability: Some(1.0),
        ..Fault::new(FaultKind::ErrorRate).on(ServiceId::Shipping)
    });
    let grow = vec![RecordedAction {
        at: secs(0.5),
        action: ControlAction::SetPartitionCount { partitions: 256 },
    }];

    let mut crash = shop(300.0, 8.0);
    crash.event.commit = CommitPolicy::Periodic;
    crash.event.commit_interval_ms = 60_000.0;
    crash.faults.push(Fault {
        restart_after_ms: Some(100.0),
        ..Fault::new(FaultKind::ConsumerCrash)
            .on(ServiceId::Shipping)
            .window(6.0, None)
    });

    for (name, scenario, actions) in [
        ("nested retries", nested, vec![]),
        ("poison to dead letters", poison, vec![]),
        ("blocked partitions added", blocked, grow),
        ("crash under periodic commits", crash, vec![]),
    ] {
        let estimate = work::estimate(&scenario, &actions, secs(scenario.duration_s)).events;
        let (reached, comparison) = within_twice(&scenario, &actions, 5);
        let ran = comparison.events_processed() as f64;
        assert!(
            reached,
            "{name}: ran more than twice the {estimate:.0} events estimated"
        );
        assert!(ran > 20_000.0, "{name}: only {ran} events, proves little");
        eprintln!("{name}: ran {ran}, estimated {estimate:.0}");
    }
}
