//! One chart: drawn on a canvas (crisp at any device pixel ratio) when its data changes, at
//! most a few times a second; with a text summary and a data table for screen readers (and
//! tests), and PNG/SVG export.

use gloo_timers::callback::Timeout;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use wasm_bindgen::JsCast;

use super::Playground;
use super::state::now_ms;
use crate::charts::{
    Chart, ChartBackend, ChartCanvas, ChartKind, Theme, build_chart, draw, time_axis_span,
};
use crate::files::{download_data_url, download_text};
use crate::hooks::{details_open, use_media_query};
use engine::SimTime;

/// Charts redraw at most this often; the data changes every bucket, up to hundreds of times a
/// second at high speed, and nobody reads a chart faster than this.
const MIN_REDRAW_MS: f64 = 200.0;
/// Tall enough for the title and a key of up to three rows above a plot as tall as before.
const CSS_HEIGHT: u32 = 270;
const STAGGER_MS: f64 = 20.0;
const TABLE_ROWS: usize = 60;

#[component]
pub fn ChartPanel(kind: ChartKind) -> impl IntoView {
    let playground = expect_context::<Playground>();
    let canvas = NodeRef::<Canvas>::new();
    let chart = RwSignal::new_local(None::<Chart>);
    // The table is built only while it is open: hundreds of cells rebuilt with every redraw
    // would cost more than the chart itself.
    let table_open = RwSignal::new(false);
    let last_draw = StoredValue::new(f64::NEG_INFINITY);
    let pending = StoredValue::new_local(None::<Timeout>);

    let dark = use_media_query("(prefers-color-scheme: dark)");
    let redraw = move || {
        pending.set_value(None);
        last_draw.set_value(now_ms());
        let started = now_ms();
        let mut data = playground.with_run(|run| {
            let comparison = run.comparison();
            let x_end = run.now().as_secs_f64().max(1.0);
            build_chart(
                kind,
                comparison.sync().metrics(),
                comparison.event().metrics(),
                (0.0, x_end),
                run.fault_spans_s(),
            )
        });
        if kind == ChartKind::Lag {
            data.threshold = playground.lag_alert.get_untracked();
        }
        if let Some(element) = canvas.get_untracked() {
            draw_on_canvas(&element, &data, dark.get_untracked());
        }
        chart.set(Some(data));
        playground.record_draw(now_ms() - started);
        super::perf::chart_drawn();
    };

    // Redraw when the data changes, throttled; a trailing redraw makes sure the last change shows.
    Effect::new(move |_| {
        playground.data_version.track();
        if kind == ChartKind::Lag {
            playground.lag_alert.track();
        }
        let since = now_ms() - last_draw.get_value();
        if pending.with_value(Option::is_some) {
            return;
        }
        // Each chart waits a little longer than the one before it, so the five redraws land
        // in different animation frames instead of all in one.
        let stagger = STAGGER_MS * kind as usize as f64;
        let wait = (MIN_REDRAW_MS - since).max(0.0) + stagger;
        pending.set_value(Some(Timeout::new(wait.ceil() as u32, redraw)));
    });
    // Light and dark follow the system, also when it changes while the page is open.
    Effect::new(move |first: Option<()>| {
        dark.track();
        if first.is_some() {
            redraw();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| redraw());
    on_cleanup(move || resize.remove());

    // On the outcomes chart, a click on a moment when customers were told "no" follows one
    // of those orders in the inspector, which traces it and says why; hovering names the
    // order nearest the pointer, and its cause when it is already traced.
    // The moment pointed at, and what was found near it: (shop, order, turned away, when).
    type Found = (engine::Design, u64, bool, SimTime);
    let followed = RwSignal::new(None::<Result<Found, SimTime>>);
    let hovered = RwSignal::new(None::<Result<Found, SimTime>>);
    let found_at = move |event: &web_sys::MouseEvent| {
        let (element, data) = (canvas.get_untracked()?, chart.get_untracked()?);
        let (left, right) = time_axis_span(f64::from(element.client_width()));
        let share = (f64::from(event.offset_x()) - left) / (right - left);
        let (x0, x1) = data.x_range;
        let at = SimTime::from_secs_f64((x0 + share.clamp(0.0, 1.0) * (x1 - x0)).max(0.0));
        let found = playground.with_run(|run| {
            [engine::Design::Sync, engine::Design::Event]
                .into_iter()
                .filter_map(|design| {
                    let metrics = run.comparison().design(design).metrics();
                    let (when, order, rejected) =
                        metrics.answer_example_near(at, SimTime::from_secs(1))?;
                    let distance = when.saturating_sub(at).max(at.saturating_sub(when));
                    Some((distance, (design, order, rejected, when)))
                })
                .min_by_key(|(distance, _)| *distance)
                .map(|(_, found)| found)
        });
        Some(found.ok_or(at))
    };
    let follow = move |event: web_sys::MouseEvent| {
        if let Some(found) = found_at(&event) {
            if let Ok((_, order, _, _)) = found {
                playground.pin(order);
            }
            followed.set(Some(found));
        }
    };
    let followed_text = move || {
        let (found, clicked) = match hovered.get() {
            Some(found) => (found, false),
            None => (followed.get()?, true),
        };
        let Ok((design, order, rejected, when)) = found else {
            return Some("No customer was told no within a second of that moment.".to_string());
        };
        playground.ticker.track();
        let why = playground.with_run(|run| {
            run.comparison()
                .design(design)
                .trace(order)
                .and_then(|t| t.failure_cause())
        });
        let pending = if clicked {
            "tracing it in the order inspector"
        } else {
            "click to follow it and see why"
        };
        Some(format!(
            "{} shop, order {order}, {} at {:.1} s: {}.",
            if design == engine::Design::Sync {
                "Synchronous"
            } else {
                "Event-driven"
            },
            if rejected { "turned away" } else { "failed" },
            when.as_secs_f64(),
            why.unwrap_or_else(|| pending.into())
        ))
    };

    let id = kind.id();
    let export_png = move |_| {
        if let Some(element) = canvas.get_untracked() {
            match element.to_data_url_with_type("image/png") {
                Ok(url) => download_data_url(&format!("sync-or-stream-{id}.png"), &url),
                Err(_) => playground.tell("This browser could not export the chart as PNG.".into()),
            }
        }
    };
    let export_svg = move |_| {
        if let Some(data) = chart.get_untracked() {
            let mut svg = String::new();
            {
                let backend = ChartBackend::Svg(SVGBackend::with_string(&mut svg, (900, 360)));
                let _ = draw(backend, &data, &Theme::light(1.0));
            }
            download_text(&format!("sync-or-stream-{id}.svg"), "image/svg+xml", &svg);
        }
    };

    view! {
        <figure class="chart" data-testid=format!("chart-{id}")>
            <canvas node_ref=canvas role="img" aria-label=move || chart.with(|c| c.as_ref().map(summary).unwrap_or_default())
                title=(kind == ChartKind::Outcomes).then_some("Point at a moment when orders failed or were turned away to name one; click to follow it and see why")
                on:click=move |event| if kind == ChartKind::Outcomes { follow(event) }
                on:mousemove=move |event| if kind == ChartKind::Outcomes {
                    let found = found_at(&event);
                    if hovered.with_untracked(|h| *h != found) {
                        hovered.set(found);
                    }
                }
                on:mouseleave=move |_| hovered.set(None)></canvas>
            <figcaption>
                {(kind == ChartKind::Outcomes).then(|| view! { <p class="why" aria-live="polite" data-testid="chart-outcomes-why">{followed_text}</p> })}
                <p class="chart-summary" data-testid=format!("chart-{id}-summary")>
                    {move || chart.with(|c| c.as_ref().map(summary).unwrap_or_else(|| "No data yet.".into()))}
                </p>
                <div class="chart-actions">
                    <button type="button" on:click=export_png data-testid=format!("chart-{id}-png")>"PNG"</button>
                    <button type="button" on:click=export_svg data-testid=format!("chart-{id}-svg")>"SVG"</button>
                </div>
                {(kind == ChartKind::Lag).then(|| view! { <super::lag_alert::LagAlert /> })}
                <details on:toggle=move |event| table_open.set(details_open(&event))>
                    <summary data-testid=format!("chart-{id}-table-toggle")>"Data table"</summary>
                    {move || table_open.get().then(|| chart.with(|c| c.as_ref().map(|c| data_table(c, id))))}
                </details>
            </figcaption>
        </figure>
    }
}

fn draw_on_canvas(element: &web_sys::HtmlCanvasElement, chart: &Chart, dark: bool) {
    let ratio = window().device_pixel_ratio().max(1.0);
    let css_width = element.client_width().max(240) as u32;
    let (width, height) = (
        (f64::from(css_width) * ratio) as u32,
        (f64::from(CSS_HEIGHT) * ratio) as u32,
    );
    if element.width() != width || element.height() != height {
        element.set_width(width);
        element.set_height(height);
    }
    let style = element.unchecked_ref::<web_sys::HtmlElement>().style();
    let _ = style.set_property("height", &format!("{CSS_HEIGHT}px"));
    let theme = if dark {
        Theme::dark(ratio)
    } else {
        Theme::light(ratio)
    };
    if let Some(canvas) = ChartCanvas::new(element.clone()) {
        let _ = draw(ChartBackend::Canvas(canvas), chart, &theme);
    }
}

/// The latest value and the peak of every series, in words.
pub fn summary(chart: &Chart) -> String {
    let at = chart.x_range.1;
    let parts: Vec<String> = chart
        .series
        .iter()
        .map(|series| {
            let last = series.points.last().map_or(0.0, |p| p.1);
            let peak = series.points.iter().map(|p| p.1).fold(0.0_f64, f64::max);
            format!("{} {} (peak {})", series.label, number(last), number(peak))
        })
        .collect();
    let threshold = chart
        .threshold
        .map(|t| format!(" Alert threshold: {} {}.", number(t), chart.y_label))
        .unwrap_or_default();
    let shaded = if chart.shaded.is_empty() {
        String::new()
    } else {
        format!(
            " Faults were active during {} window(s).",
            chart.shaded.len()
        )
    };
    format!(
        "{}, {} at {:.1} s: {}.{}{}",
        chart.title,
        chart.y_label,
        at,
        parts.join("; "),
        shaded,
        threshold
    )
}

fn number(value: f64) -> String {
    if value.abs() >= 100.0 || value == value.trunc() {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// Rows at evenly spaced times (at most `TABLE_ROWS`, always including the latest).
fn data_table(chart: &Chart, id: &'static str) -> impl IntoView + use<> {
    // Rows by time in milliseconds, kept sorted: each series' points come in time order, so
    // new rows are nearly always appended.
    let mut all: Vec<(i64, Vec<Option<f64>>)> = Vec::new();
    for (column, series) in chart.series.iter().enumerate() {
        for &(x, y) in &series.points {
            let ms = (x * 1000.0).round() as i64;
            let row = match all.binary_search_by_key(&ms, |(at, _)| *at) {
                Ok(row) => row,
                Err(row) => {
                    all.insert(row, (ms, vec![None; chart.series.len()]));
                    row
                }
            };
            all[row].1[column] = Some(y);
        }
    }
    let stride = all.len().div_ceil(TABLE_ROWS).max(1);
    let last = all.len().saturating_sub(1);
    let shown = all
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % stride == last % stride)
        .map(|(_, row)| row);
    let header = chart
        .series
        .iter()
        .map(|s| view! { <th scope="col">{s.label.clone()}</th> })
        .collect_view();
    let body = shown
        .map(|(ms, cells)| {
            let cells = cells
                .into_iter()
                .map(|c| view! { <td>{c.map(number).unwrap_or_default()}</td> })
                .collect_view();
            view! { <tr><th scope="row">{format!("{:.2}", ms as f64 / 1000.0)}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid=format!("chart-{id}-table")>
                <caption>{format!("{} ({})", chart.title, chart.y_label)}</caption>
                <thead><tr><th scope="col">"time (s)"</th>{header}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}
