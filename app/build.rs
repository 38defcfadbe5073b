//! Parses, validates and renders the bundled lessons before the page is built, so the page gets
//! them as data (`lessons::compiled`) and ships without the TOML and Markdown parsers.

use std::path::Path;

fn main() {
    let lessons = lessons::bundled();
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    std::fs::write(
        Path::new(&out_dir).join("lessons.json"),
        lessons::compiled::write(&lessons),
    )
    .expect("OUT_DIR is writable");
}
