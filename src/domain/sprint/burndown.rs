//! Burndown: the ideal line and the actual remaining points per sprint day, from each story's
//! status history and the sprint's scope changes.
//!
//! A story's points are burned while its latest status is `done` or `accepted`; reopening it
//! puts them back. A story counts toward the sprint while it is in scope: in at the start, or
//! added later, and not removed since. Unestimated stories count as zero.

use chrono::{DateTime, NaiveDate, Utc};

use super::SprintSpan;
use crate::domain::story::Status;

/// A status the story moved to, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    pub at: DateTime<Utc>,
    pub to: Status,
}

/// The story moved into (`added: true`) or out of the sprint after it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeChange {
    pub at: DateTime<Utc>,
    pub added: bool,
}

/// Everything the burndown needs about one story that was ever in the sprint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BurndownStory {
    pub points: Option<u8>,
    /// In the sprint when it started (before any scope change).
    pub in_at_start: bool,
    /// Its whole status history, in time order.
    pub status_changes: Vec<StatusChange>,
    /// Its moves in and out of the sprint, in time order.
    pub scope_changes: Vec<ScopeChange>,
}

impl BurndownStory {
    fn points(&self) -> u32 {
        self.points.map_or(0, u32::from)
    }

    fn in_scope_at(&self, t: DateTime<Utc>) -> bool {
        self.scope_changes
            .iter()
            .take_while(|c| c.at <= t)
            .last()
            .map_or(self.in_at_start, |c| c.added)
    }

    fn burned_at(&self, t: DateTime<Utc>) -> bool {
        let latest = self.status_changes.iter().take_while(|c| c.at <= t).last();
        latest.is_some_and(|c| matches!(c.to, Status::Done | Status::Accepted))
    }
}

/// The sprint's points at a moment: all in scope, and those burned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScopeAt {
    pub total: u32,
    pub done: u32,
}

impl ScopeAt {
    pub fn remaining(self) -> u32 {
        self.total - self.done
    }
}

pub fn scope_at(stories: &[BurndownStory], t: DateTime<Utc>) -> ScopeAt {
    stories
        .iter()
        .filter(|s| s.in_scope_at(t))
        .fold(ScopeAt::default(), |sum, s| ScopeAt {
            total: sum.total + s.points(),
            done: sum.done + if s.burned_at(t) { s.points() } else { 0 },
        })
}

/// One sprint day of the chart, measured at the end of that day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BurndownDay {
    pub date: NaiveDate,
    /// Where the ideal line is at the end of the day: from `committed` down to 0 on the last day.
    pub ideal_remaining: f64,
    /// Points left at the end of the day, at `now` for today, `None` for days not begun.
    pub remaining: Option<u32>,
    /// A story was added to or removed from the sprint during this day.
    pub scope_changed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Burndown {
    /// Points in the sprint at its start: where both lines begin.
    pub committed: u32,
    pub days: Vec<BurndownDay>,
    /// Points moved into / out of the sprint after it started.
    pub added_points: u32,
    pub removed_points: u32,
}

/// The chart at `now`. Scope changes at or before the start are part of the commitment.
pub fn burndown(span: &SprintSpan, stories: &[BurndownStory], now: DateTime<Utc>) -> Burndown {
    let committed = scope_at(stories, span.starts_at()).total;
    let length = span.days();
    let days = (0..length)
        .map(|index| {
            let begins = if index == 0 {
                span.starts_at()
            } else {
                span.day_ends_at(index - 1)
            };
            let ends = span.day_ends_at(index);
            BurndownDay {
                date: span.day(index),
                // `length` is at least 1 (checked by SprintSpan), so this never divides by zero.
                ideal_remaining: f64::from(committed) * f64::from(length - index - 1)
                    / f64::from(length),
                remaining: (begins <= now).then(|| scope_at(stories, ends.min(now)).remaining()),
                scope_changed: stories
                    .iter()
                    .flat_map(|s| &s.scope_changes)
                    .any(|c| c.at > span.starts_at() && begins <= c.at && c.at < ends),
            }
        })
        .collect();
    let moved = |added: bool| -> u32 {
        let after_start = |c: &&ScopeChange| c.added == added && c.at > span.starts_at();
        stories
            .iter()
            .map(|s| s.scope_changes.iter().filter(after_start).count() as u32 * s.points())
            .sum()
    };
    Burndown {
        committed,
        days,
        added_points: moved(true),
        removed_points: moved(false),
    }
}
