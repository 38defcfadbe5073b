//! Long work in slices: jumping to the end, seeking, opening a link and tracing an order that
//! went by all advance the run a slice at a time, yielding to the browser between slices, so
//! the page keeps answering clicks, keys and a host page while minutes of simulated time run.
//! Past half a second a progress bar appears with a Cancel that leaves the run where it got to.

use engine::SimTime;
use leptos::prelude::*;

use super::Playground;
use super::state::now_ms;

/// Wall time one slice may take before the page gets the main thread back.
pub const SLICE_MS: f64 = 16.0;
/// Work between two looks at the clock: small enough that a slice overshoots little.
const CHUNK_MS: f64 = 2.0;
/// How long work runs before the progress bar is shown.
pub const PROGRESS_AFTER_MS: f64 = 500.0;

/// What is being done, and how far it has got.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub kind: JobKind,
    /// Where the run stood when the slices started (after any rewind).
    pub from: SimTime,
    pub target: SimTime,
    pub reached: SimTime,
    /// Orders placed so far in the run.
    pub orders: u64,
    pub started_ms: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    Step,
    JumpToEnd,
    Seek,
    OpenLink,
    Trace,
}

impl JobKind {
    pub fn label(self) -> &'static str {
        match self {
            JobKind::Step => "Running one bucket",
            JobKind::JumpToEnd => "Running to the end",
            JobKind::Seek => "Replaying to the moment",
            JobKind::OpenLink => "Replaying the shared run",
            JobKind::Trace => "Replaying to trace the order",
        }
    }
}

impl Job {
    /// Share of the simulated time covered, 0 to 1.
    pub fn fraction(&self) -> f64 {
        let span = self.target.saturating_sub(self.from).as_secs_f64();
        if span <= 0.0 {
            return 1.0;
        }
        (self.reached.saturating_sub(self.from).as_secs_f64() / span).clamp(0.0, 1.0)
    }

    pub fn shows_progress(&self, now_ms: f64) -> bool {
        now_ms - self.started_ms >= PROGRESS_AFTER_MS
    }
}

/// The slicer's own state: how many events fit in a chunk on this machine, and the longest
/// slice so far (what the performance panel and the tests report).
#[derive(Clone, Copy, Debug)]
pub struct Slicer {
    events_per_chunk: u64,
    /// A task is driving the work (it may be between slices).
    driving: bool,
    pub longest_slice_ms: f64,
    pub slices: u64,
}

impl Default for Slicer {
    fn default() -> Self {
        Slicer {
            // Small at first: the first chunks also pay for compiling the engine's code.
            events_per_chunk: 5_000,
            driving: false,
            longest_slice_ms: 0.0,
            slices: 0,
        }
    }
}

impl Slicer {
    /// Advances `run` towards `target` for about `budget_ms` of wall time; true once there.
    pub fn advance(&mut self, run: &mut engine::Run, target: SimTime, budget_ms: f64) -> bool {
        let started = now_ms();
        loop {
            let chunk_started = now_ms();
            let done = run.advance(target, self.events_per_chunk);
            self.calibrate(now_ms() - chunk_started);
            if done || now_ms() - started + CHUNK_MS >= budget_ms {
                return done;
            }
        }
    }

    /// Sizes the next chunk from how long this one took.
    fn calibrate(&mut self, chunk_ms: f64) {
        let scale = if chunk_ms <= 0.05 {
            2.0
        } else {
            (CHUNK_MS / chunk_ms).clamp(0.25, 2.0)
        };
        self.events_per_chunk =
            ((self.events_per_chunk as f64 * scale) as u64).clamp(500, 2_000_000);
    }

    /// A frame of playing used its whole allowance for `frame_ms` in `ms`: size chunks from it.
    pub fn learn_from_frame(&mut self, ms: f64, frame_ms: f64) {
        self.calibrate(ms * CHUNK_MS / frame_ms);
    }

