use leptos::prelude::*;

use crate::route::Route;

#[component]
pub fn Header(route: ReadSignal<Route>) -> impl IntoView {
    let current = move |section: Section| {
        let here = match route.get() {
            Route::Lessons | Route::Lesson { .. } => Some(Section::Lessons),
            Route::Sandbox => Some(Section::Sandbox),
            Route::NotFound(_) => None,
        };
        (here == Some(section)).then_some("page")
    };
    view! {
        <header class="site-header" data-testid="header">
            <a class="brand" href="#/">
                <span class="brand-sync">"Sync"</span>
                " or "
                <span class="brand-stream">"Stream"</span>
            </a>
            <nav aria-label="Main" data-testid="nav">
                <a href="#/" data-testid="nav-lessons" aria-current=move || current(Section::Lessons)>"Lessons"</a>
                <a href="#/sandbox" data-testid="nav-sandbox" aria-current=move || current(Section::Sandbox)>"Sandbox"</a>
            </nav>
        </header>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Lessons,
    Sandbox,
}
