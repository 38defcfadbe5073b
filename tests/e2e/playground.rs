//! The sandbox as a learner uses it: play, take Payment down, watch the designs diverge, heal,
//! rewind and replay, export and import.

use serde_json::{Value, json};
use tests::{Mount, Page, Result, link_payload, parse_clock, run};

async fn wait_for_clock(page: &Page, at_least: f64) -> Result<f64> {
    let text = page
        .wait_for_text("clock", |t| parse_clock(t).is_some_and(|s| s >= at_least))
        .await?;
    Ok(parse_clock(&text).unwrap_or_default())
}

/// A chart's data table as (header, rows of numbers by column name).
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    async fn read(page: &Page, chart: &str) -> Result<Table> {
        let mut rows = page.chart_table(chart).await?;
        let header = rows.remove(0);
        Ok(Table { header, rows })
    }

    fn column(&self, name: &str) -> Vec<(f64, f64)> {
        let Some(index) = self.header.iter().position(|h| h == name) else {
            panic!("no column {name:?} in {:?}", self.header);
        };
        self.rows
            .iter()
            .filter_map(|row| Some((row.first()?.parse().ok()?, row.get(index)?.parse().ok()?)))
            .collect()
    }

    fn last(&self, name: &str) -> f64 {
        self.column(name).last().map_or(0.0, |p| p.1)
    }

    fn max_between(&self, name: &str, from: f64, to: f64) -> f64 {
        self.column(name)
            .into_iter()
            .filter(|(t, _)| *t >= from && *t <= to)
            .map(|p| p.1)
            .fold(0.0, f64::max)
    }
}

/// Remembers every Blob the page turns into a download, so tests can read exported files.
async fn capture_downloads(page: &Page) -> Result {
    page.eval(
        "window.__downloads = [];
         const original = URL.createObjectURL;
         URL.createObjectURL = blob => { window.__downloads.push(blob); return original.call(URL, blob); };",
    )
    .await?;
    Ok(())
}

async fn last_download(page: &Page) -> Result<String> {
    let text = page
        .client
        .execute_async("const done = arguments[arguments.length - 1]; window.__downloads.at(-1).text().then(done);", vec![])
        .await?;
    Ok(text.as_str().unwrap_or_default().to_string())
}

async fn export_csv(page: &Page) -> Result<String> {
    page.click("export-csv").await?;
    last_download(page).await
}

