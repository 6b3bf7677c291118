//! The HTTP server: routes, security defaults, live events and static files.

pub mod backend;
