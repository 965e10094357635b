//! Every kind of synthetic interaction deserialises into serenity's `Interaction` and reads back
//! through the crate's own option reader; typing mistakes give clear errors.

use serde_json::{json, Value};
use serenity::all::{
    ChannelType, CommandOptionType, CreateCommand, CreateCommandOption, Interaction,
    InteractionType, MessageFlags,
};

use super::*;
use crate::commands::options::{Invocation, OptionValue};
use crate::commands::Caller;

fn command_of(json: &Value) -> serenity::all::CommandInteraction {
    match to_interaction(json).unwrap() {
        Interaction::Command(command) => command,
        other => panic!("not a command: {other:?}"),
    }
}

fn invocation(json: &Value) -> Invocation {
    Invocation::from_data(&command_of(json).data)
}

fn error(result: Result<Value, SynthError>) -> String {
    result.expect_err("should be refused").0
}

/// Definitions with a sub-command group and every option type the console types.
fn test_definitions() -> Value {
    let opt = CreateCommandOption::new;
    let commands = vec![
        CreateCommand::new("story")
            .description("Stories")
            .add_option(
                opt(CommandOptionType::SubCommandGroup, "criteria", "Criteria").add_sub_option(
                    opt(CommandOptionType::SubCommand, "add", "Add a criterion")
                        .add_sub_option(
                            opt(CommandOptionType::String, "story", "The story")
                                .required(true)
                                .set_autocomplete(true),
                        )
                        .add_sub_option(
                            opt(CommandOptionType::String, "text", "The criterion").required(true),
                        ),
                ),
            ),
        CreateCommand::new("kinds")
            .description("Every option type")
            .add_option(
                opt(CommandOptionType::Number, "ratio", "A number")
                    .min_number_value(0.0)
                    .max_number_value(1.0),
            )
            .add_option(opt(CommandOptionType::Channel, "where", "A channel"))
            .add_option(opt(CommandOptionType::Role, "who", "A role"))
            .add_option(
                opt(CommandOptionType::Integer, "size", "A size")
                    .add_int_choice("small", 1)
                    .add_int_choice("large", 3),
            )
            .add_option(opt(CommandOptionType::Attachment, "file", "A file")),
    ];
    serde_json::to_value(commands).unwrap()
}

#[test]
fn a_slash_command_deserialises_and_reads_back_with_typed_options() {
    let synth = Synth::new();
    let json = synth
        .command(
            &Actor::default(),
            r#"/story add title:"Guest checkout" points:3 labels:ui,checkout assignee:<@42>"#,
        )
        .unwrap();
    assert_eq!(json["type"], 2);
    assert_eq!(json["data"]["type"], 1);
    let sub = &json["data"]["options"][0];
    assert_eq!(
        (sub["name"].as_str(), sub["type"].as_u64()),
        (Some("add"), Some(1))
    );
    assert_eq!(
        sub["options"][1],
        json!({"name": "points", "type": 4, "value": 3})
    );
    let inv = invocation(&json);
    assert_eq!(inv.path, "story add");
    assert_eq!(inv.text("title"), Some("Guest checkout"));
    assert_eq!(inv.integer("points"), Some(3));
    assert_eq!(inv.text("labels"), Some("ui,checkout"));
    assert_eq!(inv.user("assignee"), Some(42));
}

#[test]
fn user_options_fill_resolved_users_and_members() {
    let json = Synth::new()
        .command(&Actor::default(), "/backlog public:true assignee:<@42>")
        .unwrap();
    let resolved = &json["data"]["resolved"];
    assert_eq!(resolved["users"]["42"]["id"], "42");
    assert_eq!(resolved["users"]["42"]["username"], "user42");
    assert!(resolved["members"]["42"]["roles"].is_array());
    let command = command_of(&json);
    let id = serenity::all::UserId::new(42);
    assert_eq!(command.data.resolved.users[&id].name, "user42");
    assert!(command.data.resolved.members.contains_key(&id));
    let inv = Invocation::from_data(&command.data);
    assert_eq!(inv.boolean("public"), Some(true));
    assert_eq!(inv.user("assignee"), Some(42));
}

#[test]
fn sub_command_groups_nest_their_sub_command() {
    let synth = Synth::with_definitions(test_definitions());
    let json = synth
        .command(
            &Actor::default(),
            r#"/story criteria add story:#3 text:"pays by card""#,
        )
        .unwrap();
    let group = &json["data"]["options"][0];
    assert_eq!(
        (group["name"].as_str(), group["type"].as_u64()),
        (Some("criteria"), Some(2))
    );
    assert_eq!(group["options"][0]["name"], "add");
    let inv = invocation(&json);
    assert_eq!(inv.path, "story criteria add");
    assert_eq!(inv.text("story"), Some("#3"));
    assert_eq!(inv.text("text"), Some("pays by card"));
}

