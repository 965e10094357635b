//! Stories of a team: insert, find, change, list in rank order (search is `story_search.rs`).

use super::columns::Columns;
use super::{db_id, wire_id, Store, WriteTx};
use crate::domain::rank::Rank;
use crate::domain::story::{Criteria, Labels, Points, Status, StoryDetails, StoryKind, StoryTitle};

mod form_version;

pub use form_version::FormVersion;

/// Statuses that take a story off the backlog list, as SQL.
pub(super) const CLOSED_SQL: &str = "('done', 'accepted', 'archived')";

/// How many stories [`Store::backlog_position`] counts on each side before it falls back to a
/// full count.
const POSITION_COUNT_CAP: i64 = 1000;

/// A story as stored (labels and criteria are loaded separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    pub id: i64,
    pub guild_id: u64,
    pub team_id: i64,
    pub number: i64,
    pub title: String,
    pub details: String,
    pub kind: StoryKind,
    pub status: Status,
    pub points: Option<i64>,
    pub assignee_id: Option<u64>,
    pub rank: Rank,
    pub source_url: Option<String>,
    pub created_by: u64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(super) const STORY_COLUMNS: &str =
    "id, guild_id, team_id, number, title, details, kind, status, points, \
     assignee_id, rank, source_url, created_by, created_at, updated_at";

/// A story by its row id, within a guild, through `conn` (the read pool or a transaction).
pub(super) async fn story_by_id_in<'e>(
    conn: impl sqlx::Executor<'e, Database = sqlx::Sqlite>,
    guild_id: u64,
    id: i64,
) -> sqlx::Result<Option<Story>> {
    let sql = format!("SELECT {STORY_COLUMNS} FROM stories WHERE guild_id = ? AND id = ?");
    let row = sqlx::query(&sql)
        .bind(db_id(guild_id))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.as_ref().map(story_from_row))
}

/// A story's labels as stored, in the order given, through `conn`.
async fn labels_in<'e>(
    conn: impl sqlx::Executor<'e, Database = sqlx::Sqlite>,
    story_id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT label FROM story_labels WHERE story_id = ? ORDER BY rowid")
        .bind(story_id)
        .fetch_all(conn)
        .await
}

pub(super) fn story_from_row(row: &impl Columns) -> Story {
    Story {
        id: row.int("id"),
        guild_id: wire_id(row.int("guild_id")),
        team_id: row.int("team_id"),
        number: row.int("number"),
        title: row.text("title"),
        details: row.text("details"),
        // Stored values were validated on the way in.
        kind: StoryKind::parse(&row.text("kind")).unwrap_or_default(),
        status: Status::parse(&row.text("status")).unwrap_or(Status::New),
        points: row.maybe_int("points"),
        assignee_id: row.maybe_int("assignee_id").map(wire_id),
        rank: Rank::from_bytes(row.bytes("rank")),
        source_url: row.maybe_text("source_url"),
        created_by: wire_id(row.int("created_by")),
        created_at: row.int("created_at"),
        updated_at: row.int("updated_at"),
    }
}

/// Everything needed to add a story.
#[derive(Debug, Clone)]
pub struct NewStory {
    pub title: StoryTitle,
    pub details: StoryDetails,
    pub kind: StoryKind,
    pub points: Option<Points>,
    pub labels: Labels,
    pub criteria: Criteria,
    pub assignee_id: Option<u64>,
    pub source_url: Option<String>,
    pub created_by: u64,
}

/// Field changes of `/story edit`; `None` leaves a field unchanged.
#[derive(Debug, Clone, Default)]
pub struct StoryChange {
    pub title: Option<StoryTitle>,
    pub details: Option<StoryDetails>,
    pub kind: Option<StoryKind>,
    /// `Some(None)` clears the estimate.
    pub points: Option<Option<Points>>,
    pub labels: Option<Labels>,
}

impl StoryChange {
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.details.is_none()
            && self.kind.is_none()
            && self.points.is_none()
            && self.labels.is_none()
    }

    /// True when every field it names already has that value on `story` (whose labels are
    /// `labels`): saving it would change nothing.
    pub fn changes_nothing(&self, story: &Story, labels: &Labels) -> bool {
        self.title
            .as_ref()
            .is_none_or(|t| t.as_str() == story.title)
            && self
                .details
                .as_ref()
                .is_none_or(|d| d.as_str() == story.details)
            && self.kind.is_none_or(|k| k == story.kind)
            && self
                .points
                .is_none_or(|p| p.map(|p| i64::from(p.get())) == story.points)
            && self.labels.as_ref().is_none_or(|l| l == labels)
    }
}

