use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Chart, ChartBackend, Dash};

/// Colours and scale of one rendering: light or dark page, and the device pixel ratio so
/// canvases stay crisp on high-density screens.
#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub background: RGBColor,
    pub text: RGBColor,
    pub grid: RGBColor,
    pub shade: RGBAColor,
    pub alert: RGBColor,
    pub scale: f64,
}

impl Theme {
    pub fn light(scale: f64) -> Theme {
        Theme {
            background: RGBColor(255, 255, 255),
            text: RGBColor(29, 31, 35),
            grid: RGBColor(226, 228, 232),
            shade: RGBColor(204, 121, 167).mix(0.16),
            alert: RGBColor(180, 35, 24),
            scale,
        }
    }

    pub fn dark(scale: f64) -> Theme {
        Theme {
            background: RGBColor(28, 31, 36),
            text: RGBColor(232, 234, 237),
            grid: RGBColor(52, 57, 66),
            shade: RGBColor(204, 121, 167).mix(0.22),
            alert: RGBColor(255, 140, 120),
            scale,
        }
    }

    fn px(&self, value: f64) -> u32 {
        (value * self.scale).round().max(1.0) as u32
    }
}

/// Space around the plot, in CSS pixels: the chart's margin, the left axis's labels, and the
/// right margin when there is no second axis (so the last time label is not cut).
const MARGIN: f64 = 8.0;
const AXIS_LABELS: f64 = 54.0;
const RIGHT_MARGIN: f64 = 18.0;

/// Where the plot's time axis starts and ends across a chart `width` CSS pixels wide
/// without a second axis, so a click can be read as a moment.
pub fn time_axis_span(width: f64) -> (f64, f64) {
    (MARGIN + AXIS_LABELS, width - RIGHT_MARGIN)
}

/// Draws `chart` on `backend`. Errors are the backend's, as text.
pub fn draw(backend: ChartBackend<'_>, chart: &Chart, theme: &Theme) -> Result<(), String> {
    draw_inner(backend.into_drawing_area(), chart, theme).map_err(|e| e.to_string())
}

/// The charts' one font. Named by its variant: plotters' `From<&str>` lowercases the name,
/// which would bring Unicode case tables into the page.
fn sans_serif(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::SansSerif, size, FontStyle::Normal)
}

