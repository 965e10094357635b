//! Where the machine's time goes while a window is measured: the bot's threads, the rest of this
//! process (the load generator and the fake Discord) and the idle cores, so every run shows what
//! a request costs the bot itself, beside its throughput ratio (which also carries the load
//! generator's share of the two cores it shares with the bot).
//!
//! Each thread's time on a CPU is read from `/proc/self/task/*/schedstat` (nanoseconds) and
//! sorted by the thread's name: the load generator's runtime names its threads `load-worker` and
//! the main thread bears the benchmark binary's name (`load-…`); every other thread is the bot's
//! (its runtime, its blocking threads, sqlx's connection threads, any it starts later).
//! Idle time is the whole machine's, from `/proc/stat` (in ticks of 10 ms). Where `/proc` is
//! missing the numbers are absent, not zero.

use std::time::Duration;

/// Time spent during one or more measured windows.
#[derive(Clone, Copy, Debug, Default)]
pub struct CpuTime {
    /// The bot's threads: its runtime, blocking threads and sqlx's connection threads.
    pub bot: Duration,
    /// Every other thread of this process: the load generator and the fake Discord.
    pub generator: Duration,
    /// The machine's idle cores (waiting for I/O included).
    pub idle: Duration,
}

impl CpuTime {
    pub fn add(self, other: CpuTime) -> CpuTime {
        CpuTime {
            bot: self.bot + other.bot,
            generator: self.generator + other.generator,
            idle: self.idle + other.idle,
        }
    }

    /// The time between two snapshots of the same process.
    pub fn between(before: &Snapshot, after: &Snapshot) -> CpuTime {
        let since = |now: u64, then: u64| Duration::from_nanos(now.saturating_sub(then));
        CpuTime {
            bot: since(after.bot_ns, before.bot_ns),
            generator: since(after.generator_ns, before.generator_ns),
            idle: since(after.idle_ns, before.idle_ns),
        }
    }
}

/// The counters at one moment.
#[derive(Clone, Copy, Debug)]
pub struct Snapshot {
    bot_ns: u64,
    generator_ns: u64,
    idle_ns: u64,
}

/// Whether a thread of this process, by its name, is one of the bot's.
fn is_bot_thread(name: &str) -> bool {
    !name.starts_with("load")
}

/// The counters now, or `None` where `/proc` does not have them.
pub fn snapshot() -> Option<Snapshot> {
    let mut bot_ns = 0;
    let mut generator_ns = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let path = task.path();
        // A thread may end between the listing and the reads; it then counts no more.
        let (Ok(name), Ok(schedstat)) = (
            std::fs::read_to_string(path.join("comm")),
            std::fs::read_to_string(path.join("schedstat")),
        ) else {
            continue;
        };
        let Some(on_cpu_ns) = schedstat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        if is_bot_thread(name.trim_end()) {
            bot_ns += on_cpu_ns;
        } else {
            generator_ns += on_cpu_ns;
        }
    }
    Some(Snapshot {
        bot_ns,
        generator_ns,
        idle_ns: machine_idle_ns()?,
    })
}

/// The machine's idle and I/O-wait time since boot, from the `cpu` line of `/proc/stat`.
fn machine_idle_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // user nice system idle iowait ...; the kernel counts in USER_HZ, 100 a second on Linux.
    let ticks = fields.get(3)? + fields.get(4).copied().unwrap_or(0);
    Some(ticks * 10_000_000)
}
