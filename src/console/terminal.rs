//! The console's input and output: any `AsyncBufRead` and `AsyncWrite`, so tests can drive a
//! session with a script and read what it printed.

use tokio::io::{AsyncBufRead, AsyncBufReadExt as _, AsyncWrite, AsyncWriteExt as _};

/// Reads lines after a prompt and prints text.
pub struct Terminal<R, W> {
    input: R,
    output: W,
    /// Repeat each line read after its prompt, so a piped script reads like a transcript.
    echo: bool,
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
        }
    }

    /// Shows `prompt` and reads one line, without its line ending; `None` at the end of input.
    pub async fn ask(&mut self, prompt: &str) -> std::io::Result<Option<String>> {
        self.output.write_all(prompt.as_bytes()).await?;
        self.output.flush().await?;
        let mut line = String::new();
        if self.input.read_line(&mut line).await? == 0 {
            self.output.write_all(b"\n").await?;
            return Ok(None);
        }
        let line = line.trim_end_matches(['\n', '\r']).to_string();
        if self.echo {
            self.output.write_all(line.as_bytes()).await?;
            self.output.write_all(b"\n").await?;
        }
        Ok(Some(line))
    }

    /// Prints `text` and a line break.
    pub async fn say(&mut self, text: &str) -> std::io::Result<()> {
        self.output.write_all(text.as_bytes()).await?;
        self.output.write_all(b"\n").await?;
        self.output.flush().await
    }
}
