//! The console's input and output: any `AsyncBufRead` and `AsyncWrite`, so tests can drive a
//! session with a script and read what it printed. A line can be waited for a while only
//! ([`Terminal::read_within`]), so the session can show what the bot posts while nobody types.

use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt as _, AsyncWrite, AsyncWriteExt as _};

/// What waiting for a line gave.
pub enum Read {
    Line(String),
    /// The input ended.
    End,
    /// Nothing was typed in time (a partly typed line is kept for the next read).
    Idle,
}

/// Reads lines after a prompt and prints text.
pub struct Terminal<R, W> {
    input: R,
    output: W,
    /// Repeat each line read after its prompt, so a piped script reads like a transcript.
    echo: bool,
    /// Bytes of a line not yet ended: `read_until` keeps them here when a wait runs out.
    pending: Vec<u8>,
}

impl<R, W> Terminal<R, W>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    pub fn new(input: R, output: W, echo: bool) -> Self {
        Self {
            input,
            output,
            echo,
            pending: Vec::new(),
        }
    }

    /// Shows `prompt` and reads one line, without its line ending; `None` at the end of input.
    pub async fn ask(&mut self, prompt: &str) -> std::io::Result<Option<String>> {
        self.prompt(prompt).await?;
        match self.read_within(None).await? {
            Read::Line(line) => Ok(Some(line)),
            Read::End | Read::Idle => Ok(None),
        }
    }

    /// Shows `prompt` (no line break).
    pub async fn prompt(&mut self, prompt: &str) -> std::io::Result<()> {
        self.output.write_all(prompt.as_bytes()).await?;
        self.output.flush().await
    }

    /// Reads one line, without its line ending, waiting at most `idle` (`None`: for ever).
    pub async fn read_within(&mut self, idle: Option<Duration>) -> std::io::Result<Read> {
        // `read_until` is cancel-safe: what it read before the wait ran out stays in `pending`.
        let read = self.input.read_until(b'\n', &mut self.pending);
        let read = match idle {
            Some(idle) => match tokio::time::timeout(idle, read).await {
                Ok(read) => read?,
                Err(_) => return Ok(Read::Idle),
            },
            None => read.await?,
        };
        if read == 0 && self.pending.is_empty() {
            self.output.write_all(b"\n").await?;
            return Ok(Read::End);
        }
        let bytes = std::mem::take(&mut self.pending);
        let line = String::from_utf8_lossy(&bytes)
            .trim_end_matches(['\n', '\r'])
            .to_string();
        if self.echo {
            self.output.write_all(line.as_bytes()).await?;
            self.output.write_all(b"\n").await?;
        }
        Ok(Read::Line(line))
    }

    /// Prints `text` and a line break.
    pub async fn say(&mut self, text: &str) -> std::io::Result<()> {
        self.output.write_all(text.as_bytes()).await?;
        self.output.write_all(b"\n").await?;
        self.output.flush().await
    }
}
