//! The store's schema and its migrations, applied in order and recorded in `PRAGMA user_version`.

use rusqlite::Connection;

/// The schema version this build writes. A file with a higher version came from a newer topogy.
pub const SCHEMA_VERSION: i64 = 8;

/// Each entry migrates from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    r"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE fetch_log (
    dataset           TEXT NOT NULL,
    start             TEXT NOT NULL,
    end               TEXT NOT NULL,
    fetched_at        TEXT NOT NULL,
    data_refreshed_at TEXT,
    rows              INTEGER NOT NULL,
    PRIMARY KEY (dataset, start, end)
);
CREATE TABLE user_day (
    date TEXT NOT NULL, user_id TEXT NOT NULL, email TEXT NOT NULL,
    messages INTEGER NOT NULL, conversations INTEGER NOT NULL, sessions INTEGER NOT NULL,
    commits INTEGER NOT NULL, pull_requests INTEGER NOT NULL,
    lines_added INTEGER NOT NULL, lines_removed INTEGER NOT NULL,
    tool_accepted INTEGER NOT NULL, tool_rejected INTEGER NOT NULL,
    PRIMARY KEY (date, user_id)
);
CREATE TABLE user_rollup (
    start TEXT NOT NULL, end TEXT NOT NULL, user_id TEXT NOT NULL, email TEXT NOT NULL,
    messages INTEGER NOT NULL, conversations INTEGER NOT NULL, sessions INTEGER NOT NULL,
    commits INTEGER NOT NULL, pull_requests INTEGER NOT NULL,
    lines_added INTEGER NOT NULL, lines_removed INTEGER NOT NULL,
    tool_accepted INTEGER NOT NULL, tool_rejected INTEGER NOT NULL,
    PRIMARY KEY (start, end, user_id)
);
CREATE TABLE summary_day (
    date TEXT PRIMARY KEY,
    dau INTEGER NOT NULL, wau INTEGER NOT NULL, mau INTEGER NOT NULL,
    assigned_seats INTEGER, pending_invites INTEGER
);
CREATE TABLE cost_day (
    date TEXT NOT NULL, product TEXT NOT NULL, model TEXT NOT NULL,
    amount TEXT NOT NULL, list_amount TEXT NOT NULL,
    PRIMARY KEY (date, product, model)
);
CREATE TABLE user_cost (
    start TEXT NOT NULL, end TEXT NOT NULL, user_id TEXT NOT NULL,
    email TEXT NOT NULL, name TEXT NOT NULL,
    amount TEXT NOT NULL, list_amount TEXT NOT NULL,
    PRIMARY KEY (start, end, user_id)
);
",
    r"
CREATE TABLE adoption (
    kind  TEXT NOT NULL,
    start TEXT NOT NULL,
    end   TEXT NOT NULL,
    name  TEXT NOT NULL,
    users INTEGER NOT NULL,
    uses  INTEGER NOT NULL,
    PRIMARY KEY (kind, start, end, name)
);
",
    r"
CREATE TABLE person_cost_day (
    user_id TEXT NOT NULL, date TEXT NOT NULL,
    amount TEXT NOT NULL, list_amount TEXT NOT NULL,
    PRIMARY KEY (user_id, date)
);
CREATE TABLE person_cost_fetch (
    user_id TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL,
    fetched_at TEXT NOT NULL, data_refreshed_at TEXT,
    PRIMARY KEY (user_id, start, end)
);
",
    // Per-person lookups (the detail view, everyone's last active day) without scanning
    // every stored day.
    r"
CREATE INDEX user_day_person ON user_day(user_id, date);
",
    r"
CREATE TABLE day_total (
    date TEXT PRIMARY KEY,
    messages INTEGER NOT NULL, conversations INTEGER NOT NULL, sessions INTEGER NOT NULL,
    commits INTEGER NOT NULL, pull_requests INTEGER NOT NULL,
    lines_added INTEGER NOT NULL, lines_removed INTEGER NOT NULL,
    tool_accepted INTEGER NOT NULL, tool_rejected INTEGER NOT NULL
);
INSERT INTO day_total
SELECT date, SUM(messages), SUM(conversations), SUM(sessions), SUM(commits),
       SUM(pull_requests), SUM(lines_added), SUM(lines_removed), SUM(tool_accepted),
       SUM(tool_rejected)
FROM user_day GROUP BY date;
",
    // Chat and Cowork unified, Cowork, Office, Design and web searches per person per day.
    // Rows written before this version lack them (zero) and undercount the messages of people
    // on the unified experience, so their fetch-log entries are dated back to the day they
    // cover: the sync then sees them as unsettled and fetches again every day the API still
    // serves. Older days keep their rows as they were; nothing is deleted.
    r"
ALTER TABLE user_day ADD COLUMN cowork_sessions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_day ADD COLUMN cowork_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_day ADD COLUMN office_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_day ADD COLUMN design_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_day ADD COLUMN web_searches INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_rollup ADD COLUMN cowork_sessions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_rollup ADD COLUMN cowork_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_rollup ADD COLUMN office_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_rollup ADD COLUMN design_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_rollup ADD COLUMN web_searches INTEGER NOT NULL DEFAULT 0;
ALTER TABLE day_total ADD COLUMN cowork_sessions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE day_total ADD COLUMN cowork_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE day_total ADD COLUMN office_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE day_total ADD COLUMN design_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE day_total ADD COLUMN web_searches INTEGER NOT NULL DEFAULT 0;
UPDATE fetch_log SET fetched_at = start || ' 00:00:00+00:00'
WHERE dataset IN ('users_day', 'users_range');
",
    // Cost of no seat user (service accounts, API keys, Slack) per day, where the source could
    // tell it apart; a day without a row does not know. Org cost days fetched before are dated
    // back to the day they cover, so the sync asks again while the API serves them.
    r"
