//! `sprintmate import`: a backup document written back in one write transaction, so a refusal
//! or a failure half-way changes nothing. New row ids are given out; story numbers, team names
//! and `next_story_number` are kept, so `/story add` goes on numbering where the team left off.
//!
//! Conflict rule: nothing is merged. A team whose name the guild already has (any case), a
//! default team for a guild that already has one, or a channel the guild has already linked is
//! refused with an error naming it, and nothing is written.
//!
//! Tables kept by triggers are not written here: inserting a team and its stories lets SQLite
//! fill `backlog_totals` in the same transaction. A story's first history row is written by its
//! trigger too, so the story goes in with the status of its first history entry; that row is
//! made to match the document's entry, the later entries are inserted, and then the story is
//! moved to its final status (which the totals trigger sees).
//! Sprints, votes, poker, stand-ups and updates are written by `import_activity.rs`.

use std::collections::HashMap;

use anyhow::Context as _;
use sqlx::SqliteConnection;

use super::{db_id, Store};
use crate::backup::{validate, Document, StoryDoc, TeamDoc};

/// Story number -> new row id, within one team.
pub(super) type StoryIds = HashMap<i64, i64>;

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub teams: Vec<String>,
    pub stories: usize,
}

impl Store {
    /// Checks `document`, then writes all its teams in one transaction or nothing at all, and
    /// notes the guild as restored at `now` (unix seconds; see `guild_restores.rs`).
    pub async fn import_document(
        &self,
        document: &Document,
        now: i64,
    ) -> anyhow::Result<ImportSummary> {
        validate::check(document).map_err(|problems| anyhow::anyhow!("{problems}"))?;
        let guild_id = document.guild_id.0;
        let mut tx = self.begin_write().await?;
        for team in &document.teams {
            refuse_conflicts(&mut tx, guild_id, team).await?;
        }
        let mut stories = 0;
        for team in &document.teams {
            let team_id = Store::insert_imported_team(&mut tx, guild_id, team)
                .await
                .with_context(|| format!("writing team {:?}", team.name))?;
            // A new team: its stories are all additions (`open_titles.rs` has nothing of it).
            tx.adds_stories_to(guild_id, team_id);
            let ids = insert_stories(&mut tx, guild_id, team_id, &team.stories)
                .await
                .with_context(|| format!("writing the stories of team {:?}", team.name))?;
            super::import_activity::write_activity(&mut tx, guild_id, team_id, &ids, team)
                .await
                .with_context(|| format!("writing the activity of team {:?}", team.name))?;
            stories += team.stories.len();
        }
        super::guild_restores::note_restore(&mut tx, guild_id, now).await?;
        let committed = tx.commit().await;
        self.teams_imported();
        committed?;
        Ok(ImportSummary {
            teams: document.teams.iter().map(|t| t.name.clone()).collect(),
            stories,
        })
    }
}

/// Refuses a team that would clash with what the guild already has.
async fn refuse_conflicts(
    conn: &mut SqliteConnection,
    guild_id: u64,
    team: &TeamDoc,
) -> anyhow::Result<()> {
    let taken: Option<String> =
        sqlx::query_scalar("SELECT name FROM teams WHERE guild_id = ? AND name = ? COLLATE NOCASE")
            .bind(db_id(guild_id))
            .bind(&team.name)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(name) = taken {
        anyhow::bail!(
            "guild {guild_id} already has a team named {name:?}; nothing was imported \
             (import never merges: restore into a database without that team)"
        );
    }
    if team.is_default {
        let default: Option<String> =
            sqlx::query_scalar("SELECT name FROM teams WHERE guild_id = ? AND is_default = 1")
                .bind(db_id(guild_id))
                .fetch_optional(&mut *conn)
                .await?;
        if let Some(name) = default {
            anyhow::bail!(
                "team {:?} is the default team, but guild {guild_id} already has the default \
                 team {name:?}; nothing was imported",
                team.name
            );
        }
    }
    for channel in &team.channels {
        let linked: Option<String> = sqlx::query_scalar(
            "SELECT t.name FROM team_channels c JOIN teams t ON t.id = c.team_id
             WHERE c.guild_id = ? AND c.channel_id = ?",
        )
        .bind(db_id(guild_id))
        .bind(channel.db())
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(name) = linked {
            anyhow::bail!(
                "channel {channel} is already linked to team {name:?} in guild {guild_id}; \
                 nothing was imported"
            );
        }
    }
    Ok(())
}

async fn insert_stories(
    conn: &mut SqliteConnection,
    guild_id: u64,
    team_id: i64,
    stories: &[StoryDoc],
) -> anyhow::Result<StoryIds> {
    let mut ids = StoryIds::with_capacity(stories.len());
    for story in stories {
        let first = story.history.first().context("a story without history")?;
        let rank = hex::decode(&story.rank).context("a rank that is not hex")?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO stories (guild_id, team_id, number, title, details, kind, status,
                                  points, assignee_id, rank, source_url, created_by,
                                  created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(db_id(guild_id))
        .bind(team_id)
        .bind(story.number)
        .bind(&story.title)
        .bind(&story.details)
        .bind(&story.kind)
        .bind(&first.to)
        .bind(story.points)
        .bind(story.assignee_id.map(|id| id.db()))
        .bind(rank)
        .bind(&story.source_url)
        .bind(story.created_by.db())
        .bind(story.created_at)
        .bind(story.updated_at)
        .fetch_one(&mut *conn)
        .await?;
        ids.insert(story.number, id);
        // The trigger wrote the creation as (created_by, created_at); keep the document's.
        if first.by != story.created_by || first.at != story.created_at || first.note.is_some() {
            sqlx::query(
                "UPDATE story_status_changes SET changed_by = ?, changed_at = ?, note = ?
                 WHERE story_id = ?",
            )
            .bind(first.by.db())
            .bind(first.at)
            .bind(&first.note)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        }
        for change in &story.history[1..] {
            sqlx::query(
                "INSERT INTO story_status_changes
                     (story_id, from_status, to_status, changed_by, changed_at, note)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(&change.from)
            .bind(&change.to)
            .bind(change.by.db())
            .bind(change.at)
            .bind(&change.note)
            .execute(&mut *conn)
            .await?;
        }
        if story.status != first.to {
            sqlx::query("UPDATE stories SET status = ? WHERE id = ? AND guild_id = ?")
                .bind(&story.status)
                .bind(id)
                .bind(db_id(guild_id))
                .execute(&mut *conn)
                .await?;
        }
        for label in &story.labels {
            sqlx::query("INSERT INTO story_labels (story_id, label) VALUES (?, ?)")
                .bind(id)
                .bind(label)
                .execute(&mut *conn)
                .await?;
        }
        for criterion in &story.criteria {
            sqlx::query(
                "INSERT INTO story_criteria (story_id, position, text, checked) VALUES (?, ?, ?, ?)",
            )
            .bind(id)
            .bind(criterion.position)
            .bind(&criterion.text)
            .bind(criterion.checked)
            .execute(&mut *conn)
            .await?;
        }
    }
    for story in stories {
        for dependency in &story.blocked_by {
            sqlx::query(
                "INSERT INTO story_dependencies (story_id, blocked_by_id, created_by, created_at)
                 VALUES (?, ?, ?, ?)",
            )
            .bind(ids[&story.number])
            .bind(ids[&dependency.story])
            .bind(dependency.by.db())
            .bind(dependency.at)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(ids)
}