#[test]
fn outage_rewind_export_import() -> Result {
    run("playground", Mount::Root, async |page| {
        page.open("#/sandbox").await?;
        page.find("playground").await?;
        capture_downloads(page).await?;
        page.set_value("speed", "10").await?;
        page.click("play").await?;
        wait_for_clock(page, 5.0).await?;

        // Take Payment down: it hangs.
        page.click("node-payment").await?;
        let target = page.find("fault-target").await?.prop("value").await?;
        assert_eq!(
            target.as_deref(),
            Some("2"),
            "clicking a service selects it as the fault target"
        );
        page.set_value("fault-kind", "0").await?;
        page.set_value("fault-mode", "hang").await?;
        page.click("fault-apply").await?;
        let fault_at = page.clock().await?;
        let active = page.text("active-faults").await?;
        assert!(active.contains("Payment outage (hang)"), "{active}");
        wait_for_clock(page, fault_at + 20.0).await?;
        page.click("play").await?;
        let outage_end = page.clock().await?;

        let outcomes = Table::read(page, "outcomes").await?;
        let lag = Table::read(page, "lag").await?;
        let correctness = Table::read(page, "correctness").await?;
        let failed_before = outcomes.max_between("Sync failed", 0.0, fault_at);
        let failed_during = outcomes.max_between("Sync failed", fault_at + 2.0, outage_end);
        assert_eq!(failed_before, 0.0, "nothing fails before the fault");
        assert!(
            failed_during > 10.0,
            "synchronous orders fail while Payment hangs: {failed_during}/s"
        );
        assert!(
            outcomes.max_between("Event accepted", fault_at + 2.0, outage_end) > 100.0,
            "the event-driven shop keeps accepting orders"
        );
        let lag_during = lag.max_between("Lag (records)", fault_at + 2.0, outage_end);
        assert!(
            lag_during > 500.0,
            "Payment's consumers fall behind: lag {lag_during}"
        );
        assert_eq!(
            correctness.last("Event lost or stuck"),
            0.0,
            "the log loses nothing"
        );
        // An alert a fifth of the way up: firing now, and clear once the backlog drains.
        let alert_at = (lag_during / 5.0).round();
        page.set_value("lag-alert", &alert_at.to_string()).await?;
        let alert = page
            .wait_for_text("lag-alert-status", |t| t.starts_with("Alert"))
            .await?;
        assert!(alert.starts_with("Alert firing: lag is"), "{alert}");
        assert!(
            alert.contains(&format!("above {alert_at} since")),
            "{alert}"
        );
        // The totals say why: synchronous callers timed out; the log lost nothing.
        page.click("totals-toggle").await?;
        // The table is built when the panel reports it opened, a moment later.
        page.find("totals").await?;
        let totals = page.table("totals").await?;
        let total = |label: &str, column: usize| -> f64 {
            totals
                .iter()
                .find(|row| row[0].starts_with(label))
                .and_then(|row| row[column].parse().ok())
                .unwrap_or(f64::NAN)
        };
        assert!(total("Timeouts", 1) > 0.0, "{totals:?}");
        // Every order is counted once: processed, failed (rejections included) or still on
        // its way. A failure counted twice would break this while many orders fail.
        for column in [1, 2] {
            assert!(
                total("Fully processed", column) + total("Failed or rejected", column)
                    <= total("Orders placed", column),
                "{totals:?}"
            );
            assert!(
                total("… of them turned away", column) <= total("Failed or rejected", column),
                "{totals:?}"
            );
        }
        assert_eq!(total("Lost orders", 2), 0.0, "{totals:?}");
        assert_eq!(
            total("Orders placed", 1),
            total("Orders placed", 2),
            "same orders"
        );
        page.eval("window.scrollTo(0, 0)").await?;
        page.screenshot("outage").await?;
        page.assert_no_sideways_scroll().await?;

        // Heal: the backlog drains.
        page.click("heal-all").await?;
        page.click("play").await?;
        wait_for_clock(page, outage_end + 20.0).await?;
        page.click("play").await?;
        let healed_lag = Table::read(page, "lag").await?.last("Lag (records)");
        let alert = page.text("lag-alert-status").await?;
        assert!(
            alert.starts_with(&format!("Back under {alert_at}: the alert fired")),
            "{alert}"
        );
        assert!(
            healed_lag < lag_during / 10.0,
            "lag drains after healing: {healed_lag} (was {lag_during})"
        );
        assert_eq!(
            Table::read(page, "correctness")
                .await?
                .last("Event lost or stuck"),
            0.0
        );

        // Export: one row per bucket and design.
        let original = export_csv(page).await?;
        let end = page.clock().await?;
        let lines: Vec<&str> = original.lines().collect();
        assert!(
            lines[0].starts_with("time_s,design,requests,accepted,failed,rejected,completed"),
            "{}",
            lines[0]
        );
        // One row per closed 250 ms bucket and design; the clock shows two decimals, so the
        // count may differ from its reading by one bucket.
        let rows = lines.len() - 1;
        assert_eq!(rows % 2, 0, "as many rows for each design");
        assert!(
            ((rows / 2) as f64 - end / 0.25).abs() <= 1.0,
            "{rows} rows up to {end} s"
        );

        // Rewind to before the fault and play on: the fault and heal happen again at their
        // recorded times, and every bucket comes out identical.
        page.set_value("scrubber", "3000").await?;
        assert_eq!(page.clock().await?, 3.0);
        page.click("play").await?;
        wait_for_clock(page, end + 0.5).await?;
        page.click("play").await?;
        let replayed = export_csv(page).await?;
        let original_rows: Vec<&str> = original.lines().collect();
        let replayed_rows: Vec<&str> = replayed
            .lines()
            .filter(|row| original_rows.contains(row) || row.starts_with("time_s"))
            .collect();
        assert_eq!(
            replayed_rows.len(),
            original_rows.len(),
            "every bucket of the original run reappears unchanged after rewinding"
        );

        // A malformed scenario is reported and changes nothing.
        let before = page.text("clock").await?;
        page.set_value(
            "import-text",
            &json!({"duration_s": -5, "services": {"payment": {"workers": 0}}}).to_string(),
        )
        .await?;
        page.click("import-apply").await?;
        let errors = page.text("import-errors").await?;
        assert!(errors.contains("services.payment.workers"), "{errors}");
        assert!(errors.contains("duration_s"), "{errors}");
        page.set_value(
            "import-text",
            "{\"workload\": {\"arrival_rate_per_s\": \"fast\"}}",
        )
        .await?;
        page.click("import-apply").await?;
        let errors = page.text("import-errors").await?;
        assert!(errors.contains("line 1 column"), "{errors}");
        assert_eq!(
            page.text("clock").await?,
            before,
            "the current run is untouched"
        );

        page.screenshot("desktop").await?;
        page.assert_no_sideways_scroll().await?;
        let (smallest, columns) = page.topology_text().await?;
        assert!(
            smallest >= 10.9,
            "topology text is {smallest:.1} px on screen"
        );
        assert!(columns.iter().all(|&c| c >= 4), "{columns:?}");
        page.set_size(390, 844).await?;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        page.assert_no_sideways_scroll().await?;
        // A narrow window gets more rows, never smaller text.
        let (smallest, _) = page.topology_text().await?;
        assert!(
            smallest >= 10.9,
            "topology text is {smallest:.1} px on a phone"
        );
        page.screenshot("phone").await?;
        Ok(())
    })
}

