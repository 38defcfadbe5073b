//! The largest values a scenario may ask for. Validation refuses anything beyond them, and the
//! engine clamps to the same numbers where a live action could reach past them, so all later
//! arithmetic stays far from overflow and a run's memory and event count stay sane.

/// Longest run, and longest single duration anywhere, in seconds.
pub const MAX_DURATION_S: f64 = 7.0 * 24.0 * 3600.0;
/// Longest single duration anywhere else (a timeout, a service time, a window), in ms.
pub const MAX_MS: f64 = 24.0 * 3600.0 * 1000.0;
pub const MAX_RATE_PER_S: f64 = 1_000_000.0;
pub const MAX_WORKERS: u32 = 10_000;
pub const MAX_QUEUE: u32 = 10_000_000;
/// Partitions per topic, and so members per consumer group that can own one.
pub const MAX_PARTITIONS: u32 = 1_024;
pub const MAX_FAULTS: usize = 1_000;
