//! Load and connections against `cc-analytics serve`: 200 live event streams all told of an
//! append, 50 clients that never finish their request head not holding up the others, and
//! thousands of idle connections with bounded server memory. `scripts/load` adds the throughput
//! run (wrk) during a full sync.

#[allow(dead_code, unused_qualifications, clippy::duplicate_mod)]
#[path = "serve/corpus.rs"]
mod corpus;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::http::{Events, Serving, send};
use crate::support::{Scratch, vm_kib};
use corpus::{corpus_file, generate};

const SYNC_TIMEOUT: Duration = Duration::from_secs(60);

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A server with a synced generated corpus (and its watcher on).
fn serving(scratch: &Scratch, files: usize, lines: usize) -> Serving {
    let claude = scratch.claude();
    generate(&claude, files, lines);
    let server = Serving::start(&["--db", arg(&scratch.db()), "--claude-dir", arg(&claude)]);
    server.wait_for_sync(i64::MIN, SYNC_TIMEOUT);
    server
}

/// The time `GET path` takes, checking it succeeds.
fn timed_get(server: &Serving, path: &str) -> Duration {
    let started = Instant::now();
    let response = server.get(path);
    let took = started.elapsed();
    assert_eq!(response.status, 200, "{path}: {}", response.text());
    took
}

#[test]
fn two_hundred_event_streams_all_hear_of_an_append() {
    let scratch = Scratch::new("load-events");
    let server = serving(&scratch, 8, 40);
    let opened = Instant::now();
    let mut streams: Vec<Events> = (0..200).map(|_| Events::open(server.addr, &[])).collect();
    eprintln!("200 event streams open in {:?}", opened.elapsed());

    let appended = Instant::now();
    let file = scratch.0.join("claude/projects/-w-new/new.jsonl");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, corpus_file("5e55ffff-0000-4000-8000-00000000ffff", 3, "/w/new", 9999, 10, None)).unwrap();
    // One deadline for all: the watcher's delay plus the fan-out.
    let deadline = appended + Duration::from_secs(20);
    for (i, stream) in streams.iter_mut().enumerate() {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(stream.wait_for("event: data-changed", left), "stream {i} heard nothing: {}", stream.seen);
    }
    eprintln!("all 200 streams had data-changed {:?} after the write", appended.elapsed());
    assert_eq!(server.get("/api/health").status, 200);
}

#[test]
fn clients_that_never_finish_their_request_do_not_hold_up_others() {
    let scratch = Scratch::new("load-slow");
    let server = serving(&scratch, 30, 100);
    let mut slow: Vec<TcpStream> = (0..50)
        .map(|_| {
            let mut stream = TcpStream::connect(server.addr).unwrap();
            let half = format!("GET /api/analytics/overview HTTP/1.1\r\nHost: {}\r\nX-Half: ", server.addr);
            stream.write_all(half.as_bytes()).unwrap();
            stream
        })
        .collect();
    let hung = Instant::now();

    let paths = ["/api/analytics/overview?tz=UTC", "/api/analytics/sessions?limit=50&tz=UTC", "/api/health"];
    let mut times: Vec<Duration> = (0..60).map(|i| timed_get(&server, paths[i % paths.len()])).collect();
    times.sort();
    let (median, worst) = (times[times.len() / 2], times[times.len() - 1]);
    eprintln!("60 requests while 50 clients hang mid-head: median {median:?}, worst {worst:?}");
    assert!(worst < Duration::from_secs(1), "a request took {worst:?} while slow clients hung");

    // The hanging clients are dropped by the header timeout (10 s), not held forever.
    let first = &mut slow[0];
    first.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut buffer = [0u8; 1024];
    let ended = match first.read(&mut buffer) {
        Ok(_) => true,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    };
    eprintln!("a hanging client was dropped {:?} after it hung", hung.elapsed());
    assert!(ended, "a client that never finishes its head is still held after {:?}", hung.elapsed());
    assert!(hung.elapsed() < Duration::from_secs(15), "dropped only after {:?}", hung.elapsed());
}

/// The soft limit on open files of this process.
fn open_files_limit() -> u64 {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
    let line = limits.lines().find(|line| line.starts_with("Max open files")).unwrap();
    line.split_whitespace().nth(3).and_then(|soft| soft.parse().ok()).unwrap_or(1024)
}

#[test]
fn thousands_of_idle_connections_keep_server_memory_bounded() {
    let scratch = Scratch::new("load-idle");
    let server = serving(&scratch, 30, 100);
    let pid = server.pid();
    // Warm up what a first request allocates, then measure.
    timed_get(&server, "/api/analytics/overview?tz=UTC");
    let before = vm_kib(pid, "VmRSS").unwrap();

    let wanted = 3000u64;
    let limit = open_files_limit();
    let target = wanted.min(limit.saturating_sub(200)) as usize;
    if target < wanted as usize {
        eprintln!("the open-files limit {limit} allows {target} idle connections, not {wanted}");
    }
    let opened = Instant::now();
    let mut idle = Vec::with_capacity(target);
    // A connection that times out was not even queued (the listen backlog is full); three in a
    // row end the opening (the SYN retry interval is 1 s, so 2 s allow one retry each).
    let mut refused = 0;
    while idle.len() < target && refused < 3 {
        match TcpStream::connect_timeout(&server.addr, Duration::from_secs(2)) {
            Ok(stream) => {
                idle.push(stream);
                refused = 0;
            }
            Err(e) => {
                eprintln!("connection {} not accepted into the queue: {e}", idle.len() + 1);
                refused += 1;
            }
        }
    }
    eprintln!("{} idle connections open in {:?}", idle.len(), opened.elapsed());
    std::thread::sleep(Duration::from_millis(500));
    let during = vm_kib(pid, "VmRSS").unwrap();
    let asked = Instant::now();
    let answer = send(server.addr, "GET", "/api/health", &[], b"");
    let waited = asked.elapsed();
    let after = vm_kib(pid, "VmRSS").unwrap();
    eprintln!(
        "server VmRSS: {} MiB before, {} MiB with {} idle connections, {} MiB after a request that waited {waited:?}",
        before / 1024,
        during / 1024,
        idle.len(),
        after / 1024
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(idle.len() >= 500, "only {} idle connections could be opened", idle.len());
    assert!(during.max(after) < before + 64 * 1024, "server memory grew from {before} KiB to {during} KiB");
    let idle_count = idle.len();
    drop(idle);
    // With the idle clients gone the server answers at once again.
    let quick = timed_get(&server, "/api/analytics/overview?tz=UTC");
    assert!(quick < Duration::from_secs(1), "{quick:?}");
    // Checked last: while they were open, a new client got its answer promptly (API.md: slow
    // clients are refused "without harm to other clients").
    assert!(
        waited < Duration::from_secs(2),
        "a request waited {waited:?} behind {} idle connections (expected under 2 s)",
        idle_count
    );
}
