//! The event-driven design. Order answers the customer as soon as it has stored the order and
//! produced `OrderCreated`; everything else is choreography over the broker: Payment and
//! Inventory react to new orders, Shipping waits for both, Notification tells the customer.
//! Consumers poll batches, process in offset order and commit by the chosen policy; a crash
//! loses what was processed but not committed, which is then delivered again.

use crate::broker::{Batch, Broker, NO_SLOT, Record, TopicId};
use crate::config::{EngineConfig, group_size};
use crate::core::Core;
use crate::events::{Ev, Reply, StreamEv};
use crate::examples::Example;
use crate::ids::subscriptions;
use crate::metrics::{Count, ServiceCount, ServiceCounters};
use crate::model::Model;
use crate::orders::Status;
use crate::rng;
use crate::scenario::{CommitPolicy, OffsetReset, PartitionKey, ServiceConfig, ServiceId};
use crate::service::{self, Admission, Reception};
use crate::snapshot::{
    EdgeView, GroupOffset, GroupView, MemberView, MessageDot, Node, PartitionView, ServiceView,
    Snapshot,
};
use crate::station::{Distribution, Station};
use crate::time::SimTime;
use crate::trace::{RecordKind, Step, TraceEntry};

mod choreography;
mod consume;
mod order;
mod view;

const SAMPLE_PER_EDGE: usize = 16;
/// Time to read a record a service only notes down.
const BOOKKEEPING_MICROS: f64 = 100.0;

/// A consumer group's service: how long each record takes and its random stream.
#[derive(Clone)]
struct Worker {
    distribution: Distribution,
    rng: rng::Rng,
}

#[derive(Clone)]
pub(crate) struct EventModel {
    pub(crate) broker: Broker,
    order_station: Station<u64>,
    workers: Vec<Worker>,
    config: EngineConfig,
    /// Records produced and not yet on the broker, per topic.
    in_transit: [u64; TopicId::COUNT],
    /// Records held back by the producer while their partition is unavailable.
    held: Vec<(TopicId, u32, Record)>,
    /// Order's workers waiting for the broker to acknowledge an order's record.
    acks_pending: u32,
    /// Outbox rows not yet marked published, oldest first: orders whose `OrderCreated` the
    /// relay has still to send, or has sent in its last round and not yet marked; and whether
    /// it has sent that row before (a relay that crashed sends its round again).
    outbox: Vec<(u64, RecordKind, bool)>,
    /// How many rows at the front of `outbox` the relay has sent and not yet marked.
    relay_sent: usize,
    relay_ticking: bool,
    /// A crashed Order instance (or its relay) is restarting until then.
    order_down_until: SimTime,
    requests_in_transit: u64,
    /// The service whose effect finishes an order, or none when the join of Payment and
    /// Inventory does.
    terminal: Option<ServiceId>,
    commit_ticking: bool,
}

impl Worker {
    /// A service's processing time, drawn from its own stream.
    fn new(seed: u64, service: ServiceId, config: &ServiceConfig) -> Worker {
        Worker {
            distribution: Distribution::new(&config.service_time),
            rng: rng::stream(seed, rng::stream::SERVICE_TIME + service.index() as u64),
        }
    }
}

impl Model for EventModel {
    fn new(core: &mut Core) -> EventModel {
        let config = EngineConfig::of(&core.scenario);
        let mut broker = Broker::new(config.event.partitions);
        let mut workers = Vec::new();
        for (&id, config) in core
            .scenario
            .services
            .iter()
            .filter(|(id, _)| **id != ServiceId::Order)
        {
            broker.add_group(
                id,
                subscriptions(
                    id,
                    &core.present,
                    core.scenario.workload.has_business_failures(),
                ),
                group_size(config),
            );
            workers.push(Worker::new(core.seed, id, config));
        }
        let order_config = core
            .scenario
            .services
            .get(&ServiceId::Order)
            .cloned()
            .unwrap_or_default();
        let order_rng = rng::stream(
            core.seed,
            rng::stream::SERVICE_TIME + ServiceId::Order.index() as u64,
        );
        let terminal = [ServiceId::Notification, ServiceId::Shipping]
            .into_iter()
            .find(|id| core.present[id.index()]);
        let mut model = EventModel {
            broker,
            order_station: Station::new(&order_config, order_rng),
            workers,
            config,
            in_transit: [0; TopicId::COUNT],
            held: Vec::new(),
            acks_pending: 0,
            outbox: Vec::new(),
            relay_sent: 0,
            relay_ticking: false,
            order_down_until: SimTime::ZERO,
            requests_in_transit: 0,
            terminal,
            commit_ticking: false,
        };
        model.start_commit_ticks(core);
        for group in 0..model.broker.groups.len() {
            model.poll_all(core, group, core.now);
        }
        model
    }

