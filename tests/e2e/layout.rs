//! The page at the widths people use, as they see it: a wide desktop, a laptop, a small
//! laptop, a tablet and a phone, and embedded in training material at a slide's size and in
//! a narrow column. At each: nothing scrolls sideways, no two panels overlap, charts are at
//! least 400 px wide where the window has room for that, text in the drawings is at least
//! 11 px, and the landing page's demo runs. A screenshot of each goes to `target/e2e/`.

use serde_json::Value;
use tests::{Mount, Page, Result, run};

const WIDTHS: [(u32, u32); 5] = [
    (1440, 900),
    (1280, 900),
    (1024, 768),
    (768, 1024),
    (390, 844),
];

/// Panels that overlap, charts narrower than `min_chart` px and the smallest drawing text.
const CHECK: &str = "
    const min_chart = arguments[0];
    // At the top: the run controls stay in view as the page scrolls, over what is under them.
    window.scrollTo(0, 0);
    const panels = [...document.querySelectorAll('.topology, .panel, .broker, .chart, .transfer, .lesson-text')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e, e.getBoundingClientRect()]);
    const overlaps = [];
    for (let i = 0; i < panels.length; i++) {
        for (let j = i + 1; j < panels.length; j++) {
            const [a, ra] = panels[i], [b, rb] = panels[j];
            if (a.contains(b) || b.contains(a)) continue;
            const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
            const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
            if (w > 1 && h > 1) overlaps.push(`${a.className} / ${b.className}`);
        }
    }
    const narrow = [...document.querySelectorAll('.chart canvas')]
        .filter(c => c.offsetParent !== null)
        .map(c => c.getBoundingClientRect().width)
        .filter(w => w < min_chart);
    let smallest = Infinity;
    for (const svg of document.querySelectorAll('svg.graph')) {
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        for (const text of svg.querySelectorAll('text')) {
            if (!text.textContent.trim()) continue;
            smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * scale);
        }
    }
    return { overlaps, narrow, smallest, charts: document.querySelectorAll('.chart canvas').length };";

async fn check(page: &Page, what: &str, min_chart: f64) -> Result {
    page.assert_no_sideways_scroll()
        .await
        .map_err(|e| format!("{what}: {e}"))?;
    let found: Value = page.client.execute(CHECK, vec![min_chart.into()]).await?;
    assert_eq!(found["overlaps"], serde_json::json!([]), "{what}: {found}");
    assert_eq!(found["narrow"], serde_json::json!([]), "{what}: {found}");
    let smallest = found["smallest"].as_f64().unwrap_or(f64::INFINITY);
    assert!(smallest >= 10.9, "{what}: drawing text at {smallest:.1} px");
    Ok(())
}

/// Charts at least 400 px wide, or the width of the window less the page's margins when it
/// has no room for that.
fn min_chart(width: u32) -> f64 {
    400.0_f64.min(f64::from(width) - 80.0)
}

#[test]
fn every_width_reads_without_overlap_or_sideways_scroll() -> Result {
    run("layout", Mount::Root, async |page| {
        for (width, height) in WIDTHS {
            page.emulate(width, height).await?;
            page.open("").await?;
            page.find("landing-demo").await?;
            let start = page.text_content("demo-clock").await?;
            tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
            let later = page.text_content("demo-clock").await?;
            assert_ne!(start, later, "{width} px: the landing demo runs");
            check(page, &format!("landing at {width} px"), 0.0).await?;
            page.screenshot(&format!("landing-{width}")).await?;

            page.open("#/sandbox").await?;
            page.find("playground").await?;
            page.set_value("speed", "10").await?;
            page.click("play").await?;
            tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
            page.click("play").await?;
            check(page, &format!("sandbox at {width} px"), min_chart(width)).await?;
            page.screenshot(&format!("sandbox-{width}")).await?;

            page.open("#/lesson/the-chain/1").await?;
            page.find("lesson-player").await?;
            check(page, &format!("lesson at {width} px"), min_chart(width)).await?;
            page.screenshot(&format!("lesson-{width}")).await?;
        }
        for (width, height) in [(960, 540), (400, 700)] {
            page.emulate(width, height).await?;
            page.open("?embed#/lesson/the-chain/2").await?;
            page.find("lesson-player").await?;
            // Embedded, the page is a slide's companion: no chart minimum beyond the window.
            check(
                page,
                &format!("embedded at {width} px"),
                min_chart(width).min(300.0),
            )
            .await?;
            page.screenshot(&format!("embed-{width}x{height}")).await?;
        }
        Ok(())
    })
}
