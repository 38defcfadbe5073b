//! One seed, one scenario, one list of actions: one run, bit for bit.

use crate::support::{secs, shop};
use engine::scenario::{CommitPolicy, PartitionKey};
use engine::{Comparison, ControlAction, Fault, FaultKind, Scenario, ServiceId, Simulation};

fn faulty_shop() -> Scenario {
    let mut scenario = shop(200.0, 8.0);
    scenario.sync.timeout_ms = Some(300.0);
    scenario.sync.retries.attempts = 2;
    scenario.faults = vec![
        Fault {
            probability: Some(0.2),
            ..Fault::new(FaultKind::ErrorRate)
                .on(ServiceId::Shipping)
                .window(1.0, Some(3.0))
        },
        Fault {
            restart_after_ms: Some(500.0),
            ..Fault::new(FaultKind::ConsumerCrash)
                .on(ServiceId::Payment)
                .window(2.0, Some(2.5))
        },
        Fault {
            factor: Some(4.0),
            ..Fault::new(FaultKind::Slowdown)
                .on(ServiceId::Inventory)
                .window(3.0, Some(5.0))
        },
        Fault {
            probability: Some(0.1),
            ..Fault::new(FaultKind::DuplicateDelivery)
                .on(ServiceId::Payment)
                .window(4.0, Some(6.0))
        },
    ];
    scenario
}

fn fingerprint(sim: &Simulation) -> String {
    let traces: Vec<_> = sim
        .traced_orders()
        .into_iter()
        .filter_map(|o| sim.trace(o).cloned())
        .collect();
    serde_json::to_string(&(
        sim.summary(),
        sim.metrics().buckets().iter().collect::<Vec<_>>(),
        sim.snapshot(),
        traces,
    ))
    .unwrap()
}

#[test]
fn one_seed_twice_gives_the_identical_run() {
    let scenario = faulty_shop();
    for seed in [1, 2, 99] {
        let mut first = Comparison::new(&scenario, seed);
        let mut second = Comparison::new(&scenario, seed);
        first.run();
        second.run();
        for (a, b) in [
            (first.sync(), second.sync()),
            (first.event(), second.event()),
        ] {
            assert_eq!(a.trace_hash(), b.trace_hash(), "seed={seed}");
            assert_eq!(fingerprint(a), fingerprint(b), "seed={seed}");
        }
    }
}

#[test]
fn different_seeds_give_different_runs() {
    let scenario = faulty_shop();
    let a = Comparison::new(&scenario, 1);
    let b = Comparison::new(&scenario, 2);
    let (mut a, mut b) = (a, b);
    a.run_until(secs(2.0));
    b.run_until(secs(2.0));
    assert_ne!(a.sync().trace_hash(), b.sync().trace_hash());
}

#[test]
fn both_designs_get_the_same_orders() {
    let mut comparison = Comparison::new(&faulty_shop(), 5);
    comparison.run();
    let (sync, event) = comparison.summaries();
    assert_eq!(sync.orders_arrived, event.orders_arrived, "seed=5");
    for order in [0, 50, 100, 500] {
        let (a, b) = (
            comparison.sync().order(order),
            comparison.event().order(order),
        );
        if let (Some(a), Some(b)) = (a, b) {
            assert_eq!(
                (a.arrived, a.customer, a.amount_cents, a.items),
                (b.arrived, b.customer, b.amount_cents, b.items)
            );
        }
    }
}

#[test]
fn a_recorded_session_replays_to_the_identical_run() {
    let scenario = faulty_shop();
    let seed = 11;
    let mut live = Comparison::new(&scenario, seed);
    let actions = [
        (
            0.7,
            ControlAction::InjectFault {
                fault: Fault {
                    mode: Some(engine::OutageMode::Refuse),
                    ..Fault::new(FaultKind::Outage)
                        .on(ServiceId::Payment)
                        .window(0.0, Some(1.0))
                },
            },
        ),
        (1.3, ControlAction::SetConsumerIdempotency { enabled: true }),
        (
            1.9,
            ControlAction::SetPartitionKey {
                key: PartitionKey::None,
            },
        ),
        (
            2.2,
            ControlAction::SetCommitPolicy {
                policy: CommitPolicy::Periodic,
            },
        ),
        (2.5, ControlAction::SetArrivalRate { per_s: 400.0 }),
        (
            3.1,
            ControlAction::SetConsumerCount {
                service: ServiceId::Shipping,
                consumers: 3,
            },
        ),
        (3.4, ControlAction::SetPartitionCount { partitions: 10 }),
        (4.0, ControlAction::Heal { target: None }),
        (4.5, ControlAction::PinOrder { order: 900 }),
    ];
    for (at, action) in actions.iter().cloned() {
        live.run_until(secs(at));
        // Some events in between, taken one at a time as a page would.
        for _ in 0..17 {
            live.step();
        }
        live.apply(action);
    }
    live.run();
    let replayed = Comparison::replay(&scenario, seed, live.actions(), live.now());
    assert_eq!(live.actions(), replayed.actions());
    for (a, b) in [
        (live.sync(), replayed.sync()),
        (live.event(), replayed.event()),
    ] {
        assert_eq!(a.trace_hash(), b.trace_hash(), "seed={seed}");
        assert_eq!(fingerprint(a), fingerprint(b), "seed={seed}");
    }
    let actions_json = serde_json::to_string(live.actions()).unwrap();
    let parsed: Vec<engine::RecordedAction> = serde_json::from_str(&actions_json).unwrap();
    assert_eq!(parsed, live.actions());
}

#[test]
fn the_reference_run_is_reproducible_and_not_trivial() {
    // The browser test compares these with the wasm build's; they must at least be stable
    // natively and differ between the designs.
    let first = engine::selfcheck::reference_hashes();
    assert_eq!(first, engine::selfcheck::reference_hashes());
    assert_ne!(first[0], first[1]);
    assert!(
        first.iter().all(|h| *h != 0),
        "the reference scenario loads"
    );
}
