//! Typed settings: the built-in `config/default.toml`, then an optional file named by
//! `SPRINTMATE_CONFIG`, then environment variables (which win).
//!
//! Secrets are wrapped in [`Secret`], whose `Debug` and `Display` never show the value, so a
//! settings struct can be logged whole without leaking the token.

use std::fmt;
use std::net::SocketAddr;
use std::num::NonZeroU32;

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::Deserialize;

/// The defaults file, compiled in so the binary runs from any directory.
pub const DEFAULTS_TOML: &str = include_str!("../config/default.toml");

/// Environment variables the bot reads, and the settings key each one sets.
const ENV_KEYS: &[(&str, &str)] = &[
    ("DISCORD_TOKEN", "discord_token"),
    ("DISCORD_APPLICATION_ID", "discord_application_id"),
    ("DISCORD_PUBLIC_KEY", "discord_public_key"),
    ("DISCORD_API_BASE", "discord_api_base"),
    ("DISCORD_GUILD_ID", "discord_guild_id"),
    (
        "SPRINTMATE_DISCORD_REQUESTS_PER_SECOND",
        "discord_requests_per_second",
    ),
    ("SPRINTMATE_DATABASE_URL", "database_url"),
    ("SPRINTMATE_HTTP_LISTEN", "http_listen"),
    ("SPRINTMATE_GATEWAY", "gateway"),
    ("RUST_LOG", "log"),
];

/// A value that must never reach a log line.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; call only where it is handed to the library that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Whether to connect to Discord's gateway; read by [`gateway_switch`] (blank is unset, any
/// case), not by a derive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GatewaySwitch {
    On,
    Off,
}

/// Every setting of the bot. See `config/default.toml` for what each key means.
#[derive(Clone, Debug, Deserialize)]
pub struct Settings {
    #[serde(default, deserialize_with = "empty_as_none")]
    pub discord_token: Option<Secret>,
    #[serde(default, deserialize_with = "discord_id")]
    pub discord_application_id: Option<u64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub discord_public_key: Option<String>,
    pub discord_api_base: String,
    #[serde(default, deserialize_with = "discord_id")]
    pub discord_guild_id: Option<u64>,
    /// Discord's global rate limit for this bot: the outbox never sends faster.
    pub discord_requests_per_second: NonZeroU32,
    pub database_url: String,
    #[serde(default, deserialize_with = "listen_address")]
    pub http_listen: Option<SocketAddr>,
    #[serde(default, deserialize_with = "gateway_switch")]
    pub gateway: Option<GatewaySwitch>,
    pub log: String,
}

/// An optional text setting; blank means unset, like an unset variable.
fn empty_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: From<String>,
{
    let value: Option<String> = Option::deserialize(deserializer)?;
    Ok(value.filter(|v| !v.trim().is_empty()).map(T::from))
}

/// A Discord id from a file (a number) or the environment (digits); blank means unset. Zero
/// is refused here: serenity's id types cannot hold it and would panic at start-up.
fn discord_id<'de, D>(deserializer: D) -> Result<Option<u64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum RawId {
        Number(u64),
        Text(String),
    }
    let id = match Option::<RawId>::deserialize(deserializer)? {
        None => return Ok(None),
        Some(RawId::Number(id)) => id,
        Some(RawId::Text(text)) if text.trim().is_empty() => return Ok(None),
        Some(RawId::Text(text)) => text
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom("expected a Discord id (digits only)"))?,
    };
    if id == 0 {
        return Err(serde::de::Error::custom(
            "expected a Discord id, a positive number (0 is not one)",
        ));
    }
    Ok(Some(id))
}

fn listen_address<'de, D>(deserializer: D) -> Result<Option<SocketAddr>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    empty_as_none::<_, String>(deserializer)?
        .map(|text| {
            text.trim().parse().map_err(|_| {
                serde::de::Error::custom("expected an address and port, such as 0.0.0.0:8080")
            })
        })
        .transpose()
}

fn gateway_switch<'de, D>(deserializer: D) -> Result<Option<GatewaySwitch>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    empty_as_none::<_, String>(deserializer)?
        .map(|text| match text.trim().to_ascii_lowercase().as_str() {
            "on" => Ok(GatewaySwitch::On),
            "off" => Ok(GatewaySwitch::Off),
            _ => Err(serde::de::Error::custom("expected on or off")),
        })
        .transpose()
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

