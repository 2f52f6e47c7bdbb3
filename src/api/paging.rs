//! Following `next_page` cursors to the end, with the identical query on every page, and
//! restarting from page 1 when the server expires (410) or refuses (400) a cursor. A 400 on a
//! later page is a refused cursor whatever its wording: page 1 of the same query was accepted.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

use super::Client;
use super::error::ApiError;
use super::models::{
    ArtifactActivity, ConnectorActivity, CostBucket, DaySummary, ListEnvelope, PluginActivity,
    ProjectActivity, SkillActivity, UsageBucket, UserActivity, UserCostRow, UserUsageRow,
};

/// How often a pagination may start over after a cursor is refused before giving up.
const MAX_RESTARTS: u32 = 3;

/// A guard against a server that never stops paging.
const MAX_PAGES: u32 = 10_000;

/// A row of a paginated list. A page whose rows are mostly unusable is junk (a proxy's page,
/// a broken deployment) and is refused as malformed rather than stored as data.
pub(crate) trait PageRow {
    /// False for a row nothing can be attributed to (a `/users` row without a user id).
    fn usable(&self) -> bool {
        true
    }
}

impl PageRow for UserActivity {
    fn usable(&self) -> bool {
        self.user.as_ref().is_some_and(|u| !u.id.trim().is_empty())
    }
}

impl PageRow for DaySummary {}
impl PageRow for ProjectActivity {}
impl PageRow for SkillActivity {}
impl PageRow for ConnectorActivity {}
impl PageRow for PluginActivity {}
impl PageRow for ArtifactActivity {}
impl PageRow for UserUsageRow {}
impl PageRow for UserCostRow {}
impl PageRow for UsageBucket {}
impl PageRow for CostBucket {}
impl PageRow for super::DimensionCostRow {
    fn usable(&self) -> bool {
        self.cost.is_some()
    }
}

/// Refuses an envelope without a row list, or whose rows are more than half unusable.
fn check_page<T: PageRow>(envelope: &ListEnvelope<T>) -> Result<(), String> {
    let Some(rows) = envelope.data.as_ref().or(envelope.summaries.as_ref()) else {
        return Err("the response has no `data` list".to_owned());
    };
    let junk = rows.iter().filter(|r| !r.usable()).count();
    if junk * 2 > rows.len() {
        return Err(format!(
            "{junk} of {} rows on the page have no user id or no figures",
            rows.len()
        ));
    }
    Ok(())
}

/// Everything one paginated call yields: its rows (every row, or what a caller folded them
/// into) and what the pages said about themselves.
pub struct Collected<R> {
    pub rows: R,
    /// The earliest watermark any page reported (the conservative one).
    pub data_refreshed_at: Option<DateTime<Utc>>,
    pub organization_id: Option<String>,
}

impl Client {
    /// Fetches every page of `path`, every row kept (see [`Client::fold_pages`]).
    pub(crate) async fn collect<T: DeserializeOwned + PageRow>(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<Collected<Vec<T>>, ApiError> {
        self.fold_pages(path, query, Vec::new, |rows, page| rows.extend(page))
            .await
    }

    /// Fetches every page of `path` and folds each page's rows into what `start` returns as
    /// soon as the page arrives, so a caller that keeps less than the wire rows (one row per
    /// person of 10,000) never holds every page at once. A refused cursor starts over from
    /// page 1 and from a fresh `start()`. A 404 on the first page of an endpoint other than
    /// `/summaries` is settled by probing `/summaries`: if that accepts the key, the endpoint
    /// is missing ([`ApiError::EndpointMissing`]), not the key rejected.
    pub(crate) async fn fold_pages<T: DeserializeOwned + PageRow, R>(
        &self,
        path: &str,
        query: &[(String, String)],
        start: impl Fn() -> R,
        mut fold: impl FnMut(&mut R, Vec<T>),
    ) -> Result<Collected<R>, ApiError> {
        let mut restarts = 0u32;
        'restart: loop {
            if restarts > 0 {
                // Page 1 again: one more request than the caller planned.
                self.add_planned(1);
            }
            let mut out = Collected {
                rows: start(),
                data_refreshed_at: None,
                organization_id: None,
            };
            let mut cursor: Option<String> = None;
            let mut pages = 0u32;
            loop {
                let mut page_query = query.to_vec();
                if let Some(c) = &cursor {
                    page_query.push(("page".to_owned(), c.clone()));
                }
                let answer = match self.get_checked(path, &page_query, check_page::<T>).await {
                    Ok(answer) => answer,
                    Err(e)
                        if cursor.is_some()
                            && restarts < MAX_RESTARTS
                            && (e.is_refused_query()
                                || matches!(e, ApiError::CursorInvalid { .. })) =>
                    {
                        restarts += 1;
                        tracing::info!(
                            path,
                            status = e.status(),
                            restarts,
                            "page cursor refused; restarting from page 1"
                        );
                        continue 'restart;
                    }
                    Err(e @ ApiError::KeyRejected { status: 404, .. })
                        if cursor.is_none() && path != "summaries" =>
                    {
                        return Err(self.settle_not_found(path, e).await);
                    }
                    Err(e) => return Err(e),
                };
                let mut envelope: ListEnvelope<T> = answer.body;
                // `check_page` made sure the list is there.
                let rows = envelope.rows().unwrap_or_default();
                fold(&mut out.rows, rows);
                if let Some(at) = envelope.data_refreshed_at {
                    out.data_refreshed_at = Some(out.data_refreshed_at.map_or(at, |o| o.min(at)));
                }
                if out.organization_id.is_none() {
                    out.organization_id = envelope.organization_id.take();
                }
                let Some(next) = envelope.next_cursor() else {
                    return Ok(out);
                };
                pages += 1;
                if cursor.as_deref() == Some(next) || pages >= MAX_PAGES {
                    return Err(ApiError::Malformed {
                        detail: "the server kept returning the same page cursor".to_owned(),
                        request_id: answer.request_id,
                    });
                }
                cursor = Some(next.to_owned());
                self.add_planned(1);
            }
        }
    }

    /// A 404 from `path`: the probe of a known endpoint decides whether the key or the
    /// endpoint is missing (one more request, only on this failure).
    async fn settle_not_found(&self, path: &str, not_found: ApiError) -> ApiError {
        self.add_planned(1);
        match self.probe().await {
            Ok(_) => ApiError::EndpointMissing {
                path: format!("/v1/organizations/analytics/{path}"),
                request_id: not_found.request_id().map(str::to_owned),
            },
            Err(ApiError::KeyRejected { .. }) => not_found,
            Err(other) => other,
        }
    }
}
