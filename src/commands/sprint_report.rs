//! `/sprint status`, `/sprint close` and `/sprint history`: what a sprint achieved, measured
//! from the stories' status history and the sprint's scope changes, with the burndown and
//! velocity pictures attached (answers with pictures are deferred, then sent through REST).

use super::sprint::require_active;
use super::sprint_facts::SprintFacts;
use super::{Caller, Services};
use crate::domain::access::Access;
use crate::domain::sprint::{mean_completed, SprintResult, CAPACITY_HISTORY};
use crate::error::{AppError, HandlerResult};
use crate::render::charts::{self, BurndownPoint, ChartError, SprintBars};
use crate::render::sprint::{history_embed, status_embed, summary_embed, HistoryRow};
use crate::render::text::escape_markdown;
use crate::render::{Message, Picture, Response};
use crate::store::outbox::{Attachment, NewOutboxItem, OutboxKind};
use crate::store::sprints::CloseOutcome;
use crate::store::teams::Team;

pub const DEFAULT_HISTORY_COUNT: i64 = 6;

/// The message with its picture, or without it (logged) when drawing failed: the numbers matter
/// more than the picture.
fn with_picture(message: Message, name: &str, png: Result<Vec<u8>, ChartError>) -> Response {
    match png {
        Ok(png) => Response::WithPicture(message, Picture::png(name, png)),
        Err(error) => {
            tracing::error!(error = %error, chart = name, "a chart could not be drawn");
            Response::Message(message)
        }
    }
}

fn burndown_png(facts: &SprintFacts) -> Result<Vec<u8>, ChartError> {
    let days: Vec<BurndownPoint> = facts
        .burndown
        .days
        .iter()
        .map(|day| BurndownPoint {
            label: day.date.format("%b %-d").to_string(),
            ideal_remaining: day.ideal_remaining,
            actual_remaining: day.remaining,
            scope_changed: day.scope_changed,
        })
        .collect();
    charts::burndown(&days)
}

pub async fn status(services: &Services, team: &Team) -> HandlerResult<Response> {
    let sprint = require_active(services, team).await?;
    let now = services.clock.now();
    let facts = SprintFacts::load(services, sprint, now).await?;
    let embed = status_embed(&team.name, &facts, now);
    let message = Message::default().with_embed(embed).private();
    Ok(with_picture(message, "burndown.png", burndown_png(&facts)))
}

pub async fn close(services: &Services, caller: &Caller, team: &Team) -> HandlerResult<Response> {
    caller.require(team, Access::ProductOwner, "close the sprint")?;
    let sprint = require_active(services, team).await?;
    let now = services.clock.now();
    let facts = SprintFacts::load(services, sprint, now).await?;
    let figures = facts.figures();
    let carried = facts.carried_over();
    // The velocity line compares with the sprints before this one.
    let earlier = services
        .store
        .closed_sprints(team.guild_id, team.id, CAPACITY_HISTORY as i64)
        .await?;
    let mut history: Vec<SprintResult> = earlier
        .iter()
        .rev()
        .filter_map(|s| s.figures)
        .map(|f| SprintResult {
            committed: f.committed_points.max(0) as u32,
            completed: f.completed_points.max(0) as u32,
        })
        .collect();
    history.push(SprintResult {
        committed: facts.burndown.committed,
        completed: facts.scope.done,
    });
    let mean = mean_completed(&history, CAPACITY_HISTORY);
    let summary = Message::default().with_embed(summary_embed(&team.name, &facts, &carried, mean));
    let picture = burndown_png(&facts);
    let mut posts = Vec::new();
    // The reply itself is the post in this channel; stakeholders get theirs through the outbox,
    // with the same burndown picture attached when it could be drawn.
    if let Some(channel) = team
        .stakeholder_channel_id
        .filter(|c| *c != caller.channel_id)
    {
        let mut stakeholder_copy = summary.clone();
        let attachment = picture.as_ref().ok().map(|png| Attachment {
            name: "burndown.png".to_string(),
            bytes: png.clone(),
        });
        if attachment.is_some() {
            if let Some(embed) = stakeholder_copy.embeds.last_mut() {
                embed.image = Some("attachment://burndown.png".to_string());
            }
        }
        posts.push(NewOutboxItem {
            attachment,
            guild_id: team.guild_id,
            kind: OutboxKind::Post,
            channel_id: channel,
            target_message_id: None,
            purpose: format!("sprint-summary:{}", facts.sprint.id),
            body: serde_json::to_value(stakeholder_copy.to_channel_message())
                .map_err(|e| AppError::Internal(e.into()))?,
        });
    }
    let outcome = services
        .store
        .close_sprint(
            &facts.sprint,
            figures,
            &carried,
            &posts,
            caller.user_id,
            now.timestamp(),
        )
        .await?;
    if outcome == CloseOutcome::AlreadyClosed {
        return Err(AppError::user(
            "That sprint was closed a moment ago by someone else.",
        ));
    }
    if !posts.is_empty() {
        services.scheduler_wake.notify_one();
    }
    let mut reply = summary;
    reply.content = Some(format!(
        "<@{}> closed **{}**.",
        caller.user_id,
        crate::render::text::escape_markdown(&facts.sprint.name)
    ));
    Ok(with_picture(reply, "burndown.png", picture))
}

pub async fn history(
    services: &Services,
    team: &Team,
    count: Option<i64>,
) -> HandlerResult<Response> {
    let count = count.unwrap_or(DEFAULT_HISTORY_COUNT).clamp(1, 24);
    let closed = services
        .store
        .closed_sprints(team.guild_id, team.id, count)
        .await?;
    if closed.is_empty() {
        return Err(AppError::user(format!(
            "Team {} has not closed a sprint yet, so there is no history to show.",
            escape_markdown(&team.name)
        )));
    }
    let rows: Vec<HistoryRow> = closed
        .iter()
        .rev()
        .map(|s| {
            let f = s.figures.unwrap_or_default();
            HistoryRow {
                name: s.name.clone(),
                committed: f.committed_points,
                completed: f.completed_points,
            }
        })
        .collect();
    let bars: Vec<SprintBars> = rows
        .iter()
        .map(|r| SprintBars {
            name: r.name.clone(),
            committed: r.committed.max(0) as u32,
            completed: r.completed.max(0) as u32,
        })
        .collect();
    let message = Message::default()
        .with_embed(history_embed(&team.name, &rows))
        .private();
    Ok(with_picture(
        message,
        "velocity.png",
        charts::velocity(&bars),
    ))
}
