//! Play/pause, step, speed, jump to the end, reset, seed, the simulated clock and notices.

use leptos::prelude::*;

use super::state::{Notice, SPEEDS};
use super::{GoalBadge, Playground, Visible};

/// Play or pause; disabled in look while the run is locked (a prediction is due).
fn play_button(playground: Playground, test_id: &'static str) -> impl IntoView {
    view! {
        <button
            type="button"
            class="primary"
            data-testid=test_id
            aria-disabled=move || playground.locked.with(Option::is_some).to_string()
            aria-pressed=move || playground.playing.get().to_string()
            on:click=move |_| playground.toggle()
        >
            {move || if playground.playing.get() { "Pause" } else { "Play" }}
        </button>
    }
}

#[component]
pub fn RunControls() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let visible = expect_context::<StoredValue<Visible>>();
    let seed_text = RwSignal::new(playground.with_run(|run| run.seed().to_string()));
    let apply_seed = move || {
        let text = seed_text.get_untracked();
        match parse_seed(&text) {
            Ok(seed) => {
                let scenario = playground.with_run(|run| run.scenario().clone());
                playground.load(scenario, seed);
                playground.tell(format!(
                    "Restarted with seed {seed}: new orders, same scenario."
                ));
            }
            Err(message) => playground.refuse("Seed not changed", vec![message]),
        }
    };
    // Space plays and pauses, "." steps, unless the learner is typing or on a button (where
    // Space already means "press").
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        let target = event
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
        let busy = target.is_some_and(|e| {
            matches!(
                e.tag_name().as_str(),
                "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON" | "A"
            ) || e.get_attribute("role").is_some()
        });
        if busy || event.alt_key() || event.ctrl_key() || event.meta_key() {
            return;
        }
        match event.key().as_str() {
            " " => {
                event.prevent_default();
                playground.toggle();
            }
            "." => playground.step(),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    let clock = move || {
        playground.view.with(|view| {
            format!(
                "t = {:.2} s of {:.0} s",
                view.now.as_secs_f64(),
                view.end.as_secs_f64()
            )
        })
    };
    let short_clock = move || {
        playground
            .view
            .with(|view| format!("{:.1} s", view.now.as_secs_f64()))
    };
    // The goal's line, in a lesson: pressing it brings the goal's checks into view.
    let badge = use_context::<GoalBadge>().map(|GoalBadge(line)| {
        move |test_id: &'static str| {
            view! {
                <button type="button" class="goal-badge" data-testid=test_id
                    class:met=move || line.with(|l| l.as_ref().is_some_and(|(met, _)| *met))
                    hidden=move || line.with(Option::is_none)
                    on:click=move |_| {
                        if let Some(goal) = document().get_element_by_id("goal") {
                            goal.scroll_into_view();
                        }
                    }>
                    {move || line.with(|l| l.as_ref().map(|(_, text)| text.clone()).unwrap_or_default())}
                </button>
            }
        }
    });
    let badge_in_bar = badge.map(|badge| badge("goal-badge"));
    let badge_in_mini = badge.map(|badge| badge("mini-goal-badge"));
    view! {
        <div class="run-controls" role="toolbar" aria-label="Run controls" data-testid="run-controls">
            {play_button(playground, "play")}
            <button type="button" data-testid="step"
                aria-disabled=move || playground.locked.with(Option::is_some).to_string() on:click=move |_| playground.step() title="Advance one metrics bucket">
                "Step"
            </button>
            <label>
                "Speed "
                <select
                    data-testid="speed"
                    on:change=move |event| {
                        if let Some(speed) = crate::number::parse_number(&event_target_value(&event)) {
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
            <button type="button" data-testid="jump-end"
                aria-disabled=move || playground.locked.with(Option::is_some).to_string() on:click=move |_| playground.jump_to_end()>"Jump to end"</button>
            <button type="button" data-testid="reset" on:click=move |_| playground.reset()>"Reset"</button>
            <label hidden=!visible.with_value(Visible::is_sandbox)>
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
            <output class="clock" data-testid="clock" aria-live="off" title="Space: play or pause · period: step">{clock}</output>
            {badge_in_bar}
            {move || playground.locked.get().map(|reason| view! { <p class="locked" data-testid="locked">{reason}</p> })}
        </div>
        // On a phone the full bar above scrolls away with the page; this one stays in view.
        <div class="mini-bar" role="toolbar" aria-label="Play and goal" data-testid="mini-bar">
            {play_button(playground, "mini-play")}
            <output class="mini-clock" aria-live="off">{short_clock}</output>
            {badge_in_mini}
        </div>
        <ShareBar />
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
        playground.notice().map(|notice| {
            let dismiss = move |_| playground.dismiss();
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

/// The link to the page as it stands: this route, this run, this moment.
pub fn link_to(shared: &crate::share::SharedRun) -> String {
    let location = window().location();
    let hash = location.hash().unwrap_or_default();
    let route = hash
        .split('?')
        .next()
        .filter(|r| !r.is_empty())
        .unwrap_or("#/sandbox");
    format!(
        "{}{}{}{route}?run={}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default(),
        shared.encode()
    )
}

/// "Copy link": to the clipboard when the browser allows it, and always shown to copy by hand.
#[component]
fn ShareBar() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let link = RwSignal::new(None::<String>);
    let embed = RwSignal::new(None::<String>);
    let copy = move |_| {
        playground.pause();
        let url = link_to(&playground.shared_run());
        // Refused in some contexts (no permission, insecure origin); the field below remains.
        let _ = window().navigator().clipboard().write_text(&url);
        embed.set(None);
        link.set(Some(url));
    };
    let copy_embed = move |_| {
        playground.pause();
        let code = crate::embed::embed_code(&link_to(&playground.shared_run()));
        let _ = window().navigator().clipboard().write_text(&code);
        link.set(None);
        embed.set(Some(code));
    };
    view! {
        <div class="share">
            <button type="button" data-testid="copy-link" on:click=copy>"Copy link to this run"</button>
            <button type="button" data-testid="copy-embed" on:click=copy_embed>"Copy embed code"</button>
            {move || embed.get().map(|code| view! {
                <label class="share-link">
                    <span>"Paste this into a slide, course page or LMS (HTML). It fits 16:9 and narrow columns; the README explains how to drive it with postMessage."</span>
                    <textarea readonly rows="3" data-testid="embed-code" prop:value=code></textarea>
                </label>
            })}
            {move || link.get().map(|url| {
                let length = url.chars().count();
                view! {
                    <label class="share-link">
                        <span>{format!("Anyone opening this link ({length} characters) replays this run to this moment:")}</span>
                        <input type="text" readonly data-testid="share-link" prop:value=url on:focus=move |e| {
                            if let Some(input) = e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()) {
                                input.select();
                            }
                        } />
                    </label>
                }
            })}
        </div>
    }
}
