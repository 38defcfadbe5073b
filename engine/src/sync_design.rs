//! The synchronous design: blocking calls through a chain of services. The customer's request
//! reaches Order through the gateway; Order then calls the rest of the chain, either itself, one
//! service after the other (orchestrated), or by calling the next service, which calls the next
//! (nested). Either way a caller's worker is held, waiting, until its callee answers or its
//! timeout fires, so a slow callee ties up its callers' workers and their queues grow. Retries
//! back off exponentially with jitter; a circuit breaker and a bulkhead can fail calls fast.
//! A callee that was given up on keeps working, so its side effects still happen.

use crate::config::EngineConfig;
use crate::core::{Core, undoable};
use crate::events::{Answer, Attempt, Ev, Parent, SyncEv};
use crate::metrics::{Count, ServiceCount, ServiceCounters};
use crate::model::Model;
use crate::orders::Status;
use crate::rng;
use crate::scenario::{ServiceId, SyncStyle};
use crate::service::{self, Admission, Reception};
use crate::snapshot::{EdgeView, MessageDot, Node, ServiceView, Snapshot};
use crate::station::Station;
use crate::time::SimTime;
use crate::trace::{RecordKind, Step, TraceEntry};

/// The parent of the customer's call to the first service (made by the gateway, which holds no
/// worker).
const GATEWAY: Parent = Parent {
    frame: u32::MAX,
    generation: 0,
};

/// Whether the customer has cancelled the order (Order, which holds it, knows).
fn cancelled(core: &Core, order: u64) -> bool {
    core.orders
        .get(order)
        .is_some_and(|s| s.status == Status::Cancelled)
}

/// Most messages per edge listed in a snapshot for animation.
const SAMPLE_PER_EDGE: usize = 16;

/// One attempt of one call. Lives until both sides are done with it.
#[derive(Clone, Copy, Debug)]
struct Frame {
    call: Attempt,
    sent_at: SimTime,
    generation: u32,
    callee: ServiceId,
    /// The request has reached the callee (a crash fails only what reached the instance).
    delivered: bool,
    caller_waiting: bool,
    callee_holding: bool,
}

/// Closed until `failure_threshold` consecutive failures, then open (failing fast) for
/// `open_ms`, then half-open: one trial call decides whether it closes or opens again.
#[derive(Clone, Copy, Debug, Default)]
struct Breaker {
    consecutive_failures: u32,
    /// When it last opened: answers to calls sent before then say nothing about the callee now.
    opened_at: SimTime,
    open_until: SimTime,
    tripped: bool,
    trial_in_flight: bool,
}

impl Breaker {
    /// A trial call that was allowed but never sent (the bulkhead refused it): the next call
    /// may try instead.
    fn cancel_trial(&mut self) {
        self.trial_in_flight = false;
    }

    fn allow(&mut self, now: SimTime) -> bool {
        if !self.tripped {
            return true;
        }
        if now < self.open_until || self.trial_in_flight {
            return false;
        }
        self.trial_in_flight = true;
        true
    }

    /// The answer (or timeout) of a call sent at `sent_at`.
    fn record(
        &mut self,
        now: SimTime,
        sent_at: SimTime,
        success: bool,
        threshold: u32,
        open_for: SimTime,
    ) {
        if self.tripped && sent_at < self.opened_at {
            // Sent while it was still closed: neither closes nor re-opens it.
            return;
        }
        if success {
            *self = Breaker::default();
            return;
        }
        self.consecutive_failures += 1;
        if self.trial_in_flight || (!self.tripped && self.consecutive_failures >= threshold) {
            self.tripped = true;
            self.trial_in_flight = false;
            self.opened_at = now;
            self.open_until = now + open_for;
        }
    }
}

