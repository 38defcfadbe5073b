//! The Order service, the only synchronous part of this design (it answers the customer), and
//! producing records to the broker.

use super::*;

impl EventModel {
    pub(super) fn customer_request(&mut self, core: &mut Core, order: u64) {
        if let Some(timeout) = self.config.gateway_timeout {
            core.schedule(
                core.now + timeout,
                Ev::Stream(StreamEv::OrderTimeout { order }),
            );
        }
        let delay = self.config.hop_latency + core.jitter(ServiceId::Order);
        if delay == SimTime::ZERO {
            self.order_arrive(core, order);
        } else {
            self.requests_in_transit += 1;
            core.schedule(
                core.now + delay,
                Ev::Stream(StreamEv::OrderArrive { order }),
            );
        }
    }

    pub(super) fn order_arrive(&mut self, core: &mut Core, order: u64) {
        let restarting = !self.config.event.outbox && core.now < self.order_down_until;
        match service::receive(core, ServiceId::Order, order, restarting) {
            Reception::Hangs => return,
            Reception::Refused => return self.reply(core, order, Reply::Error),
            Reception::Taken => {}
        }
        let station = &mut self.order_station;
        match service::admit(core, station, order, ServiceId::Order, order, true) {
            Admission::Started => self.order_start(core, order),
            Admission::Queued => {}
            Admission::Rejected => self.reply(core, order, Reply::Rejected),
        }
    }

    pub(super) fn order_start(&mut self, core: &mut Core, order: u64) {
        let ends = service::start(core, &mut self.order_station, ServiceId::Order, order);
        core.schedule(ends, Ev::Stream(StreamEv::OrderDone { order }));
    }

    /// Order has stored the order. It sends `OrderCreated` and, holding its worker, waits for
    /// the broker's acknowledgement before it tells the customer "accepted" (`on_acked`).
    pub(super) fn order_done(&mut self, core: &mut Core, order: u64) {
        if service::failed(core, ServiceId::Order, order, true, None) {
            self.release_order_worker(core);
            return self.reply(core, order, Reply::Error);
        }
        let cancelled = core
            .orders
            .get(order)
            .is_some_and(|s| s.status == Status::Cancelled);
        core.metrics
            .service(ServiceId::Order, ServiceCount::Completions);
        if cancelled {
            self.release_order_worker(core);
            return self.reply(core, order, Reply::Accepted);
        }
        core.apply_effect(order, ServiceId::Order);
        if self.config.event.outbox {
            // One transaction stores the order and its event: the order is safe to accept.
            self.outbox.push((order, RecordKind::OrderCreated, false));
            self.start_relay(core);
            self.release_order_worker(core);
            return self.reply(core, order, Reply::Accepted);
        }
        if core.take_crash(ServiceId::Order) {
            return self.crash_between_writes(core, order);
        }
        if let Some(state) = core.orders.get_mut(order) {
            state.awaiting_ack = true;
            self.acks_pending += 1;
        }
        self.produce(
            core,
            ServiceId::Order,
            TopicId::Orders,
            order,
            RecordKind::OrderCreated,
        );
    }

    /// A dual write interrupted: the order is stored, and the instance dies before it
    /// publishes `OrderCreated`. Nobody downstream will ever hear of the order (it is stuck),
    /// the customer's request fails with those queued behind it, and Order refuses requests
    /// until it has restarted.
    fn crash_between_writes(&mut self, core: &mut Core, order: u64) {
        core.count(Count::StuckOrders);
        core.examples.note(Example::Stuck, order);
        let restart_after = core.health[ServiceId::Order.index()].restart_after;
        self.order_down_until = core.now + restart_after.max(SimTime(1));
        let queued: Vec<u64> = self.order_station.queue.drain(..).collect();
        self.release_order_worker(core);
        for failed in std::iter::once(order).chain(queued) {
            core.metrics.service(ServiceId::Order, ServiceCount::Errors);
            core.count(Count::Errors);
            core.trace(
                failed,
                TraceEntry::new(core.now, Step::Crashed).service(ServiceId::Order),
            );
            self.reply(core, failed, Reply::Error);
        }
    }

    fn start_relay(&mut self, core: &mut Core) {
        if !self.relay_ticking {
            self.relay_ticking = true;
            let at = (core.now + self.relay_interval()).max(self.order_down_until);
            core.schedule(at, Ev::Stream(StreamEv::RelayTick));
        }
    }

    fn relay_interval(&self) -> SimTime {
        self.config.event.outbox_relay
    }

