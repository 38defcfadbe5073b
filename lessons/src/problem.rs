//! What the loader reports: every problem with the file, where in it, and how to fix it.

use std::collections::BTreeMap;
use std::fmt;

/// One problem in a lesson file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Where in the lesson, e.g. `steps[2].goal.checks[0].metric`; empty for the whole file.
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Collects problems for one file and places them using the byte offsets of the TOML nodes.
pub(crate) struct Report<'a> {
    file: &'a str,
    text: &'a str,
    /// Byte offset of every node by its path, so a problem found on the converted value can
    /// still point at the line an author has to edit.
    offsets: BTreeMap<String, usize>,
    pub(crate) problems: Vec<Problem>,
}

impl<'a> Report<'a> {
    pub(crate) fn new(file: &'a str, text: &'a str) -> Report<'a> {
        Report {
            file,
            text,
            offsets: BTreeMap::new(),
            problems: Vec::new(),
        }
    }

    pub(crate) fn remember(&mut self, path: &str, offset: usize) {
        self.offsets.insert(path.to_string(), offset);
    }

    /// A problem at `path`, placed at the nearest enclosing node that has a known position.
    pub(crate) fn add(&mut self, path: &str, message: impl Into<String>, hint: Option<String>) {
        let offset = self.offset_of(path);
        self.add_at(path, offset, message, hint);
    }

    pub(crate) fn add_at(
        &mut self,
        path: &str,
        offset: Option<usize>,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        let (line, column) = match offset {
            Some(offset) => {
                let (line, column) = line_column(self.text, offset);
                (Some(line), Some(column))
            }
            None => (None, None),
        };
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            column,
            path: path.to_string(),
            message: message.into(),
            hint,
        });
    }

    fn offset_of(&self, path: &str) -> Option<usize> {
        let mut path = path;
        loop {
            if let Some(offset) = self.offsets.get(path) {
                return Some(*offset);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

/// One-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// Joins a field name onto a path.
pub(crate) fn field(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub(crate) fn index(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// The known name closest to a misspelt one, for "did you mean" hints.
pub(crate) fn closest<'n>(wrong: &str, known: &[&'n str]) -> Option<&'n str> {
    known
        .iter()
        .map(|name| (edit_distance(wrong, name), *name))
        .filter(|(distance, name)| *distance <= (name.len() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// "did you mean `x`? valid: a, b, c" — the hint for a name that is not one of `known`.
pub(crate) fn choose_hint(wrong: &str, what: &str, known: &[&str]) -> String {
    let list = known.join(", ");
    match closest(wrong, known) {
        Some(name) => format!("did you mean `{name}`? {what}: {list}"),
        None => format!("{what}: {list}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 9), (2, 3));
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn closest_names_catch_typos_only() {
        assert_eq!(closest("titel", &["title", "text"]), Some("title"));
        assert_eq!(closest("zzzzzz", &["title", "text"]), None);
    }
}