#[derive(Clone)]
pub(crate) struct SyncModel {
    /// The chain and its style, each in force from the first order it applies to. A service
    /// added or the style changed during the run applies to later orders only: orders already
    /// on their way finish the way they started.
    routes: Vec<Route>,
    stations: Vec<Option<Station<u32>>>,
    frames: Vec<Frame>,
    free: Vec<u32>,
    /// Calls awaiting an answer, per callee (what a bulkhead limits).
    calls_in_flight: [u32; ServiceId::COUNT],
    /// Requests and answers on the wire, per callee.
    requests_in_transit: [u32; ServiceId::COUNT],
    replies_in_transit: [u32; ServiceId::COUNT],
    breakers: [Breaker; ServiceId::COUNT],
    /// Workers of each service held while waiting for a callee's answer (part of `busy`).
    waiting: [u32; ServiceId::COUNT],
    /// A crashed instance is restarting until then: calls to it are refused.
    down_until: [SimTime; ServiceId::COUNT],
    config: EngineConfig,
}

/// How orders from `first_order` on go through the shop.
#[derive(Clone, Debug)]
struct Route {
    first_order: u64,
    style: SyncStyle,
    chain: Vec<ServiceId>,
}

/// Every service the shop has, in the order the gateway calls them.
fn present_chain(core: &Core) -> Vec<ServiceId> {
    ServiceId::ALL
        .into_iter()
        .filter(|id| core.present[id.index()])
        .collect()
}

/// The workers and queue of `id`, if the shop has it, with its own stream of service times.
fn station(core: &Core, id: ServiceId) -> Option<Station<u32>> {
    core.scenario.services.get(&id).map(|config| {
        Station::new(
            config,
            rng::stream(core.seed, rng::stream::SERVICE_TIME + id.index() as u64),
        )
    })
}

impl Model for SyncModel {
    fn new(core: &mut Core) -> SyncModel {
        let stations = ServiceId::ALL.iter().map(|&id| station(core, id)).collect();
        SyncModel {
            routes: vec![Route {
                first_order: 0,
                style: core.scenario.sync.style,
                chain: present_chain(core),
            }],
            stations,
            frames: Vec::with_capacity(1024),
            free: Vec::new(),
            calls_in_flight: [0; ServiceId::COUNT],
            requests_in_transit: [0; ServiceId::COUNT],
            replies_in_transit: [0; ServiceId::COUNT],
            breakers: [Breaker::default(); ServiceId::COUNT],
            waiting: [0; ServiceId::COUNT],
            down_until: [SimTime::ZERO; ServiceId::COUNT],
            config: EngineConfig::of(&core.scenario),
        }
    }

    fn on_settings_changed(&mut self, core: &mut Core) {
        self.config = EngineConfig::of(&core.scenario);
        if self.config.sync.style != self.current_route().style {
            let chain = self.current_route().chain.clone();
            self.routes.push(Route {
                first_order: core.orders.next_id(),
                style: self.config.sync.style,
                chain,
            });
        }
    }

    /// Bytes held by call frames and waiting lines.
    fn approx_bytes(&self) -> usize {
        let waiting: usize = self.stations.iter().flatten().map(|s| s.queue.len()).sum();
        (self.frames.len() + self.free.len()) * std::mem::size_of::<Frame>() + waiting * 4
    }

    /// A service joins the chain for orders placed from now on: every caller on the way had to
    /// change to call it.
    fn on_service_added(&mut self, core: &mut Core, service: ServiceId) {
        self.stations[service.index()] = station(core, service);
        self.routes.push(Route {
            first_order: core.orders.next_id(),
            style: self.config.sync.style,
            chain: present_chain(core),
        });
    }

    fn on_arrival(&mut self, core: &mut Core, order: u64) {
        self.call(core, Attempt::first(order, GATEWAY, 0, false));
    }

    /// The customer cancels: the Order service marks the order and refunds what was charged.
    /// Calls already under way still finish; the gateway stops before the next step.
    fn on_cancel(&mut self, core: &mut Core, order: u64) {
        // Order marks it cancelled; undoing what was done is work Order does (`compensate`)
        // once the call it is waiting on answers.
        core.finish(order, Status::Cancelled, Count::Cancelled);
    }

