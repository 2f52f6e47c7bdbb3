//! The two databases behind one store: SQL written once (`?N` placeholders), values passed and
//! read as text or 64-bit integers, run on SQLite or on PostgreSQL ([`super::postgres`]).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rust_decimal::Decimal;

/// Which SQL a statement must be written in where the two differ (few places: see callers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A statement's argument. Dates, instants and amounts are text in both databases, written
/// as SQLite always wrote them, so one conversion path serves both (and amounts never pass
/// through a float).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(Some(v.to_owned()))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(Some(v))
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(Some(v.clone()))
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(Some(v))
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Value {
        Value::Int(v)
    }
}

impl From<NaiveDate> for Value {
    fn from(v: NaiveDate) -> Value {
        Value::Text(Some(v.format("%F").to_string()))
    }
}

impl From<&NaiveDate> for Value {
    fn from(v: &NaiveDate) -> Value {
        Value::from(*v)
    }
}

impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Value {
        Value::Text(Some(instant_text(v)))
    }
}

impl From<Option<DateTime<Utc>>> for Value {
    fn from(v: Option<DateTime<Utc>>) -> Value {
        Value::Text(v.map(instant_text))
    }
}

impl From<Decimal> for Value {
    fn from(v: Decimal) -> Value {
        Value::Text(Some(v.to_string()))
    }
}

/// An instant as the store keeps it (rusqlite's own text form, so older files read the same).
fn instant_text(v: DateTime<Utc>) -> String {
    v.format("%F %T%.f%:z").to_string()
}

/// Builds a statement's arguments (an array) from values of mixed types.
macro_rules! args {
    ($($v:expr),* $(,)?) => {
        [$($crate::store::db::Value::from($v)),*]
    };
}
pub(crate) use args;

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Text(Some(s)) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Int(Some(n)) => ToSqlOutput::Borrowed(ValueRef::Integer(*n)),
            Value::Text(None) | Value::Int(None) => ToSqlOutput::Borrowed(ValueRef::Null),
        })
    }
}

/// What a database said, or a stored value that does not read as what it should be.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Postgres(#[from] postgres::Error),
    #[error("{0}")]
    Value(String),
    #[error("the connection to PostgreSQL ended")]
    Gone,
}

pub type DbResult<T> = std::result::Result<T, DbError>;

/// One row of a result, read by column index, borrowed.
pub trait Row {
    fn opt_text(&self, i: usize) -> DbResult<Option<&str>>;
    fn opt_int(&self, i: usize) -> DbResult<Option<i64>>;

    fn text(&self, i: usize) -> DbResult<&str> {
        self.opt_text(i)?
            .ok_or_else(|| DbError::Value(format!("column {i} is empty")))
    }

    fn int(&self, i: usize) -> DbResult<i64> {
        self.opt_int(i)?
            .ok_or_else(|| DbError::Value(format!("column {i} is empty")))
    }

    fn string(&self, i: usize) -> DbResult<String> {
        self.text(i).map(str::to_owned)
    }

    fn date(&self, i: usize) -> DbResult<NaiveDate> {
        parse_date(self.text(i)?)
    }

    fn opt_date(&self, i: usize) -> DbResult<Option<NaiveDate>> {
        self.opt_text(i)?.map(parse_date).transpose()
    }

    fn instant(&self, i: usize) -> DbResult<DateTime<Utc>> {
        parse_instant(self.text(i)?)
    }

    fn opt_instant(&self, i: usize) -> DbResult<Option<DateTime<Utc>>> {
        self.opt_text(i)?.map(parse_instant).transpose()
    }

    /// An amount in cents stored as decimal text (never through a float).
    fn cents(&self, i: usize) -> DbResult<Decimal> {
        let text = self.text(i)?;
        text.parse()
            .map_err(|e| DbError::Value(format!("amount {text:?}: {e}")))
    }
}

fn parse_date(s: &str) -> DbResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%F").map_err(|e| DbError::Value(format!("date {s:?}: {e}")))
}

