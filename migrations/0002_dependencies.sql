-- Story dependencies: `story_id` is blocked by `blocked_by_id` (same team).
CREATE TABLE story_dependencies (
    story_id       INTEGER NOT NULL REFERENCES stories (id),
    blocked_by_id  INTEGER NOT NULL REFERENCES stories (id),
    created_by     INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (story_id, blocked_by_id),
    CHECK (story_id <> blocked_by_id)
);
CREATE INDEX story_dependencies_by_blocker ON story_dependencies (blocked_by_id);
