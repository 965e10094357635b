//! The `/standup` commands around the daily cycle: validation that changes nothing, `/standup
//! now`, skipped and paused days, absences, summaries and participation statistics.

use chrono::Duration;

use crate::chat::{
    assert_public, assert_refused, first_edited_reply, is_ephemeral, say, submit, text,
};
use crate::helpers::TestApp;
use crate::standup::{
    ada, answer, at, bea, channel_posts, set_up, settle, spawn, ADA, BEA, CAL, STANDUP_CHANNEL,
};

/// The stand-up prompts the fake received (summaries are embeds without this text).
fn prompts(app: &TestApp) -> usize {
    app.fake()
        .requests_to("POST", &channel_posts())
        .iter()
        .filter(|r| {
            r.body.as_ref().unwrap()["content"]
                .as_str()
                .unwrap_or_default()
                .contains("Stand-up for")
        })
        .count()
}

#[tokio::test]
async fn bad_times_zones_and_windows_are_refused_and_nothing_is_saved() {
    let app = spawn().await;
    let base = format!("/standup setup channel:<#{STANDUP_CHANNEL}>");

    let cases = [
        (format!("{base} time:25:00"), "not a time"),
        (
            format!("{base} time:09:30 timezone:Mars/Olympus"),
            "not a time zone",
        ),
        (format!("{base} time:09:30 days:someday"), "not a day"),
        (
            format!("{base} time:09:30 window:30 reminder:45"),
            "shorter reminder",
        ),
    ];
    for (line, needle) in cases {
        assert_refused(&say(&app, &ada(), &line).await, needle);
    }

    assert_refused(&say(&app, &ada(), "/standup show").await, "no stand-up yet");
}

/// Without a `reminder`, the reminder is 60 minutes before close, or halfway through a window
/// too short for that: never a minute after the prompt, as `window - 1` gave.
#[tokio::test]
async fn a_short_window_s_default_reminder_comes_halfway_through_it() {
    let app = spawn().await;
    let base = format!("/standup setup channel:<#{STANDUP_CHANNEL}> time:09:30");
    let cases = [
        (240, "open 240 min, reminder 60 min before close"),
        (90, "open 90 min, reminder 45 min before close"),
        (60, "open 60 min, reminder 30 min before close"),
        (1, "open 1 min, no reminder"),
    ];
    for (window, expected) in cases {
        let reply = text(&say(&app, &ada(), &format!("{base} window:{window}")).await);
        assert!(reply.contains(expected), "{reply}");
    }
}

#[tokio::test]
async fn standup_now_opens_today_once_and_the_schedule_does_not_prompt_it_again() {
    let app = spawn().await;
    set_up(&app).await;
    assert_eq!(
        app.scheduler()
            .next_due(at(9, 0).timestamp())
            .await
            .unwrap(),
        Some(at(9, 30).timestamp()),
        "the loop sleeps until the prompt"
    );

    assert_public(&say(&app, &bea(), "/standup now").await);
    settle(&app).await;
    assert_refused(
        &say(&app, &bea(), "/standup now").await,
        "already been opened",
    );
    // Today is handled: the next prompt shown (and slept until) is tomorrow's, not 09:30 today.
    let tomorrow = (at(9, 30) + Duration::days(1)).timestamp();
    let show = text(&say(&app, &bea(), "/standup show").await);
    assert!(
        show.contains(&format!("**Next prompt:** <t:{tomorrow}:f>")),
        "{show}"
    );
    let next_due = app.scheduler().next_due(at(9, 1).timestamp()).await;
    assert_ne!(next_due.unwrap(), Some(at(9, 30).timestamp()));
    app.clock.set(at(9, 30));
    settle(&app).await;

    assert_eq!(prompts(&app), 1);
}

