//! Metrics per design: counters and latency histograms per bucket of simulated time and
//! cumulative. Buckets are closed by a tick event; old buckets are merged pairwise once there
//! are too many, so a long run keeps a bounded, coarser history.

use crate::scenario::ServiceId;
use crate::time::SimTime;
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Most buckets kept before the older half is merged pairwise.
const MAX_BUCKETS: usize = 4_096;
/// Closed buckets are sealed in runs of this many, shared by every copy of the run.
const SEAL: usize = 128;
/// Histogram range in microseconds: one microsecond to one hour, two significant digits.
const HIST_MAX_MICROS: u64 = 3_600_000_000;

/// Counters of one design. In buckets they hold the change within the bucket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Orders placed by customers.
    pub requests: u64,
    /// Customers told "yes": the order went through (sync) or was accepted (event).
    pub accepted: u64,
    /// Orders fully processed.
    pub completed: u64,
    /// Customers told "no" after trying: errors, timeouts, dead-lettered orders.
    pub failed: u64,
    /// Customers turned away at once: full queue, open breaker, full bulkhead.
    pub rejected: u64,
    pub cancelled: u64,
    pub double_charges: u64,
    pub double_shipments: u64,
    pub double_emails: u64,
    /// Every delivery of a piece of work beyond its first, whatever the cause: the sum of
    /// `fault_duplicates`, `redeliveries` and `producer_duplicates`.
    pub duplicate_deliveries: u64,
    /// Requests or records the network delivered twice (the duplicate-delivery fault).
    #[serde(default)]
    pub fault_duplicates: u64,
    /// Records that the producer appended twice because it retried after a lost
    /// acknowledgement (event design, without the idempotent producer).
    #[serde(default)]
    pub producer_duplicates: u64,
    /// Orders turned down for a business reason: card declined or out of stock.
    #[serde(default)]
    pub declined: u64,
    /// A service acted on an order after it had been told the order was cancelled.
    pub ordering_anomalies: u64,
    /// Orders left with side effects that disagree (charged but failed, shipped but cancelled…).
    pub inconsistent_orders: u64,
    /// Orders that can never finish because a record was skipped.
    pub lost_orders: u64,
    /// Orders stored by Order whose `OrderCreated` was never published: Order crashed between
    /// its two writes (event design, without the outbox).
    #[serde(default)]
    pub stuck_orders: u64,
    pub dead_lettered: u64,
    pub retries: u64,
    pub timeouts: u64,
    pub errors: u64,
    /// Records processed again after a crash, a rebalance or a scale-down because their
    /// processing had not been committed (event design).
    pub redeliveries: u64,
    /// Records a group never read because they left the log first (retention).
    #[serde(default)]
    pub expired_records: u64,
    pub rebalances: u64,
}

impl Counters {
    fn add(&mut self, other: &Counters) {
        macro_rules! sum { ($($field:ident),*) => { $( self.$field += other.$field; )* } }
        sum!(
            requests,
            accepted,
            completed,
            failed,
            rejected,
            cancelled,
            declined,
            double_charges,
            double_shipments,
            double_emails,
            duplicate_deliveries,
            fault_duplicates,
            producer_duplicates,
            ordering_anomalies,
            inconsistent_orders,
            lost_orders,
            stuck_orders,
            dead_lettered,
            retries,
            timeouts,
            errors,
            redeliveries,
            expired_records,
            rebalances
        );
    }
}

/// Per-service counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCounters {
    pub arrivals: u64,
    pub completions: u64,
    pub errors: u64,
    pub retries: u64,
    pub timeouts: u64,
    /// Gauges sampled at the end of a bucket.
    pub busy: u64,
    pub queue: u64,
    /// Consumer lag of this service's group in records (event design).
    pub lag: u64,
}

/// Latency summary in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyMs {
    pub count: u64,
    pub mean: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl LatencyMs {
    /// Percentiles from the histogram; the mean from the exact sum of the samples.
    fn of(recorder: &Recorder) -> LatencyMs {
        let histogram = &recorder.histogram;
        if histogram.is_empty() {
            return LatencyMs::default();
        }
        let ms = |micros: u64| micros as f64 / 1_000.0;
        LatencyMs {
            count: histogram.len(),
            mean: recorder.sum_micros as f64 / histogram.len() as f64 / 1_000.0,
            p50: ms(histogram.value_at_quantile(0.50)),
            p95: ms(histogram.value_at_quantile(0.95)),
            p99: ms(histogram.value_at_quantile(0.99)),
            max: ms(histogram.max()),
        }
    }

    /// Merging percentiles exactly needs the samples; a weighted mean of the two is the
    /// usual approximation for downsampled history, and the max stays exact.
    fn merge(&mut self, other: &LatencyMs) {
        let total = self.count + other.count;
        if total == 0 {
            return;
        }
        let (a, b) = (
            self.count as f64 / total as f64,
            other.count as f64 / total as f64,
        );
        self.mean = self.mean * a + other.mean * b;
        self.p50 = self.p50 * a + other.p50 * b;
        self.p95 = self.p95 * a + other.p95 * b;
        self.p99 = self.p99.max(other.p99);
        self.max = self.max.max(other.max);
        self.count = total;
    }
}

