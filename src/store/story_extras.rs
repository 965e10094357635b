//! Everything a story card shows besides the story row, in one round trip: labels, acceptance
//! criteria, the stories it waits for, the latest rejection, and whether it is ranked above an
//! open story it depends on. The lists come back as JSON arrays built by SQLite, so a card costs
//! one query instead of five (each query is a hop to sqlx's database thread and back).

use sqlx::Row as _;

use super::dependencies::{Blocker, Rejection};
use super::stories::{Criterion, Story};
use super::{wire_id, Store};
use crate::domain::story::{Labels, Status};

/// What a card needs besides the story itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryExtras {
    pub labels: Labels,
    pub criteria: Vec<Criterion>,
    pub blockers: Vec<Blocker>,
    pub rejection: Option<Rejection>,
    pub ranked_above_blocker: bool,
}

const EXTRAS_SQL: &str = "SELECT
    (SELECT json_group_array(label) FROM
        (SELECT label FROM story_labels WHERE story_id = ?1 ORDER BY rowid)) AS labels,
    (SELECT json_group_array(json_array(position, text, checked)) FROM
        (SELECT position, text, checked FROM story_criteria WHERE story_id = ?1
         ORDER BY position)) AS criteria,
    (SELECT json_group_array(json_array(number, title, status)) FROM
        (SELECT b.number, b.title, b.status FROM story_dependencies d
         JOIN stories b ON b.id = d.blocked_by_id WHERE d.story_id = ?1 ORDER BY b.number))
        AS blockers,
    (SELECT json_array(note, changed_by, changed_at) FROM story_status_changes
     WHERE story_id = ?1 AND note IS NOT NULL AND to_status = 'in_progress'
     ORDER BY id DESC LIMIT 1) AS rejection,
    EXISTS (SELECT 1 FROM story_dependencies d JOIN stories s ON s.id = d.story_id
            JOIN stories b ON b.id = d.blocked_by_id
            WHERE d.story_id = ?1 AND b.status NOT IN ('done', 'accepted', 'archived')
              AND s.status NOT IN ('done', 'accepted', 'archived')
              AND b.rank > s.rank) AS misranked";

fn decode<T: serde::de::DeserializeOwned + Default>(json: Option<String>) -> T {
    json.and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default()
}

impl Store {
    pub async fn story_extras(&self, story: &Story) -> sqlx::Result<StoryExtras> {
        let row = sqlx::query(EXTRAS_SQL)
            .bind(story.id)
            .fetch_one(self.reads())
            .await?;
        let labels: Vec<String> = decode(row.get("labels"));
        let criteria: Vec<(i64, String, i64)> = decode(row.get("criteria"));
        let blockers: Vec<(i64, String, String)> = decode(row.get("blockers"));
        let rejection: Option<(String, i64, i64)> = decode(row.get("rejection"));
        Ok(StoryExtras {
            labels: Labels::from_stored(labels),
            criteria: criteria
                .into_iter()
                .map(|(position, text, checked)| Criterion {
                    position,
                    text,
                    checked: checked != 0,
                })
                .collect(),
            blockers: blockers
                .into_iter()
                .map(|(number, title, status)| Blocker {
                    number,
                    title,
                    status: Status::parse(&status).unwrap_or(Status::New),
                })
                .collect(),
            rejection: rejection.map(|(reason, by, at)| Rejection {
                reason,
                by: wire_id(by),
                at,
            }),
            ranked_above_blocker: row.get("misranked"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::{store, story, team, USER};

    #[tokio::test]
    async fn one_query_brings_labels_criteria_blockers_the_rejection_and_the_misrank_flag() {
        let (store, _dir) = store().await;
        let team = team(&store).await;
        let top = story(&store, &team, "Pay by card", None).await;
        let blocker = story(&store, &team, "Card vault", None).await;
        let empty = store.story_extras(&top).await.unwrap();
        assert_eq!(empty.labels, Labels::default());
        assert!(empty.criteria.is_empty() && empty.blockers.is_empty());
        assert!(empty.rejection.is_none() && !empty.ranked_above_blocker);

        store.add_criterion(&top, "Visa works", 10).await.unwrap();
        store
            .add_criterion(&top, "Refunds \"work\"", 10)
            .await
            .unwrap();
        assert!(store.add_dependency(&top, &blocker, USER, 1).await.unwrap());
        let started = store
            .change_status(&top, Status::InProgress, USER, None, 2)
            .await
            .unwrap()
            .unwrap();
        let review = store
            .change_status(&started, Status::Review, USER, None, 3)
            .await
            .unwrap()
            .unwrap();
        let rejected = store
            .change_status(&review, Status::InProgress, USER, Some("No receipts"), 4)
            .await
            .unwrap()
            .unwrap();

        let extras = store.story_extras(&top).await.unwrap();
        let texts: Vec<&str> = extras.criteria.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["Visa works", "Refunds \"work\""]);
        assert_eq!(
            extras.blockers,
            [Blocker {
                number: blocker.number,
                title: "Card vault".into(),
                status: Status::New
            }]
        );
        assert_eq!(
            extras.rejection,
            Some(Rejection {
                reason: "No receipts".into(),
                by: USER,
                at: 4
            })
        );
        assert!(extras.ranked_above_blocker);

        // Out of the backlog, a story has no rank to warn about.
        let archived = store
            .change_status(&rejected, Status::Archived, USER, None, 5)
            .await
            .unwrap()
            .unwrap();
        assert!(
            !store
                .story_extras(&archived)
                .await
                .unwrap()
                .ranked_above_blocker
        );
    }
}
