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

pub fn use_sim_clock_with_options(
    on_frame: impl Fn(f64) + 'static,
    options: SimClockOptions,
) -> SimClock {
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
        let (last_frame, pending, schedule) = (
            Rc::clone(&last_frame),
            Rc::clone(&pending),
            Rc::clone(&schedule),
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

    Effect::new({
        let schedule = Rc::clone(&schedule);
        move |_| {
            if active.get() {
                schedule();
            }
        }
    });

    // The page is single-threaded; the wrapper satisfies the cleanup's `Send` bound.
    let owned = SendWrapper::new((Rc::clone(&callback), Rc::clone(&pending)));
    on_cleanup(move || {
        let (callback, pending) = owned.take();
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
