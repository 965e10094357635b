//! The interaction scenarios: the floor (a signed `PING`), `/story add`, `/backlog` page 1 and
//! page 50, `story` autocomplete, autocomplete mixed with new stories (each of which makes the
//! bot forget the team's remembered backlog top) and a planning-poker vote click, each at every
//! client count, against one bot whose team has the plan's backlog size.

use std::sync::Arc;

use axum::body::Bytes;
use serde_json::Value;
use sprintmate::console::synth::{new_id, Actor, Synth};

use crate::bot::{self, Bot};
use crate::driver::{Answer, Bodies, Driver, Expect, Measured};
use crate::plan::Plan;
use crate::seed;

/// The channel every scenario's interactions come from.
const CHANNEL: u64 = 1_400_000_000_000_000_500;
/// Voter `i` (a team member) is user `FIRST_VOTER + i`.
const FIRST_VOTER: u64 = 1_400_000_000_000_001_000;
/// Bodies prepared per scenario; clients cycle through them.
const VARIANTS: usize = 256;

/// One scenario measured at one client count.
pub struct Row {
    pub scenario: &'static str,
    pub measured: Measured,
}

fn voter(i: usize) -> Actor {
    Actor::member(FIRST_VOTER + i as u64, &format!("voter{i}"))
        .in_guild(seed::FIRST_GUILD)
        .in_channel(CHANNEL)
}

fn admin() -> Actor {
    Actor::admin(FIRST_VOTER - 1, "po")
        .in_guild(seed::FIRST_GUILD)
        .in_channel(CHANNEL)
}

fn bytes(value: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(value).expect("JSON"))
}

/// Client `c` sends variant `(c + seq * clients) % n`, so concurrent clients differ.
fn cycle(variants: Vec<Bytes>, clients: usize) -> Bodies {
    let variants = Arc::new(variants);
    Arc::new(move |client, seq| {
        let i = (client + seq as usize * clients) % variants.len();
        variants[i].clone()
    })
}

fn expect_pong(a: &Answer) -> Result<(), String> {
    (a.kind == 1)
        .then_some(())
        .ok_or_else(|| "not a PONG".into())
}

pub fn expect_public_reply(a: &Answer) -> Result<(), String> {
    (a.kind == 4 && a.data.flags & 64 == 0)
        .then_some(())
        .ok_or_else(|| "not a public reply".into())
}

/// Whether the reply's embed lists story lines.
fn lists_stories(a: &Answer) -> bool {
    a.data
        .embeds
        .first()
        .and_then(|e| e.description.as_deref())
        .is_some_and(|d| d.contains("**#"))
}

pub fn expect_backlog(a: &Answer) -> Result<(), String> {
    ((a.kind == 4 || a.kind == 7) && lists_stories(a))
        .then_some(())
        .ok_or_else(|| "not a backlog page".into())
}

fn expect_choices(a: &Answer) -> Result<(), String> {
    (a.kind == 8 && !a.data.choices.is_empty())
        .then_some(())
        .ok_or_else(|| "no autocomplete choices".into())
}

/// Autocomplete choices, or the public card of a new story.
fn expect_choices_or_story(a: &Answer) -> Result<(), String> {
    expect_choices(a).or_else(|_| expect_public_reply(a))
}

fn expect_card_update(a: &Answer) -> Result<(), String> {
    (a.kind == 7)
        .then_some(())
        .ok_or_else(|| "the vote did not update the card".into())
}

