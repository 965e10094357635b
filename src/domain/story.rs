//! Stories: the fields a backlog item has and the rules each one obeys.

use std::fmt;

use super::text::one_line;
use super::Invalid;

pub const TITLE_MAX: usize = 200;
pub const DETAILS_MAX: usize = 2000;
pub const LABELS_MAX: usize = 10;
pub const LABEL_MAX: usize = 32;
pub const CRITERIA_MAX: usize = 20;
pub const CRITERION_MAX: usize = 200;
pub const POINTS_MAX: i64 = 100;

fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// A story title: 1-200 characters after trimming, on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryTitle(String);

impl StoryTitle {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let title = one_line(raw);
        match char_len(&title) {
            0 => Err(Invalid::new("The title is empty. Give the story a short title.")),
            n if n > TITLE_MAX => Err(Invalid::new(format!(
                "The title is {n} characters long; the limit is {TITLE_MAX}. Shorten it and put the rest in the details."
            ))),
            _ => Ok(Self(title)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The user-story text: at most 2000 characters; may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoryDetails(String);

impl StoryDetails {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let details = raw.trim();
        let n = char_len(details);
        if n > DETAILS_MAX {
            return Err(Invalid::new(format!(
                "The details are {n} characters long; the limit is {DETAILS_MAX}."
            )));
        }
        Ok(Self(details.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What kind of work a story is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StoryKind {
    #[default]
    Feature,
    Bug,
    Improvement,
    Chore,
    Spike,
}

impl StoryKind {
    pub const ALL: [StoryKind; 5] = [
        StoryKind::Feature,
        StoryKind::Bug,
        StoryKind::Improvement,
        StoryKind::Chore,
        StoryKind::Spike,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StoryKind::Feature => "feature",
            StoryKind::Bug => "bug",
            StoryKind::Improvement => "improvement",
            StoryKind::Chore => "chore",
            StoryKind::Spike => "spike",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let wanted = raw.trim().to_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| {
                Invalid::new(format!(
                "`{}` is not a story type. Use one of: feature, bug, improvement, chore, spike.",
                raw.trim()
            ))
            })
    }
}

/// Where a story is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    New,
    Ready,
    InProgress,
    Review,
    Done,
    Accepted,
    Archived,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::New,
        Status::Ready,
        Status::InProgress,
        Status::Review,
        Status::Done,
        Status::Accepted,
        Status::Archived,
    ];

    /// The statuses `/story move` may target.
    pub const MOVABLE: [Status; 5] = [
        Status::New,
        Status::Ready,
        Status::InProgress,
        Status::Review,
        Status::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Ready => "ready",
            Status::InProgress => "in_progress",
            Status::Review => "review",
            Status::Done => "done",
            Status::Accepted => "accepted",
            Status::Archived => "archived",
        }
    }

    /// Words for people: "in progress" rather than `in_progress`.
    pub fn label(self) -> &'static str {
        match self {
            Status::InProgress => "in progress",
            other => other.as_str(),
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let wanted = raw.trim().to_lowercase().replace([' ', '-'], "_");
        Self::ALL.into_iter().find(|s| s.as_str() == wanted).ok_or_else(|| {
            Invalid::new(format!(
                "`{}` is not a status. Use one of: new, ready, in_progress, review, done, accepted, archived.",
                raw.trim()
            ))
        })
    }

    /// Open stories are the backlog: not finished and not archived.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Done | Status::Accepted | Status::Archived)
    }

    /// Whether `/story move` (or a card button) may take a story from `self` to `target`; the
    /// refusal is the reason, to follow "Story #N cannot move to {target}: ".
    ///
    /// The flow: `done` is reached only from work that was started (`in_progress`, `review`);
    /// `accepted` only through `/story accept`; an accepted or archived story must be reopened
    /// (`/story reject`) or restored (`/story restore`) before it moves.
    pub fn check_move(self, target: Status) -> Result<(), Invalid> {
        if self == target {
            return Err(Invalid::new(format!("it is already {}.", target.label())));
        }
        match (self, target) {
            (Status::Archived, _) => Err(Invalid::new(
                "it is archived. Restore it with /story restore first.",
            )),
            (Status::Accepted, _) => Err(Invalid::new(
                "it is accepted, so it is finished. Add a new story for further work.",
            )),
            (_, Status::Accepted) => Err(Invalid::new(
                "only the Product Owner accepts stories, with /story accept, once they are done.",
            )),
            (_, Status::Archived) => Err(Invalid::new(
                "the Product Owner archives stories, with /story archive.",
            )),
            (Status::New | Status::Ready, Status::Done) => Err(Invalid::new(format!(
                "it is {} and work on it has not started. Move it to in_progress first.",
                self.label()
            ))),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Story points: 0-100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Points(u8);

impl Points {
    pub fn parse(value: i64) -> Result<Self, Invalid> {
        if (0..=POINTS_MAX).contains(&value) {
            Ok(Self(value as u8))
        } else {
            Err(Invalid::new(format!(
                "Points must be between 0 and {POINTS_MAX}; {value} is out of range."
            )))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// Labels: at most 10, each 1-32 characters of letters, digits, `-` or `_`, lower-cased,
/// without duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Labels(Vec<String>);

impl Labels {
    /// Parses a comma-separated list (`"ui, Checkout"` -> `["ui", "checkout"]`).
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let mut labels: Vec<String> = Vec::new();
        for part in raw.split(',') {
            let label = part.trim().to_lowercase();
            if label.is_empty() {
                continue;
            }
            let n = char_len(&label);
            if n > LABEL_MAX {
                return Err(Invalid::new(format!(
                    "The label `{}` is {n} characters long; each label may have at most {LABEL_MAX}.",
                    truncate_plain(&label, 40)
                )));
            }
            if !label
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
            {
                return Err(Invalid::new(format!(
                    "The label `{}` has characters labels cannot have. Use letters, digits, - or _, and separate labels with commas.",
                    truncate_plain(&label, 40)
                )));
            }
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
        if labels.len() > LABELS_MAX {
            return Err(Invalid::new(format!(
                "That is {} labels; a story may have at most {LABELS_MAX}.",
                labels.len()
            )));
        }
        Ok(Self(labels))
    }

    pub fn from_stored(labels: Vec<String>) -> Self {
        Self(labels)
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A single label used as a filter.
pub fn parse_label_filter(raw: &str) -> Result<String, Invalid> {
    let labels = Labels::parse(raw)?;
    match labels.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(Invalid::new(
            "Filter by one label at a time, e.g. `label:checkout`.",
        )),
    }
}

/// Acceptance criteria: at most 20 non-empty lines of at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Criteria(Vec<String>);

impl Criteria {
    /// One criterion per line; blank lines and list bullets (`-`, `*`, `[ ]`) are dropped.
    pub fn parse_lines(raw: &str) -> Result<Self, Invalid> {
        let mut items = Vec::new();
        for line in raw.lines() {
            let text = line
                .trim()
                .trim_start_matches(['-', '*', '•'])
                .trim_start()
                .trim_start_matches("[ ]")
                .trim();
            if text.is_empty() {
                continue;
            }
            items.push(Self::parse_one(text)?);
        }
        if items.len() > CRITERIA_MAX {
            return Err(Invalid::new(format!(
                "That is {} acceptance criteria; a story may have at most {CRITERIA_MAX}.",
                items.len()
            )));
        }
        Ok(Self(items))
    }

    /// A single criterion's text.
    pub fn parse_one(raw: &str) -> Result<String, Invalid> {
        let text = one_line(raw);
        match char_len(&text) {
            0 => Err(Invalid::new("The criterion is empty.")),
            n if n > CRITERION_MAX => Err(Invalid::new(format!(
                "An acceptance criterion is {n} characters long; the limit is {CRITERION_MAX}."
            ))),
            _ => Ok(text),
        }
    }

    /// Each criterion with its position, counted from 1 as stored and shown.
    pub fn numbered(&self) -> impl Iterator<Item = (i64, &str)> {
        (1..).zip(self.0.iter().map(String::as_str))
    }

    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

/// How a user names a story: `42` or `#42`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StoryNumber(pub i64);

impl StoryNumber {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let trimmed = raw.trim();
        let digits = trimmed.strip_prefix('#').unwrap_or(trimmed).trim();
        match digits.parse::<i64>() {
            Ok(n) if n > 0 => Ok(Self(n)),
            _ => Err(Invalid::new(format!(
                "`{}` is not a story number. Name a story like `#12` or `12`, or pick one from the list.",
                truncate_plain(trimmed, 40)
            ))),
        }
    }
}

impl fmt::Display for StoryNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The refusal of any change to archived story `number`: it is off every list until restored.
pub fn archived(number: i64) -> Invalid {
    Invalid::new(format!(
        "Story #{number} is archived. Restore it with /story restore story:{number}, then try again."
    ))
}

/// Cuts `text` to at most `max` characters, ending with an ellipsis when cut. Never longer than
/// `max`: with `max` 0 there is no room even for the ellipsis, so the result is empty.
pub fn truncate_plain(text: &str, max: usize) -> String {
    if char_len(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_trimmed_and_limited_to_200_characters() {
        assert_eq!(
            StoryTitle::parse("  Guest   checkout ").unwrap().as_str(),
            "Guest checkout"
        );
        assert!(StoryTitle::parse("   ").is_err());
        assert!(StoryTitle::parse(&"x".repeat(200)).is_ok());
        let err = StoryTitle::parse(&"x".repeat(201)).unwrap_err();
        assert!(err.0.contains("201"), "{err}");
    }

    #[test]
    fn details_are_limited_to_2000_characters() {
        assert!(StoryDetails::parse(&"é".repeat(2000)).is_ok());
        assert!(StoryDetails::parse(&"é".repeat(2001)).is_err());
    }

    #[test]
    fn points_must_be_between_0_and_100() {
        assert_eq!(Points::parse(0).unwrap().get(), 0);
        assert_eq!(Points::parse(100).unwrap().get(), 100);
        assert!(Points::parse(-1).is_err());
        assert!(Points::parse(101).is_err());
    }

    #[test]
    fn labels_are_lower_cased_deduplicated_and_limited() {
        let labels = Labels::parse("UI, checkout,ui, ,payments").unwrap();
        assert_eq!(labels.as_slice(), ["ui", "checkout", "payments"]);
        assert!(Labels::parse(&"a".repeat(33)).is_err());
        assert!(Labels::parse("has space").is_err());
        let eleven = (0..11)
            .map(|i| format!("l{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(Labels::parse(&eleven).is_err());
        let ten = (0..10)
            .map(|i| format!("l{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(Labels::parse(&ten).is_ok());
    }

    #[test]
    fn story_numbers_accept_a_hash_or_bare_digits() {
        assert_eq!(StoryNumber::parse("#42").unwrap(), StoryNumber(42));
        assert_eq!(StoryNumber::parse("42").unwrap(), StoryNumber(42));
        assert!(StoryNumber::parse("forty-two").is_err());
        assert!(StoryNumber::parse("#0").is_err());
    }

    #[test]
    fn the_flow_refuses_done_before_work_starts_and_moves_of_finished_stories() {
        assert!(Status::New.check_move(Status::Done).is_err());
        assert!(Status::Ready.check_move(Status::Done).is_err());
        assert!(Status::InProgress.check_move(Status::Done).is_ok());
        assert!(Status::Review.check_move(Status::Done).is_ok());
        assert!(Status::Done.check_move(Status::InProgress).is_ok());
        assert!(Status::Accepted.check_move(Status::New).is_err());
        assert!(Status::Archived.check_move(Status::New).is_err());
        assert!(Status::Ready.check_move(Status::Accepted).is_err());
        assert!(Status::Ready.check_move(Status::Ready).is_err());
        // Each reason reads on from "Story #N cannot move to done: ".
        assert_eq!(
            Status::New.check_move(Status::Done).unwrap_err().0,
            "it is new and work on it has not started. Move it to in_progress first."
        );
    }

    #[test]
    fn criteria_are_one_per_line_without_bullets() {
        let criteria =
            Criteria::parse_lines("- pay with card\n\n* see a receipt\n[ ] get an email").unwrap();
        assert_eq!(
            criteria.into_vec(),
            ["pay with card", "see a receipt", "get an email"]
        );
        let many = (0..21)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(Criteria::parse_lines(&many).is_err());
    }

    #[test]
    fn truncation_ends_with_an_ellipsis() {
        assert_eq!(truncate_plain("abcdef", 4), "abc…");
        assert_eq!(truncate_plain("abc", 4), "abc");
    }

    #[test]
    fn truncation_to_zero_characters_is_empty() {
        assert_eq!(truncate_plain("abc", 0), "");
        assert_eq!(truncate_plain("", 0), "");
    }

    #[test]
    fn truncation_to_one_character_is_the_text_or_an_ellipsis() {
        assert_eq!(truncate_plain("abc", 1), "…");
        assert_eq!(truncate_plain("a", 1), "a");
        assert_eq!(truncate_plain("日本", 1), "…");
        assert_eq!(truncate_plain("", 1), "");
    }
}
