//! A hand-edited document that breaks a rule only a command or a UNIQUE constraint enforced
//! is refused before anything is written, with a message naming the item, never SQLite's
//! constraint text.

use super::seed::{fingerprint, seed};
use super::{fresh, RESTORED_AT};
use crate::backup::{validate, Document, Snowflake};
use crate::store::test_support::{store, GUILD};

/// Checks that `edit` makes the seeded document fail with `expected` (after the team's name)
/// and that the import refuses it the same way, writing nothing.
async fn refused(document: &Document, edit: impl Fn(&mut Document), expected: &str) {
    let mut bad = document.clone();
    edit(&mut bad);
    let error = validate::check(&bad).unwrap_err();
    assert!(
        error.contains(&format!("team \"Core\"{expected}")),
        "{expected:?} not in {error}"
    );
    let (target, _dir) = fresh().await;
    let before = fingerprint(&target).await;
    let error = target
        .import_document(&bad, RESTORED_AT)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(expected) && !error.contains("constraint"),
        "{error}"
    );
    assert_eq!(fingerprint(&target).await, before);
}

#[tokio::test]
async fn a_key_listed_twice_is_refused_by_name_instead_of_reaching_a_unique_constraint() {
    let (source, _a) = store().await;
    seed(&source).await;
    let document = source.export_guild(GUILD, None, 1000).await.unwrap();
    validate::check(&document).unwrap();

    let twice = |d: &mut Document| {
        let members = &mut d.teams[0].members;
        members.push(members[0].clone());
    };
    refused(&document, twice, ": member 11 is listed twice").await;
    let position = |d: &mut Document| {
        let criteria = &mut d.teams[0].stories[0].criteria;
        criteria[1].position = criteria[0].position;
    };
    refused(
        &document,
        position,
        ": story #1 has two acceptance criteria at position",
    )
    .await;
    let dependency = |d: &mut Document| {
        let blocked = &mut d.teams[0].stories[0].blocked_by;
        blocked.push(blocked[0].clone());
    };
    refused(&document, dependency, ": story #1 depends on #2 twice").await;
    let candidate = |d: &mut Document| d.teams[0].votes[0].candidates = vec![2, 2];
    refused(
        &document,
        candidate,
        ": vote 1's candidates: #2 is listed twice",
    )
    .await;
    let ballot = |d: &mut Document| {
        let ballots = &mut d.teams[0].votes[0].ballots;
        ballots.push(ballots[0].clone());
    };
    refused(&document, ballot, ", vote 1: 12 has two ballots").await;
    let mark = |d: &mut Document| {
        let marks = &mut d.teams[0].votes[0].drafts[0].marks;
        (marks[0].story, marks[1].story) = (2, 2);
    };
    refused(
        &document,
        mark,
        ", vote 1: the draft ballot of 11 marks #2 twice",
    )
    .await;
    let poker = |d: &mut Document| {
        let votes = &mut d.teams[0].poker_rounds[0].votes;
        votes.push(votes[0].clone());
    };
    refused(
        &document,
        poker,
        ": the poker round of #1 has two votes of 11 in round 1",
    )
    .await;
    let holiday = |d: &mut Document| {
        let skips = &mut d.teams[0].standup.skips;
        skips.push(skips[0].clone());
    };
    refused(
        &document,
        holiday,
        ": stand-up holiday 2026-12-25 is listed twice",
    )
    .await;
    let answer = |d: &mut Document| {
        let answers = &mut d.teams[0].standup.days[0].answers;
        answers.push(answers[0].clone());
    };
    refused(
        &document,
        answer,
        ": stand-up day 2026-03-02 has two answers of 11",
    )
    .await;
}

#[tokio::test]
async fn fields_a_command_would_refuse_are_refused_at_import_naming_the_item() {
    let (source, _a) = store().await;
    seed(&source).await;
    let document = source.export_guild(GUILD, None, 1000).await.unwrap();

    let days = |d: &mut Document| d.teams[0].sprints[0].days = 61;
    refused(
        &document,
        days,
        ": sprint 1: A sprint lasts between 1 and 60 days; 61",
    )
    .await;
    let zone = |d: &mut Document| d.teams[0].sprints[0].timezone = "Mars/Base".into();
    refused(&document, zone, ": sprint 1: ").await;
    let name = |d: &mut Document| d.teams[0].sprints[0].name = "x".repeat(101);
    refused(
        &document,
        name,
        ": sprint 1's name must be 1-100 characters",
    )
    .await;
    let goal = |d: &mut Document| d.teams[0].sprints[0].goal = Some("two\nlines".into());
    refused(
        &document,
        goal,
        ": sprint 1's goal must be 1-300 characters",
    )
    .await;
    let card = |d: &mut Document| d.teams[0].poker_rounds[0].votes[0].card = Some("XL".into());
    refused(
        &document,
        card,
        ", the poker round of #1: a vote's card \"XL\"",
    )
    .await;
    let accepted = |d: &mut Document| {
        let round = &mut d.teams[0].poker_rounds[0];
        (round.status, round.accepted_card) = ("accepted".into(), Some("?".into()));
    };
    refused(
        &document,
        accepted,
        ", the poker round of #1: the accepted card \"?\"",
    )
    .await;
    let lonely = |d: &mut Document| {
        let vote = &mut d.teams[0].votes[0];
        vote.candidates.truncate(1);
        for ballot in vote.ballots.iter_mut().chain(&mut vote.drafts) {
            ballot.marks.retain(|m| m.story == vote.candidates[0]);
        }
    };
    refused(
        &document,
        lonely,
        ": vote 1's candidates: A vote needs at least two",
    )
    .await;
    let long = |d: &mut Document| {
        d.teams[0].standup.days[0].answers[0].blockers = "x".repeat(901);
    };
    let expected = ": the stand-up answer of 11 on 2026-03-02 has a blockers over 900";
    refused(&document, long, expected).await;
    let numbering = |d: &mut Document| d.teams[0].next_story_number = i64::MAX;
    refused(
        &document,
        numbering,
        &format!(": next_story_number {}", i64::MAX),
    )
    .await;
    for url in [
        "javascript:alert(1)",
        "https://evil.example/channels/1/2/3",
        "https://discord.com/channels/1/2/3) [click](https://evil.example",
        "https://discord.com/channels/1/2",
    ] {
        let link = |d: &mut Document| d.teams[0].stories[0].source_url = Some(url.into());
        refused(&document, link, ": story #1's source_url").await;
    }

    let mut fine = document.clone();
    fine.teams[0].stories[0].source_url = Some(format!("https://discord.com/channels/{GUILD}/5/6"));
    fine.teams[0].poker_rounds[0].votes[0].card = Some("coffee".into());
    fine.guild_id = Snowflake(GUILD);
    validate::check(&fine).unwrap();
}