/// One bucket of simulated time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub start: SimTime,
    pub width: SimTime,
    pub counts: Counters,
    /// Orders in each state at the end of the bucket.
    pub in_flight: u64,
    pub total_arrived: u64,
    pub total_completed: u64,
    pub total_failed: u64,
    pub total_cancelled: u64,
    #[serde(default)]
    pub total_declined: u64,
    pub latency_ms: LatencyMs,
    pub completion_latency_ms: LatencyMs,
    pub services: [ServiceCounters; ServiceId::COUNT],
    /// Largest lag of any group at the end of the bucket, in records and in seconds.
    pub max_lag: u64,
    pub max_lag_s: f64,
    /// An order that failed and one turned away in this bucket (the last of each), for a
    /// chart to show one: an exemplar, as metrics systems attach to their samples.
    #[serde(default)]
    pub examples: BucketExamples,
}

/// One order of each kind of "no" the customer got in a bucket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketExamples {
    pub failed: Option<u64>,
    pub rejected: Option<u64>,
}

impl Bucket {
    fn merge(&mut self, later: &Bucket) {
        self.width += later.width;
        self.counts.add(&later.counts);
        self.in_flight = later.in_flight;
        self.total_arrived = later.total_arrived;
        self.total_completed = later.total_completed;
        self.total_failed = later.total_failed;
        self.total_cancelled = later.total_cancelled;
        self.total_declined = later.total_declined;
        self.latency_ms.merge(&later.latency_ms);
        self.completion_latency_ms
            .merge(&later.completion_latency_ms);
        for (mine, theirs) in self.services.iter_mut().zip(&later.services) {
            mine.arrivals += theirs.arrivals;
            mine.completions += theirs.completions;
            mine.errors += theirs.errors;
            mine.retries += theirs.retries;
            mine.timeouts += theirs.timeouts;
            mine.busy = theirs.busy;
            mine.queue = theirs.queue;
            mine.lag = theirs.lag;
        }
        self.max_lag = self.max_lag.max(later.max_lag);
        self.max_lag_s = self.max_lag_s.max(later.max_lag_s);
        self.examples.failed = later.examples.failed.or(self.examples.failed);
        self.examples.rejected = later.examples.rejected.or(self.examples.rejected);
    }
}

/// Closed buckets, oldest first: sealed runs that copies of a run (rewind checkpoints) share
/// rather than copy, and the open run still being filled.
#[derive(Clone, Debug, Default)]
pub struct History {
    sealed: Vec<Arc<[Bucket]>>,
    open: Vec<Bucket>,
}

impl History {
    fn from_vec(buckets: Vec<Bucket>) -> History {
        let mut history = History::default();
        for bucket in buckets {
            history.push(bucket);
        }
        history
    }

    fn push(&mut self, bucket: Bucket) {
        self.open.push(bucket);
        if self.open.len() == SEAL {
            self.sealed.push(Arc::from(std::mem::take(&mut self.open)));
        }
    }

    fn take(&mut self) -> Vec<Bucket> {
        let mut all: Vec<Bucket> = self.iter().cloned().collect();
        *self = History::default();
        all.shrink_to_fit();
        all
    }

    pub fn len(&self) -> usize {
        self.sealed.len() * SEAL + self.open.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, index: usize) -> Option<&Bucket> {
        match self.sealed.get(index / SEAL) {
            Some(run) => run.get(index % SEAL),
            None => self.open.get(index - self.sealed.len() * SEAL),
        }
    }

    pub fn last(&self) -> Option<&Bucket> {
        self.len().checked_sub(1).and_then(|last| self.get(last))
    }

