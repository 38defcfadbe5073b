use leptos::prelude::*;

#[component]
pub fn Sandbox() -> impl IntoView {
    view! {
        <section class="page" data-testid="sandbox">
            <h1>"Sandbox"</h1>
            <p class="lead">
                "Both shops on the same orders, every fault and lever within reach: take a service down, slow it, flood the shop, deliver events twice or out of order, crash a consumer — and compare the two designs on live charts."
            </p>
            <p class="notice" data-testid="coming">"The sandbox is coming in this build."</p>
        </section>
    }
}
