use engine::{Bucket, Metrics, SimTime};

use super::palette::{EVENT, SYNC};
use super::{Chart, Dash, Series};

/// The charts of the playground, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChartKind {
    Latency,
    Outcomes,
    Throughput,
    Lag,
    Correctness,
}

impl ChartKind {
    pub const ALL: [ChartKind; 5] = [
        ChartKind::Latency,
        ChartKind::Outcomes,
        ChartKind::Throughput,
        ChartKind::Lag,
        ChartKind::Correctness,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ChartKind::Latency => "latency",
            ChartKind::Outcomes => "outcomes",
            ChartKind::Throughput => "throughput",
            ChartKind::Lag => "lag",
            ChartKind::Correctness => "correctness",
        }
    }
}

const GREY: (u8, u8, u8) = (128, 128, 128);

/// Builds `kind` from the two designs' metrics over the shared time axis `x_range` (seconds).
pub fn build_chart(
    kind: ChartKind,
    sync: &Metrics,
    event: &Metrics,
    x_range: (f64, f64),
    shaded: Vec<(f64, f64)>,
) -> Chart {
    let (title, y_label, y2_label, series) = match kind {
        ChartKind::Latency => (
            "Customer latency",
            "milliseconds",
            None,
            vec![
                line(
                    "Sync p50",
                    SYNC,
                    Dash::Solid,
                    sync,
                    |b| b.latency_ms.p50,
                    has_latency,
                ),
                line(
                    "Sync p99",
                    SYNC,
                    Dash::Dashed,
                    sync,
                    |b| b.latency_ms.p99,
                    has_latency,
                ),
                line(
                    "Event p50",
                    EVENT,
                    Dash::Solid,
                    event,
                    |b| b.latency_ms.p50,
                    has_latency,
                ),
                line(
                    "Event p99",
                    EVENT,
                    Dash::Dashed,
                    event,
                    |b| b.latency_ms.p99,
                    has_latency,
                ),
            ],
        ),
        ChartKind::Outcomes => (
            "Customer outcomes",
            "orders per second, last 1 s",
            None,
            vec![
                rate("Sync succeeded", SYNC, Dash::Solid, sync, |b| {
                    b.counts.accepted
                }),
                rate("Sync failed", SYNC, Dash::Dashed, sync, |b| b.counts.failed),
                rate("Sync rejected", SYNC, Dash::Dotted, sync, |b| {
                    b.counts.rejected
                }),
                rate("Event accepted", EVENT, Dash::Solid, event, |b| {
                    b.counts.accepted
                }),
                rate("Event failed", EVENT, Dash::Dashed, event, |b| {
                    b.counts.failed
                }),
                rate("Event rejected", EVENT, Dash::Dotted, event, |b| {
                    b.counts.rejected
                }),
            ],
        ),
        ChartKind::Throughput => (
            "Orders fully processed",
            "orders per second, last 1 s",
            None,
            vec![
                rate("Placed", GREY, Dash::Dotted, sync, |b| b.counts.requests),
                rate("Sync completed", SYNC, Dash::Solid, sync, |b| {
                    b.counts.completed
                }),
                rate("Event completed", EVENT, Dash::Solid, event, |b| {
                    b.counts.completed
                }),
            ],
        ),
        ChartKind::Lag => (
            "Consumer lag (event-driven)",
            "records behind",
            Some("seconds behind"),
            vec![
                line(
                    "Lag (records)",
                    EVENT,
                    Dash::Solid,
                    event,
                    |b| b.max_lag as f64,
                    always,
                ),
                Series {
                    secondary: true,
                    ..line(
                        "Lag (seconds)",
                        EVENT,
                        Dash::Dashed,
                        event,
                        |b| b.max_lag_s,
                        always,
                    )
                },
            ],
        ),
        ChartKind::Correctness => (
            "Correctness problems (cumulative)",
            "orders affected",
            None,
            [("Sync", SYNC, sync), ("Event", EVENT, event)]
                .into_iter()
                .flat_map(|(name, color, metrics)| {
                    [
                        cumulative(
                            format!("{name} double charges"),
                            color,
                            Dash::Solid,
                            metrics,
                            |b| b.counts.double_charges,
                        ),
                        cumulative(
                            format!("{name} ordering anomalies"),
                            color,
                            Dash::Dashed,
                            metrics,
                            |b| b.counts.ordering_anomalies,
                        ),
                        cumulative(
                            format!("{name} inconsistent"),
                            color,
                            Dash::Dotted,
                            metrics,
                            |b| b.counts.inconsistent_orders,
                        ),
                        // Both can never finish: a record skipped, or never written.
                        cumulative(
                            format!("{name} lost or stuck"),
                            color,
                            Dash::LongDash,
                            metrics,
                            |b| b.counts.lost_orders + b.counts.stuck_orders,
                        ),
                    ]
                })
                .collect(),
        ),
    };
    Chart {
        kind,
        title,
        y_label,
        y2_label,
        x_range,
        series,
        shaded,
        threshold: None,
    }
}