/// One acceptance criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub position: i64,
    pub text: String,
    pub checked: bool,
}

impl Store {
    /// A story of the given team by its number; `None` when the team (of that guild) has none.
    pub async fn story(
        &self,
        guild_id: u64,
        team_id: i64,
        number: i64,
    ) -> sqlx::Result<Option<Story>> {
        let sql = format!(
            "SELECT {STORY_COLUMNS} FROM stories WHERE guild_id = ? AND team_id = ? AND number = ?"
        );
        let row = sqlx::query(&sql)
            .bind(db_id(guild_id))
            .bind(team_id)
            .bind(number)
            .fetch_optional(self.reads())
            .await?;
        Ok(row.as_ref().map(story_from_row))
    }

    pub async fn labels(&self, story: &Story) -> sqlx::Result<Labels> {
        Ok(Labels::from_stored(
            labels_in(self.reads(), story.id).await?,
        ))
    }

    /// Applies field changes and returns the story as it now is.
    pub async fn update_story(
        &self,
        story: &Story,
        change: &StoryChange,
        now: i64,
    ) -> sqlx::Result<Story> {
        let mut tx = self.begin_write().await?;
        tx.changes_stories_of(story.guild_id, story.team_id);
        let updated = write_change(&mut tx, story, change, now).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Applies the edit form's changes only if the story's editable fields are still what the
    /// form was filled with (`version`), checked in the same transaction; `None`, with nothing
    /// written, when they changed meanwhile (or the story is gone).
    pub async fn update_story_from_form(
        &self,
        story: &Story,
        change: &StoryChange,
        version: FormVersion,
        now: i64,
    ) -> sqlx::Result<Option<Story>> {
        let mut tx = self.begin_write().await?;
        tx.changes_stories_of(story.guild_id, story.team_id);
        let Some(now_story) = story_by_id_in(&mut *tx, story.guild_id, story.id).await? else {
            return Ok(None);
        };
        let labels = labels_in(&mut *tx, story.id).await?;
        if FormVersion::of(&now_story, &labels) != version {
            return Ok(None);
        }
        let updated = write_change(&mut tx, story, change, now).await?;
        tx.commit().await?;
        Ok(Some(updated))
    }

    /// Moves a story from the status it was read with to `to`, recording the change. Returns
    /// `None` when someone else changed the status in between (the caller re-reads and retries
    /// or reports).
    pub async fn change_status(
        &self,
        story: &Story,
        to: Status,
        by: u64,
        note: Option<&str>,
        now: i64,
    ) -> sqlx::Result<Option<Story>> {
        let mut tx = self.begin_write().await?;
        tx.changes_stories_of(story.guild_id, story.team_id);
        let sql = format!(
            "UPDATE stories SET status = ?, updated_at = ? WHERE id = ? AND guild_id = ? AND status = ?
             RETURNING {STORY_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(to.as_str())
            .bind(now)
            .bind(story.id)
            .bind(db_id(story.guild_id))
            .bind(story.status.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        sqlx::query(
            "INSERT INTO story_status_changes (story_id, from_status, to_status, changed_by, changed_at, note)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(story.id)
        .bind(story.status.as_str())
        .bind(to.as_str())
        .bind(db_id(by))
        .bind(now)
        .bind(note)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(story_from_row(&row)))
    }

    /// The status a story had when it was last archived (where `/story restore` returns it).
    pub async fn status_before_archive(&self, story: &Story) -> sqlx::Result<Option<Status>> {
        let from: Option<Option<String>> = sqlx::query_scalar(
            "SELECT from_status FROM story_status_changes WHERE story_id = ? AND to_status = 'archived'
             ORDER BY id DESC LIMIT 1",
        )
        .bind(story.id)
        .fetch_optional(self.reads())
        .await?;
        Ok(from.flatten().and_then(|s| Status::parse(&s).ok()))
    }

    /// Sets or clears the assignee.
    pub async fn set_assignee(
        &self,
        story: &Story,
        assignee: Option<u64>,
        now: i64,
    ) -> sqlx::Result<Story> {
        let mut tx = self.begin_write().await?;
        tx.changes_stories_of(story.guild_id, story.team_id);
        let sql = format!(
            "UPDATE stories SET assignee_id = ?, updated_at = ? WHERE id = ? AND guild_id = ? RETURNING {STORY_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(assignee.map(db_id))
            .bind(now)
            .bind(story.id)
            .bind(db_id(story.guild_id))
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(story_from_row(&row))
    }

    /// The story's place in its team's backlog (1 = top), when it is open.
    ///
    /// Counting every open story above it would cost a scan of the backlog (25 ms at 100,000
    /// stories), so it counts at most [`POSITION_COUNT_CAP`] on each side and takes the short
    /// side; the new story at the bottom costs nothing. Only a story deep in the middle of a
    /// huge backlog pays for a full count, over the covering index.
    pub async fn backlog_position(&self, story: &Story) -> sqlx::Result<Option<i64>> {
        self.position_at(story.team_id, story.status, &story.rank)
            .await
    }

    /// [`Store::backlog_position`] of a story known by its team, status and rank.
    pub(super) async fn position_at(
        &self,
        team_id: i64,
        status: Status,
        rank: &Rank,
    ) -> sqlx::Result<Option<i64>> {
        if !status.is_open() {
            return Ok(None);
        }
        let side = |op: &str| {
            format!(
                "(SELECT count(*) FROM (SELECT 1 FROM stories INDEXED BY stories_backlog_order
                   WHERE team_id = ?1 AND status NOT IN {CLOSED_SQL} AND rank {op} ?2 LIMIT ?3))"
            )
        };
        let sql = format!(
            "SELECT {}, {}, (SELECT open_stories FROM backlog_totals WHERE team_id = ?1)",
            side("<"),
            side(">")
        );
        let (before, after, open): (i64, i64, Option<i64>) = sqlx::query_as(&sql)
            .bind(team_id)
            .bind(rank.as_bytes())
            .bind(POSITION_COUNT_CAP)
            .fetch_one(self.reads())
            .await?;
        if before < POSITION_COUNT_CAP {
            return Ok(Some(before + 1));
        }
        if let (true, Some(open)) = (after < POSITION_COUNT_CAP, open) {
            return Ok(Some(open - after));
        }
        let sql = format!(
            "SELECT count(*) FROM stories INDEXED BY stories_backlog_order
             WHERE team_id = ? AND status NOT IN {CLOSED_SQL} AND rank < ?"
        );
        let before: i64 = sqlx::query_scalar(&sql)
            .bind(team_id)
            .bind(rank.as_bytes())
            .fetch_one(self.reads())
            .await?;
        Ok(Some(before + 1))
    }
}

/// The field changes of an edit, in the caller's write transaction.
async fn write_change(
    tx: &mut WriteTx,
    story: &Story,
    change: &StoryChange,
    now: i64,
) -> sqlx::Result<Story> {
    let sql = format!(
        "UPDATE stories SET title = coalesce(?, title), details = coalesce(?, details),
           kind = coalesce(?, kind), points = CASE WHEN ? THEN ? ELSE points END, updated_at = ?
         WHERE id = ? AND guild_id = ? RETURNING {STORY_COLUMNS}"
    );
    let row = sqlx::query(&sql)
        .bind(change.title.as_ref().map(|t| t.as_str()))
        .bind(change.details.as_ref().map(|d| d.as_str()))
        .bind(change.kind.map(|k| k.as_str()))
        .bind(change.points.is_some())
        .bind(change.points.flatten().map(|p| i64::from(p.get())))
        .bind(now)
        .bind(story.id)
        .bind(db_id(story.guild_id))
        .fetch_one(&mut **tx)
        .await?;
    if let Some(labels) = &change.labels {
        sqlx::query("DELETE FROM story_labels WHERE story_id = ?")
            .bind(story.id)
            .execute(&mut **tx)
            .await?;
        for label in labels.as_slice() {
            sqlx::query("INSERT INTO story_labels (story_id, label) VALUES (?, ?)")
                .bind(story.id)
                .bind(label)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(story_from_row(&row))
}

#[cfg(test)]
mod tests;
