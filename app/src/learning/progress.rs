//! What the learner has done, kept in localStorage and exportable as a file: finished steps
//! and locked-in predictions per lesson.

use engine::sorted::{SortedMap, SortedSet};
use serde::{Deserialize, Serialize};

const STORAGE_KEY: &str = "sync-or-stream.progress";
const VERSION: u32 = 1;
/// Progress files are small; anything bigger is not one of ours.
const MAX_FILE_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub version: u32,
    pub lessons: SortedMap<String, LessonProgress>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LessonProgress {
    /// Steps (from 0) whose goal was met, or that have no goal and were read through.
    pub steps_done: SortedSet<usize>,
    /// Step → the choice locked in for its prediction.
    pub predictions: SortedMap<usize, usize>,
    /// Where the learner was last, to continue from there.
    pub last_step: usize,
}

impl Progress {
    pub fn load() -> Progress {
        storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|text| Progress::from_json(&text).ok())
            .unwrap_or_else(|| Progress {
                version: VERSION,
                lessons: SortedMap::new(),
            })
    }

    pub fn save(&self) {
        if let Some(storage) = storage() {
            // A full or forbidden storage only costs persistence, never the lesson.
            let _ = storage.set_item(STORAGE_KEY, &self.to_json());
        }
    }

    pub fn to_json(&self) -> String {
        engine::json::pretty(&serde_json::to_string(self).unwrap_or_default())
    }

    /// Reads a progress file, saying what is wrong with one that is not.
    pub fn from_json(text: &str) -> Result<Progress, String> {
        if text.len() > MAX_FILE_BYTES {
            return Err(format!(
                "the file is {} KB; progress files are at most {} KB",
                text.len() / 1024,
                MAX_FILE_BYTES / 1024
            ));
        }
        let progress: Progress =
            serde_json::from_str(text).map_err(|e| format!("not a progress file: {e}"))?;
        if progress.version != VERSION {
            return Err(format!(
                "progress file version {} is not supported (expected {VERSION})",
                progress.version
            ));
        }
        Ok(progress)
    }

    pub fn lesson(&self, id: &str) -> LessonProgress {
        self.lessons.get(id).cloned().unwrap_or_default()
    }

    pub fn update(&mut self, id: &str, change: impl FnOnce(&mut LessonProgress)) {
        change(
            self.lessons
                .get_or_insert_with(id.to_string(), LessonProgress::default),
        );
    }

    pub fn steps_done(&self, id: &str) -> usize {
        self.lessons.get(id).map_or(0, |l| l.steps_done.len())
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
