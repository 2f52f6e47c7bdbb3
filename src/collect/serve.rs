//! The `/metrics` endpoint of `collect --metrics`: each scrape reads the store afresh (on a
//! blocking thread) and never asks the API anything.

use std::net::SocketAddr;

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use super::openmetrics::{self, Scrape};
use crate::api::Client;
use crate::metrics::{RangePreset, preset_range};
use crate::store::{Location, Store, StoreError};

/// What a scrape reads besides the store: shared by the collector's loop and the endpoint.
pub struct Exposed {
    pub client: Client,
    /// The store of the organization the key reaches; `None` until the first round learns it.
    pub store: Mutex<Option<Location>>,
    /// The end of the last round that worked.
    pub last_success: Mutex<Option<DateTime<Utc>>>,
    /// The dashboard's range: per-person figures cover it.
    pub range: RangePreset,
    pub per_person: bool,
}

impl Exposed {
    /// The OpenMetrics text for the store as it is at `now`.
    pub fn render(&self, now: DateTime<Utc>) -> Result<String, StoreError> {
        let location = self.store.lock().ok().and_then(|p| p.clone());
        let store = match location {
            Some(location) if location.path().is_none_or(std::path::Path::exists) => {
                location.open_reader()?
            }
            _ => Store::open_in_memory()?,
        };
        let (from, to) = preset_range(self.range, now.date_naive());
        let progress = self.client.subscribe_progress().borrow().clone();
        let scrape = Scrape {
            from,
            to,
            now,
            per_person: self.per_person,
            progress: &progress,
            last_success: self.last_success.lock().ok().and_then(|t| *t),
        };
        openmetrics::render(&store, &scrape)
    }
}

/// Listens on `addr` and serves `GET /metrics` in a task of its own; returns the address bound
/// (port 0 picks a free one).
pub async fn start(addr: SocketAddr, exposed: Arc<Exposed>) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = axum::Router::new()
        .route("/metrics", axum::routing::get(metrics))
        .with_state(exposed);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::warn!(%error, "the metrics endpoint stopped");
        }
    });
    Ok(bound)
}

async fn metrics(State(exposed): State<Arc<Exposed>>) -> Response {
    let text = tokio::task::spawn_blocking(move || exposed.render(Utc::now())).await;
    match text {
        Ok(Ok(text)) => ([(header::CONTENT_TYPE, openmetrics::CONTENT_TYPE)], text).into_response(),
        Ok(Err(error)) => {
            tracing::warn!(%error, "a scrape could not read the store");
            (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
