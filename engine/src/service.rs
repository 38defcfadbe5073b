//! One service handling one piece of work, the same way in both designs: a request is
//! received (or hangs, or is refused), takes a worker or waits in the queue (or is turned away
//! when the queue is full), its work takes a drawn time under the service's health, and it
//! fails when the order is poison for the service or the error draw says so. Each design keeps
//! what is its own: the synchronous design answers a caller, the event design answers the
//! customer or moves along a log.

use crate::core::Core;
use crate::ids::{RecordKind, ServiceId};
use crate::metrics::{Count, ServiceCount};
use crate::station::Station;
use crate::time::SimTime;
use crate::trace::{Step, TraceEntry};

/// What became of a request that reached a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reception {
    /// Taken in and never answered (a hanging service): only the caller's timeout ends the
    /// wait.
    Hangs,
    /// Turned away at once (refusing, or restarting after a crash); counted as an error, as
    /// any failed attempt is.
    Refused,
    /// Taken in: it goes on to a worker or the queue ([`admit`]).
    Taken,
}

/// A request about `order` reaches `service`; `restarting` when the service's instance is
/// down after a crash.
pub(crate) fn receive(
    core: &mut Core,
    service: ServiceId,
    order: u64,
    restarting: bool,
) -> Reception {
    core.metrics.service(service, ServiceCount::Arrivals);
    let health = &core.health[service.index()];
    if health.hanging {
        return Reception::Hangs;
    }
    if health.refusing || restarting {
        core.metrics.service(service, ServiceCount::Errors);
        core.count(Count::Errors);
        core.trace(
            order,
            TraceEntry::new(core.now, Step::Refused).service(service),
        );
        return Reception::Refused;
    }
    Reception::Taken
}

/// Where a request taken in goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    /// A worker was free and now holds it: start the work ([`start`]).
    Started,
    /// Every worker is busy; it waits in the queue for the next one freed.
    Queued,
    /// Every worker is busy and the queue is full: turned away (traced as rejected when
    /// `someone_waits`; a network duplicate's copy troubles no order).
    Rejected,
}

pub(crate) fn admit<J: Copy>(
    core: &mut Core,
    station: &mut Station<J>,
    job: J,
    service: ServiceId,
    order: u64,
    someone_waits: bool,
) -> Admission {
    if station.try_start() {
        return Admission::Started;
    }
    if station.enqueue(job) {
        return Admission::Queued;
    }
    if someone_waits {
        core.trace(
            order,
            TraceEntry::new(core.now, Step::Rejected).service(service),
        );
    }
    Admission::Rejected
}

/// A worker of `station` starts on `order`: the moment its work ends, drawn from the
/// service's distribution under its health.
pub(crate) fn start<J: Copy>(
    core: &mut Core,
    station: &mut Station<J>,
    service: ServiceId,
    order: u64,
) -> SimTime {
    let work = station.work_time(&core.health[service.index()]);
    debug_assert!(
        station.busy <= station.workers,
        "more busy workers than the pool"
    );
    if core.traced(order) {
        core.trace(
            order,
            TraceEntry::new(core.now, Step::WorkStarted).service(service),
        );
    }
    core.now + work
}

/// Whether the work `service` just did on `order` failed: the order is poison for it (when
/// poison applies to this piece of work) or the service's error draw says so. A failure is
/// counted and traced (with the record worked on, in the event design).
pub(crate) fn failed(
    core: &mut Core,
    service: ServiceId,
    order: u64,
    poison_applies: bool,
    record: Option<RecordKind>,
) -> bool {
    let poisoned = poison_applies
        && core
            .orders
            .get(order)
            .is_some_and(|s| s.is_poison_for(service));
    if !poisoned && !core.error_draw(service) {
        return false;
    }
    core.metrics.service(service, ServiceCount::Errors);
    core.count(Count::Errors);
    let mut entry = TraceEntry::new(core.now, Step::WorkFailed).service(service);
    if let Some(kind) = record {
        entry = entry.record(kind);
    }
    core.trace(order, entry);
    true
}
