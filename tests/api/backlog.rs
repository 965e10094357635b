//! `/backlog`: rank order, filters, the vision header, and pages whose buttons keep working
//! after a restart; and autocomplete on `story` options.

use sprintmate::console::synth::Actor;

use crate::chat::*;
use crate::helpers::{spawn_app, TestApp};

fn member() -> Actor {
    Actor::member(200, "bo")
}

#[tokio::test]
async fn the_backlog_is_private_unless_public_is_asked_and_shows_the_vision() {
    let app = spawn_app().await;
    say(
        &app,
        &Actor::admin(100, "ada"),
        r#"/vision set text:"Checkout in one minute""#,
    )
    .await;
    say(
        &app,
        &member(),
        r#"/story add title:"Guest checkout" points:3"#,
    )
    .await;
    let private = say(&app, &member(), "/backlog").await;
    assert!(is_ephemeral(&private));
    let shown = text(&private);
    assert!(
        shown.contains("Checkout in one minute") && shown.contains("**1 story** · 3 points"),
        "{shown}"
    );
    assert!(!is_ephemeral(
        &say(&app, &member(), "/backlog public:true").await
    ));
}

#[tokio::test]
async fn pages_hold_ten_stories_and_next_still_works_after_a_restart() {
    let mut app = spawn_app().await;
    for i in 1..=25 {
        say(&app, &member(), &format!("/story add title:\"Story {i}\"")).await;
    }
    let first = say(&app, &member(), "/backlog").await;
    assert_eq!(backlog_numbers(&first), (1..=10).collect::<Vec<_>>());
    assert!(text(&first).contains("Page 1 of 3"));
    let second = press(&app, &member(), &first, "Next").await;
    assert_eq!(second["type"], 7);
    assert_eq!(backlog_numbers(&second), (11..=20).collect::<Vec<_>>());

    app.restart().await;
    let third = press(&app, &member(), &second, "Next").await;
    assert_eq!(backlog_numbers(&third), (21..=25).collect::<Vec<_>>());
    assert!(is_ephemeral(&third), "an ephemeral list stays ephemeral");
    let back = press(&app, &member(), &third, "Previous").await;
    assert_eq!(backlog_numbers(&back), (11..=20).collect::<Vec<_>>());
    let last_next = buttons(&third)
        .into_iter()
        .find(|(_, l, _)| l == "Next")
        .unwrap();
    assert!(last_next.2, "Next is disabled on the last page");
}

#[tokio::test]
async fn filters_narrow_the_list_and_keep_backlog_positions() {
    let app = spawn_app().await;
    say(
        &app,
        &member(),
        r#"/story add title:"A" type:bug labels:ui"#,
    )
    .await;
    say(
        &app,
        &member(),
        r#"/story add title:"B" labels:api assignee:<@300>"#,
    )
    .await;
    say(
        &app,
        &member(),
        r#"/story add title:"C" type:bug labels:api"#,
    )
    .await;
    say(&app, &member(), "/story move story:3 status:ready").await;
    assert_eq!(
        backlog_numbers(&say(&app, &member(), "/backlog type:bug").await),
        [1, 3]
    );
    assert_eq!(
        backlog_numbers(&say(&app, &member(), "/backlog label:api").await),
        [2, 3]
    );
    assert_eq!(
        backlog_numbers(&say(&app, &member(), "/backlog assignee:<@300>").await),
        [2]
    );
    let ready = say(&app, &member(), "/backlog status:ready").await;
    assert_eq!(backlog_numbers(&ready), [3]);
    assert!(
        text(&ready).contains("`3.` **#3**"),
        "positions are backlog places: {}",
        text(&ready)
    );
}

#[tokio::test]
async fn finished_and_archived_stories_leave_the_open_backlog() {
    let app = spawn_app().await;
    for t in ["A", "B", "C"] {
        say(&app, &member(), &format!("/story add title:{t}")).await;
    }
    say(&app, &member(), "/story move story:1 status:in_progress").await;
    say(&app, &member(), "/story move story:1 status:done").await;
    say(&app, &Actor::admin(100, "ada"), "/story archive story:2").await;
    assert_eq!(
        backlog_numbers(&say(&app, &member(), "/backlog").await),
        [3]
    );
    assert_eq!(
        backlog_numbers(&say(&app, &member(), "/backlog status:done").await),
        [1]
    );
}

