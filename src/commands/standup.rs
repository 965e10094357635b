//! `/standup`: its definition and routing. The schedule commands are in `standup_setup.rs`, the
//! answer form and `/standup now` in `standup_answer.rs`, summaries and statistics in
//! `standup_report.rs`.

use serenity::all::{
    ChannelType, CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext,
};

use super::options::Invocation;
use super::{standup_answer, standup_report, standup_setup, Caller, Services};
use crate::domain::schedule::WINDOW_MAX_MINUTES;
use crate::error::{AppError, HandlerResult};
use crate::render::Response;

fn sub(name: &str, description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::SubCommand, name, description)
}

fn text(name: &str, description: &str, max: u16) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::String, name, description).max_length(max)
}

fn date(name: &str, description: &str) -> CreateCommandOption {
    text(name, description, 10)
}

pub fn definition() -> CreateCommand {
    CreateCommand::new("standup")
        .description("Daily stand-up: prompt, answers in a thread, reminder, summary")
        .contexts(vec![InteractionContext::Guild])
        .add_option(
            sub("setup", "Set this team's stand-up schedule (admin)")
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::Channel,
                        "channel",
                        "Where the prompt and summary go",
                    )
                    .channel_types(vec![ChannelType::Text, ChannelType::News])
                    .required(true),
                )
                .add_sub_option(text("time", "Prompt time, HH:MM (24 h)", 5).required(true))
                .add_sub_option(text(
                    "timezone",
                    "IANA time zone, e.g. Europe/Berlin (default: the team's)",
                    64,
                ))
                .add_sub_option(text("days", "e.g. mon-fri (default) or mon,wed,fri", 60))
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::Integer,
                        "window",
                        "Minutes the stand-up stays open (default 240)",
                    )
                    .min_int_value(1)
                    .max_int_value(WINDOW_MAX_MINUTES.into()),
                )
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::Integer,
                        "reminder",
                        "Minutes before close to remind who has not answered (default 60, 0 = none)",
                    )
                    .min_int_value(0)
                    .max_int_value((WINDOW_MAX_MINUTES - 1).into()),
                ),
        )
        .add_option(sub("show", "The schedule, roster, who is away and the next prompt"))
        .add_option(
            sub("pause", "Pause the stand-up (admin)")
                .add_sub_option(date("until", "Last day without stand-up, YYYY-MM-DD (default: until resumed)")),
        )
        .add_option(sub("resume", "Resume a paused or failing stand-up (admin)"))
        .add_option(
            sub("skip", "No stand-up on a date, e.g. a holiday (admin)")
                .add_sub_option(date("date", "YYYY-MM-DD").required(true)),
        )
        .add_option(
            sub("away", "Excuse a member on some dates")
                .add_sub_option(date("from", "First day away, YYYY-MM-DD").required(true))
                .add_sub_option(date("to", "Last day away, YYYY-MM-DD").required(true))
                .add_sub_option(CreateCommandOption::new(
                    CommandOptionType::User,
                    "user",
                    "Who is away (default: you; admins may set others)",
                )),
        )
        .add_option(sub("now", "Open today's stand-up at once"))
        .add_option(sub("answer", "Answer today's stand-up"))
        .add_option(
            sub("summary", "Show a day's stand-up summary")
                .add_sub_option(date("date", "YYYY-MM-DD (default: the latest stand-up)")),
        )
        .add_option(
            sub("stats", "Participation per member and blockers raised").add_sub_option(
                CreateCommandOption::new(
                    CommandOptionType::Integer,
                    "days",
                    "How many days back (default 30)",
                )
                .min_int_value(1)
                .max_int_value(standup_report::STATS_DAYS_MAX as u64),
            ),
        )
}

pub async fn run(
    services: &Services,
    caller: &Caller,
    inv: &Invocation,
) -> HandlerResult<Response> {
    match inv.path.as_str() {
        "standup setup" => standup_setup::setup(services, caller, inv).await,
        "standup show" => standup_setup::show(services, caller).await,
        "standup pause" => standup_setup::pause(services, caller, inv).await,
        "standup resume" => standup_setup::resume(services, caller).await,
        "standup skip" => standup_setup::skip(services, caller, inv).await,
        "standup away" => standup_setup::away(services, caller, inv).await,
        "standup now" => standup_answer::now(services, caller).await,
        "standup answer" => standup_answer::open_form(services, caller, None).await,
        "standup summary" => standup_report::summary(services, caller, inv).await,
        "standup stats" => standup_report::stats(services, caller, inv).await,
        other => Err(AppError::user(format!(
            "/{other} is not a stand-up command. /help lists them."
        ))),
    }
}