    /// Oldest first.
    pub fn iter(&self) -> Buckets<'_> {
        self.iter_from(0)
    }

    /// The buckets from `index` on.
    pub fn iter_from(&self, index: usize) -> Buckets<'_> {
        Buckets {
            history: self,
            next: index,
            end: self.len(),
        }
    }

    /// Bytes this copy holds on its own (the sealed runs are shared).
    pub fn unshared_bytes(&self) -> usize {
        std::mem::size_of_val(self.open.as_slice()) + self.sealed.len() * 16
    }

    /// Bytes of sealed runs this copy holds that `other` does not share (after `other`
    /// merged its old buckets, say).
    pub fn bytes_apart_from(&self, other: &History) -> usize {
        self.sealed
            .iter()
            .enumerate()
            .filter(|(i, run)| other.sealed.get(*i).is_none_or(|o| !Arc::ptr_eq(run, o)))
            .map(|(_, run)| std::mem::size_of_val(&run[..]))
            .sum()
    }
}

/// The buckets of a [`History`] in order.
#[derive(Clone)]
pub struct Buckets<'a> {
    history: &'a History,
    next: usize,
    end: usize,
}

impl<'a> Iterator for Buckets<'a> {
    type Item = &'a Bucket;

    fn next(&mut self) -> Option<&'a Bucket> {
        if self.next >= self.end {
            return None;
        }
        self.next += 1;
        self.history.get(self.next - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.end.saturating_sub(self.next);
        (left, Some(left))
    }
}

impl DoubleEndedIterator for Buckets<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        self.end -= 1;
        self.history.get(self.end)
    }
}

impl ExactSizeIterator for Buckets<'_> {}

impl PartialEq for History {
    fn eq(&self, other: &History) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// A latency histogram plus the exact sum of what it recorded.
#[derive(Clone)]
struct Recorder {
    histogram: Histogram<u64>,
    sum_micros: u128,
}

impl Recorder {
    fn new() -> Recorder {
        // The bounds are constants that hdrhistogram accepts; failure here is a programming error.
        let histogram =
            Histogram::new_with_bounds(1, HIST_MAX_MICROS, 2).expect("valid histogram bounds");
        Recorder {
            histogram,
            sum_micros: 0,
        }
    }

    #[inline]
    fn record(&mut self, latency: SimTime) {
        let micros = latency.as_micros().clamp(1, HIST_MAX_MICROS);
        self.histogram.saturating_record(micros);
        self.sum_micros += u128::from(micros);
    }

    fn reset(&mut self) {
        self.histogram.reset();
        self.sum_micros = 0;
    }
}

/// All metrics of one design.
#[derive(Clone)]
pub struct Metrics {
    pub bucket_width: SimTime,
    buckets: History,
    bucket_start: SimTime,
    /// Changes since the current bucket started.
    pub current: Counters,
    pub current_services: [ServiceCounters; ServiceId::COUNT],
    current_examples: BucketExamples,
    /// Cumulative totals.
    pub totals: Counters,
    pub service_totals: [ServiceCounters; ServiceId::COUNT],
    pub in_flight: u64,
    /// Orders that will be declined and still hold a charge or a reservation.
    pub pending_compensations: u64,
    pub max_lag: u64,
    pub max_lag_s: f64,
    latency: Recorder,
    completion: Recorder,
    bucket_latency: Recorder,
    bucket_completion: Recorder,
    convergence: Recorder,
    compensation: Recorder,
    notice: Recorder,
}

/// A counter name, so the model bumps bucket and total together with one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Requests,
    Accepted,
    Completed,
    Failed,
    Rejected,
    Cancelled,
    Declined,
    DoubleCharges,
    DoubleShipments,
    DoubleEmails,
    /// A delivery repeated by the duplicate-delivery fault.
    FaultDuplicates,
    /// A record appended twice by a producer's retry.
    ProducerDuplicates,
    OrderingAnomalies,
    InconsistentOrders,
    LostOrders,
    StuckOrders,
    DeadLettered,
    Retries,
    Timeouts,
    Errors,
    Redeliveries,
    ExpiredRecords,
    Rebalances,
}

fn field(counters: &mut Counters, count: Count) -> &mut u64 {
    match count {
        Count::Requests => &mut counters.requests,
        Count::Accepted => &mut counters.accepted,
        Count::Completed => &mut counters.completed,
        Count::Failed => &mut counters.failed,
        Count::Rejected => &mut counters.rejected,
        Count::Cancelled => &mut counters.cancelled,
        Count::Declined => &mut counters.declined,
        Count::DoubleCharges => &mut counters.double_charges,
        Count::DoubleShipments => &mut counters.double_shipments,
        Count::DoubleEmails => &mut counters.double_emails,
        Count::FaultDuplicates => &mut counters.fault_duplicates,
        Count::ProducerDuplicates => &mut counters.producer_duplicates,
        Count::OrderingAnomalies => &mut counters.ordering_anomalies,
        Count::InconsistentOrders => &mut counters.inconsistent_orders,
        Count::LostOrders => &mut counters.lost_orders,
        Count::StuckOrders => &mut counters.stuck_orders,
        Count::DeadLettered => &mut counters.dead_lettered,
        Count::Retries => &mut counters.retries,
        Count::Timeouts => &mut counters.timeouts,
        Count::Errors => &mut counters.errors,
        Count::Redeliveries => &mut counters.redeliveries,
        Count::ExpiredRecords => &mut counters.expired_records,
        Count::Rebalances => &mut counters.rebalances,
    }
}

