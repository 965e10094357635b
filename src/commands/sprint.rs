//! `/sprint`: start a sprint, move stories in and out, and route to the planning
//! (`sprint_plan.rs`) and reporting (`sprint_report.rs`) sub-commands.

use chrono::{Days, NaiveDate};
use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext};

use super::caller::team_for;
use super::options::Invocation;
use super::sprint_facts::is_scope_change;
use super::story::{find_story, story_option};
use super::{sprint_plan, sprint_report, Caller, Services};
use crate::domain::access::Access;
use crate::domain::schedule::parse_date;
use crate::domain::sprint::{
    SprintSpan, DEFAULT_SPRINT_DAYS, SPRINT_DAYS_MAX, SPRINT_START_MAX_DAYS_AHEAD,
};
use crate::domain::story::{truncate_plain, Status};
use crate::domain::team::Timezone;
use crate::domain::wording::{counted, pts};
use crate::domain::Invalid;
use crate::error::{AppError, HandlerResult};
use crate::render::text::escape_markdown;
use crate::render::{Message, Response};
use crate::store::sprints::{MembershipOutcome, NewSprint, Sprint};
use crate::store::teams::Team;

pub const SPRINT_NAME_MAX: usize = 100;
pub const SPRINT_GOAL_MAX: usize = 300;

fn sub(name: &str, description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::SubCommand, name, description)
}

pub fn definition() -> CreateCommand {
    CreateCommand::new("sprint")
        .description("Run sprints: plan, track and close them")
        .contexts(vec![InteractionContext::Guild])
        .add_option(
            sub("start", "Start a sprint (Product Owner)")
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::String,
                        "name",
                        "Default: Sprint N",
                    )
                    .max_length(SPRINT_NAME_MAX as u16),
                )
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::String,
                        "goal",
                        "What the sprint should achieve",
                    )
                    .max_length(SPRINT_GOAL_MAX as u16),
                )
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::Integer,
                        "days",
                        "Length in days (default 14)",
                    )
                    .min_int_value(1)
                    .max_int_value(u64::from(SPRINT_DAYS_MAX)),
                )
                .add_sub_option(CreateCommandOption::new(
                    CommandOptionType::String,
                    "starts",
                    "First day, YYYY-MM-DD (default: today in the team's zone)",
                )),
        )
        .add_option(
            sub("add", "Move a story into the active sprint")
                .add_sub_option(story_option("story", "The story, e.g. #12")),
        )
        .add_option(
            sub("remove", "Move a story out of the active sprint")
                .add_sub_option(story_option("story", "The story, e.g. #12")),
        )
        .add_option(
            sub("plan", "Suggest stories for the sprint up to a capacity").add_sub_option(
                CreateCommandOption::new(
                    CommandOptionType::Integer,
                    "capacity",
                    "Points the team can take (default: mean of the last 3 sprints)",
                )
                .min_int_value(0)
                .max_int_value(1000),
            ),
        )
        .add_option(sub(
            "status",
            "Goal, days left, progress and stories of the active sprint",
        ))
        .add_option(sub(
            "close",
            "Close the active sprint and post its summary (Product Owner)",
        ))
        .add_option(
            sub(
                "history",
                "Committed versus completed points of past sprints",
            )
            .add_sub_option(
                CreateCommandOption::new(
                    CommandOptionType::Integer,
                    "count",
                    "How many sprints (default 6)",
                )
                .min_int_value(1)
                .max_int_value(24),
            ),
        )
}

pub async fn run(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    match inv.path.as_str() {
        "sprint start" => start(services, caller, &team, inv).await,
        "sprint add" => change_membership(services, caller, &team, inv, true).await,
        "sprint remove" => change_membership(services, caller, &team, inv, false).await,
        "sprint plan" => sprint_plan::plan(services, &team, inv.integer("capacity")).await,
        "sprint status" => sprint_report::status(services, &team).await,
        "sprint close" => sprint_report::close(services, caller, &team).await,
        "sprint history" => sprint_report::history(services, &team, inv.integer("count")).await,
        other => Err(AppError::Internal(anyhow::anyhow!(
            "no handler for /{other}"
        ))),
    }
}

/// A free-text option put on one line and bounded; empty counts as absent.
fn optional_text(raw: Option<&str>, what: &str, max: usize) -> Result<Option<String>, Invalid> {
    let Some(text) = raw.map(crate::domain::text::one_line) else {
        return Ok(None);
    };
    match text.chars().count() {
        0 => Ok(None),
        n if n > max => Err(Invalid::new(format!(
            "The {what} is {n} characters long; the limit is {max}."
        ))),
        _ => Ok(Some(text)),
    }
}

pub fn team_zone(team: &Team) -> Timezone {
    Timezone::parse(&team.timezone).unwrap_or_else(|_| Timezone::parse("UTC").expect("UTC"))
}