#[tokio::test]
async fn autocomplete_offers_at_most_25_stories_by_number_prefix_or_title_words() {
    let app = app_with_31_stories().await;
    let all = complete(&app, &member(), "/story show story:").await;
    assert_eq!(all.len(), 25);
    let by_number = complete(&app, &member(), "/story show story:#2").await;
    let values: Vec<&str> = by_number.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(values[0], "2", "the exact number comes first");
    assert!(
        values.contains(&"21") && values.contains(&"29") && !values.contains(&"3"),
        "{values:?}"
    );
    let by_words = complete(&app, &member(), "/story show story:checkout guest").await;
    assert_eq!(by_words.len(), 1);
    assert!(
        by_words[0].0.starts_with("#31 Guest checkout"),
        "{by_words:?}"
    );
    assert!(by_words.iter().all(|(name, _)| name.chars().count() <= 100));
}

#[tokio::test]
async fn autocomplete_reads_a_lone_hash_zeros_and_trailing_punctuation_sensibly() {
    let app = app_with_31_stories().await;
    let values = |choices: Vec<(String, String)>| -> Vec<String> {
        choices.into_iter().map(|(_, value)| value).collect()
    };
    let nothing = values(complete(&app, &member(), "/story show story:").await);
    // `#`, the first keystroke of `#42`, lists what empty input lists.
    let hash = values(complete(&app, &member(), "/story show story:#").await);
    assert_eq!(hash.len(), 25);
    assert_eq!(hash, nothing);
    // `#` before words is not title text.
    let words = values(complete(&app, &member(), "/story show story:#gu").await);
    assert_eq!(words, ["31"]);
    // Numbers start at 1: zeros alone match nothing, leading zeros are ignored.
    for zeros in ["0", "00", "#0"] {
        let found = complete(&app, &member(), &format!("/story show story:{zeros}")).await;
        assert!(found.is_empty(), "{zeros}: {found:?}");
    }
    let padded = values(complete(&app, &member(), "/story show story:#007").await);
    assert_eq!(padded, ["7"]);
    // Punctuation ending a typed word is not searched for.
    let comma = values(complete(&app, &member(), "/story show story:checkout,").await);
    assert_eq!(comma, ["31"]);
    let sentence = values(complete(&app, &member(), "/story show story:guest checkout.").await);
    assert_eq!(sentence, ["31"]);
}