#[test]
fn bad_control_values_are_refused_with_a_message() -> Result {
    run("playground-input", Mount::Root, async |page| {
        page.open("#/sandbox").await?;
        page.set_value("arrival-rate", "1e9").await?;
        let error = page.text("notice-error").await?;
        assert!(error.contains("arrival rate"), "{error}");
        page.set_value("seed", "not a seed").await?;
        let error = page.text("notice-error").await?;
        assert!(error.contains("not a seed"), "{error}");
        page.set_value("fault-kind", "2").await?;
        page.set_value("fault-probability", "7").await?;
        page.click("fault-apply").await?;
        let error = page.text("notice-error").await?;
        assert!(error.contains("probability"), "{error}");
        assert!(
            page.text("active-faults").await?.contains("None"),
            "no fault was applied"
        );
        Ok(())
    })
}

/// Measured budgets: printed, not asserted (timing depends on the machine).
#[test]
fn budgets() -> Result {
    run("budgets", Mount::Root, async |page| {
        page.open("#/sandbox").await?;
        page.wait_for_text("perf-first-chart", |t| t.contains("ms after"))
            .await?;
        let first_chart = page.text_content("perf-first-chart").await?;
        page.click("play").await?;
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        let at_1x = page.text_content("perf-frames").await?;
        let whole_1x = page.text_content("perf-whole-frames").await?;
        page.set_value("speed", "100").await?;
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        let at_100x = page.text_content("perf-frames").await?;
        let whole_100x = page.text_content("perf-whole-frames").await?;
        page.click("play").await?;
        page.eval("document.querySelector('[data-testid=perf]').open = true")
            .await?;
        page.click("perf-measure").await?;
        let engine = page
            .wait_for_text_within("perf-engine", |t| t.contains("orders/s"), 60)
            .await?;
        let native = std::env::var("SOS_NATIVE_ORDERS_PER_S")
            .ok()
            .and_then(|n| n.parse::<f64>().ok());
        let ratio = native.map_or_else(
            || "(no native figure given)".to_string(),
            |native| format!("= {:.0} % of native {native:.0} orders/s measured by `cargo bench -p engine` just before (target ≥ 70 %)", 100.0 * orders_per_s(&engine) / native),
        );

        // 30 simulated minutes at 100×.
        let long = json!({"duration_s": 1800, "workload": {"arrival_rate_per_s": 200},
            "services": {"order": {}, "payment": {}, "inventory": {}, "shipping": {}, "notification": {}}});
        page.set_value("import-text", &long.to_string()).await?;
        page.click("import-apply").await?;
        page.set_value("speed", "100").await?;
        page.click("play").await?;
        page.wait_for_text_within("clock", |t| parse_clock(t).is_some_and(|s| s >= 1799.0), 60)
            .await?;
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let memory = page.text_content("perf-memory").await?;
        println!("BUDGET first chart drawn: {first_chart}");
        println!("BUDGET frame work at 1x: {at_1x}");
        println!("BUDGET frame work at 100x: {at_100x}");
        println!("BUDGET whole frame (with style, layout, paint) at 1x: {whole_1x}");
        println!("BUDGET whole frame (with style, layout, paint) at 100x: {whole_100x}");
        println!("BUDGET engine in wasm: {engine} {ratio}");
        println!("BUDGET memory after 30 simulated minutes at 100x: {memory}");
        assert!(memory.contains("MB"), "{memory}");
        Ok(())
    })
}

