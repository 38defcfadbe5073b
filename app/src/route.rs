//! Routes live in the URL's fragment (`#/lesson/3/2`), so every link works from any sub-path
//! of any static host without server rewrites, and deep links survive a reload.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Lessons,
    Lesson { id: String, step: usize },
    Sandbox,
    NotFound(String),
}

impl Route {
    pub fn from_hash(hash: &str) -> Route {
        // State for a shared run rides after the route: `#/sandbox?run=…`.
        let path = hash
            .trim_start_matches('#')
            .split('?')
            .next()
            .unwrap_or("")
            .trim_matches('/');
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            [] | ["lessons"] => Route::Lessons,
            ["sandbox"] => Route::Sandbox,
            ["lesson", id] if is_lesson_id(id) => Route::Lesson {
                id: id.to_string(),
                step: 1,
            },
            ["lesson", id, step] if is_lesson_id(id) => match step.parse() {
                Ok(step) if step >= 1 => Route::Lesson {
                    id: id.to_string(),
                    step,
                },
                _ => Route::NotFound(path.to_string()),
            },
            _ => Route::NotFound(path.chars().take(200).collect()),
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::Lessons => "#/".into(),
            Route::Lesson { id, step } => format!("#/lesson/{id}/{step}"),
            Route::Sandbox => "#/sandbox".into(),
            Route::NotFound(path) => format!("#/{path}"),
        }
    }
}

/// Lesson ids are short slugs; anything else in a URL is not one of ours.
fn is_lesson_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The value of `name` in the fragment's query (`#/sandbox?run=…`), if any.
pub fn fragment_param(hash: &str, name: &str) -> Option<String> {
    let (_, query) = hash.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| match pair.split_once('=') {
            Some((key, value)) if key == name => Some(value.to_string()),
            _ => None,
        })
}
