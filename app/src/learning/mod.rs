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

use progress::Progress;

/// The id under which a lesson opened from a file is shown (never saved).
pub const CUSTOM_ID: &str = "custom";

/// The curriculum, parsed and rendered when the page was built (`build.rs`).
pub fn bundled() -> Vec<Lesson> {
    lessons::compiled::read(include_str!(concat!(env!("OUT_DIR"), "/lessons.json")))
        // Written by the build script from the same types: a failure is a broken build.
        .expect("the bundled lessons compiled at build time")
}

/// The lessons and the learner's progress, shared through context.
#[derive(Clone, Copy)]
pub struct Library {
    bundled: StoredValue<Vec<Lesson>>,
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
            bundled: StoredValue::new(bundled()),
            custom: RwSignal::new(None),
            progress,
        }
    }

    pub fn bundled(&self) -> Vec<Lesson> {
        self.bundled.get_value()
    }

    pub fn lesson(&self, id: &str) -> Option<Lesson> {
        if id == CUSTOM_ID {
            return self.custom.get_untracked();
        }
        self.bundled
            .with_value(|all| all.iter().find(|l| l.id == id).cloned())
    }

    /// The lesson after `id` in the curriculum.
    pub fn next_after(&self, id: &str) -> Option<(String, String)> {
        self.bundled.with_value(|all| {
            let index = all.iter().position(|l| l.id == id)?;
            all.get(index + 1).map(|l| (l.id.clone(), l.title.clone()))
        })
    }
}
