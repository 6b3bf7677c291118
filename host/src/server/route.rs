//! The API's routes: one match on method and path segments, one small handler per endpoint.
//! Handlers return `Result<Response, ApiError>`; the caller turns errors into the envelope. Every
//! backend call runs on the blocking pool, since storage IO may block.

use std::sync::Arc;

use cc_analytics_core::api::{SyncRequest, SyncStarted};
use cc_analytics_core::{ApiError, Reply};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use super::backend::Backend;
use super::response::{Body, from_reply, success};
use super::{State, assets, security, sse};

/// Answers one request that passed the security checks.
pub async fn route(request: Request<Incoming>, state: &State) -> Result<Response<Body>, ApiError> {
    let path = request.uri().path().to_owned();
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(&path).split('/').collect();
    let method = request.method().clone();
    match (&method, segments.as_slice()) {
        (&Method::GET, ["api", "analytics", ..]) => analytics(&request, state).await,
        (&Method::GET, ["api", "events"]) => {
            let events = blocking(state, |backend| backend.events()).await?;
            Ok(sse::stream(events, state.limits.heartbeat, state.shutdown.clone()))
        }
        (&Method::GET, ["api", ..]) => {
            let path = path.clone();
            Ok(from_reply(Arc::new(blocking(state, move |backend| read(backend, &path)).await??)))
        }
        (&Method::POST, ["api", "sync", "run"]) => run_sync(request, state).await,
        (&Method::POST, ["api", "sync", "reset"]) => {
            // No body is expected; reading it applies the same size limit as every POST.
            security::read_body(request, state.limits.body_timeout).await?;
            blocking(state, |backend| backend.reset()).await??;
            Ok(success(StatusCode::OK, &json!({ "message": "Sync metadata reset successfully" })))
        }
        (
            _,
            ["api", "health" | "events"] | ["api", "analytics", ..] | ["api", "sync", "status" | "preview" | "stats"],
        ) => Err(ApiError::MethodNotAllowed("GET")),
        (_, ["api", "sync", "run" | "reset"]) => Err(ApiError::MethodNotAllowed("POST")),
        (_, ["api", ..]) => Err(ApiError::NotFound(format!("No such endpoint: {path}"))),
        (&Method::GET | &Method::HEAD, _) => assets::serve(&state.assets, &path),
        _ => Err(ApiError::MethodNotAllowed("GET, HEAD")),
    }
}

/// The answer to a GET of an API path outside `/api/analytics/` and `/api/events`: health
/// (liveness, the version, and where transcripts are read from) and the sync's status, preview
/// and database stats; `METHOD_NOT_ALLOWED` for the sync's commands, `NOT_FOUND` for any other.
pub fn read(backend: &dyn Backend, path: &str) -> Result<Reply, ApiError> {
    Ok(match path {
        "/api/health" => Reply::success(
            &json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION"), "claudeDirs": backend.sources() }),
        ),
        "/api/sync/status" => Reply::success(&backend.sync_status()),
        "/api/sync/preview" => Reply::success(&backend.sync_preview()?),
        "/api/sync/stats" => Reply::success(&backend.sync_stats()?),
        "/api/sync/run" | "/api/sync/reset" => return Err(ApiError::MethodNotAllowed("POST")),
        _ => return Err(ApiError::NotFound(format!("No such endpoint: {path}"))),
    })
}

/// The core answers analytics with its exact status, content type and headers.
async fn analytics(request: &Request<Incoming>, state: &State) -> Result<Response<Body>, ApiError> {
    let uri = request.uri();
    let target = match uri.query() {
        Some(query) => format!("{}?{query}", uri.path()),
        None => uri.path().to_owned(),
    };
    let reply = match state.backend.analytics_ready(&target) {
        Some(reply) => reply,
        None => blocking(state, move |backend| backend.analytics(&target)).await?,
    };
    Ok(from_reply(reply))
}

async fn run_sync(request: Request<Incoming>, state: &State) -> Result<Response<Body>, ApiError> {
    let body = security::read_body(request, state.limits.body_timeout).await?;
    let sync = sync_request(&body)?;
    let sync_id = blocking(state, move |backend| backend.start_sync(sync)).await??;
    let started = SyncStarted { started: true, sync_id, message: "Synchronization started".to_owned() };
    Ok(success(StatusCode::ACCEPTED, &started))
}

/// The body of `POST /api/sync/run`: empty, or an object whose known fields are booleans.
/// Unknown fields are ignored.
fn sync_request(body: &[u8]) -> Result<SyncRequest, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(SyncRequest::default());
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|_| ApiError::validation("body", "The request body is not valid JSON"))?;
    let Value::Object(fields) = value else {
        return Err(ApiError::validation("body", "The request body must be a JSON object"));
    };
    let mut request = SyncRequest::default();
    for (field, target) in [("incremental", &mut request.incremental), ("dryRun", &mut request.dry_run)] {
        match fields.get(field) {
            None => {}
            Some(Value::Bool(value)) => *target = *value,
            Some(_) => return Err(ApiError::validation(field, format!("{field} must be a boolean"))),
        }
    }
    Ok(request)
}

/// Runs `call` on the blocking pool. A panicking backend is an internal error whose message
/// says nothing about the panic.
async fn blocking<T: Send + 'static>(
    state: &State,
    call: impl FnOnce(&dyn Backend) -> T + Send + 'static,
) -> Result<T, ApiError> {
    let backend = Arc::clone(&state.backend);
    tokio::task::spawn_blocking(move || call(backend.as_ref()))
        .await
        .map_err(|_| ApiError::Internal("The request could not be completed".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: ApiError) -> String {
        match error {
            ApiError::Validation { field, .. } => field,
            other => panic!("not a validation error: {other}"),
        }
    }

    #[test]
    fn sync_bodies() {
        assert_eq!(sync_request(b"").unwrap(), SyncRequest::default());
        assert_eq!(sync_request(b" \n").unwrap(), SyncRequest::default());
        assert_eq!(sync_request(b"{}").unwrap(), SyncRequest::default());
        assert_eq!(
            sync_request(br#"{"incremental":false,"dryRun":true,"other":1}"#).unwrap(),
            SyncRequest { incremental: false, dry_run: true }
        );
        assert_eq!(field_of(sync_request(b"{").unwrap_err()), "body");
        assert_eq!(field_of(sync_request(b"[]").unwrap_err()), "body");
        assert_eq!(field_of(sync_request(b"true").unwrap_err()), "body");
        assert_eq!(field_of(sync_request(br#"{"incremental":"yes"}"#).unwrap_err()), "incremental");
        assert_eq!(field_of(sync_request(br#"{"dryRun":null}"#).unwrap_err()), "dryRun");
    }
}
