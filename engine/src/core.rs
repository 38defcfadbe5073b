//! The world both designs run in: the clock, the event queue, the live orders, the faults and
//! each service's health, the metrics, traces and examples, and the rules both designs share
//! for what happens to an order (placed, answered, finished, an effect applied or undone).

use crate::control::ControlAction;
use crate::events::Ev;
use crate::examples::{Example, Examples};
use crate::fault::{Fault, FaultKind, Health};
use crate::ids::{Design, RecordKind, ServiceId};
use crate::metrics::{Count, Metrics};
use crate::orders::{OrderBook, OrderState, Status};
use crate::queue::EventQueue;
use crate::rng::{self, Rng};
use crate::scenario::Scenario;
use crate::time::SimTime;
use crate::trace::{Step, TraceEntry, TraceHash, Tracer};
use crate::workload::Arrivals;

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

    /// Whether `order`'s steps are being recorded. Nothing is while the tracer holds no
    /// trace at all (sampling off and nothing pinned), and then no order is looked up.
    #[inline]
    pub fn traced(&self, order: u64) -> bool {
        !self.tracer.is_empty() && self.orders.get(order).is_some_and(|state| state.traced)
    }

    #[inline]
    pub fn trace(&mut self, order: u64, entry: TraceEntry) {
        if !self.tracer.is_empty() {
            self.trace_held(order, entry);
        }
    }

    /// The rest of [`Core::trace`], kept out of line: it is called from dozens of places.
    #[inline(never)]
    fn trace_held(&mut self, order: u64, entry: TraceEntry) {
        if self.orders.get(order).is_some_and(|state| state.traced) {
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
    pub fn place_order(&mut self) -> u64 {
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

    pub fn reschedule_arrivals(&mut self, base_rate: f64) {
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

    pub fn add_fault(
        &mut self,
        fault: Fault,
        start: SimTime,
        end: Option<SimTime>,
        stream_id: u64,
    ) {
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

impl Core {
    /// A new world for `design`: no orders yet, the first metrics tick and the scenario's
    /// faults scheduled.
    pub fn new(scenario: &Scenario, seed: u64, design: Design) -> Core {
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
                .map(|i| rng::stream(seed, rng::stream::SERVICE_FAULTS + i))
                .collect(),
            retry_rng: rng::stream(seed, rng::stream::RETRY_JITTER),
            present,
        };
        let bucket = core.metrics.bucket_width;
        core.schedule(bucket, Ev::Tick);
        for (index, fault) in scenario.faults.iter().enumerate() {
            let start = SimTime::from_secs_f64(fault.start_s);
            let end = fault.end_s.map(SimTime::from_secs_f64);
            core.add_fault(fault.clone(), start, end, rng::stream::FAULT + index as u64);
        }
        core
    }

    /// Time of the next pending event: the next arrival or the queue's first.
    #[inline]
    pub fn next_event_time(&self) -> Option<SimTime> {
        let arrival = Some(self.arrivals.next_at).filter(|&at| at != SimTime::NEVER);
        match (arrival, self.queue.peek_time()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Closes the metrics bucket that ends now with the design's gauges, and lets go of
    /// orders that left the live window.
    pub fn close_bucket(
        &mut self,
        gauges: &[crate::metrics::ServiceCounters; ServiceId::COUNT],
        lag: (u64, f64),
    ) {
        let now = self.now;
        self.metrics.close_bucket(now, gauges, lag);
        let dropped = self.orders.evict(now);
        if dropped > 0 {
            // Their refunds or releases can no longer be made: they stay charged for good.
            self.metrics.pending_compensations -= dropped;
            for _ in 0..dropped {
                self.metrics.count(Count::InconsistentOrders);
            }
        }
    }

    /// Starts or ends fault `index`. Returns whether anything changed (the design is then
    /// told).
    pub fn set_fault(&mut self, index: usize, active: bool) -> bool {
        let now = self.now;
        let Some(slot) = self.faults.get_mut(index) else {
            return false;
        };
        if slot.active == active || (!active && slot.start > now) {
            return false;
        }
        if active && slot.end.is_some_and(|end| end <= now && end > slot.start) {
            return false;
        }
        slot.active = active;
        let kind = slot.fault.kind;
        let target = slot.fault.target;
        if kind == FaultKind::ConsumerCrash
            && let Some(target) = target
        {
            // Each window arms one crash; a window that ends before its crash happened takes
            // only its own crash away, never one armed by an overlapping window.
            let pending = &mut self.crash_pending[target.index()];
            if active {
                slot.armed = true;
                *pending += 1;
            } else if slot.armed {
                slot.armed = false;
                *pending = pending.saturating_sub(1);
            }
        }
        self.refresh_faults();
        if kind == FaultKind::TrafficSpike {
            let base = self.arrivals.base_rate_per_s;
            self.reschedule_arrivals(base);
        }
        true
    }
}

/// What the design must hear of after the world took a control action.
pub(crate) enum Then {
    Nothing,
    /// End these faults, one at a time (the design hears of each).
    Heal(Vec<usize>),
    ServiceAdded(ServiceId),
    SettingsChanged,
}

impl Core {
    /// Takes a live control action now, as far as the world goes.
    pub fn apply(&mut self, action: &ControlAction, live_index: u64) -> Then {
        let now = self.now;
        match action {
            ControlAction::InjectFault { fault } => {
                let start = now + SimTime::from_secs_f64(fault.start_s);
                let end = fault.end_s.map(|end| now + SimTime::from_secs_f64(end));
                let stream_id = rng::stream::LIVE_FAULT + live_index;
                self.add_fault(fault.clone(), start, end, stream_id);
                Then::Nothing
            }
            ControlAction::Heal { target } => Then::Heal(
                (0..self.faults.len())
                    .filter(|&i| {
                        let slot = &self.faults[i];
                        slot.active && (target.is_none() || slot.fault.target == *target)
                    })
                    .collect(),
            ),
            ControlAction::SetArrivalRate { per_s } => {
                action.apply_to(&mut self.scenario);
                self.reschedule_arrivals(*per_s);
                Then::Nothing
            }
            ControlAction::AddService { service } => {
                if !service.can_join() || self.present[service.index()] {
                    return Then::Nothing;
                }
                action.apply_to(&mut self.scenario);
                self.present[service.index()] = true;
                Then::ServiceAdded(*service)
            }
            ControlAction::PinOrder { order } => {
                if self.tracer.pin(*order)
                    && let Some(state) = self.orders.get_mut(*order)
                {
                    state.traced = true;
                }
                Then::Nothing
            }
            other => {
                other.apply_to(&mut self.scenario);
                Then::SettingsChanged
            }
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
