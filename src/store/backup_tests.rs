//! Export and import against real SQLite files: a team seeded through the store's own writes
//! goes out and back into a fresh database unchanged, the derived tables follow, refusals
//! change nothing, and an export never shows another guild's data.

mod holes;
mod order;
mod schedules;
mod seed;

use self::seed::{fingerprint, seed};
use super::backlog::BacklogFilter;
use super::test_support::{store, GUILD};
use super::Store;
use crate::backup::{validate, Document};
use crate::domain::story::StoryTitle;

/// The document as the binary would print and read it: through JSON text.
fn through_json(document: &Document) -> Document {
    let text = serde_json::to_string_pretty(document).unwrap();
    validate::parse(&text).expect("an export reads back")
}

/// When the tests' imports run (unix seconds).
const RESTORED_AT: i64 = 1500;

async fn fresh() -> (Store, tempfile::TempDir) {
    store().await
}

#[tokio::test]
async fn a_team_exported_and_imported_into_a_fresh_database_exports_the_same_document() {
    let (source, _a) = store().await;
    seed(&source).await;
    let first = source.export_guild(GUILD, None, 1000).await.unwrap();
    let team = &first.teams[0];
    assert_eq!(team.stories.len(), 3);
    assert_eq!(team.stories[0].labels, ["checkout", "ui"]);
    assert_eq!(team.stories[0].blocked_by[0].story, 2);
    assert_eq!(
        team.stories[1].history.len(),
        3,
        "{:?}",
        team.stories[1].history
    );
    assert_eq!(team.sprints[0].changes.len(), 1);
    assert_eq!(team.votes[0].candidates, [2, 1]);
    assert_eq!(team.votes[0].drafts[0].marks.len(), 2);
    assert_eq!(team.votes[0].ballots[0].marks.len(), 2);
    assert_eq!(team.poker_rounds[0].votes.len(), 1);
    assert_eq!(team.standup.days[0].answers.len(), 1);
    assert!(team.standup.schedule.is_some() && team.update_schedule.is_some());
    assert_eq!(team.updates.len(), 1);

    let (target, _b) = fresh().await;
    let summary = target
        .import_document(&through_json(&first), RESTORED_AT)
        .await
        .unwrap();
    assert_eq!(summary.stories, 3);
    assert_eq!(
        target.guild_restored_at(GUILD).await.unwrap(),
        Some(RESTORED_AT)
    );
    assert_eq!(target.guild_restored_at(GUILD + 1).await.unwrap(), None);
    let second = target.export_guild(GUILD, None, 2000).await.unwrap();
    assert_eq!(second.exported_at, 2000);
    assert_eq!(
        Document {
            exported_at: 1000,
            ..second
        },
        first
    );
}

#[tokio::test]
async fn after_an_import_the_backlog_totals_title_search_and_numbering_carry_on() {
    let (source, _a) = store().await;
    seed(&source).await;
    let document = source.export_guild(GUILD, None, 1000).await.unwrap();
    let (target, _b) = fresh().await;
    target
        .import_document(&document, RESTORED_AT)
        .await
        .unwrap();

    let team = target.default_team(GUILD).await.unwrap().unwrap();
    let page = target
        .backlog_page(GUILD, team.id, &BacklogFilter::default(), 0, 10)
        .await
        .unwrap();
    let numbers: Vec<i64> = page.lines.iter().map(|l| l.number).collect();
    assert_eq!(numbers, [1, 2], "the archived story is not in the backlog");
    assert_eq!((page.total_stories, page.total_points), (2, 8));
    let found = target
        .search_stories(GUILD, team.id, "checkout", 5)
        .await
        .unwrap();
    assert_eq!(found.iter().map(|m| m.number).collect::<Vec<_>>(), [1]);
    let paying = target
        .search_stories(GUILD, team.id, "payme", 5)
        .await
        .unwrap();
    assert_eq!(paying.iter().map(|m| m.number).collect::<Vec<_>>(), [2]);
    // One history row per change: the trigger's creation row was not doubled.
    let history: i64 = sqlx::query_scalar("SELECT count(*) FROM story_status_changes")
        .fetch_one(target.reads())
        .await
        .unwrap();
    assert_eq!(history, 1 + 3 + 2);

    let new = super::test_support::new_story("After the restore", None);
    let added = target
        .insert_story(GUILD, team.id, &new, 3000)
        .await
        .unwrap();
    assert_eq!(
        added.story.number, 4,
        "numbering goes on after the imported stories"
    );
    assert_eq!(
        added.story.title,
        StoryTitle::parse("After the restore").unwrap().as_str()
    );
}

