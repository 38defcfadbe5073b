//! The state of every live order, shared by the model (which mutates it) and the metrics (which
//! count its transitions). Orders sit in a window indexed by id; finished ones leave it after a
//! grace period so late work (a callee finishing after its caller gave up) still finds them,
//! while memory stays bounded on long runs.

use crate::chunked::ChunkedDeque;
use crate::scenario::ServiceId;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    InFlight,
    Completed,
    Failed,
    Cancelled,
    /// Turned down for a business reason (card declined, out of stock): the shop undoes what
    /// it did for it.
    Declined,
}

impl Status {
    /// The status in words, as a sentence shows it.
    pub const fn label(self) -> &'static str {
        match self {
            Status::InFlight => "in flight",
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
            Status::Declined => "declined",
        }
    }
}

/// Everything the engine tracks about one order.
#[derive(Clone, Copy, Debug)]
pub struct OrderState {
    pub arrived: SimTime,
    pub customer: u32,
    pub amount_cents: u32,
    pub items: u16,
    pub status: Status,
    pub terminal_at: SimTime,
    /// When a service other than Order first acted on it: the start of the window in which
    /// services disagree about the order.
    pub first_effect_at: Option<SimTime>,
    /// The customer has an answer (accepted, refused or timed out).
    pub answered: bool,
    pub traced: bool,
    /// Counted once among lost, inconsistent, anomalous orders.
    pub lost: bool,
    pub inconsistent: bool,
    /// Services that fail on this order every time (bit per service index).
    pub poison_mask: u8,
    /// Services that turn this order down for a business reason (bit per service index).
    pub declines: u8,
    /// Since when a declined order has had a charge or reservation still to undo.
    pub pending_since: Option<SimTime>,
    /// Side effects applied per service (charges, reservations, shipments, emails…).
    pub effects: [u8; ServiceId::COUNT],
    /// Compensations (refunds, releases) per service.
    pub undone: [u8; ServiceId::COUNT],
    /// Record kinds each service has processed (bit per `RecordKind`).
    pub seen: [u16; ServiceId::COUNT],
    /// Services that remember this order's cancellation.
    pub cancel_known: u8,
    /// Order holds a worker until the broker acknowledges its `OrderCreated` (event design).
    pub awaiting_ack: bool,
    /// Order has finished undoing what stood of this cancelled order (synchronous design):
    /// whatever is done to it later stands.
    pub compensated: bool,
}

impl OrderState {
    pub fn new(arrived: SimTime, customer: u32, amount_cents: u32, items: u16) -> OrderState {
        OrderState {
            arrived,
            customer,
            amount_cents,
            items,
            status: Status::InFlight,
            terminal_at: SimTime::ZERO,
            first_effect_at: None,
            answered: false,
            traced: false,
            lost: false,
            inconsistent: false,
            poison_mask: 0,
            declines: 0,
            pending_since: None,
            effects: [0; ServiceId::COUNT],
            undone: [0; ServiceId::COUNT],
            seen: [0; ServiceId::COUNT],
            cancel_known: 0,
            awaiting_ack: false,
            compensated: false,
        }
    }

    pub fn is_poison_for(&self, service: ServiceId) -> bool {
        self.poison_mask & (1 << service.index()) != 0
    }

    /// Whether `service` turns this order down (card declined, out of stock).
    pub fn is_declined_by(&self, service: ServiceId) -> bool {
        self.declines & (1 << service.index()) != 0
    }

    /// Side effects still standing: applied and not compensated.
    pub fn standing_effects(&self, service: ServiceId) -> u8 {
        let i = service.index();
        self.effects[i].saturating_sub(self.undone[i])
    }
}

/// How long a finished order's state is kept for late work to find it.
const GRACE: SimTime = SimTime::from_secs(60);
/// Window size past which finished orders leave at once, whatever their age.
const SOFT_LIMIT: usize = 400_000;

/// Live orders by id, oldest first.
#[derive(Clone, Default)]
pub struct OrderBook {
    base: u64,
    window: ChunkedDeque<OrderState>,
}

impl OrderBook {
    pub fn next_id(&self) -> u64 {
        self.base + self.window.len() as u64
    }

    pub fn push(&mut self, order: OrderState) -> u64 {
        let id = self.next_id();
        self.window.push_back(order);
        id
    }

    #[inline]
    pub fn get(&self, id: u64) -> Option<&OrderState> {
        let offset = id.checked_sub(self.base)?;
        self.window.get(usize::try_from(offset).ok()?)
    }

    #[inline]
    pub fn get_mut(&mut self, id: u64) -> Option<&mut OrderState> {
        let offset = id.checked_sub(self.base)?;
        self.window.get_mut(usize::try_from(offset).ok()?)
    }

    pub fn len(&self) -> usize {
        self.window.len()
    }

    pub fn is_empty(&self) -> bool {
        self.window.is_empty()
    }

    /// Drops finished orders from the front of the window. A declined order still holding a
    /// charge or stock stays until it is given back, unless the window has grown past its
    /// limit: returns how many such orders were dropped anyway (their compensation is lost).
    pub fn evict(&mut self, now: SimTime) -> u64 {
        let mut dropped_pending = 0;
        while let Some(front) = self.window.front() {
            // An order whose record Order still waits to hear of stays: its worker is held.
            let full = self.window.len() > SOFT_LIMIT;
            let finished = front.status != Status::InFlight
                && !front.awaiting_ack
                && (front.pending_since.is_none() || full);
            let old = front.terminal_at + GRACE <= now || full;
            if !(finished && old) {
                break;
            }
            dropped_pending += u64::from(front.pending_since.is_some());
            self.window.pop_front();
            self.base += 1;
        }
        dropped_pending
    }
}
