//! Every command the bot registers with Discord, grouped as `/help` shows them.

use serenity::all::CreateCommand;

use super::{
    backlog, estimate, help, sprint, standup, story, story_modal, team, update, vision, vote,
};

/// Help groups: a heading and the top-level command names under it, as PRODUCT.md groups its
/// command tables (`/vision` sits with sprints and updates there).
pub const GROUPS: &[(&str, &[&str])] = &[
    (
        "Backlog",
        &["story", "backlog", story_modal::ADD_TO_BACKLOG],
    ),
    ("Priority voting and estimation", &["vote", "estimate"]),
    ("Stand-ups", &["standup"]),
    (
        "Sprints and stakeholder updates",
        &["sprint", "update", "vision"],
    ),
    ("Teams, help", &["team", "help"]),
];

/// The full command list, in the order it is registered.
pub fn all_commands() -> Vec<CreateCommand> {
    vec![
        story::definition(),
        backlog::definition(),
        estimate::definition(),
        vote::definition(),
        story_modal::message_command_definition(),
        standup::definition(),
        sprint::definition(),
        update::definition(),
        vision::definition(),
        team::definition(),
        help::definition(),
    ]
}

/// The command list as the JSON body sent to Discord.
pub fn commands_json() -> serde_json::Value {
    serde_json::to_value(all_commands()).expect("command builders serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_command_is_in_a_help_group_and_back() {
        let json = commands_json();
        let names: Vec<&str> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        let grouped: Vec<&str> = GROUPS
            .iter()
            .flat_map(|(_, names)| names.iter().copied())
            .collect();
        let mut a = names.clone();
        let mut b = grouped.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }

    #[test]
    fn help_groups_are_the_sections_of_the_product_spec() {
        let headings: Vec<&str> = GROUPS.iter().map(|(heading, _)| *heading).collect();
        assert_eq!(
            headings,
            [
                "Backlog",
                "Priority voting and estimation",
                "Stand-ups",
                "Sprints and stakeholder updates",
                "Teams, help",
            ]
        );
        let group_of = |name: &str| GROUPS.iter().find(|(_, names)| names.contains(&name));
        assert_eq!(
            group_of("vision").unwrap().0,
            "Sprints and stakeholder updates"
        );
        assert_eq!(group_of("help").unwrap().0, "Teams, help");
    }

    #[test]
    fn every_help_group_fits_one_field_uncut() {
        let json = serde_json::to_value(super::help::run().to_json()).unwrap();
        let fields = json["data"]["embeds"][0]["fields"].as_array().unwrap();
        assert_eq!(fields.len(), GROUPS.len());
        for field in fields {
            let value = field["value"].as_str().unwrap();
            assert!(!value.ends_with('…'), "{} is cut: {value}", field["name"]);
        }
    }

    #[test]
    fn names_and_descriptions_fit_discords_limits() {
        fn walk(options: &serde_json::Value) {
            for option in options.as_array().into_iter().flatten() {
                let name = option["name"].as_str().unwrap();
                assert!(
                    name.len() <= 32
                        && name
                            .chars()
                            .all(|c| c.is_lowercase() || c == '_' || c.is_ascii_digit()),
                    "{name}"
                );
                assert!(
                    option["description"].as_str().unwrap().chars().count() <= 100,
                    "{name}"
                );
                assert!(option["choices"].as_array().map_or(0, |c| c.len()) <= 25);
                walk(&option["options"]);
            }
        }
        for command in commands_json().as_array().unwrap() {
            walk(&command["options"]);
        }
    }
}
