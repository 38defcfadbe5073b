//! How much a run will cost before it runs: the orders placed and the events both designs will
//! handle up to a moment, from the scenario and the recorded actions alone. The estimate walks
//! the run's segments (between rate changes, fault windows and actions), counts the orders of
//! each from its arrival rate, and prices an order from the shop's shape in that segment: the
//! calls of the chain and their retries, the records each consumer group reads, duplicates and
//! failures. Periodic work (metrics ticks, periodic commits, a blocked partition retrying) is
//! counted apart. A budget refuses a run beyond what a browser tab can do and says what to
//! lower; `tests/it/work.rs` checks that real runs stay within twice the estimate.

use crate::broker::TopicId;
use crate::control::RecordedAction;
use crate::fault::{FaultKind, OutageMode};
use crate::limits::MAX_PARTITIONS;
use crate::scenario::{CommitPolicy, Problem, Scenario, ServiceId, SyncStyle};
use crate::time::SimTime;
use crate::windows::{FaultWindow, fault_windows};
use crate::workload::{sane_multiplier, sane_rate};

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
    /// Of the spikes' orders, those from spikes started by a live action.
    live_spike_orders: f64,
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
    let mut owned = actions.to_vec();
    crate::control::in_time_order(&mut owned);
    let actions: Vec<&RecordedAction> = owned.iter().collect();
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
        let multiplier = sane_multiplier(spikes(&active, false));
        let orders = base * multiplier * seconds;
        let at_own_rate = own_rate * seconds;
        let at_set_rate = base * seconds;
        sources.base_orders += at_own_rate.min(orders);
        sources.action_orders += (at_set_rate.min(orders) - at_own_rate).max(0.0);
        let spiked = (orders - at_set_rate.max(at_own_rate)).max(0.0);
        sources.spike_orders += spiked;
        let live_multiplier = spikes(&active, true);
        if multiplier > 1.0 && live_multiplier > 1.0 {
            sources.live_spike_orders += spiked * live_multiplier.ln() / multiplier.ln();
        }
        let rate = base * multiplier;
        let shop = Shop {
            state: &state,
            active: &active,
            rate,
        };
        let per_order = shop.sync_events_per_order() + shop.event_events_per_order();
        sources.order_events += orders * per_order;
        // Poison never succeeds: once placed, it blocks its partitions to the end.
        let poisoned: Vec<&FaultWindow> = windows
            .iter()
            .filter(|w| w.fault.kind == FaultKind::PoisonEvent && w.start <= from)
            .collect();
        sources.blocked_retries += shop.blocked_retries(&poisoned, to) * seconds;
        if state.event.commit == CommitPolicy::Periodic {
            // Each commit walks every partition slot of every group.
            let slots = shop.slots();
            sources.commit_ticks += seconds * 1_000.0 / state.event.commit_interval_ms.max(0.001)
                * (1.0 + slots / 64.0);
        }
        // A crash redelivers what its group had not committed: under periodic commits, up to
        // an interval's worth of its records (besides the rebalance itself).
        for crash in windows
            .iter()
            .filter(|w| w.fault.kind == FaultKind::ConsumerCrash && w.start >= from && w.start < to)
        {
            let Some(target) = crash.fault.target else {
                continue;
            };
            let window_s = match state.event.commit {
                CommitPolicy::Periodic => {
                    (state.event.commit_interval_ms / 1_000.0).min(crash.start.as_secs_f64())
                }
                _ => 0.0,
            };
            sources.order_events += 10_000.0 + 2.0 * rate * shop.records_read(target) * window_s;
        }
    }
    let seconds = until.as_secs_f64();
    // One tick per bucket in each design.
    sources.ticks = 2.0 * seconds * 1_000.0 / scenario.metrics.bucket_ms.max(1.0);
    sources
}

/// The product of the active spikes' multipliers (only those started live, if `live_only`).
fn spikes(active: &[&FaultWindow], live_only: bool) -> f64 {
    active
        .iter()
        .filter(|w| w.fault.kind == FaultKind::TrafficSpike && (w.live || !live_only))
        .map(|w| sane_multiplier(w.fault.multiplier.unwrap_or(1.0)))
        .product()
}

