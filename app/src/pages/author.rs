//! `/author` and `/author/courses/:course`: signing in with the admin
//! token, the list of courses, and a course's lessons (status, order, a new
//! lesson, export). Every form posts and works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::authoring::{Outline, get_author_home, get_outline};
use crate::components::loaded::loaded;
use crate::components::notice::PageTitle;
use crate::i18n::{Key, t, tf, use_locale};

/// `/author`: sign in, or the courses to edit.
#[component]
pub fn AuthorHomePage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let home = Resource::new(move || locale.get(), get_author_home);
    let wrong = move || query.read().get("error").is_some();
    loaded(home, move |home| {
        view! {
            <PageTitle key=Key::AuthorHeading />
            <h1>{t(Key::AuthorHeading)}</h1>
            {if !home.enabled {
                view! { <p class="notice">{t(Key::AuthorDisabled)}</p> }.into_any()
            } else if !home.signed_in {
                view! {
                    {wrong().then(|| view! { <p class="notice" role="alert">{t(Key::AuthorWrongToken)}</p> })}
                    <form method="post" action="/author/login" class="stack">
                        <label for="admin-token">{t(Key::AuthorTokenLabel)}</label>
                        <input type="password" id="admin-token" name="token" autocomplete="current-password" required />
                        <button type="submit" class="button">{t(Key::AuthorSignIn)}</button>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    <h2>{t(Key::AuthorCoursesHeading)}</h2>
                    <ul class="author-courses">
                        {home.courses.into_iter().map(|c| view! {
                            <li><a href=format!("/author/courses/{}", c.slug)>{c.title}</a></li>
                        }).collect_view()}
                    </ul>
                    <form method="post" action="/author/logout">
                        <button type="submit" class="button button--quiet">{t(Key::AuthorSignOut)}</button>
                    </form>
                }
                .into_any()
            }}
        }
    })
}

/// `/author/courses/:course`: the course's lessons for its author.
#[component]
pub fn AuthorCoursePage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let outline = Resource::new(
        move || {
            (
                params.read().get("course").unwrap_or_default(),
                locale.get(),
            )
        },
        |(course, locale)| get_outline(course, locale),
    );
    let feedback = Resource::new(
        move || {
            (
                params.read().get("course").unwrap_or_default(),
                locale.get(),
            )
        },
        |(course, locale)| crate::api::discussion::get_course_feedback(course, locale),
    );
    loaded(
        outline,
        move |outline| view! { <OutlineView outline feedback /> },
    )
}

type FeedbackResource =
    Resource<Result<Vec<crate::api::discussion::FeedbackNote>, crate::api::AppError>>;

#[component]
fn OutlineView(outline: Outline, feedback: FeedbackResource) -> impl IntoView {
    let query = use_query_map();
    let q = query.read_untracked();
    let typed_slug = q.get("slug").unwrap_or_default();
    let typed_title = q.get("title").unwrap_or_default();
    let failed = q.get("error").is_some();
    let slug = outline.slug.clone();
    let count = outline.lessons.len();
    view! {
        <leptos_meta::Title text=outline.title.clone() />
        <nav class="breadcrumb" aria-label=t(Key::BreadcrumbLabel)>
            <ol>
                <li><a href="/author">{t(Key::AuthorHeading)}</a></li>
                <li><a href=format!("/author/courses/{slug}") aria-current="page">{outline.title.clone()}</a></li>
            </ol>
        </nav>
        <h1>{outline.title.clone()}</h1>
        <p class="author-links">
            <a href=format!("/courses/{slug}")>{t(Key::AuthorViewAsLearner)}</a>
            " · "
            <a href=format!("/author/courses/{slug}/export.zip") download>{t(Key::AuthorExport)}</a>
            " · "
            <a href=format!("/author/courses/{slug}/export.imscc") download>{t(Key::AuthorExportCartridge)}</a>
        </p>
        <h2>{t(Key::AuthorLessonsHeading)}</h2>
        <ol class="outline">
            {outline.lessons.into_iter().enumerate().map(|(i, lesson)| {
                let status = if !lesson.published {
                    Key::AuthorStatusUnpublished
                } else if lesson.has_draft {
                    Key::AuthorStatusDraft
                } else {
                    Key::AuthorStatusPublished
                };
                let mover = |direction: &'static str, key: Key, disabled: bool| {
                    let title = lesson.title.clone();
                    view! {
                        <form method="post" action="/api/move_lesson" class="inline-form">
                            <input type="hidden" name="course" value=slug.clone() />
                            <input type="hidden" name="lesson" value=lesson.slug.clone() />
                            <input type="hidden" name="direction" value=direction />
                            <button type="submit" class="button button--small" disabled=disabled>
                                {tf(key, vec![("title", title)])}
                            </button>
                        </form>
                    }
                };
                view! {
                    <li id=format!("lesson-{}", lesson.slug)>
                        <a href=format!("/author/courses/{slug}/{}", lesson.slug)>{lesson.title.clone()}</a>
                        " "
                        <span class="muted">"(" {t(status)} ")"</span>
                        <div class="outline-actions">
                            {mover("up", Key::AuthorMoveUp, i == 0)}
                            {mover("down", Key::AuthorMoveDown, i + 1 == count)}
                        </div>
                    </li>
                }
            }).collect_view()}
        </ol>
        <p><a href=format!("/author/badges/{slug}")>{t(Key::AuthorBadgesLink)}</a></p>
        <CourseFeedback notes=feedback />
        <h2 id="new-lesson">{t(Key::AuthorNewLesson)}</h2>
        {failed.then(|| view! { <p class="notice" role="alert">{t(Key::AuthorCreateError)}</p> })}
        <form method="post" action="/api/create_lesson" class="stack" aria-labelledby="new-lesson">
            <input type="hidden" name="course" value=slug.clone() />
            <label for="new-title">{t(Key::AuthorTitleLabel)}</label>
            <input type="text" id="new-title" name="title" value=typed_title required maxlength="300" />
            <label for="new-slug">{t(Key::AuthorSlugLabel)}</label>
            <p id="new-slug-help" class="muted">{t(Key::AuthorSlugHelp)}</p>
            <input type="text" id="new-slug" name="slug" value=typed_slug required maxlength="100"
                pattern="[a-z0-9]+(-[a-z0-9]+)*" aria-describedby="new-slug-help" autocomplete="off" />
            <button type="submit" class="button">{t(Key::AuthorCreate)}</button>
        </form>
    }
}

/// Learners' feedback on the course's lessons, newest first.
#[component]
fn CourseFeedback(notes: FeedbackResource) -> impl IntoView {
    view! {
        <h2 id="feedback-title">{t(Key::AuthorFeedbackHeading)}</h2>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match notes.await {
                    Ok(list) if !list.is_empty() => view! {
                        <ul class="feedback-list" aria-labelledby="feedback-title">
                            {list.into_iter().map(|n| view! {
                                <li>
                                    <p class="comment__meta"><strong>{n.lesson_title}</strong> " · " {n.author} " · " {crate::i18n::lt(n.created_at)}</p>
                                    <p class="comment__body">{n.body}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    _ => view! { <p>{t(Key::AuthorNoFeedback)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
