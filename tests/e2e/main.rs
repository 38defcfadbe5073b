//! End-to-end tests: the built site in headless Chromium. `cargo xtask test e2e` runs them.

mod curriculum;
mod layout;
mod long_work;
mod playground;
mod sharing;
mod shell;
