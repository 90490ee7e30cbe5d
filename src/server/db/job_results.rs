//! What jobs made for someone (`job_results`): the files behind download links, which are also
//! the entries of their owner's inbox. Times are Unix milliseconds.

use super::{with_pool, with_reader, Db};

/// A result to record.
#[derive(Debug, Clone)]
pub struct NewResult<'a> {
    pub job_id: i64,
    pub owner_id: i64,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub stored_name: &'a str,
    pub content_type: &'a str,
    pub byte_size: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResultRow {
    pub id: i64,
    pub job_id: i64,
    pub owner_id: i64,
    pub kind: String,
    pub file_name: String,
    pub stored_name: String,
    pub content_type: String,
    pub byte_size: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub seen_at: Option<i64>,
}

const COLUMNS: &str =
    "id, job_id, owner_id, kind, file_name, stored_name, content_type, byte_size, created_at, expires_at, seen_at";

/// Records a job's result, unless the job already has one (a second delivery of the job).
pub async fn insert(db: &Db, result: &NewResult<'_>, now: i64) -> sqlx::Result<()> {
    let sql = "INSERT INTO job_results (job_id, owner_id, kind, file_name, stored_name, content_type, byte_size, \
               created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (job_id) DO NOTHING";
    with_pool!(db.writer(), pool => sqlx::query(sql)
        .bind(result.job_id).bind(result.owner_id).bind(result.kind).bind(result.file_name).bind(result.stored_name)
        .bind(result.content_type).bind(result.byte_size).bind(now).bind(result.expires_at)
        .execute(pool).await.map(|_| ()))
}

/// The result, unless it has expired at `now`.
pub async fn find_live(db: &Db, id: i64, now: i64) -> sqlx::Result<Option<ResultRow>> {
    let sql = format!("SELECT {COLUMNS} FROM job_results WHERE id = $1 AND expires_at > $2");
    with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(id).bind(now).fetch_optional(pool).await)
}

/// The owner's results that have not expired at `now`, newest first, at most `limit`; of one
/// `kind` only, when given.
pub async fn list_live(
    db: &Db,
    owner_id: i64,
    kind: Option<&str>,
    now: i64,
    limit: i64,
) -> sqlx::Result<Vec<ResultRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM job_results WHERE owner_id = $1 AND expires_at > $2 AND ($4 IS NULL OR kind = $4) \
         ORDER BY id DESC LIMIT $3"
    );
    with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(owner_id).bind(now).bind(limit).bind(kind).fetch_all(pool).await)
}

/// How many of the owner's live results (of one `kind` only, when given) they have not seen yet.
pub async fn count_unseen(db: &Db, owner_id: i64, kind: Option<&str>, now: i64) -> sqlx::Result<i64> {
    let sql = "SELECT COUNT(*) FROM job_results WHERE owner_id = $1 AND expires_at > $2 AND seen_at IS NULL \
               AND ($3 IS NULL OR kind = $3)";
    with_reader!(db.reader(), pool => sqlx::query_scalar(sql).bind(owner_id).bind(now).bind(kind).fetch_one(pool).await)
}

/// Marks every result of the owner seen.
pub async fn mark_seen(db: &Db, owner_id: i64, now: i64) -> sqlx::Result<()> {
    let sql = "UPDATE job_results SET seen_at = $2 WHERE owner_id = $1 AND seen_at IS NULL";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(owner_id).bind(now).execute(pool).await.map(|_| ()))
}

/// Deletes the results that expired before `now`, returning their stored names (whose files go
/// next; a file whose deletion fails is an orphan the next sweep cannot see, which the sweep of
/// the folder itself catches).
pub async fn delete_expired(db: &Db, now: i64) -> sqlx::Result<Vec<String>> {
    let sql = "DELETE FROM job_results WHERE expires_at <= $1 RETURNING stored_name";
    with_pool!(db.writer(), pool => sqlx::query_scalar(sql).bind(now).fetch_all(pool).await)
}

/// Deletes every result of `kind` but the newest `keep`, returning their stored names (whose files
/// go next).
pub async fn delete_all_but_newest(db: &Db, kind: &str, keep: i64) -> sqlx::Result<Vec<String>> {
    let sql = "DELETE FROM job_results WHERE kind = $1 \
               AND id NOT IN (SELECT id FROM job_results WHERE kind = $1 ORDER BY id DESC LIMIT $2) \
               RETURNING stored_name";
    with_pool!(db.writer(), pool => sqlx::query_scalar(sql).bind(kind).bind(keep).fetch_all(pool).await)
}

/// Every stored name still recorded (to find files no row knows).
pub async fn stored_names(db: &Db) -> sqlx::Result<Vec<String>> {
    with_reader!(db.reader(), pool => sqlx::query_scalar("SELECT stored_name FROM job_results").fetch_all(pool).await)
}

/// The result a job made, if any.
pub async fn find_by_job(db: &Db, job_id: i64) -> sqlx::Result<Option<ResultRow>> {
    let sql = format!("SELECT {COLUMNS} FROM job_results WHERE job_id = $1");
    with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(job_id).fetch_optional(pool).await)
}
