use leptos::prelude::*;

use crate::playground::{Playground, PlaygroundOptions, PlaygroundView, Visible};

/// The bundled calm shop, named `name`: the start of the sandbox and of the landing demo.
pub fn shop_scenario(name: &str) -> engine::Scenario {
    let mut scenario =
        engine::Scenario::from_json(include_str!("../../../engine/scenarios/shop.json"))
            .expect("the bundled shop scenario is valid (checked by the engine's scenario tests)");
    scenario.name = name.into();
    scenario
}

/// The free sandbox: the whole shop, ten minutes of simulated time, nothing broken yet.
pub fn sandbox_scenario() -> engine::Scenario {
    let mut scenario = shop_scenario("sandbox");
    scenario.duration_s = 600.0;
    scenario
}

#[component]
pub fn Sandbox() -> impl IntoView {
    let scenario = sandbox_scenario();
    let seed = scenario.seed;
    let link = crate::route::fragment_param(&window().location().hash().unwrap_or_default(), "run");
    let playground =
        Playground::from_link(scenario, seed, link, PlaygroundOptions { autoplay: false });
    view! {
        <section class="page sandbox-page" data-testid="sandbox">
            <h1>"Sandbox"</h1>
            <p class="lead">
                "Both shops take the same orders. Press Play, then break something: click a service to target it, pick a fault and apply it, and compare how the two designs cope."
            </p>
            <PlaygroundView playground=playground visible=Visible::everything() />
        </section>
    }
}
