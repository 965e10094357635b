//! One console session: reads lines, turns them into interactions with [`Synth`], answers them
//! through the same [`dispatch`] as Discord's transports, and shows the replies. After each
//! line it runs the scheduler's due work and shows what the bot posted on its own
//! ([`outbox`](super::outbox)). Remembers the recent messages with buttons: a number presses a
//! button of the newest.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncWrite};

use super::form;
use super::meta::{self, Meta};
use super::outbox::{self, ConsoleOutbox};
use super::render;
use super::synth::{self, Actor, Synth, TargetMessage};
use super::terminal::{Read, Terminal};
use crate::commands::{dispatch, Services};
use crate::render::Response;
use crate::scheduler::Scheduler;
use crate::store::outbox::OutboxKind;

const PROMPT: &str = "> ";
/// Messages with buttons remembered (the newest is pressed by number).
const SHOWN: usize = 20;
/// Scheduler steps after one line: a stand-up prompt is posted in one, its thread in the next.
const STEPS: usize = 8;

/// A message the console has shown, with the id buttons on it are pressed under.
#[derive(Debug, Clone)]
struct Shown {
    id: u64,
    /// The `data` of the response that sent (or last updated) it.
    data: Value,
    /// Where it is: a press comes from that channel (and its thread's parent).
    channel_id: u64,
    thread_parent_id: Option<u64>,
}

/// The console: who acts, where, and the recent messages with buttons.
pub struct Console {
    services: Services,
    synth: Synth,
    actor: Actor,
    /// Messages with buttons, oldest first.
    shown: Vec<Shown>,
    echo: bool,
    /// While nobody types, the scheduler's step runs this often (`None`: only after a line).
    idle_tick: Option<Duration>,
    scheduler: Scheduler,
    outbox: Arc<ConsoleOutbox>,
    /// Threads the bot started, by id: their parent channel.
    threads: HashMap<u64, u64>,
}

enum Flow {
    Continue,
    Quit,
}

impl Console {
    /// A console acting as the default [`Actor`]: user 100 "console", an admin, in guild 1,
    /// channel 10.
    pub fn new(services: Services) -> Self {
        let outbox = Arc::new(ConsoleOutbox::default());
        let scheduler = Scheduler::delivering_to(services.clone(), outbox.clone());
        Self {
            services,
            synth: Synth::new(),
            actor: Actor::default(),
            shown: Vec::new(),
            echo: false,
            idle_tick: None,
            scheduler,
            outbox,
            threads: HashMap::new(),
        }
    }

    /// Repeat each line read after its prompt (for piped input, so the output reads like a
    /// transcript).
    pub fn with_echo(mut self, echo: bool) -> Self {
        self.echo = echo;
        self
    }