#[test]
fn numbers_channels_roles_and_choices_are_typed() {
    let synth = Synth::with_definitions(test_definitions());
    let json = synth
        .command(
            &Actor::default(),
            "/kinds ratio:0.5 where:<#77> who:<@&88> size:large",
        )
        .unwrap();
    let resolved = &json["data"]["resolved"];
    assert_eq!(resolved["channels"]["77"]["id"], "77");
    assert_eq!(resolved["roles"]["88"]["id"], "88");
    let inv = invocation(&json);
    assert_eq!(
        inv.options,
        vec![
            ("ratio".to_string(), OptionValue::Number(0.5)),
            ("where".to_string(), OptionValue::Channel(77)),
            ("who".to_string(), OptionValue::Role(88)),
            ("size".to_string(), OptionValue::Integer(3)),
        ]
    );
    let bare = synth
        .command(&Actor::default(), "/kinds where:77 who:88 size:1")
        .unwrap();
    assert_eq!(invocation(&bare).channel("where"), Some(77));
    assert_eq!(invocation(&bare).role("who"), Some(88));
}

#[test]
fn the_actor_becomes_member_channel_and_caller() {
    let actor = Actor::member(42, "ada")
        .in_guild(5)
        .in_thread(600, 60)
        .with_roles([7, 8]);
    let json = Synth::new().command(&actor, "/help").unwrap();
    assert_eq!(json["guild_id"], "5");
    assert_eq!(
        json["member"]["permissions"],
        MEMBER_PERMISSIONS.to_string()
    );
    assert_eq!(json["member"]["user"]["username"], "ada");
    assert_eq!(json["channel"]["type"], 11);
    assert_eq!(json["channel"]["parent_id"], "60");
    let command = command_of(&json);
    assert_eq!(
        command.channel.as_ref().unwrap().kind,
        ChannelType::PublicThread
    );
    let caller = Caller::from_parts(
        command.guild_id,
        command.channel.as_ref(),
        command.channel_id,
        command.member.as_deref(),
        &command.user,
    )
    .unwrap();
    assert_eq!(
        caller,
        Caller {
            guild_id: 5,
            channel_id: 600,
            thread_parent_id: Some(60),
            user_id: 42,
            permissions: MEMBER_PERMISSIONS,
            role_ids: vec![7, 8],
        }
    );
    assert!(Actor::default().is_admin());
    assert_eq!(Actor::default().permissions & (1 << 5), 1 << 5);
    assert!(!actor.is_admin());
}

#[test]
fn autocomplete_focuses_the_last_option_as_a_string() {
    let json = Synth::new()
        .autocomplete(&Actor::default(), "/story move status:done story:gue")
        .unwrap();
    assert_eq!(json["type"], 4);
    let focused = &json["data"]["options"][0]["options"][1];
    assert_eq!(
        focused,
        &json!({"name": "story", "type": 3, "value": "gue", "focused": true})
    );
    let Interaction::Autocomplete(command) = to_interaction(&json).unwrap() else {
        panic!("not an autocomplete");
    };
    let inv = Invocation::from_data(&command.data);
    assert_eq!(inv.focused(), Some(("story", "gue")));
    assert_eq!(inv.text("status"), Some("done"));
    let empty = Synth::new()
        .autocomplete(&Actor::default(), "/story show story:")
        .unwrap();
    assert_eq!(empty["data"]["options"][0]["options"][0]["value"], "");
}

#[test]
fn a_button_press_carries_the_message_it_was_on() {
    let synth = Synth::new();
    let shown = json!({
        "content": "hello",
        "embeds": [{"title": "Backlog", "description": "x", "footer": {"text": "Page 1 of 2"},
                    "fields": [{"name": "a", "value": "b", "inline": true}], "color": 1}],
        "components": [{"type": 1, "components": [
            {"type": 2, "style": 2, "label": "Next", "custom_id": "bl:1:1::::", "disabled": false}
        ]}],
        "flags": 64,
    });
    let json = synth.button_press(&Actor::default(), "bl:1:1::::", 555, &shown);
    assert_eq!(json["type"], 3);
    assert_eq!(
        json["data"],
        json!({"custom_id": "bl:1:1::::", "component_type": 2})
    );
    assert_eq!(json["message"]["flags"], 64);
    let Interaction::Component(component) = to_interaction(&json).unwrap() else {
        panic!("not a component");
    };
    assert_eq!(component.data.custom_id, "bl:1:1::::");
    assert_eq!(component.message.id.get(), 555);
    assert!(component
        .message
        .flags
        .unwrap()
        .contains(MessageFlags::EPHEMERAL));
    assert_eq!(
        component.message.embeds[0].title.as_deref(),
        Some("Backlog")
    );
    assert_eq!(component.message.components.len(), 1);

    let public = synth.button_press(&Actor::default(), "x", 556, &json!({"content": "hi"}));
    let Interaction::Component(component) = to_interaction(&public).unwrap() else {
        panic!("not a component");
    };
    assert!(!component
        .message
        .flags
        .unwrap()
        .contains(MessageFlags::EPHEMERAL));
}

