//! `/courses/:course`: one course and its lessons.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{content_lang, level_key};
use crate::api::CourseDetail;
use crate::api::courses::get_course;
use crate::components::loaded::loaded;
use crate::i18n::{Key, t, tf, use_locale};

/// The course page.
#[component]
pub fn CoursePage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let course = Resource::new(
        move || {
            (
                params.read().get("course").unwrap_or_default(),
                locale.get(),
            )
        },
        |(slug, locale)| get_course(slug, locale),
    );
    loaded(course, |detail| view! { <CourseView detail /> })
}

#[component]
fn CourseView(detail: CourseDetail) -> impl IntoView {
    let locale = use_locale();
    let CourseDetail { course, lessons } = detail;
    let lang = move || content_lang(course.language, locale.get());
    let start = lessons
        .first()
        .map(|l| format!("/courses/{}/{}", course.slug, l.slug));
    let hours = course.hours.to_string();
    let count = course.lesson_count.to_string();
    let slug = course.slug.clone();
    view! {
        <Title text=course.title.clone() />
        <nav class="breadcrumb" aria-label=t(Key::BreadcrumbLabel)>
            <ol>
                <li><a href="/">{t(Key::NavCourses)}</a></li>
                <li><a href=format!("/courses/{slug}") aria-current="page" lang=lang>{course.title.clone()}</a></li>
            </ol>
        </nav>
        <h1 lang=lang>{course.title}</h1>
        <p class="lead" lang=lang>{course.summary}</p>
        <ul class="facts" aria-label=t(Key::CourseFactsLabel)>
            <li>{t(level_key(&course.level))}</li>
            <li>{tf(Key::CourseHours, vec![("hours", hours)])}</li>
            <li>{tf(Key::CourseLessonCount, vec![("count", count)])}</li>
        </ul>
        {start.map(|href| view! { <p><a class="button" href=href>{t(Key::CourseStart)}</a></p> })}
        <h2>{t(Key::CourseLessonsHeading)}</h2>
        <ol class="lesson-list">
            {lessons
                .into_iter()
                .map(|lesson| {
                    let minutes = lesson.minutes.to_string();
                    view! {
                        <li>
                            <a href=format!("/courses/{slug}/{}", lesson.slug)>{lesson.title}</a>
                            " "
                            <span class="muted">
                                {tf(Key::LessonMinutes, vec![("minutes", minutes)])}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
