//! The order inspector: pin an order (type its id, or click one of the moving dots) and follow
//! it through both designs: every call, event, partition and offset, attempt and wait.

use engine::examples::Example;
use engine::trace::{RecordKind, Step, TraceEntry};
use engine::{Design, SimTime};
use leptos::prelude::*;
use std::fmt::Write;

use super::Playground;
use super::topology::topic_name;

#[component]
pub fn Inspector() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let typed = RwSignal::new(String::new());
    let pin = move || {
        let text = typed.get_untracked();
        let arrived = playground.with_run(|run| run.comparison().sync().summary().orders_arrived);
        match text.trim().parse::<u64>() {
            Ok(order) if order < arrived => playground.pin(order),
            Ok(order) => playground.refuse(
                "Nothing to inspect yet",
                vec![format!(
                    "order {order} has not been placed; orders 0 to {} exist so far",
                    arrived.saturating_sub(1)
                )],
            ),
            Err(_) => playground.refuse(
                "Not an order id",
                vec![format!(
                    "“{}”: type a whole number, such as 42",
                    text.chars().take(20).collect::<String>()
                )],
            ),
        }
    };
    view! {
        <section class="panel inspector" data-testid="inspector">
            <h2>"Order inspector: follow one order"</h2>
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
    // The orders to show, taken when the learner first asks and gone through one press at a
    // time; taken afresh once all were shown or when the kind changes.
    let queue = StoredValue::new(Vec::<(Design, u64)>::new());
    let shown = StoredValue::new(0usize);
    let result = RwSignal::new(String::new());
    let find = move |_| {
        if playground.busy() {
            result.set("The run is still on its way: try again once it is there.".into());
            return;
        }
        let example = Example::ALL[kind.get_untracked()];
        if shown.get_value() >= queue.with_value(Vec::len) {
            let mut found: Vec<(Design, u64)> = Vec::new();
            playground.with_run(|run| {
                for design in [Design::Sync, Design::Event] {
                    let examples = run.comparison().design(design).examples();
                    for order in examples.recent(example) {
                        // An order that went wrong in both shops is shown once.
                        if !found.iter().any(|&(_, seen)| seen == order) {
                            found.push((design, order));
                        }
                    }
                }
            });
            queue.set_value(found);
            shown.set_value(0);
        }
        let count = queue.with_value(Vec::len);
        let Some((design, order)) = queue.with_value(|q| q.get(shown.get_value()).copied()) else {
            result.set(format!(
                "So far no order {} in either shop.",
                example.label()
            ));
            return;
        };
        shown.update_value(|n| *n += 1);
        let shop = match design {
            Design::Sync => "synchronous",
            Design::Event => "event-driven",
        };
        result.set(format!(
            "Order {order} {} in the {shop} shop ({} of the last {count} found).",
            example.label(),
            shown.get_value(),
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
                    queue.set_value(Vec::new());
                    shown.set_value(0);
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
            let state = sim.order(order);
            let trace = sim.trace(order);
            let status = state.map_or("not placed yet", |o| o.status.label());
            let why = trace
                .filter(|_| state.is_some_and(|o| o.status == engine::Status::Failed))
                .and_then(|t| t.failure_cause());
            let entries = trace.map(|t| t.entries.clone()).unwrap_or_default();
            (status, state.map(|o| o.arrived), entries, why)
        })
    };
    // Written as markup (every word is the engine's or ours), and to the page only when it
    // changed.
    let markup = move || {
        let (status, placed, entries, why) = rows();
        let start = placed.unwrap_or(SimTime::ZERO);
        let mut m = format!("<h3>{title}: order {order}, {status}</h3>");
        if let Some(why) = why {
            let _ = write!(
                m,
                r#"<p class="why" data-testid="{id}-why">Why: {why}.</p>"#
            );
        }
        m.push_str(r#"<ol class="timeline">"#);
        for (index, entry) in entries.iter().enumerate() {
            let _ = write!(
                m,
                r#"<li><span class="at">+{:.1} ms</span> <span>{}</span>"#,
                entry.at.saturating_sub(start).as_millis_f64(),
                describe(entry)
            );
            if let Some(cause) = cause(&entries, index) {
                let _ = write!(m, r#"<span class="cause">{cause}</span>"#);
            }
            m.push_str("</li>");
        }
        m.push_str("</ol>");
        m
    };
    view! {
        <div class=format!("trace {}", if design == Design::Sync { "sync" } else { "event" }) data-testid=id inner_html=markup></div>
    }
}

fn describe(entry: &TraceEntry) -> String {
    let mut text = step_label(entry.step).to_string();
    if let Some(service) = entry.service {
        text += &format!(" · {}", service.title());
    }
    if let Some(record) = entry.record {
        text += &format!(" · {}", record.name());
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
                service.title(),
                consumed.record.map_or("a record", RecordKind::name)
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
            service.title()
        )),
        None => Some(format!(
            "← because the customer placed the order with {}",
            service.title()
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
        Step::Crashed => "crashed while holding it",
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