/// The custom id of the button labelled `label` in a reply.
fn button(reply: &Value, label: &str) -> String {
    reply["data"]["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .find(|b| b["label"] == label)
        .and_then(|b| b["custom_id"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("no {label} button in {reply}"))
}

/// `bl:TEAM:PAGE:...` with another page.
fn with_page(custom_id: &str, page: i64) -> String {
    let mut parts: Vec<String> = custom_id.split(':').map(str::to_string).collect();
    parts[2] = page.to_string();
    parts.join(":")
}

/// Every scenario at every client count; the floor first at each count.
pub async fn run(plan: &Plan) -> Vec<Row> {
    let voters = plan.clients.iter().copied().max().unwrap_or(1);
    let voter_ids: Vec<u64> = (0..voters).map(|i| FIRST_VOTER + i as u64).collect();
    let world = seed::world(1, plan.backlog_stories, &voter_ids).await;

    let bot = Bot::start(bot::settings(&world.database, &world.fake.base_url()));
    let driver = Driver::new(
        bot.interactions_url(),
        Arc::new(|| chrono::Utc::now().timestamp()),
    );
    let synth = Synth::new();
    let say = |actor: &Actor, line: &str| bytes(&synth.command(actor, line).expect(line));

    let first_page = driver
        .send(say(&voter(0), "/backlog"))
        .await
        .expect("the backlog answers");
    Answer::check(&first_page, expect_backlog).expect("page 1 lists stories");
    let page_50 = with_page(&button(&first_page, "Next"), 49);
    let card = driver
        .send(say(&admin(), "/estimate story:#5"))
        .await
        .expect("a poker round starts");
    Answer::check(&card, expect_public_reply).expect("the poker card is public");
    let poker_buttons: Vec<String> = ["1", "2", "3", "5", "8"]
        .iter()
        .map(|l| button(&card, l))
        .collect();
    let card_id = new_id();
    let backlog_stories = plan.backlog_stories;

    type Make<'a> = Box<dyn Fn(usize) -> Bytes + 'a>;
    let typed = |k: usize| {
        // What someone types: the first four letters of a word of some title.
        let title = seed::title(k as u64 + 1);
        let word = title.split_whitespace().nth(1).unwrap_or("invo");
        let line = format!("/story show story:{}", &word[..word.len().min(4)]);
        bytes(&synth.autocomplete(&voter(k), &line).expect("autocomplete"))
    };
    let scenarios: Vec<(&'static str, Make, Expect)> = vec![
        (
            "floor: signed PING",
            Box::new(|_| bytes(&synth.ping())),
            expect_pong,
        ),
        (
            "/story add",
            Box::new(|k| say(&voter(k), &format!("/story add title:\"Bench story {k}\""))),
            expect_public_reply,
        ),
        (
            "/backlog page 1",
            Box::new(|k| say(&voter(k), "/backlog")),
            expect_backlog,
        ),
        (
            "/backlog page 50",
            Box::new(|k| {
                bytes(&synth.button_press(&voter(k), &page_50, new_id(), &first_page["data"]))
            }),
            expect_backlog,
        ),
        ("autocomplete story", Box::new(typed), expect_choices),
        (
            "autocomplete story (rare text)",
            Box::new(|k| {
                // The worst case: text only one title has, e.g. "1234)" from "(#1234)".
                let number = (k as u64 * 7919) % backlog_stories + 1;
                let line = format!("/story show story:{number})");
                bytes(&synth.autocomplete(&voter(k), &line).expect("autocomplete"))
            }),
            expect_choices,
        ),
        (
            // Not a throughput target: how much the remembered top saves when the backlog
            // keeps changing (every new story makes the next search read it again).
            "mixed: autocomplete, 1 in 10 a /story add",
            Box::new(|k| {
                if k % 10 == 9 {
                    say(&voter(k), &format!("/story add title:\"Mixed story {k}\""))
                } else {
                    typed(k)
                }
            }),
            expect_choices_or_story,
        ),
        (
            "poker vote click",
            Box::new(|k| {
                let custom_id = &poker_buttons[k % poker_buttons.len()];
                bytes(&synth.button_press(&voter(k % voters), custom_id, card_id, &card["data"]))
            }),
            expect_card_update,
        ),
    ];

    let mut rows = Vec::new();
    for &clients in &plan.clients {
        let runs: Vec<_> = scenarios
            .iter()
            .filter(|(scenario, ..)| plan.runs_scenario(scenario))
            .map(|(scenario, make, expect)| {
                let variants = if *scenario == "poker vote click" {
                    // Voter `c` is the one who clicks for client `c`.
                    (0..clients).map(make).collect()
                } else {
                    (0..VARIANTS).map(make).collect()
                };
                (*scenario, cycle(variants, clients), *expect)
            })
            .collect();
        // Rounds in turns, so the floor and every scenario see the same drifts of the machine.
        let mut windows: Vec<Vec<Measured>> = runs.iter().map(|_| Vec::new()).collect();
        for _ in 0..plan.rounds {
            for ((scenario, bodies, expect), taken) in runs.iter().zip(&mut windows) {
                let measured = driver
                    .measure(clients, plan.window, bodies.clone(), *expect)
                    .await;
                if measured.errors > 0 {
                    panic!(
                        "{scenario} at {clients} clients: {} failed requests, first: {}",
                        measured.errors,
                        measured.first_error.clone().unwrap_or_default()
                    );
                }
                if let Some(cpu) = measured.cpu {
                    // A bot that seems to cost nothing means its threads were not found by name.
                    assert!(
                        cpu.bot > std::time::Duration::ZERO,
                        "{scenario} at {clients} clients: no CPU time of the bot's threads"
                    );
                }
                taken.push(measured);
            }
        }
        for ((scenario, ..), taken) in runs.iter().zip(windows) {
            rows.push(Row {
                scenario,
                measured: Measured::combined(taken),
            });
        }
    }
    drop(bot);
    rows
}
