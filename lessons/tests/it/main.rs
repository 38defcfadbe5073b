//! The lessons crate's tests: one binary, a module per area.

mod curriculum;
mod goals;
mod malformed;
mod markdown;
mod readme;
mod util;
