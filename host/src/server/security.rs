//! The server's defences, checked before a request is routed: the `Host` allow-list against DNS
//! rebinding, the `Origin` check against cross-site writes, the access token, and the limits on
//! what a client may send. Refusals answer with the extension codes `FORBIDDEN` and
//! `UNAUTHORIZED` through the core's one error mapping.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use cc_analytics_core::ApiError;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{AUTHORIZATION, CONTENT_LENGTH, HOST, ORIGIN};
use hyper::{Method, Request};
use subtle::ConstantTimeEq;

/// Largest request body accepted (API.md: `PAYLOAD_TOO_LARGE` above 64 KiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Largest request head (request line and headers) accepted; hyper answers 431 above it.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Why a request was refused before routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 403: the `Host` (or absolute URI) names a host that is not allowed.
    Host,
    /// 403: a state-changing request from a page of another origin.
    Origin,
    /// 401: the access token is missing or wrong.
    Token,
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        match refusal {
            Refusal::Host => ApiError::Forbidden("Host not allowed".to_owned()),
            Refusal::Origin => ApiError::Forbidden("Origin not allowed".to_owned()),
            Refusal::Token => ApiError::Unauthorized,
        }
    }
}

/// The host names a request may address: loopback names, the bound address and configured names.
#[derive(Debug, Clone)]
pub struct HostAllowList {
    names: HashSet<String>,
    /// Bound to every interface: any IP literal is the server itself, and an IP literal cannot be
    /// rebound by DNS.
    any_ip: bool,
}

impl HostAllowList {
    /// The allow-list for a server bound to `bound` with the extra names `extra`.
    pub fn new(bound: IpAddr, extra: &[String]) -> HostAllowList {
        let mut names: HashSet<String> =
            ["localhost", "127.0.0.1", "[::1]"].into_iter().map(str::to_owned).chain([ip_name(bound)]).collect();
        names.extend(extra.iter().filter_map(|name| host_name(name)));
        HostAllowList { names, any_ip: bound.is_unspecified() }
    }

    /// Whether a `Host` header value (`name[:port]`) is allowed; the port is ignored.
    pub fn allows(&self, host: &str) -> bool {
        let Some(name) = host_name(host) else { return false };
        if self.names.contains(&name) {
            return true;
        }
        self.any_ip && is_ip_literal(&name)
    }

    /// Checks a request's `Host` header, the authority of an absolute-form target, and for
    /// state-changing methods the `Origin` header.
    pub fn check<B>(&self, request: &Request<B>) -> Result<(), Refusal> {
        let host = request.headers().get(HOST).and_then(|value| value.to_str().ok());
        if !host.is_some_and(|host| self.allows(host)) {
            return Err(Refusal::Host);
        }
        if let Some(authority) = request.uri().authority() {
            if authority.as_str().contains('@') || !self.allows(authority.as_str()) {
                return Err(Refusal::Host);
            }
        }
        // Browsers send `Origin` with every cross-origin POST, including the "simple" ones that
        // skip the CORS preflight; reads are protected by the absence of CORS headers instead.
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            if let Some(origin) = request.headers().get(ORIGIN) {
                let allowed = origin.to_str().ok().and_then(origin_authority).is_some_and(|host| self.allows(host));
                if !allowed {
                    return Err(Refusal::Origin);
                }
            }
        }
        Ok(())
    }
}

/// The normalised name of a `Host` value: lower case, port and trailing dot removed, IPv6 in
/// brackets. `None` when it is not a plausible host.
fn host_name(host: &str) -> Option<String> {
    let host = host.trim().to_ascii_lowercase();
    let name = if let Some(rest) = host.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if !(after.is_empty() || is_port_suffix(after)) || inside.parse::<Ipv6Addr>().is_err() {
            return None;
        }
        format!("[{inside}]")
    } else {
        let name = match host.split_once(':') {
            Some((name, port)) if is_port_suffix(&format!(":{port}")) => name,
            Some(_) => return None,
            None => host.as_str(),
        };
        name.strip_suffix('.').unwrap_or(name).to_owned()
    };
    let plausible = !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'[' | b']' | b':'));
    plausible.then_some(name)
}

fn is_port_suffix(text: &str) -> bool {
    text.strip_prefix(':').is_some_and(|port| port.is_empty() || port.bytes().all(|byte| byte.is_ascii_digit()))
}

fn ip_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    }
}

fn is_ip_literal(name: &str) -> bool {
    name.parse::<Ipv4Addr>().is_ok()
        || name
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
            .is_some_and(|ip| ip.parse::<Ipv6Addr>().is_ok())
}

/// `host[:port]` of an `Origin` such as `http://localhost:3001`; `None` for `null` and the like.
fn origin_authority(origin: &str) -> Option<&str> {
    let (scheme, rest) = origin.split_once("://")?;
    if !matches!(scheme, "http" | "https") || rest.contains(['/', '@']) {
        return None;
    }
    Some(rest)
}

