//! The event-driven shop's log: per topic and partition, the end offset and, for each consumer
//! group, its committed offset and lag.

use leptos::prelude::*;

use super::Playground;
use super::topology::{service_title, topic_name};

#[component]
pub fn BrokerView() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let table = move || {
        playground.ticker.track();
        let snapshot = playground.view.with_untracked(|view| view.event.clone());
        let snapshot = &snapshot;
        let groups = snapshot.groups.clone();
        let rows = snapshot
            .partitions
            .iter()
            .filter(|p| p.end_offset > 0 || !p.groups.is_empty())
            .map(|partition| {
                let cells = partition
                    .groups
                    .iter()
                    .map(|group| {
                        let share = if partition.end_offset > 0 { group.committed as f64 / partition.end_offset as f64 } else { 1.0 };
                        let owner = group.owner.map_or_else(|| "no owner".to_string(), |m| format!("member {m}"));
                        view! {
                            <td title=owner>
                                <span class="lag-bar" style=format!("--done: {:.0}%", share * 100.0)></span>
                                {group.committed}
                                " (lag "
                                <span class={if group.lag > 0 { "lag behind" } else { "lag" }}>{group.lag}</span>
                                ")"
                                <span class="sr-only">{format!(" for {}", service_title(group.group))}</span>
                            </td>
                        }
                    })
                    .collect_view();
                let name = format!("{} {}", topic_name(partition.topic), partition.partition);
                view! {
                    <tr class=if partition.unavailable { "unavailable" } else { "" }>
                        <th scope="row">{name}{partition.unavailable.then_some(" (unavailable)")}</th>
                        <td>{partition.end_offset}</td>
                        <td colspan="1" class="groups">
                            <table class="inner"><tbody><tr>{cells}</tr></tbody></table>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        let group_summary = groups
            .iter()
            .map(|g| {
                let state = if g.rebalancing { " · rebalancing" } else { "" };
                format!(
                    "{}: {}/{} members up, lag {}{}",
                    service_title(g.group),
                    g.alive,
                    g.members,
                    g.lag,
                    state
                )
            })
            .collect::<Vec<_>>();
        view! {
            <ul class="groups-summary" data-testid="groups">
                {group_summary.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            </ul>
            <div class="table-scroll">
                <table class="broker-table">
                    <thead>
                        <tr><th scope="col">"Partition"</th><th scope="col">"End offset"</th><th scope="col">"Committed by each group (lag)"</th></tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    };
    view! {
        <details class="broker" data-testid="broker" open>
            <summary>"The log: partitions, offsets and consumer lag"</summary>
            {table}
        </details>
    }
}
