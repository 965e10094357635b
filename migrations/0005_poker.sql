-- Planning poker. A round row is one estimate of one story; Re-vote bumps `round_number` and
-- reopens it, so the card's buttons (which carry only the round id) keep working, and the
-- votes of earlier round numbers stay as history.
CREATE TABLE poker_rounds (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    team_id         INTEGER NOT NULL REFERENCES teams (id),
    story_id        INTEGER NOT NULL REFERENCES stories (id),
    scale           TEXT    NOT NULL,
    -- 'replaced': a newer /estimate of the story on another scale took over.
    status          TEXT    NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'revealed', 'accepted', 'replaced')),
    round_number    INTEGER NOT NULL DEFAULT 1,
    started_by      INTEGER NOT NULL,
    started_at      INTEGER NOT NULL,
    accepted_card   TEXT,
    accepted_by     INTEGER,
    accepted_at     INTEGER
);
-- Finding a story's unfinished round when /estimate or the card's Estimate button is used.
CREATE INDEX poker_rounds_by_story ON poker_rounds (team_id, story_id, status);

-- One vote per voter per round number; a new press replaces it. `card` NULL = sitting out.
CREATE TABLE poker_votes (
    round_id      INTEGER NOT NULL REFERENCES poker_rounds (id),
    round_number  INTEGER NOT NULL,
    voter_id      INTEGER NOT NULL,
    card          TEXT,
    voted_at      INTEGER NOT NULL,
    PRIMARY KEY (round_id, round_number, voter_id)
);
