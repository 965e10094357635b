-- Priority votes: the vote, its candidates (in backlog order at start: that order breaks ties),
-- each voter's submitted ballot (one per voter per vote) and each voter's ballot in progress.

CREATE TABLE votes (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    team_id            INTEGER NOT NULL REFERENCES teams (id),
    -- 'dots', 'score', 'moscow', 'value_effort'
    method             TEXT    NOT NULL,
    dots_per_voter     INTEGER NOT NULL DEFAULT 0,
    -- 'open', 'closed', 'cancelled'
    status             TEXT    NOT NULL DEFAULT 'open',
    opened_by          INTEGER NOT NULL,
    opened_at          INTEGER NOT NULL,
    closes_at          INTEGER NOT NULL,
    closed_at          INTEGER,
    -- Who closed or cancelled it; NULL when it closed itself.
    closed_by          INTEGER,
    -- Where /vote start ran: the results are posted there.
    channel_id         INTEGER NOT NULL,
    -- The public ballot card, known once someone presses a button on it.
    card_channel_id    INTEGER,
    card_message_id    INTEGER,
    results_posted     INTEGER NOT NULL DEFAULT 0,
    applied_at         INTEGER
);
CREATE UNIQUE INDEX one_open_vote_per_team ON votes (team_id) WHERE status = 'open';
CREATE INDEX votes_closing ON votes (closes_at) WHERE status = 'open';
CREATE INDEX votes_by_team ON votes (guild_id, team_id, id);

CREATE TABLE vote_candidates (
    vote_id       INTEGER NOT NULL REFERENCES votes (id),
    position      INTEGER NOT NULL,
    story_number  INTEGER NOT NULL,
    PRIMARY KEY (vote_id, position),
    UNIQUE (vote_id, story_number)
);

-- One submitted ballot per voter per vote; a new one replaces the old in one transaction.
CREATE TABLE vote_ballots (
    vote_id       INTEGER NOT NULL REFERENCES votes (id),
    voter_id      INTEGER NOT NULL,
    submitted_at  INTEGER NOT NULL,
    PRIMARY KEY (vote_id, voter_id)
);

-- A ballot's marks: `first` is the dots, score, MoSCoW call (0 Must .. 3 Won't) or value;
-- `second` is the effort (value/effort only).
CREATE TABLE vote_ballot_marks (
    vote_id       INTEGER NOT NULL,
    voter_id      INTEGER NOT NULL,
    story_number  INTEGER NOT NULL,
    first         INTEGER,
    second        INTEGER,
    PRIMARY KEY (vote_id, voter_id, story_number),
    FOREIGN KEY (vote_id, voter_id) REFERENCES vote_ballots (vote_id, voter_id)
);

-- The ballot a voter is filling in: where they are and what they marked so far. Lives in the
-- database so a ballot survives restarts.
CREATE TABLE vote_drafts (
    vote_id     INTEGER NOT NULL REFERENCES votes (id),
    voter_id    INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (vote_id, voter_id)
);

CREATE TABLE vote_draft_marks (
    vote_id       INTEGER NOT NULL,
    voter_id      INTEGER NOT NULL,
    story_number  INTEGER NOT NULL,
    first         INTEGER,
    second        INTEGER,
    PRIMARY KEY (vote_id, voter_id, story_number),
    FOREIGN KEY (vote_id, voter_id) REFERENCES vote_drafts (vote_id, voter_id)
);
