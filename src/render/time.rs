//! Discord timestamps: every time the bot shows renders in each reader's own zone.

/// `<t:UNIX:f>`: full date and time.
pub fn full(unix: i64) -> String {
    format!("<t:{unix}:f>")
}

/// `<t:UNIX:R>`: relative ("3 days ago").
pub fn relative(unix: i64) -> String {
    format!("<t:{unix}:R>")
}

/// Both, as the bot shows a moment: "<t:..:f> (<t:..:R>)".
pub fn moment(unix: i64) -> String {
    format!("{} ({})", full(unix), relative(unix))
}