    fn handle(&mut self, core: &mut Core, event: Ev) {
        let Ev::Sync(event) = event else {
            return;
        };
        match event {
            SyncEv::Deliver {
                frame,
                generation,
                callee,
            } => {
                self.requests_in_transit[callee.index()] -= 1;
                if self.live(frame, generation) {
                    self.deliver(core, frame);
                }
            }
            // Work the instance still holds (a crash drops what it held).
            SyncEv::Done { frame, generation }
                if self.live(frame, generation) && self.frames[frame as usize].callee_holding =>
            {
                self.done(core, frame)
            }
            SyncEv::Reply {
                frame,
                generation,
                answer,
                callee,
            } => {
                self.replies_in_transit[callee.index()] -= 1;
                if !self.live(frame, generation) {
                    return;
                }
                self.on_reply(core, frame, answer);
            }
            SyncEv::Timeout { frame, generation } if self.live(frame, generation) => {
                self.on_timeout(core, frame)
            }
            SyncEv::Retry { call }
                if !call.undo && self.cancelled_under_order(core, call.order, call.parent) =>
            {
                // Cancelled while the retry waited: Order undoes instead of trying again.
                if self.waits(call.parent) {
                    self.compensate(core, call.order, call.parent, usize::MAX);
                }
            }
            SyncEv::Retry { call } => {
                let Attempt { order, parent, .. } = call;
                let abandoned = !self.waits(parent)
                    || parent == GATEWAY
                        && core
                            .orders
                            .get(order)
                            .is_none_or(|s| s.status != Status::InFlight);
                if !abandoned {
                    self.call(core, call);
                }
            }
            _ => {}
        }
    }

    fn gauges(&self, _core: &Core) -> ([ServiceCounters; ServiceId::COUNT], (u64, f64)) {
        let mut gauges = [ServiceCounters::default(); ServiceId::COUNT];
        for (gauge, station) in gauges.iter_mut().zip(&self.stations) {
            if let Some(station) = station {
                gauge.busy = u64::from(station.busy);
                gauge.queue = station.queue.len() as u64;
            }
        }
        (gauges, (0, 0.0))
    }

    /// Busy workers and pool size of a service, for observers.
    fn pool(&self, service: ServiceId) -> Option<(u32, u32, u64)> {
        self.stations[service.index()]
            .as_ref()
            .map(|s| (s.busy, s.workers, s.queue.len() as u64))
    }

    fn snapshot(&self, core: &Core) -> Snapshot {
        let services = ServiceId::ALL
            .iter()
            .filter_map(|&id| {
                let station = self.stations[id.index()].as_ref()?;
                Some(ServiceView {
                    service: id,
                    health: core.health[id.index()].state(),
                    workers: station.workers,
                    busy: station.busy,
                    waiting: self.waiting[id.index()],
                    queue: station.queue.len() as u64,
                    consumers: 0,
                    consumers_alive: 0,
                })
            })
            .collect();
        let mut edges = Vec::new();
        let route = self.current_route();
        let chain = &route.chain;
        for (step, &callee) in chain.iter().enumerate() {
            let from = match (route.style, step) {
                (_, 0) => Node::Gateway,
                (SyncStyle::Orchestrated, _) => Node::Service(chain[0]),
                (SyncStyle::Nested, _) => Node::Service(chain[step - 1]),
            };
            let sample = self
                .frames
                .iter()
                .filter(|f| f.callee == callee && f.caller_waiting)
                .take(SAMPLE_PER_EDGE)
                .map(|f| MessageDot {
                    order: f.call.order,
                    sent_at: f.sent_at,
                })
                .collect();
            edges.push(EdgeView {
                from,
                to: Node::Service(callee),
                in_flight: u64::from(
                    self.requests_in_transit[callee.index()]
                        + self.replies_in_transit[callee.index()],
                ),
                waiting: u64::from(self.calls_in_flight[callee.index()]),
                sample,
            });
        }
        Snapshot {
            at: core.now,
            design: core.design,
            services,
            edges,
            partitions: Vec::new(),
            groups: Vec::new(),
        }
    }
}

impl SyncModel {
    /// The route `order` follows (the first one is in force from order 0).
    fn route(&self, order: u64) -> &Route {
        let at = self.routes.partition_point(|r| r.first_order <= order);
        &self.routes[at.saturating_sub(1)]
    }

    /// The chain `order` follows.
    fn chain(&self, order: u64) -> &[ServiceId] {
        &self.route(order).chain
    }

    /// The route new orders follow.
    fn current_route(&self) -> &Route {
        &self.routes[self.routes.len() - 1]
    }