    fn on_settings_changed(&mut self, core: &mut Core) {
        let new = EngineConfig::of(&core.scenario);
        // Latencies and the gateway's timeout apply at once, to the rebalances below too;
        // the rest of the options once the groups are resized.
        self.config.hop_latency = new.hop_latency;
        self.config.gateway_timeout = new.gateway_timeout;
        self.config.event.broker_latency = new.event.broker_latency;
        if new.event.partitions > self.broker.partition_count() {
            self.broker.grow(new.event.partitions);
            for group in 0..self.broker.groups.len() {
                self.rebalance(core, group);
            }
        }
        let wanted: Vec<(ServiceId, usize)> = core
            .scenario
            .services
            .iter()
            .map(|(&id, config)| (id, group_size(config) as usize))
            .collect();
        for (id, wanted) in wanted {
            let Some(group) = self.group_of(id) else {
                continue;
            };
            let g = &self.broker.groups[group];
            if wanted != g.shrink_to.unwrap_or(g.members.len()) {
                self.resize_group(core, group, wanted);
            }
        }
        self.config = new;
        self.start_commit_ticks(core);
    }

    /// A new consumer group joins: it subscribes to what the service needs and, having no
    /// committed offsets, starts where `auto_offset_reset` says: at the end of each partition
    /// (Kafka's default) or at the oldest record still retained, to replay history. No
    /// producer, and no other group, changes.
    fn on_service_added(&mut self, core: &mut Core, service: ServiceId) {
        if self.group_of(service).is_some() {
            return;
        }
        let Some(config) = core.scenario.services.get(&service).cloned() else {
            return;
        };
        let group = self.broker.add_group(
            service,
            subscriptions(
                service,
                &core.present,
                core.scenario.workload.has_business_failures(),
            ),
            group_size(&config),
        );
        let earliest = self.config.event.auto_offset_reset == OffsetReset::Earliest;
        let ends: Vec<u64> = self.broker.groups[group]
            .slots
            .iter()
            .map(
                |slot| match self.broker.partition(slot.topic, slot.partition) {
                    Some(p) if earliest => p.log_start(),
                    _ => self.broker.end_offset(slot.topic, slot.partition),
                },
            )
            .collect();
        for (slot, end) in self.broker.groups[group].slots.iter_mut().zip(ends) {
            slot.committed = end;
            slot.position = end;
        }
        self.workers.push(Worker::new(core.seed, service, &config));
        self.poll_all(core, group, core.now);
    }

    fn handle(&mut self, core: &mut Core, event: Ev) {
        let Ev::Stream(event) = event else {
            return;
        };
        match event {
            StreamEv::OrderArrive { order } => {
                self.requests_in_transit = self.requests_in_transit.saturating_sub(1);
                self.order_arrive(core, order);
            }
            StreamEv::OrderDone { order } => self.order_done(core, order),
            StreamEv::OrderReply { order, reply } => self.on_reply(core, order, reply),
            StreamEv::OrderTimeout { order } => self.on_order_timeout(core, order),
            StreamEv::OrderAcked { order } => self.on_acked(core, order, true),
            StreamEv::DeliveryTimeout { order } => self.on_acked(core, order, false),
            StreamEv::RelayTick => self.relay_tick(core),
            StreamEv::Append {
                topic,
                partition,
                kind,
                order,
                produced_at,
            } => self.on_append(
                core,
                topic,
                partition,
                Record {
                    order,
                    kind,
                    produced_at,
                },
            ),
            StreamEv::Poll {
                group,
                member,
                epoch,
            } if self.current(group, member, epoch) => {
                self.poll(core, group as usize, member as usize)
            }
            StreamEv::RecordDone {
                group,
                member,
                epoch,
            } if self.current(group, member, epoch) => {
                self.record_done(core, group as usize, member as usize)
            }
            StreamEv::SessionExpired {
                group,
                member,
                epoch,
            } if self.current(group, member, epoch) => {
                self.on_session_expired(core, group as usize, member as usize, epoch);
            }
            StreamEv::Restart { group, member }
                if (group as usize) < self.broker.groups.len()
                    && (member as usize) < self.broker.groups[group as usize].members.len() =>
            {
                self.on_restart(core, group as usize, member as usize);
            }
            StreamEv::CommitTick => self.commit_tick(core),
            _ => {}
        }
    }

    /// Bytes held by the logs and by records waiting for an unavailable partition.
    fn approx_bytes(&self) -> usize {
        self.broker.stored_records() * std::mem::size_of::<Record>()
            + self.held.len() * std::mem::size_of::<(TopicId, u32, Record)>()
            + self.outbox.len() * std::mem::size_of::<(u64, RecordKind, bool)>()
    }

    fn on_tick(&mut self, core: &mut Core) {
        self.expire(core);
    }

    /// Health or partitions changed: release held records and wake every consumer.
    fn on_faults_changed(&mut self, core: &mut Core) {
        let held = std::mem::take(&mut self.held);
        for (topic, partition, record) in held {
            if core.unavailable.binary_search(&partition).is_ok() {
                self.held.push((topic, partition, record));
            } else {
                self.append(core, topic, partition, record);
            }
        }
        for group in 0..self.broker.groups.len() {
            let at = core.now.max(self.broker.groups[group].paused_until);
            self.poll_all(core, group, at);
        }
    }

