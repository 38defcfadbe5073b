use leptos::prelude::*;

#[component]
pub fn NotFound(path: String) -> impl IntoView {
    view! {
        <section class="page" data-testid="not-found">
            <h1>"Nothing here"</h1>
            <p>"There is no page at " <code>{path}</code> "."</p>
            <a href="#/">"Go to the lessons"</a>
        </section>
    }
}