#[tokio::test]
async fn an_import_of_a_team_name_the_guild_already_has_is_refused_and_writes_nothing() {
    let (source, _a) = store().await;
    seed(&source).await;
    let mut document = source.export_guild(GUILD, None, 1000).await.unwrap();
    let (target, _b) = fresh().await;
    let existing = target.create_team(GUILD, "core", 0).await.unwrap().unwrap();
    let before = fingerprint(&target).await;
    let error = target
        .import_document(&document, RESTORED_AT)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("\"core\""), "{error:#}");
    assert_eq!(fingerprint(&target).await, before);
    assert_eq!(target.guild_restored_at(GUILD).await.unwrap(), None);

    // A second team in the same document that would be fine is not written either.
    document.teams[0].name = "Web".into();
    document.teams[0].is_default = false;
    document.teams[0].channels.clear();
    let mut clash = document.teams[0].clone();
    clash.name = "CORE".into();
    clash.stories.clear();
    clash.sprints.clear();
    clash.votes.clear();
    clash.poker_rounds.clear();
    clash.next_story_number = 1;
    document.teams.push(clash);
    assert!(target
        .import_document(&document, RESTORED_AT)
        .await
        .is_err());
    assert_eq!(fingerprint(&target).await, before);
    assert_eq!(target.team_by_name(GUILD, "Web").await.unwrap(), None);
    assert_eq!(
        target.team_by_name(GUILD, "core").await.unwrap(),
        Some(existing)
    );
}

#[tokio::test]
async fn a_malformed_document_is_refused_before_anything_is_written() {
    let (source, _a) = store().await;
    seed(&source).await;
    let document = source.export_guild(GUILD, None, 1000).await.unwrap();
    let text = serde_json::to_string(&document).unwrap();
    let (target, _b) = fresh().await;
    let before = fingerprint(&target).await;

    let bad_version = text.replacen("\"version\":1", "\"version\":99", 1);
    let error = validate::parse(&bad_version).unwrap_err();
    assert!(error.contains("version 99"), "{error}");
    let untitled = text.replacen("\"title\":\"Guest checkout\",", "", 1);
    let error = validate::parse(&untitled).unwrap_err();
    assert!(error.contains("missing field `title` at line 1"), "{error}");
    let not_ours = text.replacen("sprintmate-export", "something-else", 1);
    assert!(validate::parse(&not_ours).unwrap_err().contains("format"));

    let mut missing = document.clone();
    missing.teams[0].stories[0].blocked_by[0].story = 42;
    let error = validate::check(&missing).unwrap_err();
    assert!(error.contains("#42"), "{error}");
    assert!(target.import_document(&missing, RESTORED_AT).await.is_err());

    let mut too_long = document.clone();
    too_long.teams[0].stories[1].title = "x".repeat(201);
    assert!(target
        .import_document(&too_long, RESTORED_AT)
        .await
        .is_err());

    let mut circle = document.clone();
    let back = circle.teams[0].stories[0].blocked_by[0].clone();
    circle.teams[0].stories[1]
        .blocked_by
        .push(crate::backup::DependencyDoc { story: 1, ..back });
    let error = validate::check(&circle).unwrap_err();
    assert!(
        error.contains("#1 -> #2 -> #1") || error.contains("#2 -> #1 -> #2"),
        "{error}"
    );
    assert!(target.import_document(&circle, RESTORED_AT).await.is_err());

    let mut spelled = document.clone();
    spelled.teams[0].stories[1].status = "In Progress".into();
    let error = validate::check(&spelled).unwrap_err();
    assert!(error.contains("\"In Progress\""), "{error}");
    assert!(target.import_document(&spelled, RESTORED_AT).await.is_err());

    let mut two_sprints = document.clone();
    let sprint = two_sprints.teams[0].sprints[0].clone();
    two_sprints.teams[0].sprints.push(crate::backup::SprintDoc {
        number: 2,
        ..sprint
    });
    let error = validate::check(&two_sprints).unwrap_err();
    assert!(error.contains("one active sprint"), "{error}");

    let mut renumbered = document.clone();
    renumbered.teams[0].next_story_number = 2;
    let error = target
        .import_document(&renumbered, RESTORED_AT)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("next_story_number"), "{error}");
    assert_eq!(fingerprint(&target).await, before);
}

