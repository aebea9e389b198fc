//! Reusable UI pieces; no data access here.

pub mod code_exercise;
pub mod hole;
pub mod layout;
pub mod loaded;
pub mod notice;
pub mod quiz;
pub mod read_aloud;
pub mod reading;
