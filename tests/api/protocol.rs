//! The interactions endpoint's protocol with Discord: signatures, timestamps, PING, health and
//! metrics, command registration at start-up, restarts, an answer even when a handler panics;
//! and one real slash command end to end.

use chrono::Duration;
use ed25519_dalek::{Signer as _, SigningKey};
use serde_json::{json, Value};

use crate::fake_discord::FAKE_APPLICATION_ID;
use crate::helpers::{
    ping, spawn_app, spawn_app_with, TestApp, TestOptions, APPLICATION_ID, CHANNEL_ID, GUILD_ID,
    TOKEN, USER_ID,
};
use crate::openapi::{assert_valid, validate_interaction_response};

/// Posts a PING signed with the test key at `timestamp`.
async fn ping_at(app: &TestApp, timestamp: i64) -> (u16, String) {
    let body = serde_json::to_vec(&ping()).unwrap();
    let timestamp = timestamp.to_string();
    let headers = [
        ("X-Signature-Ed25519", TestApp::sign(&timestamp, &body)),
        ("X-Signature-Timestamp", timestamp),
    ];
    app.post_raw(&headers, body).await
}

#[tokio::test]
async fn a_signed_ping_is_answered_with_a_pong() {
    let app = spawn_app().await;

    let (status, response) = app.post_signed(&ping()).await;

    assert_eq!(status, 200);
    assert_eq!(response, json!({"type": 1}));
    validate_interaction_response(&response);
}