/// Every moment the rate, the faults or the settings may change, from 0 to `until`.
fn boundaries(
    windows: &[FaultWindow],
    actions: &[&RecordedAction],
    until: SimTime,
) -> Vec<SimTime> {
    let mut bounds = vec![SimTime::ZERO, until];
    let moments = actions.iter().map(|a| a.at).chain(
        windows
            .iter()
            .flat_map(|window| std::iter::once(window.start).chain(window.end)),
    );
    // Kept sorted and without repeats as they come (a few thousand at most, mostly in order:
    // cheaper in the page than a general sort).
    for moment in moments.filter(|&t| t <= until) {
        let at = bounds.partition_point(|&t| t < moment);
        if bounds.get(at) != Some(&moment) {
            bounds.insert(at, moment);
        }
    }
    bounds
}

/// How the active faults treat one service.
#[derive(Clone, Copy, Debug, Default)]
struct Trouble {
    /// Share of attempts that fail at random (errors, an outage).
    failing: f64,
    /// Share of orders that fail at this service every time (poison).
    poison: f64,
    /// How much slower its work is: a factor, and milliseconds added.
    slow_factor: f64,
    extra_ms: f64,
    /// Share of deliveries that come twice.
    duplicate: f64,
    /// Down: nothing it consumes is processed, and in a hang no call to it is answered.
    outage: Option<OutageMode>,
}
fn trouble(active: &[&FaultWindow], service: ServiceId) -> Trouble {
    let mut trouble = Trouble {
        slow_factor: 1.0,
        ..Trouble::default()
    };
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
            FaultKind::ErrorRate => trouble.failing = 1.0 - (1.0 - trouble.failing) * (1.0 - p),
            FaultKind::PoisonEvent => trouble.poison = 1.0 - (1.0 - trouble.poison) * (1.0 - p),
            FaultKind::Slowdown => {
                trouble.slow_factor *= fault.factor.unwrap_or(1.0).clamp(0.0, 1e6);
                trouble.extra_ms += fault.extra_latency_ms.unwrap_or(0.0).max(0.0);
            }
            FaultKind::DuplicateDelivery => trouble.duplicate = trouble.duplicate.max(p),
            _ => {}
        }
    }
    trouble
}

/// Expected tries of one call with `retries` extra attempts when a share `failing` fails.
fn expected_tries(failing: f64, retries: u32) -> f64 {
    geometric(failing, retries.min(20) + 1)
}

/// 1 + r + r² + … + r^(n-1).
fn geometric(ratio: f64, terms: u32) -> f64 {
    if (ratio - 1.0).abs() < 1e-9 {
        f64::from(terms)
    } else {
        (1.0 - ratio.powi(terms as i32)) / (1.0 - ratio)
    }
}

/// Records each order puts on each topic: `OrderCreated` (and the share cancelled) on orders,
/// then one record from each of Payment, Inventory and Shipping.
fn records_per_order(state: &Scenario, topic: TopicId) -> f64 {
    let has = |id| f64::from(u8::from(state.services.contains_key(&id)));
    match topic {
        TopicId::Orders => 1.0 + state.workload.cancel_share.clamp(0.0, 1.0),
        TopicId::Payments => has(ServiceId::Payment),
        TopicId::Inventory => has(ServiceId::Inventory),
        TopicId::Shipments => has(ServiceId::Shipping),
        TopicId::DeadLetters => 0.0,
    }
}

/// The topics a service's group reads: the event design's own subscriptions.
fn reads(state: &Scenario, service: ServiceId) -> Vec<TopicId> {
    let present = std::array::from_fn(|i| {
        ServiceId::from_index(i).is_some_and(|id| state.services.contains_key(&id))
    });
    crate::ids::subscriptions(service, &present, state.workload.has_business_failures())
}

/// The shop in one segment of the run: its settings, the faults active and the arrival rate.
struct Shop<'a> {
    state: &'a Scenario,
    active: &'a [&'a FaultWindow],
    rate: f64,
}

