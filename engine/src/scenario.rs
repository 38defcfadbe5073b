//! The scenario: everything that defines a run apart from the seed and the live actions.
//! Its JSON form is documented in `SCENARIOS.md`; every field has a default so small files stay
//! small, and unknown fields are errors so typos never pass silently.

use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};
use std::fmt;

pub use crate::fault::{Fault, FaultKind, OutageMode};
pub use crate::ids::ServiceId;

/// A complete scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// The seed used when none is given on the command line or in the page.
    pub seed: u64,
    /// Simulated time `run()` stops at, in seconds.
    pub duration_s: f64,
    pub workload: Workload,
    /// The services that exist; absent ones are skipped by both designs.
    pub services: SortedMap<ServiceId, ServiceConfig>,
    pub sync: SyncOptions,
    pub event: EventOptions,
    pub faults: Vec<Fault>,
    pub metrics: MetricsOptions,
    pub trace: TraceOptions,
}

impl Default for Scenario {
    fn default() -> Self {
        let services = [
            ServiceId::Order,
            ServiceId::Payment,
            ServiceId::Inventory,
            ServiceId::Shipping,
            ServiceId::Notification,
        ]
        .into_iter()
        .map(|id| (id, ServiceConfig::default()))
        .collect();
        Scenario {
            name: String::new(),
            description: String::new(),
            seed: 1,
            duration_s: 60.0,
            workload: Workload::default(),
            services,
            sync: SyncOptions::default(),
            event: EventOptions::default(),
            faults: Vec::new(),
            metrics: MetricsOptions::default(),
            trace: TraceOptions::default(),
        }
    }
}

/// The stream of orders: identical for both designs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Workload {
    /// Mean Poisson arrival rate, orders per second (spikes multiply it).
    pub arrival_rate_per_s: f64,
    /// Share of orders the customer cancels some time after placing them, 0 to 1.
    pub cancel_share: f64,
    /// Mean of the exponential delay between placing and cancelling.
    pub cancel_delay_ms: f64,
    /// Share of orders whose card the issuer declines, 0 to 1. The shop then undoes what it
    /// did for the order (a saga): refunds nothing, releases the stock it reserved.
    pub decline_share: f64,
    /// Share of orders Inventory cannot fill (out of stock), 0 to 1: Payment refunds.
    pub out_of_stock_share: f64,
    /// Number of distinct customers (for customer-keyed partitioning).
    pub customers: u32,
    pub amount_min: f64,
    pub amount_max: f64,
    pub items_max: u32,
}

impl Workload {
    /// Whether some orders fail for a business reason, so the shop runs the saga's
    /// compensating steps (and its event-driven services listen for each other's failures).
    pub fn has_business_failures(&self) -> bool {
        self.decline_share > 0.0 || self.out_of_stock_share > 0.0
    }
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            arrival_rate_per_s: 100.0,
            cancel_share: 0.0,
            cancel_delay_ms: 200.0,
            decline_share: 0.0,
            out_of_stock_share: 0.0,
            customers: 1_000,
            amount_min: 5.0,
            amount_max: 200.0,
            items_max: 5,
        }
    }
}

/// How long one piece of work takes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    deny_unknown_fields,
    try_from = "ServiceTimeFields"
)]
pub enum ServiceTime {
    Exponential {
        mean_ms: f64,
    },
    /// Log-normal fitted to a median and a 99th percentile (p99 ≥ median).
    Lognormal {
        median_ms: f64,
        p99_ms: f64,
    },
    Fixed {
        ms: f64,
    },
}

/// How a [`ServiceTime`] is read: the tag and every variant's fields in one pass (see
/// `tagged`). The JSON is the same.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceTimeFields {
    kind: ServiceTimeKind,
    mean_ms: Option<f64>,
    median_ms: Option<f64>,
    p99_ms: Option<f64>,
    ms: Option<f64>,
}

#[derive(Clone, Copy)]
enum ServiceTimeKind {
    Exponential,
    Lognormal,
    Fixed,
}

crate::deserialize_by_name!(ServiceTimeKind { Exponential => "exponential", Lognormal => "lognormal", Fixed => "fixed" });

