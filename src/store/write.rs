//! Writers: each replaces one unit (a day, a window) in one transaction, with its fetch-log entry.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::db::{DbResult, Dialect, Exec, Value, args};

use super::{
    Activity, AdoptionItem, CostLine, Dataset, FetchMeta, PersonCost, Result, Store, SummaryDay,
    derived, next_day, to_i64,
};

use super::meta::{self, MetaKey};

impl Store {
    // ----- writers: one unit, one transaction ------------------------------------------------

    /// Replaces one day of per-person engagement.
    pub fn replace_user_day(
        &mut self,
        date: NaiveDate,
        rows: &[Activity],
        meta: FetchMeta,
    ) -> Result<()> {
        self.write(|tx| {
            derived::remove_day(tx, date)?;
            tx.execute("DELETE FROM user_day WHERE date = ?1", &args![date])?;
            insert_activity(tx, "user_day", "date", &date, None, rows)?;
            derived::add_day(tx, date)?;
            log_fetch(
                tx,
                Dataset::UsersDay,
                date,
                next_day(date),
                meta,
                rows.len(),
            )
        })
    }

    /// Replaces the per-person totals of one window `[start, end)`.
    pub fn replace_rollup(
        &mut self,
        start: NaiveDate,
        end: NaiveDate,
        rows: &[Activity],
        meta: FetchMeta,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                r#"DELETE FROM user_rollup WHERE start = ?1 AND "end" = ?2"#,
                &args![start, end],
            )?;
            insert_activity(tx, "user_rollup", "start", &start, Some(&end), rows)?;
            log_fetch(tx, Dataset::UsersRange, start, end, meta, rows.len())
        })
    }

    /// Replaces the summary days of `[start, end)`; each day gets its own fetch-log entry.
    pub fn replace_summaries(
        &mut self,
        start: NaiveDate,
        end: NaiveDate,
        days: &[SummaryDay],
        meta: FetchMeta,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM summary_day WHERE date >= ?1 AND date < ?2",
                &args![start, end],
            )?;
            let days: Vec<&SummaryDay> = days
                .iter()
                .filter(|d| d.date >= start && d.date < end)
                .collect();
            tx.execute_many(
                "INSERT INTO summary_day(date, dau, wau, mau, assigned_seats, pending_invites)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                days.iter()
                    .map(|d| {
                        Vec::from(args![
                            d.date,
                            to_i64(d.dau),
                            to_i64(d.wau),
                            to_i64(d.mau),
                            d.assigned_seats.map(to_i64),
                            d.pending_invites.map(to_i64)
                        ])
                    })
                    .collect(),
            )?;
            for d in days {
                log_fetch(tx, Dataset::Summaries, d.date, next_day(d.date), meta, 1)?;
            }
            Ok(())
        })
    }

    /// Replaces the org cost lines of the days `[start, end)`, from a source that cannot tell
    /// which cost belongs to no seat user; each day gets a fetch-log entry.
    pub fn replace_cost_days(
        &mut self,
        start: NaiveDate,
        end: NaiveDate,
        lines: &[CostLine],
        meta: FetchMeta,
    ) -> Result<()> {
        self.replace_org_cost_days(start, end, lines, None, meta)
    }

    /// Replaces the org cost lines of the days `[start, end)` and, when the source tells
    /// (`Some`), each day's cost of no seat user in cents (amount, list), a day left out
    /// being zero; `None` leaves those days unknown.
    pub fn replace_org_cost_days(
        &mut self,
        start: NaiveDate,
        end: NaiveDate,
        lines: &[CostLine],
        unattributed: Option<&BTreeMap<NaiveDate, (Decimal, Decimal)>>,
        meta: FetchMeta,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM cost_day WHERE date >= ?1 AND date < ?2",
                &args![start, end],
            )?;
            tx.execute(
                "DELETE FROM unattributed_cost_day WHERE date >= ?1 AND date < ?2",
                &args![start, end],
            )?;
            if let Some(unattributed) = unattributed {
                let mut days = Vec::new();
                let mut day = start;
                while day < end {
                    let (amount, list) = unattributed.get(&day).copied().unwrap_or_default();
                    days.push(Vec::from(args![day, amount, list]));
                    day = next_day(day);
                }
                tx.execute_many(
                    "INSERT INTO unattributed_cost_day(date, amount, list_amount)
                     VALUES (?1, ?2, ?3)",
                    days,
                )?;
            }
            let mut merged: BTreeMap<(NaiveDate, &str, &str), (Decimal, Decimal)> = BTreeMap::new();
            for l in lines.iter().filter(|l| l.date >= start && l.date < end) {
                let e = merged
                    .entry((l.date, l.product.as_str(), l.model.as_str()))
                    .or_default();
                e.0 += l.amount_cents;
                e.1 += l.list_amount_cents;
            }
            tx.execute_many(
                "INSERT INTO cost_day(date, product, model, amount, list_amount)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                merged
                    .iter()
                    .map(|((date, product, model), (amount, list))| {
                        Vec::from(args![date, *product, *model, *amount, *list])
                    })
                    .collect(),
            )?;
            let mut day = start;
            while day < end {
                let n = merged.keys().filter(|k| k.0 == day).count();
                log_fetch(tx, Dataset::CostDaily, day, next_day(day), meta, n)?;
                day = next_day(day);
            }
            Ok(())
        })
    }

    /// Replaces the per-person cost of one window `[start, end)`.
    pub fn replace_user_cost(
        &mut self,
        start: NaiveDate,
        end: NaiveDate,
        rows: &[PersonCost],
        meta: FetchMeta,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                r#"DELETE FROM user_cost WHERE start = ?1 AND "end" = ?2"#,
                &args![start, end],
            )?;
            tx.execute_many(
                r#"INSERT INTO user_cost(start, "end", user_id, email, name, amount, list_amount)
                   VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"#,
                rows.iter()
                    .map(|r| {
                        Vec::from(args![
                            start,
                            end,
                            &r.user_id,
                            &r.email,
                            &r.name,
                            r.amount_cents,
                            r.list_amount_cents
                        ])
                    })
                    .collect(),
            )?;
            log_fetch(tx, Dataset::UserCost, start, end, meta, rows.len())
        })
    }

    /// Replaces the skills, connectors or projects (`dataset`) of one day.
    pub fn replace_adoption(
        &mut self,
        dataset: Dataset,
        date: NaiveDate,
        items: &[AdoptionItem],
        meta: FetchMeta,
    ) -> Result<()> {
        let end = next_day(date);
        self.write(|tx| {
            tx.execute(
                r#"DELETE FROM adoption WHERE kind = ?1 AND start = ?2 AND "end" = ?3"#,
                &args![dataset.key(), date, end],
            )?;
            tx.execute_many(
                r#"INSERT INTO adoption(kind, start, "end", name, users, uses)
                   VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                   ON CONFLICT(kind, start, "end", name) DO UPDATE SET
                     users = adoption.users + excluded.users, uses = adoption.uses + excluded.uses"#,
                items
                    .iter()
                    .map(|item| {
                        Vec::from(args![
                            dataset.key(),
                            date,
                            end,
                            &item.name,
                            to_i64(item.users),
                            to_i64(item.uses)
                        ])
                    })
                    .collect(),
            )?;
            log_fetch(tx, dataset, date, end, meta, items.len())?;
            meta::delete_in(tx, MetaKey::NotOffered(dataset))?;
            Ok(())
        })
    }

    /// Records that `dataset` (plugins, artifacts) answered 404 for `date`: the organization
    /// is not offered it. The day is logged as fetched with no items, so it is asked again
    /// only as often as any unsettled day; the next answer with rows clears the mark.
    pub fn mark_not_offered(
        &mut self,
        dataset: Dataset,
        date: NaiveDate,
        meta: FetchMeta,
    ) -> Result<()> {
        let end = next_day(date);
        self.write(|tx| {
            tx.execute(
                r#"DELETE FROM adoption WHERE kind = ?1 AND start = ?2 AND "end" = ?3"#,
                &args![dataset.key(), date, end],
            )?;
            log_fetch(tx, dataset, date, end, meta, 0)?;
            meta::set_in(tx, MetaKey::NotOffered(dataset), &date.to_string())?;
            Ok(())
        })
    }

    /// Replaces one person's cost per day over the window `[start, end)`.
    pub fn replace_person_cost_days(
        &mut self,
        user_id: &str,
        start: NaiveDate,
        end: NaiveDate,
        days: &[(NaiveDate, Decimal, Decimal)],
        meta: FetchMeta,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM person_cost_day WHERE user_id = ?1 AND date >= ?2 AND date < ?3",
                &args![user_id, start, end],
            )?;
            tx.execute_many(
                "INSERT INTO person_cost_day(user_id, date, amount, list_amount)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(user_id, date) DO UPDATE SET amount = excluded.amount,
                   list_amount = excluded.list_amount",
                days.iter()
                    .filter(|d| d.0 >= start && d.0 < end)
                    .map(|(date, amount, list)| Vec::from(args![user_id, date, *amount, *list]))
                    .collect(),
            )?;
            tx.execute(
                r#"INSERT INTO person_cost_fetch(user_id, start, "end", fetched_at, data_refreshed_at)
                   VALUES (?1, ?2, ?3, ?4, ?5)
                   ON CONFLICT(user_id, start, "end") DO UPDATE SET fetched_at = excluded.fetched_at,
                     data_refreshed_at = excluded.data_refreshed_at"#,
                &args![user_id, start, end, meta.fetched_at, meta.data_refreshed_at],
            )?;
            Ok(())
        })
    }
}