/// A per-service counter name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceCount {
    Arrivals,
    Completions,
    Errors,
    Retries,
    Timeouts,
}

impl Metrics {
    pub fn new(bucket_width: SimTime) -> Metrics {
        Metrics {
            bucket_width: bucket_width.max(SimTime::from_millis(1)),
            buckets: History::default(),
            bucket_start: SimTime::ZERO,
            current: Counters::default(),
            current_services: Default::default(),
            current_examples: BucketExamples::default(),
            totals: Counters::default(),
            service_totals: Default::default(),
            in_flight: 0,
            pending_compensations: 0,
            max_lag: 0,
            max_lag_s: 0.0,
            latency: Recorder::new(),
            completion: Recorder::new(),
            bucket_latency: Recorder::new(),
            bucket_completion: Recorder::new(),
            convergence: Recorder::new(),
            compensation: Recorder::new(),
            notice: Recorder::new(),
        }
    }

    #[inline]
    pub fn count(&mut self, count: Count) {
        *field(&mut self.current, count) += 1;
        *field(&mut self.totals, count) += 1;
        if matches!(
            count,
            Count::FaultDuplicates | Count::ProducerDuplicates | Count::Redeliveries
        ) {
            self.current.duplicate_deliveries += 1;
            self.totals.duplicate_deliveries += 1;
        }
    }

    /// The order noted in the bucket nearest `at` (by its end) that has one, failed or turned
    /// away, within `within` of it: (when its bucket ended, the order, whether it was turned
    /// away). A failed order is preferred within a bucket.
    pub fn answer_example_near(
        &self,
        at: SimTime,
        within: SimTime,
    ) -> Option<(SimTime, u64, bool)> {
        let mut best: Option<(SimTime, SimTime, u64, bool)> = None;
        for bucket in self.buckets.iter() {
            let end = bucket.start + bucket.width;
            let distance = end.saturating_sub(at).max(at.saturating_sub(end));
            let example = match bucket.examples {
                BucketExamples {
                    failed: Some(order),
                    ..
                } => (order, false),
                BucketExamples {
                    rejected: Some(order),
                    ..
                } => (order, true),
                _ => continue,
            };
            if distance <= within && best.is_none_or(|b| distance < b.0) {
                best = Some((distance, end, example.0, example.1));
            }
        }
        best.map(|(_, end, order, rejected)| (end, order, rejected))
    }

    /// Notes that `order` failed (or, `rejected`, was turned away) in the current bucket.
    pub fn note_answer(&mut self, order: u64, rejected: bool) {
        if rejected {
            self.current_examples.rejected = Some(order);
        } else {
            self.current_examples.failed = Some(order);
        }
    }

    #[inline]
    pub fn service(&mut self, service: ServiceId, count: ServiceCount) {
        for counters in [
            &mut self.current_services[service.index()],
            &mut self.service_totals[service.index()],
        ] {
            match count {
                ServiceCount::Arrivals => counters.arrivals += 1,
                ServiceCount::Completions => counters.completions += 1,
                ServiceCount::Errors => counters.errors += 1,
                ServiceCount::Retries => counters.retries += 1,
                ServiceCount::Timeouts => counters.timeouts += 1,
            }
        }
    }

    /// Customer-facing latency of an answered request.
    #[inline]
    pub fn record_latency(&mut self, latency: SimTime) {
        self.latency.record(latency);
        self.bucket_latency.record(latency);
    }

    /// Time from placing an order to it being fully processed.
    #[inline]
    pub fn record_completion(&mut self, latency: SimTime) {
        self.completion.record(latency);
        self.bucket_completion.record(latency);
    }

    /// Time from the first downstream side effect to completion: how long the services
    /// disagreed about a successful order.
    #[inline]
    pub fn record_convergence(&mut self, window: SimTime) {
        self.convergence.record(window);
    }

    pub fn convergence_ms(&self) -> LatencyMs {
        LatencyMs::of(&self.convergence)
    }

    /// How long a declined order held a charge or reservation, from the first until the last
    /// was undone.
    pub fn record_compensation(&mut self, pending: SimTime) {
        self.compensation.record(pending);
    }

