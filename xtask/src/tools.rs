//! External tools: the wasm target, Chromium and its driver, the wasm test runner, and npm's
//! binaryen and esbuild.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;

/// The wasm-bindgen version the app links against; the glue generator and the browser test
/// runner must match it exactly (the root Cargo.toml pins both with `=`).
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// The binaryen release from npm whose `wasm-opt` is known to keep the app working
/// (Debian's older wasm-opt re-points wasm-bindgen's externref table and breaks the page).
pub const BINARYEN_NPM_VERSION: &str = "132.0.0";
/// The esbuild release from npm that minifies the JS glue.
pub const ESBUILD_NPM_VERSION: &str = "0.28.2";

/// Runs a command, echoing it, and fails with the command line when it fails.
pub fn run(command: &mut Command) -> Result<()> {
    eprintln!("$ {}", describe(command));
    let status = command
        .status()
        .map_err(|e| format!("could not start `{}`: {e}", describe(command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(command)).into())
    }
}

pub fn describe(command: &Command) -> String {
    let mut line = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(crate::workspace_root());
    command
}

/// `rustup target add` is a no-op when the target is present. It is needed because automatic
/// toolchain installs can be switched off, which leaves `targets` in rust-toolchain.toml unread.
pub fn ensure_wasm_target() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    if let Ok(output) = &installed
        && String::from_utf8_lossy(&output.stdout)
            .lines()
            .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]).current_dir(crate::workspace_root()))
        .map_err(|e| format!("{e}\nInstall rustup (https://rustup.rs) and run `rustup target add wasm32-unknown-unknown`.").into())
}

pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Chromium and chromedriver for the browser tests. Installed with apt-get when missing and we
/// are root; otherwise an error that says exactly what to install.
pub fn ensure_chromium() -> Result<()> {
    let missing: Vec<&str> = [
        ("chromium", "chromium"),
        ("chromedriver", "chromium-driver"),
    ]
    .into_iter()
    .filter(|(binary, _)| find_on_path(binary).is_none())
    .map(|(_, package)| package)
    .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let install_hint = format!("sudo apt-get install -y {}", missing.join(" "));
    if !is_root() || find_on_path("apt-get").is_none() {
        return Err(format!(
            "the browser tests need {}; install them with `{install_hint}`",
            missing.join(" and ")
        )
        .into());
    }
    run(Command::new("apt-get").arg("update").arg("-qq"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive"))
    .map_err(|e| format!("{e}\nInstall them by hand: `{install_hint}`").into())
}

/// `wasm-bindgen-test-runner` of exactly the linked wasm-bindgen version, installed with cargo
/// when missing or mismatched. (Without `--locked`: its lockfile pins a crate the registry may lack.)
pub fn ensure_wasm_test_runner() -> Result<PathBuf> {
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .map(|home| home.join("bin"));
    let runner = find_on_path("wasm-bindgen-test-runner").or_else(|| {
        cargo_bin
            .as_ref()
            .map(|bin| bin.join("wasm-bindgen-test-runner"))
            .filter(|p| p.is_file())
    });
    if let Some(runner) = &runner {
        let version = Command::new(runner).arg("--version").output().ok();
        let version = version
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        if version.contains(WASM_BINDGEN_VERSION) {
            return Ok(runner.clone());
        }
    }
    run(cargo().args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &format!("={WASM_BINDGEN_VERSION}"),
    ]))?;
    find_on_path("wasm-bindgen-test-runner")
        .or_else(|| {
            cargo_bin
                .map(|bin| bin.join("wasm-bindgen-test-runner"))
                .filter(|p| p.is_file())
        })
        .ok_or_else(|| {
            "wasm-bindgen-test-runner was installed but is not on PATH; add ~/.cargo/bin to PATH"
                .into()
        })
}

/// npm's binaryen, installed under target/ (never Debian's wasm-opt, which breaks the app).
fn npm_prefix() -> PathBuf {
    crate::workspace_root().join("target").join("npm-tools")
}

fn shrink_tool(name: &str) -> PathBuf {
    npm_prefix().join("node_modules").join(".bin").join(name)
}

/// `wasm-opt` (npm's binaryen) and `esbuild`, installed under target/ on first use.
pub struct ShrinkTools {
    pub wasm_opt: PathBuf,
    pub esbuild: PathBuf,
}

pub fn ensure_shrink_tools() -> Result<ShrinkTools> {
    let tools = ShrinkTools {
        wasm_opt: shrink_tool("wasm-opt"),
        esbuild: shrink_tool("esbuild"),
    };
    if tools.wasm_opt.is_file() && tools.esbuild.is_file() {
        return Ok(tools);
    }
    if find_on_path("npm").is_none() {
        return Err("shrinking the site needs npm (Node.js) to install binaryen and esbuild; install Node.js or build with --no-opt".into());
    }
    std::fs::create_dir_all(npm_prefix())?;
    // No install scripts: esbuild's only checks its binary, which npm already placed.
    run(Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--prefix",
        ])
        .arg(npm_prefix())
        .arg(format!("binaryen@{BINARYEN_NPM_VERSION}"))
        .arg(format!("esbuild@{ESBUILD_NPM_VERSION}")))?;
    Ok(tools)
}
