//! Live events and graceful shutdown.

use super::*;

#[tokio::test]
async fn events_stream_broadcasts() {
    let server = start(|_| {}).await;
    let mut events = Events::open(server.addr, "/api/events", &[]).await;
    assert!(events.wait_for("retry: 3000\n\n").await);
    let status = SyncStatus { is_running: true, sync_id: Some("sync-9".to_owned()), ..SyncStatus::default() };
    server.fake.events.send(Event::SyncProgress(status.clone())).unwrap();
    let progress = format!("event: sync-progress\ndata: {}\n\n", serde_json::to_string(&status).unwrap());
    assert!(events.wait_for(&progress).await, "{}", events.seen);
    let finished = SyncStatus { is_running: false, ..status };
    server.fake.events.send(Event::SyncFinished(finished.clone())).unwrap();
    let finished = format!("event: sync-finished\ndata: {}\n\n", serde_json::to_string(&finished).unwrap());
    assert!(events.wait_for(&finished).await, "{}", events.seen);
    server.fake.events.send(Event::DataChanged).unwrap();
    assert!(events.wait_for("event: data-changed\ndata: {}\n\n").await, "{}", events.seen);
    server.stop().await;
    assert!(events.ends().await);
}

#[tokio::test]
async fn events_stream_survives_lag() {
    let server = start(|_| {}).await;
    let mut events = Events::open(server.addr, "/api/events", &[]).await;
    // More than the channel holds, sent before the stream's task can run.
    for _ in 0..20 {
        server.fake.events.send(Event::SyncProgress(SyncStatus::default())).unwrap();
    }
    assert!(events.wait_for("event: data-changed").await, "{}", events.seen);
    server.fake.events.send(Event::SyncFinished(SyncStatus::default())).unwrap();
    assert!(events.wait_for("event: sync-finished").await, "{}", events.seen);
    server.stop().await;
}

#[tokio::test]
async fn events_stream_heartbeat() {
    let server = start(|config| config.limits.heartbeat = Duration::from_millis(100)).await;
    let mut events = Events::open(server.addr, "/api/events", &[]).await;
    assert!(events.wait_for(": heartbeat\n\n").await, "{}", events.seen);
    server.stop().await;
}

#[tokio::test]
async fn graceful_shutdown_finishes_requests_and_ends_streams() {
    let server = start(|_| {}).await;
    let addr = server.addr;
    let mut events = Events::open(addr, "/api/events", &[]).await;
    let in_flight = tokio::spawn(async move { send(addr, &request("GET", "/api/analytics/slow", &[], "")).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let took = server.stop().await;
    let answer = in_flight.await.unwrap();
    assert_eq!(answer.status, 200, "the request in flight is answered");
    assert!(events.ends().await, "the event stream ends");
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert!(TcpStream::connect(addr).await.is_err(), "no longer accepting");
}

#[tokio::test]
async fn graceful_shutdown_is_bounded() {
    let server = start(|config| {
        config.limits.header_timeout = Duration::from_secs(60);
        config.limits.shutdown_grace = Duration::from_millis(200);
    })
    .await;
    // A client that never finishes its request head.
    let mut stuck = TcpStream::connect(server.addr).await.unwrap();
    stuck.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127").await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let took = server.stop().await;
    assert!(took < Duration::from_secs(2), "{took:?}");
}
