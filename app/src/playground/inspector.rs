//! The order inspector: pin an order (type its id, or click one of the moving dots) and follow
//! it through both designs: every call, event, partition and offset, attempt and wait.

use engine::examples::Example;
use engine::trace::{RecordKind, Step, TraceEntry};
use engine::{Design, SimTime};
use leptos::prelude::*;

use super::Playground;
use super::state::Notice;
use super::topology::{service_title, topic_name};

#[component]
pub fn Inspector() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let typed = RwSignal::new(String::new());
    let pin = move || {
        let text = typed.get_untracked();
        let arrived = playground.with_run(|run| run.comparison().sync().summary().orders_arrived);
        match text.trim().parse::<u64>() {
            Ok(order) if order < arrived => playground.pin(order),
            Ok(order) => playground.notice.set(Some(Notice::Error {
                title: "Nothing to inspect yet".into(),
                details: vec![format!(
                    "order {order} has not been placed; orders 0 to {} exist so far",
                    arrived.saturating_sub(1)
                )],
            })),
            Err(_) => playground.notice.set(Some(Notice::Error {
                title: "Not an order id".into(),
                details: vec![format!(
                    "“{}”: type a whole number, such as 42",
                    text.chars().take(20).collect::<String>()
                )],
            })),
        }
    };
    view! {
        <section class="panel inspector" data-testid="inspector">
            <h2>"Follow one order"</h2>
            <form class="inline-form" on:submit=move |e| { e.prevent_default(); pin(); }>
                <label for="order-id">"Order id"</label>
                <input id="order-id" type="text" inputmode="numeric" size="8" data-testid="order-id"
                    prop:value=move || typed.get() on:input=move |e| typed.set(event_target_value(&e)) />
                <button type="submit" data-testid="pin-order">"Inspect"</button>
                <span class="muted">"Or click a moving dot in either shop."</span>
            </form>
            <ExampleFinder />
            {move || playground.pinned.get().map(|order| view! {
                <div class="traces">
                    <TraceView order=order design=Design::Sync />
                    <TraceView order=order design=Design::Event />
                </div>
            })}
        </section>
    }
}

/// "Show me an order that was charged twice": the engine remembers the last few orders each
/// mishap happened to, in each shop; each press pins the next of them.
#[component]
fn ExampleFinder() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let kind = RwSignal::new(0usize);
    // How many examples of this kind were shown, to go on to the next one.
    let shown = RwSignal::new(0usize);
    let result = RwSignal::new(String::new());
    let find = move |_| {
        let example = Example::ALL[kind.get_untracked()];
        let found: Vec<(Design, u64)> = playground.with_run(|run| {
            [Design::Sync, Design::Event]
                .into_iter()
                .flat_map(|design| {
                    let examples = run.comparison().design(design).examples();
                    examples
                        .recent(example)
                        .map(move |order| (design, order))
                        .collect::<Vec<_>>()
                })
                .collect()
        });
        if found.is_empty() {
            result.set(format!(
                "So far no order {} in either shop.",
                example.label()
            ));
            return;
        }
        let (design, order) = found[shown.get_untracked() % found.len()];
        shown.update(|n| *n += 1);
        let shop = match design {
            Design::Sync => "synchronous",
            Design::Event => "event-driven",
        };
        result.set(format!(
            "Order {order} {} in the {shop} shop ({} of {} found).",
            example.label(),
            (shown.get_untracked() - 1) % found.len() + 1,
            found.len()
        ));
        playground.pin(order);
    };
    let options = Example::ALL
        .iter()
        .enumerate()
        .map(
            |(index, example)| view! { <option value=index.to_string()>{example.label()}</option> },
        )
        .collect_view();
    view! {
        <div class="inline-form example-finder">
            <label for="example-kind">"Show me an order that"</label>
            <select id="example-kind" data-testid="example-kind"
                on:change=move |e| {
                    kind.set(event_target_value(&e).parse().unwrap_or(0));
                    shown.set(0);
                }>
                {options}
            </select>
            <button type="button" data-testid="find-example" on:click=find>"Find one"</button>
            <span class="muted" aria-live="polite" data-testid="example-result">{result}</span>
        </div>
    }
}

