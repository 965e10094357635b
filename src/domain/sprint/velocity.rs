//! Velocity: points committed and completed per sprint, and the capacity history suggests.

use chrono::{DateTime, Utc};

use super::burndown::{scope_at, BurndownStory};
use super::SprintSpan;

/// How many closed sprints the default capacity looks back over.
pub const CAPACITY_HISTORY: usize = 3;

/// A closed sprint's numbers. `committed` = points in it at the start; `completed` = points
/// done or accepted at close (stories added later count once finished).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SprintResult {
    pub committed: u32,
    pub completed: u32,
}

impl SprintResult {
    /// Measures a sprint closed at `closed_at` from the same data as its burndown.
    pub fn measure(span: &SprintSpan, stories: &[BurndownStory], closed_at: DateTime<Utc>) -> Self {
        Self {
            committed: scope_at(stories, span.starts_at()).total,
            completed: scope_at(stories, closed_at).done,
        }
    }
}

/// The mean completed points of the last `last` closed sprints (`history` oldest first), or
/// `None` with no history or when `last` is 0.
pub fn mean_completed(history: &[SprintResult], last: usize) -> Option<f64> {
    let recent = &history[history.len().saturating_sub(last)..];
    if recent.is_empty() {
        return None;
    }
    let sum: u32 = recent.iter().map(|r| r.completed).sum();
    Some(f64::from(sum) / recent.len() as f64)
}

/// The capacity `/sprint plan` assumes when none is given: the mean completed points of the last
/// three closed sprints, rounded to the nearest point; `None` before the first sprint closes.
pub fn default_capacity(history: &[SprintResult]) -> Option<u32> {
    mean_completed(history, CAPACITY_HISTORY).map(|mean| mean.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed(completed: &[u32]) -> Vec<SprintResult> {
        completed
            .iter()
            .map(|&c| SprintResult {
                committed: 20,
                completed: c,
            })
            .collect()
    }

    #[test]
    fn the_default_capacity_is_the_mean_of_the_last_three_closed_sprints() {
        assert_eq!(default_capacity(&closed(&[100, 10, 20, 30])), Some(20));
        assert_eq!(
            default_capacity(&closed(&[10, 11])),
            Some(11),
            "10.5 rounds up"
        );
        assert_eq!(default_capacity(&closed(&[7])), Some(7));
    }

    #[test]
    fn without_closed_sprints_there_is_no_default_capacity() {
        assert_eq!(default_capacity(&[]), None);
        assert_eq!(mean_completed(&closed(&[5]), 0), None);
    }

    #[test]
    fn the_mean_of_the_last_n_uses_what_history_there_is() {
        let history = closed(&[4, 8, 12, 16]);
        assert_eq!(mean_completed(&history, 2), Some(14.0));
        assert_eq!(mean_completed(&history, 10), Some(10.0));
    }
}
