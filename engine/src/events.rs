//! The event alphabet: everything that can happen in a run, as small `Copy` values (indices,
//! never owned data), for the world's event queue. The shared events are the world's own; each
//! design adds its own kind, which only that design handles.

use crate::ids::{RecordKind, ServiceId, TopicId};
use crate::time::SimTime;

/// Everything that happens, as a small `Copy` value: indices, never owned data. Arrivals are
/// not in the queue: the next one is a single known time, which spares the queue a fifth of
/// its work in a busy run.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ev {
    Cancel { order: u64 },
    Tick,
    FaultStart { fault: u32 },
    FaultEnd { fault: u32 },
    Sync(SyncEv),
    Stream(StreamEv),
}

impl Ev {
    /// Two words that identify the event in the trace hash.
    #[inline]
    pub fn fingerprint(&self) -> (u64, u64) {
        match *self {
            Ev::Cancel { order } => (2, order),
            Ev::Tick => (3, 0),
            Ev::FaultStart { fault } => (4, u64::from(fault)),
            Ev::FaultEnd { fault } => (5, u64::from(fault)),
            Ev::Sync(event) => event.fingerprint(),
            Ev::Stream(event) => event.fingerprint(),
        }
    }
}

// The synchronous design's events.

/// The frame of the call whose worker makes a call, as it was then: if that worker has since
/// died (its instance crashed) or moved on, the answer finds nobody waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Parent {
    pub frame: u32,
    pub generation: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    Ok,
    Error,
    /// Turned away at once: full queue or full bulkhead.
    Rejected,
    /// Not even sent: the circuit breaker is open. Retrying would not help.
    Open,
    Timeout,
    /// Done, and the answer is no for a business reason (card declined, out of stock): a
    /// healthy answer, never retried, which calls the order off.
    Declined,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum SyncEv {
    /// A request reaches its callee (which the event names, so the count of messages on
    /// the wire stays right even when the frame has moved on).
    Deliver {
        frame: u32,
        generation: u32,
        callee: ServiceId,
    },
    Done {
        frame: u32,
        generation: u32,
    },
    Reply {
        frame: u32,
        generation: u32,
        answer: Answer,
        callee: ServiceId,
    },
    Timeout {
        frame: u32,
        generation: u32,
    },
    Retry {
        call: Attempt,
    },
}

/// One attempt of one call as its caller sees it: for which order, whose worker waits for the
/// answer, which step of the chain (or the undoing of it), and which try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Attempt {
    pub order: u64,
    pub parent: Parent,
    pub step: u8,
    pub attempt: u8,
    /// A compensating call (refund, release) rather than the step's own work.
    pub undo: bool,
}

impl Attempt {
    pub fn first(order: u64, parent: Parent, step: u8, undo: bool) -> Attempt {
        Attempt {
            order,
            parent,
            step,
            attempt: 1,
            undo,
        }
    }
}

impl SyncEv {
    #[inline]
    pub(crate) fn fingerprint(&self) -> (u64, u64) {
        let frame_word =
            |frame: u32, generation: u32| u64::from(frame) | (u64::from(generation) << 32);
        match *self {
            SyncEv::Deliver {
                frame, generation, ..
            } => (10, frame_word(frame, generation)),
            SyncEv::Done { frame, generation } => (11, frame_word(frame, generation)),
            SyncEv::Reply {
                frame,
                generation,
                answer,
                ..
            } => (12 + ((answer as u64) << 4), frame_word(frame, generation)),
            SyncEv::Timeout { frame, generation } => (13, frame_word(frame, generation)),
            SyncEv::Retry {
                call:
                    Attempt {
                        order,
                        step,
                        attempt,
                        undo,
                        ..
                    },
            } => (
                14 + (u64::from(step) << 4) + (u64::from(attempt) << 12) + (u64::from(undo) << 20),
                order,
            ),
        }
    }
}

// The event-driven design's events.

/// How the Order service answered the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reply {
    Accepted,
    Error,
    Rejected,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum StreamEv {
    OrderArrive {
        order: u64,
    },
    OrderDone {
        order: u64,
    },
    OrderReply {
        order: u64,
        reply: Reply,
    },
    OrderTimeout {
        order: u64,
    },
    /// A produced record reaches the broker.
    Append {
        topic: TopicId,
        partition: u32,
        kind: RecordKind,
        order: u64,
        produced_at: SimTime,
    },
    Poll {
        group: u8,
        member: u16,
        epoch: u32,
    },
    RecordDone {
        group: u8,
        member: u16,
        epoch: u32,
    },
    SessionExpired {
        group: u8,
        member: u16,
        epoch: u32,
    },
    Restart {
        group: u8,
        member: u16,
    },
    CommitTick,
    /// The broker's acknowledgement of an order's `OrderCreated` reaches Order.
    OrderAcked {
        order: u64,
    },
    /// Order gives up waiting for that acknowledgement (`delivery_timeout_ms`).
    DeliveryTimeout {
        order: u64,
    },
    /// The outbox relay looks for rows to publish.
    RelayTick,
}

impl StreamEv {
    #[inline]
    pub(crate) fn fingerprint(&self) -> (u64, u64) {
        let member_word = |group: u8, member: u16, epoch: u32| {
            u64::from(group) | (u64::from(member) << 8) | (u64::from(epoch) << 24)
        };
        match *self {
            StreamEv::OrderArrive { order } => (20, order),
            StreamEv::OrderDone { order } => (21, order),
            StreamEv::OrderReply { order, reply } => (22 + ((reply as u64) << 4), order),
            StreamEv::OrderTimeout { order } => (23, order),
            StreamEv::Append {
                topic,
                partition,
                kind,
                order,
                ..
            } => (
                24 + ((topic as u64) << 4) + ((kind as u64) << 8) + (u64::from(partition) << 16),
                order,
            ),
            StreamEv::Poll {
                group,
                member,
                epoch,
            } => (25, member_word(group, member, epoch)),
            StreamEv::RecordDone {
                group,
                member,
                epoch,
            } => (26, member_word(group, member, epoch)),
            StreamEv::SessionExpired {
                group,
                member,
                epoch,
            } => (27, member_word(group, member, epoch)),
            StreamEv::Restart { group, member } => (28, member_word(group, member, 0)),
            StreamEv::CommitTick => (29, 0),
            StreamEv::OrderAcked { order } => (30, order),
            StreamEv::DeliveryTimeout { order } => (31, order),
            StreamEv::RelayTick => (32, 0),
        }
    }
}
