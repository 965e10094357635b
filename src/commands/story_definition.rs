//! The `/story` command's definition: its subcommands and their options as Discord shows them,
//! with the limits of `domain::story` (title and details lengths, the kinds, labels and
//! criteria). `story_option` is the `story` option other commands reuse, with autocomplete.

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext};

use crate::domain::story::{Status, StoryKind, DETAILS_MAX, TITLE_MAX};

pub fn story_option(name: &str, description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::String, name, description)
        .required(true)
        .set_autocomplete(true)
        .max_length(100)
}

fn type_option() -> CreateCommandOption {
    StoryKind::ALL.into_iter().fold(
        CreateCommandOption::new(CommandOptionType::String, "type", "Kind of work"),
        |option, kind| option.add_string_choice(kind.as_str(), kind.as_str()),
    )
}

fn field_options(sub: CreateCommandOption) -> CreateCommandOption {
    sub.add_sub_option(
        CreateCommandOption::new(
            CommandOptionType::String,
            "title",
            "Short title (up to 200 characters)",
        )
        .max_length(TITLE_MAX as u16),
    )
    .add_sub_option(
        CreateCommandOption::new(
            CommandOptionType::String,
            "details",
            "The user story: As a ..., I want ..., so that ...",
        )
        .max_length(DETAILS_MAX as u16),
    )
    .add_sub_option(type_option())
    .add_sub_option(
        CreateCommandOption::new(
            CommandOptionType::Integer,
            "points",
            "Estimate in story points (0-100)",
        )
        .min_int_value(0)
        .max_int_value(100),
    )
    .add_sub_option(CreateCommandOption::new(
        CommandOptionType::String,
        "labels",
        "Comma-separated labels, e.g. checkout, mobile",
    ))
}

fn sub(name: &str, description: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::SubCommand, name, description)
}

fn criterion_toggle(name: &str, description: &str) -> CreateCommandOption {
    sub(name, description)
        .add_sub_option(story_option("story", "The story, e.g. #12"))
        .add_sub_option(
            CreateCommandOption::new(
                CommandOptionType::Integer,
                "number",
                "The criterion's number on the card",
            )
            .required(true)
            .min_int_value(1),
        )
}

pub fn definition() -> CreateCommand {
    let status = Status::MOVABLE.into_iter().fold(
        CreateCommandOption::new(CommandOptionType::String, "status", "The new status")
            .required(true),
        |option, s| option.add_string_choice(s.as_str(), s.as_str()),
    );
    CreateCommand::new("story")
        .description("Add, show and change backlog stories")
        .contexts(vec![InteractionContext::Guild])
        .add_option(
            field_options(sub(
                "add",
                "Add a story at the bottom of the backlog (no title: opens a form)",
            ))
            .add_sub_option(CreateCommandOption::new(
                CommandOptionType::User,
                "assignee",
                "Who works on it",
            )),
        )
        .add_option(
            sub("show", "Show a story card")
                .add_sub_option(story_option("story", "The story, e.g. #12")),
        )
        .add_option(field_options(
            sub("edit", "Change a story (only the story: opens a form)")
                .add_sub_option(story_option("story", "The story, e.g. #12")),
        ))
        .add_option(
            sub("move", "Move a story to another status")
                .add_sub_option(story_option("story", "The story, e.g. #12"))
                .add_sub_option(status),
        )
        .add_option(
            sub("assign", "Assign a story (default: to you)")
                .add_sub_option(story_option("story", "The story, e.g. #12"))
                .add_sub_option(CreateCommandOption::new(
                    CommandOptionType::User,
                    "user",
                    "Who works on it",
                )),
        )
        .add_option(
            sub("unassign", "Clear a story's assignee")
                .add_sub_option(story_option("story", "The story, e.g. #12")),
        )
        .add_option(
            sub("accept", "Accept a done story (Product Owner)")
                .add_sub_option(story_option("story", "The story, e.g. #12")),
        )
        .add_option(
            sub(
                "reject",
                "Send a done or in-review story back to in progress (Product Owner)",
            )
            .add_sub_option(story_option("story", "The story, e.g. #12"))
            .add_sub_option(
                CreateCommandOption::new(CommandOptionType::String, "reason", "What is missing")
                    .required(true)
                    .max_length(super::story_flow::REASON_MAX as u16),
            ),
        )
        .add_option(
            sub(
                "rank",
                "Move a story to a place in the backlog (Product Owner)",
            )
            .add_sub_option(story_option("story", "The story, e.g. #12"))
            .add_sub_option(
                CreateCommandOption::new(
                    CommandOptionType::Integer,
                    "position",
                    "1 = top of the backlog",
                )
                .required(true)
                .min_int_value(1),
            ),
        )
        .add_option(
            CreateCommandOption::new(
                CommandOptionType::SubCommandGroup,
                "criteria",
                "Acceptance criteria",
            )
            .add_sub_option(
                sub("add", "Add an acceptance criterion")
                    .add_sub_option(story_option("story", "The story, e.g. #12"))
                    .add_sub_option(
                        CreateCommandOption::new(
                            CommandOptionType::String,
                            "text",
                            "The criterion",
                        )
                        .required(true)
                        .max_length(crate::domain::story::CRITERION_MAX as u16),
                    ),
            )
            .add_sub_option(criterion_toggle("check", "Tick an acceptance criterion"))
            .add_sub_option(criterion_toggle(
                "uncheck",
                "Untick an acceptance criterion",
            )),
        )
        .add_option(
            sub("depend", "Record that a story is blocked by another")
                .add_sub_option(story_option("story", "The blocked story, e.g. #12"))
                .add_sub_option(story_option("on", "The story it waits for, e.g. #7")),
        )
        .add_option(
            sub("undepend", "Remove a dependency")
                .add_sub_option(story_option("story", "The blocked story, e.g. #12"))
                .add_sub_option(story_option("on", "The story it waited for, e.g. #7")),
        )
        .add_option(
            sub("archive", "Archive a story (Product Owner)")
                .add_sub_option(story_option("story", "The story, e.g. #12")),
        )
        .add_option(
            sub("restore", "Restore an archived story (Product Owner)")
                .add_sub_option(story_option("story", "The story, e.g. #12")),
        )
}
