//! Every example scenario loads, validates and runs.

use engine::{Comparison, Scenario, SimTime};

#[test]
fn every_example_scenario_is_valid_and_runs() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let text = std::fs::read_to_string(&path).unwrap();
        let scenario =
            Scenario::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut comparison = Comparison::new(&scenario, scenario.seed);
        comparison
            .run_until(SimTime::from_secs(2).min(SimTime::from_secs_f64(scenario.duration_s)));
        let (sync, event) = comparison.summaries();
        assert!(sync.orders_arrived > 0, "{}", path.display());
        assert_eq!(
            sync.orders_arrived,
            event.orders_arrived,
            "{}",
            path.display()
        );
        count += 1;
    }
    assert!(
        count >= 10,
        "expected tandem plus one scenario per fault kind, found {count}"
    );
}

#[test]
fn there_is_a_scenario_for_every_fault_kind() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut kinds = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        if let Ok(scenario) = Scenario::from_json(&text) {
            kinds.extend(scenario.faults.iter().map(|f| f.kind));
        }
    }
    assert_eq!(kinds.len(), 9, "{kinds:?}");
}
