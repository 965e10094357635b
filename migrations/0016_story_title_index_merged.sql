-- Keeps the trigram index of migration 0011 in few segments as stories keep coming.
--
-- Each batch of 128 new titles (migration 0013) is a small segment of its own, and FTS5's own
-- merging lets up to 16 of them pile up on a level before it merges them. A search asks every
-- segment for each trigram it holds, so after 20,000 stories added to 100,000 the benchmark's
-- rare-text search cost about twice what it did, and four times after 40,000 (README,
-- Performance). So each batch also does a bounded step of merging (at most about 256 pages
-- written), and any two segments on a level may be merged ('usermerge'), which keeps about one
-- segment per level: the same searches stayed near their cost on the merged index.
INSERT INTO story_title_search (story_title_search, rank) VALUES ('usermerge', 2);

DROP TRIGGER story_title_index_advanced;
CREATE TRIGGER story_title_index_advanced
AFTER UPDATE OF indexed_through ON story_title_index
WHEN NEW.indexed_through > OLD.indexed_through
BEGIN
    INSERT INTO story_title_search (rowid, title)
    SELECT id, title FROM stories
    WHERE id > OLD.indexed_through AND id <= NEW.indexed_through
    ORDER BY id;
    INSERT INTO story_title_search (story_title_search, rank) VALUES ('merge', 256);
END;
