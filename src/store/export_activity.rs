//! The part of an export besides the backlog: sprints with their move log, priority votes with
//! candidates, ballots and drafts, planning poker rounds and votes (stand-ups and updates are in
//! `export_standups.rs`). Runs in the read transaction of `export.rs`; story ids become team
//! numbers through `numbers`.

use std::collections::HashMap;

use sqlx::sqlite::SqliteRow;
use sqlx::{Row as _, SqliteConnection};

use super::db_id;
use super::export::{flake, flake_opt, Numbers};
use crate::backup::{
    BallotDoc, MarkDoc, PokerRoundDoc, PokerVoteDoc, SprintChangeDoc, SprintDoc, TeamDoc, VoteDoc,
};

pub(super) fn flag(row: &SqliteRow, column: &str) -> bool {
    row.get::<i64, _>(column) != 0
}

pub(super) async fn rows(
    conn: &mut SqliteConnection,
    sql: &str,
    guild_id: u64,
    team_id: i64,
) -> sqlx::Result<Vec<SqliteRow>> {
    // Every statement names the team as ?2 and, through the team or its own column, the guild
    // as ?1: `teams` rows of another guild never match.
    sqlx::query(sql)
        .bind(db_id(guild_id))
        .bind(team_id)
        .fetch_all(conn)
        .await
}

/// The team's rows joined to it, so each query is scoped by guild as well as team.
pub(super) const OF_TEAM: &str =
    "JOIN teams t ON t.id = x.team_id AND t.guild_id = ?1 WHERE x.team_id = ?2";

pub(super) async fn read_activity(
    conn: &mut SqliteConnection,
    guild_id: u64,
    team_id: i64,
    numbers: &Numbers,
    team: &mut TeamDoc,
) -> sqlx::Result<()> {
    let number = |row: &SqliteRow, column: &str| -> i64 {
        numbers
            .get(&row.get::<i64, _>(column))
            .copied()
            .unwrap_or(0)
    };
    let sql = format!("SELECT x.* FROM sprints x {OF_TEAM} ORDER BY x.number");
    let mut sprint_index = HashMap::new();
    for row in rows(conn, &sql, guild_id, team_id).await? {
        sprint_index.insert(row.get::<i64, _>("id"), team.sprints.len());
        team.sprints.push(SprintDoc {
            number: row.get("number"),
            name: row.get("name"),
            goal: row.get("goal"),
            start_date: row.get("start_date"),
            days: row.get("days"),
            timezone: row.get("timezone"),
            status: row.get("status"),
            started_by: flake(&row, "started_by"),
            started_at: row.get("started_at"),
            closed_by: flake_opt(&row, "closed_by"),
            closed_at: row.get("closed_at"),
            committed_points: row.get("committed_points"),
            completed_points: row.get("completed_points"),
            committed_stories: row.get("committed_stories"),
            completed_stories: row.get("completed_stories"),
            changes: Vec::new(),
        });
    }
    let sql = "SELECT c.* FROM sprint_story_changes c JOIN sprints x ON x.id = c.sprint_id \
               JOIN teams t ON t.id = x.team_id AND t.guild_id = ?1 WHERE x.team_id = ?2 ORDER BY c.id";
    for row in rows(conn, sql, guild_id, team_id).await? {
        if let Some(&i) = sprint_index.get(&row.get::<i64, _>("sprint_id")) {
            team.sprints[i].changes.push(SprintChangeDoc {
                story: number(&row, "story_id"),
                added: flag(&row, "added"),
                scope_change: flag(&row, "scope_change"),
                by: flake(&row, "changed_by"),
                at: row.get("changed_at"),
            });
        }
    }
    team.votes = votes(conn, guild_id, team_id).await?;

    let sql = format!("SELECT x.* FROM poker_rounds x {OF_TEAM} ORDER BY x.id");
    let mut round_index = HashMap::new();
    for row in rows(conn, &sql, guild_id, team_id).await? {
        round_index.insert(row.get::<i64, _>("id"), team.poker_rounds.len());
        team.poker_rounds.push(PokerRoundDoc {
            story: number(&row, "story_id"),
            scale: row.get("scale"),
            status: row.get("status"),
            round_number: row.get("round_number"),
            started_by: flake(&row, "started_by"),
            started_at: row.get("started_at"),
            accepted_card: row.get("accepted_card"),
            accepted_by: flake_opt(&row, "accepted_by"),
            accepted_at: row.get("accepted_at"),
            votes: Vec::new(),
        });
    }
    // In the order first cast, as the poker card lists them (`poker.rs`); the import keeps it.
    let sql = "SELECT v.* FROM poker_votes v JOIN poker_rounds x ON x.id = v.round_id \
               JOIN teams t ON t.id = x.team_id AND t.guild_id = ?1 WHERE x.team_id = ?2 \
               ORDER BY v.round_id, v.round_number, v.rowid";
    for row in rows(conn, sql, guild_id, team_id).await? {
        if let Some(&i) = round_index.get(&row.get::<i64, _>("round_id")) {
            team.poker_rounds[i].votes.push(PokerVoteDoc {
                round_number: row.get("round_number"),
                voter_id: flake(&row, "voter_id"),
                card: row.get("card"),
                voted_at: row.get("voted_at"),
            });
        }
    }
    super::export_standups::read_standups_and_updates(conn, guild_id, team_id, team).await
}

