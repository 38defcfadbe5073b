//! Consumer groups at work: long-polling, batches processed in offset order, commits by
//! policy, failures and dead letters, crashes, session timeouts and rebalances.

use super::*;

impl EventModel {
    pub(super) fn poll_all(&mut self, core: &mut Core, group: usize, at: SimTime) {
        let g = &mut self.broker.groups[group];
        for (index, member) in g.members.iter_mut().enumerate() {
            if member.alive && !member.busy {
                member.waiting = false;
                let event = StreamEv::Poll {
                    group: group as u8,
                    member: index as u16,
                    epoch: member.epoch,
                };
                core.schedule(at, Ev::Stream(event));
            }
        }
    }

    pub(super) fn poll(&mut self, core: &mut Core, group: usize, member: usize) {
        let service = self.broker.groups[group].service;
        let health = core.health[service.index()];
        let g = &self.broker.groups[group];
        let m = &g.members[member];
        if !m.alive
            || m.busy
            || g.rebalance_pending
            || core.now < g.paused_until
            || health.refusing
            || health.hanging
        {
            return;
        }
        let count = m.slots.len();
        let mut chosen = None;
        for step in 0..count {
            let slot_index = m.slots[(m.next_slot + step) % count];
            let slot = &g.slots[slot_index as usize];
            let end = self.broker.end_offset(slot.topic, slot.partition);
            if slot.position < end && core.unavailable.binary_search(&slot.partition).is_err() {
                chosen = Some((step, slot_index, slot.position, end));
                break;
            }
        }
        let Some((step, slot, from, end)) = chosen else {
            self.broker.groups[group].members[member].waiting = true;
            return;
        };
        let to = end.min(from.saturating_add(u64::from(self.config.event.batch_size)));
        if self.config.event.commit == CommitPolicy::BeforeProcessing {
            self.broker.commit(group, slot, to);
        }
        let m = &mut self.broker.groups[group].members[member];
        m.next_slot = (m.next_slot + step + 1) % count.max(1);
        m.busy = true;
        m.batch = Some(Batch {
            slot,
            next: from,
            end: to,
            repeat: false,
        });
        self.schedule_record(core, group, member, SimTime::ZERO);
    }

    /// Schedules the end of the work on the member's next record. Records that only update the
    /// service's own bookkeeping (half of a join, a cancellation, an event it ignores) cost a
    /// fixed small time; records it acts on cost a full service-time draw.
    pub(super) fn schedule_record(
        &mut self,
        core: &mut Core,
        group: usize,
        member: usize,
        delay: SimTime,
    ) {
        let g = &self.broker.groups[group];
        let service = g.service;
        let record = g.members[member].batch.and_then(|batch| {
            let slot = &g.slots[batch.slot as usize];
            self.broker
                .partition(slot.topic, slot.partition)?
                .get(batch.next)
                .copied()
        });
        let acts = record.is_some_and(|r| self.acts_on(core, service, r));
        let health = &core.health[service.index()];
        let base = if acts {
            let worker = &mut self.workers[group];
            worker.distribution.sample(&mut worker.rng)
        } else {
            BOOKKEEPING_MICROS
        };
        let work = crate::station::work_time(base, health);
        let epoch = self.broker.groups[group].members[member].epoch;
        let event = StreamEv::RecordDone {
            group: group as u8,
            member: member as u16,
            epoch,
        };
        core.schedule(core.now + delay + work, Ev::Stream(event));
    }

