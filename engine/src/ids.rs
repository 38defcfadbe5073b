//! The names everything else refers to: the shop's services, the log's topics and record
//! types, the two designs, and which topics each service's consumer group reads. Plain `Copy`
//! values with no dependencies, so every other module can use them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Which way the shop is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    Sync,
    Event,
}

/// The services of the shop. The discriminant is the index used throughout the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceId {
    Order = 0,
    Fraud = 1,
    Payment = 2,
    Inventory = 3,
    Shipping = 4,
    Notification = 5,
    Analytics = 6,
}

impl ServiceId {
    pub const COUNT: usize = 7;
    /// Canonical order: the synchronous chain calls the services present in this order.
    pub const ALL: [ServiceId; 7] = [
        ServiceId::Order,
        ServiceId::Fraud,
        ServiceId::Payment,
        ServiceId::Inventory,
        ServiceId::Shipping,
        ServiceId::Notification,
        ServiceId::Analytics,
    ];
    pub const fn index(self) -> usize {
        self as usize
    }
    pub fn from_index(index: usize) -> Option<ServiceId> {
        ServiceId::ALL.get(index).copied()
    }
    /// Fraud and Analytics can join a running shop (`ControlAction::AddService`).
    pub const fn can_join(self) -> bool {
        matches!(self, ServiceId::Fraud | ServiceId::Analytics)
    }
    pub const fn name(self) -> &'static str {
        match self {
            ServiceId::Order => "order",
            ServiceId::Fraud => "fraud",
            ServiceId::Payment => "payment",
            ServiceId::Inventory => "inventory",
            ServiceId::Shipping => "shipping",
            ServiceId::Notification => "notification",
            ServiceId::Analytics => "analytics",
        }
    }
    /// The service's name as a heading or a sentence shows it.
    pub const fn title(self) -> &'static str {
        match self {
            ServiceId::Order => "Order",
            ServiceId::Fraud => "Fraud",
            ServiceId::Payment => "Payment",
            ServiceId::Inventory => "Inventory",
            ServiceId::Shipping => "Shipping",
            ServiceId::Notification => "Notification",
            ServiceId::Analytics => "Analytics",
        }
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A topic of the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TopicId {
    Orders = 0,
    Payments = 1,
    Inventory = 2,
    Shipments = 3,
    DeadLetters = 4,
}

impl TopicId {
    pub const COUNT: usize = 5;
    pub const ALL: [TopicId; 5] = [
        TopicId::Orders,
        TopicId::Payments,
        TopicId::Inventory,
        TopicId::Shipments,
        TopicId::DeadLetters,
    ];
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// A record type on the log; also used to describe trace entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    OrderCreated = 0,
    OrderCancelled = 1,
    PaymentCompleted = 2,
    PaymentFailed = 3,
    InventoryReserved = 4,
    OrderShipped = 5,
    /// Inventory cannot fill the order.
    InventoryUnavailable = 6,
    /// Payment gave back a charge, compensating for the order's failure elsewhere.
    PaymentRefunded = 7,
    /// Inventory gave back a reservation, compensating for a failed payment.
    StockReleased = 8,
}

impl RecordKind {
    /// The record type's name, as the log and the lessons write it.
    pub const fn name(self) -> &'static str {
        match self {
            RecordKind::OrderCreated => "OrderCreated",
            RecordKind::OrderCancelled => "OrderCancelled",
            RecordKind::PaymentCompleted => "PaymentCompleted",
            RecordKind::PaymentFailed => "PaymentFailed",
            RecordKind::InventoryReserved => "InventoryReserved",
            RecordKind::OrderShipped => "OrderShipped",
            RecordKind::InventoryUnavailable => "InventoryUnavailable",
            RecordKind::PaymentRefunded => "PaymentRefunded",
            RecordKind::StockReleased => "StockReleased",
        }
    }

    pub const fn bit(self) -> u16 {
        1 << (self as u8)
    }

    /// Records that call an order off for whoever reads them: the customer's cancellation,
    /// and in a saga a participant's failure (the others undo what they did).
    pub const CALLS_OFF: u16 = RecordKind::OrderCancelled.bit()
        | RecordKind::PaymentFailed.bit()
        | RecordKind::InventoryUnavailable.bit();

    /// A participant's failure in the saga of an order.
    pub const fn is_failure(self) -> bool {
        matches!(
            self,
            RecordKind::PaymentFailed | RecordKind::InventoryUnavailable
        )
    }

    /// The service that produces records of this kind.
    pub const fn producer(self) -> ServiceId {
        match self {
            RecordKind::OrderCreated | RecordKind::OrderCancelled => ServiceId::Order,
            RecordKind::PaymentCompleted
            | RecordKind::PaymentFailed
            | RecordKind::PaymentRefunded => ServiceId::Payment,
            RecordKind::InventoryReserved
            | RecordKind::InventoryUnavailable
            | RecordKind::StockReleased => ServiceId::Inventory,
            RecordKind::OrderShipped => ServiceId::Shipping,
        }
    }
}

/// The topics a service's consumer group reads, given the services the shop has and whether
/// orders can fail for a business reason (`sagas`): then Payment and Inventory listen for each
/// other's failures to undo their own work, and Notification for both, to tell the customer.
pub(crate) fn subscriptions(
    service: ServiceId,
    present: &[bool; ServiceId::COUNT],
    sagas: bool,
) -> Vec<TopicId> {
    let has = |id: ServiceId| present[id.index()];
    let upstream = |topics: &mut Vec<TopicId>| {
        if has(ServiceId::Payment) {
            topics.push(TopicId::Payments);
        }
        if has(ServiceId::Inventory) {
            topics.push(TopicId::Inventory);
        }
    };
    let mut topics = vec![TopicId::Orders];
    match service {
        ServiceId::Shipping => upstream(&mut topics),
        ServiceId::Notification if has(ServiceId::Shipping) => topics.push(TopicId::Shipments),
        ServiceId::Notification => upstream(&mut topics),
        ServiceId::Analytics => {
            topics.extend([TopicId::Payments, TopicId::Inventory, TopicId::Shipments])
        }
        _ => {}
    }
    if sagas {
        let partners: &[ServiceId] = match service {
            ServiceId::Payment => &[ServiceId::Inventory],
            ServiceId::Inventory => &[ServiceId::Payment],
            ServiceId::Notification => &[ServiceId::Payment, ServiceId::Inventory],
            _ => &[],
        };
        for &partner in partners {
            let topic = match partner {
                ServiceId::Payment => TopicId::Payments,
                _ => TopicId::Inventory,
            };
            if has(partner) && !topics.contains(&topic) {
                topics.push(topic);
            }
        }
    }
    topics
}
