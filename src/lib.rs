//! topogy: Claude Enterprise Analytics in the terminal — client, store, sync, simulator, export.

pub mod api;
pub mod credentials;
pub mod sim;
