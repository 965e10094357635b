//! Stand-ups end to end: the scheduler stepped with a controlled clock against the fake Discord.
//! A day: prompt, thread, answers in the thread (edited in place), a reminder pinging exactly
//! the missing members, the summary, a late answer editing it; nothing is ever posted twice,
//! across repeated steps and restarts; 500, 429, 403 and no answer at all are handled.

use chrono::{Duration, TimeZone as _, Utc};
use serde_json::Value;
use sprintmate::config::Secret;
use sprintmate::discord::outbox_sender::OutboxSender;
use sprintmate::scheduler::{Scheduler, StepReport};

use sprintmate::console::synth::{Actor, Synth};

use crate::chat::{say, submit, EPHEMERAL};
use crate::fake_discord::{Failure, RecordedRequest};
use crate::helpers::{spawn_app_with, TestApp, TestOptions, TOKEN};

pub(crate) const STANDUP_CHANNEL: u64 = 50;
pub(crate) const ADA: u64 = 201;
pub(crate) const BEA: u64 = 202;
pub(crate) const CAL: u64 = 203;

pub(crate) fn ada() -> Actor {
    Actor::admin(ADA, "ada")
}

pub(crate) fn bea() -> Actor {
    Actor::member(BEA, "bea")
}

pub(crate) fn channel_posts() -> String {
    format!("/channels/{STANDUP_CHANNEL}/messages")
}

pub(crate) fn at(hour: u32, minute: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, 0).unwrap()
}

pub(crate) async fn spawn() -> TestApp {
    spawn_app_with(TestOptions {
        scheduler_loop: false,
        ..TestOptions::default()
    })
    .await
}

/// Steps the scheduler at the clock's time until it has nothing left to do.
pub(crate) async fn settle(app: &TestApp) -> StepReport {
    settle_with(app, &app.scheduler()).await
}

/// [`settle`] with this scheduler.
pub(crate) async fn settle_with(app: &TestApp, scheduler: &Scheduler) -> StepReport {
    let mut total = StepReport::default();
    for _ in 0..10 {
        let report = scheduler
            .run_due(app.clock.now().timestamp())
            .await
            .unwrap();
        let idle = report.sent == 0 && report.standup_posts_queued == 0;
        total.sent += report.sent;
        total.retried += report.retried;
        total.rate_limited += report.rate_limited;
        total.failed += report.failed;
        total.standups_opened += report.standups_opened;
        total.standups_missed += report.standups_missed;
        total.standup_posts_queued += report.standup_posts_queued;
        if idle {
            break;
        }
    }
    total
}

