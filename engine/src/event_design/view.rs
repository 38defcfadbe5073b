//! Gauges for the metrics and snapshots for drawing.

use super::*;

impl EventModel {
    pub(super) fn gauges_now(
        &self,
        core: &Core,
    ) -> ([ServiceCounters; ServiceId::COUNT], (u64, f64)) {
        let mut gauges = [ServiceCounters::default(); ServiceId::COUNT];
        let order = &mut gauges[ServiceId::Order.index()];
        order.busy = u64::from(self.order_station.busy);
        order.queue = self.order_station.queue.len() as u64;
        let mut max_lag = (0, 0.0f64);
        for group in &self.broker.groups {
            let lag = self.broker.lag(group);
            let gauge = &mut gauges[group.service.index()];
            gauge.busy = group.members.iter().filter(|m| m.busy).count() as u64;
            gauge.queue = lag;
            gauge.lag = lag;
            max_lag.0 = max_lag.0.max(lag);
            max_lag.1 = max_lag
                .1
                .max(self.broker.lag_age(group, core.now).as_secs_f64());
        }
        (gauges, max_lag)
    }

    pub(crate) fn order_pool(&self) -> (u32, u32, u64) {
        let station = &self.order_station;
        (station.busy, station.workers, station.queue.len() as u64)
    }

    pub(super) fn snapshot_now(&self, core: &Core) -> Snapshot {
        let mut services = vec![ServiceView {
            service: ServiceId::Order,
            health: core.health[ServiceId::Order.index()].state(),
            workers: self.order_station.workers,
            busy: self.order_station.busy,
            waiting: self.acks_pending,
            queue: self.order_station.queue.len() as u64,
            consumers: 0,
            consumers_alive: 0,
        }];
        let mut edges = vec![EdgeView {
            from: Node::Gateway,
            to: Node::Service(ServiceId::Order),
            in_flight: self.requests_in_transit,
            waiting: u64::from(self.order_station.busy) + self.order_station.queue.len() as u64,
            sample: Vec::new(),
        }];
        let producers = [
            (ServiceId::Order, TopicId::Orders),
            (ServiceId::Payment, TopicId::Payments),
            (ServiceId::Inventory, TopicId::Inventory),
            (ServiceId::Shipping, TopicId::Shipments),
        ];
        for (service, topic) in producers
            .into_iter()
            .filter(|(s, _)| core.present[s.index()])
        {
            let sample = core
                .queue
                .iter()
                .filter_map(|(_, event)| match *event {
                    Ev::Stream(StreamEv::Append {
                        topic: t,
                        order,
                        produced_at,
                        ..
                    }) if t == topic => Some(MessageDot {
                        order,
                        sent_at: produced_at,
                    }),
                    _ => None,
                })
                .take(SAMPLE_PER_EDGE)
                .collect();
            edges.push(EdgeView {
                from: Node::Service(service),
                to: Node::Topic(topic),
                in_flight: self.in_transit[topic.index()],
                waiting: 0,
                sample,
            });
        }
        let mut groups = Vec::new();
        for group in &self.broker.groups {
            let busy = group.members.iter().filter(|m| m.busy).count() as u32;
            let alive = group.alive_members();
            services.push(ServiceView {
                service: group.service,
                health: core.health[group.service.index()].state(),
                workers: group.members.len() as u32,
                busy,
                waiting: 0,
                queue: self.broker.lag(group),
                consumers: group.members.len() as u32,
                consumers_alive: alive,
            });
            for &topic in &group.topics {
                let waiting = group
                    .slots
                    .iter()
                    .filter(|s| s.topic == topic)
                    .map(|s| {
                        self.broker
                            .end_offset(s.topic, s.partition)
                            .saturating_sub(s.position)
                    })
                    .sum();
                let sample = group
                    .members
                    .iter()
                    .filter_map(|m| m.batch)
                    .filter(|b| group.slots[b.slot as usize].topic == topic)
                    .filter_map(|b| {
                        let slot = &group.slots[b.slot as usize];
                        self.broker
                            .partition(slot.topic, slot.partition)?
                            .get(b.next)
                    })
                    .take(SAMPLE_PER_EDGE)
                    .map(|r| MessageDot {
                        order: r.order,
                        sent_at: r.produced_at,
                    })
                    .collect();
                edges.push(EdgeView {
                    from: Node::Topic(topic),
                    to: Node::Service(group.service),
                    in_flight: 0,
                    waiting,
                    sample,
                });
            }
            groups.push(GroupView {
                group: group.service,
                members: group.members.len() as u32,
                alive,
                generation: group.generation,
                rebalancing: group.rebalance_pending || core.now < group.paused_until,
                lag: self.broker.lag(group),
                lag_s: self.broker.lag_age(group, core.now).as_secs_f64(),
                member_states: group
                    .members
                    .iter()
                    .map(|m| MemberView {
                        alive: m.alive,
                        busy: m.busy,
                        partitions: m.slots.len() as u32,
                    })
                    .collect(),
            });
        }
        Snapshot {
            at: core.now,
            design: core.design,
            services,
            edges,
            partitions: self.partition_views(core),
            groups,
        }
    }

    pub(super) fn partition_views(&self, core: &Core) -> Vec<PartitionView> {
        let mut views = Vec::new();
        for topic in &self.broker.topics {
            for (index, partition) in topic.partitions.iter().enumerate() {
                let index = index as u32;
                let groups = self
                    .broker
                    .groups
                    .iter()
                    .filter_map(|g| {
                        let slot = g.slot(topic.id, index)?;
                        Some(GroupOffset {
                            group: g.service,
                            committed: slot.committed,
                            lag: partition.end_offset().saturating_sub(slot.committed),
                            owner: slot.owner,
                        })
                    })
                    .collect();
                views.push(PartitionView {
                    topic: topic.id,
                    partition: index,
                    log_start: partition.log_start(),
                    end_offset: partition.end_offset(),
                    unavailable: core.unavailable.binary_search(&index).is_ok(),
                    groups,
                });
            }
        }
        views
    }
}
