//! Custom ids of buttons and modals. They carry only what a press needs to find its data
//! again (team id, story number, page), so a card posted last week works after any number of
//! restarts. Every id fits Discord's 100-character limit by construction (see the tests).

use crate::domain::story::{Status, StoryKind};
use crate::store::backlog::BacklogFilter;

/// What a button press or modal submission asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Show a page (0-based) of a team's backlog with the given filter.
    BacklogPage {
        team_id: i64,
        page: i64,
        filter: BacklogFilter,
    },
    /// A story card button: move the story to a status.
    StoryMove {
        team_id: i64,
        number: i64,
        to: Status,
    },
    /// A story card button: accept the story (PO).
    StoryAccept { team_id: i64, number: i64 },
    /// The new-story modal; `source` is the message it was opened from, if any, and `preset`
    /// the options `/story add` was given besides the form's fields.
    NewStoryForm {
        source: Option<(u64, u64)>,
        preset: StoryPreset,
    },
    /// The edit modal of a story; `version` is what its fields were filled with
    /// (`store::stories::FormVersion`), so a stale submit is refused.
    EditStoryForm {
        team_id: i64,
        number: i64,
        version: u64,
    },
    /// `/sprint plan`'s **Add these**: add the plan for `capacity` to the sprint (PO). The plan
    /// is recomputed against the sprint as it was at `members_at` (its membership version) and
    /// must still hash to `plan_hash`, so a press adds exactly the stories the plan showed.
    SprintPlanAdd {
        team_id: i64,
        sprint_id: i64,
        capacity: u32,
        members_at: i64,
        plan_hash: u64,
    },
    /// A stakeholder update preview's **Publish** (PO).
    UpdatePublish { team_id: i64, update_id: i64 },
    /// A stakeholder update preview's **Cancel** (PO).
    UpdateCancel { team_id: i64, update_id: i64 },
    /// The **Answer** button of a stand-up prompt: opens the answer form for that day.
    StandupAnswerForm { team_id: i64, day_id: i64 },
    /// The submitted stand-up answer form of a day.
    StandupAnswer { team_id: i64, day_id: i64 },
}

/// `/story add`'s options that the new-story form has no box for, applied on submit (and
/// checked again there: an id can be forged).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoryPreset {
    pub kind: Option<StoryKind>,
    pub points: Option<i64>,
    pub assignee_id: Option<u64>,
}

fn status_code(status: Status) -> char {
    match status {
        Status::New => 'n',
        Status::Ready => 'r',
        Status::InProgress => 'p',
        Status::Review => 'v',
        Status::Done => 'd',
        Status::Accepted => 'a',
        Status::Archived => 'x',
    }
}

fn status_from_code(code: &str) -> Option<Status> {
    Status::ALL
        .into_iter()
        .find(|s| code.len() == 1 && code.starts_with(status_code(*s)))
}

fn kind_code(kind: StoryKind) -> char {
    match kind {
        StoryKind::Feature => 'f',
        StoryKind::Bug => 'b',
        StoryKind::Improvement => 'i',
        StoryKind::Chore => 'c',
        StoryKind::Spike => 's',
    }
}

fn kind_from_code(code: &str) -> Option<StoryKind> {
    StoryKind::ALL
        .into_iter()
        .find(|k| code.len() == 1 && code.starts_with(kind_code(*k)))
}

