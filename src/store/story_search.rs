//! Finding stories as someone types (the `story` option's autocomplete): by number prefix, or by
//! title words, open stories first in backlog order. Matches carry only what a choice shows, so
//! a search decodes four columns a row rather than a whole story. The top of each team's backlog
//! is searched in memory (`open_titles.rs`), and so are a big team's titles (`title_indexes.rs`);
//! the rest through SQL, on the store's own rusqlite connections (`quick_reads.rs`): a search
//! is a keystroke's answer, and through sqlx each one paid a hand-over to the connection's
//! thread and back, plus one message per row, besides SQLite's work. The searches that may
//! scan run on a blocking thread. A team too big to hold in memory (over
//! `TitleIndexes::CAPACITY_STORIES` stories) is scanned in backlog order: since migration 0018
//! there is no index of titles on disk, whose upkeep every new story paid for (README,
//! Performance).

use std::borrow::Cow;
use std::sync::Arc;

use super::open_titles::{OpenTitles, TeamTitles};
use super::quick_reads::QuickSql;
use super::stories::CLOSED_SQL;
use super::title_index::fold;
use super::title_indexes::{TitleSearch, Work};
use super::{db_id, Store};
use crate::domain::story::Status;

/// How many open stories from the top of the backlog a title search reads in order before it
/// asks the team's titles in memory for the rest: the ones remembered in memory.
const TITLE_SCAN_BUDGET: i64 = OpenTitles::TOP as i64;

/// Punctuation that ends a typed word without being part of what is searched for: text copied
/// from a sentence (`checkout,`) still finds the title (`Guest checkout`).
const WORD_END: &[char] = &[',', '.', ';', ':', '!', '?'];

/// What a search returns of a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryMatch {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub status: Status,
}

/// The columns of a [`StoryMatch`], of the table or subquery aliased `s`.
pub(super) const MATCH_COLUMNS: &str = "s.id, s.number, s.title, s.status";

/// The order of a search's matches, of `s`: open stories first in backlog order, then done and
/// accepted ones, then archived ones ([`match_group`] first). A `CASE` rather than `status IN`
/// a list: SQLite builds a temporary table for a list of three at every run of the statement.
pub(super) const MATCH_ORDER: &str = "CASE s.status WHEN 'archived' THEN 2 \
    WHEN 'done' THEN 1 WHEN 'accepted' THEN 1 ELSE 0 END, s.rank";

/// The first key of [`MATCH_ORDER`], for matches sorted in memory: open, then done and accepted,
/// then archived.
pub(super) fn match_group(status: Status) -> u8 {
    match status {
        Status::Archived => 2,
        Status::Done | Status::Accepted => 1,
        Status::New | Status::Ready | Status::InProgress | Status::Review => 0,
    }
}

pub(super) fn match_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoryMatch> {
    Ok(StoryMatch {
        id: row.get(0)?,
        number: row.get(1)?,
        title: row.get(2)?,
        // Stored values were validated on the way in.
        status: Status::parse(row.get_ref(3)?.as_str()?).unwrap_or(Status::New),
    })
}

