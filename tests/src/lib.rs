//! The end-to-end harness: serves the built site (at `/` or under a sub-path), starts
//! chromedriver and headless Chromium, and hands tests a [`Page`] with helpers to open a route,
//! click and read elements by `data-testid`, read the console and save screenshots.
//!
//! Every run fails on a console error or a Rust panic in the page, and always shuts down the
//! browser and driver it started (by process group, even when the test failed) and removes its
//! temporary profile.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use serde_json::{Value, json};
use xtask::server::StaticServer;

mod network;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T = (), E = Error> = std::result::Result<T, E>;

/// Where the site is served from in a run.
#[derive(Clone, Copy, Debug)]
pub enum Mount {
    Root,
    /// Under `/sync-or-stream/`, as on a GitHub Pages project site.
    SubPath,
}

impl Mount {
    fn prefix(self) -> &'static str {
        match self {
            Mount::Root => "/",
            Mount::SubPath => "/sync-or-stream/",
        }
    }
}

/// The built site: `SOS_SITE_DIR` when `cargo xtask test` built it, otherwise `dist/` if it
/// exists, otherwise built now.
pub fn site_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("SOS_SITE_DIR") {
        // Relative to the workspace, not to the test's working folder (the crate's own).
        return Ok(xtask::workspace_root().join(dir));
    }
    let dist = xtask::workspace_root().join("dist");
    if dist.join("index.html").is_file() {
        return Ok(dist);
    }
    let options = xtask::site::BuildOptions {
        out_dir: dist.clone(),
        shrink: xtask::site::Shrink::IfAvailable,
        live_reload: false,
    };
    xtask::site::build(&options)?;
    Ok(dist)
}

pub fn screenshot_dir() -> PathBuf {
    xtask::workspace_root().join("target/e2e")
}

/// Opens a browser on the site mounted at `mount`, runs `test`, then checks the console and
/// shuts everything down whatever happened. `name` labels screenshots and messages.
pub fn run(name: &str, mount: Mount, test: impl AsyncFnOnce(&Page) -> Result) -> Result {
    let server = StaticServer::start(site_dir()?, mount.prefix(), 0)?;
    let relay = network::Relay::start(server.port())?;
    let base = format!("http://127.0.0.1:{}{}", relay.port(), mount.prefix());
    let mut browser = Browser::start()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let outcome = runtime.block_on(async {
        let client = browser.connect().await?;
        let page = Page {
            client,
            base,
            name: name.to_string(),
            relay,
        };
        let tested = test(&page).await;
        let console = page.console_problems().await;
        if tested.is_err() {
            let _ = page.screenshot("failure").await;
        }
        let _ = page.client.close().await;
        let console = match console {
            Ok(problems) if problems.is_empty() => None,
            Ok(problems) => Some(format!(
                "the page logged errors:\n  {}",
                problems.join("\n  ")
            )),
            Err(error) => Some(format!("could not read the browser console: {error}")),
        };
        match (tested, console) {
            (Ok(()), None) => Ok(()),
            (Ok(()), Some(console)) => Err(console.into()),
            (Err(error), None) => Err(error),
            (Err(error), Some(console)) => Err(format!("{error}\n{console}").into()),
        }
    });
    browser.shut_down();
    outcome.map_err(|e| format!("[{name} at {}] {e}", mount.prefix()).into())
}

/// A chromedriver process (and the Chromium it starts) in its own process group and
/// temporary folder.
struct Browser {
    driver: Child,
    port: u16,
    temp: PathBuf,
}

