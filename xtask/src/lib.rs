//! The build tool's library: building the site, serving it, and the tool checks shared by
//! `cargo xtask` and the end-to-end tests (which reuse the same site build and static server).

pub mod server;
pub mod site;
pub mod sizes;
pub mod tools;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The workspace root (the folder holding the virtual manifest).
pub fn workspace_root() -> std::path::PathBuf {
    let xtask_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
