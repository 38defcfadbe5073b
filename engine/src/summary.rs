//! The headline numbers of one run, as printed by the `simulate` command.

use crate::metrics::LatencyMs;
use crate::metrics::Metrics;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub simulated_seconds: f64,
    pub orders_arrived: u64,
    pub orders_completed: u64,
    /// Failed and rejected orders.
    pub orders_failed: u64,
    pub orders_rejected: u64,
    pub orders_cancelled: u64,
    /// Turned down for a business reason: card declined or out of stock.
    #[serde(default)]
    pub orders_declined: u64,
    pub orders_in_flight: u64,
    /// Customer-facing: time until the customer got an answer, leaving out those turned away
    /// at the front door before Order did anything (they are in `orders_rejected`).
    pub latency_ms: LatencyMs,
    /// Time until the order was fully processed.
    pub completion_latency_ms: LatencyMs,
    pub double_charges: u64,
    pub double_shipments: u64,
    pub double_emails: u64,
    /// Every delivery beyond a piece of work's first; the three fields after it say why.
    pub duplicate_deliveries: u64,
    /// Repeated by the network (the duplicate-delivery fault).
    #[serde(default)]
    pub fault_duplicates: u64,
    /// Processed again after a crash, rebalance or scale-down, not having been committed.
    #[serde(default)]
    pub redeliveries: u64,
    /// Appended twice by a producer's retry.
    #[serde(default)]
    pub producer_duplicates: u64,
    pub ordering_anomalies: u64,
    pub inconsistent_orders: u64,
    /// How long services disagreed about an order before it completed.
    pub convergence_ms: LatencyMs,
    /// Orders that will be declined and still hold a charge or reservation, now (known to the
    /// shop or not yet).
    #[serde(default)]
    pub pending_compensations: u64,
    /// How long declined orders held a charge or reservation, from the first until the last
    /// was undone.
    #[serde(default)]
    pub compensation_ms: LatencyMs,
    /// How long after placing a declined order its customer heard that it was declined.
    #[serde(default)]
    pub decline_notice_ms: LatencyMs,
    pub max_consumer_lag: u64,
    pub max_consumer_lag_s: f64,
    pub lost_orders: u64,
    /// Orders stored but never announced: Order crashed between storing and publishing.
    #[serde(default)]
    pub stuck_orders: u64,
    /// Records a consumer group never read because retention removed them first.
    #[serde(default)]
    pub expired_records: u64,
    pub dead_lettered: u64,
    pub retries: u64,
    pub timeouts: u64,
    pub errors: u64,
    pub rebalances: u64,
    pub events_processed: u64,
    /// Filled in by callers that measure it; the engine never reads a clock.
    pub wall_seconds: f64,
    pub trace_hash: u64,
}

impl Summary {
    /// The headline numbers of a run's metrics at `now`, with its event count and trace hash.
    pub fn of(metrics: &Metrics, now: SimTime, events_processed: u64, trace_hash: u64) -> Summary {
        let t = &metrics.totals;
        Summary {
            simulated_seconds: now.as_secs_f64(),
            orders_arrived: t.requests,
            orders_completed: t.completed,
            orders_failed: t.failed + t.rejected,
            orders_rejected: t.rejected,
            orders_cancelled: t.cancelled,
            orders_declined: t.declined,
            orders_in_flight: metrics.in_flight,
            latency_ms: metrics.latency_ms(),
            completion_latency_ms: metrics.completion_latency_ms(),
            double_charges: t.double_charges,
            double_shipments: t.double_shipments,
            double_emails: t.double_emails,
            duplicate_deliveries: t.duplicate_deliveries,
            fault_duplicates: t.fault_duplicates,
            redeliveries: t.redeliveries,
            producer_duplicates: t.producer_duplicates,
            ordering_anomalies: t.ordering_anomalies,
            inconsistent_orders: t.inconsistent_orders,
            convergence_ms: metrics.convergence_ms(),
            pending_compensations: metrics.pending_compensations,
            compensation_ms: metrics.compensation_ms(),
            decline_notice_ms: metrics.notice_ms(),
            max_consumer_lag: metrics.max_lag,
            max_consumer_lag_s: metrics.max_lag_s,
            lost_orders: t.lost_orders,
            stuck_orders: t.stuck_orders,
            expired_records: t.expired_records,
            dead_lettered: t.dead_lettered,
            retries: t.retries,
            timeouts: t.timeouts,
            errors: t.errors,
            rebalances: t.rebalances,
            events_processed,
            wall_seconds: 0.0,
            trace_hash,
        }
    }
}
