//! What a one-row read costs by each route the store has: 16 tasks read one row by key through
//! `Store::pool()` (sqlx's pool, which pings each connection it takes back), through
//! `Store::reads()` (connections of the store's own, still one hand-over to a connection's
//! thread per query; `store/readers.rs`) and as a quick read on the calling thread
//! (`store/quick_reads.rs`, here the guild's restore time every button press reads), in
//! alternating blocks so machine noise hits every side alike.

use std::time::{Duration, Instant};

use sprintmate::store::{db_id, Store};

use crate::bot;
use crate::plan::Plan;
use crate::seed;

const TASKS: usize = 16;

/// The row every side reads (what `Store::guild_restored_at` asks).
const READ: &str = "SELECT restored_at FROM guild_restores WHERE guild_id = ?";

#[derive(Clone, Copy)]
enum Route {
    Pool,
    Readers,
    Quick,
}

pub struct Reads {
    pub queries: usize,
    pub pool: Duration,
    pub readers: Duration,
    pub quick: Duration,
}

impl Reads {
    pub fn per_second(&self, took: Duration) -> f64 {
        self.queries as f64 / took.as_secs_f64()
    }
}

/// `per_task` one-row reads from each of 16 tasks at once; how long they took.
async fn block(store: &Store, per_task: usize, route: Route) -> Duration {
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    let query = sqlx::query_scalar::<_, i64>(READ).bind(db_id(seed::FIRST_GUILD));
                    let restored_at = match route {
                        Route::Pool => query.fetch_one(store.pool()).await,
                        Route::Readers => query.fetch_one(store.reads()).await,
                        Route::Quick => store
                            .guild_restored_at(seed::FIRST_GUILD)
                            .await
                            .map(|at| at.expect("the row")),
                    };
                    restored_at.expect("the guild's restore time");
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
    sqlx::query("INSERT INTO guild_restores (guild_id, restored_at) VALUES (?, 1)")
        .bind(db_id(seed::FIRST_GUILD))
        .execute(store.pool())
        .await
        .expect("a restore time to read");
    let per_task = plan.baseline_inserts / TASKS;
    let (mut pool, mut readers, mut quick) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for _ in 0..10 {
        pool += block(&store, per_task, Route::Pool).await;
        readers += block(&store, per_task, Route::Readers).await;
        quick += block(&store, per_task, Route::Quick).await;
    }
    store.close().await;
    Reads {
        queries: per_task * TASKS * 10,
        pool,
        readers,
        quick,
    }
}
