//! Loads what stand-up messages show (roster, absences, answers, story titles, the thread) and
//! renders them; shared by the commands and the scheduler.

use anyhow::Context as _;

use super::Services;
use crate::domain::schedule::expected_members;
use crate::render::standup::{self as view, StoryTitles, SummaryView};
use crate::render::Message;
use crate::store::standup_days::{purpose, Answer, StandupDay};
use crate::store::teams::Team;

/// The team a day belongs to.
pub async fn team_of(services: &Services, day: &StandupDay) -> anyhow::Result<Team> {
    services
        .store
        .team_by_id(day.guild_id, day.team_id)
        .await?
        .context("a stand-up day's team is gone")
}

/// Titles of the team's stories that `answers` mention as `#N`.
pub async fn titles_for(
    services: &Services,
    team: &Team,
    answers: &[Answer],
) -> anyhow::Result<StoryTitles> {
    let mut titles = StoryTitles::new();
    for answer in answers {
        for text in [&answer.yesterday, &answer.today, &answer.blockers] {
            for number in view::story_numbers(text) {
                if titles.contains_key(&number) {
                    continue;
                }
                if let Some(story) = services.store.story(team.guild_id, team.id, number).await? {
                    titles.insert(number, story.title);
                }
            }
        }
    }
    Ok(titles)
}

/// Roster members expected on the day (not away) who have not answered, in roster order.
pub async fn missing_members(
    services: &Services,
    team: &Team,
    day: &StandupDay,
    answers: &[Answer],
) -> anyhow::Result<Vec<u64>> {
    let roster = services.store.members(team).await?;
    let absences = services.store.absences(team.id, day.date).await?;
    Ok(expected_members(&roster, day.date, &absences)
        .into_iter()
        .filter(|m| !answers.iter().any(|a| a.user_id == *m))
        .collect())
}

/// `https://discord.com/channels/{guild}/{thread}`.
pub fn thread_url(guild_id: u64, thread_id: u64) -> String {
    format!("https://discord.com/channels/{guild_id}/{thread_id}")
}

/// The thread of a day, once Discord created it.
pub async fn thread_of(services: &Services, day: &StandupDay) -> anyhow::Result<Option<u64>> {
    Ok(services
        .store
        .sent_message_for(day.guild_id, &purpose::thread(day.team_id, day.date))
        .await?
        .map(|(_, thread)| thread))
}

/// The day's summary as it stands now.
pub async fn summary(
    services: &Services,
    day: &StandupDay,
    thread_id: Option<u64>,
) -> anyhow::Result<Message> {
    let team = team_of(services, day).await?;
    let answers = services.store.answers(day.id).await?;
    let missing = missing_members(services, &team, day, &answers).await?;
    let titles = titles_for(services, &team, &answers).await?;
    Ok(view::summary(&SummaryView {
        date: day.date,
        answers: &answers,
        missing: &missing,
        thread_url: thread_id.map(|t| thread_url(day.guild_id, t)),
        titles: &titles,
    }))
}