    /// The outbox relay's round: the rows it sent last round are acknowledged by now and
    /// marked published; it sends every row still pending. If it crashes right after sending,
    /// before marking them, it sends them all again once restarted: the same events twice.
    pub(super) fn relay_tick(&mut self, core: &mut Core) {
        self.relay_ticking = false;
        self.outbox.drain(..self.relay_sent);
        self.relay_sent = 0;
        if self.outbox.is_empty() {
            return;
        }
        let rows = std::mem::take(&mut self.outbox);
        for &(order, kind, sent_before) in &rows {
            if sent_before {
                core.count(Count::ProducerDuplicates);
            }
            self.produce(core, ServiceId::Order, TopicId::Orders, order, kind);
        }
        self.outbox = rows
            .into_iter()
            .map(|(order, kind, _)| (order, kind, true))
            .collect();
        self.relay_sent = self.outbox.len();
        if core.take_crash(ServiceId::Order) {
            let restart_after = core.health[ServiceId::Order.index()].restart_after;
            self.order_down_until = core.now + restart_after.max(SimTime(1));
            self.relay_sent = 0;
        }
        self.start_relay(core);
    }

    fn release_order_worker(&mut self, core: &mut Core) {
        if let Some(next) = self.order_station.finish() {
            self.order_start(core, next);
        }
    }

    /// The broker acknowledged the order's record (`acked`), or the delivery timeout came
    /// first while the record waited for its partition: then the producer gives it up (it is
    /// never appended) and the customer is told the order failed. Whichever comes first decides; Order's worker is free again.
    pub(super) fn on_acked(&mut self, core: &mut Core, order: u64, acked: bool) {
        let Some(state) = core.orders.get_mut(order).filter(|s| s.awaiting_ack) else {
            return;
        };
        state.awaiting_ack = false;
        self.acks_pending -= 1;
        self.release_order_worker(core);
        if !acked {
            self.held
                .retain(|(_, _, r)| !(r.order == order && r.kind == RecordKind::OrderCreated));
            core.metrics
                .service(ServiceId::Order, ServiceCount::Timeouts);
            core.count(Count::Timeouts);
            core.trace(
                order,
                TraceEntry::new(core.now, Step::TimedOut)
                    .service(ServiceId::Order)
                    .record(RecordKind::OrderCreated),
            );
            return self.reply(core, order, Reply::Error);
        }
        self.reply(core, order, Reply::Accepted);
        if self.terminal.is_none()
            && !core.present[ServiceId::Payment.index()]
            && !core.present[ServiceId::Inventory.index()]
        {
            core.finish(order, Status::Completed, Count::Completed);
        }
    }

    pub(super) fn reply(&mut self, core: &mut Core, order: u64, reply: Reply) {
        let delay = self.config.hop_latency + core.jitter(ServiceId::Order);
        if delay == SimTime::ZERO {
            self.on_reply(core, order, reply);
        } else {
            core.schedule(
                core.now + delay,
                Ev::Stream(StreamEv::OrderReply { order, reply }),
            );
        }
    }

    pub(super) fn on_reply(&mut self, core: &mut Core, order: u64, reply: Reply) {
        if core.orders.get(order).is_none_or(|s| s.answered) {
            return;
        }
        core.answer(order, reply == Reply::Rejected);
        core.trace(
            order,
            TraceEntry::new(core.now, Step::Answered).service(ServiceId::Order),
        );
        match reply {
            Reply::Accepted => core.count(Count::Accepted),
            Reply::Error => _ = core.finish(order, Status::Failed, Count::Failed),
            Reply::Rejected => _ = core.finish(order, Status::Failed, Count::Rejected),
        }
    }

    pub(super) fn on_order_timeout(&mut self, core: &mut Core, order: u64) {
        if core.orders.get(order).is_none_or(|s| s.answered) {
            return;
        }
        core.answer(order, false);
        core.metrics
            .service(ServiceId::Order, ServiceCount::Timeouts);
        core.count(Count::Timeouts);
        core.trace(
            order,
            TraceEntry::new(core.now, Step::TimedOut).service(ServiceId::Order),
        );
        core.finish(order, Status::Failed, Count::Failed);
    }

    /// The customer cancels: Order marks the order and announces it.
    pub(super) fn cancel(&mut self, core: &mut Core, order: u64) {
        let created = core
            .orders
            .get(order)
            .is_some_and(|s| s.effects[ServiceId::Order.index()] > 0);
        if core.finish(order, Status::Cancelled, Count::Cancelled) && created {
            let created_in_outbox = self.outbox.iter().any(|row| row.0 == order);
            if self.config.event.outbox || created_in_outbox {
                // Through the outbox too, so it cannot overtake the order's own event (also
                // when the outbox was switched off while that event still waited in it).
                self.outbox.push((order, RecordKind::OrderCancelled, false));
                return self.start_relay(core);
            }
            self.produce(
                core,
                ServiceId::Order,
                TopicId::Orders,
                order,
                RecordKind::OrderCancelled,
            );
        }
    }