/// Fraud joins a running shop: the chain gets a new box to call, the log a new reader.
#[test]
fn a_fraud_check_joins_during_the_run() -> Result {
    run("add-service", Mount::Root, async |page| {
        page.open("#/sandbox").await?;
        page.set_value("speed", "10").await?;
        page.click("play").await?;
        wait_for_clock(page, 3.0).await?;
        page.click("add-fraud").await?;
        page.wait_for_text("add-fraud", |t| t.contains("running"))
            .await?;
        let boxes = page
            .eval("return document.querySelectorAll('[data-testid=node-fraud]').length;")
            .await?;
        assert_eq!(boxes, serde_json::json!(2), "a Fraud box in both shops");
        wait_for_clock(page, 6.0).await?;
        page.click("play").await?;
        // The broker table, opened as a reader would.
        page.eval("document.querySelector('[data-testid=broker] summary').click();")
            .await?;
        let groups = page
            .wait_for_text("groups", |t| t.contains("Fraud:"))
            .await?;
        assert!(groups.contains("Fraud: 8/8 members up"), "{groups}");
        page.screenshot("fraud-joined").await?;
        Ok(())
    })
}

/// A hidden tab gets no animation frames; the run (and a host page listening to it) keeps
/// going on a timer instead.
#[test]
fn a_run_keeps_going_in_a_background_tab() -> Result {
    run("background-tab", Mount::Root, async |page| {
        page.open("#/sandbox").await?;
        page.click("play").await?;
        let before = wait_for_clock(page, 0.5).await?;
        let sandbox = page.client.window().await?;
        let other = page.client.new_window(true).await?;
        page.client.switch_to_window(other.handle).await?;
        page.client.goto("about:blank").await?;
        tokio::time::sleep(std::time::Duration::from_secs(4)).await;
        page.client.close_window().await?;
        page.client.switch_to_window(sandbox).await?;
        let after = page.clock().await?;
        assert!(
            after - before >= 2.5,
            "4 s in the background moved the clock from {before} s to {after} s"
        );
        Ok(())
    })
}

/// "1887744 simulated orders/s, …" → 1887744; 0 when there is no figure.
fn orders_per_s(text: &str) -> f64 {
    text.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0)
}

#[test]
fn inspector_follows_one_order_through_both_designs() -> Result {
    run("inspector", Mount::Root, async |page| {
        page.open("#/sandbox").await?;
        page.set_value("speed", "10").await?;
        page.click("play").await?;
        wait_for_clock(page, 3.0).await?;
        page.click("play").await?;
        page.set_value("order-id", "42").await?;
        page.click("pin-order").await?;
        let sync = page.text("trace-sync").await?;
        let event = page.text("trace-event").await?;
        assert!(
            sync.contains("order 42")
                && sync.contains("placed by the customer")
                && sync.contains("call sent"),
            "{sync}"
        );
        assert!(
            event.contains("order 42")
                && event.contains("event produced")
                && event.contains("orders partition"),
            "{event}"
        );
        // Each produced event names the record that caused it.
        assert!(
            event.contains("because the customer placed the order with Order")
                && event.contains("because Payment consumed OrderCreated (orders partition"),
            "{event}"
        );
        page.screenshot("traces").await?;

        page.set_value("order-id", "99999999").await?;
        page.click("pin-order").await?;
        let error = page.text("notice-error").await?;
        assert!(error.contains("has not been placed"), "{error}");
        Ok(())
    })
}

