//! `/sprint plan`: which top-ranked stories fit the team's capacity.

use crate::domain::story::{Status, StoryNumber};

/// A backlog story as the planner sees it; candidates come in backlog order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanCandidate {
    pub number: StoryNumber,
    pub status: Status,
    pub points: Option<u8>,
    /// Depends on a story that is not finished yet.
    pub blocked: bool,
}

/// A suggestion the PO reviews before adding it to the sprint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SprintPlan {
    pub capacity: u32,
    /// The stories to add, in backlog order.
    pub picked: Vec<StoryNumber>,
    pub picked_points: u32,
    /// Eligible stories passed over because they did not fit what was left.
    pub too_big: Vec<StoryNumber>,
    /// Eligible stories without points: they need an estimate before they can be planned.
    pub unestimated: Vec<StoryNumber>,
}

/// Walks the backlog from the top and takes each `new`/`ready`, unblocked, estimated story that
/// still fits. A story too big for what is left is skipped (and listed) and the walk goes on,
/// so a large story does not leave the rest of the capacity unused; the PO sees what was
/// passed over and can swap it in by hand.
pub fn suggest_plan(backlog: &[PlanCandidate], capacity: u32) -> SprintPlan {
    let mut plan = SprintPlan {
        capacity,
        ..SprintPlan::default()
    };
    let eligible = backlog
        .iter()
        .filter(|c| matches!(c.status, Status::New | Status::Ready) && !c.blocked);
    for candidate in eligible {
        match candidate.points.map(u32::from) {
            None => plan.unestimated.push(candidate.number),
            Some(points) if plan.picked_points + points <= capacity => {
                plan.picked.push(candidate.number);
                plan.picked_points += points;
            }
            Some(_) => plan.too_big.push(candidate.number),
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn story(number: i64, status: Status, points: Option<u8>) -> PlanCandidate {
        PlanCandidate {
            number: StoryNumber(number),
            status,
            points,
            blocked: false,
        }
    }

    fn numbers(list: &[StoryNumber]) -> Vec<i64> {
        list.iter().map(|n| n.0).collect()
    }

    #[test]
    fn the_plan_takes_top_ranked_stories_while_they_fit() {
        let backlog = [
            story(1, Status::Ready, Some(5)),
            story(2, Status::New, Some(3)),
            story(3, Status::Ready, Some(2)),
            story(4, Status::Ready, Some(1)),
        ];
        let plan = suggest_plan(&backlog, 10);
        assert_eq!(numbers(&plan.picked), [1, 2, 3]);
        assert_eq!(plan.picked_points, 10);
        assert_eq!(numbers(&plan.too_big), [4]);
    }

    #[test]
    fn a_story_too_big_for_what_is_left_is_skipped_and_the_walk_goes_on() {
        let backlog = [
            story(1, Status::Ready, Some(5)),
            story(2, Status::Ready, Some(8)),
            story(3, Status::Ready, Some(3)),
        ];
        let plan = suggest_plan(&backlog, 9);
        assert_eq!(numbers(&plan.picked), [1, 3]);
        assert_eq!(numbers(&plan.too_big), [2]);
        assert_eq!(plan.picked_points, 8);
    }

    #[test]
    fn started_finished_and_blocked_stories_are_never_suggested() {
        let mut blocked = story(5, Status::Ready, Some(1));
        blocked.blocked = true;
        let backlog = [
            story(1, Status::InProgress, Some(1)),
            story(2, Status::Review, Some(1)),
            story(3, Status::Done, Some(1)),
            story(4, Status::Archived, Some(1)),
            blocked,
            story(6, Status::New, Some(1)),
        ];
        let plan = suggest_plan(&backlog, 100);
        assert_eq!(numbers(&plan.picked), [6]);
        assert!(plan.too_big.is_empty() && plan.unestimated.is_empty());
    }

    #[test]
    fn unestimated_stories_are_listed_separately_and_zero_point_stories_fit() {
        let backlog = [
            story(1, Status::Ready, None),
            story(2, Status::Ready, Some(0)),
            story(3, Status::New, None),
        ];
        let plan = suggest_plan(&backlog, 0);
        assert_eq!(numbers(&plan.picked), [2]);
        assert_eq!(numbers(&plan.unestimated), [1, 3]);
    }

    #[test]
    fn an_empty_backlog_gives_an_empty_plan() {
        assert_eq!(
            suggest_plan(&[], 20),
            SprintPlan {
                capacity: 20,
                ..SprintPlan::default()
            }
        );
    }

    proptest! {
        /// The plan never exceeds capacity, keeps backlog order, and lists each eligible story
        /// exactly once (picked, too big or unestimated).
        #[test]
        fn a_plan_fits_its_capacity_and_accounts_for_every_eligible_story(
            stories in proptest::collection::vec((0usize..7, proptest::option::of(0u8..=21), any::<bool>()), 0..40),
            capacity in 0u32..80,
        ) {
            let backlog: Vec<_> = stories.iter().enumerate().map(|(i, (s, p, b))| PlanCandidate {
                number: StoryNumber(i as i64 + 1), status: Status::ALL[*s], points: *p, blocked: *b,
            }).collect();
            let plan = suggest_plan(&backlog, capacity);
            prop_assert!(plan.picked_points <= capacity);
            let points: u32 = plan.picked.iter().map(|n| u32::from(backlog[n.0 as usize - 1].points.unwrap())).sum();
            prop_assert_eq!(points, plan.picked_points);
            prop_assert!(plan.picked.windows(2).all(|w| w[0].0 < w[1].0));
            let eligible = backlog.iter().filter(|c| matches!(c.status, Status::New | Status::Ready) && !c.blocked).count();
            prop_assert_eq!(plan.picked.len() + plan.too_big.len() + plan.unestimated.len(), eligible);
        }
    }
}