    /// Whether the caller behind `parent` still waits: the gateway always does; a service's
    /// worker unless its instance crashed since.
    fn waits(&self, parent: Parent) -> bool {
        parent == GATEWAY
            || self
                .frames
                .get(parent.frame as usize)
                .is_some_and(|f| f.generation == parent.generation && f.callee_holding)
    }

    fn live(&self, frame: u32, generation: u32) -> bool {
        self.frames
            .get(frame as usize)
            .is_some_and(|f| f.generation == generation)
    }

    #[inline]
    fn allocate(&mut self, frame: Frame) -> u32 {
        match self.free.pop() {
            Some(index) => {
                let generation = self.frames[index as usize].generation;
                self.frames[index as usize] = Frame {
                    generation,
                    ..frame
                };
                index
            }
            None => {
                self.frames.push(frame);
                (self.frames.len() - 1) as u32
            }
        }
    }

    #[inline]
    fn release_frame_if_done(&mut self, index: u32) {
        let frame = &mut self.frames[index as usize];
        if !frame.caller_waiting && !frame.callee_holding {
            frame.generation = frame.generation.wrapping_add(1);
            self.free.push(index);
        }
    }

    /// Starts one attempt of the call at `step` of the chain (or of its undoing).
    fn call(&mut self, core: &mut Core, call: Attempt) {
        let Attempt {
            order,
            parent,
            step,
            attempt,
            ..
        } = call;
        let Some(&callee) = self.chain(order).get(step as usize) else {
            return;
        };
        let now = core.now;
        // The gateway passes the customer's order to Order once and waits for the answer as
        // long as its own timeout allows. Retries, the breaker and the bulkhead are what
        // services use for the calls they make.
        let from_service = parent != GATEWAY;
        if from_service
            && self.config.sync.breaker.is_some()
            && !self.breakers[callee.index()].allow(now)
        {
            core.trace(
                order,
                TraceEntry::new(now, Step::CircuitOpen)
                    .service(callee)
                    .attempt(u32::from(attempt)),
            );
            return self.outcome(core, call, Answer::Open);
        }
        if from_service
            && self
                .config
                .sync
                .bulkhead
                .is_some_and(|limit| self.calls_in_flight[callee.index()] >= limit)
        {
            // If the breaker let this call through as its half-open trial, the trial is not
            // made: without this the breaker would wait for its answer for ever.
            self.breakers[callee.index()].cancel_trial();
            core.trace(
                order,
                TraceEntry::new(now, Step::BulkheadFull)
                    .service(callee)
                    .attempt(u32::from(attempt)),
            );
            return self.outcome(core, call, Answer::Rejected);
        }
        let frame = Frame {
            call,
            sent_at: now,
            generation: 0,
            callee,
            delivered: false,
            caller_waiting: true,
            callee_holding: true,
        };
        let index = self.allocate(frame);
        self.calls_in_flight[callee.index()] += 1;
        if core.traced(order) {
            core.trace(
                order,
                TraceEntry::new(now, Step::CallSent)
                    .service(callee)
                    .attempt(u32::from(attempt)),
            );
        }
        let timeout = if from_service {
            self.config.sync.timeout
        } else {
            self.config.gateway_timeout
        };
        if let Some(timeout) = timeout {
            let generation = self.frames[index as usize].generation;
            core.schedule(
                now + timeout,
                Ev::Sync(SyncEv::Timeout {
                    frame: index,
                    generation,
                }),
            );
        }
        self.send_request(core, index);
    }

    fn send_request(&mut self, core: &mut Core, index: u32) {
        let callee = self.frames[index as usize].callee;
        let delay = self.config.hop_latency + core.jitter(callee);
        if delay == SimTime::ZERO {
            self.deliver(core, index);
        } else {
            self.requests_in_transit[callee.index()] += 1;
            let generation = self.frames[index as usize].generation;
            core.schedule(
                core.now + delay,
                Ev::Sync(SyncEv::Deliver {
                    frame: index,
                    generation,
                    callee,
                }),
            );
        }
    }

