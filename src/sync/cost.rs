//! Cost: per-person windows, org cost by day (and what no seat user accounts for), one
//! person's daily cost — with the watermark. `/analytics/cost` first, the legacy reports when
//! the server does not have it (see [`cost_source`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use rust_decimal::Decimal;

use super::cost_source::{self, CostSource};
use super::plan::{Coverage, Notices, meta, now, stale_days, stored, today, usable};
use super::{API_FLOOR, Need, SyncError, Syncer};
use crate::api::{CostBucket, CostQuery, DimensionCostRow, Report, UserCostRow};
use crate::days::{MAX_WINDOW_DAYS, midnight, next_day, spans_back, windows};
use crate::store::{CostLine, Dataset, FetchMeta, PersonCost};

/// The instant a cost request may end at: the end of the window or now (floored to the hour),
/// whichever is earlier — the API serves nothing later.
fn cost_end(syncer: &Syncer, end_excl: NaiveDate) -> DateTime<Utc> {
    let now = now(syncer);
    let floored = now
        .with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now);
    midnight(end_excl).min(floored)
}

/// The day after the last day a request ending at `end` says anything about: a day cut off
/// at midnight is not covered (it must not be stored as a $0 day).
fn covered_until(end: DateTime<Utc>) -> NaiveDate {
    let day = end.date_naive();
    if end == midnight(day) {
        day
    } else {
        next_day(day)
    }
}

pub(super) fn cost_floor(syncer: &Syncer) -> NaiveDate {
    API_FLOOR.max(today(syncer) - Duration::days(syncer.options.cost_history_days - 1))
}

pub(super) async fn people_cost(
    syncer: &mut Syncer,
    need: &Need,
    coverage: &mut Coverage,
    notices: &Notices,
) -> Result<(), SyncError> {
    let start = need.from.max(cost_floor(syncer));
    let end_excl = next_day(need.to.min(today(syncer)));
    let mut plan = Vec::new();
    // Windows end at the range's end, newest first: the settling days (the last 30) are one
    // window, so refreshing them after the TTL is one request's pages, not two windows'.
    for (ws, we) in spans_back(start, end_excl, MAX_WINDOW_DAYS) {
        coverage.cost_windows.insert(0, (ws, we));
        let entry = syncer.store.fetch_entry(Dataset::UserCost, ws, we)?;
        if !usable(syncer, entry.as_ref(), syncer.options.cost_settle_days) {
            plan.push((ws, we));
        } else if let Some(at) = entry.and_then(|e| e.data_refreshed_at) {
            note_refreshed(coverage, at);
        }
    }
    // A window that starts within the current hour has nothing to ask for yet: it is not
    // stored (an empty copy would read as a final $0).
    plan.retain(|&(ws, we)| cost_end(syncer, we) > midnight(ws));
    syncer.client.add_planned(plan.len() as u64);
    for (ws, we) in plan {
        let (start, end) = (midnight(ws), cost_end(syncer, we));
        if cost_source::chosen(syncer)? == CostSource::Dimension {
            let ask = CostQuery {
                group_by: &["actor"],
                ..CostQuery::default()
            };
            // Each page is summed per person as it arrives: 10,000 people's rows are never
            // held at once, and the window is still replaced in one transaction.
            let folded = syncer
                .client
                .dimension_cost_folded(start, end, &ask, BTreeMap::new, add_people)
                .await;
            match folded {
                Ok(collected) => {
                    cost_source::served(syncer)?;
                    let fetched = received(
                        syncer,
                        coverage,
                        collected.data_refreshed_at,
                        collected.organization_id.as_deref(),
                    )?;
                    let rows: Vec<PersonCost> = collected.rows.into_values().collect();
                    syncer.store.replace_user_cost(ws, we, &rows, fetched)?;
                    stored(notices, Dataset::UserCost);
                    continue;
                }
                Err(e) => cost_source::fall_back(syncer, e)?,
            }
        }
        let report = syncer.client.user_cost_report(start, end, &[]).await?;
        let fetched = received_report(syncer, coverage, &report)?;
        let rows = merge_cost(&report.data);
        syncer.store.replace_user_cost(ws, we, &rows, fetched)?;
        stored(notices, Dataset::UserCost);
    }
    Ok(())
}

