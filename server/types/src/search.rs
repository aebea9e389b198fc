//! Search results and suggestions.

use serde::{Deserialize, Serialize};

use crate::Language;

/// One lesson found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// Lesson title.
    pub title: String,
    /// Course title.
    pub course_title: String,
    /// The language of the lesson text.
    pub language: Language,
    /// A draft (only its authors see it): the link opens the editor.
    pub draft: bool,
    /// Where to go: the lesson (in its language) at the matching section.
    pub href: String,
    /// The heading of the matching section.
    pub section: Option<String>,
    /// (text, matched) in order.
    pub snippet: Vec<(String, bool)>,
}

/// A page of results, with what the filters can offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchPage {
    /// Lessons matching.
    pub total: usize,
    /// This page's results.
    pub hits: Vec<SearchHit>,
    /// 0-based page shown.
    pub page: usize,
    /// Pages in all.
    pub pages: usize,
    /// Nothing searchable was typed.
    pub empty: bool,
    /// Only the beginning of a long text was searched.
    pub truncated: bool,
    /// Courses to filter by: (slug, title).
    pub courses: Vec<(String, String)>,
}

/// A suggestion while typing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// Lesson title.
    pub title: String,
    /// Course title.
    pub course_title: String,
    /// Language of the lesson text.
    pub language: Language,
    /// Where to go.
    pub href: String,
}
