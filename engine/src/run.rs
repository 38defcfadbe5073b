//! A run as a learner controls it: both designs on one workload ([`Comparison`]), the timeline
//! of control actions, and checkpoints to rewind to. Work is done in slices the caller bounds
//! (`advance` with an event allowance), so a page can keep answering while a long stretch
//! runs. Rewinding restores the nearest checkpoint before the target and replays from there;
//! since the engine is deterministic, what follows is identical to a run that never rewound.
//! Actions recorded after the rewind point are applied again as time reaches them, until the
//! learner takes a new action there.

use crate::comparison::Comparison;
use crate::control::{ControlAction, RecordedAction};
use crate::scenario::{Problem, Scenario};
use crate::time::SimTime;
use crate::validate::check_run;
use crate::windows::{FaultWindow, fault_windows};
use crate::work::Budget;

/// How often a checkpoint is taken, in simulated time.
const CHECKPOINT_EVERY: SimTime = SimTime::from_secs(5);
/// Most checkpoints kept, and most memory they may hold together; older ones are thinned
/// first, so rewinding a little is always quick and rewinding far is still bounded.
const MAX_CHECKPOINTS: usize = 24;
const MAX_CHECKPOINT_BYTES: usize = 32 << 20;
/// A run larger than this is not copied: copying it would hold the page up (about 10 ms a
/// copy in a browser at this size). Such a run rewinds by replaying from the start.
const MAX_COPY_BYTES: usize = 4 << 20;

#[derive(Clone)]
struct Checkpoint {
    at: SimTime,
    /// How many actions of the timeline had been applied.
    applied: usize,
    bytes: usize,
    comparison: Comparison,
}

pub struct Run {
    scenario: Scenario,
    seed: u64,
    comparison: Comparison,
    /// Every action taken, in time order; those after `now` are still to be applied.
    timeline: Vec<RecordedAction>,
    /// How many of `timeline` the comparison has applied.
    applied: usize,
    /// The furthest simulated time reached, which bounds the scrubber.
    horizon: SimTime,
    /// In time order.
    checkpoints: Vec<Checkpoint>,
    budget: Budget,
    /// Why the run will go no further, once it holds more than the budget's memory.
    stopped: Option<String>,
}

impl Run {
    pub fn new(scenario: Scenario, seed: u64) -> Run {
        Run::with_actions(scenario, seed, Vec::new())
    }

    /// A run that will apply `actions` as it reaches their times. Check them first with
    /// [`check_run`] when they come from outside.
    pub fn with_actions(scenario: Scenario, seed: u64, mut actions: Vec<RecordedAction>) -> Run {
        crate::control::in_time_order(&mut actions);
        let comparison = Comparison::new(&scenario, seed);
        Run {
            scenario,
            seed,
            comparison,
            timeline: actions,
            applied: 0,
            horizon: SimTime::ZERO,
            checkpoints: Vec::new(),
            budget: Budget::BROWSER,
            stopped: None,
        }
    }

