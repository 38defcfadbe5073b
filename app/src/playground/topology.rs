//! One design drawn as a graph: services as boxes with health, worker and queue gauges;
//! messages as dots moving along the edges (a bounded sample from the engine). The synchronous
//! shop is laid out here; the event-driven one in `event_map`, from the same pieces.
//! Clicking (or Enter/Space on) a service selects it as the target for faults.

use engine::snapshot::{EdgeView, Node, ServiceView, Snapshot};
use std::fmt::Write;

use engine::{Design, HealthState, ServiceId, TopicId};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::Playground;

// The drawing is laid out for the width it has, one drawing unit to one CSS pixel, so its text
// keeps the size the style sheet gives it (at least 11 px) at every width: a narrow panel gets
// more rows, never smaller text.
const NODE_W: f64 = 128.0;
pub(super) const NODE_H: f64 = 58.0;
const COLUMN_GAP: f64 = 8.0;
const ROW_GAP: f64 = 40.0;
pub(super) const MARGIN: f64 = 8.0;
/// Up to this many nodes side by side, however wide the panel.
const MAX_COLUMNS: usize = 6;
/// Dots approach the end of their edge with this time constant (simulated ms): a message that
/// waits long sits by its destination, which is what a queue looks like.
const DOT_TAU_MS: f64 = 40.0;
const DOT_R: f64 = 4.0;

#[component]
pub fn Topology(design: Design) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let title = match design {
        Design::Sync => "Synchronous: a chain of calls",
        Design::Event => "Event-driven: services react to a log",
    };
    let test_id = match design {
        Design::Sync => "topology-sync",
        Design::Event => "topology-event",
    };
    let class = match design {
        Design::Sync => "topology sync",
        Design::Event => "topology event",
    };
    let marker = match design {
        Design::Sync => "arrow-sync",
        Design::Event => "arrow-event",
    };
    // The drawing's structure (which nodes and edges exist) changes rarely; it is rebuilt only
    // then, and the gauges, counts and dots inside update in place every frame, so keyboard
    // focus on a service survives playback.
    let structure = Memo::new(move |_| {
        playground.view.with(|view| {
            let snapshot = pick(view, design);
            Structure {
                services: snapshot.services.iter().map(|s| s.service).collect(),
                edges: snapshot.edges.iter().map(|e| (e.from, e.to)).collect(),
                event: (design == Design::Event).then(|| super::event_map::Shape::of(snapshot)),
            }
        })
    });
    let panel = NodeRef::<leptos::html::Section>::new();
    // Measured once the panel is on the page, and again whenever the window crosses one of
    // the widths where the page's layout changes (between them the drawing only scales).
    let breakpoints = [600, 800, 1100, 1300]
        .map(|px| crate::hooks::use_media_query(&format!("(min-width: {px}px)")));
    // Measured after the panel is laid out (an effect runs once the view is on the page).
    let width = RwSignal::new(0);
    Effect::new(move |_| {
        breakpoints.iter().for_each(|b| b.track());
        if let Some(element) = panel.get() {
            width.set(element.client_width());
        }
    });
    let columns = Memo::new(move |_| columns_for(f64::from(width.get())));
    let graph = move || {
        let structure = structure.get();
        let picture = match &structure.event {
            // Inside the panel's padding (0.75rem each side); a phone's width until measured.
            Some(shape) => super::event_map::picture(
                playground,
                shape,
                &structure.edges,
                match width.get() {
                    0 => 296.0,
                    w => f64::from(w) - 24.0,
                },
            ),
            None => Layout::of(&structure, columns.get()).picture(playground, &structure.edges),
        };
        let Picture {
            width,
            height,
            fixed,
            edges,
            nodes,
        } = picture;
        let edges = edges
            .into_iter()
            .map(|(index, ends, route)| draw_edge(playground, design, marker, index, ends, route))
            .collect_view();
        view! {
            <svg class="graph" viewBox=format!("0 0 {width:.0} {height:.0}") width=format!("{width:.0}") height=format!("{height:.0}") role="group" aria-label=title>
                <defs>
                    <marker id=marker viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                    </marker>
                </defs>
                <g inner_html=fixed></g>
                {edges}
                {nodes}
            </svg>
        }
    };
    view! {
        <section class=class data-testid=test_id node_ref=panel>
            <h2>{title}</h2>
            {graph}
            {(design == Design::Event).then(|| view! {
                <p class="legend">
                    "Strip: a partition, newest record at the right. Shaded: not yet read by a group (log scale: ¼ of a strip is 10 records, ½ is 100, ¾ is 1,000). Tick: where a group committed. Square: a consumer and how many partitions it owns; filled while working, dashed when idle."
                </p>
            })}
        </section>
    }
}