    /// A request reaches its service.
    #[inline]
    fn deliver(&mut self, core: &mut Core, index: u32) {
        let frame = &mut self.frames[index as usize];
        frame.delivered = true;
        let (callee, order) = (frame.callee, frame.call.order);
        let restarting = core.now < self.down_until[callee.index()];
        match service::receive(core, callee, order, restarting) {
            Reception::Hangs => {
                self.frames[index as usize].callee_holding = false;
                return self.release_frame_if_done(index);
            }
            Reception::Refused => return self.respond(core, index, Answer::Error),
            Reception::Taken => {}
        }
        if core.duplicate_draw(callee) {
            // The network delivered the request twice; the copy's answer goes nowhere.
            core.count(Count::FaultDuplicates);
            let copy = Frame {
                caller_waiting: false,
                ..self.frames[index as usize]
            };
            let copy_index = self.allocate(copy);
            self.admit(core, copy_index);
        }
        self.admit(core, index);
    }

    #[inline]
    fn admit(&mut self, core: &mut Core, index: u32) {
        let frame = &self.frames[index as usize];
        let (callee, order, waiting) = (frame.callee, frame.call.order, frame.caller_waiting);
        let Some(station) = self.stations[callee.index()].as_mut() else {
            return self.respond(core, index, Answer::Error);
        };
        match service::admit(core, station, index, callee, order, waiting) {
            Admission::Started => self.start(core, index),
            Admission::Queued => {}
            Admission::Rejected => self.respond(core, index, Answer::Rejected),
        }
    }

    fn start(&mut self, core: &mut Core, index: u32) {
        let frame = self.frames[index as usize];
        let Some(station) = self.stations[frame.callee.index()].as_mut() else {
            return;
        };
        let ends = service::start(core, station, frame.callee, frame.call.order);
        core.schedule(
            ends,
            Ev::Sync(SyncEv::Done {
                frame: index,
                generation: frame.generation,
            }),
        );
    }

    /// The callee finished its own work.
    fn done(&mut self, core: &mut Core, index: u32) {
        let frame = self.frames[index as usize];
        let callee = frame.callee;
        // A refund or a release is not the order's own work: poison does not apply to it.
        if service::failed(core, callee, frame.call.order, !frame.call.undo, None) {
            self.release_worker(core, callee);
            return self.respond(core, index, Answer::Error);
        }
        let declined = !frame.call.undo
            && core
                .orders
                .get(frame.call.order)
                .is_some_and(|s| s.is_declined_by(callee));
        if declined {
            core.metrics.service(callee, ServiceCount::Completions);
            core.trace(
                frame.call.order,
                TraceEntry::new(core.now, Step::Declined).service(callee),
            );
            self.release_worker(core, callee);
            return self.respond(core, index, Answer::Declined);
        }
        if frame.call.undo {
            self.undo_effect(core, frame.call.order, callee);
        } else {
            self.side_effect(core, frame.call.order, callee);
        }
        core.metrics.service(callee, ServiceCount::Completions);
        if core.take_crash(callee) {
            // The instance dies after doing the work but before answering.
            return self.crash(core, callee);
        }
        let next = frame.call.step as usize + 1;
        let calls_next = match self.route(frame.call.order).style {
            // Order calls every later service itself; each of them only does its own work.
            SyncStyle::Orchestrated => frame.call.step == 0,
            // Every service calls the one after it.
            SyncStyle::Nested => true,
        };
        // Order does not start the rest of the chain for an order the customer cancelled.
        let stopped = frame.call.step == 0 && cancelled(core, frame.call.order);
        if calls_next && !frame.call.undo && !stopped && next < self.chain(frame.call.order).len() {
            // Hold this worker, waiting, while the rest of the chain runs.
            self.waiting[callee.index()] += 1;
            let parent = Parent {
                frame: index,
                generation: frame.generation,
            };
            return self.call(
                core,
                Attempt::first(frame.call.order, parent, next as u8, false),
            );
        }
        self.release_worker(core, callee);
        self.respond(core, index, Answer::Ok)
    }

