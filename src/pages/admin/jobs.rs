//! `/admin/jobs`: the task queue as an admin watches it — queued, running (with progress), done,
//! failed and dead jobs, their attempts and last error, with retry and cancel. The list is in the
//! first HTML and reloads show the latest; with JavaScript the table refreshes itself every two
//! seconds while the page is open.

use super::widgets::{short_time, ChangeNotice, Loaded};
use super::AdminGate;
use crate::components::{boxed, PageMeta, TableFrame};
use crate::i18n::{use_lang, Lang};
use crate::model::jobs::{JobState, JobView, JobsPage};
use crate::model::paths;
use crate::server_fns::jobs::{admin_jobs, CancelJob, RetryJob};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// How often an open jobs page asks for the latest state.
const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

#[component]
pub fn AdminJobsPage() -> impl IntoView {
    view! {
        <AdminGate>
            {
                let (state, before) = filter_from_url();
                view! { <Loaded load=boxed(admin_jobs(state, before)) render=move |page| view! { <JobsView page before /> } /> }
            }
        </AdminGate>
    }
}

/// The state the list is limited to (as named in the address) and where an older page starts.
fn filter_from_url() -> (Option<String>, Option<i64>) {
    let query = leptos_router::hooks::use_query_map().get_untracked();
    let state = query.get("state").filter(|s| JobState::parse(s).is_some());
    (state, query.get("before").and_then(|b| b.parse().ok()))
}

fn jobs_href(state: Option<JobState>, before: Option<i64>) -> String {
    let mut pairs = Vec::new();
    if let Some(state) = state {
        pairs.push(format!("state={}", state.as_str()));
    }
    if let Some(before) = before {
        pairs.push(format!("before={before}"));
    }
    if pairs.is_empty() {
        paths::ADMIN_JOBS.to_owned()
    } else {
        format!("{}?{}", paths::ADMIN_JOBS, pairs.join("&"))
    }
}

#[component]
fn JobsView(page: JobsPage, before: Option<i64>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts().jobs;
    let filter = move |state: Option<JobState>, label: String| {
        let current = page.state == state;
        view! { <li><a href=jobs_href(state, None) aria-current=current.then_some("page")>{label}</a></li> }
    };
    let total: i64 = page.counts.iter().map(|(_, n)| n).sum();
    let return_to = jobs_href(page.state, before);
    view! {
        <PageMeta title=t.title description=t.description canonical_path=paths::ADMIN_JOBS noindex=true />
        <h1>{t.title}</h1>
        <ChangeNotice />
        <nav class="job-filters" aria-label=t.filter_by_state>
            <ul>
                {filter(None, format!("{} ({total})", t.all_states))}
                {page.counts.iter().map(|(state, n)| filter(Some(*state), format!("{} ({n})", (t.state_name)(*state)))).collect_view()}
            </ul>
        </nav>
        <JobsBoard lang jobs=page.jobs state=page.state.map(|s| s.as_str().to_owned()) before return_to />
        {page.next_before.map(|before| view! {
            <p><a class="button button-secondary" rel="next" href=jobs_href(page.state, Some(before))>{t.older}</a></p>
        })}
    }
}

/// The table of jobs; with JavaScript it asks for the newest rows every two seconds.
#[island(lazy)]
fn JobsBoard(
    lang: Lang,
    jobs: Vec<JobView>,
    state: Option<String>,
    before: Option<i64>,
    return_to: String,
) -> impl IntoView {
    provide_context(lang);
    let t = lang.texts().jobs;
    let (rows, set_rows) = signal(jobs);
    let live = RwSignal::new(false);
    // Effects run only in the browser: the server renders the list as it is.
    Effect::new(move |_| {
        live.set(true);
        let state = state.clone();
        let refresh = move || {
            let state = state.clone();
            leptos::task::spawn_local(async move {
                if let Ok(page) = admin_jobs(state, before).await {
                    set_rows.set(page.jobs);
                }
            });
        };
        if let Ok(handle) = set_interval_with_handle(refresh, REFRESH_EVERY) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <p class="muted">{move || if live.get() { t.live_note } else { t.reload_note }}</p>
        <TableFrame label=t.title>
            <table class="admin-table jobs-table">
                <thead>
                    <tr>
                        <th scope="col">{t.col_job}</th>
                        <th scope="col">{t.col_state}</th>
                        <th scope="col">{t.col_attempts}</th>
                        <th scope="col">{t.col_progress}</th>
                        <th scope="col">{t.col_times}</th>
                        <th scope="col">{t.col_actions}</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || rows.get()
                        key=|job| (job.id, job.state, job.attempts, job.progress_percent, job.progress_message.clone())
                        children=move |job| view! { <JobRow job lang return_to=return_to.clone() /> }
                    />
                </tbody>
            </table>
        </TableFrame>
        {move || rows.with(Vec::is_empty).then(|| view! { <p>{t.no_jobs}</p> })}
    }
}

#[component]
fn JobRow(job: JobView, lang: Lang, return_to: String) -> impl IntoView {
    let t = lang.texts().jobs;
    let kind = (t.kind_name)(&job.kind).map_or_else(|| job.kind.clone(), str::to_owned);
    let state_class = format!("status-badge job-{}", job.state.as_str());
    let waiting_to_retry = job.state == JobState::Queued && job.attempts > 0;
    let progress = (job.state == JobState::Running).then(|| {
        let label = format!("{} {} %", t.col_progress, job.progress_percent);
        view! {
            <progress max="100" value=job.progress_percent aria-label=label>{format!("{} %", job.progress_percent)}</progress>
            {job.progress_message.clone().map(|message| view! { <br /><small>{message}</small> })}
        }
    });
    let error = job.last_error.clone().map(|error| {
        view! {
            <details class="job-error"><summary>{t.last_error}</summary><pre>{error}</pre></details>
        }
    });
    view! {
        <tr>
            <th scope="row">{format!("#{}", job.id)}<br /><small class="muted">{kind}</small></th>
            <td><span class=state_class>{(t.state_name)(job.state)}</span></td>
            <td>{(t.attempts_of)(job.attempts, job.max_attempts)}</td>
            <td>{progress}{error}</td>
            <td>
                <Moment label=t.queued_at at=job.created_at.clone() />
                {waiting_to_retry.then(|| view! { <br /><Moment label=t.next_try_at at=job.run_at.clone() /> })}
                {job.finished_at.clone().map(|at| view! { <br /><Moment label=t.finished_at at /> })}
            </td>
            <td>
                {job.can_retry().then(|| view! {
                    <JobAction url=RetryJob::url() id=job.id return_to=return_to.clone() class="button button-small"
                        label=(t.retry_named)(job.id) text=t.retry />
                })}
                {job.can_cancel().then(|| view! {
                    <JobAction url=CancelJob::url() id=job.id return_to=return_to.clone() class="button button-small button-secondary"
                        label=(t.cancel_named)(job.id) text=t.cancel />
                })}
            </td>
        </tr>
    }
}

/// "Queued: 2026-12-02 14:30 UTC", with the machine-readable time.
#[component]
fn Moment(label: &'static str, at: String) -> impl IntoView {
    view! { <small>{label}": "<time datetime=at.clone()>{short_time(&at)}</time></small> }
}

/// A retry or cancel button: a plain form posting the job's id to `url`, then back to the list.
#[component]
fn JobAction(
    url: &'static str,
    id: i64,
    return_to: String,
    class: &'static str,
    label: String,
    text: &'static str,
) -> impl IntoView {
    view! {
        <form method="post" action=url>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="return_to" value=return_to />
            <button type="submit" class=class aria-label=label>{text}</button>
        </form>
    }
}
