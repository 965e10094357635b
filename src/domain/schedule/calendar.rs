//! Calendar inputs of a schedule: a wall-clock time (`09:30`), a set of weekdays (`mon-fri`) and
//! dates (`2024-03-15`), each parsed from what an admin types.

use std::fmt;

use chrono::{NaiveDate, NaiveTime, Weekday};

use crate::domain::story::truncate_plain;
use crate::domain::Invalid;

/// A time of day on the wall clock, to the minute, 24-hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime {
    hour: u8,
    minute: u8,
}

impl LocalTime {
    /// Parses `HH:MM` (a single-digit hour such as `9:30` is accepted too).
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let trimmed = raw.trim();
        let shown = truncate_plain(trimmed, 20);
        let format_help = "Write times as HH:MM in 24-hour form, e.g. 09:30 or 17:45.";
        let Some((h, m)) = trimmed.split_once(':') else {
            return Err(Invalid::new(format!(
                "`{shown}` is not a time. {format_help}"
            )));
        };
        let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !all_digits(h) || h.len() > 2 || !all_digits(m) || m.len() != 2 {
            return Err(Invalid::new(format!(
                "`{shown}` is not a time. {format_help}"
            )));
        }
        let (hour, minute): (u8, u8) = (h.parse().unwrap_or(u8::MAX), m.parse().unwrap_or(u8::MAX));
        Self::new(hour, minute)
            .map_err(|e| Invalid::new(format!("`{shown}` is not a time: {} {format_help}", e.0)))
    }

    pub fn new(hour: u8, minute: u8) -> Result<Self, Invalid> {
        if hour > 23 {
            return Err(Invalid::new("hours go from 00 to 23."));
        }
        if minute > 59 {
            return Err(Invalid::new("minutes go from 00 to 59."));
        }
        Ok(Self { hour, minute })
    }

    pub fn hour(self) -> u8 {
        self.hour
    }

    pub fn minute(self) -> u8 {
        self.minute
    }

    pub fn naive(self) -> NaiveTime {
        NaiveTime::from_hms_opt(self.hour.into(), self.minute.into(), 0)
            .expect("hour and minute were checked on construction")
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A non-empty set of weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Weekdays(u8);

impl Weekdays {
    pub const WORKDAYS: Weekdays = Weekdays(0b0001_1111);
    pub const DAILY: Weekdays = Weekdays(0b0111_1111);

    /// Parses ranges and lists: `mon-fri`, `mon,wed,fri`, `sat-sun`, `daily`, `fri-mon`
    /// (a range may wrap past Sunday), or a mix such as `mon-wed,fri`. Day names may be written
    /// in full (`monday`) and in any case.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let text = raw.trim().to_lowercase();
        match text.as_str() {
            "daily" | "every day" | "everyday" => return Ok(Self::DAILY),
            "weekdays" => return Ok(Self::WORKDAYS),
            "weekends" | "weekend" => return Ok(Self(0b0110_0000)),
            _ => {}
        }
        let mut bits = 0u8;
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once('-') {
                Some((from, to)) => {
                    let (from, to) = (day_index(from.trim())?, day_index(to.trim())?);
                    // Walk forward from `from`, wrapping past Sunday, until `to`.
                    let span = (to + 7 - from) % 7;
                    for step in 0..=span {
                        bits |= 1 << ((from + step) % 7);
                    }
                }
                None => bits |= 1 << day_index(part)?,
            }
        }
        Self::from_bits(bits)
    }

    /// From a stored bit set (bit 0 = Monday ... bit 6 = Sunday).
    pub fn from_bits(bits: u8) -> Result<Self, Invalid> {
        match bits & Self::DAILY.0 {
            0 => Err(Invalid::new(
                "No days given. Use e.g. `mon-fri`, `mon,wed,fri` or `daily`.",
            )),
            set => Ok(Self(set)),
        }
    }

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }
}

fn day_index(name: &str) -> Result<u8, Invalid> {
    const FULL: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    // Any prefix of a full name of three letters or more: `mon`, `tues`, `thurs`, `friday`.
    FULL.iter()
        .position(|full| name.len() >= 3 && full.starts_with(name))
        .map(|i| i as u8)
        .ok_or_else(|| {
            Invalid::new(format!(
                "`{}` is not a day. Use mon, tue, wed, thu, fri, sat or sun, e.g. `mon-fri` or `mon,wed,fri`.",
                truncate_plain(name, 20)
            ))
        })
}

