//! The fake's own tests: serenity reads every answer, the bot's bodies pass the spec, and
//! planned failures answer as Discord does.

use serde_json::{json, Value};

use crate::fake_discord::*;

/// A serenity client pointed at `fake`, as the app builds it.
fn serenity_client(fake: &FakeDiscord) -> serenity::all::Http {
    serenity::all::HttpBuilder::new("test-token")
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .application_id(serenity::all::ApplicationId::new(FAKE_APPLICATION_ID))
        .build()
}

#[tokio::test]
async fn serenity_reads_every_answer_of_the_fake_and_the_bots_bodies_pass_the_spec() {
    use serenity::all::{
        ChannelId, ChannelType, CreateAttachment, CreateThread, EditMessage, GuildId,
        InteractionId, MessageId,
    };
    use sprintmate::commands::registry::all_commands;
    use sprintmate::render::{Button, ButtonStyle, Embed, Message, Response};

    let fake = FakeDiscord::start().await;
    let http = serenity_client(&fake);
    let card = Message::public_text("Story #1 added")
        .with_embed(Embed {
            title: Some("#1 Guest checkout".into()),
            description: Some("As a guest I can pay".into()),
            fields: vec![("Points".into(), "3".into(), true)],
            footer: Some("Core".into()),
            color: Some(0x5865F2),
            url: None,
            image: None,
        })
        .with_row(vec![Button::new("st:1:done", "Done", ButtonStyle::Success)]);

    let info = http
        .get_current_application_info()
        .await
        .expect("application");
    assert_eq!(info.id.get(), FAKE_APPLICATION_ID);
    let global = http
        .create_global_commands(&all_commands())
        .await
        .expect("commands");
    assert_eq!(global.len(), all_commands().len());
    let guild = http
        .create_guild_commands(GuildId::new(5), &all_commands())
        .await
        .expect("guild commands");
    assert_eq!(guild[0].guild_id, Some(GuildId::new(5)));
    fake.set_guild_name(5, "Initech");
    let partial = http.get_guild(GuildId::new(5)).await.expect("guild");
    assert_eq!(partial.name, "Initech");
    let posted = ChannelId::new(10)
        .send_message(&http, card.to_channel_message())
        .await
        .expect("message");
    assert_eq!(posted.content, "Story #1 added");
    assert_eq!(posted.embeds[0].fields[0].value, "3");
    assert_eq!(posted.components[0].components.len(), 1);
    http.create_interaction_response(
        InteractionId::new(7),
        "token",
        &Response::Message(card.clone()).to_wire(),
        Vec::new(),
    )
    .await
    .expect("callback");
    let edited = http
        .edit_original_interaction_response("token", &card.to_response_edit(), Vec::new())
        .await
        .expect("original edited");
    assert_eq!(edited.content, "Story #1 added");
    let edited = ChannelId::new(10)
        .edit_message(&http, posted.id, EditMessage::new().content("changed"))
        .await
        .expect("message edited");
    assert_eq!((edited.id, edited.content.as_str()), (posted.id, "changed"));
    let thread = ChannelId::new(10)
        .create_thread(
            &http,
            CreateThread::new("Sprint 4").kind(ChannelType::PublicThread),
        )
        .await
        .expect("thread");
    assert_eq!(thread.parent_id, Some(ChannelId::new(10)));
    let from_message = ChannelId::new(10)
        .create_thread_from_message(&http, MessageId::new(99), CreateThread::new("Story #1"))
        .await
        .expect("thread from a message");
    assert_eq!(from_message.id.get(), 99);

    let with_file = ChannelId::new(10)
        .send_files(
            &http,
            [CreateAttachment::bytes(b"\x89PNG".to_vec(), "burndown.png")],
            card.to_channel_message(),
        )
        .await
        .expect("message with a file");
    assert_eq!(with_file.content, "Story #1 added");
    let upload = fake.requests().pop().expect("the upload");
    assert_eq!(upload.files, ["burndown.png"]);
    assert_eq!(upload.file_bytes, [b"\x89PNG".to_vec()]);
    assert_eq!(
        upload.body.expect("payload_json")["content"],
        "Story #1 added"
    );

    assert_eq!(fake.requests().len(), 11);
    fake.assert_no_violations();
}

