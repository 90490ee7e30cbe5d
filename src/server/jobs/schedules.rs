//! Scheduled work: each schedule queues its job once per period across every node that runs
//! workers (`db::jobs::fire_schedule` moves the schedule's next time and queues the job in one
//! transaction, so of two nodes finding it due, one fires it).

use super::{handler::JobEnv, kinds, worker::WorkerSettings};
use crate::server::db::jobs::{self as queue, NewJob};
use std::{sync::Arc, time::Duration};
use tokio::sync::watch;

/// Work that runs every `every`, as a job of `kind` with an empty input.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub name: &'static str,
    pub kind: &'static str,
    pub every: Duration,
    pub max_attempts: i64,
    /// When it first runs on a store that never had it.
    pub first: FirstRun,
}

/// When a schedule first runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstRun {
    /// As soon as a worker starts (a sweep at start-up, as one always was).
    AtOnce,
    /// At the next such hour of the day, UTC.
    AtHour(u32),
}

impl FirstRun {
    /// The first run's time, in milliseconds, for a schedule registered at `now`.
    pub fn at(self, now: i64) -> i64 {
        match self {
            FirstRun::AtOnce => now,
            FirstRun::AtHour(hour) => {
                const DAY_MS: i64 = 24 * 60 * 60 * 1000;
                let today = now - now.rem_euclid(DAY_MS) + i64::from(hour.min(23)) * 60 * 60 * 1000;
                if today > now {
                    today
                } else {
                    today + DAY_MS
                }
            }
        }
    }
}

/// The store's own schedules: housekeeping, and the nightly backup unless `backup.keep` is 0.
pub fn standard(config: &crate::server::config::Config) -> Vec<Schedule> {
    let housekeeping = kinds::housekeeping::SPEC;
    let mut schedules = vec![Schedule {
        name: "housekeeping",
        kind: housekeeping.kind,
        every: kinds::housekeeping::EVERY,
        max_attempts: housekeeping.max_attempts,
        first: FirstRun::AtOnce,
    }];
    if config.backup.keep > 0 {
        let backup = crate::server::services::backup::BACKUP;
        schedules.push(Schedule {
            name: "nightly_backup",
            kind: backup.kind,
            every: Duration::from_secs(24 * 60 * 60),
            max_attempts: backup.max_attempts,
            first: FirstRun::AtHour(config.backup.hour),
        });
    }
    schedules
}

/// Keeps the schedules: registers them, then every poll queues those that are due, and every
/// lease period marks dead the jobs whose worker died on their last attempt.
pub async fn keep(
    env: JobEnv,
    schedules: Vec<Schedule>,
    settings: Arc<WorkerSettings>,
    mut stopping: watch::Receiver<bool>,
) {
    let mut registered = false;
    let mut last_burial = tokio::time::Instant::now();
    while !*stopping.borrow() {
        let now = crate::server::text::now_ms();
        if !registered {
            registered = register(&env, &schedules, now).await;
        }
        fire_due(&env, &schedules, now).await;
        if last_burial.elapsed() >= settings.lease {
            last_burial = tokio::time::Instant::now();
            bury_abandoned(&env, now).await;
        }
        tokio::select! {
            () = tokio::time::sleep(settings.poll) => {}
            changed = stopping.changed() => if changed.is_err() { return },
        }
    }
}

/// Adds the schedules (first due as each says); true when all were written.
async fn register(env: &JobEnv, schedules: &[Schedule], now: i64) -> bool {
    for schedule in schedules {
        let every = i64::try_from(schedule.every.as_millis()).unwrap_or(i64::MAX);
        if let Err(error) = queue::ensure_schedule(&env.db, schedule.name, every, schedule.first.at(now), now).await {
            tracing::warn!(%error, schedule = schedule.name, "cannot register scheduled work; trying again");
            return false;
        }
    }
    true
}

async fn fire_due(env: &JobEnv, schedules: &[Schedule], now: i64) {
    let due = match queue::due_schedules(&env.db, now).await {
        Ok(due) => due,
        Err(error) => return tracing::warn!(%error, "cannot read the schedules"),
    };
    for schedule in schedules.iter().filter(|s| due.iter().any(|name| name == s.name)) {
        // The schedule's name is the dedupe key: a run still queued or running is not doubled.
        let job = NewJob {
            kind: schedule.kind,
            payload: "{}",
            dedupe_key: Some(schedule.name),
            max_attempts: schedule.max_attempts,
            run_at: now,
            requested_by: None,
        };
        match queue::fire_schedule(&env.db, schedule.name, &job, now).await {
            Ok(true) => tracing::debug!(schedule = schedule.name, "scheduled work queued"),
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, schedule = schedule.name, "cannot queue scheduled work"),
        }
    }
}

async fn bury_abandoned(env: &JobEnv, now: i64) {
    let error = "its worker stopped answering on the last attempt (killed, or its machine lost)";
    match queue::bury_abandoned(&env.db, now, error).await {
        Ok(0) => {}
        Ok(buried) => tracing::warn!(buried, "jobs whose worker died on their last attempt are dead"),
        Err(error) => tracing::warn!(%error, "cannot check for abandoned jobs"),
    }
}

#[cfg(test)]
mod tests {
    use super::FirstRun;

    #[test]
    fn a_nightly_schedule_first_runs_at_the_next_such_hour() {
        let at = |text: &str| chrono::DateTime::parse_from_rfc3339(text).unwrap().timestamp_millis();
        assert_eq!(FirstRun::AtHour(3).at(at("2026-12-02T18:42:00Z")), at("2026-12-03T03:00:00Z"));
        assert_eq!(FirstRun::AtHour(3).at(at("2026-12-02T02:59:59Z")), at("2026-12-02T03:00:00Z"));
        assert_eq!(FirstRun::AtHour(3).at(at("2026-12-02T03:00:00Z")), at("2026-12-03T03:00:00Z"));
        assert_eq!(FirstRun::AtOnce.at(42), 42);
    }
}
