//! `spawn_app()`: the whole bot on `127.0.0.1:0` with a temporary SQLite file, a controlled clock
//! and a fake Discord API, and [`TestApp`], which talks to it the way Discord does (signed
//! requests to `POST /interactions`).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::{DateTime, TimeZone as _, Utc};
use ed25519_dalek::{Signer as _, SigningKey};
use serde_json::{json, Value};
use sprintmate::app::App;
use sprintmate::commands::{Clock, Services};
use sprintmate::config::{GatewaySwitch, Secret, Settings};
use sprintmate::discord::outbox_sender::OutboxSender;
use sprintmate::scheduler::Scheduler;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::fake_discord::{FakeDiscord, FAKE_APPLICATION_ID, WEBHOOK_CHANNEL_ID};
use crate::openapi::validate_interaction_response;

/// The application id the test app is configured with (the same the fake reports).
pub const APPLICATION_ID: u64 = FAKE_APPLICATION_ID;
/// The guild, channel and user the hand-written interactions come from.
pub const GUILD_ID: u64 = 1_200_000_000_000_000_001;
pub const CHANNEL_ID: u64 = WEBHOOK_CHANNEL_ID;
pub const USER_ID: u64 = 1_200_000_000_000_000_003;
/// The bot token the app is configured with.
pub const TOKEN: &str = "test-token";

/// The seed of the Ed25519 key the tests sign with (its public half is `DISCORD_PUBLIC_KEY`).
const TEST_KEY_SEED: [u8; 32] = [7; 32];

/// The key Discord would sign with; the app knows its public half.
pub fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&TEST_KEY_SEED)
}

/// The hex public key the app is configured with.
pub fn public_key_hex() -> String {
    hex::encode(signing_key().verifying_key().to_bytes())
}

/// A clock the tests set and advance; starts on Monday 2026-03-02 09:00 UTC.
#[derive(Debug)]
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self(Mutex::new(now))
    }

    /// The current test time (also what the app sees through [`Clock`]).
    pub fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *self.0.lock().unwrap() = now;
    }

    pub fn advance(&self, by: chrono::Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Default for TestClock {
    fn default() -> Self {
        Self::new(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap())
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        TestClock::now(self)
    }
}

/// What `spawn_app_with` varies.
#[derive(Debug)]
pub struct TestOptions {
    /// `DISCORD_APPLICATION_ID`; `None` makes the app ask the fake for it.
    pub application_id: Option<u64>,
    /// `DISCORD_GUILD_ID`: register the commands in this guild only.
    pub guild_id: Option<u64>,
    /// A fake Discord to use, e.g. one already told to fail; a fresh one otherwise.
    pub fake: Option<FakeDiscord>,
    pub clock: Arc<TestClock>,
    /// Whether the app runs its scheduler loop; off when a test steps [`TestApp::scheduler`].
    pub scheduler_loop: bool,
    /// Runs the HTTP endpoint without `DISCORD_TOKEN` (no REST client, no scheduler posts).
    pub without_token: bool,
}

impl Default for TestOptions {
    fn default() -> Self {
        Self {
            application_id: Some(APPLICATION_ID),
            guild_id: None,
            fake: None,
            clock: Arc::new(TestClock::default()),
            scheduler_loop: true,
            without_token: false,
        }
    }
}

/// The running bot and everything around it.
pub struct TestApp {
    pub address: SocketAddr,
    pub settings: Settings,
    pub clock: Arc<TestClock>,
    pub client: reqwest::Client,
    fake: FakeDiscord,
    services: Services,
    scheduler_loop: bool,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    /// Keeps the database's directory alive as long as the app.
    _database_dir: tempfile::TempDir,
}

/// Logs to the test output when `TEST_LOG` is set (e.g. `TEST_LOG=sprintmate=debug`).
fn init_tracing() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        if let Ok(filter) = std::env::var("TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
    });
}

/// The bot with default options.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(TestOptions::default()).await
}

pub async fn spawn_app_with(options: TestOptions) -> TestApp {
    init_tracing();
    let fake = match options.fake {
        Some(fake) => fake,
        None => FakeDiscord::start().await,
    };
    let database_dir = tempfile::tempdir().expect("a temporary directory");
    let database = database_dir.path().join("sprintmate.db");

    let mut settings = Settings::defaults();
    settings.http_listen = Some("127.0.0.1:0".parse().unwrap());
    settings.discord_public_key = Some(public_key_hex());
    settings.discord_token = (!options.without_token).then(|| Secret::new(TOKEN));
    settings.discord_application_id = options.application_id;
    settings.discord_guild_id = options.guild_id;
    settings.discord_api_base = fake.base_url();
    settings.gateway = Some(GatewaySwitch::Off);
    settings.database_url = format!("sqlite://{}", database.display());

    let (address, services, shutdown, task) =
        launch(&settings, &options.clock, options.scheduler_loop).await;
    TestApp {
        address,
        settings,
        clock: options.clock,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client"),
        fake,
        services,
        scheduler_loop: options.scheduler_loop,
        shutdown: Some(shutdown),
        task: Some(task),
        _database_dir: database_dir,
    }
}

