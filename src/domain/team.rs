//! Teams: names, time zones and the product vision.

use super::text::one_line;
use super::Invalid;

pub const TEAM_NAME_MAX: usize = 50;
pub const VISION_MAX: usize = 1000;

/// A team name: 1-50 characters, on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamName(String);

impl TeamName {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = one_line(raw);
        match name.chars().count() {
            0 => Err(Invalid::new("The team name is empty.")),
            n if n > TEAM_NAME_MAX => Err(Invalid::new(format!(
                "The team name is {n} characters long; the limit is {TEAM_NAME_MAX}."
            ))),
            _ => Ok(Self(name)),
        }
    }

    /// A name derived from something outside the user's control (the guild's name): cut to fit
    /// instead of refused.
    pub fn fitted(raw: &str, fallback: &str) -> Self {
        let cut = super::story::truncate_plain(raw.trim(), TEAM_NAME_MAX);
        Self::parse(&cut).unwrap_or_else(|_| Self(fallback.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An IANA time zone such as `Europe/Berlin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timezone(chrono_tz::Tz);

impl Timezone {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let trimmed = raw.trim();
        trimmed
            .parse::<chrono_tz::Tz>()
            .or_else(|_| chrono_tz::Tz::from_str_insensitive(trimmed))
            .map(Self)
            .map_err(|_| {
                Invalid::new(format!(
                    "`{}` is not a time zone. Use an IANA name such as Europe/Berlin, America/New_York or UTC.",
                    super::story::truncate_plain(trimmed, 60)
                ))
            })
    }

    pub fn tz(self) -> chrono_tz::Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The local date in this zone at `instant`.
    pub fn date_at(self, instant: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
        instant.with_timezone(&self.0).date_naive()
    }
}

/// The product vision: 1-1000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vision(String);

impl Vision {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let text = raw.trim();
        match text.chars().count() {
            0 => Err(Invalid::new("The vision is empty.")),
            n if n > VISION_MAX => Err(Invalid::new(format!(
                "The vision is {n} characters long; the limit is {VISION_MAX}."
            ))),
            _ => Ok(Self(text.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(
            Timezone::parse("Europe/Berlin").unwrap().name(),
            "Europe/Berlin"
        );
        assert_eq!(
            Timezone::parse("europe/berlin").unwrap().name(),
            "Europe/Berlin"
        );
        assert_eq!(Timezone::parse("UTC").unwrap().name(), "UTC");
        assert!(Timezone::parse("Mars/Olympus").is_err());
        assert!(Timezone::parse("+02:00").is_err());
    }

    #[test]
    fn team_names_are_limited_and_guild_names_are_fitted() {
        assert!(TeamName::parse("").is_err());
        assert!(TeamName::parse(&"n".repeat(51)).is_err());
        assert_eq!(
            TeamName::fitted(&"g".repeat(80), "Team")
                .as_str()
                .chars()
                .count(),
            50
        );
        assert_eq!(TeamName::fitted("   ", "Team").as_str(), "Team");
    }

    #[test]
    fn a_vision_is_limited_to_1000_characters() {
        assert!(Vision::parse(&"v".repeat(1000)).is_ok());
        assert!(Vision::parse(&"v".repeat(1001)).is_err());
        assert!(Vision::parse(" ").is_err());
    }
}
