//! `cargo xtask serve | dist | test` — see README.md.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use xtask::server::StaticServer;
use xtask::site::{self, BuildOptions, Shrink};
use xtask::{Result, sizes, tools, workspace_root};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve [--port N] [--opt]   build the site, serve it on http://127.0.0.1:8080 and rebuild on change
  dist [--out DIR] [--no-opt]  build the site for static hosting into dist/ and print its sizes
  test [native|browser|e2e]  run every test (or only the named groups); fails if any fails
  lessons check [FILE…]      validate lesson files (default: every file in lessons/content)

  --opt     shrink the wasm with wasm-opt from npm's binaryen (installed under target/); `dist`
            and the end-to-end tests do this by default when npm is present, `serve` does not
  --no-opt  skip wasm-opt";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<()> {
    let (command, rest) = args.split_first().ok_or(USAGE)?;
    if command == "lessons" {
        return match rest.split_first() {
            Some((sub, files)) if sub == "check" => check_lessons(files),
            _ => Err(format!("usage: cargo xtask lessons check [FILE…]\n\n{USAGE}").into()),
        };
    }
    let mut options = Options::parse(rest)?;
    match command.as_str() {
        "serve" => serve(options.port.unwrap_or(8080), options.shrink(Shrink::Off)),
        "dist" => dist(
            options
                .out
                .take()
                .unwrap_or_else(|| workspace_root().join("dist")),
            options.shrink(Shrink::IfAvailable),
        ),
        "test" => test(&options.groups),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}").into()),
    }
}

#[derive(Default)]
struct Options {
    port: Option<u16>,
    out: Option<PathBuf>,
    /// `--opt` or `--no-opt`; each command has its own default.
    opt: Option<bool>,
    groups: Vec<String>,
}

impl Options {
    /// `--opt` requires shrinking, `--no-opt` turns it off; otherwise the command's default.
    fn shrink(&self, default: Shrink) -> Shrink {
        match self.opt {
            Some(true) => Shrink::Required,
            Some(false) => Shrink::Off,
            None => default,
        }
    }

    fn parse(args: &[String]) -> Result<Options> {
        let mut options = Options::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--port" => {
                    let value = args
                        .next()
                        .ok_or("--port needs a number, e.g. --port 8081")?;
                    let port = value
                        .parse()
                        .map_err(|_| format!("--port {value}: not a port number (1-65535)"))?;
                    options.port = Some(port);
                }
                "--out" => {
                    options.out = Some(PathBuf::from(args.next().ok_or("--out needs a folder")?))
                }
                "--opt" => options.opt = Some(true),
                "--no-opt" => options.opt = Some(false),
                "native" | "browser" | "e2e" => options.groups.push(arg.clone()),
                other => return Err(format!("unknown argument `{other}`\n\n{USAGE}").into()),
            }
        }
        Ok(options)
    }
}

fn dist(out_dir: PathBuf, shrink: Shrink) -> Result<()> {
    let site = site::build(&BuildOptions {
        out_dir,
        shrink,
        live_reload: false,
    })?;
    let sizes = sizes::measure(&site.dir)?;
    print!("{}", sizes::report(&sizes));
    println!("site written to {}", site.dir.display());
    if site.shrunk {
        sizes::check_budget(&sizes)
    } else {
        // The budget is for the site as shipped; say how this build compares, refuse nothing.
        if let Err(over) = sizes::check_budget(&sizes) {
            eprintln!(
                "note: {over}; this build was not shrunk by wasm-opt and esbuild, as a shipped one is"
            );
        }
        Ok(())
    }
}

const WATCHED: [&str; 4] = ["app", "engine", "lessons", "public"];

fn serve(port: u16, shrink: Shrink) -> Result<()> {
    let out_dir = workspace_root().join("target/serve");
    std::fs::create_dir_all(&out_dir)?;
    // Listen first, so a busy port is reported before minutes of compiling.
    let server = StaticServer::start(out_dir.clone(), "/", port)?;
    let options = BuildOptions {
        out_dir,
        shrink,
        live_reload: true,
    };
    let mut build_id = site::build(&options)?.build_id;
    println!(
        "Sync or Stream is served on http://127.0.0.1:{}/ (Ctrl+C stops; edits under {} rebuild)",
        server.port(),
        WATCHED.join("/, ")
    );
    let mut seen = watched_state()?;
    loop {
        std::thread::sleep(Duration::from_millis(700));
        let now = watched_state()?;
        if now == seen {
            continue;
        }
        seen = now;
        eprintln!("change detected; rebuilding…");
        match site::build(&options) {
            Ok(site) => {
                build_id = site.build_id;
                eprintln!("rebuilt; open pages reload");
            }
            Err(error) => {
                eprintln!("rebuild failed: {error}");
                site::write_build_status(&options.out_dir, &build_id, Some(&error.to_string()))?;
            }
        }
    }
}

/// Names, sizes and modification times of the watched files. Polling keeps the tool free of
/// platform watcher quirks; a few thousand `stat`s per second are nothing.
fn watched_state() -> Result<Vec<(PathBuf, u64, SystemTime)>> {
    let root = workspace_root();
    let mut state = Vec::new();
    for dir in WATCHED {
        for file in site::files_under(&root.join(dir))? {
            let meta = std::fs::metadata(&file)?;
            state.push((file, meta.len(), meta.modified()?));
        }
    }
    Ok(state)
}

