//! In-browser tests of the app (wasm-bindgen-test in headless Chromium).

use std::time::Duration;

use app::route::Route;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn route(hash: &str) -> Route {
    Route::from_hash(hash)
}

#[wasm_bindgen_test]
fn routes_parse_from_the_fragment() {
    assert_eq!(route(""), Route::Lessons);
    assert_eq!(route("#/"), Route::Lessons);
    assert_eq!(route("#/sandbox/"), Route::Sandbox);
    assert_eq!(
        route("#/lesson/delivered-twice"),
        Route::Lesson {
            id: "delivered-twice".into(),
            step: 1
        }
    );
    assert_eq!(
        route("#/lesson/delivered-twice/3"),
        Route::Lesson {
            id: "delivered-twice".into(),
            step: 3
        }
    );
    assert_eq!(
        route("#/lesson/delivered-twice/0"),
        Route::NotFound("lesson/delivered-twice/0".into())
    );
    assert_eq!(
        route("#/lesson/x/99999999999999999999"),
        Route::NotFound("lesson/x/99999999999999999999".into())
    );
    assert_eq!(
        route("#/lesson/<script>/1"),
        Route::NotFound("lesson/<script>/1".into())
    );
    for example in [
        Route::Lessons,
        Route::Sandbox,
        Route::Lesson {
            id: "the-chain".into(),
            step: 2,
        },
    ] {
        assert_eq!(route(&example.href()), example);
    }
    let long = format!("#/{}", "x".repeat(10_000));
    let Route::NotFound(shown) = route(&long) else {
        panic!("a long unknown path is not found")
    };
    assert!(
        shown.len() <= 200,
        "unknown paths are shortened before they are shown"
    );
}

#[wasm_bindgen_test]
fn typed_numbers_are_read_strictly() {
    use app::number::parse_number;
    assert_eq!(parse_number("12.5"), Some(12.5));
    assert_eq!(parse_number("  3 "), Some(3.0));
    assert_eq!(parse_number("-0.25"), Some(-0.25));
    assert_eq!(parse_number("1e3"), Some(1000.0));
    assert_eq!(parse_number("+2.5e2"), Some(250.0));
    assert_eq!(parse_number(".5"), Some(0.5));
    for bad in [
        "", "   ", "abc", "12abc", "1,5", "Infinity", "NaN", "1e999", "0x10", "0b11", "0o7",
        "1_000", "-", ".", "e5", "1e", "--1",
    ] {
        assert_eq!(parse_number(bad), None, "{bad:?}");
    }
}

async fn settle() {
    gloo_timers::future::sleep(Duration::from_millis(50)).await;
}

#[wasm_bindgen_test]
async fn the_shell_follows_the_fragment() {
    let window = web_sys::window().unwrap();
    window.location().set_hash("#/").unwrap();
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let _mounted = leptos::mount::mount_to(host.clone().unchecked_into(), app::App);
    settle().await;
    assert!(
        host.query_selector("[data-testid=lesson-list]")
            .unwrap()
            .is_some()
    );
    assert!(
        host.text_content()
            .unwrap()
            .contains(&app::learning::index()[0].title)
    );

    window.location().set_hash("#/sandbox").unwrap();
    settle().await;
    assert!(
        host.query_selector("[data-testid=sandbox]")
            .unwrap()
            .is_some()
    );
    let current = host.query_selector("[aria-current=page]").unwrap().unwrap();
    assert_eq!(
        current.get_attribute("data-testid").as_deref(),
        Some("nav-sandbox")
    );

    window.location().set_hash("#/lesson/nope/1").unwrap();
    settle().await;
    assert!(
        host.query_selector("[data-testid=not-found]")
            .unwrap()
            .is_some()
    );

    // The test server has no lesson files: a lesson that cannot be fetched says so and offers
    // to try again, instead of a blank page.
    let lesson = &app::learning::index()[0];
    window
        .location()
        .set_hash(&format!("#/lesson/{}/1", lesson.id))
        .unwrap();
    let mut failed = None;
    for _ in 0..40 {
        settle().await;
        failed = host.query_selector("[data-testid=lesson-failed]").unwrap();
        if failed.is_some() {
            break;
        }
    }
    let text = failed
        .expect("the failed fetch is shown")
        .text_content()
        .unwrap();
    assert!(
        text.contains("This lesson did not load") && text.contains(&lesson.file),
        "{text}"
    );
    assert!(
        host.query_selector("[data-testid=lesson-retry]")
            .unwrap()
            .is_some()
    );
}

