//! Search across course material: a results page and suggestions while
//! typing. Both are GET requests (a search changes nothing and its URL can
//! be shared). Readers search published lessons; instructors and admins
//! also the newest drafts of the courses they author.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::AppError;
use crate::i18n::Locale;
pub use polku_types::search::{SearchHit, SearchPage, Suggestion};

/// Results per page.
pub const PER_PAGE: usize = 10;

#[cfg(feature = "ssr")]
mod server {
    use polku_core::authoring::AuthorGrant;
    use polku_core::search::{Hit, SearchIndex, SearchRequest, SearchResults};

    use crate::api::AppError;

    /// The caller's author grant, if they author anything.
    pub async fn author_grant() -> Option<AuthorGrant> {
        crate::api::authoring::grant().await.ok()
    }

    /// Runs `request` off the async threads.
    pub async fn run(
        request: SearchRequest,
        grant: Option<AuthorGrant>,
    ) -> Result<SearchResults, AppError> {
        let index: SearchIndex = crate::api::state()?.search.clone();
        index.query(request, grant).await.map_err(|err| {
            tracing::error!(error = %err, "search failed");
            AppError::Internal
        })
    }

    /// Where a hit leads: published lessons in their own language at the
    /// section; drafts in the editor.
    pub fn href(hit: &Hit) -> String {
        if hit.draft {
            return format!(
                "/author/courses/{}/{}?lang={}",
                hit.course,
                hit.lesson,
                hit.language.code()
            );
        }
        let anchor = hit
            .anchor
            .as_deref()
            .map(|a| format!("#{a}"))
            .unwrap_or_default();
        format!(
            "/courses/{}/{}?lang={}{anchor}",
            hit.course,
            hit.lesson,
            hit.language.code()
        )
    }
}

/// Input kept at most (the index searches the first 500 characters).
#[cfg(feature = "ssr")]
const MAX_INPUT: usize = 2_000;

#[cfg(feature = "ssr")]
fn bounded(text: String) -> String {
    if text.chars().count() > MAX_INPUT {
        text.chars().take(MAX_INPUT).collect()
    } else {
        text
    }
}

/// `GET /api/search`: one page of results for `q`, optionally only in
/// `course` (slug) and `lang` (fi/sv/en); the reader's `locale` ranks first.
#[server(prefix = "/api", endpoint = "search", input = GetUrl, output = crate::api::TextJson)]
pub async fn search(
    q: String,
    course: Option<String>,
    lang: Option<String>,
    page: Option<usize>,
    locale: Locale,
) -> Result<SearchPage, AppError> {
    use polku_core::search::{MAX_RESULTS, SearchRequest};

    let db = super::db()?;
    let language = locale;
    // The course filter's choices: the catalog as kept in memory (read
    // from the database once per content version, not per search).
    let courses = super::content()?
        .catalog(&db, language)
        .await?
        .into_iter()
        .map(|c| (c.slug, c.title))
        .collect::<Vec<_>>();
    let course = course.filter(|c| courses.iter().any(|(slug, _)| slug == c));
    let only = lang.as_deref().and_then(|l| l.parse().ok());
    let page = page.unwrap_or(0).min(MAX_RESULTS / PER_PAGE);
    let request = SearchRequest {
        text: bounded(q),
        course,
        language: only,
        prefer: Some(language),
        page,
        per_page: PER_PAGE,
        suggest: false,
    };
    let results = server::run(request, server::author_grant().await).await;
    let results = results?;
    let pages = results.total.min(MAX_RESULTS).div_ceil(PER_PAGE);
    Ok(SearchPage {
        total: results.total,
        page,
        pages,
        empty: results.empty,
        truncated: results.truncated,
        hits: results
            .hits
            .iter()
            .map(|hit| SearchHit {
                title: hit.title.clone(),
                course_title: hit.course_title.clone(),
                language: hit.language,
                draft: hit.draft,
                href: server::href(hit),
                section: hit.section.clone(),
                snippet: hit.snippet.parts.clone(),
            })
            .collect(),
        courses,
    })
}

/// `GET /api/suggest`: up to six lessons for what is being typed (the last
/// word may be unfinished).
#[server(prefix = "/api", endpoint = "suggest", input = GetUrl, output = crate::api::TextJson)]
pub async fn suggest(q: String, locale: Locale) -> Result<Vec<Suggestion>, AppError> {
    use polku_core::search::SearchRequest;

    let request = SearchRequest {
        text: bounded(q),
        prefer: Some(locale),
        per_page: 6,
        suggest: true,
        ..SearchRequest::default()
    };
    let results = server::run(request, server::author_grant().await).await?;
    Ok(results
        .hits
        .iter()
        .map(|hit| Suggestion {
            title: hit.title.clone(),
            course_title: hit.course_title.clone(),
            language: hit.language,
            href: server::href(hit),
        })
        .collect())
}