/// Reads an instant the way rusqlite reads one: RFC 3339 with a space or a `T`, or without
/// an offset (UTC).
fn parse_instant(s: &str) -> DbResult<DateTime<Utc>> {
    let t = s.len() >= 11 && s.as_bytes()[10] == b'T';
    let (with_zone, naive) = if t {
        ("%FT%T%.f%#z", "%FT%T%.f")
    } else {
        ("%F %T%.f%#z", "%F %T%.f")
    };
    DateTime::parse_from_str(s, with_zone)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(s, naive).map(|d| Utc.from_utc_datetime(&d)))
        .map_err(|e| DbError::Value(format!("instant {s:?}: {e}")))
}

/// A connection or a transaction: where statements run.
pub trait Exec {
    fn dialect(&self) -> Dialect;
    /// Runs one statement; the number of rows it changed.
    fn execute(&self, sql: &str, args: &[Value]) -> DbResult<u64>;
    /// Runs one statement once per argument list (prepared once).
    fn execute_many(&self, sql: &str, rows: Vec<Vec<Value>>) -> DbResult<()>;
    /// Runs a query and hands each row to `f`.
    fn each(
        &self,
        sql: &str,
        args: &[Value],
        f: &mut dyn FnMut(&dyn Row) -> DbResult<()>,
    ) -> DbResult<()>;
}

/// Runs a query and maps each row.
pub fn rows<T>(
    db: &dyn Exec,
    sql: &str,
    args: &[Value],
    mut map: impl FnMut(&dyn Row) -> DbResult<T>,
) -> DbResult<Vec<T>> {
    let mut out = Vec::new();
    db.each(sql, args, &mut |r| {
        out.push(map(r)?);
        Ok(())
    })?;
    Ok(out)
}

/// The first row of a query, mapped, if any.
pub fn first<T>(
    db: &dyn Exec,
    sql: &str,
    args: &[Value],
    mut map: impl FnMut(&dyn Row) -> DbResult<T>,
) -> DbResult<Option<T>> {
    let mut out = None;
    db.each(sql, args, &mut |r| {
        if out.is_none() {
            out = Some(map(r)?);
        }
        Ok(())
    })?;
    Ok(out)
}

impl Row for rusqlite::Row<'_> {
    fn opt_text(&self, i: usize) -> DbResult<Option<&str>> {
        use rusqlite::types::ValueRef;
        match self.get_ref(i)? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(t) => std::str::from_utf8(t)
                .map(Some)
                .map_err(|e| DbError::Value(format!("column {i}: {e}"))),
            other => Err(DbError::Value(format!(
                "column {i} holds {:?}, not text",
                other.data_type()
            ))),
        }
    }

    fn opt_int(&self, i: usize) -> DbResult<Option<i64>> {
        Ok(self.get(i)?)
    }
}

impl Exec for rusqlite::Connection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&self, sql: &str, args: &[Value]) -> DbResult<u64> {
        let n = rusqlite::Connection::execute(self, sql, rusqlite::params_from_iter(args))?;
        Ok(u64::try_from(n).unwrap_or(u64::MAX))
    }

    fn execute_many(&self, sql: &str, rows: Vec<Vec<Value>>) -> DbResult<()> {
        let mut stmt = self.prepare_cached(sql)?;
        for args in rows {
            stmt.execute(rusqlite::params_from_iter(&args))?;
        }
        Ok(())
    }

    fn each(
        &self,
        sql: &str,
        args: &[Value],
        f: &mut dyn FnMut(&dyn Row) -> DbResult<()>,
    ) -> DbResult<()> {
        let mut stmt = self.prepare_cached(sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        while let Some(row) = rows.next()? {
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
    fn instants_read_back_as_written_and_as_older_stores_wrote_them() {
        let at = Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap();
        let Value::Text(Some(text)) = Value::from(at) else {
            panic!("an instant is text")
        };
        assert_eq!(text, "2026-03-04 05:06:07+00:00");
        assert_eq!(parse_instant(&text).unwrap(), at);
        assert_eq!(parse_instant("2026-03-04T05:06:07Z").unwrap(), at);
        assert_eq!(parse_instant("2026-03-04 05:06:07").unwrap(), at);
    }
}