    /// The instance of `service` dies: every piece of work it held — the one it had just done,
    /// those in progress, those waiting on a callee and those queued — fails, each an error
    /// its caller is told of, and calls to it are refused until it has restarted. Work it had
    /// done stays done: a crash after charging leaves the charge.
    fn crash(&mut self, core: &mut Core, service: ServiceId) {
        let held: Vec<u32> = (0..self.frames.len() as u32)
            .filter(|&i| {
                let frame = &self.frames[i as usize];
                frame.callee == service && frame.callee_holding && frame.delivered
            })
            .collect();
        if let Some(station) = self.stations[service.index()].as_mut() {
            station.busy = 0;
            station.queue.clear();
        }
        self.waiting[service.index()] = 0;
        let restart_after = core.health[service.index()].restart_after.max(SimTime(1));
        self.down_until[service.index()] = core.now + restart_after;
        for index in held {
            core.metrics.service(service, ServiceCount::Errors);
            core.count(Count::Errors);
            let order = self.frames[index as usize].call.order;
            core.trace(
                order,
                TraceEntry::new(core.now, Step::Crashed).service(service),
            );
            self.respond(core, index, Answer::Error);
        }
    }

    /// A refund or release: the service now knows the order is called off, and takes back
    /// what it did, if anything stands.
    fn undo_effect(&mut self, core: &mut Core, order: u64, callee: ServiceId) {
        let Some(state) = core.orders.get_mut(order) else {
            return;
        };
        state.seen[callee.index()] |= RecordKind::OrderCancelled.bit();
        core.undo(order, callee);
    }

    fn side_effect(&mut self, core: &mut Core, order: u64, callee: ServiceId) {
        let Some(state) = core.orders.get(order) else {
            return;
        };
        let already = state.effects[callee.index()] > 0;
        if already && callee == ServiceId::Payment && self.config.sync.idempotency_keys {
            return;
        }
        core.apply_effect(order, callee);
        if core.traced(order) {
            core.trace(
                order,
                TraceEntry::new(core.now, Step::WorkDone).service(callee),
            );
        }
    }

    #[inline]
    fn release_worker(&mut self, core: &mut Core, service: ServiceId) {
        let Some(station) = self.stations[service.index()].as_mut() else {
            return;
        };
        if let Some(next) = station.finish() {
            self.start(core, next);
        }
    }

    #[inline]
    fn respond(&mut self, core: &mut Core, index: u32, answer: Answer) {
        let frame = &mut self.frames[index as usize];
        frame.callee_holding = false;
        let callee = frame.callee;
        let generation = frame.generation;
        let delay = self.config.hop_latency + core.jitter(callee);
        if delay == SimTime::ZERO {
            self.on_reply(core, index, answer);
        } else {
            self.replies_in_transit[callee.index()] += 1;
            core.schedule(
                core.now + delay,
                Ev::Sync(SyncEv::Reply {
                    frame: index,
                    generation,
                    answer,
                    callee,
                }),
            );
        }
    }

    fn on_reply(&mut self, core: &mut Core, index: u32, answer: Answer) {
        let frame = self.frames[index as usize];
        if !frame.caller_waiting {
            return self.release_frame_if_done(index);
        }
        self.frames[index as usize].caller_waiting = false;
        self.calls_in_flight[frame.callee.index()] -= 1;
        if frame.call.parent != GATEWAY {
            let healthy = matches!(answer, Answer::Ok | Answer::Declined);
            self.record_breaker(core, frame.callee, frame.sent_at, healthy);
        }
        self.release_frame_if_done(index);
        self.outcome(core, frame.call, answer);
    }

    fn on_timeout(&mut self, core: &mut Core, index: u32) {
        let frame = self.frames[index as usize];
        if !frame.caller_waiting {
            return;
        }
        self.frames[index as usize].caller_waiting = false;
        self.calls_in_flight[frame.callee.index()] -= 1;
        core.metrics.service(frame.callee, ServiceCount::Timeouts);
        core.count(Count::Timeouts);
        core.trace(
            frame.call.order,
            TraceEntry::new(core.now, Step::TimedOut)
                .service(frame.callee)
                .attempt(u32::from(frame.call.attempt)),
        );
        self.record_breaker(core, frame.callee, frame.sent_at, false);
        self.release_frame_if_done(index);
        self.outcome(core, frame.call, Answer::Timeout);
    }

    fn record_breaker(&mut self, core: &Core, callee: ServiceId, sent_at: SimTime, success: bool) {
        if let Some((threshold, open_for)) = self.config.sync.breaker {
            self.breakers[callee.index()].record(core.now, sent_at, success, threshold, open_for);
        }
    }

