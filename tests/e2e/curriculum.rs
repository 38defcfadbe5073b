//! The lessons as a learner takes them: lesson 7 from the double charge to the goal, progress
//! that survives a reload, lesson text that cannot run scripts, and a look at every lesson.

use std::time::Duration;

use tests::{Mount, Page, Result, run};

fn lesson(id: &str) -> lessons::Lesson {
    lessons::bundled()
        .into_iter()
        .find(|l| l.id == id)
        .unwrap_or_else(|| panic!("no bundled lesson {id}"))
}

/// The latest value of a column in a chart's data table.
async fn latest(page: &Page, chart: &str, column: &str) -> Result<f64> {
    let rows = page.chart_table(chart).await?;
    let index = rows[0]
        .iter()
        .position(|h| h == column)
        .ok_or_else(|| format!("no column {column:?} in {:?}", rows[0]))?;
    Ok(rows
        .last()
        .and_then(|r| r.get(index))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0))
}

async fn lock_in_prediction(page: &Page, step: &lessons::Step) -> Result {
    if let Some(prediction) = &step.prediction {
        page.click(&format!("choice-{}", prediction.answer)).await?;
        page.click("lock-in").await?;
        // Locked in, the next thing to do is to play: the keyboard is there already.
        let focused = page
            .eval("return document.activeElement && document.activeElement.dataset.testid")
            .await?;
        assert_eq!(focused, serde_json::json!("play"), "focus moves to Play");
        // Predict, then watch: the explanations wait for the run (or for the learner to ask).
        let text = page.text("prediction").await?;
        // As the page shows it: the Markdown's emphasis and code marks are rendered.
        let explain = prediction.choices[prediction.answer]
            .explain
            .replace(['*', '`'], "");
        assert!(
            !text.contains(&explain),
            "the explanations wait for the run: {text}"
        );
        assert!(
            page.text("prediction-waiting")
                .await?
                .contains("revealed when")
        );
        page.click("reveal").await?;
        let text = page.text("prediction").await?;
        assert!(
            text.contains("You predicted it") && text.contains(&explain),
            "the answer and its explanation are revealed: {text}"
        );
    }
    Ok(())
}

#[test]
fn lesson_seven_from_double_charge_to_goal() -> Result {
    let lesson = lesson("delivered-twice");
    let (index, step) = lesson
        .steps
        .iter()
        .enumerate()
        .find(|(_, s)| {
            s.goal
                .as_ref()
                .is_some_and(|g| g.checks.iter().any(|c| c.metric.name() == "double_charges"))
        })
        .expect("lesson 7 has a goal about double charges");
    run("lesson-7", Mount::Root, async |page| {
        page.open(&format!("#/lesson/delivered-twice/{}", index + 1))
            .await?;
        page.find("lesson-player").await?;
        if step.prediction.is_some() {
            page.click("play").await?;
            assert!(
                page.text("locked").await?.contains("prediction"),
                "the run waits for the prediction"
            );
        }
        lock_in_prediction(page, step).await?;

        // Without idempotency the crashes charge customers twice.
        page.set_value("speed", "10").await?;
        page.click("play").await?;
        let mut double_charges = 0.0;
        for _ in 0..60 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            double_charges = latest(page, "correctness", "Event double charges").await?;
            if double_charges > 0.0 {
                break;
            }
        }
        assert!(
            double_charges > 0.0,
            "a crash between charge and commit charges twice"
        );
        assert!(page.text("goal-status").await?.contains("Not met"));
        // The bar above the run says so too, in a few words.
        let badge = page.text("goal-badge").await?;
        assert!(
            badge.starts_with("Goal: ") && badge.ends_with("to go"),
            "{badge}"
        );
        page.screenshot("double-charge").await?;
        // The drawings keep their text readable in the lesson's narrower column.
        let (smallest, columns) = page.topology_text().await?;
        assert!(
            smallest >= 10.9,
            "topology text is {smallest:.1} px on screen"
        );
        assert!(
            columns.iter().all(|&c| c >= 4),
            "four services side by side at this width: {columns:?}"
        );

        // Start over with idempotent consumers: the goal is met.
        page.click("reset").await?;
        page.click("idempotent-consumers").await?;
        page.click("play").await?;
        page.wait_for_text_within("goal-status", |t| t.contains("Goal met"), 90)
            .await?;
        page.click("play").await?;
        assert_eq!(page.text("goal-badge").await?, "Goal met ✓");
        assert_eq!(
            latest(page, "correctness", "Event double charges").await?,
            0.0
        );
        page.screenshot("goal-met").await?;

        // Progress survives a reload.
        page.client.refresh().await?;
        page.open("").await?;
        let progress = page.text(&format!("lesson-progress-{}", lesson.id)).await?;
        assert!(
            progress.contains("done"),
            "the finished step is remembered: {progress}"
        );
        Ok(())
    })
}

