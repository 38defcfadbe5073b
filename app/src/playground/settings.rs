//! The levers: every design option the engine offers. Each change is a control action taken at
//! the current simulated time, so it is recorded, replayed on rewind and shareable.

use engine::scenario::{
    CircuitBreaker, CommitPolicy, OffsetReset, PartitionKey, RetryPolicy, SyncStyle,
};
use engine::{ControlAction, Scenario, ServiceId};
use leptos::prelude::*;
use lessons::{EVENT_CONTROLS, SHOP_CONTROLS, SYNC_CONTROLS};

use super::state::Notice;
use super::topology::service_title;
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
        Err(message) => playground.notice.set(Some(Notice::Error {
            title: "Setting not changed".into(),
            details: vec![message],
        })),
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
                {move || if running(service) { format!("{} is running", service_title(service)) } else { format!("Add {}", service_title(service)) }}
            </button>
        }
    };

    view! {
        <section class="panel settings" data-testid="settings-panel">
            <h2>"Levers"</h2>
            <fieldset hidden=!any(SHOP_CONTROLS)>
                <legend>"Shop"</legend>
                {vis("arrival-rate").then(|| view! {
                    <label class="field">
                        <span>"Arrival rate (orders/s)"</span>
                        <input type="text" inputmode="decimal" data-testid="arrival-rate" prop:value=move || rate().to_string()
                            on:change=move |e| act(number_in(&event_target_value(&e), "arrival rate", 0.1, 20_000.0).map(|per_s| ControlAction::SetArrivalRate { per_s })) />
                    </label>
                })}
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
                {vis("idempotent-consumers").then(|| view! {
                    {checkbox(playground, "Idempotent consumers", "idempotent-consumers", idempotent_consumers, |enabled| ControlAction::SetConsumerIdempotency { enabled })}
                })}
                {vis("idempotent-producer").then(|| view! {
                    {checkbox(playground, "Idempotent producer", "idempotent-producer", idempotent_producer, |enabled| ControlAction::SetIdempotentProducer { enabled })}
                })}
                {vis("version-checks").then(|| view! {
                    {checkbox(playground, "Version checks (remember early cancellations)", "version-checks", version_checks, |enabled| ControlAction::SetVersionChecks { enabled })}
                })}
                {vis("outbox").then(|| view! {
                    {checkbox(playground, "Transactional outbox", "outbox", outbox, |enabled| ControlAction::SetOutbox { enabled })}
                })}
                {vis("offset-reset").then(|| view! {
                    <label class="field">
                        <span>"A new consumer group starts"</span>
                        <select data-testid="offset-reset" on:change=move |e| {
                            let reset = if event_target_value(&e) == "earliest" { OffsetReset::Earliest } else { OffsetReset::Latest };
                            act(Ok(ControlAction::SetOffsetReset { reset }));
                        }>
                            <option value="latest" selected=move || offset_reset() == OffsetReset::Latest>"at the end (latest)"</option>
                            <option value="earliest" selected=move || offset_reset() == OffsetReset::Earliest>"at the oldest record (earliest)"</option>
                        </select>
                    </label>
                })}
                {vis("partition-key").then(|| view! {
                    <label class="field">
                        <span>"Partition key"</span>
                        <select data-testid="partition-key" on:change=move |e| {
                            let key = match event_target_value(&e).as_str() { "customer" => PartitionKey::CustomerId, "none" => PartitionKey::None, _ => PartitionKey::OrderId };
                            act(Ok(ControlAction::SetPartitionKey { key }));
                        }>
                            <option value="order" selected=move || key() == PartitionKey::OrderId>"order id"</option>
                            <option value="customer" selected=move || key() == PartitionKey::CustomerId>"customer id"</option>
                            <option value="none" selected=move || key() == PartitionKey::None>"none (round-robin)"</option>
                        </select>
                    </label>
                })}
                {vis("partitions").then(|| view! {
                    <label class="field">
                        <span>"Partitions"</span>
                        <input type="text" inputmode="numeric" data-testid="partitions" prop:value=move || partitions().to_string()
                            on:change=move |e| act(number_in(&event_target_value(&e), "partitions", 1.0, 256.0).and_then(|p| {
                                let p = p as u32;
                                if p < partitions() { Err(format!("partitions: a topic can only grow, as in Kafka (it has {})", partitions())) } else { Ok(ControlAction::SetPartitionCount { partitions: p }) }
                            })) />
                    </label>
                })}
                {vis("consumers").then(|| view! {
                    <label class="field">
                        <span>{move || format!("Consumers of {}", service_title(playground.selected.get()))}</span>
                        <input type="text" inputmode="numeric" data-testid="consumers" prop:value=move || consumers().map(|c| c.to_string()).unwrap_or_default()
                            on:change=move |e| act(number_in(&event_target_value(&e), "consumers", 1.0, 256.0).map(|c| ControlAction::SetConsumerCount { service: playground.selected.get_untracked(), consumers: c as u32 })) />
                    </label>
                })}
                {vis("commit-policy").then(|| view! {
                    <label class="field">
                        <span>"Commit offsets"</span>
                        <select data-testid="commit-policy" on:change=move |e| {
                            let policy = match event_target_value(&e).as_str() { "before" => CommitPolicy::BeforeProcessing, "periodic" => CommitPolicy::Periodic, _ => CommitPolicy::AfterProcessing };
                            act(Ok(ControlAction::SetCommitPolicy { policy }));
                        }>
                            <option value="after" selected=move || commit() == CommitPolicy::AfterProcessing>"after processing (at least once)"</option>
                            <option value="before" selected=move || commit() == CommitPolicy::BeforeProcessing>"before processing (at most once)"</option>
                            <option value="periodic" selected=move || commit() == CommitPolicy::Periodic>"periodically"</option>
                        </select>
                    </label>
                })}
                {vis("dead-letter").then(|| view! {
                    <label class="field">
                        <span>"Poison records"</span>
                        <select data-testid="dead-letter" on:change=move |e| {
                            let after = event_target_value(&e).parse::<u32>().ok();
                            act(Ok(ControlAction::SetDeadLetter { after }));
                        }>
                            <option value="block" selected=move || dead_letter().is_none()>"block the partition"</option>
                            {[1u32, 3, 5].into_iter().map(|n| view! {
                                <option value=n.to_string() selected=move || dead_letter() == Some(n)>{format!("dead-letter after {n} failures")}</option>
                            }).collect_view()}
                        </select>
                    </label>
                })}
            </fieldset>
            <fieldset hidden=!any(SYNC_CONTROLS)>
                <legend>"Synchronous"</legend>
                {vis("sync-style").then(|| view! {
                    <label class="field">
                        <span>"Call style"</span>
                        <select data-testid="sync-style" on:change=move |e| {
                            let style = if event_target_value(&e) == "nested" { SyncStyle::Nested } else { SyncStyle::Orchestrated };
                            act(Ok(ControlAction::SetSyncStyle { style }));
                        }>
                            <option value="orchestrated" selected=move || style() == SyncStyle::Orchestrated>"orchestrated (Order calls each)"</option>
                            <option value="nested" selected=move || style() == SyncStyle::Nested>"nested (each calls the next)"</option>
                        </select>
                    </label>
                })}
                {vis("timeout").then(|| view! {
                    <label class="field">
                        <span>"Timeout (ms, empty: wait forever)"</span>
                        <input type="text" inputmode="decimal" data-testid="timeout" prop:value=move || timeout().map(|t| t.to_string()).unwrap_or_default()
                            on:change=move |e| {
                                let text = event_target_value(&e);
                                if text.trim().is_empty() { act(Ok(ControlAction::SetTimeout { timeout_ms: None })) }
                                else { act(number_in(&text, "timeout", 1.0, 600_000.0).map(|t| ControlAction::SetTimeout { timeout_ms: Some(t) })) }
                            } />
                    </label>
                })}
                {vis("retries").then(|| view! {
                    <RetryFields retries=Signal::derive(retries) act=act />
                })}
                {vis("idempotency-keys").then(|| view! {
                    {checkbox(playground, "Idempotency keys on payments", "idempotency-keys", idempotency_keys, |enabled| ControlAction::SetIdempotencyKeys { enabled })}
                })}
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
                {vis("bulkhead").then(|| view! {
                    <label class="field">
                        <span>"Bulkhead (calls per service, empty: none)"</span>
                        <input type="text" inputmode="numeric" data-testid="bulkhead" prop:value=move || bulkhead().map(|b| b.to_string()).unwrap_or_default()
                            on:change=move |e| {
                                let text = event_target_value(&e);
                                if text.trim().is_empty() { act(Ok(ControlAction::SetBulkhead { limit: None })) }
                                else { act(number_in(&text, "bulkhead", 1.0, 10_000.0).map(|l| ControlAction::SetBulkhead { limit: Some(l as u32) })) }
                            } />
                    </label>
                })}
            </fieldset>
        </section>
    }
}

