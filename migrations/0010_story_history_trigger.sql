-- A story's first status entry ("created as new, by its author, at its creation") is written by
-- the database in the same statement as the story, saving the store a round trip per insert.
CREATE TRIGGER story_history_starts AFTER INSERT ON stories
BEGIN
    INSERT INTO story_status_changes (story_id, from_status, to_status, changed_by, changed_at)
    VALUES (NEW.id, NULL, NEW.status, NEW.created_by, NEW.created_at);
END;
