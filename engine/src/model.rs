//! What a design of the shop is to the simulation: the hooks the world calls it through. Each
//! hook a design has no use for keeps its default, which does nothing.

use crate::broker::Broker;
use crate::core::Core;
use crate::events::Ev;
use crate::ids::ServiceId;
use crate::metrics::ServiceCounters;
use crate::snapshot::Snapshot;

pub(crate) trait Model: Clone {
    /// The design, set up in a new world (it may schedule its first events).
    fn new(core: &mut Core) -> Self;
    /// The world has placed an order; the customer's request is on its way to the shop.
    fn on_arrival(&mut self, core: &mut Core, order: u64);
    /// One of the design's own events (the world handles the shared ones).
    fn handle(&mut self, core: &mut Core, event: Ev);
    /// The customer cancels an order.
    fn on_cancel(&mut self, core: &mut Core, order: u64);
    /// A metrics bucket has closed.
    fn on_tick(&mut self, _core: &mut Core) {}
    /// A fault started or ended; the world's health is already updated.
    fn on_faults_changed(&mut self, _core: &mut Core) {}
    /// A service joined the running shop.
    fn on_service_added(&mut self, _core: &mut Core, _service: ServiceId) {}
    /// A live action changed the scenario's settings.
    fn on_settings_changed(&mut self, _core: &mut Core) {}
    /// Busy workers, queue lengths and lag per service, and the largest lag (records and
    /// seconds), for the bucket about to close.
    fn gauges(&self, core: &Core) -> ([ServiceCounters; ServiceId::COUNT], (u64, f64));
    fn snapshot(&self, core: &Core) -> Snapshot;
    /// Busy workers, pool size and queue length of a service's worker pool, if it has one.
    fn pool(&self, service: ServiceId) -> Option<(u32, u32, u64)>;
    /// The broker, in a design that has one.
    fn broker(&self) -> Option<&Broker> {
        None
    }
    /// About how many bytes the design's own state holds.
    fn approx_bytes(&self) -> usize;
}
