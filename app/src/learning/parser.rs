//! The author's lesson parser, a separate wasm module fetched the first time an author opens a
//! lesson file (`parser.js`): the page itself carries no TOML or Markdown parser.

use lessons::compiled::{Parsed, read_parsed};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/learning/parser.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = parseLessonFile)]
    async fn parse_lesson_file(name: &str, text: &str) -> Result<JsValue, JsValue>;
}

/// The lesson in the file, or every problem with it as one line each (file, line, column and
/// fix, exactly as `cargo xtask lessons check` prints them); `Err` when the parser could not
/// be loaded or failed.
pub async fn parse(name: &str, text: &str) -> Result<Parsed, String> {
    let answer = parse_lesson_file(name, text).await.map_err(|error| {
        let detail = error
            .dyn_ref::<web_sys::js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "unknown error".into());
        format!("{name}: the lesson parser failed: {detail}")
    })?;
    let json = answer.as_string().unwrap_or_default();
    read_parsed(&json).map_err(|error| format!("{name}: {error}"))
}
