//! Discord's deadline for the first answer to an interaction: 3 seconds, after which the user
//! sees "The application did not respond" and any later answer is refused. Almost every answer
//! is ready in milliseconds, but one can wait longer (a write queued behind a restore run from
//! the command line, up to the store's busy timeout). So a command, form or press whose answer
//! is not ready after [`DEFER_AFTER`] is deferred, and its answer replaces the deferral through
//! REST once ready ([`complete_late`]), over the HTTP endpoint and the gateway alike.
//!
//! A deferral must choose before the answer exists: a command or form is deferred as a private
//! "thinking…" (a late private answer edits it; a late public one is posted as a follow-up, so
//! a change is still seen by the team), a press as an
//! invisible acknowledgement (a late card edit edits the pressed message). Autocomplete and
//! `PING` cannot be deferred; both answer without waiting on a write.
//!
//! Discord makes the first follow-up after a "thinking…" deferral *be* the deferred message,
//! with its privacy: a public answer posted straight away would land private. So the
//! placeholder is first edited into a private note, which ends the deferral; the public answer
//! then goes out as a message of its own, and the note is deleted.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serenity::all::{
    CreateInteractionResponse, CreateInteractionResponseMessage, Http, Interaction,
};

use super::rest::{send_follow_up, with_retries};
use crate::commands::{dispatch, Services};
use crate::metrics::Metrics;
use crate::render::message::{Message, Response};
use crate::render::picture;

/// Past this, the first answer is a deferral: it must still cross the network within 3 s.
pub const DEFER_AFTER: Duration = Duration::from_millis(2500);

/// Said when a form was ready only after its interaction had to be deferred: Discord opens a
/// form only as a first answer.
pub const FORM_TOO_LATE: &str =
    "⚠️ That took too long to open (the bot was busy). Nothing was changed; please try again.";

/// What the private "thinking…" says once a late public answer is on its way beside it.
pub const POSTED_FOR_THE_TEAM: &str = "Done: the answer is posted in the channel.";

/// How an answer that was not ready in time was deferred.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deferral {
    /// A command or a form sent from one: "thinking…", seen only by the caller (type 5,
    /// ephemeral).
    Reply,
    /// A button press, or a form opened from a button: acknowledged with nothing shown
    /// (type 6), so a late card edit can still land on the message.
    Press,
}

impl Deferral {
    /// The first answer that stands in for the late one.
    pub fn to_wire(self) -> CreateInteractionResponse {
        match self {
            Deferral::Reply => CreateInteractionResponse::Defer(
                CreateInteractionResponseMessage::new().ephemeral(true),
            ),
            Deferral::Press => CreateInteractionResponse::Acknowledge,
        }
    }
}

/// The handler's answer still being worked on, to finish after the deferral is sent.
pub type LateAnswer = Pin<Box<dyn Future<Output = Response> + Send>>;

/// The first answer to an interaction: the answer itself, or a deferral and the work that
/// will produce the answer.
pub enum FirstAnswer {
    Now(Response),
    Late(Deferral, LateAnswer),
}

/// Runs the handler for at most `limit` ([`DEFER_AFTER`] in the transports).
pub async fn answer_within(
    services: &Services,
    interaction: Interaction,
    limit: Duration,
) -> FirstAnswer {
    let deferral = match &interaction {
        // A form opened from a button may answer by editing that button's message.
        Interaction::Modal(form) if form.message.is_some() => Deferral::Press,
        Interaction::Command(_) | Interaction::Modal(_) => Deferral::Reply,
        Interaction::Component(_) => Deferral::Press,
        _ => return FirstAnswer::Now(dispatch(services, interaction).await),
    };
    let services = services.clone();
    let mut work: LateAnswer = Box::pin(async move { dispatch(&services, interaction).await });
    match tokio::time::timeout(limit, &mut work).await {
        Ok(response) => FirstAnswer::Now(response),
        Err(_) => {
            tracing::warn!(?deferral, "an answer was not ready in time; deferred it");
            FirstAnswer::Late(deferral, work)
        }
    }
}

/// Finishes `work` and puts its answer where the deferral stands (see the module's header).
pub async fn complete_late(
    http: &Http,
    metrics: &Metrics,
    token: &str,
    deferral: Deferral,
    work: LateAnswer,
) {
    let response = match work.await {
        Response::Modal(_) => Response::Message(Message::private_text(FORM_TOO_LATE)),
        other => other,
    };
    let updates_pressed = matches!(response, Response::Update(_));
    let (message, attached) = match response {
        Response::Message(message) | Response::Update(message) => (message, None),
        Response::WithPicture(message, picture) => (message, Some(picture)),
        Response::Pong | Response::Choices(_) | Response::Modal(_) => return,
    };
    let edits_in_place = match deferral {
        // The private "thinking…" can become a private answer, never a public one.
        Deferral::Reply => message.ephemeral,
        // The acknowledged press's message is the original: a card edit lands on it; a new
        // message is posted beside it.
        Deferral::Press => updates_pressed,
    };
    if edits_in_place {
        let edit = match &attached {
            Some(picture) => picture::follow_up_edit(&message, picture),
            None => message.to_response_edit(),
        };
        send_follow_up(http, metrics, token, edit).await;
        return;
    }
    if deferral == Deferral::Reply {
        // Ends the deferral, so the follow-up below is a message of its own, public.
        let note = Message::private_text(POSTED_FOR_THE_TEAM).to_response_edit();
        send_follow_up(http, metrics, token, note).await;
    }
    let follow_up = match &attached {
        Some(picture) => picture::follow_up_message(&message, picture),
        None => message.to_follow_up(),
    };
    let posted = with_retries(metrics, "post a deferred answer", || {
        serenity::builder::Builder::execute(follow_up.clone(), http, (None, token))
    })
    .await;
    if posted && deferral == Deferral::Reply {
        // The private note would otherwise stay beside the public answer.
        with_retries(metrics, "remove a deferral", || {
            http.delete_original_interaction_response(token)
        })
        .await;
    }
}
