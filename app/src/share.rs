//! Links that reproduce a run: the seed, the recorded control actions, the moment reached and,
//! when it is not the page's own, the scenario, packed into the URL's fragment. Opening the link
//! replays exactly that run. Everything read from a link is checked like a scenario file: a
//! hostile or damaged link yields a message, never a broken page.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use engine::{Budget, RecordedAction, Scenario, SimTime};
use serde::{Deserialize, Serialize};

const VERSION: u32 = 1;
/// Longest link payload accepted; a run with a custom scenario fits comfortably.
pub const MAX_PAYLOAD_CHARS: usize = 32 * 1024;
const MAX_ACTIONS: usize = 1_000;

/// Everything needed to replay a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedRun {
    #[serde(rename = "v")]
    pub version: u32,
    #[serde(rename = "s")]
    pub seed: u64,
    /// Simulated time reached, in microseconds.
    #[serde(rename = "t")]
    pub at: SimTime,
    #[serde(rename = "a", default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<RecordedAction>,
    /// Only when the run is not on the page's own scenario (an imported one).
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<Scenario>,
}

impl SharedRun {
    pub fn new(
        seed: u64,
        at: SimTime,
        actions: Vec<RecordedAction>,
        scenario: Option<Scenario>,
    ) -> SharedRun {
        SharedRun {
            version: VERSION,
            seed,
            at,
            actions,
            scenario,
        }
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Decodes and checks a link's payload; the error says what is wrong in words.
    pub fn decode(payload: &str) -> Result<SharedRun, String> {
        if payload.len() > MAX_PAYLOAD_CHARS {
            return Err(format!(
                "the link carries {} KB of state; at most {} KB is accepted",
                payload.len() / 1024,
                MAX_PAYLOAD_CHARS / 1024
            ));
        }
        let bytes = URL_SAFE_NO_PAD.decode(payload.trim()).map_err(|_| {
            "the link's run state is damaged (not valid base64); was it cut off?".to_string()
        })?;
        // Read as text, like every other JSON the page reads: one deserializer for scenarios.
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| "the link's run state is not readable: it is not text".to_string())?;
        let run: SharedRun = serde_json::from_str(text)
            .map_err(|e| format!("the link's run state is not readable: {e}"))?;
        if run.version != VERSION {
            return Err(format!(
                "the link was made by another version of Sync or Stream (format {}, this page reads {VERSION})",
                run.version
            ));
        }
        if run.actions.len() > MAX_ACTIONS {
            return Err(format!(
                "the link holds {} actions; at most {MAX_ACTIONS} are replayed",
                run.actions.len()
            ));
        }
        Ok(run)
    }

    /// Checks the run as a whole on the scenario it will use (the link's own, or the page's):
    /// its actions, and the work they ask for together, against what a page can run.
    pub fn checked(self, page_scenario: &Scenario) -> Result<SharedRun, String> {
        let scenario = self.scenario.as_ref().unwrap_or(page_scenario);
        if let Err(problems) = engine::check_run(scenario, &self.actions, &Budget::BROWSER) {
            let list: Vec<String> = problems.iter().take(5).map(ToString::to_string).collect();
            return Err(format!("the link's run is not valid: {}", list.join("; ")));
        }
        Ok(self)
    }
}
