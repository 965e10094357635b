//! The error at the edge of every handler: what the user did wrong (shown to them, ephemeral)
//! versus what broke on our side (logged with a short reference the user can quote).

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;

use crate::domain::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The user's input or permissions; the message is for them.
    #[error("{0}")]
    User(String),
    /// Something broke; the details go to the log only.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn user(message: impl Into<String>) -> Self {
        AppError::User(message.into())
    }
}

impl From<Invalid> for AppError {
    fn from(invalid: Invalid) -> Self {
        AppError::User(invalid.0)
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        AppError::Internal(anyhow::Error::new(error).context("database"))
    }
}

/// A short id that ties a user-visible failure to its log line.
pub fn reference_id() -> String {
    use rand::Rng as _;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..8)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

pub type HandlerResult<T> = Result<T, AppError>;

/// Runs `work`, turning a panic in it into an error with the panic's message: a bug (or a
/// value edited into the database by hand that a row reader does not expect) then fails the
/// one interaction or scheduler step like any failure on our side, instead of ending the task
/// that ran it. Nothing `work` borrowed is used again after a panic but the store, whose
/// connections roll back when dropped mid-transaction and whose locks recover from poisoning.
pub async fn caught<F: Future>(work: F) -> anyhow::Result<F::Output> {
    AssertUnwindSafe(work)
        .catch_unwind()
        .await
        .map_err(|panic| anyhow::anyhow!("panicked: {}", panic_text(&*panic)))
}

/// The message a panic was raised with, when it has one.
fn panic_text(panic: &(dyn Any + Send)) -> &str {
    if let Some(text) = panic.downcast_ref::<&str>() {
        text
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text
    } else {
        "(no message)"
    }
}

#[cfg(test)]
mod tests {
    use super::caught;

    #[tokio::test]
    async fn a_panic_becomes_an_error_with_its_message_and_a_value_passes_through() {
        assert_eq!(caught(async { 7 }).await.unwrap(), 7);
        let error = caught(async { panic!("column {}: wrong kind", "opened_by") })
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), "panicked: column opened_by: wrong kind");
        let error = caught(async { std::panic::panic_any(42_u8) })
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), "panicked: (no message)");
        let error = caught(async { panic!("plain") }).await.unwrap_err();
        assert_eq!(error.to_string(), "panicked: plain");
    }
}
