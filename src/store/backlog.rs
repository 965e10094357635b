//! `/backlog`: one page of a team's stories in rank order, with each line's place, whether it is
//! ranked above an unfinished story it depends on, and the totals of the whole list. The plain
//! backlog (every open story) is read by `backlog_plain.rs`: its page's ids come from the order
//! index, from a remembered start or by skipping, and its totals are kept by triggers. A
//! filtered page may scan the backlog and counts what it matches, so it runs on a blocking
//! thread.

use super::quick_reads::{in_snapshot, QuickSql};
use super::stories::CLOSED_SQL;
use super::{db_id, wire_id, Store};
use crate::domain::rank::Rank;
use crate::domain::story::{Status, StoryKind};

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

/// A line as the page query reads it, before its place is known.
pub(super) struct PageRow {
    id: i64,
    number: i64,
    title: String,
    status: String,
    points: Option<i64>,
    assignee_id: Option<i64>,
    above_blocker: bool,
    pub(super) rank: Vec<u8>,
}

impl PageRow {
    /// What a page statement selects, from the stories aliased `s`, in [`PageRow`]'s order.
    pub(super) fn columns() -> String {
        format!(
            "s.id, s.number, s.title, s.status, s.points, s.assignee_id,
             EXISTS (SELECT 1 FROM story_dependencies d
                     JOIN stories b ON b.id = d.blocked_by_id
                     WHERE d.story_id = s.id AND b.status NOT IN {CLOSED_SQL}
                       AND s.status NOT IN {CLOSED_SQL} AND b.rank > s.rank),
             s.rank"
        )
    }

    /// A row of a statement that selects [`columns`](Self::columns).
    pub(super) fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            number: row.get(1)?,
            title: row.get(2)?,
            status: row.get(3)?,
            points: row.get(4)?,
            assignee_id: row.get(5)?,
            above_blocker: row.get(6)?,
            rank: row.get(7)?,
        })
    }
}

/// A page's rows and the totals `(stories, points)` of the whole list it is cut from.
pub(super) type PageAndTotals = (Vec<PageRow>, (i64, i64));

/// A filtered page's statement and its totals' statement, read in one snapshot.
struct FilteredQuery {
    page: QuickSql,
    totals: QuickSql,
}

impl FilteredQuery {
    fn read(&self, connection: &rusqlite::Connection) -> rusqlite::Result<PageAndTotals> {
        // One snapshot for both, so the totals count the list the page was cut from.
        in_snapshot(connection, || {
            let rows = self.page.query_rows(connection, PageRow::read)?;
            let totals = self
                .totals
                .query_rows(connection, |row| Ok((row.get(0)?, row.get(1)?)))?
                .pop()
                .unwrap_or((0, 0));
            Ok((rows, totals))
        })
    }
}

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
        // Stories above the page. A page number from a button is not trusted to be small.
        let offset = page.max(0).saturating_mul(per_page);
        let (rows, (total_stories, total_points)) = if plain {
            self.plain_backlog_page(guild_id, team_id, offset, per_page)
                .await?
        } else {
            // A filter may scan the whole backlog to fill a page, and counts what it matches.
            let query = filtered_query(guild_id, team_id, filter, offset, per_page);
            self.blocking_read(move |connection| query.read(connection))
                .await?
        };

        let mut lines = Vec::with_capacity(rows.len());
        for (i, row) in rows.into_iter().enumerate() {
            // Stored values were validated on the way in.
            let status = Status::parse(&row.status).unwrap_or(Status::New);
            let position = if plain {
                Some(offset.saturating_add(i as i64 + 1))
            } else {
                self.position_at(team_id, status, &Rank::from_bytes(row.rank))
                    .await?
            };
            lines.push(BacklogLine {
                id: row.id,
                number: row.number,
                title: row.title,
                status,
                points: row.points,
                assignee_id: row.assignee_id.map(wire_id),
                position,
                above_blocker: row.above_blocker,
            });
        }
        Ok(BacklogPage {
            lines,
            total_stories,
            total_points,
        })
    }
}

/// The statements for one filtered page and the totals of the list it is cut from.
fn filtered_query(
    guild_id: u64,
    team_id: i64,
    filter: &BacklogFilter,
    offset: i64,
    per_page: i64,
) -> FilteredQuery {
    let mut sql = QuickSql::new(format!("SELECT {} FROM stories s", PageRow::columns()));
    push_backlog_filter(&mut sql, guild_id, team_id, filter);
    sql.push(" ORDER BY s.rank");
    push_page(&mut sql, offset, per_page);
    let mut totals = QuickSql::new("SELECT count(*), coalesce(sum(points), 0) FROM stories s");
    push_backlog_filter(&mut totals, guild_id, team_id, filter);
    FilteredQuery { page: sql, totals }
}

/// `LIMIT` and `OFFSET` of a page below `offset` stories.
fn push_page(sql: &mut QuickSql, offset: i64, per_page: i64) {
    sql.push(" LIMIT ")
        .push_bind(per_page)
        .push(" OFFSET ")
        .push_bind(offset);
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
