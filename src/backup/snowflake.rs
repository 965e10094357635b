//! Discord ids in the backup document: written as decimal strings, since JSON readers that keep
//! numbers as doubles (JavaScript, jq) lose the low digits of a 64-bit snowflake.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A Discord id (user, channel, role, message, guild).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Snowflake(pub u64);

impl Snowflake {
    /// From the database's signed column (see `store::wire_id`).
    pub fn from_db(id: i64) -> Self {
        Self(crate::store::wire_id(id))
    }

    /// To the database's signed column.
    pub fn db(self) -> i64 {
        crate::store::db_id(self.0)
    }
}

impl fmt::Display for Snowflake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Snowflake {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

struct SnowflakeVisitor;

impl Visitor<'_> for SnowflakeVisitor {
    type Value = Snowflake;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Discord id as a string of digits")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Snowflake, E> {
        match value.parse::<u64>() {
            Ok(id) if !value.starts_with('+') => Ok(Snowflake(id)),
            _ => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
        }
    }
}

impl<'de> Deserialize<'de> for Snowflake {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(SnowflakeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::Snowflake;

    #[test]
    fn a_snowflake_is_written_and_read_as_a_string_of_digits() {
        let id = Snowflake(1_234_567_890_123_456_789);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"1234567890123456789\"");
        assert_eq!(serde_json::from_str::<Snowflake>(&json).unwrap(), id);
        for bad in [
            "12",
            "\"12a\"",
            "\"-1\"",
            "\"+1\"",
            "\"18446744073709551616\"",
        ] {
            assert!(serde_json::from_str::<Snowflake>(bad).is_err(), "{bad}");
        }
    }
}
