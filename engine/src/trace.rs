//! Per-order causal traces for a bounded sample of orders plus every pinned one, and the run's
//! trace hash: a fingerprint of every event handled, identical on every platform.

pub use crate::ids::RecordKind;
use crate::ids::{ServiceId, TopicId};
use crate::sorted::SortedSet;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Most entries kept per trace; a pathological order (a blocked partition retrying forever)
/// must not grow without bound.
const MAX_ENTRIES: usize = 256;

/// What happened to an order at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Placed,
    CancelRequested,
    /// A synchronous call was sent.
    CallSent,
    /// The callee started working on it.
    WorkStarted,
    /// The callee finished and applied its side effect.
    WorkDone,
    WorkFailed,
    Answered,
    TimedOut,
    RetryScheduled,
    /// The service was down (refusing requests, or restarting after a crash).
    Refused,
    /// The service crashed while it held the order (working on it, or with it in its queue).
    Crashed,
    /// The callee's queue was full: the call was turned away at once.
    Rejected,
    /// The caller's circuit breaker for the callee was open: the call was not made.
    CircuitOpen,
    /// The caller's bulkhead for the callee was full: the call was not made.
    BulkheadFull,
    Produced,
    Consumed,
    Skipped,
    DeadLettered,
    Redelivered,
    /// A compensation: a charge refunded or stock released.
    Undone,
    Completed,
    Failed,
    Cancelled,
    /// A service turned the order down (card declined, out of stock), or the order's outcome:
    /// declined.
    Declined,
    /// The customer was told their order was declined (event design: Notification's email).
    Notified,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceEntry {
    pub at: SimTime,
    pub step: Step,
    pub service: Option<ServiceId>,
    pub record: Option<RecordKind>,
    pub topic: Option<TopicId>,
    pub partition: Option<u32>,
    pub offset: Option<u64>,
    pub attempt: u32,
}

impl TraceEntry {
    pub fn new(at: SimTime, step: Step) -> TraceEntry {
        TraceEntry {
            at,
            step,
            service: None,
            record: None,
            topic: None,
            partition: None,
            offset: None,
            attempt: 0,
        }
    }
    pub fn service(mut self, service: ServiceId) -> Self {
        self.service = Some(service);
        self
    }
    pub fn record(mut self, record: RecordKind) -> Self {
        self.record = Some(record);
        self
    }
    pub fn attempt(mut self, attempt: u32) -> Self {
        self.attempt = attempt;
        self
    }
    pub fn at_offset(mut self, topic: TopicId, partition: u32, offset: u64) -> Self {
        self.topic = Some(topic);
        self.partition = Some(partition);
        self.offset = Some(offset);
        self
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub order: u64,
    pub entries: Vec<TraceEntry>,
    pub truncated: bool,
}

impl Trace {
    /// Why the order failed, in words, from its trace: the last thing that went wrong on its
    /// way, and the one that led to it when that was at another service ("the wait for Order
    /// timed out; before that, the wait for Payment timed out (attempt 3)"). None when the
    /// trace shows nothing going wrong.
    pub fn failure_cause(&self) -> Option<String> {
        let end = self
            .entries
            .iter()
            .rposition(|e| e.step == Step::Failed)
            .unwrap_or(self.entries.len());
        let entries = &self.entries[..end];
        let last_at = entries.iter().rposition(|e| is_trouble(e.step))?;
        let last = &entries[last_at];
        let mut text = trouble(last);
        if let Some(before) = entries[..last_at]
            .iter()
            .rev()
            .find(|e| is_trouble(e.step) && e.service != last.service)
        {
            text += "; before that, ";
            text += &trouble(before);
        }
        Some(text)
    }
}

/// Steps where something went wrong for the order.
fn is_trouble(step: Step) -> bool {
    matches!(
        step,
        Step::TimedOut
            | Step::Rejected
            | Step::CircuitOpen
            | Step::BulkheadFull
            | Step::Refused
            | Step::Crashed
            | Step::WorkFailed
            | Step::DeadLettered
    )
}

/// What went wrong at one step of trouble, in words.
fn trouble(entry: &TraceEntry) -> String {
    let service = entry.service.map_or("a service", ServiceId::title);
    let mut text = match (entry.step, entry.record) {
        // Order waited for the broker to acknowledge its event.
        (Step::TimedOut, Some(record)) => {
            format!(
                "the broker did not acknowledge {service}'s {} in time",
                record.name()
            )
        }
        (Step::TimedOut, None) => format!("the wait for {service} timed out"),
        (Step::Rejected, _) => format!("{service} turned it away at once: its queue was full"),
        (Step::CircuitOpen, _) => {
            format!("the call to {service} was not made: the circuit breaker was open")
        }
        (Step::BulkheadFull, _) => {
            format!("the call to {service} was not made: the bulkhead was full")
        }
        (Step::Refused, _) => format!("{service} was down and refused it"),
        (Step::Crashed, _) => format!("{service} crashed while it held the order"),
        (Step::DeadLettered, _) => format!("{service} gave up on its record (dead-lettered)"),
        _ => format!("{service} failed while handling it"),
    };
    if entry.attempt > 1 {
        text += &format!(" (attempt {})", entry.attempt);
    }
    text
}

/// Chooses which orders are traced and keeps their traces.
#[derive(Clone)]
pub struct Tracer {
    sample_every: u64,
    max_sampled: usize,
    pinned: SortedSet<u64>,
    /// In order id. Orders are placed in id order, so a new trace goes at the back and the
    /// oldest sampled one sits behind only the (few) older pinned ones.
    traces: VecDeque<Trace>,
    sampled: VecDeque<u64>,
}

impl Tracer {
    pub fn new(sample_every: u64, max_sampled: u32, pinned: &[u64]) -> Tracer {
        Tracer {
            sample_every,
            max_sampled: max_sampled as usize,
            pinned: pinned.iter().copied().collect(),
            traces: VecDeque::new(),
            sampled: VecDeque::new(),
        }
    }

