//! The HTTP server: `POST /interactions` (Discord's interactions endpoint, Ed25519-verified),
//! `GET /healthz` and `GET /metrics`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response as HttpResponse};
use axum::routing::{get, post};
use axum::Router;
use serenity::interactions_endpoint::Verifier;

use super::deadline::{answer_within, complete_late, FirstAnswer, DEFER_AFTER};
use crate::commands::Services;

/// How far a request's timestamp may be from now, in seconds.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

#[derive(Clone)]
struct EndpointState {
    services: Services,
    verifier: Arc<Verifier>,
}

/// Parses the application's hex public key.
pub fn verifier(public_key_hex: &str) -> anyhow::Result<Verifier> {
    let bytes: [u8; 32] = hex::decode(public_key_hex.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| anyhow::anyhow!("DISCORD_PUBLIC_KEY must be 64 hex digits"))?;
    Verifier::try_new(bytes)
        .map_err(|_| anyhow::anyhow!("DISCORD_PUBLIC_KEY is not a valid Ed25519 public key"))
}

pub fn router(services: Services, verifier: Verifier) -> Router {
    let state = EndpointState {
        services,
        verifier: Arc::new(verifier),
    };
    Router::new()
        .route("/interactions", post(interactions))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

fn unauthorized(reason: &'static str) -> HttpResponse {
    tracing::debug!(reason, "rejected an interaction request");
    (StatusCode::UNAUTHORIZED, reason).into_response()
}

async fn interactions(
    State(state): State<EndpointState>,
    headers: HeaderMap,
    body: Bytes,
) -> HttpResponse {
    let header_text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(signature), Some(timestamp)) = (
        header_text("x-signature-ed25519"),
        header_text("x-signature-timestamp"),
    ) else {
        return unauthorized("missing signature headers");
    };
    if state.verifier.verify(signature, timestamp, &body).is_err() {
        return unauthorized("invalid request signature");
    }
    let now = state.services.clock.now().timestamp();
    match timestamp.parse::<i64>() {
        Ok(sent) if (now - sent).abs() <= MAX_CLOCK_SKEW_SECS => {}
        _ => return unauthorized("stale or malformed timestamp"),
    }
    let interaction = match super::interaction_json::parse_interaction(&body) {
        Ok(interaction) => interaction,
        Err(error) => {
            tracing::warn!(error = %error, "a signed interaction did not parse");
            return unauthorized("malformed interaction");
        }
    };
    let token = interaction.token().to_string();
    let services = &state.services;
    let mut response = match answer_within(services, interaction, DEFER_AFTER).await {
        FirstAnswer::Now(response) => response,
        FirstAnswer::Late(deferral, work) => match services.rest.clone() {
            Some(http) => {
                let metrics = services.metrics.clone();
                services.in_flight.spawn(async move {
                    complete_late(&http, &metrics, &token, deferral, work).await
                });
                return json_body(serde_json::to_vec(&deferral.to_wire()).expect("serialises"));
            }
            // Nothing could complete a deferral: the answer is late, but it is all there is.
            None => work.await,
        },
    };
    if let Some(edit) = response.follow_up() {
        match services.rest.clone() {
            Some(http) => {
                let metrics = services.metrics.clone();
                services.in_flight.spawn(async move {
                    super::rest::send_follow_up(&http, &metrics, &token, edit).await
                });
            }
            // Without a token nothing could complete a deferral: answer now, without the file.
            None => response = response.with_picture_left_out(),
        }
    }
    json_body(response.to_body())
}

fn json_body(body: Vec<u8>) -> HttpResponse {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn healthz(State(state): State<EndpointState>) -> HttpResponse {
    if state.services.store.is_healthy().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

async fn metrics(State(state): State<EndpointState>) -> HttpResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.services.metrics.render(),
    )
        .into_response()
}
