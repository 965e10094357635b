//! The bot under test: the real [`App`] on `127.0.0.1:0`, in a runtime of its own on its own
//! thread (so the load generator's tasks never delay the bot's), with a temporary SQLite file
//! and the local fake Discord.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sprintmate::app::App;
use sprintmate::commands::{Clock, Services, SystemClock};
use sprintmate::config::{GatewaySwitch, Secret, Settings};
use tokio::sync::oneshot;

use crate::helpers::{public_key_hex, APPLICATION_ID};

/// The bot token the benchmark configures (the fake accepts anything).
pub const TOKEN: &str = "bench-token";

/// Settings for a bot on a free local port with `database` and Discord at `api_base`.
pub fn settings(database: &Path, api_base: &str) -> Settings {
    let mut settings = Settings::defaults();
    settings.http_listen = Some("127.0.0.1:0".parse().expect("an address"));
    settings.discord_public_key = Some(public_key_hex());
    settings.discord_token = Some(Secret::new(TOKEN));
    settings.discord_application_id = Some(APPLICATION_ID);
    settings.discord_api_base = api_base.to_string();
    settings.gateway = Some(GatewaySwitch::Off);
    settings.database_url = sqlite_url(database);
    settings
}

/// `sqlite://PATH`.
pub fn sqlite_url(database: &Path) -> String {
    format!("sqlite://{}", database.display())
}

/// A running bot; dropping it stops the bot and waits for its thread.
pub struct Bot {
    pub address: SocketAddr,
    pub services: Services,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Bot {
    /// Starts the bot with the system clock.
    pub fn start(settings: Settings) -> Self {
        Self::start_with_clock(settings, Arc::new(SystemClock))
    }

    pub fn start_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> Self {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("bot".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    // Named apart from the load generator's threads, for profiles.
                    .thread_name("bot-worker")
                    .enable_all()
                    .build()
                    .expect("the bot's runtime");
                runtime.block_on(async move {
                    let app = App::build_with_clock(settings, clock)
                        .await
                        .expect("the bot builds");
                    let address = app.http_addr().expect("the HTTP server is on");
                    ready_tx
                        .send((address, app.services().clone()))
                        .expect("the benchmark waits for the bot");
                    app.run_until_stopped(async move {
                        let _ = stopped.await;
                    })
                    .await
                    .expect("the bot stops cleanly");
                });
            })
            .expect("the bot's thread starts");
        let (address, services) = ready_rx.recv().expect("the bot started");
        Self {
            address,
            services,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `http://ADDRESS/interactions`.
    pub fn interactions_url(&self) -> String {
        format!("http://{}/interactions", self.address)
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A fresh temporary directory for one scenario's database.
pub fn temp_database() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("sprintmate.db");
    (dir, path)
}
