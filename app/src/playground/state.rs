//! The sandbox's state: the run (not reactive: it is large and changes every frame) behind a
//! `StoredValue`, and small signals the view reads. `FrameView` is what one frame shows; it is
//! rebuilt once per frame, and `data_version` moves only when a metrics bucket closed, so charts
//! redraw when their data changes rather than on every frame.

use std::cell::Cell;
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use engine::{ControlAction, Scenario, ServiceId, SimTime, Snapshot};
use leptos::prelude::*;

use super::Run;
use super::job::{Job, JobKind, Slicer};
pub use crate::hooks::now_ms;
use crate::hooks::{SimClock, use_media_query, use_sim_clock};
use crate::share::SharedRun;

/// Playback speeds offered, as multiples of real time.
/// How often slow views (tables, lists) refresh while playing.
const SLOW_VIEW_MS: f64 = 250.0;

/// Engine work one animation frame may do while playing.
const FRAME_WORK_MS: f64 = 8.0;

pub const SPEEDS: [f64; 10] = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0];

#[derive(Clone, Debug, PartialEq)]
pub struct FrameView {
    pub now: SimTime,
    pub end: SimTime,
    pub horizon: SimTime,
    pub sync: Snapshot,
    pub event: Snapshot,
}

impl FrameView {
    fn of(run: &Run) -> FrameView {
        let comparison = run.comparison();
        FrameView {
            now: run.now(),
            end: run.end(),
            horizon: run.horizon(),
            sync: comparison.sync().snapshot(),
            event: comparison.event().snapshot(),
        }
    }
}

/// A message for the learner: what went wrong (or right) with the last thing they did.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    Info(String),
    Error { title: String, details: Vec<String> },
}

#[derive(Clone, Copy)]
pub struct PlaygroundOptions {
    pub autoplay: bool,
}

/// A copyable handle on the sandbox; components take it from context.
#[derive(Clone, Copy)]
pub struct Playground {
    run: StoredValue<Run, LocalStorage>,
    pub view: RwSignal<FrameView, LocalStorage>,
    pub data_version: RwSignal<u64>,
    /// Moves at most a few times a second while playing (and at once on any other change):
    /// for tables and lists that would be wasted work to rebuild every frame.
    pub ticker: RwSignal<u64>,
    pub playing: Signal<bool>,
    pub speed: RwSignal<f64>,
    pub selected: RwSignal<ServiceId>,
    pub pinned: RwSignal<Option<u64>>,
    /// The message for the learner: written through `tell`, `refuse` and `dismiss` only.
    notice: RwSignal<Option<Notice>>,
    /// The consumer-lag alert threshold in records, if the learner set one.
    pub lag_alert: RwSignal<Option<f64>>,
    /// Why the run may not start yet (a lesson asks for a prediction first).
    pub locked: RwSignal<Option<String>>,
    pub reduced_motion: Signal<bool>,
    /// Long work under way in slices (jump to end, seek, a link's replay), if any.
    pub job: RwSignal<Option<Job>>,
    pub(super) slicer: StoredValue<Slicer>,
    clock: SimClock,
    stats: StoredValue<FrameStats, LocalStorage>,
    frame_end: StoredValue<Option<FrameEnd>, LocalStorage>,
    buckets_seen: StoredValue<usize>,
    /// The scenario this view starts from; a link carries the scenario only when it differs.
    base: StoredValue<Scenario>,
    last_tick_ms: StoredValue<f64>,
}

impl Playground {
    pub fn new(scenario: Scenario, seed: u64, options: PlaygroundOptions) -> Playground {
        Playground::from_run(Run::new(scenario.clone(), seed), scenario, options)
    }

