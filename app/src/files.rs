//! Files in and out of the page: downloads made from text, and the text of a chosen file.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Offers `content` as a file download.
pub fn download_text(file_name: &str, mime: &str, content: &str) {
    let parts = web_sys::js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(content));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    download_data_url(file_name, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
}

pub fn download_data_url(file_name: &str, url: &str) {
    let Ok(link) = document().create_element("a") else {
        return;
    };
    let _ = link.set_attribute("href", url);
    let _ = link.set_attribute("download", file_name);
    if let Ok(link) = link.dyn_into::<web_sys::HtmlElement>() {
        link.click();
    }
}

/// Reads the file chosen in the `<input type=file>` that fired `event`: `on_text(name, text)`,
/// or `on_error(message)` when it is too big or unreadable. The input is cleared so choosing
/// the same file again fires again.
pub fn read_chosen_file(
    event: &leptos::ev::Event,
    max_bytes: usize,
    on_text: impl FnOnce(String, String) + 'static,
    on_error: impl FnOnce(String) + 'static,
) {
    let Some(input) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    input.set_value("");
    let name = file.name();
    if file.size() > max_bytes as f64 {
        on_error(format!(
            "{name}: the file is {:.0} KB; at most {} KB is accepted",
            file.size() / 1024.0,
            max_bytes / 1024
        ));
        return;
    }
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(text) => on_text(name, text.as_string().unwrap_or_default()),
            Err(_) => on_error(format!("{name}: the file could not be read")),
        }
    });
}

/// The text of a file of this site, by its path relative to the page.
pub async fn fetch_text(path: &str) -> Result<String, String> {
    use wasm_bindgen_futures::JsFuture;
    let response = JsFuture::from(web_sys::window().ok_or("no window")?.fetch_with_str(path))
        .await
        .map_err(|_| format!("{path}: the network is unreachable"))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| format!("{path}: not an HTTP response"))?;
    if !response.ok() {
        return Err(format!("{path}: HTTP {}", response.status()));
    }
    let text = response
        .text()
        .map_err(|_| format!("{path}: the response has no text"))?;
    JsFuture::from(text)
        .await
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| format!("{path}: the response could not be read"))
}
