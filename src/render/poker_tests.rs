//! Tests of the planning poker card: button limits, hidden votes, reveal and accept.

use super::*;
use crate::render::Response;

const ALICE: u64 = 1001;
const BOB: u64 = 1002;
const CAROL: u64 = 1003;
const GUEST: u64 = 1004;

fn round(scale: Scale, status: RoundStatus) -> PokerRound {
    PokerRound {
        id: 42,
        guild_id: 1,
        team_id: 2,
        story_id: 3,
        scale,
        status,
        round_number: 1,
        started_by: ALICE,
        started_at: 0,
        accepted_card: None,
        accepted_by: None,
    }
}

fn vote(voter_id: u64, card: Option<&str>) -> PokerVote {
    PokerVote {
        voter_id,
        card: card.map(str::to_string),
    }
}

fn view(scale: Scale, status: RoundStatus, votes: Vec<PokerVote>) -> PokerView {
    PokerView {
        round: round(scale, status),
        story_number: 7,
        story_title: "Guest checkout".to_string(),
        team_name: "Core".to_string(),
        roster: vec![ALICE, BOB, CAROL],
        votes,
    }
}

fn json(message: Message) -> serde_json::Value {
    Response::Update(message).to_json()["data"].clone()
}

fn field<'a>(data: &'a serde_json::Value, prefix: &str) -> &'a str {
    data["embeds"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no field {prefix}"))["value"]
        .as_str()
        .unwrap()
}

