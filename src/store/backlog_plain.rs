//! A page of the plain backlog (every open story, no filter) and its totals, in one snapshot.
//!
//! The page's ids come from the order index: from the rank where the page starts, when that
//! is remembered (`page_starts.rs`) and the team's order has not changed since, or else by
//! skipping the entries above it. Either way the read also takes the open story just after the
//! page, and when it skipped, the one just before, so the starts of this page and the next are
//! remembered for the next press. The totals and the order's change count come from one row
//! kept by triggers (migrations 0009 and 0015).
//!
//! A read that starts from a rank, or skips at most [`SKIP_ON_CALLING_THREAD`] entries, is a
//! quick read on the calling thread; a deeper skip runs on a blocking thread.

use std::sync::{Arc, LazyLock};

use rusqlite::{params, Connection, OptionalExtension as _};

use super::backlog::{PageAndTotals, PageRow};
use super::page_starts::PageStarts;
use super::quick_reads::in_snapshot;
use super::stories::CLOSED_SQL;
use super::{db_id, Store};

/// Index entries a page may skip on the runtime's thread (about 30 µs at most); a deeper page
/// whose start is not remembered is read on a blocking thread.
const SKIP_ON_CALLING_THREAD: i64 = 1_000;

/// The team's kept totals and order change count, if the team is the guild's.
const TOTALS_SQL: &str = "SELECT b.open_stories, b.open_points, b.order_changes
     FROM backlog_totals b JOIN teams t ON t.id = b.team_id
     WHERE b.team_id = ?1 AND t.guild_id = ?2";

/// Up to ?3 open stories in backlog order from the rank ?4 on.
static FROM_RANK_SQL: LazyLock<String> =
    LazyLock::new(|| page_sql("AND rank >= ?4 ORDER BY rank LIMIT ?3"));

/// Up to ?3 open stories in backlog order after skipping ?4.
static SKIPPING_SQL: LazyLock<String> =
    LazyLock::new(|| page_sql("ORDER BY rank LIMIT ?3 OFFSET ?4"));

/// The rows of the stories whose ids the order index gives (`?1` the team, `?2` the guild);
/// the order is the index's own, ties in rank included.
fn page_sql(range: &str) -> String {
    format!(
        "SELECT {} FROM (SELECT id FROM stories INDEXED BY stories_backlog_order
                        WHERE team_id = ?1 AND status NOT IN {CLOSED_SQL} {range}) p
         CROSS JOIN stories s ON s.id = p.id
         WHERE s.guild_id = ?2
         ORDER BY s.rank, s.status, s.id",
        PageRow::columns()
    )
}

/// One page of a team's plain backlog.
struct PlainPage {
    guild_id: u64,
    team_id: i64,
    /// Stories above the page.
    offset: i64,
    per_page: i64,
}

impl PlainPage {
    /// Reads the page in one snapshot, or `None` when it would skip more than `max_skip`
    /// entries.
    fn read(
        &self,
        connection: &Connection,
        starts: &PageStarts,
        max_skip: i64,
    ) -> rusqlite::Result<Option<PageAndTotals>> {
        in_snapshot(connection, || {
            self.read_in_snapshot(connection, starts, max_skip)
        })
    }

    fn read_in_snapshot(
        &self,
        connection: &Connection,
        starts: &PageStarts,
        max_skip: i64,
    ) -> rusqlite::Result<Option<PageAndTotals>> {
        let totals: Option<(i64, i64, i64)> = connection
            .prepare_cached(TOTALS_SQL)?
            .query_row(params![self.team_id, db_id(self.guild_id)], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .optional()?;
        let Some((open_stories, open_points, order_changes)) = totals else {
            // Not a team of this guild: nothing to show.
            return Ok(Some((Vec::new(), (0, 0))));
        };
        let team = (self.guild_id, self.team_id);
        let (before, mut rows) = match starts.get(team, self.offset, order_changes) {
            Some(start) => (None, self.rows(connection, &FROM_RANK_SQL, start, 1)?),
            None if self.offset > max_skip => return Ok(None),
            None if self.offset == 0 => (None, self.rows(connection, &SKIPPING_SQL, 0, 1)?),
            None => {
                // From the story before the page, to tell where the page starts.
                let mut rows = self.rows(connection, &SKIPPING_SQL, self.offset - 1, 2)?;
                let before = (!rows.is_empty()).then(|| rows.remove(0));
                (before, rows)
            }
        };
        let after = (rows.len() as i64 > self.per_page)
            .then(|| rows.pop())
            .flatten();
        // A start is kept only where the rank steps up, so no story tied with it is skipped.
        if let (Some(before), Some(first)) = (&before, rows.first()) {
            if first.rank > before.rank {
                starts.put(team, self.offset, order_changes, first.rank.clone());
            }
        }
        if let (Some(last), Some(after)) = (rows.last(), after) {
            if after.rank > last.rank {
                let next = self.offset + self.per_page;
                starts.put(team, next, order_changes, after.rank);
            }
        }
        Ok(Some((rows, (open_stories, open_points))))
    }

    /// The page's rows and `extra` more, from `sql` with its own `?4`.
    fn rows(
        &self,
        connection: &Connection,
        sql: &str,
        from: impl rusqlite::ToSql,
        extra: i64,
    ) -> rusqlite::Result<Vec<PageRow>> {
        connection
            .prepare_cached(sql)?
            .query_map(
                params![
                    self.team_id,
                    db_id(self.guild_id),
                    self.per_page + extra,
                    from
                ],
                PageRow::read,
            )?
            .collect()
    }
}

impl Store {
    /// The plain backlog's page below `offset` open stories, with the totals of the backlog.
    pub(super) async fn plain_backlog_page(
        &self,
        guild_id: u64,
        team_id: i64,
        offset: i64,
        per_page: i64,
    ) -> sqlx::Result<PageAndTotals> {
        let page = PlainPage {
            guild_id,
            team_id,
            offset,
            per_page,
        };
        let team = (guild_id, team_id);
        if offset <= SKIP_ON_CALLING_THREAD || self.page_starts.holds(team, offset) {
            let starts = &self.page_starts;
            let read = self
                .quick_read(|connection| page.read(connection, starts, SKIP_ON_CALLING_THREAD))?;
            if let Some(read) = read {
                return Ok(read);
            }
        }
        // A deep page whose start is not known (or no longer holds): skip off this thread.
        let starts = Arc::clone(&self.page_starts);
        self.blocking_read(move |connection| page.read(connection, &starts, i64::MAX))
            .await?
            .ok_or_else(|| sqlx::Error::Protocol("a page read with no skip limit gave up".into()))
    }
}

#[cfg(test)]
#[path = "backlog_plain_tests.rs"]
mod tests;
