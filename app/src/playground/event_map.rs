//! The event-driven shop as producers, the log and consumer groups, so that no line has to
//! cross the picture to reach a reader. Producers stand on the left, each level with the topic
//! it writes; the log in the middle shows every topic's partitions as short strips (the newest
//! record at the right end, each group's committed offset as a tick, the unread records behind
//! it shaded, on a log scale); the consumer groups on the right show their members, how many
//! partitions each owns (an idle member owns none) and the group's lag in records and seconds.
//! A narrow panel stacks the three: producers, the log, then the groups.

use engine::snapshot::{Node, PartitionView};
use engine::{Design, HealthState, ServiceId, TopicId};
use leptos::prelude::*;
use std::fmt::Write;

use super::Playground;
use super::topology::{
    MARGIN, NODE_H, Picture, Route, health_label, rect, service_box, service_frame, service_markup,
    short_count, text, topic_name,
};

const PRODUCER_W: f64 = 112.0;
const GROUP_W: f64 = 150.0;
/// The space an arrow crosses between two columns.
const GAP: f64 = 36.0;
/// One topic (or one group) and the space under it.
const PITCH: f64 = NODE_H + 8.0;
const CUSTOMERS_H: f64 = 32.0;
const STRIP_H: f64 = 14.0;
const STRIP_GAP: f64 = 5.0;
const MIN_STRIP_W: f64 = 14.0;
const MEMBER_W: f64 = 16.0;
/// Members' squares narrow down to this before some are only counted.
const MIN_MEMBER_W: f64 = 11.0;
/// Distances on a strip: 1, 10, 100, 1 000 and 10 000 records behind the newest.
const DECADES: f64 = 4.0;
/// The narrowest inner width that holds the three columns side by side.
const WIDE: f64 = PRODUCER_W + GAP + 200.0 + GAP + GROUP_W + 2.0 * MARGIN;

/// What exists in the picture; rebuilt only when it changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    /// Each topic that is written or read, with its partition count.
    lanes: Vec<(TopicId, u32)>,
    groups: Vec<ServiceId>,
}

impl Shape {
    pub fn of(snapshot: &engine::Snapshot) -> Shape {
        let used = |topic: TopicId| {
            snapshot
                .edges
                .iter()
                .any(|e| e.from == Node::Topic(topic) || e.to == Node::Topic(topic))
                || snapshot
                    .partitions
                    .iter()
                    .any(|p| p.topic == topic && p.end_offset > 0)
        };
        let lanes = TopicId::ALL
            .into_iter()
            .filter(|&t| used(t))
            .map(|t| {
                let count = snapshot.partitions.iter().filter(|p| p.topic == t).count();
                (t, count as u32)
            })
            .collect();
        Shape {
            lanes,
            groups: snapshot.groups.iter().map(|g| g.group).collect(),
        }
    }
}

/// Where everything goes for a panel `width` units wide.
struct Plan {
    wide: bool,
    width: f64,
    height: f64,
    customers: (f64, f64, f64),
    order: (f64, f64, f64),
    /// The log's box: x, y, width, height; lanes inside it, one `PITCH` apart.
    log: (f64, f64, f64, f64),
    lane_y: f64,
    groups: Vec<(f64, f64)>,
}

