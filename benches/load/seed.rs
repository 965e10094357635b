//! Fills a database fast for the scale scenarios: teams (one default team per guild) with
//! stories in rank order, written in large transactions with multi-row inserts. The rows are
//! what the store itself would write (same ranks, numbers and statuses), so the bot reads them as
//! its own.

use sprintmate::domain::rank::Rank;
use sprintmate::store::{db_id, Store};
use sqlx::{QueryBuilder, Sqlite};

/// The first guild id the seeded teams use; team `i` is in guild `FIRST_GUILD + i`.
pub const FIRST_GUILD: u64 = 1_400_000_000_000_000_000;
/// The user who "created" every seeded story.
const AUTHOR: u64 = 1_400_000_000_000_000_999;
/// Stories per multi-row insert (12 values each, well under SQLite's bind limit).
const ROWS_PER_INSERT: usize = 200;
/// Stories per transaction, so a million rows never sit in one journal.
const ROWS_PER_TRANSACTION: usize = 50_000;

const VERBS: [&str; 10] = [
    "Add", "Export", "Show", "Fix", "Import", "Filter", "Sync", "Archive", "Share", "Rename",
];
const NOUNS: [&str; 24] = [
    "invoice",
    "checkout",
    "profile",
    "report",
    "dashboard",
    "search",
    "cart",
    "order",
    "payment",
    "coupon",
    "review",
    "avatar",
    "wishlist",
    "receipt",
    "refund",
    "shipping",
    "catalog",
    "login",
    "password",
    "session",
    "calendar",
    "reminder",
    "comment",
    "upload",
];
const PERSONAS: [&str; 6] = [
    "guests", "admins", "buyers", "sellers", "support", "editors",
];

/// A deterministic title for story `n` of a team.
pub fn title(n: u64) -> String {
    let pick =
        |salt: u64, len: usize| ((n.wrapping_mul(2_654_435_761) ^ salt) % len as u64) as usize;
    format!(
        "{} {} {} for {} (#{n})",
        VERBS[pick(1, VERBS.len())],
        NOUNS[pick(7, NOUNS.len())],
        NOUNS[pick(13, NOUNS.len()) / 2],
        PERSONAS[pick(29, PERSONAS.len())],
    )
}

/// The status of seeded story `n`: mostly open, some in progress, one in twenty done.
fn status(n: u64) -> &'static str {
    match n % 20 {
        0 => "done",
        1..=3 => "in_progress",
        4..=8 => "ready",
        _ => "new",
    }
}

/// The database id of each team created, in order.
pub struct Seeded {
    pub team_ids: Vec<i64>,
}

/// Creates `teams` default teams (guilds `FIRST_GUILD..`) with `stories_per_team` stories each.
pub async fn teams_with_stories(store: &Store, teams: u64, stories_per_team: u64) -> Seeded {
    let now = chrono::Utc::now().timestamp();
    let mut team_ids = Vec::with_capacity(teams as usize);
    let mut tx = store.pool().begin().await.expect("a transaction");
    for i in 0..teams {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO teams (guild_id, name, is_default, next_story_number, created_at)
             VALUES (?, 'Product', 1, ?, ?) RETURNING id",
        )
        .bind(db_id(FIRST_GUILD + i))
        .bind(stories_per_team as i64 + 1)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .expect("a team row");
        team_ids.push(id);
    }
    tx.commit().await.expect("the teams commit");

    let mut pending: Vec<(u64, i64, u64, Rank)> = Vec::with_capacity(ROWS_PER_TRANSACTION);
    for (i, team_id) in team_ids.iter().enumerate() {
        let mut rank = Rank::first();
        for number in 1..=stories_per_team {
            pending.push((FIRST_GUILD + i as u64, *team_id, number, rank.clone()));
            rank = rank.after();
            if pending.len() == ROWS_PER_TRANSACTION {
                insert_stories(store, &pending, now).await;
                pending.clear();
            }
        }
    }
    insert_stories(store, &pending, now).await;
    Seeded { team_ids }
}

