//! How much a run will cost before it runs: the orders placed and the events both designs will
//! handle up to a moment, from the scenario and the recorded actions alone. The estimate walks
//! the run's segments (between rate changes, fault windows and actions), counts the orders of
//! each from its arrival rate, and prices an order from the shop's shape in that segment: the
//! calls of the chain and their retries, the records each consumer group reads, duplicates and
//! failures. Periodic work (metrics ticks, periodic commits, a blocked partition retrying) is
//! counted apart. A budget refuses a run beyond what a browser tab can do and says what to
//! lower; `tests/it/work.rs` checks that real runs stay within twice the estimate.

use crate::fault::{ControlAction, FaultKind, OutageMode, RecordedAction};
use crate::scenario::{CommitPolicy, Problem, Scenario, ServiceId};
use crate::time::SimTime;
use crate::windows::{FaultWindow, fault_windows};

/// What a run asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Work {
    /// Orders placed by customers (the same orders reach both designs).
    pub orders: f64,
    /// Events handled by both designs together.
    pub events: f64,
}

/// The most work a run may ask for, and the most memory it may hold while it runs (what a
/// run holds depends on how it goes, so that one is checked as it runs: see `Run::stopped`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Budget {
    pub orders: f64,
    pub events: f64,
    pub memory_bytes: f64,
}

impl Budget {
    /// About a minute of a browser tab's time on a mid-range laptop or phone. The engine in
    /// the browser handles about 10 M events a second here (both designs, the default shop);
    /// a phone does a third of that. 600 M events is one to three minutes, and at the default
    /// shop's 20–25 events per order for each design, 20 M orders fit within it.
    ///
    /// Memory: a tab's wasm memory can reach 4 GB at most, and both designs are in it with the
    /// page; a run that holds 1 GB of orders and records still in flight stops there.
    pub const BROWSER: Budget = Budget {
        orders: 20e6,
        events: 600e6,
        memory_bytes: 1e9,
    };

    /// A budget of `orders`, with events and memory in the same proportion as the browser's.
    pub fn with_max_orders(orders: f64) -> Budget {
        let scale = orders.max(0.0) / Budget::BROWSER.orders;
        Budget {
            orders: orders.max(0.0),
            events: Budget::BROWSER.events * scale,
            memory_bytes: Budget::BROWSER.memory_bytes * scale,
        }
    }
}

/// Where the work of a run comes from, for saying what to lower.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Sources {
    /// Orders at the scenario's own arrival rate, and the extra from spikes and rate changes.
    base_orders: f64,
    spike_orders: f64,
    action_orders: f64,
    order_events: f64,
    ticks: f64,
    commit_ticks: f64,
    blocked_retries: f64,
}

impl Sources {
    fn work(&self) -> Work {
        Work {
            orders: self.base_orders + self.spike_orders + self.action_orders,
            events: self.order_events + self.ticks + self.commit_ticks + self.blocked_retries,
        }
    }
}

/// The work of the run from its start to `until`.
pub fn estimate(scenario: &Scenario, actions: &[RecordedAction], until: SimTime) -> Work {
    sources(scenario, actions, until).work()
}

/// Refuses a run (to the end of its duration) that asks for more than `budget`, with a
/// message that says how much, what the limit is and what to lower.
pub fn check(
    scenario: &Scenario,
    actions: &[RecordedAction],
    budget: &Budget,
) -> Result<Work, Problem> {
    check_until(
        scenario,
        actions,
        SimTime::from_secs_f64(scenario.duration_s),
        budget,
    )
}

/// Like [`check`], for the run up to `until` only.
pub fn check_until(
    scenario: &Scenario,
    actions: &[RecordedAction],
    until: SimTime,
    budget: &Budget,
) -> Result<Work, Problem> {
    let sources = sources(scenario, actions, until);
    let work = sources.work();
    if work.orders > budget.orders {
        return Err(too_many_orders(scenario, &sources, budget));
    }
    if work.events > budget.events {
        return Err(too_many_events(scenario, &sources, budget));
    }
    Ok(work)
}

