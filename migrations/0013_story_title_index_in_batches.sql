-- New titles join the trigram index of migration 0011 in batches of 128 instead of one by one.
--
-- FTS5 writes a new index segment at every transaction that adds to it, and merges segments as
-- they pile up: a group commit of 16 new stories cost about 60 µs and 1.3 pages of the log per
-- story in the index alone, against about 9 µs and 0.2 pages when 128 are added at once
-- (README, Performance). So the newest stories, those with an id above `indexed_through`, wait
-- outside the index (at most 128 of them, for every team together), and searches read them
-- directly (`store/story_search.rs`). Stories are never deleted, so ids only grow; a story
-- written at or below the mark (which an id reused after a delete would be) is indexed at once.
CREATE TABLE story_title_index (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_through INTEGER NOT NULL
);
INSERT INTO story_title_index (id, indexed_through)
SELECT 1, coalesce(max(id), 0) FROM stories;

-- Moving the mark up indexes the stories it passes, in one batch.
CREATE TRIGGER story_title_index_advanced
AFTER UPDATE OF indexed_through ON story_title_index
WHEN NEW.indexed_through > OLD.indexed_through
BEGIN
    INSERT INTO story_title_search (rowid, title)
    SELECT id, title FROM stories
    WHERE id > OLD.indexed_through AND id <= NEW.indexed_through
    ORDER BY id;
END;

DROP TRIGGER story_title_search_added;

-- A 129th story past the mark moves it up to the 128 before it, which leaves the new story
-- outside whichever of these two triggers runs first (SQLite does not promise their order). The
-- statement that wrote it may be writing more; they wait for the next batch.
CREATE TRIGGER story_title_index_batch_full AFTER INSERT ON stories
WHEN NEW.id > (SELECT indexed_through FROM story_title_index) + 128
BEGIN
    UPDATE story_title_index SET indexed_through = NEW.id - 1;
END;

CREATE TRIGGER story_title_search_added AFTER INSERT ON stories
WHEN NEW.id <= (SELECT indexed_through FROM story_title_index)
BEGIN
    INSERT INTO story_title_search (rowid, title) VALUES (NEW.id, NEW.title);
END;

-- A title or a removal outside the index has nothing to change there: the batch will read the
-- row as it is then.
DROP TRIGGER story_title_search_renamed;
CREATE TRIGGER story_title_search_renamed AFTER UPDATE OF title ON stories
WHEN OLD.id <= (SELECT indexed_through FROM story_title_index)
BEGIN
    INSERT INTO story_title_search (story_title_search, rowid, title)
    VALUES ('delete', OLD.id, OLD.title);
    INSERT INTO story_title_search (rowid, title) VALUES (NEW.id, NEW.title);
END;

DROP TRIGGER story_title_search_removed;
CREATE TRIGGER story_title_search_removed AFTER DELETE ON stories
WHEN OLD.id <= (SELECT indexed_through FROM story_title_index)
BEGIN
    INSERT INTO story_title_search (story_title_search, rowid, title)
    VALUES ('delete', OLD.id, OLD.title);
END;
