//! The store's small named values (the `meta` table), under one enum of every key so no caller
//! spells a key by hand.

use super::db::{DbResult, Exec, args, first};
use super::{Dataset, Result, Store};

/// A key of the `meta` table. The names are stored on disk: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKey<'a> {
    /// The organization the store holds (the API's id).
    Organization,
    /// When this store was last shown (RFC 3339): which organization a profile showed last.
    ShownAt,
    /// That a key (by its tag) reached this organization, and when.
    ReachedBy(&'a str),
    /// `<latest engagement day>@<day learned>`.
    EngagementLatest,
    /// `<days served back>@<day learned>`.
    EngagementHistoryDays,
    /// `legacy <RFC 3339 instant of the check>`: cost comes from the legacy reports.
    CostSource,
    /// The day the API refused a range of per-user engagement.
    UsersRangeRefusedOn,
    /// The UTC day the whole file was last checked (`PRAGMA quick_check`) when opened.
    QuickCheckOn,
    /// That the newest answer of `dataset` (plugins, artifacts) was "not offered" (404).
    NotOffered(Dataset),
}

impl MetaKey<'_> {
    /// The key as stored.
    pub fn name(self) -> String {
        match self {
            MetaKey::Organization => "organization_id".to_owned(),
            MetaKey::ShownAt => "shown_at".to_owned(),
            MetaKey::ReachedBy(key_tag) => format!("reached_by:{key_tag}"),
            MetaKey::EngagementLatest => "engagement_latest".to_owned(),
            MetaKey::EngagementHistoryDays => "engagement_history_days".to_owned(),
            MetaKey::CostSource => "cost_source".to_owned(),
            MetaKey::UsersRangeRefusedOn => "users_range_refused_on".to_owned(),
            MetaKey::QuickCheckOn => "quick_check_on".to_owned(),
            MetaKey::NotOffered(dataset) => format!("not_offered.{}", dataset.key()),
        }
    }
}

/// Sets a meta value inside a writer's transaction.
pub(super) fn set_in(tx: &dyn Exec, key: MetaKey<'_>, value: &str) -> DbResult<()> {
    tx.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        &args![key.name(), value],
    )
    .map(drop)
}

/// Removes a meta value inside a writer's transaction.
pub(super) fn delete_in(tx: &dyn Exec, key: MetaKey<'_>) -> DbResult<()> {
    tx.execute("DELETE FROM meta WHERE key = ?1", &args![key.name()])
        .map(drop)
}

impl Store {
    /// Reads a small named value (e.g. the latest available engagement day).
    pub fn meta(&self, key: MetaKey<'_>) -> Result<Option<String>> {
        first(
            self.db(),
            "SELECT value FROM meta WHERE key = ?1",
            &args![key.name()],
            |r| r.string(0),
        )
        .map_err(|e| self.err(e))
    }

    /// Stores a small named value.
    pub fn set_meta(&mut self, key: MetaKey<'_>, value: &str) -> Result<()> {
        self.write(|tx| set_in(tx, key, value))
    }

    /// Removes a small named value.
    pub fn delete_meta(&mut self, key: MetaKey<'_>) -> Result<()> {
        self.write(|tx| delete_in(tx, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_names_stay_what_older_stores_hold() {
        let names: Vec<String> = [
            MetaKey::Organization,
            MetaKey::ShownAt,
            MetaKey::ReachedBy("abc@https://api"),
            MetaKey::EngagementLatest,
            MetaKey::EngagementHistoryDays,
            MetaKey::CostSource,
            MetaKey::UsersRangeRefusedOn,
            MetaKey::NotOffered(Dataset::Plugins),
        ]
        .into_iter()
        .map(MetaKey::name)
        .collect();
        assert_eq!(
            names,
            [
                "organization_id",
                "shown_at",
                "reached_by:abc@https://api",
                "engagement_latest",
                "engagement_history_days",
                "cost_source",
                "users_range_refused_on",
                "not_offered.plugins",
            ]
        );
    }
}