    pub fn compensation_ms(&self) -> LatencyMs {
        LatencyMs::of(&self.compensation)
    }

    /// How long after placing a declined order its customer heard that it was declined.
    pub fn record_notice(&mut self, since_placed: SimTime) {
        self.notice.record(since_placed);
    }

    pub fn notice_ms(&self) -> LatencyMs {
        LatencyMs::of(&self.notice)
    }

    /// Closes the current bucket at `now` with the given gauges.
    pub fn close_bucket(
        &mut self,
        now: SimTime,
        gauges: &[ServiceCounters; ServiceId::COUNT],
        lag: (u64, f64),
    ) {
        let mut services = self.current_services;
        for (service, gauge) in services.iter_mut().zip(gauges) {
            service.busy = gauge.busy;
            service.queue = gauge.queue;
            service.lag = gauge.lag;
        }
        self.max_lag = self.max_lag.max(lag.0);
        self.max_lag_s = self.max_lag_s.max(lag.1);
        self.buckets.push(Bucket {
            start: self.bucket_start,
            width: now - self.bucket_start,
            counts: self.current,
            in_flight: self.in_flight,
            total_arrived: self.totals.requests,
            total_completed: self.totals.completed,
            total_failed: self.totals.failed + self.totals.rejected,
            total_cancelled: self.totals.cancelled,
            total_declined: self.totals.declined,
            latency_ms: LatencyMs::of(&self.bucket_latency),
            completion_latency_ms: LatencyMs::of(&self.bucket_completion),
            services,
            max_lag: lag.0,
            max_lag_s: lag.1,
            examples: std::mem::take(&mut self.current_examples),
        });
        self.bucket_start = now;
        self.current = Counters::default();
        self.current_services = Default::default();
        self.bucket_latency.reset();
        self.bucket_completion.reset();
        if self.buckets.len() > MAX_BUCKETS {
            self.downsample();
        }
    }

    /// Merges the older half of the history pairwise: recent buckets keep full resolution.
    fn downsample(&mut self) {
        let mut all = self.buckets.take();
        let half = all.len() / 2;
        let mut merged: Vec<Bucket> = Vec::with_capacity(all.len());
        let mut older = all.drain(..half);
        while let Some(mut first) = older.next() {
            if let Some(second) = older.next() {
                first.merge(&second);
            }
            merged.push(first);
        }
        drop(older);
        merged.append(&mut all);
        self.buckets = History::from_vec(merged);
    }

    /// Closed buckets, oldest first.
    pub fn buckets(&self) -> &History {
        &self.buckets
    }

    pub fn latency_ms(&self) -> LatencyMs {
        LatencyMs::of(&self.latency)
    }

    pub fn completion_latency_ms(&self) -> LatencyMs {
        LatencyMs::of(&self.completion)
    }

    /// The conservation law: every order placed is in exactly one state.
    pub fn conserved(&self) -> bool {
        let t = &self.totals;
        t.requests
            == self.in_flight + t.completed + t.failed + t.rejected + t.cancelled + t.declined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_hdrhistogram_and_the_mean_is_exact() {
        let mut recorder = Recorder::new();
        let mut state = 7u64;
        let mut sum = 0u64;
        for _ in 0..10_000 {
            state = crate::rng::splitmix64(state);
            let micros = 1 + state % 5_000_000;
            sum += micros;
            recorder.record(SimTime(micros));
        }
        let summary = LatencyMs::of(&recorder);
        for (q, got) in [
            (0.50, summary.p50),
            (0.95, summary.p95),
            (0.99, summary.p99),
        ] {
            assert_eq!(
                got,
                recorder.histogram.value_at_quantile(q) as f64 / 1_000.0,
                "q={q}"
            );
        }
        assert!((summary.mean - sum as f64 / 10_000.0 / 1_000.0).abs() < 1e-9);
    }

    #[test]
    fn downsampling_keeps_totals_and_bounds_the_history() {
        let mut metrics = Metrics::new(SimTime::from_millis(1));
        for i in 1..=10_000u64 {
            metrics.count(Count::Requests);
            metrics.close_bucket(SimTime::from_millis(i), &Default::default(), (0, 0.0));
        }
        let buckets = metrics.buckets();
        assert!(buckets.len() <= MAX_BUCKETS);
        assert_eq!(
            buckets.iter().map(|b| b.counts.requests).sum::<u64>(),
            10_000
        );
        assert_eq!(
            buckets.iter().map(|b| b.width.as_micros()).sum::<u64>(),
            10_000 * 1_000
        );
    }
}
