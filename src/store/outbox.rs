//! The outbox: posts the bot makes on its own, written in the same transaction as the state
//! change that causes them and sent afterwards, at least once and (thanks to nonces) at most
//! once as Discord sees it.

use sqlx::{Row as _, SqliteConnection};

use super::{db_id, wire_id, Store};

/// What kind of REST call an outbox row becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxKind {
    /// `POST /channels/{channel}/messages`
    Post,
    /// `PATCH /channels/{channel}/messages/{target}`
    Edit,
    /// `POST /channels/{channel}/messages/{target}/threads`
    Thread,
}

impl OutboxKind {
    fn as_str(self) -> &'static str {
        match self {
            OutboxKind::Post => "post",
            OutboxKind::Edit => "edit",
            OutboxKind::Thread => "thread",
        }
    }

    fn parse(raw: &str) -> Self {
        match raw {
            "edit" => OutboxKind::Edit,
            "thread" => OutboxKind::Thread,
            _ => OutboxKind::Post,
        }
    }
}

/// A file sent with a post (multipart upload), e.g. a chart the embed shows as
/// `attachment://{name}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("name", &self.name)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// A post to make.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOutboxItem {
    pub guild_id: u64,
    pub kind: OutboxKind,
    pub channel_id: u64,
    pub target_message_id: Option<u64>,
    pub purpose: String,
    /// The JSON body (a serenity builder serialised through `render::message`).
    pub body: serde_json::Value,
    /// An optional file; the body is then sent as `payload_json` of a multipart request.
    pub attachment: Option<Attachment>,
}

/// A queued post.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    pub id: i64,
    pub guild_id: u64,
    pub kind: OutboxKind,
    pub channel_id: u64,
    pub target_message_id: Option<u64>,
    pub purpose: String,
    pub body: serde_json::Value,
    pub attachment: Option<Attachment>,
    pub attempts: i64,
}

impl OutboxItem {
    /// The nonce Discord deduplicates on (<= 25 characters).
    pub fn nonce(&self) -> String {
        format!("sm{}", self.id)
    }
}

/// Queues a post inside the caller's transaction.
pub async fn enqueue(
    conn: &mut SqliteConnection,
    item: &NewOutboxItem,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO outbox (guild_id, kind, channel_id, target_message_id, purpose, body, attachment_name, attachment, created_at, not_before)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(db_id(item.guild_id))
    .bind(item.kind.as_str())
    .bind(db_id(item.channel_id))
    .bind(item.target_message_id.map(db_id))
    .bind(&item.purpose)
    .bind(item.body.to_string())
    .bind(item.attachment.as_ref().map(|a| a.name.as_str()))
    .bind(item.attachment.as_ref().map(|a| a.bytes.as_slice()))
    .bind(now)
    .bind(now)
    .fetch_one(conn)
    .await
}

fn item_from_row(row: &sqlx::sqlite::SqliteRow) -> OutboxItem {
    OutboxItem {
        id: row.get("id"),
        guild_id: wire_id(row.get("guild_id")),
        kind: OutboxKind::parse(row.get("kind")),
        channel_id: wire_id(row.get("channel_id")),
        target_message_id: row.get::<Option<i64>, _>("target_message_id").map(wire_id),
        purpose: row.get("purpose"),
        body: serde_json::from_str(row.get("body")).unwrap_or(serde_json::Value::Null),
        attachment: match (
            row.get::<Option<String>, _>("attachment_name"),
            row.get::<Option<Vec<u8>>, _>("attachment"),
        ) {
            (Some(name), Some(bytes)) => Some(Attachment { name, bytes }),
            _ => None,
        },
        attempts: row.get("attempts"),
    }
}