    /// Starts from a shared link when there is a valid one in the URL, else from `scenario`.
    /// A bad link is explained in the page and the usual run is shown instead.
    pub fn from_link(
        scenario: Scenario,
        seed: u64,
        link: Option<String>,
        options: PlaygroundOptions,
    ) -> Playground {
        let shared = link.map(|payload| {
            SharedRun::decode(&payload).and_then(|shared| shared.checked(&scenario))
        });
        let (run, at, problem) = match shared {
            Some(Ok(shared)) => {
                let run = Run::with_actions(
                    shared.scenario.unwrap_or_else(|| scenario.clone()),
                    shared.seed,
                    shared.actions,
                );
                (run, Some(shared.at), None)
            }
            Some(Err(problem)) => (Run::new(scenario.clone(), seed), None, Some(problem)),
            None => (Run::new(scenario.clone(), seed), None, None),
        };
        let playground = Playground::from_run(run, scenario, options);
        // The run replays to the link's moment in slices, with a progress bar if it is long.
        if let Some(at) = at.filter(|at| *at > SimTime::ZERO) {
            playground.start_job(JobKind::OpenLink, at);
        }
        if let Some(problem) = problem {
            playground.refuse(
                "This link could not be opened; showing the usual start instead",
                vec![problem],
            );
        }
        playground
    }

    fn from_run(run: Run, base: Scenario, options: PlaygroundOptions) -> Playground {
        let view = RwSignal::new_local(FrameView::of(&run));
        let run = StoredValue::new_local(run);
        let this_cell: StoredValue<Option<Playground>, LocalStorage> = StoredValue::new_local(None);
        let clock = use_sim_clock(move |elapsed_ms| {
            if let Some(playground) = this_cell.get_value() {
                playground.tick(elapsed_ms);
            }
        });
        let stats = StoredValue::new_local(FrameStats::default());
        let playground = Playground {
            run,
            view,
            data_version: RwSignal::new(0),
            ticker: RwSignal::new(0),
            playing: clock.is_active,
            speed: RwSignal::new(1.0),
            selected: RwSignal::new(ServiceId::Payment),
            pinned: RwSignal::new(None),
            notice: RwSignal::new(None),
            lag_alert: RwSignal::new(None),
            locked: RwSignal::new(None),
            reduced_motion: use_media_query("(prefers-reduced-motion: reduce)"),
            job: RwSignal::new(None),
            slicer: StoredValue::new(Slicer::default()),
            clock,
            stats,
            frame_end: StoredValue::new_local(FrameEnd::new(stats)),
            buckets_seen: StoredValue::new(0),
            base: StoredValue::new(base),
            last_tick_ms: StoredValue::new(f64::NEG_INFINITY),
        };
        this_cell.set_value(Some(playground));
        // A host page drives whichever playground is on screen.
        if let Some(bridge) = use_context::<crate::embed::Bridge>() {
            bridge.active.set(Some(playground));
            on_cleanup(move || {
                if bridge
                    .active
                    .with_untracked(|a| a.is_some_and(|a| a.run == playground.run))
                {
                    bridge.active.set(None);
                }
            });
        }
        if options.autoplay {
            clock.resume();
        }
        playground
    }

    /// The message for the learner, if there is one (tracked).
    pub fn notice(&self) -> Option<Notice> {
        self.notice.get()
    }

    /// Tells the learner what happened (or why nothing did).
    pub fn tell(&self, text: String) {
        self.notice.set(Some(Notice::Info(text)));
    }

    /// Tells the learner what was refused, and why.
    pub fn refuse(&self, title: &str, details: Vec<String>) {
        self.notice.set(Some(Notice::Error {
            title: title.into(),
            details,
        }));
    }

    pub fn dismiss(&self) {
        self.notice.set(None);
    }

    /// Takes the message down if it is `text` (a reminder that has done its job).
    pub fn take_down(&self, text: &str) {
        if self
            .notice
            .with_untracked(|n| matches!(n, Some(Notice::Info(shown)) if shown == text))
        {
            self.notice.set(None);
        }
    }

    /// Reads the run without tracking (pair with `view` or `data_version` to react).
    pub fn with_run<R>(&self, read: impl FnOnce(&Run) -> R) -> R {
        self.run.with_value(read)
    }

