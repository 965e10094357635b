-- The backlog's order index also holds each story's status, so counting a story's place and
-- skipping to a deep page of the backlog read only the index, not a table row per story passed.
DROP INDEX stories_backlog_order;
CREATE INDEX stories_backlog_order ON stories (team_id, rank, status)
    WHERE status NOT IN ('done', 'accepted', 'archived');
