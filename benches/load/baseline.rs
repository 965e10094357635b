//! The store baseline: the store's own story insert beside a raw sqlx single-row insert
//! transaction into the same schema with the same pragmas, in alternating blocks so machine noise
//! hits both sides alike. The ratio is raw time over store time (1.0: the store adds nothing).
//!
//! Each side writes a database file of its own, so each pays for its own log: the raw inserts
//! (which do not go through the store's write gate, so never wake its background checkpoint)
//! meet SQLite's automatic checkpoint, and the store's inserts its background one. In one shared
//! file the store's checkpoint also copied the raw side's pages, and the raw side's log rarely
//! reached the automatic one.

use std::time::{Duration, Instant};

use sprintmate::domain::rank::Rank;
use sprintmate::domain::story::{StoryDetails, StoryTitle};
use sprintmate::store::db_id;
use sprintmate::store::stories::NewStory;

use crate::bot;
use crate::plan::Plan;
use crate::seed;

/// Inserts per block; blocks alternate between the two sides.
const BLOCK: usize = 100;

pub struct Baseline {
    pub inserts: usize,
    pub raw: Duration,
    pub store: Duration,
}

impl Baseline {
    /// Store inserts per second as a share of raw inserts per second.
    pub fn ratio(&self) -> f64 {
        self.raw.as_secs_f64() / self.store.as_secs_f64()
    }

    pub fn per_second(&self, took: Duration) -> f64 {
        self.inserts as f64 / took.as_secs_f64()
    }
}

pub async fn run(plan: &Plan) -> Baseline {
    let (_dir, database) = bot::temp_database();
    let store = seed::open(&bot::sqlite_url(&database)).await;
    let (_raw_dir, raw_database) = bot::temp_database();
    let raw_side = seed::open(&bot::sqlite_url(&raw_database)).await;
    // A team of the same size on each side.
    let store_team = seed::teams_with_stories(&store, 1, 1_000).await.team_ids[0];
    let raw_team = seed::teams_with_stories(&raw_side, 1, 1_000).await.team_ids[0];
    let now = chrono::Utc::now().timestamp();
    let new = NewStory {
        title: StoryTitle::parse("Export invoices as CSV").expect("a title"),
        details: StoryDetails::parse("As a buyer I want a CSV so that my accountant is happy.")
            .expect("details"),
        kind: Default::default(),
        points: None,
        labels: Default::default(),
        criteria: Default::default(),
        assignee_id: None,
        source_url: None,
        created_by: 42,
    };

    let mut raw_rank = Rank::first();
    for _ in 0..1_000 {
        raw_rank = raw_rank.after();
    }
    let mut raw_number = 1_001i64;
    let (mut raw, mut stored) = (Duration::ZERO, Duration::ZERO);
    let mut done = 0;
    while done < plan.baseline_inserts {
        let started = Instant::now();
        for _ in 0..BLOCK {
            raw_rank = raw_rank.after();
            let mut tx = raw_side.pool().begin().await.expect("a transaction");
            sqlx::query(
                "INSERT INTO stories (guild_id, team_id, number, title, details, kind, status, \
                 rank, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'feature', 'new', ?, ?, ?, ?)",
            )
            .bind(db_id(seed::FIRST_GUILD))
            .bind(raw_team)
            .bind(raw_number)
            .bind(new.title.as_str())
            .bind(new.details.as_str())
            .bind(raw_rank.as_bytes())
            .bind(42)
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await
            .expect("a raw insert");
            tx.commit().await.expect("a raw commit");
            raw_number += 1;
        }
        raw += started.elapsed();

        let started = Instant::now();
        for _ in 0..BLOCK {
            store
                .insert_story(seed::FIRST_GUILD, store_team, &new, now)
                .await
                .expect("a store insert");
        }
        stored += started.elapsed();
        done += BLOCK;
    }
    store.close().await;
    raw_side.close().await;
    Baseline {
        inserts: done,
        raw,
        store: stored,
    }
}
