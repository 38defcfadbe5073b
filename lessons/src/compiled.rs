//! Lessons as the page receives them: parsed, validated and rendered to HTML before the page is
//! built (the app's build script, from [`crate::bundled`]) or by the separately loaded author's
//! parser, then carried as JSON. Reading this form needs neither the TOML nor the Markdown
//! parser, so the page ships without them.

use serde::{Deserialize, Serialize};

use crate::Lesson;

/// What the author's parser answers for one lesson file.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parsed {
    Lesson(Box<Lesson>),
    /// Every problem with the file, each as one line naming file, line, column and fix.
    Problems(Vec<String>),
}

/// What the page carries about every bundled lesson; each lesson itself is a file of the site,
/// fetched when a learner opens it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub minutes: u32,
    pub steps: usize,
    /// The lesson's file, relative to the page: `lessons/<id>-<hash>.json`. The content hash
    /// changes with the lesson, so a cached copy is never stale.
    pub file: String,
}

/// One lesson in its compiled form. The Markdown source of each step is left out: the page
/// shows its rendered HTML.
pub fn write(lesson: &Lesson) -> String {
    serde_json::to_string(lesson).expect("a lesson serializes to JSON")
}

/// Reads what [`write`] wrote.
/// `lesson` as the compiled form keeps it: the author's Markdown left out, its HTML kept.
/// (With the parser only: a page that reads compiled lessons never needs it.)
#[cfg(feature = "parse")]
pub fn without_markdown(lesson: &Lesson) -> Lesson {
    let mut lesson = lesson.clone();
    for step in &mut lesson.steps {
        step.text.clear();
        for choice in step.prediction.iter_mut().flat_map(|p| &mut p.choices) {
            choice.explain.clear();
        }
        for cause in step.incident.iter_mut().flat_map(|i| &mut i.causes) {
            cause.explain.clear();
        }
    }
    lesson
}

pub fn read(json: &str) -> Result<Lesson, String> {
    serde_json::from_str(json).map_err(|e| format!("compiled lesson: {e}"))
}

/// The index the page is built with, as JSON.
pub fn write_index(entries: &[Entry]) -> String {
    serde_json::to_string(entries).expect("the index serializes to JSON")
}

/// Reads what [`write_index`] wrote.
pub fn read_index(json: &str) -> Result<Vec<Entry>, String> {
    serde_json::from_str(json).map_err(|e| format!("lesson index: {e}"))
}

/// The bundled lessons as the site serves them: the index, and every lesson's file as
/// (path relative to the site, JSON). The app's build script embeds the index and the site
/// build writes the files, both from this one function.
#[cfg(feature = "parse")]
pub fn site_files(lessons: &[Lesson]) -> (Vec<Entry>, Vec<(String, String)>) {
    use sha2::{Digest, Sha256};
    use std::fmt::Write as _;
    let mut entries = Vec::new();
    let mut files = Vec::new();
    for lesson in lessons {
        let json = write(lesson);
        let hash =
            Sha256::digest(json.as_bytes())
                .iter()
                .take(5)
                .fold(String::new(), |mut hex, byte| {
                    let _ = write!(hex, "{byte:02x}");
                    hex
                });
        let file = format!("lessons/{}-{hash}.json", lesson.id);
        entries.push(Entry {
            id: lesson.id.clone(),
            title: lesson.title.clone(),
            summary: lesson.summary.clone(),
            minutes: lesson.minutes,
            steps: lesson.steps.len(),
            file: file.clone(),
        });
        files.push((file, json));
    }
    (entries, files)
}

/// Parses one lesson file into the answer the page reads with [`read_parsed`].
#[cfg(feature = "parse")]
pub fn parse_to_json(file: &str, text: &str) -> String {
    let parsed = match crate::parse_lesson(file, text) {
        Ok(lesson) => Parsed::Lesson(Box::new(lesson)),
        Err(problems) => Parsed::Problems(problems.iter().map(ToString::to_string).collect()),
    };
    serde_json::to_string(&parsed).expect("a parsed lesson serializes to JSON")
}

/// Reads the author's parser's answer.
pub fn read_parsed(json: &str) -> Result<Parsed, String> {
    serde_json::from_str(json).map_err(|e| format!("the lesson parser's answer: {e}"))
}

#[cfg(all(test, feature = "parse"))]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_curriculum_reads_back_as_parsed_without_its_markdown() {
        let parsed = crate::bundled();
        let (entries, files) = site_files(&parsed);
        assert_eq!(entries.len(), parsed.len());
        assert_eq!(read_index(&write_index(&entries)).unwrap(), entries);
        for ((lesson, entry), (file, json)) in parsed.iter().zip(&entries).zip(&files) {
            assert_eq!(&entry.file, file);
            assert!(
                file.starts_with(&format!("lessons/{}-", lesson.id)) && file.ends_with(".json")
            );
            assert_eq!(
                (entry.steps, entry.minutes),
                (lesson.steps.len(), lesson.minutes)
            );
            for step in &lesson.steps {
                assert!(!step.text.is_empty() && !step.html.is_empty());
                for choice in step.prediction.iter().flat_map(|p| &p.choices) {
                    assert!(!choice.explain.is_empty() && !choice.explain_html.is_empty());
                }
            }
            assert_eq!(read(json).unwrap(), without_markdown(lesson));
        }
        // A lesson's file name changes with its content, and only then.
        let mut edited = parsed.clone();
        edited[0].title.push('!');
        let (_, again) = site_files(&edited);
        assert_ne!(again[0].0, files[0].0);
        assert_eq!(again[1..], files[1..]);
    }

    #[test]
    fn a_broken_compiled_form_is_an_error_not_a_panic() {
        let error = read("{\"id\": 3}").unwrap_err();
        assert!(
            error.starts_with("compiled lesson: invalid type"),
            "{error}"
        );
        let error = read_index("{}").unwrap_err();
        assert!(error.starts_with("lesson index: invalid type"), "{error}");
        let error = read_parsed("{\"neither\": 1}").unwrap_err();
        assert!(
            error.starts_with("the lesson parser's answer: unknown variant"),
            "{error}"
        );
    }
}

#[cfg(test)]
mod names {
    #[test]
    fn goal_operators_read_what_they_write() {
        for (op, name) in crate::Op::JSON_NAMES {
            let written = serde_json::to_string(op).unwrap();
            assert_eq!(written, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<crate::Op>(&written).unwrap(), *op);
            assert_eq!(crate::Op::from_name(name), Some(*op));
        }
        assert_eq!(crate::Metric::JSON_NAMES.len(), crate::Metric::ALL.len());
        for (metric, name) in crate::Metric::JSON_NAMES {
            let written = serde_json::to_string(metric).unwrap();
            assert_eq!(written, format!("\"{name}\""));
            assert_eq!(
                serde_json::from_str::<crate::Metric>(&written).unwrap(),
                *metric
            );
            assert_eq!(metric.name(), *name);
        }
    }
}