async fn insert_stories(store: &Store, rows: &[(u64, i64, u64, Rank)], now: i64) {
    let mut tx = store.pool().begin().await.expect("a transaction");
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO stories (guild_id, team_id, number, title, details, kind, status, \
             rank, created_by, created_at, updated_at) ",
        );
        insert.push_values(chunk, |mut row, (guild, team_id, number, rank)| {
            row.push_bind(db_id(*guild))
                .push_bind(*team_id)
                .push_bind(*number as i64)
                .push_bind(title(*number))
                .push_bind("As a user I want this so that I can get on with my work.")
                .push_bind("feature")
                .push_bind(status(*number))
                .push_bind(rank.as_bytes().to_vec())
                .push_bind(db_id(AUTHOR))
                .push_bind(now)
                .push_bind(now);
        });
        insert
            .build()
            .execute(&mut *tx)
            .await
            .expect("seeded stories insert");
    }
    tx.commit().await.expect("the stories commit");
}

/// Makes `users` members of the team (the planning-poker voters).
pub async fn members(store: &Store, team_id: i64, users: impl IntoIterator<Item = u64>) {
    let now = chrono::Utc::now().timestamp();
    for user in users {
        sqlx::query("INSERT INTO team_members (team_id, user_id, added_at) VALUES (?, ?, ?)")
            .bind(team_id)
            .bind(db_id(user))
            .bind(now)
            .execute(store.pool())
            .await
            .expect("a member row");
    }
}

/// Opens (and migrates) the database at `url`, as the bot would.
pub async fn open(url: &str) -> Store {
    let store = Store::connect(url).await.expect("the database opens");
    store.migrate().await.expect("the schema migrates");
    store
}

/// What a section runs against: a lean fake Discord and a seeded database in a temporary
/// directory (removed on drop).
pub struct World {
    pub fake: crate::fake_discord::FakeDiscord,
    pub database: std::path::PathBuf,
    pub team_ids: Vec<i64>,
    _dir: tempfile::TempDir,
}

/// Opens the database at `url` with the schema of migrations 1 to `last_version` only, as an
/// older version of the bot left it (the migration files are copied to a temporary folder).
pub async fn open_at_version(url: &str, last_version: i64) -> Store {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let migrations = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
    for entry in std::fs::read_dir(migrations).expect("the migrations folder") {
        let path = entry.expect("a migration file").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let version: i64 = name
            .split('_')
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(i64::MAX);
        if version <= last_version {
            std::fs::copy(&path, folder.path().join(name)).expect("a migration copied");
        }
    }
    let store = Store::connect(url).await.expect("the database opens");
    sqlx::migrate::Migrator::new(folder.path())
        .await
        .expect("the older migrations")
        .run(store.pool())
        .await
        .expect("the older schema migrates");
    store
}

/// A lean fake and a database of `teams` teams with `stories_per_team` stories each; `members`
/// join the first team.
pub async fn world(teams: u64, stories_per_team: u64, members: &[u64]) -> World {
    world_at(None, teams, stories_per_team, members).await
}

/// Like [`world`], with the schema of migrations 1 to `last_version` when given.
pub async fn world_at(
    last_version: Option<i64>,
    teams: u64,
    stories_per_team: u64,
    members: &[u64],
) -> World {
    let fake = crate::fake_discord::FakeDiscord::start_with(crate::fake_discord::FakeOptions {
        check_and_record: false,
        requests_per_second: None,
    })
    .await;
    let (dir, database) = crate::bot::temp_database();
    let url = crate::bot::sqlite_url(&database);
    let store = match last_version {
        Some(version) => open_at_version(&url, version).await,
        None => open(&url).await,
    };
    let seeded = teams_with_stories(&store, teams, stories_per_team).await;
    if let Some(first) = seeded.team_ids.first() {
        self::members(&store, *first, members.iter().copied()).await;
    }
    store.close().await;
    World {
        fake,
        database,
        team_ids: seeded.team_ids,
        _dir: dir,
    }
}
