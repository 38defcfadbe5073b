//! Hooks in the leptos-use shape: `use_x(callback)` returning a pausable handle, cleaned up
//! with the owner.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// A handle on an animation-frame loop.
#[derive(Clone, Copy)]
pub struct SimClock {
    pub is_active: Signal<bool>,
    active: RwSignal<bool>,
}

impl SimClock {
    pub fn pause(&self) {
        self.active.set(false);
    }

    pub fn resume(&self) {
        self.active.set(true);
    }
}

/// Calls `on_frame(elapsed_ms)` on every animation frame while active, with the real time
/// since the previous frame (capped, so a tab coming back from the background does not make
/// the simulation leap).
pub fn use_sim_clock(on_frame: impl Fn(f64) + 'static) -> SimClock {
    use_sim_clock_with_options(on_frame, SimClockOptions::default())
}

#[derive(Clone, Copy)]
pub struct SimClockOptions {
    pub immediate: bool,
    pub max_frame_ms: f64,
}

impl Default for SimClockOptions {
    fn default() -> Self {
        SimClockOptions {
            immediate: false,
            max_frame_ms: 100.0,
        }
    }
}

type FrameCallback = Closure<dyn FnMut(f64)>;

/// Without an animation frame for this long while active (a hidden tab, an embedding page that
/// scrolled its frame out of view), a timer takes over, so the run and a host page listening to
/// it keep going.
const FALLBACK_AFTER_MS: f64 = 250.0;
/// How often the fallback timer checks (browsers slow timers in hidden tabs to about once a
/// second) and the most real time one fallback step covers.
const FALLBACK_EVERY_MS: u32 = 200;
const FALLBACK_MAX_STEP_MS: f64 = 1_000.0;

pub fn use_sim_clock_with_options(
    on_frame: impl Fn(f64) + 'static,
    options: SimClockOptions,
) -> SimClock {
    let on_frame = Rc::new(on_frame);
    let active = RwSignal::new(options.immediate);
    let last_frame: Rc<Cell<Option<f64>>> = Rc::new(Cell::new(None));
    let pending: Rc<Cell<Option<i32>>> = Rc::new(Cell::new(None));
    let callback: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));

    let schedule = {
        let (callback, pending) = (Rc::clone(&callback), Rc::clone(&pending));
        move || {
            if pending.get().is_some() {
                return;
            }
            if let Some(closure) = callback.borrow().as_ref() {
                pending.set(
                    window()
                        .request_animation_frame(closure.as_ref().unchecked_ref())
                        .ok(),
                );
            }
        }
    };
    let schedule = Rc::new(schedule);

    {
        let (last_frame, pending, schedule, on_frame) = (
            Rc::clone(&last_frame),
            Rc::clone(&pending),
            Rc::clone(&schedule),
            Rc::clone(&on_frame),
        );
        *callback.borrow_mut() = Some(Closure::new(move |timestamp: f64| {
            pending.set(None);
            if !active.get_untracked() {
                last_frame.set(None);
                return;
            }
            let elapsed = last_frame.get().map_or(0.0, |last| {
                (timestamp - last).clamp(0.0, options.max_frame_ms)
            });
            last_frame.set(Some(timestamp));
            on_frame(elapsed);
            schedule();
        }));
    }

    let fallback = {
        let (last_frame, on_frame) = (Rc::clone(&last_frame), Rc::clone(&on_frame));
        gloo_timers::callback::Interval::new(FALLBACK_EVERY_MS, move || {
            if !active.get_untracked() {
                return;
            }
            let now = now_ms();
            match last_frame.get() {
                Some(last) if now - last < FALLBACK_AFTER_MS => {}
                last => {
                    let elapsed =
                        last.map_or(0.0, |last| (now - last).clamp(0.0, FALLBACK_MAX_STEP_MS));
                    last_frame.set(Some(now));
                    on_frame(elapsed);
                }
            }
        })
    };

    Effect::new({
        let schedule = Rc::clone(&schedule);
        move |_| {
            if active.get() {
                schedule();
            }
        }
    });

    // The page is single-threaded; the wrapper satisfies the cleanup's `Send` bound.
    let owned = SendWrapper::new((Rc::clone(&callback), Rc::clone(&pending), fallback));
    on_cleanup(move || {
        let (callback, pending, fallback) = owned.take();
        fallback.cancel();
        {
            if let Some(id) = pending.take() {
                let _ = window().cancel_animation_frame(id);
            }
            callback.borrow_mut().take();
        }
    });

    SimClock {
        is_active: active.into(),
        active,
    }
}

/// Whether the CSS media `query` matches, kept current by the browser's change events (reading
/// it costs nothing, unlike asking `matchMedia` again on every frame).
pub fn use_media_query(query: &str) -> Signal<bool> {
    let Ok(Some(list)) = window().match_media(query) else {
        return Signal::stored(false);
    };
    let matches = RwSignal::new(list.matches());
    let listener = Closure::<dyn Fn(web_sys::MediaQueryListEvent)>::new(
        move |event: web_sys::MediaQueryListEvent| matches.set(event.matches()),
    );
    let _ = list.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
    let owned = SendWrapper::new((list, listener));
    on_cleanup(move || {
        let (list, listener) = owned.take();
        let _ =
            list.remove_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
    });
    matches.into()
}

/// Milliseconds since the page started, from the same clock as animation-frame timestamps.
pub fn now_ms() -> f64 {
    thread_local! {
        static PERFORMANCE: Option<web_sys::Performance> = window().performance();
    }
    PERFORMANCE.with(|p| p.as_ref().map_or(0.0, web_sys::Performance::now))
}

/// Gives the main thread back to the browser for one turn: input, rendering and other tasks
/// run, then this resumes. A message to itself rather than a zero timer, which browsers
/// stretch to 4 ms once timers nest.
pub async fn yield_to_browser() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return gloo_timers::future::TimeoutFuture::new(0).await;
    };
    let promise = web_sys::js_sys::Promise::new(&mut |resolve, _reject| {
        channel.port1().set_onmessage(Some(&resolve));
        let _ = channel.port2().post_message(&wasm_bindgen::JsValue::NULL);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    channel.port1().set_onmessage(None);
}

/// Whether the `<details>` element behind a `toggle` event is now open.
pub fn details_open(event: &web_sys::Event) -> bool {
    event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlDetailsElement>().ok())
        .is_some_and(|details| details.open())
}

/// `view` while `when` holds, made again only when `when` turns true: what `<Show>` does,
/// without the generic children and type-erased view code each `<Show>` adds to the page.
pub fn shown_when<V: IntoView + 'static>(
    when: impl Fn() -> bool + Send + Sync + 'static,
    view: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    let open = Memo::new(move |_| when());
    move || open.get().then(&view)
}
