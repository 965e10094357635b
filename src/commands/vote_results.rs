//! Ending a vote and applying its result. A vote ends exactly once: [`close`] (from
//! `/vote close` or the scheduler) and [`cancel`] flip it from open in the transaction that
//! also queues the results post and the card edit, so a crash can lose neither and a second
//! closer finds nothing to do. A value/effort vote's matrix is drawn before that transaction
//! takes the writers' turn (drawing takes milliseconds every queued writer would wait for) and
//! drawn again inside it only if a ballot changed the points in between.

use sqlx::SqliteConnection;

use super::caller::control_team;
use super::vote::NO_SUCH_VOTE;
use super::vote_tally;
use super::{Caller, Services};
use crate::domain::access::Access;
use crate::domain::apply_results::reassign_ranks;
use crate::domain::rank::Rank;
use crate::domain::story::StoryNumber;
use crate::domain::vote::Method;
use crate::error::{AppError, HandlerResult};
use crate::render::charts::{value_effort_matrix, MatrixPoint};
use crate::render::text::escape_markdown;
use crate::render::vote::{ballot_card, results_card};
use crate::render::{Message, Response};
use crate::store::outbox::{enqueue, Attachment, NewOutboxItem, OutboxKind};
use crate::store::votes::{self, Vote, VoteStatus};

/// The file name of the value/effort matrix sent with a vote's results.
pub const MATRIX_FILE: &str = "matrix.png";

/// A value/effort matrix drawn from the ballots as they were before the closing transaction, so
/// the writers queued behind that transaction do not wait for the drawing.
struct EarlyMatrix {
    points: Vec<MatrixPoint>,
    picture: Option<Attachment>,
}

impl EarlyMatrix {
    /// Drawn from the vote's ballots now (a plain read, on the read connections); `None` for
    /// other methods (nothing to read or draw).
    async fn draw(services: &Services, vote: &Vote) -> HandlerResult<Option<Self>> {
        if vote.method != Method::ValueEffort {
            return Ok(None);
        }
        let marks = votes::ballot_marks(services.store.reads(), vote.id).await?;
        let points = vote_tally::matrix_points(vote, &marks);
        let picture = matrix_picture(vote.id, points.clone()).await;
        Ok(Some(Self { points, picture }))
    }
}

/// The matrix of the points of the ballots the vote closed on: the early one when it shows the
/// same points (no ballot changed them in between), else drawn again.
async fn closing_matrix(
    vote_id: i64,
    points: Vec<MatrixPoint>,
    early: Option<EarlyMatrix>,
) -> Option<Attachment> {
    match early {
        Some(early) if early.points == points => early.picture,
        _ => matrix_picture(vote_id, points).await,
    }
}

/// The value/effort matrix of `points` as a PNG attachment; `None` when no story was rated
/// (other methods have no points), or when drawing failed (logged: the results are posted
/// without the picture rather than failing the close).
async fn matrix_picture(vote_id: i64, points: Vec<MatrixPoint>) -> Option<Attachment> {
    if points.is_empty() {
        return None;
    }
    let drawn = tokio::task::spawn_blocking(move || value_effort_matrix(&points)).await;
    match drawn {
        Ok(Ok(bytes)) => Some(Attachment {
            name: MATRIX_FILE.to_string(),
            bytes,
        }),
        Ok(Err(error)) => {
            tracing::warn!(vote = vote_id, %error, "could not draw the value/effort matrix; posting the results without it");
            None
        }
        Err(error) => {
            tracing::warn!(vote = vote_id, %error, "drawing the value/effort matrix panicked; posting the results without it");
            None
        }
    }
}

/// Queues an edit of the public ballot card (when it is known) showing the current voters.
pub async fn enqueue_card_edit(
    conn: &mut SqliteConnection,
    vote: &Vote,
    titles: &[(StoryNumber, String)],
    now: i64,
) -> sqlx::Result<()> {
    let Some((channel_id, message_id)) = vote.card else {
        return Ok(());
    };
    let voters = votes::voters_of(conn, vote.id).await?;
    let card = ballot_card(vote, titles, &voters);
    let item = NewOutboxItem {
        guild_id: vote.guild_id,
        kind: OutboxKind::Edit,
        channel_id,
        target_message_id: Some(message_id),
        purpose: format!("vote-card:{}", vote.id),
        body: serde_json::to_value(card.to_message_edit()).expect("message builders serialise"),
        attachment: None,
    };
    enqueue(conn, &item, now).await?;
    Ok(())
}

