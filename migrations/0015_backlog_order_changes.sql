-- Each team's count of changes to the order of its open backlog, kept by triggers beside the
-- totals. The bot remembers where a page of the backlog starts (the rank of the open story at
-- its offset) so that the next press of Next starts from the order index at that rank instead
-- of skipping every entry before it; a remembered start is used only while this count, read in
-- the same snapshot as the page, is what it was when the start was read. So any change to the
-- order, made by this process or by another one on the same file, retires every start at once.
--
-- What changes the order: an open story moved (its rank or team changed), a story opened or
-- closed, an open story deleted, or a new open story ranked above another open one. A story
-- added at the bottom, the usual `/story add`, leaves every earlier place as it was, so it
-- does not count; neither does a change of title, points or an open status to another. (A new
-- story tied with another's rank counts: it may sort before it.)
ALTER TABLE backlog_totals ADD COLUMN order_changes INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER backlog_order_story_moved
AFTER UPDATE OF rank, status, team_id ON stories
WHEN NEW.rank IS NOT OLD.rank
  OR NEW.team_id IS NOT OLD.team_id
  OR (OLD.status NOT IN ('done', 'accepted', 'archived'))
     IS NOT (NEW.status NOT IN ('done', 'accepted', 'archived'))
BEGIN
    UPDATE backlog_totals
       SET order_changes = order_changes + 1
     WHERE (team_id = OLD.team_id AND OLD.status NOT IN ('done', 'accepted', 'archived'))
        OR (team_id = NEW.team_id AND NEW.status NOT IN ('done', 'accepted', 'archived'));
END;

CREATE TRIGGER backlog_order_story_removed AFTER DELETE ON stories
WHEN OLD.status NOT IN ('done', 'accepted', 'archived')
BEGIN
    UPDATE backlog_totals SET order_changes = order_changes + 1 WHERE team_id = OLD.team_id;
END;

CREATE TRIGGER backlog_order_story_added_above AFTER INSERT ON stories
WHEN NEW.status NOT IN ('done', 'accepted', 'archived')
 AND EXISTS (SELECT 1 FROM stories INDEXED BY stories_backlog_order
             WHERE team_id = NEW.team_id AND rank >= NEW.rank AND id <> NEW.id
               AND status NOT IN ('done', 'accepted', 'archived'))
BEGIN
    UPDATE backlog_totals SET order_changes = order_changes + 1 WHERE team_id = NEW.team_id;
END;