    pub(super) fn record_done(&mut self, core: &mut Core, group: usize, member: usize) {
        let Some(batch) = self.broker.groups[group].members[member].batch else {
            return;
        };
        let slot = self.broker.groups[group].slots[batch.slot as usize];
        let service = self.broker.groups[group].service;
        let Some(record) = self
            .broker
            .partition(slot.topic, slot.partition)
            .and_then(|p| p.get(batch.next))
            .copied()
        else {
            return self.finish_batch(core, group, member);
        };
        core.metrics.service(service, ServiceCount::Arrivals);
        // Only work can fail: a record the service merely notes down (the first half of a
        // join, a cancellation, an event it ignores) is not drawn for errors or poison, so an
        // error rate fails as many orders as it does in the chain, where each service is
        // called once per order.
        if self.acts_on(core, service, record) {
            // Poison is the order's record that triggers the service's work: the one it acts
            // on (Analytics, which records every event, is poisoned by `OrderCreated`).
            let trigger =
                service != ServiceId::Analytics || record.kind == RecordKind::OrderCreated;
            if service::failed(core, service, record.order, trigger, Some(record.kind)) {
                return self.record_failed(core, group, member, record);
            }
        }
        let slot = &mut self.broker.groups[group].slots[batch.slot as usize];
        slot.failures = 0;
        // Processed before, and read again because that was never committed: a redelivery,
        // whatever made the group go back (a crash, a rebalance, a scale-down). A repeat by
        // the duplicate-delivery fault is counted as that instead.
        let redelivered = !batch.repeat && batch.next < slot.processed_end;
        slot.processed_end = slot.processed_end.max(batch.next + 1);
        if redelivered {
            core.count(Count::Redeliveries);
        }
        if core.traced(record.order) {
            let entry = TraceEntry::new(core.now, Step::Consumed)
                .service(service)
                .record(record.kind)
                .at_offset(slot.topic, slot.partition, batch.next);
            core.trace(record.order, entry);
        }
        self.react(core, service, record);
        core.metrics.service(service, ServiceCount::Completions);
        if core.take_crash(service) {
            return self.crash(core, group, member);
        }
        let repeat = batch.repeat;
        if !repeat && core.duplicate_draw(service) {
            // The delivery was repeated: the same record comes again, once.
            if let Some(batch) = self.broker.groups[group].members[member].batch.as_mut() {
                batch.repeat = true;
            }
            core.count(Count::FaultDuplicates);
            core.trace(
                record.order,
                TraceEntry::new(core.now, Step::Redelivered).service(service),
            );
            return self.schedule_record(core, group, member, SimTime::ZERO);
        }
        self.advance(core, group, member);
    }

    /// The record at the member's position is done with: move on.
    pub(super) fn advance(&mut self, core: &mut Core, group: usize, member: usize) {
        let g = &mut self.broker.groups[group];
        let Some(batch) = g.members[member].batch.as_mut() else {
            return;
        };
        batch.next += 1;
        batch.repeat = false;
        let (slot, next, end) = (batch.slot, batch.next, batch.end);
        g.slots[slot as usize].position = next;
        if next < end {
            return self.schedule_record(core, group, member, SimTime::ZERO);
        }
        self.finish_batch(core, group, member);
    }

    pub(super) fn finish_batch(&mut self, core: &mut Core, group: usize, member: usize) {
        let m = &mut self.broker.groups[group].members[member];
        let batch = m.batch.take();
        m.busy = false;
        if let (Some(batch), CommitPolicy::AfterProcessing) = (batch, self.config.event.commit) {
            let position = self.broker.groups[group].slots[batch.slot as usize].position;
            self.broker.commit(group, batch.slot, position);
        }
        if self.broker.groups[group].rebalance_pending {
            return self.complete_rebalance(core, group);
        }
        self.poll(core, group, member);
    }

    /// The work on `record` failed (counted and traced by [`service::failed`]): dead-letter
    /// it, give it back in a rebalance, or try it again after the backoff.
    pub(super) fn record_failed(
        &mut self,
        core: &mut Core,
        group: usize,
        member: usize,
        record: Record,
    ) {
        let service = self.broker.groups[group].service;
        let Some(batch) = self.broker.groups[group].members[member].batch else {
            return;
        };
        if let Some(batch) = self.broker.groups[group].members[member].batch.as_mut() {
            // A retry after a failure is a delivery of its own.
            batch.repeat = false;
        }
        let failures = {
            let slot = &mut self.broker.groups[group].slots[batch.slot as usize];
            slot.failures += 1;
            slot.failures
        };
        if self
            .config
            .event
            .dead_letter_after
            .is_some_and(|after| failures >= after)
        {
            self.broker.groups[group].slots[batch.slot as usize].failures = 0;
            self.dead_letter(core, service, record);
            return self.advance(core, group, member);
        }
        if self.broker.groups[group].rebalance_pending {
            // The group is waiting for this member: it stops at the failing record, which the
            // partition's next owner reads again from there; under at-most-once, where the
            // offset was committed ahead, it and the rest of the batch are lost instead.
            self.broker.groups[group].members[member].batch = None;
            self.broker.groups[group].members[member].busy = false;
            let committed = self.broker.groups[group].slots[batch.slot as usize].committed;
            if committed > batch.next {
                self.mark_skipped(core, group, batch.slot, batch.next, committed);
            }
            return self.complete_rebalance(core, group);
        }
        // Not dead-lettered (yet): the same record is tried again, which blocks its partition.
        // Counted as a retry, as a synchronous caller's second attempt is.
        core.count(Count::Retries);
        core.metrics.service(service, ServiceCount::Retries);
        let backoff = self.config.event.retry_backoff;
        self.schedule_record(core, group, member, backoff);
    }

