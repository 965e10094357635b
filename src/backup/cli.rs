//! The `export` and `import` sub-commands as the binary runs them: open the configured database,
//! then write the document to stdout (pretty-printed JSON, built whole first so a failure prints
//! nothing) or read it from a file (`-` = stdin) and restore it.

use std::io::{Read as _, Write as _};

use anyhow::Context as _;

use super::validate;
use crate::config::Settings;
use crate::store::Store;

async fn open(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    Ok(store)
}

/// `sprintmate export --guild ID [--team NAME]`: the document on stdout.
pub async fn export(settings: &Settings, guild_id: u64, team: Option<&str>) -> anyhow::Result<()> {
    let store = open(settings).await?;
    let now = chrono::Utc::now().timestamp();
    let exported = store.export_guild(guild_id, team, now).await;
    store.close().await;
    let mut text = serde_json::to_string_pretty(&exported?)?;
    text.push('\n');
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// `sprintmate import FILE`: checks the whole document, then restores it in one transaction.
pub async fn import(settings: &Settings, path: &str) -> anyhow::Result<()> {
    let mut text = String::new();
    if path == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .context("could not read the export from stdin")?;
    } else {
        text = std::fs::read_to_string(path).with_context(|| format!("could not read {path}"))?;
    }
    let document = validate::parse(&text)
        .map_err(|problems| anyhow::anyhow!("{path} cannot be imported:\n{problems}"))?;
    let store = open(settings).await?;
    let imported = store.import_document(&document).await;
    store.close().await;
    let summary = imported?;
    println!(
        "Imported {} team(s) ({}) with {} stories into guild {}.",
        summary.teams.len(),
        summary.teams.join(", "),
        summary.stories,
        document.guild_id
    );
    Ok(())
}
