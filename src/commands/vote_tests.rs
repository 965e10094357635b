//! Handler-level tests of priority votes against a real SQLite file: starting, ballots,
//! replacing, closing once (by hand and by the clock), secrecy of the card, applying results.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::options::{Invocation, OptionValue};
use super::vote_custom_id::BallotStep;
use super::{vote, vote_ballot, vote_results, Caller, Clock, Services};
use crate::domain::story::{Criteria, Labels, StoryDetails, StoryKind, StoryTitle};
use crate::error::AppError;
use crate::render::Response;
use crate::store::outbox::OutboxItem;
use crate::store::stories::NewStory;
use crate::store::votes::VoteStatus;
use crate::store::Store;

const GUILD: u64 = 900;
const PO: u64 = 1;
const ADMINISTRATOR: u64 = 1 << 3;
const START: i64 = 1_700_000_000;

#[derive(Debug)]
struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.0.load(Ordering::SeqCst), 0).unwrap()
    }
}

struct Fixture {
    services: Services,
    clock: Arc<TestClock>,
    _dir: tempfile::TempDir,
}

impl Fixture {
    async fn with_stories(count: usize) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let clock = Arc::new(TestClock(AtomicI64::new(START)));
        let services = Services::new(store, clock.clone(), None);
        let team = services
            .store
            .ensure_default_team(GUILD, "Core", START)
            .await
            .unwrap();
        for i in 1..=count {
            let new = NewStory {
                title: StoryTitle::parse(&format!("Story {i}")).unwrap(),
                details: StoryDetails::default(),
                kind: StoryKind::default(),
                points: None,
                labels: Labels::default(),
                criteria: Criteria::default(),
                assignee_id: None,
                source_url: None,
                created_by: PO,
            };
            services
                .store
                .insert_story(GUILD, team.id, &new, START)
                .await
                .unwrap();
        }
        Self {
            services,
            clock,
            _dir: dir,
        }
    }

    fn advance(&self, seconds: i64) {
        self.clock.0.fetch_add(seconds, Ordering::SeqCst);
    }

    async fn run(
        &self,
        who: &Caller,
        path: &str,
        options: Vec<(&str, OptionValue)>,
    ) -> Result<Response, AppError> {
        let inv = Invocation {
            path: path.to_string(),
            options: options
                .into_iter()
                .map(|(n, v)| (n.to_string(), v))
                .collect(),
        };
        vote::run(&self.services, who, &inv).await
    }

    async fn start(&self, method: &str, stories: &str) -> i64 {
        self.run(
            &po(),
            "vote start",
            vec![
                ("method", OptionValue::Text(method.into())),
                ("stories", OptionValue::Text(stories.into())),
            ],
        )
        .await
        .unwrap();
        let team = self
            .services
            .store
            .default_team(GUILD)
            .await
            .unwrap()
            .unwrap();
        self.services
            .store
            .open_vote(GUILD, team.id)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    async fn press(
        &self,
        who: &Caller,
        vote_id: i64,
        at: usize,
        step: BallotStep,
    ) -> Result<Response, AppError> {
        vote_ballot::step(&self.services, who, vote_id, at, step).await
    }

    async fn outbox(&self) -> Vec<OutboxItem> {
        self.services
            .store
            .due_outbox(i64::MAX, 1000)
            .await
            .unwrap()
    }

    /// The body of the results post the vote's closing queued.
    async fn results_post(&self, vote_id: i64) -> String {
        self.outbox()
            .await
            .into_iter()
            .find(|i| i.purpose == format!("vote-results:{vote_id}"))
            .expect("the results post is queued")
            .body
            .to_string()
    }
}

fn member(user_id: u64) -> Caller {
    Caller {
        guild_id: GUILD,
        channel_id: 50,
        thread_parent_id: None,
        user_id,
        permissions: 0,
        role_ids: vec![],
    }
}

fn po() -> Caller {
    Caller {
        permissions: ADMINISTRATOR,
        ..member(PO)
    }
}

fn text_of(response: &Response) -> String {
    serde_json::to_string(&response.to_json()).unwrap()
}

