//! The engine's modules form a straight chain of layers: no module uses one that (directly or
//! through others) uses it back. Read from the source, so a new `use` that closes a loop fails
//! here with the loop spelled out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module of each source file, and the top-level modules its code (not its comments
/// or its unit tests) names through `crate::`.
fn module_uses() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pending = vec![src.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("engine/src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "bin") {
                    pending.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&src).expect("under src");
            let first = relative.components().next().expect("a file name");
            let module = first
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            if module == "lib" {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a readable source file");
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let named = uses.entry(module.clone()).or_default();
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (at, _) in line.match_indices("crate::") {
                    let rest = &line[at + "crate::".len()..];
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    // `crate::some_macro!` names a macro exported at the root, not a module.
                    let is_macro = rest[name.len()..].starts_with('!');
                    if !name.is_empty() && name != module && !is_macro {
                        named.insert(name);
                    }
                }
            }
        }
    }
    uses
}

/// A loop of uses through `from`, if there is one.
fn find_loop(
    uses: &BTreeMap<String, BTreeSet<String>>,
    module: &str,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|m| m == module) {
        let mut cycle = path[at..].to_vec();
        cycle.push(module.to_string());
        return Some(cycle);
    }
    if done.contains(module) {
        return None;
    }
    path.push(module.to_string());
    for next in uses.get(module).into_iter().flatten() {
        if let Some(cycle) = find_loop(uses, next, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    done.insert(module.to_string());
    None
}

#[test]
fn no_module_uses_one_that_uses_it_back() {
    let uses = module_uses();
    assert!(uses.len() > 20, "read only {} modules", uses.len());
    let mut done = BTreeSet::new();
    for module in uses.keys() {
        if let Some(cycle) = find_loop(&uses, module, &mut Vec::new(), &mut done) {
            panic!("an import loop: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_layers_run_in_the_documented_order() {
    let uses = module_uses();
    // Each module may use only those to its left: the chain the engine is built as.
    let chain = [
        "ids",
        "fault",
        "scenario",
        "control",
        "validate",
        "metrics",
        "trace",
        "broker",
        "events",
        "core",
        "model",
        "sync_design",
        "event_design",
        "sim",
        "comparison",
        "run",
    ];
    for (position, module) in chain.iter().enumerate() {
        let above: BTreeSet<&str> = chain[position + 1..].iter().copied().collect();
        let used = &uses[*module];
        let wrong: Vec<&String> = used.iter().filter(|m| above.contains(m.as_str())).collect();
        assert!(
            wrong.is_empty(),
            "{module} uses {wrong:?}, which are above it"
        );
    }
    // The designs know nothing of each other.
    assert!(!uses["sync_design"].contains("event_design"));
    assert!(!uses["event_design"].contains("sync_design"));
}
