//! Building responses: the one body type, the core's `Reply` and `ApiError` turned into HTTP, and
//! the headers every response carries. No response has CORS headers: the API is same-origin only.

use std::convert::Infallible;
use std::sync::Arc;

use cc_analytics_core::{ApiError, Reply};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};
use serde::Serialize;

use super::security::Refusal;

/// The body of every response: a whole buffer or the event stream.
pub type Body = BoxBody<Bytes, Infallible>;

/// Scripts only from the server itself (plus WebAssembly compilation), nothing embedded elsewhere.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A body of known bytes.
pub fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

/// A shared reply's body, sent without copying it.
struct SharedBody(Arc<Reply>);

impl AsRef<[u8]> for SharedBody {
    fn as_ref(&self) -> &[u8] {
        self.0.body.as_bytes()
    }
}

/// The core's reply as it is: status, content type, extra headers, body.
pub fn from_reply(reply: Arc<Reply>) -> Response<Body> {
    let mut response = Response::new(full(Bytes::from_owner(SharedBody(reply.clone()))));
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let map = response.headers_mut();
    map.insert(CONTENT_TYPE, HeaderValue::from_static(reply.content_type));
    for (name, value) in &reply.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            map.append(name, value);
        }
    }
    api_headers(response)
}

/// `{"success": true, "data": ...}` with `status`.
pub fn success<T: Serialize>(status: StatusCode, data: &T) -> Response<Body> {
    let mut response = from_reply(Arc::new(Reply::success(data)));
    *response.status_mut() = status;
    response
}

/// The error envelope of `error`: the core's one mapping.
pub fn error(error: &ApiError) -> Response<Body> {
    from_reply(Arc::new(Reply::error(error)))
}

/// A request refused before routing.
pub fn refusal(refusal: Refusal) -> Response<Body> {
    error(&refusal.into())
}

/// API answers change with the data: never cached.
fn api_headers(response: Response<Body>) -> Response<Body> {
    let mut response = with_security_headers(response, false);
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `nosniff` everywhere; for HTML also the content security policy and no referrer.
pub fn with_security_headers(mut response: Response<Body>, html: bool) -> Response<Body> {
    let headers = response.headers_mut();
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    if html {
        headers.insert("content-security-policy", HeaderValue::from_static(CONTENT_SECURITY_POLICY));
        headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
        headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    }
    response
}
