//! The PostgreSQL schema of one organization and its migrations, applied in order and recorded
//! in its `topogy_schema` table: the tables of SQLite's schema 8, with 64-bit counters and
//! byte-ordered text (`COLLATE "C"`, as SQLite compares), dates and amounts kept as text.

use super::{Session, lock_key, quote};
use crate::store::db::{DbError, DbResult, Exec, first};

/// The schema version this build writes. A schema with a higher one came from a newer topogy.
pub const PG_SCHEMA_VERSION: i64 = 1;

/// Each entry migrates from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE meta (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);
CREATE TABLE fetch_log (
    dataset           TEXT COLLATE "C" NOT NULL,
    start             TEXT COLLATE "C" NOT NULL,
    "end"             TEXT COLLATE "C" NOT NULL,
    fetched_at        TEXT COLLATE "C" NOT NULL,
    data_refreshed_at TEXT COLLATE "C",
    rows              BIGINT NOT NULL,
    PRIMARY KEY (dataset, start, "end")
);
CREATE TABLE user_day (
    date TEXT COLLATE "C" NOT NULL, user_id TEXT COLLATE "C" NOT NULL,
    email TEXT COLLATE "C" NOT NULL,
    messages BIGINT NOT NULL, conversations BIGINT NOT NULL, sessions BIGINT NOT NULL,
    commits BIGINT NOT NULL, pull_requests BIGINT NOT NULL,
    lines_added BIGINT NOT NULL, lines_removed BIGINT NOT NULL,
    tool_accepted BIGINT NOT NULL, tool_rejected BIGINT NOT NULL,
    cowork_sessions BIGINT NOT NULL DEFAULT 0, cowork_messages BIGINT NOT NULL DEFAULT 0,
    office_messages BIGINT NOT NULL DEFAULT 0, design_messages BIGINT NOT NULL DEFAULT 0,
    web_searches BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (date, user_id)
);
CREATE INDEX user_day_person ON user_day(user_id, date);
CREATE TABLE user_rollup (
    start TEXT COLLATE "C" NOT NULL, "end" TEXT COLLATE "C" NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL, email TEXT COLLATE "C" NOT NULL,
    messages BIGINT NOT NULL, conversations BIGINT NOT NULL, sessions BIGINT NOT NULL,
    commits BIGINT NOT NULL, pull_requests BIGINT NOT NULL,
    lines_added BIGINT NOT NULL, lines_removed BIGINT NOT NULL,
    tool_accepted BIGINT NOT NULL, tool_rejected BIGINT NOT NULL,
    cowork_sessions BIGINT NOT NULL DEFAULT 0, cowork_messages BIGINT NOT NULL DEFAULT 0,
    office_messages BIGINT NOT NULL DEFAULT 0, design_messages BIGINT NOT NULL DEFAULT 0,
    web_searches BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (start, "end", user_id)
);
CREATE TABLE summary_day (
    date TEXT COLLATE "C" PRIMARY KEY,
    dau BIGINT NOT NULL, wau BIGINT NOT NULL, mau BIGINT NOT NULL,
    assigned_seats BIGINT, pending_invites BIGINT
);
CREATE TABLE cost_day (
    date TEXT COLLATE "C" NOT NULL, product TEXT COLLATE "C" NOT NULL,
    model TEXT COLLATE "C" NOT NULL,
    amount TEXT COLLATE "C" NOT NULL, list_amount TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (date, product, model)
);
CREATE TABLE user_cost (
    start TEXT COLLATE "C" NOT NULL, "end" TEXT COLLATE "C" NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL,
    email TEXT COLLATE "C" NOT NULL, name TEXT COLLATE "C" NOT NULL,
    amount TEXT COLLATE "C" NOT NULL, list_amount TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (start, "end", user_id)
);
CREATE TABLE adoption (
    kind  TEXT COLLATE "C" NOT NULL,
    start TEXT COLLATE "C" NOT NULL,
    "end" TEXT COLLATE "C" NOT NULL,
    name  TEXT COLLATE "C" NOT NULL,
    users BIGINT NOT NULL,
    uses  BIGINT NOT NULL,
    PRIMARY KEY (kind, start, "end", name)
);
CREATE TABLE person_cost_day (
    user_id TEXT COLLATE "C" NOT NULL, date TEXT COLLATE "C" NOT NULL,
    amount TEXT COLLATE "C" NOT NULL, list_amount TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, date)
);
CREATE TABLE person_cost_fetch (
    user_id TEXT COLLATE "C" NOT NULL, start TEXT COLLATE "C" NOT NULL,
    "end" TEXT COLLATE "C" NOT NULL,
    fetched_at TEXT COLLATE "C" NOT NULL, data_refreshed_at TEXT COLLATE "C",
    PRIMARY KEY (user_id, start, "end")
);
CREATE TABLE day_total (
    date TEXT COLLATE "C" PRIMARY KEY,
    messages BIGINT NOT NULL, conversations BIGINT NOT NULL, sessions BIGINT NOT NULL,
    commits BIGINT NOT NULL, pull_requests BIGINT NOT NULL,
    lines_added BIGINT NOT NULL, lines_removed BIGINT NOT NULL,
    tool_accepted BIGINT NOT NULL, tool_rejected BIGINT NOT NULL,
    cowork_sessions BIGINT NOT NULL DEFAULT 0, cowork_messages BIGINT NOT NULL DEFAULT 0,
    office_messages BIGINT NOT NULL DEFAULT 0, design_messages BIGINT NOT NULL DEFAULT 0,
    web_searches BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE unattributed_cost_day (
    date TEXT COLLATE "C" PRIMARY KEY,
    amount TEXT COLLATE "C" NOT NULL, list_amount TEXT COLLATE "C" NOT NULL
);
CREATE TABLE user_month (
    month TEXT COLLATE "C" NOT NULL, user_id TEXT COLLATE "C" NOT NULL, days BIGINT NOT NULL,
    email_date TEXT COLLATE "C" NOT NULL, email TEXT COLLATE "C" NOT NULL,
    messages BIGINT NOT NULL, conversations BIGINT NOT NULL, sessions BIGINT NOT NULL,
    commits BIGINT NOT NULL, pull_requests BIGINT NOT NULL,
    lines_added BIGINT NOT NULL, lines_removed BIGINT NOT NULL,
    tool_accepted BIGINT NOT NULL, tool_rejected BIGINT NOT NULL,
    cowork_sessions BIGINT NOT NULL, cowork_messages BIGINT NOT NULL,
    office_messages BIGINT NOT NULL, design_messages BIGINT NOT NULL,
    web_searches BIGINT NOT NULL,
    PRIMARY KEY (month, user_id)
);
CREATE TABLE person_last (
    user_id TEXT COLLATE "C" PRIMARY KEY, email TEXT COLLATE "C" NOT NULL,
    date TEXT COLLATE "C" NOT NULL
);
CREATE INDEX person_last_date ON person_last(date);
"#];

/// Brings `schema` (created if missing) up to [`PG_SCHEMA_VERSION`] in one transaction, under
/// a transaction-scoped advisory lock so two processes opening a new schema never both apply
/// a step. The session's `search_path` already names `schema`.
pub(super) fn migrate(session: &Session, schema: &str) -> DbResult<()> {
    // Already current (every open but the first): two reads, nothing written or locked, so a
    // role that may only read opens it too.
    let table = format!("{}.topogy_schema", quote(schema));
    let exists = first(
        session,
        "SELECT to_regclass(?1)::text",
        &[table.as_str().into()],
        |r| Ok(r.opt_text(0)?.is_some()),
    )?
    .unwrap_or(false);
    if exists {
        let current = first(
            session,
            &format!("SELECT MAX(version) FROM {table}"),
            &[],
            |r| r.opt_int(0),
        )?
        .flatten();
        if current == Some(PG_SCHEMA_VERSION) {
            return Ok(());
        }
    }
    session.batch("BEGIN")?;
    let result = (|| {
        session.execute(
            "SELECT pg_advisory_xact_lock(?1)",
            &[lock_key("topogy migrate").into()],
        )?;
        session.batch(&format!(
            "CREATE SCHEMA IF NOT EXISTS {schema};
             CREATE TABLE IF NOT EXISTS topogy_schema (version BIGINT NOT NULL)",
            schema = quote(schema)
        ))?;
        let current = first(
            session,
            "SELECT MAX(version) FROM topogy_schema",
            &[],
            |r| r.opt_int(0),
        )?
        .flatten()
        .unwrap_or(0);
        if current > PG_SCHEMA_VERSION {
            return Err(DbError::Value(format!(
                "schema {schema} was written by a newer topogy (version {current}, this one \
                 knows {PG_SCHEMA_VERSION}); upgrade topogy to read it"
            )));
        }
        for sql in MIGRATIONS
            .iter()
            .skip(usize::try_from(current).unwrap_or(usize::MAX))
        {
            session.batch(sql)?;
        }
        session.batch(&format!(
            "DELETE FROM topogy_schema; INSERT INTO topogy_schema VALUES ({PG_SCHEMA_VERSION})"
        ))
    })();
    match result {
        Ok(()) => session.batch("COMMIT"),
        Err(e) => {
            let _ = session.batch("ROLLBACK");
            Err(e)
        }
    }
}

const _: () = assert!(MIGRATIONS.len() as i64 == PG_SCHEMA_VERSION);
