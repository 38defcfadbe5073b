//! Invariant checkers. They only observe a run through the public read API and are kept apart
//! from the model: conservation of orders, offsets and commits, ownership, worker pools.

use engine::broker::TopicId;
use engine::{ServiceId, SimTime, Simulation};

pub struct Checker {
    seed: u64,
    label: &'static str,
    last_now: SimTime,
    buckets_checked: usize,
    /// [topic][partition] → (log start, end offset) last seen.
    logs: Vec<Vec<(u64, u64)>>,
    /// [group][slot] → committed offset last seen.
    committed: Vec<Vec<u64>>,
    /// Scratch: owner of each slot according to the members' own lists.
    owners: Vec<Option<u32>>,
}

impl Checker {
    pub fn new(seed: u64, label: &'static str) -> Checker {
        Checker {
            seed,
            label,
            last_now: SimTime::ZERO,
            buckets_checked: 0,
            logs: vec![Vec::new(); TopicId::ALL.len()],
            committed: Vec::new(),
            owners: Vec::new(),
        }
    }

    fn fail(&self, sim: &Simulation, what: String) -> ! {
        panic!(
            "invariant broken ({}, seed={}, t={}): {what}",
            self.label,
            self.seed,
            sim.now()
        );
    }

    pub fn observe(&mut self, sim: &Simulation) {
        if sim.now() < self.last_now {
            self.fail(sim, format!("time went back from {}", self.last_now));
        }
        self.last_now = sim.now();
        self.conservation(sim);
        self.pools(sim);
        self.broker(sim);
    }

    /// Every order placed is in exactly one state, now and at the end of every bucket.
    fn conservation(&mut self, sim: &Simulation) {
        let metrics = sim.metrics();
        if !metrics.conserved() {
            self.fail(
                sim,
                format!(
                    "orders not conserved: {:?}, in flight {}",
                    metrics.totals, metrics.in_flight
                ),
            );
        }
        for bucket in metrics.buckets().iter_from(self.buckets_checked) {
            let states = bucket.in_flight
                + bucket.total_completed
                + bucket.total_failed
                + bucket.total_cancelled
                + bucket.total_declined;
            if bucket.total_arrived != states {
                self.fail(
                    sim,
                    format!("bucket at {} not conserved: {bucket:?}", bucket.start),
                );
            }
        }
        self.buckets_checked = metrics.buckets().len();
    }

    fn pools(&self, sim: &Simulation) {
        for service in ServiceId::ALL {
            if let Some((busy, workers, _)) = sim.pool(service)
                && busy > workers
            {
                self.fail(sim, format!("{service}: {busy} busy workers of {workers}"));
            }
        }
    }

    fn broker(&mut self, sim: &Simulation) {
        let Some(broker) = sim.broker() else { return };
        for topic in TopicId::ALL {
            let partitions = &broker.topic(topic).partitions;
            self.logs[topic as usize].resize(partitions.len(), (0, 0));
            for (index, partition) in partitions.iter().enumerate() {
                let now = (partition.log_start(), partition.end_offset());
                let before = self.logs[topic as usize][index];
                if now.0 > now.1 {
                    self.fail(
                        sim,
                        format!(
                            "{topic:?}/{index}: log starts at {} past its end {}",
                            now.0, now.1
                        ),
                    );
                }
                if now.1 < before.1 || now.0 < before.0 {
                    self.fail(
                        sim,
                        format!("{topic:?}/{index}: offsets went back from {before:?} to {now:?}"),
                    );
                }
                if now.1 > now.0 && partition.get(now.1 - 1).is_none() {
                    self.fail(
                        sim,
                        format!("{topic:?}/{index}: the last offset is missing"),
                    );
                }
                self.logs[topic as usize][index] = now;
            }
        }
        self.committed.resize(broker.groups.len(), Vec::new());
        for (group_index, group) in broker.groups.iter().enumerate() {
            self.owners.clear();
            self.owners.resize(group.slots.len(), None);
            for (member_index, member) in group.members.iter().enumerate() {
                if member.busy && !member.alive {
                    self.fail(
                        sim,
                        format!("{}: dead member {member_index} is busy", group.service),
                    );
                }
                for &slot in &member.slots {
                    if self.owners[slot as usize]
                        .replace(member_index as u32)
                        .is_some()
                    {
                        self.fail(
                            sim,
                            format!("{}: slot {slot} has two owners", group.service),
                        );
                    }
                }
            }
            self.committed[group_index].resize(group.slots.len(), 0);
            for (slot_index, slot) in group.slots.iter().enumerate() {
                let end = broker.end_offset(slot.topic, slot.partition);
                if slot.committed > end {
                    self.fail(
                        sim,
                        format!(
                            "{}: committed {} past end {end}",
                            group.service, slot.committed
                        ),
                    );
                }
                if slot.owner.is_some() && self.owners[slot_index] != slot.owner {
                    self.fail(
                        sim,
                        format!(
                            "{}: slot {slot_index} owner {:?} disagrees",
                            group.service, slot.owner
                        ),
                    );
                }
                let before = self.committed[group_index][slot_index];
                if slot.committed < before {
                    self.fail(
                        sim,
                        format!(
                            "{}: committed went back from {before} to {}",
                            group.service, slot.committed
                        ),
                    );
                }
                self.committed[group_index][slot_index] = slot.committed;
            }
        }
    }
}
