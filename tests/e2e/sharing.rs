//! Sharing and embedding as a trainer uses them: a link replays the same run in a fresh
//! browser, hostile links are refused with a message, a host page drives an embedded lesson
//! over postMessage, and the site works offline after the first visit.

use std::time::{Duration, Instant};

use serde_json::json;
use tests::{Mount, Page, Result, link_payload, parse_clock, run};

async fn wait_for_clock_at_least(page: &Page, seconds: f64) -> Result {
    page.wait_for_text("clock", |t| parse_clock(t).is_some_and(|s| s >= seconds))
        .await?;
    Ok(())
}

#[test]
fn a_shared_link_replays_the_same_run_in_a_fresh_browser() -> Result {
    let mut shared = None;
    run("share-from", Mount::Root, async |page| {
        page.open("#/sandbox").await?;
        page.set_value("speed", "10").await?;
        page.click("play").await?;
        wait_for_clock_at_least(page, 4.0).await?;
        page.click("node-payment").await?;
        page.set_value("fault-kind", "0").await?;
        page.click("fault-apply").await?;
        wait_for_clock_at_least(page, 9.0).await?;
        page.click("play").await?;
        page.set_value("arrival-rate", "300").await?;
        page.click("copy-link").await?;
        let link = page
            .find("share-link")
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        // Let the charts catch up with the last change before reading them.
        tokio::time::sleep(Duration::from_millis(600)).await;
        shared = Some((
            link.clone(),
            page.text("clock").await?,
            page.chart_summaries().await?,
        ));
        let embed = {
            page.click("copy-embed").await?;
            page.find("embed-code")
                .await?
                .prop("value")
                .await?
                .unwrap_or_default()
        };
        assert!(
            embed.starts_with("<iframe src=\"") && embed.contains("?embed#/sandbox?run="),
            "{embed}"
        );
        println!(
            "BUDGET typical shared link (fault + setting at ~10 s): {} characters",
            link.len()
        );
        Ok(())
    })?;
    let (link, clock, before) = shared.expect("the first browser produced a link");
    let path = link.splitn(4, '/').nth(3).unwrap_or_default().to_string();
    run("share-to", Mount::Root, async |page| {
        page.client
            .goto(&format!("{}{}", page.base_url(), path))
            .await?;
        page.find("playground").await?;
        // The link replays to its moment (in slices, so the page answers meanwhile).
        page.wait_for_text("clock", |t| t == clock)
            .await
            .map_err(|e| format!("the link reaches the same moment: {e}"))?;
        page.wait_for_text("chart-correctness-summary", |t| t.contains("at "))
            .await?;
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(
            page.chart_summaries().await?,
            before,
            "every chart tells the same story"
        );
        assert!(page.text("active-faults").await?.contains("Payment outage"));
        Ok(())
    })
}

#[test]
fn hostile_links_are_refused_and_the_page_still_works() -> Result {
    run("hostile-links", Mount::Root, async |page| {
        let script = json!({"v": 1, "s": 1, "t": 0, "a": [{"at": 0, "action": {"action": "<script>window.__pwned=1</script>"}}]});
        let payload = link_payload(&script);
        for (fragment, expected) in [
            ("#/sandbox?run=%%%not-base64%%%".to_string(), "damaged"),
            (format!("#/sandbox?run={}", "A".repeat(40_000)), "at most"),
            (format!("#/sandbox?run={payload}"), "not readable"),
            (
                format!(
                    "#/sandbox?run={}",
                    link_payload(&json!({"v": 9, "s": 1, "t": 0}))
                ),
                "another version",
            ),
            (
                format!(
                    "#/sandbox?run={}",
                    link_payload(&json!({"v": 1, "s": 1, "t": 0, "c": {"duration_s": -1}}))
                ),
                "duration_s",
            ),
        ] {
            page.open(&fragment).await?;
            let error = page.text("notice-error").await?;
            assert!(error.contains(expected), "{fragment:.60}: {error}");
        }
        let pwned = page.eval("return window.__pwned === undefined;").await?;
        assert_eq!(pwned, json!(true));
        // The usual run is there and plays.
        page.click("play").await?;
        wait_for_clock_at_least(page, 0.5).await?;
        Ok(())
    })
}