impl Store {
    /// Queues a post on its own (when there is no other state change to share a transaction).
    pub async fn enqueue_post(&self, item: &NewOutboxItem, now: i64) -> sqlx::Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = enqueue(&mut tx, item, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Unsent, unfailed posts due at `now`, oldest first.
    pub async fn due_outbox(&self, now: i64, limit: i64) -> sqlx::Result<Vec<OutboxItem>> {
        self.due_outbox_of(None, now, limit).await
    }

    /// As [`due_outbox`](Self::due_outbox), of these guilds only when `guild_ids` is given. The
    /// guilds are picked before the limit, so rows of other guilds queued ahead can never fill
    /// the batch.
    pub async fn due_outbox_of(
        &self,
        guild_ids: Option<&[u64]>,
        now: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<OutboxItem>> {
        let guilds = guild_ids.map(|ids| {
            let ids: Vec<i64> = ids.iter().copied().map(db_id).collect();
            serde_json::Value::from(ids).to_string()
        });
        let rows = sqlx::query(
            "SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND not_before <= ?1
               AND (?2 IS NULL OR guild_id IN (SELECT value FROM json_each(?2)))
             ORDER BY not_before, id LIMIT ?3",
        )
        .bind(now)
        .bind(guilds)
        .bind(limit)
        .fetch_all(self.reads())
        .await?;
        Ok(rows.iter().map(item_from_row).collect())
    }

    /// When the next unsent post is due, if any.
    pub async fn next_outbox_due(&self) -> sqlx::Result<Option<i64>> {
        sqlx::query_scalar(
            "SELECT min(not_before) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .fetch_one(self.reads())
        .await
    }

    /// Leases a due row to this sender until `lease_until`, so two concurrent drains never send
    /// the same row; false when someone else has it (or it was sent meanwhile).
    pub async fn claim_outbox(&self, id: i64, now: i64, lease_until: i64) -> sqlx::Result<bool> {
        let statement = sqlx::query(
            "UPDATE outbox SET not_before = ? WHERE id = ? AND not_before <= ? AND sent_at IS NULL AND failed_at IS NULL",
        )
        .bind(lease_until)
        .bind(id)
        .bind(now);
        let done = self.write_alone(statement).await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn mark_outbox_sent(
        &self,
        id: i64,
        sent_id: Option<u64>,
        now: i64,
    ) -> sqlx::Result<()> {
        let statement = sqlx::query(
            "UPDATE outbox SET sent_at = ?, sent_id = ?, attempts = attempts + 1 WHERE id = ?",
        )
        .bind(now)
        .bind(sent_id.map(db_id))
        .bind(id);
        self.write_alone(statement).await?;
        Ok(())
    }

    pub async fn retry_outbox_at(&self, id: i64, not_before: i64) -> sqlx::Result<()> {
        let statement =
            sqlx::query("UPDATE outbox SET not_before = ?, attempts = attempts + 1 WHERE id = ?")
                .bind(not_before)
                .bind(id);
        self.write_alone(statement).await?;
        Ok(())
    }

    /// Releases a claimed row unsent until `not_before`, without counting an attempt: the rate
    /// limiter held it back before it went out.
    pub async fn defer_outbox(&self, id: i64, not_before: i64) -> sqlx::Result<()> {
        let statement =
            sqlx::query("UPDATE outbox SET not_before = ? WHERE id = ? AND sent_at IS NULL")
                .bind(not_before)
                .bind(id);
        self.write_alone(statement).await?;
        Ok(())
    }

    pub async fn mark_outbox_failed(&self, id: i64, failure: &str, now: i64) -> sqlx::Result<()> {
        let statement = sqlx::query(
            "UPDATE outbox SET failed_at = ?, failure = ?, attempts = attempts + 1 WHERE id = ?",
        )
        .bind(now)
        .bind(failure)
        .bind(id);
        self.write_alone(statement).await?;
        Ok(())
    }

    /// The id of the message a sent post became, by purpose (e.g. to edit it later).
    pub async fn sent_message_for(
        &self,
        guild_id: u64,
        purpose: &str,
    ) -> sqlx::Result<Option<(u64, u64)>> {
        let row: Option<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT channel_id, sent_id FROM outbox WHERE guild_id = ? AND purpose = ? AND sent_at IS NOT NULL
             ORDER BY id DESC LIMIT 1",
        )
        .bind(db_id(guild_id))
        .bind(purpose)
        .fetch_optional(self.reads())
        .await?;
        Ok(row.and_then(|(channel, sent)| sent.map(|s| (wire_id(channel), wire_id(s)))))
    }
}

impl Store {
    /// Whether a post for `purpose` is queued and not yet sent or failed (so a follow-up must
    /// wait for its message id).
    pub async fn outbox_waiting_for(&self, guild_id: u64, purpose: &str) -> sqlx::Result<bool> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE guild_id = ? AND purpose = ?
                 AND sent_at IS NULL AND failed_at IS NULL)",
        )
        .bind(db_id(guild_id))
        .bind(purpose)
        .fetch_one(self.reads())
        .await
    }
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