mod playground {
    use app::playground::{CSV_HEADER, Run, alert_status, metrics_csv, parse_scenario};
    use engine::{ControlAction, Fault, FaultKind, OutageMode, Scenario, ServiceId, SimTime};
    use wasm_bindgen_test::*;

    fn shop() -> Scenario {
        Scenario::from_json(include_str!("../../engine/scenarios/shop.json")).unwrap()
    }

    fn secs(s: u64) -> SimTime {
        SimTime::from_secs(s)
    }

    fn outage() -> ControlAction {
        let mut fault = Fault::new(FaultKind::Outage).on(ServiceId::Payment);
        fault.mode = Some(OutageMode::Hang);
        ControlAction::InjectFault { fault }
    }

    /// Plays 0–20 s with an outage from 5 s to 12 s.
    fn played() -> Run {
        let mut run = Run::new(shop(), 7);
        run.advance_to(secs(5));
        run.apply(outage()).expect("valid");
        run.advance_to(secs(12));
        run.apply(ControlAction::Heal { target: None })
            .expect("valid");
        run.advance_to(secs(20));
        run
    }

    fn fingerprint(run: &Run) -> (u64, u64, String) {
        let comparison = run.comparison();
        (
            comparison.sync().trace_hash(),
            comparison.event().trace_hash(),
            metrics_csv(comparison.sync().metrics(), comparison.event().metrics()),
        )
    }

