//! The sandbox: both shops on the same orders, live charts, every fault and lever, a time
//! scrubber, an order inspector, and import/export. Lessons reuse these pieces.

mod broker_view;
mod chart_panel;
mod controls;
mod export;
mod faults;
mod inspector;
mod perf;
mod run;
mod scrubber;
mod settings;
mod state;
mod topology;

pub use export::{CSV_HEADER, metrics_csv, parse_scenario};
pub use run::{FaultWindow, Run};
pub use state::{FrameView, Playground, PlaygroundOptions};

use leptos::prelude::*;

use crate::charts::ChartKind;
use broker_view::BrokerView;
use chart_panel::ChartPanel;
use controls::RunControls;
use export::ImportExport;
use faults::FaultPanel;
use inspector::Inspector;
use perf::PerfPanel;
use scrubber::Scrubber;
use settings::SettingsPanel;
use topology::Topology;

/// The whole sandbox on one page.
#[component]
pub fn PlaygroundView(playground: Playground) -> impl IntoView {
    provide_context(playground);
    view! {
        <div class="playground" data-testid="playground">
            <RunControls />
            <Scrubber />
            <div class="topologies">
                <Topology design=engine::Design::Sync />
                <div class="event-side">
                    <Topology design=engine::Design::Event />
                    <BrokerView />
                </div>
            </div>
            <div class="workbench">
                <div class="levers">
                    <FaultPanel />
                    <SettingsPanel />
                </div>
                <div class="charts">
                    {ChartKind::ALL.into_iter().map(|kind| view! { <ChartPanel kind=kind /> }).collect_view()}
                </div>
            </div>
            <Inspector />
            <ImportExport />
            <PerfPanel />
        </div>
    }
}