#[tokio::test]
async fn skipped_and_paused_days_get_no_prompt_until_resumed() {
    let app = spawn().await;
    set_up(&app).await;
    assert_refused(
        &say(&app, &ada(), "/standup resume").await,
        "neither paused nor failing; there is nothing to resume",
    );
    assert_public(&say(&app, &ada(), "/standup skip date:2026-03-02").await);
    assert_refused(
        &say(&app, &ada(), "/standup skip date:2026-03-07").await,
        "2026-03-07 is a Saturday, and the stand-up is held mon-fri only",
    );
    assert_public(&say(&app, &ada(), "/standup pause until:2026-03-03").await);
    assert_refused(
        &say(&app, &ada(), "/standup pause until:2026-03-03").await,
        "already paused up to and including 2026-03-03; nothing was changed",
    );
    assert_refused(
        &say(&app, &bea(), "/standup resume").await,
        "resume the stand-up",
    );
    assert!(text(&say(&app, &ada(), "/standup show").await).contains("Paused"));

    app.clock.set(at(9, 30));
    settle(&app).await;
    app.clock.set(at(9, 30) + Duration::days(1));
    settle(&app).await;
    assert_eq!(prompts(&app), 0);

    app.clock.set(at(14, 0) + Duration::days(1));
    assert_public(&say(&app, &ada(), "/standup resume").await);
    app.clock.set(at(9, 30) + Duration::days(2));
    settle(&app).await;
    assert_eq!(prompts(&app), 1);
    assert_refused(
        &say(&app, &ada(), "/standup skip date:2026-03-01").await,
        "has passed",
    );
    // A pause whose last day has gone by is over: nothing to resume.
    assert_public(&say(&app, &ada(), "/standup pause until:2026-03-05").await);
    app.clock.set(at(9, 30) + Duration::days(4));
    assert_refused(
        &say(&app, &ada(), "/standup resume").await,
        "nothing to resume",
    );
}

/// Set up after today's prompt time, today is handled without a stand-up: a skip of it would
/// be a public "skipped" that changes nothing.
#[tokio::test]
async fn a_day_whose_time_passed_without_a_stand_up_cannot_be_skipped() {
    let app = spawn().await;
    app.clock.set(at(10, 0));
    set_up(&app).await;
    assert_refused(
        &say(&app, &ada(), "/standup skip date:2026-03-02").await,
        "has passed without a stand-up, so there is nothing to skip",
    );
    assert_public(&say(&app, &ada(), "/standup skip date:2026-03-03").await);
}

#[tokio::test]
async fn members_set_themselves_away_but_only_admins_set_others() {
    let app = spawn().await;
    set_up(&app).await;

    let other = format!("/standup away from:2026-03-02 to:2026-03-04 user:<@{CAL}>");
    assert_refused(&say(&app, &bea(), &other).await, "set other members away");
    let backwards = "/standup away from:2026-03-04 to:2026-03-02";
    assert_refused(&say(&app, &bea(), backwards).await, "before it starts");
    // Today is 2026-03-02: an absence already over, or past a year ahead, is refused (one
    // cannot be taken back, so a mistyped year would excuse a member for a decade).
    let over = "/standup away from:2026-02-02 to:2026-02-27";
    assert_refused(&say(&app, &bea(), over).await, "already over");
    let decade = "/standup away from:2026-03-02 to:2036-03-02";
    assert_refused(
        &say(&app, &bea(), decade).await,
        "until 2027-03-02 at the latest",
    );
    assert_public(&say(&app, &bea(), "/standup away from:2026-03-02 to:2026-03-04").await);
    // The same days again, or some of them, would be a second line saying the same thing;
    // days beyond the absence are a new one.
    for covered in [
        "from:2026-03-02 to:2026-03-04",
        "from:2026-03-03 to:2026-03-03",
    ] {
        assert_refused(
            &say(&app, &bea(), &format!("/standup away {covered}")).await,
            "already away on every day",
        );
    }
    assert_public(&say(&app, &bea(), "/standup away from:2026-03-04 to:2026-03-05").await);

    let show = text(&say(&app, &bea(), "/standup show").await);
    assert_eq!(
        show.matches(&format!("<@{BEA}> 2026-03-02 to 2026-03-04"))
            .count(),
        1,
        "{show}"
    );
    assert!(
        show.contains(&format!("<@{BEA}> 2026-03-02 to 2026-03-04")),
        "{show}"
    );
    assert!(!show.contains(&format!("<@{CAL}> 2026")), "{show}");
    assert!(
        !show.contains("2036") && !show.contains("2026-02"),
        "{show}"
    );
}