    /// Rate lines are read over the last second: with orders arriving as a Poisson process
    /// at λ = 200/s, a 250-ms bucket's rate has a standard deviation of √(λ/0.25 s) ≈ 28.3/s
    /// and a 1-s window's √(λ/1 s) ≈ 14.1/s, half as much. And the last point is exactly the
    /// orders placed in the last second.
    #[wasm_bindgen_test]
    fn rates_are_read_over_the_last_second() {
        use app::charts::{ChartKind, build_chart};
        let mut scenario = shop();
        scenario.workload.arrival_rate_per_s = 200.0;
        // 360 buckets: under the most points a line draws, so every bucket is a point.
        scenario.duration_s = 90.0;
        let mut run = Run::new(scenario, 3);
        run.advance_to(secs(90));
        let (sync, event) = (
            run.comparison().sync().metrics(),
            run.comparison().event().metrics(),
        );
        let chart = build_chart(ChartKind::Throughput, sync, event, (0.0, 90.0), Vec::new());
        let placed = &chart
            .series
            .iter()
            .find(|s| s.label == "Placed")
            .expect("placed")
            .points;
        // Past the first second, when the window is full.
        let values: Vec<f64> = placed.iter().filter(|p| p.0 > 1.0).map(|p| p.1).collect();
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let sd =
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64).sqrt();
        assert!((mean - 200.0).abs() < 6.0, "mean {mean}");
        assert!((11.0..17.5).contains(&sd), "sd {sd}, expected about 14.1");
        let buckets = sync.buckets();
        let last: u64 = buckets
            .iter()
            .rev()
            .take(4)
            .map(|b| b.counts.requests)
            .sum();
        assert_eq!(
            buckets
                .iter()
                .rev()
                .take(4)
                .map(|b| b.width.as_secs_f64())
                .sum::<f64>(),
            1.0
        );
        assert_eq!(placed.last().map(|p| p.1), Some(last as f64));
    }

    #[wasm_bindgen_test]
    fn rewinding_and_playing_on_gives_the_identical_run() {
        let straight = played();
        let mut rewound = played();
        rewound.seek(secs(3));
        assert_eq!(rewound.now(), secs(3));
        assert_eq!(
            rewound.horizon(),
            secs(20),
            "the scrubber still reaches the furthest point"
        );
        // Played in uneven steps, as frames of different lengths would.
        let mut at = secs(3);
        while at < secs(20) {
            at = (at + SimTime::from_millis(37)).min(secs(20));
            rewound.advance_to(at);
        }
        assert_eq!(fingerprint(&rewound), fingerprint(&straight));
        let sync_failed = straight.comparison().sync().summary().orders_failed;
        assert!(
            sync_failed > 0,
            "the outage made synchronous orders fail (else this test proves little)"
        );
    }

    #[wasm_bindgen_test]
    fn acting_after_a_rewind_writes_a_new_future() {
        let mut run = played();
        assert_eq!(run.timeline().len(), 2);
        run.seek(secs(8));
        run.apply(ControlAction::SetArrivalRate { per_s: 50.0 })
            .expect("valid");
        assert_eq!(
            run.timeline().len(),
            2,
            "the heal at 12 s belonged to the old future"
        );
        assert_eq!(run.timeline()[1].at, secs(8));
        run.advance_to(secs(20));
        assert!(
            run.faults().iter().any(|w| w.end.is_none()),
            "the outage is never healed in the new future"
        );
    }

    #[wasm_bindgen_test]
    fn fault_windows_follow_injections_and_heals() {
        let run = played();
        assert_eq!(run.fault_spans_s(), vec![(5.0, 12.0)]);
    }

    /// The same as natively: a long run rewound to a checkpoint and played on in slices is
    /// the run that went straight through, in the browser's wasm too.
    #[wasm_bindgen_test]
    fn rewinding_from_a_checkpoint_in_slices_gives_the_identical_run() {
        let mut scenario = shop();
        scenario.duration_s = 90.0;
        let mut straight = Run::new(scenario.clone(), 7);
        straight.advance_to(secs(90));
        let mut run = Run::new(scenario, 7);
        run.advance_to(secs(80));
        let target = secs(61);
        run.rewind(target);
        assert!(
            run.now() > secs(0) && run.now() <= target,
            "restored a checkpoint, at {}",
            run.now()
        );
        while !run.advance(secs(90), 3_000) {}
        assert_eq!(fingerprint(&run), fingerprint(&straight));
    }

    #[wasm_bindgen_test]
    fn metrics_csv_has_a_row_per_bucket_and_design() {
        let run = played();
        let csv = metrics_csv(
            run.comparison().sync().metrics(),
            run.comparison().event().metrics(),
        );
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(
            lines.len() - 1,
            2 * 80,
            "20 s of 250 ms buckets, both designs"
        );
        let columns = CSV_HEADER.split(',').count();
        assert!(lines.iter().all(|l| l.split(',').count() == columns));
        assert!(lines[1].starts_with("0.250,sync,"), "{}", lines[1]);

        // Each counter column adds up to the design's total for the run.
        let header: Vec<&str> = CSV_HEADER.split(',').collect();
        let total = |design: &str, column: &str| -> u64 {
            let index = header.iter().position(|h| *h == column).expect(column);
            lines[1..]
                .iter()
                .map(|line| line.split(',').collect::<Vec<_>>())
                .filter(|cells| cells[1] == design)
                .map(|cells| cells[index].parse::<u64>().expect("a count"))
                .sum()
        };
        for (design, summary) in [
            ("sync", run.comparison().sync().summary()),
            ("event", run.comparison().event().summary()),
        ] {
            let expected = [
                ("double_charges", summary.double_charges),
                ("double_shipments", summary.double_shipments),
                ("double_emails", summary.double_emails),
                ("duplicate_deliveries", summary.duplicate_deliveries),
                ("ordering_anomalies", summary.ordering_anomalies),
                ("inconsistent_orders", summary.inconsistent_orders),
                ("lost_orders", summary.lost_orders),
                ("dead_lettered", summary.dead_lettered),
                ("retries", summary.retries),
                ("timeouts", summary.timeouts),
                ("errors", summary.errors),
                ("rebalances", summary.rebalances),
            ];
            for (column, value) in expected {
                assert_eq!(total(design, column), value, "{design} {column}");
            }
        }
        let sync_timeouts = total("sync", "timeouts");
        assert!(sync_timeouts > 0, "Payment hung for 7 s: callers timed out");
    }

    #[wasm_bindgen_test]
    fn the_lag_alert_fires_during_the_outage_and_clears_after() {
        let run = played();
        let buckets = run.comparison().event().metrics().buckets();
        let peak = buckets.iter().map(|b| b.max_lag).max().unwrap_or(0);
        assert!(peak > 100, "Payment hung for 7 s: lag {peak}");
        let during = alert_status(buckets.iter().take(buckets.len() / 2), 100.0);
        assert!(during.firing, "{during:?}");
        assert!(during.text.contains("above 100 since"), "{during:?}");
        let quiet = alert_status(buckets.iter(), peak as f64);
        assert!(!quiet.firing);
        assert_eq!(
            quiet.text,
            format!("Quiet: lag has stayed at or under {peak} records (peak {peak}).")
        );
        let fired = alert_status(buckets.iter(), 100.0);
        assert!(fired.text.contains("fired 1 time"), "{fired:?}");
    }

    #[wasm_bindgen_test]
    fn malformed_scenarios_report_every_problem_with_its_path() {
        let problems =
            parse_scenario(r#"{"duration_s": -5, "services": {"payment": {"workers": 0}}}"#)
                .unwrap_err();
        assert!(
            problems.iter().any(|p| p.starts_with("duration_s")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("services.payment.workers")),
            "{problems:?}"
        );
        let problems = parse_scenario("{\n  \"workload\": [").unwrap_err();
        assert!(problems[0].starts_with("line 2 column"), "{problems:?}");
        assert!(parse_scenario("   ").is_err());
        assert!(parse_scenario(&"x".repeat(300_000)).unwrap_err()[0].contains("at most"));
        assert!(parse_scenario(include_str!("../../engine/scenarios/shop.json")).is_ok());
    }
}