type Launched = (
    SocketAddr,
    Services,
    oneshot::Sender<()>,
    JoinHandle<anyhow::Result<()>>,
);

async fn launch(settings: &Settings, clock: &Arc<TestClock>, scheduler_loop: bool) -> Launched {
    let mut app = App::build_with_clock(settings.clone(), clock.clone())
        .await
        .expect("the app builds");
    if !scheduler_loop {
        app = app.without_scheduler_loop();
    }
    let address = app.http_addr().expect("the HTTP server is on");
    let services = app.services().clone();
    let (shutdown, stop) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until_stopped(async move {
        let _ = stop.await;
    }));
    (address, services, shutdown, task)
}

impl TestApp {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The fake Discord API the app talks to.
    pub fn fake(&self) -> &FakeDiscord {
        &self.fake
    }

    /// The app's services (store, clock, metrics), e.g. to look into the database.
    pub fn services(&self) -> &Services {
        &self.services
    }

    /// A scheduler over the app's database and the fake Discord, to step with
    /// [`Scheduler::run_due`] (spawn the app with `scheduler_loop: false` so nothing else sends).
    pub fn scheduler(&self) -> Scheduler {
        let sender = OutboxSender::new(&self.settings, Secret::new(TOKEN));
        Scheduler::new(self.services.clone(), Some(sender))
    }

    /// One scheduler step (a fresh sender) at the clock's time.
    pub async fn step_scheduler(&self) -> sprintmate::scheduler::StepReport {
        self.scheduler()
            .run_due(self.clock.now().timestamp())
            .await
            .expect("the scheduler step runs")
    }

    /// The clock's now as Discord's `X-Signature-Timestamp`.
    pub fn timestamp(&self) -> String {
        self.clock.now().timestamp().to_string()
    }

    /// The hex `X-Signature-Ed25519` of `timestamp + body` with the test key.
    pub fn sign(timestamp: &str, body: &[u8]) -> String {
        // Deriving the key from its seed is a scalar multiplication, about as costly as the
        // signature itself; the benchmark's load generator signs every request on the same
        // two cores as the bot, so the key is derived once.
        static KEY: std::sync::LazyLock<SigningKey> = std::sync::LazyLock::new(signing_key);
        let mut message = timestamp.as_bytes().to_vec();
        message.extend_from_slice(body);
        hex::encode(KEY.sign(&message).to_bytes())
    }

    /// Posts `body` to `/interactions` signed as Discord would; the status and the JSON answer
    /// (a JSON string holding the text when the answer is not JSON).
    pub async fn post_signed(&self, body: &Value) -> (u16, Value) {
        let body = serde_json::to_vec(body).expect("JSON");
        let timestamp = self.timestamp();
        let headers = [
            ("X-Signature-Ed25519", Self::sign(&timestamp, &body)),
            ("X-Signature-Timestamp", timestamp),
        ];
        let (status, text) = self.post_raw(&headers, body).await;
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, json)
    }

    /// Posts `body` to `/interactions` with exactly `headers`; the status and the text answer.
    pub async fn post_raw(
        &self,
        headers: &[(&str, String)],
        body: impl Into<Vec<u8>>,
    ) -> (u16, String) {
        let mut request = self
            .client
            .post(format!("{}/interactions", self.base_url()))
            .header("Content-Type", "application/json")
            .body(body.into());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.expect("the app answers");
        let status = response.status().as_u16();
        (status, response.text().await.expect("a text body"))
    }

    /// `GET path`; the status and the text answer.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.base_url()))
            .send()
            .await
            .expect("the app answers");
        let status = response.status().as_u16();
        (status, response.text().await.expect("a text body"))
    }

    /// Sends a signed interaction, asserts a 200 and a response valid against Discord's spec
    /// and limits, and returns it.
    pub async fn interact(&self, interaction: &Value) -> Value {
        let (status, response) = self.post_signed(interaction).await;
        assert_eq!(status, 200, "the interaction was not answered: {response}");
        validate_interaction_response(&response);
        response
    }

    /// Stops the app cleanly (it must exit without error) and starts a new one on the same
    /// database file, clock and fake Discord. The HTTP address changes.
    pub async fn restart(&mut self) {
        self.stop_app().await;
        let (address, services, shutdown, task) =
            launch(&self.settings, &self.clock, self.scheduler_loop).await;
        self.address = address;
        self.services = services;
        self.shutdown = Some(shutdown);
        self.task = Some(task);
    }

    /// Stops the app and asserts it exited cleanly.
    pub async fn stop(mut self) {
        self.stop_app().await;
    }

    async fn stop_app(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(10), task)
                .await
                .expect("the app stops within 10 s")
                .expect("the app task did not panic")
                .expect("the app stopped without error");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// A `PING` as Discord sends it to check the endpoint.
pub fn ping() -> Value {
    json!({
        "id": "1300000000000000777",
        "application_id": APPLICATION_ID.to_string(),
        "type": 1,
        "token": "ping-token",
        "version": 1,
    })
}
