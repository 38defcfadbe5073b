//! What a caller does with an answer: the breaker's record, a retry, the next step of the
//! chain, the customer's answer, and compensation when the order is called off.

use super::*;

impl SyncModel {
    pub(super) fn record_breaker(
        &mut self,
        core: &Core,
        callee: ServiceId,
        sent_at: SimTime,
        success: bool,
    ) {
        if let Some((threshold, open_for)) = self.config.sync.breaker {
            self.breakers[callee.index()].record(core.now, sent_at, success, threshold, open_for);
        }
    }

    /// What the caller does with an answer.
    pub(super) fn outcome(&mut self, core: &mut Core, call: Attempt, answer: Answer) {
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
    pub(super) fn caller_done(&mut self, core: &mut Core, parent: Parent, answer: Answer) {
        let caller = self.frames[parent.frame as usize].callee;
        debug_assert!(self.waiting[caller.index()] > 0, "a caller was not waiting");
        self.waiting[caller.index()] -= 1;
        self.release_worker(core, caller);
        self.respond(core, parent.frame, answer);
    }

    pub(super) fn succeeded(&mut self, core: &mut Core, order: u64, parent: Parent, step: u8) {
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
    pub(super) fn declined(&mut self, core: &mut Core, order: u64, parent: Parent, step: u8) {
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
    pub(super) fn cancelled_under_order(&self, core: &Core, order: u64, parent: Parent) -> bool {
        parent != GATEWAY
            && self.frames[parent.frame as usize].call.step == 0
            && cancelled(core, order)
    }

    /// Order undoes what stands of a cancelled order, one call at a time, latest step first:
    /// a refund to Payment, a release to Inventory (a shipment or an email cannot be taken
    /// back). Each call takes a worker of the callee and can fail or time out like any other;
    /// once none is left, Order answers its caller. `below`: only steps before this one.
    pub(super) fn compensate(&mut self, core: &mut Core, order: u64, parent: Parent, below: usize) {
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

    pub(super) fn schedule_retry(&mut self, core: &mut Core, call: Attempt) {
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
