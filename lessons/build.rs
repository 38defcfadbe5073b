//! Lists `content/*.toml` for `bundled()`, so adding a lesson file needs no code change.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_string());
    let content = Path::new(&manifest).join("content");
    println!("cargo::rerun-if-changed={}", content.display());
    let mut names: Vec<String> = std::fs::read_dir(&content)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.file_name().into_string().ok())
                .filter(|name| name.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("const BUNDLED: &[(&str, &str)] = &[\n");
    for name in &names {
        let path = content.join(name);
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    std::fs::write(Path::new(&out_dir).join("bundled.rs"), out).expect("OUT_DIR is writable");
}
