//! Tests of the vote cards: long voter lists and long candidate titles stay inside Discord's
//! limits without losing a story or cutting a mention in half, and the method hint reads right.

use super::*;
use crate::render::limits::{EMBED_DESCRIPTION, FIELD_VALUE};

/// A value/effort vote on 25 stories, #101 to #125.
fn vote() -> Vote {
    Vote {
        id: 9,
        guild_id: 1,
        team_id: 2,
        method: Method::ValueEffort,
        dots_per_voter: 8,
        status: VoteStatus::Closed,
        opened_by: 1,
        opened_at: 0,
        closes_at: 3600,
        closed_at: Some(3600),
        closed_by: Some(1),
        channel_id: 5,
        card: None,
        results_posted: false,
        applied_at: None,
        candidates: (101..=125).map(StoryNumber).collect(),
    }
}

/// 200-character titles full of markdown characters, which escaping doubles.
fn long_titles() -> Vec<(StoryNumber, String)> {
    (101..=125)
        .map(|n| {
            (
                StoryNumber(n),
                format!("{n} {}", "*_".repeat(100))[..200].to_string(),
            )
        })
        .collect()
}

fn wire(message: &Message) -> serde_json::Value {
    serde_json::to_value(message.to_channel_message()).unwrap()
}

fn mentions_of(voters: std::ops::Range<u64>) -> Vec<u64> {
    voters.map(|v| 100_000_000_000_000_000 + v).collect()
}

#[test]
fn a_long_voter_list_says_how_many_more_and_never_cuts_a_mention() {
    let voters = mentions_of(0..60);
    let card = wire(&ballot_card(&vote(), &long_titles(), &voters));
    let field = &card["embeds"][0]["fields"][0];
    let value = field["value"].as_str().unwrap();
    assert!(value.chars().count() <= FIELD_VALUE, "{value}");
    assert!(value.contains("… and "), "{value}");
    let listed = value.matches("<@").count();
    assert!(
        value.ends_with(&format!("… and {} more", 60 - listed)),
        "{value}"
    );
    for mention in value.split(", ").filter(|m| m.starts_with("<@")) {
        let id = mention.strip_prefix("<@").and_then(|m| m.strip_suffix('>'));
        assert_eq!(id.map(str::len), Some(18), "a whole mention: {mention}");
    }
    assert_eq!(field["name"], "Voted: 60");
}

#[test]
fn every_ranked_story_of_a_full_vote_with_long_titles_is_listed() {
    let lines: Vec<ResultLine> = (101..=125)
        .rev()
        .map(|n| ResultLine {
            story: StoryNumber(n),
            score: "value/effort 12.34".to_string(),
            spread: "value 4.5 · effort 1.5 · quick win · 999 voters".to_string(),
        })
        .collect();
    // Every story left the backlog while the vote ran: the longest rows there are.
    let left_out: Vec<StoryNumber> = (101..=125).map(StoryNumber).collect();
    let results = wire(&results_card(
        &vote(),
        &long_titles(),
        &lines,
        &mentions_of(0..60),
        &left_out,
    ));
    let description = results["embeds"][0]["description"].as_str().unwrap();
    assert!(description.chars().count() <= EMBED_DESCRIPTION);
    for (place, line) in description.lines().enumerate() {
        let number = 125 - place;
        assert!(
            line.starts_with(&format!("**{}.** **#{number}** {number} ", place + 1)),
            "{line}"
        );
        assert!(
            line.ends_with("999 voters · *no longer in the backlog*"),
            "{line}"
        );
    }
    assert_eq!(description.lines().count(), 25, "{description}");
}

#[test]
fn the_ballot_card_and_a_ballot_list_every_candidate_of_a_full_vote() {
    let open = Vote {
        status: VoteStatus::Open,
        ..vote()
    };
    let card = wire(&ballot_card(&open, &long_titles(), &[]));
    let ballot = wire(&ballot(&open, &long_titles(), &[], 24, None));
    for shown in [card, ballot] {
        let description = shown["embeds"][0]["description"].as_str().unwrap();
        assert!(description.chars().count() <= EMBED_DESCRIPTION);
        for n in 101..=125 {
            assert!(
                description.contains(&format!("**#{n}** {n} ")),
                "#{n}: {description}"
            );
        }
    }
}

#[test]
fn short_titles_are_shown_whole() {
    let titles = vec![
        (StoryNumber(101), "Guest checkout".to_string()),
        (StoryNumber(102), "Saved *carts*".to_string()),
    ];
    let lines = [ResultLine {
        story: StoryNumber(102),
        score: "weight 3".to_string(),
        spread: String::new(),
    }];
    let results = wire(&results_card(&vote(), &titles, &lines, &[7], &[]));
    assert_eq!(
        results["embeds"][0]["description"],
        "**1.** **#102** Saved \\*carts\\* — **weight 3**"
    );
    assert_eq!(results["embeds"][0]["fields"][0]["value"], "<@7>");
}

#[test]
fn a_single_dot_is_not_spread() {
    let dots = |dots_per_voter| {
        method_hint(&Vote {
            method: Method::Dots,
            dots_per_voter,
            ..vote()
        })
    };
    assert_eq!(dots(1), "Put your one dot on the story you want most.");
    assert_eq!(
        dots(3),
        "Spread your 3 dots over the stories you want most; several on one story is fine."
    );
}