/// Canonical text that parses back to the same set: `daily`, `mon-fri`, `mon,wed,fri`,
/// `mon-wed,sat`.
impl fmt::Display for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Self::DAILY {
            return f.write_str("daily");
        }
        let mut parts = Vec::new();
        let mut day = 0;
        while day < 7 {
            if self.0 & (1 << day) == 0 {
                day += 1;
                continue;
            }
            let start = day;
            while day + 1 < 7 && self.0 & (1 << (day + 1)) != 0 {
                day += 1;
            }
            parts.push(match day - start {
                0 => DAY_NAMES[start].to_string(),
                1 => format!("{},{}", DAY_NAMES[start], DAY_NAMES[day]),
                _ => format!("{}-{}", DAY_NAMES[start], DAY_NAMES[day]),
            });
            day += 1;
        }
        f.write_str(&parts.join(","))
    }
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(raw: &str) -> Result<NaiveDate, Invalid> {
    let trimmed = raw.trim();
    let shown = truncate_plain(trimmed, 20);
    let shaped = trimmed.len() == 10
        && trimmed.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        });
    if !shaped {
        return Err(Invalid::new(format!(
            "`{shown}` is not a date. Write dates as YYYY-MM-DD, e.g. 2024-03-15."
        )));
    }
    NaiveDate::parse_from_str(trimmed, "%Y-%m-%d").map_err(|_| {
        Invalid::new(format!(
            "`{shown}` is not a day on the calendar. Check the month and day."
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_hh_mm_in_24_hour_form() {
        assert_eq!(LocalTime::parse("09:30").unwrap().to_string(), "09:30");
        assert_eq!(LocalTime::parse(" 9:05 ").unwrap().to_string(), "09:05");
        assert_eq!(
            LocalTime::parse("23:59").unwrap(),
            LocalTime::new(23, 59).unwrap()
        );
        assert_eq!(LocalTime::parse("00:00").unwrap().naive(), NaiveTime::MIN);
    }

    #[test]
    fn impossible_times_say_which_part_is_wrong() {
        assert!(LocalTime::parse("24:00")
            .unwrap_err()
            .0
            .contains("hours go from 00 to 23"));
        assert!(LocalTime::parse("12:60")
            .unwrap_err()
            .0
            .contains("minutes go from 00 to 59"));
        for bad in [
            "9", "9am", "9:3", "09:300", "-1:00", "", "12:xx", "1:2:3", "123:00",
        ] {
            let err = LocalTime::parse(bad).unwrap_err();
            assert!(err.0.contains("HH:MM"), "{bad}: {err}");
        }
    }

    #[test]
    fn weekday_ranges_lists_and_keywords_parse() {
        assert_eq!(Weekdays::parse("mon-fri").unwrap(), Weekdays::WORKDAYS);
        assert_eq!(Weekdays::parse("daily").unwrap(), Weekdays::DAILY);
        assert_eq!(Weekdays::parse("mon-sun").unwrap(), Weekdays::DAILY);
        assert_eq!(
            Weekdays::parse("Monday-Friday").unwrap(),
            Weekdays::WORKDAYS
        );
        let mwf = Weekdays::parse("mon, wed ,fri").unwrap();
        assert!(
            mwf.contains(Weekday::Mon) && mwf.contains(Weekday::Wed) && mwf.contains(Weekday::Fri)
        );
        assert!(!mwf.contains(Weekday::Tue) && !mwf.contains(Weekday::Sun));
        let weekend = Weekdays::parse("sat-sun").unwrap();
        assert_eq!(weekend, Weekdays::parse("weekends").unwrap());
        assert!(weekend.contains(Weekday::Sun) && !weekend.contains(Weekday::Mon));
    }

    #[test]
    fn a_weekday_range_may_wrap_past_sunday() {
        let days = Weekdays::parse("fri-mon").unwrap();
        let set: Vec<_> = DAY_NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| days.0 & (1 << i) != 0)
            .map(|(_, d)| *d)
            .collect();
        assert_eq!(set, ["mon", "fri", "sat", "sun"]);
        assert_eq!(Weekdays::parse("sun-sun").unwrap().bits(), 1 << 6);
    }

    #[test]
    fn weekday_text_round_trips_through_its_canonical_form() {
        for raw in [
            "mon-fri",
            "daily",
            "mon,wed,fri",
            "sat,sun",
            "fri-mon",
            "mon-wed,fri",
            "tue",
        ] {
            let days = Weekdays::parse(raw).unwrap();
            assert_eq!(
                Weekdays::parse(&days.to_string()).unwrap(),
                days,
                "{raw} -> {days}"
            );
        }
        assert_eq!(
            Weekdays::parse("fri-mon").unwrap().to_string(),
            "mon,fri-sun"
        );
        assert_eq!(Weekdays::WORKDAYS.to_string(), "mon-fri");
    }

    #[test]
    fn unknown_or_missing_days_are_refused() {
        assert!(Weekdays::parse("").unwrap_err().0.contains("No days"));
        assert!(Weekdays::parse(" , ").is_err());
        assert!(Weekdays::parse("mo-fr")
            .unwrap_err()
            .0
            .contains("`mo` is not a day"));
        assert!(Weekdays::parse("funday").is_err());
        assert!(Weekdays::from_bits(0b1000_0000).is_err());
    }

    #[test]
    fn dates_are_yyyy_mm_dd_on_the_calendar() {
        assert_eq!(
            parse_date("2024-02-29").unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert!(parse_date("2023-02-29")
            .unwrap_err()
            .0
            .contains("not a day on the calendar"));
        assert!(parse_date("2024-13-01").is_err());
        for bad in ["15/03/2024", "2024-3-5", "tomorrow", "", "2024-03-15T10:00"] {
            assert!(
                parse_date(bad).unwrap_err().0.contains("YYYY-MM-DD"),
                "{bad}"
            );
        }
    }
}