/// Whether `request` carries `token`: `Authorization: Bearer <token>`, or `?token=<token>` when
/// `allow_query` (an `EventSource` cannot set headers). Compared in constant time.
pub fn has_token<B>(request: &Request<B>, token: &[u8], allow_query: bool) -> bool {
    let from_header = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, given)| given.trim().as_bytes().to_vec());
    let from_query = || {
        request.uri().query().and_then(|query| {
            query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .find(|(name, _)| *name == "token")
                .and_then(|(_, value)| percent_decode(value, true))
        })
    };
    let given = from_header.or_else(|| if allow_query { from_query() } else { None });
    given.is_some_and(|given| bool::from(given.as_slice().ct_eq(token)))
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`, as in query strings). `None`
/// for a malformed escape.
pub fn percent_decode(text: &str, plus_is_space: bool) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'%' => {
                let hex = bytes.get(index + 1..index + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                decoded.push(u8::from_str_radix(hex, 16).ok()?);
                index += 3;
            }
            b'+' if plus_is_space => {
                decoded.push(b' ');
                index += 1;
            }
            byte => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    Some(decoded)
}

/// Reads a request body of at most [`MAX_BODY_BYTES`] within `timeout`: a larger declared or
/// actual length is `PayloadTooLarge`, a body that does not arrive in time a validation error.
pub async fn read_body(request: Request<Incoming>, timeout: Duration) -> Result<Bytes, ApiError> {
    let declared = request.headers().get(CONTENT_LENGTH).and_then(|value| value.to_str().ok());
    if declared.and_then(|value| value.parse::<u64>().ok()).is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(ApiError::PayloadTooLarge);
    }
    let body = Limited::new(request.into_body(), MAX_BODY_BYTES);
    match tokio::time::timeout(timeout, body.collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => Err(ApiError::PayloadTooLarge),
        Ok(Err(_)) => Err(ApiError::validation("body", "The request body could not be read")),
        Err(_) => Err(ApiError::validation("body", "The request body did not arrive in time")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(host: Option<&str>, method: Method, origin: Option<&str>) -> Request<()> {
        let mut builder = Request::builder().method(method).uri("/api/health");
        if let Some(host) = host {
            builder = builder.header(HOST, host);
        }
        if let Some(origin) = origin {
            builder = builder.header(ORIGIN, origin);
        }
        builder.body(()).unwrap()
    }

    #[test]
    fn host_names_normalise() {
        assert_eq!(host_name("LocalHost:3001").as_deref(), Some("localhost"));
        assert_eq!(host_name("localhost.").as_deref(), Some("localhost"));
        assert_eq!(host_name("[::1]:80").as_deref(), Some("[::1]"));
        assert_eq!(host_name("127.0.0.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(host_name("::1"), None);
        assert_eq!(host_name("[nonsense]"), None);
        assert_eq!(host_name("a b"), None);
        assert_eq!(host_name(""), None);
        assert_eq!(host_name("host:port"), None);
    }

    #[test]
    fn host_allow_list() {
        let list = HostAllowList::new("127.0.0.1".parse().unwrap(), &["Box.Local".to_owned()]);
        for host in ["localhost", "localhost:3001", "127.0.0.1:1", "[::1]:3001", "box.local", "BOX.LOCAL:9"] {
            assert!(list.allows(host), "{host}");
        }
        for host in ["evil.example", "localhost.evil.example", "10.0.0.1", "127.0.0.2", ""] {
            assert!(!list.allows(host), "{host}");
        }
        let any = HostAllowList::new("0.0.0.0".parse().unwrap(), &[]);
        assert!(any.allows("192.0.2.7:3001"));
        assert!(any.allows("[2001:db8::1]"));
        assert!(!any.allows("evil.example"));
        let v6 = HostAllowList::new("::1".parse().unwrap(), &[]);
        assert!(v6.allows("[::1]:3001"));
    }

    #[test]
    fn origin_checked_on_writes_only() {
        let list = HostAllowList::new("127.0.0.1".parse().unwrap(), &[]);
        assert_eq!(list.check(&request(None, Method::GET, None)), Err(Refusal::Host));
        assert_eq!(list.check(&request(Some("localhost"), Method::GET, Some("https://evil.example"))), Ok(()));
        assert_eq!(list.check(&request(Some("localhost"), Method::POST, Some("http://localhost:3001"))), Ok(()));
        assert_eq!(list.check(&request(Some("localhost"), Method::POST, None)), Ok(()));
        for origin in ["https://evil.example", "null", "http://localhost/x", "file://"] {
            assert_eq!(list.check(&request(Some("localhost"), Method::POST, Some(origin))), Err(Refusal::Origin));
        }
    }

    #[test]
    fn token_from_header_or_query() {
        let with = |header: Option<&str>, uri: &str| {
            let mut builder = Request::builder().uri(uri);
            if let Some(header) = header {
                builder = builder.header(AUTHORIZATION, header);
            }
            builder.body(()).unwrap()
        };
        assert!(has_token(&with(Some("Bearer s3cret"), "/api/health"), b"s3cret", false));
        assert!(has_token(&with(Some("bearer s3cret"), "/api/health"), b"s3cret", false));
        assert!(!has_token(&with(Some("Bearer wrong"), "/api/health"), b"s3cret", false));
        assert!(!has_token(&with(Some("Basic s3cret"), "/api/health"), b"s3cret", false));
        assert!(!has_token(&with(None, "/api/health"), b"s3cret", false));
        assert!(has_token(&with(None, "/api/events?token=s%33cret"), b"s3cret", true));
        assert!(!has_token(&with(None, "/api/events?token=s3cret"), b"s3cret", false));
        assert!(!has_token(&with(None, "/api/events?token=s3cre"), b"s3cret", true));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("%2e%2E/a+b", false).unwrap(), b"../a+b");
        assert_eq!(percent_decode("a+b", true).unwrap(), b"a b");
        assert_eq!(percent_decode("%2", false), None);
        assert_eq!(percent_decode("%zz", false), None);
    }
}
