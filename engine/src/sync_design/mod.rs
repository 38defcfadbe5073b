//! The synchronous design: blocking calls through a chain of services. The customer's request
//! reaches Order through the gateway; Order then calls the rest of the chain, either itself, one
//! service after the other (orchestrated), or by calling the next service, which calls the next
//! (nested). Either way a caller's worker is held, waiting, until its callee answers or its
//! timeout fires, so a slow callee ties up its callers' workers and their queues grow. Retries
//! back off exponentially with jitter; a circuit breaker and a bulkhead can fail calls fast.
//! A callee that was given up on keeps working, so its side effects still happen.

use crate::config::EngineConfig;
use crate::core::{Core, undoable};
use crate::events::{Answer, Attempt, Ev, Parent, SyncEv};
use crate::metrics::{Count, ServiceCount, ServiceCounters};
use crate::model::Model;
use crate::orders::Status;
use crate::rng;
use crate::scenario::{ServiceId, SyncStyle};
use crate::service::{self, Admission, Reception};
use crate::snapshot::{EdgeView, MessageDot, Node, ServiceView, Snapshot};
use crate::station::Station;
use crate::time::SimTime;
use crate::trace::{RecordKind, Step, TraceEntry};
use breaker::Breaker;

mod answer;
mod breaker;
mod call;
mod view;

/// The parent of the customer's call to the first service (made by the gateway, which holds no
/// worker).
const GATEWAY: Parent = Parent {
    frame: u32::MAX,
    generation: 0,
};

/// Whether the customer has cancelled the order (Order, which holds it, knows).
fn cancelled(core: &Core, order: u64) -> bool {
    core.orders
        .get(order)
        .is_some_and(|s| s.status == Status::Cancelled)
}

/// Most messages per edge listed in a snapshot for animation.
const SAMPLE_PER_EDGE: usize = 16;

/// One attempt of one call. Lives until both sides are done with it.
#[derive(Clone, Copy, Debug)]
struct Frame {
    call: Attempt,
    sent_at: SimTime,
    generation: u32,
    callee: ServiceId,
    /// The request has reached the callee (a crash fails only what reached the instance).
    delivered: bool,
    caller_waiting: bool,
    callee_holding: bool,
}

#[derive(Clone)]
pub(crate) struct SyncModel {
    /// The chain and its style, each in force from the first order it applies to. A service
    /// added or the style changed during the run applies to later orders only: orders already
    /// on their way finish the way they started.
    routes: Vec<Route>,
    stations: Vec<Option<Station<u32>>>,
    frames: Vec<Frame>,
    free: Vec<u32>,
    /// Calls awaiting an answer, per callee (what a bulkhead limits).
    calls_in_flight: [u32; ServiceId::COUNT],
    /// Requests and answers on the wire, per callee.
    requests_in_transit: [u32; ServiceId::COUNT],
    replies_in_transit: [u32; ServiceId::COUNT],
    breakers: [Breaker; ServiceId::COUNT],
    /// Workers of each service held while waiting for a callee's answer (part of `busy`).
    waiting: [u32; ServiceId::COUNT],
    /// A crashed instance is restarting until then: calls to it are refused.
    down_until: [SimTime; ServiceId::COUNT],
    config: EngineConfig,
}

/// How orders from `first_order` on go through the shop.
#[derive(Clone, Debug)]
struct Route {
    first_order: u64,
    style: SyncStyle,
    chain: Vec<ServiceId>,
}

/// Every service the shop has, in the order the gateway calls them.
fn present_chain(core: &Core) -> Vec<ServiceId> {
    ServiceId::ALL
        .into_iter()
        .filter(|id| core.present[id.index()])
        .collect()
}

/// The workers and queue of `id`, if the shop has it, with its own stream of service times.
fn station(core: &Core, id: ServiceId) -> Option<Station<u32>> {
    core.scenario.services.get(&id).map(|config| {
        Station::new(
            config,
            rng::stream(core.seed, rng::stream::SERVICE_TIME + id.index() as u64),
        )
    })
}

impl Model for SyncModel {
    fn new(core: &mut Core) -> SyncModel {
        let stations = ServiceId::ALL.iter().map(|&id| station(core, id)).collect();
        SyncModel {
            routes: vec![Route {
                first_order: 0,
                style: core.scenario.sync.style,
                chain: present_chain(core),
            }],
            stations,
            frames: Vec::with_capacity(1024),
            free: Vec::new(),
            calls_in_flight: [0; ServiceId::COUNT],
            requests_in_transit: [0; ServiceId::COUNT],
            replies_in_transit: [0; ServiceId::COUNT],
            breakers: [Breaker::default(); ServiceId::COUNT],
            waiting: [0; ServiceId::COUNT],
            down_until: [SimTime::ZERO; ServiceId::COUNT],
            config: EngineConfig::of(&core.scenario),
        }
    }

    fn on_settings_changed(&mut self, core: &mut Core) {
        self.config = EngineConfig::of(&core.scenario);
        if self.config.sync.style != self.current_route().style {
            let chain = self.current_route().chain.clone();
            self.routes.push(Route {
                first_order: core.orders.next_id(),
                style: self.config.sync.style,
                chain,
            });
        }
    }

