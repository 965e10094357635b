-- When each guild's data was last written by `sprintmate import`. An import gives its rows new
-- ids, so a button on a card posted before it may name a team, vote or round that is now a
-- different one of the same guild; presses on messages older than this time are refused.
CREATE TABLE guild_restores (
    guild_id     INTEGER PRIMARY KEY,
    restored_at  INTEGER NOT NULL
);
