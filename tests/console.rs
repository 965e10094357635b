//! `sprintmate console` as a user runs it: the real binary, a script on stdin, a temporary
//! SQLite file, and what it prints on stdout.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs the console on `database` with `script` as its input; returns stdout.
fn console(database: &Path, script: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sprintmate"))
        .arg("console")
        .env(
            "SPRINTMATE_DATABASE_URL",
            format!("sqlite://{}", database.display()),
        )
        .env_remove("SPRINTMATE_CONFIG")
        .env_remove("DISCORD_TOKEN")
        .env_remove("SPRINTMATE_HTTP_LISTEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sprintmate binary starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "console failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn assert_shows(output: &str, expected: &str) {
    assert!(
        output.contains(expected),
        "expected to see\n{expected}\n--- in ---\n{output}"
    );
}

#[test]
fn the_console_answers_a_piped_script_and_keeps_stories_in_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("x.db");

    let first = console(
        &database,
        "/story add title:\"Guest checkout\" points:3 labels:ui,checkout\n\
         1\n\
         /backlog public:true\n\
         /story move story:9 status:done\n\
         exit\n",
    );
    assert_shows(&first, "Sprintmate console");
    assert_shows(
        &first,
        "> /story add title:\"Guest checkout\" points:3 labels:ui,checkout\n\
         <@100> added #1 to the backlog of Console.\n== #1 · Guest checkout ==",
    );
    assert_shows(
        &first,
        "> 1\n(the message now reads)\n<@100> moved #1 to **in progress**.",
    );
    assert_shows(
        &first,
        "> /backlog public:true\n== Backlog · Console ==\n**1 story** · 3 points",
    );
    assert_shows(&first, "⚠️ Story #9 does not exist in team Console.");
    assert!(first.ends_with("> exit\nBye.\n"), "{first}");

    // A second run reads the same database; the end of input quits.
    let second = console(&database, "/story show story:1\n");
    assert_shows(
        &second,
        "> /story show story:1\n(only you see this)\n== #1 · Guest checkout ==",
    );
    assert_shows(&second, "Status: in progress");
    assert!(second.ends_with("Bye.\n"), "{second}");
}
