//! The part of an import besides the backlog: the member roster, sprints and their move log,
//! votes with candidates, ballots and drafts, poker rounds and votes (stand-ups and updates are
//! in `import_standups.rs`). Runs in the write transaction of `import.rs`; story numbers become
//! the new row ids through `ids`.

use sqlx::SqliteConnection;

use super::db_id;
use super::import::StoryIds;
use crate::backup::{TeamDoc, VoteDoc};

pub(super) async fn write_activity(
    conn: &mut SqliteConnection,
    guild_id: u64,
    team_id: i64,
    ids: &StoryIds,
    team: &TeamDoc,
) -> sqlx::Result<()> {
    let guild = db_id(guild_id);
    for member in &team.members {
        sqlx::query("INSERT INTO team_members (team_id, user_id, added_at) VALUES (?, ?, ?)")
            .bind(team_id)
            .bind(member.user_id.db())
            .bind(member.added_at)
            .execute(&mut *conn)
            .await?;
    }
    for sprint in &team.sprints {
        let sprint_id: i64 = sqlx::query_scalar(
            "INSERT INTO sprints (guild_id, team_id, number, name, goal, start_date, days,
                 timezone, status, started_by, started_at, closed_by, closed_at,
                 committed_points, completed_points, committed_stories, completed_stories)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(guild)
        .bind(team_id)
        .bind(sprint.number)
        .bind(&sprint.name)
        .bind(&sprint.goal)
        .bind(&sprint.start_date)
        .bind(sprint.days)
        .bind(&sprint.timezone)
        .bind(&sprint.status)
        .bind(sprint.started_by.db())
        .bind(sprint.started_at)
        .bind(sprint.closed_by.map(|id| id.db()))
        .bind(sprint.closed_at)
        .bind(sprint.committed_points)
        .bind(sprint.completed_points)
        .bind(sprint.committed_stories)
        .bind(sprint.completed_stories)
        .fetch_one(&mut *conn)
        .await?;
        for change in &sprint.changes {
            sqlx::query(
                "INSERT INTO sprint_story_changes
                     (sprint_id, story_id, added, scope_change, changed_by, changed_at)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(sprint_id)
            .bind(ids[&change.story])
            .bind(change.added)
            .bind(change.scope_change)
            .bind(change.by.db())
            .bind(change.at)
            .execute(&mut *conn)
            .await?;
        }
    }
    for vote in &team.votes {
        write_vote(conn, guild, team_id, vote).await?;
    }
    for round in &team.poker_rounds {
        let round_id: i64 = sqlx::query_scalar(
            "INSERT INTO poker_rounds (guild_id, team_id, story_id, scale, status, round_number,
                 started_by, started_at, accepted_card, accepted_by, accepted_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(guild)
        .bind(team_id)
        .bind(ids[&round.story])
        .bind(&round.scale)
        .bind(&round.status)
        .bind(round.round_number)
        .bind(round.started_by.db())
        .bind(round.started_at)
        .bind(&round.accepted_card)
        .bind(round.accepted_by.map(|id| id.db()))
        .bind(round.accepted_at)
        .fetch_one(&mut *conn)
        .await?;
        for vote in &round.votes {
            sqlx::query(
                "INSERT INTO poker_votes (round_id, round_number, voter_id, card, voted_at)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(round_id)
            .bind(vote.round_number)
            .bind(vote.voter_id.db())
            .bind(&vote.card)
            .bind(vote.voted_at)
            .execute(&mut *conn)
            .await?;
        }
    }
    super::import_standups::write_standups_and_updates(conn, guild, team_id, team).await
}

async fn write_vote(
    conn: &mut SqliteConnection,
    guild: i64,
    team_id: i64,
    vote: &VoteDoc,
) -> sqlx::Result<()> {
    let vote_id: i64 = sqlx::query_scalar(
        "INSERT INTO votes (guild_id, team_id, method, dots_per_voter, status, opened_by,
             opened_at, closes_at, closed_at, closed_by, channel_id, card_channel_id,
             card_message_id, results_posted, applied_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(guild)
    .bind(team_id)
    .bind(&vote.method)
    .bind(vote.dots_per_voter)
    .bind(&vote.status)
    .bind(vote.opened_by.db())
    .bind(vote.opened_at)
    .bind(vote.closes_at)
    .bind(vote.closed_at)
    .bind(vote.closed_by.map(|id| id.db()))
    .bind(vote.channel_id.db())
    .bind(vote.card_channel_id.map(|id| id.db()))
    .bind(vote.card_message_id.map(|id| id.db()))
    .bind(vote.results_posted)
    .bind(vote.applied_at)
    .fetch_one(&mut *conn)
    .await?;
    for (position, number) in (0_i64..).zip(&vote.candidates) {
        sqlx::query(
            "INSERT INTO vote_candidates (vote_id, position, story_number) VALUES (?, ?, ?)",
        )
        .bind(vote_id)
        .bind(position)
        .bind(number)
        .execute(&mut *conn)
        .await?;
    }
    let kinds = [
        (
            "vote_ballots",
            "submitted_at",
            "vote_ballot_marks",
            &vote.ballots,
        ),
        (
            "vote_drafts",
            "updated_at",
            "vote_draft_marks",
            &vote.drafts,
        ),
    ];
    for (table, at, marks_table, ballots) in kinds {
        for ballot in ballots {
            let sql = format!("INSERT INTO {table} (vote_id, voter_id, {at}) VALUES (?, ?, ?)");
            sqlx::query(&sql)
                .bind(vote_id)
                .bind(ballot.voter_id.db())
                .bind(ballot.at)
                .execute(&mut *conn)
                .await?;
            let sql = format!(
                "INSERT INTO {marks_table} (vote_id, voter_id, story_number, first, second)
                 VALUES (?, ?, ?, ?, ?)"
            );
            for mark in &ballot.marks {
                sqlx::query(&sql)
                    .bind(vote_id)
                    .bind(ballot.voter_id.db())
                    .bind(mark.story)
                    .bind(mark.first)
                    .bind(mark.second)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    Ok(())
}
