//! The summary within Discord's limits, checked on what goes over the wire.

use proptest::prelude::*;
use serde_json::Value;

use super::*;
use crate::render::Response;

const URL: &str = "https://discord.com/channels/1/2";

fn long_answer(user_id: u64, part: usize) -> Answer {
    let text =
        |word: &str| format!("{word} ").repeat(part / (word.len() + 1) + 1)[..part].to_string();
    Answer {
        user_id,
        yesterday: text("yesterday"),
        today: text("today"),
        blockers: text("blocked"),
        answered_at: 0,
        updated_at: 0,
        post_pending: false,
    }
}

/// The embed as Discord receives it.
fn wire(answers: &[Answer], missing: &[u64]) -> Value {
    let titles = StoryTitles::new();
    let message = summary(&SummaryView {
        date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        answers,
        missing,
        thread_url: Some(URL.into()),
        titles: &titles,
    });
    Response::Message(message).to_json()["data"]["embeds"][0].clone()
}

fn text_of(value: &Value) -> usize {
    value.as_str().map_or(0, char_len)
}

/// Every character that counts toward Discord's 6000.
fn embed_total(embed: &Value) -> usize {
    let fields = embed["fields"].as_array().cloned().unwrap_or_default();
    text_of(&embed["title"])
        + text_of(&embed["description"])
        + text_of(&embed["footer"]["text"])
        + fields
            .iter()
            .map(|f| text_of(&f["name"]) + text_of(&f["value"]))
            .sum::<usize>()
}

/// Answers shown in fields plus those the pointer field counts.
fn answers_accounted_for(embed: &Value) -> usize {
    let fields = embed["fields"].as_array().cloned().unwrap_or_default();
    fields
        .iter()
        .map(|f| match f["name"].as_str() {
            Some(MORE_NAME) => f["value"].as_str().unwrap()["…and ".len()..]
                .split(' ')
                .next()
                .unwrap()
                .parse::<usize>()
                .unwrap(),
            _ => 1,
        })
        .sum()
}

fn assert_within_limits(embed: &Value, answers: usize) {
    let description = embed["description"].as_str().unwrap_or_default();
    assert!(description.starts_with("**Blockers**"), "{description}");
    assert!(description.ends_with(&format!("[All answers in the thread]({URL})")));
    assert!(char_len(description) <= limits::EMBED_DESCRIPTION);
    assert!(
        embed_total(embed) <= limits::EMBED_TOTAL,
        "{}",
        embed_total(embed)
    );
    let fields = embed["fields"].as_array().cloned().unwrap_or_default();
    assert!(fields.len() <= limits::EMBED_FIELDS);
    assert!(fields
        .iter()
        .all(|f| text_of(&f["value"]) <= limits::FIELD_VALUE));
    assert_eq!(answers_accounted_for(embed), answers);
    assert!(embed["title"]
        .as_str()
        .unwrap()
        .ends_with(&format!("({answers} answered)")));
}

#[test]
fn long_answers_never_push_out_the_blockers_the_missing_members_or_the_thread_link() {
    let answers: Vec<Answer> = (1..=8).map(|id| long_answer(id, 900)).collect();

    let embed = wire(&answers, &[99]);

    let description = embed["description"].as_str().unwrap();
    assert!(
        description.contains("• <@1>: blocked blocked"),
        "{description}"
    );
    assert!(description.contains("**Missing:** <@99>"), "{description}");
    assert_within_limits(&embed, 8);
    let fields = embed["fields"].as_array().unwrap();
    let first = fields[0]["value"].as_str().unwrap();
    assert!(
        first.starts_with("<@1>\n**Yesterday:** yesterday"),
        "{first}"
    );
    assert!(
        first.contains("…\n**Today:** today") && first.ends_with('…'),
        "{first}"
    );
}

#[test]
fn more_answers_than_fit_end_with_a_pointer_to_the_thread() {
    let answers: Vec<Answer> = (1..=40).map(|id| long_answer(id, 300)).collect();

    let embed = wire(&answers, &[]);

    assert_within_limits(&embed, 40);
    let fields = embed["fields"].as_array().unwrap();
    let last = fields.last().unwrap()["value"].as_str().unwrap();
    assert!(
        last.contains("more answers [in the thread](https://discord.com/channels/1/2)"),
        "{last}"
    );
    assert!(
        fields[..fields.len() - 1]
            .iter()
            .all(|f| text_of(&f["value"]) >= ANSWER_MIN.min(300)),
        "a shown answer keeps at least its minimum"
    );
}

#[test]
fn short_answers_are_shown_whole() {
    let answers: Vec<Answer> = (1..=3).map(|id| long_answer(id, 40)).collect();

    let embed = wire(&answers, &[]);

    let fields = embed["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 3);
    assert!(fields
        .iter()
        .all(|f| !f["value"].as_str().unwrap().contains('…')));
}

#[test]
fn shares_give_short_items_all_they_want_and_split_the_rest_evenly() {
    assert_eq!(fair_shares(&[10, 500, 500], 310), [10, 150, 150]);
    assert_eq!(fair_shares(&[10, 20], 1000), [10, 20]);
    assert_eq!(fair_shares(&[], 5), Vec::<usize>::new());
    assert_eq!(fair_shares(&[7, 7], 0), [0, 0]);
}

proptest! {
    #[test]
    fn any_summary_keeps_its_description_and_stays_within_discords_limits(
        parts in prop::collection::vec(0usize..=900, 0..40),
        missing in 0u64..60,
    ) {
        let answers: Vec<Answer> = parts
            .iter()
            .enumerate()
            .map(|(i, part)| long_answer(i as u64 + 1, (*part).max(1)))
            .collect();
        let missing: Vec<u64> = (1000..1000 + missing).collect();
        let embed = wire(&answers, &missing);
        assert_within_limits(&embed, answers.len());
        if !missing.is_empty() {
            prop_assert!(embed["description"].as_str().unwrap().contains("**Missing:** <@1000>"));
        }
    }
}

#[test]
fn a_blockers_answer_saying_none_is_not_listed_as_a_blocker() {
    let mut none = long_answer(1, 40);
    none.blockers = "None.".into();
    let mut dash = long_answer(2, 40);
    dash.blockers = " - ".into();

    let embed = wire(&[none, dash], &[]);

    let description = embed["description"].as_str().unwrap();
    assert!(
        description.starts_with("**Blockers**\nNone reported."),
        "{description}"
    );
}

#[test]
fn a_long_missing_list_keeps_whole_mentions_and_counts_the_rest() {
    let missing: Vec<u64> = (0..100).map(|i| 100_000_000_000_000_000 + i).collect();
    let list = missing_list(&missing);
    assert!(char_len(&list) <= MISSING_MAX, "{list}");
    let shown = list.matches("<@").count();
    assert!(shown > 0 && shown < 100, "{list}");
    assert!(
        list.ends_with(&format!(", and {} more", 100 - shown)),
        "{list}"
    );
}
