//! Every lesson file present validates, and every goal is neither already won nor unwinnable.

use crate::util::content_files;
use engine::{Comparison, SimTime};
use lessons::{Lesson, Step, parse_lesson};

/// Every lesson file, parsed; panics listing the problems of every invalid file at once.
fn parsed() -> Vec<(String, Lesson)> {
    let mut lessons = Vec::new();
    let mut invalid = Vec::new();
    for (name, text) in content_files() {
        match parse_lesson(&name, &text) {
            Ok(lesson) => lessons.push((name, lesson)),
            Err(problems) => {
                let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
                invalid.push(format!("{name} is invalid:\n{}", list.join("\n")));
            }
        }
    }
    assert!(invalid.is_empty(), "{}", invalid.join("\n\n"));
    lessons
}

#[test]
fn every_file_validates_and_is_bundled_in_order() {
    let files = parsed();
    let bundled = lessons::bundled();
    let names: Vec<&str> = lessons::bundled_sources()
        .iter()
        .map(|(name, _)| *name)
        .collect();
    let on_disk: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names, on_disk,
        "bundled files differ from content/ (rebuild picks up new files)"
    );
    for ((name, lesson), bundled) in files.iter().zip(&bundled) {
        assert_eq!(lesson, bundled, "{name}");
    }
    let mut ids: Vec<&str> = files.iter().map(|(_, lesson)| lesson.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), files.len(), "lesson ids must be unique");
}

#[test]
fn curriculum_lessons_have_steps_predictions_and_goals() {
    for (name, lesson) in parsed() {
        assert!(
            lesson.steps.len() >= 3,
            "{name}: {} steps, needs at least 3",
            lesson.steps.len()
        );
        assert!(
            lesson.steps.iter().any(|step| step.prediction.is_some()),
            "{name}: needs at least one prediction"
        );
        assert!(
            lesson.steps.iter().any(|step| step.goal.is_some()),
            "{name}: needs at least one goal"
        );
        assert!(
            lessons::outline(&lesson.id).is_some(),
            "{name}: `{}` is not in the curriculum outline",
            lesson.id
        );
    }
}

#[test]
fn the_first_four_lessons_are_in_curriculum_order() {
    let ids: Vec<String> = content_files()
        .into_iter()
        .filter_map(|(name, text)| parse_lesson(&name, &text).ok())
        .map(|lesson| lesson.id)
        .collect();
    let expected = [
        "the-chain",
        "one-slow-service",
        "announce-dont-ask",
        "absorbing-a-spike",
    ];
    for (position, id) in expected.iter().enumerate() {
        if let Some(found) = ids.iter().position(|x| x == id) {
            assert_eq!(found, position, "{id} should be lesson {}", position + 1);
        }
    }
}

/// Seeds besides the lesson's own on which every goal must behave the same: a threshold that
/// holds only for one particular sequence of random draws is a lesson that breaks when the
/// learner (or the engine) changes anything at all.
const OTHER_SEEDS: [u64; 3] = [1, 2, 3];

