//! The backup document of `sprintmate export` / `sprintmate import`: one JSON object per guild
//! holding whole teams. Stories are named by their team number (`#N`), teams by name and Discord
//! ids are strings, so the document does not depend on the database's row ids. The outbox and
//! the tables kept by triggers (backlog totals, the title search index) are not part of it.
//! Reading and writing it is in `store/export.rs` and `store/import.rs`; `validate.rs` checks a
//! document before anything is written.

pub mod cli;
mod snowflake;
pub mod validate;

pub use snowflake::Snowflake;

use serde::{Deserialize, Serialize};

/// The value of `format` in every document.
pub const FORMAT: &str = "sprintmate-export";
/// The document version this build writes and reads.
pub const VERSION: u32 = 1;

/// A guild's teams (all of them, or the one asked for).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub format: String,
    pub version: u32,
    /// Unix seconds (UTC) when the export was read.
    pub exported_at: i64,
    pub guild_id: Snowflake,
    pub teams: Vec<TeamDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamDoc {
    pub name: String,
    pub is_default: bool,
    pub po_role_id: Option<Snowflake>,
    pub timezone: String,
    pub stakeholder_channel_id: Option<Snowflake>,
    pub vision: Option<String>,
    /// The number the next new story gets (numbers are never reused).
    pub next_story_number: i64,
    pub created_at: i64,
    /// Channels linked to the team with `/team link`.
    pub channels: Vec<Snowflake>,
    pub members: Vec<MemberDoc>,
    pub stories: Vec<StoryDoc>,
    pub sprints: Vec<SprintDoc>,
    pub votes: Vec<VoteDoc>,
    pub poker_rounds: Vec<PokerRoundDoc>,
    pub standup: StandupDoc,
    pub updates: Vec<UpdateDoc>,
    pub update_schedule: Option<UpdateScheduleDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberDoc {
    pub user_id: Snowflake,
    pub added_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoryDoc {
    pub number: i64,
    pub title: String,
    pub details: String,
    pub kind: String,
    pub status: String,
    pub points: Option<i64>,
    pub assignee_id: Option<Snowflake>,
    /// The backlog order key (`domain/rank.rs`) as lower-case hex.
    pub rank: String,
    pub source_url: Option<String>,
    pub created_by: Snowflake,
    pub created_at: i64,
    pub updated_at: i64,
    pub labels: Vec<String>,
    pub criteria: Vec<CriterionDoc>,
    /// Every status change, oldest first; the first is the creation (`from: null`).
    pub history: Vec<StatusChangeDoc>,
    /// Stories of the same team this one is blocked by.
    pub blocked_by: Vec<DependencyDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionDoc {
    pub position: i64,
    pub text: String,
    pub checked: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChangeDoc {
    pub from: Option<String>,
    pub to: String,
    pub by: Snowflake,
    pub at: i64,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DependencyDoc {
    pub story: i64,
    pub by: Snowflake,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SprintDoc {
    pub number: i64,
    pub name: String,
    pub goal: Option<String>,
    pub start_date: String,
    pub days: i64,
    pub timezone: String,
    pub status: String,
    pub started_by: Snowflake,
    pub started_at: i64,
    pub closed_by: Option<Snowflake>,
    pub closed_at: Option<i64>,
    pub committed_points: Option<i64>,
    pub completed_points: Option<i64>,
    pub committed_stories: Option<i64>,
    pub completed_stories: Option<i64>,
    /// Every move of a story into or out of the sprint, oldest first.
    pub changes: Vec<SprintChangeDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SprintChangeDoc {
    pub story: i64,
    pub added: bool,
    pub scope_change: bool,
    pub by: Snowflake,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteDoc {
    pub method: String,
    pub dots_per_voter: i64,
    pub status: String,
    pub opened_by: Snowflake,
    pub opened_at: i64,
    pub closes_at: i64,
    pub closed_at: Option<i64>,
    pub closed_by: Option<Snowflake>,
    pub channel_id: Snowflake,
    pub card_channel_id: Option<Snowflake>,
    pub card_message_id: Option<Snowflake>,
    pub results_posted: bool,
    pub applied_at: Option<i64>,
    /// Story numbers in ballot order.
    pub candidates: Vec<i64>,
    /// Submitted ballots.
    pub ballots: Vec<BallotDoc>,
    /// Ballots being filled in.
    pub drafts: Vec<BallotDoc>,
}

/// A voter's ballot: `at` is when it was submitted (or, for a draft, last changed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotDoc {
    pub voter_id: Snowflake,
    pub at: i64,
    pub marks: Vec<MarkDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkDoc {
    pub story: i64,
    pub first: Option<i64>,
    pub second: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PokerRoundDoc {
    pub story: i64,
    pub scale: String,
    pub status: String,
    pub round_number: i64,
    pub started_by: Snowflake,
    pub started_at: i64,
    pub accepted_card: Option<String>,
    pub accepted_by: Option<Snowflake>,
    pub accepted_at: Option<i64>,
    pub votes: Vec<PokerVoteDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PokerVoteDoc {
    pub round_number: i64,
    pub voter_id: Snowflake,
    /// `null` = sat out.
    pub card: Option<String>,
    pub voted_at: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandupDoc {
    pub schedule: Option<StandupScheduleDoc>,
    /// Holidays (`YYYY-MM-DD`).
    pub skips: Vec<String>,
    pub away: Vec<AwayDoc>,
    pub days: Vec<StandupDayDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandupScheduleDoc {
    pub channel_id: Snowflake,
    pub local_time: String,
    pub timezone: String,
    /// Bit 0 = Monday ... bit 6 = Sunday.
    pub days: i64,
    pub window_minutes: i64,
    pub reminder_minutes: i64,
    pub paused_until: Option<String>,
    pub last_handled: String,
    pub failing_reason: Option<String>,
    pub updated_by: Snowflake,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwayDoc {
    pub user_id: Snowflake,
    pub from_date: String,
    pub to_date: String,
    pub set_by: Snowflake,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandupDayDoc {
    pub date: String,
    pub status: String,
    pub channel_id: Snowflake,
    pub opened_at: i64,
    pub remind_at: Option<i64>,
    pub close_at: i64,
    pub thread_requested: bool,
    pub reminded: bool,
    pub closed_at: Option<i64>,
    pub summary_stale: bool,
    pub answers: Vec<StandupAnswerDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandupAnswerDoc {
    pub user_id: Snowflake,
    pub yesterday: String,
    pub today: String,
    pub blockers: String,
    pub answered_at: i64,
    pub updated_at: i64,
    pub post_pending: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateDoc {
    pub channel_id: Snowflake,
    pub status: String,
    /// The message body as stored (JSON text).
    pub content: String,
    pub created_by: Option<Snowflake>,
    pub created_at: i64,
    pub published_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateScheduleDoc {
    pub channel_id: Snowflake,
    /// 0 = Monday ... 6 = Sunday.
    pub weekday: i64,
    pub local_time: String,
    pub timezone: String,
    pub last_published_date: String,
    pub created_by: Snowflake,
    pub created_at: i64,
}
