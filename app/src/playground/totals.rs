//! Totals so far, both designs side by side: every correctness counter the engine keeps (the
//! chart shows the four that matter most), and the mechanics behind them — retries, timeouts,
//! errors, redeliveries, rebalances — refreshed a few times a second.

use engine::Summary;
use leptos::prelude::*;
use std::fmt::Write;

use super::Playground;
use crate::hooks::details_open;

/// (label, explanation, value) for every row.
type Row = (&'static str, &'static str, fn(&Summary) -> String);

const ROWS: [Row; 21] = [
    ("Orders placed", "", |s| s.orders_arrived.to_string()),
    ("Fully processed", "", |s| s.orders_completed.to_string()),
    // `orders_failed` already includes the rejected ones.
    ("Failed or rejected", "customers told no", |s| {
        s.orders_failed.to_string()
    }),
    (
        "… of them turned away at once",
        "rejected: no worker or queue place was free",
        |s| s.orders_rejected.to_string(),
    ),
    (
        "Declined",
        "card refused or out of stock: the shop undoes its work",
        |s| s.orders_declined.to_string(),
    ),
    (
        "… holding money or stock now",
        "will be declined, and still charged or reserved",
        |s| s.pending_compensations.to_string(),
    ),
    (
        "… undone after (mean) · customer told after (mean)",
        "from the first charge or reservation to the last refund or release; from placing the order",
        |s| {
            format!(
                "{} · {}",
                mean_ms(&s.compensation_ms),
                mean_ms(&s.decline_notice_ms)
            )
        },
    ),
    ("Double charges", "a customer paid twice", |s| {
        s.double_charges.to_string()
    }),
    ("Double shipments", "", |s| s.double_shipments.to_string()),
    ("Double emails", "", |s| s.double_emails.to_string()),
    (
        "Duplicate deliveries",
        "work delivered again, for any reason",
        |s| s.duplicate_deliveries.to_string(),
    ),
    (
        "… why: network, redelivered, producer",
        "a repeated delivery; processed again after a crash or rebalance; appended twice",
        |s| {
            format!(
                "{} · {} · {}",
                s.fault_duplicates, s.redeliveries, s.producer_duplicates
            )
        },
    ),
    ("Ordering anomalies", "acted on a cancelled order", |s| {
        s.ordering_anomalies.to_string()
    }),
    ("Inconsistent orders", "services disagree", |s| {
        s.inconsistent_orders.to_string()
    }),
    (
        "Time until all agree (mean)",
        "from the first service acting to the last",
        |s| mean_ms(&s.convergence_ms),
    ),
    ("Lost orders", "can never finish", |s| {
        s.lost_orders.to_string()
    }),
    ("Stuck orders", "stored, never announced", |s| {
        s.stuck_orders.to_string()
    }),
    ("Dead-lettered records", "", |s| s.dead_lettered.to_string()),
    ("Retries", "", |s| s.retries.to_string()),
    ("Timeouts", "", |s| s.timeouts.to_string()),
    ("Rebalances", "consumer groups reshuffled", |s| {
        s.rebalances.to_string()
    }),
];

/// A mean in whole milliseconds, or a dash before there is anything to average.
fn mean_ms(latency: &engine::LatencyMs) -> String {
    if latency.count == 0 {
        "—".into()
    } else {
        format!("{:.0} ms", latency.mean)
    }
}

#[component]
pub fn Totals() -> impl IntoView {
    let playground = expect_context::<Playground>();
    // Counted only while the panel is open: closed, it costs nothing.
    let open = RwSignal::new(false);
    let table = move || {
        open.get().then(|| {
            let summaries = Memo::new(move |_| {
                playground.ticker.track();
                playground.with_run(|run| {
                    let comparison = run.comparison();
                    (comparison.sync().summary(), comparison.event().summary())
                })
            });
            // Markup (every word is ours), written to the page only when it changed.
            let rows = move || {
                summaries.with(|(sync, event)| {
                    let mut m = String::new();
                    for &(label, note, value) in ROWS.iter() {
                        let note = if note.is_empty() {
                            String::new()
                        } else {
                            format!(r#"<span class="muted">{note}</span>"#)
                        };
                        let _ = write!(
                            m,
                            r#"<tr><th scope="row">{label}{note}</th><td>{}</td><td>{}</td></tr>"#,
                            value(sync),
                            value(event)
                        );
                    }
                    m
                })
            };
            view! {
                <table class="data-table" data-testid="totals">
                    <thead>
                        <tr><th scope="col">"Since the start"</th><th scope="col">"Synchronous"</th><th scope="col">"Event-driven"</th></tr>
                    </thead>
                    <tbody inner_html=rows></tbody>
                </table>
            }
        })
    };
    view! {
        <details
            class="panel totals"
            data-testid="totals-panel"
            on:toggle=move |event| open.set(details_open(&event))
        >
            <summary data-testid="totals-toggle">"Totals so far"</summary>
            {table}
        </details>
    }
}
