//! Why plain reads skip sqlx's pool (`store/readers.rs`): 16 tasks read one team row by key,
//! through `Store::pool()` and through `Store::reads()`, in alternating blocks so machine noise
//! hits both sides alike.

use std::time::{Duration, Instant};

use sprintmate::store::{db_id, Store};

use crate::bot;
use crate::plan::Plan;
use crate::seed;

const TASKS: usize = 16;

pub struct Reads {
    pub queries: usize,
    pub pool: Duration,
    pub readers: Duration,
}

impl Reads {
    pub fn per_second(&self, took: Duration) -> f64 {
        self.queries as f64 / took.as_secs_f64()
    }
}

/// `per_task` one-row reads from each of 16 tasks at once; how long they took.
async fn block(store: &Store, team_id: i64, per_task: usize, through_pool: bool) -> Duration {
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    let query = sqlx::query_scalar::<_, String>(
                        "SELECT name FROM teams WHERE id = ? AND guild_id = ?",
                    )
                    .bind(team_id)
                    .bind(db_id(seed::FIRST_GUILD));
                    let name = if through_pool {
                        query.fetch_one(store.pool()).await
                    } else {
                        query.fetch_one(store.reads()).await
                    };
                    name.expect("the team's name");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a reading task");
    }
    started.elapsed()
}

pub async fn run(plan: &Plan) -> Reads {
    let (_dir, database) = bot::temp_database();
    let store = seed::open(&bot::sqlite_url(&database)).await;
    let team_id = seed::teams_with_stories(&store, 1, 10).await.team_ids[0];
    let per_task = plan.baseline_inserts / TASKS;
    let (mut pool, mut readers) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..10 {
        pool += block(&store, team_id, per_task, true).await;
        readers += block(&store, team_id, per_task, false).await;
    }
    store.close().await;
    Reads {
        queries: per_task * TASKS * 10,
        pool,
        readers,
    }
}
