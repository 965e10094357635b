-- Each team's count of changes that can make a title the bot holds in memory wrong: a title
-- edited, a story moved to another team, a story deleted. The bot keeps the titles of a big
-- team's stories in memory for autocomplete (`store/title_indexes.rs`); it reads this count in
-- the snapshot of every search and reads the titles again when it changed, so a change made by
-- this process or by another one on the same file is seen at the next search. New stories do
-- not count: they have ids above every story the bot holds, and it reads those as they come.
ALTER TABLE teams ADD COLUMN title_edits INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER story_title_edited
AFTER UPDATE OF title, team_id ON stories
WHEN NEW.title IS NOT OLD.title OR NEW.team_id IS NOT OLD.team_id
BEGIN
    UPDATE teams SET title_edits = title_edits + 1 WHERE id IN (OLD.team_id, NEW.team_id);
END;

-- Without AUTOINCREMENT, deleting the story with the highest id lets the next story, in any
-- team, take that id again, below what every team's titles in memory cover: so a deletion,
-- which the bot itself never makes, counts for every team.
CREATE TRIGGER story_title_deleted AFTER DELETE ON stories
BEGIN
    UPDATE teams SET title_edits = title_edits + 1;
END;