#[tokio::test]
async fn a_route_told_to_fail_answers_429_with_retry_after_then_recovers() {
    let fake = FakeDiscord::start().await;
    let http = serenity_client(&fake);
    fake.fail_next(
        "POST",
        "/channels/{channel_id}/messages",
        2,
        Failure::RateLimited {
            retry_after_secs: 1.5,
        },
    );
    let client = reqwest::Client::new();
    let url = format!("{}/api/v10/channels/10/messages", fake.base_url());

    let raw = client
        .post(&url)
        .json(&json!({"content": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 429);
    assert_eq!(raw.headers()["retry-after"], "2");
    let body: Value = raw.json().await.unwrap();
    assert_eq!(body["retry_after"], 1.5);
    assert_eq!(body["global"], false);

    let refused = serenity::all::ChannelId::new(10)
        .say(&http, "hi")
        .await
        .expect_err("rate limited");
    match refused {
        serenity::Error::Http(error) => {
            assert_eq!(error.status_code().map(|s| s.as_u16()), Some(429))
        }
        other => panic!("unexpected error {other:?}"),
    }

    let first = serenity::all::ChannelId::new(10)
        .say(&http, "hi")
        .await
        .unwrap();
    let second = serenity::all::ChannelId::new(10)
        .say(&http, "hi")
        .await
        .unwrap();
    assert!(second.id > first.id, "snowflakes increase");
    let statuses: Vec<u16> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 200, 200]);
    fake.assert_no_violations();
}

#[tokio::test]
async fn a_route_told_to_fail_answers_500_or_403_as_discord_does() {
    let fake = FakeDiscord::start().await;
    let http = serenity_client(&fake);
    fake.fail_next("GET", "/guilds/{guild_id}", 1, Failure::ServerError);
    fake.fail_next("GET", "/guilds/{guild_id}", 1, Failure::Forbidden);

    let status = |e: serenity::Error| match e {
        serenity::Error::Http(error) => error.status_code().map(|s| s.as_u16()),
        _ => None,
    };
    let guild = serenity::all::GuildId::new(5);
    assert_eq!(
        http.get_guild(guild).await.map_err(status).unwrap_err(),
        Some(500)
    );
    assert_eq!(
        http.get_guild(guild).await.map_err(status).unwrap_err(),
        Some(403)
    );
    assert_eq!(
        http.get_guild(guild).await.unwrap().name,
        DEFAULT_GUILD_NAME
    );
}

#[tokio::test]
async fn a_body_the_spec_rejects_and_an_unknown_route_are_recorded_as_violations() {
    let fake = FakeDiscord::start().await;
    let client = reqwest::Client::new();

    client
        .post(format!("{}/api/v10/channels/10/messages", fake.base_url()))
        .json(&json!({"content": "x".repeat(2001), "embeds": [{"title": 5}]}))
        .send()
        .await
        .unwrap();
    let unknown = client
        .get(format!("{}/api/v10/nowhere/1", fake.base_url()))
        .send()
        .await
        .unwrap();

    assert_eq!(unknown.status().as_u16(), 404);
    let violations = fake.violations();
    assert!(
        violations.iter().any(|v| v.contains("/embeds/0/title")),
        "{violations:#?}"
    );
    assert!(
        violations.iter().any(|v| v.contains("Discord allows 2000")),
        "{violations:#?}"
    );
    assert!(
        violations
            .iter()
            .any(|v| v.contains("GET /api/v10/nowhere/1")),
        "{violations:#?}"
    );
}
