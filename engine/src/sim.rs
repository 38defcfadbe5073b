//! One design running on one workload: the clock, the event queue, faults, metrics, traces and
//! the model that reacts to events. The caller paces it with `step`, `run_until` and `run`.

use crate::broker::Record;
pub use crate::ids::Design;
use crate::event_design::{EventModel, StreamEv};
use crate::examples::{Example, Examples};
use crate::control::ControlAction;
use crate::fault::{Fault, FaultKind, Health};
use crate::metrics::{Count, Metrics, ServiceCounters};
use crate::orders::{OrderBook, OrderState, Status};
use crate::queue::EventQueue;
use crate::rng::{self, Rng, stream};
use crate::scenario::{Scenario, ServiceId};
use crate::snapshot::Snapshot;
use crate::summary::Summary;
use crate::sync_design::{SyncEv, SyncModel};
use crate::time::SimTime;
use crate::trace::{RecordKind, Step, Trace, TraceEntry, TraceHash, Tracer};
use crate::workload::Arrivals;


/// Everything that happens, as a small `Copy` value: indices, never owned data. Arrivals are
/// not in the queue: the next one is a single known time, which spares the queue a fifth of
/// its work in a busy run.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ev {
    Cancel { order: u64 },
    Tick,
    FaultStart { fault: u32 },
    FaultEnd { fault: u32 },
    Sync(SyncEv),
    Stream(StreamEv),
}

impl Ev {
    /// Two words that identify the event in the trace hash.
    fn fingerprint(&self) -> (u64, u64) {
        match *self {
            Ev::Cancel { order } => (2, order),
            Ev::Tick => (3, 0),
            Ev::FaultStart { fault } => (4, u64::from(fault)),
            Ev::FaultEnd { fault } => (5, u64::from(fault)),
            Ev::Sync(event) => event.fingerprint(),
            Ev::Stream(event) => event.fingerprint(),
        }
    }
}

/// A fault of the schedule (scenario or live), with its own random stream.
#[derive(Clone)]
pub(crate) struct FaultSlot {
    pub fault: Fault,
    pub start: SimTime,
    pub end: Option<SimTime>,
    pub active: bool,
    /// A consumer crash window whose crash has not happened yet.
    pub armed: bool,
    pub rng: Rng,
}

/// State shared by both designs.
#[derive(Clone)]
pub(crate) struct Core {
    pub scenario: Scenario,
    pub seed: u64,
    pub design: Design,
    pub now: SimTime,
    pub queue: EventQueue<Ev>,
    pub hash: TraceHash,
    pub events_processed: u64,
    pub orders: OrderBook,
    pub metrics: Metrics,
    pub tracer: Tracer,
    pub examples: Examples,
    pub arrivals: Arrivals,
    pub faults: Vec<FaultSlot>,
    pub health: [Health; ServiceId::COUNT],
    /// Crashes armed per service and not yet triggered.
    pub crash_pending: [u32; ServiceId::COUNT],
    /// Partitions currently unavailable (of every topic).
    pub unavailable: Vec<u32>,
    /// Reordering jitter applied to messages that do not belong to a targeted service.
    pub global_jitter: SimTime,
    pub keyless: bool,
    /// Draws for errors and duplicates, per service, apart from service times.
    pub fault_rngs: Vec<Rng>,
    pub retry_rng: Rng,
    pub present: [bool; ServiceId::COUNT],
}

impl Core {
    /// Triggers one armed crash of `service`, if one is armed: the oldest armed window's.
    #[inline]
    pub fn take_crash(&mut self, service: ServiceId) -> bool {
        if self.crash_pending[service.index()] == 0 {
            return false;
        }
        self.crash_pending[service.index()] -= 1;
        if let Some(slot) = self
            .faults
            .iter_mut()
            .find(|slot| slot.armed && slot.fault.target == Some(service))
        {
            slot.armed = false;
        }
        true
    }

    #[inline(always)]
    pub fn schedule(&mut self, at: SimTime, event: Ev) {
        debug_assert!(at >= self.now, "an event was scheduled in the past");
        self.queue.push(at, event);
    }

    #[inline]
    pub fn count(&mut self, count: Count) {
        self.metrics.count(count);
    }

    #[inline]
    pub fn traced(&self, order: u64) -> bool {
        self.orders.get(order).is_some_and(|state| state.traced)
    }

