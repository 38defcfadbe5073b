//! How fast the page is, measured where it runs: work per animation frame (engine advance plus
//! chart drawing), when the first chart appeared, memory in use, and the engine's speed in this
//! browser on the reference scenario.

use std::cell::Cell;

use engine::{Design, Scenario, SimTime, Simulation, Summary};
use gloo_timers::callback::Interval;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::Playground;
use super::state::{FrameSummary, Percentiles, now_ms};

thread_local! {
    static FIRST_CHART_MS: Cell<Option<f64>> = const { Cell::new(None) };
}

/// Called after every chart draw; remembers the first, relative to navigation start.
pub fn chart_drawn() {
    FIRST_CHART_MS.with(|first| {
        if first.get().is_none() {
            first.set(Some(now_ms()));
        }
    });
}

#[derive(Clone, Debug, Default, PartialEq)]
struct EngineSpeed {
    orders_per_s: f64,
    events_per_s: f64,
    mean_latency_ms: f64,
    /// Wall time of every run, in milliseconds, in the order they ran.
    runs_ms: Vec<f64>,
}

#[component]
pub fn PerfPanel() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let speed = RwSignal::new(None::<EngineSpeed>);
    // The figures, as markup rewritten twice a second (every word is ours).
    let figures = RwSignal::new(String::new());
    let interval = send_wrapper::SendWrapper::new(Interval::new(500, move || {
        figures.set(figures_markup(
            playground.frame_stats(),
            playground.slice_stats(),
            FIRST_CHART_MS.with(Cell::get),
            (js_heap_mb().unwrap_or(f64::NAN), wasm_memory_mb()),
        ));
    }));
    on_cleanup(move || drop(interval.take()));
    let progress = RwSignal::new(None::<usize>);
    let measure = move |_| {
        if progress.get_untracked().is_some() {
            return;
        }
        wasm_bindgen_futures::spawn_local(async move {
            speed.set(measure_engine(progress).await);
        });
    };

    view! {
        <details class="panel perf" data-testid="perf">
            <summary>"Performance"</summary>
            <dl inner_html=figures></dl>
            <dl>
                <dt>"Engine speed in this browser"</dt>
                <dd>
                    <button type="button" on:click=measure data-testid="perf-measure" aria-disabled=move || progress.get().is_some().to_string()>"Measure"</button>
                    " "
                    <span data-testid="perf-engine" aria-live="polite">{move || match (progress.get(), speed.get()) {
                        (Some(run), _) => format!("measuring: run {run} of {RUNS}…"),
                        (None, Some(s)) => format!(
                            "{:.0} simulated orders/s, {:.0} events/s (reference tandem benchmark, best of {RUNS} runs of {RUN_SECONDS} simulated seconds, which took {} ms; mean latency {:.2} ms, Erlang C: 20.836 ms)",
                            s.orders_per_s, s.events_per_s,
                            s.runs_ms.iter().map(|ms| format!("{ms:.0}")).collect::<Vec<_>>().join(", "),
                            s.mean_latency_ms
                        ),
                        (None, None) => String::new(),
                    }}</span>
                </dd>
            </dl>
        </details>
    }
}

fn figures_markup(
    frames: FrameSummary,
    (longest, count): (f64, u64),
    first_chart: Option<f64>,
    (heap, wasm): (f64, f64),
) -> String {
    let slices = if count == 0 {
        "none yet".to_string()
    } else {
        format!("{longest:.1} ms, over {count} slices")
    };
    let first_chart = first_chart.map_or("not yet".into(), |ms| {
        format!("{ms:.0} ms after navigation")
    });
    let memory = if heap.is_nan() {
        format!("wasm {wasm:.1} MB")
    } else {
        format!(
            "JS heap {heap:.1} MB + wasm {wasm:.1} MB = {:.1} MB",
            heap + wasm
        )
    };
    [
        (
            "Work per frame: engine, views and charts",
            "perf-frames",
            percentiles(frames.script),
        ),
        (
            "Whole frame on the main thread (adds the browser's style, layout and paint)",
            "perf-whole-frames",
            percentiles(frames.whole),
        ),
        (
            "Longest slice of long work (jump to end, seek, a link's replay)",
            "perf-slices",
            slices,
        ),
        ("First chart drawn", "perf-first-chart", first_chart),
        ("Memory", "perf-memory", memory),
    ]
    .iter()
    .map(|(term, id, value)| format!(r#"<dt>{term}</dt><dd data-testid="{id}">{value}</dd>"#))
    .collect()
}

fn percentiles(p: Percentiles) -> String {
    format!(
        "p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms over {} frames",
        p.p50_ms, p.p95_ms, p.max_ms, p.frames
    )
}

/// Runs of the reference benchmark, and simulated seconds per run. `cargo bench -p engine`
/// takes the best of five runs of 300 simulated seconds; here the first runs also pay for the
/// browser compiling the engine's hot code a second time, optimized (measured: the first one to
/// three runs take up to 1.8 times as long), so the best of ten compares like with like.
const RUNS: usize = 10;
const RUN_SECONDS: u64 = 300;

/// The engine's reference benchmark, as `cargo bench -p engine` runs it natively: the
/// synchronous tandem (Order calling 3 stages, Poisson 1000 orders/s), seed 42. The page gets a turn between
/// runs, so it stays responsive and shows progress.
async fn measure_engine(progress: RwSignal<Option<usize>>) -> Option<EngineSpeed> {
    let scenario =
        Scenario::from_json(include_str!("../../../engine/scenarios/tandem.json")).ok()?;
    let mut best: Option<(f64, Summary)> = None;
    let mut runs_ms = Vec::with_capacity(RUNS);
    for run in 1..=RUNS {
        progress.set(Some(run));
        gloo_timers::future::TimeoutFuture::new(0).await;
        let started = now_ms();
        let mut simulation = Simulation::new(&scenario, 42, Design::Sync);
        simulation.run_until(SimTime::from_secs(RUN_SECONDS));
        let seconds = ((now_ms() - started) / 1000.0).max(1e-6);
        runs_ms.push(seconds * 1000.0);
        if best.as_ref().is_none_or(|(fastest, _)| seconds < *fastest) {
            best = Some((seconds, simulation.summary()));
        }
    }
    progress.set(None);
    let (seconds, summary) = best?;
    Some(EngineSpeed {
        orders_per_s: summary.orders_arrived as f64 / seconds,
        events_per_s: summary.events_processed as f64 / seconds,
        mean_latency_ms: summary.latency_ms.mean,
        runs_ms,
    })
}

fn js_heap_mb() -> Option<f64> {
    let performance = window().performance()?;
    let memory = web_sys::js_sys::Reflect::get(&performance, &"memory".into()).ok()?;
    let used = web_sys::js_sys::Reflect::get(&memory, &"usedJSHeapSize".into())
        .ok()?
        .as_f64()?;
    Some(used / 1_048_576.0)
}

fn wasm_memory_mb() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<web_sys::js_sys::WebAssembly::Memory>()
        .map(|memory| {
            memory
                .buffer()
                .unchecked_into::<web_sys::js_sys::ArrayBuffer>()
                .byte_length() as f64
                / 1_048_576.0
        })
        .unwrap_or(0.0)
}
