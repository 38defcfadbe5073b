//! An alert on consumer lag, as an operator would set one: a threshold drawn across the lag
//! chart and, in words, whether the lag is above it now, since when, and how often it crossed.
//! It watches the run without changing it, so it is not a recorded action.

use engine::Bucket;
use leptos::prelude::*;

use super::Playground;

const MAX_RECORDS: f64 = 1_000_000_000.0;

#[component]
pub fn LagAlert() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let shown = move || {
        playground
            .lag_alert
            .get()
            .map(|records| records.to_string())
            .unwrap_or_default()
    };
    let apply = move |text: String| {
        let text = text.trim();
        if text.is_empty() {
            playground.lag_alert.set(None);
            return;
        }
        match crate::number::parse_number(text) {
            Some(records) if (1.0..=MAX_RECORDS).contains(&records) => {
                playground.lag_alert.set(Some(records.round()));
            }
            _ => {
                playground.refuse("The lag alert was not changed", vec![format!(
                        "“{}” must be a whole number of records from 1 to {MAX_RECORDS}, or empty for no alert",
                        text.chars().take(20).collect::<String>()
                    )]);
                // Show the threshold still in force, not the rejected text.
                playground.lag_alert.update(|_| {});
            }
        }
    };
    let status = Memo::new(move |_| {
        playground.data_version.track();
        let threshold = playground.lag_alert.get()?;
        Some(playground.with_run(|run| {
            alert_status(
                run.comparison().event().metrics().buckets().iter(),
                threshold,
            )
        }))
    });
    view! {
        <div class="lag-alert">
            <label>
                "Alert when lag exceeds "
                <input
                    type="text"
                    inputmode="numeric"
                    size="8"
                    placeholder="records"
                    data-testid="lag-alert"
                    prop:value=shown
                    on:change=move |event| apply(event_target_value(&event))
                />
                " records"
            </label>
            <p role="status" data-testid="lag-alert-status" class=move || {
                if status.with(|s| s.as_ref().is_some_and(|s| s.firing)) { "alert firing" } else { "alert" }
            }>
                {move || status.with(|s| s.as_ref().map_or_else(|| "No alert set.".to_string(), |s| s.text.clone()))}
            </p>
        </div>
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AlertStatus {
    pub firing: bool,
    pub text: String,
}

/// Reads the lag history bucket by bucket: each run of buckets above `threshold` is one time
/// the alert fired.
pub fn alert_status<'a>(
    buckets: impl IntoIterator<Item = &'a Bucket>,
    threshold: f64,
) -> AlertStatus {
    let mut fired = 0;
    let mut since = None;
    let mut peak = 0;
    let mut now = 0;
    for bucket in buckets {
        now = bucket.max_lag;
        let above = bucket.max_lag as f64 > threshold;
        if above && since.is_none() {
            fired += 1;
            since = Some(bucket.start.as_secs_f64());
        } else if !above {
            since = None;
        }
        peak = peak.max(bucket.max_lag);
    }
    let text = match since {
        Some(at) => format!(
            "Alert firing: lag is {now} records, above {threshold} since {at:.1} s (fired {fired} time{}).",
            if fired == 1 { "" } else { "s" }
        ),
        None if fired == 0 => {
            format!("Quiet: lag has stayed at or under {threshold} records (peak {peak}).")
        }
        None => format!(
            "Back under {threshold}: the alert fired {fired} time{}; peak {peak} records.",
            if fired == 1 { "" } else { "s" }
        ),
    };
    AlertStatus {
        firing: since.is_some(),
        text,
    }
}