    pub fn trace(&mut self, order: u64, entry: TraceEntry) {
        if self.traced(order) {
            self.tracer.record(order, entry);
        }
    }

    /// Moves an order from in flight to a final state, once.
    #[inline]
    pub fn finish(&mut self, order: u64, status: Status, count: Count) -> bool {
        let now = self.now;
        let Some(state) = self.orders.get_mut(order) else {
            return false;
        };
        if state.status != Status::InFlight {
            return false;
        }
        state.status = status;
        state.terminal_at = now;
        let arrived = state.arrived;
        let first_effect = state.first_effect_at;
        let may_decline = state.declines != 0;
        // A failed order with anything done to it is left inconsistent. (A cancelled one is
        // judged by what happens to it after the cancellation: see `apply_effect`.)
        let partial = status == Status::Failed
            && ServiceId::ALL
                .iter()
                .any(|&s| s != ServiceId::Order && state.standing_effects(s) > 0);
        self.metrics.in_flight -= 1;
        self.metrics.count(count);
        let example = match count {
            Count::Failed => Some(Example::Failed),
            Count::Rejected => Some(Example::Rejected),
            Count::Declined => Some(Example::Declined),
            Count::Cancelled => Some(Example::Cancelled),
            _ => None,
        };
        if let Some(example) = example {
            self.examples.note(example, order);
        }
        if matches!(count, Count::Failed | Count::Rejected) {
            self.metrics.note_answer(order, count == Count::Rejected);
        }
        if status == Status::Completed {
            self.metrics.record_completion(now - arrived);
            if let Some(first) = first_effect {
                self.metrics.record_convergence(now - first);
            }
        }
        if partial {
            self.mark_inconsistent(order);
        }
        let step = match status {
            Status::Completed => Step::Completed,
            Status::Failed => Step::Failed,
            Status::Declined => Step::Declined,
            _ => Step::Cancelled,
        };
        self.trace(order, TraceEntry::new(now, step));
        if may_decline {
            self.review_compensation(order);
        }
        true
    }

    /// Takes back `service`'s effect on an order (a refund, a release) if one stands. True if
    /// something was undone.
    pub fn undo(&mut self, order: u64, service: ServiceId) -> bool {
        let Some(state) = self.orders.get_mut(order) else {
            return false;
        };
        if state.standing_effects(service) == 0 || !undoable(service) {
            return false;
        }
        let i = service.index();
        state.undone[i] = state.undone[i].saturating_add(1);
        self.trace(
            order,
            TraceEntry::new(self.now, Step::Undone).service(service),
        );
        self.review_compensation(order);
        true
    }

    /// The customer learns their order was declined (from the answer to their request, or
    /// from `by`'s message afterwards).
    pub fn notify_declined(&mut self, order: u64, by: ServiceId) {
        // A failure record about an order that ended otherwise (cancelled first, say) is no
        // decline to tell of.
        if let Some(state) = self.orders.get(order)
            && state.status == Status::Declined
        {
            let waited = self.now - state.arrived;
            self.metrics.record_notice(waited);
            self.trace(order, TraceEntry::new(self.now, Step::Notified).service(by));
        }
    }

    /// Keeps the count of orders that hold a customer's money or stock although they will be
    /// declined (whether or not the shop knows it yet: that is what the customer lives
    /// through), and how long each held them until the last refund or release. An order that
    /// ends another way (failed, cancelled) leaves the count without a time: other counters
    /// judge it.
    fn review_compensation(&mut self, order: u64) {
        let now = self.now;
        let Some(state) = self.orders.get_mut(order) else {
            return;
        };
        if state.declines == 0 {
            return;
        }
        let declining = matches!(state.status, Status::InFlight | Status::Declined);
        let standing = [ServiceId::Payment, ServiceId::Inventory]
            .iter()
            .any(|&s| state.standing_effects(s) > 0);
        match (declining && standing, state.pending_since) {
            (true, None) => {
                state.pending_since = Some(now);
                self.metrics.pending_compensations += 1;
            }
            (false, Some(since)) => {
                state.pending_since = None;
                self.metrics.pending_compensations -= 1;
                if declining {
                    self.metrics.record_compensation(now - since);
                }
            }
            _ => {}
        }
    }

    pub fn mark_inconsistent(&mut self, order: u64) {
        if let Some(state) = self.orders.get_mut(order)
            && !state.inconsistent
        {
            state.inconsistent = true;
            self.metrics.count(Count::InconsistentOrders);
            self.examples.note(Example::Inconsistent, order);
        }
    }

