//! The fake Discord's global rate limit: at most `per_second` requests in each one-second window
//! (windows start at the first request), and Discord's global 429 beyond it (`Retry-After` in
//! seconds with a fraction, `X-RateLimit-Global: true`, the JSON `retry_after`). It uses tokio's
//! clock, so a test under `tokio::time::pause()` sees exact windows.

use std::time::Duration;

use tokio::time::Instant;

/// One window's count.
#[derive(Debug)]
pub struct GlobalLimit {
    per_second: u32,
    window_start: Option<Instant>,
    used: u32,
    /// 429s answered so far.
    refused: u64,
}

impl GlobalLimit {
    pub fn new(per_second: u32) -> Self {
        Self {
            per_second: per_second.max(1),
            window_start: None,
            used: 0,
            refused: 0,
        }
    }

    /// Takes one request from the current window, or says how long until the next one opens.
    pub fn admit(&mut self, now: Instant) -> Result<(), Duration> {
        let window = Duration::from_secs(1);
        let start = match self.window_start {
            Some(start) if now.duration_since(start) < window => start,
            _ => {
                self.window_start = Some(now);
                self.used = 0;
                now
            }
        };
        if self.used < self.per_second {
            self.used += 1;
            return Ok(());
        }
        self.refused += 1;
        Err(window - now.duration_since(start))
    }

    pub fn refused(&self) -> u64 {
        self.refused
    }
}

#[test]
fn admits_the_window_s_share_then_refuses_until_the_next_window() {
    let start = Instant::now();
    let mut limit = GlobalLimit::new(2);
    assert!(limit.admit(start).is_ok());
    assert!(limit.admit(start + Duration::from_millis(100)).is_ok());
    let wait = limit
        .admit(start + Duration::from_millis(400))
        .expect_err("the third request in the window is refused");
    assert_eq!(wait, Duration::from_millis(600));
    assert_eq!(limit.refused(), 1);
    assert!(limit.admit(start + Duration::from_millis(1000)).is_ok());
}