async fn votes(
    conn: &mut SqliteConnection,
    guild_id: u64,
    team_id: i64,
) -> sqlx::Result<Vec<VoteDoc>> {
    let sql = format!("SELECT x.* FROM votes x {OF_TEAM} ORDER BY x.id");
    let mut votes = Vec::new();
    let mut index = HashMap::new();
    for row in rows(conn, &sql, guild_id, team_id).await? {
        index.insert(row.get::<i64, _>("id"), votes.len());
        votes.push(VoteDoc {
            method: row.get("method"),
            dots_per_voter: row.get("dots_per_voter"),
            status: row.get("status"),
            opened_by: flake(&row, "opened_by"),
            opened_at: row.get("opened_at"),
            closes_at: row.get("closes_at"),
            closed_at: row.get("closed_at"),
            closed_by: flake_opt(&row, "closed_by"),
            channel_id: flake(&row, "channel_id"),
            card_channel_id: flake_opt(&row, "card_channel_id"),
            card_message_id: flake_opt(&row, "card_message_id"),
            results_posted: flag(&row, "results_posted"),
            applied_at: row.get("applied_at"),
            candidates: Vec::new(),
            ballots: Vec::new(),
            drafts: Vec::new(),
        });
    }
    let of_vote = |table: &str, order: &str| {
        format!(
            "SELECT c.* FROM {table} c JOIN votes x ON x.id = c.vote_id \
             JOIN teams t ON t.id = x.team_id AND t.guild_id = ?1 WHERE x.team_id = ?2 \
             ORDER BY c.vote_id, {order}"
        )
    };
    let vote_of = |row: &SqliteRow| index.get(&row.get::<i64, _>("vote_id")).copied();
    for row in rows(
        conn,
        &of_vote("vote_candidates", "c.position"),
        guild_id,
        team_id,
    )
    .await?
    {
        if let Some(i) = vote_of(&row) {
            votes[i].candidates.push(row.get("story_number"));
        }
    }
    for (ballots, marks, at, drafts) in [
        ("vote_ballots", "vote_ballot_marks", "submitted_at", false),
        ("vote_drafts", "vote_draft_marks", "updated_at", true),
    ] {
        let mut ballot_index = HashMap::new();
        for row in rows(conn, &of_vote(ballots, "c.voter_id"), guild_id, team_id).await? {
            if let Some(i) = vote_of(&row) {
                let list = if drafts {
                    &mut votes[i].drafts
                } else {
                    &mut votes[i].ballots
                };
                let voter: i64 = row.get("voter_id");
                ballot_index.insert((i, voter), list.len());
                list.push(BallotDoc {
                    voter_id: flake(&row, "voter_id"),
                    at: row.get(at),
                    marks: Vec::new(),
                });
            }
        }
        let order = "c.voter_id, c.story_number";
        for row in rows(conn, &of_vote(marks, order), guild_id, team_id).await? {
            let Some(i) = vote_of(&row) else { continue };
            let Some(&b) = ballot_index.get(&(i, row.get::<i64, _>("voter_id"))) else {
                continue;
            };
            let list = if drafts {
                &mut votes[i].drafts
            } else {
                &mut votes[i].ballots
            };
            list[b].marks.push(MarkDoc {
                story: row.get("story_number"),
                first: row.get("first"),
                second: row.get("second"),
            });
        }
    }
    Ok(votes)
}
