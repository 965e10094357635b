//! A slash command's path (`story criteria add`) and its options, flattened from Discord's
//! nested sub-command structure into typed look-ups.

use serenity::all::{CommandData, CommandDataOption, CommandDataOptionValue};

use crate::domain::story::StoryNumber;
use crate::error::AppError;

/// One option value as the handlers need it.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    Text(String),
    Integer(i64),
    Number(f64),
    Boolean(bool),
    User(u64),
    Channel(u64),
    Role(u64),
    /// The option the user is typing in, during autocomplete.
    Focused(String),
}

/// A command invocation: its full name and options.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    /// Command, group and sub-command names joined by spaces: `story criteria add`.
    pub path: String,
    pub options: Vec<(String, OptionValue)>,
}

impl Invocation {
    pub fn from_data(data: &CommandData) -> Self {
        let mut path = data.name.clone();
        let mut options = Vec::new();
        collect(&data.options, &mut path, &mut options);
        Self { path, options }
    }

    fn get(&self, name: &str) -> Option<&OptionValue> {
        self.options.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// A text option, trimmed; `None` when absent.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(OptionValue::Text(s)) | Some(OptionValue::Focused(s)) => Some(s.as_str()),
            _ => None,
        }
    }

    pub fn integer(&self, name: &str) -> Option<i64> {
        match self.get(name) {
            Some(OptionValue::Integer(i)) => Some(*i),
            Some(OptionValue::Number(n)) if n.fract() == 0.0 => Some(*n as i64),
            _ => None,
        }
    }

    pub fn boolean(&self, name: &str) -> Option<bool> {
        match self.get(name) {
            Some(OptionValue::Boolean(b)) => Some(*b),
            _ => None,
        }
    }

    pub fn user(&self, name: &str) -> Option<u64> {
        match self.get(name) {
            Some(OptionValue::User(id)) => Some(*id),
            _ => None,
        }
    }

    pub fn channel(&self, name: &str) -> Option<u64> {
        match self.get(name) {
            Some(OptionValue::Channel(id)) => Some(*id),
            _ => None,
        }
    }

    pub fn role(&self, name: &str) -> Option<u64> {
        match self.get(name) {
            Some(OptionValue::Role(id)) => Some(*id),
            _ => None,
        }
    }

    /// A required text option (Discord enforces presence; this guards hand-made payloads).
    pub fn required_text(&self, name: &str) -> Result<&str, AppError> {
        self.text(name)
            .ok_or_else(|| AppError::user(format!("The option `{name}` is required.")))
    }

    /// A required story reference (`42` or `#42`).
    pub fn story(&self, name: &str) -> Result<StoryNumber, AppError> {
        Ok(StoryNumber::parse(self.required_text(name)?)?)
    }

    /// The option being typed during autocomplete: (name, text so far).
    pub fn focused(&self) -> Option<(&str, &str)> {
        self.options.iter().find_map(|(n, v)| match v {
            OptionValue::Focused(text) => Some((n.as_str(), text.as_str())),
            _ => None,
        })
    }
}

fn collect(options: &[CommandDataOption], path: &mut String, out: &mut Vec<(String, OptionValue)>) {
    for option in options {
        let value = match &option.value {
            CommandDataOptionValue::SubCommand(inner)
            | CommandDataOptionValue::SubCommandGroup(inner) => {
                path.push(' ');
                path.push_str(&option.name);
                collect(inner, path, out);
                continue;
            }
            CommandDataOptionValue::String(s) => OptionValue::Text(s.clone()),
            CommandDataOptionValue::Integer(i) => OptionValue::Integer(*i),
            CommandDataOptionValue::Number(n) => OptionValue::Number(*n),
            CommandDataOptionValue::Boolean(b) => OptionValue::Boolean(*b),
            CommandDataOptionValue::User(id) => OptionValue::User(id.get()),
            CommandDataOptionValue::Channel(id) => OptionValue::Channel(id.get()),
            CommandDataOptionValue::Role(id) => OptionValue::Role(id.get()),
            CommandDataOptionValue::Autocomplete { value, .. } => {
                OptionValue::Focused(value.clone())
            }
            _ => continue,
        };
        out.push((option.name.clone(), value));
    }
}