impl Action {
    pub fn encode(&self) -> String {
        let id = match self {
            Action::BacklogPage {
                team_id,
                page,
                filter,
            } => format!(
                "bl:{team_id}:{page}:{}:{}:{}:{}",
                filter
                    .status
                    .map(|s| status_code(s).to_string())
                    .unwrap_or_default(),
                filter
                    .kind
                    .map(|k| kind_code(k).to_string())
                    .unwrap_or_default(),
                filter.label.as_deref().unwrap_or_default(),
                filter
                    .assignee_id
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
            ),
            Action::StoryMove {
                team_id,
                number,
                to,
            } => format!("sm:{team_id}:{number}:{}", status_code(*to)),
            Action::StoryAccept { team_id, number } => format!("sa:{team_id}:{number}"),
            Action::NewStoryForm {
                source,
                preset:
                    StoryPreset {
                        kind,
                        points,
                        assignee_id,
                    },
            } => {
                let text = |value: Option<String>| value.unwrap_or_default();
                format!(
                    "fn:{}:{}:{}:{}:{}",
                    text(source.map(|(channel, _)| channel.to_string())),
                    text(source.map(|(_, message)| message.to_string())),
                    text(kind.map(|k| kind_code(k).to_string())),
                    text(points.map(|p| p.to_string())),
                    text(assignee_id.map(|a| a.to_string())),
                )
            }
            Action::EditStoryForm {
                team_id,
                number,
                version,
            } => format!("fe:{team_id}:{number}:{version:x}"),
            Action::SprintPlanAdd {
                team_id,
                sprint_id,
                capacity,
                members_at,
                plan_hash,
            } => format!("spa:{team_id}:{sprint_id}:{capacity}:{members_at}:{plan_hash:x}"),
            Action::UpdatePublish { team_id, update_id } => format!("upp:{team_id}:{update_id}"),
            Action::UpdateCancel { team_id, update_id } => format!("upc:{team_id}:{update_id}"),
            Action::StandupAnswerForm { team_id, day_id } => format!("sq:{team_id}:{day_id}"),
            Action::StandupAnswer { team_id, day_id } => format!("sr:{team_id}:{day_id}"),
        };
        debug_assert!(
            id.len() <= crate::render::limits::CUSTOM_ID,
            "custom id too long: {id}"
        );
        id
    }

