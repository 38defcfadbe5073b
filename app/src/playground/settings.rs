//! The levers: every design option the engine offers. Each change is a control action taken at
//! the current simulated time, so it is recorded, replayed on rewind and shareable.

use engine::scenario::{
    CircuitBreaker, CommitPolicy, OffsetReset, PartitionKey, RetryPolicy, SyncStyle,
};
use engine::{ControlAction, Scenario, ServiceId};
use leptos::prelude::*;
use lessons::{EVENT_CONTROLS, SHOP_CONTROLS, SYNC_CONTROLS};

use super::{Playground, Visible};

/// Reads a setting from the effective scenario of a design, tracking the current frame so
/// controls follow rewinds and replays.
fn effective<T: 'static>(
    playground: Playground,
    event: bool,
    read: impl Fn(&Scenario) -> T + Copy + Send + Sync + 'static,
) -> impl Fn() -> T + Copy + Send + Sync + 'static {
    move || {
        playground.ticker.track();
        playground.with_run(|run| {
            let comparison = run.comparison();
            read(if event {
                comparison.event().scenario()
            } else {
                comparison.sync().scenario()
            })
        })
    }
}

fn number_in(text: &str, label: &str, min: f64, max: f64) -> Result<f64, String> {
    match crate::number::parse_number(text) {
        Some(value) if (min..=max).contains(&value) => Ok(value),
        _ => Err(format!(
            "{label}: “{}” must be a number from {min} to {max}",
            text.chars().take(20).collect::<String>()
        )),
    }
}

/// Whether `visible` shows any setting of this panel.
pub fn shows_any(visible: &Visible) -> bool {
    [SHOP_CONTROLS, EVENT_CONTROLS, SYNC_CONTROLS]
        .iter()
        .flat_map(|group| group.iter())
        .any(|id| visible.shows(id))
}

