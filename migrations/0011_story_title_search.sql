-- A trigram index of story titles, so autocomplete finds text that few titles contain without
-- reading every story of a big team. It indexes the `stories` table's own titles (external
-- content) and is kept in step by triggers in the same transaction as every title change.
CREATE VIRTUAL TABLE story_title_search USING fts5(
    title,
    content = 'stories',
    content_rowid = 'id',
    tokenize = 'trigram'
);

INSERT INTO story_title_search (story_title_search) VALUES ('rebuild');

CREATE TRIGGER story_title_search_added AFTER INSERT ON stories
BEGIN
    INSERT INTO story_title_search (rowid, title) VALUES (NEW.id, NEW.title);
END;

CREATE TRIGGER story_title_search_renamed AFTER UPDATE OF title ON stories
BEGIN
    INSERT INTO story_title_search (story_title_search, rowid, title)
    VALUES ('delete', OLD.id, OLD.title);
    INSERT INTO story_title_search (rowid, title) VALUES (NEW.id, NEW.title);
END;

CREATE TRIGGER story_title_search_removed AFTER DELETE ON stories
BEGIN
    INSERT INTO story_title_search (story_title_search, rowid, title)
    VALUES ('delete', OLD.id, OLD.title);
END;
