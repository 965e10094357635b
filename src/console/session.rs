//! One console session: reads lines, turns them into interactions with [`Synth`], answers them
//! through the same [`dispatch`] as Discord's transports, and shows the replies. Remembers the
//! last message with buttons so a number presses one of them.

use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncWrite};

use super::form;
use super::meta::{self, Meta};
use super::render;
use super::synth::{self, Actor, Synth, TargetMessage};
use super::terminal::Terminal;
use crate::commands::{dispatch, Services};
use crate::render::Response;

const PROMPT: &str = "> ";

/// A message the console has shown, with the id buttons on it are pressed under.
#[derive(Debug, Clone)]
struct Shown {
    id: u64,
    /// The `data` of the response that sent (or last updated) it.
    data: Value,
}

/// The console: who acts, where, and the last message with buttons.
pub struct Console {
    services: Services,
    synth: Synth,
    actor: Actor,
    last: Option<Shown>,
    echo: bool,
}

enum Flow {
    Continue,
    Quit,
}

impl Console {
    /// A console acting as the default [`Actor`]: user 100 "console", an admin, in guild 1,
    /// channel 10.
    pub fn new(services: Services) -> Self {
        Self {
            services,
            synth: Synth::new(),
            actor: Actor::default(),
            last: None,
            echo: false,
        }
    }

    /// Repeat each line read after its prompt (for piped input, so the output reads like a
    /// transcript).
    pub fn with_echo(mut self, echo: bool) -> Self {
        self.echo = echo;
        self
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Runs until `quit`/`exit` or the end of `input`.
    pub async fn run<R, W>(&mut self, input: R, output: W) -> std::io::Result<()>
    where
        R: AsyncBufRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let mut terminal = Terminal::new(input, output, self.echo);
        terminal
            .say("Sprintmate console: type a slash command (try /help), or help for the console's own commands.")
            .await?;
        terminal.say(&meta::describe(&self.actor)).await?;
        while let Some(line) = terminal.ask(PROMPT).await? {
            if let Flow::Quit = self.handle(line.trim(), &mut terminal).await? {
                break;
            }
        }
        terminal.say("Bye.").await
    }