/// The sums of [`Activity::COLUMNS`], as 64-bit integers in both databases (PostgreSQL sums a
/// `BIGINT` column as `NUMERIC`).
pub(super) fn sums() -> String {
    Activity::COLUMNS
        .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
        .join(", ")
}

/// The e-mail of a group's row with the smallest `order` (its earliest day naming one).
/// SQLite takes a bare column from the row its single `MIN()` chose; PostgreSQL has no such
/// rule, so it is asked for by order.
pub(super) fn first_email(dialect: Dialect, order: &str) -> String {
    match dialect {
        Dialect::Sqlite => "email".to_owned(),
        Dialect::Postgres => format!("(array_agg(email ORDER BY {order}))[1]"),
    }
}

fn insert_activity(
    tx: &dyn Exec,
    table: &str,
    key_column: &str,
    key: &NaiveDate,
    end: Option<&NaiveDate>,
    rows: &[Activity],
) -> DbResult<()> {
    let end_col = if end.is_some() { r#", "end""# } else { "" };
    let columns = Activity::COLUMNS.join(", ");
    // ?1 the key, ?2 ?3 user id and e-mail, then the counters, then the end (if any).
    let count = Activity::COLUMNS.len() + 3 + usize::from(end.is_some());
    let places: Vec<String> = (1..=count).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {table}({key_column}, user_id, email, {columns}{end_col})
         VALUES ({})",
        places.join(", ")
    );
    let all = rows
        .iter()
        .map(|a| {
            let mut args = Vec::from(args![key, &a.user_id, &a.email]);
            args.extend(a.counts().map(|c| Value::from(to_i64(c))));
            if let Some(end) = end {
                args.push(end.into());
            }
            args
        })
        .collect();
    tx.execute_many(&sql, all)
}

fn log_fetch(
    tx: &dyn Exec,
    dataset: Dataset,
    start: NaiveDate,
    end: NaiveDate,
    meta: FetchMeta,
    rows: usize,
) -> DbResult<()> {
    tx.execute(
        r#"INSERT INTO fetch_log(dataset, start, "end", fetched_at, data_refreshed_at, rows)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6)
           ON CONFLICT(dataset, start, "end") DO UPDATE SET fetched_at = excluded.fetched_at,
             data_refreshed_at = excluded.data_refreshed_at, rows = excluded.rows"#,
        &args![
            dataset.key(),
            start,
            end,
            meta.fetched_at,
            meta.data_refreshed_at,
            i64::try_from(rows).unwrap_or(i64::MAX)
        ],
    )?;
    Ok(())
}
