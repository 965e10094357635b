//! The team the export/import tests start from, written through the store's own writes, and
//! a fingerprint of the tables an import writes (to show a refusal changed nothing).

use chrono::NaiveDate;

use crate::domain::poker::Scale;
use crate::domain::schedule::AwayRange;
use crate::domain::sprint::SprintSpan;
use crate::domain::story::{Criteria, Labels, Points, Status, StoryNumber};
use crate::domain::team::Timezone;
use crate::domain::vote::Method;
use crate::store::sprints::NewSprint;
use crate::store::standup_days::{insert_open_day, AnswerText, NewDay};
use crate::store::standups::ScheduleSetup;
use crate::store::test_support::{new_story, team, workdays_schedule, GUILD, USER};
use crate::store::updates::UpdateSchedule;
use crate::store::votes::{replace_ballot, Mark, NewVote};
use crate::store::Store;

fn date(raw: &str) -> NaiveDate {
    raw.parse().unwrap()
}

/// A team with three stories (labels, criteria, a dependency, status changes, an archived
/// one), a member, a linked channel, a sprint with a move, a vote with a ballot, a poker round
/// with a vote, a stand-up schedule with a holiday, an absence and an answered day, an update
/// and its weekly schedule.
pub async fn seed(store: &Store) {
    let team = team(store).await;
    store.link_channel(GUILD, 500, team.id).await.unwrap();
    store.add_member(&team, 11, 5).await.unwrap();
    store
        .set_vision(&team, "Checkout in one tap")
        .await
        .unwrap();
    let mut new = new_story("Guest checkout", Some(3));
    new.labels = Labels::parse("checkout, ui").unwrap();
    new.criteria = Criteria::parse_lines("Pays without an account\nGets a receipt").unwrap();
    let checkout = store
        .insert_story(GUILD, team.id, &new, 10)
        .await
        .unwrap()
        .story;
    let mut new = new_story("Card payments", Some(5));
    new.points = Some(Points::parse(5).unwrap());
    let payments = store
        .insert_story(GUILD, team.id, &new, 11)
        .await
        .unwrap()
        .story;
    let old = new_story("Old idea", None);
    let old = store
        .insert_story(GUILD, team.id, &old, 12)
        .await
        .unwrap()
        .story;
    store
        .add_dependency(&checkout, &payments, USER, 20)
        .await
        .unwrap();
    store
        .set_criterion_checked(&checkout, 1, true)
        .await
        .unwrap();
    let moved = store
        .change_status(&payments, Status::InProgress, USER, None, 30)
        .await
        .unwrap()
        .unwrap();
    store
        .change_status(&moved, Status::Review, 8, Some("ready for review"), 31)
        .await
        .unwrap();
    store
        .change_status(&old, Status::Archived, USER, None, 32)
        .await
        .unwrap();

    let span = SprintSpan::new(date("2026-03-02"), 14, Timezone::parse("UTC").unwrap()).unwrap();
    let new_sprint = NewSprint {
        name: None,
        goal: Some("Guest checkout".into()),
        span,
    };
    let sprint = store
        .start_sprint(GUILD, team.id, &new_sprint, USER, 40)
        .await
        .unwrap()
        .unwrap();
    store
        .change_sprint_membership(&sprint, &checkout, true, false, USER, 41)
        .await
        .unwrap();

    let vote = store
        .insert_vote(&NewVote {
            guild_id: GUILD,
            team_id: team.id,
            method: Method::Score,
            dots_per_voter: 0,
            opened_by: USER,
            opened_at: 50,
            closes_at: 5000,
            channel_id: 600,
            candidates: vec![StoryNumber(2), StoryNumber(1)],
        })
        .await
        .unwrap()
        .unwrap();
    let mark = |n, score| Mark {
        story: StoryNumber(n),
        first: Some(score),
        second: None,
    };
    store
        .save_draft(vote.id, 11, &[mark(2, 4), mark(1, 5)], 51)
        .await
        .unwrap();
    let mut tx = store.begin_write().await.unwrap();
    replace_ballot(&mut tx, vote.id, 12, &[mark(2, 1), mark(1, 3)], 52)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let round = store
        .start_poker_round(&checkout, Scale::Fibonacci, USER, 60)
        .await
        .unwrap();
    store
        .cast_poker_vote(&round, 11, Some("5"), 61)
        .await
        .unwrap();

    let setup = ScheduleSetup {
        channel_id: 700,
        schedule: workdays_schedule(),
        handled_through: date("2026-03-01"),
    };
    store.save_schedule(&team, &setup, USER, 70).await.unwrap();
    store.add_skip(&team, date("2026-12-25")).await.unwrap();
    let away = AwayRange::new(date("2026-03-09"), date("2026-03-13")).unwrap();
    store.add_away(&team, 11, away, USER, 71).await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let day = NewDay {
        team_id: team.id,
        guild_id: GUILD,
        date: date("2026-03-02"),
        channel_id: 700,
        opened_at: 100,
        remind_at: Some(200),
        close_at: 300,
    };
    insert_open_day(&mut conn, &day).await.unwrap().unwrap();
    drop(conn);
    let day = store
        .standup_day(&team, date("2026-03-02"))
        .await
        .unwrap()
        .unwrap();
    let answer = AnswerText {
        yesterday: "Reviewed #2".into(),
        today: "Building #1".into(),
        blockers: "Waiting on #2".into(),
    };
    store.save_answer(&day, 11, &answer, 150).await.unwrap();

    let content = serde_json::json!({"content": "Shipped: guest checkout"});
    store
        .insert_update_draft(&team, 800, &content, USER, 90)
        .await
        .unwrap();
    let weekly = UpdateSchedule {
        team_id: team.id,
        guild_id: GUILD,
        channel_id: 800,
        weekday: 4,
        local_time: "16:00".into(),
        timezone: "Europe/Berlin".into(),
        last_published_date: date("2026-02-27"),
    };
    store.set_update_schedule(&weekly, USER, 91).await.unwrap();
}

/// Row counts of every table the import writes or triggers keep, for "nothing changed".
pub async fn fingerprint(store: &Store) -> Vec<(String, i64)> {
    let mut counts = Vec::new();
    for table in [
        "teams",
        "team_channels",
        "team_members",
        "stories",
        "story_labels",
        "story_criteria",
        "story_status_changes",
        "story_dependencies",
        "backlog_totals",
        "sprints",
        "sprint_story_changes",
        "votes",
        "vote_candidates",
        "vote_drafts",
        "vote_ballots",
        "vote_ballot_marks",
        "poker_rounds",
        "poker_votes",
        "standup_schedules",
        "standup_days",
        "standup_answers",
        "stakeholder_updates",
        "update_schedules",
    ] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(store.reads())
            .await
            .unwrap();
        counts.push((table.to_string(), n));
    }
    counts
}
