//! The load and scale benchmark of issue #6: `cargo bench --bench load` (add section names after
//! `--` to run only those: `interactions`, `baseline`, `scale`, `startup`, `burst`).
//!
//! It starts the real bot in-process on loopback with a temporary SQLite file and a local fake of
//! Discord's API (the tests' fake, without its spec check and request log), drives it with signed
//! interactions from concurrent clients, and prints Markdown tables: throughput as a ratio to the
//! floor (a signed `PING` through the same endpoint, measured in the same run), p50/p99 latency,
//! and the targets met or missed. Run by `cargo test` (no `--bench`), it does a smoke pass of a
//! few seconds over small data.

// The fake Discord, the OpenAPI oracle and the signing helpers are shared with the API tests,
// which use more of them.
#![allow(dead_code)]

#[path = "../../tests/api/fake_discord/mod.rs"]
mod fake_discord;
#[path = "../../tests/api/fake_rate_limit.rs"]
mod fake_rate_limit;
#[path = "../../tests/api/helpers.rs"]
mod helpers;
#[path = "../../tests/api/openapi.rs"]
mod openapi;

mod baseline;
mod bot;
mod burst;
mod cpu;
mod driver;
mod plan;
mod reads;
mod report;
mod scale;
mod scenarios;
mod seed;

use plan::Plan;
use report::Check;

fn main() {
    let plan = Plan::from_args(std::env::args());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // `cpu.rs` counts every thread whose name starts with "load" as the load generator's.
        .thread_name("load-worker")
        .enable_all()
        .build()
        .expect("the load generator's runtime");
    let checks = runtime.block_on(run(&plan));
    println!("## Targets\n\n{}", report::checks(&checks));
    let missed = checks.iter().filter(|c| !c.met).count();
    println!(
        "{} of {} targets met{}",
        checks.len() - missed,
        checks.len(),
        if plan.full {
            ""
        } else {
            " (smoke pass: small data, numbers mean nothing)"
        }
    );
}

async fn run(plan: &Plan) -> Vec<Check> {
    println!(
        "# Sprintmate load benchmark ({} plan)\n",
        if plan.full { "full" } else { "smoke" }
    );
    let mut checks = Vec::new();
    if plan.runs("interactions") {
        let rows = scenarios::run(plan).await;
        println!(
            "## Interactions ({} stories in the team)\n\n{}",
            plan.backlog_stories,
            report::interactions(&rows)
        );
        checks.extend(report::interaction_checks(&rows));
    }
    if plan.runs("baseline") {
        let baseline = baseline::run(plan).await;
        let facts = [
            (
                "raw sqlx insert transactions/s".to_string(),
                format!("{:.0}", baseline.per_second(baseline.raw)),
            ),
            (
                "store.insert_story/s".to_string(),
                format!("{:.0}", baseline.per_second(baseline.store)),
            ),
            (
                "store / raw".to_string(),
                format!("{:.2}", baseline.ratio()),
            ),
        ];
        println!(
            "## Store baseline ({} inserts a side)\n\n{}",
            baseline.inserts,
            report::facts("insert", &facts)
        );
        let reads = reads::run(plan).await;
        let facts = [
            (
                "through sqlx's pool, reads/s".to_string(),
                format!("{:.0}", reads.per_second(reads.pool)),
            ),
            (
                "through the store's read connections, reads/s".to_string(),
                format!("{:.0}", reads.per_second(reads.readers)),
            ),
            (
                "as quick reads on the calling thread, reads/s".to_string(),
                format!("{:.0}", reads.per_second(reads.quick)),
            ),
        ];
        println!(
            "## One-row reads from 16 tasks ({} a side)\n\n{}",
            reads.queries,
            report::facts("read", &facts)
        );
        checks.push(Check::new(
            "store insert >= 0.8 x raw sqlx insert",
            format!("{:.2}", baseline.ratio()),
            baseline.ratio() >= 0.8,
        ));
    }
    if plan.runs("scale") {
        let scale = scale::memory(plan).await;
        let mib = scale.peak_rss_kib as f64 / 1024.0;
        let facts = [
            ("peak RSS (MiB)".to_string(), format!("{mib:.1}")),
            (
                "/backlog req/s at 16 clients".to_string(),
                format!("{:.0}", scale.backlog.throughput()),
            ),
            (
                "/backlog p50 ms".to_string(),
                format!("{:.2}", scale.backlog.p50.as_secs_f64() * 1e3),
            ),
            (
                "/backlog p99 ms".to_string(),
                format!("{:.2}", scale.backlog.p99.as_secs_f64() * 1e3),
            ),
        ];
        println!(
            "## Scale: {} teams, {} stories (the binary, in a child process)\n\n{}",
            scale.teams,
            scale.stories,
            report::facts("measure", &facts)
        );
        checks.push(Check::new(
            format!("peak RSS with {} teams <= 64 MiB", scale.teams),
            format!("{mib:.1} MiB"),
            mib <= 64.0,
        ));
        checks.push(Check::new(
            format!(
                "/backlog p99 with {} teams at 16 clients <= 20 ms",
                scale.teams
            ),
            format!("{:.2} ms", scale.backlog.p99.as_secs_f64() * 1e3),
            scale.backlog.p99 <= std::time::Duration::from_millis(20),
        ));
    }
    if plan.runs("startup") {
        let startup = scale::startup(plan).await;
        let secs = startup.median.as_secs_f64();
        println!(
            "## Start-up on {} stories\n\nspawn to the first 200 of /healthz (median of {}): {:.3} s\n\n\
             the same, once, on the schema of migration {} (the one-time upgrade, not a target): {:.3} s\n",
            startup.stories,
            plan.startup_runs,
            secs,
            scale::UPGRADED_FROM,
            startup.upgrade.as_secs_f64()
        );
        checks.push(Check::new(
            format!("start-up on {} stories <= 1 s", startup.stories),
            format!("{secs:.3} s"),
            secs <= 1.0,
        ));
    }
    if plan.runs("burst") {
        let burst = burst::run(plan).await;
        let facts = [
            (
                "requests delivered".to_string(),
                burst.delivered.to_string(),
            ),
            (
                "seconds from the due minute to the last".to_string(),
                format!("{:.2}", burst.took.as_secs_f64()),
            ),
            ("achieved / R".to_string(), format!("{:.2}", burst.ratio())),
            ("429s received".to_string(), burst.rate_limited.to_string()),
            (
                "rate-limit windows".to_string(),
                burst.windows().to_string(),
            ),
            ("duplicate posts".to_string(), burst.duplicates.to_string()),
        ];
        println!(
            "## Scheduler burst: {} stand-ups due at once, R = {}/s\n\n{}",
            burst.standups,
            burst.rate,
            report::facts("measure", &facts)
        );
        let expected = burst.standups * 2;
        checks.push(Check::new(
            "every prompt and thread delivered",
            format!("{} of {expected}", burst.delivered),
            burst.delivered == expected,
        ));
        checks.push(Check::new(
            "burst >= 0.9 x R",
            format!("{:.2}", burst.ratio()),
            burst.ratio() >= 0.9,
        ));
        checks.push(Check::new(
            "zero duplicate posts",
            burst.duplicates.to_string(),
            burst.duplicates == 0,
        ));
        checks.push(Check::new(
            "429s <= one per rate-limit window",
            format!("{} in {} windows", burst.rate_limited, burst.windows()),
            burst.rate_limited <= burst.windows(),
        ));
    }
    checks
}
