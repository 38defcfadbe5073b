//! The Sync or Stream user interface: a thin Leptos layer over the `engine` and `lessons` crates.

pub mod charts;
mod components;
mod crash;
mod hooks;
pub mod playground;
pub mod route;

use leptos::prelude::*;

use components::{Footer, Header, LessonList, LessonPage, NotFound, Sandbox};
use route::Route;

/// Entry point: installs the readable panic report, then mounts the app.
pub fn start() {
    crash::install_panic_hook();
    if let Some(loading) = document().get_element_by_id("loading") {
        loading.remove();
    }
    leptos::mount::mount_to_body(App);
}

#[component]
pub fn App() -> impl IntoView {
    let (route, set_route) = signal(current_route());
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        set_route.set(current_route())
    });
    on_cleanup(move || listener.remove());
    view! {
        <div class="shell" data-testid="shell">
            <Header route=route />
            <main id="main" class="main" data-testid="main" tabindex="-1">
                {move || match route.get() {
                    Route::Lessons => view! { <LessonList /> }.into_any(),
                    Route::Lesson { id, step } => view! { <LessonPage id=id step=step /> }.into_any(),
                    Route::Sandbox => view! { <Sandbox /> }.into_any(),
                    Route::NotFound(path) => view! { <NotFound path=path /> }.into_any(),
                }}
            </main>
            <Footer />
        </div>
    }
}

fn current_route() -> Route {
    let hash = window().location().hash().unwrap_or_default();
    // Browsers keep the fragment percent-encoded; decode it so messages show what was typed.
    let hash = web_sys::js_sys::decode_uri_component(&hash)
        .map(String::from)
        .unwrap_or(hash);
    Route::from_hash(&hash)
}
