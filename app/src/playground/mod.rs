//! The sandbox: both shops on the same orders, live charts, every fault and lever, a time
//! scrubber, an order inspector, and import/export. Lessons reuse these pieces.

mod broker_view;
mod chart_panel;
mod controls;
mod event_map;
mod export;
mod faults;
mod inspector;
mod job;
mod lag_alert;
mod perf;
mod scrubber;
mod settings;
mod state;
mod topology;
mod totals;

pub use chart_panel::ChartPanel;
pub use engine::{FaultWindow, Run};
pub use export::{CSV_HEADER, metrics_csv, parse_scenario};
pub use job::{Job, JobKind, JobProgress};
pub use lag_alert::{AlertStatus, alert_status};
pub use state::{FrameView, Notice, Playground, PlaygroundOptions};
pub use topology::Topology;

use leptos::prelude::*;

use crate::charts::ChartKind;
use broker_view::BrokerView;
use controls::RunControls;
use export::ImportExport;
use faults::FaultPanel;
use inspector::Inspector;
use perf::PerfPanel;
use scrubber::Scrubber;
use settings::SettingsPanel;
use totals::Totals;

/// A lesson step's goal in one line, for the bar that stays in view while the learner scrolls:
/// whether it is met, and what is missing. The lesson player provides it; the sandbox has none.
#[derive(Clone, Copy)]
pub struct GoalBadge(pub RwSignal<Option<(bool, String)>>);

/// Which controls a view shows: everything in the sandbox, a lesson step's chosen few
/// otherwise (ids as in `lessons::CONTROLS`).
#[derive(Clone, Debug, PartialEq)]
pub struct Visible {
    everything: bool,
    controls: Vec<String>,
    fault_kinds: Vec<engine::FaultKind>,
    /// An incident drill: the drawings show symptoms (queues, waiting workers, lag) but not
    /// which service is marked slow or down.
    pub hide_health: bool,
}

impl Visible {
    pub fn everything() -> Visible {
        Visible {
            everything: true,
            controls: Vec::new(),
            fault_kinds: Vec::new(),
            hide_health: false,
        }
    }

    pub fn only(controls: Vec<String>, fault_kinds: Vec<engine::FaultKind>) -> Visible {
        Visible {
            everything: false,
            controls,
            fault_kinds,
            hide_health: false,
        }
    }

    pub fn shows(&self, control: &str) -> bool {
        self.everything || self.controls.iter().any(|c| c == control)
    }

    pub fn is_sandbox(&self) -> bool {
        self.everything
    }

    /// Fault kinds offered: all unless the step names some.
    pub fn allows_fault(&self, kind: engine::FaultKind) -> bool {
        self.fault_kinds.is_empty() || self.fault_kinds.contains(&kind)
    }
}

/// The sandbox's panels, filtered by `visible`.
#[component]
pub fn PlaygroundView(playground: Playground, visible: Visible) -> impl IntoView {
    provide_context(playground);
    // Fixed for the view's life (a lesson step makes a new one), so panels are chosen once.
    let visible = StoredValue::new(visible);
    provide_context(visible);
    let shows = move |control: &'static str| visible.with_value(|v| v.shows(control));
    let any_setting = visible.with_value(settings::shows_any);
    let any_lever = shows("faults") || any_setting;
    // An embedding page may ask for some panels only (`panels=topology,charts`).
    let embed = use_context::<crate::embed::Bridge>()
        .map(|b| b.options())
        .unwrap_or_default();
    let (topology, charts, controls) = (
        embed.shows("topology"),
        embed.shows("charts"),
        embed.shows("controls"),
    );
    view! {
        <div class="playground" data-testid="playground">
            <RunControls />
            <JobProgress />
            {shows("scrubber").then(|| view! {<Scrubber />})}
            // Past the drawings' services (a dozen Tabs) to the faults and settings; shown
            // only when it has keyboard focus.
            {(controls && any_lever).then(|| view! {
                <button type="button" class="skip" data-testid="skip-to-levers" on:click=|_| focus_first(".levers select, .levers input, .levers button")>
                    "Skip to the faults and settings"
                </button>
            })}
            <div class="stage">
            <div class="topologies" hidden=!topology>
                <Topology design=engine::Design::Sync />
                <div class="event-side">
                    <Topology design=engine::Design::Event />
                    {shows("broker").then(|| view! {<BrokerView />})}
                </div>
            </div>
            <div class="workbench" class:no-levers=!(controls && any_lever)>
                <div class="levers" hidden=!(controls && any_lever)>
                    {shows("faults").then(|| view! {<FaultPanel />})}
                    {any_setting.then(|| view! {<SettingsPanel />})}
                </div>
                <div class="charts" hidden=!charts>
                    {ChartKind::ALL.into_iter().map(|kind| view! { <ChartPanel kind=kind /> }).collect_view()}
                    <Totals />
                </div>
            </div>
            </div>
            {shows("inspector").then(|| view! {<Inspector />})}
            {shows("export").then(|| view! {<ImportExport />})}
            {visible.with_value(Visible::is_sandbox).then(|| view! {<PerfPanel />})}
        </div>
    }
}

/// Moves keyboard focus to the first element matching `selector`, if there is one.
pub fn focus_first(selector: &str) {
    if let Some(element) = document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = element.focus();
    }
}
