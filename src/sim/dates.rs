//! Date rules of the engagement endpoints: format, 2026-01-01 floor, lag, history window, ranges.

use chrono::{Days, NaiveDate};

use super::Fault;
use super::error::ApiError;
use super::query::Query;
use super::server::Ctx;

/// Engagement lag while the `too-recent` fault is active.
const TOO_RECENT_LAG_DAYS: u32 = 6;
/// Longest rollup range (`ending_date - starting_date`).
const MAX_RANGE_DAYS: u64 = 366;

/// The first day the API has data for.
pub(crate) fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
}

/// Today, the latest available day and the start of the history window.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Calendar {
    pub(crate) today: NaiveDate,
    pub(crate) latest: NaiveDate,
    pub(crate) earliest: NaiveDate,
    history_days: u32,
}

impl Calendar {
    pub(crate) fn new(ctx: &Ctx<'_>) -> Self {
        let config = ctx.config();
        let lag = if ctx.fault == Some(Fault::TooRecent) {
            TOO_RECENT_LAG_DAYS
        } else {
            config.engagement_lag_days
        };
        let today = config.today;
        let back = |days: u32| {
            today
                .checked_sub_days(Days::new(days.into()))
                .unwrap_or(today)
        };
        Self {
            today,
            latest: back(lag.max(1)),
            earliest: back(config.history_days),
            history_days: config.history_days,
        }
    }

    /// Parses `YYYY-MM-DD` without applying availability rules.
    pub(crate) fn parse(name: &str, text: &str) -> Result<NaiveDate, ApiError> {
        let valid_shape =
            text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|_| valid_shape)
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "Invalid `{name}` `{text}`: expected a date as YYYY-MM-DD."
                ))
            })
    }

    /// Parses a day and checks it has data: not before 2026-01-01, not today or later, not past
    /// the latest available day, not older than the history window.
    pub(crate) fn available(&self, name: &str, text: &str) -> Result<NaiveDate, ApiError> {
        let date = Self::parse(name, text)?;
        let latest = self.latest;
        if date < first_day() {
            return Err(ApiError::out_of_range(format!(
                "`{name}` {date} is before 2026-01-01; analytics data starts on 2026-01-01."
            )));
        }
        if date >= self.today {
            return Err(ApiError::too_recent(format!(
                "`{name}` {date} is today or in the future (today is {} UTC). The most recent \
                 available date is {latest}.",
                self.today
            )));
        }
        if date > latest {
            return Err(ApiError::too_recent(format!(
                "Data for {date} is not yet available. The most recent available date is {latest}."
            )));
        }
        if date < self.earliest {
            return Err(ApiError::out_of_range(format!(
                "Data for {date} is outside the {}-day history window; the earliest available \
                 date is {}.",
                self.history_days, self.earliest
            )));
        }
        Ok(date)
    }

    /// Days of `[start, end)` that have data, in order.
    pub(crate) fn days(&self, start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
        start
            .iter_days()
            .take_while(|&d| d < end && d <= self.latest)
            .collect()
    }
}

/// What an engagement list request covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Span {
    /// `date=`: one day.
    Day(NaiveDate),
    /// `starting_date=` (+ `ending_date=`, exclusive): one rollup row per entity.
    Range(NaiveDate, NaiveDate),
}

impl Span {
    /// Reads `date` or `starting_date`/`ending_date` (the latter only in range mode).
    pub(crate) fn from_query(ctx: &Ctx<'_>, q: &Query, cal: &Calendar) -> Result<Self, ApiError> {
        let date = q.one("date")?;
        let start = q.one("starting_date")?;
        let end = q.one("ending_date")?;
        match (date, start) {
            (Some(_), Some(_)) => Err(ApiError::invalid(
                "Use either `date` or `starting_date`, not both.",
            )),
            (Some(_), None) if end.is_some() => Err(ApiError::invalid(
                "`ending_date` may only be used with `starting_date`.",
            )),
            (Some(date), None) => Ok(Self::Day(cal.available("date", date)?)),
            (None, Some(start)) => {
                let start = cal.available("starting_date", start)?;
                let end = match end {
                    Some(text) => Calendar::parse("ending_date", text)?,
                    None => cal.today,
                };
                check_range_end(
                    cal,
                    start,
                    end,
                    MAX_RANGE_DAYS,
                    &format!(
                        "`ending_date` may be at most {MAX_RANGE_DAYS} days after `starting_date`."
                    ),
                )?;
                Ok(Self::Range(start, end))
            }
            (None, None) if ctx.config().range_mode => Err(ApiError::invalid(
                "Either `date` or `starting_date` is required.",
            )),
            (None, None) => Err(ApiError::invalid("`date` is required.")),
        }
    }

    /// The days with data that this span covers.
    pub(crate) fn days(&self, cal: &Calendar) -> Vec<NaiveDate> {
        match *self {
            Self::Day(d) => vec![d],
            Self::Range(start, end) => cal.days(start, end),
        }
    }

    pub(crate) fn is_range(&self) -> bool {
        matches!(self, Self::Range(..))
    }
}

/// Checks an exclusive `ending_date` against `starting_date` and today, and the span against
/// `max_days` (366 for rollups, 31 for `/summaries`), with the message the endpoint uses.
pub(crate) fn check_range_end(
    cal: &Calendar,
    start: NaiveDate,
    end: NaiveDate,
    max_days: u64,
    too_long: &str,
) -> Result<(), ApiError> {
    if end <= start {
        return Err(ApiError::invalid(
            "`ending_date` must be after `starting_date`.",
        ));
    }
    if end > cal.today {
        return Err(ApiError::too_recent(format!(
            "`ending_date` {end} is after today ({} UTC).",
            cal.today
        )));
    }
    if start
        .checked_add_days(Days::new(max_days))
        .is_some_and(|max| end > max)
    {
        return Err(ApiError::out_of_range(too_long.to_owned()));
    }
    Ok(())
}

/// Parameters the engagement list endpoints accept (range parameters only in range mode).
pub(crate) fn list_params(range_mode: bool) -> Vec<&'static str> {
    let mut params = vec!["date", "limit", "page", "beta"];
    if range_mode {
        params.extend(["starting_date", "ending_date"]);
    }
    params
}