    /// Changes the run, then refreshes what the page shows.
    pub fn update(&self, change: impl FnOnce(&mut Run)) {
        self.run.update_value(change);
        self.refresh(true);
    }

    /// Changes the run without refreshing the page (a slice of long work).
    pub(super) fn update_run_quietly(&self, change: impl FnOnce(&mut Run)) {
        self.run.update_value(change);
    }

    pub(super) fn refresh_now(&self) {
        self.refresh(true);
    }

    /// What the page shows while long work goes on: the clock, the pictures and the tables
    /// a few times a second; charts catch up once the work is done. Between slices the main
    /// thread belongs to the learner, not to redrawing.
    pub(super) fn refresh_during_job(&self) {
        let now = now_ms();
        if now - self.last_tick_ms.get_value() >= SLOW_VIEW_MS {
            self.last_tick_ms.set_value(now);
            self.view.set(self.run.with_value(FrameView::of));
            self.ticker.update(|t| *t += 1);
        }
    }

    fn refresh(&self, now_for_slow_views: bool) {
        let (view, buckets) = self.run.with_value(|run| {
            (
                FrameView::of(run),
                run.comparison().sync().metrics().buckets().len(),
            )
        });
        self.view.set(view);
        // Charts follow each closed bucket while playing, and catch up with the exact moment
        // after anything else (a lever, a seek, a step), so they never lag behind the clock.
        if buckets != self.buckets_seen.get_value() || now_for_slow_views {
            self.buckets_seen.set_value(buckets);
            self.data_version.update(|v| *v += 1);
        }
        let now = now_ms();
        if now_for_slow_views || now - self.last_tick_ms.get_value() >= SLOW_VIEW_MS {
            self.last_tick_ms.set_value(now);
            self.ticker.update(|t| *t += 1);
        }
    }

    fn tick(&self, elapsed_ms: f64) {
        let started = now_ms();
        let speed = self.speed.get_untracked();
        let advance = SimTime::from_millis_f64(elapsed_ms * speed);
        let mut finished = false;
        // A frame does at most what fits in it; a run too busy for the speed asked for plays
        // slower instead of freezing the page.
        let allowance = self.slicer.with_value(|s| s.frame_allowance(FRAME_WORK_MS));
        let mut cut = false;
        let engine_started = now_ms();
        self.run.update_value(|run| {
            cut = !run.advance(run.now() + advance, allowance);
            finished = run.at_end();
        });
        if cut {
            // The frame used its whole allowance: learn from it how much fits.
            let ms = now_ms() - engine_started;
            self.slicer
                .update_value(|s| s.learn_from_frame(ms, FRAME_WORK_MS));
        }
        // The last frame of a run refreshes everything, so what is judged at the end (a
        // lesson's goal) sees the end even if the slow views were refreshed a moment ago.
        self.refresh(finished);
        if finished || self.halted() {
            self.pause();
        }
        // The view updates run as microtasks queued by the signals just set; a task queued
        // after them measures the frame including them.
        let stats = self.stats;
        wasm_bindgen_futures::spawn_local(async move {
            stats.update_value(|stats| stats.script.push(now_ms() - started));
        });
        // A message posted now is delivered in the first task after the browser has rendered
        // this frame: the whole frame's main-thread work, style, layout and paint included.
        self.frame_end.with_value(|end| {
            if let Some(end) = end {
                end.post(started);
            }
        });
    }

    /// Time spent drawing charts counts towards the frame it happens in.
    pub fn record_draw(&self, ms: f64) {
        self.stats.update_value(|stats| {
            stats.script.add_to_last(ms);
            stats.whole.add_to_last(ms);
        });
    }

    pub fn frame_stats(&self) -> FrameSummary {
        self.stats.with_value(FrameStats::summary)
    }