impl TryFrom<ServiceTimeFields> for ServiceTime {
    type Error = serde::de::value::Error;

    fn try_from(fields: ServiceTimeFields) -> Result<ServiceTime, Self::Error> {
        use crate::tagged::{need, only};
        let present = [
            ("mean_ms", fields.mean_ms.is_some()),
            ("median_ms", fields.median_ms.is_some()),
            ("p99_ms", fields.p99_ms.is_some()),
            ("ms", fields.ms.is_some()),
        ];
        Ok(match fields.kind {
            ServiceTimeKind::Exponential => {
                only(&present, &["mean_ms"])?;
                ServiceTime::Exponential {
                    mean_ms: need(fields.mean_ms, "mean_ms")?,
                }
            }
            ServiceTimeKind::Lognormal => {
                only(&present, &["median_ms", "p99_ms"])?;
                ServiceTime::Lognormal {
                    median_ms: need(fields.median_ms, "median_ms")?,
                    p99_ms: need(fields.p99_ms, "p99_ms")?,
                }
            }
            ServiceTimeKind::Fixed => {
                only(&present, &["ms"])?;
                ServiceTime::Fixed {
                    ms: need(fields.ms, "ms")?,
                }
            }
        })
    }
}

impl Default for ServiceTime {
    fn default() -> Self {
        ServiceTime::Exponential { mean_ms: 5.0 }
    }
}

/// One service: the same code runs in both designs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceConfig {
    /// Concurrent requests served (synchronous design, and Order in both).
    pub workers: u32,
    /// Requests waiting for a worker before new ones are rejected.
    pub queue_capacity: u32,
    pub service_time: ServiceTime,
    /// Members of this service's consumer group (event design); defaults to `workers`.
    pub consumers: Option<u32>,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            workers: 8,
            queue_capacity: 1_000,
            service_time: ServiceTime::default(),
            consumers: None,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncStyle {
    /// Order calls each later service in turn, holding its worker until each answers.
    #[default]
    Orchestrated,
    /// Each service calls the next and holds its worker until the rest of the chain answers.
    Nested,
}

crate::deserialize_by_name!(SyncStyle { Orchestrated => "orchestrated", Nested => "nested" });

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Extra attempts after the first one fails or times out.
    pub attempts: u32,
    pub backoff_ms: f64,
    pub multiplier: f64,
    /// Share of each backoff drawn at random (0 = none, 1 = anywhere from 0 to twice it).
    pub jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 0,
            backoff_ms: 100.0,
            multiplier: 2.0,
            jitter: 0.5,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CircuitBreaker {
    /// Consecutive failures that open the breaker.
    pub failure_threshold: u32,
    /// How long it stays open before letting one trial call through.
    pub open_ms: f64,
}

impl Default for CircuitBreaker {
    fn default() -> Self {
        CircuitBreaker {
            failure_threshold: 5,
            open_ms: 1_000.0,
        }
    }
}

/// Options of the synchronous design.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyncOptions {
    pub style: SyncStyle,
    /// One-way network latency of each call.
    pub hop_latency_ms: f64,
    /// How long a service waits for the answer to a call it made; `null` waits forever.
    pub timeout_ms: Option<f64>,
    /// How long the gateway waits for Order's answer before telling the customer the order
    /// failed (in both designs); `null` waits forever. Order is not told and carries on.
    pub gateway_timeout_ms: Option<f64>,
    pub retries: RetryPolicy,
    pub circuit_breaker: Option<CircuitBreaker>,
    /// Most calls in flight from callers to one service; further calls fail at once.
    pub bulkhead: Option<u32>,
    /// Payment remembers idempotency keys, so a retried charge is not applied twice.
    pub idempotency_keys: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            style: SyncStyle::Orchestrated,
            hop_latency_ms: 1.0,
            timeout_ms: None,
            gateway_timeout_ms: None,
            retries: RetryPolicy::default(),
            circuit_breaker: None,
            bulkhead: None,
            idempotency_keys: false,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionKey {
    /// All events of one order land on one partition, so they stay in order.
    #[default]
    OrderId,
    CustomerId,
    /// Round-robin: spreads load evenly and loses per-order ordering.
    None,
}

