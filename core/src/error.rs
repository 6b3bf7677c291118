//! API errors and their one mapping to the error envelope of API.md.

use serde_json::{Value, json};

/// Every error the API can answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 400: a bad query parameter or body field.
    Validation {
        /// The parameter or field at fault.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// 401 (extension): the access token is missing or wrong.
    Unauthorized,
    /// 403 (extension): the request's Host or Origin is not allowed.
    Forbidden(String),
    /// 404: unknown session, unknown path.
    NotFound(String),
    /// 405: known path, wrong method; the allowed methods.
    MethodNotAllowed(&'static str),
    /// 413: request body over the limit.
    PayloadTooLarge,
    /// 409: a sync is already running.
    SyncInProgress,
    /// 500: storage failed.
    Database(String),
    /// 500: anything else.
    Internal(String),
}

impl ApiError {
    /// A validation error for `field`.
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        ApiError::Validation { field: field.to_owned(), message: message.into() }
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Validation { .. } => 400,
            ApiError::Unauthorized => 401,
            ApiError::Forbidden(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::MethodNotAllowed(_) => 405,
            ApiError::PayloadTooLarge => 413,
            ApiError::SyncInProgress => 409,
            ApiError::Database(_) | ApiError::Internal(_) => 500,
        }
    }

    /// The envelope's `code`.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation { .. } => "VALIDATION_ERROR",
            ApiError::Unauthorized => "UNAUTHORIZED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::MethodNotAllowed(_) => "METHOD_NOT_ALLOWED",
            ApiError::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ApiError::SyncInProgress => "SYNC_IN_PROGRESS",
            ApiError::Database(_) => "DATABASE_ERROR",
            ApiError::Internal(_) => "INTERNAL_ERROR",
        }
    }

    /// The envelope's `message`.
    pub fn message(&self) -> String {
        match self {
            ApiError::Validation { message, .. } => message.clone(),
            ApiError::NotFound(message)
            | ApiError::Forbidden(message)
            | ApiError::Database(message)
            | ApiError::Internal(message) => message.clone(),
            ApiError::Unauthorized => "A valid access token is required".to_owned(),
            ApiError::MethodNotAllowed(allow) => format!("Method not allowed; use {allow}"),
            ApiError::PayloadTooLarge => "Request body is larger than 64 KiB".to_owned(),
            ApiError::SyncInProgress => "A synchronization is already running".to_owned(),
        }
    }

    /// The whole error envelope.
    pub fn envelope(&self) -> Value {
        let details = match self {
            ApiError::Validation { field, .. } => json!({ "field": field }),
            ApiError::MethodNotAllowed(allow) => json!({ "allow": allow }),
            _ => json!({}),
        };
        json!({
            "success": false,
            "error": { "message": self.message(), "code": self.code(), "details": details },
        })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for ApiError {}
