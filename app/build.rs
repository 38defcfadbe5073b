//! Parses, validates and renders the bundled lessons before the page is built, so the page
//! ships without the TOML and Markdown parsers. The page carries only their index; the site
//! build writes each lesson's file (`lessons::compiled::site_files`).

use std::path::Path;

fn main() {
    let (index, _) = lessons::compiled::site_files(&lessons::bundled());
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    std::fs::write(
        Path::new(&out_dir).join("lessons.json"),
        lessons::compiled::write_index(&index),
    )
    .expect("OUT_DIR is writable");
}
