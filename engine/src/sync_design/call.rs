//! A call on its way: sent, delivered, queued, worked on, answered or timed out, and what the
//! callee's work does to the order.

use super::*;

impl SyncModel {
    /// Starts one attempt of the call at `step` of the chain (or of its undoing).
    pub(super) fn call(&mut self, core: &mut Core, call: Attempt) {
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

    pub(super) fn send_request(&mut self, core: &mut Core, index: u32) {
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
    pub(super) fn deliver(&mut self, core: &mut Core, index: u32) {
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
    pub(super) fn admit(&mut self, core: &mut Core, index: u32) {
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

    pub(super) fn start(&mut self, core: &mut Core, index: u32) {
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
    pub(super) fn done(&mut self, core: &mut Core, index: u32) {
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
    pub(super) fn crash(&mut self, core: &mut Core, service: ServiceId) {
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
    pub(super) fn undo_effect(&mut self, core: &mut Core, order: u64, callee: ServiceId) {
        let Some(state) = core.orders.get_mut(order) else {
            return;
        };
        state.seen[callee.index()] |= RecordKind::OrderCancelled.bit();
        core.undo(order, callee);
    }

    pub(super) fn side_effect(&mut self, core: &mut Core, order: u64, callee: ServiceId) {
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
    pub(super) fn release_worker(&mut self, core: &mut Core, service: ServiceId) {
        let Some(station) = self.stations[service.index()].as_mut() else {
            return;
        };
        if let Some(next) = station.finish() {
            self.start(core, next);
        }
    }

    #[inline]
    pub(super) fn respond(&mut self, core: &mut Core, index: u32, answer: Answer) {
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

    pub(super) fn on_reply(&mut self, core: &mut Core, index: u32, answer: Answer) {
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

    pub(super) fn on_timeout(&mut self, core: &mut Core, index: u32) {
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
}
