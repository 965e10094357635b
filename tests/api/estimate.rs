//! `/estimate` end to end: a planning poker round from the first vote to Accept, hidden votes,
//! re-votes, the story card's Estimate button, restarts, and the refusals of finished rounds.

use serde_json::Value;
use sprintmate::console::synth::Actor;

use crate::chat::*;
use crate::helpers::spawn_app;

fn admin() -> Actor {
    Actor::admin(100, "ada")
}

fn ann() -> Actor {
    Actor::member(201, "ann")
}

fn bo() -> Actor {
    Actor::member(202, "bo")
}

fn cy() -> Actor {
    Actor::member(203, "cy")
}

/// A team of three members with story #1 "Guest checkout".
async fn team_with_a_story(app: &crate::helpers::TestApp) {
    for user in [201, 202, 203] {
        assert_public(&say(app, &admin(), &format!("/team add user:<@{user}>")).await);
    }
    assert_public(&say(app, &ann(), r#"/story add title:"Guest checkout""#).await);
}

fn labels(response: &Value) -> Vec<String> {
    buttons(response).into_iter().map(|(_, l, _)| l).collect()
}

fn assert_update(response: &Value) {
    assert_eq!(response["type"], 7, "a press updates the card: {response}");
}

#[tokio::test]
async fn a_round_goes_from_hidden_votes_to_revealed_statistics_to_accepted_points() {
    let app = spawn_app().await;
    team_with_a_story(&app).await;
    let card = say(&app, &ann(), "/estimate story:#1").await;
    assert_public(&card);
    let shown = text(&card);
    assert!(shown.contains("Estimate #1 · Guest checkout"), "{shown}");
    assert!(
        shown.contains("Not voted yet (3): <@201> <@202> <@203>"),
        "{shown}"
    );
    assert_eq!(
        labels(&card),
        [
            "0",
            "1",
            "2",
            "3",
            "5",
            "8",
            "13",
            "21",
            "?",
            "☕ coffee",
            "Reveal",
            "Re-vote",
            "Sit out"
        ]
    );

    let card = press(&app, &ann(), &card, "3").await;
    assert_update(&card);
    let card = press(&app, &bo(), &card, "13").await;
    let card = press(&app, &bo(), &card, "8").await; // a new press replaces the first
    let card = press(&app, &cy(), &card, "5").await;
    let guest = Actor::member(204, "guest");
    let card = press(&app, &guest, &card, "Sit out").await;
    let shown = text(&card);
    assert!(shown.contains("Voted (3): <@201> <@202> <@203>"), "{shown}");
    assert!(shown.contains("Sitting out (1): <@204>"), "{shown}");
    for value in ["**3**", "**8**", "**5**", "**13**", "Votes ("] {
        assert!(
            !shown.contains(value),
            "{value} leaked before reveal: {shown}"
        );
    }

    let card = press(&app, &bo(), &card, "Reveal").await;
    assert_update(&card);
    let shown = text(&card);
    for vote in ["<@201>: **3**", "<@202>: **8**", "<@203>: **5**"] {
        assert!(shown.contains(vote), "{vote} missing: {shown}");
    }
    assert!(
        shown.contains("Min **3** · Max **8** · Median **5** points · no consensus"),
        "{shown}"
    );
    let accept = labels(&card);
    assert_eq!(accept[0], "Accept 5", "the suggestion comes first");
    assert!(accept.contains(&"Accept 13".to_string()) && accept.contains(&"Re-vote".to_string()));

    let card = press(&app, &cy(), &card, "Accept 8").await;
    assert_update(&card);
    assert!(
        text(&card).contains("<@203> accepted **8**"),
        "{}",
        text(&card)
    );
    assert!(buttons(&card).is_empty());
    let story = say(&app, &ann(), "/story show story:#1").await;
    assert!(text(&story).contains("8 points"), "{}", text(&story));
}

#[tokio::test]
async fn re_vote_clears_the_votes_and_starts_the_next_round() {
    let app = spawn_app().await;
    team_with_a_story(&app).await;
    let card = say(&app, &ann(), "/estimate story:1 scale:tshirt").await;
    assert_eq!(labels(&card)[..5], ["XS", "S", "M", "L", "XL"]);
    let card = press(&app, &ann(), &card, "S").await;
    let card = press(&app, &bo(), &card, "XL").await;
    let card = press(&app, &ann(), &card, "Reveal").await;
    assert!(text(&card).contains("no consensus"));

    let card = press(&app, &bo(), &card, "Re-vote").await;
    assert_update(&card);
    let shown = text(&card);
    assert!(
        shown.contains("Round 2") && shown.contains("Voted (0)"),
        "{shown}"
    );
    assert!(shown.contains("Not voted yet (3)"), "{shown}");
    assert!(labels(&card).contains(&"M".to_string()));

    let card = press(&app, &ann(), &card, "L").await;
    let card = press(&app, &bo(), &card, "L").await;
    let card = press(&app, &cy(), &card, "Reveal").await;
    assert!(text(&card).contains("✅ consensus"), "{}", text(&card));
    let card = press(&app, &cy(), &card, "Accept L").await;
    assert!(text(&card).contains("accepted **L**"));
    let story = say(&app, &ann(), "/story show story:#1").await;
    assert!(text(&story).contains("5 points"), "L is 5 points");
}

#[tokio::test]
async fn the_estimate_button_on_the_story_card_opens_the_storys_round() {
    let app = spawn_app().await;
    let story_card = say(&app, &ann(), r#"/story add title:"Search""#).await;
    let poker = press(&app, &bo(), &story_card, "Estimate").await;
    assert_public(&poker);
    assert!(text(&poker).contains("Estimate #1 · Search"));
    press(&app, &bo(), &poker, "2").await;
    // The same button later reopens the same round, with the vote still hidden but counted.
    let again = press(&app, &cy(), &story_card, "Estimate").await;
    let shown = text(&again);
    assert!(
        shown.contains("reopened") && shown.contains("Voted (1): <@202>"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_cards_buttons_work_after_a_restart() {
    let mut app = spawn_app().await;
    team_with_a_story(&app).await;
    let card = say(&app, &ann(), "/estimate story:1 scale:powers").await;
    let card = press(&app, &ann(), &card, "16").await;
    app.restart().await;
    let card = press(&app, &bo(), &card, "Reveal").await;
    assert_update(&card);
    assert!(text(&card).contains("<@201>: **16**"), "{}", text(&card));
}

#[tokio::test]
async fn presses_that_do_not_fit_the_round_are_refused_privately_and_change_nothing() {
    let app = spawn_app().await;
    team_with_a_story(&app).await;
    let open = say(&app, &ann(), "/estimate story:1").await;
    assert_refused(
        &press(&app, &ann(), &open, "Reveal").await,
        "Nobody has played",
    );

    let voted = press(&app, &ann(), &open, "5").await;
    let revealed = press(&app, &bo(), &voted, "Reveal").await;
    assert_refused(&press(&app, &cy(), &voted, "8").await, "already revealed");

    let other_guild = Actor::member(300, "eve").in_guild(2);
    assert_refused(
        &press(&app, &other_guild, &revealed, "Accept 5").await,
        "team this server does not have",
    );

    press(&app, &cy(), &revealed, "Accept 5").await;
    assert_refused(&press(&app, &bo(), &open, "8").await, "round is over");
    assert_refused(
        &press(&app, &bo(), &revealed, "Re-vote").await,
        "round is over",
    );
    let story = say(&app, &ann(), "/story show story:#1").await;
    assert!(text(&story).contains("5 points"));
}

#[tokio::test]
async fn a_new_scale_replaces_the_open_round_and_its_old_card() {
    let app = spawn_app().await;
    team_with_a_story(&app).await;
    let old = say(&app, &ann(), "/estimate story:1").await;
    let new = say(&app, &ann(), "/estimate story:1 scale:powers").await;
    assert!(labels(&new).contains(&"32".to_string()));
    assert_refused(&press(&app, &bo(), &old, "3").await, "out of date");
}

#[tokio::test]
async fn estimate_refuses_unknown_stories_scales_and_archived_stories() {
    let app = spawn_app().await;
    team_with_a_story(&app).await;
    assert_refused(
        &say(&app, &ann(), "/estimate story:#99").await,
        "does not exist",
    );
    assert_refused(
        &say_unchecked(&app, &ann(), "/estimate story:1 scale:linear").await,
        "not a scale",
    );
    let card = say(&app, &ann(), "/story show story:1").await;
    say(&app, &admin(), "/story archive story:1").await;
    let archived = "Story #1 is archived. Restore it with /story restore story:1";
    assert_refused(&say(&app, &ann(), "/estimate story:1").await, archived);
    // The Estimate button of a card shown before the archive says the same.
    assert_refused(&press(&app, &ann(), &card, "Estimate").await, archived);
}

#[tokio::test]
async fn a_round_whose_story_was_archived_refuses_every_press_and_sets_no_points() {
    let app = spawn_app().await;
    team_with_a_story(&app).await;
    let open = say(&app, &ann(), "/estimate story:1").await;
    let voted = press(&app, &ann(), &open, "5").await;
    let revealed = press(&app, &bo(), &voted, "Reveal").await;
    assert_public(&say(&app, &admin(), "/story archive story:1").await);
    for (card, label) in [
        (&revealed, "Accept 5"),
        (&revealed, "Re-vote"),
        (&open, "8"),
        (&open, "Sit out"),
    ] {
        assert_refused(&press(&app, &cy(), card, label).await, "archived");
    }
    // Restored, the story still has no points, and its round carries on.
    assert_public(&say(&app, &admin(), "/story restore story:1").await);
    let story = say(&app, &ann(), "/story show story:#1").await;
    assert!(!text(&story).contains("5 points"), "{}", text(&story));
    let accepted = press(&app, &cy(), &revealed, "Accept 5").await;
    assert_update(&accepted);
    let story = say(&app, &ann(), "/story show story:#1").await;
    assert!(text(&story).contains("5 points"), "{}", text(&story));
}
