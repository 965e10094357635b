//! Sprints and stakeholder updates end to end: a sprint from start to close with its summary
//! in the channel and the stakeholder channel; an update previewed, cancelled, previewed and
//! published once; a weekly update published by the scheduler once per week across a
//! daylight-saving change and a restart, stepped with `run_due`; stand-up blockers among the
//! update's risks. Every body is checked against Discord's spec.

use std::time::Duration;

use chrono::{TimeZone as _, Utc};
use sprintmate::console::synth::Actor;

use crate::chat::*;
use crate::helpers::{spawn_app, spawn_app_with, TestApp, TestOptions};

const STAKEHOLDERS: u64 = 30;

fn po() -> Actor {
    Actor::admin(100, "ada")
}

fn member() -> Actor {
    Actor::member(101, "bob")
}

/// Posts the fake has received in `channel` once `count` arrived (or after a short wait).
async fn posts_in(app: &TestApp, channel: u64, count: usize) -> Vec<serde_json::Value> {
    let pattern = format!("/channels/{channel}/messages");
    app.fake()
        .wait_for("POST", &pattern, count, Duration::from_secs(5))
        .await
        .into_iter()
        .filter_map(|r| r.body)
        .collect()
}

/// The `nth` (1-based) deferred answer: the edit of an original response, as a reply-shaped
/// value for `text`, and the names of its files.
async fn deferred_answer(app: &TestApp, nth: usize) -> (serde_json::Value, Vec<String>) {
    let (answer, files, pictures) = deferred_answer_with_pictures(app, nth).await;
    assert_eq!(
        pictures.len(),
        files.len(),
        "the fake kept every file's bytes"
    );
    for picture in &pictures {
        assert_eq!(
            png_size(picture),
            (800, 500),
            "every chart is an 800x500 PNG"
        );
    }
    (answer, files)
}

/// Width and height of a PNG, decoding it whole (so a broken picture fails the test).
fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).expect("PNG pixels decode");
    (frame.width, frame.height)
}

async fn deferred_answer_with_pictures(
    app: &TestApp,
    nth: usize,
) -> (serde_json::Value, Vec<String>, Vec<Vec<u8>>) {
    let edits = app
        .fake()
        .wait_for("PATCH", ORIGINAL_RESPONSE, nth, Duration::from_secs(10))
        .await;
    let edit = edits
        .get(nth - 1)
        .unwrap_or_else(|| panic!("no deferred answer #{nth}"));
    (
        serde_json::json!({ "data": edit.body.clone() }),
        edit.files.clone(),
        edit.file_bytes.clone(),
    )
}

/// Runs one scheduler step at the clock's time; returns how many weekly updates it queued.
async fn step(app: &TestApp) -> usize {
    app.step_scheduler().await.weekly_updates
}

/// The posts sent to `channel` so far.
fn sent_to(app: &TestApp, channel: u64) -> usize {
    app.fake()
        .requests_to("POST", &format!("/channels/{channel}/messages"))
        .len()
}

