//! Polku's domain: content import, courses and lessons, database access.
//!
//! No HTTP and no UI here: the server and the Leptos server functions call
//! these services, which own transactions and rules and are tested directly.

pub mod accounts;
pub mod appointments;
pub mod audit;
pub mod authoring;
pub mod authz;
pub mod backup;
pub mod badges;
pub mod cartridge;
pub mod coaching;
pub mod content;
pub mod courses;
pub mod dates;
pub mod db;
pub mod discussion;
pub mod error;
pub mod frameworks;
pub mod language;
pub mod messages;
pub mod notifications;
pub mod pathways;
pub mod privacy;
pub mod progress;
pub mod readers;
pub mod search;
pub mod speech;
pub mod sync;

pub use error::CoreError;
pub use language::Language;
