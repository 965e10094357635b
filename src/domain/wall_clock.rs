//! Wall-clock readings in a team's zone turned into instants, across daylight-saving changes.

use chrono::{DateTime, Duration, MappedLocalTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::team::Timezone;

/// The instant a wall-clock reading names in `zone`: the earlier one when it happens twice (the
/// clocks go back), the next minute that exists when the clocks jump over it.
pub fn instant_at(zone: Timezone, local: NaiveDateTime) -> DateTime<Utc> {
    let tz = zone.tz();
    // Gaps last an hour or so; the longest on record skipped a whole day (Samoa, 2011).
    for minutes in 0..3 * 24 * 60 {
        let candidate = local + Duration::minutes(minutes);
        match tz.from_local_datetime(&candidate) {
            MappedLocalTime::Single(t) => return t.with_timezone(&Utc),
            MappedLocalTime::Ambiguous(a, b) => return a.min(b).with_timezone(&Utc),
            MappedLocalTime::None => continue,
        }
    }
    unreachable!("no time zone skips three days")
}

/// The first instant of a local date (midnight, or the first minute after a midnight gap).
pub fn start_of_day(zone: Timezone, date: NaiveDate) -> DateTime<Utc> {
    instant_at(zone, date.and_time(chrono::NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn zone(name: &str) -> Timezone {
        Timezone::parse(name).unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_time(NaiveTime::from_hms_opt(h, min, 0).unwrap())
    }

    #[test]
    fn a_skipped_time_becomes_the_first_minute_after_the_jump() {
        assert_eq!(
            instant_at(zone("Europe/Berlin"), local(2024, 3, 31, 2, 59)),
            utc(2024, 3, 31, 1, 0)
        );
    }

    #[test]
    fn a_repeated_time_becomes_its_earlier_instant() {
        assert_eq!(
            instant_at(zone("Europe/Berlin"), local(2024, 10, 27, 2, 0)),
            utc(2024, 10, 27, 0, 0)
        );
    }

    #[test]
    fn a_day_that_starts_with_a_gap_starts_at_the_first_minute_that_exists() {
        // Santiago moved its clocks from 00:00 to 01:00 on 2024-09-08.
        let day = NaiveDate::from_ymd_opt(2024, 9, 8).unwrap();
        assert_eq!(
            start_of_day(zone("America/Santiago"), day),
            utc(2024, 9, 8, 4, 0)
        );
    }

    #[test]
    fn a_whole_skipped_day_resolves_to_the_next_day() {
        // Samoa skipped 30 December 2011 when it crossed the date line.
        let day = NaiveDate::from_ymd_opt(2011, 12, 30).unwrap();
        assert_eq!(
            start_of_day(zone("Pacific/Apia"), day),
            utc(2011, 12, 30, 10, 0)
        );
    }
}