#[tokio::test]
async fn answers_are_labelled_as_json() {
    let app = spawn_app().await;
    let body = serde_json::to_vec(&ping()).unwrap();
    let timestamp = app.timestamp();
    let response = reqwest::Client::new()
        .post(format!("{}/interactions", app.base_url()))
        .header("Content-Type", "application/json")
        .header("X-Signature-Ed25519", TestApp::sign(&timestamp, &body))
        .header("X-Signature-Timestamp", timestamp)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    assert_eq!(response.text().await.unwrap(), r#"{"type":1}"#);
}

#[tokio::test]
async fn a_request_signed_with_another_key_is_refused_with_401() {
    let app = spawn_app().await;
    let body = serde_json::to_vec(&ping()).unwrap();
    let timestamp = app.timestamp();
    let mut message = timestamp.as_bytes().to_vec();
    message.extend_from_slice(&body);
    let forged = hex::encode(SigningKey::from_bytes(&[9; 32]).sign(&message).to_bytes());

    let (status, _) = app
        .post_raw(
            &[
                ("X-Signature-Ed25519", forged),
                ("X-Signature-Timestamp", timestamp),
            ],
            body,
        )
        .await;

    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_signature_over_a_different_body_or_garbage_is_refused_with_401() {
    let app = spawn_app().await;
    let timestamp = app.timestamp();
    let signed_for_other = TestApp::sign(&timestamp, b"{\"type\":1}");
    let body = serde_json::to_vec(&ping()).unwrap();

    for signature in [signed_for_other, "zz".repeat(64), String::new()] {
        let (status, _) = app
            .post_raw(
                &[
                    ("X-Signature-Ed25519", signature.clone()),
                    ("X-Signature-Timestamp", timestamp.clone()),
                ],
                body.clone(),
            )
            .await;
        assert_eq!(status, 401, "signature {signature:?}");
    }
}

#[tokio::test]
async fn a_request_without_signature_headers_is_refused_with_401() {
    let app = spawn_app().await;
    let body = serde_json::to_vec(&ping()).unwrap();
    let timestamp = app.timestamp();
    let signature = TestApp::sign(&timestamp, &body);

    let cases = [
        vec![],
        vec![("X-Signature-Timestamp", timestamp.clone())],
        vec![("X-Signature-Ed25519", signature)],
    ];
    for headers in cases {
        let (status, _) = app.post_raw(&headers, body.clone()).await;
        assert_eq!(status, 401, "headers {headers:?}");
    }
}

#[tokio::test]
async fn a_timestamp_six_minutes_old_is_refused_with_401() {
    let app = spawn_app().await;
    let now = app.clock.now().timestamp();

    let (status, _) = ping_at(&app, now - 6 * 60).await;

    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_timestamp_six_minutes_in_the_future_is_refused_with_401() {
    let app = spawn_app().await;
    let now = app.clock.now().timestamp();

    let (status, _) = ping_at(&app, now + 6 * 60).await;

    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_timestamp_four_minutes_off_is_still_accepted() {
    let app = spawn_app().await;
    let now = app.clock.now().timestamp();

    assert_eq!(ping_at(&app, now - 4 * 60).await.0, 200);
    assert_eq!(ping_at(&app, now + 4 * 60).await.0, 200);
}

#[tokio::test]
async fn the_endpoint_judges_timestamps_by_the_apps_clock() {
    let app = spawn_app().await;
    let sent = app.clock.now().timestamp();
    app.clock.advance(Duration::minutes(10));

    assert_eq!(ping_at(&app, sent).await.0, 401);
    assert_eq!(app.post_signed(&ping()).await.0, 200);
}

#[tokio::test]
async fn a_signed_but_malformed_body_is_refused_with_401() {
    let app = spawn_app().await;
    let timestamp = app.timestamp();

    for body in [
        b"not json at all".to_vec(),
        b"{\"type\": 99, \"id\": \"1\"}".to_vec(),
        b"{\"type\": 2}".to_vec(),
        Vec::new(),
    ] {
        let headers = [
            ("X-Signature-Ed25519", TestApp::sign(&timestamp, &body)),
            ("X-Signature-Timestamp", timestamp.clone()),
        ];
        let (status, _) = app.post_raw(&headers, body.clone()).await;
        assert_eq!(status, 401, "body {:?}", String::from_utf8_lossy(&body));
    }
}

#[tokio::test]
async fn the_health_check_answers_200_when_the_database_answers() {
    let app = spawn_app().await;

    let (status, body) = app.get("/healthz").await;

    assert_eq!(status, 200);
    assert_eq!(body, "ok");
}

#[tokio::test]
async fn metrics_count_interactions_by_command_and_outcome_in_prometheus_text() {
    let app = spawn_app().await;
    app.interact(&ping()).await;

    let (status, text) = app.get("/metrics").await;

    assert_eq!(status, 200);
    assert!(
        text.contains("sprintmate_interactions_total{command=\"ping\",outcome=\"ok\"} 1"),
        "{text}"
    );
    assert!(text.contains("sprintmate_handler_seconds_bucket"), "{text}");
    assert!(text.trim_end().ends_with("# EOF"), "{text}");
}

/// A handler that panics (here reading a vote row whose `opened_by` was edited into text by
/// hand) still answers, privately, like any failure on our side: the caller gets a reference
/// to quote, the metrics count an error, and the endpoint goes on answering. Unanswered, the
/// connection would drop and Discord would show "The application did not respond".
#[tokio::test]
async fn a_handler_that_panics_still_answers_privately_with_a_reference() {
    let app = spawn_app().await;
    let po = sprintmate::console::synth::Actor::admin(100, "ada");
    for title in ["One", "Two"] {
        crate::chat::say(&app, &po, &format!("/story add title:{title}")).await;
    }
    crate::chat::say(&app, &po, "/vote start method:score stories:1,2").await;
    sqlx::query("UPDATE votes SET opened_by = 'ada'")
        .execute(app.services().store.pool())
        .await
        .unwrap();

    let answer = crate::chat::say(&app, &po, "/vote status").await;

    assert!(crate::chat::is_ephemeral(&answer), "{answer}");
    let text = crate::chat::text(&answer);
    assert!(
        text.starts_with("Something went wrong on our side (reference `"),
        "{text}"
    );
    let (_, metrics) = app.get("/metrics").await;
    assert!(
        metrics
            .contains("sprintmate_interactions_total{command=\"vote status\",outcome=\"error\"} 1"),
        "{metrics}"
    );
    let (status, _) = app.post_signed(&ping()).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn at_start_up_the_commands_are_registered_globally_with_one_valid_put() {
    let app = spawn_app().await;
    let fake = app.fake();

    let puts: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();

    assert_eq!(puts.len(), 1, "{puts:#?}");
    let put = &puts[0];
    assert_eq!(
        put.path,
        format!("/api/v10/applications/{APPLICATION_ID}/commands")
    );
    assert_eq!(put.header("authorization"), Some(&*format!("Bot {TOKEN}")));
    assert_eq!(put.status, 200);
    let commands = put
        .body
        .as_ref()
        .and_then(Value::as_array)
        .expect("a JSON array");
    let names: Vec<&str> = commands.iter().filter_map(|c| c["name"].as_str()).collect();
    for expected in ["story", "backlog", "team", "help"] {
        assert!(names.contains(&expected), "{names:?}");
    }
    for command in commands {
        assert_valid("ApplicationCommandUpdateRequest", command);
    }
    assert!(fake
        .requests_to("GET", "/oauth2/applications/@me")
        .is_empty());
    fake.assert_no_violations();
}

#[tokio::test]
async fn with_a_guild_id_the_commands_are_registered_in_that_guild_only() {
    let app = spawn_app_with(TestOptions {
        guild_id: Some(GUILD_ID),
        ..TestOptions::default()
    })
    .await;
    let fake = app.fake();

    let puts: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();

    assert_eq!(puts.len(), 1, "{puts:#?}");
    assert_eq!(
        puts[0].path,
        format!("/api/v10/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands")
    );
    for command in puts[0].body.as_ref().and_then(Value::as_array).unwrap() {
        assert_valid("ApplicationCommandUpdateRequest", command);
    }
    fake.assert_no_violations();
}

#[tokio::test]
async fn without_an_application_id_the_app_asks_discord_for_it_before_registering() {
    let app = spawn_app_with(TestOptions {
        application_id: None,
        ..TestOptions::default()
    })
    .await;

    let requests = app.fake().requests();

    let routes: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        routes,
        [
            "GET /api/v10/oauth2/applications/@me".to_string(),
            format!("PUT /api/v10/applications/{FAKE_APPLICATION_ID}/commands"),
        ]
    );
    app.fake().assert_no_violations();
}

#[tokio::test]
async fn the_app_restarts_on_the_same_database() {
    let mut app = spawn_app().await;
    let now = app.clock.now().timestamp();
    app.services()
        .store
        .create_team(GUILD_ID, "Core", now)
        .await
        .unwrap()
        .expect("a new team");
    let first_address = app.address;

    app.restart().await;

    assert_ne!(app.address, first_address, "a new server was started");
    let team = app
        .services()
        .store
        .team_by_name(GUILD_ID, "Core")
        .await
        .unwrap();
    assert!(
        team.is_some(),
        "the team written before the restart is gone"
    );
    assert_eq!(app.interact(&ping()).await, json!({"type": 1}));
    assert_eq!(app.get("/healthz").await.0, 200);
    let puts = app
        .fake()
        .requests_to("PUT", "/applications/{app}/commands");
    assert_eq!(puts.len(), 2, "each start registers the commands once");
    app.fake().assert_no_violations();
    app.stop().await;
}

/// `/help` as Discord sends it from a guild text channel, written out by hand.
fn help_command() -> Value {
    json!({
        "id": "1300000000000000900",
        "application_id": APPLICATION_ID.to_string(),
        "type": 2,
        "data": {
            "id": "1300000000000000901",
            "name": "help",
            "type": 1,
        },
        "guild_id": GUILD_ID.to_string(),
        "guild": {"id": GUILD_ID.to_string(), "features": [], "locale": "en-US"},
        "guild_locale": "en-US",
        "channel_id": CHANNEL_ID.to_string(),
        "channel": {
            "id": CHANNEL_ID.to_string(),
            "type": 0,
            "name": "backlog",
            "guild_id": GUILD_ID.to_string(),
            "parent_id": null,
            "permissions": "2248473465835073",
            "flags": 0,
            "nsfw": false,
            "position": 3,
            "rate_limit_per_user": 0,
            "topic": null,
            "last_message_id": null,
        },
        "member": {
            "user": {
                "id": USER_ID.to_string(),
                "username": "ada",
                "discriminator": "0",
                "global_name": "Ada",
                "avatar": null,
                "public_flags": 0,
            },
            "nick": null,
            "avatar": null,
            "banner": null,
            "roles": [],
            "joined_at": "2025-11-03T10:00:00.000000+00:00",
            "premium_since": null,
            "deaf": false,
            "mute": false,
            "flags": 0,
            "pending": false,
            "permissions": "2248473465835073",
            "communication_disabled_until": null,
            "unusual_dm_activity_until": null,
        },
        "token": "aW50ZXJhY3Rpb246MTMwMDAwMDAwMDAwMDAwMDkwMA",
        "version": 1,
        "app_permissions": "2248473465835073",
        "locale": "en-GB",
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID.to_string()},
        "context": 0,
        "attachment_size_limit": 10485760,
    })
}

#[tokio::test]
async fn slash_help_is_answered_with_a_valid_private_guide_to_the_commands() {
    let app = spawn_app().await;

    let response = app.interact(&help_command()).await;

    assert_eq!(response["type"], 4, "{response}");
    let data = &response["data"];
    assert_eq!(
        data["flags"].as_u64().map(|f| f & 64),
        Some(64),
        "ephemeral"
    );
    let text = data.to_string();
    for command in ["/story", "/backlog", "/team"] {
        assert!(text.contains(command), "{command} missing from {data}");
    }
    assert_eq!(data["allowed_mentions"]["parse"], json!([]));
    let (_, metrics) = app.get("/metrics").await;
    assert!(
        metrics.contains("sprintmate_interactions_total{command=\"help\",outcome=\"ok\"} 1"),
        "{metrics}"
    );
    app.fake().assert_no_violations();
}