/// The class and text of a service in the synchronous topology.
async fn node(page: &Page, service: &str) -> Result<String> {
    let value: Value = page
        .eval(&format!(
            "const n = document.querySelector('[data-testid=node-{service}]'); return n.getAttribute('class') + ' ' + n.textContent"
        ))
        .await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

/// Faults still to come are listed with their start; healing a service whose fault has not
/// started changes nothing and says when it starts; a heal names what it ended; a fault
/// applied while paused shows at once; and the inspector finds a failed order and says why
/// it failed, from the engine's trace.
#[test]
fn coming_faults_heals_and_an_example_of_failure() -> Result {
    run("faults-ahead", Mount::Root, async |page| {
        let mut scenario: Value =
            serde_json::from_str(include_str!("../../engine/scenarios/shop.json"))?;
        scenario["duration_s"] = json!(60);
        scenario["faults"] = json!([{"kind": "outage", "target": "payment", "mode": "hang",
            "start_s": 2, "end_s": 40}]);
        let payload = link_payload(&json!({"v": 1, "s": 1, "t": 0, "c": scenario}));
        page.open(&format!("#/sandbox?run={payload}")).await?;
        let coming = page.text("coming-faults").await?;
        assert!(
            coming.contains("Payment outage (hang) from 2.0 s, until 40.0 s"),
            "{coming}"
        );
        page.click("node-payment").await?;
        page.click("heal-target").await?;
        let notice = page.text("notice").await?;
        assert!(
            notice.contains("Nothing to heal on Payment")
                && notice.contains("outage (hang) starts at 2.0 s"),
            "{notice}"
        );
        assert!(page.text("coming-faults").await?.contains("Payment outage"));

        // Applied while paused, a fault shows in the drawing before the run moves on.
        page.click("node-inventory").await?;
        page.set_value("fault-kind", "0").await?;
        page.set_value("fault-mode", "refuse").await?;
        page.click("fault-apply").await?;
        let inventory = node(page, "inventory").await?;
        assert!(inventory.contains("health-down"), "{inventory}");
        page.click("heal-target").await?;
        let notice = page.text("notice").await?;
        assert!(
            notice.contains("Healed: Inventory outage (refuse)."),
            "{notice}"
        );
        let inventory = node(page, "inventory").await?;
        assert!(inventory.contains("health-up"), "{inventory}");

        // Payment hangs from 2 s; Order waits 1 s per call and tries three times.
        page.set_value("speed", "10").await?;
        page.click("play").await?;
        wait_for_clock(page, 9.0).await?;
        page.click("play").await?;
        let active = page.text("active-faults").await?;
        assert!(
            active.contains("Payment outage (hang) since 2.0 s"),
            "{active}"
        );
        page.set_value("example-kind", "8").await?;
        page.click("find-example").await?;
        let found = page.text("example-result").await?;
        assert!(found.contains("failed in the synchronous shop"), "{found}");
        let why = page.text("trace-sync-why").await?;
        assert!(
            why.contains("Why: the wait for Payment timed out (attempt 3)."),
            "{why}"
        );
        page.screenshot("example-failed").await?;
        // An example nobody has: said so, nothing pinned anew.
        page.set_value("example-kind", "6").await?;
        page.click("find-example").await?;
        let none = page.text("example-result").await?;
        assert!(
            none.contains("So far no order was stored but never announced in either shop."),
            "{none}"
        );
        Ok(())
    })
}

/// The event-driven shop reads left to right at desktop width: producers, the log with one
/// strip per partition, then the consumer groups, and no line reaches past the log into the
/// groups' column. Ten Payment consumers on eight partitions show two idle members; three
/// show members owning 3, 3 and 2 partitions.
#[test]
fn the_event_shop_is_drawn_as_producers_the_log_and_groups() -> Result {
    run("event-map", Mount::Root, async |page| {
        page.open("#/sandbox").await?;
        page.find("playground").await?;
        let picture = "const svg = document.querySelector('[data-testid=topology-event] svg');
            const log = svg.querySelector('rect.log').getBBox();
            const edges = [...svg.querySelectorAll('path.edge')].filter(p => !p.classList.contains('rail')).map(p => p.getBBox());
            const groups = [...svg.querySelectorAll('.node.service:not([data-testid=node-order]) > rect:first-of-type')].map(r => r.getBBox());
            const members = [...svg.querySelectorAll('[data-testid=node-payment] rect.member')];
            return {
              lanes: [...svg.querySelectorAll('[data-testid^=lane-]')].map(l => l.dataset.testid),
              strips: svg.querySelector('[data-testid=lane-orders] path.strip').getAttribute('d').split('M').length - 1,
              edgesLeftOfLog: edges.every(e => e.x + e.width <= log.x + 1),
              groupsRightOfLog: groups.length >= 4 && groups.every(g => g.x >= log.x + log.width),
              idle: members.filter(m => m.classList.contains('idle')).length,
              owned: members.map(m => m.nextElementSibling.textContent).join(','),
            };";
        page.click("node-payment").await?;
        page.set_value("consumers", "10").await?;
        page.set_value("speed", "10").await?;
        page.click("play").await?;
        wait_for_clock(page, 2.0).await?;
        page.click("play").await?;
        let drawn = page.eval(picture).await?;
        assert_eq!(
            drawn["lanes"],
            json!([
                "lane-orders",
                "lane-payments",
                "lane-inventory",
                "lane-shipments"
            ]),
            "{drawn}"
        );
        assert_eq!(
            drawn["strips"],
            json!(8),
            "one strip per partition: {drawn}"
        );
        assert_eq!(drawn["edgesLeftOfLog"], json!(true), "{drawn}");
        assert_eq!(drawn["groupsRightOfLog"], json!(true), "{drawn}");
        assert_eq!(
            drawn["idle"],
            json!(2),
            "10 members on 8 partitions: {drawn}"
        );
        page.set_value("consumers", "3").await?;
        page.click("play").await?;
        wait_for_clock(page, 6.0).await?;
        page.click("play").await?;
        let drawn = page.eval(picture).await?;
        assert_eq!(drawn["owned"], json!("3,3,2"), "{drawn}");
        page.screenshot("event-map").await?;
        Ok(())
    })
}

/// From the scrubber, one Tab reaches a button that skips the drawings' dozen services; it
/// shows while it has focus, and pressing it puts focus on the first lever.
#[test]
fn a_skip_button_leads_past_the_drawings_to_the_levers() -> Result {
    run("skip-to-levers", Mount::Root, async |page| {
        page.open("#/sandbox").await?;
        let scrubber = page.find("scrubber").await?;
        page.client
            .execute(
                "arguments[0].focus();",
                vec![serde_json::to_value(&scrubber)?],
            )
            .await?;
        page.client
            .active_element()
            .await?
            .send_keys(&fantoccini::key::Key::Tab.to_string())
            .await?;
        let focused = page
            .eval("const e = document.activeElement; return [e.dataset.testid, e.getBoundingClientRect().width];")
            .await?;
        assert_eq!(focused[0], json!("skip-to-levers"), "{focused}");
        assert!(
            focused[1].as_f64().unwrap_or(0.0) > 100.0,
            "shown while focused: {focused}"
        );
        page.client
            .active_element()
            .await?
            .send_keys(&fantoccini::key::Key::Enter.to_string())
            .await?;
        let inside = page
            .eval("return !!document.activeElement.closest('.levers') && document.activeElement.dataset.testid;")
            .await?;
        assert_eq!(inside, json!("fault-kind"), "focus on the first lever");
        Ok(())
    })
}

/// Payment hangs from 2 s; at 15 s the outcomes chart shows synchronous customers failing.
/// Pointing where most of them failed names one order the engine noted as told "no" in that
/// moment; a click follows it and says why from its trace.
#[test]
fn pointing_at_the_outcomes_chart_names_a_failed_order_and_a_click_says_why() -> Result {
    run("chart-why", Mount::Root, async |page| {
        let mut scenario: Value =
            serde_json::from_str(include_str!("../../engine/scenarios/shop.json"))?;
        scenario["duration_s"] = json!(30);
        scenario["faults"] = json!([{"kind": "outage", "target": "payment", "mode": "hang",
            "start_s": 2, "end_s": 40}]);
        let payload = link_payload(&json!({"v": 1, "s": 1, "t": 15_000_000u64, "c": scenario}));
        page.open(&format!("#/sandbox?run={payload}")).await?;
        page.wait_for_text_within("clock", |t| parse_clock(t) == Some(15.0), 60)
            .await?;
        // The moment when most synchronous orders failed, read off the chart's data table, and
        // a click there (the plot's time axis runs from 62 px to 18 px short of the right edge).
        let outcomes = Table::read(page, "outcomes").await?;
        let (moment, _) = outcomes
            .column("Sync failed")
            .into_iter()
            .filter(|p| p.0 <= 14.0)
            .fold((0.0, 0.0), |best, p| if p.1 > best.1 { p } else { best });
        assert!(moment > 2.0, "synchronous orders failed during the outage");
        let pointer = |kind: &str| {
            format!(
                "const c = document.querySelector('[data-testid=chart-outcomes] canvas');
                 c.scrollIntoView({{block: 'center'}});
                 const r = c.getBoundingClientRect();
                 const x = 62 + ({moment} / 15) * (r.width - 62 - 18);
                 c.dispatchEvent(new MouseEvent('{kind}', {{clientX: r.left + x, clientY: r.top + r.height / 2, bubbles: true}}));"
            )
        };
        // Pointing there names the order before anything is clicked.
        page.eval(&pointer("mousemove")).await?;
        let named = page
            .wait_for_text("chart-outcomes-why", |t| {
                t.ends_with("click to follow it and see why.")
            })
            .await?;
        assert!(named.starts_with("Synchronous shop, order "), "{named}");
        page.eval(&pointer("click")).await?;
        let why = page
            .wait_for_text("chart-outcomes-why", |t| {
                t.contains("timed out") || t.contains("full")
            })
            .await?;
        assert!(why.starts_with("Synchronous shop, order "), "{why}");
        assert_eq!(
            named.split(',').next(),
            why.split(',').next(),
            "the click follows the order pointed at"
        );
        let order: u64 = why
            .trim_start_matches("Synchronous shop, order ")
            .split(',')
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or("no order number")?;
        let at: f64 = why
            .split(" at ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|t| t.parse().ok())
            .ok_or("no time")?;
        assert!(
            (5.0..10.0).contains(&at),
            "near the middle of 0-15 s: {why}"
        );
        // The inspector follows the same order and gives the same reason.
        let inspector = page
            .wait_for_text("trace-sync-why", |t| t.starts_with("Why: "))
            .await?;
        let cause = why
            .split(": ")
            .nth(1)
            .unwrap_or_default()
            .trim_end_matches('.');
        assert!(inspector.contains(cause), "{inspector} / {why}");
        let heading = page
            .eval("return document.querySelector('.traces h3').textContent;")
            .await?;
        assert_eq!(
            heading,
            json!(format!("Synchronous: order {order}, failed")),
            "{why}"
        );
        page.screenshot("followed").await?;
        Ok(())
    })
}

/// A lever being typed into while the run plays keeps what is typed until it is committed
/// (Enter or leaving the box), and then the run takes it.
#[test]
fn typing_into_a_lever_while_playing_is_not_overwritten() -> Result {
    run("lever-typing", Mount::Root, async |page| {
        page.open("#/sandbox").await?;
        page.click("node-payment").await?;
        page.click("play").await?;
        wait_for_clock(page, 0.5).await?;
        page.eval("const box = document.querySelector('[data-testid=consumers]'); box.focus(); box.value = '6'; box.dispatchEvent(new Event('input', {bubbles: true}));")
            .await?;
        let at = page.clock().await?;
        wait_for_clock(page, at + 1.0).await?;
        let typed = page.find("consumers").await?.prop("value").await?;
        assert_eq!(typed.as_deref(), Some("6"), "still what was typed");
        page.eval("document.querySelector('[data-testid=consumers]').dispatchEvent(new Event('change', {bubbles: true}));")
            .await?;
        page.click("play").await?;
        let members = page
            .eval("return document.querySelectorAll('[data-testid=topology-event] [data-testid=node-payment] rect.member').length;")
            .await?;
        assert_eq!(members, json!(6), "the run took it");
        Ok(())
    })
}
