//! The one entry point for every interaction, from the gateway, the HTTP endpoint and the
//! console alike: routes it to its handler, turns errors into ephemeral replies, and records a
//! span and metrics per interaction.

use std::time::Instant;

use serenity::all::{
    CommandInteraction, CommandType, ComponentInteraction, Interaction, ModalInteraction,
};
use tracing::Instrument as _;

use super::caller::control_team;
use super::control_id::{self, ControlId};
use super::custom_id::Action;
use super::options::Invocation;
use super::story::{find_story, move_story, public_card};
use super::{
    autocomplete, backlog, estimate, estimate_press, help, restored_cards, sprint, sprint_plan,
    standup, standup_answer, story, story_modal, team, update, vision, vote, Caller, Services,
};
use crate::domain::story::StoryNumber;
use crate::error::{caught, reference_id, AppError, HandlerResult};
use crate::render::{Message, Response};

/// Answers one interaction. Never fails: errors become ephemeral messages.
pub async fn dispatch(services: &Services, interaction: Interaction) -> Response {
    let started = Instant::now();
    let incoming = Incoming::read(&interaction);
    let name = incoming.name();
    let guild = incoming.guild();
    let span = tracing::info_span!("interaction", command = %name, guild = guild, outcome = tracing::field::Empty);
    // A panic is answered like any failure on our side, rather than left to drop the
    // connection (or end the gateway's handler) with no answer at all.
    let result = caught(route(services, &interaction, incoming).instrument(span.clone()))
        .await
        .unwrap_or_else(|panic| Err(AppError::Internal(panic)));
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

/// An interaction with what dispatch reads off it once: a command's options, or the control id
/// of a press or form (`None` when it is not one of Sprintmate's).
enum Incoming<'a> {
    Ping,
    Command(&'a CommandInteraction, Invocation),
    Autocomplete(&'a CommandInteraction, Invocation),
    Press(&'a ComponentInteraction, Option<ControlId>),
    Form(&'a ModalInteraction, Option<ControlId>),
    Other,
}

impl<'a> Incoming<'a> {
    fn read(interaction: &'a Interaction) -> Self {
        match interaction {
            Interaction::Ping(_) => Self::Ping,
            Interaction::Command(c) => Self::Command(c, Invocation::from_data(&c.data)),
            Interaction::Autocomplete(c) => Self::Autocomplete(c, Invocation::from_data(&c.data)),
            Interaction::Component(c) => Self::Press(c, ControlId::parse(&c.data.custom_id)),
            Interaction::Modal(m) => Self::Form(m, ControlId::parse(&m.data.custom_id)),
            _ => Self::Other,
        }
    }

    /// A low-cardinality name for logs and metrics: `story add`, `button:bl`, `form:fn`.
    fn name(&self) -> String {
        match self {
            Self::Ping => "ping".to_string(),
            Self::Command(_, inv) => inv.path.clone(),
            Self::Autocomplete(c, _) => format!("autocomplete:{}", c.data.name),
            Self::Press(c, id) => format!(
                "button:{}",
                control_id::label(&c.data.custom_id, id.as_ref())
            ),
            Self::Form(m, id) => {
                format!("form:{}", control_id::label(&m.data.custom_id, id.as_ref()))
            }
            Self::Other => "other".to_string(),
        }
    }

    fn guild(&self) -> u64 {
        let guild = match self {
            Self::Command(c, _) | Self::Autocomplete(c, _) => c.guild_id,
            Self::Press(c, _) => c.guild_id,
            Self::Form(m, _) => m.guild_id,
            Self::Ping | Self::Other => None,
        };
        guild.map_or(0, |g| g.get())
    }
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

async fn route(
    services: &Services,
    interaction: &Interaction,
    incoming: Incoming<'_>,
) -> HandlerResult<Response> {
    restored_cards::refuse_presses_from_before_restore(services, interaction).await?;
    match incoming {
        Incoming::Ping => Ok(Response::Pong),
        Incoming::Command(command, inv) => {
            let caller = caller_of!(command, as_deref);
            if command.data.kind == CommandType::Message
                && command.data.name == story_modal::ADD_TO_BACKLOG
            {
                return story_modal::from_message(command).await;
            }
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
        Incoming::Autocomplete(command, inv) => {
            let caller = caller_of!(command, as_deref);
            autocomplete::run(services, &caller, &inv).await
        }
        Incoming::Press(component, id) => {
            let caller = caller_of!(component, as_ref);
            button(services, &caller, component, id.ok_or_else(stale)?).await
        }
        Incoming::Form(modal, id) => {
            let caller = caller_of!(modal, as_ref);
            match id.ok_or_else(stale)? {
                ControlId::Card(Action::StandupAnswer { team_id, day_id }) => {
                    standup_answer::submit(services, &caller, modal, team_id, day_id).await
                }
                ControlId::Card(action) => {
                    story_modal::submit(services, &caller, modal, action).await
                }
                ControlId::Poker(_) | ControlId::Vote(_) => Err(stale()),
            }
        }
        Incoming::Other => Err(AppError::user(
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
    id: ControlId,
) -> HandlerResult<Response> {
    let action = match id {
        ControlId::Card(action) => action,
        ControlId::Poker(press) => return estimate_press::press(services, caller, press).await,
        ControlId::Vote(action) => return vote::button(services, caller, component, action).await,
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