    /// Whether the run has stopped for holding too much; says so in the page the first time.
    pub(super) fn halted(&self) -> bool {
        let Some(reason) = self.with_run(|run| run.stopped().map(str::to_string)) else {
            return false;
        };
        let shown = self.notice.with_untracked(|notice| {
            matches!(notice, Some(Notice::Error { details, .. }) if details.first() == Some(&reason))
        });
        if !shown {
            self.refuse("The run cannot go further", vec![reason]);
        }
        true
    }

    pub fn play(&self) {
        self.cancel_job();
        if self.halted() {
            return;
        }
        if let Some(reason) = self.locked.get_untracked() {
            self.tell(reason);
            return;
        }
        if self.run.with_value(Run::at_end) {
            self.tell("The run has reached its end. Reset or rewind to play again.".into());
            return;
        }
        self.clock.resume();
    }

    pub fn pause(&self) {
        if self.playing.get_untracked() {
            self.clock.pause();
            self.data_version.update(|v| *v += 1);
        }
    }

    pub fn toggle(&self) {
        if self.playing.get_untracked() {
            self.pause()
        } else {
            self.play()
        }
    }

    /// Advances by one metrics bucket while paused.
    pub fn step(&self) {
        if self.locked.with_untracked(Option::is_some) {
            return self.play();
        }
        if self.busy() {
            return;
        }
        self.pause();
        let target = self
            .with_run(|run| run.now() + SimTime::from_millis_f64(run.scenario().metrics.bucket_ms));
        // A busy bucket can hold millions of events: it too runs in slices.
        self.start_job(JobKind::Step, target.min(self.with_run(Run::end)));
    }

    pub fn jump_to_end(&self) {
        if self.locked.with_untracked(Option::is_some) {
            return self.play();
        }
        self.pause();
        let end = self.with_run(Run::end);
        self.start_job(JobKind::JumpToEnd, end);
    }

    pub fn reset(&self) {
        self.pause();
        self.cancel_job();
        self.update(Run::reset);
        self.pinned.set(None);
    }

    /// Moves to `to`: back to the nearest checkpoint at once, then forward in slices.
    pub fn seek(&self, to: SimTime) {
        let to = to.min(self.with_run(Run::end));
        self.update(|run| run.rewind(to));
        if self.with_run(Run::now) < to {
            self.start_job(JobKind::Seek, to);
        } else {
            self.cancel_job();
        }
    }

    /// Takes a control action at the current simulated time; a refusal is explained in the
    /// page. True when the action was taken.
    pub fn apply(&self, action: ControlAction) -> bool {
        match self.try_apply(action) {
            Ok(()) => {
                // A refusal still showing is out of date once an action has been taken.
                if self
                    .notice
                    .with_untracked(|n| matches!(n, Some(Notice::Error { .. })))
                {
                    self.notice.set(None);
                }
                true
            }
            Err(message) => {
                self.refuse("Not done", vec![message]);
                false
            }
        }
    }