    /// Bytes held by call frames and waiting lines.
    fn approx_bytes(&self) -> usize {
        let waiting: usize = self.stations.iter().flatten().map(|s| s.queue.len()).sum();
        (self.frames.len() + self.free.len()) * std::mem::size_of::<Frame>() + waiting * 4
    }

    /// A service joins the chain for orders placed from now on: every caller on the way had to
    /// change to call it.
    fn on_service_added(&mut self, core: &mut Core, service: ServiceId) {
        self.stations[service.index()] = station(core, service);
        self.routes.push(Route {
            first_order: core.orders.next_id(),
            style: self.config.sync.style,
            chain: present_chain(core),
        });
    }

    fn on_arrival(&mut self, core: &mut Core, order: u64) {
        self.call(core, Attempt::first(order, GATEWAY, 0, false));
    }

    /// The customer cancels: the Order service marks the order and refunds what was charged.
    /// Calls already under way still finish; the gateway stops before the next step.
    fn on_cancel(&mut self, core: &mut Core, order: u64) {
        // Order marks it cancelled; undoing what was done is work Order does (`compensate`)
        // once the call it is waiting on answers.
        core.finish(order, Status::Cancelled, Count::Cancelled);
    }

    fn handle(&mut self, core: &mut Core, event: Ev) {
        let Ev::Sync(event) = event else {
            return;
        };
        match event {
            SyncEv::Deliver {
                frame,
                generation,
                callee,
            } => {
                self.requests_in_transit[callee.index()] -= 1;
                if self.live(frame, generation) {
                    self.deliver(core, frame);
                }
            }
            // Work the instance still holds (a crash drops what it held).
            SyncEv::Done { frame, generation }
                if self.live(frame, generation) && self.frames[frame as usize].callee_holding =>
            {
                self.done(core, frame)
            }
            SyncEv::Reply {
                frame,
                generation,
                answer,
                callee,
            } => {
                self.replies_in_transit[callee.index()] -= 1;
                if !self.live(frame, generation) {
                    return;
                }
                self.on_reply(core, frame, answer);
            }
            SyncEv::Timeout { frame, generation } if self.live(frame, generation) => {
                self.on_timeout(core, frame)
            }
            SyncEv::Retry { call }
                if !call.undo && self.cancelled_under_order(core, call.order, call.parent) =>
            {
                // Cancelled while the retry waited: Order undoes instead of trying again.
                if self.waits(call.parent) {
                    self.compensate(core, call.order, call.parent, usize::MAX);
                }
            }
            SyncEv::Retry { call } => {
                let Attempt { order, parent, .. } = call;
                let abandoned = !self.waits(parent)
                    || parent == GATEWAY
                        && core
                            .orders
                            .get(order)
                            .is_none_or(|s| s.status != Status::InFlight);
                if !abandoned {
                    self.call(core, call);
                }
            }
            _ => {}
        }
    }

    fn gauges(&self, _core: &Core) -> ([ServiceCounters; ServiceId::COUNT], (u64, f64)) {
        let mut gauges = [ServiceCounters::default(); ServiceId::COUNT];
        for (gauge, station) in gauges.iter_mut().zip(&self.stations) {
            if let Some(station) = station {
                gauge.busy = u64::from(station.busy);
                gauge.queue = station.queue.len() as u64;
            }
        }
        (gauges, (0, 0.0))
    }

    /// Busy workers and pool size of a service, for observers.
    fn snapshot(&self, core: &Core) -> Snapshot {
        self.snapshot_now(core)
    }

    fn pool(&self, service: ServiceId) -> Option<(u32, u32, u64)> {
        self.stations[service.index()]
            .as_ref()
            .map(|s| (s.busy, s.workers, s.queue.len() as u64))
    }
}

impl SyncModel {
    /// The route `order` follows (the first one is in force from order 0).
    fn route(&self, order: u64) -> &Route {
        let at = self.routes.partition_point(|r| r.first_order <= order);
        &self.routes[at.saturating_sub(1)]
    }

    /// The chain `order` follows.
    fn chain(&self, order: u64) -> &[ServiceId] {
        &self.route(order).chain
    }

    /// The route new orders follow.
    fn current_route(&self) -> &Route {
        &self.routes[self.routes.len() - 1]
    }

    /// Whether the caller behind `parent` still waits: the gateway always does; a service's
    /// worker unless its instance crashed since.
    fn waits(&self, parent: Parent) -> bool {
        parent == GATEWAY
            || self
                .frames
                .get(parent.frame as usize)
                .is_some_and(|f| f.generation == parent.generation && f.callee_holding)
    }

    fn live(&self, frame: u32, generation: u32) -> bool {
        self.frames
            .get(frame as usize)
            .is_some_and(|f| f.generation == generation)
    }

    #[inline]
    fn allocate(&mut self, frame: Frame) -> u32 {
        match self.free.pop() {
            Some(index) => {
                let generation = self.frames[index as usize].generation;
                self.frames[index as usize] = Frame {
                    generation,
                    ..frame
                };
                index
            }
            None => {
                self.frames.push(frame);
                (self.frames.len() - 1) as u32
            }
        }
    }

    #[inline]
    fn release_frame_if_done(&mut self, index: u32) {
        let frame = &mut self.frames[index as usize];
        if !frame.caller_waiting && !frame.callee_holding {
            frame.generation = frame.generation.wrapping_add(1);
            self.free.push(index);
        }
    }
}
