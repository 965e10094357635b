//! Pure rules of the product: no I/O, no Discord, no SQL, no clock (callers pass `now`).
//!
//! Types here validate on construction ("parse, don't validate"): once a handler holds a
//! [`story::StoryTitle`] it never re-checks its length.

pub mod access;
pub mod apply_results;
pub mod blockers;
pub mod dependency;
pub mod fingerprint;
pub mod poker;
pub mod rank;
pub mod schedule;
pub mod sprint;
pub mod story;
pub mod team;
pub mod text;
pub mod update;
pub mod vote;
pub mod wall_clock;
pub mod wording;

/// A user's input that breaks a rule; the message is shown to them as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl Invalid {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}
