//! The console's own commands (everything that is not a slash command, a button number or an
//! autocomplete request): switching the actor, guild and channel, help, quitting.

use super::synth::{Actor, MANAGE_GUILD, MEMBER_PERMISSIONS};

pub const HELP: &str = r#"Type a slash command as in Discord, e.g.
  /story add title:"Guest checkout" points:3 labels:ui,checkout
  /backlog public:true assignee:<@42>
Options are name:value. A value runs to the next option of the command (title:Meet at 10:30
is one value); quote it ("...") to keep exact spaces or an option's name: in it. \n is a new
line. Users, channels and roles: <@123>, <#123>, <@&123> or a bare id.
What the bot posts on its own (vote results, stand-up prompts, reminders, updates) shows as
[posted in <#channel> as message N] or [edited message N], after each line and while you wait.

Console commands:
  1, 2, ...                      press that button of the newest message that still has buttons
                                 (a reply, or a post of the bot's)
  ?/story show story:gu          suggestions for the last option, as you type (autocomplete)
  menu Add to backlog: <text>    use a message command on a message with that text
  as <user id> [admin|member] [role ids...]
                                 act as another member (default: 100 "console", an admin)
  guild <id>                     switch server
  channel <id> [<parent id>]     switch channel; with a parent, the channel is a thread in it
  whoami                         who and where you are
  help                           this text
  quit, exit                     leave (so does the end of the input)
Forms ask for each field in turn: an empty answer keeps the value shown in [brackets],
- clears it, and \n in an answer starts a new line."#;

/// A console command, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meta {
    Help,
    Quit,
    WhoAmI,
    /// Act as this member (guild and channel stay).
    As {
        user_id: u64,
        admin: bool,
        role_ids: Vec<u64>,
    },
    Guild(u64),
    Channel {
        channel_id: u64,
        parent_id: Option<u64>,
    },
}

/// Reads an id, bare or as a mention (`<@1>`, `<@!1>`, `<#1>`, `<@&1>`).
fn id(word: &str) -> Option<u64> {
    word.trim_start_matches('<')
        .trim_end_matches('>')
        .trim_start_matches(['@', '#', '!', '&'])
        .parse()
        .ok()
        .filter(|id| *id != 0)
}

fn ids(words: &[&str], what: &str) -> Result<Vec<u64>, String> {
    words
        .iter()
        .map(|w| id(w).ok_or_else(|| format!("`{w}` is not a {what} id.")))
        .collect()
}

/// Parses a console command; `Ok(None)` when the line is not one.
pub fn parse(line: &str) -> Result<Option<Meta>, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some((first, rest)) = words.split_first() else {
        return Ok(None);
    };
    let meta = match (first.to_ascii_lowercase().as_str(), rest) {
        ("help", []) => Meta::Help,
        ("quit" | "exit", []) => Meta::Quit,
        ("whoami", []) => Meta::WhoAmI,
        ("as", [user, more @ ..]) => {
            let user_id = id(user).ok_or(format!("`{user}` is not a user id."))?;
            let (admin, roles) = match more.first().map(|w| w.to_ascii_lowercase()) {
                Some(w) if w == "admin" => (true, &more[1..]),
                Some(w) if w == "member" => (false, &more[1..]),
                _ => (false, more),
            };
            Meta::As {
                user_id,
                admin,
                role_ids: ids(roles, "role")?,
            }
        }
        ("as", []) => return Err("Say who: as <user id> [admin|member] [role ids...]".into()),
        ("guild", [guild]) => {
            Meta::Guild(id(guild).ok_or(format!("`{guild}` is not a guild id."))?)
        }
        ("guild", _) => return Err("Say which: guild <id>".into()),
        ("channel", [channel, parent @ ..]) if parent.len() <= 1 => {
            let all = ids(&words[1..], "channel")?;
            Meta::Channel {
                channel_id: all[0],
                parent_id: all.get(1).copied(),
            }
        }
        ("channel", _) => return Err("Say which: channel <id> [<parent id>]".into()),
        _ => return Ok(None),
    };
    Ok(Some(meta))
}

/// The actor after `as`.
pub fn act_as(current: &Actor, user_id: u64, admin: bool, role_ids: Vec<u64>) -> Actor {
    let username = if user_id == Actor::default().user_id {
        Actor::default().username
    } else {
        format!("user{user_id}")
    };
    let permissions = if admin {
        MEMBER_PERMISSIONS | MANAGE_GUILD
    } else {
        MEMBER_PERMISSIONS
    };
    Actor {
        user_id,
        username,
        role_ids,
        permissions,
        ..current.clone()
    }
}

/// One line saying who and where the actor is.
pub fn describe(actor: &Actor) -> String {
    let standing = if actor.is_admin() {
        "an admin"
    } else {
        "a member"
    };
    let roles = if actor.role_ids.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = actor.role_ids.iter().map(|r| r.to_string()).collect();
        format!(" with roles {}", list.join(", "))
    };
    let place = match actor.thread_parent_id {
        Some(parent) => format!("thread {} of channel {parent}", actor.channel_id),
        None => format!("channel {}", actor.channel_id),
    };
    format!(
        "You are user {} ({}), {standing}{roles}, in guild {}, {place}.",
        actor.user_id, actor.username, actor.guild_id
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_commands_parse() {
        assert_eq!(parse("help"), Ok(Some(Meta::Help)));
        assert_eq!(parse("EXIT"), Ok(Some(Meta::Quit)));
        assert_eq!(
            parse("as <@42> member 7 <@&8>"),
            Ok(Some(Meta::As {
                user_id: 42,
                admin: false,
                role_ids: vec![7, 8]
            }))
        );
        assert_eq!(
            parse("as 42 admin"),
            Ok(Some(Meta::As {
                user_id: 42,
                admin: true,
                role_ids: vec![]
            }))
        );
        assert_eq!(parse("guild 5"), Ok(Some(Meta::Guild(5))));
        assert_eq!(
            parse("channel 600 60"),
            Ok(Some(Meta::Channel {
                channel_id: 600,
                parent_id: Some(60)
            }))
        );
        assert_eq!(parse("/story show story:1"), Ok(None));
        assert!(parse("as bob").unwrap_err().contains("not a user id"));
        assert!(parse("guild").unwrap_err().contains("guild <id>"));
        assert!(parse("channel 1 2 3").unwrap_err().contains("channel <id>"));
    }

    #[test]
    fn acting_as_someone_keeps_the_place_and_sets_the_standing() {
        let here = Actor::default().in_guild(5).in_thread(600, 60);
        let member = act_as(&here, 42, false, vec![7]);
        assert_eq!((member.guild_id, member.channel_id), (5, 600));
        assert!(!member.is_admin());
        assert_eq!(
            describe(&member),
            "You are user 42 (user42), a member with roles 7, in guild 5, thread 600 of channel 60."
        );
        assert!(act_as(&here, 100, true, vec![]).is_admin());
        assert_eq!(act_as(&here, 100, true, vec![]).username, "console");
    }
}
