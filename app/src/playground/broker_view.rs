//! The event-driven shop's log in full: per topic and partition, the end offset and, for each
//! consumer group, its committed offset, its lag and the member that owns the partition.
//!
//! The table follows a snapshot taken a few times a second. It is written as markup, and to
//! the page only when it changed; its scrolling box stays, so a reader keeps their place.

use engine::Snapshot;
use leptos::prelude::*;
use std::fmt::Write;

use super::Playground;
use super::topology::topic_name;

#[component]
pub fn BrokerView() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let markup = Memo::new(move |_| {
        playground.ticker.track();
        playground.view.with_untracked(|view| markup(&view.event))
    });
    view! {
        // Closed at first: the event-driven picture shows the same at a glance.
        <details class="broker" data-testid="broker">
            <summary>"The broker table: every partition's offsets, lag and owner"</summary>
            <ul class="groups-summary" data-testid="groups" inner_html=move || markup.with(|m| m.0.clone())></ul>
            <div class="table-scroll">
                <table class="broker-table" inner_html=move || markup.with(|m| m.1.clone())></table>
            </div>
        </details>
    }
}

/// The list of groups and the table's rows, as markup. Every word in it is the page's own
/// (service and topic names, numbers), so nothing needs escaping.
fn markup(snapshot: &Snapshot) -> (String, String) {
    let mut list = String::new();
    let mut table =
        String::from(r#"<thead><tr><th scope="col">Partition</th><th scope="col">End offset</th>"#);
    for group in &snapshot.groups {
        let _ = write!(
            list,
            "<li>{}: {}/{} members up, lag {}{}</li>",
            group.group.title(),
            group.alive,
            group.members,
            group.lag,
            if group.rebalancing {
                " · rebalancing"
            } else {
                ""
            }
        );
        let _ = write!(
            table,
            r#"<th scope="col">{}: committed (lag) · owner</th>"#,
            group.group.title()
        );
    }
    table.push_str("</tr></thead><tbody>");
    // A partition nobody writes or reads is left out.
    for p in snapshot
        .partitions
        .iter()
        .filter(|p| p.end_offset > 0 || !p.groups.is_empty())
    {
        let (class, note) = if p.unavailable {
            (" class=\"unavailable\"", " (unavailable)")
        } else {
            ("", "")
        };
        let _ = write!(
            table,
            r#"<tr{class}><th scope="row">{} {}{note}</th><td>{}</td>"#,
            topic_name(p.topic),
            p.partition,
            p.end_offset
        );
        for group in &snapshot.groups {
            let Some(g) = p.groups.iter().find(|g| g.group == group.group) else {
                table.push_str("<td></td>");
                continue;
            };
            let done = if p.end_offset > 0 {
                g.committed as f64 / p.end_offset as f64
            } else {
                1.0
            };
            let owner = g
                .owner
                .map_or_else(|| "none".to_string(), |m| format!("member {m}"));
            let _ = write!(
                table,
                r#"<td><span class="lag-bar" style="--done: {:.0}%"></span>{} (lag <span class="lag{}">{}</span>) · {owner}</td>"#,
                done * 100.0,
                g.committed,
                if g.lag > 0 { " behind" } else { "" },
                g.lag
            );
        }
        table.push_str("</tr>");
    }
    table.push_str("</tbody>");
    (list, table)
}
