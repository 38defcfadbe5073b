//! What a design looks like at one instant, for drawing: services with their health, workers and
//! queues; messages in flight per edge with a bounded sample to animate; partitions with their
//! end offsets and each group's committed offset and lag.

use crate::broker::TopicId;
use crate::fault::HealthState;
use crate::ids::Design;
use crate::scenario::ServiceId;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub at: SimTime,
    pub design: Design,
    pub services: Vec<ServiceView>,
    pub edges: Vec<EdgeView>,
    pub partitions: Vec<PartitionView>,
    pub groups: Vec<GroupView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceView {
    pub service: ServiceId,
    pub health: HealthState,
    pub workers: u32,
    /// Workers holding a piece of work, including those in `waiting`.
    pub busy: u32,
    /// Of the busy workers, those blocked waiting for a callee's answer (synchronous design);
    /// the rest are working.
    #[serde(default)]
    pub waiting: u32,
    pub queue: u64,
    /// Members of its consumer group (event design).
    pub consumers: u32,
    pub consumers_alive: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum Node {
    Gateway,
    Service(ServiceId),
    Topic(TopicId),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EdgeView {
    pub from: Node,
    pub to: Node,
    /// Messages on the wire (requests and answers, or records not yet visible).
    pub in_flight: u64,
    /// Calls awaiting an answer (sync) or records waiting to be consumed (event).
    pub waiting: u64,
    pub sample: Vec<MessageDot>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageDot {
    pub order: u64,
    pub sent_at: SimTime,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartitionView {
    pub topic: TopicId,
    pub partition: u32,
    /// First offset still stored (older records were truncated).
    pub log_start: u64,
    pub end_offset: u64,
    pub unavailable: bool,
    pub groups: Vec<GroupOffset>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupOffset {
    pub group: ServiceId,
    pub committed: u64,
    pub lag: u64,
    pub owner: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupView {
    pub group: ServiceId,
    pub members: u32,
    pub alive: u32,
    pub generation: u32,
    pub rebalancing: bool,
    pub lag: u64,
    /// Age of the oldest record the group has not committed, in seconds.
    pub lag_s: f64,
    /// Each member in turn (member `m` is `owner: Some(m)` in `PartitionView::groups`).
    #[serde(default)]
    pub member_states: Vec<MemberView>,
}

/// One consumer of a group: a member alive but owning no partition is idle, whatever the load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub alive: bool,
    /// Working on a batch it polled.
    pub busy: bool,
    /// How many partitions (of every topic the group reads) it is assigned.
    pub partitions: u32,
}
