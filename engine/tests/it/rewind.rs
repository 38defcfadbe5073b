//! Runs in slices and rewinds from checkpoints: however a run is cut up, rewound and replayed,
//! it is the run that went straight through, bit for bit; checkpoints stay within their
//! bounds and keep a short rewind short.

use crate::support::{secs, shop};
use engine::{ControlAction, Fault, FaultKind, OutageMode, RecordedAction, Run, ServiceId};

fn actions() -> Vec<RecordedAction> {
    let outage = Fault {
        mode: Some(OutageMode::Hang),
        ..Fault::new(FaultKind::Outage).on(ServiceId::Payment)
    };
    vec![
        RecordedAction {
            at: secs(6.0),
            action: ControlAction::InjectFault { fault: outage },
        },
        RecordedAction {
            at: secs(21.5),
            action: ControlAction::Heal { target: None },
        },
        RecordedAction {
            at: secs(30.0),
            action: ControlAction::SetConsumerIdempotency { enabled: true },
        },
    ]
}

/// What must be identical: both designs' trace hashes and summaries.
fn fingerprint(run: &Run) -> (u64, u64, String) {
    let comparison = run.comparison();
    let (sync, event) = comparison.summaries();
    (
        sync.trace_hash,
        event.trace_hash,
        format!("{sync:?} {event:?}"),
    )
}

fn straight(until: f64) -> Run {
    let mut run = Run::with_actions(shop(300.0, 60.0), 11, actions());
    run.advance_to(secs(until));
    run
}

#[test]
fn a_run_cut_into_slices_is_the_same_run() {
    let reference = straight(60.0);
    let mut sliced = Run::with_actions(shop(300.0, 60.0), 11, actions());
    let mut slices = 0;
    while !sliced.advance(secs(60.0), 2_000) {
        slices += 1;
    }
    assert!(slices > 100, "only {slices} slices");
    assert_eq!(fingerprint(&sliced), fingerprint(&reference));
}

#[test]
fn rewinding_to_a_checkpoint_replays_the_same_run() {
    let reference = straight(60.0);
    let mut run = Run::with_actions(shop(300.0, 60.0), 11, actions());
    run.advance_to(secs(45.0));
    let target = secs(38.7);
    let times = run.checkpoint_times();
    let nearest = *times
        .iter()
        .rev()
        .find(|&&t| t <= target)
        .expect("a checkpoint");
    assert!(nearest >= secs(20.0), "{times:?}");
    run.rewind(target);
    // It restored the nearest checkpoint rather than starting over.
    assert_eq!(run.now(), nearest);
    run.advance_to(secs(60.0));
    assert_eq!(fingerprint(&run), fingerprint(&reference));
    // And to a moment before the first checkpoint: from the start.
    run.seek(secs(2.0));
    assert_eq!(fingerprint(&run), fingerprint(&straight(2.0)));
}

#[test]
fn a_new_action_after_rewinding_writes_a_new_future() {
    let mut run = Run::with_actions(shop(300.0, 60.0), 11, actions());
    run.advance_to(secs(50.0));
    run.seek(secs(18.0));
    run.apply(ControlAction::Heal { target: None })
        .expect("valid");
    run.advance_to(secs(60.0));
    // The heal at 21.5 s and the setting at 30 s were dropped; the heal is now at 18 s.
    let mut expected = actions();
    expected.truncate(1);
    expected.push(RecordedAction {
        at: secs(18.0),
        action: ControlAction::Heal { target: None },
    });
    assert_eq!(run.timeline(), expected.as_slice());
    let mut fresh = Run::with_actions(shop(300.0, 60.0), 11, expected);
    fresh.advance_to(secs(60.0));
    assert_eq!(fingerprint(&run), fingerprint(&fresh));
    // No checkpoint of the dropped future survives: rewinding again still matches.
    run.seek(secs(40.0));
    fresh.seek(secs(40.0));
    assert_eq!(fingerprint(&run), fingerprint(&fresh));
}

