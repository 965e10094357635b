//! Scale, measured on the real binary in a child process (so its peak RSS is the bot's alone):
//! memory and `/backlog` latency with many teams, and start-up time (migrate + ready) on a big
//! database, from spawn to the first `200` of `/healthz`.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use sprintmate::console::synth::{Actor, Synth};

use crate::bot;
use crate::driver::{Driver, Measured};
use crate::fake_discord::FakeDiscord;
use crate::helpers::{public_key_hex, APPLICATION_ID};
use crate::plan::Plan;
use crate::seed;

/// What the memory scenario saw.
pub struct Scale {
    pub teams: u64,
    pub stories: u64,
    pub peak_rss_kib: u64,
    pub backlog: Measured,
}

/// What the start-up scenario saw.
pub struct Startup {
    pub stories: u64,
    /// The median of the runs.
    pub median: Duration,
    /// One start on the same data left by the schema of migration [`UPGRADED_FROM`]: the
    /// one-time upgrade to this version, plus ready.
    pub upgrade: Duration,
}

/// The last migration of the schema the upgrade start begins from: the one before the
/// migrations that read every story (backlog totals, the title index, the order index).
pub const UPGRADED_FROM: i64 = 8;

/// The bot binary, running; killed on drop.
struct Process {
    child: Child,
    address: String,
}

impl Drop for Process {
    /// SIGTERM (a clean stop, so the next start finds a tidy database), SIGKILL after 10 s.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free local port")
        .port()
}

/// Starts `sprintmate run` on `database` and waits until `/healthz` answers 200; the process
/// and how long that took.
async fn start(database: &Path, fake: &FakeDiscord) -> (Process, Duration) {
    let address = format!("127.0.0.1:{}", free_port());
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_sprintmate"))
        .arg("run")
        .env_remove("SPRINTMATE_CONFIG")
        .env("DISCORD_TOKEN", bot::TOKEN)
        .env("DISCORD_PUBLIC_KEY", public_key_hex())
        .env("DISCORD_APPLICATION_ID", APPLICATION_ID.to_string())
        .env("DISCORD_API_BASE", fake.base_url())
        .env("SPRINTMATE_DATABASE_URL", bot::sqlite_url(database))
        .env("SPRINTMATE_HTTP_LISTEN", &address)
        .env("SPRINTMATE_GATEWAY", "off")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the sprintmate binary starts");
    let process = Process { child, address };
    let health = format!("http://{}/healthz", process.address);
    let client = reqwest::Client::new();
    loop {
        if let Ok(response) = client.get(&health).send().await {
            if response.status().is_success() {
                return (process, started.elapsed());
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the bot did not become ready within two minutes"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// The peak resident set of a process (`VmHWM`), in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc is readable");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM is reported")
}

/// Many teams: `/backlog` of random teams from 16 clients, then the process's peak RSS.
pub async fn memory(plan: &Plan) -> Scale {
    let world = seed::world(plan.scale_teams, plan.scale_stories_per_team, &[]).await;
    let (process, _) = start(&world.database, &world.fake).await;
    let driver = Driver::new(
        format!("http://{}/interactions", process.address),
        Arc::new(|| chrono::Utc::now().timestamp()),
    );
    let synth = Synth::new();
    let teams = plan.scale_teams;
    // Spread over every team: variant k asks for team k * 7919 mod teams (7919 is prime).
    let variants: Vec<Bytes> = (0..1024u64)
        .map(|k| {
            let guild = seed::FIRST_GUILD + (k * 7919) % teams;
            let actor = Actor::member(7, "reader").in_guild(guild);
            Bytes::from(
                serde_json::to_vec(&synth.command(&actor, "/backlog").expect("/backlog"))
                    .expect("JSON"),
            )
        })
        .collect();
    let variants = Arc::new(variants);
    let clients = 16;
    let bodies: crate::driver::Bodies = Arc::new(move |client, seq| {
        variants[(client + seq as usize * clients) % variants.len()].clone()
    });
    let backlog = driver
        .measure(
            clients,
            // One window as long as a scenario's rounds together.
            crate::driver::Window {
                warmup: plan.window.warmup,
                measure: plan.window.measure * plan.rounds as u32,
            },
            bodies,
            crate::scenarios::expect_backlog,
        )
        .await;
    assert_eq!(backlog.errors, 0, "{:?}", backlog.first_error);
    let peak_rss_kib = peak_rss_kib(process.child.id());
    Scale {
        teams,
        stories: teams * plan.scale_stories_per_team,
        peak_rss_kib,
        backlog,
    }
}

/// Start-up on a big database: the median of a few cold starts of the binary.
pub async fn startup(plan: &Plan) -> Startup {
    let world = seed::world(plan.startup_teams, plan.startup_stories_per_team, &[]).await;

    let mut times = Vec::new();
    for _ in 0..plan.startup_runs {
        let (process, took) = start(&world.database, &world.fake).await;
        drop(process);
        times.push(took);
    }
    times.sort();
    drop(world);

    let older = seed::world_at(
        Some(UPGRADED_FROM),
        plan.startup_teams,
        plan.startup_stories_per_team,
        &[],
    )
    .await;
    let (process, upgrade) = start(&older.database, &older.fake).await;
    drop(process);
    Startup {
        stories: plan.startup_teams * plan.startup_stories_per_team,
        median: times[times.len() / 2],
        upgrade,
    }
}
