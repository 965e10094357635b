//! Stand-up schedule maths: when a team's prompt, reminder and close fall, in the team's time
//! zone and across daylight-saving changes, and which day is due when the scheduler wakes up.
//!
//! Days are local dates in the schedule's zone. A prompt time that does not exist on a date
//! (the clocks jump over it) fires at the next minute that exists; a time that happens twice
//! (the clocks go back) fires once, at the earlier instant. The window and the reminder are
//! durations: a 240-minute window is four real hours even if the clocks change inside it.

mod calendar;
mod exclusions;

pub use calendar::{parse_date, LocalTime, Weekdays};
pub use exclusions::{expected_members, is_expected, Away, AwayRange, Exclusions, UNTIL_RESUMED};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::team::Timezone;
use super::wall_clock::instant_at;
use super::Invalid;

pub const DEFAULT_WINDOW_MINUTES: u32 = 240;
pub const DEFAULT_REMINDER_MINUTES: u32 = 60;
/// Half a day: so one day's stand-up always closes before the next one opens.
pub const WINDOW_MAX_MINUTES: u32 = 720;
/// A prompt posted more than this after its time counts as late (the scheduler ticks faster).
pub const LATE_AFTER: Duration = Duration::minutes(1);
/// The least time a late prompt leaves before its reminder (or the schedule's own gap between
/// prompt and reminder, when shorter); with less, that day gets no reminder.
pub const LATE_REMINDER_GAP: Duration = Duration::minutes(15);

/// A team's stand-up schedule, valid by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    time: LocalTime,
    zone: Timezone,
    days: Weekdays,
    window_minutes: u32,
    reminder_minutes: u32,
}

/// What the scheduler should do for stand-up prompts at `now`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Due {
    /// Scheduled days whose window passed without a prompt (the bot was down): skip and log.
    pub missed: Vec<NaiveDate>,
    /// The day to prompt now, if its window is open.
    pub prompt: Option<DuePrompt>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuePrompt {
    pub date: NaiveDate,
    pub scheduled_at: DateTime<Utc>,
    /// Posted after [`LATE_AFTER`] past its time, e.g. after a restart inside the window.
    pub late: bool,
}

impl Due {
    pub fn is_empty(&self) -> bool {
        self.missed.is_empty() && self.prompt.is_none()
    }

    /// The newest day this result disposes of: store it as the last handled day once acted on.
    pub fn handled_through(&self) -> Option<NaiveDate> {
        self.prompt
            .map(|p| p.date)
            .into_iter()
            .chain(self.missed.iter().copied())
            .max()
    }
}

impl Schedule {
    /// `reminder_minutes` is how long before close the reminder goes out; 0 means no reminder.
    pub fn new(
        time: LocalTime,
        zone: Timezone,
        days: Weekdays,
        window_minutes: u32,
        reminder_minutes: u32,
    ) -> Result<Self, Invalid> {
        if !(1..=WINDOW_MAX_MINUTES).contains(&window_minutes) {
            return Err(Invalid::new(format!(
                "The window must be between 1 and {WINDOW_MAX_MINUTES} minutes; {window_minutes} is out of range."
            )));
        }
        if reminder_minutes >= window_minutes {
            return Err(Invalid::new(format!(
                "The reminder goes out {reminder_minutes} minutes before close, but the stand-up is only open for {window_minutes} minutes. Use a shorter reminder (0 for none) or a longer window."
            )));
        }
        Ok(Self {
            time,
            zone,
            days,
            window_minutes,
            reminder_minutes,
        })
    }

    /// A schedule from its stored fields (the database's, a backup's), checked rather than
    /// cast, so a damaged or hand-edited one is refused instead of read as other weekdays or a
    /// window of days. A field that does not convert is named with its value; the window and
    /// reminder rules then speak in [`Schedule::new`]'s words.
    pub fn from_stored(
        local_time: &str,
        timezone: &str,
        days: i64,
        window_minutes: i64,
        reminder_minutes: i64,
    ) -> Result<Self, Invalid> {
        let column = |name: &'static str| move |e: Invalid| Invalid::new(format!("{name}: {e}"));
        let time = LocalTime::parse(local_time).map_err(column("local_time"))?;
        let zone = Timezone::parse(timezone).map_err(column("timezone"))?;
        // Exactly as `Weekdays::bits` writes them: no bits beyond Sunday, which `from_bits`
        // would mask away.
        let bits = u8::try_from(days)
            .ok()
            .filter(|b| (1..=Weekdays::DAILY.bits()).contains(b))
            .ok_or_else(|| {
                Invalid::new(format!(
                    "days {days} is not a set of weekdays (1-127: bit 0 Monday ... bit 6 Sunday)"
                ))
            })?;
        let minutes = |name: &str, raw: i64| {
            u32::try_from(raw).map_err(|_| Invalid::new(format!("{name} {raw} is out of range")))
        };
        Self::new(
            time,
            zone,
            Weekdays::from_bits(bits)?,
            minutes("window_minutes", window_minutes)?,
            minutes("reminder_minutes", reminder_minutes)?,
        )
    }

    pub fn time(&self) -> LocalTime {
        self.time
    }

    pub fn zone(&self) -> Timezone {
        self.zone
    }

    pub fn days(&self) -> Weekdays {
        self.days
    }

    pub fn window_minutes(&self) -> u32 {
        self.window_minutes
    }