#[component]
pub fn SettingsPanel() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let visible = expect_context::<StoredValue<Visible>>();
    let vis = move |id: &'static str| visible.with_value(|v| v.shows(id));
    let any = move |ids: &[&str]| visible.with_value(|v| ids.iter().any(|id| v.shows(id)));
    let act = move |result: Result<ControlAction, String>| match result {
        Ok(action) => {
            playground.apply(action);
        }
        Err(message) => playground.refuse("Setting not changed", vec![message]),
    };

    let rate = effective(playground, false, |s| s.workload.arrival_rate_per_s);
    let idempotent_consumers = effective(playground, true, |s| s.event.idempotent_consumers);
    let idempotent_producer = effective(playground, true, |s| s.event.idempotent_producer);
    let version_checks = effective(playground, true, |s| s.event.version_checks);
    let outbox = effective(playground, true, |s| s.event.outbox);
    let offset_reset = effective(playground, true, |s| s.event.auto_offset_reset);
    let idempotency_keys = effective(playground, false, |s| s.sync.idempotency_keys);
    let key = effective(playground, true, |s| s.event.partition_key);
    let partitions = effective(playground, true, |s| s.event.partitions);
    let commit = effective(playground, true, |s| s.event.commit);
    let dead_letter = effective(playground, true, |s| s.event.dead_letter_after);
    let consumers = move || {
        let service = playground.selected.get();
        effective(playground, true, move |s| {
            s.services
                .get(&service)
                .map(|c| c.consumers.unwrap_or(c.workers))
        })()
    };
    let timeout = effective(playground, false, |s| s.sync.timeout_ms);
    let retries = effective(playground, false, |s| s.sync.retries);
    let breaker = effective(playground, false, |s| s.sync.circuit_breaker);
    let bulkhead = effective(playground, false, |s| s.sync.bulkhead);
    let style = effective(playground, false, |s| s.sync.style);
    let running = move |service: ServiceId| {
        effective(playground, true, move |s| s.services.contains_key(&service))()
    };
    let add_service = move |service: ServiceId| {
        view! {
            <button type="button" data-testid=format!("add-{}", service.name())
                disabled=move || running(service)
                on:click=move |_| act(Ok(ControlAction::AddService { service }))>
                {move || if running(service) { format!("{} is running", service.title()) } else { format!("Add {}", service.title()) }}
            </button>
        }
    };

    view! {
        <section class="panel settings" data-testid="settings-panel">
            <h2>"Levers"</h2>
            <fieldset hidden=!any(SHOP_CONTROLS)>
                <legend>"Shop"</legend>
                {vis("arrival-rate").then(|| field(playground, Box::new(|| "Arrival rate (orders/s)".into()), "arrival-rate",
                    Box::new(move || rate().to_string()),
                    Box::new(|text| number_in(&text, "arrival rate", 0.1, 20_000.0).map(|per_s| ControlAction::SetArrivalRate { per_s }))))}
                {vis("add-service").then(|| view! {
                    <div class="field">
                        <span>"New services"</span>
                        <div class="button-row">{add_service(ServiceId::Fraud)}{add_service(ServiceId::Analytics)}</div>
                        <small>"The chain must call them; the log just gains a reader."</small>
                    </div>
                })}
            </fieldset>
            <fieldset hidden=!any(EVENT_CONTROLS)>
                <legend>"Event-driven"</legend>
                {vis("idempotent-consumers").then(|| checkbox(playground, "Idempotent consumers", "idempotent-consumers", Box::new(idempotent_consumers), |enabled| ControlAction::SetConsumerIdempotency { enabled }))}
                {vis("idempotent-producer").then(|| checkbox(playground, "Idempotent producer", "idempotent-producer", Box::new(idempotent_producer), |enabled| ControlAction::SetIdempotentProducer { enabled }))}
                {vis("version-checks").then(|| checkbox(playground, "Version checks (remember early cancellations)", "version-checks", Box::new(version_checks), |enabled| ControlAction::SetVersionChecks { enabled }))}
                {vis("outbox").then(|| checkbox(playground, "Transactional outbox", "outbox", Box::new(outbox), |enabled| ControlAction::SetOutbox { enabled }))}
                {vis("offset-reset").then(|| select(playground, "A new consumer group starts", "offset-reset",
                    &[("latest", "at the end (latest)"), ("earliest", "at the oldest record (earliest)")],
                    Box::new(move || usize::from(offset_reset() == OffsetReset::Earliest)),
                    |i| ControlAction::SetOffsetReset { reset: if i == 1 { OffsetReset::Earliest } else { OffsetReset::Latest } }))}
                {vis("partition-key").then(|| select(playground, "Partition key", "partition-key",
                    &[("order", "order id"), ("customer", "customer id"), ("none", "none (round-robin)")],
                    Box::new(move || KEYS.iter().position(|k| *k == key()).unwrap_or(0)),
                    |i| ControlAction::SetPartitionKey { key: KEYS[i.min(2)] }))}
                {vis("partitions").then(|| field(playground, Box::new(|| "Partitions".into()), "partitions",
                    Box::new(move || partitions().to_string()),
                    Box::new(move |text| number_in(&text, "partitions", 1.0, 256.0).and_then(|p| {
                        let p = p as u32;
                        if p < partitions() { Err(format!("partitions: a topic can only grow, as in Kafka (it has {})", partitions())) } else { Ok(ControlAction::SetPartitionCount { partitions: p }) }
                    }))))}
                {vis("consumers").then(|| field(playground, Box::new(move || format!("Consumers of {}", playground.selected.get().title())), "consumers",
                    Box::new(move || consumers().map(|c| c.to_string()).unwrap_or_default()),
                    Box::new(move |text| number_in(&text, "consumers", 1.0, 256.0).map(|c| ControlAction::SetConsumerCount { service: playground.selected.get_untracked(), consumers: c as u32 }))))}
                {vis("commit-policy").then(|| select(playground, "Commit offsets", "commit-policy",
                    &[("after", "after processing (at least once)"), ("before", "before processing (at most once)"), ("periodic", "periodically")],
                    Box::new(move || POLICIES.iter().position(|p| *p == commit()).unwrap_or(0)),
                    |i| ControlAction::SetCommitPolicy { policy: POLICIES[i.min(2)] }))}
                {vis("dead-letter").then(|| select(playground, "Poison records", "dead-letter",
                    &[("block", "block the partition"), ("1", "dead-letter after 1 failure"), ("3", "dead-letter after 3 failures"), ("5", "dead-letter after 5 failures")],
                    Box::new(move || DEAD_LETTER.iter().position(|d| *d == dead_letter()).unwrap_or(0)),
                    |i| ControlAction::SetDeadLetter { after: DEAD_LETTER[i.min(3)] }))}
            </fieldset>
            <fieldset hidden=!any(SYNC_CONTROLS)>
                <legend>"Synchronous"</legend>
                {vis("sync-style").then(|| select(playground, "Call style", "sync-style",
                    &[("orchestrated", "orchestrated (Order calls each)"), ("nested", "nested (each calls the next)")],
                    Box::new(move || usize::from(style() == SyncStyle::Nested)),
                    |i| ControlAction::SetSyncStyle { style: if i == 1 { SyncStyle::Nested } else { SyncStyle::Orchestrated } }))}
                {vis("timeout").then(|| field(playground, Box::new(|| "Timeout (ms, empty: wait forever)".into()), "timeout",
                    Box::new(move || timeout().map(|t| t.to_string()).unwrap_or_default()),
                    Box::new(|text| if text.trim().is_empty() { Ok(ControlAction::SetTimeout { timeout_ms: None }) }
                        else { number_in(&text, "timeout", 1.0, 600_000.0).map(|t| ControlAction::SetTimeout { timeout_ms: Some(t) }) })))}
                {vis("retries").then(|| view! {
                    <RetryFields playground=playground retries=Signal::derive(retries) />
                })}
                {vis("idempotency-keys").then(|| checkbox(playground, "Idempotency keys on payments", "idempotency-keys", Box::new(idempotency_keys), |enabled| ControlAction::SetIdempotencyKeys { enabled }))}
                {vis("circuit-breaker").then(|| view! {
                    <label class="toggle">
                        <input type="checkbox" data-testid="circuit-breaker" prop:checked=move || breaker().is_some()
                            on:change=move |e| act(Ok(ControlAction::SetCircuitBreaker { breaker: event_target_checked(&e).then(CircuitBreaker::default) })) />
                        <span>{move || match breaker() {
                            Some(b) => format!("Circuit breaker (opens after {} failures for {} ms)", b.failure_threshold, b.open_ms),
                            None => "Circuit breaker".to_string(),
                        }}</span>
                    </label>
                })}
                {vis("bulkhead").then(|| field(playground, Box::new(|| "Bulkhead (calls per service, empty: none)".into()), "bulkhead",
                    Box::new(move || bulkhead().map(|b| b.to_string()).unwrap_or_default()),
                    Box::new(|text| if text.trim().is_empty() { Ok(ControlAction::SetBulkhead { limit: None }) }
                        else { number_in(&text, "bulkhead", 1.0, 10_000.0).map(|l| ControlAction::SetBulkhead { limit: Some(l as u32) }) })))}
            </fieldset>
        </section>
    }
}

