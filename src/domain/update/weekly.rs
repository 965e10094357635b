//! The weekly stakeholder update: which local date's publication is due at a moment, in the
//! schedule's zone and across daylight-saving changes. A week's update is due once its local
//! day and time have come; the caller stores the date it published for, so the same week is
//! never published twice and a bot that was down catches up with one late update, not several.

use chrono::{DateTime, Datelike as _, Duration, NaiveDate, Utc, Weekday};

use crate::domain::schedule::LocalTime;
use crate::domain::team::Timezone;
use crate::domain::wall_clock::instant_at;
use crate::domain::Invalid;

/// A weekly publication time, valid by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklySchedule {
    pub weekday: Weekday,
    pub time: LocalTime,
    pub zone: Timezone,
}

/// `mon` ... `sun` (full English names too, any case).
pub fn parse_weekday(raw: &str) -> Result<Weekday, Invalid> {
    let day = raw.trim().to_lowercase();
    let found = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ]
    .into_iter()
    .find(|w| {
        day.len() >= 3
            && w.to_string()
                .to_lowercase()
                .starts_with(&day[..3.min(day.len())])
    });
    found.ok_or_else(|| Invalid::new("The day must be one of mon, tue, wed, thu, fri, sat or sun."))
}

impl WeeklySchedule {
    /// The instant the update for local `date` is published.
    pub fn instant_on(&self, date: NaiveDate) -> DateTime<Utc> {
        instant_at(self.zone, date.and_time(self.time.naive()))
    }

    /// The local date of the latest publication whose time has come at `now`.
    pub fn latest_occurrence(&self, now: DateTime<Utc>) -> NaiveDate {
        let today = self.zone.date_at(now);
        // Today's time may not have come yet; a week back always has.
        (0..=7)
            .map(|back| today - Duration::days(back))
            .find(|d| d.weekday() == self.weekday && self.instant_on(*d) <= now)
            .expect("a week back the weekday's time has come")
    }

    /// The date to publish for at `now`, if that week has not been published yet.
    pub fn due(&self, now: DateTime<Utc>, last_published: NaiveDate) -> Option<NaiveDate> {
        let latest = self.latest_occurrence(now);
        (latest > last_published).then_some(latest)
    }

    /// The next publication instant after `now`.
    pub fn next_after(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let latest = self.latest_occurrence(now);
        (1..=14)
            .map(|ahead| latest + Duration::days(ahead))
            .filter(|d| d.weekday() == self.weekday)
            .map(|d| self.instant_on(d))
            .find(|t| *t > now)
            .expect("the weekday comes again within two weeks")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn berlin_monday_nine() -> WeeklySchedule {
        WeeklySchedule {
            weekday: Weekday::Mon,
            time: LocalTime::parse("09:00").unwrap(),
            zone: Timezone::parse("Europe/Berlin").unwrap(),
        }
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn days_parse_by_their_short_or_full_names() {
        assert_eq!(parse_weekday("mon"), Ok(Weekday::Mon));
        assert_eq!(parse_weekday("Sunday"), Ok(Weekday::Sun));
        assert!(parse_weekday("xyz").is_err());
        assert!(parse_weekday("mo").is_err());
    }

    #[test]
    fn the_update_is_due_once_its_local_time_has_come_and_not_before() {
        let weekly = berlin_monday_nine();
        // Monday 2026-03-02 09:00 in Berlin is 08:00 UTC (winter time).
        assert_eq!(weekly.due(utc(2026, 3, 2, 7, 59), date(2026, 2, 23)), None);
        assert_eq!(
            weekly.due(utc(2026, 3, 2, 8, 0), date(2026, 2, 23)),
            Some(date(2026, 3, 2))
        );
        assert_eq!(weekly.due(utc(2026, 3, 4, 8, 0), date(2026, 3, 2)), None);
    }

    #[test]
    fn the_publication_keeps_its_local_time_across_the_spring_change() {
        let weekly = berlin_monday_nine();
        // Berlin moves to summer time on 2026-03-29: 09:00 is then 07:00 UTC.
        assert_eq!(weekly.instant_on(date(2026, 3, 30)), utc(2026, 3, 30, 7, 0));
        assert_eq!(
            weekly.next_after(utc(2026, 3, 23, 9, 0)),
            utc(2026, 3, 30, 7, 0)
        );
    }

    #[test]
    fn a_bot_down_for_weeks_publishes_once_for_the_latest_week() {
        let weekly = berlin_monday_nine();
        assert_eq!(
            weekly.due(utc(2026, 3, 25, 12, 0), date(2026, 3, 2)),
            Some(date(2026, 3, 23))
        );
    }
}
