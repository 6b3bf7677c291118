//! `GET /api/events`: the backend's live events as Server-Sent Events. A task per stream turns
//! broadcast events into frames; a comment heartbeat keeps idle connections open through proxies
//! and notices clients that went away. A client too slow for the broadcast is told to refresh
//! (`data-changed`) instead of being dropped, and every stream ends when the server shuts down.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::BodyExt;
use hyper::body::{Bytes, Frame, SizeHint};
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use tokio::sync::{broadcast, mpsc, watch};

use super::backend::Event;
use super::response::{Body, with_security_headers};

/// Frames waiting for a slow client; beyond this the task waits and the broadcast may lag.
const QUEUE: usize = 16;

/// The event-stream response for `events`, ending when `shutdown` turns true.
pub fn stream(
    events: broadcast::Receiver<Event>,
    heartbeat: Duration,
    shutdown: watch::Receiver<bool>,
) -> Response<Body> {
    let (frames, receiver) = mpsc::channel(QUEUE);
    tokio::spawn(pump(events, frames, heartbeat, shutdown));
    let mut response = Response::new(EventBody { receiver }.boxed());
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    with_security_headers(response, false)
}

/// Moves events into the response until the client leaves, the events end or the server stops.
async fn pump(
    mut events: broadcast::Receiver<Event>,
    frames: mpsc::Sender<Bytes>,
    heartbeat: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
    // Tells the browser how soon to reconnect, and flushes the head of the response.
    if frames.send(Bytes::from_static(b"retry: 3000\n\n")).await.is_err() {
        return;
    }
    loop {
        let frame = tokio::select! {
            () = super::stopping(&mut shutdown) => return,
            () = frames.closed() => return,
            _ = ticks.tick() => Bytes::from_static(b": heartbeat\n\n"),
            received = events.recv() => match received {
                Ok(event) => encode(&event),
                Err(broadcast::error::RecvError::Lagged(_)) => encode(&Event::DataChanged),
                Err(broadcast::error::RecvError::Closed) => return,
            },
        };
        if frames.send(frame).await.is_err() {
            return;
        }
    }
}

/// One event in the text/event-stream format. `data-changed` carries `{}` because a browser
/// does not dispatch an event without data.
pub fn encode(event: &Event) -> Bytes {
    let (name, data) = match event {
        Event::SyncProgress(status) => ("sync-progress", serde_json::to_string(status)),
        Event::SyncFinished(status) => ("sync-finished", serde_json::to_string(status)),
        Event::DataChanged => ("data-changed", Ok("{}".to_owned())),
    };
    // Serialising plain API structs cannot fail; should it, the page is told to refresh.
    let data = data.unwrap_or_else(|_| "{}".to_owned());
    Bytes::from(format!("event: {name}\ndata: {data}\n\n"))
}

/// The response body: frames from the pump task, ending when the task ends.
struct EventBody {
    receiver: mpsc::Receiver<Bytes>,
}

impl hyper::body::Body for EventBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.receiver.poll_recv(cx).map(|frame| frame.map(|bytes| Ok(Frame::data(bytes))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

#[cfg(test)]
mod tests {
    use cc_analytics_core::api::SyncStatus;

    use super::*;

    #[test]
    fn events_encode() {
        assert_eq!(encode(&Event::DataChanged), "event: data-changed\ndata: {}\n\n");
        let status = SyncStatus { is_running: true, ..SyncStatus::default() };
        let frame = encode(&Event::SyncProgress(status));
        let text = std::str::from_utf8(&frame).unwrap();
        assert!(text.starts_with("event: sync-progress\ndata: {"), "{text}");
        assert!(text.contains("\"isRunning\":true"), "{text}");
        assert!(text.ends_with("}\n\n"), "{text}");
    }
}
