//! Fixtures for the store's unit tests: a migrated database in a temporary directory, a team,
//! stories with points, and a stand-up schedule.

use super::stories::{NewStory, Story};
use super::teams::Team;
use super::Store;
use crate::domain::schedule::{LocalTime, Schedule, Weekdays};
use crate::domain::story::{Criteria, Labels, Points, StoryDetails, StoryKind, StoryTitle};
use crate::domain::team::Timezone;

pub const GUILD: u64 = 42;
pub const USER: u64 = 7;

/// A migrated store; keep the directory alive as long as the store.
pub async fn store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = Store::connect(&url).await.expect("the database opens");
    store.migrate().await.expect("migrations run");
    (store, dir)
}

pub async fn team(store: &Store) -> Team {
    store.ensure_default_team(GUILD, "Core", 0).await.unwrap()
}

pub async fn story(store: &Store, team: &Team, title: &str, points: Option<i64>) -> Story {
    let new = new_story(title, points);
    store
        .insert_story(GUILD, team.id, &new, 0)
        .await
        .unwrap()
        .story
}

/// What `/story add` would pass for a story with only a title and maybe points.
pub fn new_story(title: &str, points: Option<i64>) -> NewStory {
    NewStory {
        title: StoryTitle::parse(title).unwrap(),
        details: StoryDetails::default(),
        kind: StoryKind::default(),
        points: points.map(|p| Points::parse(p).unwrap()),
        labels: Labels::default(),
        criteria: Criteria::default(),
        assignee_id: None,
        source_url: None,
        created_by: USER,
    }
}

/// The ids of what a search of `text` in the team finds, in order (at most 25).
pub async fn found_ids(store: &Store, team_id: i64, text: &str) -> Vec<i64> {
    let found = store
        .search_stories(GUILD, team_id, text, 25)
        .await
        .unwrap();
    found.iter().map(|s| s.id).collect()
}

/// Stand-ups at 09:30 Berlin time on workdays, open 240 minutes, a reminder after 60.
pub fn workdays_schedule() -> Schedule {
    Schedule::new(
        LocalTime::parse("09:30").unwrap(),
        Timezone::parse("Europe/Berlin").unwrap(),
        Weekdays::WORKDAYS,
        240,
        60,
    )
    .unwrap()
}
