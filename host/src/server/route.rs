//! The API's routes: one match on method and path segments, one small handler per endpoint.
//! Handlers return `Result<Response, ApiError>`; the caller turns errors into the envelope. Every
//! backend call runs on the blocking pool, since storage IO may block.

use std::sync::Arc;

use cc_analytics_core::ApiError;
use cc_analytics_core::api::{SyncRequest, SyncStarted};
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
        (&Method::GET, ["api", "health"]) => Ok(health(state)),
        (&Method::GET, ["api", "analytics", ..]) => analytics(&request, state).await,
        (&Method::GET, ["api", "sync", "status"]) => {
            let status = blocking(state, |backend| backend.sync_status()).await?;
            Ok(success(StatusCode::OK, &status))
        }
        (&Method::GET, ["api", "sync", "preview"]) => {
            let preview = blocking(state, |backend| backend.sync_preview()).await??;
            Ok(success(StatusCode::OK, &preview))
        }
        (&Method::GET, ["api", "sync", "stats"]) => {
            let stats = blocking(state, |backend| backend.sync_stats()).await??;
            Ok(success(StatusCode::OK, &stats))
        }
        (&Method::POST, ["api", "sync", "run"]) => run_sync(request, state).await,
        (&Method::POST, ["api", "sync", "reset"]) => {
            // No body is expected; reading it applies the same size limit as every POST.
            security::read_body(request, state.limits.body_timeout).await?;
            blocking(state, |backend| backend.reset()).await??;
            Ok(success(StatusCode::OK, &json!({ "message": "Sync metadata reset successfully" })))
        }
        (&Method::GET, ["api", "events"]) => {
            let events = blocking(state, |backend| backend.events()).await?;
            Ok(sse::stream(events, state.limits.heartbeat, state.shutdown.clone()))
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

/// Liveness, the version, and where transcripts are read from.
fn health(state: &State) -> Response<Body> {
    let sources = state.backend.sources();
    success(StatusCode::OK, &json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION"), "claudeDirs": sources }))
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
