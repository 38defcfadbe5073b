use leptos::prelude::*;

#[component]
pub fn LessonPage(id: String, step: usize) -> impl IntoView {
    match lessons::outline(&id) {
        Some(lesson) => view! {
            <section class="page" data-testid="lesson-page">
                <p class="eyebrow">"Lesson · step " {step}</p>
                <h1>{lesson.title}</h1>
                <p class="lead">{lesson.idea}</p>
                <p class="notice" data-testid="coming">"This lesson is coming in this build: its steps, predictions and goals checked by the simulator are being written."</p>
                <a href="#/">"Back to the lessons"</a>
            </section>
        }
        .into_any(),
        None => view! { <super::NotFound path=format!("lesson/{id}") /> }.into_any(),
    }
}