    /// Takes a control action now, or says why not: work is still under way, or the action
    /// is invalid or would ask for more than the page can run.
    pub fn try_apply(&self, action: ControlAction) -> Result<(), String> {
        if let Some(job) = self.job.get_untracked() {
            return Err(format!(
                "the run is still on its way to {:.1} s: wait for it, or Cancel first",
                job.target.as_secs_f64()
            ));
        }
        let mut result = Ok(());
        self.update(|run| result = run.apply(action));
        result.map_err(|problems| {
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// Starts over with another scenario and seed (the current run is replaced only when
    /// the new one is valid; callers validate first).
    pub fn load(&self, scenario: Scenario, seed: u64) {
        self.pause();
        self.cancel_job();
        self.update(|run| *run = Run::new(scenario, seed));
        self.pinned.set(None);
    }

    /// The run as it stands, packed for a link.
    pub fn shared_run(&self) -> SharedRun {
        self.run.with_value(|run| {
            let now = run.now();
            let actions = run
                .timeline()
                .iter()
                .filter(|a| a.at <= now)
                .cloned()
                .collect();
            let scenario = self
                .base
                .with_value(|base| (run.scenario() != base).then(|| run.scenario().clone()));
            SharedRun::new(run.seed(), now, actions, scenario)
        })
    }

    /// Keeps the full trace of `order` in both designs. An order that already went by is
    /// traced by replaying the run with the pin in place from the start (in slices), which
    /// changes nothing else: tracing does not touch the simulation.
    pub fn pin(&self, order: u64) {
        if self.busy() {
            return;
        }
        let mut back_to = SimTime::ZERO;
        self.update(|run| back_to = run.pin(order));
        self.pinned.set(Some(order));
        if self.with_run(Run::now) < back_to {
            self.start_job(JobKind::Trace, back_to);
        }
    }

    /// The longest slice of long work so far and how many there were (the performance panel).
    pub fn slice_stats(&self) -> (f64, u64) {
        self.slicer.with_value(|s| (s.longest_slice_ms, s.slices))
    }
}

/// Work per animation frame over the last few hundred frames, measured two ways: the page's
/// own script (engine advance, view updates, chart drawing), and the whole frame on the main
/// thread, which adds the browser's style, layout and paint for what the script changed.
#[derive(Default)]
struct FrameStats {
    script: Recent,
    whole: Recent,
}

#[derive(Default)]
struct Recent(VecDeque<f64>);

impl Recent {
    const KEEP: usize = 600;

    fn push(&mut self, ms: f64) {
        if self.0.len() == Self::KEEP {
            self.0.pop_front();
        }
        self.0.push_back(ms);
    }

    fn add_to_last(&mut self, ms: f64) {
        if let Some(last) = self.0.back_mut() {
            *last += ms;
        }
    }

    fn percentiles(&self) -> Percentiles {
        // Whole microseconds (far finer than the browser's clock), sorted as integers by the
        // engine's short sort (600 frames at most).
        let mut sorted: Vec<u32> = self
            .0
            .iter()
            .map(|ms| (ms * 1000.0).round() as u32)
            .collect();
        engine::sorted::sort_short_by_key(&mut sorted, |&us| us);
        let ms = |us: Option<&u32>| us.map_or(0.0, |&us| f64::from(us) / 1000.0);
        let at = |q: f64| ms(sorted.get(((sorted.len() as f64 - 1.0) * q).round() as usize));
        Percentiles {
            frames: sorted.len(),
            p50_ms: at(0.5),
            p95_ms: at(0.95),
            max_ms: ms(sorted.last()),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Percentiles {
    pub frames: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameSummary {
    pub script: Percentiles,
    pub whole: Percentiles,
}

impl FrameStats {
    fn summary(&self) -> FrameSummary {
        FrameSummary {
            script: self.script.percentiles(),
            whole: self.whole.percentiles(),
        }
    }
}

/// Hears when a frame's rendering is over: a message channel whose messages are delivered as
/// tasks, which run after the browser's rendering steps for the current frame.
struct FrameEnd {
    port: web_sys::MessagePort,
    started: Rc<Cell<f64>>,
    channel: web_sys::MessageChannel,
    _on_message: Closure<dyn Fn()>,
}

impl FrameEnd {
    fn new(stats: StoredValue<FrameStats, LocalStorage>) -> Option<FrameEnd> {
        let channel = web_sys::MessageChannel::new().ok()?;
        let started = Rc::new(Cell::new(0.0));
        let on_message = Closure::<dyn Fn()>::new({
            let started = Rc::clone(&started);
            move || {
                let ms = now_ms() - started.get();
                stats.update_value(|stats| stats.whole.push(ms));
            }
        });
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(FrameEnd {
            port: channel.port2(),
            started,
            channel,
            _on_message: on_message,
        })
    }

    fn post(&self, started: f64) {
        self.started.set(started);
        let _ = self.port.post_message(&wasm_bindgen::JsValue::NULL);
    }
}

impl Drop for FrameEnd {
    fn drop(&mut self) {
        self.channel.port1().set_onmessage(None);
    }
}
