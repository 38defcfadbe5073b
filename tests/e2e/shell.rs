//! The app shell: it loads at the root and under a sub-path, navigates between routes, and
//! reports bad routes and crashes in the page instead of going blank.

use tests::{Mount, Page, Result, run};

async fn shows_the_shell(page: &Page) -> Result {
    page.open("").await?;
    page.find("shell").await?;
    let version = page.text("version").await?;
    assert_eq!(
        version,
        format!("Sync or Stream v{}", env!("CARGO_PKG_VERSION"))
    );
    let lessons = page
        .client
        .find_all(fantoccini::Locator::Css("[data-testid=lesson-card]"))
        .await?;
    assert_eq!(
        lessons.len(),
        lessons::bundled().len(),
        "the lesson list shows the whole curriculum"
    );

    // The landing page's demo plays by itself: Payment goes down at 5 s, the chain's customers
    // are told no and the event-driven shop keeps accepting.
    let seconds = |text: &str| text.trim_end_matches(" s").parse::<f64>().ok();
    page.wait_for_text("demo-clock", |t| seconds(t).is_some_and(|s| s > 0.0))
        .await?;
    let first_frame = page.eval("return performance.now()").await?;
    println!(
        "BUDGET landing demo: moving {:.0} ms after navigation (first poll that saw it)",
        first_frame.as_f64().unwrap_or(f64::NAN)
    );
    page.wait_for_text_within("demo-phase", |t| t.starts_with("Payment is down"), 20)
        .await?;
    let start = page.find("start-lesson-1").await?.attr("href").await?;
    assert_eq!(
        start.as_deref(),
        Some(format!("#/lesson/{}/1", lessons::bundled()[0].id).as_str()),
        "the landing page leads into lesson 1"
    );

    page.click("nav-sandbox").await?;
    page.find("sandbox").await?;
    let current = page.find("nav-sandbox").await?.attr("aria-current").await?;
    assert_eq!(
        current.as_deref(),
        Some("page"),
        "the sandbox link is marked current"
    );
    assert!(
        page.client
            .current_url()
            .await?
            .as_str()
            .ends_with("#/sandbox")
    );

    page.click("nav-lessons").await?;
    page.find("lesson-list").await?;

    // The web app manifest is linked, served and names the app and an icon that exists.
    let manifest = page
        .eval(
            "return (async () => {
                const link = document.querySelector('link[rel=manifest]');
                const response = await fetch(link.href);
                const manifest = await response.json();
                const icon = await fetch(new URL(manifest.icons[0].src, link.href));
                return [response.headers.get('content-type'), manifest.name, icon.status];
            })();",
        )
        .await?;
    assert_eq!(
        manifest,
        serde_json::json!(["application/manifest+json", "Sync or Stream", 200])
    );
    Ok(())
}

#[test]
fn shell_at_root() -> Result {
    run("shell-root", Mount::Root, async |page| {
        shows_the_shell(page).await?;
        page.screenshot("desktop").await?;
        page.set_size(390, 844).await?;
        page.assert_no_sideways_scroll().await?;
        page.screenshot("phone").await?;
        Ok(())
    })
}

#[test]
fn shell_under_a_sub_path() -> Result {
    run("shell-subpath", Mount::SubPath, async |page| {
        assert!(page.base_url().ends_with("/sync-or-stream/"));
        shows_the_shell(page).await
    })
}

#[test]
fn deep_links_and_unknown_routes() -> Result {
    run("routes", Mount::Root, async |page| {
        page.open("#/lesson/delivered-twice/2").await?;
        page.find("lesson-player").await?;
        let progress = page.text("step-progress").await?;
        assert!(progress.contains("Step 2 of"), "{progress}");
        let title = page.text("step-title").await?;
        let expected = &lessons::bundled()
            .into_iter()
            .find(|l| l.id == "delivered-twice")
            .expect("lesson 7")
            .steps[1]
            .title;
        assert_eq!(&title, expected);

        page.open("#/no/such/page").await?;
        let text = page.text("not-found").await?;
        assert!(text.contains("no/such/page"), "{text}");

        // Markup in a URL is shown as text, never interpreted.
        page.open("#/%3Cimg%20src=x%20onerror=alert(1)%3E").await?;
        let text = page.text("not-found").await?;
        assert!(text.contains("<img"), "{text}");
        let images = page
            .client
            .find_all(fantoccini::Locator::Css("main img"))
            .await?;
        assert!(images.is_empty());
        Ok(())
    })
}

#[test]
fn console_errors_fail_the_test() -> Result {
    // The harness must notice an error logged by the page: a test that cannot fail is no test.
    let outcome = run("console-error", Mount::Root, async |page| {
        page.open("").await?;
        page.find("shell").await?;
        page.eval("console.error('deliberate error from the harness self-test')")
            .await?;
        Ok(())
    });
    let error = outcome
        .expect_err("a console error must fail the run")
        .to_string();
    assert!(
        error.contains("deliberate error from the harness self-test"),
        "{error}"
    );
    Ok(())
}
