//! Every option of a scenario in engine units, read in one place: durations as `SimTime`
//! (a wait of at least a microsecond where zero would stall the clock), counts clamped to the
//! [`crate::limits`] validation enforces. The designs read these, never the scenario's raw
//! milliseconds, and read them again when a live action changes a setting.

use crate::limits::MAX_PARTITIONS;
use crate::scenario::{
    CommitPolicy, OffsetReset, PartitionKey, RetryPolicy, Scenario, ServiceConfig, SyncStyle,
};
use crate::time::SimTime;

/// The options both designs and each design's own.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EngineConfig {
    /// One network hop: a request to a service, or its answer.
    pub hop_latency: SimTime,
    /// How long the customer's gateway waits for Order's answer.
    pub gateway_timeout: Option<SimTime>,
    pub sync: SyncConfig,
    pub event: EventConfig,
}

/// The synchronous design's options.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SyncConfig {
    pub style: SyncStyle,
    /// A service's wait for its callee.
    pub timeout: Option<SimTime>,
    pub retries: RetryPolicy,
    /// Consecutive failures that open the breaker, and how long it stays open.
    pub breaker: Option<(u32, SimTime)>,
    pub bulkhead: Option<u32>,
    pub idempotency_keys: bool,
}

/// The event-driven design's options.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EventConfig {
    pub partitions: u32,
    pub partition_key: PartitionKey,
    pub commit: CommitPolicy,
    pub commit_interval: SimTime,
    /// Most records a consumer polls at once.
    pub batch_size: u32,
    pub broker_latency: SimTime,
    pub session_timeout: SimTime,
    /// How long a group stops to reassign partitions.
    pub rebalance: SimTime,
    pub idempotent_consumers: bool,
    pub idempotent_producer: bool,
    pub version_checks: bool,
    pub dead_letter_after: Option<u32>,
    /// The wait before a failed record is tried again.
    pub retry_backoff: SimTime,
    pub retention: SimTime,
    pub auto_offset_reset: OffsetReset,
    /// How long the producer keeps trying to deliver a record before it gives up.
    pub delivery_timeout: SimTime,
    pub outbox: bool,
    /// How often the outbox relay looks for rows to publish.
    pub outbox_relay: SimTime,
}

/// A duration in ms that must move the clock.
fn at_least_a_tick(ms: f64) -> SimTime {
    SimTime::from_millis_f64(ms).max(SimTime(1))
}

impl EngineConfig {
    pub fn of(scenario: &Scenario) -> EngineConfig {
        let sync = &scenario.sync;
        let event = &scenario.event;
        EngineConfig {
            hop_latency: SimTime::from_millis_f64(sync.hop_latency_ms),
            gateway_timeout: sync.gateway_timeout_ms.map(at_least_a_tick),
            sync: SyncConfig {
                style: sync.style,
                timeout: sync.timeout_ms.map(at_least_a_tick),
                retries: sync.retries,
                breaker: sync.circuit_breaker.map(|b| {
                    (
                        b.failure_threshold.max(1),
                        SimTime::from_millis_f64(b.open_ms),
                    )
                }),
                bulkhead: sync.bulkhead,
                idempotency_keys: sync.idempotency_keys,
            },
            event: EventConfig {
                partitions: event.partitions.clamp(1, MAX_PARTITIONS),
                partition_key: event.partition_key,
                commit: event.commit,
                commit_interval: at_least_a_tick(event.commit_interval_ms),
                batch_size: event.batch_size.max(1),
                broker_latency: SimTime::from_millis_f64(event.broker_latency_ms),
                session_timeout: at_least_a_tick(event.session_timeout_ms),
                rebalance: SimTime::from_millis_f64(event.rebalance_ms),
                idempotent_consumers: event.idempotent_consumers,
                idempotent_producer: event.idempotent_producer,
                version_checks: event.version_checks,
                dead_letter_after: event.dead_letter_after,
                retry_backoff: SimTime::from_millis_f64(event.retry_backoff_ms)
                    .max(SimTime::from_millis(1)),
                retention: SimTime::from_secs_f64(event.retention_s),
                auto_offset_reset: event.auto_offset_reset,
                delivery_timeout: at_least_a_tick(event.delivery_timeout_ms),
                outbox: event.outbox,
                outbox_relay: at_least_a_tick(event.outbox_relay_ms),
            },
        }
    }
}

impl SyncConfig {
    /// The wait before attempt `attempt + 1`, after attempt `attempt` failed: the policy's
    /// backoff grown by its multiplier per attempt, spread by its jitter with `unit` (a
    /// uniform draw in [0, 1)).
    pub fn backoff(&self, attempt: u8, unit: f64) -> SimTime {
        let policy = self.retries;
        let exponent = i32::from(attempt.saturating_sub(1)).min(30);
        let base = policy.backoff_ms.max(0.0) * policy.multiplier.clamp(1.0, 10.0).powi(exponent);
        let jitter = policy.jitter.clamp(0.0, 1.0);
        let factor = 1.0 - jitter + 2.0 * jitter * unit;
        SimTime::from_millis_f64(base * factor)
    }
}

/// Members of a service's consumer group: its consumers, or one per worker, and never more
/// than a topic can have partitions.
pub(crate) fn group_size(config: &ServiceConfig) -> u32 {
    config
        .consumers
        .unwrap_or(config.workers)
        .clamp(1, MAX_PARTITIONS)
}