    fn find(&self, order: u64) -> Result<usize, usize> {
        self.traces.binary_search_by_key(&order, |t| t.order)
    }

    /// Starts an empty trace unless there is one; true if it is new.
    fn open(&mut self, order: u64) -> bool {
        match self.find(order) {
            Ok(_) => false,
            Err(at) => {
                self.traces.insert(
                    at,
                    Trace {
                        order,
                        ..Trace::default()
                    },
                );
                true
            }
        }
    }

    /// Decides at placement whether to trace an order.
    pub fn start(&mut self, order: u64) -> bool {
        if self.pinned.contains(&order) {
            self.open(order);
            return true;
        }
        if self.sample_every == 0
            || self.max_sampled == 0
            || !order.is_multiple_of(self.sample_every)
        {
            return false;
        }
        if self.sampled.len() >= self.max_sampled
            && let Some(oldest) = self.sampled.pop_front()
            && let Ok(at) = self.find(oldest)
        {
            self.traces.remove(at);
        }
        self.sampled.push_back(order);
        self.open(order);
        true
    }

    /// Pins an order from now on. Returns whether it is newly traced.
    pub fn pin(&mut self, order: u64) -> bool {
        self.pinned.insert(order);
        if let Some(position) = self.sampled.iter().position(|&o| o == order) {
            self.sampled.remove(position);
        }
        self.open(order)
    }

    pub fn record(&mut self, order: u64, entry: TraceEntry) {
        if let Ok(at) = self.find(order) {
            let trace = &mut self.traces[at];
            if trace.entries.len() < MAX_ENTRIES {
                trace.entries.push(entry);
            } else {
                trace.truncated = true;
            }
        }
    }

    /// No trace is kept: nothing recorded would be kept either.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.traces.is_empty()
    }

    pub fn get(&self, order: u64) -> Option<&Trace> {
        self.find(order).ok().map(|at| &self.traces[at])
    }

    pub fn orders(&self) -> impl Iterator<Item = u64> + '_ {
        self.traces.iter().map(|t| t.order)
    }

    /// Bytes held by the traces kept.
    pub fn approx_bytes(&self) -> usize {
        let entries: usize = self.traces.iter().map(|t| t.entries.len()).sum();
        entries * std::mem::size_of::<TraceEntry>() + self.traces.len() * 64
    }
}

/// FNV-1a over 64-bit words. Inputs are always explicit `u64`s, never `usize` or std's
/// `Hasher`, so the value is the same on 32-bit wasm and 64-bit native builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceHash(pub u64);

impl Default for TraceHash {
    fn default() -> Self {
        TraceHash(0xCBF2_9CE4_8422_2325)
    }
}

impl TraceHash {
    const PRIME: u64 = 0x0000_0100_0000_01B3;

    #[inline]
    pub fn word(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(Self::PRIME);
    }
}
