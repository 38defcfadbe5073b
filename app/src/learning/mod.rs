//! Guided lessons: the bundled curriculum (and a lesson file an author opens to try), progress
//! kept in this browser, the lesson list and the lesson player.

mod list;
mod parser;
mod player;
pub mod progress;

pub use list::LessonList;
pub use player::LessonPlayer;

use leptos::prelude::*;
use lessons::Lesson;
use lessons::compiled::Entry;

use progress::Progress;

/// The id under which a lesson opened from a file is shown (never saved).
pub const CUSTOM_ID: &str = "custom";

/// What the page knows of every bundled lesson before fetching it: the index compiled into
/// the page by `build.rs`.
pub fn index() -> Vec<Entry> {
    lessons::compiled::read_index(include_str!(concat!(env!("OUT_DIR"), "/lessons.json")))
        // Written by the build script from the same types: a failure is a broken build.
        .expect("the lesson index compiled at build time")
}

fn find<'a>(
    fetched: &'a [(String, Result<Lesson, String>)],
    id: &str,
) -> Option<&'a Result<Lesson, String>> {
    fetched
        .iter()
        .find(|(fetched, _)| fetched == id)
        .map(|(_, outcome)| outcome)
}

/// Where a lesson the learner asked for stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Loading {
    Ready,
    Fetching,
    Failed(String),
    /// No such lesson (or no lesson file open, for the custom id).
    Unknown,
}

/// The lessons and the learner's progress, shared through context.
#[derive(Clone, Copy)]
pub struct Library {
    index: StoredValue<Vec<Entry>>,
    /// Bundled lessons fetched so far (by id), or why one could not be. A few at most, so a
    /// list does.
    fetched: RwSignal<Vec<(String, Result<Lesson, String>)>>,
    /// Ids of the lessons being fetched now.
    pending: StoredValue<Vec<String>>,
    pub custom: RwSignal<Option<Lesson>>,
    pub progress: RwSignal<Progress>,
}

impl Default for Library {
    fn default() -> Self {
        Library::new()
    }
}

impl Library {
    pub fn new() -> Library {
        let progress = RwSignal::new(Progress::load());
        // localStorage is the world outside the reactive system: sync it on every change.
        Effect::new(move |_| progress.with(Progress::save));
        Library {
            index: StoredValue::new(index()),
            fetched: RwSignal::new(Vec::new()),
            pending: StoredValue::new(Vec::new()),
            custom: RwSignal::new(None),
            progress,
        }
    }

    /// The curriculum, in order.
    pub fn entries(&self) -> Vec<Entry> {
        self.index.get_value()
    }

    /// Whether lesson `id` can be shown, fetching it the first time it is asked for. Tracked:
    /// it changes when the fetch ends.
    pub fn loading(&self, id: &str) -> Loading {
        if id == CUSTOM_ID {
            return if self.custom.with(Option::is_some) {
                Loading::Ready
            } else {
                Loading::Unknown
            };
        }
        let Some(file) = self
            .index
            .with_value(|all| all.iter().find(|e| e.id == id).map(|e| e.file.clone()))
        else {
            return Loading::Unknown;
        };
        match self
            .fetched
            .with(|f| find(f, id).map(|r| r.as_ref().err().cloned()))
        {
            Some(None) => Loading::Ready,
            Some(Some(error)) => Loading::Failed(error),
            None => {
                self.fetch(id.to_string(), file);
                Loading::Fetching
            }
        }
    }

    /// Forgets a failed fetch, so the next [`Library::loading`] tries again.
    pub fn retry(&self, id: &str) {
        self.fetched
            .update(|f| f.retain(|(fetched, outcome)| fetched != id || outcome.is_ok()));
    }

    fn fetch(&self, id: String, file: String) {
        let started = self.pending.try_update_value(|p| {
            let new = !p.contains(&id);
            if new {
                p.push(id.clone());
            }
            new
        });
        if started != Some(true) {
            return;
        }
        let (fetched, pending) = (self.fetched, self.pending);
        leptos::task::spawn_local(async move {
            let outcome = crate::files::fetch_text(&file)
                .await
                .and_then(|json| lessons::compiled::read(&json))
                .map_err(|error| format!("The lesson could not be loaded ({error})."));
            pending.try_update_value(|p| p.retain(|pending| *pending != id));
            fetched.try_update(|f| f.push((id, outcome)));
        });
    }

    /// The lesson, once [`Library::loading`] says it is ready.
    pub fn lesson(&self, id: &str) -> Option<Lesson> {
        if id == CUSTOM_ID {
            return self.custom.get_untracked();
        }
        self.fetched
            .with_untracked(|f| find(f, id).and_then(|r| r.as_ref().ok()).cloned())
    }

    /// The lesson after `id` in the curriculum.
    pub fn next_after(&self, id: &str) -> Option<(String, String)> {
        self.index.with_value(|all| {
            let index = all.iter().position(|l| l.id == id)?;
            all.get(index + 1).map(|l| (l.id.clone(), l.title.clone()))
        })
    }
}