/// Lesson 12 as a learner plays it: Order's crashes strand orders nobody hears of; with the
/// transactional outbox and idempotent consumers the goal is met.
#[test]
fn lesson_twelve_from_stuck_orders_to_the_outbox() -> Result {
    let lesson = lesson("stored-never-announced");
    run("lesson-12", Mount::Root, async |page| {
        page.open("#/lesson/stored-never-announced/1").await?;
        page.find("lesson-player").await?;
        lock_in_prediction(page, &lesson.steps[0]).await?;
        page.set_value("speed", "10").await?;
        page.click("play").await?;
        let mut stuck = 0.0;
        for _ in 0..60 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            stuck = latest(page, "correctness", "Event lost or stuck").await?;
            if stuck >= 2.0 {
                break;
            }
        }
        assert!(stuck >= 2.0, "each crash strands an order: {stuck}");
        page.click("play").await?;
        page.screenshot("stuck").await?;

        page.open("#/lesson/stored-never-announced/2").await?;
        page.find("lesson-player").await?;
        lock_in_prediction(page, &lesson.steps[1]).await?;
        page.click("outbox").await?;
        page.click("idempotent-consumers").await?;
        page.set_value("speed", "10").await?;
        page.click("play").await?;
        page.wait_for_text_within("goal-status", |t| t.contains("Goal met"), 90)
            .await?;
        assert_eq!(
            latest(page, "correctness", "Event lost or stuck").await?,
            0.0,
            "nothing is stuck with the outbox on from the start"
        );
        page.screenshot("outbox-goal-met").await?;
        Ok(())
    })
}

/// Lesson 13's second step as a learner plays it: with Inventory slowed, out-of-stock
/// customers stay charged; eight Inventory consumers, set before playing, meet the goal.
#[test]
fn lesson_thirteen_refunds_in_time() -> Result {
    let lesson = lesson("undo-by-events");
    run("lesson-13", Mount::Root, async |page| {
        page.open("#/lesson/undo-by-events/2").await?;
        page.find("lesson-player").await?;
        lock_in_prediction(page, &lesson.steps[1]).await?;
        page.click("node-inventory").await?;
        page.set_value("consumers", "8").await?;
        page.set_value("speed", "10").await?;
        page.click("play").await?;
        page.wait_for_text_within("goal-status", |t| t.contains("Goal met"), 90)
            .await?;
        page.click("totals-toggle").await?;
        page.find("totals").await?;
        let totals = page.table("totals").await?;
        let declined = totals
            .iter()
            .find(|row| row[0].starts_with("Declined"))
            .ok_or("no Declined row")?;
        assert_eq!(
            declined[1], declined[2],
            "the same orders are declined: {totals:?}"
        );
        assert!(declined[1].parse::<u64>().unwrap_or(0) > 100, "{totals:?}");
        page.screenshot("saga-goal-met").await?;
        Ok(())
    })
}

/// Lesson 14, the incident drill: the broken service is not marked in the drawings; a wrong
/// diagnosis is refused, the right one (which the run's seed decides) unlocks the repair, and
/// the shop recovers to meet the goal.
#[test]
fn lesson_fourteen_finds_and_repairs_the_incident() -> Result {
    let lesson = lesson("find-the-broken-part");
    let (index, step) = lesson
        .steps
        .iter()
        .enumerate()
        .find(|(_, s)| s.incident.is_some())
        .expect("an incident step");
    let incident = step.incident.as_ref().expect("incident");
    let cause = incident.cause_for(lesson.seed);
    let wrong = (cause + 1) % incident.causes.len();
    run("lesson-14", Mount::Root, async |page| {
        page.open(&format!("#/lesson/find-the-broken-part/{}", index + 1))
            .await?;
        page.find("incident").await?;
        page.set_value("speed", "10").await?;
        page.click("play").await?;
        page.wait_for_text("clock", |t| {
            tests::parse_clock(t).is_some_and(|s| s >= 12.0)
        })
        .await?;
        page.click("play").await?;
        // Symptoms only: no service is marked down or slow.
        for node in ["payment", "inventory", "shipping"] {
            let label = page
                .eval(&format!(
                    "return [...document.querySelectorAll('[data-testid=node-{node}]')].map(n => n.getAttribute('class') + ' ' + n.textContent).join('|')"
                ))
                .await?;
            let label = label.as_str().unwrap_or_default().to_string();
            assert!(
                !label.contains("health-down")
                    && !label.contains("health-slow")
                    && !label.contains("down ·"),
                "{node}: {label}"
            );
        }
        page.click(&format!("cause-{wrong}")).await?;
        page.click("diagnose").await?;
        assert!(
            page.text("diagnosis-verdict")
                .await?
                .starts_with("Not this one")
        );
        page.click(&format!("cause-{cause}")).await?;
        page.click("diagnose").await?;
        let verdict = page.text("diagnosis-verdict").await?;
        assert!(
            verdict.starts_with("Right.") && verdict.contains("Repaired at"),
            "{verdict}"
        );
        page.click("play").await?;
        page.wait_for_text_within("goal-status", |t| t.contains("Goal met"), 90)
            .await?;
        page.screenshot("incident-repaired").await?;
        Ok(())
    })
}

