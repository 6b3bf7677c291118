//! The server over real HTTP on 127.0.0.1: a fake backend, a raw TCP client (so malformed and
//! hostile requests can be written byte for byte), one test per route, error path and defence.

mod api;
mod defences;
mod lifecycle;
mod static_files;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cc_analytics_core::api::{DatabaseStats, SyncPreview, SyncRequest, SyncStatus};
use cc_analytics_core::{ApiError, Reply};
use hyper::body::Bytes;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{broadcast, oneshot};
use tokio::task::JoinHandle;

use super::backend::Event;
use super::{Backend, Config, Limits, bind};

/// Answers from memory; analytics echo their target.
struct Fake {
    events: broadcast::Sender<Event>,
    running: AtomicBool,
    started: Mutex<Vec<SyncRequest>>,
    resets: AtomicUsize,
}

impl Fake {
    fn new() -> Fake {
        Fake {
            events: broadcast::channel(4).0,
            running: AtomicBool::new(false),
            started: Mutex::new(Vec::new()),
            resets: AtomicUsize::new(0),
        }
    }
}

impl Backend for Fake {
    fn analytics(&self, target: &str) -> Arc<Reply> {
        Arc::new(match target.split('?').next().unwrap_or_default() {
            "/api/analytics/slow" => {
                std::thread::sleep(Duration::from_millis(300));
                Reply::success(&json!({ "target": target }))
            }
            "/api/analytics/panic" => panic!("failed reading /home/someone/.claude/projects/x.jsonl"),
            "/api/analytics/export" => Reply {
                status: 200,
                content_type: "text/csv; charset=utf-8",
                headers: vec![("Content-Disposition".to_owned(), "attachment; filename=\"x.csv\"".to_owned())],
                body: "id,cost\na,1\n".to_owned(),
            },
            "/api/analytics/sessions/missing" => Reply::error(&ApiError::NotFound("Session not found".to_owned())),
            _ => Reply::success(&json!({ "target": target })),
        })
    }

    fn sync_status(&self) -> SyncStatus {
        SyncStatus { is_running: self.running.load(Ordering::SeqCst), ..SyncStatus::default() }
    }

    fn sync_preview(&self) -> Result<SyncPreview, ApiError> {
        Ok(SyncPreview { total_pending_files: 2, ..SyncPreview::default() })
    }

    fn sync_stats(&self) -> Result<DatabaseStats, ApiError> {
        Ok(DatabaseStats { total_sessions: 3, database_size: "1.0 KB".to_owned(), ..DatabaseStats::default() })
    }

    fn start_sync(&self, request: SyncRequest) -> Result<String, ApiError> {
        if self.running.swap(true, Ordering::SeqCst) {
            return Err(ApiError::SyncInProgress);
        }
        self.started.lock().unwrap().push(request);
        Ok("sync-1".to_owned())
    }

    fn reset(&self) -> Result<(), ApiError> {
        self.resets.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn events(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    fn sources(&self) -> Vec<String> {
        vec!["/home/me/.claude/projects".to_owned()]
    }
}

/// A server on a free port with the fake behind it.
struct Running {
    addr: SocketAddr,
    fake: Arc<Fake>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

const INDEX: &str = "<!doctype html><title>cc-analytics</title>";
const PACKAGE_FILE_MARKER: &str = "[package]";

fn dashboard() -> super::Assets {
    [
        ("index.html", INDEX),
        ("assets/app-3f9a1c.js", "console.log(1)"),
        ("assets/app.css", "body{}"),
        ("assets/core-8f2b3c1d.wasm", "\0asm"),
        ("favicon.svg", "<svg/>"),
    ]
    .into_iter()
    .map(|(path, text)| (path.to_owned(), Bytes::from_static(text.as_bytes())))
    .collect()
}

async fn start(configure: impl FnOnce(&mut Config)) -> Running {
    let fake = Arc::new(Fake::new());
    let mut config = Config::new(fake.clone());
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.assets = dashboard();
    configure(&mut config);
    let server = bind(config).await.expect("binds");
    let addr = server.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.serve(async move {
        let _ = stopped.await;
    }));
    Running { addr, fake, stop: Some(stop), task }
}

impl Running {
    /// Signals shutdown and returns how long `serve` took to return.
    async fn stop(mut self) -> Duration {
        let begun = Instant::now();
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(10), self.task).await.expect("serve returns").unwrap().unwrap();
        begun.elapsed()
    }

    async fn get(&self, path: &str) -> Answer {
        send(self.addr, &request("GET", path, &[], "")).await
    }

    async fn call(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
        send(self.addr, &request(method, path, headers, body)).await
    }
}

/// A request with `Host: 127.0.0.1` (unless given) and `Connection: close`.
fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("host")) {
        head.push_str("Host: 127.0.0.1\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    format!("{head}\r\n{body}")
}

/// A parsed response.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {self:?}"))
    }

    /// The error code of an error envelope, after checking its shape.
    fn code(&self) -> String {
        let json = self.json();
        assert_eq!(json["success"], false, "{json}");
        assert!(json["error"]["message"].is_string(), "{json}");
        assert!(json["error"]["details"].is_object(), "{json}");
        json["error"]["code"].as_str().unwrap().to_owned()
    }
}

async fn send(addr: SocketAddr, raw: &str) -> Answer {
    send_bytes(addr, raw.as_bytes()).await
}

async fn send_bytes(addr: SocketAddr, raw: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(raw).await.unwrap();
    let mut bytes = Vec::new();
    // A reset after the answer (unread request bytes) still leaves the answer in `bytes`.
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut bytes)).await.expect("answer in time");
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no response head in {text:?}"));
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let chunked = headers.iter().any(|(name, value)| name == "transfer-encoding" && value.contains("chunked"));
    let body = if chunked { dechunk(body) } else { body.to_owned() };
    Answer { status, headers, body }
}

fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    body
}

/// An open event stream.
struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    async fn open(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Events {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(request("GET", path, headers, "").as_bytes()).await.unwrap();
        let mut events = Events { stream, seen: String::new() };
        assert!(events.wait_for("\r\n\r\n").await, "no response head: {}", events.seen);
        assert!(events.seen.starts_with("HTTP/1.1 200"), "{}", events.seen);
        assert!(events.seen.to_ascii_lowercase().contains("content-type: text/event-stream"), "{}", events.seen);
        events
    }

    /// Reads until `needle` was received (true), the stream ended or 5 s passed (false).
    async fn wait_for(&mut self, needle: &str) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let mut buffer = [0; 4096];
        while !self.seen.contains(needle) {
            match tokio::time::timeout_at(deadline, self.stream.read(&mut buffer)).await {
                Ok(Ok(read)) if read > 0 => self.seen.push_str(&String::from_utf8_lossy(&buffer[..read])),
                _ => return false,
            }
        }
        true
    }

    /// Whether the server ends the stream within 5 s.
    async fn ends(&mut self) -> bool {
        let mut rest = Vec::new();
        matches!(tokio::time::timeout(Duration::from_secs(5), self.stream.read_to_end(&mut rest)).await, Ok(Ok(_)))
    }
}