#[test]
fn checkpoints_stay_bounded_and_a_short_rewind_stays_short() {
    let mut run = Run::new(shop(200.0, 600.0), 5);
    run.advance_to(secs(600.0));
    let times = run.checkpoint_times();
    // (Ten minutes of retained log records, which older copies keep once the live run has
    // dropped them, count against the 32 MB too: fewer copies than a run without logs.)
    assert!(
        (8..=24).contains(&times.len()),
        "{} checkpoints",
        times.len()
    );
    assert!(run.checkpoint_bytes() <= 32 << 20);
    // Copies are spaced by what they cost (a copy per sixteen bytes of state simulated), so
    // going back 10 s at the end of ten minutes replays a small share of the run.
    let total = run.comparison().events_processed();
    run.rewind(run.now() - secs(10.0));
    let from = run.comparison().events_processed();
    run.advance_to(secs(590.0));
    let replayed = run.comparison().events_processed() - from;
    assert!(
        replayed * 10 <= total,
        "replayed {replayed} of {total} events"
    );
}

#[test]
fn rewinding_to_a_checkpoint_keeps_an_action_taken_at_that_moment() {
    let mut run = Run::new(shop(300.0, 60.0), 3);
    run.advance_to(secs(40.0));
    let at = run.checkpoint_times()[1];
    run.seek(at);
    assert_eq!(run.now(), at);
    run.apply(ControlAction::Heal { target: None })
        .expect("valid");
    run.apply(ControlAction::SetArrivalRate { per_s: 50.0 })
        .expect("valid");
    run.advance_to(secs(30.0));
    // Rewinding alone (the page then has nothing left to replay) lands after them.
    run.rewind(at);
    assert_eq!(run.now(), at);
    assert_eq!(run.applied().len(), 2, "both actions at {at} are in force");
    // The next lever keeps them.
    run.apply(ControlAction::SetConsumerIdempotency { enabled: true })
        .expect("valid");
    assert_eq!(run.timeline().len(), 3);
    run.advance_to(secs(60.0));
    let mut fresh = Run::with_actions(shop(300.0, 60.0), 3, run.timeline().to_vec());
    fresh.advance_to(secs(60.0));
    assert_eq!(fingerprint(&run), fingerprint(&fresh));
}

#[test]
fn a_backlog_drained_by_instant_work_still_comes_in_slices() {
    // Payment is down for 20 s at 5,000 orders/s, then a backlog of 100,000 records is
    // drained by work that takes (at least) no time: no single instant may hold it all.
    let mut scenario = shop(5_000.0, 30.0);
    for config in scenario.services.values_mut() {
        config.service_time = engine::scenario::ServiceTime::Fixed { ms: 0.0 };
    }
    scenario.faults.push(Fault {
        mode: Some(OutageMode::Refuse),
        ..Fault::new(FaultKind::Outage)
            .on(ServiceId::Payment)
            .window(0.0, Some(20.0))
    });
    let mut run = Run::new(scenario, 8);
    let allowance = 20_000;
    let mut largest = 0;
    loop {
        let before = run.comparison().events_processed();
        let done = run.advance(secs(30.0), allowance);
        largest = largest.max(run.comparison().events_processed() - before);
        if done {
            break;
        }
    }
    assert!(largest <= 3 * allowance, "one slice took {largest} events");
    assert!(run.comparison().event().summary().orders_completed > 100_000);
}

#[test]
fn checkpoints_stay_bounded_after_the_history_is_merged() {
    // 40 minutes of 250-ms buckets: past 4,096 buckets the live history merges its older
    // half, and copies taken before no longer share it.
    let mut run = Run::new(shop(20.0, 2_400.0), 2);
    run.advance_to(secs(2_400.0));
    assert!(
        run.checkpoint_bytes() <= 32 << 20,
        "{} bytes",
        run.checkpoint_bytes()
    );
    // Copies from before the merge each hold a history of their own, so fewer are kept; the
    // recent ones still make a short rewind short.
    let times = run.checkpoint_times();
    assert!(times.len() >= 4, "{times:?}");
    let total = run.comparison().events_processed();
    run.rewind(secs(2_390.0));
    let from = run.comparison().events_processed();
    run.advance_to(secs(2_390.0));
    let replayed = run.comparison().events_processed() - from;
    assert!(
        replayed * 20 <= total,
        "replayed {replayed} of {total} events: {times:?}"
    );
}
