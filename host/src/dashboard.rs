//! The dashboard embedded in the binary at build time (see `host/build.rs`).

use hyper::body::Bytes;

use crate::server::Assets;

include!(concat!(env!("OUT_DIR"), "/dashboard.rs"));

/// How the page tells that the host serves it (as static files it starts in drop mode).
const DROP_MODE: &str = r#"<meta name="cc-analytics-mode" content="drop" />"#;
const HOST_MODE: &str = r#"<meta name="cc-analytics-mode" content="host" />"#;

/// The dashboard's files for the server, `index.html` marked as served by the host; empty when
/// the binary was built without them.
pub fn assets() -> Assets {
    FILES
        .iter()
        .map(|(path, bytes)| {
            let bytes = match (*path, std::str::from_utf8(bytes)) {
                ("index.html", Ok(html)) => Bytes::from(html.replacen(DROP_MODE, HOST_MODE, 1)),
                _ => Bytes::from_static(bytes),
            };
            ((*path).to_owned(), bytes)
        })
        .collect()
}
