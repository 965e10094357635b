-- An outbox post may carry one file (e.g. the value/effort matrix PNG of a vote's results),
-- sent as multipart/form-data with the JSON body as `payload_json`.
ALTER TABLE outbox ADD COLUMN attachment_name TEXT;
ALTER TABLE outbox ADD COLUMN attachment BLOB;
