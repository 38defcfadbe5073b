//! Runs a scenario file and prints one JSON object with each design's summary.
//!
//! `simulate FILE.json [--seed N] [--until SECONDS] [--design sync|event|both] [--max-orders N]`
//!
//! A run beyond what a browser tab may do (`Budget::BROWSER`) is refused with what to lower,
//! unless `--max-orders` raises the budget on purpose; then it says how much work it starts.

use engine::work::{self, Budget};
use engine::{Design, Scenario, SimTime, Simulation, Summary};
use std::process::ExitCode;
use std::time::Instant;

struct Options {
    file: String,
    seed: Option<u64>,
    until: Option<f64>,
    designs: Vec<Design>,
    max_orders: Option<f64>,
}

const USAGE: &str = "usage: simulate FILE.json [--seed N] [--until SECONDS] [--design sync|event|both] [--max-orders N]";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        file: String::new(),
        seed: None,
        until: None,
        designs: vec![Design::Sync, Design::Event],
        max_orders: None,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| iter.next().cloned().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--seed" => {
                options.seed = Some(
                    value("--seed")?
                        .parse()
                        .map_err(|_| "--seed must be a whole number")?,
                )
            }
            "--until" => {
                let until: f64 = value("--until")?
                    .parse()
                    .map_err(|_| "--until must be a number of seconds")?;
                if !until.is_finite() || until < 0.0 {
                    return Err("--until must be a non-negative number of seconds".into());
                }
                options.until = Some(until);
            }
            "--design" => {
                options.designs = match value("--design")?.as_str() {
                    "sync" => vec![Design::Sync],
                    "event" => vec![Design::Event],
                    "both" => vec![Design::Sync, Design::Event],
                    other => {
                        return Err(format!("unknown design {other:?}: use sync, event or both"));
                    }
                }
            }
            "--max-orders" => {
                let max: f64 = value("--max-orders")?
                    .parse()
                    .map_err(|_| "--max-orders must be a number of orders")?;
                if !(max.is_finite() && max > 0.0) {
                    return Err("--max-orders must be a positive number of orders".into());
                }
                options.max_orders = Some(max);
            }
            "-h" | "--help" => return Err(USAGE.into()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            file if options.file.is_empty() => options.file = file.to_string(),
            extra => return Err(format!("unexpected argument {extra:?}")),
        }
    }
    if options.file.is_empty() {
        return Err(USAGE.into());
    }
    Ok(options)
}

fn run(scenario: &Scenario, seed: u64, design: Design, until: SimTime) -> Summary {
    let started = Instant::now();
    let mut simulation = Simulation::new(scenario, seed, design);
    simulation.run_until(until);
    let mut summary = simulation.summary();
    summary.wall_seconds = started.elapsed().as_secs_f64();
    summary
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(&options.file) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("{}: cannot read: {error}", options.file);
            return ExitCode::from(2);
        }
    };
    // Everything but the budget first: the budget depends on how far this run goes.
    let unbounded = Budget::with_max_orders(f64::INFINITY);
    let scenario = match Scenario::from_json_within(&text, &unbounded) {
        Ok(scenario) => scenario,
        Err(error) => {
            for problem in &error.problems {
                eprintln!("{}: {problem}", options.file);
            }
            return ExitCode::from(2);
        }
    };
    let seed = options.seed.unwrap_or(scenario.seed);
    let until = SimTime::from_secs_f64(options.until.unwrap_or(scenario.duration_s));
    let budget = options
        .max_orders
        .map_or(Budget::BROWSER, Budget::with_max_orders);
    match work::check_until(&scenario, &[], until, &budget) {
        Err(problem) => {
            eprintln!("{}: {problem}", options.file);
            eprintln!("pass --max-orders N to allow up to N orders on purpose");
            return ExitCode::from(2);
        }
        Ok(work) if work::check_until(&scenario, &[], until, &Budget::BROWSER).is_err() => {
            eprintln!(
                "{}: warning: simulating about {:.1} M orders and {:.0} M events, more than a browser may run",
                options.file,
                work.orders / 1e6,
                work.events / 1e6
            );
        }
        Ok(_) => {}
    }
    let mut designs = serde_json::Map::new();
    for design in &options.designs {
        let name = match design {
            Design::Sync => "sync",
            Design::Event => "event",
        };
        let summary = run(&scenario, seed, *design, until);
        designs.insert(
            name.to_string(),
            serde_json::to_value(summary).unwrap_or_default(),
        );
    }
    let output = serde_json::json!({ "seed": seed, "designs": designs });
    println!("{output}");
    ExitCode::SUCCESS
}
