//! The one entry point for every interaction, from the gateway, the HTTP endpoint and the
//! console alike: routes it to its handler, turns errors into ephemeral replies, and records a
//! span and metrics per interaction.

use std::time::Instant;

use serenity::all::{CommandType, ComponentInteraction, Interaction};
use tracing::Instrument as _;

use super::caller::control_team;
use super::custom_id::Action;
use super::options::Invocation;
use super::poker_id::PokerPress;
use super::story::{find_story, move_story, public_card};
use super::vote_custom_id::VoteAction;
use super::{
    autocomplete, backlog, estimate, estimate_press, help, restored_cards, sprint, sprint_plan,
    standup, standup_answer, story, story_modal, team, update, vision, vote, Caller, Services,
};
use crate::domain::story::StoryNumber;
use crate::error::{reference_id, AppError, HandlerResult};
use crate::render::{Message, Response};

/// Answers one interaction. Never fails: errors become ephemeral messages.
pub async fn dispatch(services: &Services, interaction: Interaction) -> Response {
    let started = Instant::now();
    let name = interaction_name(&interaction);
    let guild = interaction_guild(&interaction);
    let span = tracing::info_span!("interaction", command = %name, guild = guild, outcome = tracing::field::Empty);
    let result = route(services, &interaction).instrument(span.clone()).await;
    let outcome = match &result {
        Ok(_) => "ok",
        Err(AppError::User(_)) => "refused",
        Err(AppError::Internal(_)) => "error",
    };
    span.record("outcome", outcome);
    services
        .metrics
        .observe_interaction(&name, outcome, started.elapsed());
    match result {
        Ok(response) => response,
        Err(AppError::User(message)) => {
            Response::Message(Message::private_text(format!("⚠️ {message}")))
        }
        Err(AppError::Internal(error)) => {
            let reference = reference_id();
            let _entered = span.enter();
            tracing::error!(reference = %reference, error = format!("{error:#}"), "interaction failed");
            Response::Message(Message::private_text(format!(
                "Something went wrong on our side (reference `{reference}`). Please try again; if it keeps happening, give this reference to your server admin."
            )))
        }
    }
}

/// A low-cardinality name for logs and metrics: `story add`, `button:bl`, `form:fn`.
fn interaction_name(interaction: &Interaction) -> String {
    match interaction {
        Interaction::Ping(_) => "ping".to_string(),
        Interaction::Command(c) => Invocation::from_data(&c.data).path,
        Interaction::Autocomplete(c) => format!("autocomplete:{}", c.data.name),
        Interaction::Component(c) => format!("button:{}", prefix(&c.data.custom_id)),
        Interaction::Modal(m) => format!("form:{}", prefix(&m.data.custom_id)),
        _ => "other".to_string(),
    }
}

/// The head of an id Sprintmate made (`bl`, `pk`, `vo`, ...); any other id, which anyone can
/// send, is `unknown`, so junk ids cannot grow the metrics' label set.
fn prefix(custom_id: &str) -> &str {
    let ours = Action::parse(custom_id).is_some()
        || PokerPress::parse(custom_id).is_some()
        || VoteAction::parse(custom_id).is_some();
    match custom_id.split(':').next() {
        Some(head) if ours => head,
        _ => "unknown",
    }
}

fn interaction_guild(interaction: &Interaction) -> u64 {
    let guild = match interaction {
        Interaction::Command(c) | Interaction::Autocomplete(c) => c.guild_id,
        Interaction::Component(c) => c.guild_id,
        Interaction::Modal(m) => m.guild_id,
        _ => None,
    };
    guild.map_or(0, |g| g.get())
}

/// The caller of any interaction kind: the four serenity types share these fields by name
/// only, so a macro reads them once for all.
macro_rules! caller_of {
    ($interaction:expr, $member:ident) => {
        Caller::from_parts(
            $interaction.guild_id,
            $interaction.channel.as_ref(),
            $interaction.channel_id,
            $interaction.member.$member(),
            &$interaction.user,
        )?
    };
}