fn checkbox(
    playground: Playground,
    label: &'static str,
    id: &'static str,
    checked: impl Fn() -> bool + Send + Sync + 'static,
    make: fn(bool) -> ControlAction,
) -> impl IntoView {
    view! {
        <label class="toggle">
            <input type="checkbox" data-testid=id prop:checked=checked on:change=move |e| { playground.apply(make(event_target_checked(&e))); } />
            <span>{label}</span>
        </label>
    }
}

#[component]
fn RetryFields(
    retries: Signal<RetryPolicy>,
    act: impl Fn(Result<ControlAction, String>) + Copy + 'static,
) -> impl IntoView {
    let change =
        move |text: String, label: &str, range: (f64, f64), set: fn(&mut RetryPolicy, f64)| {
            act(number_in(&text, label, range.0, range.1).map(|value| {
                let mut policy = retries.get_untracked();
                set(&mut policy, value);
                ControlAction::SetRetries { retries: policy }
            }))
        };
    view! {
        <div class="field-group">
            <label class="field">
                <span>"Retries"</span>
                <input type="text" inputmode="numeric" data-testid="retry-attempts" prop:value=move || retries.get().attempts.to_string()
                    on:change=move |e| change(event_target_value(&e), "retries", (0.0, 20.0), |p, n| p.attempts = n as u32) />
            </label>
            <label class="field">
                <span>"Backoff (ms)"</span>
                <input type="text" inputmode="decimal" data-testid="retry-backoff" prop:value=move || retries.get().backoff_ms.to_string()
                    on:change=move |e| change(event_target_value(&e), "backoff", (0.0, 60_000.0), |p, ms| p.backoff_ms = ms) />
            </label>
            <label class="field">
                <span>"Jitter (0–1)"</span>
                <input type="text" inputmode="decimal" data-testid="retry-jitter" prop:value=move || retries.get().jitter.to_string()
                    on:change=move |e| change(event_target_value(&e), "jitter", (0.0, 1.0), |p, j| p.jitter = j) />
            </label>
        </div>
    }
}
