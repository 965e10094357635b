-- Teams, channel links, members, and the story backlog.
-- Discord ids are INTEGER (snowflakes fit in i64); times are INTEGER unix seconds (UTC).

CREATE TABLE teams (
    id                      INTEGER PRIMARY KEY,
    guild_id                INTEGER NOT NULL,
    name                    TEXT    NOT NULL,
    is_default              INTEGER NOT NULL DEFAULT 0,
    po_role_id              INTEGER,
    timezone                TEXT    NOT NULL DEFAULT 'UTC',
    stakeholder_channel_id  INTEGER,
    vision                  TEXT,
    next_story_number       INTEGER NOT NULL DEFAULT 1,
    created_at              INTEGER NOT NULL
);
CREATE UNIQUE INDEX teams_by_guild_and_name ON teams (guild_id, name COLLATE NOCASE);
CREATE UNIQUE INDEX one_default_team_per_guild ON teams (guild_id) WHERE is_default = 1;

CREATE TABLE team_channels (
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    team_id     INTEGER NOT NULL REFERENCES teams (id),
    PRIMARY KEY (guild_id, channel_id)
);

CREATE TABLE team_members (
    team_id   INTEGER NOT NULL REFERENCES teams (id),
    user_id   INTEGER NOT NULL,
    added_at  INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id)
);

CREATE TABLE stories (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    team_id      INTEGER NOT NULL REFERENCES teams (id),
    number       INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    details      TEXT    NOT NULL DEFAULT '',
    kind         TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    points       INTEGER,
    assignee_id  INTEGER,
    -- Fractional rank key: ordering is plain byte order, a move writes one row.
    rank         BLOB    NOT NULL,
    source_url   TEXT,
    created_by   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (team_id, number)
);
-- The backlog list: open stories of a team in rank order.
CREATE INDEX stories_backlog_order ON stories (team_id, rank)
    WHERE status NOT IN ('done', 'accepted', 'archived');
CREATE INDEX stories_by_team_rank ON stories (team_id, rank);
CREATE INDEX stories_by_assignee ON stories (team_id, assignee_id);

CREATE TABLE story_labels (
    story_id  INTEGER NOT NULL REFERENCES stories (id),
    label     TEXT    NOT NULL,
    PRIMARY KEY (story_id, label)
);
CREATE INDEX story_labels_by_label ON story_labels (label, story_id);

CREATE TABLE story_criteria (
    story_id  INTEGER NOT NULL REFERENCES stories (id),
    position  INTEGER NOT NULL,
    text      TEXT    NOT NULL,
    checked   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (story_id, position)
);

-- Every status change with its time: feeds burndown, cycle time and stakeholder updates.
CREATE TABLE story_status_changes (
    id           INTEGER PRIMARY KEY,
    story_id     INTEGER NOT NULL REFERENCES stories (id),
    from_status  TEXT,
    to_status    TEXT    NOT NULL,
    changed_by   INTEGER NOT NULL,
    changed_at   INTEGER NOT NULL,
    note         TEXT
);
CREATE INDEX story_status_changes_by_story ON story_status_changes (story_id, changed_at);
