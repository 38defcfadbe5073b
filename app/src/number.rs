//! Numbers a learner types or a slider reports, read by the browser's own `Number()`: the page
//! then carries no float-parsing tables of its own (Rust's `str::parse::<f64>` brings 10 KB).

use web_sys::js_sys::Number;

/// The finite number `text` spells (surrounding space allowed), as JavaScript reads it.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let Ok(number) = text.parse::<Number>();
    let value = number.value_of();
    value.is_finite().then_some(value)
}
