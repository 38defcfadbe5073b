//! The lesson list: the curriculum with progress and time estimates, progress export and
//! import, and opening a lesson file from disk to try it.

use leptos::prelude::*;

use super::progress::Progress;
use super::{CUSTOM_ID, Library};
use crate::files::{download_text, read_chosen_file};
use crate::route::Route;

const MAX_LESSON_BYTES: usize = 512 * 1024;

#[component]
pub fn LessonList() -> impl IntoView {
    let library = expect_context::<Library>();
    let lessons = library.entries();
    let total_minutes: u32 = lessons.iter().map(|l| l.minutes).sum();
    let lesson_count = lessons.len();
    let first_lesson = lessons.first().map(|lesson| {
        Route::Lesson {
            id: lesson.id.clone(),
            step: 1,
        }
        .href()
    });
    let items = lessons
        .into_iter()
        .enumerate()
        .map(|(index, lesson)| {
            let id = lesson.id.clone();
            let steps = lesson.steps;
            let done = {
                let id = id.clone();
                move || library.progress.with(|p| p.steps_done(&id))
            };
            let done_text = done.clone();
            let resume = {
                let id = id.clone();
                move || {
                    let step = library.progress.with(|p| p.lesson(&id).last_step).min(steps.saturating_sub(1));
                    Route::Lesson { id: id.clone(), step: step + 1 }.href()
                }
            };
            let finished = move || done() >= steps;
            view! {
                <li class="lesson-card" class:finished=finished.clone() data-testid="lesson-card">
                    <span class="lesson-number" aria-hidden="true">{index + 1}</span>
                    <div>
                        <a href=resume data-testid=format!("lesson-link-{id}")><strong>{lesson.title.clone()}</strong></a>
                        <p>{lesson.summary.clone()}</p>
                        <p class="lesson-meta" data-testid=format!("lesson-progress-{id}")>
                            {format!("about {} min · ", lesson.minutes)}
                            {move || match done_text() {
                                0 => format!("{steps} steps"),
                                n if n >= steps => format!("all {steps} steps done ✓"),
                                n => format!("{n} of {steps} steps done"),
                            }}
                        </p>
                    </div>
                </li>
            }
        })
        .collect_view();

    view! {
        <section class="page" data-testid="lesson-list">
            <h1>"Learn event-driven architecture by breaking a shop"</h1>
            <p class="lead">
                "The same online shop runs twice, side by side: once as a chain of synchronous calls, once as services reacting to events on a log. Below, its Payment service goes down in both."
            </p>
            <p class="start">
                {first_lesson.map(|href| view! { <a class="button primary" href=href data-testid="start-lesson-1">"Start lesson 1"</a> })}
                " "<a class="button" href="#/sandbox">"Open the sandbox"</a>
            </p>
            <crate::components::LandingDemo />
            <p class="muted">{format!("{lesson_count} lessons, about {} hours in all. Each hands you one idea, asks what you expect, and lets you break things to find out. Your progress stays in this browser.", (f64::from(total_minutes) / 60.0).round().max(1.0))}</p>
            <ol class="lesson-cards">{items}</ol>
            <p><a href="#/sandbox">"Or go straight to the free sandbox →"</a></p>
            <ProgressFile />
            <CustomLesson />
        </section>
    }
}

#[component]
fn ProgressFile() -> impl IntoView {
    let library = expect_context::<Library>();
    let message = RwSignal::new(None::<(bool, String)>);
    let export = move |_| {
        download_text(
            "sync-or-stream-progress.json",
            "application/json",
            &library.progress.with_untracked(Progress::to_json),
        )
    };
    let import = move |event: leptos::ev::Event| {
        read_chosen_file(
            &event,
            64 * 1024,
            move |name, text| match Progress::from_json(&text) {
                Ok(progress) => {
                    library.progress.set(progress);
                    message.set(Some((true, format!("Progress loaded from {name}."))));
                }
                Err(error) => message.set(Some((
                    false,
                    format!("{name}: {error}. Your current progress is unchanged."),
                ))),
            },
            move |error| message.set(Some((false, error))),
        );
    };
    view! {
        <section class="panel" data-testid="progress-file">
            <h2>"Your progress"</h2>
            <p class="muted">"Take it to another browser: save it as a file here, load it there."</p>
            <div class="button-row">
                <button type="button" on:click=export data-testid="progress-export">"Save progress file"</button>
                <label class="file-button">
                    "Load progress file…"
                    <input type="file" accept=".json,application/json" on:change=import data-testid="progress-import" />
                </label>
            </div>
            {move || message.get().map(|(ok, text)| view! {
                <p class=if ok { "notice" } else { "problems" } role="status" data-testid="progress-message">{text}</p>
            })}
        </section>
    }
}

/// Authors try a lesson file before adding it to the curriculum.
#[component]
fn CustomLesson() -> impl IntoView {
    let library = expect_context::<Library>();
    let problems = RwSignal::new(Vec::<String>::new());
    let reading = RwSignal::new(false);
    let open = move |event: leptos::ev::Event| {
        read_chosen_file(
            &event,
            MAX_LESSON_BYTES,
            move |name, text| {
                reading.set(true);
                leptos::task::spawn_local(async move {
                    let answer = super::parser::parse(&name, &text).await;
                    reading.set(false);
                    match answer {
                        Ok(lessons::compiled::Parsed::Lesson(lesson)) => {
                            problems.set(Vec::new());
                            library.custom.set(Some(*lesson));
                            let _ = window().location().set_hash(
                                &Route::Lesson {
                                    id: CUSTOM_ID.into(),
                                    step: 1,
                                }
                                .href(),
                            );
                        }
                        Ok(lessons::compiled::Parsed::Problems(found)) => problems.set(found),
                        Err(error) => problems.set(vec![error]),
                    }
                });
            },
            move |error| problems.set(vec![error]),
        );
    };
    view! {
        <section class="panel" data-testid="custom-lesson">
            <h2>"Try your own lesson"</h2>
            <p class="muted">"Writing a lesson? Open its file to play it here; problems are listed with their line. The format is described in lessons/README.md."</p>
            <label class="file-button">
                "Open a lesson file…"
                <input type="file" accept=".toml,text/plain" on:change=open data-testid="custom-lesson-file" />
            </label>
            {crate::hooks::shown_when(move || reading.get(), move || view! {
                <p class="muted" role="status" data-testid="custom-lesson-reading">"Reading the lesson file…"</p>
            })}
            {crate::hooks::shown_when(move || !problems.with(Vec::is_empty), move || view! {
                <div class="problems" role="alert" data-testid="custom-lesson-errors">
                    <p>"This lesson could not be opened:"</p>
                    <ul>{move || problems.get().into_iter().map(|p| view! { <li><code>{p}</code></li> }).collect_view()}</ul>
                </div>
            })}
        </section>
    }
}
