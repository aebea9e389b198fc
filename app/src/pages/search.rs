//! `/search?q=…&course=…&lang=…&page=…`: search across course material.
//! A plain GET form: works without JavaScript, and the URL of a search can
//! be bookmarked and shared. The result count is announced.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::content_lang;
use crate::api::search::{SearchHit, SearchPage as Page, search};
use crate::components::loaded::loaded;
use crate::components::notice::PageTitle;
use crate::i18n::{Key, Locale, Texts, t, tf, use_locale};
use crate::pages::auth::urlencode;

/// The search page.
#[component]
pub fn SearchPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        (
            q.get("q").unwrap_or_default(),
            q.get("course").filter(|c| !c.is_empty()),
            q.get("lang").filter(|l| !l.is_empty()),
            q.get("page").and_then(|p| p.parse::<usize>().ok()),
        )
    };
    let results = Resource::new(
        move || (params(), locale.get()),
        |((q, course, lang, page), locale)| search(q, course, lang, page, locale),
    );
    view! {
        <PageTitle key=Key::SearchHeading />
        <h1>{t(Key::SearchHeading)}</h1>
        <p class="lead">{t(Key::SearchIntro)}</p>
        {loaded(results, move |page: Page| {
            let (q, course, lang, _) = params();
            view! { <SearchForm q=q.clone() course lang courses=page.courses.clone() /> <Results page q /> }
        })}
    }
}

/// The form: words, course and language.
#[component]
fn SearchForm(
    q: String,
    course: Option<String>,
    lang: Option<String>,
    courses: Vec<(String, String)>,
) -> impl IntoView {
    let course_options = courses
        .into_iter()
        .map(|(slug, title)| {
            let selected = course.as_deref() == Some(slug.as_str());
            view! { <option value=slug selected=selected>{title}</option> }
        })
        .collect_view();
    let language_options = Locale::ALL
        .into_iter()
        .map(|l| {
            let selected = lang.as_deref() == Some(l.code());
            view! { <option value=l.code() selected=selected lang=l.code()>{l.endonym()}</option> }
        })
        .collect_view();
    view! {
        <form class="search-form" method="get" action="/search" role="search" aria-label=t(Key::SearchHeading)>
            <p class="field">
                <label for="search-q">{t(Key::SearchLabel)}</label>
                <input id="search-q" type="search" name="q" value=q maxlength="2000" />
            </p>
            <div class="search-filters">
                <p class="field">
                    <label for="search-course">{t(Key::SearchCourseFilter)}</label>
                    <select id="search-course" name="course">
                        <option value="">{t(Key::SearchAllCourses)}</option>
                        {course_options}
                    </select>
                </p>
                <p class="field">
                    <label for="search-lang">{t(Key::SearchLanguageFilter)}</label>
                    <select id="search-lang" name="lang">
                        <option value="">{t(Key::SearchAllLanguages)}</option>
                        {language_options}
                    </select>
                </p>
            </div>
            <button type="submit">{t(Key::SearchButton)}</button>
        </form>
    }
}

/// The count (announced), the results and the page links.
#[component]
fn Results(page: Page, q: String) -> impl IntoView {
    let query_words = q.trim().to_owned();
    let status = {
        let query_words = query_words.clone();
        move || {
            let args = vec![
                ("query", query_words.clone()),
                ("count", page.total.to_string()),
            ];
            if page.empty {
                if query_words.is_empty() {
                    String::new()
                } else {
                    t(Key::SearchEmpty)().to_owned()
                }
            } else if page.total == 0 {
                tf(Key::SearchNoResults, args)()
            } else if page.total == 1 {
                tf(Key::SearchResultOne, args)()
            } else {
                tf(Key::SearchResultsMany, args)()
            }
        }
    };
    let hits = page
        .hits
        .into_iter()
        .map(|hit| view! { <li><SearchResult hit /></li> })
        .collect_view();
    let pager = (page.pages > 1).then(|| {
        let link = |n: usize| {
            let mut href = format!("/search?q={}", urlencode(&query_words));
            let query = use_query_map();
            let q = query.read_untracked();
            for key in ["course", "lang"] {
                if let Some(value) = q.get(key).filter(|v| !v.is_empty()) {
                    href.push_str(&format!("&{key}={}", urlencode(&value)));
                }
            }
            href.push_str(&format!("&page={n}"));
            href
        };
        let previous = (page.page > 0).then(|| link(page.page - 1));
        let next = (page.page + 1 < page.pages).then(|| link(page.page + 1));
        let position = tf(
            Key::SearchPageOf,
            vec![
                ("page", (page.page + 1).to_string()),
                ("pages", page.pages.to_string()),
            ],
        );
        view! {
            <nav class="pager" aria-label=t(Key::SearchPagesLabel)>
                {previous.map(|href| view! { <a href=href rel="prev">{t(Key::SearchPrevious)}</a> })}
                <span>{position}</span>
                {next.map(|href| view! { <a href=href rel="next">{t(Key::SearchNext)}</a> })}
            </nav>
        }
    });
    view! {
        <p class="search-status" role="status">{status}</p>
        {page.truncated.then(|| view! { <p class="notice">{t(Key::SearchTruncated)}</p> })}
        <ol class="search-results" aria-label=t(Key::SearchResultsLabel)>{hits}</ol>
        {pager}
    }
}

/// One result: title link, course, language, section and snippet.
#[component]
fn SearchResult(hit: SearchHit) -> impl IntoView {
    let locale = use_locale();
    let language = hit.language;
    let lang = move || content_lang(language, locale.get());
    let snippet = hit
        .snippet
        .into_iter()
        .map(|(text, marked)| {
            if marked {
                view! { <mark>{text}</mark> }.into_any()
            } else {
                text.into_any()
            }
        })
        .collect_view();
    let section = hit.section.map(|s| {
        view! { <p class="search-section" lang=lang>{tf(Key::SearchSection, vec![("section", s)])}</p> }
    });
    view! {
        <article class="search-result">
            <h2 lang=lang><a href=hit.href>{hit.title}</a></h2>
            <p class="facts">
                <span lang=lang>{hit.course_title}</span>
                " · "
                <span lang=language.code()>{language.endonym()}</span>
                {hit.draft.then(|| view! { " · " <strong class="badge-draft">{t(Key::SearchDraft)}</strong> })}
            </p>
            {section}
            <p class="search-snippet" lang=lang>{snippet}</p>
        </article>
    }
}