    pub fn mark_lost(&mut self, order: u64) {
        if let Some(state) = self.orders.get_mut(order)
            && !state.lost
        {
            state.lost = true;
            self.metrics.count(Count::LostOrders);
            self.examples.note(Example::Lost, order);
        }
    }

    /// Applies a service's side effect to an order and counts what it means, the same way in
    /// both designs: a repeat (a double charge, shipment or email); an ordering anomaly, when
    /// the service had already been told the order was cancelled (it processed the
    /// cancellation: the `OrderCancelled` record, or Order's refund or release call); and an
    /// inconsistency when the order's outcome contradicts the effect and nothing will undo
    /// it (failed, or cancelled and either told already or not undoable).
    pub fn apply_effect(&mut self, order: u64, service: ServiceId) {
        let Some(state) = self.orders.get_mut(order) else {
            return;
        };
        let index = service.index();
        state.effects[index] = state.effects[index].saturating_add(1);
        if service != ServiceId::Order && state.first_effect_at.is_none() {
            state.first_effect_at = Some(self.now);
        }
        let repeated = state.effects[index] > 1;
        let may_decline = state.declines != 0;
        // Told the order is off: its cancellation, or (in a saga) another participant's failure.
        let told = state.seen[index] & RecordKind::CALLS_OFF != 0;
        // An effect a called-off order keeps for good: nobody will undo it any more.
        let on_called_off = matches!(state.status, Status::Cancelled | Status::Declined)
            && contradicts_cancel(service)
            && (told || !undoable(service) || state.compensated);
        let on_failed = state.status == Status::Failed || on_called_off;
        // Recording an event after hearing of the failure harms nobody (Analytics); acting
        // on an order after its cancellation is always counted.
        let cancelled_known = state.seen[index] & RecordKind::OrderCancelled.bit() != 0;
        if service != ServiceId::Order && (cancelled_known || told && contradicts_cancel(service)) {
            self.metrics.count(Count::OrderingAnomalies);
            self.examples.note(Example::ActedAfterCancel, order);
        }
        if repeated {
            let double = match service {
                ServiceId::Payment => Some((Count::DoubleCharges, Example::DoubleCharge)),
                ServiceId::Shipping => Some((Count::DoubleShipments, Example::DoubleShipment)),
                ServiceId::Notification => Some((Count::DoubleEmails, Example::DoubleEmail)),
                _ => None,
            };
            if let Some((count, example)) = double {
                self.metrics.count(count);
                self.examples.note(example, order);
            }
        }
        if on_failed && service != ServiceId::Order {
            self.mark_inconsistent(order);
        }
        // Only an order that will be declined needs its compensation reviewed: the rest skip
        // the second lookup.
        if may_decline {
            self.review_compensation(order);
        }
    }

    /// An answer reached the customer; `refused` when it is a refusal (the order will count
    /// as rejected). Customer latency leaves out the customers turned away at the front door,
    /// before Order did anything for them: in an overload they come back within milliseconds
    /// and would pull the latency line down, as if the shop got faster. A refusal that comes
    /// back after Order worked on the order (a breaker further down, say) is a wait the
    /// customer lived through, and counts.
    #[inline]
    pub fn answer(&mut self, order: u64, refused: bool) {
        let now = self.now;
        if let Some(state) = self.orders.get_mut(order)
            && !state.answered
        {
            state.answered = true;
            let at_the_door = refused && state.effects[ServiceId::Order.index()] == 0;
            if !at_the_door {
                let arrived = state.arrived;
                self.metrics.record_latency(now - arrived);
            }
        }
    }

    #[inline]
    pub fn error_draw(&mut self, service: ServiceId) -> bool {
        let p = self.health[service.index()].error_probability;
        p > 0.0 && rng::chance(&mut self.fault_rngs[service.index()], p)
    }

    #[inline]
    pub fn duplicate_draw(&mut self, service: ServiceId) -> bool {
        let p = self.health[service.index()].duplicate_probability;
        p > 0.0 && rng::chance(&mut self.fault_rngs[service.index()], p)
    }

    /// Random extra delay of a message to `service` while reordering is on.
    #[inline]
    pub fn jitter(&mut self, service: ServiceId) -> SimTime {
        let max = self.health[service.index()].jitter.max(self.global_jitter);
        if max == SimTime::ZERO {
            return SimTime::ZERO;
        }
        let draw = rng::unit(&mut self.fault_rngs[service.index()]);
        SimTime((max.as_micros() as f64 * draw) as u64)
    }