#[component]
fn TraceView(order: u64, design: Design) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let (title, id) = match design {
        Design::Sync => ("Synchronous", "trace-sync"),
        Design::Event => ("Event-driven", "trace-event"),
    };
    let rows = move || {
        playground.ticker.track();
        playground.with_run(|run| {
            let sim = run.comparison().design(design);
            let placed = sim.order(order).map(|o| o.arrived);
            let status = sim
                .order(order)
                .map(|o| o.status.label().to_string())
                .unwrap_or_else(|| "not placed yet".into());
            let failed = sim
                .order(order)
                .is_some_and(|o| o.status == engine::Status::Failed);
            let why = sim
                .trace(order)
                .filter(|_| failed)
                .and_then(|t| t.failure_cause());
            let entries = sim
                .trace(order)
                .map(|t| t.entries.clone())
                .unwrap_or_default();
            (status, placed, entries, why)
        })
    };
    view! {
        <div class=format!("trace {}", if design == Design::Sync { "sync" } else { "event" }) data-testid=id>
            {move || {
                let (status, placed, entries, why) = rows();
                let start = placed.unwrap_or(SimTime::ZERO);
                view! {
                    <h3>{format!("{title}: order {order}, {status}")}</h3>
                    {why.map(|why| view! { <p class="why" data-testid=format!("{id}-why")>"Why: "{why}"."</p> })}
                    <ol class="timeline">
                        {entries.iter().enumerate().map(|(index, entry)| view! {
                            <li>
                                <span class="at">{format!("+{:.1} ms", entry.at.saturating_sub(start).as_millis_f64())}</span>
                                " "
                                <span>{describe(entry)}</span>
                                {cause(&entries, index).map(|cause| view! { <span class="cause">{cause}</span> })}
                            </li>
                        }).collect_view()}
                    </ol>
                }
            }}
        </div>
    }
}

fn describe(entry: &TraceEntry) -> String {
    let mut text = step_label(entry.step).to_string();
    if let Some(service) = entry.service {
        text += &format!(" · {}", service_title(service));
    }
    if let Some(record) = entry.record {
        text += &format!(" · {}", record_label(record));
    }
    if let (Some(topic), Some(partition), Some(offset)) =
        (entry.topic, entry.partition, entry.offset)
    {
        text += &format!(
            " · {} partition {partition} offset {offset}",
            topic_name(topic)
        );
    }
    // Attempts count from 1; the first needs no mention.
    if entry.attempt > 1 {
        text += &format!(" · attempt {}", entry.attempt);
    }
    text
}

/// Why an event was produced: the record its service consumed last before producing it (or,
/// for Order, the customer's request). This is the chain nobody in a choreography holds: each
/// service only knows the record it reacted to.
fn cause(entries: &[TraceEntry], index: usize) -> Option<String> {
    let entry = entries.get(index)?;
    if entry.step != Step::Produced {
        return None;
    }
    let service = entry.service?;
    let consumed = entries[..index]
        .iter()
        .rev()
        .find(|e| e.step == Step::Consumed && e.service == Some(service));
    match consumed {
        Some(consumed) => {
            let mut text = format!(
                "← because {} consumed {}",
                service_title(service),
                consumed.record.map_or("a record", record_label)
            );
            if let (Some(topic), Some(partition), Some(offset)) =
                (consumed.topic, consumed.partition, consumed.offset)
            {
                text += &format!(
                    " ({} partition {partition} offset {offset})",
                    topic_name(topic)
                );
            }
            Some(text)
        }
        None if entry.record == Some(RecordKind::OrderCancelled) => Some(format!(
            "← because the customer asked {} to cancel",
            service_title(service)
        )),
        None => Some(format!(
            "← because the customer placed the order with {}",
            service_title(service)
        )),
    }
}

fn step_label(step: Step) -> &'static str {
    match step {
        Step::Placed => "placed by the customer",
        Step::CancelRequested => "customer asked to cancel",
        Step::CallSent => "call sent",
        Step::WorkStarted => "work started",
        Step::WorkDone => "work done",
        Step::WorkFailed => "work failed",
        Step::Answered => "customer answered",
        Step::TimedOut => "caller timed out",
        Step::RetryScheduled => "retry scheduled",
        Step::Rejected => "turned away: queue full",
        Step::CircuitOpen => "not called: circuit breaker open",
        Step::BulkheadFull => "not called: bulkhead full",
        Step::Refused => "refused: service down",
        Step::Produced => "event produced",
        Step::Consumed => "event consumed",
        Step::Skipped => "skipped (already seen or cancelled)",
        Step::DeadLettered => "sent to the dead-letter topic",
        Step::Redelivered => "delivered again",
        Step::Undone => "undone (refunded or released)",
        Step::Completed => "completed",
        Step::Failed => "failed",
        Step::Cancelled => "cancelled",
        Step::Declined => "declined (card refused or out of stock)",
        Step::Notified => "customer told it was declined",
    }
}

fn record_label(record: RecordKind) -> &'static str {
    match record {
        RecordKind::OrderCreated => "OrderCreated",
        RecordKind::OrderCancelled => "OrderCancelled",
        RecordKind::PaymentCompleted => "PaymentCompleted",
        RecordKind::PaymentFailed => "PaymentFailed",
        RecordKind::InventoryReserved => "InventoryReserved",
        RecordKind::OrderShipped => "OrderShipped",
        RecordKind::InventoryUnavailable => "InventoryUnavailable",
        RecordKind::PaymentRefunded => "PaymentRefunded",
        RecordKind::StockReleased => "StockReleased",
    }
}
