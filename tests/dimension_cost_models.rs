//! `/analytics/cost` rows as the client reads them: every documented actor type, an unknown
//! one, missing fields, an envelope without `data_refreshed_at`/`organization_id`, exact cents.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use topogy::api::{DimensionCostRow, ListEnvelope};

#[test]
fn every_actor_type_and_missing_fields_are_tolerated() {
    let body = r#"{
      "data": [
        {"starting_at": "2026-11-01T00:00:00Z", "ending_at": "2026-11-02T00:00:00Z",
         "group": {"actor": {"type": "user_actor", "user_id": "user_01A", "email_address": "a@x.io",
                             "name": "A", "deleted": false}},
         "cost": {"amount": "41280.000001", "currency": "USD", "list_amount": "51600", "requests": 3}},
        {"group": {"actor": {"type": "service_account_actor", "service_account_id": "svac_01B"}},
         "cost": {"amount": "1.5", "list_amount": "2"}},
        {"group": {"actor": {"type": "federated_actor", "provider": "aws", "subject": "arn:x"}},
         "cost": {"amount": "0.25"}},
        {"group": {"actor": {"type": "api_actor", "api_key_id": "apikey_01C"}},
         "cost": {"amount": "0.125", "list_amount": null, "requests": null}},
        {"group": {"actor": {"type": "robot_of_the_future"}, "product": "claude_code"},
         "cost": {"amount": "7"}},
        {"group": {"actor_type": "user_actor", "model": "claude-opus-4-6"}, "cost": {"amount": "2"}},
        {"group": {}, "cost": {"amount": "3"}}
      ],
      "next_page": null
    }"#;
    let mut envelope: ListEnvelope<DimensionCostRow> = serde_json::from_str(body).unwrap();
    assert_eq!(envelope.data_refreshed_at, None);
    assert_eq!(envelope.organization_id, None);
    let rows = envelope.rows().unwrap();
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[0].amount().to_string(), "41280.000001");
    let seat: Vec<Option<bool>> = rows.iter().map(|r| r.group.is_seat_user()).collect();
    assert_eq!(
        seat,
        [
            Some(true),
            Some(false),
            Some(false),
            Some(false),
            Some(false),
            Some(true),
            None
        ]
    );
    let actor = rows[0].group.actor.as_ref().unwrap();
    assert_eq!(actor.seat_user(), Some("user_01A"));
    assert_eq!(actor.email_address.as_deref(), Some("a@x.io"));
    assert_eq!(rows[3].cost.as_ref().unwrap().requests, None);
    assert_eq!(rows[4].group.product.as_deref(), Some("claude_code"));
}
