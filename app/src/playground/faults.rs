//! Faults: pick a target (or click a service), a kind and its parameters, and apply it now;
//! heal one service or everything. Parameters are checked by the engine's own scenario
//! validation, so the page and scenario files accept exactly the same values.

use engine::{ControlAction, Fault, FaultKind, OutageMode, ServiceId};
use leptos::prelude::*;

use super::{Playground, Visible};

const KINDS: [(FaultKind, &str); 9] = [
    (FaultKind::Outage, "Outage"),
    (FaultKind::Slowdown, "Slowdown"),
    (FaultKind::ErrorRate, "Error rate"),
    (FaultKind::TrafficSpike, "Traffic spike"),
    (FaultKind::DuplicateDelivery, "Duplicate delivery"),
    (FaultKind::Reordering, "Reordering"),
    // A consumer between its work and its commit; an instance of the chain after its work; the
    // event-driven Order between storing an order and publishing it.
    (FaultKind::ConsumerCrash, "Crash"),
    (FaultKind::PartitionUnavailable, "Partition unavailable"),
    (FaultKind::PoisonEvent, "Poison events"),
];

pub fn kind_label(kind: FaultKind) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("Fault", |(_, label)| label)
}

fn kind_by_index(index: usize) -> FaultKind {
    KINDS
        .get(index)
        .map_or(FaultKind::Outage, |(kind, _)| *kind)
}

/// Kinds that hit the whole shop rather than one service.
fn is_global(kind: FaultKind) -> bool {
    matches!(
        kind,
        FaultKind::TrafficSpike | FaultKind::PartitionUnavailable
    )
}

