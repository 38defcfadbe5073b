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

/// The compiled form of a list of lessons. The Markdown source of each step is left out: the
/// page shows its rendered HTML.
pub fn write(lessons: &[Lesson]) -> String {
    serde_json::to_string(lessons).expect("lessons serialize to JSON")
}

/// Reads what [`write`] wrote.
pub fn read(json: &str) -> Result<Vec<Lesson>, String> {
    serde_json::from_str(json).map_err(|e| format!("compiled lessons: {e}"))
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
        let mut parsed = crate::bundled();
        let compiled = read(&write(&parsed)).unwrap();
        for step in parsed.iter_mut().flat_map(|lesson| &mut lesson.steps) {
            assert!(!step.text.is_empty() && !step.html.is_empty());
            step.text.clear();
        }
        assert_eq!(compiled, parsed);
    }

    #[test]
    fn a_broken_compiled_form_is_an_error_not_a_panic() {
        let error = read("[{\"id\": 3}]").unwrap_err();
        assert!(
            error.starts_with("compiled lessons: invalid type"),
            "{error}"
        );
        let error = read_parsed("{\"neither\": 1}").unwrap_err();
        assert!(
            error.starts_with("the lesson parser's answer: unknown variant"),
            "{error}"
        );
    }
}
