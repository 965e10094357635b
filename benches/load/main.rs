//! The load and scale benchmark of issue #6: `cargo bench --bench load` (add section names after
//! `--` to run only those: `interactions`, `baseline`, `scale`, `startup`, `burst`).
//!
//! It starts the real bot in-process on loopback with a temporary SQLite file and a local fake of
//! Discord's API (the tests' fake, without its spec check and request log), drives it with signed
//! interactions from concurrent clients, and prints Markdown tables: throughput as a ratio to the
//! floor (a signed `PING` through the same endpoint, measured in the same run), p50/p99 latency,
//! and the targets met or missed. Run by `cargo test` (no `--bench`), it does a smoke pass of a
//! few seconds over small data.

// The fake Discord and the OpenAPI oracle are shared with the API tests, which use more of them.
#![allow(dead_code)]

#[path = "../../tests/api/fake_discord.rs"]
mod fake_discord;
#[path = "../../tests/api/fake_rate_limit.rs"]
mod fake_rate_limit;
#[path = "../../tests/api/openapi.rs"]
mod openapi;

mod bot;
mod driver;
mod plan;
mod report;
mod scenarios;
mod seed;
mod signer;

use plan::Plan;
use report::Check;

fn main() {
    let plan = Plan::from_args(std::env::args());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
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
    checks
}