fn sources(scenario: &Scenario, actions: &[RecordedAction], until: SimTime) -> Sources {
    let mut actions: Vec<&RecordedAction> = actions.iter().collect();
    actions.sort_by_key(|a| a.at);
    let owned: Vec<RecordedAction> = actions.iter().map(|a| (*a).clone()).collect();
    let windows = fault_windows(scenario, &owned);
    let bounds = boundaries(&windows, &actions, until);
    let mut state = scenario.clone();
    let mut next_action = 0;
    let mut sources = Sources::default();
    let own_rate = sane_rate(scenario.workload.arrival_rate_per_s);
    for pair in bounds.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        while let Some(action) = actions.get(next_action).filter(|a| a.at <= from) {
            action.action.apply_to(&mut state);
            next_action += 1;
        }
        let active: Vec<&FaultWindow> = windows.iter().filter(|w| w.active_at(from)).collect();
        let seconds = (to - from).as_secs_f64();
        let base = sane_rate(state.workload.arrival_rate_per_s);
        let multiplier: f64 = active
            .iter()
            .filter(|w| w.fault.kind == FaultKind::TrafficSpike)
            .map(|w| sane_multiplier(w.fault.multiplier.unwrap_or(1.0)))
            .product::<f64>()
            .clamp(0.0, 1e4);
        let orders = base * multiplier * seconds;
        let at_own_rate = own_rate * seconds;
        let at_set_rate = base * seconds;
        sources.base_orders += at_own_rate.min(orders);
        sources.action_orders += (at_set_rate.min(orders) - at_own_rate).max(0.0);
        sources.spike_orders += (orders - at_set_rate.max(at_own_rate)).max(0.0);
        let per_order =
            sync_events_per_order(&state, &active) + event_events_per_order(&state, &active);
        sources.order_events += orders * per_order;
        if state.event.commit == CommitPolicy::Periodic {
            sources.commit_ticks += seconds * 1_000.0 / state.event.commit_interval_ms.max(0.001);
        }
    }
    sources.blocked_retries = blocked_retries(scenario, &actions, &windows, until);
    let seconds = until.as_secs_f64();
    // One tick per bucket in each design.
    sources.ticks = 2.0 * seconds * 1_000.0 / scenario.metrics.bucket_ms.max(1.0);
    // Crashes and rebalances: a few thousand events each, whatever the load.
    let crashes = windows
        .iter()
        .filter(|w| w.fault.kind == FaultKind::ConsumerCrash && w.start <= until)
        .count();
    sources.order_events += crashes as f64 * 10_000.0;
    sources
}

/// Every moment the rate, the faults or the settings may change, from 0 to `until`.
fn boundaries(
    windows: &[FaultWindow],
    actions: &[&RecordedAction],
    until: SimTime,
) -> Vec<SimTime> {
    let mut bounds = vec![SimTime::ZERO, until];
    bounds.extend(actions.iter().map(|a| a.at));
    for window in windows {
        bounds.push(window.start);
        bounds.extend(window.end);
    }
    bounds.retain(|&t| t <= until);
    bounds.sort_unstable();
    bounds.dedup();
    bounds
}

/// How the active faults treat one service.
#[derive(Clone, Copy, Debug, Default)]
struct Trouble {
    /// Share of attempts that fail outright (errors, poison, an outage).
    failing: f64,
    /// Slowed down: calls may run into their timeout.
    slow: bool,
    /// Share of deliveries that come twice.
    duplicate: f64,
    /// Down: nothing it consumes is processed, and in a hang no call to it is answered.
    outage: Option<OutageMode>,
}

fn trouble(active: &[&FaultWindow], service: ServiceId) -> Trouble {
    let mut trouble = Trouble::default();
    for fault in active
        .iter()
        .map(|w| &w.fault)
        .filter(|f| f.target == Some(service))
    {
        let p = fault.probability.unwrap_or(0.0).clamp(0.0, 1.0);
        match fault.kind {
            FaultKind::Outage => {
                let mode = fault.mode.unwrap_or_default();
                trouble.outage = Some(match trouble.outage {
                    Some(OutageMode::Hang) => OutageMode::Hang,
                    _ => mode,
                });
                trouble.failing = 1.0;
            }
            FaultKind::ErrorRate | FaultKind::PoisonEvent => {
                trouble.failing = 1.0 - (1.0 - trouble.failing) * (1.0 - p)
            }
            FaultKind::Slowdown => trouble.slow = true,
            FaultKind::DuplicateDelivery => trouble.duplicate = trouble.duplicate.max(p),
            _ => {}
        }
    }
    trouble
}

/// Expected tries of one call with `retries` extra attempts when a share `failing` fails.
fn expected_tries(failing: f64, retries: u32) -> f64 {
    (0..=retries.min(20)).map(|k| failing.powi(k as i32)).sum()
}

