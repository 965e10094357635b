//! What one run measures and how big: the full plan (`cargo bench --bench load`, which passes
//! `--bench`) or the smoke plan (`cargo test`, which runs this benchmark as a plain program, for
//! a few seconds: it proves the harness and every scenario still work, and measures nothing).

use std::time::Duration;

use crate::driver::Window;

#[derive(Clone, Debug)]
pub struct Plan {
    pub full: bool,
    /// Concurrent clients for every interaction scenario.
    pub clients: Vec<usize>,
    pub window: Window,
    /// Each client count's scenarios are measured this many times in turns (floor, then each
    /// scenario, then again), and each scenario's windows are combined.
    pub rounds: usize,
    /// Stories in the team the interaction scenarios use.
    pub backlog_stories: u64,
    /// Teams and stories per team of the memory scenario.
    pub scale_teams: u64,
    pub scale_stories_per_team: u64,
    /// Teams and stories per team of the start-up scenario.
    pub startup_teams: u64,
    pub startup_stories_per_team: u64,
    /// Start-ups measured (the median is reported).
    pub startup_runs: usize,
    /// Stand-ups due at the same minute, and the fake's global limit in requests per second.
    pub burst_standups: u64,
    pub burst_rate: u32,
    /// Single-row insert transactions per side of the store baseline.
    pub baseline_inserts: usize,
    /// Sections to run (empty: all).
    pub only: Vec<String>,
    /// Only interaction scenarios whose name starts with this (`scenario=...`), e.g. for a
    /// profile: `/story add` alone, without the mixed scenario that also sends it.
    pub scenario: Option<String>,
}

impl Plan {
    /// The plan the README's table comes from.
    pub fn full() -> Self {
        Self {
            full: true,
            clients: vec![1, 16, 64],
            window: Window {
                warmup: Duration::from_millis(300),
                measure: Duration::from_secs(1),
            },
            rounds: 3,
            backlog_stories: 100_000,
            scale_teams: 10_000,
            scale_stories_per_team: 50,
            startup_teams: 1_000,
            startup_stories_per_team: 1_000,
            startup_runs: 3,
            burst_standups: 2_000,
            burst_rate: 50,
            baseline_inserts: 4_000,
            only: Vec::new(),
            scenario: None,
        }
    }

    /// A few seconds over small data, for CI.
    pub fn smoke() -> Self {
        Self {
            full: false,
            clients: vec![1, 4],
            window: Window {
                warmup: Duration::from_millis(50),
                measure: Duration::from_millis(250),
            },
            rounds: 1,
            backlog_stories: 1_000,
            scale_teams: 100,
            scale_stories_per_team: 5,
            startup_teams: 10,
            startup_stories_per_team: 100,
            startup_runs: 1,
            burst_standups: 10,
            burst_rate: 50,
            baseline_inserts: 100,
            only: Vec::new(),
            scenario: None,
        }
    }

    /// From the command line: `--bench` (set by `cargo bench`) picks the full plan; plain words
    /// pick sections, e.g. `cargo bench --bench load -- interactions burst`; `clients=16` and
    /// `scenario=/backlog` narrow the interaction section (for profiling one case).
    pub fn from_args(args: impl Iterator<Item = String>) -> Self {
        let args: Vec<String> = args.skip(1).collect();
        let mut plan = if args.iter().any(|a| a == "--bench") {
            Self::full()
        } else {
            Self::smoke()
        };
        for arg in args.into_iter().filter(|a| !a.starts_with('-')) {
            if let Some(clients) = arg.strip_prefix("clients=") {
                plan.clients = clients
                    .split(',')
                    .map(|c| c.parse().expect("clients=1,16,64"))
                    .collect();
            } else if let Some(scenario) = arg.strip_prefix("scenario=") {
                plan.scenario = Some(scenario.to_string());
            } else {
                plan.only.push(arg);
            }
        }
        plan
    }

    /// Whether the interaction scenario `name` runs; the floor always does (ratios need it).
    pub fn runs_scenario(&self, name: &str) -> bool {
        name.starts_with("floor") || self.scenario.as_deref().is_none_or(|s| name.starts_with(s))
    }

    /// Whether the section `name` runs.
    pub fn runs(&self, name: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| o == name)
    }
}
