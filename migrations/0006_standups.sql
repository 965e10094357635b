-- Stand-ups: one schedule per team, holidays, absences, one row per held (or skipped) day and
-- one answer per member and day. Dates are local dates in the schedule's zone as 'YYYY-MM-DD'.
-- Message ids live in the outbox, found by purpose: 'standup-prompt:{team}:{date}',
-- 'standup-thread:...', 'standup-answer:{team}:{date}:{user}', 'standup-reminder:...',
-- 'standup-summary:...'.

CREATE TABLE standup_schedules (
    team_id           INTEGER PRIMARY KEY REFERENCES teams (id),
    guild_id          INTEGER NOT NULL,
    channel_id        INTEGER NOT NULL,
    -- 'HH:MM' on the wall clock of `timezone`.
    local_time        TEXT    NOT NULL,
    timezone          TEXT    NOT NULL,
    -- Bit 0 = Monday ... bit 6 = Sunday.
    days              INTEGER NOT NULL,
    window_minutes    INTEGER NOT NULL,
    reminder_minutes  INTEGER NOT NULL,
    -- No prompt up to and including this date.
    paused_until      TEXT,
    -- The newest local date already prompted, skipped or missed: never prompted again.
    last_handled      TEXT    NOT NULL,
    -- Why the bot cannot post (e.g. a missing permission); cleared by the next successful post.
    failing_reason    TEXT,
    updated_by        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);

CREATE TABLE standup_skips (
    team_id  INTEGER NOT NULL REFERENCES teams (id),
    date     TEXT    NOT NULL,
    PRIMARY KEY (team_id, date)
);

CREATE TABLE standup_away (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES teams (id),
    user_id    INTEGER NOT NULL,
    from_date  TEXT    NOT NULL,
    to_date    TEXT    NOT NULL,
    set_by     INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX standup_away_by_team ON standup_away (team_id, to_date);

CREATE TABLE standup_days (
    id                INTEGER PRIMARY KEY,
    team_id           INTEGER NOT NULL REFERENCES teams (id),
    guild_id          INTEGER NOT NULL,
    date              TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('open', 'closed', 'skipped')),
    -- Where the prompt and summary go, fixed when the day opens.
    channel_id        INTEGER NOT NULL,
    opened_at         INTEGER NOT NULL,
    remind_at         INTEGER,
    close_at          INTEGER NOT NULL,
    thread_requested  INTEGER NOT NULL DEFAULT 0,
    reminded          INTEGER NOT NULL DEFAULT 0,
    closed_at         INTEGER,
    -- A late answer arrived after the summary: edit it.
    summary_stale     INTEGER NOT NULL DEFAULT 0,
    -- The guarantee that a day is never prompted twice, whatever crashes in between.
    UNIQUE (team_id, date)
);
CREATE INDEX standup_days_open ON standup_days (status) WHERE status = 'open';

CREATE TABLE standup_answers (
    day_id       INTEGER NOT NULL REFERENCES standup_days (id),
    user_id      INTEGER NOT NULL,
    yesterday    TEXT    NOT NULL,
    today        TEXT    NOT NULL,
    blockers     TEXT    NOT NULL DEFAULT '',
    answered_at  INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    -- The thread post is not yet queued (new answer) or not yet queued as an edit (changed one).
    post_pending INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (day_id, user_id)
);
CREATE INDEX standup_answers_pending ON standup_answers (day_id) WHERE post_pending = 1;
