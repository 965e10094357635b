//! The error at the edge of every handler: what the user did wrong (shown to them, ephemeral)
//! versus what broke on our side (logged with a short reference the user can quote).

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