fn test(groups: &[String]) -> Result<()> {
    let wants = |group: &str| groups.is_empty() || groups.iter().any(|g| g == group);
    tools::ensure_wasm_target()?;
    let mut failures = Vec::new();
    if wants("native") {
        record(&mut failures, "native tests", native_tests());
    }
    if wants("browser") || wants("e2e") {
        tools::ensure_chromium()?;
    }
    if wants("browser") {
        record(&mut failures, "in-browser app tests", browser_tests());
    }
    if wants("e2e") {
        record(&mut failures, "end-to-end tests", end_to_end_tests());
    }
    if failures.is_empty() {
        println!("all tests passed");
        Ok(())
    } else {
        Err(format!("failed: {}", failures.join(", ")).into())
    }
}

fn record(failures: &mut Vec<String>, what: &str, outcome: Result<()>) {
    if let Err(error) = outcome {
        eprintln!("error: {what}: {error}");
        failures.push(what.to_string());
    }
}

/// Engine, lessons and the build tool, with optimizations on: the engine's statistical tests
/// simulate over a million orders.
fn native_tests() -> Result<()> {
    tools::run(
        tools::cargo()
            .args([
                "test",
                "--profile",
                "fast",
                "--workspace",
                "--exclude",
                "app",
                "--exclude",
                "tests",
            ])
            // Optimized builds can afford many cases per invariant (the engine's tests use fewer
            // when debug assertions are on, which this profile keeps).
            .env("PROPTEST_CASES", PROPTEST_CASES),
    )
}

const PROPTEST_CASES: &str = "256";

fn browser_tests() -> Result<()> {
    let runner = tools::ensure_wasm_test_runner()?;
    // The engine's reference run, computed natively; an in-browser test must get the same.
    let [sync, event] = engine::selfcheck::reference_hashes();
    tools::run(
        tools::cargo()
            .args(["test", "-p", "app", "--target", "wasm32-unknown-unknown"])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner)
            .env("SOS_NATIVE_REFERENCE_HASHES", format!("{sync},{event}")),
    )
}

/// The engine's native reference benchmark (`cargo bench -p engine`), run just before the
/// end-to-end tests so the in-browser figure is compared with one from the same machine at
/// nearly the same moment. Prints the benchmark's report and returns its orders per second.
fn native_engine_speed() -> Result<f64> {
    let mut command = tools::cargo();
    command.args(["bench", "-p", "engine", "--bench", "tandem"]);
    eprintln!("$ {}", tools::describe(&command));
    let output = command
        .output()
        .map_err(|e| format!("could not start the engine benchmark: {e}"))?;
    let report = String::from_utf8_lossy(&output.stdout);
    print!("{report}");
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Err(format!("the engine benchmark failed ({})", output.status).into());
    }
    orders_per_second(&report)
        .ok_or_else(|| "the engine benchmark printed no “orders per second” line".into())
}

/// Reads "orders per second  2028188  (bar …)" from the benchmark's report.
fn orders_per_second(report: &str) -> Option<f64> {
    report
        .lines()
        .find_map(|line| line.trim().strip_prefix("orders per second"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
}

fn end_to_end_tests() -> Result<()> {
    let native = native_engine_speed()?;
    let site_dir = workspace_root().join("dist");
    // The site as `dist` builds it, so the figures are those of what is shipped.
    site::build(&BuildOptions {
        out_dir: site_dir.clone(),
        shrink: Shrink::IfAvailable,
        live_reload: false,
    })?;
    // `--show-output` prints what passing tests print: the measured budgets.
    tools::run(
        tools::cargo()
            .args([
                "test",
                "-p",
                "tests",
                "--test",
                "e2e",
                "--",
                "--test-threads=1",
                "--show-output",
            ])
            .env("SOS_SITE_DIR", site_dir)
            .env("SOS_NATIVE_ORDERS_PER_S", native.to_string()),
    )
}

/// Validates lesson files and prints every problem, as an author needs to fix them.
fn check_lessons(files: &[String]) -> Result<()> {
    let files: Vec<PathBuf> = if files.is_empty() {
        site::lesson_files(&workspace_root())?
    } else {
        files.iter().map(PathBuf::from).collect()
    };
    let mut failed = 0;
    for file in &files {
        let name = file.display().to_string();
        let outcome = std::fs::read_to_string(file)
            .map_err(|e| vec![format!("{name}: cannot read: {e}")])
            .and_then(|text| {
                lessons::parse_lesson(&name, &text)
                    .map_err(|problems| problems.iter().map(ToString::to_string).collect())
            });
        match outcome {
            Ok(lesson) => println!(
                "ok    {name}: “{}”, {} steps",
                lesson.title,
                lesson.steps.len()
            ),
            Err(problems) => {
                failed += 1;
                println!("FAIL  {name}");
                for problem in problems {
                    println!("      {problem}");
                }
            }
        }
    }
    match failed {
        0 => Ok(()),
        n => Err(format!("{n} of {} lesson files have problems", files.len()).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::orders_per_second;

    #[test]
    fn reads_the_benchmark_figure() {
        let report = "tandem, 300 simulated seconds\n  orders             299779\n  orders per second  2028188  (bar 1500000)\n  events per second  10148662\n";
        assert_eq!(orders_per_second(report), Some(2_028_188.0));
        assert_eq!(orders_per_second("orders per second  n/a"), None);
        assert_eq!(orders_per_second(""), None);
    }
}