/// Adds one page of `/analytics/cost` rows grouped by actor into one row per seat user; the
/// rest (service accounts, API keys) is the org cost by day's to tell.
fn add_people(by_id: &mut BTreeMap<String, PersonCost>, rows: Vec<DimensionCostRow>) {
    for row in &rows {
        let Some(actor) = &row.group.actor else {
            continue;
        };
        let Some(id) = actor.seat_user() else {
            continue;
        };
        let entry = by_id.entry(id.to_owned()).or_insert_with(|| PersonCost {
            user_id: id.to_owned(),
            email: actor
                .email_address
                .clone()
                .or_else(|| actor.email.clone())
                .unwrap_or_default(),
            name: actor.name.clone().unwrap_or_default(),
            amount_cents: Decimal::ZERO,
            list_amount_cents: Decimal::ZERO,
        });
        entry.amount_cents += row.amount();
        entry.list_amount_cents += row.list_amount();
    }
}

/// Notes what a cost answer says about itself (its freshness watermark and organization) and
/// returns the fetch facts to store with its rows.
fn received(
    syncer: &mut Syncer,
    coverage: &mut Coverage,
    data_refreshed_at: Option<DateTime<Utc>>,
    organization_id: Option<&str>,
) -> Result<FetchMeta, SyncError> {
    if let Some(at) = data_refreshed_at {
        note_refreshed(coverage, at);
    }
    super::org::check_organization(syncer, organization_id)?;
    Ok(FetchMeta {
        data_refreshed_at,
        ..meta(syncer)
    })
}

/// [`received`] for a report of every row.
fn received_report<T>(
    syncer: &mut Syncer,
    coverage: &mut Coverage,
    report: &Report<T>,
) -> Result<FetchMeta, SyncError> {
    let organization = report.organization_id.as_deref();
    received(syncer, coverage, report.data_refreshed_at, organization)
}

/// One person's cost per day, one request per 31-day window that is missing or stale.
pub(super) async fn person_cost(
    syncer: &mut Syncer,
    need: &Need,
    user_id: &str,
    notices: &Notices,
) -> Result<(), SyncError> {
    let start = need.from.max(cost_floor(syncer));
    let end_excl = next_day(need.to.min(today(syncer)));
    let mut ws = start;
    while ws < end_excl {
        let next = (ws + Duration::days(MAX_WINDOW_DAYS)).min(end_excl);
        // Per-person day buckets need an `ending_at` on a day boundary: today's partial day
        // waits until it is over, and the window covers the days before it.
        let request_end = midnight(cost_end(syncer, next).date_naive());
        let we = next.min(request_end.date_naive());
        let entry = syncer.store.person_cost_fetched(user_id, ws, we)?;
        if we > ws && !usable(syncer, entry.as_ref(), syncer.options.cost_settle_days) {
            syncer.client.add_planned(1);
            let (days, data_refreshed_at) =
                one_person_days(syncer, midnight(ws), request_end, user_id).await?;
            let days: Vec<_> = days.into_iter().map(|(d, (a, l))| (d, a, l)).collect();
            let fetched = FetchMeta {
                fetched_at: now(syncer),
                data_refreshed_at,
            };
            syncer
                .store
                .replace_person_cost_days(user_id, ws, we, &days, fetched)?;
            stored(notices, Dataset::UserCost);
        }
        ws = next;
    }
    Ok(())
}

/// Cents (amount, list) per day.
type DayCents = BTreeMap<NaiveDate, (Decimal, Decimal)>;

/// One person's cost per day over `[start, end)` and the watermark, from whichever source.
async fn one_person_days(
    syncer: &mut Syncer,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    user_id: &str,
) -> Result<(DayCents, Option<DateTime<Utc>>), SyncError> {
    let mut days = DayCents::new();
    let mut add = |at: Option<DateTime<Utc>>, amount: Decimal, list: Decimal| {
        let e = days.entry(at.unwrap_or(start).date_naive()).or_default();
        e.0 += amount;
        e.1 += list;
    };
    if cost_source::chosen(syncer)? == CostSource::Dimension {
        let ask = CostQuery {
            bucket: Some("1d"),
            group_by: &["actor"],
            actor_ids: &[user_id],
        };
        match syncer.client.dimension_cost(start, end, &ask).await {
            Ok(report) => {
                cost_source::served(syncer)?;
                let own = |r: &&DimensionCostRow| {
                    r.group.actor.as_ref().and_then(|a| a.seat_user()) == Some(user_id)
                };
                for row in report.data.iter().filter(own) {
                    add(row.starting_at, row.amount(), row.list_amount());
                }
                return Ok((days, report.data_refreshed_at));
            }
            Err(e) => cost_source::fall_back(syncer, e)?,
        }
    }
    let report = syncer.client.user_cost_daily(start, end, user_id).await?;
    for row in report.data.iter().filter(|r| r.actor.user_id == user_id) {
        add(row.starting_at, row.cost.amount, row.cost.list_amount);
    }
    Ok((days, report.data_refreshed_at))
}