pub(crate) fn content(response: &Value) -> String {
    response["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Ada (admin) sets up a 09:30 UTC stand-up in the stand-up channel, Bea and Cal on the roster.
pub(crate) async fn set_up(app: &TestApp) -> Value {
    for user in [ADA, BEA, CAL] {
        say(app, &ada(), &format!("/team add user:<@{user}>")).await;
    }
    say(
        app,
        &ada(),
        &format!("/standup setup channel:<#{STANDUP_CHANNEL}> time:09:30 timezone:UTC"),
    )
    .await
}

pub(crate) fn answer(
    yesterday: &'static str,
    today: &'static str,
    blockers: &'static str,
) -> Vec<(&'static str, &'static str)> {
    vec![
        ("yesterday", yesterday),
        ("today", today),
        ("blockers", blockers),
    ]
}

fn last(requests: &[RecordedRequest]) -> &Value {
    requests.last().unwrap().body.as_ref().unwrap()
}

#[tokio::test]
async fn setup_replies_with_the_next_three_prompt_times() {
    let app = spawn().await;

    let response = set_up(&app).await;

    let text = content(&response);
    let monday = at(9, 30).timestamp();
    let tuesday = monday + 86_400;
    let wednesday = tuesday + 86_400;
    for t in [monday, tuesday, wednesday] {
        assert!(text.contains(&format!("<t:{t}:f>")), "{text}");
    }
    assert!(
        response["data"]["flags"].as_u64().unwrap_or(0) & 64 == 0,
        "setup replies publicly"
    );
}

#[tokio::test]
async fn members_cannot_set_up_the_stand_up_and_nothing_changes() {
    let app = spawn().await;

    let line = format!("/standup setup channel:<#{STANDUP_CHANNEL}> time:09:30");
    let response = say(&app, &bea(), &line).await;

    assert_eq!(response["data"]["flags"], EPHEMERAL);
    let show = say(&app, &ada(), "/standup show").await;
    assert!(content(&show).contains("no stand-up yet"), "{show}");
}

#[tokio::test]
async fn the_prompt_shows_the_active_sprints_goal() {
    let app = spawn().await;
    set_up(&app).await;
    say(&app, &ada(), r#"/sprint start goal:"Ship guest checkout""#).await;
    app.clock.set(at(9, 30));
    settle(&app).await;
    let prompts = app.fake().requests_to("POST", &channel_posts());
    let content = last(&prompts)["content"].as_str().unwrap().to_string();
    assert!(
        content.contains("Sprint goal: Ship guest checkout"),
        "{content}"
    );
}

#[tokio::test]
async fn a_whole_day_prompt_thread_answers_edit_reminder_summary_and_a_late_answer() {
    let mut app = spawn().await;
    set_up(&app).await;
    say(&app, &ada(), "/story add title:\"Guest checkout\"").await;
    let away = format!("/standup away from:2026-03-02 to:2026-03-03 user:<@{CAL}>");
    say(&app, &ada(), &away).await;

    // 09:30: the prompt, then the thread on it.
    app.clock.set(at(9, 30));
    let report = settle(&app).await;
    assert_eq!(report.standups_opened, 1);
    let prompts = app.fake().requests_to("POST", &channel_posts());
    assert_eq!(prompts.len(), 1);
    let prompt = last(&prompts);
    assert!(prompt["content"]
        .as_str()
        .unwrap()
        .contains("Stand-up for Monday 2 March 2026"));
    let answer_button = prompt["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let threads = app.fake().requests_to(
        "POST",
        &format!("/channels/{STANDUP_CHANNEL}/messages/{{m}}/threads"),
    );
    assert_eq!(threads.len(), 1);
    let thread_id: u64 = threads[0].segment(3).parse().unwrap();
    let thread_posts = format!("/channels/{thread_id}/messages");

    // The Answer button opens the form; Ada answers, naming story #1.
    let press = Synth::new().button_press(&bea(), &answer_button, thread_id, prompt);
    let form = app.interact(&press).await;
    assert_eq!(form["type"], 9);
    let answers = answer("Worked on #1", "Tests for #1", "Waiting for review");
    let reply = submit(&app, &ada(), &form, &answers).await;
    assert_eq!(reply["data"]["flags"], EPHEMERAL);
    settle(&app).await;
    let posted = app.fake().requests_to("POST", &thread_posts);
    assert_eq!(posted.len(), 1);
    let embed = last(&posted)["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(embed.contains("**#1** (Guest checkout)"), "{embed}");
    assert_eq!(
        last(&posted)["allowed_mentions"]["users"],
        serde_json::json!([])
    );

    // Ada edits: the same post is edited, no new one.
    submit(&app, &ada(), &form, &answer("Worked on #1", "Ship #1", "")).await;
    settle(&app).await;
    assert_eq!(app.fake().requests_to("POST", &thread_posts).len(), 1);
    let edits = app
        .fake()
        .requests_to("PATCH", &format!("/channels/{thread_id}/messages/{{m}}"));
    assert_eq!(edits.len(), 1);
    assert!(last(&edits)["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .contains("Ship"));

    // 12:30: the reminder pings Bea only (Ada answered, Cal is away).
    app.clock.set(at(12, 30));
    settle(&app).await;
    let posted = app.fake().requests_to("POST", &thread_posts);
    assert_eq!(posted.len(), 2);
    assert_eq!(
        last(&posted)["allowed_mentions"]["users"],
        serde_json::json!([BEA.to_string()])
    );
    assert_eq!(
        last(&posted)["allowed_mentions"]["parse"],
        serde_json::json!([])
    );

    // Stepping again, and restarting mid-day, posts nothing twice.
    let before = app.fake().requests().len();
    settle(&app).await;
    app.restart().await;
    settle(&app).await;
    let after: Vec<_> = app.fake().requests()[before..]
        .iter()
        .filter(|r| !r.is("PUT", "/applications/{app}/commands"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(after.is_empty(), "posted again: {after:?}");

    // 13:30: the summary in the channel, Blockers first, Bea missing, a link to the thread.
    app.clock.set(at(13, 30));
    settle(&app).await;
    let posts = app.fake().requests_to("POST", &channel_posts());
    assert_eq!(posts.len(), 2);
    let summary = &last(&posts)["embeds"][0];
    let description = summary["description"].as_str().unwrap();
    assert!(description.starts_with("**Blockers**"), "{description}");
    assert!(
        description.contains(&format!("**Missing:** <@{BEA}>")),
        "{description}"
    );
    assert!(description.contains(&format!(
        "https://discord.com/channels/{}/{thread_id}",
        ada().guild_id
    )));
    assert!(!description.contains(&format!("<@{CAL}>")));

    // Bea answers late: her answer goes to the thread and the summary is edited.
    submit(
        &app,
        &bea(),
        &form,
        &answer("Docs", "More docs", "CI is red"),
    )
    .await;
    settle(&app).await;
    assert_eq!(app.fake().requests_to("POST", &thread_posts).len(), 3);
    let summary_edits = app.fake().requests_to(
        "PATCH",
        &format!("/channels/{STANDUP_CHANNEL}/messages/{{m}}"),
    );
    assert_eq!(summary_edits.len(), 1);
    let edited = last(&summary_edits)["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(edited.contains(&format!("<@{BEA}>: CI is red")), "{edited}");
    assert!(!edited.contains("**Missing:**"), "{edited}");

    // Editing after close is refused and changes nothing.
    let refused = submit(&app, &ada(), &form, &answer("x", "y", "")).await;
    assert!(content(&refused).contains("closed"), "{refused}");

    app.fake().assert_no_violations();
}

#[tokio::test]
async fn a_server_error_is_retried_and_the_prompt_is_sent_once() {
    let app = spawn().await;
    set_up(&app).await;
    app.fake()
        .fail_next("POST", &channel_posts(), 1, Failure::ServerError);

    app.clock.set(at(9, 30));
    let first = settle(&app).await;
    app.clock.advance(Duration::seconds(5));
    let second = settle(&app).await;

    assert_eq!((first.retried, first.sent), (1, 0));
    assert!(second.sent >= 1);
    let prompts = app.fake().requests_to("POST", &channel_posts());
    assert_eq!(prompts.len(), 2);
    assert_eq!(prompts.iter().filter(|r| r.status == 200).count(), 1);
    assert_eq!(
        prompts[0].body.as_ref().unwrap()["nonce"],
        prompts[1].body.as_ref().unwrap()["nonce"]
    );
    assert_eq!(prompts[1].body.as_ref().unwrap()["enforce_nonce"], true);
    app.fake().assert_no_violations();
}

#[tokio::test]
async fn an_unreachable_discord_is_counted_as_no_answer_and_the_prompt_retried() {
    let app = spawn().await;
    set_up(&app).await;
    // A server that hangs up on every connection: no answer, and the port stays ours, so no
    // other test's server can take it meanwhile.
    let hangs_up = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut settings = app.settings.clone();
    settings.discord_api_base = format!("http://{}", hangs_up.local_addr().unwrap());
    let hanging_up = tokio::spawn(async move {
        while let Ok((connection, _)) = hangs_up.accept().await {
            drop(connection);
        }
    });
    let unreachable = Scheduler::new(
        app.services().clone(),
        Some(OutboxSender::new(&settings, Secret::new(TOKEN))),
    );

    app.clock.set(at(9, 30));
    let first = settle_with(&app, &unreachable).await;
    assert_eq!((first.retried, first.sent), (1, 0));
    let (_, metrics) = app.get("/metrics").await;
    assert!(
        metrics.contains(r#"sprintmate_discord_api_errors_total{status="network"} 1"#),
        "{metrics}"
    );
    assert!(!metrics.contains(r#"status="500""#), "{metrics}");

    hanging_up.abort();

    // Reachable again, the prompt goes on its next try.
    app.clock.advance(Duration::seconds(5));
    assert!(settle(&app).await.sent >= 1);
    assert_eq!(app.fake().requests_to("POST", &channel_posts()).len(), 1);
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_before_the_prompt_is_sent_again() {
    let app = spawn().await;
    set_up(&app).await;
    app.fake().fail_next(
        "POST",
        &channel_posts(),
        1,
        Failure::RateLimited {
            retry_after_secs: 30.0,
        },
    );

    app.clock.set(at(9, 30));
    assert_eq!(settle(&app).await.rate_limited, 1);
    app.clock.advance(Duration::seconds(20));
    settle(&app).await;
    assert_eq!(
        app.fake().requests_to("POST", &channel_posts()).len(),
        1,
        "sent before Retry-After"
    );
    app.clock.advance(Duration::seconds(15));
    settle(&app).await;

    let prompts = app.fake().requests_to("POST", &channel_posts());
    assert_eq!(prompts.len(), 2);
    assert_eq!(prompts[1].status, 200);
    app.fake().assert_no_violations();
}

#[tokio::test]
async fn a_403_marks_the_schedule_failing_and_show_names_the_missing_permission() {
    let app = spawn().await;
    set_up(&app).await;
    app.fake()
        .fail_next("POST", &channel_posts(), 1, Failure::Forbidden);

    app.clock.set(at(9, 30));
    assert_eq!(settle(&app).await.failed, 1);

    let show = say(&app, &ada(), "/standup show").await;
    let text = show["data"]["embeds"][0]["description"].as_str().unwrap();
    assert!(
        text.contains("cannot post") && text.contains("**Send Messages**"),
        "{text}"
    );
    let member_view = say(&app, &bea(), "/standup show").await;
    let text = member_view["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap();
    assert!(!text.contains("Send Messages"), "{text}");
    assert_eq!(app.fake().requests_to("POST", &channel_posts()).len(), 1);
    // A failing stand-up that is not paused is still something to resume.
    crate::chat::assert_public(&say(&app, &ada(), "/standup resume").await);
    let show = say(&app, &ada(), "/standup show").await;
    assert!(!show.to_string().contains("cannot post"), "{show}");
}

#[tokio::test]
async fn a_late_start_inside_the_window_prompts_once_and_after_it_the_day_is_skipped() {
    let app = spawn().await;
    set_up(&app).await;

    // Down at 09:30 Monday, back at 11:00: still inside the window.
    app.clock.set(at(11, 0));
    let monday = settle(&app).await;
    // Down all Tuesday: back on Tuesday at 14:00, after its window.
    app.clock.set(at(14, 0) + Duration::days(1));
    let tuesday = settle(&app).await;

    assert_eq!((monday.standups_opened, monday.standups_missed), (1, 0));
    assert_eq!((tuesday.standups_opened, tuesday.standups_missed), (0, 1));
    let prompts: Vec<_> = app
        .fake()
        .requests_to("POST", &channel_posts())
        .into_iter()
        .filter(|r| {
            r.body.as_ref().unwrap()["content"]
                .as_str()
                .unwrap_or_default()
                .contains("Stand-up for")
        })
        .collect();
    assert_eq!(prompts.len(), 1);
}

#[tokio::test]
async fn the_real_scheduler_loop_posts_the_prompt_and_opens_its_thread_on_its_own() {
    let app = crate::helpers::spawn_app().await;
    set_up(&app).await;

    app.clock.set(at(9, 30));
    // The loop sleeps at most a minute; a wake-up stands in for that minute passing.
    app.services().scheduler_wake.notify_one();
    let threads = app
        .fake()
        .wait_for(
            "POST",
            &format!("/channels/{STANDUP_CHANNEL}/messages/{{m}}/threads"),
            1,
            std::time::Duration::from_secs(10),
        )
        .await;

    assert_eq!(threads.len(), 1);
    assert_eq!(app.fake().requests_to("POST", &channel_posts()).len(), 1);
    app.fake().assert_no_violations();
}

#[tokio::test]
async fn a_thread_discord_already_created_for_the_prompt_is_used_when_its_answer_was_lost() {
    let app = spawn().await;
    set_up(&app).await;
    // Discord made the thread but its answer never arrived; the retry is told it exists.
    let thread_route = format!("/channels/{STANDUP_CHANNEL}/messages/{{m}}/threads");
    app.fake().respond_with(
        "POST",
        &thread_route,
        400,
        serde_json::json!({
            "code": 160004,
            "message": "A thread has already been created for this message"
        }),
    );

    app.clock.set(at(9, 30));
    let report = settle(&app).await;
    assert_eq!(report.failed, 0, "{report:?}");
    let prompt_id: u64 = app.fake().requests_to("POST", &thread_route)[0]
        .segment(3)
        .parse()
        .unwrap();
    let form = say(&app, &bea(), "/standup answer").await;
    submit(&app, &bea(), &form, &answer("Docs", "More docs", "")).await;
    settle(&app).await;

    // A thread started from a message has that message's id.
    let in_thread = app
        .fake()
        .requests_to("POST", &format!("/channels/{prompt_id}/messages"));
    assert_eq!(in_thread.len(), 1);
    assert_eq!(in_thread[0].status, 200);
}

#[tokio::test]
async fn a_prompt_posted_after_its_reminder_time_sends_no_reminder_seconds_later() {
    let app = spawn().await;
    set_up(&app).await;
    let thread_route = format!("/channels/{STANDUP_CHANNEL}/messages/{{m}}/threads");
    let thread_posts = |app: &TestApp, n: usize| {
        let thread = app.fake().requests_to("POST", &thread_route)[n]
            .segment(3)
            .to_string();
        app.fake()
            .requests_to("POST", &format!("/channels/{thread}/messages"))
            .len()
    };

    // Down from before 09:30 until 12:40, past the 12:30 reminder: prompt late, no reminder.
    app.clock.set(at(12, 40));
    assert_eq!(settle(&app).await.standups_opened, 1);
    app.clock.set(at(12, 41));
    settle(&app).await;
    assert_eq!(
        thread_posts(&app, 0),
        0,
        "nobody is chased a minute after the prompt"
    );
    app.clock.set(at(13, 30));
    settle(&app).await;

    // Tuesday, back at 11:00: late, but the 12:30 reminder leaves time, so it goes out.
    app.clock.set(at(11, 0) + Duration::days(1));
    settle(&app).await;
    app.clock.set(at(12, 30) + Duration::days(1));
    settle(&app).await;
    assert_eq!(thread_posts(&app, 1), 1);
}