#[tokio::test]
async fn autocomplete_ignores_the_case_of_letters_beyond_ascii_in_a_small_team() {
    let app = spawn_app().await;
    say(&app, &member(), r#"/story add title:"Écran de connexion""#).await;
    say(&app, &member(), r#"/story add title:"Écran d'accueil""#).await;
    let values = |choices: Vec<(String, String)>| -> Vec<String> {
        choices.into_iter().map(|(_, value)| value).collect()
    };
    let open = complete(&app, &member(), "/story show story:écran").await;
    assert_eq!(values(open), ["1", "2"]);
    // A finished story is found through SQL, which must fold the same way.
    say(&app, &member(), "/story move story:1 status:in_progress").await;
    say(&app, &member(), "/story move story:1 status:done").await;
    let closed = complete(&app, &member(), "/story show story:ÉCRAN DE").await;
    assert_eq!(values(closed), ["1"]);
}

#[tokio::test]
async fn autocomplete_lists_open_stories_before_finished_ones() {
    let app = spawn_app().await;
    say(&app, &member(), r#"/story add title:"Finished thing""#).await;
    say(&app, &member(), r#"/story add title:"Open thing""#).await;
    say(&app, &member(), "/story move story:1 status:in_progress").await;
    say(&app, &member(), "/story move story:1 status:done").await;
    let choices = complete(&app, &member(), "/story show story:thing").await;
    let values: Vec<&str> = choices.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(values, ["2", "1"]);
}

#[tokio::test]
async fn the_backlog_flags_a_story_ranked_above_an_open_story_it_depends_on_and_counts_totals() {
    let app = spawn_app().await;
    for (title, points) in [("Pay by card", 5), ("Card vault", 1), ("Receipts", 2)] {
        say(
            &app,
            &member(),
            &format!("/story add title:\"{title}\" points:{points}"),
        )
        .await;
    }
    say(&app, &member(), "/story depend story:1 on:2").await;
    say(&app, &member(), "/story move story:3 status:in_progress").await;
    say(&app, &member(), "/story move story:3 status:done").await;
    let shown = text(&say(&app, &member(), "/backlog").await);
    let line_of = |number: &str| {
        shown
            .lines()
            .find(|l| l.contains(&format!("**#{number}**")))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line_of("1").contains("ranked above a story it depends on"),
        "{shown}"
    );
    assert!(!line_of("2").contains("depends on"), "{shown}");
    assert!(line_of("2").contains(" · 1 pt"), "{shown}");
    assert!(!line_of("2").contains("1 pts"), "{shown}");
    assert!(shown.contains("**2 stories** · 6 points"), "{shown}");
    // Finished, #1 has no place in the backlog to be wrong about.
    for status in ["in_progress", "done"] {
        say(
            &app,
            &member(),
            &format!("/story move story:1 status:{status}"),
        )
        .await;
    }
    let done = text(&say(&app, &member(), "/backlog status:done").await);
    assert!(
        done.contains("**#1**") && !done.contains("depends on"),
        "{done}"
    );
}

/// Every story's rank key, by number.
async fn ranks(app: &crate::helpers::TestApp) -> Vec<(i64, Vec<u8>)> {
    sqlx::query_as("SELECT number, rank FROM stories ORDER BY number")
        .fetch_all(app.services().store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_ranked_story_never_takes_the_key_a_finished_story_still_holds() {
    let app = spawn_app().await;
    let po = Actor::admin(100, "ada");
    for title in ["A", "B", "C", "D"] {
        say(&app, &member(), &format!("/story add title:{title}")).await;
    }
    // #4 takes the midpoint of #1 and #2, then finishes; #3 is ranked to the same spot.
    say(&app, &po, "/story rank story:4 position:2").await;
    say(&app, &member(), "/story move story:4 status:in_progress").await;
    say(&app, &member(), "/story move story:4 status:done").await;
    say(&app, &po, "/story rank story:3 position:2").await;
    say(&app, &member(), "/story move story:4 status:review").await;
    let keys = ranks(&app).await;
    let distinct: std::collections::HashSet<_> = keys.iter().map(|(_, k)| k).collect();
    assert_eq!(distinct.len(), keys.len(), "{keys:?}");
    assert_eq!(
        backlog_numbers(&say(&app, &member(), "/backlog").await),
        [1, 3, 4, 2]
    );
}

#[tokio::test]
async fn ranking_between_two_stories_with_equal_keys_is_refused_at_once_and_changes_nothing() {
    let app = spawn_app().await;
    let po = Actor::admin(100, "ada");
    for title in ["A", "B", "C"] {
        say(&app, &member(), &format!("/story add title:{title}")).await;
    }
    // As an older import could leave them: #1 and #2 on one key.
    sqlx::query(
        "UPDATE stories SET rank = (SELECT rank FROM stories WHERE number = 1) WHERE number = 2",
    )
    .execute(app.services().store.pool())
    .await
    .unwrap();
    let before = ranks(&app).await;
    let refused = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        say(&app, &po, "/story rank story:3 position:2"),
    )
    .await
    .expect("the move answers instead of searching forever");
    assert_refused(&refused, "leave no room");
    assert!(text(&refused).contains("Rank #"), "{}", text(&refused));
    assert_eq!(ranks(&app).await, before);
    // Moving one of the pair gives it a key of its own; then the move works.
    say(&app, &po, "/story rank story:2 position:3").await;
    say(&app, &po, "/story rank story:3 position:2").await;
    assert_eq!(
        backlog_numbers(&say(&app, &member(), "/backlog").await),
        [1, 3, 2]
    );
}

#[tokio::test]
async fn the_backlog_header_counts_one_point_in_the_singular() {
    let app = spawn_app().await;
    say(&app, &member(), "/story add title:Tiny points:1").await;
    let shown = text(&say(&app, &member(), "/backlog").await);
    assert!(shown.contains("**1 story** · 1 point\n"), "{shown}");
    say(&app, &member(), "/story add title:Unsized").await;
    let shown = text(&say(&app, &member(), "/backlog").await);
    assert!(shown.contains("**2 stories** · 1 point\n"), "{shown}");
}

/// A bot whose backlog holds "Story number 1" to "Story number 30" and then #31 "Guest checkout".
async fn app_with_31_stories() -> TestApp {
    let app = spawn_app().await;
    for i in 1..=30 {
        say(
            &app,
            &member(),
            &format!("/story add title:\"Story number {i}\""),
        )
        .await;
    }
    say(&app, &member(), r#"/story add title:"Guest checkout""#).await;
    app
}