impl Settings {
    /// Loads defaults, then the `SPRINTMATE_CONFIG` file if set, then the process environment.
    pub fn load() -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULTS_TOML));
        if let Ok(path) = std::env::var("SPRINTMATE_CONFIG") {
            if !std::path::Path::new(&path).exists() {
                return Err(ConfigError(format!(
                    "SPRINTMATE_CONFIG names {path}, which does not exist"
                )));
            }
            figment = figment.merge(Toml::file(path));
        }
        let env = Env::raw()
            .filter_map(|key| {
                ENV_KEYS
                    .iter()
                    .find(|(var, _)| key.as_str().eq_ignore_ascii_case(var))
                    .map(|(_, setting)| (*setting).into())
            })
            .split("__");
        figment
            .merge(env)
            .extract()
            .map_err(|e| ConfigError(redact_figment_error(e)))
    }

    /// Settings with the built-in defaults only (for tests and tools that build their own).
    pub fn defaults() -> Self {
        Figment::from(Toml::string(DEFAULTS_TOML))
            .extract()
            .expect("the built-in defaults parse")
    }

    /// Whether to connect to the gateway: explicit switch, else on when a token is set.
    pub fn gateway_enabled(&self) -> bool {
        match self.gateway {
            Some(GatewaySwitch::On) => true,
            Some(GatewaySwitch::Off) => false,
            None => self.discord_token.is_some(),
        }
    }
}

