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

/// The file a `sqlite:` URL names, when it does not exist (memory databases have none).
fn missing_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    let in_memory = path.is_empty() || path.starts_with(':');
    (!in_memory && !std::path::Path::new(path).exists()).then_some(path)
}

/// `sprintmate export --guild ID [--team NAME]`: the document on stdout.
pub async fn export(settings: &Settings, guild_id: u64, team: Option<&str>) -> anyhow::Result<()> {
    // Exporting must not leave an empty database behind a mistyped path.
    if let Some(path) = missing_file(&settings.database_url) {
        anyhow::bail!("there is no database at {path} (SPRINTMATE_DATABASE_URL)");
    }
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
    let imported = store
        .import_document(&document, chrono::Utc::now().timestamp())
        .await;
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

#[cfg(test)]
mod tests {
    use super::missing_file;

    #[test]
    fn only_a_database_file_that_is_not_there_is_missing() {
        assert_eq!(
            missing_file("sqlite:///nowhere/x.db"),
            Some("/nowhere/x.db")
        );
        assert_eq!(missing_file("sqlite://no.db?mode=rwc"), Some("no.db"));
        assert_eq!(missing_file("sqlite::memory:"), None);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.db");
        std::fs::write(&file, b"").unwrap();
        assert_eq!(missing_file(&format!("sqlite://{}", file.display())), None);
    }
}