    /// Places an order: same draws in both designs.
    fn place_order(&mut self) -> u64 {
        let now = self.now;
        let details = self.arrivals.details();
        let mut state = OrderState::new(now, details.customer, details.amount_cents, details.items);
        // Only a service the shop has can turn an order down (the draw is made either way, so
        // both designs stay in step).
        state.declines = details.declines
            & ServiceId::ALL
                .iter()
                .filter(|s| self.present[s.index()])
                .fold(0, |mask, s| mask | 1 << s.index());
        let id = self.orders.next_id();
        for slot in self
            .faults
            .iter_mut()
            .filter(|slot| slot.active && slot.fault.kind == FaultKind::PoisonEvent)
        {
            if let Some(target) = slot.fault.target
                && rng::chance(&mut slot.rng, slot.fault.probability.unwrap_or(0.0))
            {
                state.poison_mask |= 1 << target.index();
            }
        }
        state.traced = self.tracer.start(id);
        self.orders.push(state);
        self.metrics.in_flight += 1;
        self.metrics.count(Count::Requests);
        self.trace(id, TraceEntry::new(now, Step::Placed));
        if let Some(delay) = details.cancel_after {
            self.schedule(now + delay, Ev::Cancel { order: id });
        }
        self.arrivals.advance(now);
        id
    }

    fn reschedule_arrivals(&mut self, base_rate: f64) {
        let multiplier: f64 = self
            .faults
            .iter()
            .filter(|slot| slot.active && slot.fault.kind == FaultKind::TrafficSpike)
            .map(|slot| slot.fault.multiplier.unwrap_or(1.0))
            .product();
        self.arrivals.set_rate(self.now, base_rate, multiplier);
    }

    /// Recomputes health and global fault effects from the active faults.
    fn refresh_faults(&mut self) {
        let mut health = [Health::default(); ServiceId::COUNT];
        let mut unavailable = Vec::new();
        let mut global_jitter = SimTime::ZERO;
        let mut keyless = false;
        for slot in self.faults.iter().filter(|slot| slot.active) {
            let fault = &slot.fault;
            match (fault.kind, fault.target) {
                (FaultKind::PartitionUnavailable, _) => unavailable.extend(fault.partition),
                (FaultKind::Reordering, None) => {
                    keyless = true;
                    global_jitter =
                        global_jitter.max(SimTime::from_millis_f64(fault.jitter_ms.unwrap_or(0.0)));
                }
                (_, Some(target)) => health[target.index()].apply(fault),
                _ => {}
            }
            if fault.kind == FaultKind::Reordering && fault.target.is_some() {
                keyless = true;
            }
        }
        crate::sorted::sort_short_by_key(&mut unavailable, |&p| p);
        unavailable.dedup();
        self.health = health;
        self.unavailable = unavailable;
        self.global_jitter = global_jitter;
        self.keyless = keyless;
    }

    fn add_fault(&mut self, fault: Fault, start: SimTime, end: Option<SimTime>, stream_id: u64) {
        let index = self.faults.len() as u32;
        let rng = rng::stream(self.seed, stream_id);
        self.faults.push(FaultSlot {
            fault,
            start,
            end,
            active: false,
            armed: false,
            rng,
        });
        self.schedule(start.max(self.now), Ev::FaultStart { fault: index });
        if let Some(end) = end {
            self.schedule(end.max(start).max(self.now), Ev::FaultEnd { fault: index });
        }
    }
}

/// Effects a cancellation compensates: a charge is refunded, a reservation released.
pub(crate) fn undoable(service: ServiceId) -> bool {
    matches!(service, ServiceId::Payment | ServiceId::Inventory)
}

/// Effects a cancelled order must not keep: a charge, a reservation, a shipment, an email (a
/// fraud check or an analytics record harms nobody).
pub(crate) fn contradicts_cancel(service: ServiceId) -> bool {
    matches!(
        service,
        ServiceId::Payment | ServiceId::Inventory | ServiceId::Shipping | ServiceId::Notification
    )
}

#[derive(Clone)]
pub(crate) enum Model {
    Sync(SyncModel),
    Event(EventModel),
}

