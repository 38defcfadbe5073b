//! The landing page's live picture: both shops on one short run in which Payment goes down, so
//! a first-time visitor sees one shop turn customers away while the other keeps accepting and
//! then catches up. With reduced motion it shows a still frame from the outage and waits for
//! Play instead of moving by itself.

use engine::{Design, SimTime};
use leptos::prelude::*;

use crate::charts::ChartKind;
use crate::hooks::use_media_query;
use crate::playground::{ChartPanel, Playground, PlaygroundOptions, Topology};

/// When Payment is down in the demo run, in seconds.
const OUTAGE_S: (f64, f64) = (5.0, 13.0);

/// The calm shop for 24 s, with Payment refusing every call from 5 s to 13 s.
pub fn demo_scenario() -> engine::Scenario {
    let mut scenario = super::sandbox::shop_scenario("landing");
    scenario.duration_s = 24.0;
    scenario.workload.cancel_share = 0.0;
    scenario.faults = vec![engine::Fault {
        target: Some(engine::ServiceId::Payment),
        start_s: OUTAGE_S.0,
        end_s: Some(OUTAGE_S.1),
        mode: Some(engine::OutageMode::Refuse),
        ..engine::Fault::new(engine::FaultKind::Outage)
    }];
    scenario
}

#[component]
pub fn LandingDemo() -> impl IntoView {
    let still = use_media_query("(prefers-reduced-motion: reduce)").get_untracked();
    let scenario = demo_scenario();
    let seed = scenario.seed;
    let playground = Playground::new(scenario, seed, PlaygroundOptions { autoplay: !still });
    if still {
        // A frame from the middle of the outage, where the two shops differ most.
        playground.seek(SimTime::from_secs_f64(OUTAGE_S.1 - 1.0));
    }
    provide_context(playground);
    let now = move || playground.view.with(|view| view.now.as_secs_f64());
    let at_end = move || playground.view.with(|view| view.now >= view.end);
    let label = move || {
        if at_end() {
            "Replay"
        } else if playground.playing.get() {
            "Pause"
        } else {
            "Play"
        }
    };
    let press = move |_| {
        if at_end() {
            playground.reset();
            playground.play();
        } else {
            playground.toggle();
        }
    };
    let phase = move || {
        let t = now();
        if t < OUTAGE_S.0 {
            format!(
                "Both shops are healthy. Payment goes down at {:.0} s.",
                OUTAGE_S.0
            )
        } else if t < OUTAGE_S.1 {
            "Payment is down: the chain of calls fails its customers; the event-driven shop keeps accepting orders and Payment's work waits in the log.".to_string()
        } else {
            "Payment is back: the event-driven shop works through what waited in the log."
                .to_string()
        }
    };
    view! {
        <section class="landing-demo" data-testid="landing-demo" aria-label="Live demo: Payment goes down in both shops">
            <div class="demo-bar">
                <button type="button" class="primary" data-testid="demo-play" on:click=press>{label}</button>
                <span class="demo-clock" data-testid="demo-clock">{move || format!("{:.1} s", now())}</span>
                <span class="demo-phase" aria-live="polite" data-testid="demo-phase">{phase}</span>
            </div>
            <div class="topologies">
                <Topology design=Design::Sync />
                <Topology design=Design::Event />
            </div>
            <ChartPanel kind=ChartKind::Outcomes />
        </section>
    }
}
