//! Polku's database migrations, portable between SQLite and PostgreSQL.
//!
//! Rules (see `README.md`): one file per migration named
//! `mYYYYMMDD_HHMMSS_<verb>_<object>.rs`, up and down, sea-query builders
//! only, named indexes and constraints, never edit one that has been applied.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261122_210000_create_courses;
mod m20261122_230000_add_revisions_modules_media;
mod m20261123_013000_create_accounts_progress;
mod m20261123_020000_create_groups_discussion;
mod m20261123_060000_create_badge_awards;
mod m20261123_080000_badge_sharing_requests;
mod m20261204_100000_add_consent_audit;
mod m20261204_120000_add_session_last_seen;
mod m20261205_090000_add_badge_reissue;
mod m20261205_100000_add_badge_approvals;
mod m20261205_110000_create_counters;
mod m20261205_120000_add_lesson_sections;
mod m20261205_130000_create_messages;
mod m20261205_140000_create_notifications;
mod m20261205_150000_add_conversation_closed;
mod m20261206_090000_create_appointments;
mod m20261207_090000_add_course_source;
mod m20261208_090000_create_lesson_audio;
mod m20261208_100000_add_quiz_attempt_keys;
mod m20261209_090000_create_code_submissions;
mod m20261210_090000_create_pathways;
mod m20261211_090000_add_milestone_badges;
mod m20261211_100000_pathway_editing;
mod m20261211_110000_email_confirmation;
mod m20261212_090000_create_accounts_counter;
mod m20261213_090000_create_readers_counter;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_210000_create_courses::Migration),
            Box::new(m20261122_230000_add_revisions_modules_media::Migration),
            Box::new(m20261123_013000_create_accounts_progress::Migration),
            Box::new(m20261123_020000_create_groups_discussion::Migration),
            Box::new(m20261123_060000_create_badge_awards::Migration),
            Box::new(m20261123_080000_badge_sharing_requests::Migration),
            Box::new(m20261204_100000_add_consent_audit::Migration),
            Box::new(m20261204_120000_add_session_last_seen::Migration),
            Box::new(m20261205_090000_add_badge_reissue::Migration),
            Box::new(m20261205_100000_add_badge_approvals::Migration),
            Box::new(m20261205_110000_create_counters::Migration),
            Box::new(m20261205_120000_add_lesson_sections::Migration),
            Box::new(m20261205_130000_create_messages::Migration),
            Box::new(m20261205_140000_create_notifications::Migration),
            Box::new(m20261205_150000_add_conversation_closed::Migration),
            Box::new(m20261206_090000_create_appointments::Migration),
            Box::new(m20261207_090000_add_course_source::Migration),
            Box::new(m20261208_090000_create_lesson_audio::Migration),
            Box::new(m20261208_100000_add_quiz_attempt_keys::Migration),
            Box::new(m20261209_090000_create_code_submissions::Migration),
            Box::new(m20261210_090000_create_pathways::Migration),
            Box::new(m20261211_090000_add_milestone_badges::Migration),
            Box::new(m20261211_100000_pathway_editing::Migration),
            Box::new(m20261211_110000_email_confirmation::Migration),
            Box::new(m20261212_090000_create_accounts_counter::Migration),
            Box::new(m20261213_090000_create_readers_counter::Migration),
        ]
    }
}