impl Store {
    /// Stories for autocomplete: by number prefix when `query` is digits (`#` allowed), else by
    /// title words (a leading `#` and each word's trailing [`WORD_END`] left out); open stories
    /// first (in backlog order), at most `limit`.
    pub async fn search_stories(
        &self,
        guild_id: u64,
        team_id: i64,
        query: &str,
        limit: i64,
    ) -> sqlx::Result<Vec<StoryMatch>> {
        let query = query.trim();
        // `#` is how a number is typed: alone it is no text yet (the backlog's top, as with
        // nothing typed), and before words it is not part of them.
        let query = query.strip_prefix('#').unwrap_or(query).trim_start();
        if !query.is_empty() && query.bytes().all(|b| b.is_ascii_digit()) {
            // Numbers start at 1: leading zeros say nothing, and zeros alone match no story.
            let digits = query.trim_start_matches('0');
            if digits.is_empty() {
                return Ok(Vec::new());
            }
            if digits.len() <= 12 {
                return self
                    .search_by_number(guild_id, team_id, digits, limit)
                    .await;
            }
        }
        let words: Vec<&str> = query
            .split_whitespace()
            .map(|word| word.trim_end_matches(WORD_END))
            .filter(|word| !word.is_empty())
            .take(8)
            .collect();
        // Titles in memory need three characters a word (a trigram); with them to fall back on,
        // the search in backlog order only looks at the top of the backlog.
        let indexed = !words.is_empty() && words.iter().all(|w| w.chars().count() >= 3);
        let top = self.open_titles_of(guild_id, team_id).await?;
        let mut found = top.matching(&words, usize::try_from(limit).unwrap_or(0));
        if found.len() as i64 >= limit {
            return Ok(found);
        }
        // A team no bigger than the scan budget is cheaper to scan than to hold in memory.
        // (More open stories than the top holds answers that without asking.)
        let big = indexed
            && (!top.complete || self.stories_ever_added(guild_id, team_id)? > TITLE_SCAN_BUDGET);
        let held = if big {
            self.held_title_matches(guild_id, team_id, &words, limit + found.len() as i64)
                .await?
        } else {
            None
        };
        let more = match held {
            Some(more) => more,
            None => {
                if !top.complete {
                    // Short words, or a team too big to hold: look past the top, in order.
                    found = self
                        .open_title_matches(guild_id, team_id, &words, limit)
                        .await?;
                    if found.len() as i64 >= limit {
                        return Ok(found);
                    }
                }
                self.closed_title_matches(guild_id, team_id, &words, limit - found.len() as i64)
                    .await?
            }
        };
        for story in more {
            if found.len() as i64 >= limit {
                break;
            }
            if !found.iter().any(|f| f.id == story.id) {
                found.push(story);
            }
        }
        Ok(found)
    }

    /// How many stories the team has ever had (numbers are never reused): an upper bound of its
    /// size from one row.
    fn stories_ever_added(&self, guild_id: u64, team_id: i64) -> sqlx::Result<i64> {
        let next: Option<i64> = self.quick_read(|connection| {
            use rusqlite::OptionalExtension as _;
            connection
                .prepare_cached(
                    "SELECT next_story_number FROM teams WHERE id = ? AND guild_id = ?",
                )?
                .query_row((team_id, db_id(guild_id)), |row| row.get(0))
                .optional()
        })?;
        Ok(next.map_or(0, |n| n - 1))
    }

    /// The team's top open stories, in backlog order: remembered, or read and remembered.
    /// Concurrent searches that find nothing remembered read it once, one after another.
    async fn open_titles_of(&self, guild_id: u64, team_id: i64) -> sqlx::Result<Arc<TeamTitles>> {
        if let Some(top) = self.open_titles.get(guild_id, team_id) {
            return Ok(top);
        }
        let _turn = self.open_titles.loading().await;
        if let Some(top) = self.open_titles.get(guild_id, team_id) {
            return Ok(top);
        }
        let seen = self.open_titles.generation(team_id);
        // One row holding a JSON array: a thousand rows would each be a message from the
        // connection's thread.
        let sql = format!(
            "SELECT json_group_array(json_array(s.id, s.number, s.title, s.status) ORDER BY s.rank)
             FROM (SELECT s.id, s.number, s.title, s.status, s.rank
                   FROM stories s INDEXED BY stories_backlog_order
                   WHERE s.team_id = ? AND s.status NOT IN {CLOSED_SQL} AND s.guild_id = ?
                   ORDER BY s.rank LIMIT ?) s"
        );
        let guild = db_id(guild_id);
        let json: String = self
            .blocking_read(move |connection| {
                connection
                    .prepare_cached(&sql)?
                    .query_row((team_id, guild, OpenTitles::TOP as i64 + 1), |row| {
                        row.get(0)
                    })
            })
            .await?;
        let rows: Vec<(i64, i64, String, String)> =
            serde_json::from_str(&json).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
        let stories = rows
            .into_iter()
            .map(|(id, number, title, status)| StoryMatch {
                id,
                number,
                title,
                // Stored values were validated on the way in.
                status: Status::parse(&status).unwrap_or(Status::New),
            })
            .collect();
        let top = Arc::new(TeamTitles::from_top(stories));
        self.open_titles.put(guild_id, team_id, top.clone(), seen);
        Ok(top)
    }