/// An absence names stand-up dates, so "already over" is judged by the stand-up's zone: at
/// 09:00 UTC on 2 March it is still 1 March in Pago Pago (UTC-11).
#[tokio::test]
async fn an_absence_is_judged_by_the_stand_up_s_own_date() {
    let app = spawn().await;
    say(
        &app,
        &ada(),
        &format!(
            "/standup setup channel:<#{STANDUP_CHANNEL}> time:23:30 timezone:Pacific/Pago_Pago"
        ),
    )
    .await;
    let tonight = "/standup away from:2026-03-01 to:2026-03-01";
    assert_public(&say(&app, &bea(), tonight).await);
    let yesterday = "/standup away from:2026-02-28 to:2026-02-28";
    assert_refused(&say(&app, &bea(), yesterday).await, "today is 2026-03-01");
}

#[tokio::test]
async fn summary_and_stats_show_answers_blockers_and_participation() {
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
    app.clock.set(at(13, 30));
    settle(&app).await;

    let summary = say(&app, &ada(), "/standup summary").await;
    assert!(is_ephemeral(&summary));
    assert!(text(&summary).contains(&format!("<@{BEA}>: CI is red")));
    assert_refused(
        &say(&app, &ada(), "/standup summary date:2026-03-03").await,
        "held no stand-up",
    );
    // The stats carry a picture: deferred at once, completed by editing the original response.
    let deferred = say(&app, &ada(), "/standup stats days:1").await;
    assert_eq!(deferred["type"], 5, "{deferred}");
    assert!(is_ephemeral(&deferred));
    let (edited, edit) = first_edited_reply(&app).await;
    assert_eq!(edit.files, ["participation.png"], "{edit:?}");
    assert_eq!(
        edited["data"]["embeds"][0]["image"]["url"],
        "attachment://participation.png"
    );
    let stats = text(&edited);
    assert!(
        stats.contains("Stand-up participation, last 1 day\n") && stats.contains("1 stand-up held"),
        "{stats}"
    );
    assert!(
        stats.contains(&format!("<@{BEA}>: 1/1 answered (100%), 1 blocker raised")),
        "{stats}"
    );
    assert!(
        stats.contains(&format!("<@{CAL}>: 0/1 answered (0%)")),
        "{stats}"
    );
    app.fake().assert_no_violations();
}

#[tokio::test]
async fn the_schedule_follows_the_teams_time_zone_unless_one_is_given() {
    let app = spawn().await;
    say(&app, &ada(), "/team settings timezone:Europe/Berlin").await;

    let line = format!("/standup setup channel:<#{STANDUP_CHANNEL}> time:09:30 days:mon,wed");
    let reply = text(&say(&app, &ada(), &line).await);

    // 09:30 in Berlin is 08:30 UTC in March (CET). It is 10:00 there on Monday, so the next
    // prompts are Wednesday, next Monday and next Wednesday; never a Tuesday.
    let monday = at(8, 30).timestamp();
    let day = 86_400;
    for next in [monday + 2 * day, monday + 7 * day, monday + 9 * day] {
        assert!(reply.contains(&format!("<t:{next}:f>")), "{reply}");
    }
    assert!(
        reply.contains("Europe/Berlin") && reply.contains("mon,wed"),
        "{reply}"
    );
}

