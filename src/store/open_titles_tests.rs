//! Tests of the remembered backlog tops: matching as every title search folds, and when a list is kept,
//! turned away or forgotten.

use super::*;
use crate::domain::story::Status;

fn stories(titles: &[&str]) -> Vec<StoryMatch> {
    titles
        .iter()
        .enumerate()
        .map(|(i, title)| StoryMatch {
            id: i as i64 + 1,
            number: i as i64 + 1,
            title: (*title).to_string(),
            status: Status::New,
        })
        .collect()
}

fn top(titles: &[&str]) -> Arc<TeamTitles> {
    Arc::new(TeamTitles::from_top(stories(titles)))
}

fn titles(found: Vec<StoryMatch>) -> Vec<String> {
    found.into_iter().map(|m| m.title).collect()
}

#[test]
fn matching_folds_the_case_of_every_letter_needs_every_word_and_keeps_backlog_order() {
    let list = TeamTitles::from_top(stories(&[
        "Export INVOICES as CSV",
        "Éclair recipes",
        "Import invoices",
        "Invoices for guests",
    ]));
    assert_eq!(
        titles(list.matching(&["invoices"], 25)),
        [
            "Export INVOICES as CSV",
            "Import invoices",
            "Invoices for guests"
        ]
    );
    assert_eq!(titles(list.matching(&["invoices"], 2)).len(), 2);
    assert_eq!(
        titles(list.matching(&["INVO", "gue"], 25)),
        ["Invoices for guests"]
    );
    // The case of letters beyond ASCII folds too, as in a big team's titles; accents count.
    assert_eq!(titles(list.matching(&["éclair"], 25)), ["Éclair recipes"]);
    assert_eq!(titles(list.matching(&["ÉCLAIR"], 25)), ["Éclair recipes"]);
    assert!(list.matching(&["eclair"], 25).is_empty());
    // No words: the top of the backlog.
    assert_eq!(list.matching(&[], 3).len(), 3);
}

#[test]
fn a_list_tells_whether_it_holds_every_open_story() {
    let few = TeamTitles::from_top(stories(&["A"; OpenTitles::TOP]));
    assert!(few.complete);
    assert_eq!(few.len(), OpenTitles::TOP);
    let more = TeamTitles::from_top(stories(&["A"; OpenTitles::TOP + 1]));
    assert!(!more.complete);
    assert_eq!(more.len(), OpenTitles::TOP, "one more than kept is read");
}

#[test]
fn a_list_read_before_a_change_to_its_team_is_not_remembered() {
    let cache = OpenTitles::default();
    let before = cache.generation(7);
    cache.forget_team(1, 7);
    cache.put(1, 7, top(&["Old"]), before);
    assert!(cache.get(1, 7).is_none());

    // A change to a team in another slot does not turn the list away.
    let before = cache.generation(7);
    cache.forget_team(1, 8);
    cache.put(1, 7, top(&["New"]), before);
    assert_eq!(cache.get(1, 7).unwrap().stories[0].story.title, "New");
    assert!(cache.get(2, 7).is_none(), "another guild's key");

    let before = cache.generation(9);
    cache.forget_all();
    cache.put(1, 9, top(&["Old"]), before);
    assert!(cache.get(1, 9).is_none());
    assert!(cache.get(1, 7).is_none(), "forget_all forgets every team");
}

#[test]
fn forgetting_a_team_keeps_the_others() {
    let cache = OpenTitles::default();
    cache.put(1, 7, top(&["A", "B"]), cache.generation(7));
    cache.put(1, 8, top(&["C"]), cache.generation(8));
    cache.forget_team(1, 7);
    assert!(cache.get(1, 7).is_none());
    assert!(cache.get(1, 8).is_some());
    assert_eq!(cache.lock().stories_held, 1);
}

#[test]
fn an_entry_older_than_the_ttl_is_read_again() {
    let cache = OpenTitles::default();
    cache.put(1, 7, top(&["A"]), cache.generation(7));
    assert!(cache.get(1, 7).is_some());
    let long_ago = Instant::now() - OpenTitles::TTL - Duration::from_millis(1);
    let mut old = TeamTitles::from_top(stories(&["A"]));
    old.stored_at = long_ago;
    cache.put(1, 7, Arc::new(old), cache.generation(7));
    assert!(cache.get(1, 7).is_none());
}

#[test]
fn a_full_cache_starts_over_and_stays_within_its_capacity() {
    let cache = OpenTitles::default();
    let per_team = OpenTitles::TOP;
    let teams = OpenTitles::CAPACITY_STORIES / per_team;
    let big: Vec<&str> = vec!["Story"; per_team];
    for team in 0..=teams as i64 {
        cache.put(1, team, top(&big), cache.generation(team));
        assert!(cache.lock().stories_held <= OpenTitles::CAPACITY_STORIES);
    }
    assert!(cache.get(1, teams as i64).is_some(), "the newest is kept");
    assert!(cache.get(1, 0).is_none(), "the cache started over");

    // Many small teams are bounded by their count.
    let cache = OpenTitles::default();
    for team in 0..=OpenTitles::CAPACITY_TEAMS as i64 {
        cache.put(1, team, top(&[]), cache.generation(team));
    }
    assert_eq!(cache.lock().teams.len(), 1);
}

#[test]
fn an_added_story_forgets_only_a_list_of_every_open_story() {
    let cache = OpenTitles::default();
    let long: Vec<&str> = vec!["Story"; OpenTitles::TOP + 1];
    cache.put(1, 7, top(&long), cache.generation(7));
    cache.put(1, 8, top(&["Small"]), cache.generation(8));
    cache.stories_added(1, 7);
    cache.stories_added(1, 8);
    assert!(cache.get(1, 7).is_some(), "a new story is below the top");
    assert!(cache.get(1, 8).is_none(), "a new story joins a short list");

    // A list read while a story was added: only the top of a long backlog is still right.
    let before = cache.generation(9);
    cache.stories_added(1, 9);
    cache.put(1, 9, top(&["Small"]), before);
    assert!(cache.get(1, 9).is_none());
    cache.put(1, 9, top(&long), before);
    assert!(cache.get(1, 9).is_some());
}
