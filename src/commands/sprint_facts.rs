//! What a sprint looks like at a moment, read from the store and measured with the domain's
//! rules: its stories, scope, progress, burndown and carry-over. Shared by `/sprint status`,
//! `/sprint close` and the stakeholder update.

use chrono::{DateTime, Utc};

use super::Services;
use crate::domain::sprint::{
    burndown, carried_over, progress, scope_at, Burndown, BurndownStory, Progress, ScopeAt,
    ScopeChange, SprintSpan, StatusChange,
};
use crate::domain::story::{Status, StoryNumber};
use crate::error::HandlerResult;
use crate::store::sprints::{Sprint, SprintFigures, SprintStoryHistory};
use crate::store::stories::Story;

/// A sprint measured at `now`.
#[derive(Debug, Clone)]
pub struct SprintFacts {
    pub sprint: Sprint,
    pub span: SprintSpan,
    /// Stories in the sprint now, in backlog order.
    pub stories: Vec<Story>,
    pub scope: ScopeAt,
    pub progress: Progress,
    pub burndown: Burndown,
    pub committed_stories: usize,
}

impl SprintFacts {
    pub async fn load(
        services: &Services,
        sprint: Sprint,
        now: DateTime<Utc>,
    ) -> HandlerResult<Self> {
        let histories = services.store.sprint_story_histories(&sprint).await?;
        let span = sprint.span();
        let burndown_stories: Vec<BurndownStory> =
            histories.iter().map(|h| burndown_story(h, &span)).collect();
        let committed_stories = histories
            .iter()
            .zip(&burndown_stories)
            .filter(|(_, b)| in_scope(b, span.starts_at()))
            .count();
        let scope = scope_at(&burndown_stories, now);
        Ok(Self {
            progress: progress(&span, scope, now, planning_ends_at(&sprint)),
            burndown: burndown(&span, &burndown_stories, now),
            stories: histories
                .into_iter()
                .filter(|h| h.in_sprint)
                .map(|h| h.story)
                .collect(),
            scope,
            span,
            sprint,
            committed_stories,
        })
    }

    /// Stories in the sprint now that are finished.
    pub fn completed_stories(&self) -> usize {
        self.stories
            .iter()
            .filter(|s| matches!(s.status, Status::Done | Status::Accepted))
            .count()
    }

    /// The unfinished stories, in the order they go back to the top of the backlog.
    pub fn carried_over(&self) -> Vec<Story> {
        let statuses: Vec<(StoryNumber, Status)> = self
            .stories
            .iter()
            .map(|s| (StoryNumber(s.number), s.status))
            .collect();
        carried_over(&statuses)
            .into_iter()
            .filter_map(|n| self.stories.iter().find(|s| s.number == n.0).cloned())
            .collect()
    }

    /// The figures stored when the sprint closes now.
    pub fn figures(&self) -> SprintFigures {
        SprintFigures {
            committed_points: i64::from(self.burndown.committed),
            completed_points: i64::from(self.scope.done),
            committed_stories: self.committed_stories as i64,
            completed_stories: self.completed_stories() as i64,
        }
    }
}

fn at(unix: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(unix, 0).unwrap_or_default()
}

fn in_scope(story: &BurndownStory, t: DateTime<Utc>) -> bool {
    story
        .scope_changes
        .iter()
        .take_while(|c| c.at <= t)
        .last()
        .is_some_and(|c| c.added)
}

/// The burndown's view of one story. Moves made on the planning day (the sprint's first local
/// day, when teams start the sprint and then pick its stories) shape the commitment, so they
/// count as made at the start; later ones are scope changes at their real time.
pub fn burndown_story(history: &SprintStoryHistory, span: &SprintSpan) -> BurndownStory {
    BurndownStory {
        points: history.story.points.map(|p| p.clamp(0, 100) as u8),
        in_at_start: false,
        status_changes: history
            .status_changes
            .iter()
            .map(|(to, t)| StatusChange {
                at: at(*t),
                to: *to,
            })
            .collect(),
        scope_changes: history
            .membership
            .iter()
            .map(|m| ScopeChange {
                at: if m.scope_change {
                    at(m.at)
                } else {
                    at(m.at).min(span.starts_at())
                },
                added: m.added,
            })
            .collect(),
    }
}