/// One shop's drawing, laid out: its size, what never changes (as markup), the edges to draw
/// (index in the snapshot, ends, route) and the nodes, which draw themselves.
pub(super) struct Picture {
    pub width: f64,
    pub height: f64,
    pub fixed: String,
    pub edges: Vec<(usize, (Node, Node), Route)>,
    pub nodes: Vec<AnyView>,
}

#[derive(Clone, Debug, PartialEq)]
struct Structure {
    services: Vec<ServiceId>,
    edges: Vec<(Node, Node)>,
    /// What the event-driven picture holds (it has a layout of its own).
    event: Option<super::event_map::Shape>,
}

fn pick(view: &super::FrameView, design: Design) -> &engine::Snapshot {
    match design {
        Design::Sync => &view.sync,
        Design::Event => &view.event,
    }
}

struct Placed {
    node: Node,
    x: f64,
    y: f64,
}

struct Layout {
    nodes: Vec<Placed>,
    width: f64,
    height: f64,
}

impl Layout {
    /// Rows by role, each wrapped to `columns` nodes a line and centred: the synchronous shop as a chain (nested calls) or the gateway and
    /// Order over the services Order calls in turn (orchestrated); the event-driven shop as the services that
    /// take orders, the log's topics, and the services that react to them. Positions depend
    /// only on which nodes exist, so the picture never jumps between frames.
    fn of(structure: &Structure, columns: usize) -> Layout {
        let columns = columns.clamp(1, MAX_COLUMNS);
        let full_width = 2.0 * MARGIN + columns as f64 * (NODE_W + COLUMN_GAP) - COLUMN_GAP;
        let edges = &structure.edges;
        let mut nodes: Vec<Node> = vec![Node::Gateway];
        let all = edges
            .iter()
            .flat_map(|&(from, to)| [from, to])
            .chain(structure.services.iter().map(|&s| Node::Service(s)));
        // In rank order, and in order of appearance within a rank (a stable insertion sort:
        // a dozen nodes at most).
        for node in all {
            if !nodes.contains(&node) {
                let rank = node_rank(&node);
                let at = nodes.partition_point(|placed| node_rank(placed) <= rank);
                nodes.insert(at, node);
            }
        }
        // Orchestrated, Order calls every other service; nested, the others call on too.
        let nested = edges.iter().any(
            |e| matches!(e, (Node::Service(from), Node::Service(_)) if *from != ServiceId::Order),
        );
        let row_of = |node: &Node| match (nested, node) {
            (true, _) | (_, Node::Gateway | Node::Service(ServiceId::Order)) => 0,
            _ => 1,
        };
        let roles = nodes.iter().map(row_of).max().unwrap_or(0) + 1;
        let mut placed = Vec::with_capacity(nodes.len());
        let mut line = 0;
        for role in 0..roles {
            let members: Vec<Node> = nodes
                .iter()
                .filter(|n| row_of(n) == role)
                .copied()
                .collect();
            for chunk in members.chunks(columns) {
                let count = chunk.len() as f64;
                let span = count * NODE_W + (count - 1.0) * COLUMN_GAP;
                let left = ((full_width - span) / 2.0).max(MARGIN);
                for (index, &node) in chunk.iter().enumerate() {
                    let x = left + index as f64 * (NODE_W + COLUMN_GAP);
                    let y = MARGIN + line as f64 * (NODE_H + ROW_GAP);
                    placed.push(Placed { node, x, y });
                }
                line += 1;
            }
        }
        let lines = f64::from(line.max(1));
        let height = 2.0 * MARGIN + lines * NODE_H + (lines - 1.0) * ROW_GAP;
        // Crop to the widest row so the drawing takes no more room than it needs.
        let left = placed.iter().map(|p| p.x).fold(full_width, f64::min) - MARGIN;
        let right = placed.iter().map(|p| p.x + NODE_W).fold(0.0, f64::max) + MARGIN;
        for place in &mut placed {
            place.x -= left;
        }
        Layout {
            nodes: placed,
            width: (right - left).max(NODE_W),
            height,
        }
    }

