//! The `sprintmate` binary: parses the command line, loads settings, sets up logging, and hands
//! over to the library.

use clap::{Parser, Subcommand};
use sprintmate::app::App;
use sprintmate::config::Settings;

#[derive(Parser)]
#[command(
    name = "sprintmate",
    version,
    about = "A Product Owner bot for Discord"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database, register the commands, and serve Discord (the default).
    Run,
    /// Try every command locally, without Discord: type slash commands, press buttons by number,
    /// fill forms. Uses the configured database.
    Console,
    /// Print the command definitions as the JSON sent to Discord.
    Commands,
    /// Write a guild's teams (or one team) to stdout as a JSON backup.
    Export {
        /// The Discord guild (server) id.
        #[arg(long)]
        guild: u64,
        /// Only this team (by name, any case).
        #[arg(long)]
        team: Option<String>,
    },
    /// Restore teams from a JSON backup made by `export` (`-` reads stdin). Refuses, and writes
    /// nothing, when the guild already has a team of the same name.
    Import {
        /// The export file, or `-` for stdin.
        file: String,
    },
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|error| {
        // Said before logging starts, so it reaches the terminal whatever the filter.
        eprintln!(
            "sprintmate: RUST_LOG ({filter}) is not a valid filter ({error}); logging at info"
        );
        tracing_subscriber::EnvFilter::new("info")
    });
    // Colours only on a terminal: piped logs (systemd, docker, tests) stay greppable.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .init();
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is called (not when the
/// future is first polled), so a signal that arrives while the app is still starting is not lost
/// to the default action.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    #[cfg(unix)]
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::spawn(async move {
        #[cfg(unix)]
        let term = async {
            match terminate.as_mut() {
                Some(signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            _ = ctrl_c => {},
            _ = term => {},
        }
        let _ = tx.send(());
    });
    async move {
        let _ = rx.await;
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("sprintmate: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Command::Run) {
        Command::Commands => {
            let json = sprintmate::commands::registry::commands_json();
            println!(
                "{}",
                serde_json::to_string_pretty(&json).expect("JSON prints")
            );
            Ok(())
        }
        Command::Export { guild, team } => {
            init_logging(&std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_string()));
            sprintmate::backup::cli::export(&settings, guild, team.as_deref()).await
        }
        Command::Import { file } => {
            init_logging(&std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_string()));
            sprintmate::backup::cli::import(&settings, &file).await
        }
        Command::Console => {
            // Only problems go to stderr unless RUST_LOG asks for more: the console is the output.
            let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_string());
            init_logging(&filter);
            sprintmate::console::run_stdio(settings).await
        }
        Command::Run => {
            init_logging(&settings.log);
            let shutdown = shutdown_signal();
            match App::build(settings).await {
                Ok(app) => app.run_until_stopped(shutdown).await,
                Err(error) => Err(error),
            }
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sprintmate: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
