//! In-browser tests of the app (wasm-bindgen-test in headless Chromium).

use std::time::Duration;

use app::route::Route;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn route(hash: &str) -> Route {
    Route::from_hash(hash)
}

#[wasm_bindgen_test]
fn routes_parse_from_the_fragment() {
    assert_eq!(route(""), Route::Lessons);
    assert_eq!(route("#/"), Route::Lessons);
    assert_eq!(route("#/sandbox/"), Route::Sandbox);
    assert_eq!(route("#/lesson/delivered-twice"), Route::Lesson { id: "delivered-twice".into(), step: 1 });
    assert_eq!(route("#/lesson/delivered-twice/3"), Route::Lesson { id: "delivered-twice".into(), step: 3 });
    assert_eq!(route("#/lesson/delivered-twice/0"), Route::NotFound("lesson/delivered-twice/0".into()));
    assert_eq!(route("#/lesson/x/99999999999999999999"), Route::NotFound("lesson/x/99999999999999999999".into()));
    assert_eq!(route("#/lesson/<script>/1"), Route::NotFound("lesson/<script>/1".into()));
    for example in [Route::Lessons, Route::Sandbox, Route::Lesson { id: "the-chain".into(), step: 2 }] {
        assert_eq!(route(&example.href()), example);
    }
    let long = format!("#/{}", "x".repeat(10_000));
    let Route::NotFound(shown) = route(&long) else { panic!("a long unknown path is not found") };
    assert!(shown.len() <= 200, "unknown paths are shortened before they are shown");
}

async fn settle() {
    gloo_timers::future::sleep(Duration::from_millis(50)).await;
}

#[wasm_bindgen_test]
async fn the_shell_follows_the_fragment() {
    let window = web_sys::window().unwrap();
    window.location().set_hash("#/").unwrap();
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let _mounted = leptos::mount::mount_to(host.clone().unchecked_into(), app::App);
    settle().await;
    assert!(host.query_selector("[data-testid=lesson-list]").unwrap().is_some());
    assert!(host.text_content().unwrap().contains(lessons::CURRICULUM[0].title));

    window.location().set_hash("#/sandbox").unwrap();
    settle().await;
    assert!(host.query_selector("[data-testid=sandbox]").unwrap().is_some());
    let current = host.query_selector("[aria-current=page]").unwrap().unwrap();
    assert_eq!(current.get_attribute("data-testid").as_deref(), Some("nav-sandbox"));

    window.location().set_hash("#/lesson/nope/1").unwrap();
    settle().await;
    assert!(host.query_selector("[data-testid=not-found]").unwrap().is_some());
}
