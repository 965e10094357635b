-- The open backlog's size and points per team (the footer of every `/backlog` page), kept by
-- triggers inside the transaction of every story change, so showing a page of a 100,000-story
-- backlog reads one row instead of counting and summing every open story.

CREATE TABLE backlog_totals (
    team_id       INTEGER PRIMARY KEY REFERENCES teams (id),
    open_stories  INTEGER NOT NULL DEFAULT 0,
    open_points   INTEGER NOT NULL DEFAULT 0
);

INSERT INTO backlog_totals (team_id, open_stories, open_points)
SELECT t.id,
       (SELECT count(*) FROM stories s
         WHERE s.team_id = t.id AND s.status NOT IN ('done', 'accepted', 'archived')),
       (SELECT coalesce(sum(s.points), 0) FROM stories s
         WHERE s.team_id = t.id AND s.status NOT IN ('done', 'accepted', 'archived'))
FROM teams t;

CREATE TRIGGER backlog_totals_team_added AFTER INSERT ON teams
BEGIN
    INSERT INTO backlog_totals (team_id) VALUES (NEW.id);
END;

CREATE TRIGGER backlog_totals_story_added AFTER INSERT ON stories
WHEN NEW.status NOT IN ('done', 'accepted', 'archived')
BEGIN
    UPDATE backlog_totals
       SET open_stories = open_stories + 1,
           open_points = open_points + coalesce(NEW.points, 0)
     WHERE team_id = NEW.team_id;
END;

CREATE TRIGGER backlog_totals_story_changed AFTER UPDATE OF status, points, team_id ON stories
BEGIN
    UPDATE backlog_totals
       SET open_stories = open_stories - 1,
           open_points = open_points - coalesce(OLD.points, 0)
     WHERE team_id = OLD.team_id AND OLD.status NOT IN ('done', 'accepted', 'archived');
    UPDATE backlog_totals
       SET open_stories = open_stories + 1,
           open_points = open_points + coalesce(NEW.points, 0)
     WHERE team_id = NEW.team_id AND NEW.status NOT IN ('done', 'accepted', 'archived');
END;

CREATE TRIGGER backlog_totals_story_removed AFTER DELETE ON stories
WHEN OLD.status NOT IN ('done', 'accepted', 'archived')
BEGIN
    UPDATE backlog_totals
       SET open_stories = open_stories - 1,
           open_points = open_points - coalesce(OLD.points, 0)
     WHERE team_id = OLD.team_id;
END;