/// One design of the shop, running.
#[derive(Clone)]
pub struct Simulation {
    pub(crate) core: Core,
    pub(crate) model: Model,
}

impl Simulation {
    /// Builds a run. The scenario should have been validated; odd values are clamped rather
    /// than trusted, so this never panics.
    pub fn new(scenario: &Scenario, seed: u64, design: Design) -> Simulation {
        let present = std::array::from_fn(|i| {
            ServiceId::from_index(i).is_some_and(|id| scenario.services.contains_key(&id))
        });
        let mut core = Core {
            scenario: scenario.clone(),
            seed,
            design,
            now: SimTime::ZERO,
            queue: EventQueue::new(),
            hash: TraceHash::default(),
            events_processed: 0,
            orders: OrderBook::default(),
            metrics: Metrics::new(SimTime::from_millis_f64(scenario.metrics.bucket_ms)),
            tracer: Tracer::new(
                scenario.trace.sample_every,
                scenario.trace.max_traces,
                &scenario.trace.pinned,
            ),
            examples: Examples::default(),
            arrivals: Arrivals::new(seed, &scenario.workload),
            faults: Vec::new(),
            health: [Health::default(); ServiceId::COUNT],
            crash_pending: [0; ServiceId::COUNT],
            unavailable: Vec::new(),
            global_jitter: SimTime::ZERO,
            keyless: false,
            fault_rngs: (0..ServiceId::COUNT as u64)
                .map(|i| rng::stream(seed, stream::SERVICE_FAULTS + i))
                .collect(),
            retry_rng: rng::stream(seed, stream::RETRY_JITTER),
            present,
        };
        let bucket = core.metrics.bucket_width;
        core.schedule(bucket, Ev::Tick);
        for (index, fault) in scenario.faults.iter().enumerate() {
            let start = SimTime::from_secs_f64(fault.start_s);
            let end = fault.end_s.map(SimTime::from_secs_f64);
            core.add_fault(fault.clone(), start, end, stream::FAULT + index as u64);
        }
        let model = match design {
            Design::Sync => Model::Sync(SyncModel::new(&mut core)),
            Design::Event => Model::Event(EventModel::new(&mut core)),
        };
        Simulation { core, model }
    }

    pub fn design(&self) -> Design {
        self.core.design
    }

    pub fn now(&self) -> SimTime {
        self.core.now
    }

    pub fn scenario(&self) -> &Scenario {
        &self.core.scenario
    }

    /// The end of the scenario's duration.
    pub fn end(&self) -> SimTime {
        SimTime::from_secs_f64(self.core.scenario.duration_s)
    }