fn draw_inner<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    chart: &Chart,
    theme: &Theme,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&theme.background)?;
    let font = |size: f64| sans_serif(size * theme.scale).color(&theme.text);
    let (x0, x1) = chart.x_range;
    let x1 = if x1 > x0 { x1 } else { x0 + 1.0 };
    let y_max = chart.y_max(false);
    let has_secondary = chart.y2_label.is_some();
    // The title, then the key, above the plot: a key inside it would cover the lines.
    let title_h = theme.px(24.0) as i32;
    let key = key_layout(&root, chart, theme)?;
    let (head, body) = root.split_vertically(title_h + key.height);
    let width = root.dim_in_pixel().0 as i32;
    head.draw(&Text::new(
        chart.title,
        (width / 2, theme.px(5.0) as i32),
        font(15.0).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    draw_key(&head, chart, theme, &key, title_h)?;
    let mut context = ChartBuilder::on(&body)
        .margin(theme.px(MARGIN))
        .margin_top(theme.px(4.0))
        .margin_right(theme.px(if has_secondary { MARGIN } else { RIGHT_MARGIN }))
        .x_label_area_size(theme.px(34.0))
        .y_label_area_size(theme.px(AXIS_LABELS))
        .right_y_label_area_size(if has_secondary {
            theme.px(AXIS_LABELS)
        } else {
            0
        })
        .build_cartesian_2d(x0..x1, 0.0..y_max)?
        .set_secondary_coord(x0..x1, 0.0..chart.y_max(true));

    context
        .configure_mesh()
        .x_desc("simulated time (s)")
        .y_desc(chart.y_label)
        .x_labels(6)
        .y_labels(5)
        .label_style(font(11.0))
        .axis_desc_style(font(11.5))
        .axis_style(theme.text.mix(0.6))
        .bold_line_style(theme.grid)
        .light_line_style(theme.grid.mix(0.0))
        .y_label_formatter(&|v| short_number(*v))
        .draw()?;
    if let Some(label) = chart.y2_label {
        context
            .configure_secondary_axes()
            .y_desc(label)
            .y_labels(5)
            .label_style(font(11.0))
            .axis_desc_style(font(11.5))
            .axis_style(theme.text.mix(0.6))
            .y_label_formatter(&|v| short_number(*v))
            .draw()?;
    }

    context.draw_series(chart.shaded.iter().map(|&(start, end)| {
        Rectangle::new(
            [(start.max(x0), 0.0), (end.min(x1), y_max)],
            theme.shade.filled(),
        )
    }))?;

    let width = theme.px(2.0);
    for series in &chart.series {
        let color = RGBColor(series.color.0, series.color.1, series.color.2);
        let style = color.stroke_width(width);
        let points = series.points.iter().copied().filter(|p| p.1.is_finite());
        match (series.secondary, dash_pattern(series.dash, theme)) {
            (false, None) => {
                context.draw_series(LineSeries::new(points, style))?;
            }
            (false, Some((size, gap))) => {
                context.draw_series(DashedLineSeries::new(points, size, gap, style))?;
            }
            (true, None) => {
                context.draw_secondary_series(LineSeries::new(points, style))?;
            }
            (true, Some((size, gap))) => {
                context.draw_secondary_series(DashedLineSeries::new(points, size, gap, style))?;
            }
        }
    }
    if let Some(threshold) = chart.threshold {
        let style = theme.alert.stroke_width(theme.px(1.5));
        context.draw_series(std::iter::once(DashedPathElement::new(
            vec![(x0, threshold), (x1, threshold)],
            theme.px(6.0),
            theme.px(3.0),
            style,
        )))?;
        context.draw_series(std::iter::once(Text::new(
            format!("alert {}", short_number(threshold)),
            (x1, threshold),
            sans_serif(10.5 * theme.scale)
                .color(&theme.alert)
                .pos(Pos::new(HPos::Right, VPos::Bottom)),
        )))?;
    }
    root.present()?;
    Ok(())
}

/// Dash length and gap in pixels, or None for a solid line.
fn dash_pattern(dash: Dash, theme: &Theme) -> Option<(u32, u32)> {
    match dash {
        Dash::Solid => None,
        Dash::Dashed => Some((theme.px(7.0), theme.px(4.0))),
        Dash::Dotted => Some((theme.px(2.0), theme.px(3.0))),
        Dash::LongDash => Some((theme.px(14.0), theme.px(4.0))),
    }
}

/// Where each entry of the key goes: entries flow left to right in rows across the chart's
/// width, each a sample of the line beside its label.
struct Key {
    /// (x, row) of each series' entry, in the order of the series.
    entries: Vec<(i32, i32)>,
    line_height: i32,
    height: i32,
}

fn key_layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    theme: &Theme,
) -> Result<Key, DrawingAreaErrorKind<DB::ErrorType>> {
    let font = key_font(theme);
    let width = area.dim_in_pixel().0 as i32;
    let margin = theme.px(10.0) as i32;
    let (sample, gap, spacing) = key_spacing(theme);
    let mut entries = Vec::with_capacity(chart.series.len());
    let (mut x, mut row, mut line_height) = (margin, 0, theme.px(14.0) as i32);
    for series in &chart.series {
        let (w, h) = area.estimate_text_size(&series.label, &font)?;
        line_height = line_height.max(h as i32 + theme.px(3.0) as i32);
        let entry = sample + gap + w as i32;
        if x > margin && x + entry > width - margin {
            x = margin;
            row += 1;
        }
        entries.push((x, row));
        x += entry + spacing;
    }
    let rows = entries.last().map_or(0, |e| e.1 + 1);
    Ok(Key {
        entries,
        line_height,
        height: rows * line_height,
    })
}

/// Sample line length, gap before the label, and space after an entry, in pixels.
fn key_spacing(theme: &Theme) -> (i32, i32, i32) {
    (
        theme.px(20.0) as i32,
        theme.px(5.0) as i32,
        theme.px(14.0) as i32,
    )
}

fn key_font(theme: &Theme) -> TextStyle<'static> {
    sans_serif(11.0 * theme.scale)
        .color(&theme.text)
        .pos(Pos::new(HPos::Left, VPos::Center))
}

/// Draws the key laid out by [`key_layout`], its first row `top` pixels down `area`.
/// (Drawn here rather than by plotters' series labels, which measure text through the page's
/// layout on every redraw and sit inside the plot.)
fn draw_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    theme: &Theme,
    key: &Key,
    top: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let font = key_font(theme);
    let (sample, gap, _) = key_spacing(theme);
    let width = theme.px(2.0);
    for (series, &(x, row)) in chart.series.iter().zip(&key.entries) {
        let y = top + row * key.line_height + key.line_height / 2;
        let color = RGBColor(series.color.0, series.color.1, series.color.2);
        let style = color.stroke_width(width);
        let ends = vec![(x, y), (x + sample, y)];
        match dash_pattern(series.dash, theme) {
            None => area.draw(&PathElement::new(ends, style))?,
            Some((size, gap)) => area.draw(&DashedPathElement::new(ends, size, gap, style))?,
        }
        area.draw(&Text::new(
            series.label.as_str(),
            (x + sample + gap, y),
            font.clone(),
        ))?;
    }
    Ok(())
}

/// Axis numbers: 1200 → "1.2k", 0.25 → "0.25".
pub fn short_number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1_000_000.0 {
        format!("{:.1}M", value / 1_000_000.0)
    } else if magnitude >= 10_000.0 {
        format!("{:.0}k", value / 1_000.0)
    } else if magnitude >= 1_000.0 {
        format!("{:.1}k", value / 1_000.0)
    } else if magnitude >= 10.0 || magnitude == 0.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
