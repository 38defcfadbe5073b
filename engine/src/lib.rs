//! Deterministic simulation of one online shop built two ways: a synchronous call chain and
//! services reacting to events on a partitioned, Kafka-like log.
//!
//! The engine is sans-IO and caller-paced: it never reads a clock, never sleeps and never
//! touches the outside world. A [`Simulation`] runs one design; a [`Comparison`] runs both on
//! the same seeded orders. Everything is reproducible from (scenario, seed, recorded actions).
//!
//! ```
//! use engine::{Comparison, Scenario, SimTime};
//! let scenario = Scenario::from_json(r#"{"duration_s": 2}"#).unwrap();
//! let mut comparison = Comparison::new(&scenario, 7);
//! comparison.run_until(SimTime::from_secs(1));
//! let (sync, event) = comparison.summaries();
//! assert_eq!(sync.orders_arrived, event.orders_arrived);
//! ```
//!
//! # Map
//!
//! The modules are layers: each uses only those listed before it (a test reads the sources
//! and holds them to it).
//!
//! - [`ids`]: the names of services, topics, record types and designs, and which topics each
//!   service reads. [`time`]: `SimTime`, integer microseconds. [`rng`]: one seeded stream per
//!   purpose; [`ziggurat`]: exponential and normal draws. [`sorted`]: the small ordered map
//!   and set the scenario and the app keep. [`limits`]: the largest values a scenario may
//!   ask for.
//! - [`fault`]: faults and what they do to a service's health. [`scenario`]: the serde form
//!   of a run. [`control`]: live control actions, recorded and replayed. `validate`: every
//!   problem of a scenario, with its path. [`work`]: what a run will cost before it runs, and
//!   the budget that refuses what a browser tab cannot do. [`windows`]: when each fault is
//!   active.
//! - [`workload`]: Poisson arrivals and order details, shared by both designs.
//!   [`orders`]: the window of live order states. [`station`]: worker pool + queue +
//!   service-time distribution. [`metrics`]: counters and hdrhistogram latencies per bucket
//!   and cumulative; [`summary`]: the headline numbers; [`trace`]: causal traces and the
//!   trace hash; [`examples`]: the last few orders each mishap happened to. [`broker`]:
//!   topics, partitions, consumer groups. [`queue`]: the `(time, seq)` event queue.
//!   [`snapshot`]: what to draw, as each design reports it.
//! - `events`: everything that can happen, as small `Copy` values. `core`: the world (clock,
//!   queue, orders, faults, metrics, traces) and the rules both designs share for an order.
//!   `model`: the hooks a design is called through. [`sync_design`] (blocking calls,
//!   timeouts, retries, breaker, bulkhead) and [`event_design`] (choreography over the
//!   broker) implement them.
//! - [`sim`]: `Simulation`, one design running, paced by the caller. [`comparison`]: both designs in step, actions recorded and replayed. [`run`]: a
//!   `Comparison` with its timeline of actions and rewind checkpoints, advanced in bounded
//!   slices.
//!
//! # Invariants (asserted in debug builds, checked by the tests from outside)
//!
//! - Time never goes back; equal times pop in scheduling order.
//! - Every order is in exactly one of in flight, completed, failed or cancelled.
//! - Busy workers never exceed the pool. A partition has at most one owner per group.
//! - Offsets only grow; a committed offset never passes its log's end and never goes back.
//! - No observable decision depends on a hash map's order, the platform's pointer width or a
//!   clock; the trace hash is the same natively and in wasm ([`selfcheck`]).

pub mod broker;
pub mod chunked;
pub mod comparison;
mod config;
pub mod control;
mod core;
pub mod event_design;
mod events;
pub mod examples;
pub mod fault;
pub mod ids;
pub mod json;
pub mod limits;
pub mod metrics;
mod model;
pub mod orders;
pub mod queue;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod selfcheck;
mod service;
pub mod sim;
pub mod snapshot;
pub mod sorted;
pub mod station;
pub mod summary;
pub mod sync_design;
pub mod tagged;
pub mod time;
pub mod trace;
mod validate;
pub mod windows;
pub mod work;
pub mod workload;
pub mod ziggurat;

pub use broker::{Broker, TopicId};
pub use comparison::Comparison;
pub use control::{ControlAction, RecordedAction};
pub use fault::{Fault, FaultKind, HealthState, OutageMode};
pub use metrics::{Bucket, Counters, LatencyMs, Metrics};
pub use orders::{OrderState, Status};
pub use run::Run;
pub use scenario::{Problem, Scenario, ScenarioError, ServiceId};
pub use sim::{Design, Simulation};
pub use snapshot::Snapshot;
pub use summary::Summary;
pub use time::SimTime;
pub use trace::{Trace, TraceEntry};
pub use validate::{check_run, fault_problems};
pub use windows::FaultWindow;
pub use work::{Budget, Work};
