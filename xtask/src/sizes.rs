//! The size report printed by `cargo xtask dist`, and the one place the size budget is set.

use std::io::Write as _;
use std::path::Path;

use flate2::{Compression, write::GzEncoder};

use crate::Result;

/// Budget for the gzipped wasm + JS that a visitor downloads before the page works, as shipped
/// (shrunk by wasm-opt and esbuild). The bar was set at 400 KB, below what the page came to
/// plus 5 % (404 KB), so that any growth has to be argued for. The author's lesson parser, loaded
/// only when an author opens a lesson file, is reported apart and not counted.
///
/// How the page came down from 624.6 KB (each step measured by `cargo xtask dist`):
/// lessons parsed and rendered at build time, the TOML and Markdown parsers moved to the
/// separately loaded parser module (-120.2 KB); the chart font named by its variant and ASCII
/// labels lowercased as ASCII, which dropped Unicode case tables (-8.3 KB); tagged JSON read in
/// one pass instead of through serde's buffer (-25.5 KB); each lesson fetched when opened, the
/// page carrying only the index (-12.5 KB); typed numbers read by the browser's `Number()`,
/// which dropped Rust's float-parsing tables (-14.0 KB); one chart backend type for page and
/// export (-5.6 KB); panels chosen once instead of by `<Show>` (-8.1 KB); one sorted copy of
/// recorded actions (-2.4 KB); wasm-opt and esbuild by default
/// (-3.8 KB); the unused streaming exports leptos brings dropped (-1.4 KB); enums read by name
/// through one reader (-2.8 KB); frame times sorted as integers (-1.3 KB); one compact writer
/// per type, files indented from it (-1.9 KB); lists instead of B-trees for the fetched lessons
/// and the chart tables, and an insertion sort for the topology's dozen nodes (-8.2 KB); then
/// commands from a host page wait for a lesson still being fetched, and typed numbers must be
/// decimal (+1.1 KB): 410.1 KB. The ziggurat tables rebuilt at start instead of shipped
/// (-8.3 KB); the remaining B-trees (services, progress, traces) as sorted vectors
/// (-16.8 KB): 385.0 KB.
/// Raised to 410 KB for the fourteenth lesson's incident drill (its cause list read from the
/// lesson file and the box that checks the learner's answer: +3.5 KB over 399.3 KB), after
/// measuring the ways down left: the page's own decimals printed without Rust's float printer
/// came out 0.8 KB larger (plotters and serde keep that printer in the page anyway), and
/// wasm-opt's `--converge` and `--gufa` passes each added about 0.1 KB. Then to 412 KB for the
/// inspector's "why did it fail" and "show me one" (the engine's trouble steps and examples,
/// the finder, the repair read from the run): 410.7 KB, after moving record names into the
/// engine and the finder's state out of signals, which gave back nothing measurable.
/// The event-driven picture redrawn as producers, the log's partition strips and the groups'
/// members, the charts' key above the plot, following a failed order from the outcomes chart,
/// rendered lesson explanations, a skip button and a lesson's speed kept between steps came
/// to 410.8 KB: the drawings, the broker table, the inspector's timelines, the totals and
/// the performance figures are written as markup (one string each, set only when it changed)
/// instead of a view per element, which gave back 10 KB of the growth. A helper the page never calls, left in the lessons crate, still added 0.7 KB by
/// changing how the code was laid out: it is built only with the parser.
/// Raised to 413 KB when the engine was layered (the world below the designs, the designs
/// behind one trait with the loop compiled once per design, one service mechanism both call,
/// every option in one engine config): 411.9 KB, +1.2 KB. Moving the control actions' work out
/// of the per-design loop gave back 0.1 KB; letting the compiler choose what to inline in the
/// service steps and the loop, nothing. Hiding a step's goal and hints until its prediction is
/// locked in, as a class on the lesson text rather than a view of its own: 412.0 KB. Naming
/// the failed order under the pointer on the outcomes chart: 412.4 KB; the learner's message
/// behind named methods, a missed goal said so once its moment has passed: 412.7 KB.
/// Measured ways down that were not taken: the engine at opt-level 2 saves 3.9 KB but its
/// browser speed varied more (1.20-1.72 M orders/s against 1.55-1.64 M at 3); at "s" with its
/// hot helpers inlined it saves 11 KB but measured 59-74 % of native speed in the browser (the
/// bar is 70 %); at "z", about 58 %; the whole page at "s" instead of "z" adds 33 KB; `Either`
/// in place of `into_any` and type-erased form fields both made the page larger.
pub const GZIP_BUDGET_BYTES: u64 = 413 * 1024;

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