/// Figment errors can quote the offending value; describe the problem without it so a
/// mistyped secret never reaches the terminal or a log. Each problem names where the value
/// came from: the environment variable, or the file (a TOML syntax error gives only its line
/// and column, since the line itself may hold a secret).
fn redact_figment_error(error: figment::Error) -> String {
    error
        .into_iter()
        .map(|e| {
            let key = e.path.join(".");
            let file = match e.metadata.as_ref().and_then(|m| m.source.as_ref()) {
                Some(figment::Source::File(path)) => Some(path.display().to_string()),
                _ => None,
            };
            let from_environment = e
                .metadata
                .as_ref()
                .is_some_and(|m| m.name.contains("environment"));
            let problem = match &e.kind {
                figment::error::Kind::InvalidType(_, expected) => format!("expected {expected}"),
                figment::error::Kind::InvalidValue(_, expected) => format!("expected {expected}"),
                figment::error::Kind::MissingField(field) => format!("missing {field}"),
                figment::error::Kind::UnknownVariant(_, expected) => {
                    format!("expected one of {}", expected.join(", "))
                }
                // Our own messages (ids, addresses, the switch) and TOML's never quote a
                // secret's value, except TOML's excerpt of the line, cut off here.
                figment::error::Kind::Message(message) if !is_secret(&key) => message
                    .lines()
                    .next()
                    .unwrap_or("invalid value")
                    .to_string(),
                _ => "invalid value".to_string(),
            };
            let place = match (from_environment, file) {
                (true, _) => ENV_KEYS
                    .iter()
                    .find(|(_, setting)| *setting == key)
                    .map_or(key.clone(), |(var, _)| (*var).to_string()),
                (false, Some(file)) if key.is_empty() => file,
                (false, Some(file)) => format!("{key} in {file}"),
                (false, None) => key,
            };
            if place.is_empty() {
                problem
            } else {
                format!("{place}: {problem}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn is_secret(key: &str) -> bool {
    key == "discord_token"
}

#[cfg(test)]
// figment's Jail closures return its (large) error type by design.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_defaults_parse_and_leave_secrets_unset() {
        let settings = Settings::defaults();
        assert!(settings.discord_token.is_none());
        assert_eq!(settings.discord_api_base, "https://discord.com");
        assert_eq!(settings.database_url, "sqlite://sprintmate.db");
        assert!(settings.http_listen.is_none());
        assert!(!settings.gateway_enabled());
        assert_eq!(settings.discord_requests_per_second.get(), 50);
    }

    #[test]
    fn a_secret_never_shows_in_debug_output() {
        let mut settings = Settings::defaults();
        settings.discord_token = Some(Secret::new("super-secret-token"));
        let printed = format!("{settings:?}");
        assert!(!printed.contains("super-secret-token"), "{printed}");
        assert!(printed.contains("redacted"));
    }

    #[test]
    fn environment_variables_override_the_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("SPRINTMATE_DATABASE_URL", "sqlite://other.db");
            jail.set_env("SPRINTMATE_HTTP_LISTEN", "127.0.0.1:9999");
            jail.set_env("DISCORD_TOKEN", "abc");
            jail.set_env("SPRINTMATE_GATEWAY", "off");
            jail.set_env("SPRINTMATE_DISCORD_REQUESTS_PER_SECOND", "20");
            let settings = Settings::load().expect("loads");
            assert_eq!(settings.database_url, "sqlite://other.db");
            assert_eq!(settings.discord_requests_per_second.get(), 20);
            assert_eq!(
                settings.http_listen,
                Some("127.0.0.1:9999".parse().unwrap())
            );
            assert!(!settings.gateway_enabled());
            Ok(())
        });
    }

    #[test]
    fn a_global_rate_of_zero_is_refused() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("SPRINTMATE_DISCORD_REQUESTS_PER_SECOND", "0");
            let error = Settings::load().expect_err("zero requests per second");
            assert!(
                error
                    .to_string()
                    .contains("SPRINTMATE_DISCORD_REQUESTS_PER_SECOND"),
                "{error}"
            );
            Ok(())
        });
    }

    #[test]
    fn a_zero_id_is_refused_naming_its_variable_and_a_blank_one_is_unset() {
        for var in ["DISCORD_APPLICATION_ID", "DISCORD_GUILD_ID"] {
            figment::Jail::expect_with(|jail| {
                jail.set_env(var, "0");
                let error = Settings::load().expect_err("a zero id");
                assert!(error.to_string().contains(var), "{error}");
                assert!(error.to_string().contains("positive number"), "{error}");
                Ok(())
            });
        }
        figment::Jail::expect_with(|jail| {
            jail.set_env("DISCORD_APPLICATION_ID", "");
            jail.set_env("DISCORD_GUILD_ID", " ");
            jail.set_env("SPRINTMATE_HTTP_LISTEN", "");
            jail.set_env("SPRINTMATE_GATEWAY", "");
            let settings = Settings::load().expect("blank is unset");
            assert_eq!(settings.discord_application_id, None);
            assert_eq!(settings.discord_guild_id, None);
            assert_eq!(settings.http_listen, None);
            assert_eq!(settings.gateway, None);
            jail.set_env("DISCORD_GUILD_ID", "123");
            jail.set_env("SPRINTMATE_GATEWAY", "OFF");
            let settings = Settings::load().expect("loads");
            assert_eq!(settings.discord_guild_id, Some(123));
            assert_eq!(settings.gateway, Some(GatewaySwitch::Off));
            Ok(())
        });
    }

    #[test]
    fn a_bad_value_names_its_variable_or_its_file_and_never_quotes_a_secret() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("SPRINTMATE_HTTP_LISTEN", "nowhere");
            let error = Settings::load().expect_err("a bad address").to_string();
            assert!(error.contains("SPRINTMATE_HTTP_LISTEN"), "{error}");
            assert!(error.contains("0.0.0.0:8080"), "{error}");
            Ok(())
        });
        figment::Jail::expect_with(|jail| {
            jail.create_file("custom.toml", "discord_token = \"hunter2\nlog = [")?;
            jail.set_env("SPRINTMATE_CONFIG", "custom.toml");
            let error = Settings::load().expect_err("broken TOML").to_string();
            assert!(error.contains("custom.toml"), "{error}");
            assert!(error.contains("line"), "{error}");
            assert!(!error.contains("hunter2"), "{error}");
            Ok(())
        });
        figment::Jail::expect_with(|jail| {
            jail.create_file("custom.toml", "discord_guild_id = 0")?;
            jail.set_env("SPRINTMATE_CONFIG", "custom.toml");
            let error = Settings::load()
                .expect_err("a zero id in the file")
                .to_string();
            assert!(
                error.contains("discord_guild_id in") && error.contains("custom.toml"),
                "{error}"
            );
            Ok(())
        });
    }

    #[test]
    fn a_config_file_sits_between_defaults_and_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "custom.toml",
                "database_url = \"sqlite://file.db\"\nlog = \"debug\"",
            )?;
            jail.set_env("SPRINTMATE_CONFIG", "custom.toml");
            jail.set_env("RUST_LOG", "warn");
            let settings = Settings::load().expect("loads");
            assert_eq!(settings.database_url, "sqlite://file.db");
            assert_eq!(settings.log, "warn");
            Ok(())
        });
    }
}
