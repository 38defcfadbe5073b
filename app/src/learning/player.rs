//! One lesson step: its text beside the playground (showing only the step's controls), a
//! prediction locked in before the run, the goal's live status, hints, and Back/Next.

use leptos::prelude::*;
use lessons::{GoalStatus, Lesson, Step};

use super::{CUSTOM_ID, Library, Loading};
use crate::playground::{GoalBadge, Playground, PlaygroundOptions, PlaygroundView, Visible};
use crate::route::Route;

thread_local! {
    /// The playback speed last chosen in a lesson.
    static LESSON_SPEED: std::cell::Cell<f64> = const { std::cell::Cell::new(1.0) };
}

/// A lesson step, once its lesson is here: bundled lessons are fetched the first time they are
/// opened (and kept by the offline cache).
#[component]
pub fn LessonPlayer(id: String, step: usize) -> impl IntoView {
    let library = expect_context::<Library>();
    let loading = Memo::new({
        let id = id.clone();
        move |_| library.loading(&id)
    });
    move || match (loading.get(), library.lesson(&id)) {
        (Loading::Ready, Some(lesson)) => {
            view! { <StepPage id=id.clone() lesson=lesson step=step /> }.into_any()
        }
        (Loading::Fetching | Loading::Ready, _) => view! {
            <section class="page" data-testid="lesson-loading">
                <p class="muted" role="status">"Loading the lesson…"</p>
            </section>
        }
        .into_any(),
        (Loading::Failed(error), _) => {
            let id = id.clone();
            view! {
                <section class="page" data-testid="lesson-failed">
                    <h1>"This lesson did not load"</h1>
                    <p role="alert">{error}</p>
                    <p class="muted">"If the site was updated since this page was opened, reloading brings the current lessons."</p>
                    <div class="button-row">
                        <button type="button" on:click=move |_| library.retry(&id) data-testid="lesson-retry">"Try again"</button>
                        <button type="button" on:click=|_| { let _ = window().location().reload(); } data-testid="lesson-reload">"Reload the page"</button>
                        <a href="#/">"See all lessons"</a>
                    </div>
                </section>
            }
            .into_any()
        }
        (Loading::Unknown, _) => {
            let missing = if id == CUSTOM_ID {
                "No lesson file is open: open one from the lesson list.".to_string()
            } else {
                format!("There is no lesson “{id}”.")
            };
            view! {
                <section class="page" data-testid="not-found">
                    <h1>"Lesson not found"</h1>
                    <p>{missing}</p>
                    <a href="#/">"See all lessons"</a>
                </section>
            }
            .into_any()
        }
    }
}

