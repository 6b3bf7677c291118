//! A minimal blocking HTTP/1.1 client over `std::net::TcpStream` (one request per connection,
//! `Connection: close`), a reader for the Server-Sent Events stream, and [`Serving`]: a running
//! `cc-analytics serve` that is killed when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::command;

/// How long any single request may take before the test fails.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A whole response.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header names (lower case) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }

    /// The body as `cc-analytics query` prints it: JSON bodies end with a newline there (a
    /// convenience for terminals), CSV bodies are printed as they are.
    pub fn as_printed(&self) -> String {
        let json = self.header("content-type").is_some_and(|t| t.starts_with("application/json"));
        if json { format!("{}\n", self.text()) } else { self.text().to_owned() }
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The `data` of a success envelope with status 200.
    pub fn data(&self) -> Value {
        self.data_with_status(200)
    }

    /// The `data` of a success envelope with `status`.
    pub fn data_with_status(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        let mut body = self.json();
        assert_eq!(body["success"], true, "{}", self.text());
        body["data"].take()
    }

    /// The `error.code` of an error envelope (after checking the envelope's shape).
    pub fn code(&self) -> String {
        let body = self.json();
        assert_eq!(body["success"], false, "{}", self.text());
        assert!(body["error"]["message"].is_string(), "{}", self.text());
        body["error"]["code"].as_str().expect("an error code").to_owned()
    }
}

/// Sends one request to `addr` and reads the whole response. A `Host` header naming `addr` is
/// added unless `headers` has one.
pub fn send(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
    stream.set_read_timeout(Some(REQUEST_TIMEOUT)).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap_or_else(|e| panic!("{method} {path}: reading the response: {e}"));
    parse(&raw).unwrap_or_else(|| panic!("{method} {path}: malformed response: {}", String::from_utf8_lossy(&raw)))
}

/// Parses a complete response (the connection was closed after it).
fn parse(raw: &[u8]) -> Option<Response> {
    let end = find(raw, b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .map(|line| line.split_once(':').map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned())))
        .collect::<Option<_>>()?;
    let rest = &raw[end + 4..];
    let get = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let body = if get("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        dechunk(rest)?
    } else if let Some(length) = get("content-length") {
        rest.get(..length.parse::<usize>().ok()?)?.to_vec()
    } else {
        rest.to_vec()
    };
    Some(Response { status, headers, body })
}

fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = find(rest, b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// An open `GET /api/events` stream.
pub struct Events {
    stream: TcpStream,
    /// Everything received so far (head and raw chunked body).
    pub seen: String,
}

impl Events {
    /// Opens the stream and waits for its head and first frame, so that the server is subscribed
    /// to events when this returns.
    pub fn open(addr: SocketAddr, headers: &[(&str, &str)]) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        let mut head = format!("GET /api/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        let mut events = Events { stream, seen: String::new() };
        assert!(events.wait_for("retry:", Duration::from_secs(10)), "no event stream: {}", events.seen);
        let lower = events.seen.to_ascii_lowercase();
        assert!(lower.starts_with("http/1.1 200"), "{}", events.seen);
        assert!(lower.contains("content-type: text/event-stream"), "{}", events.seen);
        events
    }

    /// Reads until the server closes the stream (true) or `timeout` passed (false).
    pub fn ends_within(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut buffer = [0u8; 8192];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            self.stream.set_read_timeout(Some(left.min(Duration::from_millis(250)))).unwrap();
            match self.stream.read(&mut buffer) {
                Ok(0) => return true,
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
                Err(e) => panic!("reading events: {e}"),
            }
        }
    }

    /// Reads until `needle` has been received (true) or `timeout` passed (false).
    pub fn wait_for(&mut self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut buffer = [0u8; 8192];
        while !self.seen.contains(needle) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            self.stream.set_read_timeout(Some(left.min(Duration::from_millis(250)))).unwrap();
            match self.stream.read(&mut buffer) {
                Ok(0) => return false,
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(e) => panic!("reading events: {e}"),
            }
        }
        true
    }
}

/// A running `cc-analytics serve --port 0 --tz UTC ...`, killed (SIGKILL) when dropped.
pub struct Serving {
    child: Child,
    /// Where to connect (127.0.0.1 and the chosen port, whatever address was bound).
    pub addr: SocketAddr,
    /// What the server wrote on stderr so far.
    stderr: Arc<Mutex<String>>,
}

impl Serving {
    /// Starts `cc-analytics serve --port 0 --tz UTC ARGS...` and waits for its address line.
    pub fn start(args: &[&str]) -> Serving {
        let mut all = vec!["serve", "--port", "0", "--tz", "UTC"];
        all.extend_from_slice(args);
        let mut command = command(&all);
        command
            .env_remove("CC_ANALYTICS_TOKEN")
            .env_remove("CC_ANALYTICS_DB")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("cc-analytics serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = err.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        // The rest of stdout is drained so that the server never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let mut serving = Serving { child, addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0), stderr };
        let bound: SocketAddr = first
            .trim_end()
            .strip_prefix("cc-analytics: serving http://")
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| {
                let status = serving.child.wait();
                panic!("no address line: {first:?} ({status:?}); stderr: {}", serving.stderr())
            });
        serving.addr.set_port(bound.port());
        serving
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Response {
        send(self.addr, "GET", path, &[], b"")
    }

    /// `POST path` with `body`.
    pub fn post(&self, path: &str, body: &str) -> Response {
        send(self.addr, "POST", path, &[("Content-Type", "application/json")], body.as_bytes())
    }

    /// The `data` of `GET /api/sync/status`.
    pub fn status(&self) -> Value {
        self.get("/api/sync/status").data()
    }

    /// Polls `/api/sync/status` until no sync runs and the last one started at or after
    /// `after_ms` (Unix ms, read from this machine's clock before the change or request that
    /// must be seen; `i64::MIN` for any finished sync). Panics after `timeout`.
    pub fn wait_for_sync(&self, after_ms: i64, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let status = self.status();
            if status["isRunning"] == false && started_ms(&status).is_some_and(|started| started >= after_ms) {
                assert!(status["lastError"].is_null(), "the sync failed: {status}");
                return status;
            }
            assert!(Instant::now() < deadline, "no finished sync after {after_ms} within {timeout:?}: {status}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls `/api/sync/status` until no sync runs (for dry runs, which leave no record).
    pub fn wait_idle(&self, timeout: Duration) -> Value {
        poll(timeout, || {
            let status = self.status();
            (status["isRunning"] == false).then_some(status)
        })
    }

    /// SIGTERM, then waits for the exit: its status and how long it took.
    pub fn terminate(mut self, timeout: Duration) -> (ExitStatus, Duration) {
        let pid = self.child.id().to_string();
        let sent = Instant::now();
        let kill = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
        assert!(kill.success(), "kill -TERM {pid} failed");
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, sent.elapsed());
            }
            assert!(sent.elapsed() < timeout, "no exit within {timeout:?} of SIGTERM; stderr: {}", self.stderr());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL, and waits for the process to be gone.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// When the last finished sync started, Unix ms: `lastSync` (its end) minus its duration.
pub fn started_ms(status: &Value) -> Option<i64> {
    let end = chrono::DateTime::parse_from_rfc3339(status["lastSync"].as_str()?).ok()?;
    Some(end.timestamp_millis() - status["lastSyncDuration"].as_i64()?)
}

/// The clock, Unix ms.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Calls `check` every 50 ms until it returns something; panics after `timeout`.
pub fn poll<T>(timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "condition not met within {timeout:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
