//! Days without a stand-up (holidays, a pause) and members excused on some days (away).

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};

use crate::domain::Invalid;

/// Team-wide dates on which no prompt is posted, even on a scheduled weekday.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exclusions {
    /// Holidays set with `/standup skip`.
    pub skipped: BTreeSet<NaiveDate>,
    /// `/standup pause until:D`: no prompt on any date up to **and including** D; prompts
    /// resume on the first scheduled day after D. "Pause until Friday" reads as "Friday off too".
    pub paused_until: Option<NaiveDate>,
    /// The last day already handled: prompted (by the schedule or by `/standup now`), or
    /// passed. The scheduler never prompts it or an earlier day again, so neither is a next
    /// prompt.
    pub handled_through: Option<NaiveDate>,
}

/// The `paused_until` of a pause without an end (`/standup pause` with no date), as stored.
pub const UNTIL_RESUMED: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(date) => date,
    None => NaiveDate::MAX,
};

impl Exclusions {
    pub fn none() -> Self {
        Self::default()
    }

    /// Paused with no end: no prompt until `/standup resume`.
    pub fn paused_until_resumed(&self) -> bool {
        self.paused_until
            .is_some_and(|until| until >= UNTIL_RESUMED)
    }

    pub fn excludes(&self, date: NaiveDate) -> bool {
        self.skipped.contains(&date) || self.paused_until.is_some_and(|until| date <= until)
    }
}

/// An inclusive range of dates a member is away: `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwayRange {
    from: NaiveDate,
    to: NaiveDate,
}

impl AwayRange {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, Invalid> {
        if to < from {
            return Err(Invalid::new(format!(
                "The absence ends ({to}) before it starts ({from}). Give the first day away, then the last."
            )));
        }
        Ok(Self { from, to })
    }

    pub fn from(self) -> NaiveDate {
        self.from
    }

    pub fn to(self) -> NaiveDate {
        self.to
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        (self.from..=self.to).contains(&date)
    }

    /// The range as `/standup away` takes it on `today`: not already over, and ending at most
    /// [`AWAY_MAX_DAYS_AHEAD`] days ahead. (Stored ranges are read back without this check.)
    pub fn to_set_on(self, today: NaiveDate) -> Result<Self, Invalid> {
        if self.to < today {
            return Err(Invalid::new(format!(
                "That absence is already over: it ended on {}, and today is {today}. Give dates from today on.",
                self.to
            )));
        }
        let latest = today
            .checked_add_days(Days::new(AWAY_MAX_DAYS_AHEAD))
            .unwrap_or(NaiveDate::MAX);
        if self.to > latest {
            return Err(Invalid::new(format!(
                "An absence can run until {latest} at the latest (a year from today); {} is further. Set the rest nearer the time.",
                self.to
            )));
        }
        Ok(self)
    }
}

/// How far ahead an absence may end: an absence cannot be taken back, so a mistyped year must
/// not excuse a member for a decade.
pub const AWAY_MAX_DAYS_AHEAD: u64 = 365;

/// One member's absence. `member` is whatever id the caller uses for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Away {
    pub member: u64,
    pub range: AwayRange,
}

/// Whether `member` is expected to answer on `date`: not inside any of their away ranges.
/// (Whether there is a stand-up on `date` at all is [`super::Schedule::is_prompt_day`].)
pub fn is_expected(member: u64, date: NaiveDate, absences: &[Away]) -> bool {
    !absences
        .iter()
        .any(|a| a.member == member && a.range.contains(date))
}

/// The roster members expected on `date`, in roster order: who gets reminded and who is
/// listed missing.
pub fn expected_members(roster: &[u64], date: NaiveDate, absences: &[Away]) -> Vec<u64> {
    roster
        .iter()
        .copied()
        .filter(|m| is_expected(*m, date, absences))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, day).unwrap()
    }

    #[test]
    fn a_pause_includes_its_last_day() {
        let paused = Exclusions {
            paused_until: Some(d(8)),
            ..Exclusions::none()
        };
        assert!(paused.excludes(d(1)));
        assert!(paused.excludes(d(8)));
        assert!(!paused.excludes(d(9)));
    }

    #[test]
    fn a_skipped_date_excludes_only_that_date() {
        let holiday = Exclusions {
            skipped: [d(4)].into(),
            ..Exclusions::none()
        };
        assert!(holiday.excludes(d(4)));
        assert!(!holiday.excludes(d(3)) && !holiday.excludes(d(5)));
        assert!(!Exclusions::none().excludes(d(4)));
    }

    #[test]
    fn away_ranges_include_both_ends_and_only_excuse_their_member() {
        let away = [Away {
            member: 7,
            range: AwayRange::new(d(4), d(6)).unwrap(),
        }];
        assert!(is_expected(7, d(3), &away));
        assert!(!is_expected(7, d(4), &away));
        assert!(!is_expected(7, d(6), &away));
        assert!(is_expected(7, d(7), &away));
        assert!(is_expected(8, d(5), &away));
        assert_eq!(expected_members(&[8, 7, 9], d(5), &away), [8, 9]);
    }

    #[test]
    fn an_absence_set_today_may_have_begun_but_not_ended_and_reaches_a_year_at_most() {
        let today = d(10);
        let set = |from, to| AwayRange::new(from, to).unwrap().to_set_on(today);
        assert!(set(d(1), d(10)).is_ok(), "begun, still running today");
        assert!(set(d(1), d(9)).unwrap_err().0.contains("already over"));
        let a_year = NaiveDate::from_ymd_opt(2025, 3, 10).unwrap();
        assert!(set(today, a_year).is_ok());
        let err = set(today, a_year.succ_opt().unwrap()).unwrap_err();
        assert!(err.0.contains("until 2025-03-10 at the latest"), "{err}");
    }

    #[test]
    fn a_one_day_absence_is_allowed_and_a_backwards_one_is_refused() {
        assert!(AwayRange::new(d(4), d(4)).unwrap().contains(d(4)));
        let err = AwayRange::new(d(6), d(4)).unwrap_err();
        assert!(
            err.0.contains("2024-03-04") && err.0.contains("before it starts"),
            "{err}"
        );
    }
}
