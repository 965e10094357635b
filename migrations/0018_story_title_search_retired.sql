-- Retires the trigram index of story titles (migrations 0011, 0013 and 0016).
--
-- Since the nineteenth session a big team's titles are searched in memory
-- (`store/title_indexes.rs`); the index on disk answered only for a team with more stories than
-- the bot holds in memory (200,000), while every new story paid for its upkeep: every 128th
-- insert indexed the batch and merged up to 256 pages of segments, holding every writer behind
-- it for about 3 ms, and the index wrote about as many log pages as the stories themselves.
-- Without it `/story add` went from about 0.40 to 0.46 x floor in the benchmark (README,
-- Performance). A team too big to hold is scanned in backlog order instead.
DROP TRIGGER IF EXISTS story_title_index_batch_full;
DROP TRIGGER IF EXISTS story_title_index_advanced;
DROP TRIGGER IF EXISTS story_title_search_added;
DROP TRIGGER IF EXISTS story_title_search_renamed;
DROP TRIGGER IF EXISTS story_title_search_removed;
DROP TABLE IF EXISTS story_title_index;
DROP TABLE IF EXISTS story_title_search;