    pub(super) fn dead_letter(&mut self, core: &mut Core, service: ServiceId, record: Record) {
        core.count(Count::DeadLettered);
        core.examples.note(Example::DeadLettered, record.order);
        core.trace(
            record.order,
            TraceEntry::new(core.now, Step::DeadLettered)
                .service(service)
                .record(record.kind),
        );
        let parked = Record {
            produced_at: core.now,
            ..record
        };
        let partition = (record.order % u64::from(self.broker.partition_count().max(1))) as u32;
        if let Some(log) = self.broker.topics[TopicId::DeadLetters.index()]
            .partitions
            .get_mut(partition as usize)
        {
            log.append(parked);
        }
        if self.required(service) {
            core.finish(record.order, Status::Failed, Count::Failed);
        }
    }

    /// Whether an order needs this service's work to complete.
    pub(super) fn required(&self, service: ServiceId) -> bool {
        !matches!(service, ServiceId::Fraud | ServiceId::Analytics)
    }

    pub(super) fn crash(&mut self, core: &mut Core, group: usize, member: usize) {
        let service = self.broker.groups[group].service;
        let restart_after = core.health[service.index()].restart_after;
        let session = self.config.event.session_timeout;
        let m = &mut self.broker.groups[group].members[member];
        m.alive = false;
        m.busy = false;
        m.waiting = false;
        m.epoch = m.epoch.wrapping_add(1);
        let epoch = m.epoch;
        if let Some(batch) = m.batch.take() {
            let committed = self.broker.groups[group].slots[batch.slot as usize].committed;
            self.mark_skipped(core, group, batch.slot, batch.next + 1, committed);
        }
        let (g, mb) = (group as u8, member as u16);
        core.schedule(
            core.now + session,
            Ev::Stream(StreamEv::SessionExpired {
                group: g,
                member: mb,
                epoch,
            }),
        );
        core.schedule(
            core.now + restart_after,
            Ev::Stream(StreamEv::Restart {
                group: g,
                member: mb,
            }),
        );
        // If the group was waiting only for this member's batch, it need wait no longer.
        self.complete_rebalance(core, group);
    }

    /// Whether processing `record` is work for `service` (an effect, a record of its own), as
    /// opposed to noting it down.
    pub(super) fn acts_on(&self, core: &Core, service: ServiceId, record: Record) -> bool {
        service == ServiceId::Analytics
            || (record.kind != RecordKind::OrderCancelled
                && self.ready(core, service, record.order, record.kind))
    }

    /// Records from `from` up to `to` will never be processed: committed without it
    /// (at-most-once), or expired before the group read them. An order is lost when one of
    /// them was a record its completion needs (a trigger or either half of a join); skipping
    /// one the service never needs (Shipping's copy of `OrderCreated`) loses nothing.
    pub(super) fn mark_skipped(
        &mut self,
        core: &mut Core,
        group: usize,
        slot: u32,
        from: u64,
        to: u64,
    ) {
        let s = self.broker.groups[group].slots[slot as usize];
        let service = self.broker.groups[group].service;
        for offset in from..to {
            let Some(record) = self
                .broker
                .partition(s.topic, s.partition)
                .and_then(|p| p.get(offset))
                .copied()
            else {
                continue;
            };
            core.trace(
                record.order,
                TraceEntry::new(core.now, Step::Skipped)
                    .service(service)
                    .record(record.kind),
            );
            if self.required(service)
                && self.needs(service, record.kind, &core.present)
                && core
                    .orders
                    .get(record.order)
                    .is_some_and(|o| o.status == Status::InFlight)
            {
                core.mark_lost(record.order);
            }
            // A saga's failure never read: what this service did for the order is never
            // undone.
            if record.kind.is_failure()
                && core.orders.get(record.order).is_some_and(|o| {
                    o.standing_effects(service) > 0 && crate::core::undoable(service)
                })
            {
                core.mark_inconsistent(record.order);
            }
        }
    }

