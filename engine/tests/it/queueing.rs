//! Queueing theory: one service with c workers, Poisson arrivals and exponential service is an
//! M/M/c queue, whose mean wait Erlang C gives exactly; Little's law ties the time-average
//! number in the system to the arrival rate and the mean time in it.

use engine::scenario::{ServiceConfig, ServiceTime};
use engine::{Design, Scenario, ServiceId, SimTime, Simulation};

/// Probability that an arrival waits in an M/M/c queue at offered load `a` (Erlangs).
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

struct Measured {
    arrivals: u64,
    mean_sojourn_ms: f64,
    /// Time-average number in the system and in the queue.
    in_system: f64,
    in_queue: f64,
    seconds: f64,
}

/// One service with `servers` workers, Poisson arrivals, exponential work and an unbounded
/// queue: an M/M/c station, run for about `orders` orders.
fn mmc(servers: u32, rate_per_s: f64, mean_ms: f64, orders: f64) -> Scenario {
    let mut scenario = Scenario::default();
    scenario.services.clear();
    let config = ServiceConfig {
        workers: servers,
        queue_capacity: 10_000_000,
        service_time: ServiceTime::Exponential { mean_ms },
        consumers: None,
    };
    scenario.services.insert(ServiceId::Order, config);
    scenario.workload.arrival_rate_per_s = rate_per_s;
    scenario.sync.hop_latency_ms = 0.0;
    scenario.trace.sample_every = 0;
    scenario.duration_s = orders / rate_per_s;
    scenario.validate().unwrap();
    scenario
}

fn run_mmc(servers: u32, rate_per_s: f64, mean_ms: f64, orders: f64, seed: u64) -> Measured {
    let scenario = mmc(servers, rate_per_s, mean_ms, orders);
    let end = SimTime::from_secs_f64(scenario.duration_s);
    let mut sim = Simulation::new(&scenario, seed, Design::Sync);
    let (mut area_system, mut area_queue) = (0u128, 0u128);
    let (mut last, mut in_system, mut in_queue) = (SimTime::ZERO, 0u64, 0u64);
    while let Some(next) = sim.next_event_time().filter(|&t| t <= end) {
        let dt = u128::from((next - last).as_micros());
        area_system += u128::from(in_system) * dt;
        area_queue += u128::from(in_queue) * dt;
        last = next;
        sim.step();
        let (busy, _, queue) = sim.pool(ServiceId::Order).unwrap();
        in_system = u64::from(busy) + queue;
        in_queue = queue;
    }
    let dt = u128::from((end - last).as_micros());
    area_system += u128::from(in_system) * dt;
    area_queue += u128::from(in_queue) * dt;
    let summary = sim.summary();
    let micros = end.as_micros() as f64;
    Measured {
        arrivals: summary.orders_arrived,
        mean_sojourn_ms: summary.latency_ms.mean,
        in_system: area_system as f64 / micros,
        in_queue: area_queue as f64 / micros,
        seconds: micros / 1e6,
    }
}

/// One run's mean wait is noisy (its standard error is about 1.5 % at this load with 400 000
/// orders, because waits are strongly correlated), so four independent seeds are pooled.
#[test]
fn mmc_mean_wait_matches_erlang_c_and_littles_law_holds() {
    let (servers, rate, mean_ms) = (2, 140.0, 10.0);
    let seeds = [1, 2, 3, 4];
    let runs: Vec<Measured> = seeds
        .iter()
        .map(|&seed| run_mmc(servers, rate, mean_ms, 300_000.0, seed))
        .collect();
    let orders: u64 = runs.iter().map(|r| r.arrivals).sum();
    assert!(orders >= 200_000, "seeds={seeds:?}: only {orders} orders");

    let mu = 1000.0 / mean_ms;
    let a = rate / mu;
    let expected_wait_ms = erlang_c(servers, a) / (f64::from(servers) * mu - rate) * 1000.0;
    let pooled_sojourn_ms = runs
        .iter()
        .map(|r| r.mean_sojourn_ms * r.arrivals as f64)
        .sum::<f64>()
        / orders as f64;
    let measured_wait_ms = pooled_sojourn_ms - mean_ms;
    let wait_error = (measured_wait_ms - expected_wait_ms) / expected_wait_ms;
    eprintln!(
        "M/M/{servers} at ρ={:.2}: Erlang C wait {expected_wait_ms:.4} ms, measured {measured_wait_ms:.4} ms ({:+.2} %) over {orders} orders",
        a / f64::from(servers),
        wait_error * 100.0,
    );
    assert!(
        wait_error.abs() < 0.02,
        "seeds={seeds:?}: wait {measured_wait_ms} vs Erlang C {expected_wait_ms}"
    );

    for (run, seed) in runs.iter().zip(seeds) {
        let throughput = run.arrivals as f64 / run.seconds;
        let little = throughput * run.mean_sojourn_ms / 1000.0;
        let little_error = (run.in_system - little) / run.in_system;
        let queue_wait_ms = run.in_queue / throughput * 1000.0;
        eprintln!(
            "seed {seed}: Little's law L = {:.4}, λW = {little:.4} ({:+.3} %); wait from the queue integral {queue_wait_ms:.4} ms",
            run.in_system,
            little_error * 100.0
        );
        assert!(
            little_error.abs() < 0.01,
            "seed={seed}: L {} vs λW {little}",
            run.in_system
        );
    }
}

/// Erlang C across shapes of pool and loads up to 85 % busy: one service with `servers`
/// workers and exponential work of 10 ms, its mean time in the system (wait plus work) within
/// 2 % of the M/M/c value, over four seeds of 300 000 orders.
#[test]
fn mean_sojourn_matches_erlang_c_across_pools_and_loads() {
    let mean_ms = 10.0;
    for (servers, utilisation) in [(1, 0.5), (4, 0.8), (8, 0.85)] {
        let mu = 1000.0 / mean_ms;
        let rate = utilisation * f64::from(servers) * mu;
        let a = rate / mu;
        let expected_ms =
            erlang_c(servers, a) / (f64::from(servers) * mu - rate) * 1000.0 + mean_ms;
        let scenario = mmc(servers, rate, mean_ms, 300_000.0);
        let (mut total, mut orders) = (0.0, 0u64);
        for seed in 1..=4 {
            let mut sim = Simulation::new(&scenario, seed, Design::Sync);
            sim.run();
            let summary = sim.summary();
            total += summary.latency_ms.mean * summary.latency_ms.count as f64;
            orders += summary.latency_ms.count;
        }
        let measured_ms = total / orders as f64;
        let error = (measured_ms - expected_ms) / expected_ms;
        eprintln!(
            "M/M/{servers} at ρ={utilisation}: Erlang C {expected_ms:.4} ms, measured {measured_ms:.4} ms ({:+.2} %)",
            error * 100.0
        );
        assert!(
            error.abs() < 0.02,
            "M/M/{servers} at ρ={utilisation}: {measured_ms} ms vs Erlang C {expected_ms} ms"
        );
    }
}
