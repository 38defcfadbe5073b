//! The size report printed by `cargo xtask dist`, and the one place the size budget is set.

use std::io::Write as _;
use std::path::Path;

use flate2::{Compression, write::GzEncoder};

use crate::Result;

/// Budget for the gzipped wasm + JS that a visitor downloads before the page works.
/// Started at 500 KB; the lessons (TOML and Markdown parsers, the curriculum's text), sharing,
/// and an engine compiled for speed (it must run at half its native speed in the browser)
/// brought the app to about 608 KB; the totals panel, the lag alert, services joining live and
/// the whole-frame measurement to about 623 KB. The budget stands just above that, to catch
/// any further growth. Long work in slices, rewind checkpoints and the work budget were paid
/// for inside it: the engine's JSON entry points are `#[inline]`, so their serde code is built
/// for size in the page rather than for speed in the engine (-23 KB), and links are read as
/// text, sharing the one scenario deserializer (-6 KB): 624.7 KB. Measured ways down
/// that were not taken: the engine at `opt-level = "s"` saves 22 KB but fell under half the
/// native speed in the end-to-end run; npm's wasm-opt -Oz saves 5 KB. The goal remains under
/// 300 KB, which needs the lesson parsers out of the first download.
pub const GZIP_BUDGET_BYTES: u64 = 630 * 1024;

pub struct FileSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
}

pub fn measure(dir: &Path) -> Result<Vec<FileSize>> {
    let mut sizes = Vec::new();
    for file in crate::site::files_under(dir)? {
        let bytes = std::fs::read(&file)?;
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(&bytes)?;
        let gzip = encoder.finish()?.len() as u64;
        let name = file.strip_prefix(dir)?.to_string_lossy().into_owned();
        sizes.push(FileSize {
            name,
            raw: bytes.len() as u64,
            gzip,
        });
    }
    Ok(sizes)
}

/// Whether a file is the author's lesson parser, which only authors download.
fn is_parser(file: &FileSize) -> bool {
    file.name.starts_with(crate::site::PARSER_FILE_PREFIX)
}

/// The gzipped bytes that count against the budget: the wasm and every JS module a learner
/// loads, so not the author's lesson parser.
pub fn budgeted_gzip(sizes: &[FileSize]) -> u64 {
    sizes
        .iter()
        .filter(|f| (f.name.ends_with(".wasm") || f.name.ends_with(".js")) && !is_parser(f))
        .map(|f| f.gzip)
        .sum()
}

pub fn report(sizes: &[FileSize]) -> String {
    let width = sizes.iter().map(|f| f.name.len()).max().unwrap_or(4).max(4);
    let mut out = format!("{:<width$}  {:>10}  {:>10}\n", "file", "raw", "gzip");
    for file in sizes {
        out += &format!(
            "{:<width$}  {:>10}  {:>10}\n",
            file.name,
            kib(file.raw),
            kib(file.gzip)
        );
    }
    let total_raw: u64 = sizes.iter().map(|f| f.raw).sum();
    let total_gzip: u64 = sizes.iter().map(|f| f.gzip).sum();
    out += &format!(
        "{:<width$}  {:>10}  {:>10}\n",
        "total",
        kib(total_raw),
        kib(total_gzip)
    );
    let budgeted = budgeted_gzip(sizes);
    out += &format!(
        "wasm + JS gzipped: {} of the {} budget ({:.0} %)\n",
        kib(budgeted),
        kib(GZIP_BUDGET_BYTES),
        100.0 * budgeted as f64 / GZIP_BUDGET_BYTES as f64
    );
    for parser in sizes.iter().filter(|f| is_parser(f)) {
        out += &format!(
            "lesson parser, loaded only when an author opens a lesson file: {} gzipped, not counted\n",
            kib(parser.gzip)
        );
    }
    out
}

pub fn check_budget(sizes: &[FileSize]) -> Result<()> {
    let budgeted = budgeted_gzip(sizes);
    if budgeted > GZIP_BUDGET_BYTES {
        return Err(format!(
            "gzipped wasm + JS is {}, over the {} budget (xtask/src/sizes.rs)",
            kib(budgeted),
            kib(GZIP_BUDGET_BYTES)
        )
        .into());
    }
    Ok(())
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, gzip: u64) -> FileSize {
        FileSize {
            name: name.into(),
            raw: gzip * 3,
            gzip,
        }
    }

    #[test]
    fn only_wasm_and_js_count_against_the_budget() {
        let sizes = [
            file("app-1.wasm", 300_000),
            file("app-1.js", 10_000),
            file("style.css", 900_000),
            file("lesson-parser-0123456789.wasm", 200_000),
        ];
        assert_eq!(budgeted_gzip(&sizes), 310_000);
        assert!(report(&sizes).contains(
            "lesson parser, loaded only when an author opens a lesson file: 195.3 KB gzipped"
        ));
        assert!(check_budget(&sizes).is_ok());
        let over = [file("app-1.wasm", GZIP_BUDGET_BYTES), file("app-1.js", 1)];
        let error = check_budget(&over).unwrap_err().to_string();
        let budget = format!(
            "over the {:.1} KB budget",
            GZIP_BUDGET_BYTES as f64 / 1024.0
        );
        assert!(error.contains(&budget), "{error}");
        assert!(report(&sizes).contains("style.css"));
    }
}