    pub(super) fn on_session_expired(
        &mut self,
        core: &mut Core,
        group: usize,
        member: usize,
        epoch: u32,
    ) {
        let m = &self.broker.groups[group].members[member];
        if !m.alive && m.epoch == epoch {
            self.rebalance(core, group);
        }
    }

    /// A member that comes back (before or after its session expired) has lost whatever it
    /// processed and had not committed: its partitions are read again from their committed
    /// offsets, as Kafka does after any crash.
    pub(super) fn on_restart(&mut self, core: &mut Core, group: usize, member: usize) {
        let g = &mut self.broker.groups[group];
        if g.members[member].alive {
            return;
        }
        for slot in &mut g.slots {
            if slot.owner == Some(member as u32) {
                slot.owner = None;
            }
        }
        g.members[member].alive = true;
        self.rebalance(core, group);
    }

    /// A rebalance begins. Partitions of members that are gone go back to their committed
    /// offsets: what those members processed and did not commit will be read again, and under
    /// at-most-once what they had committed and not processed is lost. Living members first
    /// finish the batch they polled and commit it (in Kafka a member gives up its partitions
    /// from inside its next poll, after processing what the last one returned), so nothing of
    /// theirs is lost or read twice. Then every partition is assigned again after a pause.
    pub(super) fn rebalance(&mut self, core: &mut Core, group: usize) {
        core.count(Count::Rebalances);
        for slot_index in 0..self.broker.groups[group].slots.len() {
            let slot = self.broker.groups[group].slots[slot_index];
            if self.owner_stays(group, slot.owner) {
                continue;
            }
            // (What a dead member had committed ahead of its work was counted lost when it
            // crashed.)
            let s = &mut self.broker.groups[group].slots[slot_index];
            s.position = s.committed;
            s.failures = 0;
            s.owner = None;
        }
        let g = &mut self.broker.groups[group];
        g.generation = g.generation.wrapping_add(1);
        g.rebalance_pending = true;
        self.complete_rebalance(core, group);
    }

    /// Whether `owner` is a living member that finishes its work before the reassignment.
    fn owner_stays(&self, group: usize, owner: Option<u32>) -> bool {
        owner.is_some_and(|o| {
            self.broker.groups[group]
                .members
                .get(o as usize)
                .is_some_and(|m| m.alive)
        })
    }

    /// Once no living member holds a batch: living owners commit where they are, departing
    /// members leave, and every partition is assigned again after the pause.
    pub(super) fn complete_rebalance(&mut self, core: &mut Core, group: usize) {
        let g = &self.broker.groups[group];
        if !g.rebalance_pending || g.members.iter().any(|m| m.alive && m.batch.is_some()) {
            return;
        }
        for slot_index in 0..self.broker.groups[group].slots.len() {
            let slot = self.broker.groups[group].slots[slot_index];
            if self.owner_stays(group, slot.owner)
                && self.config.event.commit != CommitPolicy::BeforeProcessing
            {
                self.broker.commit(group, slot_index as u32, slot.position);
            }
            let s = &mut self.broker.groups[group].slots[slot_index];
            s.position = s.committed;
            s.failures = 0;
        }
        let pause = self.config.event.rebalance;
        let g = &mut self.broker.groups[group];
        g.rebalance_pending = false;
        if let Some(members) = g.shrink_to.take() {
            g.members.truncate(members.max(1));
        }
        for member in &mut g.members {
            member.busy = false;
            member.batch = None;
            member.waiting = false;
            member.epoch = member.epoch.wrapping_add(1);
        }
        g.assign();
        g.paused_until = core.now + pause;
        let at = g.paused_until;
        self.poll_all(core, group, at);
    }
}
