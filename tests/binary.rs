//! The `sprintmate` binary as an operator runs it: what it says with nothing configured, the
//! command JSON it prints, a clean exit on SIGTERM while serving, and a backup made by `export`
//! restored by `import` into another database.

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

/// Runs the binary with `args` on the SQLite file `database`, `stdin` piped in.
fn on_database(database: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write as _;
    let mut child = sprintmate()
        .args(args)
        .env(
            "SPRINTMATE_DATABASE_URL",
            format!("sqlite://{}", database.display()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_guild_exported_by_the_binary_is_restored_by_import_into_another_database() {
    let dir = tempfile::tempdir().unwrap();
    let (source, target) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let seeded = on_database(
        &source,
        &["console"],
        "/story add title:\"Guest checkout\" points:3 labels:ui\n\
         /story add title:\"Card payments\"\n\
         /story depend story:1 on:2\n",
    );
    assert!(seeded.status.success());

    let export = on_database(&source, &["export", "--guild", "1"], "");
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let document: serde_json::Value = serde_json::from_slice(&export.stdout).expect("JSON");
    assert_eq!(document["format"], "sprintmate-export");
    assert_eq!(document["version"], 1);
    assert_eq!(document["guild_id"], "1");
    let file = dir.path().join("backup.json");
    std::fs::write(&file, &export.stdout).unwrap();
    let file = file.to_str().unwrap();

    let import = on_database(&target, &["import", file], "");
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    assert!(String::from_utf8_lossy(&import.stdout).contains("2 stories"));
    let restored = on_database(
        &target,
        &["console"],
        "/backlog public:true\n/story add title:\"Third\"\n",
    );
    let shown = String::from_utf8_lossy(&restored.stdout);
    assert!(
        shown.contains("Guest checkout") && shown.contains("Card payments"),
        "{shown}"
    );
    assert!(shown.contains("added #3"), "{shown}");

    // Again, from stdin: the team exists now, so nothing is written and the exit is non-zero.
    let again = on_database(
        &target,
        &["import", "-"],
        &String::from_utf8_lossy(&export.stdout),
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("\"Console\""));

    let unknown = on_database(&source, &["export", "--guild", "999"], "");
    assert!(!unknown.status.success());
    assert!(unknown.stdout.is_empty());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("999"));
    let no_team = on_database(&source, &["export", "--guild", "1", "--team", "Nope"], "");
    assert!(!no_team.status.success() && no_team.stdout.is_empty());
    assert!(String::from_utf8_lossy(&no_team.stderr).contains("\"Nope\""));
    let nowhere = dir.path().join("typo.db");
    let no_file = on_database(&nowhere, &["export", "--guild", "1"], "");
    assert!(!no_file.status.success() && no_file.stdout.is_empty());
    assert!(!nowhere.exists(), "export created a database");
}