/// What one call of the synchronous chain costs and how it ends, on average.
#[derive(Clone, Copy)]
struct Call {
    events: f64,
    /// Chance that the call finally succeeds.
    success: f64,
    /// How long the caller waits for it, retries and backoffs included.
    seconds: f64,
}

impl Shop<'_> {
    /// Share of calls to `id` turned away or timed out for want of capacity or speed: the
    /// arrivals beyond what its workers can serve, and calls slower than the timeout.
    fn overload(&self, id: ServiceId, trouble: &Trouble) -> f64 {
        let Some(config) = self.state.services.get(&id) else {
            return 0.0;
        };
        let mean_ms = crate::station::Distribution::new(&config.service_time).mean() / 1_000.0
            * trouble.slow_factor
            + trouble.extra_ms;
        let capacity = f64::from(config.workers.max(1)) / (mean_ms.max(1e-3) / 1_000.0);
        let rejected = (1.0 - capacity / self.rate.max(1e-9)).max(0.0);
        let late = self
            .state
            .sync
            .timeout_ms
            .map_or(0.0, |timeout| (mean_ms / timeout.max(1e-3)).min(1.0));
        1.0 - (1.0 - rejected) * (1.0 - late)
    }

    /// One call to `id`, given what the calls it makes cost (`below`: each try calls them
    /// again). A service retries its calls; the gateway passes an order on once. Called from
    /// two places and cold: one copy is enough.
    #[inline(never)]
    fn call(&self, id: ServiceId, below: Option<Call>, from_service: bool) -> Call {
        let sync = &self.state.sync;
        let jitter = self
            .active
            .iter()
            .any(|w| w.fault.kind == FaultKind::Reordering);
        // Reordering delays each message by up to its jitter: half of it on average.
        let jitter_ms = self
            .active
            .iter()
            .filter(|w| w.fault.kind == FaultKind::Reordering)
            .map(|w| w.fault.jitter_ms.unwrap_or(0.0).max(0.0))
            .fold(0.0, f64::max);
        let wire = if sync.hop_latency_ms > 0.0 || jitter {
            2.0
        } else {
            0.0
        };
        let timeout_ms = if from_service {
            sync.timeout_ms
        } else {
            sync.gateway_timeout_ms
        };
        let timeout = timeout_ms.is_some();
        let trouble = trouble(self.active, id);
        if trouble.outage == Some(OutageMode::Hang) && !timeout {
            // Sent, and never answered.
            return Call {
                events: 1.0 + wire / 2.0,
                success: 0.0,
                seconds: f64::INFINITY,
            };
        }
        let per_try = 1.0 + wire + f64::from(u8::from(timeout));
        let random = 1.0 - (1.0 - trouble.failing) * (1.0 - self.overload(id, &trouble));
        let below = below.unwrap_or(Call {
            events: 0.0,
            success: 1.0,
            seconds: 0.0,
        });
        // A try fails on its own, or because the rest of the chain failed under it.
        let failing = 1.0 - (1.0 - random) * below.success;
        let attempts = if from_service {
            sync.retries.attempts.min(20)
        } else {
            0
        };
        let tries = expected_tries(failing, attempts);
        let each = per_try * (1.0 + trouble.duplicate) + (1.0 - random) * below.events;
        // Poisoned orders fail every try.
        let poisoned = f64::from(attempts + 1) * (per_try + 1.0);
        let events =
            (1.0 - trouble.poison) * (tries * each + tries - 1.0) + trouble.poison * poisoned;
        let success = (1.0 - trouble.poison) * (1.0 - failing.powi(attempts as i32 + 1));
        // Each try: the wire both ways, the work, and whatever is called below; a timeout
        // caps it. Then the backoffs before the retries that happen.
        let config = self.state.services.get(&id);
        let work_s = config.map_or(0.0, |c| {
            crate::station::Distribution::new(&c.service_time).mean() / 1e6 * trouble.slow_factor
                + trouble.extra_ms / 1e3
        });
        let mut try_s =
            2.0 * (sync.hop_latency_ms + jitter_ms / 2.0) / 1e3 + work_s + below.seconds;
        if let Some(timeout) = timeout_ms {
            try_s = try_s.min(timeout / 1e3);
        }
        // The k-th retry happens with chance failing^k after backoff × multiplier^(k-1).
        let backoff_s = failing * sync.retries.backoff_ms / 1e3
            * geometric(failing * sync.retries.multiplier, attempts);
        Call {
            events,
            success,
            seconds: tries * try_s + backoff_s,
        }
    }

    /// The chain's calls, in order: each try costs its work (one event), the request and the
    /// answer on the wire when there is latency, and a timeout when one is set; a retry is an
    /// event of its own. Orchestrated, Order calls the others in turn and a call that finally
    /// fails ends the chain; nested, a service's every try calls the rest of the chain again,
    /// so retries multiply down it. Either way Order's workers are held for the whole call
    /// tree: at most so many orders a second get in, and the rest are turned away at once.
    fn sync_events_per_order(&self) -> f64 {
        let chain: Vec<ServiceId> = self.state.services.keys().copied().collect();
        let own = 1.0 + self.state.workload.cancel_share.clamp(0.0, 1.0);
        let Some((&first, rest)) = chain.split_first() else {
            return own;
        };
        let below = match self.state.sync.style {
            SyncStyle::Nested => rest
                .iter()
                .rev()
                .fold(None, |below, &id| Some(self.call(id, below, true))),
            SyncStyle::Orchestrated => {
                let mut reached = 1.0;
                let mut calls = Call {
                    events: 0.0,
                    success: 1.0,
                    seconds: 0.0,
                };
                for &id in rest {
                    let call = self.call(id, None, true);
                    calls.events += reached * call.events;
                    calls.seconds += reached * call.seconds;
                    reached *= call.success;
                }
                calls.success = reached;
                (!rest.is_empty()).then_some(calls)
            }
        };
        let call = self.call(first, below, false);
        let workers = self
            .state
            .services
            .get(&first)
            .map_or(1.0, |c| f64::from(c.workers.max(1)));
        let admitted = (workers / (self.rate.max(1e-9) * call.seconds)).min(1.0);
        own + admitted * call.events + (1.0 - admitted) * 2.0
    }

    /// Records per order that a service's group reads.
    fn records_read(&self, service: ServiceId) -> f64 {
        reads(self.state, service)
            .into_iter()
            .map(|topic| records_per_order(self.state, topic))
            .sum()
    }

    /// Partition slots of every group: what a commit walks.
    fn slots(&self) -> f64 {
        let partitions = f64::from(self.state.event.partitions.clamp(1, MAX_PARTITIONS));
        self.state
            .services
            .keys()
            .filter(|&&id| id != ServiceId::Order)
            .map(|&id| reads(self.state, id).len() as f64 * partitions)
            .sum()
    }

    /// Order's own work (arrival, request, work, acknowledgement, answer, timeout), one append per record, and
    /// for every delivery of a record to a group its work and, at worst, a poll of its own.
    fn event_events_per_order(&self) -> f64 {
        let state = self.state;
        // (With the broker's acknowledgement of the order's record, or the outbox relay.)
        let order = 5.0 + f64::from(u8::from(state.sync.gateway_timeout_ms.is_some()));
        let appends: f64 = TopicId::ALL
            .iter()
            .map(|&topic| records_per_order(state, topic))
            .sum();
        let deliveries: f64 = state
            .services
            .keys()
            .filter(|&&id| id != ServiceId::Order)
            .map(|&id| {
                let trouble = trouble(self.active, id);
                if trouble.outage.is_some() {
                    return 0.0;
                }
                // A failing record is tried again until it succeeds or is dead-lettered; a
                // poisoned one always goes the distance. Without dead letters the retries are
                // counted with the blocked partitions.
                let tries = match state.event.dead_letter_after {
                    None => 1.0,
                    Some(after) => {
                        let after = f64::from(after);
                        let random = if trouble.failing >= 1.0 {
                            after
                        } else {
                            (1.0 / (1.0 - trouble.failing)).min(after)
                        };
                        (1.0 - trouble.poison) * random + trouble.poison * after
                    }
                };
                self.records_read(id) * tries * (1.0 + trouble.duplicate)
            })
            .sum();
        order + appends + 2.0 * deliveries
    }

    /// Retries per second of records that failed when there is no dead-letter topic: the
    /// record blocks its partition and is tried again every backoff. A partition is blocked
    /// for the share of time its failing records keep it so: all of it behind a record that
    /// always fails, or behind poison placed so far (`poisoned`), which never succeeds.
    fn blocked_retries(&self, poisoned: &[&FaultWindow], to: SimTime) -> f64 {
        let state = self.state;
        if state.event.dead_letter_after.is_some() {
            return 0.0;
        }
        let partitions = f64::from(state.event.partitions.clamp(1, MAX_PARTITIONS));
        let backoff_s = state.event.retry_backoff_ms.max(1.0) / 1_000.0;
        state
            .services
            .keys()
            .filter(|&&id| id != ServiceId::Order)
            .map(|&id| {
                let trouble = trouble(self.active, id);
                let p = trouble.failing;
                let topics = reads(state, id).len() as f64;
                let slots = topics * partitions;
                // Only a partition a failing record has reached can be blocked: of `n` records
                // spread over the slots, about 1 - e^(-n/slots) of them have one.
                let reached = |records: f64| 1.0 - (-records / slots).exp();
                let records = self.rate * self.records_read(id) * to.as_secs_f64();
                let retries_per_record = if p >= 1.0 {
                    f64::INFINITY
                } else {
                    p / (1.0 - p)
                };
                let records_per_partition = self.rate * self.records_read(id) / partitions;
                let mut share = (records_per_partition * backoff_s * retries_per_record)
                    .min(reached(records * p));
                for window in poisoned.iter().filter(|w| w.fault.target == Some(id)) {
                    let share_poisoned = window.fault.probability.unwrap_or(0.0).clamp(0.0, 1.0);
                    let since = to.saturating_sub(window.start).as_secs_f64();
                    let placed = self.rate * self.records_read(id) * since * share_poisoned;
                    share = share.max(reached(placed));
                }
                // A member retries the record in hand and takes no other meanwhile: at most one
                // blocked partition per member retries at a time.
                let members = state.services.get(&id).map_or(1.0, |c| {
                    f64::from(c.consumers.unwrap_or(c.workers).clamp(1, MAX_PARTITIONS))
                });
                (share * slots).min(members) / backoff_s
            })
            .sum()
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

/// Where a budget's limit holds, for its messages.
fn limit_place(budget: &Budget) -> &'static str {
    if *budget == Budget::BROWSER {
        "run in a browser"
    } else {
        "fit this budget"
    }
}
fn too_many_orders(scenario: &Scenario, sources: &Sources, budget: &Budget) -> Problem {
    let scheduled_spikes = sources.spike_orders - sources.live_spike_orders;
    let largest = sources
        .base_orders
        .max(sources.action_orders)
        .max(scheduled_spikes)
        .max(sources.live_spike_orders);
    let scenario_fields = format!(
        "`workload.arrival_rate_per_s` ({}/s) or `duration_s` ({} s)",
        scenario.workload.arrival_rate_per_s, scenario.duration_s
    );
    let (path, lower) = if largest == sources.live_spike_orders {
        (
            "actions",
            "the traffic spikes started during the run".to_string(),
        )
    } else if largest == sources.action_orders {
        ("actions", "the arrival rate set during the run".to_string())
    } else if largest == scheduled_spikes {
        (
            "faults",
            format!(
                "the traffic spikes (their `multiplier`, or how long they last), {scenario_fields}"
            ),
        )
    } else {
        ("workload.arrival_rate_per_s", scenario_fields)
    };
    Problem::new(
        path,
        format!(
            "this run asks for about {} orders; at most {} {}: lower {lower}",
            amount(sources.work().orders),
            amount(budget.orders),
            limit_place(budget),
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
            "this run asks for about {} simulation steps ({why}); at most {} {}: {lower}",
            amount(work.events),
            amount(budget.events),
            limit_place(budget),
        ),
    )
}