    /// The work budget live actions are checked against (the browser's by default).
    pub fn set_budget(&mut self, budget: Budget) {
        self.budget = budget;
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn comparison(&self) -> &Comparison {
        &self.comparison
    }

    pub fn now(&self) -> SimTime {
        self.comparison.now()
    }

    pub fn horizon(&self) -> SimTime {
        self.horizon.max(self.now())
    }

    pub fn end(&self) -> SimTime {
        SimTime::from_secs_f64(self.scenario.duration_s)
    }

    pub fn at_end(&self) -> bool {
        self.now() >= self.end()
    }

    /// All actions, applied or still ahead.
    pub fn timeline(&self) -> &[RecordedAction] {
        &self.timeline
    }

    /// The actions applied so far.
    pub fn applied(&self) -> &[RecordedAction] {
        &self.timeline[..self.applied]
    }

    /// Advances to `until` (capped at the scenario's end) in one go.
    pub fn advance_to(&mut self, until: SimTime) {
        self.advance(until, u64::MAX);
    }

    /// Advances towards `until` (capped at the scenario's end) by about `max_events` events,
    /// applying recorded actions and taking checkpoints on the way; true once `until` is
    /// reached, or once the run has stopped for holding too much (see [`Run::stopped`]). A
    /// caller that must stay responsive calls it again until it returns true.
    pub fn advance(&mut self, until: SimTime, max_events: u64) -> bool {
        let until = until.min(self.end());
        let start = self.comparison.events_processed();
        loop {
            self.apply_due();
            if self.stopped.is_some() {
                return true;
            }
            if self.now() >= until {
                self.horizon = self.horizon.max(self.now());
                return true;
            }
            let spent = self.comparison.events_processed() - start;
            if spent >= max_events {
                self.horizon = self.horizon.max(self.now());
                return false;
            }
            let next_action = self.timeline.get(self.applied).map(|a| a.at);
            let next_checkpoint = SimTime(
                (self.now().as_micros() / CHECKPOINT_EVERY.as_micros() + 1)
                    * CHECKPOINT_EVERY.as_micros(),
            );
            let stop = next_action
                .map_or(until, |at| at.min(until))
                .min(next_checkpoint);
            if !self.comparison.run_until_bounded(stop, max_events - spent) {
                continue;
            }
            if stop == next_checkpoint {
                self.apply_due();
                // At these fixed moments, so a run stops at the same time however it is sliced.
                if self.holds_too_much() {
                    return true;
                }
                self.checkpoint();
            }
        }
    }

    /// Why the run goes no further, if it stopped: it held more orders and records in flight
    /// than the budget's memory. Rewinding or resetting starts it moving again.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    fn holds_too_much(&mut self) -> bool {
        let bytes = self.comparison.approx_bytes() as f64;
        if bytes <= self.budget.memory_bytes {
            return false;
        }
        self.stopped = Some(format!(
            "The run stopped at {:.1} s: it holds about {} of orders and records still in flight, the most {} can keep. Something holds every order (a hang without a timeout, consumers that never catch up), or the logs keep more than fits (`event.retention_s` of records): lower the arrival rate or the duration, set a timeout, shorten the retention, or heal the fault sooner.",
            self.now().as_secs_f64(),
            if bytes >= 1e9 {
                format!("{:.1} GB", bytes / 1e9)
            } else {
                format!("{:.0} MB", bytes / 1e6)
            },
            if self.budget == Budget::BROWSER {
                "a browser tab"
            } else {
                "this budget"
            },
        ));
        true
    }

    /// Applies the recorded actions whose time has come.
    fn apply_due(&mut self) {
        while let Some(next) = self
            .timeline
            .get(self.applied)
            .filter(|a| a.at <= self.now())
        {
            let action = next.action.clone();
            self.comparison.apply(action);
            self.applied += 1;
        }
    }

    /// Takes `action` now, if the run with it stays valid and within the work budget.
    /// Anything recorded after now belonged to the rewound future and is dropped: from here
    /// on the learner writes a new one.
    pub fn apply(&mut self, action: ControlAction) -> Result<(), Vec<Problem>> {
        let now = self.now();
        let mut actions = self.timeline[..self.applied].to_vec();
        actions.push(RecordedAction {
            at: now,
            action: action.clone(),
        });
        check_run(&self.scenario, &actions, &self.budget).map_err(|problems| {
            let last = format!("actions[{}]", actions.len() - 1);
            problems
                .into_iter()
                .map(|p| Problem::new(p.path.replace(&last, "action"), p.message))
                .collect::<Vec<_>>()
        })?;
        self.timeline.truncate(self.applied);
        self.checkpoints.retain(|c| c.at <= now);
        self.comparison.apply(action.clone());
        self.timeline.push(RecordedAction { at: now, action });
        self.applied = self.timeline.len();
        self.horizon = now;
        Ok(())
    }

    /// Goes back to the latest checkpoint at or before `to` (or the start), ready to replay
    /// from there. Does nothing when `to` is not behind now: advance to get there.
    pub fn rewind(&mut self, to: SimTime) {
        if to >= self.now() {
            return;
        }
        self.horizon = self.horizon();
        self.stopped = None;
        match self.checkpoints.iter().rev().find(|c| c.at <= to) {
            Some(checkpoint) => {
                self.comparison = checkpoint.comparison.clone();
                self.applied = checkpoint.applied;
            }
            None => {
                self.comparison = Comparison::new(&self.scenario, self.seed);
                self.applied = 0;
            }
        }
        // Actions taken at the checkpoint's own moment come after it was copied.
        self.apply_due();
    }

