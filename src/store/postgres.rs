//! PostgreSQL behind the store: a connection on a thread of its own (the blocking client runs a
//! runtime inside, which must never be a tokio worker's), one schema per organization, its
//! migrations, and the advisory locks that choose the one process syncing an organization.

mod schema;

use std::fmt;
use std::sync::mpsc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::db::{DbError, DbResult, Dialect, Exec, Row, Value};

pub use schema::PG_SCHEMA_VERSION;

/// How long connecting may take before the store says the server cannot be reached.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Every organization's schema is named with this prefix, so one database may hold several.
const SCHEMA_PREFIX: &str = "topogy_";

/// A `postgres://` connection URL. Shown only with its password hidden.
#[derive(Clone, PartialEq, Eq)]
pub struct PgUrl(String);

impl PgUrl {
    /// `Some` for a `postgres://` or `postgresql://` URL.
    pub fn parse(text: &str) -> Option<PgUrl> {
        let url = PgUrl(text.to_owned());
        url.is_postgres().then_some(url)
    }

    /// A URL as given on the command line, checked later with [`PgUrl::is_postgres`].
    pub fn given(text: &str) -> PgUrl {
        PgUrl(text.to_owned())
    }

    /// Whether this is a `postgres://` or `postgresql://` URL.
    pub fn is_postgres(&self) -> bool {
        self.0.starts_with("postgres://") || self.0.starts_with("postgresql://")
    }

    /// The URL with its password (in the user part or as `password=`) replaced by `***`.
    pub fn redacted(&self) -> String {
        let url = &self.0;
        let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
            return "postgres://***".to_owned();
        };
        let authority_end = url[scheme_end..]
            .find(['/', '?'])
            .map_or(url.len(), |i| scheme_end + i);
        let authority = &url[scheme_end..authority_end];
        let authority = match authority.rfind('@') {
            Some(at) => {
                let user = &authority[..at];
                let user = user.split_once(':').map_or(user, |(name, _)| name);
                let hidden = if authority[..at].contains(':') {
                    ":***"
                } else {
                    ""
                };
                format!("{user}{hidden}{}", &authority[at..])
            }
            None => authority.to_owned(),
        };
        let rest: Vec<String> = url[authority_end..]
            .split('&')
            .map(|part| match part.split_once("password=") {
                Some((before, _)) if before.is_empty() || before.ends_with('?') => {
                    format!("{before}password=***")
                }
                _ => part.to_owned(),
            })
            .collect();
        format!("{}{authority}{}", &url[..scheme_end], rest.join("&"))
    }
}

impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// The schema that holds `organization`'s store: `topogy_<id>` (characters outside
/// `[A-Za-z0-9_-]` become `_`; an id too long for a name is shortened with its hash).
pub fn schema_for(organization: &str) -> String {
    let safe = super::orgs::safe_name(organization);
    let name = format!("{SCHEMA_PREFIX}{safe}");
    if name.len() <= 63 {
        return name;
    }
    let hash = Sha256::digest(organization.as_bytes());
    let tag: String = hash[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}_{tag}", &name[..50])
}

