//! The broker as a plain data structure, after Kafka's model: topics of partitions, each an
//! append-only log with offsets; consumer groups that own committed offsets and assign each
//! partition to at most one member. The event-driven design drives it; observers read it.

use crate::chunked::SharedChunkedDeque;
use crate::ids::RecordKind;
use crate::ids::ServiceId;
pub use crate::ids::TopicId;
use crate::time::SimTime;

/// One record on a log. Small and `Copy`: the order is referred to by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    pub order: u64,
    pub kind: RecordKind,
    pub produced_at: SimTime,
}

/// An append-only log. Offsets below `log_start` have expired (retention).
#[derive(Clone, Debug, Default)]
pub struct Partition {
    log: SharedChunkedDeque<Record>,
    log_start: u64,
}

impl Partition {
    pub fn end_offset(&self) -> u64 {
        self.log_start + self.log.len() as u64
    }
    pub fn log_start(&self) -> u64 {
        self.log_start
    }
    pub fn get(&self, offset: u64) -> Option<&Record> {
        let index = offset.checked_sub(self.log_start)?;
        self.log.get(usize::try_from(index).ok()?)
    }
    pub fn append(&mut self, record: Record) -> u64 {
        self.log.push_back(record);
        self.end_offset() - 1
    }
    /// The offset of the first record produced at or after `at` (records are appended in
    /// about the order they are produced), or the end offset if none is.
    pub fn first_at_or_after(&self, at: SimTime) -> u64 {
        let mut offset = self.log_start;
        while let Some(record) = self.log.get((offset - self.log_start) as usize) {
            if record.produced_at >= at {
                break;
            }
            offset += 1;
        }
        offset
    }

    /// Drops records below `offset`; the end offset never moves back.
    pub fn truncate_below(&mut self, offset: u64) {
        while self.log_start < offset && self.log.pop_front() {
            self.log_start += 1;
        }
    }
    pub fn stored(&self) -> usize {
        self.log.len()
    }
}

#[derive(Clone, Debug)]
pub struct Topic {
    pub id: TopicId,
    pub partitions: Vec<Partition>,
    pub(crate) round_robin: u32,
}

/// One partition as seen by one group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub topic: TopicId,
    pub partition: u32,
    pub owner: Option<u32>,
    /// Next offset the group will start from after a rebalance.
    pub committed: u64,
    /// Next offset the owner will process.
    pub position: u64,
    /// Consecutive failures of the record at `position`.
    pub failures: u32,
    /// One past the highest offset the group has processed: a record below it that is
    /// processed again is a redelivery.
    pub processed_end: u64,
}

/// Records fetched by one poll and being processed in offset order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Batch {
    pub slot: u32,
    pub next: u64,
    pub end: u64,
    /// The record at `next` is being delivered a second time by a duplicate-delivery fault;
    /// a repeat is not itself repeated (one draw per delivery, as in the synchronous shop).
    pub repeat: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Member {
    pub alive: bool,
    /// Slots (indices into the group's) this member owns.
    pub slots: Vec<u32>,
    pub(crate) next_slot: usize,
    pub busy: bool,
    /// Long-polling: woken when a record lands on one of its partitions.
    pub waiting: bool,
    /// Bumped on crash and rebalance so events of an earlier life are ignored.
    pub epoch: u32,
    pub batch: Option<Batch>,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub service: ServiceId,
    pub topics: Vec<TopicId>,
    pub slots: Vec<Slot>,
    /// `slot_of[topic][partition]`: index into `slots`, or `NO_SLOT`.
    pub(crate) slot_of: Vec<Vec<u32>>,
    pub members: Vec<Member>,
    pub generation: u32,
    pub paused_until: SimTime,
    /// A rebalance has begun: living members finish the batch they polled and commit it, and
    /// poll nothing more, until partitions are assigned again.
    pub rebalance_pending: bool,
    /// Members beyond this many leave the group once they have finished their batch.
    pub shrink_to: Option<usize>,
}

pub const NO_SLOT: u32 = u32::MAX;

impl Group {
    fn new(service: ServiceId, topics: Vec<TopicId>, partitions: u32, members: u32) -> Group {
        let mut group = Group {
            service,
            topics,
            slots: Vec::new(),
            slot_of: vec![Vec::new(); TopicId::COUNT],
            members: (0..members)
                .map(|_| Member {
                    alive: true,
                    ..Member::default()
                })
                .collect(),
            generation: 0,
            paused_until: SimTime::ZERO,
            rebalance_pending: false,
            shrink_to: None,
        };
        group.add_partitions(partitions);
        group.assign();
        group
    }

    /// Adds slots for partitions that appeared, starting at offset 0 as Kafka does for a new
    /// partition.
    pub(crate) fn add_partitions(&mut self, partitions: u32) {
        for topic in self.topics.clone() {
            let slot_of = &mut self.slot_of[topic.index()];
            for partition in slot_of.len() as u32..partitions {
                slot_of.push(self.slots.len() as u32);
                self.slots.push(Slot {
                    topic,
                    partition,
                    owner: None,
                    committed: 0,
                    position: 0,
                    failures: 0,
                    processed_end: 0,
                });
            }
        }
    }