    /// Moves to `to`, earlier or later, in one go.
    pub fn seek(&mut self, to: SimTime) {
        self.rewind(to);
        self.advance_to(to);
    }

    /// Starts over from time zero with the same scenario, seed and no actions.
    pub fn reset(&mut self) {
        let budget = self.budget;
        *self = Run::new(self.scenario.clone(), self.seed);
        self.budget = budget;
    }

    /// Keeps the full trace of `order` in both designs. An order that already went by is
    /// traced by replaying from the start with the pin in place, which changes nothing else
    /// (tracing does not touch the simulation): this rewinds to zero and returns the moment
    /// to advance back to.
    pub fn pin(&mut self, order: u64) -> SimTime {
        let now = self.now();
        if !self.scenario.trace.pinned.contains(&order) {
            self.scenario.trace.pinned.push(order);
            self.checkpoints.clear();
            self.horizon = self.horizon();
            self.stopped = None;
            self.comparison = Comparison::new(&self.scenario, self.seed);
            self.applied = 0;
        }
        now
    }

    /// Keeps a copy of the run as it is now, then thins the copies to their bounds.
    fn checkpoint(&mut self) {
        let at = self.now();
        if self.checkpoints.iter().any(|c| c.at == at) {
            return;
        }
        let bytes = self.comparison.copy_bytes();
        if bytes > MAX_COPY_BYTES {
            return;
        }
        // Copying costs about as much as simulating one event per 16 bytes: space copies so
        // that they take well under a tenth of the work.
        let events = self.comparison.events_processed();
        let since = self
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.at < at)
            .map_or(events, |c| events - c.comparison.events_processed());
        if (since as usize) < bytes / 16 {
            return;
        }
        let index = self.checkpoints.partition_point(|c| c.at < at);
        self.checkpoints.insert(
            index,
            Checkpoint {
                at,
                applied: self.applied,
                bytes,
                comparison: self.comparison.clone(),
            },
        );
        // What each copy holds beside the live run: old copies stop sharing the metrics
        // history once the live run merges its old buckets.
        for checkpoint in &mut self.checkpoints {
            checkpoint.bytes = checkpoint.comparison.approx_bytes_beside(&self.comparison);
        }
        while self.checkpoints.len() > MAX_CHECKPOINTS
            || self.checkpoint_bytes() > MAX_CHECKPOINT_BYTES
        {
            let drop = self.thinnest();
            self.checkpoints.remove(drop);
        }
    }

    /// The checkpoint whose loss costs least: where they are dense and old. The newest is kept.
    fn thinnest(&self) -> usize {
        let newest = self.checkpoints.last().map_or(SimTime::ZERO, |c| c.at);
        let last = self.checkpoints.len().saturating_sub(1);
        (0..last)
            .min_by(|&a, &b| {
                let score = |i: usize| {
                    let before = if i == 0 {
                        SimTime::ZERO
                    } else {
                        self.checkpoints[i - 1].at
                    };
                    let gap = (self.checkpoints[i + 1].at - before).as_secs_f64();
                    let age = (newest - self.checkpoints[i].at).as_secs_f64()
                        + CHECKPOINT_EVERY.as_secs_f64();
                    gap / age
                };
                score(a).total_cmp(&score(b))
            })
            .unwrap_or(0)
    }

    /// The moments checkpoints are kept for, oldest first.
    pub fn checkpoint_times(&self) -> Vec<SimTime> {
        self.checkpoints.iter().map(|c| c.at).collect()
    }

    /// Memory the checkpoints hold, about.
    pub fn checkpoint_bytes(&self) -> usize {
        self.checkpoints.iter().map(|c| c.bytes).sum()
    }

    /// Every fault window of the run as far as its applied actions go, including scheduled
    /// faults that have not started yet.
    pub fn faults(&self) -> Vec<FaultWindow> {
        fault_windows(&self.scenario, self.applied())
    }

    /// Fault windows up to now, in seconds, for shading charts.
    pub fn fault_spans_s(&self) -> Vec<(f64, f64)> {
        let now = self.now();
        self.faults()
            .iter()
            .filter(|w| w.start <= now)
            .map(|w| {
                (
                    w.start.as_secs_f64(),
                    w.end.unwrap_or(now).min(now).as_secs_f64(),
                )
            })
            .filter(|(start, end)| end > start)
            .collect()
    }
}
