//! Numbers a learner types or a slider reports, read by the browser's own `Number()`: the page
//! then carries no float-parsing tables of its own (Rust's `str::parse::<f64>` brings 10 KB).

use web_sys::js_sys::Number;

/// The finite decimal number `text` spells (surrounding space allowed): digits, a point, a
/// sign and an exponent, read by JavaScript. `0x10`, `Infinity` and the like are refused.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let decimal = |b: u8| b.is_ascii_digit() || b"+-.eE".contains(&b);
    if !text.bytes().any(|b| b.is_ascii_digit()) || !text.bytes().all(decimal) {
        return None;
    }
    let Ok(number) = text.parse::<Number>();
    let value = number.value_of();
    value.is_finite().then_some(value)
}
