//! The Sync or Stream user interface: a thin Leptos layer over the `engine` and `lessons` crates.

pub mod charts;
mod components;
mod crash;
pub mod embed;
pub mod files;
mod hooks;
pub mod learning;
pub mod number;
pub mod playground;
pub mod route;
pub mod share;

use leptos::prelude::*;

use components::{Footer, Header, NotFound, Sandbox};
use embed::{Bridge, EmbedOptions};
use learning::{LessonList, LessonPlayer, Library};
use route::Route;

/// Entry point: installs the readable panic report, then mounts the app.
pub fn start() {
    crash::install_panic_hook();
    if let Some(loading) = document().get_element_by_id("loading") {
        loading.remove();
    }
    leptos::mount::mount_to_body(App);
    register_offline_cache();
}

/// Caches the site for offline use after the first visit (see xtask's `sw.js`). Development
/// builds, which reload themselves, get no worker; browsers without one just stay online.
fn register_offline_cache() {
    let development = document()
        .query_selector("script[data-build]")
        .ok()
        .flatten()
        .is_some();
    let navigator = window().navigator();
    let supported =
        web_sys::js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if development || !supported {
        return;
    }
    let registration = navigator.service_worker().register("./sw.js");
    leptos::task::spawn_local(async move {
        if let Err(error) = wasm_bindgen_futures::JsFuture::from(registration).await {
            web_sys::console::warn_2(&"Sync or Stream will not work offline:".into(), &error);
        }
    });
}

#[component]
pub fn App() -> impl IntoView {
    provide_context(Library::new());
    let embed = EmbedOptions::from_search(&window().location().search().unwrap_or_default());
    let embedded = embed.embedded;
    let bridge = Bridge::new(embed);
    provide_context(bridge);
    let (route, set_route) = signal(current_route());
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        set_route.set(current_route())
    });
    on_cleanup(move || listener.remove());
    // Tell the host page we are listening, once the first view is up.
    Effect::new(move |_| {
        let route = route.with_untracked(Route::href);
        bridge.emit(&embed::Event::Ready {
            protocol: embed::PROTOCOL,
            route,
        })
    });
    view! {
        <div class=if embedded { "shell embedded" } else { "shell" } data-testid="shell">
            {(!embedded).then(|| view! {<Header route=route />})}
            <main id="main" class="main" data-testid="main" tabindex="-1">
                {move || match route.get() {
                    Route::Lessons => view! { <LessonList /> }.into_any(),
                    Route::Lesson { id, step } => view! { <LessonPlayer id=id step=step /> }.into_any(),
                    Route::Sandbox => view! { <Sandbox /> }.into_any(),
                    Route::NotFound(path) => view! { <NotFound path=path /> }.into_any(),
                }}
            </main>
            {(!embedded).then(|| view! {<Footer />})}
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
