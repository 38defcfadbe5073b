//! A plotters backend for an HTML canvas, written for speed in a page that changes every frame.
//!
//! `plotters-canvas` measures text by inserting a `<span>` into the page and reading its size,
//! which forces the browser to lay out the whole page once per label: dozens of layouts per
//! chart. This backend measures with the canvas's own `measureText`, which touches no layout,
//! and strokes runs of lines in the same colour and width as one path (a dashed series is
//! hundreds of short segments; one `stroke()` each is most of the cost of drawing it).

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::backend::ChartError;

fn js_error(error: JsValue) -> DrawingErrorKind<ChartError> {
    DrawingErrorKind::DrawingError(ChartError(format!(
        "canvas: {}",
        error.as_string().unwrap_or_else(|| format!("{error:?}"))
    )))
}

/// Colour and width of the path being collected, as the canvas was last told.
#[derive(Clone, Copy, PartialEq)]
struct Stroke {
    rgb: (u8, u8, u8),
    alpha_bits: u64,
    width: u32,
}

impl Stroke {
    fn of(style: &impl BackendStyle) -> Stroke {
        let color = style.color();
        Stroke {
            rgb: color.rgb,
            alpha_bits: color.alpha.to_bits(),
            width: style.stroke_width(),
        }
    }
}

pub struct ChartCanvas {
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    /// The path begun and not yet stroked, if any.
    open: Option<Stroke>,
}

impl ChartCanvas {
    pub fn new(canvas: HtmlCanvasElement) -> Option<ChartCanvas> {
        let context = canvas
            .get_context("2d")
            .ok()??
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        Some(ChartCanvas {
            canvas,
            context,
            open: None,
        })
    }

    /// Strokes the collected path: before anything else is drawn, so the order of shapes on
    /// the canvas is the order plotters drew them in.
    fn flush(&mut self) {
        if self.open.take().is_some() {
            self.context.stroke();
        }
    }

    /// Continues the open path when the stroke matches, else strokes it and begins another.
    fn path_for(&mut self, style: &impl BackendStyle) {
        let stroke = Stroke::of(style);
        if self.open == Some(stroke) {
            return;
        }
        self.flush();
        self.context.set_stroke_style_str(&css_color(style.color()));
        self.context.set_line_width(f64::from(stroke.width));
        self.context.begin_path();
        self.open = Some(stroke);
    }

    /// Adds a polyline through `points` to the current path.
    fn trace(&self, points: impl IntoIterator<Item = BackendCoord>) {
        let mut points = points.into_iter();
        if let Some((x, y)) = points.next() {
            self.context.move_to(f64::from(x), f64::from(y));
        }
        for (x, y) in points {
            self.context.line_to(f64::from(x), f64::from(y));
        }
    }

    fn set_font(&self, style: &impl BackendTextStyle) {
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        ));
    }
}

fn css_color(color: BackendColor) -> String {
    let (r, g, b) = color.rgb;
    format!("rgba({r},{g},{b},{})", color.alpha)
}

/// Moves horizontal and vertical lines onto the middle of a pixel so they stay sharp.
fn crisp(from: BackendCoord, to: BackendCoord) -> ((f64, f64), (f64, f64)) {
    let (mut a, mut b) = (
        (f64::from(from.0), f64::from(from.1)),
        (f64::from(to.0), f64::from(to.1)),
    );
    if from.0 == to.0 {
        a.0 -= 0.5;
        b.0 -= 0.5;
    }
    if from.1 == to.1 {
        a.1 -= 0.5;
        b.1 -= 0.5;
    }
    (a, b)
}

impl DrawingBackend for ChartCanvas {
    type ErrorType = ChartError;

    fn get_size(&self) -> (u32, u32) {
        (self.canvas.width(), self.canvas.height())
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<ChartError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<ChartError>> {
        self.flush();
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<ChartError>> {
        if color.alpha == 0.0 {
            return Ok(());
        }
        self.flush();
        self.context.set_fill_style_str(&css_color(color));
        self.context
            .fill_rect(f64::from(point.0), f64::from(point.1), 1.0, 1.0);
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<ChartError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.path_for(style);
        let (a, b) = crisp(from, to);
        self.context.move_to(a.0, a.1);
        self.context.line_to(b.0, b.1);
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<ChartError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.flush();
        let (x, y) = (f64::from(upper_left.0), f64::from(upper_left.1));
        let (w, h) = (
            f64::from(bottom_right.0 - upper_left.0),
            f64::from(bottom_right.1 - upper_left.1),
        );
        if fill {
            self.context.set_fill_style_str(&css_color(style.color()));
            self.context.fill_rect(x, y, w, h);
        } else {
            self.context.set_stroke_style_str(&css_color(style.color()));
            self.context.set_line_width(f64::from(style.stroke_width()));
            self.context.stroke_rect(x, y, w, h);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<ChartError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let mut points = path.into_iter().peekable();
        if points.peek().is_some() {
            self.path_for(style);
            self.trace(points);
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<ChartError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.flush();
        self.context.begin_path();
        self.context.set_fill_style_str(&css_color(style.color()));
        self.trace(vertices);
        self.context.close_path();
        self.context.fill();
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<ChartError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.flush();
        let color = css_color(style.color());
        self.context.begin_path();
        self.context
            .arc(
                f64::from(center.0),
                f64::from(center.1),
                f64::from(radius),
                0.0,
                std::f64::consts::TAU,
            )
            .map_err(js_error)?;
        if fill {
            self.context.set_fill_style_str(&color);
            self.context.fill();
        } else {
            self.context.set_stroke_style_str(&color);
            self.context.set_line_width(f64::from(style.stroke_width()));
            self.context.stroke();
        }
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<ChartError>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        self.flush();
        let angle = match style.transform() {
            FontTransform::None => 0.0,
            FontTransform::Rotate90 => 90.0_f64,
            FontTransform::Rotate180 => 180.0,
            FontTransform::Rotate270 => 270.0,
        }
        .to_radians();
        let (mut x, mut y) = (f64::from(pos.0), f64::from(pos.1));
        if angle != 0.0 {
            self.context.save();
            self.context.translate(x, y).map_err(js_error)?;
            self.context.rotate(angle).map_err(js_error)?;
            (x, y) = (0.0, 0.0);
        }
        let anchor = style.anchor();
        self.context.set_text_baseline(match anchor.v_pos {
            VPos::Top => "top",
            VPos::Center => "middle",
            VPos::Bottom => "bottom",
        });
        self.context.set_text_align(match anchor.h_pos {
            HPos::Left => "start",
            HPos::Right => "end",
            HPos::Center => "center",
        });
        self.context.set_fill_style_str(&css_color(color));
        self.set_font(style);
        let drawn = self.context.fill_text(text, x, y).map_err(js_error);
        if angle != 0.0 {
            self.context.restore();
        }
        drawn
    }

    /// Width from `measureText`; height from the font's ascent and descent, as a line of
    /// that text would take (what plotters' own measurement returns too).
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<ChartError>> {
        self.set_font(style);
        let metrics = self.context.measure_text(text).map_err(js_error)?;
        let height = metrics.font_bounding_box_ascent() + metrics.font_bounding_box_descent();
        let height = if height > 0.0 {
            height
        } else {
            style.size() * 1.2
        };
        Ok((metrics.width().ceil() as u32, height.ceil() as u32))
    }
}