/// The vote with its candidates in the backlog order of this moment, so a tie keeps the order
/// the PO may have set while the vote ran (the stored order is the one at the start, which
/// the ballot's buttons keep using).
async fn tied_by_backlog_now(conn: &mut SqliteConnection, vote: &Vote) -> sqlx::Result<Vote> {
    let candidates =
        votes::in_backlog_order(conn, vote.guild_id, vote.team_id, &vote.candidates).await?;
    Ok(Vote {
        candidates,
        ..vote.clone()
    })
}

/// Closes an open vote and queues its results post; false when it had already ended.
pub async fn close(
    services: &Services,
    vote: &Vote,
    by: Option<u64>,
    now: i64,
) -> HandlerResult<bool> {
    let store = &services.store;
    let titles = store
        .story_titles(vote.guild_id, vote.team_id, &vote.candidates)
        .await?;
    let early_matrix = EarlyMatrix::draw(services, vote).await?;
    let mut tx = store.begin_write().await?;
    if !votes::end_vote(&mut tx, vote.guild_id, vote.id, VoteStatus::Closed, by, now).await? {
        return Ok(false);
    }
    let closed = Vote {
        status: VoteStatus::Closed,
        closed_at: Some(now),
        closed_by: by,
        ..vote.clone()
    };
    let marks = votes::ballot_marks(&mut *tx, vote.id).await?;
    let voters = votes::voters_of(&mut tx, vote.id).await?;
    let lines = vote_tally::tally(&tied_by_backlog_now(&mut tx, &closed).await?, &marks);
    let open = votes::open_ranks(&mut tx, vote.guild_id, vote.team_id, &vote.candidates).await?;
    let (_, left_out) = in_and_out(&vote.candidates, &open);
    let mut results = results_card(&closed, &titles, &lines, &voters, &left_out);
    let points = vote_tally::matrix_points(&closed, &marks);
    let attachment = closing_matrix(vote.id, points, early_matrix).await;
    if attachment.is_some() {
        if let Some(embed) = results.embeds.first_mut() {
            embed.image = Some(format!("attachment://{MATRIX_FILE}"));
        }
    }
    let post = NewOutboxItem {
        guild_id: vote.guild_id,
        kind: OutboxKind::Post,
        channel_id: vote.channel_id,
        target_message_id: None,
        purpose: format!("vote-results:{}", vote.id),
        body: serde_json::to_value(results.to_channel_message())
            .expect("message builders serialise"),
        attachment,
    };
    enqueue(&mut tx, &post, now).await?;
    enqueue_card_edit(&mut tx, &closed, &titles, now).await?;
    tx.commit().await?;
    services.scheduler_wake.notify_one();
    Ok(true)
}

/// Cancels an open vote: no results; the card says so. False when it had already ended.
pub async fn cancel(services: &Services, vote: &Vote, by: u64, now: i64) -> HandlerResult<bool> {
    let store = &services.store;
    let titles = store
        .story_titles(vote.guild_id, vote.team_id, &vote.candidates)
        .await?;
    let mut tx = store.begin_write().await?;
    if !votes::end_vote(
        &mut tx,
        vote.guild_id,
        vote.id,
        VoteStatus::Cancelled,
        Some(by),
        now,
    )
    .await?
    {
        return Ok(false);
    }
    let cancelled = Vote {
        status: VoteStatus::Cancelled,
        closed_at: Some(now),
        closed_by: Some(by),
        ..vote.clone()
    };
    enqueue_card_edit(&mut tx, &cancelled, &titles, now).await?;
    tx.commit().await?;
    services.scheduler_wake.notify_one();
    Ok(true)
}

/// Closes every open vote whose time ran out, including those that ran out while the app was
/// stopped. Returns how many it closed.
pub async fn close_overdue(services: &Services, now: i64) -> HandlerResult<usize> {
    let mut closed = 0;
    for (guild_id, vote_id) in services.store.overdue_votes(now).await? {
        let Some(vote) = services.store.vote(guild_id, vote_id).await? else {
            continue;
        };
        // The deadline is when it closed, even when noticed later (after a restart).
        if close(services, &vote, None, vote.closes_at.min(now)).await? {
            closed += 1;
        }
    }
    Ok(closed)
}

