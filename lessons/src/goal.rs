//! Goals: predicates over a running comparison, evaluated live by the player and by the tests.

use engine::{Bucket, Comparison, Design, LatencyMs, SimTime, Summary};
use serde::{Deserialize, Serialize};

/// What the learner must achieve: all checks must hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub description: String,
    pub checks: Vec<Check>,
}

/// One comparison of a metric with a value, e.g. event `double_charges` `eq` 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Which design's numbers; `None` only for [`Metric::TimeS`].
    pub design: Option<Design>,
    pub metric: Metric,
    pub op: Op,
    pub value: f64,
    /// Only count metric buckets that end after this time (seconds).
    pub after_s: Option<f64>,
    /// Only count metric buckets that start before this time (seconds): with `after_s`, a
    /// window such as "while the crashes are on".
    pub until_s: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
}

engine::deserialize_by_name!(Op { Lt => "lt", Le => "le", Eq => "eq", Ge => "ge", Gt => "gt" });

impl Op {
    pub const NAMES: [&'static str; 5] = ["lt", "le", "eq", "ge", "gt"];

    pub fn from_name(name: &str) -> Option<Op> {
        Op::JSON_NAMES
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(op, _)| *op)
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "≤",
            Op::Eq => "=",
            Op::Ge => "≥",
            Op::Gt => ">",
        }
    }

    pub fn holds(self, actual: f64, value: f64) -> bool {
        match self {
            Op::Lt => actual < value,
            Op::Le => actual <= value,
            Op::Eq => actual == value,
            Op::Ge => actual >= value,
            Op::Gt => actual > value,
        }
    }
}

macro_rules! metrics {
    ($($variant:ident => $name:literal, $label:literal;)*) => {
        /// A number a goal can check; names as in lesson files.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
        pub enum Metric { $(#[serde(rename = $name)] $variant),* }

        engine::deserialize_by_name!(Metric { $($variant => $name),* });

        impl Metric {
            pub const ALL: &'static [Metric] = &[$(Metric::$variant),*];
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            pub fn name(self) -> &'static str {
                match self { $(Metric::$variant => $name),* }
            }

            /// Words for the goal status line.
            pub fn label(self) -> &'static str {
                match self { $(Metric::$variant => $label),* }
            }

            pub fn from_name(name: &str) -> Option<Metric> {
                match name { $($name => Some(Metric::$variant),)* _ => None }
            }
        }
    };
}

metrics! {
    TimeS => "time_s", "simulated time (s)";
    OrdersArrived => "orders_arrived", "orders arrived";
    OrdersCompleted => "orders_completed", "orders completed";
    OrdersFailed => "orders_failed", "orders failed";
    OrdersRejected => "orders_rejected", "orders rejected";
    OrdersCancelled => "orders_cancelled", "orders cancelled";
    OrdersInFlight => "orders_in_flight", "orders in flight";
    OrdersDeclined => "orders_declined", "orders declined";
    PendingCompensations => "pending_compensations", "orders to be declined still holding money or stock";
    CompensationMeanMs => "compensation_mean_ms", "mean time a declined order held money or stock (ms)";
    DeclineNoticeMeanMs => "decline_notice_mean_ms", "mean time until a customer hears of a decline (ms)";
    DoubleCharges => "double_charges", "double charges";
    DoubleShipments => "double_shipments", "double shipments";
    DoubleEmails => "double_emails", "double emails";
    DuplicateDeliveries => "duplicate_deliveries", "duplicate deliveries";
    OrderingAnomalies => "ordering_anomalies", "ordering anomalies";
    InconsistentOrders => "inconsistent_orders", "inconsistent orders";
    LostOrders => "lost_orders", "lost orders";
    StuckOrders => "stuck_orders", "orders stored but never announced";
    DeadLettered => "dead_lettered", "dead-lettered records";
    Retries => "retries", "retries";
    Timeouts => "timeouts", "timeouts";
    Errors => "errors", "errors";
    Rebalances => "rebalances", "rebalances";
    MaxConsumerLag => "max_consumer_lag", "max consumer lag (records)";
    MaxConsumerLagS => "max_consumer_lag_s", "max consumer lag (s)";
    LatencyMeanMs => "latency_mean_ms", "mean customer latency (ms)";
    LatencyP50Ms => "latency_p50_ms", "p50 customer latency (ms)";
    LatencyP95Ms => "latency_p95_ms", "p95 customer latency (ms)";
    LatencyP99Ms => "latency_p99_ms", "p99 customer latency (ms)";
    CompletionMeanMs => "completion_mean_ms", "mean completion time (ms)";
    CompletionP99Ms => "completion_p99_ms", "p99 completion time (ms)";
    FailedShare => "failed_share", "share of orders failed or rejected";
    CurrentLag => "current_lag", "current consumer lag (records)";
    CurrentLagS => "current_lag_s", "current consumer lag (s)";
}

