//! Tables derived from `user_day`, kept in the transaction that replaces a day: the
//! organization's day totals, each person's month sums and everyone's last stored day, so the
//! views read one row per day, per person-month or per person however long the history is.
//! The SQL is the same on SQLite and PostgreSQL.

use chrono::NaiveDate;

use super::db::{DbResult, Exec, args};
use super::write::sums;
use super::{Activity, month_of};

/// Takes the stored rows of `date` (about to be replaced) out of the derived tables.
pub(super) fn remove_day(tx: &dyn Exec, date: NaiveDate) -> DbResult<()> {
    let (month, _) = month_of(date);
    let minus = Activity::COLUMNS
        .map(|c| format!("{c} = user_month.{c} - d.{c}"))
        .join(", ");
    let columns = Activity::COLUMNS.join(", ");
    tx.execute(
        &format!(
            "UPDATE user_month SET days = user_month.days - 1, {minus}
             FROM (SELECT user_id, {columns} FROM user_day WHERE date = ?1) AS d
             WHERE user_month.month = ?2 AND user_month.user_id = d.user_id"
        ),
        &args![date, month],
    )?;
    tx.execute("DELETE FROM day_total WHERE date = ?1", &args![date])?;
    Ok(())
}

/// Adds the rows just stored for `date` to the derived tables, and settles what the rows they
/// replaced leave behind (an e-mail or a last day that came from them, a month left empty).
pub(super) fn add_day(tx: &dyn Exec, date: NaiveDate) -> DbResult<()> {
    let (month, last) = month_of(date);
    let columns = Activity::COLUMNS.join(", ");
    let sums = sums();
    tx.execute(
        &format!(
            "INSERT INTO day_total(date, {columns})
             SELECT date, {sums} FROM user_day WHERE date = ?1 GROUP BY date"
        ),
        &args![date],
    )?;

    // Month sums: the day's rows added. The month's e-mail is that of its earliest day naming
    // one ('9999-12-31' and '' when none does).
    let plus = Activity::COLUMNS
        .map(|c| format!("{c} = user_month.{c} + excluded.{c}"))
        .join(", ");
    tx.execute(
        &format!(
            "INSERT INTO user_month(month, user_id, days, email_date, email, {columns})
             SELECT ?2, user_id, 1, CASE WHEN email <> '' THEN date ELSE '9999-12-31' END,
                    email, {columns}
             FROM user_day WHERE date = ?1 AND true
             ON CONFLICT(month, user_id) DO UPDATE SET days = user_month.days + 1, {plus},
                 email = CASE WHEN excluded.email_date < user_month.email_date
                              THEN excluded.email ELSE user_month.email END,
                 email_date = CASE WHEN excluded.email_date < user_month.email_date
                              THEN excluded.email_date ELSE user_month.email_date END"
        ),
        &args![date, month],
    )?;
    // An e-mail taken from this day may have come from the rows just replaced: read again.
    let earliest = |column: &str| {
        format!(
            "(SELECT d.{column} FROM user_day d
               WHERE d.user_id = user_month.user_id AND d.date >= ?2 AND d.date <= ?3
                 AND d.email <> '' ORDER BY d.date LIMIT 1)"
        )
    };
    tx.execute(
        &format!(
            "UPDATE user_month SET email_date = COALESCE({}, '9999-12-31'),
                                   email = COALESCE({}, '')
             WHERE month = ?2 AND email_date = ?1",
            earliest("date"),
            earliest("email")
        ),
        &args![date, month, last],
    )?;
    tx.execute(
        "DELETE FROM user_month WHERE month = ?1 AND days = 0",
        &args![month],
    )?;

    // Everyone's last stored day: the day's people when it is their latest, and the people the
    // new rows dropped from it, from their day before (gone if none).
    tx.execute(
        "INSERT INTO person_last(user_id, email, date)
         SELECT user_id, email, date FROM user_day WHERE date = ?1 AND true
         ON CONFLICT(user_id) DO UPDATE SET email = excluded.email, date = excluded.date
         WHERE excluded.date >= person_last.date",
        &args![date],
    )?;
    tx.execute(
        "UPDATE person_last SET (email, date) = (
             SELECT email, date FROM user_day d WHERE d.user_id = person_last.user_id
             ORDER BY date DESC LIMIT 1)
         WHERE date = ?1 AND NOT EXISTS
             (SELECT 1 FROM user_day d WHERE d.date = ?1 AND d.user_id = person_last.user_id)
           AND EXISTS (SELECT 1 FROM user_day d WHERE d.user_id = person_last.user_id)",
        &args![date],
    )?;
    tx.execute(
        "DELETE FROM person_last WHERE date = ?1 AND NOT EXISTS
             (SELECT 1 FROM user_day d WHERE d.user_id = person_last.user_id)",
        &args![date],
    )?;
    Ok(())
}