/// A 64-bit advisory-lock key for `what` (e.g. the sync of one schema).
pub fn lock_key(what: &str) -> i64 {
    let hash = Sha256::digest(what.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&hash[..8]);
    i64::from_be_bytes(bytes)
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// The client and its prepared statements, kept by the SQL text: the store runs a small fixed
/// set of statements, so each is parsed once per connection and then costs one round trip.
struct Connection {
    client: postgres::Client,
    statements: std::collections::HashMap<String, postgres::Statement>,
}

impl Connection {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

/// One connection, owned by a thread of its own that runs what it is sent; dropping the
/// session ends the thread and closes the connection (and the server lets go of its locks).
pub struct Session {
    jobs: mpsc::Sender<Job>,
}

impl Session {
    /// Connects to `url`, naming the connection `application_name` in `pg_stat_activity`.
    pub fn connect(url: &PgUrl, application_name: &str) -> DbResult<Session> {
        let mut config: postgres::Config = url.0.parse()?;
        config
            .application_name(application_name)
            .connect_timeout(CONNECT_TIMEOUT);
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (ready, connected) = mpsc::channel();
        std::thread::Builder::new()
            .name("topogy-postgres".to_owned())
            .spawn(move || {
                let mut connection = match config.connect(postgres::NoTls) {
                    Ok(client) => {
                        let _ = ready.send(Ok(()));
                        Connection {
                            client,
                            statements: std::collections::HashMap::new(),
                        }
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                };
                while let Ok(job) = inbox.recv() {
                    job(&mut connection);
                }
            })
            .map_err(|e| DbError::Value(format!("cannot start a thread: {e}")))?;
        connected.recv().map_err(|_| DbError::Gone)??;
        Ok(Session { jobs })
    }

    /// Runs `f` on the connection's thread and waits for its answer.
    pub fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut postgres::Client) -> R + Send + 'static,
    ) -> DbResult<R> {
        self.run(move |connection| f(&mut connection.client))
    }

    /// [`Session::call`] with the prepared statements at hand.
    fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> R + Send + 'static,
    ) -> DbResult<R> {
        let (answer, answered) = mpsc::sync_channel(1);
        self.jobs
            .send(Box::new(move |connection| {
                let _ = answer.send(f(connection));
            }))
            .map_err(|_| DbError::Gone)?;
        answered.recv().map_err(|_| DbError::Gone)
    }

    /// Runs statements without arguments (`BEGIN`, `COMMIT`, `SET …`).
    pub fn batch(&self, sql: &str) -> DbResult<()> {
        let sql = sql.to_owned();
        Ok(self.call(move |c| c.batch_execute(&sql))??)
    }

    /// Opens the store of `schema`: searched first, created and migrated when needed.
    pub fn open_schema(url: &PgUrl, schema: &str, application_name: &str) -> DbResult<Session> {
        let session = Session::connect(url, application_name)?;
        session.batch(&format!("SET search_path TO {}", quote(schema)))?;
        schema::migrate(&session, schema)?;
        Ok(session)
    }

    /// Takes the advisory lock `key` on this session if free; the server keeps it until the
    /// session lets go or its connection ends (a killed process's too).
    pub fn try_lock(&self, key: i64) -> DbResult<bool> {
        Ok(self.call(move |c| {
            c.query_one("SELECT pg_try_advisory_lock($1)", &[&key])
                .and_then(|r| r.try_get::<_, bool>(0))
        })??)
    }

    /// Takes the advisory lock `key` shared, waiting for an exclusive holder if any.
    pub fn lock_shared(&self, key: i64) -> DbResult<()> {
        Ok(self.call(move |c| {
            c.execute("SELECT pg_advisory_lock_shared($1)", &[&key])
                .map(drop)
        })??)
    }

    /// Lets go of the advisory lock `key` taken by [`Session::try_lock`].
    pub fn unlock(&self, key: i64) -> DbResult<()> {
        Ok(self.call(move |c| {
            c.execute("SELECT pg_advisory_unlock($1)", &[&key])
                .map(drop)
        })??)
    }

    /// Who holds the advisory lock `key`: the holder's connection name and since when.
    pub fn holder(&self, key: i64) -> DbResult<Option<(String, String)>> {
        let (high, low) = split_key(key);
        Ok(self.call(move |c| {
            c.query_opt(
                "SELECT a.application_name,
                        to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
                 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE l.locktype = 'advisory' AND l.granted AND l.mode = 'ExclusiveLock'
                   AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 1
                   AND l.database = (SELECT oid FROM pg_database
                                     WHERE datname = current_database())",
                &[&high, &low],
            )
            .and_then(|row| row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose())
        })??)
    }

    /// The organizations' schemas in this database.
    pub fn schemas(&self) -> DbResult<Vec<String>> {
        Ok(self.call(|c| {
            c.query(
                "SELECT nspname::text FROM pg_namespace WHERE starts_with(nspname, $1)
                 ORDER BY nspname",
                &[&SCHEMA_PREFIX],
            )
            .and_then(|rows| rows.iter().map(|r| r.try_get::<_, String>(0)).collect())
        })??)
    }
}

