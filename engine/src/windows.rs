//! When each fault of a run is active: the scenario's schedule plus faults injected live, with
//! heals applied. This is the engine's own rule (a heal ends the faults on its target that have
//! started and not yet ended), stated once so the work estimate, the page's fault list and its
//! chart shading agree with what the simulation does.

use crate::control::{ControlAction, RecordedAction};
use crate::fault::Fault;
use crate::scenario::{Scenario, ServiceId};
use crate::time::SimTime;

/// A fault's time in a run.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultWindow {
    pub fault: Fault,
    pub start: SimTime,
    /// None while it lasts until healed.
    pub end: Option<SimTime>,
    /// Injected by a control action rather than scheduled in the scenario.
    pub live: bool,
}

impl FaultWindow {
    /// Active at `at`: started, and not ended.
    pub fn active_at(&self, at: SimTime) -> bool {
        self.start <= at && self.end.is_none_or(|end| end > at)
    }

    /// Whether healing `target` (every service when `None`) at `at` ends this window: only a
    /// fault that has started and not yet ended, on that target. One that has not started
    /// keeps its schedule.
    pub fn healed_by(&self, target: Option<ServiceId>, at: SimTime) -> bool {
        self.on(target) && self.active_at(at)
    }

    /// Whether the fault is one a heal of `target` concerns (every fault when `None`).
    pub fn on(&self, target: Option<ServiceId>) -> bool {
        target.is_none() || self.fault.target == target
    }

    /// Starts later than `at`.
    pub fn upcoming_at(&self, at: SimTime) -> bool {
        self.start > at
    }
}

/// Every fault window of a run given its recorded actions, in the order the engine creates
/// them (scheduled faults first, then live ones in the order they were injected). Actions are
/// taken in time order; windows that start after the last action may still lie ahead.
pub fn fault_windows(scenario: &Scenario, actions: &[RecordedAction]) -> Vec<FaultWindow> {
    let mut windows: Vec<FaultWindow> = scenario
        .faults
        .iter()
        .map(|fault| window(fault.clone(), SimTime::ZERO, false))
        .collect();
    for recorded in actions {
        match &recorded.action {
            ControlAction::InjectFault { fault } => {
                windows.push(window(fault.clone(), recorded.at, true))
            }
            ControlAction::Heal { target } => {
                for window in windows.iter_mut() {
                    if window.healed_by(*target, recorded.at) {
                        window.end = Some(recorded.at);
                    }
                }
            }
            _ => {}
        }
    }
    windows
}

/// A fault's window; its times are offsets from `origin` (zero for scheduled faults, the
/// action's moment for live ones). An end before the start makes an empty window, as in the
/// engine.
fn window(fault: Fault, origin: SimTime, live: bool) -> FaultWindow {
    let start = origin + SimTime::from_secs_f64(fault.start_s);
    let end = fault
        .end_s
        .map(|end| (origin + SimTime::from_secs_f64(end)).max(start));
    FaultWindow {
        fault,
        start,
        end,
        live,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::FaultKind;

    fn outage(start_s: f64, end_s: Option<f64>) -> Fault {
        Fault::new(FaultKind::Outage)
            .on(ServiceId::Payment)
            .window(start_s, end_s)
    }

    #[test]
    fn a_heal_ends_only_what_has_started_on_its_target() {
        let scenario = Scenario {
            faults: vec![outage(2.0, None), outage(20.0, Some(30.0))],
            ..Scenario::default()
        };
        let spike = Fault {
            multiplier: Some(3.0),
            ..Fault::new(FaultKind::TrafficSpike).window(1.0, None)
        };
        let actions = vec![
            RecordedAction {
                at: SimTime::from_secs(4),
                action: ControlAction::InjectFault { fault: spike },
            },
            RecordedAction {
                at: SimTime::from_secs(10),
                action: ControlAction::Heal {
                    target: Some(ServiceId::Payment),
                },
            },
        ];
        let windows = fault_windows(&scenario, &actions);
        let spans: Vec<(u64, Option<u64>)> = windows
            .iter()
            .map(|w| {
                (
                    w.start.as_micros() / 1_000_000,
                    w.end.map(|e| e.as_micros() / 1_000_000),
                )
            })
            .collect();
        // The running outage ends at the heal; the later one is untouched; the spike (no
        // target) is not Payment's, so it keeps going from 4 + 1 s.
        assert_eq!(spans, vec![(2, Some(10)), (20, Some(30)), (5, None)]);
        assert!(windows[2].live && !windows[0].live);
    }
}
