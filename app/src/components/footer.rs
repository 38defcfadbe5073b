use leptos::prelude::*;

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer" data-testid="footer">
            <span data-testid="version">"Sync or Stream v" {env!("CARGO_PKG_VERSION")}</span>
            <span>"Runs entirely in your browser: no server, no tracking."</span>
        </footer>
    }
}
