//! Polku's web layer, shared by the plain axum routes (crate `server`) and
//! the server functions (crate `app` with `ssr`):
//!
//! - [`session`]: the person signed in, resolved once per request by a
//!   middleware into the request's extensions and read through one
//!   extractor ([`session::Signed`] / [`session::MaybeSigned`]) or, in a
//!   server function, [`session::from_parts`];
//! - [`client`]: the address a request comes from, resolved the same way;
//! - [`state::AppState`]: everything a handler needs, one value (also the
//!   Leptos context of every render and server function);
//! - [`limits`]: per-client-address rate limits;
//! - [`cookies`]: every cookie, built in one place;
//! - [`error::WebError`]: one error with `IntoResponse`, so plain routes
//!   use `?`;
//! - [`federation::Federation`]: the trusted issuers' keys and revocation
//!   lists, fetched (bounded, cached) for the badge checks that need them;
//! - [`code::CodeChecker`]: learners' programs run against their
//!   exercise's tests in the Python sandbox.

pub mod client;
pub mod code;
pub mod cookies;
pub mod error;
pub mod federation;
pub mod limits;
pub mod pages;
pub mod session;
pub mod state;

pub use error::WebError;
pub use state::AppState;