    /// What the caller does with an answer.
    fn outcome(&mut self, core: &mut Core, call: Attempt, answer: Answer) {
        let Attempt {
            order,
            parent,
            step,
            attempt,
            undo,
        } = call;
        if !self.waits(parent) {
            // The worker that made this call is gone with its crashed instance.
            return;
        }
        if answer == Answer::Ok && !undo {
            return self.succeeded(core, order, parent, step);
        }
        if !undo && self.cancelled_under_order(core, order, parent) {
            // Order does not try again for an order the customer cancelled: it undoes instead.
            return self.compensate(core, order, parent, usize::MAX);
        }
        if answer == Answer::Declined && !undo {
            return self.declined(core, order, parent, step);
        }
        // The gateway passes the customer's order on once (resending it could place it twice).
        let retryable = answer != Answer::Open && parent != GATEWAY;
        if answer != Answer::Ok
            && retryable
            && u32::from(attempt) <= self.config.sync.retries.attempts
        {
            return self.schedule_retry(core, call);
        }
        if undo {
            if answer != Answer::Ok {
                // The refund or release never happened: the effect stands on a cancelled order.
                core.mark_inconsistent(order);
            }
            return self.compensate(core, order, parent, step as usize);
        }
        if parent == GATEWAY {
            let refused = matches!(answer, Answer::Rejected | Answer::Open);
            core.answer(order, refused);
            let count = if refused {
                Count::Rejected
            } else {
                Count::Failed
            };
            core.finish(order, Status::Failed, count);
        } else {
            // The caller passes on what it was told: "turned away at once" stays that, so the
            // customer's order counts as rejected, as when the gateway was told so directly.
            let relayed = if matches!(answer, Answer::Rejected | Answer::Open) {
                Answer::Rejected
            } else {
                Answer::Error
            };
            self.caller_done(core, parent, relayed);
        }
    }

    /// A waiting caller's worker has its last answer: it stops waiting, is freed and answers
    /// its own caller.
    fn caller_done(&mut self, core: &mut Core, parent: Parent, answer: Answer) {
        let caller = self.frames[parent.frame as usize].callee;
        debug_assert!(self.waiting[caller.index()] > 0, "a caller was not waiting");
        self.waiting[caller.index()] -= 1;
        self.release_worker(core, caller);
        self.respond(core, parent.frame, answer);
    }

    fn succeeded(&mut self, core: &mut Core, order: u64, parent: Parent, step: u8) {
        if parent == GATEWAY {
            core.answer(order, false);
            if core
                .orders
                .get(order)
                .is_some_and(|s| s.status == Status::Declined)
            {
                core.notify_declined(order, ServiceId::Order);
            }
            if core.finish(order, Status::Completed, Count::Completed) {
                core.count(Count::Accepted);
            }
            return;
        }
        if self.cancelled_under_order(core, order, parent) {
            return self.compensate(core, order, parent, usize::MAX);
        }
        let next = step as usize + 1;
        if self.route(order).style == SyncStyle::Orchestrated && next < self.chain(order).len() {
            // Order, orchestrating, goes on to the next service.
            return self.call(core, Attempt::first(order, parent, next as u8, false));
        }
        self.caller_done(core, parent, Answer::Ok)
    }

    /// A callee turned the order down (the step `step` of its chain). Order, holding the order,
    /// marks it declined and undoes what the steps before it did, one call at a time, before
    /// it answers (the saga's compensation, run by the orchestrator). In a nested chain each
    /// service on the way back undoes its own work before it passes the answer on.
    fn declined(&mut self, core: &mut Core, order: u64, parent: Parent, step: u8) {
        if parent == GATEWAY {
            core.answer(order, false);
            core.finish(order, Status::Declined, Count::Declined);
            return core.notify_declined(order, ServiceId::Order);
        }
        let caller = self.frames[parent.frame as usize];
        if caller.call.step == 0 {
            core.finish(order, Status::Declined, Count::Declined);
            return self.compensate(core, order, parent, step as usize);
        }
        self.undo_effect(core, order, caller.callee);
        self.caller_done(core, parent, Answer::Declined)
    }