    /// Open stories whose title has every word, in backlog order, scanning the backlog's own
    /// index (so the scan stops at the `limit`th match).
    async fn open_title_matches(
        &self,
        guild_id: u64,
        team_id: i64,
        words: &[&str],
        limit: i64,
    ) -> sqlx::Result<Vec<StoryMatch>> {
        self.title_matches(words, limit, |fetch| {
            let mut sql = QuickSql::new(format!(
                "SELECT {MATCH_COLUMNS} FROM stories s INDEXED BY stories_backlog_order
                 WHERE s.team_id = "
            ));
            sql.push_bind(team_id)
                .push(format!(
                    " AND s.status NOT IN {CLOSED_SQL} AND s.guild_id = "
                ))
                .push_bind(db_id(guild_id));
            push_title_words(&mut sql, words);
            sql.push(" ORDER BY s.rank LIMIT ").push_bind(fetch);
            sql
        })
        .await
    }

    /// Closed stories whose title has every word: done and accepted first, then archived.
    async fn closed_title_matches(
        &self,
        guild_id: u64,
        team_id: i64,
        words: &[&str],
        limit: i64,
    ) -> sqlx::Result<Vec<StoryMatch>> {
        self.title_matches(words, limit, |fetch| {
            let mut sql = QuickSql::new(format!(
                "SELECT {MATCH_COLUMNS} FROM stories s WHERE s.team_id = "
            ));
            sql.push_bind(team_id)
                .push(format!(" AND s.status IN {CLOSED_SQL} AND s.guild_id = "))
                .push_bind(db_id(guild_id));
            push_title_words(&mut sql, words);
            sql.push(" ORDER BY (s.status = 'archived') ASC, s.rank LIMIT ")
                .push_bind(fetch);
            sql
        })
        .await
    }

    /// Up to `limit` of the matches `select(n)` picks with [`push_title_words`] (at most `n`),
    /// tested with the shared folding (`title_index::fold`) when a word is not all ASCII: `LIKE`
    /// folds only ASCII letters, so there it matches any other character with `_`, a few rows
    /// too many. Those are read again, four times as many, until enough pass or none are left.
    async fn title_matches(
        &self,
        words: &[&str],
        limit: i64,
        select: impl Fn(i64) -> QuickSql,
    ) -> sqlx::Result<Vec<StoryMatch>> {
        if words.iter().all(|w| w.is_ascii()) {
            return self.matches(select(limit)).await;
        }
        let folded: Vec<Cow<'_, str>> = words.iter().map(|w| fold(w)).collect();
        let wanted = usize::try_from(limit).unwrap_or(0);
        let mut fetch = limit.max(1).saturating_mul(4);
        loop {
            let rows = self.matches(select(fetch)).await?;
            let exhausted = (rows.len() as i64) < fetch;
            let found: Vec<StoryMatch> = rows
                .into_iter()
                .filter(|s| {
                    let title = fold(&s.title);
                    folded.iter().all(|w| title.contains(w.as_ref()))
                })
                .take(wanted)
                .collect();
            if exhausted || found.len() >= wanted {
                return Ok(found);
            }
            fetch = fetch.saturating_mul(4);
        }
    }