    /// Time of the next pending event.
    pub fn next_event_time(&self) -> Option<SimTime> {
        let arrival = Some(self.core.arrivals.next_at).filter(|&at| at != SimTime::NEVER);
        match (arrival, self.core.queue.peek_time()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Handles the next event. False when nothing is left to do. An arrival goes before queued
    /// events of the same microsecond.
    pub fn step(&mut self) -> bool {
        let arrival = self.core.arrivals.next_at;
        if arrival != SimTime::NEVER
            && self
                .core
                .queue
                .peek_time()
                .is_none_or(|next| arrival <= next)
        {
            debug_assert!(arrival >= self.core.now, "time went backwards");
            self.core.now = arrival;
            self.core.events_processed += 1;
            self.core.hash.word(arrival.as_micros());
            self.core.hash.word(1 ^ (self.core.orders.next_id() << 8));
            self.on_arrival();
            return true;
        }
        let Some((at, event)) = self.core.queue.pop() else {
            return false;
        };
        debug_assert!(at >= self.core.now, "time went backwards");
        self.core.now = at;
        self.core.events_processed += 1;
        let (kind, id) = event.fingerprint();
        self.core.hash.word(at.as_micros());
        self.core.hash.word(kind ^ (id << 8));
        self.handle(event);
        true
    }

    /// Handles every event up to and including `until`, then sets the clock to `until`.
    pub fn run_until(&mut self, until: SimTime) {
        while self.next_event_time().is_some_and(|at| at <= until) {
            self.step();
        }
        if until > self.core.now && until < SimTime::NEVER {
            self.core.now = until;
        }
    }

    /// Runs to the end of the scenario's duration.
    pub fn run(&mut self) {
        let end = self.end();
        self.run_until(end);
    }

    /// About how many bytes the run holds: its event queue, live orders, metrics history,
    /// logs and traces. For bounding what keeping copies of it (rewind checkpoints) costs.
    pub fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        let core = &self.core;
        let model = match &self.model {
            Model::Sync(model) => model.approx_bytes(),
            Model::Event(model) => model.approx_bytes(),
        };
        // Five latency histograms of a few thousand counters each.
        const HISTOGRAMS: usize = 5 * 32 * 1024;
        size_of::<Simulation>()
            + core.queue.len() * 48
            + core.orders.len() * size_of::<OrderState>()
            + core.metrics.buckets().unshared_bytes()
            + core.tracer.approx_bytes()
            + HISTOGRAMS
            + model
    }

    /// About how many bytes copying the run costs (a rewind checkpoint): all it holds but the
    /// logs' records, whose chunks a copy shares.
    pub fn copy_bytes(&self) -> usize {
        let logs = self.broker().map_or(0, |b| {
            (b.stored_records() * std::mem::size_of::<Record>()).saturating_sub(b.shell_bytes())
        });
        self.approx_bytes() - logs
    }

    /// Bytes of log records this copy holds that `other` does not share.
    pub fn logs_apart_from(&self, other: &Simulation) -> usize {
        match (self.broker(), other.broker()) {
            (Some(mine), Some(theirs)) => mine.bytes_apart_from(theirs),
            (Some(mine), None) => mine.stored_records() * std::mem::size_of::<Record>(),
            _ => 0,
        }
    }

    fn on_arrival(&mut self) {
        let order = self.core.place_order();
        match &mut self.model {
            Model::Sync(model) => model.on_arrival(&mut self.core, order),
            Model::Event(model) => model.on_arrival(&mut self.core, order),
        }
    }

    fn handle(&mut self, event: Ev) {
        match event {
            Ev::Cancel { order } => self.on_cancel(order),
            Ev::Tick => self.on_tick(),
            Ev::FaultStart { fault } => self.set_fault(fault as usize, true),
            Ev::FaultEnd { fault } => self.set_fault(fault as usize, false),
            Ev::Sync(event) => {
                if let Model::Sync(model) = &mut self.model {
                    model.handle(&mut self.core, event);
                }
            }
            Ev::Stream(event) => {
                if let Model::Event(model) = &mut self.model {
                    model.handle(&mut self.core, event);
                }
            }
        }
    }

    fn on_cancel(&mut self, order: u64) {
        let now = self.core.now;
        self.core
            .trace(order, TraceEntry::new(now, Step::CancelRequested));
        match &mut self.model {
            Model::Sync(model) => model.on_cancel(&mut self.core, order),
            Model::Event(model) => model.on_cancel(&mut self.core, order),
        }
    }

    fn on_tick(&mut self) {
        let (gauges, lag) = self.gauges();
        let now = self.core.now;
        self.core.metrics.close_bucket(now, &gauges, lag);
        let dropped = self.core.orders.evict(now);
        if dropped > 0 {
            // Their refunds or releases can no longer be made: they stay charged for good.
            self.core.metrics.pending_compensations -= dropped;
            for _ in 0..dropped {
                self.core.metrics.count(Count::InconsistentOrders);
            }
        }
        if let Model::Event(model) = &mut self.model {
            model.on_tick(&mut self.core);
        }
        let next = now + self.core.metrics.bucket_width;
        self.core.schedule(next, Ev::Tick);
    }

    /// Busy workers, queue lengths and lag per service, and the largest lag.
    fn gauges(&self) -> ([ServiceCounters; ServiceId::COUNT], (u64, f64)) {
        match &self.model {
            Model::Sync(model) => (model.gauges(), (0, 0.0)),
            Model::Event(model) => model.gauges(&self.core),
        }
    }

    fn set_fault(&mut self, index: usize, active: bool) {
        let Some(slot) = self.core.faults.get_mut(index) else {
            return;
        };
        if slot.active == active || (!active && slot.start > self.core.now) {
            return;
        }
        if active
            && slot
                .end
                .is_some_and(|end| end <= self.core.now && end > slot.start)
        {
            return;
        }
        slot.active = active;
        let kind = slot.fault.kind;
        let target = slot.fault.target;
        if kind == FaultKind::ConsumerCrash
            && let Some(target) = target
        {
            // Each window arms one crash; a window that ends before its crash happened takes
            // only its own crash away, never one armed by an overlapping window.
            let pending = &mut self.core.crash_pending[target.index()];
            if active {
                slot.armed = true;
                *pending += 1;
            } else if slot.armed {
                slot.armed = false;
                *pending = pending.saturating_sub(1);
            }
        }
        self.core.refresh_faults();
        if kind == FaultKind::TrafficSpike {
            let base = self.core.arrivals.base_rate_per_s;
            self.core.reschedule_arrivals(base);
        }
        match &mut self.model {
            Model::Sync(_) => {}
            Model::Event(model) => model.on_faults_changed(&mut self.core),
        }
    }

    /// Applies a live control action now.
    pub(crate) fn apply(&mut self, action: &ControlAction, live_index: u64) {
        let now = self.core.now;
        match action {
            ControlAction::InjectFault { fault } => {
                let start = now + SimTime::from_secs_f64(fault.start_s);
                let end = fault.end_s.map(|end| now + SimTime::from_secs_f64(end));
                self.core
                    .add_fault(fault.clone(), start, end, stream::LIVE_FAULT + live_index);
            }
            ControlAction::Heal { target } => {
                let healed: Vec<usize> = (0..self.core.faults.len())
                    .filter(|&i| {
                        let slot = &self.core.faults[i];
                        slot.active && (target.is_none() || slot.fault.target == *target)
                    })
                    .collect();
                for index in healed {
                    self.core.faults[index].end = Some(now);
                    self.set_fault(index, false);
                }
            }
            ControlAction::SetArrivalRate { per_s } => {
                action.apply_to(&mut self.core.scenario);
                self.core.reschedule_arrivals(*per_s);
            }
            ControlAction::AddService { service } => {
                if service.can_join() && !self.core.present[service.index()] {
                    action.apply_to(&mut self.core.scenario);
                    self.core.present[service.index()] = true;
                    match &mut self.model {
                        Model::Sync(model) => model.on_service_added(&mut self.core, *service),
                        Model::Event(model) => model.on_service_added(&mut self.core, *service),
                    }
                }
            }
            ControlAction::PinOrder { order } => {
                if self.core.tracer.pin(*order)
                    && let Some(state) = self.core.orders.get_mut(*order)
                {
                    state.traced = true;
                }
            }
            other => {
                other.apply_to(&mut self.core.scenario);
                match &mut self.model {
                    Model::Sync(model) => model.on_settings_changed(&mut self.core),
                    Model::Event(model) => model.on_settings_changed(&mut self.core),
                }
            }
        }
    }

    pub fn metrics(&self) -> &Metrics {
        &self.core.metrics
    }

    pub fn trace(&self, order: u64) -> Option<&Trace> {
        self.core.tracer.get(order)
    }

    /// The last few orders each mishap happened to.
    pub fn examples(&self) -> &Examples {
        &self.core.examples
    }

    /// Orders with a trace, ascending.
    pub fn traced_orders(&self) -> Vec<u64> {
        self.core.tracer.orders().collect()
    }

    /// The state of an order still in the live window.
    pub fn order(&self, order: u64) -> Option<&OrderState> {
        self.core.orders.get(order)
    }

    pub fn trace_hash(&self) -> u64 {
        self.core.hash.0
    }

    pub fn events_processed(&self) -> u64 {
        self.core.events_processed
    }

    pub fn snapshot(&self) -> Snapshot {
        match &self.model {
            Model::Sync(model) => model.snapshot(&self.core),
            Model::Event(model) => model.snapshot(&self.core),
        }
    }

    pub fn summary(&self) -> Summary {
        Summary::of(self)
    }

    /// Busy workers, pool size and queue length of a service's worker pool (in the event
    /// design only Order has one; consumers are in the broker's groups).
    pub fn pool(&self, service: ServiceId) -> Option<(u32, u32, u64)> {
        match &self.model {
            Model::Sync(model) => model.pool(service),
            Model::Event(model) => (service == ServiceId::Order).then(|| model.order_pool()),
        }
    }

    /// The broker, for observers that check its invariants (event design only).
    pub fn broker(&self) -> Option<&crate::broker::Broker> {
        match &self.model {
            Model::Event(model) => Some(&model.broker),
            Model::Sync(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn events_stay_small() {
        assert!(
            std::mem::size_of::<super::Ev>() <= 32,
            "{}",
            std::mem::size_of::<super::Ev>()
        );
        eprintln!("Ev is {} bytes", std::mem::size_of::<super::Ev>());
    }
}
