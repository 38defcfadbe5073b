use leptos::prelude::*;

use crate::route::Route;

#[component]
pub fn LessonList() -> impl IntoView {
    view! {
        <section class="page" data-testid="lesson-list">
            <h1>"Learn event-driven architecture by breaking a shop"</h1>
            <p class="lead">
                "The same online shop runs twice, side by side: once as a chain of synchronous calls, once as services reacting to events on a log. Each lesson hands you one idea, asks what you expect, and lets you break things to find out."
            </p>
            <p class="notice" data-testid="coming">"The lessons are coming in this build. Here is the path they will take."</p>
            <ol class="outline">
                {lessons::CURRICULUM
                    .iter()
                    .map(|lesson| {
                        let href = Route::Lesson { id: lesson.id.to_string(), step: 1 }.href();
                        view! {
                            <li data-testid="outline-lesson">
                                <a href=href>{lesson.title}</a>
                                <p>{lesson.idea}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}
