//! Both designs on one workload, stepped together in simulated time. Live control actions are
//! applied to both and recorded with their time, so (scenario, seed, actions) replays the run.

use crate::control::{ControlAction, RecordedAction};
use crate::fault::{Fault, FaultKind, OutageMode};
use crate::scenario::{Scenario, ServiceId};
use crate::sim::{Design, Simulation};
use crate::summary::Summary;
use crate::time::SimTime;

#[derive(Clone)]
pub struct Comparison {
    sync: Simulation,
    event: Simulation,
    now: SimTime,
    actions: Vec<RecordedAction>,
}

impl Comparison {
    pub fn new(scenario: &Scenario, seed: u64) -> Comparison {
        Comparison {
            sync: Simulation::new(scenario, seed, Design::Sync),
            event: Simulation::new(scenario, seed, Design::Event),
            now: SimTime::ZERO,
            actions: Vec::new(),
        }
    }

    /// Rebuilds a run from its recipe up to `until`.
    pub fn replay(
        scenario: &Scenario,
        seed: u64,
        actions: &[RecordedAction],
        until: SimTime,
    ) -> Comparison {
        let mut comparison = Comparison::new(scenario, seed);
        for recorded in actions.iter().filter(|a| a.at <= until) {
            comparison.run_until(recorded.at);
            comparison.apply(recorded.action.clone());
        }
        comparison.run_until(until);
        comparison
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Handles the earliest pending event of either design. False when both are idle.
    pub fn step(&mut self) -> bool {
        let next_sync = self.sync.next_event_time();
        let next_event = self.event.next_event_time();
        let stepped = match (next_sync, next_event) {
            (None, None) => return false,
            (Some(a), Some(b)) if a <= b => self.sync.step(),
            (Some(_), None) => self.sync.step(),
            _ => self.event.step(),
        };
        self.now = self.now.max(self.sync.now()).max(self.event.now());
        stepped
    }

    pub fn run_until(&mut self, until: SimTime) {
        self.sync.run_until(until);
        self.event.run_until(until);
        self.now = self.now.max(until.min(SimTime::NEVER));
    }

    /// Runs to the end of the scenario's duration.
    pub fn run(&mut self) {
        let end = self.sync.end();
        self.run_until(end);
    }

    /// Applies an action to both designs at the current time and records it.
    pub fn apply(&mut self, action: ControlAction) {
        // Bring both designs to the same instant so the action lands at one time in both.
        let now = self.now;
        self.sync.run_until(now);
        self.event.run_until(now);
        let live_index = self.actions.len() as u64;
        self.sync.apply(&action, live_index);
        self.event.apply(&action, live_index);
        self.actions.push(RecordedAction { at: now, action });
        // What the action starts at once (a fault from offset 0) takes effect before the run
        // moves on: a paused page shows it, and a second action at the same instant sees it.
        self.sync.run_until(now);
        self.event.run_until(now);
    }

    /// Takes a service down now until healed (a recorded `inject_fault`).
    pub fn outage(&mut self, target: ServiceId, mode: OutageMode) {
        let fault = Fault {
            mode: Some(mode),
            ..Fault::new(FaultKind::Outage).on(target)
        };
        self.apply(ControlAction::InjectFault { fault });
    }

    /// Arms one crash of an instance of `target`, after its next piece of work.
    pub fn crash(&mut self, target: ServiceId, restart_after_ms: f64) {
        let fault = Fault {
            restart_after_ms: Some(restart_after_ms),
            ..Fault::new(FaultKind::ConsumerCrash).on(target)
        };
        self.apply(ControlAction::InjectFault { fault });
    }

    /// Multiplies traffic now until healed.
    pub fn spike(&mut self, multiplier: f64) {
        let fault = Fault {
            multiplier: Some(multiplier),
            ..Fault::new(FaultKind::TrafficSpike)
        };
        self.apply(ControlAction::InjectFault { fault });
    }

    /// Ends the active faults on `target`, or all of them.
    pub fn heal(&mut self, target: Option<ServiceId>) {
        self.apply(ControlAction::Heal { target });
    }

    /// Events handled by both designs so far.
    pub fn events_processed(&self) -> u64 {
        self.sync.events_processed() + self.event.events_processed()
    }

    /// Advances towards `until` by about `max_events` events of both designs together, then
    /// stops; true once `until` is reached. It takes the two designs' events in time order and
    /// stops only between two instants, once every event up to the last one is handled in
    /// both: the run then stands at one moment, as after `run_until`, however busy any instant
    /// or stretch is. Cutting a run into such calls changes nothing in it (the designs never
    /// interact, so the order in which their events interleave does not matter).
    pub fn run_until_bounded(&mut self, until: SimTime, max_events: u64) -> bool {
        let until = until.min(SimTime::NEVER);
        let mut handled = 0u64;
        let mut instant = self.now;
        loop {
            let next_sync = self.sync.next_event_time().filter(|&t| t <= until);
            let next_event = self.event.next_event_time().filter(|&t| t <= until);
            let (at, sync_first) = match (next_sync, next_event) {
                (None, None) => {
                    self.run_until(until);
                    return true;
                }
                (Some(a), Some(b)) => (a.min(b), a <= b),
                (Some(a), None) => (a, true),
                (None, Some(b)) => (b, false),
            };
            if at > instant {
                if handled >= max_events {
                    self.run_until(instant);
                    return false;
                }
                instant = at;
            }
            if sync_first {
                self.sync.step();
            } else {
                self.event.step();
            }
            handled += 1;
        }
    }

    /// About how many bytes both designs hold.
    pub fn approx_bytes(&self) -> usize {
        self.sync.approx_bytes() + self.event.approx_bytes()
    }

    /// About how many bytes copying the run costs (see `Simulation::copy_bytes`).
    pub fn copy_bytes(&self) -> usize {
        self.sync.copy_bytes() + self.event.copy_bytes()
    }

    /// About how many bytes a copy of the run holds beyond what it shares with `live`: its own
    /// state, and the metrics history and log records `live` no longer shares.
    pub fn approx_bytes_beside(&self, live: &Comparison) -> usize {
        let apart = |mine: &Simulation, theirs: &Simulation| {
            mine.metrics()
                .buckets()
                .bytes_apart_from(theirs.metrics().buckets())
                + mine.logs_apart_from(theirs)
        };
        self.copy_bytes() + apart(&self.sync, &live.sync) + apart(&self.event, &live.event)
    }

    pub fn actions(&self) -> &[RecordedAction] {
        &self.actions
    }

    pub fn sync(&self) -> &Simulation {
        &self.sync
    }

    pub fn event(&self) -> &Simulation {
        &self.event
    }

    pub fn design(&self, design: Design) -> &Simulation {
        match design {
            Design::Sync => &self.sync,
            Design::Event => &self.event,
        }
    }

    pub fn summaries(&self) -> (Summary, Summary) {
        (self.sync.summary(), self.event.summary())
    }
}
