//! The HTTP server of `cc-analytics serve`: HTTP/1.1 on hyper, the API of API.md over a
//! [`Backend`], the dashboard's static files, and the security defaults (Host allow-list, token,
//! limits). [`bind`] opens the socket so the caller can print the address; [`Server::serve`] runs
//! until the shutdown future resolves, then stops accepting, lets requests in flight finish for a
//! bounded time and ends the event streams.

mod assets;
pub mod backend;
mod response;
mod route;
mod security;
mod sse;

#[cfg(test)]
mod tests;

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use cc_analytics_core::ApiError;
use hyper::body::Incoming;
use hyper::header::{CONNECTION, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

pub use assets::Assets;
pub use backend::Backend;
pub use route::read;

use response::Body;
use security::{HostAllowList, MAX_HEADER_BYTES, Refusal};

/// The address the server binds by default (API.md).
pub const DEFAULT_ADDR: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 3001);

/// What the server needs to start.
pub struct Config {
    /// Where to listen; port 0 picks a free port ([`Server::local_addr`] tells which).
    pub addr: SocketAddr,
    /// The access token every `/api` request must carry; required off loopback.
    pub token: Option<String>,
    /// Host names allowed in the `Host` header besides `localhost`, `127.0.0.1`, `[::1]` and the
    /// bound address (port ignored).
    pub allowed_hosts: Vec<String>,
    /// The dashboard's files.
    pub assets: Assets,
    /// The program behind the API.
    pub backend: Arc<dyn Backend>,
    /// Timeouts and limits.
    pub limits: Limits,
}

impl Config {
    /// The defaults: `127.0.0.1:3001`, no token, no extra hosts, no files.
    pub fn new(backend: Arc<dyn Backend>) -> Config {
        Config {
            addr: DEFAULT_ADDR,
            token: None,
            allowed_hosts: Vec::new(),
            assets: Assets::new(),
            backend,
            limits: Limits::default(),
        }
    }
}

/// Timeouts and limits that keep slow or many clients from harming the others. The body limit
/// (64 KiB) and the header limit (16 KiB) are fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Time for a client to send a request head, also the idle time of a kept-alive connection.
    pub header_timeout: Duration,
    /// Time for a client to send a request body.
    pub body_timeout: Duration,
    /// Interval of the comment heartbeat on event streams.
    pub heartbeat: Duration,
    /// How long a shutdown waits for requests in flight before it drops them.
    pub shutdown_grace: Duration,
    /// Connections served at once; further clients wait in the listen queue.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            heartbeat: Duration::from_secs(15),
            shutdown_grace: Duration::from_secs(5),
            max_connections: 4096,
        }
    }
}

/// What every request handler sees.
struct State {
    backend: Arc<dyn Backend>,
    token: Option<Vec<u8>>,
    hosts: HostAllowList,
    assets: Assets,
    limits: Limits,
    /// Turns true when the server shuts down; event streams end on it.
    shutdown: watch::Receiver<bool>,
}

/// A bound server, not yet accepting.
pub struct Server {
    listener: TcpListener,
    state: Arc<State>,
    stop: watch::Sender<bool>,
}

/// Binds `config.addr`. Refuses a non-loopback address without a token, and an empty token.
pub async fn bind(config: Config) -> io::Result<Server> {
    let Config { addr, token, allowed_hosts, assets, backend, limits } = config;
    let token = token.map(String::into_bytes);
    if token.as_ref().is_some_and(Vec::is_empty) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "the access token must not be empty"));
    }
    if !addr.ip().is_loopback() && token.is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("listening on {} (not loopback) requires an access token", addr.ip()),
        ));
    }
    let listener = TcpListener::bind(addr).await?;
    let (stop, shutdown) = watch::channel(false);
    let hosts = HostAllowList::new(addr.ip(), &allowed_hosts);
    let state = Arc::new(State { backend, token, hosts, assets, limits, shutdown });
    Ok(Server { listener, state, stop })
}

impl Server {
    /// The address the server listens on.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves (the caller wires SIGINT / SIGTERM to it), then stops
    /// accepting, ends event streams, and waits up to `shutdown_grace` for requests in flight.
    pub async fn serve(self, shutdown: impl Future<Output = ()>) -> io::Result<()> {
        let Server { listener, state, stop } = self;
        let slots = Arc::new(Semaphore::new(state.limits.max_connections.max(1)));
        let mut connections = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            while connections.try_join_next().is_some() {}
            let slot = tokio::select! {
                () = &mut shutdown => break,
                slot = Arc::clone(&slots).acquire_owned() => slot.expect("the semaphore is never closed"),
            };
            let stream = tokio::select! {
                () = &mut shutdown => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    // Out of file descriptors and the like: back off instead of spinning.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let state = Arc::clone(&state);
            connections.spawn(async move {
                connection(stream, state).await;
                drop(slot);
            });
        }
        drop(listener);
        stop.send_replace(true);
        let drained = async { while connections.join_next().await.is_some() {} };
        if tokio::time::timeout(state.limits.shutdown_grace, drained).await.is_err() {
            connections.shutdown().await;
        }
        Ok(())
    }
}

/// Serves one connection until the client leaves or, on shutdown, its current request is done.
async fn connection(stream: TcpStream, state: Arc<State>) {
    // Event frames are small; send them at once.
    let _ = stream.set_nodelay(true);
    let mut shutdown = state.shutdown.clone();
    let mut builder = http1::Builder::new();
    // The read buffer bound caps each connection's memory; the header bound answers 431 above it.
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(state.limits.header_timeout)
        .max_buf_size(2 * MAX_HEADER_BYTES)
        .max_header_size(MAX_HEADER_BYTES);
    let service = service_fn(move |request| {
        let state = Arc::clone(&state);
        async move { Ok::<_, Infallible>(handle(request, &state).await) }
    });
    let served = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(served);
    tokio::select! {
        _ = served.as_mut() => {}
        () = stopping(&mut shutdown) => {
            served.as_mut().graceful_shutdown();
            let _ = served.await;
        }
    }
}

/// Resolves once the server shuts down (or is gone).
async fn stopping(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stopping| *stopping).await;
}

/// The security checks, then the route; every error becomes its envelope here.
async fn handle(request: Request<Incoming>, state: &State) -> Response<Body> {
    if let Err(refusal) = state.hosts.check(&request) {
        return response::refusal(refusal);
    }
    let path = request.uri().path();
    if let Some(token) = &state.token {
        if (path == "/api" || path.starts_with("/api/")) && !security::has_token(&request, token, path == "/api/events")
        {
            return response::refusal(Refusal::Token);
        }
    }
    match route::route(request, state).await {
        Ok(response) => response,
        Err(error) => {
            let mut response = response::error(&error);
            // The rest of an oversized body is not worth reading: close instead of draining it.
            if matches!(error, ApiError::PayloadTooLarge) {
                response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
            }
            response
        }
    }
}
