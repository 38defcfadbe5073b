//! A run as the learner controls it: the engine's `Comparison` plus a timeline of control
//! actions that can be rewound. Rewinding replays (scenario, seed, actions) from the start, so
//! what follows is identical to a run that never rewound; actions recorded after the rewind
//! point are applied again as time reaches them, until the learner takes a new action there.

use engine::{Comparison, ControlAction, RecordedAction, Scenario, SimTime};

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
}

impl Run {
    pub fn new(scenario: Scenario, seed: u64) -> Run {
        Run::with_actions(scenario, seed, Vec::new())
    }

    /// A run that will apply `actions` as it reaches their times.
    pub fn with_actions(scenario: Scenario, seed: u64, mut actions: Vec<RecordedAction>) -> Run {
        actions.sort_by_key(|a| a.at);
        let comparison = Comparison::new(&scenario, seed);
        Run {
            scenario,
            seed,
            comparison,
            timeline: actions,
            applied: 0,
            horizon: SimTime::ZERO,
        }
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

    /// Advances to `until` (capped at the scenario's end), applying recorded actions on the way.
    pub fn advance_to(&mut self, until: SimTime) {
        let until = until.min(self.end());
        while let Some(next) = self.timeline.get(self.applied).filter(|a| a.at <= until) {
            let (at, action) = (next.at, next.action.clone());
            self.comparison.run_until(at);
            self.comparison.apply(action);
            self.applied += 1;
        }
        self.comparison.run_until(until);
        self.horizon = self.horizon.max(self.now());
    }

    /// Takes `action` now. Anything recorded after now belonged to the rewound future and is
    /// dropped: from here on the learner writes a new one.
    pub fn apply(&mut self, action: ControlAction) {
        let now = self.now();
        self.timeline.truncate(self.applied);
        self.comparison.apply(action.clone());
        self.timeline.push(RecordedAction { at: now, action });
        self.applied = self.timeline.len();
        self.horizon = now;
    }

    /// Moves to `to` by replaying from the start (any earlier or later moment).
    pub fn seek(&mut self, to: SimTime) {
        let horizon = self.horizon();
        self.comparison = Comparison::new(&self.scenario, self.seed);
        self.applied = 0;
        self.advance_to(to);
        self.horizon = horizon.max(self.now());
    }

    /// Starts over from time zero with the same scenario, seed and no actions.
    pub fn reset(&mut self) {
        *self = Run::new(self.scenario.clone(), self.seed);
    }
}

impl Run {
    /// Traces `order` from the start in both designs (see `Playground::pin`).
    pub fn pin(&mut self, order: u64) {
        if self.scenario.trace.pinned.contains(&order) {
            return;
        }
        self.scenario.trace.pinned.push(order);
        let now = self.now();
        self.seek(now);
    }
}

/// A fault's time in the run, for shading charts and listing what is active.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultWindow {
    pub fault: engine::Fault,
    pub start: SimTime,
    /// None while it lasts until healed.
    pub end: Option<SimTime>,
}

impl Run {
    /// Scheduled faults and live ones up to now, with heals applied.
    pub fn faults(&self) -> Vec<FaultWindow> {
        let now = self.now();
        let mut windows: Vec<FaultWindow> = self
            .scenario
            .faults
            .iter()
            .map(|fault| FaultWindow {
                fault: fault.clone(),
                start: SimTime::from_secs_f64(fault.start_s),
                end: fault.end_s.map(SimTime::from_secs_f64),
            })
            .collect();
        for recorded in self
            .timeline
            .iter()
            .take(self.applied)
            .filter(|a| a.at <= now)
        {
            match &recorded.action {
                ControlAction::InjectFault { fault } => windows.push(FaultWindow {
                    fault: fault.clone(),
                    start: recorded.at + SimTime::from_secs_f64(fault.start_s),
                    end: fault
                        .end_s
                        .map(|end| recorded.at + SimTime::from_secs_f64(end)),
                }),
                ControlAction::Heal { target } => {
                    for window in windows.iter_mut() {
                        let matches = target.is_none() || window.fault.target == *target;
                        let active = window.start <= recorded.at
                            && window.end.is_none_or(|end| end > recorded.at);
                        if matches && active {
                            window.end = Some(recorded.at);
                        }
                    }
                }
                _ => {}
            }
        }
        windows.retain(|w| w.start <= now);
        windows
    }

    /// Fault windows clipped to now, in seconds, for shading charts.
    pub fn fault_windows(&self) -> Vec<(f64, f64)> {
        let now = self.now();
        self.faults()
            .iter()
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