    /// Spreads slots over alive members round-robin: one owner per slot, surplus members idle.
    pub(crate) fn assign(&mut self) {
        let alive: Vec<u32> = (0..self.members.len() as u32)
            .filter(|&m| self.members[m as usize].alive)
            .collect();
        for member in &mut self.members {
            member.slots.clear();
            member.next_slot = 0;
        }
        for (index, slot) in self.slots.iter_mut().enumerate() {
            slot.owner = if alive.is_empty() {
                None
            } else {
                Some(alive[index % alive.len()])
            };
            if let Some(owner) = slot.owner {
                self.members[owner as usize].slots.push(index as u32);
            }
        }
    }

    pub fn slot(&self, topic: TopicId, partition: u32) -> Option<&Slot> {
        let index = *self.slot_of.get(topic.index())?.get(partition as usize)?;
        self.slots.get(index as usize)
    }

    pub fn alive_members(&self) -> u32 {
        self.members.iter().filter(|m| m.alive).count() as u32
    }
}

/// Topics and consumer groups.
#[derive(Clone, Debug)]
pub struct Broker {
    pub topics: Vec<Topic>,
    pub groups: Vec<Group>,
}

impl Broker {
    pub fn new(partitions: u32) -> Broker {
        let partitions = partitions.max(1);
        let topics = TopicId::ALL
            .iter()
            .map(|&id| Topic {
                id,
                partitions: vec![Partition::default(); partitions as usize],
                round_robin: 0,
            })
            .collect();
        Broker {
            topics,
            groups: Vec::new(),
        }
    }

    pub(crate) fn add_group(
        &mut self,
        service: ServiceId,
        topics: Vec<TopicId>,
        members: u32,
    ) -> usize {
        let partitions = self.partition_count();
        self.groups
            .push(Group::new(service, topics, partitions, members.max(1)));
        self.groups.len() - 1
    }

    pub fn partition_count(&self) -> u32 {
        self.topics[0].partitions.len() as u32
    }

    pub fn topic(&self, id: TopicId) -> &Topic {
        &self.topics[id.index()]
    }

    pub(crate) fn partition_mut(
        &mut self,
        topic: TopicId,
        partition: u32,
    ) -> Option<&mut Partition> {
        self.topics[topic.index()]
            .partitions
            .get_mut(partition as usize)
    }

    pub fn partition(&self, topic: TopicId, partition: u32) -> Option<&Partition> {
        self.topics[topic.index()]
            .partitions
            .get(partition as usize)
    }

    pub fn end_offset(&self, topic: TopicId, partition: u32) -> u64 {
        self.partition(topic, partition)
            .map_or(0, Partition::end_offset)
    }

    /// Records not yet committed by a group, over all its partitions.
    pub fn lag(&self, group: &Group) -> u64 {
        group
            .slots
            .iter()
            .map(|s| {
                self.end_offset(s.topic, s.partition)
                    .saturating_sub(s.committed)
            })
            .sum()
    }

    /// Age of the oldest record a group has not committed.
    pub fn lag_age(&self, group: &Group, now: SimTime) -> SimTime {
        group
            .slots
            .iter()
            .filter_map(|s| self.partition(s.topic, s.partition)?.get(s.committed))
            .map(|record| now - record.produced_at)
            .max()
            .unwrap_or(SimTime::ZERO)
    }

    /// Moves a group's committed offset forward (never back, never past the log's end).
    pub(crate) fn commit(&mut self, group: usize, slot: u32, offset: u64) {
        let Some(s) = self.groups[group].slots.get(slot as usize).copied() else {
            return;
        };
        let end = self.end_offset(s.topic, s.partition);
        debug_assert!(offset <= end, "commit past the end of the log");
        let entry = &mut self.groups[group].slots[slot as usize];
        entry.committed = entry.committed.max(offset.min(end));
    }

    /// Grows every topic to `partitions` partitions (never shrinks, as in Kafka).
    pub(crate) fn grow(&mut self, partitions: u32) {
        if partitions <= self.partition_count() {
            return;
        }
        for topic in &mut self.topics {
            topic
                .partitions
                .resize(partitions as usize, Partition::default());
        }
        for group in &mut self.groups {
            group.add_partitions(partitions);
        }
    }

    /// What copying the logs costs (their chunks are shared).
    pub fn shell_bytes(&self) -> usize {
        self.partitions().map(|p| p.log.shell_bytes()).sum()
    }

    /// Bytes of records this copy holds that `other` does not share.
    pub fn bytes_apart_from(&self, other: &Broker) -> usize {
        self.topics
            .iter()
            .zip(&other.topics)
            .flat_map(|(mine, theirs)| {
                mine.partitions
                    .iter()
                    .enumerate()
                    .map(|(i, p)| match theirs.partitions.get(i) {
                        Some(q) => p.log.bytes_apart_from(&q.log),
                        None => p.stored() * std::mem::size_of::<Record>(),
                    })
            })
            .sum()
    }

    fn partitions(&self) -> impl Iterator<Item = &Partition> {
        self.topics.iter().flat_map(|t| &t.partitions)
    }

    /// Records held in memory by every log.
    pub fn stored_records(&self) -> usize {
        self.topics
            .iter()
            .flat_map(|t| &t.partitions)
            .map(Partition::stored)
            .sum()
    }
}
