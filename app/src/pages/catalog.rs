//! `/`: the course catalog.

use leptos::prelude::*;

use super::{content_lang, level_key};
use crate::api::CourseCard;
use crate::api::courses::get_catalog;
use crate::components::loaded::loaded;
use crate::components::notice::PageTitle;
use crate::i18n::{Key, t, tf, use_locale};

/// Every course, with its summary and facts.
#[component]
pub fn CatalogPage() -> impl IntoView {
    let locale = use_locale();
    let courses = Resource::new(move || locale.get(), get_catalog);
    view! {
        <PageTitle key=Key::CatalogHeading />
        <h1>{t(Key::CatalogHeading)}</h1>
        <p class="lead">{t(Key::CatalogIntro)}</p>
        {loaded(courses, |list: Vec<CourseCard>| {
            if list.is_empty() {
                view! { <p>{t(Key::CatalogEmpty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="course-list">
                        {list.into_iter().map(|card| view! { <li><CourseSummary card /></li> }).collect_view()}
                    </ul>
                }
                .into_any()
            }
        })}
    }
}

/// A course card: title (a link), summary and facts.
#[component]
fn CourseSummary(card: CourseCard) -> impl IntoView {
    let locale = use_locale();
    let href = format!("/courses/{}", card.slug);
    let lang = move || content_lang(card.language, locale.get());
    let hours = card.hours.to_string();
    let lessons = card.lesson_count.to_string();
    view! {
        <article class="course-card">
            <h2 lang=lang>
                <a href=href>{card.title}</a>
            </h2>
            <p lang=lang>{card.summary}</p>
            <ul class="facts" aria-label=t(Key::CourseFactsLabel)>
                <li>{t(level_key(&card.level))}</li>
                <li>{tf(Key::CourseHours, vec![("hours", hours)])}</li>
                <li>{tf(Key::CourseLessonCount, vec![("count", lessons)])}</li>
            </ul>
        </article>
    }
}
