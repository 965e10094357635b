//! `sprintmate export`: a guild's teams read into a backup document (`backup::Document`) inside
//! one read transaction, so the document is a consistent snapshot even while the bot writes.
//! Each table is read once per team (not once per story); story ids become team numbers.
//! Sprints, votes, poker, stand-ups and updates are read by `export_activity.rs`.

use std::collections::HashMap;

use anyhow::Context as _;
use sqlx::{Row as _, SqliteConnection};

use super::{db_id, Store};
use crate::backup::{
    CriterionDoc, DependencyDoc, Document, MemberDoc, Snowflake, StatusChangeDoc, StoryDoc,
    TeamDoc, FORMAT, VERSION,
};

/// Story row id -> story number, within one team.
pub(super) type Numbers = HashMap<i64, i64>;

pub(super) fn flake(row: &sqlx::sqlite::SqliteRow, column: &str) -> Snowflake {
    Snowflake::from_db(row.get(column))
}

pub(super) fn flake_opt(row: &sqlx::sqlite::SqliteRow, column: &str) -> Option<Snowflake> {
    row.get::<Option<i64>, _>(column).map(Snowflake::from_db)
}

impl Store {
    /// The guild's teams (or only `team_name`, matched without regard to case) as a document
    /// stamped `now`. An error names the guild or team when there is nothing to export.
    pub async fn export_guild(
        &self,
        guild_id: u64,
        team_name: Option<&str>,
        now: i64,
    ) -> anyhow::Result<Document> {
        // A plain (deferred) transaction that only reads: its first SELECT fixes the snapshot.
        // It runs on a pool connection, since lent read connections never hold a transaction.
        let mut tx = self.pool().begin().await?;
        let rows = sqlx::query(
            "SELECT id, name, is_default, po_role_id, timezone, stakeholder_channel_id, vision,
                    next_story_number, created_at
             FROM teams WHERE guild_id = ?1 AND (?2 IS NULL OR name = ?2 COLLATE NOCASE)
             ORDER BY is_default DESC, id",
        )
        .bind(db_id(guild_id))
        .bind(team_name)
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            anyhow::bail!(match team_name {
                Some(name) => format!("guild {guild_id} has no team named {name:?}"),
                None => format!("guild {guild_id} has no teams in this database"),
            });
        }
        let mut teams = Vec::with_capacity(rows.len());
        for row in &rows {
            let team_id: i64 = row.get("id");
            let name: String = row.get("name");
            let (stories, numbers) = stories(&mut tx, guild_id, team_id)
                .await
                .with_context(|| format!("reading the stories of team {name:?}"))?;
            let mut team = TeamDoc {
                name,
                is_default: row.get::<i64, _>("is_default") != 0,
                po_role_id: flake_opt(row, "po_role_id"),
                timezone: row.get("timezone"),
                stakeholder_channel_id: flake_opt(row, "stakeholder_channel_id"),
                vision: row.get("vision"),
                next_story_number: row.get("next_story_number"),
                created_at: row.get("created_at"),
                channels: channels(&mut tx, guild_id, team_id).await?,
                members: members(&mut tx, team_id).await?,
                stories,
                sprints: Vec::new(),
                votes: Vec::new(),
                poker_rounds: Vec::new(),
                standup: Default::default(),
                updates: Vec::new(),
                update_schedule: None,
            };
            super::export_activity::read_activity(&mut tx, guild_id, team_id, &numbers, &mut team)
                .await
                .with_context(|| format!("reading the activity of team {:?}", team.name))?;
            teams.push(team);
        }
        tx.commit().await?;
        Ok(Document {
            format: FORMAT.to_string(),
            version: VERSION,
            exported_at: now,
            guild_id: Snowflake(guild_id),
            teams,
        })
    }
}

async fn channels(
    conn: &mut SqliteConnection,
    guild_id: u64,
    team_id: i64,
) -> sqlx::Result<Vec<Snowflake>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT channel_id FROM team_channels WHERE guild_id = ? AND team_id = ? ORDER BY channel_id",
    )
    .bind(db_id(guild_id))
    .bind(team_id)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(Snowflake::from_db).collect())
}

async fn members(conn: &mut SqliteConnection, team_id: i64) -> sqlx::Result<Vec<MemberDoc>> {
    let rows = sqlx::query(
        "SELECT user_id, added_at FROM team_members WHERE team_id = ? ORDER BY added_at, user_id",
    )
    .bind(team_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|row| MemberDoc {
            user_id: flake(row, "user_id"),
            added_at: row.get("added_at"),
        })
        .collect())
}