    /// Every story whose title has every word (each at least three characters), open ones first
    /// in backlog order, through the team's titles in memory; `None` for a team too big to hold
    /// there, which the caller scans instead.
    async fn held_title_matches(
        &self,
        guild_id: u64,
        team_id: i64,
        words: &[&str],
        limit: i64,
    ) -> sqlx::Result<Option<Vec<StoryMatch>>> {
        // On this thread when that is quick, else on a blocking one.
        let key = (guild_id, team_id);
        let indexes = &self.title_indexes;
        let mut found = self.quick_read(|connection| {
            indexes.search(connection, key, words, limit, Work::Bounded)
        })?;
        if let TitleSearch::TooLong = found {
            let indexes = Arc::clone(indexes);
            let owned: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
            found = self
                .blocking_read(move |connection| {
                    let words: Vec<&str> = owned.iter().map(String::as_str).collect();
                    indexes.search(connection, key, &words, limit, Work::Any)
                })
                .await?;
        }
        Ok(match found {
            TitleSearch::Found(found) => Some(found),
            TitleSearch::TooBig | TitleSearch::TooLong => None,
        })
    }

    /// Stories whose number starts with `digits`, the exact number first.
    async fn search_by_number(
        &self,
        guild_id: u64,
        team_id: i64,
        digits: &str,
        limit: i64,
    ) -> sqlx::Result<Vec<StoryMatch>> {
        let mut sql = QuickSql::new(format!(
            "SELECT {MATCH_COLUMNS} FROM stories s WHERE s.guild_id = "
        ));
        sql.push_bind(db_id(guild_id))
            .push(" AND s.team_id = ")
            .push_bind(team_id);
        // Number prefix as index-friendly ranges: 4 -> 4, 40-49, 400-499, ...
        let prefix: i64 = digits.parse().unwrap_or(0);
        sql.push(" AND (");
        let (mut low, mut high) = (prefix, prefix);
        for step in 0..7 {
            if step > 0 {
                sql.push(" OR ");
            }
            sql.push("s.number BETWEEN ")
                .push_bind(low)
                .push(" AND ")
                .push_bind(high);
            low = low.saturating_mul(10);
            high = high.saturating_mul(10).saturating_add(9);
        }
        sql.push(") ORDER BY (s.number = ")
            .push_bind(prefix)
            .push(format!(") DESC, {} LIMIT ", MATCH_ORDER))
            .push_bind(limit);
        self.matches(sql).await
    }

    /// The matches `sql` selects ([`MATCH_COLUMNS`]), read on a blocking thread: each of these
    /// searches may scan.
    async fn matches(&self, sql: QuickSql) -> sqlx::Result<Vec<StoryMatch>> {
        self.blocking_read(move |connection| sql.query_rows(connection, match_from_row))
            .await
    }
}

/// `AND` one case-insensitive substring test per typed word: `LIKE` folds ASCII case as
/// SQLite's `lower()` does, without copying the title for every row scanned.
fn push_title_words(sql: &mut QuickSql, words: &[&str]) {
    for word in words {
        // `LIKE ?` with a bare parameter makes SQLite compile the statement again whenever the
        // parameter is bound (the value might allow an index range on the column); the pattern
        // wrapped in CAST is an expression, so the cached statement runs as it is. Measured on
        // the benchmark's titles: about 30 µs of a 100 µs search.
        sql.push(" AND s.title LIKE CAST(")
            .push_bind(like_pattern(word))
            .push(" AS TEXT) ESCAPE '\\'");
    }
}

/// `%word%` with `LIKE`'s wildcards in the word taken literally, and `_` for each character
/// that is not ASCII, whose case `LIKE` does not fold (see [`Store::title_matches`]).
fn like_pattern(word: &str) -> String {
    let mut pattern = String::with_capacity(word.len() + 4);
    pattern.push('%');
    for c in word.chars() {
        if !c.is_ascii() {
            pattern.push('_');
            continue;
        }
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
#[path = "story_search_tests.rs"]
mod tests;