impl Plan {
    fn of(shape: &Shape, width: f64) -> Plan {
        let wide = width >= WIDE;
        let lanes = shape.lanes.len().max(1) as f64;
        let groups = shape.groups.len();
        if wide {
            let order_y = MARGIN + CUSTOMERS_H + 22.0;
            let log_x = MARGIN + PRODUCER_W + GAP;
            let group_x = width - MARGIN - GROUP_W;
            let rows = lanes.max(groups as f64);
            Plan {
                wide,
                width,
                height: order_y + rows * PITCH + MARGIN,
                customers: (MARGIN, MARGIN, PRODUCER_W),
                order: (MARGIN, order_y, PRODUCER_W),
                log: (
                    log_x,
                    order_y - 6.0,
                    group_x - GAP - log_x,
                    lanes * PITCH + 4.0,
                ),
                lane_y: order_y,
                groups: (0..groups)
                    .map(|g| (group_x, order_y + g as f64 * PITCH))
                    .collect(),
            }
        } else {
            let inner = width - 2.0 * MARGIN;
            let order_x = MARGIN + 100.0 + GAP;
            let log_y = MARGIN + NODE_H + 28.0;
            let log_h = lanes * PITCH + 4.0;
            let columns = (((inner + 8.0) / (GROUP_W + 8.0)).floor() as usize).max(1);
            let rows = groups.div_ceil(columns);
            let top = log_y + log_h + 40.0;
            let placed = (0..groups)
                .map(|g| {
                    let in_row = (groups - g / columns * columns).min(columns) as f64;
                    let left = MARGIN + (inner - in_row * (GROUP_W + 8.0) + 8.0) / 2.0;
                    (
                        left + (g % columns) as f64 * (GROUP_W + 8.0),
                        top + (g / columns) as f64 * PITCH,
                    )
                })
                .collect();
            Plan {
                wide,
                width,
                height: top + rows as f64 * PITCH + MARGIN,
                customers: (MARGIN, MARGIN + (NODE_H - CUSTOMERS_H) / 2.0, 100.0),
                order: (order_x, MARGIN, 128.0),
                log: (MARGIN, log_y, inner, log_h),
                lane_y: log_y + 6.0,
                groups: placed,
            }
        }
    }

    fn lane(&self, index: usize) -> (f64, f64, f64) {
        let (x, _, w, _) = self.log;
        (x + 6.0, self.lane_y + index as f64 * PITCH, w - 12.0)
    }
}