    /// Parses an id this module made; `None` for anything else (old or forged ids).
    pub fn parse(id: &str) -> Option<Self> {
        let parts: Vec<&str> = id.split(':').collect();
        let int = |i: usize| parts.get(i).and_then(|p| p.parse::<i64>().ok());
        let uint = |i: usize| parts.get(i).and_then(|p| p.parse::<u64>().ok());
        match parts.first().copied()? {
            "bl" if parts.len() == 7 => {
                let optional = |i: usize| Some(parts[i]).filter(|p| !p.is_empty());
                let status = match optional(3) {
                    Some(code) => Some(status_from_code(code)?),
                    None => None,
                };
                let kind = match optional(4) {
                    Some(code) => Some(kind_from_code(code)?),
                    None => None,
                };
                let assignee_id = match optional(6) {
                    Some(text) => Some(text.parse().ok()?),
                    None => None,
                };
                Some(Action::BacklogPage {
                    team_id: int(1)?,
                    page: int(2)?.max(0),
                    filter: BacklogFilter {
                        status,
                        kind,
                        label: optional(5).map(str::to_string),
                        assignee_id,
                    },
                })
            }
            "sm" if parts.len() == 4 => Some(Action::StoryMove {
                team_id: int(1)?,
                number: int(2)?,
                to: status_from_code(parts[3])?,
            }),
            "sa" if parts.len() == 3 => Some(Action::StoryAccept {
                team_id: int(1)?,
                number: int(2)?,
            }),
            // Forms opened before the preset was added: no preset.
            "fn" if parts.len() == 1 => Some(Action::NewStoryForm {
                source: None,
                preset: StoryPreset::default(),
            }),
            "fn" if parts.len() == 3 => Some(Action::NewStoryForm {
                source: Some((uint(1)?, uint(2)?)),
                preset: StoryPreset::default(),
            }),
            "fn" if parts.len() == 6 => {
                let optional = |i: usize| Some(parts[i]).filter(|p| !p.is_empty());
                let source = match (optional(1), optional(2)) {
                    (None, None) => None,
                    _ => Some((uint(1)?, uint(2)?)),
                };
                let kind = match optional(3) {
                    Some(code) => Some(kind_from_code(code)?),
                    None => None,
                };
                let points = match optional(4) {
                    Some(_) => Some(int(4)?),
                    None => None,
                };
                let assignee_id = match optional(5) {
                    Some(_) => Some(uint(5)?),
                    None => None,
                };
                Some(Action::NewStoryForm {
                    source,
                    preset: StoryPreset {
                        kind,
                        points,
                        assignee_id,
                    },
                })
            }
            "fe" if parts.len() == 4 => Some(Action::EditStoryForm {
                team_id: int(1)?,
                number: int(2)?,
                version: u64::from_str_radix(parts[3], 16).ok()?,
            }),
            "spa" if parts.len() == 6 => Some(Action::SprintPlanAdd {
                team_id: int(1)?,
                sprint_id: int(2)?,
                capacity: parts[3].parse().ok()?,
                members_at: int(4)?,
                plan_hash: u64::from_str_radix(parts[5], 16).ok()?,
            }),
            "upp" if parts.len() == 3 => Some(Action::UpdatePublish {
                team_id: int(1)?,
                update_id: int(2)?,
            }),
            "upc" if parts.len() == 3 => Some(Action::UpdateCancel {
                team_id: int(1)?,
                update_id: int(2)?,
            }),
            "sq" if parts.len() == 3 => Some(Action::StandupAnswerForm {
                team_id: int(1)?,
                day_id: int(2)?,
            }),
            "sr" if parts.len() == 3 => Some(Action::StandupAnswer {
                team_id: int(1)?,
                day_id: int(2)?,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn largest_backlog_page() -> Action {
        Action::BacklogPage {
            team_id: i64::MAX,
            page: 99_999_999,
            filter: BacklogFilter {
                status: Some(Status::InProgress),
                kind: Some(StoryKind::Improvement),
                label: Some("l".repeat(crate::domain::story::LABEL_MAX)),
                assignee_id: Some(u64::MAX),
            },
        }
    }

    #[test]
    fn the_longest_ids_fit_discords_limit() {
        let ids = [
            largest_backlog_page().encode(),
            Action::StoryMove {
                team_id: i64::MAX,
                number: i64::MAX,
                to: Status::InProgress,
            }
            .encode(),
            Action::NewStoryForm {
                source: Some((u64::MAX, u64::MAX)),
                preset: StoryPreset {
                    kind: Some(StoryKind::Improvement),
                    points: Some(i64::MIN),
                    assignee_id: Some(u64::MAX),
                },
            }
            .encode(),
            Action::EditStoryForm {
                team_id: i64::MAX,
                number: i64::MAX,
                version: u64::MAX,
            }
            .encode(),
            Action::SprintPlanAdd {
                team_id: i64::MAX,
                sprint_id: i64::MAX,
                capacity: u32::MAX,
                members_at: i64::MIN,
                plan_hash: u64::MAX,
            }
            .encode(),
        ];
        for id in ids {
            assert!(id.len() <= 100, "{id} is {} long", id.len());
        }
    }

    #[test]
    fn every_action_survives_a_round_trip() {
        let actions = [
            largest_backlog_page(),
            Action::BacklogPage {
                team_id: 3,
                page: 0,
                filter: BacklogFilter::default(),
            },
            Action::StoryMove {
                team_id: 1,
                number: 12,
                to: Status::Done,
            },
            Action::StoryAccept {
                team_id: 1,
                number: 12,
            },
            Action::NewStoryForm {
                source: None,
                preset: StoryPreset::default(),
            },
            Action::NewStoryForm {
                source: Some((5, 6)),
                preset: StoryPreset::default(),
            },
            Action::NewStoryForm {
                source: None,
                preset: StoryPreset {
                    kind: Some(StoryKind::Bug),
                    points: Some(3),
                    assignee_id: Some(300),
                },
            },
            Action::EditStoryForm {
                team_id: 2,
                number: 9,
                version: 0xdead_beef,
            },
            Action::SprintPlanAdd {
                team_id: 2,
                sprint_id: 3,
                capacity: 21,
                members_at: 40,
                plan_hash: 0xfeed,
            },
            Action::UpdatePublish {
                team_id: 2,
                update_id: 8,
            },
            Action::UpdateCancel {
                team_id: 2,
                update_id: 8,
            },
            Action::StandupAnswerForm {
                team_id: i64::MAX,
                day_id: i64::MAX,
            },
            Action::StandupAnswer {
                team_id: 1,
                day_id: 2,
            },
        ];
        for action in actions {
            assert_eq!(Action::parse(&action.encode()), Some(action));
        }
    }

    #[test]
    fn new_story_forms_opened_before_presets_still_parse() {
        let plain = |source| {
            Some(Action::NewStoryForm {
                source,
                preset: StoryPreset::default(),
            })
        };
        assert_eq!(Action::parse("fn"), plain(None));
        assert_eq!(Action::parse("fn:5:6"), plain(Some((5, 6))));
    }

    #[test]
    fn unknown_or_mangled_ids_are_rejected() {
        for id in [
            "",
            "zz:1",
            "sm:1:2:q",
            "bl:1:2:3",
            "sa:x:1",
            "fe:1",
            "fe:1:2",
            "fe:1:2:xyz",
        ] {
            assert_eq!(Action::parse(id), None, "{id}");
        }
    }
}