#[test]
fn lesson_text_cannot_run_scripts_and_bad_files_are_explained() -> Result {
    let dir = std::env::temp_dir().join(format!("sos-lessons-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let hostile = dir.join("hostile.toml");
    let base =
        std::fs::read_to_string(xtask::workspace_root().join("lessons/content/01-the-chain.toml"))?;
    let evil = "Look: <script>window.__pwned = 1</script> <img src=x onerror=\"window.__pwned = 2\"> [link](javascript:alert(1))";
    std::fs::write(
        &hostile,
        base.replacen("text = \"\"\"", &format!("text = \"\"\"\n{evil}\n"), 1),
    )?;
    let broken = dir.join("broken.toml");
    std::fs::write(&broken, "id = \"x\"\ntitle = \n")?;
    let outcome = run("lesson-hostile", Mount::Root, async |page| {
        page.open("").await?;
        let parser_fetched = "return performance.getEntriesByType('resource').some(e => e.name.includes('/lesson-parser-'));";
        page.find("lesson-list").await?;
        assert_eq!(
            page.eval(parser_fetched).await?,
            serde_json::json!(false),
            "a learner's page does not download the lesson parser"
        );
        page.find("custom-lesson-file")
            .await?
            .send_keys(&broken.to_string_lossy())
            .await?;
        let errors = page.text("custom-lesson-errors").await?;
        assert!(
            errors.contains("broken.toml") && errors.contains(":2:"),
            "the problem names the file and line: {errors}"
        );
        for problem in lessons::parse_lesson("broken.toml", "id = \"x\"\ntitle = \n").unwrap_err() {
            let line = problem.to_string();
            assert!(
                errors.contains(&line),
                "the page says what `lessons check` says, {line:?}: {errors}"
            );
        }
        assert_eq!(
            page.eval(parser_fetched).await?,
            serde_json::json!(true),
            "opening a lesson file fetched the parser"
        );

        page.find("custom-lesson-file")
            .await?
            .send_keys(&hostile.to_string_lossy())
            .await?;
        page.find("lesson-player").await?;
        let text = page.text("step-text").await?;
        assert!(
            text.contains("<script>window.__pwned = 1</script>"),
            "markup is shown as text: {text}"
        );
        let pwned = page.eval("return window.__pwned === undefined && document.querySelectorAll('[data-testid=step-text] img, [data-testid=step-text] script').length === 0 && ![...document.querySelectorAll('[data-testid=step-text] a')].some(a => a.href.startsWith('javascript'));").await?;
        assert_eq!(
            pwned,
            serde_json::json!(true),
            "nothing in the lesson text ran or linked to script"
        );
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

#[test]
fn every_lesson_opens() -> Result {
    run("lessons", Mount::Root, async |page| {
        for lesson in lessons::bundled() {
            page.open(&format!("#/lesson/{}/1", lesson.id)).await?;
            let title = page.text("step-title").await?;
            assert_eq!(title, lesson.steps[0].title, "{}", lesson.id);
            page.screenshot(&lesson.id).await?;
        }
        Ok(())
    })
}

/// The playback speed a learner picks stays when they move to the next step.
#[test]
fn the_chosen_speed_carries_over_to_the_next_step() -> Result {
    run("lesson-speed", Mount::Root, async |page| {
        page.open("#/lesson/the-chain/1").await?;
        page.find("lesson-player").await?;
        page.set_value("speed", "5").await?;
        page.click("step-next").await?;
        page.wait_for_text("step-title", |t| t == "Two more links")
            .await?;
        let speed = page.find("speed").await?.prop("value").await?;
        assert_eq!(speed.as_deref(), Some("5"));
        Ok(())
    })
}
