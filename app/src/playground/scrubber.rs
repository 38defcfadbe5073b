//! The time scrubber: drag back to any moment reached so far (or forward again) and resume.
//! Moving replays the run from the start, so it is identical to one that never rewound.

use engine::SimTime;
use leptos::prelude::*;

use super::Playground;

#[component]
pub fn Scrubber() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let dragging = RwSignal::new(None::<f64>);
    let max_ms = move || playground.view.with(|v| v.horizon.as_millis_f64().round());
    let value_ms = move || {
        dragging
            .get()
            .unwrap_or_else(|| playground.view.with(|v| v.now.as_millis_f64().round()))
    };
    let seek = move |ms: f64| {
        dragging.set(None);
        playground.pause();
        playground.seek(SimTime::from_millis_f64(ms));
    };
    view! {
        <div class="scrubber">
            <label for="scrubber">"Simulated time"</label>
            <input
                id="scrubber"
                type="range"
                min="0"
                step="50"
                data-testid="scrubber"
                prop:max=max_ms
                prop:value=value_ms
                aria-valuetext=move || format!("{:.1} seconds", value_ms() / 1000.0)
                on:input=move |event| {
                    if let Some(ms) = crate::number::parse_number(&event_target_value(&event)) {
                        dragging.set(Some(ms));
                    }
                }
                on:change=move |event| {
                    if let Some(ms) = crate::number::parse_number(&event_target_value(&event)) {
                        seek(ms);
                    }
                }
            />
            <span class="scrub-label" data-testid="scrub-label">
                {move || format!("{:.1} s / {:.1} s reached", value_ms() / 1000.0, max_ms() / 1000.0)}
            </span>
        </div>
    }
}
