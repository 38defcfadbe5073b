//! The loaded form of a lesson, as the player uses it.

use crate::goal::Goal;
use engine::{Fault, FaultKind, RecordedAction, Scenario, SimTime};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Estimated time to work through the lesson.
    pub minutes: u32,
    pub seed: u64,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub title: String,
    /// The author's Markdown. Not part of the compiled form: the page shows `html`.
    #[serde(skip)]
    pub text: String,
    /// `text` rendered to HTML with raw HTML escaped and unsafe links dropped.
    pub html: String,
    /// The effective scenario: the lesson's, with every patch up to this step applied.
    pub scenario: Scenario,
    /// Control ids from [`crate::CONTROLS`] the learner sees in this step.
    pub controls: Vec<String>,
    /// Fault kinds offered in the fault panel; empty offers all.
    pub fault_kinds: Vec<FaultKind>,
    pub prediction: Option<Prediction>,
    pub goal: Option<Goal>,
    pub hints: Vec<String>,
    /// A sequence of actions that meets the goal, proven by the tests.
    pub solution: Vec<RecordedAction>,
    /// When the goal is judged: by then it must not be met without actions and must be met
    /// with the solution.
    pub check_at: SimTime,
    /// An incident drill: a fault hidden from the learner, who names its cause.
    #[serde(default)]
    pub incident: Option<Incident>,
}

impl Step {
    /// The scenario a run with `seed` plays: the step's own, plus, in an incident drill, the
    /// faults of the cause that seed picks.
    pub fn scenario_for(&self, seed: u64) -> Scenario {
        let mut scenario = self.scenario.clone();
        if let Some(incident) = &self.incident
            && let Some(cause) = incident.causes.get(incident.cause_for(seed))
        {
            scenario.faults.extend(cause.faults.iter().cloned());
        }
        scenario
    }
}

/// Something broke, and the learner finds what from the symptoms. The run's seed picks one of
/// `causes` (so another seed can give another incident); its faults are added to the step's
/// scenario and kept out of sight (no health words or colours in the drawings).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub question: String,
    pub causes: Vec<Cause>,
}

impl Incident {
    /// Which cause a run with `seed` has (the causes are never empty in a loaded lesson).
    pub fn cause_for(&self, seed: u64) -> usize {
        (seed % self.causes.len().max(1) as u64) as usize
    }

    /// Whether `choice` names the cause of a run with `seed`.
    pub fn is_cause(&self, seed: u64, choice: usize) -> bool {
        choice == self.cause_for(seed)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cause {
    /// The cause as the learner names it.
    pub text: String,
    /// The symptoms that point to it, in the author's Markdown; shown (as `explain_html`) once
    /// the learner has answered. Not part of the compiled form.
    #[serde(skip)]
    pub explain: String,
    /// `explain` rendered as inline HTML (see [`crate::render_inline`]).
    pub explain_html: String,
    pub faults: Vec<Fault>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub question: String,
    pub choices: Vec<Choice>,
    /// Index into `choices`.
    pub answer: usize,
    /// When the run has shown the answer: the player reveals it and the explanations then (or
    /// earlier, if the learner asks). `reveal_at_s` in the file; by default the step's
    /// `check_at_s`.
    pub reveal_at: SimTime,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub text: String,
    /// Why this choice is right or wrong, in the author's Markdown; shown (as `explain_html`)
    /// once the answer is revealed. Not part of the compiled form.
    #[serde(skip)]
    pub explain: String,
    /// `explain` rendered as inline HTML (see [`crate::render_inline`]).
    pub explain_html: String,
}
