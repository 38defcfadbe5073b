//! One design running on one workload: the world (`core`) and the design that reacts to its
//! events (`model`). The caller paces it with `step`, `run_until` and `run`; the loop is
//! compiled once per design, so a design's hooks are direct calls.

use crate::broker::{Broker, Record};
use crate::control::ControlAction;
use crate::core::{Core, Then};
use crate::event_design::EventModel;
use crate::events::Ev;
use crate::examples::Examples;
pub use crate::ids::Design;
use crate::ids::ServiceId;
use crate::metrics::Metrics;
use crate::model::Model;
use crate::orders::OrderState;
use crate::scenario::Scenario;
use crate::snapshot::Snapshot;
use crate::summary::Summary;
use crate::sync_design::SyncModel;
use crate::time::SimTime;
use crate::trace::{Step, Trace, TraceEntry};

#[derive(Clone)]
enum Shop {
    Sync(SyncModel),
    Event(EventModel),
}

/// `$body` with `$model` bound to the running design: the one place the designs are told apart.
macro_rules! with_model {
    ($shop:expr, $model:ident => $body:expr) => {
        match $shop {
            Shop::Sync($model) => $body,
            Shop::Event($model) => $body,
        }
    };
}

/// One design of the shop, running.
#[derive(Clone)]
pub struct Simulation {
    pub(crate) core: Core,
    shop: Shop,
}

impl Simulation {
    /// Builds a run. The scenario should have been validated; odd values are clamped rather
    /// than trusted, so this never panics.
    pub fn new(scenario: &Scenario, seed: u64, design: Design) -> Simulation {
        let mut core = Core::new(scenario, seed, design);
        let shop = match design {
            Design::Sync => Shop::Sync(SyncModel::new(&mut core)),
            Design::Event => Shop::Event(EventModel::new(&mut core)),
        };
        Simulation { core, shop }
    }

    pub fn design(&self) -> Design {
        self.core.design
    }

    pub fn now(&self) -> SimTime {
        self.core.now
    }

    pub fn scenario(&self) -> &Scenario {
        &self.core.scenario
    }

    /// The end of the scenario's duration.
    pub fn end(&self) -> SimTime {
        SimTime::from_secs_f64(self.core.scenario.duration_s)
    }

    /// Time of the next pending event.
    pub fn next_event_time(&self) -> Option<SimTime> {
        self.core.next_event_time()
    }

    /// Handles the next event. False when nothing is left to do. An arrival goes before queued
    /// events of the same microsecond.
    pub fn step(&mut self) -> bool {
        with_model!(&mut self.shop, model => step(&mut self.core, model, SimTime(u64::MAX)))
    }

    /// Handles every event up to and including `until`, then sets the clock to `until`.
    pub fn run_until(&mut self, until: SimTime) {
        with_model!(&mut self.shop, model => run_until(&mut self.core, model, until))
    }

    /// Runs to the end of the scenario's duration.
    pub fn run(&mut self) {
        let end = self.end();
        self.run_until(end);
    }

