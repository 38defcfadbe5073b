//! The event-driven shop's log: per topic and partition, the end offset and, for each consumer
//! group, its committed offset and lag.
//!
//! The table's shape (which partitions, which groups) changes rarely and is built only then;
//! the numbers in it follow a snapshot refreshed a few times a second, each cell writing to the
//! page only when its own value changed.

use engine::snapshot::{GroupView, PartitionView};
use engine::{ServiceId, TopicId};
use leptos::prelude::*;

use super::Playground;
use super::topology::topic_name;

/// Which rows and columns the table has.
#[derive(Clone, Debug, PartialEq)]
struct Shape {
    groups: Vec<ServiceId>,
    rows: Vec<(TopicId, u32, Vec<ServiceId>)>,
}

fn shown(partition: &PartitionView) -> bool {
    partition.end_offset > 0 || !partition.groups.is_empty()
}

#[component]
pub fn BrokerView() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let snapshot = Memo::new(move |_| {
        playground.ticker.track();
        playground
            .view
            .with_untracked(|view| (view.event.partitions.clone(), view.event.groups.clone()))
    });
    let shape = Memo::new(move |_| {
        snapshot.with(|(partitions, groups)| Shape {
            groups: groups.iter().map(|g| g.group).collect(),
            rows: partitions
                .iter()
                .filter(|p| shown(p))
                .map(|p| {
                    (
                        p.topic,
                        p.partition,
                        p.groups.iter().map(|g| g.group).collect(),
                    )
                })
                .collect(),
        })
    });
    let table = move || {
        let shape = shape.get();
        let summary = (0..shape.groups.len())
            .map(|index| {
                let line = move || {
                    snapshot
                        .with(|(_, groups)| groups.get(index).map(group_line).unwrap_or_default())
                };
                view! { <li>{line}</li> }
            })
            .collect_view();
        let rows = shape
            .rows
            .iter()
            .map(|(topic, number, groups)| partition_row(snapshot, *topic, *number, groups))
            .collect_view();
        view! {
            <ul class="groups-summary" data-testid="groups">{summary}</ul>
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

type Numbers = Memo<(Vec<PartitionView>, Vec<GroupView>)>;

fn group_line(group: &GroupView) -> String {
    let state = if group.rebalancing {
        " · rebalancing"
    } else {
        ""
    };
    format!(
        "{}: {}/{} members up, lag {}{}",
        group.group.title(),
        group.alive,
        group.members,
        group.lag,
        state
    )
}

fn partition_row(
    snapshot: Numbers,
    topic: TopicId,
    number: u32,
    groups: &[ServiceId],
) -> impl IntoView + use<> {
    // Reads this partition's numbers from the latest snapshot.
    let read = move |f: &dyn Fn(&PartitionView) -> String| {
        snapshot.with(|(partitions, _)| {
            partitions
                .iter()
                .find(|p| p.topic == topic && p.partition == number)
                .map(f)
                .unwrap_or_default()
        })
    };
    let unavailable = move || read(&|p| if p.unavailable { "unavailable" } else { "" }.into());
    let cells = groups
        .iter()
        .enumerate()
        .map(|(column, &group)| {
            let field = move |f: fn(&PartitionView, u64, u64) -> String| {
                read(&move |p| {
                    p.groups
                        .get(column)
                        .map(|g| f(p, g.committed, g.lag))
                        .unwrap_or_default()
                })
            };
            let owner = move || {
                read(&move |p| {
                    p.groups
                        .get(column)
                        .map(|g| {
                            g.owner
                                .map_or_else(|| "no owner".into(), |m| format!("member {m}"))
                        })
                        .unwrap_or_default()
                })
            };
            let done = move || {
                field(|p, committed, _| {
                    let share = if p.end_offset > 0 {
                        committed as f64 / p.end_offset as f64
                    } else {
                        1.0
                    };
                    format!("--done: {:.0}%", share * 100.0)
                })
            };
            let committed = move || field(|_, committed, _| committed.to_string());
            let lag = move || field(|_, _, lag| lag.to_string());
            let lag_class =
                move || field(|_, _, lag| if lag > 0 { "lag behind" } else { "lag" }.into());
            view! {
                <td title=owner>
                    <span class="lag-bar" style=done></span>
                    {committed}
                    " (lag "
                    <span class=lag_class>{lag}</span>
                    ")"
                    <span class="sr-only">{format!(" for {}", group.title())}</span>
                </td>
            }
        })
        .collect_view();
    let end_offset = move || read(&|p| p.end_offset.to_string());
    let note = move || read(&|p| if p.unavailable { " (unavailable)" } else { "" }.into());
    view! {
        <tr class=unavailable>
            <th scope="row">{format!("{} {number}", topic_name(topic))}{note}</th>
            <td>{end_offset}</td>
            <td colspan="1" class="groups">
                <table class="inner"><tbody><tr>{cells}</tr></tbody></table>
            </td>
        </tr>
    }
}