CREATE TABLE unattributed_cost_day (
    date TEXT PRIMARY KEY,
    amount TEXT NOT NULL, list_amount TEXT NOT NULL
);
UPDATE fetch_log SET fetched_at = start || ' 00:00:00+00:00' WHERE dataset = 'cost_daily';
",
    // Each person's days summed per calendar month, kept beside the days they sum (like
    // `day_total`), so a long range adds a dozen month rows per person instead of every day.
    // `email_date` is the month's earliest day that names an e-mail ('9999-12-31' if none) and
    // `email` that day's. `person_last`: everyone's last stored day and its e-mail, kept the same
    // way, so the idle list reads one row per person. The per-person tables a range switch
    // reads whole windows of (range totals, cost by person) are rebuilt clustered by their key
    // (`WITHOUT ROWID`): a window is one run of pages instead of an index lookup per row.
    r"
CREATE TABLE user_month (
    month TEXT NOT NULL, user_id TEXT NOT NULL, days INTEGER NOT NULL,
    email_date TEXT NOT NULL, email TEXT NOT NULL,
    messages INTEGER NOT NULL, conversations INTEGER NOT NULL, sessions INTEGER NOT NULL,
    commits INTEGER NOT NULL, pull_requests INTEGER NOT NULL,
    lines_added INTEGER NOT NULL, lines_removed INTEGER NOT NULL,
    tool_accepted INTEGER NOT NULL, tool_rejected INTEGER NOT NULL,
    cowork_sessions INTEGER NOT NULL, cowork_messages INTEGER NOT NULL,
    office_messages INTEGER NOT NULL, design_messages INTEGER NOT NULL,
    web_searches INTEGER NOT NULL,
    PRIMARY KEY (month, user_id)
) WITHOUT ROWID;
INSERT INTO user_month(month, days, email_date, user_id, email, messages, conversations, sessions, commits, pull_requests, lines_added, lines_removed, tool_accepted, tool_rejected, cowork_sessions, cowork_messages, office_messages, design_messages, web_searches)
SELECT substr(date, 1, 7) || '-01', COUNT(*), MIN(CASE WHEN email <> '' THEN date ELSE '9999-12-31' END),
       user_id, email, SUM(messages), SUM(conversations), SUM(sessions), SUM(commits), SUM(pull_requests), SUM(lines_added), SUM(lines_removed), SUM(tool_accepted), SUM(tool_rejected), SUM(cowork_sessions), SUM(cowork_messages), SUM(office_messages), SUM(design_messages), SUM(web_searches)
FROM user_day GROUP BY substr(date, 1, 7), user_id;
CREATE TABLE person_last (
    user_id TEXT PRIMARY KEY, email TEXT NOT NULL, date TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX person_last_date ON person_last(date);
INSERT INTO person_last(user_id, email, date)
SELECT user_id, email, MAX(date) FROM user_day GROUP BY user_id;
CREATE TABLE user_rollup_clustered (
    start TEXT NOT NULL, end TEXT NOT NULL, user_id TEXT NOT NULL, email TEXT NOT NULL,
    messages INTEGER NOT NULL, conversations INTEGER NOT NULL, sessions INTEGER NOT NULL,
    commits INTEGER NOT NULL, pull_requests INTEGER NOT NULL,
    lines_added INTEGER NOT NULL, lines_removed INTEGER NOT NULL,
    tool_accepted INTEGER NOT NULL, tool_rejected INTEGER NOT NULL,
    cowork_sessions INTEGER NOT NULL, cowork_messages INTEGER NOT NULL,
    office_messages INTEGER NOT NULL, design_messages INTEGER NOT NULL,
    web_searches INTEGER NOT NULL,
    PRIMARY KEY (start, end, user_id)
) WITHOUT ROWID;
INSERT INTO user_rollup_clustered(start, end, user_id, email, messages, conversations, sessions, commits, pull_requests, lines_added,
       lines_removed, tool_accepted, tool_rejected, cowork_sessions, cowork_messages,
       office_messages, design_messages, web_searches)
SELECT start, end, user_id, email, messages, conversations, sessions, commits, pull_requests, lines_added,
       lines_removed, tool_accepted, tool_rejected, cowork_sessions, cowork_messages,
       office_messages, design_messages, web_searches FROM user_rollup;
DROP TABLE user_rollup;
ALTER TABLE user_rollup_clustered RENAME TO user_rollup;
CREATE TABLE user_cost_clustered (
    start TEXT NOT NULL, end TEXT NOT NULL, user_id TEXT NOT NULL,
    email TEXT NOT NULL, name TEXT NOT NULL,
    amount TEXT NOT NULL, list_amount TEXT NOT NULL,
    PRIMARY KEY (start, end, user_id)
) WITHOUT ROWID;
INSERT INTO user_cost_clustered(start, end, user_id, email, name, amount, list_amount)
SELECT start, end, user_id, email, name, amount, list_amount FROM user_cost;
DROP TABLE user_cost;
ALTER TABLE user_cost_clustered RENAME TO user_cost;
",
];

/// Brings the database up to [`SCHEMA_VERSION`], one transaction per step.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    // Each step reads the version inside its own write transaction, so two processes opening
    // a new store at once never apply a step twice.
    loop {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let Some(sql) = MIGRATIONS.get(usize::try_from(current).unwrap_or(usize::MAX)) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", current + 1)?;
        tx.commit()?;
    }
}

const _: () = assert!(MIGRATIONS.len() as i64 == SCHEMA_VERSION);
