//! Teams of a guild, their linked channels, members and settings.

use sqlx::Row as _;

use super::{db_id, wire_id, Store};

/// A team as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: i64,
    pub guild_id: u64,
    pub name: String,
    pub is_default: bool,
    pub po_role_id: Option<u64>,
    pub timezone: String,
    pub stakeholder_channel_id: Option<u64>,
    pub vision: Option<String>,
}

const TEAM_COLUMNS: &str =
    "id, guild_id, name, is_default, po_role_id, timezone, stakeholder_channel_id, vision";
/// The same columns from `teams t`, for queries that join a table with columns of the same names.
const TEAM_COLUMNS_OF_T: &str =
    "t.id, t.guild_id, t.name, t.is_default, t.po_role_id, t.timezone, \
     t.stakeholder_channel_id, t.vision";

fn team_from_row(row: &sqlx::sqlite::SqliteRow) -> Team {
    Team {
        id: row.get("id"),
        guild_id: wire_id(row.get("guild_id")),
        name: row.get("name"),
        is_default: row.get::<i64, _>("is_default") != 0,
        po_role_id: row.get::<Option<i64>, _>("po_role_id").map(wire_id),
        timezone: row.get("timezone"),
        stakeholder_channel_id: row
            .get::<Option<i64>, _>("stakeholder_channel_id")
            .map(wire_id),
        vision: row.get("vision"),
    }
}

/// The changes `/team settings` may make; `None` leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct TeamSettingsChange {
    pub po_role_id: Option<u64>,
    pub timezone: Option<String>,
    pub stakeholder_channel_id: Option<u64>,
}