/// The team's active sprint, or a clear refusal.
pub async fn require_active(services: &Services, team: &Team) -> HandlerResult<Sprint> {
    services
        .store
        .active_sprint(team.guild_id, team.id)
        .await?
        .ok_or_else(|| {
            AppError::user(format!(
                "Team {} has no active sprint. The Product Owner can start one with /sprint start.",
                escape_markdown(&team.name)
            ))
        })
}

async fn start(
    services: &Services,
    caller: &Caller,
    team: &Team,
    inv: &Invocation,
) -> HandlerResult<Response> {
    caller.require(team, Access::ProductOwner, "start a sprint")?;
    // Everything is parsed before anything is written.
    let name = optional_text(inv.text("name"), "sprint name", SPRINT_NAME_MAX)?;
    let goal = optional_text(inv.text("goal"), "sprint goal", SPRINT_GOAL_MAX)?;
    let zone = team_zone(team);
    let now = services.clock.now();
    let today = zone.date_at(now);
    let start = match inv.text("starts") {
        Some(raw) => parse_date(raw)?,
        None => today,
    };
    let days = inv
        .integer("days")
        .unwrap_or(i64::from(DEFAULT_SPRINT_DAYS));
    let span = SprintSpan::new(start, days, zone)?;
    let latest_start = today
        .checked_add_days(Days::new(SPRINT_START_MAX_DAYS_AHEAD))
        .unwrap_or(NaiveDate::MAX);
    if start > latest_start {
        return Err(AppError::user(format!(
            "A sprint can start {SPRINT_START_MAX_DAYS_AHEAD} days from today at the latest ({latest_start}); {start} is further. Start it nearer the time, or leave starts out to start today."
        )));
    }
    if span.last_day() < today {
        return Err(AppError::user(format!(
            "A sprint from {start} for {} would already be over (its last day was {}). Pick a later start date, or leave starts out to start today.",
            counted(span.days(), "day", "days"),
            span.last_day()
        )));
    }
    let new = NewSprint { name, goal, span };
    let started = services
        .store
        .start_sprint(
            team.guild_id,
            team.id,
            &new,
            caller.user_id,
            now.timestamp(),
        )
        .await?;
    let Some(sprint) = started else {
        let active = require_active(services, team).await?;
        return Err(AppError::user(format!(
            "Team {} already has an active sprint, {} (until {}). Close it with /sprint close first.",
            escape_markdown(&team.name),
            escape_markdown(&active.name),
            active.span().last_day()
        )));
    };
    let goal = sprint
        .goal
        .as_deref()
        .map(|g| format!("\nGoal: {}", escape_markdown(g)))
        .unwrap_or_default();
    Ok(Response::Message(Message::public_text(format!(
        "<@{}> started **{}** for team {}: {} to {} ({}, {}).{goal}\nPick its stories with /sprint plan or /sprint add.",
        caller.user_id,
        escape_markdown(&sprint.name),
        escape_markdown(&team.name),
        span.start(),
        span.last_day(),
        counted(span.days(), "day", "days"),
        zone.name(),
    ))))
}

async fn change_membership(
    services: &Services,
    caller: &Caller,
    team: &Team,
    inv: &Invocation,
    into: bool,
) -> HandlerResult<Response> {
    let number = inv.story("story")?;
    let sprint = require_active(services, team).await?;
    let story = find_story(services, team, number).await?;
    if into && matches!(story.status, Status::Accepted | Status::Archived) {
        return Err(AppError::user(format!(
            "Story {number} is {}, so it cannot join a sprint.",
            story.status.label()
        )));
    }
    let now = services.clock.now();
    let scope_change = is_scope_change(&sprint, now);
    let changed = services
        .store
        .change_sprint_membership(
            &sprint,
            &story,
            into,
            scope_change,
            caller.user_id,
            now.timestamp(),
        )
        .await?;
    let sprint_name = escape_markdown(&sprint.name);
    match changed {
        MembershipOutcome::Changed => {}
        MembershipOutcome::Unchanged => {
            let already = if into { "already in" } else { "not in" };
            return Err(AppError::user(format!(
                "Story {number} is {already} {sprint_name}."
            )));
        }
        MembershipOutcome::SprintClosed => {
            return Err(AppError::user(format!(
                "{sprint_name} closed before story {number} was moved: nothing changed."
            )));
        }
    }
    let points = story
        .points
        .map(|p| format!(", {}", pts(p)))
        .unwrap_or_default();
    let title = escape_markdown(&truncate_plain(&story.title, 100));
    let (verb, preposition) = if into {
        ("added", "to")
    } else {
        ("removed", "from")
    };
    let note = if scope_change {
        "\nThis is a scope change: the sprint's planning day is over."
    } else {
        ""
    };
    Ok(Response::Message(Message::public_text(format!(
        "<@{}> {verb} {number} {title}{points} {preposition} **{sprint_name}**.{note}",
        caller.user_id
    ))))
}
