//! Import and export: the scenario as JSON (in and out), the metrics as CSV. A scenario that
//! fails to parse or validate is reported in the page with every problem and its path, and the
//! current run is left exactly as it was.

use engine::{Metrics, Scenario};
use leptos::prelude::*;

use super::Playground;
use crate::files::{download_text, read_chosen_file};

#[component]
pub fn ImportExport() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let pasted = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<String>::new());

    let import_text = move |text: String| match parse_scenario(&text) {
        Ok(scenario) => {
            problems.set(Vec::new());
            let seed = scenario.seed;
            let name = if scenario.name.is_empty() {
                "the scenario".to_string()
            } else {
                format!("“{}”", scenario.name)
            };
            playground.load(scenario, seed);
            playground.tell(format!("Loaded {name}. Press Play to run it."));
        }
        Err(found) => problems.set(found),
    };
    let on_file = move |event: leptos::ev::Event| {
        read_chosen_file(
            &event,
            MAX_SCENARIO_BYTES,
            move |_, text| import_text(text),
            move |error| problems.set(vec![error]),
        );
    };
    let export_scenario = move |_| {
        let json = playground.with_run(|run| run.scenario().to_json());
        download_text("scenario.json", "application/json", &json);
    };
    let export_csv = move |_| {
        let csv = playground.with_run(|run| {
            metrics_csv(
                run.comparison().sync().metrics(),
                run.comparison().event().metrics(),
            )
        });
        download_text("sync-or-stream-metrics.csv", "text/csv", &csv);
    };

    view! {
        <section class="transfer" data-testid="import-export">
            <h2>"Import and export"</h2>
            <div class="button-row">
                <button type="button" on:click=export_scenario data-testid="export-scenario">"Export scenario (JSON)"</button>
                <button type="button" on:click=export_csv data-testid="export-csv">"Export metrics (CSV)"</button>
                <label class="file-button">
                    "Import scenario file…"
                    <input type="file" accept=".json,application/json" on:change=on_file data-testid="import-file" />
                </label>
            </div>
            <label for="scenario-text">"…or paste a scenario:"</label>
            <textarea
                id="scenario-text"
                rows="4"
                spellcheck="false"
                data-testid="import-text"
                prop:value=move || pasted.get()
                on:input=move |event| pasted.set(event_target_value(&event))
            ></textarea>
            <button type="button" on:click=move |_| import_text(pasted.get_untracked()) data-testid="import-apply">"Load pasted scenario"</button>
            {crate::hooks::shown_when(move || !problems.with(Vec::is_empty), move || view! {
                <div class="problems" role="alert" data-testid="import-errors">
                    <p>"This scenario was not loaded; the current run is unchanged. Problems found:"</p>
                    <ul>{move || problems.get().into_iter().map(|p| view! { <li><code>{p}</code></li> }).collect_view()}</ul>
                </div>
            })}
        </section>
    }
}

const MAX_SCENARIO_BYTES: usize = 256 * 1024;

/// Parses and validates; every problem comes back as `path: message`.
pub fn parse_scenario(text: &str) -> Result<Scenario, Vec<String>> {
    if text.trim().is_empty() {
        return Err(vec![
            "(input): empty; paste or choose a scenario in JSON".to_string(),
        ]);
    }
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(vec![format!(
            "(input): {} KB; scenarios are at most {} KB",
            text.len() / 1024,
            MAX_SCENARIO_BYTES / 1024
        )]);
    }
    Scenario::from_json(text)
        .map_err(|error| error.problems.iter().map(ToString::to_string).collect())
}

pub const CSV_HEADER: &str = "time_s,design,requests,accepted,failed,rejected,completed,in_flight,latency_p50_ms,latency_p99_ms,completion_p50_ms,completion_p99_ms,max_lag_records,max_lag_s,double_charges,double_shipments,double_emails,duplicate_deliveries,ordering_anomalies,inconsistent_orders,lost_orders,dead_lettered,retries,timeouts,errors,redeliveries,rebalances";

/// One row per metrics bucket and design; times are bucket ends in simulated seconds.
pub fn metrics_csv(sync: &Metrics, event: &Metrics) -> String {
    let mut csv = String::from(CSV_HEADER);
    csv.push('\n');
    for (design, metrics) in [("sync", sync), ("event", event)] {
        for b in metrics.buckets().iter() {
            let c = &b.counts;
            csv.push_str(&format!(
                "{:.3},{design},{},{},{},{},{},{},{:.3},{:.3},{:.3},{:.3},{},{:.3},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                (b.start + b.width).as_secs_f64(),
                c.requests,
                c.accepted,
                c.failed,
                c.rejected,
                c.completed,
                b.in_flight,
                b.latency_ms.p50,
                b.latency_ms.p99,
                b.completion_latency_ms.p50,
                b.completion_latency_ms.p99,
                b.max_lag,
                b.max_lag_s,
                c.double_charges,
                c.double_shipments,
                c.double_emails,
                c.duplicate_deliveries,
                c.ordering_anomalies,
                c.inconsistent_orders,
                c.lost_orders,
                c.dead_lettered,
                c.retries,
                c.timeouts,
                c.errors,
                c.redeliveries,
                c.rebalances,
            ));
        }
    }
    csv
}