#[tokio::test]
async fn an_answer_button_naming_another_guilds_team_is_refused() {
    let app = spawn().await;
    set_up(&app).await;
    app.clock.set(at(9, 30));
    settle(&app).await;
    let prompt = app.fake().requests_to("POST", &channel_posts())[0]
        .body
        .clone()
        .unwrap();
    let button = prompt["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap();

    let stranger = bea().in_guild(99);
    let press =
        sprintmate::console::synth::Synth::new().button_press(&stranger, button, 1, &prompt);
    let response = app.interact(&press).await;

    assert_refused(&response, "team this server does not have");
}

#[tokio::test]
async fn paused_days_are_not_held_after_resume_nor_reported_as_outages() {
    let app = spawn().await;
    set_up(&app).await;
    // Monday 09:00: paused until resumed. The scheduler steps through Monday's prompt time but
    // not Tuesday's (the bot may be quiet); resumed on Tuesday at 10:00, inside its window.
    assert_public(&say(&app, &ada(), "/standup pause").await);
    app.clock.set(at(9, 30));
    assert_eq!(settle(&app).await.standups_missed, 0);
    app.clock.set(at(10, 0) + Duration::days(1));
    let reply = text(&say(&app, &ada(), "/standup resume").await);

    let wednesday = at(9, 30) + Duration::days(2);
    assert!(
        reply.contains(&format!("<t:{}:f>", wednesday.timestamp()))
            && reply.contains("Today's stand-up stays off; /standup now opens it"),
        "{reply}"
    );
    let report = settle(&app).await;
    assert_eq!((report.standups_opened, report.standups_missed), (0, 0));
    assert_eq!(prompts(&app), 0, "no prompt for the paused Tuesday");
    for day in ["2026-03-02", "2026-03-03"] {
        let summary = say(&app, &ada(), &format!("/standup summary date:{day}")).await;
        assert!(is_ephemeral(&summary));
        assert!(!text(&summary).contains("offline"), "{summary}");
    }
    app.clock.set(wednesday);
    settle(&app).await;
    assert_eq!(prompts(&app), 1, "Wednesday is held as usual");
}

#[tokio::test]
async fn an_open_stand_up_cannot_be_skipped_and_a_pause_silences_its_reminder() {
    let app = spawn().await;
    set_up(&app).await;
    app.clock.set(at(9, 30));
    settle(&app).await;
    let close = at(13, 30).timestamp();

    let skip = say(&app, &ada(), "/standup skip date:2026-03-02").await;
    assert_refused(&skip, "already open");
    assert!(text(&skip).contains(&format!("<t:{close}:f>")), "{skip}");
    let paused = say(&app, &ada(), "/standup pause").await;
    assert_public(&paused);
    assert!(text(&paused).contains("without a reminder"), "{paused}");

    // 12:30: no reminder in the thread; 13:30: the summary still comes.
    let thread = app.fake().requests_to(
        "POST",
        &format!("/channels/{STANDUP_CHANNEL}/messages/{{m}}/threads"),
    )[0]
    .segment(3)
    .to_string();
    app.clock.set(at(12, 30));
    settle(&app).await;
    let in_thread = format!("/channels/{thread}/messages");
    assert!(app.fake().requests_to("POST", &in_thread).is_empty());
    app.clock.set(at(13, 30));
    settle(&app).await;
    let posts = app.fake().requests_to("POST", &channel_posts());
    assert_eq!(posts.len(), 2, "the prompt and the summary");
    // Tuesday is paused.
    app.clock.set(at(9, 30) + Duration::days(1));
    settle(&app).await;
    assert_eq!(prompts(&app), 1);
    app.fake().assert_no_violations();
}

#[tokio::test]
async fn a_pause_until_resumed_shows_no_next_prompt() {
    let app = spawn().await;
    set_up(&app).await;
    assert_public(&say(&app, &ada(), "/standup pause").await);
    assert_refused(
        &say(&app, &ada(), "/standup pause").await,
        "already paused until /standup resume; nothing was changed",
    );

    let show = text(&say(&app, &ada(), "/standup show").await);
    assert!(
        show.contains("**Next prompt:** none while paused (/standup resume)"),
        "{show}"
    );
    let line = format!("/standup setup channel:<#{STANDUP_CHANNEL}> time:10:00 timezone:UTC");
    let setup = text(&say(&app, &ada(), &line).await);
    assert!(
        setup.contains("Next prompts: none while paused (/standup resume)"),
        "{setup}"
    );
    // A pause with an end still shows the prompts after it.
    say(&app, &ada(), "/standup pause until:2026-03-03").await;
    let show = text(&say(&app, &ada(), "/standup show").await);
    let wednesday = at(9, 30) + Duration::days(2);
    assert!(
        show.contains(&format!("<t:{}:f>", wednesday.timestamp() + 1800)),
        "{show}"
    );
}

#[tokio::test]
async fn a_blockers_answer_of_none_or_n_a_is_no_blocker_in_summary_stats_or_update() {
    let app = spawn().await;
    set_up(&app).await;
    app.clock.set(at(9, 30));
    settle(&app).await;
    let form = say(&app, &bea(), "/standup answer").await;
    submit(&app, &bea(), &form, &answer("Docs", "More docs", " N/A. ")).await;
    submit(&app, &ada(), &form, &answer("Review", "Merge", "CI is red")).await;
    app.clock.set(at(13, 30));
    settle(&app).await;

    let summary = say(&app, &ada(), "/standup summary").await;
    let blockers = summary["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap();
    assert!(
        blockers.contains(&format!("<@{ADA}>: CI is red")),
        "{blockers}"
    );
    assert!(!blockers.contains(&format!("<@{BEA}>:")), "{blockers}");

    let draft = text(&say(&app, &ada(), "/update post channel:<#40>").await);
    assert!(draft.contains("CI is red"), "{draft}");
    assert!(
        !draft.contains(&format!("<@{BEA}> at the stand-up")),
        "{draft}"
    );

    say(&app, &ada(), "/standup stats days:7").await;
    let stats = text(&first_edited_reply(&app).await.0);
    assert!(
        stats.contains(&format!("<@{BEA}>: 1/1 answered (100%), 0 blockers raised")),
        "{stats}"
    );
    assert!(stats.contains(&format!("<@{ADA}>: 1/1 answered (100%), 1 blocker raised")));
}

#[tokio::test]
async fn stats_expect_nobody_on_the_open_day_and_outsiders_only_when_they_answered() {
    let app = spawn().await;
    set_up(&app).await;
    let dan = sprintmate::console::synth::Actor::member(204, "dan");
    app.clock.set(at(9, 30));
    settle(&app).await;
    let form = say(&app, &bea(), "/standup answer").await;
    submit(&app, &bea(), &form, &answer("a", "b", "")).await;
    submit(&app, &dan, &form, &answer("a", "b", "")).await;
    app.clock.set(at(13, 30));
    settle(&app).await;
    // Tuesday's stand-up is open; only Bea has answered it so far.
    app.clock.set(at(10, 0) + Duration::days(1));
    settle(&app).await;
    let form = say(&app, &bea(), "/standup answer").await;
    submit(&app, &bea(), &form, &answer("c", "d", "")).await;

    say(&app, &ada(), "/standup stats days:7").await;
    let stats = text(&first_edited_reply(&app).await.0);
    assert!(stats.contains("1 stand-up held, 1 still open"), "{stats}");
    for line in [
        format!("<@{BEA}>: 2/2 answered"),
        format!("<@{CAL}>: 0/1 answered"),
        "<@204>: 1/1 answered".to_string(),
    ] {
        assert!(stats.contains(&line), "{line} in {stats}");
    }
}

#[tokio::test]
async fn a_summary_before_any_stand_up_says_how_to_hold_one() {
    let app = spawn().await;
    assert_refused(
        &say(&app, &ada(), "/standup summary").await,
        "has not held a stand-up yet. Set one up with /standup setup, or open today's with /standup now.",
    );
    assert_refused(
        &say(&app, &ada(), "/standup summary date:2026-03-02").await,
        "held no stand-up on 2026-03-02. /standup summary without a date shows the latest.",
    );
}