fn refused(result: Result<Response, AppError>) -> String {
    match result {
        Err(AppError::User(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn twenty_ballots_submitted_concurrently_are_each_counted_once() {
    let fx = Arc::new(Fixture::with_stories(3).await);
    let vote_id = fx.start("score", "#1 #2 #3").await;
    let mut tasks = Vec::new();
    for voter in 100..120u64 {
        let fx = fx.clone();
        tasks.push(tokio::spawn(async move {
            let who = member(voter);
            fx.press(&who, vote_id, 0, BallotStep::Score(4))
                .await
                .unwrap();
            fx.press(&who, vote_id, 1, BallotStep::Submit)
                .await
                .unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let voters = fx.services.store.vote_voters(vote_id).await.unwrap();
    assert_eq!(voters.len(), 20);
    let vote = fx
        .services
        .store
        .vote(GUILD, vote_id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        vote_results::close(&fx.services, &vote, Some(PO), START + 10)
            .await
            .unwrap()
    );
    let body = fx.results_post(vote_id).await;
    assert!(body.contains("4×20"), "{body}");
}

#[tokio::test]
async fn a_second_ballot_replaces_the_first_and_the_card_never_shows_values() {
    let fx = Fixture::with_stories(3).await;
    let vote_id = fx.start("moscow", "#1 #2 #3").await;
    fx.services
        .store
        .record_vote_card(GUILD, vote_id, 50, 777)
        .await
        .unwrap();
    let voter = member(7);
    fx.press(&voter, vote_id, 0, BallotStep::Moscow(0))
        .await
        .unwrap();
    fx.press(&voter, vote_id, 1, BallotStep::Submit)
        .await
        .unwrap();
    fx.press(&voter, vote_id, 0, BallotStep::Moscow(3))
        .await
        .unwrap();
    let receipt = fx
        .press(&voter, vote_id, 1, BallotStep::Submit)
        .await
        .unwrap();
    assert!(receipt.is_ephemeral());
    assert!(text_of(&receipt).contains("replaces your earlier one"));
    let edits: Vec<OutboxItem> = fx
        .outbox()
        .await
        .into_iter()
        .filter(|i| i.purpose == format!("vote-card:{vote_id}"))
        .collect();
    assert_eq!(edits.len(), 2);
    // Different ballots (Must, then Won't) give the very same card: values cannot leak.
    assert_eq!(edits[0].body, edits[1].body);
    let body = edits[0].body.to_string();
    assert!(body.contains("<@7>") && body.contains("Voted: 1"), "{body}");
    let vote = fx
        .services
        .store
        .vote(GUILD, vote_id)
        .await
        .unwrap()
        .unwrap();
    vote_results::close(&fx.services, &vote, Some(PO), START + 5)
        .await
        .unwrap();
    let body = fx.results_post(vote_id).await;
    assert!(body.contains("M 0 · S 0 · C 0 · W 1"), "{body}");
}

#[tokio::test]
async fn ballots_after_close_are_refused_and_members_cannot_close_or_apply() {
    let fx = Fixture::with_stories(3).await;
    let vote_id = fx.start("dots", "3,1,2").await;
    let voter = member(8);
    assert!(refused(fx.run(&voter, "vote close", vec![]).await).contains("Only the Product Owner"));
    fx.press(&voter, vote_id, 2, BallotStep::AddDot)
        .await
        .unwrap();
    fx.press(&voter, vote_id, 2, BallotStep::Submit)
        .await
        .unwrap();
    let closed = fx.run(&po(), "vote close", vec![]).await.unwrap();
    assert!(!closed.is_ephemeral());
    let message = refused(fx.press(&voter, vote_id, 0, BallotStep::AddDot).await);
    assert!(message.contains("takes no more ballots"), "{message}");
    let message = refused(vote_results::apply(&fx.services, &voter, vote_id).await);
    assert!(message.contains("Only the Product Owner"), "{message}");
}

#[tokio::test]
async fn applying_results_reorders_the_voted_stories_and_twice_changes_nothing() {
    let fx = Fixture::with_stories(4).await;
    let vote_id = fx.start("value_effort", "#1 #3").await;
    let voter = member(9);
    // #3: value 5, effort 1; #1: value 1, effort 5. #3 should rise above #1.
    fx.press(&voter, vote_id, 0, BallotStep::Value(1))
        .await
        .unwrap();
    fx.press(&voter, vote_id, 0, BallotStep::Effort(5))
        .await
        .unwrap();
    fx.press(&voter, vote_id, 1, BallotStep::Value(5))
        .await
        .unwrap();
    fx.press(&voter, vote_id, 1, BallotStep::Effort(1))
        .await
        .unwrap();
    fx.press(&voter, vote_id, 1, BallotStep::Submit)
        .await
        .unwrap();
    fx.run(&po(), "vote close", vec![]).await.unwrap();
    let applied = vote_results::apply(&fx.services, &po(), vote_id)
        .await
        .unwrap();
    assert!(
        text_of(&applied).contains("#3, #1"),
        "{}",
        text_of(&applied)
    );
    let team = fx
        .services
        .store
        .default_team(GUILD)
        .await
        .unwrap()
        .unwrap();
    let order = fx
        .services
        .store
        .top_open_stories(GUILD, team.id, 10)
        .await
        .unwrap();
    let order: Vec<i64> = order.into_iter().map(|s| s.0).collect();
    assert_eq!(order, [3, 2, 1, 4]);
    let again = vote_results::apply(&fx.services, &po(), vote_id)
        .await
        .unwrap();
    assert!(again.is_ephemeral());
    assert!(text_of(&again).contains("nothing changed"));
}

#[tokio::test]
async fn a_vote_closes_itself_once_when_its_hours_run_out() {
    let fx = Fixture::with_stories(3).await;
    let vote_id = fx.start("score", "").await;
    assert_eq!(
        vote_results::close_overdue(&fx.services, START + 3600)
            .await
            .unwrap(),
        0
    );
    fx.advance(24 * 3600 + 60);
    let now = START + 24 * 3600 + 60;
    let (first, second) = tokio::join!(
        vote_results::close_overdue(&fx.services, now),
        vote_results::close_overdue(&fx.services, now)
    );
    assert_eq!(first.unwrap() + second.unwrap(), 1);
    let vote = fx
        .services
        .store
        .vote(GUILD, vote_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(vote.status, VoteStatus::Closed);
    assert_eq!(vote.closed_at, Some(START + 24 * 3600));
    let posts = fx
        .outbox()
        .await
        .into_iter()
        .filter(|i| i.purpose.starts_with("vote-results:"))
        .count();
    assert_eq!(posts, 1);
    assert!(
        refused(fx.press(&member(3), vote_id, 0, BallotStep::Score(2)).await).contains("closed")
    );
}

#[tokio::test]
async fn bad_start_options_are_refused_and_change_nothing() {
    let fx = Fixture::with_stories(3).await;
    let text = |s: &str| OptionValue::Text(s.to_string());
    let cases = vec![
        (
            vec![("method", text("score")), ("dots", OptionValue::Integer(2))],
            "only for dots votes",
        ),
        (
            vec![
                ("method", text("score")),
                ("hours", OptionValue::Integer(169)),
            ],
            "1 to 168 hours",
        ),
        (
            vec![("method", text("score")), ("stories", text("#1 #99"))],
            "#99 does not exist",
        ),
        (
            vec![("method", text("score")), ("stories", text("#2"))],
            "at least two",
        ),
        (
            vec![("method", text("score")), ("stories", text("#2 #2"))],
            "listed twice",
        ),
    ];
    for (options, expected) in cases {
        let message = refused(fx.run(&po(), "vote start", options).await);
        assert!(message.contains(expected), "{message}");
    }
    let team = fx
        .services
        .store
        .default_team(GUILD)
        .await
        .unwrap()
        .unwrap();
    let store = &fx.services.store;
    assert!(store.latest_vote(GUILD, team.id).await.unwrap().is_none());
    // A member may start one (only closing and applying are the PO's); a second is refused.
    let started = fx
        .run(&member(5), "vote start", vec![("method", text("dots"))])
        .await
        .unwrap();
    assert!(!started.is_ephemeral(), "the ballot card is for the team");
    assert!(store.latest_vote(GUILD, team.id).await.unwrap().is_some());
    let message = refused(
        fx.run(&po(), "vote start", vec![("method", text("score"))])
            .await,
    );
    assert!(
        message.contains("already has an open dot vote"),
        "{message}"
    );
}

#[tokio::test]
async fn ties_follow_the_backlog_order_at_close_and_apply_not_the_order_at_start() {
    let fx = Fixture::with_stories(3).await;
    let vote_id = fx.start("score", "#1 #2").await;
    let voter = member(9);
    for at in [0, 1] {
        fx.press(&voter, vote_id, at, BallotStep::Score(3))
            .await
            .unwrap();
    }
    fx.press(&voter, vote_id, 1, BallotStep::Submit)
        .await
        .unwrap();
    // During the vote the PO moves #2 above #1; the tie must not undo that.
    let store = &fx.services.store;
    let team = store.default_team(GUILD).await.unwrap().unwrap();
    let second = store.story(GUILD, team.id, 2).await.unwrap().unwrap();
    store.move_to_position(&second, 1).await.unwrap();
    fx.run(&po(), "vote close", vec![]).await.unwrap();
    let body = fx.results_post(vote_id).await;
    let (two, one) = (body.find("**#2**").unwrap(), body.find("**#1**").unwrap());
    assert!(two < one, "the results list #2 first: {body}");
    let applied = vote_results::apply(&fx.services, &po(), vote_id)
        .await
        .unwrap();
    assert!(
        text_of(&applied).contains("nothing changed"),
        "{}",
        text_of(&applied)
    );
    let order = store.top_open_stories(GUILD, team.id, 10).await.unwrap();
    let order: Vec<i64> = order.into_iter().map(|s| s.0).collect();
    assert_eq!(order, [2, 1, 3]);
}
