//! sea-orm entities, one module per table.

pub mod audit_events;
pub mod badge_approvals;
pub mod badge_awards;
pub mod badge_requests;
pub mod badge_revocations;
pub mod comments;
pub mod counters;
pub mod course_authors;
pub mod course_media;
pub mod course_texts;
pub mod courses;
pub mod enrolments;
pub mod feedback;
pub mod group_members;
pub mod groups;
pub mod lesson_progress;
pub mod lesson_revisions;
pub mod lesson_texts;
pub mod lessons;
pub mod login_throttles;
pub mod quiz_attempts;
pub mod reset_codes;
pub mod sessions;
pub mod users;