/// The chain's calls, in order: each try costs its work (one event), the request and the
/// answer on the wire when there is latency, and a timeout when one is set; a retry is an
/// event of its own. A call that finally fails ends the chain; one to a hanging service with
/// no timeout is never answered, so it ends the chain too.
fn sync_events_per_order(state: &Scenario, active: &[&FaultWindow]) -> f64 {
    let sync = &state.sync;
    let jitter = active.iter().any(|w| w.fault.kind == FaultKind::Reordering);
    let wire = if sync.hop_latency_ms > 0.0 || jitter {
        2.0
    } else {
        0.0
    };
    let timeout = sync.timeout_ms.is_some();
    let per_try = 1.0 + wire + f64::from(u8::from(timeout));
    let mut reached = 1.0;
    let mut events = 1.0 + state.workload.cancel_share.clamp(0.0, 1.0);
    for &id in state.services.keys() {
        let trouble = trouble(active, id);
        if trouble.outage == Some(OutageMode::Hang) && !timeout {
            events += reached * (1.0 + wire / 2.0);
            break;
        }
        let slow = if trouble.slow && timeout { 0.5 } else { 0.0 };
        let failing = 1.0 - (1.0 - trouble.failing) * (1.0 - slow);
        let tries = expected_tries(failing, sync.retries.attempts);
        events += reached * (tries * per_try * (1.0 + trouble.duplicate) + (tries - 1.0));
        reached *= 1.0 - failing.powi(sync.retries.attempts.min(20) as i32 + 1);
    }
    events
}

/// Records each order puts on each topic: `OrderCreated` (and the share cancelled) on orders,
/// then one record from each of Payment, Inventory and Shipping.
fn records_per_order(state: &Scenario, topic: usize) -> f64 {
    let has = |id| state.services.contains_key(&id);
    match topic {
        0 => 1.0 + state.workload.cancel_share.clamp(0.0, 1.0),
        1 => f64::from(u8::from(has(ServiceId::Payment))),
        2 => f64::from(u8::from(has(ServiceId::Inventory))),
        _ => f64::from(u8::from(has(ServiceId::Shipping))),
    }
}

/// Which topics (orders, payments, inventory, shipments) a service's group reads, as the
/// event design subscribes it.
fn reads(state: &Scenario, service: ServiceId) -> [bool; 4] {
    let has = |id| state.services.contains_key(&id);
    let upstream = [
        true,
        has(ServiceId::Payment),
        has(ServiceId::Inventory),
        false,
    ];
    match service {
        ServiceId::Shipping => upstream,
        ServiceId::Notification if has(ServiceId::Shipping) => [true, false, false, true],
        ServiceId::Notification => upstream,
        ServiceId::Analytics => [true, true, true, true],
        _ => [true, false, false, false],
    }
}

/// Order's own work (arrival, request, work, answer, timeout), one append per record, and
/// for every delivery of a record to a group its work and, at worst, a poll of its own.
fn event_events_per_order(state: &Scenario, active: &[&FaultWindow]) -> f64 {
    let order = 4.0
        + if state.sync.timeout_ms.is_some() {
            1.0
        } else {
            0.0
        };
    let appends: f64 = (0..4).map(|topic| records_per_order(state, topic)).sum();
    let dead_letter_after = state.event.dead_letter_after.map_or(1.0, f64::from);
    let deliveries: f64 = state
        .services
        .keys()
        .filter(|&&id| id != ServiceId::Order)
        .map(|&id| {
            let trouble = trouble(active, id);
            if trouble.outage.is_some() {
                return 0.0;
            }
            let records: f64 = reads(state, id)
                .iter()
                .enumerate()
                .filter(|(_, read)| **read)
                .map(|(topic, _)| records_per_order(state, topic))
                .sum();
            // A failing record is tried again until it succeeds or is dead-lettered; without
            // dead letters the retries are counted with the blocked partitions.
            let tries = match state.event.dead_letter_after {
                None => 1.0,
                Some(_) if trouble.failing >= 1.0 => dead_letter_after,
                Some(_) => (1.0 / (1.0 - trouble.failing)).min(dead_letter_after),
            };
            records * tries * (1.0 + trouble.duplicate)
        })
        .sum();
    order + appends + 2.0 * deliveries
}

