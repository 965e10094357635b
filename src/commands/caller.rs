//! Who sent an interaction, where, and with which permissions; and the team it acts on.

use serenity::all::{
    ChannelId, ChannelType, ComponentInteraction, GuildId, Member, MessageFlags, PartialChannel,
    User,
};

use super::Services;
use crate::domain::access::Access;
use crate::domain::team::TeamName;
use crate::error::AppError;
use crate::store::teams::Team;

/// The member behind an interaction and the channel it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub guild_id: u64,
    pub channel_id: u64,
    /// The parent channel when the interaction came from a thread.
    pub thread_parent_id: Option<u64>,
    pub user_id: u64,
    /// The member's permission bits in the channel, as Discord computed them.
    pub permissions: u64,
    pub role_ids: Vec<u64>,
}

impl Caller {
    /// Reads the caller from an interaction's common fields; refuses direct messages.
    pub fn from_parts(
        guild_id: Option<GuildId>,
        channel: Option<&PartialChannel>,
        channel_id: ChannelId,
        member: Option<&Member>,
        user: &User,
    ) -> Result<Self, AppError> {
        let (Some(guild_id), Some(member)) = (guild_id, member) else {
            return Err(AppError::user(
                "Sprintmate works inside a server: use its commands in a channel of your team's server.",
            ));
        };
        let thread_parent_id = channel
            .filter(|c| {
                matches!(
                    c.kind,
                    ChannelType::PublicThread
                        | ChannelType::PrivateThread
                        | ChannelType::NewsThread
                )
            })
            .and_then(|c| c.parent_id)
            .map(|id| id.get());
        let user_id = if member.user.id.get() != 0 {
            member.user.id.get()
        } else {
            user.id.get()
        };
        Ok(Self {
            guild_id: guild_id.get(),
            channel_id: channel_id.get(),
            thread_parent_id,
            user_id,
            permissions: member.permissions.map(|p| p.bits()).unwrap_or(0),
            role_ids: member.roles.iter().map(|r| r.get()).collect(),
        })
    }

    /// The caller's standing in `team`.
    pub fn access(&self, team: &Team) -> Access {
        Access::of(self.permissions, &self.role_ids, team.po_role_id)
    }

    /// Refuses unless the caller has at least `needed` in `team`.
    pub fn require(&self, team: &Team, needed: Access, action: &str) -> Result<(), AppError> {
        Ok(self.access(team).require(needed, action)?)
    }
}

/// Whether a button was pressed on a message only its presser sees (an ephemeral reply).
pub fn pressed_on_private(component: &ComponentInteraction) -> bool {
    component
        .message
        .flags
        .is_some_and(|flags| flags.contains(MessageFlags::EPHEMERAL))
}

/// The refusal of a `control` (a "card", "form", ...) whose custom id names a team this guild
/// does not have: forged, or copied from another server. It says what to do instead.
pub fn foreign(control: &str) -> AppError {
    AppError::user(format!(
        "That {control} belongs to a team this server does not have. Run the command again here for a fresh one."
    ))
}

/// The team a control's custom id names, if it is the caller's guild's; else [`foreign`].
pub async fn control_team(
    services: &Services,
    caller: &Caller,
    team_id: i64,
    control: &str,
) -> Result<Team, AppError> {
    services
        .store
        .team_by_id(caller.guild_id, team_id)
        .await?
        .ok_or_else(|| foreign(control))
}

/// The team a command acts on: the channel's linked team (a thread's parent counts), else the
/// guild's default team, created on first use and named after the guild.
pub async fn team_for(services: &Services, caller: &Caller) -> Result<Team, AppError> {
    let store = &services.store;
    if let Some(team) = store
        .team_for_channel(caller.guild_id, caller.channel_id, caller.thread_parent_id)
        .await?
    {
        return Ok(team);
    }
    let guild_name = match &services.guild_names {
        Some(names) => names.guild_name(caller.guild_id).await,
        None => None,
    };
    let name = TeamName::fitted(guild_name.as_deref().unwrap_or("Team"), "Team");
    Ok(store
        .ensure_default_team(caller.guild_id, name.as_str(), services.now_unix())
        .await?)
}