    /// Whether `parent` is Order's own worker and the customer has cancelled the order: Order
    /// holds the order, so it knows (it does not know whether the gateway gave up on it).
    fn cancelled_under_order(&self, core: &Core, order: u64, parent: Parent) -> bool {
        parent != GATEWAY
            && self.frames[parent.frame as usize].call.step == 0
            && cancelled(core, order)
    }

    /// Order undoes what stands of a cancelled order, one call at a time, latest step first:
    /// a refund to Payment, a release to Inventory (a shipment or an email cannot be taken
    /// back). Each call takes a worker of the callee and can fail or time out like any other;
    /// once none is left, Order answers its caller. `below`: only steps before this one.
    fn compensate(&mut self, core: &mut Core, order: u64, parent: Parent, below: usize) {
        let chain = self.chain(order);
        let target = core.orders.get(order).and_then(|state| {
            (1..below.min(chain.len()))
                .rev()
                .find(|&k| undoable(chain[k]) && state.standing_effects(chain[k]) > 0)
        });
        match target {
            Some(step) => self.call(core, Attempt::first(order, parent, step as u8, true)),
            None => {
                if let Some(state) = core.orders.get_mut(order) {
                    state.compensated = true;
                }
                self.caller_done(core, parent, Answer::Ok)
            }
        }
    }

    fn schedule_retry(&mut self, core: &mut Core, call: Attempt) {
        let Attempt {
            order,
            step,
            attempt,
            ..
        } = call;
        let Some(&callee) = self.chain(order).get(step as usize) else {
            return;
        };
        core.count(Count::Retries);
        core.metrics.service(callee, ServiceCount::Retries);
        let delay = self
            .config
            .sync
            .backoff(attempt, rng::unit(&mut core.retry_rng));
        core.trace(
            order,
            TraceEntry::new(core.now, Step::RetryScheduled)
                .service(callee)
                .attempt(u32::from(attempt) + 1),
        );
        let event = SyncEv::Retry {
            call: Attempt {
                attempt: attempt.saturating_add(1),
                ..call
            },
        };
        core.schedule(core.now + delay, Ev::Sync(event));
    }
}

#[cfg(test)]
mod tests {
    use super::Breaker;
    use crate::time::SimTime;

    const OPEN_FOR: SimTime = SimTime(500_000);

    fn tripped_at(now: SimTime) -> Breaker {
        let mut breaker = Breaker::default();
        for _ in 0..3 {
            breaker.record(now, now, false, 3, OPEN_FOR);
        }
        assert!(breaker.tripped);
        breaker
    }

    /// A half-open trial that the bulkhead refused leaves the next call free to be the trial.
    #[test]
    fn a_refused_trial_lets_the_next_call_try() {
        let mut breaker = tripped_at(SimTime(1_000_000));
        let later = SimTime(1_600_000);
        assert!(breaker.allow(later), "half-open: one trial");
        assert!(!breaker.allow(later), "one trial at a time");
        breaker.cancel_trial();
        assert!(breaker.allow(later), "the refused trial is given back");
        breaker.record(later, later, true, 3, OPEN_FOR);
        assert!(!breaker.tripped, "a successful trial closes it");
    }

    /// Answers to calls sent before it opened neither close it nor judge the trial.
    #[test]
    fn answers_to_calls_sent_before_it_opened_change_nothing() {
        let opened = SimTime(1_000_000);
        let mut breaker = tripped_at(opened);
        let before = SimTime(900_000);
        breaker.record(SimTime(1_100_000), before, true, 3, OPEN_FOR);
        assert!(
            breaker.tripped,
            "a late success from before does not close it"
        );
        let trial_at = SimTime(1_600_000);
        assert!(breaker.allow(trial_at));
        breaker.record(SimTime(1_650_000), before, false, 3, OPEN_FOR);
        assert!(
            breaker.trial_in_flight,
            "a late failure from before is not the trial's"
        );
        assert_eq!(breaker.open_until, opened + OPEN_FOR);
        breaker.record(SimTime(1_700_000), trial_at, true, 3, OPEN_FOR);
        assert!(!breaker.tripped, "the trial's own answer decides");
    }
}
