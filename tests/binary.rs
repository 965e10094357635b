//! The `sprintmate` binary as an operator runs it: what it says with nothing configured, the
//! command JSON it prints, and a clean exit on SIGTERM while serving.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

fn sprintmate() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sprintmate"));
    for var in [
        "SPRINTMATE_CONFIG",
        "DISCORD_TOKEN",
        "DISCORD_PUBLIC_KEY",
        "DISCORD_APPLICATION_ID",
        "SPRINTMATE_HTTP_LISTEN",
        "SPRINTMATE_GATEWAY",
        "DISCORD_GUILD_ID",
    ] {
        command.env_remove(var);
    }
    command
}

#[test]
fn with_nothing_to_run_it_says_what_to_set_and_points_to_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let output = sprintmate()
        .arg("run")
        .env(
            "SPRINTMATE_DATABASE_URL",
            format!("sqlite://{}/x.db", dir.path().display()),
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for needle in [
        "DISCORD_TOKEN",
        "SPRINTMATE_HTTP_LISTEN",
        "sprintmate console",
    ] {
        assert!(stderr.contains(needle), "missing {needle}: {stderr}");
    }
}

#[test]
fn the_commands_subcommand_prints_the_registered_definitions() {
    let output = sprintmate().arg("commands").output().unwrap();
    assert!(output.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(printed, sprintmate::commands::registry::commands_json());
    let names: Vec<&str> = printed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for name in [
        "story",
        "backlog",
        "team",
        "vision",
        "help",
        "Add to backlog",
    ] {
        assert!(names.contains(&name), "{names:?}");
    }
}

#[test]
fn a_serving_bot_answers_health_checks_and_exits_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let public_key = hex::encode(
        ed25519_dalek::SigningKey::from_bytes(&[7; 32])
            .verifying_key()
            .to_bytes(),
    );
    let mut child = sprintmate()
        .arg("run")
        .env(
            "SPRINTMATE_DATABASE_URL",
            format!("sqlite://{}/x.db", dir.path().display()),
        )
        .env("SPRINTMATE_HTTP_LISTEN", "127.0.0.1:0")
        .env("DISCORD_PUBLIC_KEY", public_key)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("the bot logs its address").unwrap();
        if let Some(at) = line.find("address=") {
            break line[at + "address=".len()..]
                .split_whitespace()
                .next()
                .unwrap()
                .to_string();
        }
    };
    let health = std::net::TcpStream::connect(&address).and_then(|mut stream| {
        use std::io::{Read as _, Write as _};
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        Ok(answer)
    });
    assert!(health.unwrap().starts_with("HTTP/1.1 200"));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
}
