//! Opening the database file through rusqlite, beside sqlx, the way sqlx opens it.
//!
//! sqlx runs every connection on a thread of its own and hands it each statement over a channel
//! (a thread wake-up each way). The store's hottest work runs on rusqlite connections of its
//! own instead, on the thread that does the work: the quick reads (`quick_reads.rs`) and the
//! batch of new stories (`write_direct.rs`). Both open the same file, with the same busy
//! timeout, as sqlx's connections do; each then sets what its use needs.

use std::path::PathBuf;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use sqlx::sqlite::SqliteConnectOptions;

/// Prepared statements kept per connection: the few hot statements, with room to spare.
const STATEMENT_CACHE: usize = 32;

/// Where and how to open a direct connection to the store's file.
#[derive(Clone, Debug)]
pub struct DirectFile {
    path: PathBuf,
    flags: OpenFlags,
    busy_timeout: Duration,
}

impl DirectFile {
    /// The file `options` open; `url` is the one they were parsed from, which tells whether it
    /// is sqlx's shared in-memory database (sqlx does not say).
    pub fn new(url: &str, options: &SqliteConnectOptions, busy_timeout: Duration) -> Self {
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if names_memory_database(url) {
            // As sqlx opens it: one database shared by name between the connections.
            flags |= OpenFlags::SQLITE_OPEN_MEMORY | OpenFlags::SQLITE_OPEN_SHARED_CACHE;
        }
        Self {
            path: options.get_filename().to_path_buf(),
            flags,
            busy_timeout,
        }
    }

    /// How long a connection waits for another's lock before it gives up.
    pub fn busy_timeout(&self) -> Duration {
        self.busy_timeout
    }

    /// A new connection with the busy timeout and a statement cache.
    pub fn open(&self) -> rusqlite::Result<Connection> {
        let connection = Connection::open_with_flags(&self.path, self.flags)?;
        connection.busy_timeout(self.busy_timeout)?;
        connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(connection)
    }
}

/// `sqlite::memory:`, or a URL with `mode=memory`, as sqlx reads them.
fn names_memory_database(url: &str) -> bool {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (database, parameters) = rest.split_once('?').unwrap_or((rest, ""));
    database == ":memory:" || parameters.split('&').any(|pair| pair == "mode=memory")
}

/// A rusqlite error as the store's callers see every database error.
pub fn driver_error(error: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::AnyDriverError(Box::new(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_databases_are_told_from_files_as_sqlx_tells_them() {
        assert!(names_memory_database("sqlite::memory:"));
        assert!(names_memory_database(
            "sqlite://shared?mode=memory&cache=shared"
        ));
        assert!(!names_memory_database("sqlite://sprintmate.db"));
        assert!(!names_memory_database("sqlite:memory.db?mode=rwc"));
    }
}
