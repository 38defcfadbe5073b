//! Play/pause, step, speed, jump to the end, reset, seed, the simulated clock and notices.

use leptos::prelude::*;

use super::Playground;
use super::state::{Notice, SPEEDS};

#[component]
pub fn RunControls() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let seed_text = RwSignal::new(playground.with_run(|run| run.seed().to_string()));
    let apply_seed = move || {
        let text = seed_text.get_untracked();
        match parse_seed(&text) {
            Ok(seed) => {
                let scenario = playground.with_run(|run| run.scenario().clone());
                playground.load(scenario, seed);
                playground.notice.set(Some(Notice::Info(format!(
                    "Restarted with seed {seed}: new orders, same scenario."
                ))));
            }
            Err(message) => playground.notice.set(Some(Notice::Error {
                title: "Seed not changed".into(),
                details: vec![message],
            })),
        }
    };
    let clock = move || {
        playground.view.with(|view| {
            format!(
                "t = {:.2} s of {:.0} s",
                view.now.as_secs_f64(),
                view.end.as_secs_f64()
            )
        })
    };
    view! {
        <div class="run-controls" role="toolbar" aria-label="Run controls" data-testid="run-controls">
            <button
                type="button"
                class="primary"
                data-testid="play"
                aria-pressed=move || playground.playing.get().to_string()
                on:click=move |_| playground.toggle()
            >
                {move || if playground.playing.get() { "Pause" } else { "Play" }}
            </button>
            <button type="button" data-testid="step" on:click=move |_| playground.step() title="Advance one metrics bucket">
                "Step"
            </button>
            <label>
                "Speed "
                <select
                    data-testid="speed"
                    on:change=move |event| {
                        if let Ok(speed) = event_target_value(&event).parse::<f64>() {
                            playground.speed.set(speed.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1]));
                        }
                    }
                >
                    {SPEEDS
                        .into_iter()
                        .map(|speed| {
                            view! {
                                <option value=speed.to_string() selected=move || playground.speed.get() == speed>
                                    {format!("{speed}×")}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <button type="button" data-testid="jump-end" on:click=move |_| playground.jump_to_end()>"Jump to end"</button>
            <button type="button" data-testid="reset" on:click=move |_| playground.reset()>"Reset"</button>
            <label>
                "Seed "
                <input
                    type="text"
                    inputmode="numeric"
                    size="8"
                    data-testid="seed"
                    prop:value=move || seed_text.get()
                    on:input=move |event| seed_text.set(event_target_value(&event))
                    on:change=move |_| apply_seed()
                />
            </label>
            <output class="clock" data-testid="clock" aria-live="off">{clock}</output>
        </div>
        <NoticeBar />
    }
}

pub fn parse_seed(text: &str) -> Result<u64, String> {
    let text = text.trim();
    text.parse::<u64>().map_err(|_| {
        let shown: String = text.chars().take(24).collect();
        format!(
            "“{shown}” is not a seed: use a whole number from 0 to {}",
            u64::MAX
        )
    })
}

#[component]
fn NoticeBar() -> impl IntoView {
    let playground = expect_context::<Playground>();
    move || {
        playground.notice.get().map(|notice| {
            let dismiss = move |_| playground.notice.set(None);
            match notice {
                Notice::Info(text) => view! {
                    <div class="notice-bar info" role="status" data-testid="notice">
                        <span>{text}</span>
                        <button type="button" class="link" on:click=dismiss aria-label="Dismiss">"×"</button>
                    </div>
                }
                .into_any(),
                Notice::Error { title, details } => view! {
                    <div class="notice-bar error" role="alert" data-testid="notice-error">
                        <strong>{title}</strong>
                        <ul>{details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                        <button type="button" class="link" on:click=dismiss aria-label="Dismiss">"×"</button>
                    </div>
                }
                .into_any(),
            }
        })
    }
}