/// A setting read from the run, boxed so that every lever of one shape shares one view.
type Read<T> = Box<dyn Fn() -> T + Send + Sync>;

const KEYS: [PartitionKey; 3] = [
    PartitionKey::OrderId,
    PartitionKey::CustomerId,
    PartitionKey::None,
];
const POLICIES: [CommitPolicy; 3] = [
    CommitPolicy::AfterProcessing,
    CommitPolicy::BeforeProcessing,
    CommitPolicy::Periodic,
];
const DEAD_LETTER: [Option<u32>; 4] = [None, Some(1), Some(3), Some(5)];

fn checkbox(
    playground: Playground,
    label: &'static str,
    id: &'static str,
    checked: Read<bool>,
    make: fn(bool) -> ControlAction,
) -> AnyView {
    view! {
        <label class="toggle">
            <input type="checkbox" data-testid=id prop:checked=move || checked() on:change=move |e| { playground.apply(make(event_target_checked(&e))); } />
            <span>{label}</span>
        </label>
    }
    .into_any()
}

/// A text field for a number: `value` shows the setting in force, `parse` turns what the
/// learner typed into the action (or the message that says what is wrong).
fn field(
    playground: Playground,
    label: Read<String>,
    id: &'static str,
    value: Read<String>,
    parse: Box<dyn Fn(String) -> Result<ControlAction, String> + Send + Sync>,
) -> AnyView {
    // Written to the box only when the setting in force changes, so that what a learner is
    // typing while the run plays is not overwritten by the same old value a moment later.
    let current = Memo::new(move |_| value());
    view! {
        <label class="field">
            <span>{move || label()}</span>
            <input type="text" inputmode="decimal" data-testid=id prop:value=current
                on:change=move |e| match parse(event_target_value(&e)) {
                    Ok(action) => {
                        playground.apply(action);
                    }
                    Err(message) => playground.refuse("Setting not changed", vec![message]),
                } />
        </label>
    }
    .into_any()
}

/// A choice among `options` (value, label): `current` is the index of the one in force, and
/// `make` the action that picks the option at an index.
fn select(
    playground: Playground,
    label: &'static str,
    id: &'static str,
    options: &'static [(&'static str, &'static str)],
    current: Read<usize>,
    make: fn(usize) -> ControlAction,
) -> AnyView {
    let current = std::sync::Arc::new(current);
    let items = options
        .iter()
        .enumerate()
        .map(|(index, &(value, text))| {
            let current = current.clone();
            view! { <option value=value selected=move || current() == index>{text}</option> }
        })
        .collect_view();
    view! {
        <label class="field">
            <span>{label}</span>
            <select data-testid=id on:change=move |e| {
                let value = event_target_value(&e);
                if let Some(index) = options.iter().position(|(v, _)| *v == value) {
                    playground.apply(make(index));
                }
            }>{items}</select>
        </label>
    }
    .into_any()
}

#[component]
fn RetryFields(playground: Playground, retries: Signal<RetryPolicy>) -> impl IntoView {
    let change =
        move |text: String, label: &str, range: (f64, f64), set: fn(&mut RetryPolicy, f64)| {
            number_in(&text, label, range.0, range.1).map(|value| {
                let mut policy = retries.get_untracked();
                set(&mut policy, value);
                ControlAction::SetRetries { retries: policy }
            })
        };
    view! {
        <div class="field-group">
            {field(playground, Box::new(|| "Retries".into()), "retry-attempts",
                Box::new(move || retries.get().attempts.to_string()),
                Box::new(move |text| change(text, "retries", (0.0, 20.0), |p, n| p.attempts = n as u32)))}
            {field(playground, Box::new(|| "Backoff (ms)".into()), "retry-backoff",
                Box::new(move || retries.get().backoff_ms.to_string()),
                Box::new(move |text| change(text, "backoff", (0.0, 60_000.0), |p, ms| p.backoff_ms = ms)))}
            {field(playground, Box::new(|| "Jitter (0–1)".into()), "retry-jitter",
                Box::new(move || retries.get().jitter.to_string()),
                Box::new(move |text| change(text, "jitter", (0.0, 1.0), |p, j| p.jitter = j)))}
        </div>
    }
}
