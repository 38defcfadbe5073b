//! A panic must never leave a blank page: besides the console report, show what happened and
//! how to get going again.

use wasm_bindgen::JsCast;

pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_crash(&info.to_string());
    }));
}

fn show_crash(details: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    let element = |tag: &str, text: &str| {
        let element = document.create_element(tag).ok()?;
        element.set_text_content(Some(text));
        Some(element)
    };
    let (Some(panel), Some(title), Some(advice), Some(pre), Some(reload)) = (
        element("section", ""),
        element("h2", "Sync or Stream stopped working"),
        element(
            "p",
            "Something inside the playground failed. Reloading the page starts again; if it keeps happening, please report it with the details below.",
        ),
        element("pre", details),
        element("a", "Reload the page"),
    ) else {
        return;
    };
    let _ = panel.set_attribute("role", "alert");
    let _ = panel.set_attribute("class", "crash");
    let _ = panel.set_attribute("data-testid", "crash");
    let _ = reload.set_attribute("href", "");
    for child in [&title, &advice, &pre, &reload] {
        let _ = panel.append_child(child);
    }
    let _ = body.prepend_with_node_1(&panel);
    if let Ok(panel) = panel.dyn_into::<web_sys::HtmlElement>() {
        let _ = panel.focus();
    }
}
