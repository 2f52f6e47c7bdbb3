//! Readers: what the views and the sync planner ask of the store.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::db::{self, DbResult, Row, Value, args};
use super::write::{first_email, sums};

use super::{
    Activity, AdoptionItem, CostLine, Dataset, FetchEntry, PersonCost, Result, Store, SummaryDay,
    month_of, to_u64,
};

use super::MetaKey;

impl Store {
    /// When one person's daily cost over exactly `[start, end)` was last fetched.
    pub fn person_cost_fetched(
        &self,
        user_id: &str,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<Option<FetchEntry>> {
        db::first(
            self.db(),
            r#"SELECT fetched_at, data_refreshed_at FROM person_cost_fetch
               WHERE user_id = ?1 AND start = ?2 AND "end" = ?3"#,
            &args![user_id, start, end],
            |r| {
                Ok(FetchEntry {
                    dataset: Dataset::UserCost,
                    start,
                    end,
                    fetched_at: r.instant(0)?,
                    data_refreshed_at: r.opt_instant(1)?,
                    rows: 0,
                })
            },
        )
        .map_err(|e| self.err(e))
    }

    /// One person's stored cost per day within `[from, to]`, in cents (amount, list amount).
    pub fn person_cost_days(
        &self,
        user_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(NaiveDate, Decimal, Decimal)>> {
        self.rows(
            "SELECT date, amount, list_amount FROM person_cost_day
             WHERE user_id = ?1 AND date >= ?2 AND date <= ?3 ORDER BY date",
            &args![user_id, from, to],
            |r| Ok((r.date(0)?, r.cents(1)?, r.cents(2)?)),
        )
    }

    // ----- readers ----------------------------------------------------------------------------

    /// The newest stored day of `dataset` (skills, connectors or projects) and its items.
    pub fn latest_adoption(
        &self,
        dataset: Dataset,
    ) -> Result<Option<(NaiveDate, Vec<AdoptionItem>)>> {
        let day: Option<NaiveDate> = db::first(
            self.db(),
            "SELECT MAX(start) FROM fetch_log WHERE dataset = ?1",
            &args![dataset.key()],
            |r| r.opt_date(0),
        )
        .map_err(|e| self.err(e))?
        .flatten();
        let Some(day) = day else { return Ok(None) };
        let items = self.rows(
            "SELECT name, users, uses FROM adoption WHERE kind = ?1 AND start = ?2
             ORDER BY users DESC, uses DESC, name",
            &args![dataset.key(), day],
            |r| {
                Ok(AdoptionItem {
                    name: r.string(0)?,
                    users: to_u64(r.int(1)?),
                    uses: to_u64(r.int(2)?),
                })
            },
        )?;
        Ok(Some((day, items)))
    }

    /// True when the newest answer of `dataset` (plugins, artifacts) was "not offered" (404).
    pub fn not_offered(&self, dataset: Dataset) -> Result<bool> {
        Ok(self.meta(MetaKey::NotOffered(dataset))?.is_some())
    }

    /// Everyone the store has seen in per-day data, with their last active day and the e-mail
    /// of that day, from `person_last` (kept with each stored day): one row per person however
    /// long the history is.
    pub fn known_people(&self) -> Result<Vec<(String, String, NaiveDate)>> {
        self.rows(
            "SELECT user_id, email, date FROM person_last ORDER BY email, user_id",
            &[],
            |r| Ok((r.string(0)?, r.string(1)?, r.date(2)?)),
        )
    }

    /// One person's stored days within `[from, to]`.
    pub fn person_days(
        &self,
        user_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(NaiveDate, Activity)>> {
        self.read_activity(
            "date, user_id, email",
            "user_day WHERE user_id = ?1 AND date >= ?2 AND date <= ?3 ORDER BY date",
            &args![user_id, from, to],
        )
    }

    /// The stored range-mode totals within `[start, end)` that start earliest; of those, the
    /// one reaching furthest, then the newest. One query however far into the range they
    /// start (a year's range holds the API's last ~90 days as totals).
    pub fn best_rollup(&self, start: NaiveDate, end: NaiveDate) -> Result<Option<FetchEntry>> {
        let entries = self.query_fetch_log(
            r#"fetch_log WHERE dataset = ?1 AND start >= ?2 AND start < ?3 AND "end" > start
               AND "end" <= ?3 ORDER BY start, "end" DESC, fetched_at DESC LIMIT 1"#,
            &args![Dataset::UsersRange.key(), start, end],
        )?;
        Ok(entries.into_iter().next())
    }

    /// Per-person engagement of each stored day in `[from, to]`.
    pub fn user_days(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<(NaiveDate, Activity)>> {
        self.read_activity(
            "date, user_id, email",
            "user_day WHERE date >= ?1 AND date <= ?2 ORDER BY date, user_id",
            &args![from, to],
        )
    }

    /// The whole organization's engagement on each stored day in `[from, to]` (user id and
    /// e-mail left empty): the totals kept with each day when it is written, so the daily series
    /// reads one row per day, never one per person per day.
    pub fn day_totals(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<(NaiveDate, Activity)>> {
        self.read_activity(
            "date, CAST('' AS TEXT), CAST('' AS TEXT)",
            "day_total WHERE date >= ?1 AND date <= ?2 ORDER BY date",
            &args![from, to],
        )
    }

    /// Per-person totals stored for exactly the window `[start, end)`.
    pub fn rollup(&self, start: NaiveDate, end: NaiveDate) -> Result<Vec<Activity>> {
        Ok(self
            .read_activity(
                "start, user_id, email",
                r#"user_rollup WHERE start = ?1 AND "end" = ?2 ORDER BY user_id"#,
                &args![start, end],
            )?
            .into_iter()
            .map(|(_, a)| a)
            .collect())
    }

    /// Each person's engagement summed over the stored days of `[from, to]`, one row per person
    /// in user-id order, with the e-mail of their earliest day that names one. Summed inside
    /// SQLite: the calendar months the range covers whole are read from `user_month` (one row
    /// per person per month), only the days of the partial months at its ends from `user_day`,
    /// so a year of 10,000 people reads about 150,000 rows instead of millions.
    pub fn person_totals(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Activity>> {
        let (whole_from, whole_to) = whole_months(from, to);
        // The e-mail of the earliest day with one ('' only if no day has one): see
        // `first_email` for how each database is asked.
        let columns = Activity::COLUMNS.join(", ");
        let email = first_email(self.db().dialect(), "email_date");
        Ok(self
            .read_counters(
                &format!("MIN(email_date), user_id, {email}"),
                &sums(),
                &format!(
                    "(SELECT email_date, user_id, email, {columns} FROM user_month
                       WHERE month >= ?3 AND month <= ?4
                      UNION ALL
                      SELECT CASE WHEN email <> '' THEN date ELSE '9999-12-31' END,
                             user_id, email, {columns} FROM user_day
                       WHERE date >= ?1 AND date <= ?2 AND (date < ?3 OR date > ?5))
                     AS days GROUP BY user_id ORDER BY user_id"
                ),
                &args![from, to, whole_from, whole_to.0, whole_to.1],
            )?
            .into_iter()
            .map(|(_, a)| a)
            .collect())
    }

    /// Reads activity rows: `keys` selects the day, user id and e-mail, `source` is
    /// `table WHERE … ORDER BY …`; the counters are [`Activity::COLUMNS`].
    fn read_activity(
        &self,
        keys: &str,
        source: &str,
        args: &[Value],
    ) -> Result<Vec<(NaiveDate, Activity)>> {
        self.read_counters(keys, &Activity::COLUMNS.join(", "), source, args)
    }

    /// [`Store::read_activity`] with the counters' expressions given (in
    /// [`Activity::COLUMNS`] order), e.g. their sums.
    fn read_counters(
        &self,
        keys: &str,
        counters: &str,
        source: &str,
        args: &[Value],
    ) -> Result<Vec<(NaiveDate, Activity)>> {
        let sql = format!("SELECT {keys}, {counters} FROM {source}");
        self.rows(&sql, args, |r| {
            let mut counts = [0u64; Activity::COLUMNS.len()];
            for (i, c) in counts.iter_mut().enumerate() {
                *c = to_u64(r.int(i + 3)?);
            }
            Ok((
                r.date(0)?,
                Activity::from_counts(r.string(1)?, r.string(2)?, counts),
            ))
        })
    }

    /// Summary days stored within `[from, to]`.
    pub fn summaries(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<SummaryDay>> {
        self.rows(
            "SELECT date, dau, wau, mau, assigned_seats, pending_invites FROM summary_day
             WHERE date >= ?1 AND date <= ?2 ORDER BY date",
            &args![from, to],
            |r| {
                Ok(SummaryDay {
                    date: r.date(0)?,
                    dau: to_u64(r.int(1)?),
                    wau: to_u64(r.int(2)?),
                    mau: to_u64(r.int(3)?),
                    assigned_seats: r.opt_int(4)?.map(to_u64),
                    pending_invites: r.opt_int(5)?.map(to_u64),
                })
            },
        )
    }

    /// Org cost lines stored within `[from, to]`.
    pub fn cost_days(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<CostLine>> {
        self.rows(
            "SELECT date, product, model, amount, list_amount FROM cost_day
             WHERE date >= ?1 AND date <= ?2 ORDER BY date, product, model",
            &args![from, to],
            |r| {
                Ok(CostLine {
                    date: r.date(0)?,
                    product: r.string(1)?,
                    model: r.string(2)?,
                    amount_cents: r.cents(3)?,
                    list_amount_cents: r.cents(4)?,
                })
            },
        )
    }

    /// Each day within `[from, to]` whose cost of no seat user is known, in cents (amount,
    /// list); days the source could not tell are absent.
    pub fn unattributed_cost_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(NaiveDate, Decimal, Decimal)>> {
        self.rows(
            "SELECT date, amount, list_amount FROM unattributed_cost_day
             WHERE date >= ?1 AND date <= ?2 ORDER BY date",
            &args![from, to],
            |r| Ok((r.date(0)?, r.cents(1)?, r.cents(2)?)),
        )
    }

    /// Per-person cost stored for exactly the window `[start, end)`.
    pub fn user_cost(&self, start: NaiveDate, end: NaiveDate) -> Result<Vec<PersonCost>> {
        self.rows(
            r#"SELECT user_id, email, name, amount, list_amount FROM user_cost
               WHERE start = ?1 AND "end" = ?2 ORDER BY user_id"#,
            &args![start, end],
            |r| {
                Ok(PersonCost {
                    user_id: r.string(0)?,
                    email: r.string(1)?,
                    name: r.string(2)?,
                    amount_cents: r.cents(3)?,
                    list_amount_cents: r.cents(4)?,
                })
            },
        )
    }

    /// Each person's cost summed over the stored windows `[start, end)` given (a tiling, so no
    /// day counts twice), one row per person in user-id order, with the e-mail and name of the
    /// first of the windows that has them. Rows are read borrowed, a person's strings copied
    /// once: a year is a dozen windows of everyone.
    pub fn person_cost_totals(
        &self,
        windows: &[(NaiveDate, NaiveDate)],
    ) -> Result<Vec<PersonCost>> {
        let mut people: std::collections::HashMap<String, PersonCost> =
            std::collections::HashMap::new();
        for &(start, end) in windows {
            self.db()
                .each(
                    r#"SELECT user_id, email, name, amount, list_amount FROM user_cost
                       WHERE start = ?1 AND "end" = ?2"#,
                    &args![start, end],
                    &mut |row| add_person_cost(&mut people, row),
                )
                .map_err(|e| self.err(e))?;
        }
        let mut totals: Vec<PersonCost> = people.into_values().collect();
        totals.sort_unstable_by(|a, b| a.user_id.cmp(&b.user_id));
        Ok(totals)
    }

    /// Runs a query and maps each row.
    fn rows<T>(
        &self,
        sql: &str,
        args: &[Value],
        map: impl FnMut(&dyn Row) -> DbResult<T>,
    ) -> Result<Vec<T>> {
        db::rows(self.db(), sql, args, map).map_err(|e| self.err(e))
    }
}

/// Adds one stored window's row to its person's total, borrowing the row's strings: a
/// person's are copied once.
fn add_person_cost(
    people: &mut std::collections::HashMap<String, PersonCost>,
    row: &dyn Row,
) -> DbResult<()> {
    let (amount, list) = (row.cents(3)?, row.cents(4)?);
    let user_id = row.text(0)?;
    match people.get_mut(user_id) {
        Some(total) => {
            if total.email.is_empty() {
                row.text(1)?.clone_into(&mut total.email);
            }
            if total.name.is_empty() {
                row.text(2)?.clone_into(&mut total.name);
            }
            total.amount_cents += amount;
            total.list_amount_cents += list;
        }
        None => {
            let total = PersonCost {
                user_id: user_id.to_owned(),
                email: row.text(1)?.to_owned(),
                name: row.text(2)?.to_owned(),
                amount_cents: amount,
                list_amount_cents: list,
            };
            people.insert(total.user_id.clone(), total);
        }
    }
    Ok(())
}

/// The calendar months `[from, to]` covers whole: the first one's first day, and the last one's
/// first and last days. With none, the first day is after `to` and the last month's days before
/// it, so a query asking for months in `[first, last.0]` and for days outside `[first, last.1]`
/// reads every day of the range.
fn whole_months(from: NaiveDate, to: NaiveDate) -> (NaiveDate, (NaiveDate, NaiveDate)) {
    let (start, end) = month_of(from);
    let first = if start == from {
        from
    } else {
        end.succ_opt().unwrap_or(from)
    };
    let (last_start, last_end) = month_of(to);
    let last = if last_end == to {
        (last_start, last_end)
    } else {
        let before = last_start.pred_opt().unwrap_or(last_start);
        (month_of(before).0, before)
    };
    if first > last.0 {
        // No whole month: every day of the range is read from `user_day`.
        let after = to.succ_opt().unwrap_or(to);
        (after, (from, after))
    } else {
        (first, last)
    }
}