async fn route(services: &Services, interaction: &Interaction) -> HandlerResult<Response> {
    restored_cards::refuse_presses_from_before_restore(services, interaction).await?;
    match interaction {
        Interaction::Ping(_) => Ok(Response::Pong),
        Interaction::Command(command) => {
            let caller = caller_of!(command, as_deref);
            if command.data.kind == CommandType::Message
                && command.data.name == story_modal::ADD_TO_BACKLOG
            {
                return story_modal::from_message(command).await;
            }
            let inv = Invocation::from_data(&command.data);
            match command.data.name.as_str() {
                "story" => story::run(services, &caller, &inv).await,
                "backlog" => backlog::run(services, &caller, &inv).await,
                "team" => team::run(services, &caller, &inv).await,
                "vision" => vision::run(services, &caller, &inv).await,
                "sprint" => sprint::run(services, &caller, &inv).await,
                "update" => update::run(services, &caller, &inv).await,
                "estimate" => estimate::run(services, &caller, &inv).await,
                "vote" => vote::run(services, &caller, &inv).await,
                "standup" => standup::run(services, &caller, &inv).await,
                "help" => Ok(help::run()),
                other => Err(AppError::user(format!(
                    "Sprintmate has no /{other} command (any more). /help lists what it has."
                ))),
            }
        }
        Interaction::Autocomplete(command) => {
            let caller = caller_of!(command, as_deref);
            autocomplete::run(services, &caller, &Invocation::from_data(&command.data)).await
        }
        Interaction::Component(component) => {
            let caller = caller_of!(component, as_ref);
            button(services, &caller, component).await
        }
        Interaction::Modal(modal) => {
            let caller = caller_of!(modal, as_ref);
            match Action::parse(&modal.data.custom_id).ok_or_else(stale)? {
                Action::StandupAnswer { team_id, day_id } => {
                    standup_answer::submit(services, &caller, modal, team_id, day_id).await
                }
                action => story_modal::submit(services, &caller, modal, action).await,
            }
        }
        _ => Err(AppError::user(
            "Sprintmate does not handle that kind of interaction.",
        )),
    }
}

fn stale() -> AppError {
    AppError::user(
        "That button or form is from an older version of Sprintmate. Run the command again.",
    )
}

async fn button(
    services: &Services,
    caller: &Caller,
    component: &ComponentInteraction,
) -> HandlerResult<Response> {
    let Some(action) = Action::parse(&component.data.custom_id) else {
        if let Some(press) = PokerPress::parse(&component.data.custom_id) {
            return estimate_press::press(services, caller, press).await;
        }
        return match vote::button(services, caller, component).await {
            Some(result) => result,
            None => Err(stale()),
        };
    };
    let ephemeral = super::caller::pressed_on_private(component);
    // A change pressed on a private card (`/story show`) is announced in a new public message:
    // updating the private one would show it to the presser alone.
    let changed = |card: Message| {
        if ephemeral {
            Response::Message(card)
        } else {
            Response::Update(card)
        }
    };
    match action {
        Action::BacklogPage {
            team_id,
            page,
            filter,
        } => backlog::turn_page(services, caller, team_id, page, &filter, ephemeral).await,
        Action::StoryMove {
            team_id,
            number,
            to,
        } => {
            let team = control_team(services, caller, team_id, "card").await?;
            let story = find_story(services, &team, StoryNumber(number)).await?;
            let moved = move_story(services, caller, story, to).await?;
            let headline = format!(
                "<@{}> moved #{} to **{}**.",
                caller.user_id,
                moved.number,
                to.label()
            );
            Ok(changed(
                public_card(services, &team, moved, headline).await?,
            ))
        }
        Action::StoryAccept { team_id, number } => {
            let team = control_team(services, caller, team_id, "card").await?;
            let story = find_story(services, &team, StoryNumber(number)).await?;
            Ok(changed(
                super::story_flow::accept(services, caller, &team, story).await?,
            ))
        }
        Action::SprintPlanAdd {
            team_id,
            sprint_id,
            capacity,
            members_at,
            plan_hash,
        } => {
            let shown = sprint_plan::ShownPlan {
                sprint_id,
                capacity,
                members_at,
                plan_hash,
            };
            sprint_plan::add_planned(services, caller, team_id, shown).await
        }
        Action::UpdatePublish { team_id, update_id } => {
            update::publish(services, caller, team_id, update_id).await
        }
        Action::UpdateCancel { team_id, update_id } => {
            update::cancel(services, caller, team_id, update_id).await
        }
        Action::StandupAnswerForm { team_id, day_id } => {
            standup_answer::open_form(services, caller, Some((team_id, day_id))).await
        }
        Action::NewStoryForm { .. }
        | Action::EditStoryForm { .. }
        | Action::StandupAnswer { .. } => Err(stale()),
    }
}

#[cfg(test)]
mod tests {
    use super::prefix;

    #[test]
    fn only_ids_sprintmate_made_name_their_metrics_label() {
        for (id, label) in [
            ("sa:1:2", "sa"),
            ("bl:1:0::::", "bl"),
            ("pk:r:1", "pk"),
            ("vo:o:1", "vo"),
            ("vb:1:2:n", "vb"),
            ("abcd:1", "unknown"),
            ("zz", "unknown"),
            ("sa:x", "unknown"),
            ("", "unknown"),
        ] {
            assert_eq!(prefix(id), label, "{id}");
        }
    }
}
