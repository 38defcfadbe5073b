//! A small static file server for the built site, used by `cargo xtask serve` and by the
//! end-to-end tests (which serve the same site at `/` and under a sub-path).

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use tiny_http::{Header, Response, StatusCode};

use crate::Result;

pub struct StaticServer {
    server: Arc<tiny_http::Server>,
    port: u16,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Serves `root` on 127.0.0.1:`port` (0 picks a free port) below `prefix`, e.g. `/` or
    /// `/sync-or-stream/`.
    pub fn start(root: PathBuf, prefix: &str, port: u16) -> Result<StaticServer> {
        let prefix = normalize_prefix(prefix);
        let server = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| {
            if port != 0 && e.to_string().contains("in use") {
                format!("port {port} on 127.0.0.1 is already in use; stop what uses it or pick another port with --port N")
            } else {
                format!("could not listen on 127.0.0.1:{port}: {e}")
            }
        })?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or("the server has no IP address")?;
        let server = Arc::new(server);
        let worker = Arc::clone(&server);
        let thread = std::thread::spawn(move || {
            for request in worker.incoming_requests() {
                let response = respond(&root, &prefix, request.url());
                // A client that went away mid-response is not our problem.
                let _ = request.respond(response);
            }
        });
        Ok(StaticServer {
            server,
            port,
            thread: Some(thread),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Blocks until the server stops (it does not stop on its own).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn normalize_prefix(prefix: &str) -> String {
    let trimmed = prefix.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

type Reply = Response<std::io::Cursor<Vec<u8>>>;

fn respond(root: &Path, prefix: &str, url: &str) -> Reply {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if format!("{path}/") == prefix {
        return redirect(prefix);
    }
    let Some(relative) = path.strip_prefix(prefix) else {
        return not_found();
    };
    let Some(file) = resolve(root, &percent_decode(relative)) else {
        return not_found();
    };
    match std::fs::read(&file) {
        Ok(bytes) => Response::from_data(bytes)
            .with_header(header("Content-Type", content_type(&file)))
            .with_header(header("Cache-Control", "no-cache")),
        Err(_) => not_found(),
    }
}

/// Maps a request path to a file below `root`; anything that would leave it is refused.
fn resolve(root: &Path, relative: &str) -> Option<PathBuf> {
    let mut file = root.to_path_buf();
    for component in Path::new(relative).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(value)) => {
                out.push(value);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("static header names and values are valid")
}

fn not_found() -> Reply {
    Response::from_string("not found")
        .with_status_code(StatusCode(404))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn redirect(location: &str) -> Reply {
    Response::from_string("")
        .with_status_code(StatusCode(301))
        .with_header(header("Location", location))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_cannot_leave_the_site_folder() {
        let root = std::env::temp_dir().join(format!("sos-resolve-{}", std::process::id()));
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("index.html"), "home").unwrap();
        std::fs::write(root.join("sub/a.js"), "a").unwrap();
        assert_eq!(resolve(&root, ""), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "sub/a.js"), Some(root.join("sub/a.js")));
        assert_eq!(resolve(&root, "../etc/passwd"), None);
        assert_eq!(resolve(&root, "sub/../../x"), None);
        assert_eq!(resolve(&root, "/etc/passwd"), None);
        assert_eq!(resolve(&root, "missing.js"), None);
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn prefixes_and_escapes_are_normalized() {
        assert_eq!(normalize_prefix(""), "/");
        assert_eq!(normalize_prefix("/sync-or-stream"), "/sync-or-stream/");
        assert_eq!(normalize_prefix("a/b/"), "/a/b/");
        assert_eq!(percent_decode("a%20b%2"), "a b%2");
        assert_eq!(content_type(Path::new("x.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("x.js")),
            "text/javascript; charset=utf-8"
        );
    }
}