#[test]
fn a_modal_submit_carries_each_field_in_its_own_row() {
    let json = Synth::new().modal_submit(
        &Actor::default(),
        "fn",
        &[("title", "Guest checkout"), ("details", "")],
    );
    assert_eq!(json["type"], 5);
    assert_eq!(
        json["data"]["components"][0],
        json!({"type": 1, "components": [{"type": 4, "custom_id": "title", "value": "Guest checkout"}]})
    );
    let Interaction::Modal(modal) = to_interaction(&json).unwrap() else {
        panic!("not a modal");
    };
    assert_eq!(modal.data.custom_id, "fn");
    assert_eq!(modal.data.components.len(), 2);
}

#[test]
fn the_add_to_backlog_message_command_resolves_its_target() {
    let target = TargetMessage::new(42, "ada", "Guest checkout\nso people buy faster");
    let json = Synth::new()
        .message_command(&Actor::default(), "Add to backlog", &target)
        .unwrap();
    assert_eq!(json["data"]["type"], 3);
    assert_eq!(json["data"]["target_id"], target.id.to_string());
    let command = command_of(&json);
    assert_eq!(command.data.kind, serenity::all::CommandType::Message);
    let message = &command.data.resolved.messages[&target.id.into()];
    assert_eq!(message.content, target.content);
    assert_eq!(message.author.name, "ada");
    let unknown = Synth::new().message_command(&Actor::default(), "Nope", &target);
    assert!(error(unknown).contains("Add to backlog"));
}

#[test]
fn a_ping_deserialises() {
    let json = Synth::new().ping();
    let interaction = to_interaction(&json).unwrap();
    assert_eq!(interaction.kind(), InteractionType::Ping);
}

#[test]
fn snowflakes_are_strings_and_interaction_ids_are_unique() {
    let synth = Synth::new();
    let a = synth.command(&Actor::default(), "/help").unwrap();
    let b = synth.command(&Actor::default(), "/help").unwrap();
    for key in ["id", "application_id", "guild_id", "channel_id"] {
        assert!(a[key].is_string(), "{key}");
    }
    assert!(a["member"]["user"]["id"].is_string());
    assert_ne!(a["id"], b["id"]);
    assert_ne!(a["token"], b["token"]);
}

#[test]
fn typing_mistakes_are_explained() {
    let synth = Synth::new();
    let actor = Actor::default();
    let refused = |line: &str| error(synth.command(&actor, line));
    assert!(refused("/nope").contains("There is no /nope command. Commands: /story"));
    assert!(refused("/story ad title:x").contains("/story has no sub-command `ad`"));
    assert!(refused("/story").contains("/story needs a sub-command: add, show"));
    assert!(refused("/story add titel:x").contains("/story add has no option `titel`"));
    assert!(refused("/help x:1").contains("/help takes no options"));
    assert!(refused("/backlog extra").contains("options are written name:value"));
    assert!(refused("/story show").contains("/story show needs `story`"));
    assert!(refused("/story add title:x points:three").contains("`points` takes a whole number"));
    assert!(refused("/story add title:x points:101").contains("at most 100"));
    assert!(refused("/story add title:x type:epic").contains("`type` must be one of: feature"));
    assert!(refused("/backlog public:maybe").contains("`public` takes true or false"));
    assert!(refused("/backlog assignee:bob").contains("`assignee` takes a user"));
    assert!(refused("/story add title:a title:b").contains("`title` is given twice"));
    let long = format!("/story add title:{}", "x".repeat(201));
    assert!(refused(&long).contains("at most 200 characters"));
    assert!(refused("/story add https://example.com").contains("must be in quotes"));
    let kinds = Synth::with_definitions(test_definitions());
    assert!(error(kinds.command(&actor, "/kinds ratio:2")).contains("at most 1"));
    assert!(error(kinds.command(&actor, "/kinds where:general")).contains("a channel"));
    assert!(error(kinds.command(&actor, "/kinds who:<@9>")).contains("a role"));
    assert!(error(kinds.command(&actor, "/kinds file:x")).contains("cannot type"));
    assert!(error(synth.autocomplete(&actor, "/story add title:x")).contains("does not suggest"));
    assert!(error(synth.autocomplete(&actor, "/story show")).contains("story show story:"));
}

#[test]
fn choices_accept_the_shown_name_and_send_the_value() {
    let json = Synth::new()
        .command(&Actor::default(), "/story move story:1 status:DONE")
        .unwrap();
    assert_eq!(invocation(&json).text("status"), Some("done"));
}

#[test]
fn a_colon_in_an_unquoted_value_stays_in_it_unless_an_option_of_the_command_follows() {
    let synth = Synth::new();
    let json = synth
        .command(
            &Actor::default(),
            "/story add title:Meet at 10:30 daily details:Note: see https://example.com points:3",
        )
        .unwrap();
    let options = &json["data"]["options"][0]["options"];
    assert_eq!(options[0]["value"], "Meet at 10:30 daily");
    assert_eq!(options[1]["value"], "Note: see https://example.com");
    assert_eq!(options[2]["value"], 3);
}