fn button_labels(data: &serde_json::Value) -> Vec<Vec<String>> {
    data["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row["components"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["label"].as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn every_scale_fits_its_buttons_and_controls_in_five_rows_of_five() {
    let votes = vec![vote(ALICE, Some("XS")), vote(BOB, Some("1"))];
    for scale in Scale::ALL {
        for status in [RoundStatus::Open, RoundStatus::Revealed] {
            let message = poker_card(&view(scale, status, votes.clone()), "");
            assert!(message.rows.len() <= 5, "{scale:?} {status:?}");
            for row in &message.rows {
                assert!(row.len() <= 5, "{scale:?} {status:?}");
                assert!(row.iter().all(|b| b.custom_id.len() <= 100));
            }
        }
        let open = poker_card(&view(scale, RoundStatus::Open, Vec::new()), "");
        let shown: usize = open.rows.iter().map(Vec::len).sum();
        assert_eq!(shown, scale.cards().len() + 3, "every card and 3 controls");
    }
}

#[test]
fn the_open_card_is_the_same_whatever_the_votes_are() {
    let low = view(
        Scale::Fibonacci,
        RoundStatus::Open,
        vec![vote(ALICE, Some("1")), vote(BOB, Some("?"))],
    );
    let high = view(
        Scale::Fibonacci,
        RoundStatus::Open,
        vec![vote(ALICE, Some("21")), vote(BOB, Some("coffee"))],
    );
    assert_eq!(json(poker_card(&low, "x")), json(poker_card(&high, "x")));
}

#[test]
fn the_open_card_lists_who_voted_who_has_not_and_who_sits_out() {
    let data = json(poker_card(
        &view(
            Scale::Tshirt,
            RoundStatus::Open,
            vec![
                vote(ALICE, Some("M")),
                vote(GUEST, Some("L")),
                vote(CAROL, None),
            ],
        ),
        "",
    ));
    assert_eq!(field(&data, "Voted (2)"), format!("<@{ALICE}> <@{GUEST}>"));
    assert_eq!(field(&data, "Not voted yet (1)"), format!("<@{BOB}>"));
    assert_eq!(field(&data, "Sitting out (1)"), format!("<@{CAROL}>"));
    let labels = button_labels(&data);
    assert_eq!(labels[0], ["XS", "S", "M", "L", "XL"]);
    assert_eq!(labels[1], ["Reveal", "Re-vote", "Sit out"]);
}

#[test]
fn reveal_shows_every_vote_the_statistics_and_accept_buttons_led_by_the_suggestion() {
    let data = json(poker_card(
        &view(
            Scale::Fibonacci,
            RoundStatus::Revealed,
            vec![
                vote(ALICE, Some("3")),
                vote(BOB, Some("8")),
                vote(CAROL, Some("coffee")),
                vote(GUEST, Some("5")),
            ],
        ),
        "",
    ));
    let votes = field(&data, "Votes (4)");
    assert!(votes.contains(&format!("<@{ALICE}>: **3**")));
    assert!(votes.contains(&format!("<@{CAROL}>: **☕ coffee**")));
    let result = field(&data, "Result");
    assert!(result.contains("Min **3** · Max **8** · Median **5** points · no consensus"));
    assert!(result.contains("Suggested: **5**"));
    let labels = button_labels(&data);
    assert_eq!(
        labels[0],
        ["Accept 5", "Accept 0", "Accept 1", "Accept 2", "Accept 3"]
    );
    assert_eq!(labels[1], ["Accept 8", "Accept 13", "Accept 21"]);
    assert_eq!(labels[2], ["Re-vote"]);
}

#[test]
fn a_reveal_of_only_question_marks_offers_every_number_without_a_suggestion() {
    let data = json(poker_card(
        &view(
            Scale::Powers,
            RoundStatus::Revealed,
            vec![vote(ALICE, Some("0")), vote(BOB, None)],
        ),
        "",
    ));
    assert!(field(&data, "Result").contains("Median **0**"));
    let only_unsure = json(poker_card(
        &view(
            Scale::Fibonacci,
            RoundStatus::Revealed,
            vec![vote(ALICE, Some("?"))],
        ),
        "",
    ));
    assert!(field(&only_unsure, "Result").starts_with("No numbered votes"));
    assert_eq!(button_labels(&only_unsure)[0][0], "Accept 0");
}

#[test]
fn an_accepted_round_shows_who_accepted_and_has_no_buttons() {
    let mut accepted = view(
        Scale::Tshirt,
        RoundStatus::Accepted,
        vec![vote(ALICE, Some("L"))],
    );
    accepted.round.accepted_card = Some("L".to_string());
    accepted.round.accepted_by = Some(BOB);
    let data = json(poker_card(&accepted, ""));
    assert!(data["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .contains(&format!("<@{BOB}> accepted **L**")));
    assert!(button_labels(&data).is_empty());
}

#[test]
fn a_long_roster_is_cut_between_mentions_not_inside_one() {
    let mut big = view(Scale::Fibonacci, RoundStatus::Open, Vec::new());
    big.roster = (0..200).map(|i| 100_000_000_000_000_000 + i).collect();
    let data = json(poker_card(&big, ""));
    let waiting = field(&data, "Not voted yet (200)");
    assert!(waiting.chars().count() <= 1024);
    assert!(waiting.ends_with("more"));
    assert!(waiting
        .split(' ')
        .filter(|w| w.starts_with("<@"))
        .all(|w| w.ends_with('>')));
}

#[test]
fn without_a_member_list_the_open_card_does_not_claim_everyone_voted() {
    let mut alone = view(
        Scale::Fibonacci,
        RoundStatus::Open,
        vec![vote(GUEST, Some("3"))],
    );
    alone.roster.clear();
    let data = json(poker_card(&alone, "Estimate"));
    assert_eq!(field(&data, "Not voted yet"), NO_ROSTER);
    assert!(field(&data, "Voted (1)").contains(&format!("<@{GUEST}>")));
}

#[test]
fn the_footer_shows_the_team_name_as_typed_since_footers_are_plain_text() {
    let mut named = view(Scale::Fibonacci, RoundStatus::Open, vec![]);
    named.team_name = "a*b_c".to_string();
    let data = json(poker_card(&named, "Estimate"));
    assert_eq!(
        data["embeds"][0]["footer"]["text"],
        "Team a*b_c · planning poker"
    );
}