#[test]
fn a_host_page_drives_an_embedded_lesson() -> Result {
    let lesson = lessons::bundled()
        .into_iter()
        .find(|l| l.id == "delivered-twice")
        .expect("lesson 7");
    let step = lesson
        .steps
        .iter()
        .position(|s| s.goal.is_some())
        .expect("lesson 7 has a goal")
        + 1;
    run("embed-host", Mount::SubPath, async |page| {
        page.open("embed-example.html").await?;
        page.wait_for_text_within("host-log", |t| t.contains("\"type\":\"ready\""), 20)
            .await?;
        page.set_value("step", &step.to_string()).await?;
        // Commands sent at once, while the lesson is still being fetched, wait for it.
        page.click("host-goto").await?;
        page.click("host-idempotency").await?;
        page.click("host-speed").await?;
        page.click("host-play").await?;
        page.wait_for_text("host-log", |t| t.contains(&format!("\"step\":{step}")))
            .await?;
        page.wait_for_text("host-log", |t| t.contains("\"playing\":true"))
            .await?;
        let log = page.text("host-log").await?;
        assert!(
            !log.contains("\"type\":\"error\""),
            "no command was refused: {log}"
        );
        page.click("host-crash").await?;
        page.wait_for_text_within(
            "host-log",
            |t| t.contains("\"type\":\"step-completed\""),
            90,
        )
        .await?;
        page.click("host-bad").await?;
        page.wait_for_text("host-log", |t| {
            t.contains("\"type\":\"error\"") && t.contains("dance")
        })
        .await?;
        page.screenshot("driven").await?;
        Ok(())
    })
}

#[test]
fn the_site_works_offline_after_the_first_visit() -> Result {
    run("offline", Mount::SubPath, async |page| {
        page.open("#/sandbox").await?;
        page.find("playground").await?;
        assert!(
            page.offline_cache_ready().await?,
            "the offline cache is installed"
        );
        page.cut_network();
        let started = Instant::now();
        page.client.refresh().await?;
        page.find("playground").await?;
        println!(
            "BUDGET offline reload until the sandbox shows: {} ms",
            started.elapsed().as_millis()
        );
        page.click("play").await?;
        wait_for_clock_at_least(page, 0.5).await?;
        page.open("#/").await?;
        page.find("lesson-list").await?;
        Ok(())
    })
}

/// The author's parser is not cached up front (learners never need it), but once an author has
/// opened a lesson file, opening one works offline too.
#[test]
fn an_author_can_open_lesson_files_offline_after_opening_one() -> Result {
    let file = std::env::temp_dir().join(format!("sos-offline-{}.toml", std::process::id()));
    std::fs::copy(
        xtask::workspace_root().join("lessons/content/01-the-chain.toml"),
        &file,
    )?;
    let outcome = run("offline-author", Mount::SubPath, async |page| {
        page.open("").await?;
        page.find("lesson-list").await?;
        assert!(
            page.offline_cache_ready().await?,
            "the offline cache is installed"
        );
        // Reload so the worker controls the page and sees the parser's request.
        page.client.refresh().await?;
        let started = Instant::now();
        page.find("custom-lesson-file")
            .await?
            .send_keys(&file.to_string_lossy())
            .await?;
        page.find("lesson-player").await?;
        println!(
            "BUDGET lesson file opened, parser fetched on first use: {} ms",
            started.elapsed().as_millis()
        );
        page.cut_network();
        page.open("").await?;
        page.find("custom-lesson-file")
            .await?
            .send_keys(&file.to_string_lossy())
            .await?;
        page.find("lesson-player").await?;
        Ok(())
    });
    let _ = std::fs::remove_file(&file);
    outcome
}