impl Browser {
    fn start() -> Result<Browser> {
        let chromedriver = xtask::tools::find_on_path("chromedriver")
            .ok_or("chromedriver is not installed; `cargo xtask test` installs it, or run `sudo apt-get install -y chromium chromium-driver`")?;
        let port = free_port()?;
        let temp = std::env::temp_dir().join(format!("sos-e2e-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&temp)?;
        let mut command = Command::new(chromedriver);
        command
            .arg(format!("--port={port}"))
            // chromedriver puts its scoped profile folders in TMPDIR; keep them in ours.
            .env("TMPDIR", &temp)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        use std::os::unix::process::CommandExt;
        command.process_group(0);
        let driver = command.spawn()?;
        let browser = Browser { driver, port, temp };
        wait_for_port(port, Duration::from_secs(20))?;
        Ok(browser)
    }

    async fn connect(&self) -> Result<Client> {
        let profile = self.temp.join("profile");
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": chromium_binary(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal")
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        Ok(ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await?)
    }

    /// Kills the whole process group (chromedriver does not take Chromium down with it),
    /// then anything still using our profile, then removes the temporary folder.
    fn shut_down(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
        let _ = Command::new("pkill")
            .args(["-KILL", "-f"])
            .arg(self.temp.to_string_lossy().as_ref())
            .status();
        let _ = std::fs::remove_dir_all(&self.temp);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if self.temp.exists() {
            self.shut_down();
        }
    }
}

fn chromium_binary() -> String {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(xtask::tools::find_on_path)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| "/usr/bin/chromium".into())
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn wait_for_port(port: u16, limit: Duration) -> Result {
    let start = Instant::now();
    while start.elapsed() < limit {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("chromedriver did not listen on port {port} within {limit:?}").into())
}

/// One browser tab on the served site.
pub struct Page {
    pub client: Client,
    base: String,
    name: String,
    relay: network::Relay,
}

impl Page {
    /// Opens a route relative to where the site is mounted, e.g. `""`, `"#/sandbox"`, `"?embed"`.
    pub async fn open(&self, route: &str) -> Result {
        self.client.goto(&format!("{}{route}", self.base)).await?;
        Ok(())
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Cuts the network between the browser and the site: open connections are reset and
    /// new ones refused.
    /// Whether the site's service worker is installed and active (waits for it to be ready).
    pub async fn offline_cache_ready(&self) -> Result<bool> {
        let ready = self
            .client
            .execute_async("const done = arguments[arguments.length - 1]; navigator.serviceWorker.ready.then(r => done(!!r.active), () => done(false));", vec![])
            .await?;
        Ok(ready == Value::Bool(true))
    }

    pub fn cut_network(&self) {
        self.relay.cut();
    }

    /// Waits (up to 10 s) for the element with this `data-testid`.
    pub async fn find(&self, test_id: &str) -> Result<Element> {
        let selector = format!("[data-testid=\"{test_id}\"]");
        let wait = self.client.wait().at_most(Duration::from_secs(10));
        wait.for_element(Locator::Css(&selector))
            .await
            .map_err(|e| format!("no element with data-testid=\"{test_id}\": {e}").into())
    }

    /// Scrolls the element to the middle of the window (clear of sticky bars), then clicks it.
    pub async fn click(&self, test_id: &str) -> Result {
        let element = self.find(test_id).await?;
        let script = "arguments[0].scrollIntoView({ block: 'center', inline: 'center' });";
        self.client
            .execute(script, vec![serde_json::to_value(&element)?])
            .await?;
        element.click().await?;
        Ok(())
    }

    /// Every element with this `data-testid` now, without waiting (none is an empty list).
    pub async fn find_all(&self, test_id: &str) -> Result<Vec<Element>> {
        let selector = format!("[data-testid=\"{test_id}\"]");
        Ok(self.client.find_all(Locator::Css(&selector)).await?)
    }

    pub async fn text(&self, test_id: &str) -> Result<String> {
        Ok(self.find(test_id).await?.text().await?)
    }

    /// Waits (up to 10 s) until the element's text satisfies `accept`, returning it.
    pub async fn wait_for_text(
        &self,
        test_id: &str,
        accept: impl Fn(&str) -> bool,
    ) -> Result<String> {
        self.wait_for_text_within(test_id, accept, 10).await
    }

    pub async fn wait_for_text_within(
        &self,
        test_id: &str,
        accept: impl Fn(&str) -> bool,
        seconds: u64,
    ) -> Result<String> {
        let start = Instant::now();
        loop {
            let text = self.text_content(test_id).await?;
            if accept(&text) {
                return Ok(text);
            }
            if start.elapsed() > Duration::from_secs(seconds) {
                return Err(format!(
                    "data-testid=\"{test_id}\" still reads {text:?} after {seconds} s"
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element's text even when it is hidden (in a closed `<details>`, say).
    pub async fn text_content(&self, test_id: &str) -> Result<String> {
        self.find(test_id).await?;
        let script = "return document.querySelector(`[data-testid=\"${arguments[0]}\"]`).textContent.trim();";
        let text = self.client.execute(script, vec![json!(test_id)]).await?;
        Ok(text.as_str().unwrap_or_default().to_string())
    }

    /// Browser console entries since the last call: `(level, message)`.
    pub async fn console(&self) -> Result<Vec<(String, String)>> {
        let entries = self.client.issue_cmd(BrowserLog).await?;
        let entries = entries.as_array().cloned().unwrap_or_default();
        Ok(entries
            .iter()
            .map(|e| {
                (
                    e["level"].as_str().unwrap_or("").to_string(),
                    e["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect())
    }

    /// Console errors and Rust panics since the last call.
    async fn console_problems(&self) -> Result<Vec<String>> {
        Ok(self
            .console()
            .await?
            .into_iter()
            .filter(|(level, message)| level == "SEVERE" || message.contains("panicked at"))
            .map(|(level, message)| format!("{level}: {message}"))
            .collect())
    }

    /// Saves a PNG under `target/e2e/` as `<test name>-<label>.png`.
    pub async fn screenshot(&self, label: &str) -> Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)?;
        let file = dir.join(format!("{}-{label}.png", self.name));
        std::fs::write(&file, png)?;
        Ok(file)
    }

    /// Sets an input's or select's value the way a user's edit does: `input` then `change`.
    pub async fn set_value(&self, test_id: &str, value: &str) -> Result {
        self.find(test_id).await?;
        let script = "const el = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);
            el.value = arguments[1];
            el.dispatchEvent(new Event('input', { bubbles: true }));
            el.dispatchEvent(new Event('change', { bubbles: true }));";
        self.client
            .execute(script, vec![json!(test_id), json!(value)])
            .await?;
        Ok(())
    }

    /// The cells of a table (header row first), read from the DOM even when the table sits in
    /// a closed `<details>`.
    pub async fn table(&self, test_id: &str) -> Result<Vec<Vec<String>>> {
        let script = "const table = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);
            if (!table) return [];
            return [...table.querySelectorAll('tr')].map(tr => [...tr.children].map(c => c.textContent.trim()));";
        let rows = self.client.execute(script, vec![json!(test_id)]).await?;
        let rows: Vec<Vec<String>> =
            serde_json::from_value(rows).map_err(|e| format!("table {test_id}: {e}"))?;
        if rows.is_empty() {
            return Err(format!("no table with data-testid=\"{test_id}\"").into());
        }
        Ok(rows)
    }

    /// The data table of chart `chart` (`latency`, `lag`, …), opened first when it is closed:
    /// the header row, then the data rows.
    pub async fn chart_table(&self, chart: &str) -> Result<Vec<Vec<String>>> {
        let table = format!("chart-{chart}-table");
        if self.table(&table).await.is_err() {
            self.click(&format!("chart-{chart}-table-toggle")).await?;
            // The table is built when the details element reports it opened, a moment later.
            self.find(&table).await?;
        }
        self.table(&table).await
    }

    /// Fails when the page scrolls sideways (something is wider than the window).
    pub async fn assert_no_sideways_scroll(&self) -> Result {
        let widths = self.eval("return [document.documentElement.scrollWidth, document.documentElement.clientWidth];").await?;
        let (scroll, client) = (
            widths[0].as_f64().unwrap_or(0.0),
            widths[1].as_f64().unwrap_or(0.0),
        );
        if scroll > client + 1.0 {
            return Err(format!(
                "{}: the page is {scroll}px wide in a {client}px window",
                self.name
            )
            .into());
        }
        Ok(())
    }

    /// The smallest text in the topology drawings, in CSS pixels as shown on screen (the font
    /// size times the drawing's scale), and the most services side by side in the synchronous
    /// topology (the event-driven one is laid out in columns).
    pub async fn topology_text(&self) -> Result<(f64, Vec<u64>)> {
        let found = self
            .eval(
                "const graphs = [...document.querySelectorAll('svg.graph')];
                 let smallest = Infinity;
                 const columns = [];
                 for (const svg of graphs) {
                   const box = svg.viewBox.baseVal;
                   const scale = svg.getBoundingClientRect().width / box.width;
                   for (const text of svg.querySelectorAll('text')) {
                     if (!text.textContent.trim()) continue;
                     const size = parseFloat(getComputedStyle(text).fontSize) * scale;
                     smallest = Math.min(smallest, size);
                   }
                   if (!svg.closest('[data-testid=topology-sync]')) continue;
                   const rows = {};
                   for (const r of svg.querySelectorAll('.node > rect:first-of-type')) {
                     const y = r.getAttribute('y');
                     rows[y] = (rows[y] || 0) + 1;
                   }
                   columns.push(Math.max(0, ...Object.values(rows)));
                 }
                 return [smallest, columns];",
            )
            .await?;
        let smallest = found[0].as_f64().unwrap_or(0.0);
        let columns = found[1]
            .as_array()
            .map(|c| c.iter().filter_map(|v| v.as_u64()).collect())
            .unwrap_or_default();
        Ok((smallest, columns))
    }

    /// Shows the page as a screen `width` × `height` CSS pixels shows it (a phone's below
    /// 600 px), whatever the window's size: headless windows cannot be made that narrow.
    pub async fn emulate(&self, width: u32, height: u32) -> Result {
        self.client
            .issue_cmd(DevTools {
                command: "Emulation.setDeviceMetricsOverride",
                params: json!({"width": width, "height": height, "deviceScaleFactor": 1,
                               "mobile": width < 600}),
            })
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        Ok(())
    }

    pub async fn set_size(&self, width: u32, height: u32) -> Result {
        self.client.set_window_size(width, height).await?;
        Ok(())
    }

    pub async fn eval(&self, script: &str) -> Result<Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Simulated seconds shown by the clock ("t = 12.34 s of 600 s").
    pub async fn clock(&self) -> Result<f64> {
        let text = self.text_content("clock").await?;
        parse_clock(&text).ok_or_else(|| format!("unreadable clock {text:?}").into())
    }

    /// The text summary of every chart, in order: what a learner would read off them.
    pub async fn chart_summaries(&self) -> Result<Vec<String>> {
        let mut all = Vec::new();
        for chart in ["latency", "outcomes", "throughput", "lag", "correctness"] {
            all.push(self.text_content(&format!("chart-{chart}-summary")).await?);
        }
        Ok(all)
    }

    /// Makes the page see `prefers-color-scheme: dark` (or light again), as a visitor's
    /// system setting would.
    pub async fn set_dark(&self, dark: bool) -> Result {
        let scheme = if dark { "dark" } else { "light" };
        self.client
            .issue_cmd(DevTools {
                command: "Emulation.setEmulatedMedia",
                params: json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
            })
            .await?;
        Ok(())
    }
}

/// A DevTools protocol command through chromedriver's `goog/cdp/execute` endpoint.
#[derive(Debug)]
struct DevTools {
    command: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({"cmd": self.command, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}

/// chromedriver's log endpoint (not part of W3C WebDriver, but served in W3C mode).
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(r#"{"type":"browser"}"#.to_string()),
        )
    }
}

/// A shared-run link's payload (`#/sandbox?run=…`) for this JSON: base64url without padding.
pub fn link_payload(run: &Value) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(run.to_string())
}

/// The seconds in a clock text such as "t = 12.34 s of 600 s".
pub fn parse_clock(text: &str) -> Option<f64> {
    text.strip_prefix("t = ")?.split(' ').next()?.parse().ok()
}