/// Retries of records that failed when there is no dead-letter topic: the record blocks its
/// partition and is tried again every backoff. A partition is blocked for the share of time
/// its failing records keep it so (all of it for a record that always fails); a poison record
/// blocks it from the fault's start to the end of the run, since it never succeeds.
fn blocked_retries(
    scenario: &Scenario,
    actions: &[&RecordedAction],
    windows: &[FaultWindow],
    until: SimTime,
) -> f64 {
    let dead_letters = scenario.event.dead_letter_after.is_some()
        && !actions
            .iter()
            .any(|a| matches!(a.action, ControlAction::SetDeadLetter { after: None }));
    if dead_letters {
        return 0.0;
    }
    let partitions = f64::from(scenario.event.partitions.clamp(1, 1_024));
    let backoff_s = scenario.event.retry_backoff_ms.max(1.0) / 1_000.0;
    let rate = sane_rate(scenario.workload.arrival_rate_per_s).max(
        actions
            .iter()
            .filter_map(|a| match a.action {
                ControlAction::SetArrivalRate { per_s } => Some(sane_rate(per_s)),
                _ => None,
            })
            .fold(0.0, f64::max),
    );
    windows
        .iter()
        .filter(|w| matches!(w.fault.kind, FaultKind::ErrorRate | FaultKind::PoisonEvent))
        .filter_map(|w| {
            let service = w.fault.target.filter(|&s| s != ServiceId::Order)?;
            let p = w.fault.probability.unwrap_or(0.0).clamp(0.0, 1.0);
            let topics = reads(scenario, service)
                .iter()
                .filter(|read| **read)
                .count() as f64;
            let (share, end) = if w.fault.kind == FaultKind::PoisonEvent {
                (f64::from(u8::from(p > 0.0)), until)
            } else {
                let records_per_partition = rate / partitions;
                let retries_per_record = if p >= 1.0 {
                    f64::INFINITY
                } else {
                    p / (1.0 - p)
                };
                let share = (records_per_partition * backoff_s * retries_per_record).min(1.0);
                (share, w.end.unwrap_or(until).min(until))
            };
            let seconds = end.saturating_sub(w.start).as_secs_f64();
            Some(share * topics * partitions / backoff_s * seconds)
        })
        .sum()
}

fn sane_rate(rate: f64) -> f64 {
    if rate.is_finite() {
        rate.clamp(0.0, 1e7)
    } else {
        0.0
    }
}

fn sane_multiplier(multiplier: f64) -> f64 {
    if multiplier.is_finite() {
        multiplier.clamp(0.0, 1e4)
    } else {
        1.0
    }
}

/// "120 M", "3.4 billion".
fn amount(value: f64) -> String {
    if value >= 1e9 {
        format!("{:.1} billion", value / 1e9)
    } else if value >= 1e6 {
        format!("{:.0} M", value / 1e6)
    } else {
        format!("{value:.0}")
    }
}

fn too_many_orders(scenario: &Scenario, sources: &Sources, budget: &Budget) -> Problem {
    let (path, first) = if sources.spike_orders > sources.base_orders.max(sources.action_orders) {
        (
            "faults",
            "the traffic spikes (their `multiplier`, or how long they last), ",
        )
    } else if sources.action_orders > sources.base_orders.max(sources.spike_orders) {
        ("actions", "the arrival rate set during the run, ")
    } else {
        ("workload.arrival_rate_per_s", "")
    };
    Problem::new(
        path,
        format!(
            "this run asks for about {} orders; at most {} run in a browser: lower {first}`workload.arrival_rate_per_s` ({}/s) or `duration_s` ({} s)",
            amount(sources.work().orders),
            amount(budget.orders),
            scenario.workload.arrival_rate_per_s,
            scenario.duration_s,
        ),
    )
}

fn too_many_events(scenario: &Scenario, sources: &Sources, budget: &Budget) -> Problem {
    let work = sources.work();
    let largest = [
        sources.order_events,
        sources.ticks,
        sources.commit_ticks,
        sources.blocked_retries,
    ]
    .into_iter()
    .fold(0.0, f64::max);
    let (path, why, lower) = if largest == sources.ticks {
        (
            "metrics.bucket_ms",
            format!("a metrics bucket every {} ms", scenario.metrics.bucket_ms),
            "raise `metrics.bucket_ms` or lower `duration_s`",
        )
    } else if largest == sources.commit_ticks {
        (
            "event.commit_interval_ms",
            format!(
                "a periodic commit every {} ms",
                scenario.event.commit_interval_ms
            ),
            "raise `event.commit_interval_ms` or lower `duration_s`",
        )
    } else if largest == sources.blocked_retries {
        (
            "event.dead_letter_after",
            format!(
                "partitions blocked by failing records, retried every {} ms",
                scenario.event.retry_backoff_ms
            ),
            "set `event.dead_letter_after`, raise `event.retry_backoff_ms` or shorten the failing faults",
        )
    } else {
        let per_order = sources.order_events / sources.work().orders.max(1.0);
        (
            "workload.arrival_rate_per_s",
            format!("about {per_order:.0} steps per order (calls, retries, consumers)"),
            "lower `workload.arrival_rate_per_s`, `duration_s` or `sync.retries.attempts`",
        )
    };
    Problem::new(
        path,
        format!(
            "this run asks for about {} simulation steps ({why}); at most {} run in a browser: {lower}",
            amount(work.events),
            amount(budget.events),
        ),
    )
}
