//! Sprints: the span of days they run over, progress against the ideal line, the text progress
//! bar and the order stories go back to the backlog in. Planning, burndown and velocity live in
//! the submodules.

mod burndown;
mod plan;
mod velocity;

pub use burndown::{
    burndown, scope_at, Burndown, BurndownDay, BurndownStory, ScopeAt, ScopeChange, StatusChange,
};
pub use plan::{suggest_plan, PlanCandidate, SprintPlan};
pub use velocity::{default_capacity, mean_completed, SprintResult, CAPACITY_HISTORY};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::story::{Status, StoryNumber};
use super::team::Timezone;
use super::wall_clock::start_of_day;
use super::Invalid;

pub const DEFAULT_SPRINT_DAYS: u32 = 14;
pub const SPRINT_DAYS_MAX: u32 = 60;
/// How far ahead of today a sprint may start: far enough to plan the next one, not so far that
/// a mistyped year blocks the team's one active sprint.
pub const SPRINT_START_MAX_DAYS_AHEAD: u64 = 60;
/// Done points below this share of the ideal put a sprint at risk ("lag by more than 20 %").
pub const AT_RISK_SHARE: f64 = 0.8;

/// The local dates a sprint runs over: `days` days from `start`, in the team's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SprintSpan {
    start: NaiveDate,
    days: u32,
    zone: Timezone,
}

impl SprintSpan {
    pub fn new(start: NaiveDate, days: i64, zone: Timezone) -> Result<Self, Invalid> {
        match u32::try_from(days) {
            Ok(days) if (1..=SPRINT_DAYS_MAX).contains(&days) => Ok(Self { start, days, zone }),
            _ => Err(Invalid::new(format!(
                "A sprint lasts between 1 and {SPRINT_DAYS_MAX} days; {days} is out of range."
            ))),
        }
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn days(&self) -> u32 {
        self.days
    }

    pub fn zone(&self) -> Timezone {
        self.zone
    }

    pub fn last_day(&self) -> NaiveDate {
        self.day(self.days - 1)
    }

    /// The sprint's `index`-th day, counting from 0.
    pub fn day(&self, index: u32) -> NaiveDate {
        self.start + Duration::days(index.into())
    }

    /// The first instant of the first day.
    pub fn starts_at(&self) -> DateTime<Utc> {
        start_of_day(self.zone, self.start)
    }

    /// The first instant after the last day.
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.day_ends_at(self.days - 1)
    }

    /// The first instant after day `index` (the start of the next local day).
    pub fn day_ends_at(&self, index: u32) -> DateTime<Utc> {
        start_of_day(self.zone, self.day(index + 1))
    }

    /// When planning ends for a sprint whose `/sprint start` ran at `started_at`: at the end of
    /// its first day, or of the local day it was started on when that is later. A team that
    /// starts a sprint late with a past start date then picks its stories as part of the
    /// commitment, as on a planning day, instead of every pick being a scope change.
    pub fn planning_ends_at(&self, started_at: DateTime<Utc>) -> DateTime<Utc> {
        let started_on = self.zone.date_at(started_at);
        let end_of_that_day = start_of_day(self.zone, started_on + Duration::days(1));
        self.day_ends_at(0).max(end_of_that_day)
    }

    /// How much of the sprint's time has passed at `now`, from 0.0 to 1.0.
    pub fn elapsed_share(&self, now: DateTime<Utc>) -> f64 {
        let (start, end) = (self.starts_at(), self.ends_at());
        let whole = (end - start).num_seconds() as f64;
        ((now - start).num_seconds() as f64 / whole).clamp(0.0, 1.0)
    }

    /// Days left counting today: the whole sprint before it starts, 1 on its last day, 0 after.
    pub fn days_left(&self, now: DateTime<Utc>) -> u32 {
        let today = self.zone.date_at(now);
        if today < self.start {
            return self.days;
        }
        let left = (self.last_day() - today).num_days() + 1;
        u32::try_from(left.max(0)).unwrap_or(0)
    }
}

/// Whether the sprint is keeping pace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    OnTrack,
    AtRisk,
}

/// Done points against the ideal line at a moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Points in the sprint now, scope changes included.
    pub total: u32,
    pub done: u32,
    /// Points the ideal line has burned by now: `total × elapsed share`.
    pub ideal_done: f64,
    pub health: Health,
}

/// Measures a sprint at `now`. The ideal line is drawn over the sprint's current scope (so
/// adding stories raises the bar instead of hiding a lag), and the sprint is **at risk** when
/// `done < 0.8 × ideal_done`: done points lag the ideal by more than 20 %, and by at least one
/// point. At the very start, or with no points at all, nothing is expected yet, so it is on
/// track; and in a sprint's first hours the ideal is a fraction of a point, which no story can
/// make up, so a lag smaller than a point is not a risk either (the status would otherwise say
/// "about 0 pts should be done by now"). Nor is anything judged before `planning_ends_at`
/// ([`SprintSpan::planning_ends_at`]): a sprint started in the evening, or with a start date
/// already past, would be at risk within minutes, before anyone could finish a story.
pub fn progress(
    span: &SprintSpan,
    scope: ScopeAt,
    now: DateTime<Utc>,
    planning_ends_at: DateTime<Utc>,
) -> Progress {
    let ideal_done = f64::from(scope.total) * span.elapsed_share(now);
    let done = f64::from(scope.done);
    let judged = now >= planning_ends_at;
    let health = if judged && done < ideal_done * AT_RISK_SHARE && ideal_done - done >= 1.0 {
        Health::AtRisk
    } else {
        Health::OnTrack
    };
    Progress {
        total: scope.total,
        done: scope.done,
        ideal_done,
        health,
    }
}

/// The sprint's unfinished stories, given in backlog order, in the order they go back to the top
/// of the backlog: their existing order.
pub fn carried_over(sprint_stories: &[(StoryNumber, Status)]) -> Vec<StoryNumber> {
    sprint_stories
        .iter()
        .filter(|(_, status)| status.is_open())
        .map(|(n, _)| *n)
        .collect()
}

/// The backlog after a carry-over: the carried stories first, in their order, then the rest
/// in theirs.
pub fn backlog_after_carry_over(
    backlog: &[StoryNumber],
    carried: &[StoryNumber],
) -> Vec<StoryNumber> {
    let rest = backlog.iter().filter(|n| !carried.contains(n));
    carried.iter().chain(rest).copied().collect()
}

/// A text progress bar such as `[██████░░░░] 60%`. The percentage rounds down, so 100% means
/// everything is done; with nothing to do it shows an empty bar at 0%.
pub fn progress_bar(done: u32, total: u32, width: usize) -> String {
    // Integer maths: 29 of 100 must show 29%, which floating point would floor to 28.
    let (done, total) = (u64::from(done.min(total)), u64::from(total).max(1));
    let filled = (done * width as u64 / total) as usize;
    let percent = done * 100 / total;
    format!(
        "[{}{}] {percent}%",
        "█".repeat(filled),
        "░".repeat(width - filled)
    )
}

#[cfg(test)]
mod tests;
