//! `/backlog`: the ranked list of open stories, filtered, 10 per page, with Previous/Next
//! buttons that carry the page and filter in their custom id.

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext};

use super::caller::{control_team, team_for};
use super::options::Invocation;
use super::{Caller, Services};
use crate::domain::story::{parse_label_filter, Status, StoryKind};
use crate::error::HandlerResult;
use crate::render::backlog::{backlog_message, PER_PAGE};
use crate::render::{Message, Response};
use crate::store::backlog::BacklogFilter;
use crate::store::teams::Team;

pub fn definition() -> CreateCommand {
    let status = Status::ALL.into_iter().fold(
        CreateCommandOption::new(
            CommandOptionType::String,
            "status",
            "Only stories with this status",
        ),
        |option, s| option.add_string_choice(s.as_str(), s.as_str()),
    );
    let kind = StoryKind::ALL.into_iter().fold(
        CreateCommandOption::new(
            CommandOptionType::String,
            "type",
            "Only stories of this type",
        ),
        |option, k| option.add_string_choice(k.as_str(), k.as_str()),
    );
    CreateCommand::new("backlog")
        .description("The ranked backlog of open stories")
        .contexts(vec![InteractionContext::Guild])
        .add_option(status)
        .add_option(kind)
        .add_option(
            CreateCommandOption::new(
                CommandOptionType::String,
                "label",
                "Only stories with this label",
            )
            .max_length(32),
        )
        .add_option(CreateCommandOption::new(
            CommandOptionType::User,
            "assignee",
            "Only stories assigned to this member",
        ))
        .add_option(CreateCommandOption::new(
            CommandOptionType::Boolean,
            "public",
            "Show it to the channel (default: only you)",
        ))
}

pub async fn run(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    let filter = BacklogFilter {
        status: inv.text("status").map(Status::parse).transpose()?,
        kind: inv.text("type").map(StoryKind::parse).transpose()?,
        label: inv.text("label").map(parse_label_filter).transpose()?,
        assignee_id: inv.user("assignee"),
    };
    let public = inv.boolean("public").unwrap_or(false);
    Ok(Response::Message(
        page(services, &team, &filter, 0, !public).await?,
    ))
}

/// A page of the backlog as a message.
pub async fn page(
    services: &Services,
    team: &Team,
    filter: &BacklogFilter,
    page: i64,
    ephemeral: bool,
) -> HandlerResult<Message> {
    let rows = services
        .store
        .backlog_page(team.guild_id, team.id, filter, page, PER_PAGE)
        .await?;
    Ok(backlog_message(team, filter, page, &rows, ephemeral))
}

/// Previous/Next: replaces the list on the message the button is on.
pub async fn turn_page(
    services: &Services,
    caller: &Caller,
    team_id: i64,
    page_index: i64,
    filter: &BacklogFilter,
    message_is_ephemeral: bool,
) -> HandlerResult<Response> {
    let team = control_team(services, caller, team_id, "backlog").await?;
    Ok(Response::Update(
        page(services, &team, filter, page_index, message_is_ephemeral).await?,
    ))
}