/// **Apply to backlog**: the voted stories share out the backlog places they hold, best first.
pub async fn apply(services: &Services, caller: &Caller, vote_id: i64) -> HandlerResult<Response> {
    let store = &services.store;
    let vote = store
        .vote(caller.guild_id, vote_id)
        .await?
        .ok_or_else(|| AppError::user(NO_SUCH_VOTE))?;
    let team = control_team(services, caller, vote.team_id, "vote").await?;
    caller.require(
        &team,
        Access::ProductOwner,
        "apply vote results to the backlog",
    )?;
    if vote.status != VoteStatus::Closed {
        return Err(AppError::user(
            "Only the results of a closed vote can be applied: close it first with /vote close.",
        ));
    }
    let now = services.now_unix();
    let mut tx = store.begin_write().await?;
    let marks = votes::ballot_marks(&mut *tx, vote.id).await?;
    let order: Vec<StoryNumber> =
        vote_tally::tally(&tied_by_backlog_now(&mut tx, &vote).await?, &marks)
            .iter()
            .map(|line| line.story)
            .collect();
    let current = votes::open_ranks(&mut tx, vote.guild_id, vote.team_id, &order).await?;
    if current.is_empty() {
        return Err(AppError::user(
            "None of the voted stories is in the backlog any more (done, accepted or archived); nothing changed.",
        ));
    }
    let (kept, left_out) = in_and_out(&order, &current);
    let skipped = if left_out.is_empty() {
        String::new()
    } else {
        format!(
            " Left out, as no longer in the backlog: {}.",
            numbers_list(&left_out)
        )
    };
    let changes = reassign_ranks(&current, &order);
    if changes.is_empty() {
        return Ok(Response::Message(Message::private_text(format!(
            "The backlog already has this vote's order; nothing changed.{skipped}"
        ))));
    }
    votes::write_ranks(&mut tx, vote.guild_id, vote.team_id, vote.id, &changes, now).await?;
    tx.commit().await?;
    Ok(Response::Message(Message::public_text(format!(
        "<@{}> applied the vote results to the backlog of {}: {} now sit in that order among the places they held ({} moved; every other story kept its place).{skipped}",
        caller.user_id,
        escape_markdown(&team.name),
        numbers_list(&kept),
        changes.len()
    ))))
}

/// The stories of `numbers` with a place in the open backlog (`open`), and those without, each
/// in their order.
fn in_and_out(
    numbers: &[StoryNumber],
    open: &[(StoryNumber, Rank)],
) -> (Vec<StoryNumber>, Vec<StoryNumber>) {
    numbers
        .iter()
        .partition(|n| open.iter().any(|(o, _)| o == *n))
}

/// `#3, #7, #9`.
fn numbers_list(numbers: &[StoryNumber]) -> String {
    let shown: Vec<String> = numbers.iter().map(ToString::to_string).collect();
    shown.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(story: u32, mean_value: f64) -> MatrixPoint {
        MatrixPoint {
            story,
            mean_value,
            mean_effort: 2.0,
        }
    }

    fn drawn_early(points: Vec<MatrixPoint>) -> Option<EarlyMatrix> {
        Some(EarlyMatrix {
            points,
            picture: Some(Attachment {
                name: MATRIX_FILE.to_string(),
                bytes: b"drawn before the turn".to_vec(),
            }),
        })
    }

    #[tokio::test]
    async fn the_early_matrix_is_used_only_for_the_points_it_was_drawn_for() {
        let early = drawn_early(vec![point(1, 4.0)]);
        let same = closing_matrix(7, vec![point(1, 4.0)], early).await.unwrap();
        assert_eq!(same.bytes, b"drawn before the turn");

        // A ballot between the early read and the close moved the mean: drawn again.
        let early = drawn_early(vec![point(1, 4.0)]);
        let moved = closing_matrix(7, vec![point(1, 3.5)], early).await.unwrap();
        assert!(moved.bytes.starts_with(b"\x89PNG"), "a fresh PNG");

        assert!(closing_matrix(7, Vec::new(), None).await.is_none());
        let fresh = closing_matrix(7, vec![point(2, 1.0)], None).await.unwrap();
        assert!(fresh.bytes.starts_with(b"\x89PNG"));
    }
}
