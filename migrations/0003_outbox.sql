-- Everything the bot posts on its own is first written here, in the same transaction as the
-- state change that causes it, then sent by the outbox sender (with a nonce, so a retry after a
-- crash cannot double-post).
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    -- 'post' (new message), 'edit' (of target_message_id), 'thread' (start a thread on target_message_id)
    kind             TEXT    NOT NULL,
    channel_id       INTEGER NOT NULL,
    target_message_id INTEGER,
    -- What the message is for, e.g. 'vote-result:12'; lets later steps find the sent message.
    purpose          TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    not_before       INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    sent_at          INTEGER,
    sent_id          INTEGER,
    failed_at        INTEGER,
    failure          TEXT
);
CREATE INDEX outbox_due ON outbox (not_before) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_by_purpose ON outbox (guild_id, purpose);
