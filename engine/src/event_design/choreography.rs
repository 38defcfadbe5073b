//! What each service does with a record: act, note it down, skip a repeat, honour a
//! cancellation; and when an order is complete.

use super::*;

impl EventModel {
    pub(super) fn react(&mut self, core: &mut Core, service: ServiceId, record: Record) {
        let order = record.order;
        let version_checks = self.config.event.version_checks;
        let idempotent = self.config.event.idempotent_consumers;
        let Some(state) = core.orders.get_mut(order) else {
            return;
        };
        let i = service.index();
        let bit = record.kind.bit();
        if state.seen[i] & bit != 0 && idempotent {
            core.trace(
                order,
                TraceEntry::new(core.now, Step::Skipped)
                    .service(service)
                    .record(record.kind),
            );
            return;
        }
        let knew_order = state.seen[i] & !RecordKind::CALLS_OFF != 0;
        let told_before = state.seen[i] & RecordKind::CALLS_OFF != 0;
        state.seen[i] |= bit;
        if bit & RecordKind::CALLS_OFF != 0 {
            // A saga's failure record comes on another topic than the order's own, so it can
            // come first: a participant always remembers it (a cancellation is remembered
            // early only with version checks).
            if knew_order || version_checks || record.kind.is_failure() {
                state.cancel_known |= 1 << i;
            }
            if record.kind.is_failure() && service == ServiceId::Notification && !told_before {
                // The customer, told "accepted" earlier, now hears the order was declined.
                core.notify_declined(order, service);
            }
            if core.undo(order, service) && record.kind.is_failure() {
                // The compensating event, for whoever keeps track of the order.
                let kind = match service {
                    ServiceId::Payment => RecordKind::PaymentRefunded,
                    _ => RecordKind::StockReleased,
                };
                self.announce(core, service, order, kind);
            }
            return;
        }
        if state.cancel_known & (1 << i) != 0 {
            core.trace(
                order,
                TraceEntry::new(core.now, Step::Skipped)
                    .service(service)
                    .record(record.kind),
            );
            return;
        }
        // Acting after the cancellation came is an ordering anomaly (counted with the effect).
        if self.ready(core, service, order, record.kind) {
            self.act(core, service, order);
        }
    }

    /// Whether `kind` is one of the records `service` waits for before it can act on an order
    /// (its trigger, or either half of its join); anything else it reads is only noted down.
    pub(super) fn needs(&self, service: ServiceId, kind: RecordKind, present: &[bool]) -> bool {
        let join = |kind: RecordKind| {
            let payment = present[ServiceId::Payment.index()];
            let inventory = present[ServiceId::Inventory.index()];
            match kind {
                RecordKind::PaymentCompleted => payment,
                RecordKind::InventoryReserved => inventory,
                RecordKind::OrderCreated => !payment && !inventory,
                _ => false,
            }
        };
        match service {
            ServiceId::Payment | ServiceId::Inventory | ServiceId::Fraud => {
                kind == RecordKind::OrderCreated
            }
            ServiceId::Shipping => join(kind),
            ServiceId::Notification if present[ServiceId::Shipping.index()] => {
                kind == RecordKind::OrderShipped
            }
            ServiceId::Notification => join(kind),
            ServiceId::Analytics | ServiceId::Order => false,
        }
    }

    /// Whether a service has everything it needs to act on an order.
    pub(super) fn ready(
        &self,
        core: &Core,
        service: ServiceId,
        order: u64,
        kind: RecordKind,
    ) -> bool {
        let Some(state) = core.orders.get(order) else {
            return false;
        };
        let seen = state.seen[service.index()] | kind.bit();
        let join = || {
            let mut needed = 0u16;
            if core.present[ServiceId::Payment.index()] {
                needed |= RecordKind::PaymentCompleted.bit();
            }
            if core.present[ServiceId::Inventory.index()] {
                needed |= RecordKind::InventoryReserved.bit();
            }
            if needed == 0 {
                kind == RecordKind::OrderCreated
            } else {
                kind != RecordKind::OrderCreated && seen & needed == needed
            }
        };
        match service {
            ServiceId::Payment | ServiceId::Inventory | ServiceId::Fraud => {
                kind == RecordKind::OrderCreated
            }
            ServiceId::Shipping => join(),
            ServiceId::Notification if core.present[ServiceId::Shipping.index()] => {
                kind == RecordKind::OrderShipped
            }
            ServiceId::Notification => join(),
            ServiceId::Analytics | ServiceId::Order => false,
        }
    }

    pub(super) fn act(&mut self, core: &mut Core, service: ServiceId, order: u64) {
        let declined = core
            .orders
            .get(order)
            .is_some_and(|s| s.is_declined_by(service));
        if declined {
            // Card declined or out of stock: nothing is done, and the saga's failure event
            // tells the others to undo what they did.
            core.trace(
                order,
                TraceEntry::new(core.now, Step::Declined).service(service),
            );
            let kind = match service {
                ServiceId::Payment => RecordKind::PaymentFailed,
                _ => RecordKind::InventoryUnavailable,
            };
            self.announce(core, service, order, kind);
            core.finish(order, Status::Declined, Count::Declined);
            return;
        }
        core.apply_effect(order, service);
        let done = match service {
            ServiceId::Payment => Some(RecordKind::PaymentCompleted),
            ServiceId::Inventory => Some(RecordKind::InventoryReserved),
            ServiceId::Shipping => Some(RecordKind::OrderShipped),
            _ => None,
        };
        if let Some(kind) = done {
            self.announce(core, service, order, kind);
        }
        self.maybe_complete(core, order);
    }

    /// Publishes `kind` about `order` on the topic `service` writes to (Payment, Inventory
    /// and Shipping each have one; the others publish nothing).
    fn announce(&mut self, core: &mut Core, service: ServiceId, order: u64, kind: RecordKind) {
        let topic = match service {
            ServiceId::Payment => TopicId::Payments,
            ServiceId::Inventory => TopicId::Inventory,
            ServiceId::Shipping => TopicId::Shipments,
            _ => return,
        };
        self.produce(core, service, topic, order, kind);
    }

    pub(super) fn maybe_complete(&mut self, core: &mut Core, order: u64) {
        let Some(state) = core.orders.get(order) else {
            return;
        };
        let done = match self.terminal {
            Some(terminal) => state.effects[terminal.index()] > 0,
            None => [ServiceId::Payment, ServiceId::Inventory]
                .iter()
                .all(|id| !core.present[id.index()] || state.effects[id.index()] > 0),
        };
        if done {
            core.finish(order, Status::Completed, Count::Completed);
        }
    }
}