/// The engine compiled to wasm runs the reference exactly as it does natively.
#[wasm_bindgen_test]
fn the_engine_gives_the_same_trace_hashes_in_wasm_as_natively() {
    let Some(native) = option_env!("SOS_NATIVE_REFERENCE_HASHES") else {
        panic!(
            "SOS_NATIVE_REFERENCE_HASHES is not set: run these tests with `cargo xtask test browser`"
        );
    };
    let native: Vec<u64> = native
        .split(',')
        .map(|h| h.parse().expect("a hash"))
        .collect();
    assert_eq!(engine::selfcheck::reference_hashes().to_vec(), native);
}

mod sharing {
    use app::embed::{Command, EmbedOptions, embed_code, parse_command};
    use app::share::SharedRun;
    use engine::{ControlAction, RecordedAction, SimTime};
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    fn a_run_survives_the_trip_through_a_link() {
        let actions = vec![RecordedAction {
            at: SimTime::from_secs(3),
            action: ControlAction::SetConsumerIdempotency { enabled: true },
        }];
        let run = SharedRun::new(42, SimTime::from_millis(12_345), actions, None);
        let payload = run.encode();
        assert!(
            payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "safe in a URL: {payload}"
        );
        assert_eq!(SharedRun::decode(&payload), Ok(run));
    }

    #[wasm_bindgen_test]
    fn damaged_links_say_what_is_wrong() {
        assert!(SharedRun::decode("%%%").unwrap_err().contains("damaged"));
        assert!(
            SharedRun::decode(&"A".repeat(100_000))
                .unwrap_err()
                .contains("at most")
        );
        let wrong_version = SharedRun {
            version: 7,
            ..SharedRun::new(1, SimTime::ZERO, Vec::new(), None)
        };
        assert!(
            SharedRun::decode(&wrong_version.encode())
                .unwrap_err()
                .contains("another version")
        );
    }

