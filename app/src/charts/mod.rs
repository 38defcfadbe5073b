//! Charts: what to draw ([`Chart`], built from engine metrics in `data.rs`) apart from how
//! ([`draw`], one pure function over [`ChartBackend`]: the page's canvas, or SVG for export).

mod backend;
mod canvas;
mod data;
mod draw;

pub use backend::ChartBackend;
pub use canvas::ChartCanvas;

pub use data::{ChartKind, build_chart};
pub use draw::{Theme, draw, time_axis_span};

/// A line's dash pattern; designs differ by colour, measures within a design by dash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
    LongDash,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    pub color: (u8, u8, u8),
    pub dash: Dash,
    /// Drawn against the right-hand axis.
    pub secondary: bool,
    /// (simulated seconds, value)
    pub points: Vec<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub kind: ChartKind,
    pub title: &'static str,
    pub y_label: &'static str,
    pub y2_label: Option<&'static str>,
    /// Shared time axis, in simulated seconds.
    pub x_range: (f64, f64),
    pub series: Vec<Series>,
    /// Fault windows, in simulated seconds, shaded on the chart.
    pub shaded: Vec<(f64, f64)>,
    /// An alert threshold on the left-hand axis, drawn as a line across the chart.
    pub threshold: Option<f64>,
}

impl Chart {
    /// The largest value on each axis, at least a small positive number so empty charts
    /// still get a sensible scale.
    pub fn y_max(&self, secondary: bool) -> f64 {
        let max = self
            .series
            .iter()
            .filter(|s| s.secondary == secondary)
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .filter(|v| v.is_finite())
            .chain(self.threshold.filter(|_| !secondary))
            .fold(0.0_f64, f64::max);
        if max <= 0.0 { 1.0 } else { max * 1.1 }
    }
}

/// Okabe–Ito colours, distinguishable with the common forms of colour blindness.
pub mod palette {
    pub const SYNC: (u8, u8, u8) = (213, 94, 0);
    pub const EVENT: (u8, u8, u8) = (0, 114, 178);
    pub const SYNC_DARK_BG: (u8, u8, u8) = (240, 163, 94);
    pub const EVENT_DARK_BG: (u8, u8, u8) = (86, 180, 233);
}