    /// About how many bytes the run holds: its event queue, live orders, metrics history,
    /// logs and traces. For bounding what keeping copies of it (rewind checkpoints) costs.
    pub fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        let core = &self.core;
        let model = with_model!(&self.shop, model => model.approx_bytes());
        // Five latency histograms of a few thousand counters each.
        const HISTOGRAMS: usize = 5 * 32 * 1024;
        size_of::<Simulation>()
            + core.queue.len() * 48
            + core.orders.len() * size_of::<OrderState>()
            + core.metrics.buckets().unshared_bytes()
            + core.tracer.approx_bytes()
            + HISTOGRAMS
            + model
    }

    /// About how many bytes copying the run costs (a rewind checkpoint): all it holds but the
    /// logs' records, whose chunks a copy shares.
    pub fn copy_bytes(&self) -> usize {
        let logs = self.broker().map_or(0, |b| {
            (b.stored_records() * std::mem::size_of::<Record>()).saturating_sub(b.shell_bytes())
        });
        self.approx_bytes() - logs
    }

    /// Bytes of log records this copy holds that `other` does not share.
    pub fn logs_apart_from(&self, other: &Simulation) -> usize {
        match (self.broker(), other.broker()) {
            (Some(mine), Some(theirs)) => mine.bytes_apart_from(theirs),
            (Some(mine), None) => mine.stored_records() * std::mem::size_of::<Record>(),
            _ => 0,
        }
    }

    /// Applies a live control action now.
    pub(crate) fn apply(&mut self, action: &ControlAction, live_index: u64) {
        with_model!(&mut self.shop, model => apply(&mut self.core, model, action, live_index))
    }

    pub fn metrics(&self) -> &Metrics {
        &self.core.metrics
    }

    pub fn trace(&self, order: u64) -> Option<&Trace> {
        self.core.tracer.get(order)
    }

    /// The last few orders each mishap happened to.
    pub fn examples(&self) -> &Examples {
        &self.core.examples
    }

    /// Orders with a trace, ascending.
    pub fn traced_orders(&self) -> Vec<u64> {
        self.core.tracer.orders().collect()
    }

    /// The state of an order still in the live window.
    pub fn order(&self, order: u64) -> Option<&OrderState> {
        self.core.orders.get(order)
    }

    pub fn trace_hash(&self) -> u64 {
        self.core.hash.0
    }

    pub fn events_processed(&self) -> u64 {
        self.core.events_processed
    }

    pub fn snapshot(&self) -> Snapshot {
        with_model!(&self.shop, model => model.snapshot(&self.core))
    }

    pub fn summary(&self) -> Summary {
        let core = &self.core;
        Summary::of(&core.metrics, core.now, core.events_processed, core.hash.0)
    }

    /// Busy workers, pool size and queue length of a service's worker pool (in the event
    /// design only Order has one; consumers are in the broker's groups).
    pub fn pool(&self, service: ServiceId) -> Option<(u32, u32, u64)> {
        with_model!(&self.shop, model => model.pool(service))
    }

    /// The broker, for observers that check its invariants (event design only).
    pub fn broker(&self) -> Option<&Broker> {
        with_model!(&self.shop, model => model.broker())
    }
}

/// The next event, handled, if it is due by `until`. Compiled once per design.
fn step<M: Model>(core: &mut Core, model: &mut M, until: SimTime) -> bool {
    let arrival = core.arrivals.next_at;
    let queued = core.queue.peek_time();
    if arrival != SimTime::NEVER && queued.is_none_or(|next| arrival <= next) {
        if arrival > until {
            return false;
        }
        debug_assert!(arrival >= core.now, "time went backwards");
        core.now = arrival;
        core.events_processed += 1;
        core.hash.word(arrival.as_micros());
        core.hash.word(1 ^ (core.orders.next_id() << 8));
        let order = core.place_order();
        model.on_arrival(core, order);
        return true;
    }
    if queued.is_none_or(|next| next > until) {
        return false;
    }
    let Some((at, event)) = core.queue.pop() else {
        return false;
    };
    debug_assert!(at >= core.now, "time went backwards");
    core.now = at;
    core.events_processed += 1;
    let (kind, id) = event.fingerprint();
    core.hash.word(at.as_micros());
    core.hash.word(kind ^ (id << 8));
    match event {
        Ev::Cancel { order } => {
            core.trace(order, TraceEntry::new(at, Step::CancelRequested));
            model.on_cancel(core, order);
        }
        Ev::Tick => {
            let (gauges, lag) = model.gauges(core);
            core.close_bucket(&gauges, lag);
            model.on_tick(core);
            let next = at + core.metrics.bucket_width;
            core.schedule(next, Ev::Tick);
        }
        Ev::FaultStart { fault } => set_fault(core, model, fault as usize, true),
        Ev::FaultEnd { fault } => set_fault(core, model, fault as usize, false),
        Ev::Sync(_) | Ev::Stream(_) => model.handle(core, event),
    }
    true
}

fn run_until<M: Model>(core: &mut Core, model: &mut M, until: SimTime) {
    while step(core, model, until) {}
    if until > core.now && until < SimTime::NEVER {
        core.now = until;
    }
}

fn set_fault<M: Model>(core: &mut Core, model: &mut M, index: usize, active: bool) {
    if core.set_fault(index, active) {
        model.on_faults_changed(core);
    }
}

fn apply<M: Model>(core: &mut Core, model: &mut M, action: &ControlAction, live_index: u64) {
    match core.apply(action, live_index) {
        Then::Nothing => {}
        Then::Heal(healed) => {
            for index in healed {
                core.faults[index].end = Some(core.now);
                set_fault(core, model, index, false);
            }
        }
        Then::ServiceAdded(service) => model.on_service_added(core, service),
        Then::SettingsChanged => model.on_settings_changed(core),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn events_stay_small() {
        assert!(
            std::mem::size_of::<crate::events::Ev>() <= 32,
            "{}",
            std::mem::size_of::<crate::events::Ev>()
        );
        eprintln!("Ev is {} bytes", std::mem::size_of::<crate::events::Ev>());
    }
}