    /// Also run the scheduler's step every `tick` while waiting for a line, so reminders,
    /// closes and deadlines show when they are due.
    pub fn with_idle_tick(mut self, tick: Duration) -> Self {
        self.idle_tick = Some(tick);
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
        // Whatever an earlier session or `sprintmate run` left due goes out first.
        self.catch_up(&mut terminal, false).await?;
        terminal.prompt(PROMPT).await?;
        loop {
            match terminal.read_within(self.idle_tick).await? {
                Read::End => break,
                Read::Idle => {
                    if self.catch_up(&mut terminal, true).await? {
                        terminal.prompt(PROMPT).await?;
                    }
                }
                Read::Line(line) => {
                    if let Flow::Quit = self.handle(line.trim(), &mut terminal).await? {
                        break;
                    }
                    self.catch_up(&mut terminal, false).await?;
                    terminal.prompt(PROMPT).await?;
                }
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

    /// Runs the scheduler's due work (vote deadlines, stand-ups, weekly updates) and shows what
    /// the bot posted, edited or started on its own, as Discord would have received it.
    /// `at_prompt`: the prompt is showing, so a line break goes first. Says whether it printed.
    async fn catch_up<R, W>(
        &mut self,
        terminal: &mut Terminal<R, W>,
        at_prompt: bool,
    ) -> std::io::Result<bool>
    where
        R: AsyncBufRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        self.outbox.serve(self.actor.guild_id);
        let mut printed = false;
        for _ in 0..STEPS {
            let now = self.services.clock.now().timestamp();
            let step = self.scheduler.run_due(now).await;
            let delivered = self.outbox.take();
            if at_prompt && !printed && (!delivered.is_empty() || step.is_err()) {
                terminal.say("").await?;
            }
            for each in &delivered {
                self.show_delivered(each, terminal).await?;
                printed = true;
            }
            match step {
                Ok(report) if report.did_something() => {}
                Ok(_) => break,
                Err(error) => {
                    terminal
                        .say(&format!("error: the scheduler's step failed: {error:#}"))
                        .await?;
                    return Ok(true);
                }
            }
        }
        Ok(printed)
    }

    async fn show_delivered<R, W>(
        &mut self,
        delivered: &outbox::Delivered,
        terminal: &mut Terminal<R, W>,
    ) -> std::io::Result<()>
    where
        R: AsyncBufRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let id = delivered.message_id;
        let parent = self.threads.get(&delivered.channel_id).copied();
        let data = match delivered.kind {
            OutboxKind::Thread => {
                self.threads.insert(id, delivered.channel_id);
                return terminal
                    .say(&outbox::text(delivered, &delivered.body))
                    .await;
            }
            OutboxKind::Post => delivered.body.clone(),
            OutboxKind::Edit => match self.shown.iter().find(|shown| shown.id == id) {
                Some(shown) => outbox::edited(&shown.data, &delivered.body),
                None => delivered.body.clone(),
            },
        };
        terminal.say(&outbox::text(delivered, &data)).await?;
        match delivered.kind {
            OutboxKind::Edit => self.update(id, data),
            _ => self.remember(Shown {
                id,
                data,
                channel_id: delivered.channel_id,
                thread_parent_id: parent,
            }),
        }
        Ok(())
    }

    /// Keeps a shown message if it has buttons, as the newest.
    fn remember(&mut self, shown: Shown) {
        self.shown.retain(|old| old.id != shown.id);
        if !render::buttons(&shown.data).is_empty() {
            self.shown.push(shown);
        }
        if self.shown.len() > SHOWN {
            self.shown.remove(0);
        }
    }

    /// A remembered message now reads `data`: with buttons it becomes the newest, without it is
    /// forgotten, so a number presses the message with buttons before it again.
    fn update(&mut self, id: u64, data: Value) {
        let Some(at) = self.shown.iter().position(|shown| shown.id == id) else {
            return;
        };
        let mut shown = self.shown.remove(at);
        shown.data = data;
        self.remember(shown);
    }

    /// The button press for `number` on the newest message with buttons.
    fn press(&self, number: usize) -> Result<Value, String> {
        let Some(last) = self.shown.last() else {
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
        // Pressed where the message is, as Discord sends it.
        let actor = match last.thread_parent_id {
            Some(parent) => self.actor.clone().in_thread(last.channel_id, parent),
            None => self.actor.clone().in_channel(last.channel_id),
        };
        Ok(self
            .synth
            .button_press(&actor, &button.custom_id, last.id, &last.data))
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
                    self.remember(Shown {
                        id: synth::new_id(),
                        data: data.clone(),
                        channel_id: self.actor.channel_id,
                        thread_parent_id: self.actor.thread_parent_id,
                    });
                }
                Some(7) => {
                    // An update keeps the message (and whether it is ephemeral); it changes
                    // only what the message shows.
                    // Only the newest message with buttons is ever pressed, so it is the one.
                    let mut updated = data.clone();
                    updated["flags"] = match self.shown.last() {
                        Some(last) => last.data["flags"].clone(),
                        None => Value::from(0),
                    };
                    terminal.say("(the message now reads)").await?;
                    terminal.say(&render::message(&updated)).await?;
                    let no_buttons = render::buttons(&updated).is_empty();
                    match self.shown.last().map(|last| last.id) {
                        Some(id) => self.update(id, updated),
                        None => self.remember(Shown {
                            id: synth::new_id(),
                            data: updated,
                            channel_id: self.actor.channel_id,
                            thread_parent_id: self.actor.thread_parent_id,
                        }),
                    }
                    // Say which message a number now presses, since it is not the one above.
                    if let Some(earlier) = self.shown.last().filter(|_| no_buttons) {
                        let count = render::buttons(&earlier.data).len();
                        terminal
                            .say(&format!(
                                "(1 to {count} press the buttons of the earlier message again)"
                            ))
                            .await?;
                    }
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