crate::deserialize_by_name!(PartitionKey { OrderId => "order_id", CustomerId => "customer_id", None => "none" });

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitPolicy {
    /// Commit after processing a batch: at-least-once.
    #[default]
    AfterProcessing,
    /// Commit as soon as a batch is fetched: at-most-once.
    BeforeProcessing,
    /// Commit the position every `commit_interval_ms`.
    Periodic,
}

crate::deserialize_by_name!(CommitPolicy { AfterProcessing => "after_processing", BeforeProcessing => "before_processing", Periodic => "periodic" });

/// Options of the event-driven design.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventOptions {
    pub partitions: u32,
    pub partition_key: PartitionKey,
    pub commit: CommitPolicy,
    pub commit_interval_ms: f64,
    /// Most records one poll returns.
    pub batch_size: u32,
    /// Time from produce to the record being visible to consumers.
    pub broker_latency_ms: f64,
    /// How long a silent member keeps its partitions.
    pub session_timeout_ms: f64,
    /// Pause of the whole group while partitions are reassigned.
    pub rebalance_ms: f64,
    /// Consumers remember processed events and skip repeats.
    pub idempotent_consumers: bool,
    /// The broker drops duplicate appends from producer retries.
    pub idempotent_producer: bool,
    /// Consumers remember cancellations of orders they have not seen yet.
    pub version_checks: bool,
    /// Failures after which a record goes to the dead-letter topic; `null` blocks the partition.
    pub dead_letter_after: Option<u32>,
    /// Delay before a failed record is tried again.
    pub retry_backoff_ms: f64,
    /// How long a log keeps a record, whether or not anyone has read it (Kafka's
    /// `retention.ms`). A group further behind than this loses what expires before it reads it.
    pub retention_s: f64,
    /// Where a group that joins during the run starts (Kafka's `auto.offset.reset`).
    pub auto_offset_reset: OffsetReset,
    /// How long Order waits for the broker to acknowledge an order's record before it tells
    /// the customer the order failed (Kafka's `delivery.timeout.ms`).
    pub delivery_timeout_ms: f64,
    /// Transactional outbox: Order stores the order and its `OrderCreated` in one transaction
    /// and answers at once; a relay publishes what the outbox holds every `outbox_relay_ms`.
    pub outbox: bool,
    pub outbox_relay_ms: f64,
}

/// Where a consumer group without committed offsets starts reading.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetReset {
    /// At the end: only records produced from now on (Kafka's default).
    #[default]
    Latest,
    /// At the start of each log: every record still retained, so history can be replayed.
    Earliest,
}

crate::deserialize_by_name!(OffsetReset { Latest => "latest", Earliest => "earliest" });

impl Default for EventOptions {
    fn default() -> Self {
        EventOptions {
            partitions: 6,
            partition_key: PartitionKey::OrderId,
            commit: CommitPolicy::AfterProcessing,
            commit_interval_ms: 1_000.0,
            batch_size: 16,
            broker_latency_ms: 1.0,
            session_timeout_ms: 3_000.0,
            rebalance_ms: 300.0,
            idempotent_consumers: false,
            idempotent_producer: false,
            version_checks: false,
            dead_letter_after: Some(3),
            retry_backoff_ms: 50.0,
            retention_s: 600.0,
            auto_offset_reset: OffsetReset::Latest,
            delivery_timeout_ms: 120_000.0,
            outbox: false,
            outbox_relay_ms: 100.0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsOptions {
    pub bucket_ms: f64,
}

impl Default for MetricsOptions {
    fn default() -> Self {
        MetricsOptions { bucket_ms: 250.0 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TraceOptions {
    /// Trace every n-th order (0 = none besides pinned ones).
    pub sample_every: u64,
    /// Most sampled traces kept; the oldest are dropped first. Pinned ones are always kept.
    pub max_traces: u32,
    pub pinned: Vec<u64>,
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions {
            sample_every: 1_000,
            max_traces: 200,
            pinned: Vec::new(),
        }
    }
}

/// One problem found in a scenario, with the path of the offending field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl Problem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a scenario could not be loaded: every problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    pub fn service(&self, id: ServiceId) -> Option<&ServiceConfig> {
        self.services.get(&id)
    }
}
