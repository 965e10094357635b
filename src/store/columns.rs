//! Reading a result row by column name, the same way from sqlx and from rusqlite, so a row
//! type (a story, a poker round) has one mapping whichever connection read it: sqlx's, or a
//! quick read's on the calling thread (`quick_reads.rs`).
//!
//! Like sqlx's `Row::get`, a getter panics when the column is missing or holds another type:
//! the statements and the schema are this crate's own, so that is a bug, not bad input.

use sqlx::Row as _;

/// A row whose columns are read by name.
pub(super) trait Columns {
    fn int(&self, name: &str) -> i64;
    fn maybe_int(&self, name: &str) -> Option<i64>;
    fn text(&self, name: &str) -> String;
    fn maybe_text(&self, name: &str) -> Option<String>;
    fn bytes(&self, name: &str) -> Vec<u8>;
}

impl Columns for sqlx::sqlite::SqliteRow {
    fn int(&self, name: &str) -> i64 {
        self.get(name)
    }

    fn maybe_int(&self, name: &str) -> Option<i64> {
        self.get(name)
    }

    fn text(&self, name: &str) -> String {
        self.get(name)
    }

    fn maybe_text(&self, name: &str) -> Option<String> {
        self.get(name)
    }

    fn bytes(&self, name: &str) -> Vec<u8> {
        self.get(name)
    }
}

impl Columns for rusqlite::Row<'_> {
    fn int(&self, name: &str) -> i64 {
        column(self, name)
    }

    fn maybe_int(&self, name: &str) -> Option<i64> {
        column(self, name)
    }

    fn text(&self, name: &str) -> String {
        column(self, name)
    }

    fn maybe_text(&self, name: &str) -> Option<String> {
        column(self, name)
    }

    fn bytes(&self, name: &str) -> Vec<u8> {
        column(self, name)
    }
}

fn column<T: rusqlite::types::FromSql>(row: &rusqlite::Row<'_>, name: &str) -> T {
    row.get(name)
        .unwrap_or_else(|error| panic!("column {name}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::Columns;

    #[test]
    fn rusqlite_rows_read_as_sqlx_rows_do() {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        let read = connection
            .query_row(
                "SELECT 7 AS n, NULL AS none, 'seven' AS word, x'0102' AS raw",
                [],
                |row| {
                    Ok((
                        row.int("n"),
                        row.maybe_int("none"),
                        row.text("word"),
                        row.maybe_text("none"),
                        row.bytes("raw"),
                    ))
                },
            )
            .unwrap();
        assert_eq!(read, (7, None, "seven".to_string(), None, vec![1, 2]));
    }
}
