//! Orders worth a look: for each thing that can go wrong with an order, the last few orders it
//! happened to, so that a learner can ask "show me one" and follow that order's whole story
//! (pinning an order replays the run from its placement with a full trace).

/// Something that happened to an order, as a learner would ask for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Example {
    DoubleCharge,
    DoubleShipment,
    DoubleEmail,
    /// A service acted on the order after it had been told the order was cancelled (its
    /// cancellation overtook its creation, say).
    ActedAfterCancel,
    /// Its side effects disagree and nothing will undo them (charged but failed…).
    Inconsistent,
    /// It can never finish: a record it needed was skipped.
    Lost,
    /// Stored by Order, never announced.
    Stuck,
    DeadLettered,
    /// The customer was told "no" after the shop tried: an error or a timeout.
    Failed,
    /// The customer was turned away at once: a full queue, an open breaker, a full bulkhead.
    Rejected,
    /// Card declined or out of stock.
    Declined,
    Cancelled,
}

impl Example {
    pub const ALL: [Example; 12] = [
        Example::DoubleCharge,
        Example::DoubleShipment,
        Example::DoubleEmail,
        Example::ActedAfterCancel,
        Example::Inconsistent,
        Example::Lost,
        Example::Stuck,
        Example::DeadLettered,
        Example::Failed,
        Example::Rejected,
        Example::Declined,
        Example::Cancelled,
    ];

    /// What happened, completing "an order that …".
    pub const fn label(self) -> &'static str {
        match self {
            Example::DoubleCharge => "was charged twice",
            Example::DoubleShipment => "was shipped twice",
            Example::DoubleEmail => "was emailed twice",
            Example::ActedAfterCancel => "was acted on after its cancellation",
            Example::Inconsistent => "was left inconsistent",
            Example::Lost => "was lost",
            Example::Stuck => "was stored but never announced",
            Example::DeadLettered => "was dead-lettered",
            Example::Failed => "failed",
            Example::Rejected => "was turned away at once",
            Example::Declined => "was declined",
            Example::Cancelled => "was cancelled",
        }
    }
}

/// How many orders are remembered per kind.
pub const KEEP: usize = 4;

/// The last [`KEEP`] distinct orders of each [`Example`], in the order they happened.
#[derive(Clone, Debug, Default)]
pub struct Examples {
    recent: [[u64; KEEP]; Example::ALL.len()],
    /// Distinct notes per kind (only the last `KEEP` are kept).
    noted: [u64; Example::ALL.len()],
}

impl Examples {
    /// Remembers that `kind` happened to `order` (again, for an order already among the last
    /// few, changes nothing).
    pub fn note(&mut self, kind: Example, order: u64) {
        let (recent, noted) = (
            &mut self.recent[kind as usize],
            &mut self.noted[kind as usize],
        );
        let kept = (*noted as usize).min(KEEP);
        if recent[..kept].contains(&order) {
            return;
        }
        recent[(*noted % KEEP as u64) as usize] = order;
        *noted += 1;
    }

    /// The orders `kind` last happened to, newest first.
    pub fn recent(&self, kind: Example) -> impl Iterator<Item = u64> + '_ {
        let (recent, noted) = (&self.recent[kind as usize], self.noted[kind as usize]);
        let kept = noted.min(KEEP as u64);
        (1..=kept).map(move |back| recent[((noted - back) % KEEP as u64) as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_few_distinct_orders_newest_first() {
        let mut examples = Examples::default();
        assert_eq!(examples.recent(Example::Lost).count(), 0);
        for order in [3, 5, 5, 8] {
            examples.note(Example::Lost, order);
        }
        assert_eq!(
            examples.recent(Example::Lost).collect::<Vec<_>>(),
            [8, 5, 3]
        );
        for order in [9, 11, 12] {
            examples.note(Example::Lost, order);
        }
        assert_eq!(
            examples.recent(Example::Lost).collect::<Vec<_>>(),
            [12, 11, 9, 8]
        );
        assert_eq!(examples.recent(Example::Stuck).count(), 0);
    }
}
