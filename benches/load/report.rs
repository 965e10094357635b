//! The run's results as Markdown tables (what the README's Performance section shows), and the
//! targets of issue #6 each marked met or missed.

use std::fmt::Write as _;

use crate::scenarios::Row;

/// One target: what, the measured value as text, and whether it is met.
pub struct Check {
    pub target: String,
    pub measured: String,
    pub met: bool,
}

impl Check {
    pub fn new(target: impl Into<String>, measured: impl Into<String>, met: bool) -> Self {
        Self {
            target: target.into(),
            measured: measured.into(),
            met,
        }
    }
}

fn ms(d: std::time::Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// The floor's throughput at `clients`.
pub fn floor_at(rows: &[Row], clients: usize) -> f64 {
    rows.iter()
        .find(|r| r.scenario.starts_with("floor") && r.measured.clients == clients)
        .map_or(f64::NAN, |r| r.measured.throughput())
}

/// The interaction table: throughput as a ratio to the floor at the same client count, and
/// what a request cost the machine: µs of the bot's threads, of the load generator's (with the
/// fake Discord) and of idle cores, on the two cores together.
pub fn interactions(rows: &[Row]) -> String {
    let mut out = String::from(
        "| scenario | clients | req/s | x floor | p50 ms | p99 ms | bot µs | generator µs | idle µs |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        let m = &row.measured;
        let ratio = m.throughput() / floor_at(rows, m.clients);
        let cpu = m.cpu_per_request_us().map_or_else(
            || "– | – | –".to_string(),
            |(bot, generator, idle)| format!("{bot:.0} | {generator:.0} | {idle:.0}"),
        );
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {:.2} | {} | {} | {cpu} |",
            row.scenario,
            m.clients,
            m.throughput(),
            ratio,
            ms(m.p50),
            ms(m.p99)
        );
    }
    out
}

/// The interaction targets: >= 0.5 x floor for writes, reads and autocomplete at every client
/// count, and p99 <= 20 ms for every scenario at 16 clients.
pub fn interaction_checks(rows: &[Row]) -> Vec<Check> {
    let mut checks = Vec::new();
    for row in rows {
        let m = &row.measured;
        let ratio = m.throughput() / floor_at(rows, m.clients);
        let throughput_bound = ["/story add", "/backlog", "autocomplete"]
            .iter()
            .any(|s| row.scenario.starts_with(s));
        if throughput_bound {
            checks.push(Check::new(
                format!("{} at {} clients >= 0.5 x floor", row.scenario, m.clients),
                format!("{ratio:.2}"),
                ratio >= 0.5,
            ));
        }
        if m.clients == 16 {
            checks.push(Check::new(
                format!("{} p99 at 16 clients <= 20 ms", row.scenario),
                format!("{} ms", ms(m.p99)),
                m.p99.as_secs_f64() <= 0.020,
            ));
        }
    }
    checks
}

/// A two-column table of named values.
pub fn facts(title: &str, facts: &[(String, String)]) -> String {
    let mut out = format!("| {title} | value |\n|---|---:|\n");
    for (name, value) in facts {
        let _ = writeln!(out, "| {name} | {value} |");
    }
    out
}

/// The targets, each met or missed.
pub fn checks(checks: &[Check]) -> String {
    let mut out = String::from("| target | measured | |\n|---|---:|---|\n");
    for check in checks {
        let verdict = if check.met { "met" } else { "MISSED" };
        let _ = writeln!(out, "| {} | {} | {verdict} |", check.target, check.measured);
    }
    out
}