#[component]
pub fn FaultPanel() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let visible = expect_context::<StoredValue<Visible>>();
    // Start on the first kind this view offers.
    let first = KINDS
        .iter()
        .map(|(k, _)| *k)
        .find(|k| visible.with_value(|v| v.allows_fault(*k)))
        .unwrap_or(FaultKind::Outage);
    let kind = RwSignal::new(first);
    let mode = RwSignal::new(OutageMode::Hang);
    let number = |value: f64| RwSignal::new(value.to_string());
    let (factor, extra_ms, probability, multiplier, jitter_ms, restart_ms, partition, duration_s) = (
        number(4.0),
        number(0.0),
        number(0.3),
        number(5.0),
        number(50.0),
        number(2000.0),
        number(0.0),
        RwSignal::new(String::new()),
    );

    let build = move || -> Result<Fault, Vec<String>> {
        let kind = kind.get_untracked();
        let mut problems = Vec::new();
        let mut read = |label: &str, text: RwSignal<String>| -> Option<f64> {
            let text = text.get_untracked();
            match crate::number::parse_number(&text) {
                Some(value) => Some(value),
                _ => {
                    problems.push(format!(
                        "{label}: “{}” is not a number",
                        text.chars().take(20).collect::<String>()
                    ));
                    None
                }
            }
        };
        let mut fault = Fault::new(kind);
        if !is_global(kind) {
            fault.target = Some(playground.selected.get_untracked());
        }
        match kind {
            FaultKind::Outage => fault.mode = Some(mode.get_untracked()),
            FaultKind::Slowdown => {
                fault.factor = read("factor", factor);
                fault.extra_latency_ms = read("extra latency", extra_ms);
            }
            FaultKind::ErrorRate | FaultKind::DuplicateDelivery | FaultKind::PoisonEvent => {
                fault.probability = read("probability", probability)
            }
            FaultKind::TrafficSpike => fault.multiplier = read("multiplier", multiplier),
            FaultKind::Reordering => fault.jitter_ms = read("jitter", jitter_ms),
            FaultKind::ConsumerCrash => fault.restart_after_ms = read("restart after", restart_ms),
            FaultKind::PartitionUnavailable => {
                fault.partition = read("partition", partition).map(|p| p as u32)
            }
        }
        let duration = duration_s.get_untracked();
        if !duration.trim().is_empty() {
            fault.end_s = read("duration", duration_s);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        // The engine's own check of one fault in this shop; the run then checks the work.
        let found = playground.with_run(|run| engine::fault_problems(&fault, run.scenario()));
        if found.is_empty() {
            Ok(fault)
        } else {
            Err(found.iter().map(ToString::to_string).collect())
        }
    };
    let apply = move |_| match build() {
        Ok(fault) => {
            let label = describe(&fault);
            if playground.apply(ControlAction::InjectFault { fault }) {
                playground.tell(format!("{label} started."));
            }
        }
        Err(problems) => playground.refuse("Fault not applied", problems),
    };
    // A heal ends what has started on its target and says what it ended; one with nothing
    // to end changes nothing and says when the next fault there starts.
    let heal = move |target: Option<ServiceId>| {
        let (healed, next) = playground.with_run(|run| {
            let now = run.now();
            let windows = run.faults();
            let healed: Vec<String> = windows
                .iter()
                .filter(|w| w.healed_by(target, now))
                .map(|w| describe(&w.fault))
                .collect();
            let next = windows
                .iter()
                .filter(|w| w.start > now && w.on(target))
                .min_by_key(|w| w.start)
                .map(|w| (describe(&w.fault), w.start));
            (healed, next)
        });
        let place = target.map_or_else(|| "anywhere".to_string(), |t| format!("on {}", t.title()));
        if healed.is_empty() {
            let later = next.map_or_else(String::new, |(fault, at)| {
                format!(
                    " The {fault} starts at {:.1} s; heal it once it has.",
                    at.as_secs_f64()
                )
            });
            playground.tell(format!(
                "Nothing to heal {place}: no fault is active there now.{later}"
            ));
        } else if playground.apply(ControlAction::Heal { target }) {
            playground.tell(format!("Healed: {}.", healed.join(", ")));
        }
    };
    let heal_target = move |_| heal(Some(playground.selected.get_untracked()));
    let heal_all = move |_| heal(None);

    let field = move |label: &'static str,
                      id: &'static str,
                      signal: RwSignal<String>,
                      hint: &'static str| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input type="text" inputmode="decimal" data-testid=id prop:value=move || signal.get() on:input=move |e| signal.set(event_target_value(&e)) />
                <small>{hint}</small>
            </label>
        }
    };
    let parameters = move || {
        match kind.get() {
        FaultKind::Outage => view! {
            <label class="field">
                <span>"Mode"</span>
                <select data-testid="fault-mode" on:change=move |e| mode.set(if event_target_value(&e) == "refuse" { OutageMode::Refuse } else { OutageMode::Hang })>
                    <option value="hang" selected=move || mode.get() == OutageMode::Hang>"hang (never answers)"</option>
                    <option value="refuse" selected=move || mode.get() == OutageMode::Refuse>"refuse (fails fast)"</option>
                </select>
            </label>
        }
        .into_any(),
        FaultKind::Slowdown => view! {
            {field("Factor", "fault-factor", factor, "× service time")}
            {field("Extra latency (ms)", "fault-extra", extra_ms, "added to each request")}
        }
        .into_any(),
        FaultKind::ErrorRate | FaultKind::DuplicateDelivery | FaultKind::PoisonEvent => field("Probability", "fault-probability", probability, "0 to 1").into_any(),
        FaultKind::TrafficSpike => field("Multiplier", "fault-multiplier", multiplier, "× arrival rate").into_any(),
        FaultKind::Reordering => field("Jitter (ms)", "fault-jitter", jitter_ms, "random delivery delay").into_any(),
        FaultKind::ConsumerCrash => field("Restart after (ms)", "fault-restart", restart_ms, "until it is back").into_any(),
        FaultKind::PartitionUnavailable => field("Partition", "fault-partition", partition, "index, from 0").into_any(),
    }
    };
    let services = move || {
        playground.with_run(|run| {
            run.scenario()
                .services
                .keys()
                .copied()
                .collect::<Vec<ServiceId>>()
        })
    };
    // The active faults and those still to come, as lines; the lists redraw only when a line
    // changes, not on every tick.
    let schedule = Memo::new(move |_| {
        playground.ticker.track();
        playground.with_run(|run| {
            let now = run.now();
            let (mut active, mut coming) = (Vec::new(), Vec::new());
            for w in run.faults() {
                if w.end.is_some_and(|end| end <= now) {
                    continue;
                }
                let (list, verb) = if w.start <= now {
                    (&mut active, "since")
                } else {
                    (&mut coming, "from")
                };
                let until = w.end.map_or_else(
                    || "until healed".to_string(),
                    |end| format!("until {:.1} s", end.as_secs_f64()),
                );
                list.push(format!(
                    "{} {verb} {:.1} s, {until}",
                    describe(&w.fault),
                    w.start.as_secs_f64()
                ));
            }
            [active, coming]
        })
    });
    let fault_list = move |which: usize, empty: &'static str| {
        move || {
            let lines = schedule.with(|lists| lists[which].clone());
            if lines.is_empty() {
                view! { <li class="muted">{empty}</li> }.into_any()
            } else {
                lines
                    .into_iter()
                    .map(|line| view! { <li>{line}</li> })
                    .collect_view()
                    .into_any()
            }
        }
    };

    view! {
        <section class="panel faults" data-testid="fault-panel">
            <h2>"Fault panel: break something"</h2>
            <div class="fields">
                <label class="field">
                    <span>"Fault"</span>
                    <select data-testid="fault-kind" on:change=move |e| kind.set(kind_by_index(event_target_value(&e).parse().unwrap_or(0)))>
                        {KINDS.iter().enumerate().filter(|(_, (k, _))| visible.with_value(|v| v.allows_fault(*k))).map(|(index, (k, label))| {
                            let k = *k;
                            view! { <option value=index.to_string() selected=move || kind.get() == k>{*label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {crate::hooks::shown_when(move || !is_global(kind.get()), move || view! {
                    <label class="field">
                        <span>"Target"</span>
                        <select
                            data-testid="fault-target"
                            on:change=move |e| {
                                if let Some(service) = event_target_value(&e).parse::<usize>().ok().and_then(ServiceId::from_index) {
                                    playground.selected.set(service);
                                }
                            }
                        >
                            {move || services().into_iter().map(|service| view! {
                                <option value=service.index().to_string() selected=move || playground.selected.get() == service>{service.title()}</option>
                            }).collect_view()}
                        </select>
                        <small>"or click a service"</small>
                    </label>
                })}
                {parameters}
                {field("Duration (s)", "fault-duration", duration_s, "empty: until healed")}
            </div>
            <div class="button-row">
                <button type="button" class="primary" data-testid="fault-apply" on:click=apply>"Apply now"</button>
                <button type="button" data-testid="heal-target" on:click=heal_target>
                    {move || format!("Heal {}", playground.selected.get().title())}
                </button>
                <button type="button" data-testid="heal-all" on:click=heal_all>"Heal all"</button>
            </div>
            <h3>"Active faults"</h3>
            <ul class="active-faults" data-testid="active-faults">
                {fault_list(0, "None: everything is healthy.")}
            </ul>
            <h3>"Coming"</h3>
            <ul class="coming-faults" data-testid="coming-faults">
                {fault_list(1, "Nothing else is scheduled.")}
            </ul>
        </section>
    }
}

/// "Payment outage (hang)", "Traffic spike ×5".
pub fn describe(fault: &Fault) -> String {
    let target = fault
        .target
        .map(|t| format!("{} ", t.title()))
        .unwrap_or_default();
    let detail = match fault.kind {
        FaultKind::Outage => format!(
            " ({})",
            if fault.mode == Some(OutageMode::Refuse) {
                "refuse"
            } else {
                "hang"
            }
        ),
        // "×4", "+50 ms", or both: whatever is in effect.
        FaultKind::Slowdown => {
            let factor = fault.factor.unwrap_or(1.0);
            let extra = fault.extra_latency_ms.unwrap_or(0.0);
            match (factor != 1.0 || extra == 0.0, extra != 0.0) {
                (true, true) => format!(" ×{factor} +{extra} ms"),
                (false, _) => format!(" +{extra} ms"),
                _ => format!(" ×{factor}"),
            }
        }
        FaultKind::TrafficSpike => format!(" ×{}", fault.multiplier.unwrap_or(1.0)),
        FaultKind::PartitionUnavailable => format!(" (partition {})", fault.partition.unwrap_or(0)),
        _ => fault
            .probability
            .map(|p| format!(" (p = {p})"))
            .unwrap_or_default(),
    };
    // "Traffic spike ×5", but "Payment outage (hang)".
    let mut kind = kind_label(fault.kind).to_string();
    if !target.is_empty() {
        kind.make_ascii_lowercase();
    }
    format!("{target}{kind}{detail}")
}