    pub(super) fn partition_for(&mut self, core: &Core, topic: TopicId, order: u64) -> u32 {
        let partitions = self.broker.partition_count().max(1);
        let key = if core.keyless {
            PartitionKey::None
        } else {
            self.config.event.partition_key
        };
        match key {
            PartitionKey::OrderId => (rng::splitmix64(order) % u64::from(partitions)) as u32,
            PartitionKey::CustomerId => {
                let customer = core
                    .orders
                    .get(order)
                    .map_or(order, |s| u64::from(s.customer));
                (rng::splitmix64(customer) % u64::from(partitions)) as u32
            }
            PartitionKey::None => {
                // Without a key the producer picks among the partitions it can reach, as
                // Kafka's partitioner does; a keyed record must wait for its own.
                let topic = &mut self.broker.topics[topic.index()];
                let mut pick = 0;
                for _ in 0..partitions {
                    topic.round_robin = topic.round_robin.wrapping_add(1);
                    pick = topic.round_robin % partitions;
                    if core.unavailable.binary_search(&pick).is_err() {
                        break;
                    }
                }
                pick
            }
        }
    }

    pub(super) fn produce(
        &mut self,
        core: &mut Core,
        producer: ServiceId,
        topic: TopicId,
        order: u64,
        kind: RecordKind,
    ) {
        let partition = self.partition_for(core, topic, order);
        let delay = self.config.event.broker_latency + core.jitter(producer);
        let event = StreamEv::Append {
            topic,
            partition,
            kind,
            order,
            produced_at: core.now,
        };
        self.in_transit[topic.index()] += 1;
        core.schedule(core.now + delay, Ev::Stream(event));
        if core.duplicate_draw(producer) && !self.config.event.idempotent_producer {
            // The acknowledgement was lost and the producer sent the record again.
            self.in_transit[topic.index()] += 1;
            core.count(Count::ProducerDuplicates);
            core.schedule(
                core.now + delay + self.config.event.broker_latency,
                Ev::Stream(event),
            );
        }
    }

    pub(super) fn on_append(
        &mut self,
        core: &mut Core,
        topic: TopicId,
        partition: u32,
        record: Record,
    ) {
        self.in_transit[topic.index()] = self.in_transit[topic.index()].saturating_sub(1);
        if core.unavailable.binary_search(&partition).is_ok() {
            self.held.push((topic, partition, record));
            if record.kind == RecordKind::OrderCreated
                && core
                    .orders
                    .get(record.order)
                    .is_some_and(|s| s.awaiting_ack)
            {
                // Order's wait has a limit, counted from when it sent the record.
                let timeout = self.config.event.delivery_timeout;
                let at = (record.produced_at + timeout).max(core.now);
                let event = StreamEv::DeliveryTimeout {
                    order: record.order,
                };
                core.schedule(at, Ev::Stream(event));
            }
            return;
        }
        self.append(core, topic, partition, record);
    }

    pub(super) fn append(
        &mut self,
        core: &mut Core,
        topic: TopicId,
        partition: u32,
        record: Record,
    ) {
        let Some(log) = self.broker.topics[topic.index()]
            .partitions
            .get_mut(partition as usize)
        else {
            return;
        };
        let offset = log.append(record);
        if record.kind == RecordKind::OrderCreated
            && core
                .orders
                .get(record.order)
                .is_some_and(|s| s.awaiting_ack)
        {
            // acks=all: the acknowledgement travels back to Order.
            core.schedule(
                core.now + self.config.event.broker_latency,
                Ev::Stream(StreamEv::OrderAcked {
                    order: record.order,
                }),
            );
        }
        if core.traced(record.order) {
            let entry = TraceEntry::new(core.now, Step::Produced)
                .service(record.kind.producer())
                .record(record.kind)
                .at_offset(topic, partition, offset);
            core.trace(record.order, entry);
        }
        self.wake(core, topic, partition);
    }

    /// Wakes the owner of a partition in every group that reads it, if it is long-polling.
    pub(super) fn wake(&mut self, core: &mut Core, topic: TopicId, partition: u32) {
        for group in 0..self.broker.groups.len() {
            let g = &mut self.broker.groups[group];
            let Some(&slot) = g.slot_of[topic.index()].get(partition as usize) else {
                continue;
            };
            if slot == NO_SLOT {
                continue;
            }
            let Some(owner) = g.slots[slot as usize].owner else {
                continue;
            };
            let member = &mut g.members[owner as usize];
            if member.waiting && member.alive {
                member.waiting = false;
                let event = StreamEv::Poll {
                    group: group as u8,
                    member: owner as u16,
                    epoch: member.epoch,
                };
                core.schedule(core.now.max(g.paused_until), Ev::Stream(event));
            }
        }
    }
}