/// Rows of a table about stories, for one team, ordered by story id then `order`; `columns`
/// name `x.`-prefixed columns of `table x`.
async fn story_rows(
    conn: &mut SqliteConnection,
    guild_id: u64,
    team_id: i64,
    table: &str,
    columns: &str,
    order: &str,
) -> sqlx::Result<Vec<sqlx::sqlite::SqliteRow>> {
    let sql = format!(
        "SELECT x.story_id, {columns} FROM {table} x JOIN stories s ON s.id = x.story_id
         WHERE s.guild_id = ? AND s.team_id = ? ORDER BY x.story_id, {order}"
    );
    sqlx::query(&sql)
        .bind(db_id(guild_id))
        .bind(team_id)
        .fetch_all(conn)
        .await
}

async fn stories(
    conn: &mut SqliteConnection,
    guild_id: u64,
    team_id: i64,
) -> sqlx::Result<(Vec<StoryDoc>, Numbers)> {
    let rows = sqlx::query(
        "SELECT id, number, title, details, kind, status, points, assignee_id, rank, source_url,
                created_by, created_at, updated_at
         FROM stories WHERE guild_id = ? AND team_id = ? ORDER BY number",
    )
    .bind(db_id(guild_id))
    .bind(team_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut numbers = Numbers::with_capacity(rows.len());
    let mut index = HashMap::with_capacity(rows.len());
    let mut stories = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.get("id");
        numbers.insert(id, row.get("number"));
        index.insert(id, stories.len());
        stories.push(StoryDoc {
            number: row.get("number"),
            title: row.get("title"),
            details: row.get("details"),
            kind: row.get("kind"),
            status: row.get("status"),
            points: row.get("points"),
            assignee_id: flake_opt(row, "assignee_id"),
            rank: hex::encode(row.get::<Vec<u8>, _>("rank")),
            source_url: row.get("source_url"),
            created_by: flake(row, "created_by"),
            created_at: row.get("created_at"),
            updated_at: row.get("updated_at"),
            labels: Vec::new(),
            criteria: Vec::new(),
            history: Vec::new(),
            blocked_by: Vec::new(),
        });
    }
    let story_of = |row: &sqlx::sqlite::SqliteRow| -> Option<usize> {
        index.get(&row.get::<i64, _>("story_id")).copied()
    };
    for row in story_rows(
        conn,
        guild_id,
        team_id,
        "story_labels",
        "x.label",
        // The order the card shows them in (`story_extras.rs`), which the import's inserts keep.
        "x.rowid",
    )
    .await?
    {
        if let Some(i) = story_of(&row) {
            stories[i].labels.push(row.get("label"));
        }
    }
    let criteria = story_rows(
        conn,
        guild_id,
        team_id,
        "story_criteria",
        "x.position, x.text, x.checked",
        "x.position",
    )
    .await?;
    for row in criteria {
        if let Some(i) = story_of(&row) {
            stories[i].criteria.push(CriterionDoc {
                position: row.get("position"),
                text: row.get("text"),
                checked: row.get::<i64, _>("checked") != 0,
            });
        }
    }
    let history = story_rows(
        conn,
        guild_id,
        team_id,
        "story_status_changes",
        "x.from_status, x.to_status, x.changed_by, x.changed_at, x.note",
        "x.id",
    )
    .await?;
    for row in history {
        if let Some(i) = story_of(&row) {
            stories[i].history.push(StatusChangeDoc {
                from: row.get("from_status"),
                to: row.get("to_status"),
                by: flake(&row, "changed_by"),
                at: row.get("changed_at"),
                note: row.get("note"),
            });
        }
    }
    let dependencies = story_rows(
        conn,
        guild_id,
        team_id,
        "story_dependencies",
        "x.blocked_by_id, x.created_by, x.created_at",
        "x.blocked_by_id",
    )
    .await?;
    for row in dependencies {
        let on = numbers.get(&row.get::<i64, _>("blocked_by_id")).copied();
        if let (Some(i), Some(on)) = (story_of(&row), on) {
            stories[i].blocked_by.push(DependencyDoc {
                story: on,
                by: flake(&row, "created_by"),
                at: row.get("created_at"),
            });
        }
    }
    for story in &mut stories {
        story.blocked_by.sort_by_key(|d| d.story);
    }
    Ok((stories, numbers))
}
