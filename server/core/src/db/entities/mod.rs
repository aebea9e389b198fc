//! sea-orm entities, one module per table.

pub mod course_media;
pub mod course_texts;
pub mod courses;
pub mod lesson_revisions;
pub mod lesson_texts;
pub mod lessons;