#[tokio::test]
async fn an_export_shows_only_the_guild_and_team_it_names() {
    let (store, _dir) = store().await;
    seed(&store).await;
    let other = store
        .ensure_default_team(GUILD + 1, "Other", 0)
        .await
        .unwrap();
    let mut new = super::test_support::new_story("Their secret", None);
    new.created_by = 99;
    store
        .insert_story(GUILD + 1, other.id, &new, 5)
        .await
        .unwrap();

    let theirs = store.export_guild(GUILD + 1, None, 0).await.unwrap();
    assert_eq!(theirs.teams.len(), 1);
    let text = serde_json::to_string(&theirs).unwrap();
    assert!(text.contains("Their secret"));
    for ours in [
        "Core",
        "Guest checkout",
        "Checkout in one tap",
        "Reviewed #2",
    ] {
        assert!(!text.contains(ours), "{ours} leaked: {text}");
    }
    let error = store.export_guild(GUILD + 2, None, 0).await.unwrap_err();
    assert!(error.to_string().contains(&format!("{}", GUILD + 2)));
    let error = store
        .export_guild(GUILD, Some("Nope"), 0)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("\"Nope\""), "{error}");
    let only = store.export_guild(GUILD, Some("core"), 0).await.unwrap();
    assert_eq!(only.teams.len(), 1);
    assert_eq!(only.teams[0].name, "Core");
}

#[tokio::test]
async fn every_optional_field_survives_an_import_and_a_second_export() {
    use crate::backup::{PokerVoteDoc, Snowflake};
    let (source, _a) = store().await;
    seed(&source).await;
    let mut document = source.export_guild(GUILD, None, 1000).await.unwrap();
    // Distinct values in every column the seed leaves empty, so two binds in the wrong order
    // cannot go unnoticed.
    let team = &mut document.teams[0];
    team.po_role_id = Some(Snowflake(901));
    team.stakeholder_channel_id = Some(Snowflake(902));
    let story = &mut team.stories[0];
    story.assignee_id = Some(Snowflake(903));
    story.source_url = Some("https://discord.com/channels/1/2/3".into());
    story.history[0].by = Snowflake(904);
    story.history[0].at = 9;
    story.history[0].note = Some("moved from the old tracker".into());
    let sprint = &mut team.sprints[0];
    sprint.status = "closed".into();
    (sprint.closed_by, sprint.closed_at) = (Some(Snowflake(905)), Some(4000));
    sprint.committed_points = Some(8);
    sprint.completed_points = Some(3);
    sprint.committed_stories = Some(2);
    sprint.completed_stories = Some(1);
    let vote = &mut team.votes[0];
    vote.status = "closed".into();
    (vote.closed_at, vote.closed_by) = (Some(4100), Some(Snowflake(906)));
    vote.card_channel_id = Some(Snowflake(907));
    vote.card_message_id = Some(Snowflake(908));
    (vote.results_posted, vote.applied_at) = (true, Some(4200));
    vote.ballots[0].marks[0].second = Some(2);
    let round = &mut team.poker_rounds[0];
    (round.status, round.round_number) = ("accepted".into(), 2);
    round.accepted_card = Some("5".into());
    (round.accepted_by, round.accepted_at) = (Some(Snowflake(909)), Some(4300));
    round.votes.push(PokerVoteDoc {
        round_number: 2,
        voter_id: Snowflake(910),
        card: None,
        voted_at: 4301,
    });
    let schedule = team.standup.schedule.as_mut().unwrap();
    schedule.paused_until = Some("2026-04-01".into());
    schedule.failing_reason = Some("Missing Send Messages".into());
    let day = &mut team.standup.days[0];
    (day.status, day.closed_at, day.remind_at) = ("closed".into(), Some(4400), None);
    (day.thread_requested, day.reminded, day.summary_stale) = (true, true, true);
    day.answers[0].post_pending = false;
    let update = &mut team.updates[0];
    (update.status, update.published_at) = ("published".into(), Some(4500));
    update.created_by = None;

    let (target, _b) = fresh().await;
    target
        .import_document(&document, RESTORED_AT)
        .await
        .unwrap();
    let again = target.export_guild(GUILD, None, 1000).await.unwrap();
    assert_eq!(again, document);
}
