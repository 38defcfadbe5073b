//! Both designs on one workload, stepped together in simulated time. Live control actions are
//! applied to both and recorded with their time, so (scenario, seed, actions) replays the run.

use crate::fault::{ControlAction, Fault, FaultKind, OutageMode, RecordedAction};
use crate::scenario::{Scenario, ServiceId};
use crate::sim::{Design, Simulation};
use crate::summary::Summary;
use crate::time::SimTime;

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

/// Writes a setting action into the scenario options the designs read.
pub(crate) fn apply_setting(scenario: &mut Scenario, action: &ControlAction) {
    let event = &mut scenario.event;
    let sync = &mut scenario.sync;
    match action {
        ControlAction::SetConsumerIdempotency { enabled } => event.idempotent_consumers = *enabled,
        ControlAction::SetIdempotentProducer { enabled } => event.idempotent_producer = *enabled,
        ControlAction::SetIdempotencyKeys { enabled } => sync.idempotency_keys = *enabled,
        ControlAction::SetVersionChecks { enabled } => event.version_checks = *enabled,
        ControlAction::SetPartitionKey { key } => event.partition_key = *key,
        ControlAction::SetPartitionCount { partitions } => {
            event.partitions = event.partitions.max((*partitions).min(1_024));
        }
        ControlAction::SetConsumerCount { service, consumers } => {
            if let Some(config) = scenario.services.get_mut(service) {
                config.consumers = Some((*consumers).clamp(1, 1_024));
            }
        }
        ControlAction::SetCommitPolicy { policy } => event.commit = *policy,
        ControlAction::SetDeadLetter { after } => {
            event.dead_letter_after = after.map(|n| n.clamp(1, 1_000))
        }
        ControlAction::SetTimeout { timeout_ms } => {
            sync.timeout_ms = timeout_ms
                .filter(|t| t.is_finite() && *t > 0.0)
                .map(|t| t.min(86_400_000.0));
        }
        ControlAction::SetRetries { retries } => {
            let mut retries = *retries;
            retries.attempts = retries.attempts.min(20);
            sync.retries = retries;
        }
        ControlAction::SetCircuitBreaker { breaker } => sync.circuit_breaker = *breaker,
        ControlAction::SetBulkhead { limit } => sync.bulkhead = limit.map(|l| l.max(1)),
        ControlAction::SetSyncStyle { style } => sync.style = *style,
        ControlAction::InjectFault { .. }
        | ControlAction::Heal { .. }
        | ControlAction::SetArrivalRate { .. }
        | ControlAction::PinOrder { .. }
        | ControlAction::AddService { .. } => {}
    }
}