/// No goal may be met by just running the step, at any moment of the run, and every reference
/// solution must meet it, on the lesson's seed and on others.
#[test]
fn every_goal_is_winnable_and_never_won_by_itself() {
    // Every step is tried, and every failure reported together.
    let mut failures = Vec::new();
    for (name, lesson) in parsed() {
        for (index, step) in lesson.steps.iter().enumerate() {
            let Some(goal) = &step.goal else { continue };
            // An incident drill is tried with every one of its causes.
            let causes = step.incident.as_ref().map_or(0, |i| i.causes.len() as u64);
            let seeds = std::iter::once(lesson.seed)
                .chain(OTHER_SEEDS)
                .chain(lesson.seed + 1..lesson.seed + causes);
            for seed in seeds {
                let place = format!(
                    "{name} step {} (\"{}\"), seed {seed}",
                    index + 1,
                    step.title
                );
                let scenario = step.scenario_for(seed);
                // Idle, looked at after every metrics bucket (as the page does while it plays).
                let mut idle = Comparison::new(&scenario, seed);
                let width = SimTime::from_millis_f64(step.scenario.metrics.bucket_ms);
                let mut at = SimTime::ZERO;
                loop {
                    idle.run_until(at);
                    let status = goal.evaluate(&idle, step.check_at);
                    if status.met {
                        failures.push(format!(
                            "{place}: the goal is met without any action at {at}:\n{}",
                            lines(&status)
                        ));
                        break;
                    }
                    if at >= step.check_at {
                        break;
                    }
                    at = (at + width).min(step.check_at);
                }
                let solved = Comparison::replay(&scenario, seed, &step.solution, step.check_at);
                let status = goal.evaluate(&solved, step.check_at);
                if !status.met {
                    failures.push(format!(
                        "{place}: the reference solution does not meet the goal at {}:\n{}",
                        step.check_at,
                        lines(&status)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// "Alert on lag, then act" asks for a reaction to the alert: the reference solution moved to
/// the start of the run, before any lag, keeps the lag low but must not pass.
#[test]
fn scaling_before_the_alert_does_not_pass_the_alert_step() {
    let (lesson, step) = lesson_step("08-", "Alert on lag, then act");
    let goal = step.goal.as_ref().expect("a goal");
    let mut early = step.solution.clone();
    for action in &mut early {
        action.at = SimTime::ZERO;
    }
    for seed in std::iter::once(lesson.seed).chain(OTHER_SEEDS) {
        let run = Comparison::replay(&step.scenario, seed, &early, step.check_at);
        let status = goal.evaluate(&run, step.check_at);
        assert!(!status.met, "seed {seed}:\n{}", lines(&status));
        // Only the reaction is missing: scaling early does keep the lag down.
        let missing: Vec<_> = status.checks.iter().filter(|c| !c.met).collect();
        assert_eq!(missing.len(), 1, "seed {seed}:\n{}", lines(&status));
        assert!(
            missing[0].text.contains("rebalances"),
            "{}",
            missing[0].text
        );
    }
}

/// The hints that tell learners to share partitions out evenly make a claim: a consumer count
/// that does not divide the partition count leaves some members with two partitions, and
/// those fall behind, so the goal fails where an even count (the solution's) meets it.
#[test]
fn uneven_consumer_counts_fail_as_the_hints_say() {
    use engine::ControlAction;
    for (prefix, title, uneven) in [
        ("06-", "Shrink the window", 6),
        ("08-", "More hands", 3),
        ("08-", "Twice the traffic", 6),
        ("08-", "Three consumers", 3),
    ] {
        let (lesson, step) = lesson_step(prefix, title);
        let goal = step.goal.as_ref().expect("a goal");
        let mut actions = step.solution.clone();
        for action in &mut actions {
            if let ControlAction::SetConsumerCount { consumers, .. } = &mut action.action {
                *consumers = uneven;
            }
        }
        assert_ne!(
            actions, step.solution,
            "{title}: the solution sets a consumer count"
        );
        for seed in std::iter::once(lesson.seed).chain(OTHER_SEEDS) {
            let run = Comparison::replay(&step.scenario, seed, &actions, step.check_at);
            let status = goal.evaluate(&run, step.check_at);
            assert!(
                !status.met,
                "{title} with {uneven} consumers, seed {seed}, meets the goal:\n{}",
                lines(&status)
            );
        }
    }
}

/// Lesson 5's hanging outage: the text and hints claim that a circuit breaker alone leaves the
/// p99 above the goal's 500 ms, and that the reference fix made once the outage has begun comes too late
/// for a goal that reads the whole run.
#[test]
fn a_breaker_alone_or_a_late_fix_fails_the_hanging_outage() {
    use engine::ControlAction;
    use engine::scenario::CircuitBreaker;
    let (lesson, step) = lesson_step("05-", "When down means silent");
    let goal = step.goal.as_ref().expect("a goal");
    let breaker = vec![engine::RecordedAction {
        at: SimTime::from_millis_f64(500.0),
        action: ControlAction::SetCircuitBreaker {
            breaker: Some(CircuitBreaker::default()),
        },
    }];
    let mut late = step.solution.clone();
    for action in &mut late {
        action.at = SimTime::from_secs_f64(10.5);
    }
    for seed in std::iter::once(lesson.seed).chain(OTHER_SEEDS) {
        let run = Comparison::replay(&step.scenario, seed, &breaker, step.check_at);
        let p99 = run.sync().summary().latency_ms.p99;
        assert!(p99 > 500.0, "seed {seed}: breaker alone, p99 {p99} ms");
        assert!(!goal.evaluate(&run, step.check_at).met, "seed {seed}");
        let run = Comparison::replay(&step.scenario, seed, &late, step.check_at);
        let status = goal.evaluate(&run, step.check_at);
        assert!(!status.met, "seed {seed}: late fix\n{}", lines(&status));
    }
}

/// Lesson 12's claims: without the outbox every crash strands exactly one order (nine
/// crashes, nine stuck orders) while the customers who come during the restart are told no;
/// the outbox alone leaves no order stuck and nobody told no, but the relay's repeats charge
/// customers twice, so the goal also needs idempotent consumers, as the hints say.
#[test]
fn the_outbox_strands_nothing_but_repeats_events() {
    use engine::{ControlAction, RecordedAction};
    let (lesson, step) = lesson_step("12-", "One transaction, then a relay");
    let goal = step.goal.as_ref().expect("a goal");
    let crashes = step.scenario.faults.len() as u64;
    let outbox_only = vec![RecordedAction {
        at: SimTime::from_millis_f64(500.0),
        action: ControlAction::SetOutbox { enabled: true },
    }];
    for seed in std::iter::once(lesson.seed).chain(OTHER_SEEDS) {
        let idle = Comparison::replay(&step.scenario, seed, &[], step.check_at);
        let idle = idle.event().summary();
        assert_eq!(idle.stuck_orders, crashes, "seed {seed}: {idle:?}");
        assert!(idle.orders_failed > 100 * crashes, "seed {seed}: {idle:?}");
        let run = Comparison::replay(&step.scenario, seed, &outbox_only, step.check_at);
        let event = run.event().summary();
        assert_eq!(event.stuck_orders, 0, "seed {seed}: {event:?}");
        assert_eq!(event.orders_failed, 0, "seed {seed}: {event:?}");
        assert!(event.producer_duplicates > 0, "seed {seed}: {event:?}");
        assert_eq!(
            event.double_charges, event.producer_duplicates,
            "seed {seed}: every repeated OrderCreated is charged again"
        );
        let status = goal.evaluate(&run, step.check_at);
        assert!(!status.met, "seed {seed}: outbox alone\n{}", lines(&status));
    }
}

/// Lesson 13's claims: with Inventory slowed, out-of-stock customers stay charged for over a
/// second on average and hear of the decline over a second after ordering, until Inventory
/// has enough consumers; in the calm shop the event-driven customer's email comes within the
/// same 100 ms as the chain's answer.
#[test]
fn a_slow_participant_keeps_customers_charged() {
    let (lesson, step) = lesson_step("13-", "A slow participant");
    let (_, calm) = lesson_step("13-", "Who runs the saga?");
    for seed in std::iter::once(lesson.seed).chain(OTHER_SEEDS) {
        let idle = Comparison::replay(&step.scenario, seed, &[], step.check_at);
        let event = idle.event().summary();
        assert!(
            event.compensation_ms.mean > 1_000.0,
            "seed {seed}: {:?}",
            event.compensation_ms
        );
        assert!(
            event.decline_notice_ms.mean > 1_000.0,
            "seed {seed}: {:?}",
            event.decline_notice_ms
        );
        let fixed = Comparison::replay(&step.scenario, seed, &step.solution, step.check_at);
        let event = fixed.event().summary();
        assert!(
            event.compensation_ms.mean < 500.0,
            "seed {seed}: {:?}",
            event.compensation_ms
        );
        let run = Comparison::replay(&calm.scenario, seed, &[], calm.check_at);
        for summary in [run.sync().summary(), run.event().summary()] {
            assert!(summary.orders_declined > 0, "seed {seed}");
            // All told but the few declined in the run's last moments.
            let told = summary.decline_notice_ms.count;
            assert!(
                told <= summary.orders_declined && told + 10 >= summary.orders_declined,
                "seed {seed}: {summary:?}"
            );
            assert!(
                summary.decline_notice_ms.mean < 100.0,
                "seed {seed}: {:?}",
                summary.decline_notice_ms
            );
        }
    }
}

/// Lesson 10's newcomer: Analytics added at 15 s with the default `latest` starts at the end of
/// every partition and is never more than a few records behind; with `earliest` it replays the
/// first 15 s, thousands of records, and catches up by 40 s.
#[test]
fn a_new_group_starts_at_the_end_unless_told_otherwise() {
    let (lesson, step) = lesson_step("10-", "A newcomer and the past");
    let latest: Vec<_> = step
        .solution
        .iter()
        .filter(|a| !matches!(a.action, engine::ControlAction::SetOffsetReset { .. }))
        .cloned()
        .collect();
    assert_eq!(latest.len() + 1, step.solution.len());
    for seed in std::iter::once(lesson.seed).chain(OTHER_SEEDS) {
        let run = Comparison::replay(&step.scenario, seed, &latest, step.check_at);
        let event = run.event().summary();
        assert!(event.max_consumer_lag < 100, "seed {seed}: {event:?}");
        let run = Comparison::replay(&step.scenario, seed, &step.solution, step.check_at);
        let event = run.event().summary();
        assert!(event.max_consumer_lag > 2_000, "seed {seed}: {event:?}");
    }
}

/// Lesson 7's producer step: lost acknowledgements put repeats in the log and charge twice in
/// both shops; idempotent consumers alone stop the double charges but leave every repeat in
/// the log, so the goal needs the idempotent producer, as the hints say.
#[test]
fn consumers_absorb_producer_repeats_but_the_log_keeps_them() {
    let (lesson, step) = lesson_step("07-", "The producer retries too");
    let goal = step.goal.as_ref().expect("a goal");
    let consumers_only = vec![engine::RecordedAction {
        at: SimTime::from_millis_f64(500.0),
        action: engine::ControlAction::SetConsumerIdempotency { enabled: true },
    }];
    for seed in std::iter::once(lesson.seed).chain(OTHER_SEEDS) {
        let idle = Comparison::replay(&step.scenario, seed, &[], step.check_at);
        let (sync, event) = (idle.sync().summary(), idle.event().summary());
        assert!(sync.double_charges > 0, "seed {seed}: {sync:?}");
        assert!(event.producer_duplicates > 0, "seed {seed}: {event:?}");
        assert!(event.double_charges > 0, "seed {seed}: {event:?}");
        let run = Comparison::replay(&step.scenario, seed, &consumers_only, step.check_at);
        let event = run.event().summary();
        assert_eq!(event.double_charges, 0, "seed {seed}: {event:?}");
        assert!(event.duplicate_deliveries > 0, "seed {seed}: {event:?}");
        assert!(!goal.evaluate(&run, step.check_at).met, "seed {seed}");
    }
}

/// Lesson 9's first step sends the learner to the inspector's "acted on after its
/// cancellation": the event-driven shop has such orders (the chain has none), and the trace of
/// each one shown has a service consuming `OrderCancelled` before `OrderCreated` and acting on
/// the order after that, as the text says.
#[test]
fn the_inspector_finds_a_cancellation_that_overtook_its_order() {
    use engine::examples::Example;
    use engine::trace::{RecordKind, Step as At};
    let (lesson, step) = lesson_step("09-", "Placed, then cancelled");
    for seed in std::iter::once(lesson.seed).chain(OTHER_SEEDS) {
        let idle = Comparison::replay(&step.scenario, seed, &[], step.check_at);
        let shown = |run: &Comparison, design: engine::Design| -> Vec<u64> {
            run.design(design)
                .examples()
                .recent(Example::ActedAfterCancel)
                .collect()
        };
        assert!(shown(&idle, engine::Design::Sync).is_empty(), "seed {seed}");
        let orders = shown(&idle, engine::Design::Event);
        assert!(!orders.is_empty(), "seed {seed}");
        let mut pinned = step.scenario.clone();
        pinned.trace.pinned = orders.clone();
        let replayed = Comparison::replay(&pinned, seed, &[], step.check_at);
        for order in orders {
            let trace = replayed
                .event()
                .trace(order)
                .expect("a pinned order's trace");
            // Some service reads the cancellation first and the order after it.
            let consumed = |service, kind: RecordKind| {
                trace.entries.iter().position(|e| {
                    e.step == At::Consumed && e.service == Some(service) && e.record == Some(kind)
                })
            };
            let overtaken = engine::ServiceId::ALL.iter().any(|&service| {
                matches!(
                    (
                        consumed(service, RecordKind::OrderCancelled),
                        consumed(service, RecordKind::OrderCreated)
                    ),
                    (Some(cancel), Some(create)) if cancel < create
                )
            });
            assert!(overtaken, "seed {seed} order {order}: {trace:?}");
        }
    }
}

/// Predict, watch, explain: the explanation of every prediction's right answer says where the
/// run shows it (a chart, the topology, the broker table, the inspector or the totals), so the
/// reveal points the learner back at what they just watched.
#[test]
fn every_right_answer_says_where_the_run_shows_it() {
    const PLACES: [&str; 12] = [
        "customer latency",
        "customer outcomes",
        "outcomes chart",
        "orders fully processed",
        "consumer lag",
        "correctness problems",
        "topology",
        "broker",
        "consumer groups",
        "order inspector",
        "totals so far",
        "not on a chart",
    ];
    let mut missing = Vec::new();
    for (name, lesson) in parsed() {
        for (index, step) in lesson.steps.iter().enumerate() {
            let Some(prediction) = &step.prediction else {
                continue;
            };
            let right = prediction.choices[prediction.answer].explain.to_lowercase();
            if !PLACES.iter().any(|place| right.contains(place)) {
                missing.push(format!("{name} step {}", index + 1));
            }
        }
    }
    assert!(missing.is_empty(), "no place to look in: {missing:?}");
}

/// The lesson whose file name starts with `prefix`, and its step titled `title`.
fn lesson_step(prefix: &str, title: &str) -> (Lesson, Step) {
    let (_, lesson) = parsed()
        .into_iter()
        .find(|(name, _)| name.starts_with(prefix))
        .unwrap_or_else(|| panic!("no lesson file {prefix}*"));
    let step = lesson
        .steps
        .iter()
        .find(|step| step.title == title)
        .cloned()
        .unwrap_or_else(|| panic!("no step \"{title}\" in {prefix}*"));
    (lesson, step)
}

fn lines(status: &lessons::GoalStatus) -> String {
    status
        .checks
        .iter()
        .map(|check| format!("  [{}] {}", if check.met { "x" } else { " " }, check.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A lesson's shop is sized so that, healthy, the synchronous side keeps up: until the first
/// fault or spike of a step begins, no order is rejected or failed and Order's workers are
/// not all taken. Otherwise a learner would see the chain collapse before anything broke and
/// blame whatever they tried next.
#[test]
fn every_healthy_synchronous_shop_keeps_up() {
    let mut failures = Vec::new();
    for (name, lesson) in parsed() {
        for (index, step) in lesson.steps.iter().enumerate() {
            let scenario = &step.scenario;
            let calm_until = scenario
                .faults
                .iter()
                .map(|fault| fault.start_s)
                .fold(scenario.duration_s.min(20.0), f64::min);
            if calm_until < 2.0 {
                continue;
            }
            let mut comparison = Comparison::new(scenario, lesson.seed);
            comparison.run_until(SimTime::from_secs_f64(calm_until));
            let sync = comparison.sync().summary();
            let busy: Vec<u64> = comparison
                .sync()
                .metrics()
                .buckets()
                .iter()
                .map(|bucket| bucket.services[engine::ServiceId::Order.index()].busy)
                .collect();
            let mean_busy = busy.iter().sum::<u64>() as f64 / busy.len().max(1) as f64;
            let workers = comparison
                .sync()
                .pool(engine::ServiceId::Order)
                .map_or(0.0, |(_, workers, _)| f64::from(workers));
            if sync.orders_failed > 0 || mean_busy > 0.7 * workers {
                failures.push(format!(
                    "{name} step {} (\"{}\"): in the first {calm_until} s, {} of {} orders failed \
                     and Order had {mean_busy:.1} of {workers} workers busy on average",
                    index + 1,
                    step.title,
                    sync.orders_failed,
                    sync.orders_arrived,
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Explanations are Markdown like the step text: the page shows them rendered, so the
/// emphasis that names a chart is emphasis, not asterisks.
#[test]
fn every_explanation_is_rendered_without_markdown_left_over() {
    let mut emphasised = 0;
    for (name, lesson) in parsed() {
        for step in &lesson.steps {
            let choices = step.prediction.iter().flat_map(|p| &p.choices);
            let explained = choices.map(|c| (&c.explain, &c.explain_html)).chain(
                step.incident
                    .iter()
                    .flat_map(|i| &i.causes)
                    .map(|c| (&c.explain, &c.explain_html)),
            );
            for (text, html) in explained {
                assert!(
                    !html.is_empty() && !html.contains('*') && !html.starts_with("<p>"),
                    "{name}: {html}"
                );
                if text.contains('*') {
                    assert!(html.contains("<em>"), "{name}: {html}");
                    emphasised += 1;
                }
            }
        }
    }
    assert!(emphasised > 20, "{emphasised}");
}

/// Orders per second `consumers` members of `service`'s group manage in a step's scenario: the
/// closed form members × 1 / mean service time, the mean taken from the engine's own
/// distribution (a lognormal's mean is its median × e^(σ²/2), above the median).
fn group_capacity(step: &Step, service: engine::ServiceId, consumers: u32) -> f64 {
    let config = step
        .scenario
        .service(service)
        .expect("the service is in the shop");
    let mean_micros = engine::station::Distribution::new(&config.service_time).mean();
    f64::from(consumers) * 1e6 / mean_micros
}

/// The figures hints give for how much a group manages: each within 5 % of the closed form.
#[test]
fn the_capacities_hints_quote_hold() {
    use engine::ServiceId::{Payment, Shipping};
    for (prefix, title, service, consumers, claimed) in [
        // "Four consumers at about 25 ms per parcel manage around 160 parcels per second."
        ("06-", "Shrink the window", Shipping, 4, 160.0),
        // "Two consumers manage about 200 orders per second, so one reads about 100 a second."
        ("08-", "More hands", Payment, 2, 200.0),
        ("08-", "More hands", Payment, 1, 100.0),
        // "A reader that manages 100", sharing four partitions three ways.
        ("08-", "Three consumers", Payment, 1, 100.0),
    ] {
        let (_, step) = lesson_step(prefix, title);
        let capacity = group_capacity(&step, service, consumers);
        assert!(
            (capacity - claimed).abs() <= 0.05 * claimed,
            "{title}: {consumers} {service} consumers manage {capacity:.1}/s, the hint says about {claimed}"
        );
    }
    // "Three Payment consumers cannot absorb a 3× spike."
    let (_, step) = lesson_step("11-", "Make the event-driven shop correct");
    let spike = 3.0 * step.scenario.workload.arrival_rate_per_s;
    let capacity = group_capacity(&step, Payment, 3);
    assert!(capacity < spike, "{capacity:.0}/s against {spike:.0}/s");
    // "A timeout of about 250 ms is still far above Payment's normal 40 ms p99."
    let (_, step) = lesson_step("05-", "When down means silent");
    let payment = step.scenario.service(Payment).expect("Payment");
    assert_eq!(
        payment.service_time,
        engine::scenario::ServiceTime::Lognormal {
            median_ms: 8.0,
            p99_ms: 40.0
        }
    );
}

/// "More consumers than partitions would not help: the extra members would sit idle." With
/// twice as many members as partitions, no more orders are done and the backlog is no smaller.
#[test]
fn members_beyond_the_partitions_change_nothing() {
    use engine::ControlAction;
    for (prefix, title) in [("04-", "Drain it faster"), ("06-", "Shrink the window")] {
        let (lesson, step) = lesson_step(prefix, title);
        let mut doubled = step.solution.clone();
        for action in &mut doubled {
            if let ControlAction::SetConsumerCount { consumers, .. } = &mut action.action {
                assert_eq!(
                    *consumers, step.scenario.event.partitions,
                    "{title}: the solution gives one member per partition"
                );
                *consumers *= 2;
            }
        }
        let one_each =
            Comparison::replay(&step.scenario, lesson.seed, &step.solution, step.check_at);
        let two_each = Comparison::replay(&step.scenario, lesson.seed, &doubled, step.check_at);
        let (a, b) = (one_each.event().summary(), two_each.event().summary());
        // The extra members own no partition. What can differ is only which member the
        // rebalance hands each partition to, and when: a few orders either way.
        assert!(
            b.orders_completed <= a.orders_completed + a.orders_completed / 1_000,
            "{title}: {} completed with twice the members, {} with one per partition",
            b.orders_completed,
            a.orders_completed
        );
        assert!(
            b.max_consumer_lag >= a.max_consumer_lag,
            "{title}: the worst lag fell from {} to {}",
            a.max_consumer_lag,
            b.max_consumer_lag
        );
    }
}

/// Lesson 11's hints on the synchronous timeout: about 250 ms with a breaker fails no healthy
/// call, while a timeout close to a call's normal time fails healthy orders and, retried,
/// charges twice. Judged over the first 4 s, before anything breaks.
#[test]
fn a_timeout_near_normal_call_times_fails_healthy_orders() {
    use engine::scenario::CircuitBreaker;
    use engine::{ControlAction, RecordedAction};
    let (lesson, step) = lesson_step("11-", "Make the synchronous shop behave");
    let healthy = SimTime::from_secs(4);
    assert!(
        step.scenario
            .faults
            .iter()
            .all(|f| f.start_s >= healthy.as_secs_f64()),
        "nothing breaks before 4 s"
    );
    let with_timeout = |ms: f64| {
        vec![
            RecordedAction {
                at: SimTime::ZERO,
                action: ControlAction::SetTimeout {
                    timeout_ms: Some(ms),
                },
            },
            RecordedAction {
                at: SimTime::ZERO,
                action: ControlAction::SetCircuitBreaker {
                    breaker: Some(CircuitBreaker::default()),
                },
            },
        ]
    };
    let calm = Comparison::replay(&step.scenario, lesson.seed, &with_timeout(250.0), healthy);
    let calm = calm.sync().summary();
    assert_eq!((calm.orders_failed, calm.double_charges), (0, 0), "250 ms");
    // Payment's median call is 8 ms of work plus two 1-ms hops.
    let tight = Comparison::replay(&step.scenario, lesson.seed, &with_timeout(10.0), healthy);
    let tight = tight.sync().summary();
    assert!(tight.orders_failed > 0, "10 ms fails no order");
    assert!(tight.double_charges > 0, "10 ms charges nobody twice");
}

/// Lesson 4's spike, against its closed form: 600 orders a second for 10 s against a Payment
/// good for 200 leaves (600 − 200) × 10 = 4,000 records; with 80 a second to spare after it
/// they take 4,000 / 80 = 50 s to clear, and the last order of the spike waits 4,000 / 200 =
/// 20 s in the log. The lesson's text and its revealed answer quote these figures.
#[test]
fn the_spike_backlog_matches_its_closed_form() {
    let (lesson, step) = lesson_step("04-", "The sale starts");
    let run = Comparison::replay(&step.scenario, lesson.seed, &[], SimTime::from_secs(90));
    let event = run.event();
    let summary = event.summary();
    let peak = summary.max_consumer_lag as f64;
    assert!((peak - 4_000.0).abs() <= 400.0, "peak backlog {peak}");
    let oldest = summary.max_consumer_lag_s;
    assert!(
        (oldest - 20.0).abs() <= 3.0,
        "oldest unread record {oldest:.1} s"
    );
    let cleared = event
        .metrics()
        .buckets()
        .iter()
        .find(|b| b.start >= SimTime::from_secs(20) && b.max_lag <= 10)
        .map(|b| b.start.as_secs_f64() - 20.0)
        .expect("the backlog clears within 70 s of the spike");
    assert!(
        (40.0..=60.0).contains(&cleared),
        "cleared {cleared:.1} s after the spike"
    );
}
