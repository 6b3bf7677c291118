//! The dashboard embedded in the binary at build time (see `host/build.rs`).

use hyper::body::Bytes;

use crate::server::Assets;

include!(concat!(env!("OUT_DIR"), "/dashboard.rs"));

/// The dashboard's files for the server; empty when the binary was built without them.
pub fn assets() -> Assets {
    FILES.iter().map(|(path, bytes)| ((*path).to_owned(), Bytes::from_static(bytes))).collect()
}
