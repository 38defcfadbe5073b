//! The circuit breaker a caller keeps per callee.

use crate::time::SimTime;

/// Closed until `failure_threshold` consecutive failures, then open (failing fast) for
/// `open_ms`, then half-open: one trial call decides whether it closes or opens again.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Breaker {
    consecutive_failures: u32,
    /// When it last opened: answers to calls sent before then say nothing about the callee now.
    opened_at: SimTime,
    open_until: SimTime,
    tripped: bool,
    trial_in_flight: bool,
}

impl Breaker {
    /// A trial call that was allowed but never sent (the bulkhead refused it): the next call
    /// may try instead.
    pub(super) fn cancel_trial(&mut self) {
        self.trial_in_flight = false;
    }

    pub(super) fn allow(&mut self, now: SimTime) -> bool {
        if !self.tripped {
            return true;
        }
        if now < self.open_until || self.trial_in_flight {
            return false;
        }
        self.trial_in_flight = true;
        true
    }

    /// The answer (or timeout) of a call sent at `sent_at`.
    pub(super) fn record(
        &mut self,
        now: SimTime,
        sent_at: SimTime,
        success: bool,
        threshold: u32,
        open_for: SimTime,
    ) {
        if self.tripped && sent_at < self.opened_at {
            // Sent while it was still closed: neither closes nor re-opens it.
            return;
        }
        if success {
            *self = Breaker::default();
            return;
        }
        self.consecutive_failures += 1;
        if self.trial_in_flight || (!self.tripped && self.consecutive_failures >= threshold) {
            self.tripped = true;
            self.trial_in_flight = false;
            self.opened_at = now;
            self.open_until = now + open_for;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Breaker;
    use crate::time::SimTime;

    const OPEN_FOR: SimTime = SimTime(500_000);

    fn tripped_at(now: SimTime) -> Breaker {
        let mut breaker = Breaker::default();
        for _ in 0..3 {
            breaker.record(now, now, false, 3, OPEN_FOR);
        }
        assert!(breaker.tripped);
        breaker
    }

    /// A half-open trial that the bulkhead refused leaves the next call free to be the trial.
    #[test]
    fn a_refused_trial_lets_the_next_call_try() {
        let mut breaker = tripped_at(SimTime(1_000_000));
        let later = SimTime(1_600_000);
        assert!(breaker.allow(later), "half-open: one trial");
        assert!(!breaker.allow(later), "one trial at a time");
        breaker.cancel_trial();
        assert!(breaker.allow(later), "the refused trial is given back");
        breaker.record(later, later, true, 3, OPEN_FOR);
        assert!(!breaker.tripped, "a successful trial closes it");
    }

    /// Answers to calls sent before it opened neither close it nor judge the trial.
    #[test]
    fn answers_to_calls_sent_before_it_opened_change_nothing() {
        let opened = SimTime(1_000_000);
        let mut breaker = tripped_at(opened);
        let before = SimTime(900_000);
        breaker.record(SimTime(1_100_000), before, true, 3, OPEN_FOR);
        assert!(
            breaker.tripped,
            "a late success from before does not close it"
        );
        let trial_at = SimTime(1_600_000);
        assert!(breaker.allow(trial_at));
        breaker.record(SimTime(1_650_000), before, false, 3, OPEN_FOR);
        assert!(
            breaker.trial_in_flight,
            "a late failure from before is not the trial's"
        );
        assert_eq!(breaker.open_until, opened + OPEN_FOR);
        breaker.record(SimTime(1_700_000), trial_at, true, 3, OPEN_FOR);
        assert!(!breaker.tripped, "the trial's own answer decides");
    }
}
