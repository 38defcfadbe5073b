//! End-to-end tests: the built site in headless Chromium. `cargo xtask test e2e` runs them.

mod playground;
mod shell;