    pub fn reminder_minutes(&self) -> u32 {
        self.reminder_minutes
    }

    /// The local date of an instant in the schedule's zone.
    pub fn local_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        self.zone.date_at(instant)
    }

    /// Whether a stand-up is held on `date`: a scheduled weekday, not skipped, not paused.
    pub fn is_prompt_day(&self, date: NaiveDate, exclusions: &Exclusions) -> bool {
        use chrono::Datelike;
        self.days.contains(date.weekday()) && !exclusions.excludes(date)
    }

    /// When the prompt for local `date` fires.
    pub fn prompt_instant(&self, date: NaiveDate) -> DateTime<Utc> {
        instant_at(self.zone, date.and_time(self.time.naive()))
    }

    pub fn close_instant(&self, date: NaiveDate) -> DateTime<Utc> {
        self.prompt_instant(date) + Duration::minutes(self.window_minutes.into())
    }

    /// When the reminder for `date` goes out, or `None` when reminders are off.
    pub fn reminder_instant(&self, date: NaiveDate) -> Option<DateTime<Utc>> {
        (self.reminder_minutes > 0)
            .then(|| self.close_instant(date) - Duration::minutes(self.reminder_minutes.into()))
    }

    /// The reminder of `date`'s stand-up when its prompt is posted at `posted_at`: the
    /// scheduled one, except that a late prompt (e.g. after a restart) that leaves less than
    /// [`LATE_REMINDER_GAP`] before it gets none, rather than chasing people minutes (or
    /// seconds) after they were first asked.
    pub fn reminder_after_prompt(
        &self,
        date: NaiveDate,
        posted_at: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let remind_at = self.reminder_instant(date)?;
        let scheduled_at = self.prompt_instant(date);
        if posted_at - scheduled_at <= LATE_AFTER {
            return Some(remind_at);
        }
        let gap = LATE_REMINDER_GAP.min(remind_at - scheduled_at);
        (remind_at - posted_at >= gap).then_some(remind_at)
    }

    /// The next `count` prompts strictly after `after`, as (local date, instant): none on an
    /// excluded day, and none on a day already handled (opened by hand with `/standup now`).
    pub fn next_prompts(
        &self,
        after: DateTime<Utc>,
        count: usize,
        exclusions: &Exclusions,
    ) -> Vec<(NaiveDate, DateTime<Utc>)> {
        let mut prompts = Vec::with_capacity(count);
        if exclusions.paused_until_resumed() {
            return prompts;
        }
        // Start a day early: a prompt fires on its own local date, which may be "yesterday" in UTC.
        let mut date = self.local_date(after).pred_opt();
        for done in [exclusions.paused_until, exclusions.handled_through]
            .into_iter()
            .flatten()
        {
            date = done.succ_opt().and_then(|next| date.max(Some(next)));
        }
        while let Some(day) = date {
            if prompts.len() == count {
                break;
            }
            if self.is_prompt_day(day, exclusions) {
                let at = self.prompt_instant(day);
                if at > after {
                    prompts.push((day, at));
                }
            }
            date = day.succ_opt();
        }
        prompts
    }

    /// The last handled day to store when a schedule is set up at `now`: every day whose prompt
    /// time has already passed, so a new schedule never fires late for earlier days.
    pub fn handled_through(&self, now: DateTime<Utc>) -> NaiveDate {
        let today = self.local_date(now);
        if self.prompt_instant(today) <= now {
            today
        } else {
            today.pred_opt().unwrap_or(today)
        }
    }

    /// The newest day after `last_handled` up to which every day whose prompt time has come by
    /// `now` is no prompt day (paused, skipped or not scheduled): days that passed with nothing
    /// to do. Stored as handled as they pass, and before a pause is lifted, so that lifting it
    /// never turns paused days into missed ones, nor a paused today into a late prompt.
    pub fn passed_without_prompt(
        &self,
        now: DateTime<Utc>,
        last_handled: NaiveDate,
        exclusions: &Exclusions,
    ) -> Option<NaiveDate> {
        let mut through = None;
        let mut date = last_handled.succ_opt();
        while let Some(day) = date.filter(|d| self.prompt_instant(*d) <= now) {
            if self.is_prompt_day(day, exclusions) {
                break;
            }
            through = Some(day);
            date = day.succ_opt();
        }
        through
    }

    /// What is due at `now`, given the last day already handled (prompted, skipped or opened
    /// by hand). Each scheduled day after it whose prompt time has come is either prompted
    /// (on time, or late while its window is still open) or reported missed.
    pub fn due(&self, now: DateTime<Utc>, last_handled: NaiveDate, exclusions: &Exclusions) -> Due {
        let mut due = Due::default();
        let today = self.local_date(now);
        let mut date = last_handled.succ_opt();
        while let Some(day) = date.filter(|d| *d <= today) {
            if self.is_prompt_day(day, exclusions) {
                let scheduled_at = self.prompt_instant(day);
                if scheduled_at > now {
                    break;
                }
                if now < self.close_instant(day) {
                    let late = now - scheduled_at > LATE_AFTER;
                    let open = DuePrompt {
                        date: day,
                        scheduled_at,
                        late,
                    };
                    if let Some(earlier) = due.prompt.replace(open) {
                        due.missed.push(earlier.date);
                    }
                } else {
                    due.missed.push(day);
                }
            }
            date = day.succ_opt();
        }
        due
    }
}

#[cfg(test)]
mod tests;