    fn on_arrival(&mut self, core: &mut Core, order: u64) {
        self.customer_request(core, order);
    }

    fn on_cancel(&mut self, core: &mut Core, order: u64) {
        self.cancel(core, order);
    }

    fn gauges(&self, core: &Core) -> ([ServiceCounters; ServiceId::COUNT], (u64, f64)) {
        self.gauges_now(core)
    }

    fn snapshot(&self, core: &Core) -> Snapshot {
        self.snapshot_now(core)
    }

    fn pool(&self, service: ServiceId) -> Option<(u32, u32, u64)> {
        (service == ServiceId::Order).then(|| self.order_pool())
    }

    fn broker(&self) -> Option<&Broker> {
        Some(&self.broker)
    }
}

impl EventModel {
    fn start_commit_ticks(&mut self, core: &mut Core) {
        if self.config.event.commit == CommitPolicy::Periodic && !self.commit_ticking {
            self.commit_ticking = true;
            let interval = self.config.event.commit_interval;
            core.schedule(core.now + interval, Ev::Stream(StreamEv::CommitTick));
        }
    }

    fn group_of(&self, service: ServiceId) -> Option<usize> {
        self.broker.groups.iter().position(|g| g.service == service)
    }

    /// New members join at once; members that go finish their batch, commit and leave as
    /// the rebalance completes (a consumer shut down cleanly), so nothing is read twice.
    fn resize_group(&mut self, core: &mut Core, group: usize, members: usize) {
        let g = &mut self.broker.groups[group];
        if members > g.members.len() {
            g.members.resize_with(members, || crate::broker::Member {
                alive: true,
                ..Default::default()
            });
            g.shrink_to = None;
        } else {
            g.shrink_to = Some(members);
        }
        self.rebalance(core, group);
    }

    pub(super) fn current(&self, group: u8, member: u16, epoch: u32) -> bool {
        self.broker
            .groups
            .get(group as usize)
            .and_then(|g| g.members.get(member as usize))
            .is_some_and(|m| m.epoch == epoch)
    }

    pub(super) fn commit_tick(&mut self, core: &mut Core) {
        if self.config.event.commit != CommitPolicy::Periodic {
            self.commit_ticking = false;
            return;
        }
        for group in 0..self.broker.groups.len() {
            for slot in 0..self.broker.groups[group].slots.len() {
                let s = self.broker.groups[group].slots[slot];
                let alive = s
                    .owner
                    .is_some_and(|o| self.broker.groups[group].members[o as usize].alive);
                if alive {
                    self.broker.commit(group, slot as u32, s.position);
                }
            }
        }
        let interval = self.config.event.commit_interval;
        core.schedule(core.now + interval, Ev::Stream(StreamEv::CommitTick));
    }

    /// Retention: records older than `retention_s` leave their log, read or not. A group that
    /// had not read them yet skips them (as Kafka resets an offset that fell off the log to its
    /// start): each is counted expired, and an order loses work it needed.
    fn expire(&mut self, core: &mut Core) {
        let retention = self.config.event.retention;
        if core.now <= retention {
            return;
        }
        let cutoff = core.now - retention;
        for topic in TopicId::ALL {
            for partition in 0..self.broker.partition_count() {
                let Some(log) = self.broker.partition(topic, partition) else {
                    continue;
                };
                let start = log.first_at_or_after(cutoff);
                if start == log.log_start() {
                    continue;
                }
                for group in 0..self.broker.groups.len() {
                    self.skip_expired(core, group, topic, partition, start);
                }
                if let Some(log) = self.broker.partition_mut(topic, partition) {
                    log.truncate_below(start);
                }
            }
        }
    }

    /// Moves `group` on to `start` on one partition, counting what it had not read.
    fn skip_expired(
        &mut self,
        core: &mut Core,
        group: usize,
        topic: TopicId,
        partition: u32,
        start: u64,
    ) {
        let g = &mut self.broker.groups[group];
        let Some(&slot) = g
            .slot_of
            .get(topic.index())
            .and_then(|s| s.get(partition as usize))
        else {
            return;
        };
        let Some(s) = g.slots.get_mut(slot as usize) else {
            return;
        };
        let (position, committed) = (s.position, s.committed);
        s.committed = committed.max(start);
        s.position = position.max(start);
        for member in &mut g.members {
            if let Some(batch) = member.batch.as_mut().filter(|b| b.slot == slot) {
                batch.next = batch.next.max(start);
                batch.end = batch.end.max(start);
            }
        }
        if position < start {
            for _ in position..start {
                core.count(Count::ExpiredRecords);
            }
            // Every record from the old position to the new start was never read.
            self.mark_skipped(core, group, slot, position, start);
        }
    }
}
