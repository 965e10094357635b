//! Answering a stand-up: `/standup answer` and the prompt's **Answer** button open the form,
//! its submission stores the answer (the scheduler posts it in the thread, or edits the post);
//! `/standup now` opens today's stand-up at once.

use serenity::all::ModalInteraction;

use super::caller::{control_team, team_for};
use super::custom_id::Action;
use super::story_modal::field;
use super::{Caller, Services};
use crate::error::{AppError, HandlerResult};
use crate::render::{Message, Modal, Response, TextInput};
use crate::scheduler::standups::open_now;
use crate::store::standup_days::{AnswerSaved, AnswerText, DayStatus, StandupDay};
use crate::store::teams::Team;

/// Longest text of each of the form's three fields. The three together (2,700) fit the thread
/// post's embed description; the summary cuts each answer to its share of the embed's room
/// (`render/standup/summary.rs`), since one answer alone can pass a field's 1,024.
pub const ANSWER_FIELD_MAX: usize = 900;

pub async fn now(services: &Services, caller: &Caller) -> HandlerResult<Response> {
    let team = team_for(services, caller).await?;
    let stored = services.store.schedule(&team).await?.ok_or_else(|| {
        AppError::user("This team has no stand-up yet. An admin sets one up with /standup setup.")
    })?;
    let now = services.clock.now();
    if !open_now(services, &stored, now).await? {
        let date = stored.schedule.local_date(now);
        return Err(AppError::user(format!(
            "Today's stand-up ({date}) has already been opened. Answer it with /standup answer."
        )));
    }
    Ok(Response::Message(Message::public_text(format!(
        "<@{}> opened today's stand-up: the prompt is on its way to <#{}>.",
        caller.user_id, stored.channel_id
    ))))
}

/// Which day an answer goes to: the button's day, else the team's latest stand-up.
async fn target_day(
    services: &Services,
    caller: &Caller,
    from_button: Option<(i64, i64)>,
) -> HandlerResult<(Team, StandupDay)> {
    let (team, day) = match from_button {
        Some((team_id, day_id)) => {
            let team = control_team(services, caller, team_id, "stand-up").await?;
            let day = services.store.standup_day_by_id(&team, day_id).await?;
            (team, day)
        }
        None => {
            let team = team_for(services, caller).await?;
            let day = services.store.latest_standup_day(&team).await?;
            (team, day)
        }
    };
    let day = day.ok_or_else(|| {
        AppError::user("There is no stand-up to answer yet. It opens at the scheduled time, or with /standup now.")
    })?;
    Ok((team, day))
}

/// Refuses edits once the day has closed; a first (late) answer is still welcome.
async fn check_open_for(
    services: &Services,
    day: &StandupDay,
    user_id: u64,
) -> HandlerResult<bool> {
    let existing = services.store.answer(day.id, user_id).await?;
    if day.status == DayStatus::Closed && existing.is_some() {
        return Err(closed_for_edits(day, ""));
    }
    Ok(existing.is_some())
}

/// `after` follows "answers can no longer be edited", e.g. "; your edit was not saved".
fn closed_for_edits(day: &StandupDay, after: &str) -> AppError {
    AppError::user(format!(
        "The stand-up of {} has closed, so answers can no longer be edited{after}. /standup summary shows it.",
        day.date
    ))
}

fn input(
    id: &str,
    label: &str,
    required: bool,
    value: Option<String>,
    placeholder: &str,
) -> TextInput {
    TextInput {
        custom_id: id.to_string(),
        label: label.to_string(),
        paragraph: true,
        required,
        max_length: ANSWER_FIELD_MAX as u16,
        value,
        placeholder: Some(placeholder.to_string()),
    }
}

pub async fn open_form(
    services: &Services,
    caller: &Caller,
    from_button: Option<(i64, i64)>,
) -> HandlerResult<Response> {
    let (team, day) = target_day(services, caller, from_button).await?;
    check_open_for(services, &day, caller.user_id).await?;
    let existing = services.store.answer(day.id, caller.user_id).await?;
    let value = |pick: fn(&crate::store::standup_days::Answer) -> &String| {
        existing.as_ref().map(|a| pick(a).clone())
    };
    Ok(Response::Modal(Modal {
        custom_id: Action::StandupAnswer {
            team_id: team.id,
            day_id: day.id,
        }
        .encode(),
        title: format!("Stand-up {}", day.date),
        inputs: vec![
            input(
                "yesterday",
                "Yesterday",
                true,
                value(|a| &a.yesterday),
                "What did you do? #12 names a story.",
            ),
            input(
                "today",
                "Today",
                true,
                value(|a| &a.today),
                "What will you do?",
            ),
            input(
                "blockers",
                "Blockers",
                false,
                value(|a| &a.blockers),
                "Anything in your way? (optional)",
            ),
        ],
    }))
}

fn answer_text(modal: &ModalInteraction) -> HandlerResult<AnswerText> {
    let read = |id: &str, label: &str, required: bool| -> HandlerResult<String> {
        let text = field(modal, id).unwrap_or_default().trim().to_string();
        if required && text.is_empty() {
            return Err(AppError::user(format!(
                "*{label}* is empty. Say in a few words, even \"nothing\"."
            )));
        }
        if text.chars().count() > ANSWER_FIELD_MAX {
            return Err(AppError::user(format!(
                "*{label}* is longer than {ANSWER_FIELD_MAX} characters. Shorten it and send again."
            )));
        }
        Ok(text)
    };
    Ok(AnswerText {
        yesterday: read("yesterday", "Yesterday", true)?,
        today: read("today", "Today", true)?,
        blockers: read("blockers", "Blockers", false)?,
    })
}

pub async fn submit(
    services: &Services,
    caller: &Caller,
    modal: &ModalInteraction,
    team_id: i64,
    day_id: i64,
) -> HandlerResult<Response> {
    let text = answer_text(modal)?;
    let (_, day) = target_day(services, caller, Some((team_id, day_id))).await?;
    check_open_for(services, &day, caller.user_id).await?;
    let saved = services
        .store
        .save_answer(&day, caller.user_id, &text, services.now_unix())
        .await?;
    services.scheduler_wake.notify_one();
    let what = match saved {
        AnswerSaved::Edited => "Your answer is updated; the thread post follows.",
        AnswerSaved::Late => {
            "Thanks! The stand-up had closed, so your answer is added to the summary and the thread."
        }
        AnswerSaved::New => "Thanks! Your answer is posted in the stand-up thread.",
        // It closed after the check above: the edit lost the race and was not written.
        AnswerSaved::ClosedForEdits => {
            return Err(closed_for_edits(&day, "; your edit was not saved"))
        }
    };
    Ok(Response::Message(Message::private_text(format!(
        "✅ {} ({})",
        what, day.date
    ))))
}
