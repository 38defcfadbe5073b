//! A fixed reference run whose trace hashes must be the same on every platform. `cargo xtask
//! test` computes them natively and hands them to an in-browser test that runs the same function
//! compiled to wasm, which shows that nothing platform-dependent (pointer width, hash-map order,
//! floating-point library differences) leaks into a run.

use crate::{Comparison, Scenario, SimTime};

/// Runs the reference (`scenarios/consumer_crash.json`, seed 3, 12 simulated seconds) and
/// returns the trace hashes of the synchronous and event-driven designs.
pub fn reference_hashes() -> [u64; 2] {
    let Ok(scenario) = Scenario::from_json(include_str!("../scenarios/consumer_crash.json")) else {
        return [0, 0];
    };
    let mut comparison = Comparison::new(&scenario, 3);
    comparison.run_until(SimTime::from_secs(12));
    [
        comparison.sync().trace_hash(),
        comparison.event().trace_hash(),
    ]
}