/// Whether a move into or out of the sprint at `now` is a scope change: after its planning day.
pub fn is_scope_change(sprint: &Sprint, now: DateTime<Utc>) -> bool {
    now >= planning_ends_at(sprint)
}

/// The end of the sprint's planning day: scope changes count, and its health is judged, after it.
pub fn planning_ends_at(sprint: &Sprint) -> DateTime<Utc> {
    sprint.span().planning_ends_at(at(sprint.started_at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rank::Rank;
    use crate::domain::story::StoryKind;
    use crate::store::sprints::MembershipChange;
    use chrono::{NaiveDate, TimeZone as _};

    fn span() -> SprintSpan {
        let zone = crate::domain::team::Timezone::parse("Europe/Berlin").unwrap();
        SprintSpan::new(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), 10, zone).unwrap()
    }

    /// A sprint over `span()`, its /sprint start run at `started_at`.
    fn sprint(started_at: DateTime<Utc>) -> Sprint {
        Sprint {
            id: 1,
            guild_id: 1,
            team_id: 1,
            number: 1,
            name: "Sprint 1".into(),
            goal: None,
            start_date: span().start(),
            days: 10,
            timezone: "Europe/Berlin".into(),
            active: true,
            started_at: started_at.timestamp(),
            closed_at: None,
            figures: None,
        }
    }

    fn history(membership: Vec<MembershipChange>) -> SprintStoryHistory {
        SprintStoryHistory {
            story: Story {
                id: 1,
                guild_id: 1,
                team_id: 1,
                number: 1,
                title: "Pay as guest".into(),
                details: String::new(),
                kind: StoryKind::default(),
                status: Status::New,
                points: Some(3),
                assignee_id: None,
                rank: Rank::first(),
                source_url: None,
                created_by: 1,
                created_at: 0,
                updated_at: 0,
            },
            in_sprint: true,
            membership,
            status_changes: vec![],
        }
    }

    #[test]
    fn moves_on_the_planning_day_form_the_commitment_and_later_ones_are_scope_changes() {
        let span = span();
        let noon = Utc.with_ymd_and_hms(2026, 3, 2, 11, 0, 0).unwrap();
        let sprint = sprint(noon - chrono::Duration::hours(2));
        assert!(!is_scope_change(&sprint, noon));
        let planned = burndown_story(
            &history(vec![MembershipChange {
                added: true,
                scope_change: false,
                at: noon.timestamp(),
            }]),
            &span,
        );
        assert_eq!(planned.scope_changes[0].at, span.starts_at());
        assert_eq!(scope_at(&[planned], span.starts_at()).total, 3);

        let next_day = Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap();
        assert!(is_scope_change(&sprint, next_day));
        let late = burndown_story(
            &history(vec![MembershipChange {
                added: true,
                scope_change: true,
                at: next_day.timestamp(),
            }]),
            &span,
        );
        let chart = burndown(&span, &[late], next_day);
        assert_eq!((chart.committed, chart.added_points), (0, 3));
    }

    #[test]
    fn a_sprint_started_late_with_a_past_start_is_planned_on_the_day_it_was_started() {
        let wednesday = Utc.with_ymd_and_hms(2026, 3, 4, 9, 0, 0).unwrap();
        let sprint = sprint(wednesday);
        assert!(!is_scope_change(
            &sprint,
            wednesday + chrono::Duration::hours(8)
        ));
        assert!(is_scope_change(
            &sprint,
            wednesday + chrono::Duration::days(1)
        ));
    }
}
