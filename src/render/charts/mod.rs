//! Charts as PNG pictures for Discord attachments: the value/effort matrix of a vote, the
//! sprint burndown, velocity across sprints and stand-up participation.
//!
//! Each chart takes a small plain input of its own (so it does not depend on domain types'
//! internals) and returns the PNG bytes of a [`WIDTH`] x [`HEIGHT`] picture. Empty inputs and
//! all-zero totals give a picture that says "No data yet" instead of failing. All text uses the
//! embedded font (`font.rs`); nothing is read from the system or the network.

mod axis;
mod burndown;
mod canvas;
mod font;
mod participation;
mod value_effort;
mod velocity;

pub use burndown::{burndown, BurndownPoint};
pub use canvas::{HEIGHT, WIDTH};
pub use participation::{participation, MemberParticipation, MAX_MEMBERS};
pub use value_effort::{value_effort_matrix, MatrixPoint};
pub use velocity::{velocity, SprintBars, MAX_SPRINTS};

#[cfg(test)]
mod tests;

/// Why a picture could not be made. Callers post the message without the picture and log this.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the embedded chart font could not be loaded")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG failed: {0}")]
    Encode(#[from] png::EncodingError),
}

impl ChartError {
    fn draw(error: canvas::DrawError) -> Self {
        Self::Draw(error.to_string())
    }

    fn encode(error: png::EncodingError) -> Self {
        Self::Encode(error)
    }
}
