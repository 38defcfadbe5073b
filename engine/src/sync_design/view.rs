//! What the synchronous shop looks like now, for the page.

use super::*;

impl SyncModel {
    pub(super) fn snapshot_now(&self, core: &Core) -> Snapshot {
        let services = ServiceId::ALL
            .iter()
            .filter_map(|&id| {
                let station = self.stations[id.index()].as_ref()?;
                Some(ServiceView {
                    service: id,
                    health: core.health[id.index()].state(),
                    workers: station.workers,
                    busy: station.busy,
                    waiting: self.waiting[id.index()],
                    queue: station.queue.len() as u64,
                    consumers: 0,
                    consumers_alive: 0,
                })
            })
            .collect();
        let mut edges = Vec::new();
        let route = self.current_route();
        let chain = &route.chain;
        for (step, &callee) in chain.iter().enumerate() {
            let from = match (route.style, step) {
                (_, 0) => Node::Gateway,
                (SyncStyle::Orchestrated, _) => Node::Service(chain[0]),
                (SyncStyle::Nested, _) => Node::Service(chain[step - 1]),
            };
            let sample = self
                .frames
                .iter()
                .filter(|f| f.callee == callee && f.caller_waiting)
                .take(SAMPLE_PER_EDGE)
                .map(|f| MessageDot {
                    order: f.call.order,
                    sent_at: f.sent_at,
                })
                .collect();
            edges.push(EdgeView {
                from,
                to: Node::Service(callee),
                in_flight: u64::from(
                    self.requests_in_transit[callee.index()]
                        + self.replies_in_transit[callee.index()],
                ),
                waiting: u64::from(self.calls_in_flight[callee.index()]),
                sample,
            });
        }
        Snapshot {
            at: core.now,
            design: core.design,
            services,
            edges,
            partitions: Vec::new(),
            groups: Vec::new(),
        }
    }
}