/// The live state of a goal.
#[derive(Clone, Debug, PartialEq)]
pub struct GoalStatus {
    /// Every check holds and the run has reached the moment the goal is judged: the step is
    /// done. Never true before that moment, so a goal cannot pass by itself at the start.
    pub met: bool,
    /// Every check holds on what the run has shown so far (a check with no data yet does not).
    pub holding: bool,
    /// When the goal is judged: the step's `check_at_s`.
    pub judged_at: SimTime,
    /// The checks, then one line for the judging moment (met once the run has reached it).
    pub checks: Vec<CheckStatus>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckStatus {
    /// Reads like "event double charges = 0 (so far 3)", or "(no data yet)": the value judged,
    /// which for a check over a window is over the window so far, not the latest point on a
    /// chart.
    pub text: String,
    pub met: bool,
    /// `None` while the run has shown nothing the check can judge: its window has not begun,
    /// or no order has been answered in it yet for a latency.
    pub actual: Option<f64>,
}

impl Goal {
    /// The goal at the comparison's current time, for a step judged at `judged_at`.
    pub fn evaluate(&self, comparison: &Comparison, judged_at: SimTime) -> GoalStatus {
        let mut checks: Vec<CheckStatus> = self
            .checks
            .iter()
            .map(|check| check.evaluate(comparison))
            .collect();
        let holding = checks.iter().all(|check| check.met);
        let now = comparison.now();
        let reached = now >= judged_at;
        checks.push(CheckStatus {
            text: format!(
                "the run reaches {} s, when the goal is judged (now {} s)",
                number(judged_at.as_secs_f64()),
                number(now.as_secs_f64())
            ),
            met: reached,
            actual: Some(now.as_secs_f64()),
        });
        GoalStatus {
            met: holding && reached,
            holding,
            judged_at,
            checks,
        }
    }
}

impl Check {
    pub fn evaluate(&self, comparison: &Comparison) -> CheckStatus {
        let actual = self.actual(comparison);
        CheckStatus {
            text: self.describe(actual),
            met: actual.is_some_and(|actual| self.op.holds(actual, self.value)),
            actual,
        }
    }

    /// The metric's current value, or `None` if the run has shown nothing it could judge.
    pub fn actual(&self, comparison: &Comparison) -> Option<f64> {
        if self.metric == Metric::TimeS {
            return Some(comparison.now().as_secs_f64());
        }
        let simulation = comparison.design(self.design.unwrap_or(Design::Event));
        let buckets = simulation.metrics().buckets();
        if self.after_s.is_none() && self.until_s.is_none() {
            return from_summary(self.metric, &simulation.summary(), buckets.last());
        }
        let after = SimTime::from_secs_f64(self.after_s.unwrap_or(0.0));
        let until = self.until_s.map_or(SimTime::NEVER, SimTime::from_secs_f64);
        // The window begins once the run is past `after`: before that it holds no data, even
        // if the bucket the run is in reaches beyond `after`.
        if comparison.now() <= after {
            return None;
        }
        let window: Vec<&Bucket> = buckets
            .iter()
            .filter(|bucket| bucket.start + bucket.width > after && bucket.start < until)
            .collect();
        if window.is_empty() {
            return None;
        }
        from_buckets(self.metric, &window, &simulation.summary())
    }