fn always(_: &Bucket) -> bool {
    true
}

/// A bucket without answered requests has no latency to show (rather than a false zero).
fn has_latency(bucket: &Bucket) -> bool {
    bucket.latency_ms.count > 0
}

/// Most points drawn per series: about one per two CSS pixels of a wide chart. Longer histories
/// are reduced to the largest value of each group, which keeps spikes visible.
const MAX_POINTS: usize = 400;

fn decimate(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    if points.len() <= MAX_POINTS {
        return points;
    }
    let group = points.len().div_ceil(MAX_POINTS);
    points
        .chunks(group)
        .map(|chunk| {
            let peak = chunk.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
            (chunk[chunk.len() - 1].0, peak)
        })
        .collect()
}

/// Points sit at the end of their bucket: the value is known once the bucket has closed.
fn line(
    label: &str,
    color: (u8, u8, u8),
    dash: Dash,
    metrics: &Metrics,
    value: impl Fn(&Bucket) -> f64,
    keep: impl Fn(&Bucket) -> bool,
) -> Series {
    let points = decimate(
        metrics
            .buckets()
            .iter()
            .filter(|b| keep(b))
            .map(|b| ((b.start + b.width).as_secs_f64(), value(b)))
            .collect(),
    );
    Series {
        label: label.to_string(),
        color,
        dash,
        secondary: false,
        points,
    }
}

/// Rates are read over the last second up to each bucket's end (four buckets at the
/// default width): a bucket alone is too short, and its line flickers faster than anyone can
/// read it. A bucket wider than the window is read on its own.
const RATE_WINDOW: SimTime = SimTime::from_secs(1);

/// Events per second over the trailing [`RATE_WINDOW`], at the end of each bucket.
fn rate(
    label: &str,
    color: (u8, u8, u8),
    dash: Dash,
    metrics: &Metrics,
    count: fn(&Bucket) -> u64,
) -> Series {
    let buckets = metrics.buckets();
    let mut points = Vec::with_capacity(buckets.len());
    let (mut first, mut total, mut width) = (0, 0, SimTime::ZERO);
    for (index, bucket) in buckets.iter().enumerate() {
        let end = bucket.start + bucket.width;
        total += count(bucket);
        width = width + bucket.width;
        while first < index {
            let Some(oldest) = buckets.get(first) else {
                break;
            };
            if end.saturating_sub(oldest.start) <= RATE_WINDOW {
                break;
            }
            total -= count(oldest);
            width = width.saturating_sub(oldest.width);
            first += 1;
        }
        let seconds = width.as_secs_f64();
        let value = if seconds > 0.0 {
            total as f64 / seconds
        } else {
            0.0
        };
        points.push((end.as_secs_f64(), value));
    }
    Series {
        label: label.to_string(),
        color,
        dash,
        secondary: false,
        points: decimate(points),
    }
}

fn cumulative(
    label: String,
    color: (u8, u8, u8),
    dash: Dash,
    metrics: &Metrics,
    value: impl Fn(&Bucket) -> u64,
) -> Series {
    let mut total = 0;
    let points = metrics
        .buckets()
        .iter()
        .map(|b| {
            total += value(b);
            ((b.start + b.width).as_secs_f64(), total as f64)
        })
        .collect();
    Series {
        label,
        color,
        dash,
        secondary: false,
        points: decimate(points),
    }
}
