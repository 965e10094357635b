//! `/backlog`: one page of a team's stories in rank order, with each line's place, whether it is
//! ranked above an unfinished story it depends on, and the totals of the whole list. The plain
//! backlog is one query returning one row: the page as a JSON array (SQLite builds it), so the
//! page costs one value to copy out instead of a row per story and a value per column; its ids
//! come from the order index alone, so page 50 costs about what page 1 does. It is one of the
//! quick reads (`quick_reads.rs`), run on the calling thread.

use super::quick_reads::QuickSql;
use super::stories::CLOSED_SQL;
use super::{db_id, wire_id, Store};
use crate::domain::rank::Rank;
use crate::domain::story::{Status, StoryKind};
use serde::Deserialize;

/// Which stories `/backlog` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BacklogFilter {
    pub status: Option<Status>,
    pub kind: Option<StoryKind>,
    pub label: Option<String>,
    pub assignee_id: Option<u64>,
}

impl BacklogFilter {
    /// The whole open backlog, whose totals and places are kept rather than counted.
    fn is_plain(&self) -> bool {
        self.status.is_none()
            && self.kind.is_none()
            && self.label.is_none()
            && self.assignee_id.is_none()
    }
}

/// One story as a backlog line shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacklogLine {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub status: Status,
    pub points: Option<i64>,
    pub assignee_id: Option<u64>,
    /// Its place in the team's backlog (1 = top), when it is open.
    pub position: Option<i64>,
    /// Ranked above an unfinished story it depends on.
    pub above_blocker: bool,
}

/// One page of the backlog.
#[derive(Debug, Clone)]
pub struct BacklogPage {
    pub lines: Vec<BacklogLine>,
    /// Of the whole list the filter selects, not only this page.
    pub total_stories: i64,
    pub total_points: i64,
}

/// A line as the page query writes it: `[id, number, title, status, points, assignee, above
/// blocker (0/1), rank as hex]`.
#[derive(Deserialize)]
struct LineJson(
    i64,
    i64,
    String,
    String,
    Option<i64>,
    Option<i64>,
    i64,
    String,
);

impl Store {
    /// One page (0-based) of the team's backlog in rank order, with totals of the whole list.
    pub async fn backlog_page(
        &self,
        guild_id: u64,
        team_id: i64,
        filter: &BacklogFilter,
        page: i64,
        per_page: i64,
    ) -> sqlx::Result<BacklogPage> {
        let plain = filter.is_plain();
        let mut sql = QuickSql::new(format!(
            "SELECT (SELECT json_group_array(json_array(p.id, p.number, p.title, p.status,
                       p.points, p.assignee_id, p.above_blocker, hex(p.rank)) ORDER BY p.rank)
                     FROM (SELECT s.id, s.number, s.title, s.status, s.points, s.assignee_id,
                             s.rank,
                             EXISTS (SELECT 1 FROM story_dependencies d
                                     JOIN stories b ON b.id = d.blocked_by_id
                                     WHERE d.story_id = s.id AND b.status NOT IN {CLOSED_SQL}
                                       AND b.rank > s.rank) AS above_blocker
                           FROM stories s"
        ));
        if plain {
            // The page's ids from the order index alone (migration 0012 made it covering), so
            // a deep page skips index entries rather than whole rows.
            sql.push(
                " WHERE s.id IN (SELECT id FROM stories INDEXED BY stories_backlog_order
                   WHERE team_id = ",
            )
            .push_bind(team_id)
            .push(format!(" AND status NOT IN {CLOSED_SQL} ORDER BY rank"));
            push_page(&mut sql, page, per_page);
            sql.push(") AND s.guild_id = ").push_bind(db_id(guild_id));
        } else {
            push_backlog_filter(&mut sql, guild_id, team_id, filter);
            sql.push(" ORDER BY s.rank");
            push_page(&mut sql, page, per_page);
        }
        sql.push(") p)");
        if plain {
            // The kept totals, in the same round trip.
            for column in ["open_stories", "open_points"] {
                sql.push(format!(
                    ", (SELECT b.{column} FROM backlog_totals b JOIN teams t ON t.id = b.team_id
                        WHERE b.team_id = "
                ))
                .push_bind(team_id)
                .push(" AND t.guild_id = ")
                .push_bind(db_id(guild_id))
                .push(")");
            }
        }
        let (json, kept_stories, kept_points) = self.quick_read(|connection| {
            sql.query_row(connection, |row| {
                let kept = |column| match plain {
                    true => row.get::<_, Option<i64>>(column),
                    false => Ok(None),
                };
                Ok((row.get::<_, String>(0)?, kept(1)?, kept(2)?))
            })
        })?;
        let parsed: Vec<LineJson> =
            serde_json::from_str(&json).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;

        let (total_stories, total_points) = if plain {
            (kept_stories.unwrap_or(0), kept_points.unwrap_or(0))
        } else {
            let mut totals =
                QuickSql::new("SELECT count(*), coalesce(sum(points), 0) FROM stories s");
            push_backlog_filter(&mut totals, guild_id, team_id, filter);
            self.quick_read(|connection| {
                totals.query_row(connection, |row| Ok((row.get(0)?, row.get(1)?)))
            })?
        };

        let mut lines = Vec::with_capacity(parsed.len());
        for (i, LineJson(id, number, title, status, points, assignee, above, rank)) in
            parsed.into_iter().enumerate()
        {
            // Stored values were validated on the way in.
            let status = Status::parse(&status).unwrap_or(Status::New);
            let position = if plain {
                Some(page * per_page + i as i64 + 1)
            } else {
                let rank = Rank::from_bytes(hex::decode(&rank).unwrap_or_default());
                self.position_at(team_id, status, &rank).await?
            };
            lines.push(BacklogLine {
                id,
                number,
                title,
                status,
                points,
                assignee_id: assignee.map(wire_id),
                position,
                above_blocker: above != 0,
            });
        }
        Ok(BacklogPage {
            lines,
            total_stories,
            total_points,
        })
    }
}

/// `LIMIT` and `OFFSET` of a page (0-based).
fn push_page(sql: &mut QuickSql, page: i64, per_page: i64) {
    sql.push(" LIMIT ")
        .push_bind(per_page)
        .push(" OFFSET ")
        .push_bind(page * per_page);
}

fn push_backlog_filter(sql: &mut QuickSql, guild_id: u64, team_id: i64, filter: &BacklogFilter) {
    sql.push(" WHERE s.guild_id = ").push_bind(db_id(guild_id));
    sql.push(" AND s.team_id = ").push_bind(team_id);
    match filter.status {
        Some(status) => {
            sql.push(" AND s.status = ")
                .push_bind(status.as_str().to_string());
        }
        None => {
            sql.push(format!(" AND s.status NOT IN {CLOSED_SQL}"));
        }
    }
    if let Some(kind) = filter.kind {
        sql.push(" AND s.kind = ")
            .push_bind(kind.as_str().to_string());
    }
    if let Some(assignee) = filter.assignee_id {
        sql.push(" AND s.assignee_id = ").push_bind(db_id(assignee));
    }
    if let Some(label) = &filter.label {
        sql.push(
            " AND EXISTS (SELECT 1 FROM story_labels l WHERE l.story_id = s.id AND l.label = ",
        )
        .push_bind(label.clone())
        .push(")");
    }
}

#[cfg(test)]
#[path = "backlog_tests.rs"]
mod tests;