/// Step `step` of `lesson`, shown under the route's lesson `id` (`custom` for a file).
#[component]
fn StepPage(id: String, lesson: Lesson, step: usize) -> impl IntoView {
    let library = expect_context::<Library>();
    let count = lesson.steps.len();
    let index = step.clamp(1, count.max(1)) - 1;
    let Some(current) = lesson.steps.get(index).cloned() else {
        return view! { <p>"This lesson has no steps."</p> }.into_any();
    };
    if id != CUSTOM_ID {
        library
            .progress
            .update(|p| p.update(&id, |l| l.last_step = index));
    }
    let link = crate::route::fragment_param(&window().location().hash().unwrap_or_default(), "run");
    let playground = Playground::from_link(
        current.scenario_for(lesson.seed),
        lesson.seed,
        link,
        PlaygroundOptions { autoplay: false },
    );
    // The speed a learner chose stays with them from step to step (while the page is open).
    playground.speed.set(LESSON_SPEED.get());
    Effect::new(move |_| LESSON_SPEED.set(playground.speed.get()));
    let mut visible = Visible::only(current.controls.clone(), current.fault_kinds.clone());
    visible.hide_health = current.incident.is_some();
    provide_context(GoalBadge(RwSignal::new(None)));
    // In an incident drill the goal also needs the cause named.
    let diagnosed = current
        .incident
        .is_some()
        .then(|| Diagnosed::of(playground));
    if let Some(diagnosed) = diagnosed {
        provide_context(diagnosed);
    }

    // Arrow keys move between steps unless the learner is typing or choosing.
    let go = {
        let id = id.clone();
        move |to: usize| {
            if (1..=count).contains(&to) {
                let _ = window().location().set_hash(
                    &Route::Lesson {
                        id: id.clone(),
                        step: to,
                    }
                    .href(),
                );
            }
        }
    };
    let keys = {
        let go = go.clone();
        window_event_listener(leptos::ev::keydown, move |event| {
            let typing = event
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
            if typing || event.alt_key() || event.ctrl_key() || event.meta_key() {
                return;
            }
            match event.key().as_str() {
                "ArrowRight" => go(index + 2),
                "ArrowLeft" if index > 0 => go(index),
                _ => {}
            }
        })
    };
    on_cleanup(move || keys.remove());

    let next = library.next_after(&id);
    let embed_text =
        use_context::<crate::embed::Bridge>().is_none_or(|b| b.options().shows("text"));
    view! {
        <div class="lesson-layout" data-testid="lesson-player">
            <article class="lesson-text" hidden=!embed_text class:awaiting=move || playground.locked.with(Option::is_some)>
                <p class="eyebrow">
                    <a href="#/">"Lessons"</a>
                    " · "
                    {lesson.title.clone()}
                </p>
                <StepProgress lesson=lesson.clone() index=index />
                <h1 data-testid="step-title">{current.title.clone()}</h1>
                <div class="markdown" data-testid="step-text" inner_html=current.html.clone()></div>
                <PredictionBox lesson_id=id.clone() index=index step=current.clone() playground=playground />
                {current.incident.clone().zip(diagnosed).map(|(incident, diagnosed)| view! {
                    <DiagnosisBox incident=incident step=current.clone() playground=playground diagnosed=diagnosed />
                })}
                // The goal and the hints would tell what the prediction asks: they wait for it
                // (the article's `awaiting` class hides them, and shows this line instead).
                {(current.goal.is_some() || !current.hints.is_empty()).then(|| view! {
                    <p class="muted after-prediction" data-testid="goal-after-prediction">"The goal and the hints appear once your prediction is locked in."</p>
                })}
                <GoalBox lesson_id=id.clone() index=index step=current.clone() playground=playground />
                <Hints hints=current.hints.clone() />
                {(index + 1 == count).then(|| view! { <Finish next=next.clone() /> })}
                <nav class="step-nav" aria-label="Steps">
                    <a
                        class="button"
                        href=Route::Lesson { id: id.clone(), step: index.max(1) }.href()
                        aria-disabled=(index == 0).to_string()
                        data-testid="step-back"
                    >"← Back"</a>
                    <span class="muted">{format!("{} / {count}", index + 1)}</span>
                    <a
                        class="button primary"
                        href=Route::Lesson { id: id.clone(), step: (index + 2).min(count) }.href()
                        aria-disabled=(index + 1 == count).to_string()
                        data-testid="step-next"
                    >"Next →"</a>
                </nav>
            </article>
            <div class="lesson-playground">
                <PlaygroundView playground=playground visible=visible />
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn StepProgress(lesson: Lesson, index: usize) -> impl IntoView {
    let library = expect_context::<Library>();
    let id = lesson.id.clone();
    let count = lesson.steps.len();
    let dots = lesson
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let id = id.clone();
            let done = move || library.progress.with(|p| p.lesson(&id).steps_done.contains(&i));
            let class = move || format!("step-dot{}{}", if i == index { " current" } else { "" }, if done() { " done" } else { "" });
            view! {
                <li class=class>
                    <a href=Route::Lesson { id: lesson.id.clone(), step: i + 1 }.href() aria-current=(i == index).then_some("step") title=step.title.clone()>
                        <span class="sr-only">{format!("Step {}: {}", i + 1, step.title)}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="step-progress" data-testid="step-progress">
            <span>{format!("Step {} of {count}", index + 1)}</span>
            <ol class="step-dots">{dots}</ol>
        </div>
    }
}

/// Multiple choice, locked in before the run may start. The run then shows what happens, and
/// the answer with every choice's explanation is revealed once the run reaches the moment that
/// shows it (`reveal_at`), or earlier if the learner asks: predict, watch, then explain.
#[component]
fn PredictionBox(
    lesson_id: String,
    index: usize,
    step: Step,
    playground: Playground,
) -> impl IntoView {
    let library = expect_context::<Library>();
    let Some(prediction) = step.prediction.clone() else {
        return ().into_any();
    };
    let stored = {
        let id = lesson_id.clone();
        library
            .progress
            .with_untracked(|p| p.lesson(&id).predictions.get(&index).copied())
    };
    let locked_in = RwSignal::new(stored);
    let chosen = RwSignal::new(stored);
    if stored.is_none() {
        playground.locked.set(Some(
            "Make your prediction first: the run starts once your answer is locked in.".into(),
        ));
    }
    let lock = {
        let id = lesson_id.clone();
        move |_| {
            if let Some(choice) = chosen.get_untracked() {
                locked_in.set(Some(choice));
                // The reminder to predict first has done its job, if it was showing.
                if let Some(reason) = playground.locked.get_untracked() {
                    playground.take_down(&reason);
                }
                playground.locked.set(None);
                // The next thing to do is to play: keyboard focus goes there.
                crate::playground::focus_first("[data-testid=play]");
                if id != CUSTOM_ID {
                    library.progress.update(|p| {
                        p.update(&id, |l| {
                            l.predictions.insert(index, choice);
                        })
                    });
                }
            }
        }
    };
    let name = format!("prediction-{index}");
    let answer = prediction.answer;
    let reveal_at = prediction.reveal_at;
    let revealed = RwSignal::new(false);
    Effect::new(move |_: Option<()>| {
        playground.ticker.track();
        if locked_in.get().is_some()
            && !revealed.get_untracked()
            && playground.with_run(|run| run.now() >= reveal_at)
        {
            revealed.set(true);
        }
    });
    let choices = prediction
        .choices
        .iter()
        .enumerate()
        .map(|(i, choice)| {
            let explain = choice.explain_html.clone();
            let verdict = move || {
                locked_in.get().filter(|_| revealed.get()).map(|mine| {
                    // The explanation says whether it is right ("Right. …").
                    let label = match (i == answer, i == mine) {
                        (true, false) => "The right answer: ",
                        (_, true) => "Your answer: ",
                        (false, false) => "",
                    };
                    view! { <p class="explain" class:right=i == answer><strong>{label}</strong><span inner_html=explain.clone()></span></p> }
                })
            };
            view! {
                <li>
                    <label class="choice">
                        <input
                            type="radio"
                            name=name.clone()
                            value=i.to_string()
                            data-testid=format!("choice-{i}")
                            prop:checked=move || chosen.get() == Some(i)
                            disabled=move || locked_in.get().is_some()
                            on:change=move |_| chosen.set(Some(i))
                        />
                        <span>{choice.text.clone()}</span>
                    </label>
                    {verdict}
                </li>
            }
        })
        .collect_view();
    view! {
        <fieldset class="prediction" data-testid="prediction">
            <legend>"Predict: " {prediction.question.clone()}</legend>
            <ul class="choices">{choices}</ul>
            {crate::hooks::shown_when(move || locked_in.get().is_none(), move || view! {
                <button type="button" class="primary" data-testid="lock-in" disabled=move || chosen.get().is_none() on:click=lock.clone()>
                    "Lock in my answer"
                </button>
            })}
            {crate::hooks::shown_when(move || locked_in.get().is_some() && !revealed.get(), move || view! {
                <p class="muted" data-testid="prediction-waiting">
                    {format!("Locked in. Now watch the run: the answer is revealed when it reaches {} s.", reveal_at.as_secs_f64())}
                </p>
                <button type="button" data-testid="reveal" on:click=move |_| revealed.set(true)>
                    "Show me the answer now"
                </button>
            })}
            {move || revealed.get().then(|| locked_in.get().map(|mine| view! {
                <p class="verdict" data-testid="prediction-verdict">
                    <strong>{if mine == answer { "You predicted it. " } else { "Not what you predicted. " }}</strong>
                    "Compare each explanation above with what the run showed."
                </p>
            }))}
        </fieldset>
    }
    .into_any()
}

/// Whether the learner has named an incident's cause correctly (in a drill step): read from
/// the run, whose timeline then holds the repair (healing everything; a drill offers no other
/// heal). Rewinding before the repair or resetting the run undoes it, as it undoes the repair.
#[derive(Clone, Copy)]
struct Diagnosed(Memo<bool>);

impl Diagnosed {
    fn of(playground: Playground) -> Diagnosed {
        Diagnosed(Memo::new(move |_| {
            playground.ticker.track();
            playground.with_run(|run| {
                run.applied()
                    .iter()
                    .any(|a| matches!(a.action, engine::ControlAction::Heal { target: None }))
            })
        }))
    }
}

/// An incident drill: the learner names what broke; the run's seed decides which cause is
/// right. Named correctly, the fault is repaired at once (every fault healed) and the shop must
/// recover; another incident starts the step again with the next seed, which picks another
/// cause.
#[component]
fn DiagnosisBox(
    incident: lessons::Incident,
    step: Step,
    playground: Playground,
    diagnosed: Diagnosed,
) -> impl IntoView {
    let Diagnosed(diagnosed) = diagnosed;
    let chosen = RwSignal::new(None::<usize>);
    // The last answer checked and what to say of it; a right one is shown only while its
    // repair stands (not after a reset or a rewind before it).
    let verdict = RwSignal::new(None::<String>);
    let verdict_right = StoredValue::new(false);
    let incident = StoredValue::new(incident);
    let check = move |_| {
        let Some(choice) = chosen.get_untracked() else {
            return;
        };
        let (seed, at, broken) = playground.with_run(|run| {
            let now = run.now();
            let broken = run.faults().iter().any(|w| w.healed_by(None, now));
            (run.seed(), now.as_secs_f64(), broken)
        });
        if !broken {
            // Said whatever the choice, so that it gives nothing away.
            verdict_right.set_value(false);
            verdict.set(Some(
                "Nothing has broken yet: play until the shop shows a symptom, then name its cause."
                    .into(),
            ));
            return;
        }
        let (right, explain) = incident.with_value(|i| {
            (
                i.is_cause(seed, choice),
                i.causes[choice].explain_html.clone(),
            )
        });
        if !right {
            verdict_right.set_value(false);
            verdict.set(Some(format!(
                "Not this one: had it been, you would see this. {explain}"
            )));
        } else if playground.apply(engine::ControlAction::Heal { target: None }) {
            verdict_right.set_value(true);
            verdict.set(Some(format!(
                "Right. {explain} Repaired at {at:.1} s: now watch the shop recover."
            )));
        }
    };
    let another = move |_| {
        let seed = playground.with_run(|run| run.seed()) + 1;
        playground.load(step.scenario_for(seed), seed);
        chosen.set(None);
        verdict.set(None);
    };
    let choices = incident.with_value(|i| {
        i.causes
            .iter()
            .enumerate()
            .map(|(index, cause)| {
                view! {
                    <li><label class="choice">
                        <input type="radio" name="incident-cause" data-testid=format!("cause-{index}")
                            prop:checked=move || chosen.get() == Some(index)
                            on:change=move |_| chosen.set(Some(index)) />
                        <span>{cause.text.clone()}</span>
                    </label></li>
                }
            })
            .collect_view()
    });
    view! {
        <section class="prediction" data-testid="incident">
            <h2>{incident.with_value(|i| i.question.clone())}</h2>
            <ul class="choices">{choices}</ul>
            <div class="button-row">
                <button type="button" class="primary" data-testid="diagnose"
                    disabled=move || chosen.get().is_none() || diagnosed.get()
                    on:click=check>"Check my answer"</button>
                <button type="button" data-testid="another-incident" on:click=another>"Another incident"</button>
            </div>
            // Markup: our own words around the lesson's explanation, rendered safe when parsed.
            <p class="explain" data-testid="diagnosis-verdict" inner_html=move || verdict.get().filter(|_| !verdict_right.get_value() || diagnosed.get()).unwrap_or_default()>
            </p>
        </section>
    }
}

/// The goal in a few words for the bar above the run: met, holding until it is judged, or how
/// many checks are missing.
fn badge_text(status: &GoalStatus, judged_at: engine::SimTime, over: bool) -> String {
    let missing = status.checks.iter().filter(|check| !check.met).count();
    if status.met {
        "Goal met ✓".into()
    } else if over {
        "Goal missed · Reset to try again".into()
    } else if status.holding {
        format!(
            "Goal holds so far · judged at {} s",
            judged_at.as_secs_f64()
        )
    } else {
        format!("Goal: {missing} of {} to go", status.checks.len())
    }
}

/// What the step asks for, checked by the engine as the run goes. The goal is judged when the
/// run reaches the step's moment (`check_at_s`); met then is done.
#[component]
fn GoalBox(lesson_id: String, index: usize, step: Step, playground: Playground) -> impl IntoView {
    let library = expect_context::<Library>();
    let Some(goal) = step.goal.clone() else {
        // A step without a goal is done once it has been seen.
        if lesson_id != CUSTOM_ID {
            library.progress.update(|p| {
                p.update(&lesson_id, |l| {
                    l.steps_done.insert(index);
                })
            });
        }
        return ().into_any();
    };
    let status = RwSignal::new(None::<GoalStatus>);
    // The run has passed the moment the goal is judged at: not met by then is missed.
    let over = RwSignal::new(false);
    let badge = use_context::<GoalBadge>();
    let diagnosed = use_context::<Diagnosed>();
    let met_once = RwSignal::new(
        library
            .progress
            .with_untracked(|p| p.lesson(&lesson_id).steps_done.contains(&index)),
    );
    let bridge = use_context::<crate::embed::Bridge>();
    // The host page hears of each change of the goal's status, and once when this run meets it.
    let last_sent = StoredValue::new(None::<bool>);
    let judged_at = step.check_at;
    let evaluate = {
        let goal = goal.clone();
        move |_: Option<()>| {
            playground.ticker.track();
            let (mut now, past) = playground.with_run(|run| {
                (goal.evaluate(run.comparison(), judged_at), run.now() >= judged_at)
            });
            over.set(past);
            // A drill is met only once its cause has been named as well.
            if let Some(Diagnosed(named)) = diagnosed {
                let named = named.get();
                now.met &= named;
                now.holding &= named;
                now.checks.push(lessons::CheckStatus {
                    text: "the cause is named (above)".into(),
                    met: named,
                    actual: None,
                });
            }
            if let Some(bridge) = bridge
                && last_sent.get_value() != Some(now.met)
            {
                last_sent.set_value(Some(now.met));
                let missing = now
                    .checks
                    .iter()
                    .filter(|c| !c.met)
                    .map(|c| c.text.clone())
                    .collect();
                bridge.emit(&crate::embed::Event::Goal {
                    lesson: lesson_id.clone(),
                    step: index + 1,
                    met: now.met,
                    missing,
                });
                if now.met {
                    bridge.emit(&crate::embed::Event::StepCompleted {
                        lesson: lesson_id.clone(),
                        step: index + 1,
                    });
                }
            }
            if now.met && !met_once.get_untracked() {
                met_once.set(true);
                if lesson_id != CUSTOM_ID {
                    library.progress.update(|p| {
                        p.update(&lesson_id, |l| {
                            l.steps_done.insert(index);
                        })
                    });
                }
            }
            if let Some(GoalBadge(line)) = badge {
                let waiting = playground.locked.with(Option::is_some);
                line.set((!waiting).then(|| (now.met, badge_text(&now, judged_at, past))));
            }
            status.set(Some(now));
        }
    };
    Effect::new(evaluate);
    view! {
        <section class="goal" id="goal" class:met=move || status.with(|s| s.as_ref().is_some_and(|s| s.met)) data-testid="goal" aria-live="polite">
            <h2>"Goal"</h2>
            <p>{goal.description.clone()}</p>
            <ul class="checks" data-testid="goal-checks">
                {move || status.get().map(|s| s.checks.into_iter().map(|check| view! {
                    <li class:met=check.met>
                        <span aria-hidden="true">{if check.met { "✓ " } else { "✗ " }}</span>
                        <span class="sr-only">{if check.met { "met: " } else { "not yet: " }}</span>
                        {check.text}
                    </li>
                }).collect_view())}
            </ul>
            <p class="goal-status" data-testid="goal-status">
                {move || match (status.with(|s| s.as_ref().map(|s| (s.met, s.holding))), met_once.get()) {
                    (Some((true, _)), _) => "Goal met ✓".to_string(),
                    (_, true) => "You met this goal before; the current run does not (yet).".to_string(),
                    _ if over.get() => format!(
                        "Missed: the run reached {} s without meeting the goal. Reset, or rewind to before it, and try again.",
                        judged_at.as_secs_f64()
                    ),
                    (Some((false, true)), _) => format!(
                        "So far every check holds; the goal is judged when the run reaches {} s.",
                        judged_at.as_secs_f64()
                    ),
                    _ => "Not met yet: the checks marked ✗ are still missing.".to_string(),
                }}
            </p>
        </section>
    }
    .into_any()
}

#[component]
fn Hints(hints: Vec<String>) -> impl IntoView {
    let shown = RwSignal::new(0usize);
    let count = hints.len();
    if count == 0 {
        return ().into_any();
    }
    view! {
        <section class="hints" data-testid="hints">
            <ul>
                {hints.into_iter().enumerate().map(|(i, hint)| view! {
                    {crate::hooks::shown_when(move || { shown.get() > i }, move || view! {<li>{hint.clone()}</li>})}
                }).collect_view()}
            </ul>
            {crate::hooks::shown_when(move || { shown.get() < count }, move || view! {
                <button type="button" data-testid="show-hint" on:click=move |_| shown.update(|n| *n += 1)>
                    {move || if shown.get() == 0 { "Show a hint".to_string() } else { format!("Another hint ({} left)", count - shown.get()) }}
                </button>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn Finish(next: Option<(String, String)>) -> impl IntoView {
    view! {
        <section class="finish" data-testid="lesson-finish">
            <h2>"End of the lesson"</h2>
            <p>"Keep experimenting in the free sandbox, where every fault and lever is available."</p>
            <p class="button-row">
                <a class="button" href="#/sandbox" data-testid="to-sandbox">"Open the sandbox"</a>
                {next.map(|(id, title)| view! {
                    <a class="button primary" href=Route::Lesson { id, step: 1 }.href()>{format!("Next lesson: {title}")}</a>
                })}
            </p>
        </section>
    }
}