    async fn handle<R, W>(
        &mut self,
        line: &str,
        terminal: &mut Terminal<R, W>,
    ) -> std::io::Result<Flow>
    where
        R: AsyncBufRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        if line.is_empty() {
            return Ok(Flow::Continue);
        }
        let built = if line.starts_with('/') {
            self.synth.command(&self.actor, line)
        } else if let Some(typed) = line.strip_prefix('?') {
            self.synth.autocomplete(&self.actor, typed.trim())
        } else if let Ok(number) = line.parse::<usize>() {
            match self.press(number) {
                Ok(json) => Ok(json),
                Err(problem) => {
                    terminal.say(&problem).await?;
                    return Ok(Flow::Continue);
                }
            }
        } else if let Some(rest) = line.strip_prefix("menu ") {
            let Some((name, text)) = rest.split_once(':') else {
                terminal
                    .say("Write it as: menu Add to backlog: <message text>")
                    .await?;
                return Ok(Flow::Continue);
            };
            let text = text.trim().replace("\\n", "\n");
            let target = TargetMessage::new(self.actor.user_id, &self.actor.username, &text);
            self.synth
                .message_command(&self.actor, name.trim(), &target)
        } else {
            return self.meta(line, terminal).await;
        };
        match built {
            Ok(json) => self.send(json, terminal).await?,
            Err(error) => terminal.say(&format!("error: {error}")).await?,
        }
        Ok(Flow::Continue)
    }

    async fn meta<R, W>(
        &mut self,
        line: &str,
        terminal: &mut Terminal<R, W>,
    ) -> std::io::Result<Flow>
    where
        R: AsyncBufRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let said = match meta::parse(line) {
            Ok(Some(Meta::Help)) => meta::HELP.to_string(),
            Ok(Some(Meta::Quit)) => return Ok(Flow::Quit),
            Ok(Some(Meta::WhoAmI)) => meta::describe(&self.actor),
            Ok(Some(Meta::As {
                user_id,
                admin,
                role_ids,
            })) => {
                self.actor = meta::act_as(&self.actor, user_id, admin, role_ids);
                meta::describe(&self.actor)
            }
            Ok(Some(Meta::Guild(guild_id))) => {
                self.actor = self.actor.clone().in_guild(guild_id);
                meta::describe(&self.actor)
            }
            Ok(Some(Meta::Channel {
                channel_id,
                parent_id,
            })) => {
                self.actor = match parent_id {
                    Some(parent) => self.actor.clone().in_thread(channel_id, parent),
                    None => self.actor.clone().in_channel(channel_id),
                };
                meta::describe(&self.actor)
            }
            Ok(None) => format!(
                "`{line}` is not a command. Slash commands start with /; help lists the rest."
            ),
            Err(problem) => problem,
        };
        terminal.say(&said).await?;
        Ok(Flow::Continue)
    }

    /// The button press for `number` on the last message with buttons.
    fn press(&self, number: usize) -> Result<Value, String> {
        let Some(last) = &self.last else {
            return Err("No message with buttons yet.".to_string());
        };
        let buttons = render::buttons(&last.data);
        let Some(button) = number.checked_sub(1).and_then(|i| buttons.get(i)) else {
            return Err(format!(
                "The last message with buttons has buttons 1 to {}.",
                buttons.len()
            ));
        };
        if button.disabled {
            return Err(format!("[{number}] {} is disabled.", button.label));
        }
        Ok(self
            .synth
            .button_press(&self.actor, &button.custom_id, last.id, &last.data))
    }

    /// Dispatches an interaction and shows the reply; a form is filled and submitted in turn.
    async fn send<R, W>(
        &mut self,
        json: Value,
        terminal: &mut Terminal<R, W>,
    ) -> std::io::Result<()>
    where
        R: AsyncBufRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let mut next = Some(json);
        while let Some(json) = next.take() {
            let interaction = match synth::to_interaction(&json) {
                Ok(interaction) => interaction,
                Err(error) => return terminal.say(&format!("error: {error}")).await,
            };
            let response = dispatch(&self.services, interaction).await;
            // A reply with a picture is deferred on Discord; the console shows it at once.
            let reply = match &response {
                Response::WithPicture(message, picture) => {
                    terminal
                        .say(&format!(
                            "[picture {}: {} bytes of PNG]",
                            picture.filename,
                            picture.png.len()
                        ))
                        .await?;
                    Response::Message(message.clone()).to_json()
                }
                other => other.to_json(),
            };
            let data = &reply["data"];
            match reply["type"].as_u64() {
                Some(1) => terminal.say("PONG").await?,
                Some(4) => {
                    terminal.say(&render::message(data)).await?;
                    if !render::buttons(data).is_empty() {
                        self.last = Some(Shown {
                            id: synth::new_id(),
                            data: data.clone(),
                        });
                    }
                }
                Some(7) => {
                    // An update keeps the message (and whether it is ephemeral); it changes
                    // only what the message shows.
                    let mut updated = data.clone();
                    let (id, flags) = match &self.last {
                        Some(last) => (last.id, last.data["flags"].clone()),
                        None => (synth::new_id(), Value::from(0)),
                    };
                    updated["flags"] = flags;
                    terminal.say("(the message now reads)").await?;
                    terminal.say(&render::message(&updated)).await?;
                    self.last = Some(Shown { id, data: updated });
                }
                Some(8) => terminal.say(&render::choices(data)).await?,
                Some(9) => {
                    let custom_id = data["custom_id"].as_str().unwrap_or_default().to_string();
                    let Some(answers) = form::fill(data, terminal).await? else {
                        return terminal.say("Form cancelled.").await;
                    };
                    let fields: Vec<(&str, &str)> = answers
                        .iter()
                        .map(|(id, value)| (id.as_str(), value.as_str()))
                        .collect();
                    next = Some(self.synth.modal_submit(&self.actor, &custom_id, &fields));
                }
                _ => {
                    terminal
                        .say(&format!("(an answer the console cannot show: {reply})"))
                        .await?
                }
            }
        }
        Ok(())
    }
}