    fn position(&self, node: Node) -> Option<&Placed> {
        self.nodes.iter().find(|p| p.node == node)
    }

    fn picture(&self, playground: Playground, edges: &[(Node, Node)]) -> Picture {
        let mut fixed = String::new();
        // Orchestrated, Order calls the others one after another, left to right: numbered,
        // so the fan of arrows reads as a sequence, not as calls at the same time.
        let orchestrated = edges.iter().all(|e| match e {
            (Node::Service(from), Node::Service(_)) => *from == ServiceId::Order,
            _ => true,
        });
        let called = edges.iter().filter_map(|e| match e {
            (Node::Service(ServiceId::Order), Node::Service(to)) => Some(*to),
            _ => None,
        });
        for (call, service) in called.enumerate().filter(|_| orchestrated) {
            if let Some(&Placed { x, y, .. }) = self.position(Node::Service(service)) {
                let label = format!("call {}", call + 1);
                text(&mut fixed, "edge-count", x + 4.0, y - 4.0, "start", &label);
            }
        }
        if let Some(&Placed { x, y, .. }) = self.position(Node::Gateway) {
            fixed.push_str(r#"<g class="node gateway">"#);
            rect(&mut fixed, "", x, y, NODE_W, NODE_H, 6.0);
            let middle = x + NODE_W / 2.0;
            text(
                &mut fixed,
                "node-name",
                middle,
                y + 25.0,
                "middle",
                "Customers",
            );
            text(
                &mut fixed,
                "node-detail",
                middle,
                y + 43.0,
                "middle",
                "place orders",
            );
            fixed.push_str("</g>");
        }
        Picture {
            width: self.width,
            height: self.height,
            fixed,
            edges: edges
                .iter()
                .enumerate()
                .filter_map(|(index, &ends)| {
                    let route = route(self.position(ends.0)?, self.position(ends.1)?);
                    Some((index, ends, route))
                })
                .collect(),
            nodes: self
                .nodes
                .iter()
                .filter_map(|placed| match placed.node {
                    Node::Service(service) => {
                        let at = (placed.x, placed.y, NODE_W);
                        Some(
                            service_box(playground, Design::Sync, service, at, service_markup)
                                .into_any(),
                        )
                    }
                    _ => None,
                })
                .collect(),
        }
    }
}

/// How many nodes fit side by side in a panel `width` CSS pixels wide (inside its padding).
fn columns_for(width: f64) -> usize {
    // Until the panel is measured, the width of a phone.
    let width = if width > 0.0 { width } else { 320.0 };
    // Less the panel's padding (0.75rem each side).
    let inner = width - 24.0 - 2.0 * MARGIN + COLUMN_GAP;
    ((inner / (NODE_W + COLUMN_GAP)).floor() as usize).clamp(1, MAX_COLUMNS)
}

fn node_rank(node: &Node) -> (u8, usize) {
    match node {
        Node::Gateway => (0, 0),
        Node::Service(service) => (1, service.index()),
        Node::Topic(topic) => (2, topic.index()),
    }
}

/// Endpoints and control point of an edge: side to side within a row, bottom to top (or top
/// to bottom) between rows.
fn route(from: &Placed, to: &Placed) -> Route {
    if (from.y - to.y).abs() < 1.0 {
        let forward = to.x > from.x;
        let (x1, x2) = if forward {
            (from.x + NODE_W, to.x)
        } else {
            (from.x, to.x + NODE_W)
        };
        let y = from.y + NODE_H / 2.0;
        let adjacent = (to.x - from.x).abs() <= NODE_W + COLUMN_GAP + 1.0;
        let bend = if adjacent { 0.0 } else { NODE_H * 0.9 };
        ((x1, y), ((x1 + x2) / 2.0, y - bend), (x2, y))
    } else {
        let down = to.y > from.y;
        let (y1, y2) = if down {
            (from.y + NODE_H, to.y)
        } else {
            (from.y, to.y + NODE_H)
        };
        let (x1, x2) = (from.x + NODE_W / 2.0, to.x + NODE_W / 2.0);
        // Offset the control point so an edge and its reverse (produce/consume) do not overlap.
        let offset = if down { -10.0 } else { 10.0 };
        (
            (x1, y1),
            ((x1 + x2) / 2.0 + offset, (y1 + y2) / 2.0),
            (x2, y2),
        )
    }
}

/// An edge's start, control point and end (a quadratic curve).
pub(super) type Route = ((f64, f64), (f64, f64), (f64, f64));

/// Edge `index` of `design`'s snapshot, joining `ends`, drawn along `route` with the messages
/// on their way as dots that can be clicked to follow an order.
pub(super) fn draw_edge(
    playground: Playground,
    design: Design,
    marker: &'static str,
    index: usize,
    ends: (Node, Node),
    ((x1, y1), (cx, cy), (x2, y2)): Route,
) -> impl IntoView + use<> {
    let point = move |t: f64| {
        let u = 1.0 - t;
        (
            u * u * x1 + 2.0 * u * t * cx + t * t * x2,
            u * u * y1 + 2.0 * u * t * cy + t * t * y2,
        )
    };
    let (lx, ly) = point(0.5);
    // Calls `each(order, x, y)` for every sampled message, where it is now in drawing units.
    let for_each_dot = move |view: &super::FrameView, each: &mut dyn FnMut(u64, f64, f64)| {
        let Some(edge) = edge_in(view, design, index, ends) else {
            return;
        };
        for dot in &edge.sample {
            let age_ms = view.now.saturating_sub(dot.sent_at).as_millis_f64();
            let (x, y) = point(1.0 - (-age_ms / DOT_TAU_MS).exp() * 0.95);
            each(dot.order, x, y);
        }
    };
    // The line, how many messages are on it, and all its dots as one path: written to the
    // page only when it changed.
    let markup = move || {
        let moving = !playground.reduced_motion.get();
        playground.view.with(|view| {
            let busy = edge_in(view, design, index, ends).map_or(0, |e| e.in_flight + e.waiting);
            let mut m = format!(
                r#"<path class="edge{}" d="M {x1:.1} {y1:.1} Q {cx:.1} {cy:.1} {x2:.1} {y2:.1}" marker-end="url(#{marker})"/>"#,
                if busy > 0 { " active" } else { "" }
            );
            if busy > 0 {
                text(&mut m, "edge-count", lx + 4.0, ly - 3.0, "start", &busy.to_string());
            }
            m.push_str(r#"<path class="dots" d=""#);
            if moving {
                for_each_dot(view, &mut |_, x, y| {
                    let _ = write!(
                        m,
                        "M{:.1} {y:.1}a{DOT_R} {DOT_R} 0 1 0 {} 0a{DOT_R} {DOT_R} 0 1 0 -{} 0",
                        x - DOT_R,
                        2.0 * DOT_R,
                        2.0 * DOT_R
                    );
                });
            }
            m.push_str(r#""><title>Messages on their way: click one to follow its order</title></path>"#);
            m
        })
    };
    let follow = move |event: web_sys::MouseEvent| {
        let Some(at) = drawing_point(&event) else {
            return;
        };
        let mut nearest: Option<(u64, f64)> = None;
        playground.view.with_untracked(|view| {
            for_each_dot(view, &mut |order, x, y| {
                let distance = (x - at.0).hypot(y - at.1);
                if distance <= DOT_R * 2.5 && nearest.is_none_or(|(_, best)| distance < best) {
                    nearest = Some((order, distance));
                }
            });
        });
        if let Some((order, _)) = nearest {
            playground.pin(order);
        }
    };
    view! { <g on:click=follow inner_html=markup></g> }
}

/// The engine's view of edge `index` of `design`, if it still joins `ends`.
fn edge_in(
    view: &super::FrameView,
    design: Design,
    index: usize,
    ends: (Node, Node),
) -> Option<&EdgeView> {
    pick(view, design)
        .edges
        .get(index)
        .filter(|e| (e.from, e.to) == ends)
}

/// The point under the pointer in the drawing's own units (the SVG's view box), allowing for
/// the drawing being scaled and centred in its box.
fn drawing_point(event: &web_sys::MouseEvent) -> Option<(f64, f64)> {
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let svg = target.closest("svg").ok()??;
    let view_box = svg.get_attribute("viewBox")?;
    let mut numbers = view_box
        .split_whitespace()
        .filter_map(crate::number::parse_number);
    let (_, _, width, height) = (
        numbers.next()?,
        numbers.next()?,
        numbers.next()?,
        numbers.next()?,
    );
    let rect = svg.get_bounding_client_rect();
    let scale = (rect.width() / width).min(rect.height() / height);
    if !(scale.is_finite() && scale > 0.0) {
        return None;
    }
    let left = rect.left() + (rect.width() - width * scale) / 2.0;
    let top = rect.top() + (rect.height() - height * scale) / 2.0;
    Some((
        (f64::from(event.client_x()) - left) / scale,
        (f64::from(event.client_y()) - top) / scale,
    ))
}

/// Writes a service's box as markup: from the snapshot, the service, its health as shown (a
/// drill hides it) and where the box goes (x, y, width).
pub(super) type DrawService = fn(&Snapshot, ServiceId, HealthState, (f64, f64, f64)) -> String;

/// A service in `design`'s picture, drawn by `draw`: selecting it (click, Enter or Space)
/// makes it the target for faults. Its accessible name is the `<title>` the markup ends with,
/// which describes it in full. The box is rewritten only when its markup changed, and the
/// element that holds keyboard focus stays.
pub(super) fn service_box(
    playground: Playground,
    design: Design,
    service: ServiceId,
    at: (f64, f64, f64),
    draw: DrawService,
) -> impl IntoView + use<> {
    // In an incident drill the learner finds the broken service from its symptoms.
    let hide_health = use_context::<StoredValue<super::Visible>>()
        .and_then(|visible| visible.try_with_value(|v| v.hide_health))
        .unwrap_or(false);
    let health = move |snapshot: &Snapshot| {
        snapshot
            .services
            .iter()
            .find(|s| s.service == service)
            .map(|s| s.health)
            .filter(|_| !hide_health)
            .unwrap_or(HealthState::Up)
    };
    // The outline marks the target of the faults and per-service levers, so it shows only
    // where one of those is offered; in a drill it would point at a suspect.
    let targeted = use_context::<StoredValue<super::Visible>>()
        .and_then(|visible| {
            visible
                .try_with_value(|v| !v.hide_health && (v.shows("faults") || v.shows("consumers")))
        })
        .unwrap_or(false);
    let selected = move || targeted && playground.selected.get() == service;
    let select = move || playground.selected.set(service);
    view! {
        <g
            class=move || format!("node service health-{}{}", playground.view.with(|v| health_class(health(pick(v, design)))), if selected() { " selected" } else { "" })
            role="button"
            tabindex="0"
            aria-pressed=move || selected().to_string()
            data-testid=format!("node-{}", service.name())
            on:click=move |_| select()
            on:keydown=move |event| {
                if event.key() == "Enter" || event.key() == " " {
                    event.prevent_default();
                    select();
                }
            }
            inner_html=move || playground.view.with(|v| {
                let snapshot = pick(v, design);
                draw(snapshot, service, health(snapshot), at)
            })
        ></g>
    }
}

/// A service box: its name, a gauge of busy workers (those only waiting for a callee at the
/// bar's right end), a gauge of its queue (log scale: 1 and 10 000 both readable), and its
/// state in words.
pub(super) fn service_markup(
    snapshot: &Snapshot,
    service: ServiceId,
    health: HealthState,
    (x, y, w): (f64, f64, f64),
) -> String {
    let s = snapshot
        .services
        .iter()
        .find(|s| s.service == service)
        .cloned()
        .unwrap_or(ServiceView {
            service,
            health,
            workers: 0,
            busy: 0,
            waiting: 0,
            queue: 0,
            consumers: 0,
            consumers_alive: 0,
        });
    let gauge_w = w - 12.0;
    let share = |n: u32| {
        if s.workers > 0 {
            gauge_w * f64::from(n.min(s.workers)) / f64::from(s.workers)
        } else {
            0.0
        }
    };
    let mut m = service_frame(service, x, y, w);
    rect(&mut m, "gauge-track", x + 6.0, y + 23.0, gauge_w, 6.0, 0.0);
    rect(
        &mut m,
        "gauge busy",
        x + 6.0,
        y + 23.0,
        share(s.busy),
        6.0,
        0.0,
    );
    let working = x + 6.0 + share(s.busy.saturating_sub(s.waiting));
    rect(
        &mut m,
        "gauge waiting",
        working,
        y + 23.0,
        share(s.waiting),
        6.0,
        0.0,
    );
    rect(&mut m, "gauge-track", x + 6.0, y + 32.0, gauge_w, 6.0, 0.0);
    let queue = gauge_w * ((s.queue as f64 + 1.0).log10() / 4.0).clamp(0.0, 1.0);
    rect(&mut m, "gauge queue", x + 6.0, y + 32.0, queue, 6.0, 0.0);
    // Health in words as well as colour: "up" needs no mention. Waiting workers are the story
    // when there are any: the bar shows the rest.
    let (class, state) = match health {
        HealthState::Up if s.waiting > 0 => {
            ("node-detail", format!("{}/{} wait", s.waiting, s.workers))
        }
        HealthState::Up => ("node-detail", format!("{}/{} busy", s.busy, s.workers)),
        health => ("node-detail node-health", health_label(health).to_string()),
    };
    text(
        &mut m,
        class,
        x + 6.0,
        y + NODE_H - 6.0,
        "start",
        &fit(state, s.queue),
    );
    let consumers = if s.consumers > 0 {
        format!("; {} of {} consumers up", s.consumers_alive, s.consumers)
    } else {
        String::new()
    };
    let waiting = if s.waiting > 0 {
        // For a service it called or, in the event-driven shop, for the broker to acknowledge.
        format!(", {} of them waiting for an answer", s.waiting)
    } else {
        String::new()
    };
    let _ = write!(
        m,
        "<title>{}: {}; {} of {} workers busy{waiting}; {} queued{consumers}</title>",
        service.title(),
        health_label(health),
        s.busy,
        s.workers,
        s.queue
    );
    m
}

/// A service box's frame and name, the start of its markup. The frame comes first: the style
/// sheet colours a service's first rectangle by its health.
pub(super) fn service_frame(service: ServiceId, x: f64, y: f64, w: f64) -> String {
    let mut m = String::new();
    rect(&mut m, "", x, y, w, NODE_H, 6.0);
    text(
        &mut m,
        "node-name",
        x + 6.0,
        y + 16.0,
        "start",
        service.title(),
    );
    m
}

pub(super) fn rect(markup: &mut String, class: &str, x: f64, y: f64, w: f64, h: f64, rx: f64) {
    let _ = write!(
        markup,
        r#"<rect class="{class}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="{rx}"/>"#
    );
}

/// `content` must be plain text: it is written into markup as it is.
pub(super) fn text(markup: &mut String, class: &str, x: f64, y: f64, anchor: &str, content: &str) {
    let _ = write!(
        markup,
        r#"<text class="{class}" x="{x:.1}" y="{y:.1}" text-anchor="{anchor}">{content}</text>"#
    );
}

/// A node's bottom label: its state and queue ("0/8 busy · 0 queued"), with "q" for "queued"
/// when the whole would not fit the node at 11 px (about 19 characters).
fn fit(state: String, queue: u64) -> String {
    let long = format!("{state} · {} queued", short_count(queue));
    if long.chars().count() <= 19 {
        long
    } else {
        format!("{state} · {} q", short_count(queue))
    }
}

/// A count short enough for a node's label: 999, 1.3k, 12k, 1.2M (the exact figure is in the
/// node's description and the tables).
pub(super) fn short_count(n: u64) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..10_000 => format!("{:.1}k", n as f64 / 1e3),
        10_000..1_000_000 => format!("{}k", n / 1_000),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

pub fn topic_name(topic: TopicId) -> &'static str {
    match topic {
        TopicId::Orders => "orders",
        TopicId::Payments => "payments",
        TopicId::Inventory => "inventory",
        TopicId::Shipments => "shipments",
        TopicId::DeadLetters => "dead-letters",
    }
}

pub fn health_label(health: HealthState) -> &'static str {
    match health {
        HealthState::Up => "up",
        HealthState::Slow => "slow",
        HealthState::Erroring => "erroring",
        HealthState::DownRefusing => "down",
        HealthState::DownHanging => "hanging",
    }
}

pub(super) fn health_class(health: HealthState) -> &'static str {
    match health {
        HealthState::Up => "up",
        HealthState::Slow => "slow",
        HealthState::Erroring => "erroring",
        HealthState::DownRefusing => "down",
        HealthState::DownHanging => "hanging",
    }
}
