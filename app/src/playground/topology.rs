//! One design drawn as a graph: services as boxes with health, worker and queue gauges; topics
//! as log boxes; messages as dots moving along the edges (a bounded sample from the engine).
//! Clicking (or Enter/Space on) a service selects it as the target for faults.

use engine::snapshot::{EdgeView, Node, ServiceView};
use std::fmt::Write;

use engine::{Design, HealthState, ServiceId, TopicId};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::Playground;

// The drawing is laid out for the width it has, one drawing unit to one CSS pixel, so its text
// keeps the size the style sheet gives it (at least 11 px) at every width: a narrow panel gets
// more rows, never smaller text.
const NODE_W: f64 = 128.0;
const NODE_H: f64 = 58.0;
const COLUMN_GAP: f64 = 8.0;
const ROW_GAP: f64 = 40.0;
const MARGIN: f64 = 8.0;
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
        let layout = Layout::of(&structure, columns.get());
        let (width, height) = (layout.width, layout.height);
        let edges = structure
            .edges
            .iter()
            .enumerate()
            .filter_map(|(index, &(from, to))| {
                draw_edge(playground, design, marker, &layout, index, from, to)
            })
            .collect_view();
        let nodes = layout
            .nodes
            .iter()
            .map(|placed| draw_node(playground, design, placed))
            .collect_view();
        view! {
            <svg class="graph" viewBox=format!("0 0 {width:.0} {height:.0}") width=format!("{width:.0}") height=format!("{height:.0}") role="group" aria-label=title>
                <defs>
                    <marker id=marker viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                    </marker>
                </defs>
                {edges}
                {nodes}
            </svg>
        }
    };
    view! {
        <section class=class data-testid=test_id node_ref=panel>
            <h2>{title}</h2>
            {graph}
        </section>
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Structure {
    services: Vec<ServiceId>,
    edges: Vec<(Node, Node)>,
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
        let event = nodes.iter().any(|n| matches!(n, Node::Topic(_)));
        // Orchestrated, Order calls every other service; nested, the others call on too.
        let nested = edges.iter().any(
            |e| matches!(e, (Node::Service(from), Node::Service(_)) if *from != ServiceId::Order),
        );
        let row_of = |node: &Node| match (event, nested, node) {
            (_, _, Node::Gateway) | (true, _, Node::Service(ServiceId::Order)) => 0,
            (true, _, Node::Topic(_)) => 1,
            (true, _, Node::Service(_)) => 2,
            (false, true, _) => 0,
            (false, false, Node::Service(ServiceId::Order)) => 0,
            (false, false, _) => 1,
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
fn route(from: &Placed, to: &Placed) -> ((f64, f64), (f64, f64), (f64, f64)) {
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

fn draw_edge(
    playground: Playground,
    design: Design,
    marker: &'static str,
    layout: &Layout,
    index: usize,
    from: Node,
    to: Node,
) -> Option<impl IntoView + use<>> {
    let ((x1, y1), (cx, cy), (x2, y2)) = route(layout.position(from)?, layout.position(to)?);
    let point = move |t: f64| {
        let u = 1.0 - t;
        (
            u * u * x1 + 2.0 * u * t * cx + t * t * x2,
            u * u * y1 + 2.0 * u * t * cy + t * t * y2,
        )
    };
    let ends = (from, to);
    let busy = Memo::new(move |_| {
        playground
            .view
            .with(|view| edge_in(view, design, index, ends).map_or(0, |e| e.in_flight + e.waiting))
    });
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
    // All of an edge's dots are one path, so a frame changes one attribute per edge however
    // many messages are moving.
    let dots = move || {
        if playground.reduced_motion.get() {
            return String::new();
        }
        playground.view.with(|view| {
            let mut d = String::new();
            for_each_dot(view, &mut |_, x, y| {
                let _ = write!(
                    d,
                    "M{:.1} {y:.1}a{DOT_R} {DOT_R} 0 1 0 {} 0a{DOT_R} {DOT_R} 0 1 0 -{} 0",
                    x - DOT_R,
                    2.0 * DOT_R,
                    2.0 * DOT_R
                );
            });
            d
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
    Some(view! {
        <g>
            <path
                class=move || { if busy.get() > 0 { "edge active" } else { "edge" } }
                d=format!("M {x1:.1} {y1:.1} Q {cx:.1} {cy:.1} {x2:.1} {y2:.1}")
                marker-end=format!("url(#{marker})")
            />
            <text class="edge-count" x=lx + 4.0 y=ly - 3.0>{move || match busy.get() { 0 => String::new(), n => n.to_string() }}</text>
            <path class="dots" d=dots on:click=follow>
                <title>"Messages on their way: click one to follow its order"</title>
            </path>
        </g>
    })
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

fn draw_node(playground: Playground, design: Design, placed: &Placed) -> impl IntoView + use<> {
    let (x, y) = (placed.x, placed.y);
    match placed.node {
        Node::Gateway => view! {
            <g class="node gateway">
                <rect x=x y=y width=NODE_W height=NODE_H rx="6" />
                <text x=x + NODE_W / 2.0 y=y + 25.0 text-anchor="middle" class="node-name">"Customers"</text>
                <text x=x + NODE_W / 2.0 y=y + 43.0 text-anchor="middle" class="node-detail">"place orders"</text>
            </g>
        }
        .into_any(),
        Node::Topic(topic) => view! {
            <g class="node topic">
                <rect x=x y=y width=NODE_W height=NODE_H rx="2" />
                <text x=x + NODE_W / 2.0 y=y + 25.0 text-anchor="middle" class="node-name">{topic_name(topic)}</text>
                <text x=x + NODE_W / 2.0 y=y + 43.0 text-anchor="middle" class="node-detail">"topic"</text>
            </g>
        }
        .into_any(),
        Node::Service(service) => service_node(playground, design, service, x, y).into_any(),
    }
}

fn service_node(
    playground: Playground,
    design: Design,
    service: ServiceId,
    x: f64,
    y: f64,
) -> impl IntoView {
    let state = move || {
        playground.view.with(|view| {
            pick(view, design)
                .services
                .iter()
                .find(|s| s.service == service)
                .cloned()
                .unwrap_or(ServiceView {
                    service,
                    health: HealthState::Up,
                    workers: 0,
                    busy: 0,
                    waiting: 0,
                    queue: 0,
                    consumers: 0,
                    consumers_alive: 0,
                })
        })
    };
    // In an incident drill the learner finds the broken service from its symptoms.
    let hide_health = use_context::<StoredValue<super::Visible>>()
        .and_then(|visible| visible.try_with_value(|v| v.hide_health))
        .unwrap_or(false);
    let state = Memo::new(move |_| {
        let mut view = state();
        if hide_health {
            view.health = HealthState::Up;
        }
        view
    });
    // In a drill the fault target's outline would point at a suspect: nothing is marked.
    let selected = move || !hide_health && playground.selected.get() == service;
    let gauge_w = NODE_W - 12.0;
    // The queue gauge is on a log scale: 1 record and 10 000 records both stay readable.
    let description = move || {
        let s = state.get();
        let consumers = if s.consumers > 0 {
            format!("; {} of {} consumers up", s.consumers_alive, s.consumers)
        } else {
            String::new()
        };
        let waiting = if s.waiting > 0 {
            format!(", {} of them waiting for a service they called", s.waiting)
        } else {
            String::new()
        };
        format!(
            "{}: {}; {} of {} workers busy{waiting}; {} queued{consumers}",
            service.title(),
            health_label(s.health),
            s.busy,
            s.workers,
            s.queue
        )
    };
    let select = move || playground.selected.set(service);
    view! {
        <g
            class=move || format!("node service health-{}{}", health_class(state.get().health), if selected() { " selected" } else { "" })
            role="button"
            tabindex="0"
            aria-pressed=move || selected().to_string()
            aria-label=description
            data-testid=format!("node-{}", service.name())
            on:click=move |_| select()
            on:keydown=move |event| {
                if event.key() == "Enter" || event.key() == " " {
                    event.prevent_default();
                    select();
                }
            }
        >
            <title>{description}</title>
            <rect x=x y=y width=NODE_W height=NODE_H rx="6" />
            <text x=x + 6.0 y=y + 16.0 class="node-name">{service.title()}</text>
            <rect class="gauge-track" x=x + 6.0 y=y + 23.0 width=gauge_w height="6" />
            <rect class="gauge busy" x=x + 6.0 y=y + 23.0 height="6" width=move || {
                let s = state.get();
                if s.workers > 0 { gauge_w * f64::from(s.busy.min(s.workers)) / f64::from(s.workers) } else { 0.0 }
            } />
            // The busy workers that are only waiting for a callee, at the bar's right end.
            <rect class="gauge waiting" y=y + 23.0 height="6"
                x=move || {
                    let s = state.get();
                    if s.workers > 0 { x + 6.0 + gauge_w * f64::from(s.busy.saturating_sub(s.waiting).min(s.workers)) / f64::from(s.workers) } else { x + 6.0 }
                }
                width=move || {
                    let s = state.get();
                    if s.workers > 0 { gauge_w * f64::from(s.waiting.min(s.workers)) / f64::from(s.workers) } else { 0.0 }
                } />
            <rect class="gauge-track" x=x + 6.0 y=y + 32.0 width=gauge_w height="6" />

            <rect class="gauge queue" x=x + 6.0 y=y + 32.0 height="6" width=move || gauge_w * ((state.get().queue as f64 + 1.0).log10() / 4.0).clamp(0.0, 1.0) />
            // Health in words as well as colour: "up" needs no mention.
            <text x=x + 6.0 y=y + NODE_H - 6.0 class=move || if state.get().health == HealthState::Up { "node-detail" } else { "node-detail node-health" }>
                {move || {
                    let s = state.get();
                    match s.health {
                        // Waiting workers are the story when there are any: the bar shows the rest.
                        HealthState::Up if s.waiting > 0 => fit(format!("{}/{} wait", s.waiting, s.workers), s.queue),
                        HealthState::Up => fit(format!("{}/{} busy", s.busy, s.workers), s.queue),
                        health => fit(health_label(health).to_string(), s.queue),
                    }
                }}
            </text>
        </g>
    }
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
fn short_count(n: u64) -> String {
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

fn health_class(health: HealthState) -> &'static str {
    match health {
        HealthState::Up => "up",
        HealthState::Slow => "slow",
        HealthState::Erroring => "erroring",
        HealthState::DownRefusing => "down",
        HealthState::DownHanging => "hanging",
    }
}