fn note_refreshed(coverage: &mut Coverage, at: DateTime<Utc>) {
    coverage.cost_refreshed_at = Some(coverage.cost_refreshed_at.map_or(at, |c| c.max(at)));
}

/// One row per person, amounts summed over any product/model split.
fn merge_cost(rows: &[UserCostRow]) -> Vec<PersonCost> {
    let mut by_id: BTreeMap<String, PersonCost> = BTreeMap::new();
    for r in rows {
        let entry = by_id
            .entry(r.actor.user_id.clone())
            .or_insert_with(|| PersonCost {
                user_id: r.actor.user_id.clone(),
                email: r.actor.email.clone().unwrap_or_default(),
                name: r.actor.name.clone().unwrap_or_default(),
                amount_cents: Default::default(),
                list_amount_cents: Default::default(),
            });
        entry.amount_cents += r.cost.amount;
        entry.list_amount_cents += r.cost.list_amount;
    }
    by_id.into_values().collect()
}

pub(super) async fn cost_daily(
    syncer: &mut Syncer,
    need: &Need,
    coverage: &mut Coverage,
    notices: &Notices,
) -> Result<(), SyncError> {
    let start = need.from.max(cost_floor(syncer));
    let end = need.to.min(today(syncer));
    let settle = syncer.options.cost_settle_days;
    let stale = stale_days(syncer, Dataset::CostDaily, start, end, settle)?;
    let mut plan = windows(&stale);
    // Today before its first whole hour has no data yet: not stored as a final $0.
    plan.retain(|&(ws, we)| cost_end(syncer, we) > midnight(ws));
    syncer.client.add_planned(plan.len() as u64);
    for (ws, we) in plan {
        let (start, end) = (midnight(ws), cost_end(syncer, we));
        let covered = we.min(covered_until(end));
        if cost_source::chosen(syncer)? == CostSource::Dimension {
            let ask = CostQuery {
                bucket: Some("1d"),
                group_by: &["product", "model", "actor_type"],
                ..CostQuery::default()
            };
            match syncer.client.dimension_cost(start, end, &ask).await {
                Ok(report) => {
                    cost_source::served(syncer)?;
                    let fetched = received_report(syncer, coverage, &report)?;
                    let (lines, unattributed) = split_lines(&report.data, ws);
                    syncer.store.replace_org_cost_days(
                        ws,
                        covered,
                        &lines,
                        unattributed.as_ref(),
                        fetched,
                    )?;
                    stored(notices, Dataset::CostDaily);
                    continue;
                }
                Err(e) => cost_source::fall_back(syncer, e)?,
            }
        }
        let report = syncer
            .client
            .cost_report(start, end, &["product", "model"])
            .await?;
        let fetched = received_report(syncer, coverage, &report)?;
        let lines = cost_lines(&report.data);
        syncer
            .store
            .replace_cost_days(ws, covered, &lines, fetched)?;
        stored(notices, Dataset::CostDaily);
    }
    Ok(())
}

/// Org cost lines per day by product and model, and each day's cost of no seat user — `None`
/// when a row does not say whose it is.
fn split_lines(rows: &[DimensionCostRow], first: NaiveDate) -> (Vec<CostLine>, Option<DayCents>) {
    let mut unattributed = Some(DayCents::new());
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        let date = row.starting_at.map_or(first, |t| t.date_naive());
        match row.group.is_seat_user() {
            Some(true) => {}
            Some(false) => {
                if let Some(days) = unattributed.as_mut() {
                    let e = days.entry(date).or_default();
                    e.0 += row.amount();
                    e.1 += row.list_amount();
                }
            }
            None => unattributed = None,
        }
        lines.push(CostLine {
            date,
            product: label(row.group.product.as_deref()),
            model: label(row.group.model.as_deref()),
            amount_cents: row.amount(),
            list_amount_cents: row.list_amount(),
        });
    }
    (lines, unattributed)
}

/// A dimension the server left empty.
fn label(value: Option<&str>) -> String {
    value.unwrap_or("unattributed").to_owned()
}

fn cost_lines(buckets: &[CostBucket]) -> Vec<CostLine> {
    buckets
        .iter()
        .flat_map(|b| {
            let date = b.starting_at.date_naive();
            b.results.iter().map(move |r| CostLine {
                date,
                product: label(r.dimensions.product.as_deref()),
                model: label(r.dimensions.model.as_deref()),
                amount_cents: r.amount,
                list_amount_cents: r.list_amount,
            })
        })
        .collect()
}