/// The drawing for `shape` in a panel `width` units wide. What stays put is written once as
/// markup; what moves is one piece of markup per topic and per group, rewritten only when it
/// changed.
/// `edges` as the snapshot lists them (their index is how an edge finds its messages).
pub fn picture(
    playground: Playground,
    shape: &Shape,
    edges: &[(Node, Node)],
    width: f64,
) -> Picture {
    let plan = Plan::of(shape, width);
    let (cx, cy, cw) = plan.customers;
    let (ox, oy, ow) = plan.order;
    let order_mid = oy + NODE_H / 2.0;
    let (lx, ly, lw, lh) = plan.log;
    let lane_mid = |topic: TopicId| {
        let lane = shape.lanes.iter().position(|l| l.0 == topic)?;
        Some(plan.lane(lane).1 + NODE_H / 2.0)
    };
    let route_of = |from: Node, to: Node| -> Option<Route> {
        match (from, to) {
            (Node::Gateway, _) if plan.wide => {
                let x = cx + cw / 2.0;
                Some(straight((x, cy + CUSTOMERS_H), (x, oy)))
            }
            (Node::Gateway, _) => {
                let y = cy + CUSTOMERS_H / 2.0;
                Some(straight((cx + cw, y), (ox, y)))
            }
            (Node::Service(ServiceId::Order), Node::Topic(_)) if plan.wide => {
                Some(straight((ox + ow, order_mid), (lx, order_mid)))
            }
            (Node::Service(ServiceId::Order), Node::Topic(_)) => {
                // Right of the middle, clear of the log's caption.
                let x = ox + ow * 0.75;
                Some(straight((x, oy + NODE_H), (x, ly)))
            }
            (Node::Service(_), Node::Topic(topic)) if plan.wide => {
                let y = lane_mid(topic)?;
                Some(straight((MARGIN + PRODUCER_W, y), (lx, y)))
            }
            _ => None,
        }
    };
    let routes = edges
        .iter()
        .enumerate()
        .filter_map(|(index, &ends)| Some((index, ends, route_of(ends.0, ends.1)?)))
        .collect();

    let mut fixed = String::new();
    let m = &mut fixed;
    let _ = write!(m, r#"<g class="node gateway">"#);
    rect(m, "", cx, cy, cw, CUSTOMERS_H, 6.0);
    text(
        m,
        "node-name",
        cx + cw / 2.0,
        cy + 21.0,
        "middle",
        "Customers",
    );
    m.push_str("</g>");
    rect(m, "log", lx, ly, lw, lh, 4.0);
    text(
        m,
        "caption",
        lx,
        ly - 6.0,
        "start",
        "the log: newest record at the right",
    );
    // The log hands records to every group: one line from the log to a rail, a short arrow
    // into each group (wide), or one arrow down to them (narrow).
    if let Some(&(gx, gy)) = plan.groups.first() {
        let mut d = String::new();
        if plan.wide {
            let rail_x = lx + lw + GAP / 2.0;
            let last = plan.groups[plan.groups.len() - 1].1 + NODE_H / 2.0;
            let _ = write!(
                d,
                "M{:.1} {:.1}H{rail_x:.1}V{last:.1}",
                lx + lw,
                gy + NODE_H / 2.0
            );
            for &(gx, gy) in &plan.groups {
                let _ = write!(d, "M{rail_x:.1} {:.1}H{:.1}", gy + NODE_H / 2.0, gx - 2.0);
            }
            text(m, "caption", gx, ly - 6.0, "start", "consumer groups");
        } else {
            let x = lx + lw / 2.0;
            let _ = write!(d, "M{x:.1} {:.1}V{:.1}", ly + lh, gy - 2.0);
            text(
                m,
                "caption",
                x + 8.0,
                gy - 18.0,
                "start",
                "consumer groups read it",
            );
        }
        let _ = write!(
            m,
            r#"<path class="edge rail" d="{d}" marker-end="url(#arrow-event)"/>"#
        );
    }
    for (index, &(topic, _)) in shape.lanes.iter().enumerate() {
        let (x, y, w) = plan.lane(index);
        let writer = edges.iter().find_map(|&(from, to)| match (from, to) {
            (Node::Service(service), Node::Topic(t)) if t == topic => Some(service),
            _ => None,
        });
        let mut heading = topic_name(topic).to_string();
        match writer {
            // Producers other than Order: a name level with the topic it writes (wide), or
            // named in the topic's heading (narrow).
            Some(service) if plan.wide && service != ServiceId::Order => {
                m.push_str(r#"<g class="producer">"#);
                rect(
                    m,
                    "",
                    MARGIN + 12.0,
                    y + NODE_H / 2.0 - 15.0,
                    PRODUCER_W - 12.0,
                    30.0,
                    6.0,
                );
                let name = format!("{} writes", service.title());
                text(
                    m,
                    "node-detail",
                    MARGIN + 18.0,
                    y + NODE_H / 2.0 + 4.0,
                    "start",
                    &name,
                );
                m.push_str("</g>");
            }
            Some(service) if !plan.wide => {
                let _ = write!(heading, " ← {}", service.title());
            }
            _ => {}
        }
        rect(m, "lane", x, y, w, NODE_H, 2.0);
        text(m, "node-name", x + 6.0, y + 15.0, "start", &heading);
    }
    let mut nodes: Vec<AnyView> = shape
        .lanes
        .iter()
        .enumerate()
        .map(|(index, &(topic, partitions))| {
            let strips = Strips::new(plan.lane(index), partitions);
            // A few times a second, as the broker table (and at once after a lever or a
            // seek); written to the page only when it changed.
            let markup = move || {
                playground.ticker.track();
                playground
                    .view
                    .with_untracked(|view| strips.markup(topic, &view.event.partitions))
            };
            view! { <g data-testid=format!("lane-{}", topic_name(topic)) inner_html=markup></g> }
                .into_any()
        })
        .collect();
    let order = (ox, oy, ow);
    nodes.push(
        service_box(
            playground,
            Design::Event,
            ServiceId::Order,
            order,
            service_markup,
        )
        .into_any(),
    );
    for (&service, &(x, y)) in shape.groups.iter().zip(&plan.groups) {
        let at = (x, y, GROUP_W);
        nodes.push(service_box(playground, Design::Event, service, at, group_markup).into_any());
    }
    Picture {
        width: plan.width,
        height: plan.height,
        fixed,
        edges: routes,
        nodes,
    }
}

fn straight(from: (f64, f64), to: (f64, f64)) -> Route {
    (from, ((from.0 + to.0) / 2.0, (from.1 + to.1) / 2.0), to)
}

/// Where a topic's partitions go in its lane: as many strips as fit, each the same width.
#[derive(Clone, Copy)]
struct Strips {
    x: f64,
    y: f64,
    w: f64,
    shown: u32,
    partitions: u32,
    strip_w: f64,
}

impl Strips {
    fn new((x, y, w): (f64, f64, f64), partitions: u32) -> Strips {
        let inner = w - 12.0;
        let fits = (((inner + STRIP_GAP) / (MIN_STRIP_W + STRIP_GAP)).floor() as u32).max(1);
        let shown = partitions.min(fits);
        Strips {
            x,
            y,
            w,
            shown,
            partitions,
            strip_w: (inner + STRIP_GAP) / f64::from(shown.max(1)) - STRIP_GAP,
        }
    }

    /// A strip's path from its left end.
    fn bar(&self, d: &mut String, left: f64, y: f64, w: f64, h: f64) {
        let _ = write!(d, "M{left:.1} {y:.1}h{w:.1}v{h}h{:.1}z", -w);
    }

    /// How far left of a strip's right end a group `records` behind is drawn.
    fn behind(&self, records: u64) -> f64 {
        self.strip_w * ((records as f64 + 1.0).log10() / DECADES).clamp(0.0, 1.0)
    }

    /// The lane's moving parts for `topic`: the strips with each group's tick and the unread
    /// records, the log's size, the group furthest behind, and the figures behind it all for
    /// a pointer resting on the lane.
    fn markup(&self, topic: TopicId, partitions: &[PartitionView]) -> String {
        let Strips { x, y, w, .. } = *self;
        let top = y + 22.0;
        let (mut tracks, mut unread, mut ticks, mut down) =
            (String::new(), String::new(), String::new(), String::new());
        let mut title = format!("{}: ", topic_name(topic));
        if self.partitions > self.shown {
            let _ = write!(
                title,
                "the first {} of {} partitions",
                self.shown, self.partitions
            );
        }
        let mut end = 0;
        // Each reading group's lag on this topic.
        let mut totals: Vec<(ServiceId, u64)> = Vec::new();
        for p in partitions.iter().filter(|p| p.topic == topic) {
            end += p.end_offset;
            for g in &p.groups {
                match totals.iter_mut().find(|t| t.0 == g.group) {
                    Some(total) => total.1 += g.lag,
                    None => totals.push((g.group, g.lag)),
                }
            }
            if p.partition >= self.shown {
                continue;
            }
            let left = x + 6.0 + f64::from(p.partition) * (self.strip_w + STRIP_GAP);
            let right = left + self.strip_w;
            self.bar(&mut tracks, left, top, self.strip_w, STRIP_H);
            let most = p.groups.iter().map(|g| g.lag).max().unwrap_or(0);
            if most > 0 {
                let behind = self.behind(most);
                self.bar(&mut unread, right - behind, top, behind, STRIP_H);
            }
            let _ = write!(
                title,
                "\npartition {}: end offset {}",
                p.partition, p.end_offset
            );
            if p.unavailable {
                self.bar(&mut down, left, top, self.strip_w, STRIP_H);
                title.push_str(" (unavailable)");
            }
            for g in &p.groups {
                let at = (right - self.behind(g.lag) - 1.0).max(left);
                self.bar(&mut ticks, at, top - 2.0, 2.0, STRIP_H + 4.0);
                let _ = write!(
                    title,
                    "; {} at {} ({} behind",
                    g.group.title(),
                    g.committed,
                    g.lag
                );
                match g.owner {
                    Some(member) => {
                        let _ = write!(title, ", member {member})");
                    }
                    None => title.push_str(", no owner)"),
                }
            }
        }
        let worst = totals
            .iter()
            .fold(None, |worst: Option<(ServiceId, u64)>, &(g, lag)| {
                if worst.is_none_or(|w| lag > w.1) {
                    Some((g, lag))
                } else {
                    worst
                }
            });
        let status = match worst {
            Some((group, lag)) if lag > 0 => {
                format!("{} {} behind", group.title(), short_count(lag))
            }
            _ if end > 0 => "all read".to_string(),
            _ => String::new(),
        };
        let mut m = format!("<title>{title}</title>");
        for (class, d) in [
            ("strip", tracks),
            ("strip-unread", unread),
            ("strip-down", down),
            ("strip-tick", ticks),
        ] {
            let _ = write!(m, r#"<path class="{class}" d="{d}"/>"#);
        }
        let size = format!("{} records", short_count(end));
        text(&mut m, "node-detail", x + w - 6.0, y + 15.0, "end", &size);
        text(
            &mut m,
            "node-detail",
            x + 6.0,
            y + NODE_H - 6.0,
            "start",
            &status,
        );
        m
    }
}

/// A consumer group: its members as squares with the number of partitions each owns (an idle
/// member's square is empty and dashed; a dead one's is red, with the partitions it still
/// holds until its session times out, or crossed), and its lag.
fn group_markup(
    snapshot: &engine::Snapshot,
    service: ServiceId,
    health: HealthState,
    (x, y, _): (f64, f64, f64),
) -> String {
    let group = snapshot.groups.iter().find(|g| g.group == service);
    let mut m = service_frame(service, x, y, GROUP_W);
    let mut description = format!("{}: {}", service.title(), health_label(health));
    let mut status = health_label(health).to_string();
    if let Some(group) = group {
        let _ = write!(
            description,
            "; {} of {} members up",
            group.alive, group.members
        );
        // Squares narrow to fit up to ten members; beyond that, the rest are counted.
        let members = group.member_states.len();
        let step =
            ((GROUP_W - 10.0) / members.max(1) as f64).clamp(MIN_MEMBER_W + 2.0, MEMBER_W + 3.0);
        let fits = ((GROUP_W - 10.0) / step).floor() as usize;
        let drawn = if members > fits { fits - 1 } else { members };
        let mut idle = 0;
        for (index, member) in group.member_states.iter().enumerate() {
            let (class, label, state) = match (member.alive, member.partitions) {
                // Its partitions wait, unread, until its session times out.
                (false, 0) => ("member dead", "×".to_string(), "down".to_string()),
                (false, n) => (
                    "member dead",
                    n.to_string(),
                    format!(
                        "down, still holding {} until its session times out",
                        partitions(n)
                    ),
                ),
                (true, 0) => {
                    idle += 1;
                    (
                        "member idle",
                        String::new(),
                        "idle: no partition".to_string(),
                    )
                }
                (true, n) => (
                    if member.busy { "member busy" } else { "member" },
                    n.to_string(),
                    partitions(n),
                ),
            };
            let _ = write!(description, "; member {index} {state}");
            if index < drawn {
                let mx = x + 6.0 + index as f64 * step;
                let w = step - 2.0;
                rect(&mut m, class, mx, y + 22.0, w, 15.0, 2.0);
                text(
                    &mut m,
                    "member-count",
                    mx + w / 2.0,
                    y + 33.5,
                    "middle",
                    &label,
                );
            }
        }
        if members > drawn {
            let more = format!("+{}", members - drawn);
            let mx = x + 6.0 + drawn as f64 * step;
            text(&mut m, "node-detail", mx, y + 34.0, "start", &more);
        }
        let _ = write!(
            description,
            "; lag {} records, oldest unread {:.1} s{}",
            group.lag,
            group.lag_s,
            if group.rebalancing {
                "; rebalancing"
            } else {
                ""
            }
        );
        if health == HealthState::Up {
            let behind = if group.lag == 0 {
                "up to date".to_string()
            } else {
                format!("{} behind", short_count(group.lag))
            };
            status = if group.rebalancing {
                "rebalancing".to_string()
            } else if idle > 0 {
                // Members with nothing to read are the story: more than the partitions.
                format!("{idle} idle · {behind}")
            } else if group.lag == 0 {
                behind
            } else {
                format!("{behind} · {:.1} s", group.lag_s)
            };
        }
    }
    let class = if health == HealthState::Up {
        "node-detail"
    } else {
        "node-detail node-health"
    };
    text(&mut m, class, x + 6.0, y + NODE_H - 6.0, "start", &status);
    let _ = write!(m, "<title>{description}</title>");
    m
}

fn partitions(n: u32) -> String {
    format!("{n} partition{}", if n == 1 { "" } else { "s" })
}