impl Store {
    /// The team a command in this channel acts on, in one query: the channel's own link, else
    /// its parent's (threads), else the guild's default team; none before the default exists.
    pub async fn team_for_channel(
        &self,
        guild_id: u64,
        channel_id: u64,
        parent_id: Option<u64>,
    ) -> sqlx::Result<Option<Team>> {
        let key = (guild_id, channel_id, parent_id);
        if let Some(team) = self.team_cache.by_channel(key) {
            return Ok(Some(team));
        }
        let seen = self.team_cache.generation();
        let sql = format!(
            "SELECT {TEAM_COLUMNS_OF_T} FROM teams t
             LEFT JOIN team_channels c
               ON c.team_id = t.id AND c.guild_id = ?1 AND c.channel_id IN (?2, ?3)
             WHERE t.guild_id = ?1 AND (c.channel_id IS NOT NULL OR t.is_default = 1)
             ORDER BY c.channel_id IS NULL, c.channel_id = ?2 DESC LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(db_id(guild_id))
            .bind(db_id(channel_id))
            .bind(parent_id.map(db_id).unwrap_or(-1))
            .fetch_optional(self.reads())
            .await?;
        let team = row.as_ref().map(team_from_row);
        if let Some(team) = &team {
            self.team_cache.put_by_channel(key, team, seen);
        }
        Ok(team)
    }

    /// The guild's default team, if it has been created.
    pub async fn default_team(&self, guild_id: u64) -> sqlx::Result<Option<Team>> {
        let sql = format!("SELECT {TEAM_COLUMNS} FROM teams WHERE guild_id = ? AND is_default = 1");
        let row = sqlx::query(&sql)
            .bind(db_id(guild_id))
            .fetch_optional(self.reads())
            .await?;
        Ok(row.as_ref().map(team_from_row))
    }

    /// Creates the guild's default team unless another request already did, and returns it.
    pub async fn ensure_default_team(
        &self,
        guild_id: u64,
        name: &str,
        now: i64,
    ) -> sqlx::Result<Team> {
        // A guild may already have a non-default team of that name; then suffix the default's.
        let taken = self.team_by_name(guild_id, name).await?.is_some();
        let name = if taken {
            format!("{name} (default)")
        } else {
            name.to_string()
        };
        let statement = sqlx::query(
            "INSERT INTO teams (guild_id, name, is_default, created_at) VALUES (?, ?, 1, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(db_id(guild_id))
        .bind(&name)
        .bind(now);
        let inserted = self.write_alone(statement).await;
        self.teams_changed(inserted)?;
        self.default_team(guild_id)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// Adds a non-default team; `None` when the guild already has a team of that name.
    pub async fn create_team(
        &self,
        guild_id: u64,
        name: &str,
        now: i64,
    ) -> sqlx::Result<Option<Team>> {
        let sql = format!(
            "INSERT INTO teams (guild_id, name, is_default, created_at) VALUES (?, ?, 0, ?)
             ON CONFLICT DO NOTHING RETURNING {TEAM_COLUMNS}"
        );
        let statement = sqlx::query(&sql).bind(db_id(guild_id)).bind(name).bind(now);
        let row = self.write_returning(statement).await;
        Ok(self.teams_changed(row)?.as_ref().map(team_from_row))
    }

    /// A team of the guild by id; `None` for another guild's team.
    pub async fn team_by_id(&self, guild_id: u64, team_id: i64) -> sqlx::Result<Option<Team>> {
        let key = (guild_id, team_id);
        if let Some(team) = self.team_cache.by_id(key) {
            return Ok(Some(team));
        }
        let seen = self.team_cache.generation();
        let sql = format!("SELECT {TEAM_COLUMNS} FROM teams WHERE guild_id = ? AND id = ?");
        let row = sqlx::query(&sql)
            .bind(db_id(guild_id))
            .bind(team_id)
            .fetch_optional(self.reads())
            .await?;
        let team = row.as_ref().map(team_from_row);
        if let Some(team) = &team {
            self.team_cache.put_by_id(key, team, seen);
        }
        Ok(team)
    }

    /// A team of the guild by name, ignoring case.
    pub async fn team_by_name(&self, guild_id: u64, name: &str) -> sqlx::Result<Option<Team>> {
        let sql = format!(
            "SELECT {TEAM_COLUMNS} FROM teams WHERE guild_id = ? AND name = ? COLLATE NOCASE"
        );
        let row = sqlx::query(&sql)
            .bind(db_id(guild_id))
            .bind(name)
            .fetch_optional(self.reads())
            .await?;
        Ok(row.as_ref().map(team_from_row))
    }

    /// Teams of the guild whose name contains `fragment`, default first, then by name.
    pub async fn search_teams(
        &self,
        guild_id: u64,
        fragment: &str,
        limit: i64,
    ) -> sqlx::Result<Vec<Team>> {
        let sql = format!(
            "SELECT {TEAM_COLUMNS} FROM teams WHERE guild_id = ? AND instr(lower(name), lower(?)) > 0
             ORDER BY is_default DESC, name COLLATE NOCASE LIMIT ?"
        );
        let rows = sqlx::query(&sql)
            .bind(db_id(guild_id))
            .bind(fragment)
            .bind(limit)
            .fetch_all(self.reads())
            .await?;
        Ok(rows.iter().map(team_from_row).collect())
    }

    /// Binds a channel to a team (replacing any earlier link of that channel); false, writing
    /// nothing, when it already is.
    pub async fn link_channel(
        &self,
        guild_id: u64,
        channel_id: u64,
        team_id: i64,
    ) -> sqlx::Result<bool> {
        let statement = sqlx::query(
            "INSERT INTO team_channels (guild_id, channel_id, team_id) VALUES (?, ?, ?)
             ON CONFLICT (guild_id, channel_id) DO UPDATE SET team_id = excluded.team_id
             WHERE team_id IS NOT excluded.team_id",
        )
        .bind(db_id(guild_id))
        .bind(db_id(channel_id))
        .bind(team_id);
        let linked = self.write_alone(statement).await;
        Ok(self.teams_changed(linked)?.rows_affected() == 1)
    }

    /// Channels linked to a team.
    pub async fn linked_channels(&self, team: &Team) -> sqlx::Result<Vec<u64>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT channel_id FROM team_channels WHERE guild_id = ? AND team_id = ? ORDER BY channel_id",
        )
        .bind(db_id(team.guild_id))
        .bind(team.id)
        .fetch_all(self.reads())
        .await?;
        Ok(ids.into_iter().map(wire_id).collect())
    }

    /// Adds a member to the roster; false when they were already on it.
    pub async fn add_member(&self, team: &Team, user_id: u64, now: i64) -> sqlx::Result<bool> {
        let statement = sqlx::query(
            "INSERT INTO team_members (team_id, user_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(team.id)
        .bind(db_id(user_id))
        .bind(now);
        let done = self.write_alone(statement).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes a member from the roster; false when they were not on it.
    pub async fn remove_member(&self, team: &Team, user_id: u64) -> sqlx::Result<bool> {
        let statement = sqlx::query("DELETE FROM team_members WHERE team_id = ? AND user_id = ?")
            .bind(team.id)
            .bind(db_id(user_id));
        let done = self.write_alone(statement).await?;
        Ok(done.rows_affected() == 1)
    }

    /// The roster, in the order members were added.
    pub async fn members(&self, team: &Team) -> sqlx::Result<Vec<u64>> {
        // A quick read: the team's members by key, at most a team's worth of rows.
        self.quick_read(|connection| {
            connection
                .prepare_cached(
                    "SELECT user_id FROM team_members WHERE team_id = ? ORDER BY added_at, user_id",
                )?
                .query_map([team.id], |row| row.get(0).map(wire_id))?
                .collect()
        })
    }

    /// Applies the given settings and returns the team as it now is.
    pub async fn update_team_settings(
        &self,
        team: &Team,
        change: &TeamSettingsChange,
    ) -> sqlx::Result<Team> {
        let sql = format!(
            "UPDATE teams SET po_role_id = coalesce(?, po_role_id), timezone = coalesce(?, timezone),
             stakeholder_channel_id = coalesce(?, stakeholder_channel_id)
             WHERE id = ? AND guild_id = ? RETURNING {TEAM_COLUMNS}"
        );
        let statement = sqlx::query(&sql)
            .bind(change.po_role_id.map(db_id))
            .bind(change.timezone.as_deref())
            .bind(change.stakeholder_channel_id.map(db_id))
            .bind(team.id)
            .bind(db_id(team.guild_id));
        let row = self.write_returning(statement).await;
        let row = self.teams_changed(row)?.ok_or(sqlx::Error::RowNotFound)?;
        Ok(team_from_row(&row))
    }

    /// Sets the product vision of a team.
    pub async fn set_vision(&self, team: &Team, vision: &str) -> sqlx::Result<()> {
        let statement = sqlx::query("UPDATE teams SET vision = ? WHERE id = ? AND guild_id = ?")
            .bind(vision)
            .bind(team.id)
            .bind(db_id(team.guild_id));
        let set = self.write_alone(statement).await;
        self.teams_changed(set)?;
        Ok(())
    }

    /// Writes a team restored from a backup and its channel links in the import's transaction;
    /// returns its new id. The import calls [`Store::teams_imported`] once it has committed.
    pub(super) async fn insert_imported_team(
        conn: &mut sqlx::SqliteConnection,
        guild_id: u64,
        team: &crate::backup::TeamDoc,
    ) -> sqlx::Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO teams (guild_id, name, is_default, po_role_id, timezone,
                                stakeholder_channel_id, vision, next_story_number, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(db_id(guild_id))
        .bind(&team.name)
        .bind(team.is_default)
        .bind(team.po_role_id.map(|id| id.db()))
        .bind(&team.timezone)
        .bind(team.stakeholder_channel_id.map(|id| id.db()))
        .bind(&team.vision)
        .bind(team.next_story_number)
        .bind(team.created_at)
        .fetch_one(&mut *conn)
        .await?;
        for channel in &team.channels {
            sqlx::query(
                "INSERT INTO team_channels (guild_id, channel_id, team_id) VALUES (?, ?, ?)",
            )
            .bind(db_id(guild_id))
            .bind(channel.db())
            .bind(id)
            .execute(&mut *conn)
            .await?;
        }
        Ok(id)
    }

    /// Called after an import committed (or failed): every lookup reads teams again.
    pub(super) fn teams_imported(&self) {
        self.teams_changed(())
    }

    /// Passes on the outcome of a statement that changed teams or channel links, after making
    /// every lookup read them again (even on an error: the change may have committed anyway).
    fn teams_changed<T>(&self, outcome: T) -> T {
        self.team_cache.forget_all();
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        (store, dir)
    }

    #[tokio::test]
    async fn every_change_to_a_team_or_a_link_is_seen_by_the_next_lookup() {
        let (store, _dir) = store().await;
        let default = store.ensure_default_team(1, "Acme", 0).await.unwrap();
        // Looked up (and remembered) before each change.
        assert_eq!(
            store.team_for_channel(1, 10, None).await.unwrap(),
            Some(default.clone())
        );
        let team = store.create_team(1, "Checkout", 0).await.unwrap().unwrap();
        store.link_channel(1, 10, team.id).await.unwrap();
        assert_eq!(
            store.team_for_channel(1, 10, None).await.unwrap(),
            Some(team.clone())
        );

        assert_eq!(
            store.team_by_id(1, team.id).await.unwrap(),
            Some(team.clone())
        );
        let change = TeamSettingsChange {
            po_role_id: Some(42),
            ..Default::default()
        };
        let changed = store.update_team_settings(&team, &change).await.unwrap();
        assert_eq!(
            store.team_by_id(1, team.id).await.unwrap(),
            Some(changed.clone())
        );
        assert_eq!(
            store
                .team_for_channel(1, 10, None)
                .await
                .unwrap()
                .unwrap()
                .po_role_id,
            Some(42)
        );

        store
            .set_vision(&changed, "Checkout in one tap")
            .await
            .unwrap();
        let seen = store.team_by_id(1, team.id).await.unwrap().unwrap();
        assert_eq!(seen.vision.as_deref(), Some("Checkout in one tap"));

        // A guild's first team: nothing is remembered for a channel without one.
        assert_eq!(store.team_for_channel(2, 10, None).await.unwrap(), None);
        let second = store.ensure_default_team(2, "Beta", 0).await.unwrap();
        assert_eq!(
            store.team_for_channel(2, 10, None).await.unwrap(),
            Some(second)
        );
        assert_eq!(
            store.team_by_id(2, team.id).await.unwrap(),
            None,
            "another guild's team"
        );
    }

    #[tokio::test]
    async fn a_channel_or_its_parent_links_a_team_else_the_default_team_acts() {
        let (store, _dir) = store().await;
        assert!(store.team_for_channel(1, 10, None).await.unwrap().is_none());
        let default = store.ensure_default_team(1, "Acme", 0).await.unwrap();
        let team = store.create_team(1, "Checkout", 0).await.unwrap().unwrap();
        let other = store.create_team(1, "Search", 0).await.unwrap().unwrap();
        store.link_channel(1, 10, team.id).await.unwrap();
        store.link_channel(1, 600, other.id).await.unwrap();
        let linked = store.team_for_channel(1, 10, None).await.unwrap().unwrap();
        assert_eq!((linked.id, linked.guild_id), (team.id, 1));
        let via_parent = store
            .team_for_channel(1, 700, Some(10))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(via_parent.id, team.id);
        // A thread's own link wins over its parent's.
        let own = store
            .team_for_channel(1, 600, Some(10))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(own.id, other.id);
        let unlinked = store.team_for_channel(1, 11, None).await.unwrap().unwrap();
        assert_eq!(unlinked.id, default.id);
        assert!(store.team_for_channel(2, 10, None).await.unwrap().is_none());
    }
}