    #[wasm_bindgen_test]
    fn host_commands_are_checked_against_the_schema() {
        assert_eq!(parse_command(r#"{"type":"play"}"#), Ok(Command::Play));
        assert_eq!(
            parse_command(r#"{"type":"seek","seconds":12.5}"#),
            Ok(Command::Seek { seconds: 12.5 })
        );
        assert!(matches!(
            parse_command(
                r#"{"type":"apply","action":{"action":"set_consumer_idempotency","enabled":true}}"#
            ),
            Ok(Command::Apply {
                action: ControlAction::SetConsumerIdempotency { enabled: true }
            })
        ));
        for bad in [
            r#"{"type":"dance"}"#,
            r#"{"type":"play","extra":1}"#,
            r#"{"type":"play","seconds":1}"#,
            r#"{"type":"seek","value":1}"#,
            r#"{"type":"seek","seconds":-1}"#,
            r#"{"type":"speed","value":1000}"#,
            r#"{"type":"goto","lesson":"x","step":0}"#,
            "not json",
            "[]",
        ] {
            assert!(parse_command(bad).is_err(), "{bad} must be refused");
        }
        assert_eq!(
            parse_command(r#"{"type":"goto","lesson":"the-chain","step":2}"#),
            Ok(Command::Goto {
                lesson: "the-chain".into(),
                step: 2
            })
        );
        let extra = parse_command(r#"{"type":"pause","step":1}"#).unwrap_err();
        assert!(
            extra.starts_with("not a command: unknown field `step`, there are no fields"),
            "{extra}"
        );
        let missing = parse_command(r#"{"type":"speed"}"#).unwrap_err();
        assert!(
            missing.starts_with("not a command: missing field `value`"),
            "{missing}"
        );
        assert!(
            parse_command(&" ".repeat(20_000))
                .unwrap_err()
                .contains("too long")
        );
    }

    #[wasm_bindgen_test]
    fn embed_options_come_from_the_query() {
        let options = EmbedOptions::from_search(
            "?embed&origins=https%3A%2F%2Fa.example,https://b.example&panels=charts",
        );
        assert!(options.embedded);
        assert_eq!(
            options.allowed_origins,
            ["https://a.example", "https://b.example"]
        );
        assert!(options.shows("charts") && !options.shows("topology"));
        assert!(!EmbedOptions::from_search("").embedded);
        assert!(
            EmbedOptions::from_search("").shows("topology"),
            "outside embed mode everything shows"
        );
        let code = embed_code("https://x.example/sos/#/lesson/a/2?run=abc");
        assert!(
            code.contains("src=\"https://x.example/sos/?embed#/lesson/a/2?run=abc\""),
            "{code}"
        );
    }
}

/// A progress file as the previous version (B-tree maps) wrote it, and a hand-edited one with
/// its keys out of order and repeats, which that version read into the same progress.
#[wasm_bindgen_test]
fn progress_files_of_earlier_versions_read_and_write_the_same() {
    use app::learning::progress::Progress;
    let written = include_str!("fixtures/progress-v1.json").trim_end();
    let progress = Progress::from_json(written).expect("an earlier progress file reads");
    assert_eq!(progress.to_json(), written);
    assert_eq!(
        progress
            .lesson("the-chain")
            .steps_done
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        [0, 1, 3]
    );
    let edited = r#"{"version":1,"lessons":{"the-chain":{"steps_done":[3,1,3,0],"predictions":{"3":0,"1":5,"1":2},"last_step":3},"delivered-twice":{"steps_done":[2,0],"predictions":{"0":1},"last_step":2},"announce-dont-ask":{}}}"#;
    assert_eq!(Progress::from_json(edited).unwrap().to_json(), written);
}