#[tokio::test]
async fn a_sprint_runs_from_start_to_close_and_its_summary_reaches_the_stakeholders() {
    let app = spawn_app().await;
    say(&app, &po(), "/team settings stakeholder_channel:<#30>").await;
    say(&app, &po(), r#"/story add title:"Guest checkout" points:3"#).await;
    say(&app, &po(), r#"/story add title:"Saved carts" points:2"#).await;
    say(&app, &po(), r#"/story add title:"Gift cards""#).await;
    say(&app, &po(), r#"/story add title:"Refunds" points:5"#).await;

    assert_refused(
        &say(&app, &member(), "/sprint start").await,
        "product owner",
    );
    let started = say(
        &app,
        &po(),
        r#"/sprint start goal:"Guests can pay" days:10"#,
    )
    .await;
    assert_public(&started);
    assert!(text(&started).contains("Sprint 1"), "{}", text(&started));
    assert_refused(
        &say(&app, &po(), "/sprint start").await,
        "already has an active sprint",
    );

    assert_refused(&say(&app, &po(), "/sprint plan").await, "capacity");
    let plan = say(&app, &po(), "/sprint plan capacity:5").await;
    assert!(is_ephemeral(&plan));
    let shown = text(&plan);
    assert!(
        shown.contains("Suggested: 5 of 5 pts") && shown.contains("Unestimated"),
        "{shown}"
    );
    assert_refused(
        &press(&app, &member(), &plan, "Add these (2)").await,
        "product owner",
    );
    let added = press(&app, &po(), &plan, "Add these (2)").await;
    assert_public(&added);
    assert!(text(&added).contains("Guest checkout") && text(&added).contains("Saved carts"));

    say(&app, &po(), "/story move story:1 status:in_progress").await;
    say(&app, &po(), "/story move story:1 status:done").await;
    // The planning day is over: what joins now is a scope change.
    app.clock.advance(chrono::Duration::days(2));
    let late = say(&app, &member(), "/sprint add story:4").await;
    assert!(text(&late).contains("scope change"), "{}", text(&late));
    assert_refused(
        &say(&app, &member(), "/sprint add story:4").await,
        "already in",
    );

    let deferred = say(&app, &member(), "/sprint status").await;
    assert_eq!(deferred["type"], 5, "a picture needs a deferral");
    assert!(is_ephemeral(&deferred));
    let (status, files) = deferred_answer(&app, 1).await;
    assert_eq!(files, ["burndown.png"]);
    let shown = text(&status);
    for expected in [
        "Guests can pay",
        "3 done of 10",
        "(5 committed)",
        "█",
        "Done (1)",
        "+5 pts added",
    ] {
        assert!(shown.contains(expected), "{expected} missing from {shown}");
    }

    assert_refused(
        &say(&app, &member(), "/sprint close").await,
        "product owner",
    );
    let deferred = say(&app, &po(), "/sprint close").await;
    assert_eq!(deferred["type"], 5);
    assert!(
        !is_ephemeral(&deferred),
        "the summary is for the whole channel"
    );
    let (closed, files) = deferred_answer(&app, 2).await;
    assert_eq!(files, ["burndown.png"]);
    let summary = text(&closed);
    for expected in [
        "3 completed of 5 committed",
        "Carried over to the top of the backlog (2)",
        "#2 Saved carts",
        "+5 pts added",
    ] {
        assert!(
            summary.contains(expected),
            "{expected} missing from {summary}"
        );
    }
    assert!(
        !summary.contains("−0 pts removed"),
        "only what happened: {summary}"
    );
    let posted = posts_in(&app, STAKEHOLDERS, 1).await;
    assert_eq!(posted.len(), 1);
    assert!(posted[0].to_string().contains("Sprint 1 closed"));
    let stakeholder_post = app
        .fake()
        .requests_to("POST", &format!("/channels/{STAKEHOLDERS}/messages"));
    assert_eq!(
        stakeholder_post[0].files,
        ["burndown.png"],
        "the stakeholders see the burndown too"
    );
    assert_eq!(png_size(&stakeholder_post[0].file_bytes[0]), (800, 500));

    let backlog = say(&app, &po(), "/backlog").await;
    assert_eq!(
        backlog_numbers(&backlog)[..2],
        [2, 4],
        "carried stories lead, in their order"
    );
    say(&app, &po(), "/sprint history").await;
    let (history, files) = deferred_answer(&app, 3).await;
    assert_eq!(files, ["velocity.png"]);
    assert!(text(&history).contains("Sprint 1"), "{}", text(&history));
    let planned = say(&app, &po(), "/sprint plan").await;
    assert!(
        text(&planned).contains("of 3 pts"),
        "the default capacity is what was completed"
    );
    assert_refused(
        &say(&app, &po(), "/sprint status").await,
        "no active sprint",
    );
    app.fake().assert_no_violations();
}

#[tokio::test]
async fn an_update_is_previewed_cancelled_previewed_again_and_published_exactly_once() {
    let app = spawn_app().await;
    say(
        &app,
        &po(),
        r#"/vision set text:"Checkout anyone can finish""#,
    )
    .await;
    say(&app, &po(), r#"/story add title:"Guest checkout" points:3"#).await;
    say(&app, &po(), "/story move story:1 status:in_progress").await;
    say(&app, &po(), "/story move story:1 status:done").await;
    assert_refused(
        &say(&app, &po(), "/update post").await,
        "say where to publish",
    );
    assert_refused(
        &say(&app, &member(), "/update post channel:<#40>").await,
        "product owner",
    );

    let first = say(&app, &po(), "/update post channel:<#40>").await;
    assert!(is_ephemeral(&first));
    let shown = text(&first);
    for expected in [
        "Checkout anyone can finish",
        "No sprint is running",
        "Guest checkout (\\#1)",
        "no stand-up data",
    ] {
        assert!(shown.contains(expected), "{expected} missing from {shown}");
    }
    let cancelled = press(&app, &po(), &first, "Cancel").await;
    assert_eq!(cancelled["type"], 7);
    assert!(text(&cancelled).contains("nothing was posted"));
    assert_refused(&press(&app, &po(), &first, "Publish").await, "cancelled");

    let second = say(&app, &po(), "/update post channel:<#40>").await;
    let published = press(&app, &po(), &second, "Publish").await;
    assert_eq!(published["type"], 7);
    assert_refused(
        &press(&app, &po(), &second, "Publish").await,
        "already published",
    );
    let posted = posts_in(&app, 40, 2).await;
    assert_eq!(posted.len(), 1, "published once");
    assert!(posted[0].to_string().contains("Guest checkout"));

    let next = say(&app, &po(), "/update post channel:<#40>").await;
    assert!(
        text(&next).contains("Nothing new has shipped"),
        "{}",
        text(&next)
    );
    app.fake().assert_no_violations();
}

#[tokio::test]
async fn the_weekly_update_is_published_once_a_week_across_a_clock_change_and_a_restart() {
    let mut app = spawn_app_with(TestOptions {
        scheduler_loop: false,
        ..TestOptions::default()
    })
    .await;
    // Monday 2026-03-02 09:00 UTC is 10:00 in Berlin: this week's 09:00 has passed already.
    assert_refused(
        &say(
            &app,
            &member(),
            "/update schedule channel:<#50> day:mon time:09:00",
        )
        .await,
        "admin",
    );
    let set = say(
        &app,
        &po(),
        "/update schedule channel:<#50> day:mon time:09:00 timezone:Europe/Berlin",
    )
    .await;
    assert_public(&set);
    let next_monday = Utc.with_ymd_and_hms(2026, 3, 9, 8, 0, 0).unwrap();
    assert!(text(&set).contains(&format!("<t:{}:f>", next_monday.timestamp())));
    assert_eq!(step(&app).await, 0, "nothing until next Monday");

    let at = |d: u32, h: u32, m: u32| Utc.with_ymd_and_hms(2026, 3, d, h, m, 0).unwrap();
    app.clock.set(at(9, 7, 59));
    assert_eq!(step(&app).await, 0);
    app.clock.set(at(9, 8, 0));
    assert_eq!(step(&app).await, 1);
    assert_eq!(sent_to(&app, 50), 1);
    app.clock.set(at(9, 9, 30));
    assert_eq!(step(&app).await, 0, "never twice in a week");

    app.restart().await;
    assert_eq!(step(&app).await, 0, "nor after a restart");

    // The missed week of 16 and 23 March is caught up once, late.
    app.clock.set(at(30, 6, 59));
    assert_eq!(step(&app).await, 1);
    // Berlin moved to summer time on 29 March: 09:00 is now 07:00 UTC.
    app.clock.set(at(30, 7, 0));
    assert_eq!(step(&app).await, 1);
    app.clock.set(at(30, 8, 0));
    assert_eq!(step(&app).await, 0);
    assert_eq!(sent_to(&app, 50), 3);

    assert_public(&say(&app, &po(), "/update unschedule").await);
    assert_refused(
        &say(&app, &po(), "/update unschedule").await,
        "no weekly update",
    );
    app.fake().assert_no_violations();
}

#[tokio::test]
async fn blockers_raised_at_the_last_stand_ups_appear_among_the_updates_risks() {
    use crate::standup::{ada, answer, at, bea, set_up, settle, spawn};
    let app = spawn().await;
    set_up(&app).await;
    app.clock.set(at(9, 30));
    settle(&app).await;
    let form = say(&app, &bea(), "/standup answer").await;
    submit(
        &app,
        &bea(),
        &form,
        &answer("Docs", "More docs", "CI is red"),
    )
    .await;
    let draft = text(&say(&app, &ada(), "/update post channel:<#40>").await);
    assert!(draft.contains("CI is red"), "{draft}");
    assert!(!draft.contains("no stand-up data"), "{draft}");
}

#[tokio::test]
async fn without_a_token_a_picture_reply_is_answered_at_once_with_a_note() {
    let app = spawn_app_with(TestOptions {
        without_token: true,
        ..TestOptions::default()
    })
    .await;
    say(&app, &po(), "/sprint start name:Quiet goal:Ship").await;
    let status = say(&app, &member(), "/sprint status").await;
    assert_eq!(status["type"], 4, "nothing could complete a deferral");
    assert!(is_ephemeral(&status));
    let shown = text(&status);
    assert!(shown.contains("Quiet"), "{shown}");
    assert!(shown.contains("without a Discord token"), "{shown}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(app.fake().requests().is_empty(), "the bot called Discord");
}

#[tokio::test]
async fn a_failed_edit_of_a_deferred_reply_is_counted_as_a_discord_error() {
    use crate::fake_discord::Failure;
    let app = spawn_app().await;
    say(&app, &po(), "/sprint start name:Counted").await;
    app.fake()
        .fail_next("PATCH", ORIGINAL_RESPONSE, 1, Failure::ServerError);
    say(&app, &member(), "/sprint status").await;
    // Once the retry arrives, the failed first try has been counted.
    let edits = app
        .fake()
        .wait_for("PATCH", ORIGINAL_RESPONSE, 2, Duration::from_secs(10))
        .await;
    assert_eq!(edits.len(), 2, "the edit was not retried");
    let (_, metrics) = app.get("/metrics").await;
    assert!(
        metrics.contains(r#"sprintmate_discord_api_errors_total{status="500"} 1"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn shutdown_waits_for_the_edit_that_completes_a_deferred_reply() {
    use crate::fake_discord::Failure;
    let app = spawn_app().await;
    say(&app, &po(), "/sprint start name:Closing").await;
    // The first edit fails, so the picture lands only on the retry 200 ms later.
    app.fake()
        .fail_next("PATCH", ORIGINAL_RESPONSE, 1, Failure::ServerError);
    let deferred = say(&app, &member(), "/sprint status").await;
    assert_eq!(deferred["type"], 5);
    let fake = app.fake().clone();
    app.stop().await;
    let edits = fake.requests_to("PATCH", ORIGINAL_RESPONSE);
    assert_eq!(
        edits.len(),
        2,
        "the bot stopped before its deferred reply was complete"
    );
}

/// The "Shipped since the last update" field of an update's message `data`.
fn shipped_field(data: &serde_json::Value) -> String {
    data["embeds"][0]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["name"] == "Shipped since the last update")
        .and_then(|f| f["value"].as_str())
        .unwrap_or_else(|| panic!("no shipped section in {data}"))
        .to_string()
}

#[tokio::test]
async fn a_story_finished_between_drafting_and_publishing_is_shipped_in_the_next_update() {
    let app = spawn_app().await;
    let minute = chrono::Duration::minutes(1);
    for title in ["Guest checkout", "Saved carts"] {
        say(&app, &po(), &format!(r#"/story add title:"{title}""#)).await;
    }
    for status in ["in_progress", "done"] {
        say(&app, &po(), &format!("/story move story:1 status:{status}")).await;
    }
    app.clock.advance(minute);
    let draft = say(&app, &po(), "/update post channel:<#40>").await;
    let shipped = shipped_field(&draft["data"]);
    assert!(shipped.contains("Guest checkout"), "{shipped}");
    // Finished after the draft was written, before it was published: not in the published text.
    app.clock.advance(minute);
    for status in ["in_progress", "done"] {
        say(&app, &po(), &format!("/story move story:2 status:{status}")).await;
    }
    app.clock.advance(minute);
    assert_eq!(press(&app, &po(), &draft, "Publish").await["type"], 7);
    let posted = posts_in(&app, 40, 1).await;
    assert!(!shipped_field(&posted[0]).contains("Saved carts"));
    app.clock.advance(minute);
    let next = say(&app, &po(), "/update post channel:<#40>").await;
    let shipped = shipped_field(&next["data"]);
    assert!(shipped.contains("Saved carts"), "{shipped}");
    assert!(
        !shipped.contains("Guest checkout"),
        "shipped once only: {shipped}"
    );
}

#[tokio::test]
async fn a_sprint_started_late_with_a_past_start_date_is_planned_on_the_day_it_is_started() {
    let app = spawn_app().await;
    say(&app, &po(), r#"/story add title:"Guest checkout" points:3"#).await;
    say(&app, &po(), r#"/story add title:"Saved carts" points:2"#).await;
    // Wednesday; the sprint began on Monday but nobody ran /sprint start until now.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 4, 10, 0, 0).unwrap());
    assert_refused(
        &say(&app, &po(), "/sprint start starts:2026-02-02 days:10").await,
        "would already be over",
    );
    // Nor one whose start lies past the 60 days ahead a plan may reach (a mistyped year
    // would hold the team's one active sprint).
    for far in ["2026-05-04", "9999-12-31"] {
        assert_refused(
            &say(&app, &po(), &format!("/sprint start starts:{far}")).await,
            "60 days from today at the latest (2026-05-03)",
        );
    }
    let started = say(&app, &po(), "/sprint start starts:2026-03-02 days:10").await;
    assert_public(&started);
    app.clock.advance(chrono::Duration::hours(2));
    let planned = say(&app, &po(), "/sprint add story:1").await;
    assert!(
        !text(&planned).contains("scope change"),
        "{}",
        text(&planned)
    );
    app.clock.advance(chrono::Duration::days(1));
    let late = say(&app, &po(), "/sprint add story:2").await;
    assert!(text(&late).contains("scope change"), "{}", text(&late));
    say(&app, &member(), "/sprint status").await;
    let (status, _) = deferred_answer(&app, 1).await;
    let shown = text(&status);
    for expected in ["(3 committed)", "+2 pts added"] {
        assert!(shown.contains(expected), "{expected} missing from {shown}");
    }
}

#[tokio::test]
async fn pressing_add_these_twice_adds_the_plan_once() {
    let app = spawn_app().await;
    say(&app, &po(), r#"/story add title:"Guest checkout" points:3"#).await;
    say(&app, &po(), r#"/story add title:"Saved carts" points:2"#).await;
    say(&app, &po(), r#"/story add title:"Gift cards" points:1"#).await;
    say(&app, &po(), r#"/story add title:"Refunds" points:4"#).await;
    say(&app, &po(), "/sprint start days:10").await;
    let plan = say(&app, &po(), "/sprint plan capacity:5").await;
    let added = press(&app, &po(), &plan, "Add these (2)").await;
    assert_public(&added);
    assert!(
        text(&added).contains("added 2 stories (5 pts)"),
        "{}",
        text(&added)
    );
    // The same button again: the plan it showed is in; the next stories are not its.
    assert_refused(
        &press(&app, &po(), &plan, "Add these (2)").await,
        "Nothing left to add: the planned stories are already in the sprint",
    );
    say(&app, &member(), "/sprint status").await;
    let (status, _) = deferred_answer(&app, 1).await;
    let shown = text(&status);
    assert!(shown.contains("(5 committed)"), "{shown}");
    assert!(!shown.contains("Gift cards"), "{shown}");
    // A fresh plan picks the next stories, and its button adds them.
    let next = say(&app, &po(), "/sprint plan capacity:5").await;
    let added = press(&app, &po(), &next, "Add these (2)").await;
    assert!(
        text(&added).contains("Gift cards") && text(&added).contains("Refunds"),
        "{}",
        text(&added)
    );
}

#[tokio::test]
async fn add_these_refuses_a_plan_the_backlog_has_changed_and_reports_the_points_it_added() {
    let app = spawn_app().await;
    say(&app, &po(), r#"/story add title:"Guest checkout" points:3"#).await;
    say(&app, &po(), r#"/story add title:"Saved carts" points:2"#).await;
    say(&app, &po(), r#"/story add title:"Gift cards" points:1"#).await;
    say(&app, &po(), "/sprint start days:10").await;
    let plan = say(&app, &po(), "/sprint plan capacity:5").await;
    // Re-estimated: the plan would now pick Gift cards as well.
    say(&app, &po(), "/story edit story:2 points:1").await;
    assert_refused(
        &press(&app, &po(), &plan, "Add these (2)").await,
        "Run /sprint plan again",
    );
    say(&app, &member(), "/sprint status").await;
    let (status, _) = deferred_answer(&app, 1).await;
    assert!(text(&status).contains("(0 committed)"), "{}", text(&status));

    let plan = say(&app, &po(), "/sprint plan capacity:10").await;
    // Still the same stories (5 pts shown), with other points: the reply counts what was added.
    say(&app, &po(), "/story edit story:3 points:2").await;
    let added = press(&app, &po(), &plan, "Add these (3)").await;
    assert!(
        text(&added).contains("added 3 stories (6 pts)"),
        "{}",
        text(&added)
    );
}

#[tokio::test]
async fn a_one_day_sprint_and_a_one_point_story_read_in_the_singular() {
    let app = spawn_app().await;
    say(&app, &po(), r#"/story add title:"Tiny fix" points:1"#).await;
    let started = text(&say(&app, &po(), "/sprint start days:1").await);
    assert!(started.contains("(1 day, UTC)"), "{started}");
    let added = text(&say(&app, &po(), "/sprint add story:1").await);
    assert!(added.contains("Tiny fix, 1 pt to"), "{added}");
}
