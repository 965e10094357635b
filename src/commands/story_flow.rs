//! Product Owner decisions on stories: `/story accept`, `/story reject` and `/story rank`
//! (and the card's Accept button, which shares [`accept`]).

use super::options::Invocation;
use super::story::{change_status, find_story, public_card};
use super::{Caller, Services};
use crate::domain::access::Access;
use crate::domain::story::Status;
use crate::error::{AppError, HandlerResult};
use crate::render::{Message, Response};
use crate::store::ranking::Placed;
use crate::store::stories::Story;
use crate::store::teams::Team;

pub const REASON_MAX: usize = 500;

/// Marks a done story accepted (PO).
pub async fn accept(
    services: &Services,
    caller: &Caller,
    team: &Team,
    story: Story,
) -> HandlerResult<Message> {
    caller.require(team, Access::ProductOwner, "accept stories")?;
    if story.status != Status::Done {
        return Err(AppError::user(format!(
            "Story #{} is {}; only done stories can be accepted.",
            story.number, story.status
        )));
    }
    let accepted = change_status(services, caller, story, Status::Accepted, None).await?;
    let headline = format!("<@{}> accepted #{}.", caller.user_id, accepted.number);
    public_card(services, team, accepted, headline).await
}

pub async fn run(
    services: &Services,
    caller: &Caller,
    team: &Team,
    inv: &Invocation,
) -> HandlerResult<Response> {
    match inv.path.as_str() {
        "story accept" => {
            let story = find_story(services, team, inv.story("story")?).await?;
            Ok(Response::Message(
                accept(services, caller, team, story).await?,
            ))
        }
        "story reject" => {
            caller.require(team, Access::ProductOwner, "reject stories")?;
            let story = find_story(services, team, inv.story("story")?).await?;
            let reason = inv.required_text("reason")?.trim();
            if reason.is_empty() {
                return Err(AppError::user(
                    "Say why the story is rejected, so the team knows what to fix.",
                ));
            }
            if reason.chars().count() > REASON_MAX {
                return Err(AppError::user(format!(
                    "The reason is {} characters long; the limit is {REASON_MAX}.",
                    reason.chars().count()
                )));
            }
            if !matches!(story.status, Status::Done | Status::Review) {
                return Err(AppError::user(format!(
                    "Story #{} is {}; only stories in review or done can be rejected.",
                    story.number, story.status
                )));
            }
            let rejected =
                change_status(services, caller, story, Status::InProgress, Some(reason)).await?;
            let headline = format!(
                "<@{}> rejected #{}; it is back in progress.",
                caller.user_id, rejected.number
            );
            Ok(Response::Message(
                public_card(services, team, rejected, headline).await?,
            ))
        }
        "story rank" => {
            caller.require(team, Access::ProductOwner, "rank the backlog")?;
            let story = find_story(services, team, inv.story("story")?).await?;
            if !story.status.is_open() {
                return Err(AppError::user(format!(
                    "Story #{} is {}, so it is not in the backlog to rank.",
                    story.number, story.status
                )));
            }
            let wanted = inv.integer("position").unwrap_or(0);
            if wanted < 1 {
                return Err(AppError::user("The position must be 1 (the top) or more."));
            }
            let position = match services.store.move_to_position(&story, wanted).await? {
                Placed::At(position) => position,
                Placed::Already(position) => {
                    return Err(AppError::user(format!(
                        "Story #{} is already at position {position}; nothing was changed.",
                        story.number
                    )));
                }
                Placed::NoRoom { above, below } => {
                    return Err(no_room(story.number, above, below));
                }
            };
            let moved = find_story(
                services,
                team,
                crate::domain::story::StoryNumber(story.number),
            )
            .await?;
            let headline = format!(
                "<@{}> ranked #{} at position {position}.",
                caller.user_id, moved.number
            );
            Ok(Response::Message(
                public_card(services, team, moved, headline).await?,
            ))
        }
        other => Err(AppError::Internal(anyhow::anyhow!(
            "no handler for /{other}"
        ))),
    }
}

/// The refusal of a move whose neighbours' keys leave no room (equal keys from a backup).
fn no_room(number: i64, above: Option<i64>, below: Option<i64>) -> AppError {
    let between = match (above, below) {
        (Some(a), Some(b)) => format!("between #{a} and #{b}"),
        (Some(a), None) => format!("below #{a}"),
        (None, Some(b)) => format!("above #{b}"),
        (None, None) => "there".to_string(),
    };
    let fix = below.or(above).map_or(String::new(), |n| {
        format!(" Rank #{n} anywhere first to give it a place of its own, then try again.")
    });
    AppError::user(format!(
        "Story #{number} cannot go {between}: their backlog keys leave no room (equal keys, as an imported backup can have). Nothing was changed.{fix}"
    ))
}