/// A bigint advisory key as `pg_locks` shows it: its high and low 32 bits as `oid`s.
fn split_key(key: i64) -> (u32, u32) {
    let bits = key.cast_unsigned();
    (
        u32::try_from(bits >> 32).unwrap_or(0),
        u32::try_from(bits & 0xffff_ffff).unwrap_or(0),
    )
}

/// A quoted identifier.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `?N` placeholders (both databases read them) as PostgreSQL's `$N`.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

fn pg_args(args: &[Value]) -> Vec<Box<dyn postgres::types::ToSql + Sync + Send>> {
    args.iter()
        .map(|v| -> Box<dyn postgres::types::ToSql + Sync + Send> {
            match v {
                Value::Text(t) => Box::new(t.clone()),
                Value::Int(n) => Box::new(*n),
            }
        })
        .collect()
}

fn refs(
    args: &[Box<dyn postgres::types::ToSql + Sync + Send>],
) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    args.iter()
        .map(|a| a.as_ref() as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

impl Row for postgres::Row {
    fn opt_text(&self, i: usize) -> DbResult<Option<&str>> {
        Ok(self.try_get::<_, Option<&str>>(i)?)
    }

    fn opt_int(&self, i: usize) -> DbResult<Option<i64>> {
        Ok(self.try_get::<_, Option<i64>>(i)?)
    }
}

impl Exec for Session {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&self, sql: &str, args: &[Value]) -> DbResult<u64> {
        let (sql, args) = (numbered(sql), pg_args(args));
        Ok(self.run(move |c| {
            let statement = c.statement(&sql)?;
            c.client.execute(&statement, &refs(&args))
        })??)
    }

    fn execute_many(&self, sql: &str, rows: Vec<Vec<Value>>) -> DbResult<()> {
        let sql = numbered(sql);
        let rows: Vec<_> = rows.iter().map(|r| pg_args(r)).collect();
        Ok(self.run(move |c| {
            let statement = c.statement(&sql)?;
            for args in &rows {
                c.client.execute(&statement, &refs(args))?;
            }
            Ok::<(), postgres::Error>(())
        })??)
    }

    fn each(
        &self,
        sql: &str,
        args: &[Value],
        f: &mut dyn FnMut(&dyn Row) -> DbResult<()>,
    ) -> DbResult<()> {
        let (sql, args) = (numbered(sql), pg_args(args));
        let rows = self.run(move |c| {
            let statement = c.statement(&sql)?;
            c.client.query(&statement, &refs(&args))
        })??;
        for row in &rows {
            f(row)?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_never_shown() {
        let shown = |u: &str| PgUrl::parse(u).unwrap().redacted();
        assert_eq!(
            shown("postgres://topogy:s3cret@db.example:5432/topogy"),
            "postgres://topogy:***@db.example:5432/topogy"
        );
        assert_eq!(
            shown("postgresql://db/topogy?user=a&password=s3cret&sslmode=disable"),
            "postgresql://db/topogy?user=a&password=***&sslmode=disable"
        );
        assert_eq!(
            shown("postgres://a@127.0.0.1:5544/x"),
            "postgres://a@127.0.0.1:5544/x"
        );
        assert!(!format!("{:?}", PgUrl::parse("postgres://u:pw@h/d").unwrap()).contains("pw"));
        assert!(PgUrl::parse("/tmp/topogy.db").is_none());
    }

    #[test]
    fn placeholders_are_numbered_the_postgres_way() {
        assert_eq!(
            numbered("SELECT ?1, ?12 FROM t WHERE a = '?'"),
            "SELECT $1, $12 FROM t WHERE a = '?'"
        );
    }

    #[test]
    fn schema_names_fit_and_stay_apart() {
        assert_eq!(schema_for("org-123"), "topogy_org-123");
        let long = schema_for(&"x".repeat(100));
        assert!(long.len() <= 63);
        assert_ne!(long, schema_for(&"x".repeat(101)));
    }
}
