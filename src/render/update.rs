//! The stakeholder update as a channel message: one embed, a field per section. Story titles
//! are what team members typed, so every line is shown literally (markdown escaped), but for the
//! members the update names (an assignee, who raised a blocker), which stay mentions.

use super::sprint::fitted_lines;
use super::text::{escape_markdown, escape_markdown_keeping_mentions};
use super::{Embed, Message};
use crate::domain::update::Update;

const UPDATE_COLOR: u32 = 0x5865f2;

pub fn update_message(update: &Update) -> Message {
    let fields = update
        .sections
        .iter()
        .map(|section| {
            let lines: Vec<String> = section
                .lines
                .iter()
                .map(|line| format!("• {}", escape_markdown_keeping_mentions(line)))
                .collect();
            (section.heading.clone(), fitted_lines(&lines, "—"), false)
        })
        .collect();
    Message::default().with_embed(Embed {
        // The title names the team, as typed.
        title: Some(escape_markdown(&update.title)),
        fields,
        color: Some(UPDATE_COLOR),
        ..Embed::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::update::Section;

    #[test]
    fn each_section_becomes_a_field_with_its_lines_shown_literally() {
        let update = Update {
            title: "Update from Core".into(),
            sections: vec![Section {
                heading: "Next up".into(),
                lines: vec!["**Bold** title (#3)".into(), "Login (#1) (<@42>)".into()],
            }],
        };
        let message = update_message(&update);
        let (heading, value, _) = &message.embeds[0].fields[0];
        assert_eq!(heading, "Next up");
        assert_eq!(
            value,
            "• \\*\\*Bold\\*\\* title (\\#3)\n• Login (\\#1) (<@42>)"
        );
    }

    #[test]
    fn a_long_vision_full_of_markdown_is_cut_not_replaced_by_and_1_more() {
        let vision = "*".repeat(1000);
        let update = Update {
            title: "Update from Core".into(),
            sections: vec![Section {
                heading: "Vision".into(),
                lines: vec![vision],
            }],
        };
        let message = update_message(&update);
        let (_, value, _) = &message.embeds[0].fields[0];
        assert!(value.starts_with("• \\*\\*"), "{value}");
        assert!(value.ends_with('…') && !value.contains("more"), "{value}");
        assert!(value.chars().count() <= crate::render::limits::FIELD_VALUE);
    }
}