    fn describe(&self, actual: Option<f64>) -> String {
        let design = match self.design {
            Some(_) if self.metric == Metric::TimeS => "",
            Some(Design::Sync) => "sync ",
            Some(Design::Event) => "event ",
            None => "",
        };
        let after = match (self.after_s, self.until_s) {
            _ if self.metric == Metric::TimeS => String::new(),
            (Some(after_s), Some(until_s)) => {
                format!(" from {} s to {} s", number(after_s), number(until_s))
            }
            (Some(after_s), None) => format!(" after {} s", number(after_s)),
            (None, Some(until_s)) => format!(" until {} s", number(until_s)),
            (None, None) => String::new(),
        };
        let now = actual.map_or_else(
            || "no data yet".to_string(),
            |a| format!("so far {}", number(a)),
        );
        format!(
            "{design}{}{after} {} {} ({now})",
            self.metric.label(),
            self.op.symbol(),
            number(self.value),
        )
    }
}

/// Whole numbers without decimals, others with at most two.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else if value.abs() < 0.01 {
        format!("{value:.4}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// No share before any order arrived.
fn share(failed: u64, arrived: u64) -> Option<f64> {
    (arrived > 0).then(|| failed as f64 / arrived as f64)
}

/// A latency means nothing before an order was answered.
fn answered(latency: &LatencyMs, pick: fn(&LatencyMs) -> f64) -> Option<f64> {
    (latency.count > 0).then(|| pick(latency))
}

fn from_summary(metric: Metric, summary: &Summary, last: Option<&Bucket>) -> Option<f64> {
    let s = summary;
    let value = match metric {
        Metric::TimeS => s.simulated_seconds,
        Metric::OrdersArrived => s.orders_arrived as f64,
        Metric::OrdersCompleted => s.orders_completed as f64,
        Metric::OrdersFailed => s.orders_failed as f64,
        Metric::OrdersRejected => s.orders_rejected as f64,
        Metric::OrdersCancelled => s.orders_cancelled as f64,
        Metric::OrdersInFlight => s.orders_in_flight as f64,
        Metric::OrdersDeclined => s.orders_declined as f64,
        Metric::PendingCompensations => s.pending_compensations as f64,
        Metric::CompensationMeanMs => return answered(&s.compensation_ms, |l| l.mean),
        Metric::DeclineNoticeMeanMs => return answered(&s.decline_notice_ms, |l| l.mean),
        Metric::DoubleCharges => s.double_charges as f64,
        Metric::DoubleShipments => s.double_shipments as f64,
        Metric::DoubleEmails => s.double_emails as f64,
        Metric::DuplicateDeliveries => s.duplicate_deliveries as f64,
        Metric::OrderingAnomalies => s.ordering_anomalies as f64,
        Metric::InconsistentOrders => s.inconsistent_orders as f64,
        Metric::LostOrders => s.lost_orders as f64,
        Metric::StuckOrders => s.stuck_orders as f64,
        Metric::DeadLettered => s.dead_lettered as f64,
        Metric::Retries => s.retries as f64,
        Metric::Timeouts => s.timeouts as f64,
        Metric::Errors => s.errors as f64,
        Metric::Rebalances => s.rebalances as f64,
        Metric::MaxConsumerLag => s.max_consumer_lag as f64,
        Metric::MaxConsumerLagS => s.max_consumer_lag_s,
        Metric::LatencyMeanMs => return answered(&s.latency_ms, |l| l.mean),
        Metric::LatencyP50Ms => return answered(&s.latency_ms, |l| l.p50),
        Metric::LatencyP95Ms => return answered(&s.latency_ms, |l| l.p95),
        Metric::LatencyP99Ms => return answered(&s.latency_ms, |l| l.p99),
        Metric::CompletionMeanMs => return answered(&s.completion_latency_ms, |l| l.mean),
        Metric::CompletionP99Ms => return answered(&s.completion_latency_ms, |l| l.p99),
        Metric::FailedShare => return share(s.orders_failed, s.orders_arrived),
        Metric::CurrentLag => last.map_or(0.0, |bucket| bucket.max_lag as f64),
        Metric::CurrentLagS => last.map_or(0.0, |bucket| bucket.max_lag_s),
    };
    Some(value)
}

/// The metric over the given buckets: counters summed, lag and latencies at their worst.
fn from_buckets(metric: Metric, buckets: &[&Bucket], summary: &Summary) -> Option<f64> {
    let sum = |count: fn(&Bucket) -> u64| buckets.iter().map(|b| count(b)).sum::<u64>();
    let worst = |value: fn(&Bucket) -> f64| buckets.iter().map(|b| value(b)).fold(0.0, f64::max);
    // The worst bucket that answered an order; none if no order was answered in the window.
    let latency = |pick: fn(&LatencyMs) -> f64| {
        buckets
            .iter()
            .filter_map(|b| answered(&b.latency_ms, pick))
            .reduce(f64::max)
    };
    let completion = |pick: fn(&LatencyMs) -> f64| {
        buckets
            .iter()
            .filter_map(|b| answered(&b.completion_latency_ms, pick))
            .reduce(f64::max)
    };
    let value = match metric {
        Metric::OrdersArrived => sum(|b| b.counts.requests) as f64,
        Metric::OrdersCompleted => sum(|b| b.counts.completed) as f64,
        Metric::OrdersFailed => sum(|b| b.counts.failed + b.counts.rejected) as f64,
        Metric::OrdersRejected => sum(|b| b.counts.rejected) as f64,
        Metric::OrdersCancelled => sum(|b| b.counts.cancelled) as f64,
        Metric::OrdersDeclined => sum(|b| b.counts.declined) as f64,
        Metric::DoubleCharges => sum(|b| b.counts.double_charges) as f64,
        Metric::DoubleShipments => sum(|b| b.counts.double_shipments) as f64,
        Metric::DoubleEmails => sum(|b| b.counts.double_emails) as f64,
        Metric::DuplicateDeliveries => sum(|b| b.counts.duplicate_deliveries) as f64,
        Metric::OrderingAnomalies => sum(|b| b.counts.ordering_anomalies) as f64,
        Metric::InconsistentOrders => sum(|b| b.counts.inconsistent_orders) as f64,
        Metric::LostOrders => sum(|b| b.counts.lost_orders) as f64,
        Metric::StuckOrders => sum(|b| b.counts.stuck_orders) as f64,
        Metric::DeadLettered => sum(|b| b.counts.dead_lettered) as f64,
        Metric::Retries => sum(|b| b.counts.retries) as f64,
        Metric::Timeouts => sum(|b| b.counts.timeouts) as f64,
        Metric::Errors => sum(|b| b.counts.errors) as f64,
        Metric::Rebalances => sum(|b| b.counts.rebalances) as f64,
        Metric::MaxConsumerLag => worst(|b| b.max_lag as f64),
        Metric::MaxConsumerLagS => worst(|b| b.max_lag_s),
        Metric::LatencyMeanMs => return latency(|l| l.mean),
        Metric::LatencyP50Ms => return latency(|l| l.p50),
        Metric::LatencyP95Ms => return latency(|l| l.p95),
        Metric::LatencyP99Ms => return latency(|l| l.p99),
        Metric::CompletionMeanMs => return completion(|l| l.mean),
        Metric::CompletionP99Ms => return completion(|l| l.p99),
        Metric::FailedShare => {
            return share(
                sum(|b| b.counts.failed + b.counts.rejected),
                sum(|b| b.counts.requests),
            );
        }
        // Gauges and time have no per-window form: they are what they are now.
        Metric::TimeS
        | Metric::OrdersInFlight
        | Metric::PendingCompensations
        | Metric::CompensationMeanMs
        | Metric::DeclineNoticeMeanMs
        | Metric::CurrentLag
        | Metric::CurrentLagS => {
            return from_summary(metric, summary, buckets.last().copied());
        }
    };
    Some(value)
}
