-- Sprints, their stories and scope changes, stakeholder updates and the weekly update schedule.
-- Dates a team reads (sprint start, last weekly publication) are local `YYYY-MM-DD` text in the
-- zone stored beside them; instants are INTEGER unix seconds (UTC).

CREATE TABLE sprints (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    team_id            INTEGER NOT NULL REFERENCES teams (id),
    -- Per-team sequence: the default name is `Sprint {number}`.
    number             INTEGER NOT NULL,
    name               TEXT    NOT NULL,
    goal               TEXT,
    start_date         TEXT    NOT NULL,
    days               INTEGER NOT NULL,
    -- The team's zone when the sprint started, so its days stay put if the team's zone changes.
    timezone           TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('active', 'closed')),
    started_by         INTEGER NOT NULL,
    started_at         INTEGER NOT NULL,
    closed_by          INTEGER,
    closed_at          INTEGER,
    -- Measured at close, so history and capacity never depend on later edits of points.
    committed_points   INTEGER,
    completed_points   INTEGER,
    committed_stories  INTEGER,
    completed_stories  INTEGER,
    UNIQUE (team_id, number)
);
CREATE UNIQUE INDEX one_active_sprint_per_team ON sprints (team_id) WHERE status = 'active';
CREATE INDEX sprints_closed_by_team ON sprints (team_id, closed_at) WHERE status = 'closed';

-- Every move of a story into or out of a sprint. A story's latest row says whether it is in.
-- `scope_change` = 1 when the move came after the sprint's planning day (its first local day).
CREATE TABLE sprint_story_changes (
    id            INTEGER PRIMARY KEY,
    sprint_id     INTEGER NOT NULL REFERENCES sprints (id),
    story_id      INTEGER NOT NULL REFERENCES stories (id),
    added         INTEGER NOT NULL CHECK (added IN (0, 1)),
    scope_change  INTEGER NOT NULL CHECK (scope_change IN (0, 1)),
    changed_by    INTEGER NOT NULL,
    changed_at    INTEGER NOT NULL
);
CREATE INDEX sprint_story_changes_by_sprint ON sprint_story_changes (sprint_id, story_id, id);
CREATE INDEX sprint_story_changes_by_story ON sprint_story_changes (story_id);

-- Stakeholder updates: drafts shown privately, then published once (or cancelled). The last
-- published one is where the next update's "shipped since" starts.
CREATE TABLE stakeholder_updates (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    team_id       INTEGER NOT NULL REFERENCES teams (id),
    channel_id    INTEGER NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    -- The message as posted (JSON of the channel message body).
    content       TEXT    NOT NULL,
    created_by    INTEGER,
    created_at    INTEGER NOT NULL,
    published_at  INTEGER
);
CREATE INDEX stakeholder_updates_published ON stakeholder_updates (team_id, published_at)
    WHERE status = 'published';

-- One weekly publication schedule per team.
CREATE TABLE update_schedules (
    team_id              INTEGER PRIMARY KEY REFERENCES teams (id),
    guild_id             INTEGER NOT NULL,
    channel_id           INTEGER NOT NULL,
    -- 0 = Monday ... 6 = Sunday.
    weekday              INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    -- `HH:MM`, local to `timezone`.
    local_time           TEXT    NOT NULL,
    timezone             TEXT    NOT NULL,
    -- The local date of the last weekly publication (or of the last occurrence already past when
    -- the schedule was set), so a week is never published twice, across restarts too.
    last_published_date  TEXT    NOT NULL,
    created_by           INTEGER NOT NULL,
    created_at           INTEGER NOT NULL
);
