//! Background jobs as the rest of the program sees them: their states, the back office's view of
//! them, and the retry rule.

use serde::{Deserialize, Serialize};

wire_enum!(
    /// Where a job is in its life: queued (waiting for its first run or a retry), running, then
    /// done, dead (out of attempts, its last error kept) or cancelled by an admin.
    JobState { Queued = "queued", Running = "running", Done = "done", Dead = "dead", Cancelled = "cancelled" }
);

impl JobState {
    /// True once nothing more will happen to the job unless an admin retries it.
    pub fn is_finished(self) -> bool {
        matches!(self, JobState::Done | JobState::Dead | JobState::Cancelled)
    }
}

/// Jobs on one page of the back office's list.
pub const JOBS_PER_PAGE: i64 = 50;

/// A job as the back office shows it. Times are RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    pub id: i64,
    pub kind: String,
    pub state: JobState,
    pub attempts: i64,
    pub max_attempts: i64,
    pub progress_percent: i64,
    pub progress_message: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
    /// When a queued job will run (its next retry, for one that failed).
    pub run_at: String,
    pub finished_at: Option<String>,
}

impl JobView {
    /// An admin may queue it again.
    pub fn can_retry(&self) -> bool {
        matches!(self.state, JobState::Dead | JobState::Cancelled)
    }

    pub fn can_cancel(&self) -> bool {
        matches!(self.state, JobState::Queued | JobState::Running)
    }
}

/// One page of the back office's job list, with how many jobs are in each state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobsPage {
    pub jobs: Vec<JobView>,
    pub counts: Vec<(JobState, i64)>,
    /// The state the list is limited to, if any.
    pub state: Option<JobState>,
    /// The `before` of the next (older) page, when there is one.
    pub next_before: Option<i64>,
}

/// A file a job made for someone, as their inbox lists it. Times are RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEntry {
    pub id: i64,
    /// The job kind that made it (`catalog_export`, `orders_export`, `account_export`).
    pub kind: String,
    pub file_name: String,
    pub byte_size: i64,
    pub created_at: String,
    pub expires_at: String,
    /// False until its owner has opened the inbox once since it arrived.
    pub seen: bool,
}

/// The state of someone's latest request for a job (an export of their data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStatus {
    pub state: JobState,
    pub requested_at: String,
    pub progress_percent: i64,
}

/// How long a failed job waits before its next attempt: `base` doubled for each attempt already
/// made, at most `cap`, of which a random part (`jitter`, from 0.0 to 1.0) of the second half is
/// taken, so jobs that failed together (a mail server that was down) do not all retry at the same
/// moment. `attempts` counts the failed attempt, so the first retry waits between `base / 2` and
/// `base`.
pub fn retry_delay_ms(attempts: u32, base_ms: u64, cap_ms: u64, jitter: f64) -> u64 {
    let doublings = attempts.saturating_sub(1).min(32);
    let full = base_ms.saturating_mul(1_u64 << doublings).min(cap_ms);
    let half = full / 2;
    // Truncation is the point: a whole number of milliseconds in [0, half].
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
    let random_part = (half as f64 * jitter.clamp(0.0, 1.0)) as u64;
    full - half + random_part
}

/// The longest error text kept with a job: enough to diagnose, bounded whatever a handler returns.
pub const LAST_ERROR_MAX_CHARS: usize = 2_000;

/// `text` cut to at most `max` characters, at a character boundary.
pub fn truncated(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_within_their_jitter_and_the_cap() {
        assert_eq!(retry_delay_ms(1, 1_000, 60_000, 0.0), 500);
        assert_eq!(retry_delay_ms(1, 1_000, 60_000, 1.0), 1_000);
        assert_eq!(retry_delay_ms(2, 1_000, 60_000, 1.0), 2_000);
        assert_eq!(retry_delay_ms(3, 1_000, 60_000, 0.5), 3_000);
        assert_eq!(retry_delay_ms(40, 1_000, 60_000, 1.0), 60_000, "capped, without overflowing");
        assert_eq!(retry_delay_ms(0, 1_000, 60_000, 9.0), 1_000, "jitter is clamped");
    }

    #[test]
    fn error_texts_are_cut_at_a_character_boundary() {
        assert_eq!(truncated("ñandú", 3), "ñan…");
        assert_eq!(truncated("ok", 3), "ok");
    }
}