    /// Events a frame of playing may take so the frame stays within `ms`.
    pub fn frame_allowance(&self, ms: f64) -> u64 {
        ((self.events_per_chunk as f64 * ms / CHUNK_MS) as u64).max(500)
    }

    fn record_slice(&mut self, ms: f64) {
        self.slices += 1;
        self.longest_slice_ms = self.longest_slice_ms.max(ms);
    }
}

impl Playground {
    /// Starts moving the run to `target` in slices, or retargets the work under way (dragging
    /// the scrubber keeps one job going to wherever it was let go).
    pub(super) fn start_job(&self, kind: JobKind, target: SimTime) {
        let (from, orders) = self.with_run(|run| (run.now(), orders(run)));
        let driving = self.slicer.with_value(|s| s.driving);
        self.job.set(Some(Job {
            kind,
            from,
            target,
            reached: from,
            orders,
            started_ms: self
                .job
                .with_untracked(|job| job.as_ref().map(|j| j.started_ms))
                .unwrap_or_else(now_ms),
        }));
        if !driving {
            self.slicer.update_value(|s| s.driving = true);
            let playground = *self;
            wasm_bindgen_futures::spawn_local(async move {
                playground.drive_job().await;
                playground.slicer.try_update_value(|s| s.driving = false);
            });
        }
    }

    /// Stops the work under way; the run stays at the moment it reached.
    pub fn cancel_job(&self) {
        if self.job.with_untracked(Option::is_some) {
            self.job.set(None);
            self.refresh_now();
        }
    }

    pub fn busy(&self) -> bool {
        self.job.with_untracked(Option::is_some)
    }

    async fn drive_job(self) {
        loop {
            // Yield first: the click that started the work gets its answer painted.
            crate::hooks::yield_to_browser().await;
            // The page may have moved on meanwhile (another lesson step, another route): the
            // playground is gone and so is the work. Nothing is disposed until the next await.
            let Some(Some(target)) = self
                .job
                .try_with_untracked(|job| job.as_ref().map(|j| j.target))
            else {
                return;
            };
            let started = now_ms();
            let mut done = false;
            let slicer = self.slicer;
            self.update_run_quietly(|run| {
                slicer.update_value(|s| done = s.advance(run, target, SLICE_MS));
            });
            slicer.update_value(|s| s.record_slice(now_ms() - started));
            let (reached, orders) = self.with_run(|run| (run.now(), orders(run)));
            if done {
                self.job.set(None);
                self.refresh_now();
                self.halted();
                return;
            }
            self.job.update(|job| {
                if let Some(job) = job {
                    job.reached = reached;
                    job.orders = orders;
                }
            });
            self.refresh_during_job();
        }
    }
}

fn orders(run: &engine::Run) -> u64 {
    run.comparison().sync().metrics().totals.requests
}

/// The progress bar and its Cancel, shown once work has taken half a second.
#[component]
pub fn JobProgress() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let shown = move || {
        playground
            .job
            .get()
            .filter(|job| job.shows_progress(now_ms()))
    };
    move || {
        shown().map(|job| {
            let percent = (job.fraction() * 100.0).floor();
            view! {
                <div class="job" data-testid="job-progress" role="status">
                    <label for="job-bar">{job.kind.label()}</label>
                    <progress id="job-bar" max="100" value=percent.to_string() data-testid="job-bar"></progress>
                    <span data-testid="job-text">
                        {format!(
                            "{percent:.0} % · {:.1} s of {:.1} s · {} orders",
                            job.reached.as_secs_f64(),
                            job.target.as_secs_f64(),
                            group_thousands(job.orders)
                        )}
                    </span>
                    <button type="button" data-testid="job-cancel" on:click=move |_| playground.cancel_job()>
                        "Cancel"
                    </button>
                </div>
            }
        })
    }
}

/// 1234567 → "1,234,567".
pub fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
