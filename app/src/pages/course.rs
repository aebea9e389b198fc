//! `/courses/:course`: one course and its lessons.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{content_lang, level_key};
use crate::api::badges::{MyEvidence, get_my_evidence};
use crate::api::courses::get_course;
use crate::api::progress::{CourseProgressView, get_course_progress};
use crate::api::{CourseDetail, LessonLink};
use crate::components::loaded::loaded;
use crate::components::notice::rejection_key;
use crate::i18n::{Key, t, tf, use_locale};
use crate::pages::auth::urlencode;
use crate::pages::dashboard::{ProgressBar, Resume};

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
        |(slug, locale)| async move {
            let detail = get_course(slug.clone(), locale).await?;
            let progress = get_course_progress(slug.clone(), locale).await?;
            let evidence = if detail.badges.iter().any(|b| b.approval) {
                get_my_evidence(slug, locale).await?
            } else {
                None
            };
            Ok::<_, crate::api::AppError>((detail, progress, evidence))
        },
    );
    loaded(
        course,
        |(detail, progress, evidence)| view! { <CourseView detail progress evidence /> },
    )
}

#[component]
fn CourseView(
    detail: CourseDetail,
    progress: Option<CourseProgressView>,
    evidence: Option<Vec<MyEvidence>>,
) -> impl IntoView {
    let locale = use_locale();
    let CourseDetail {
        course,
        lessons,
        badges,
    } = detail;
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
        <section class="course-progress" id="progress" aria-labelledby="progress-title">
            <h2 id="progress-title">{t(Key::CourseProgressHeading)}</h2>
            {match progress.clone() {
                None => view! {
                    {start.map(|href| view! { <p><a class="button" href=href>{t(Key::CourseStart)}</a></p> })}
                    <p><a href=format!("/login?next={}", urlencode(&format!("/courses/{slug}")))>
                        {t(Key::CourseSignInToTrack)}
                    </a></p>
                }.into_any(),
                Some(p) if !p.enrolled => view! {
                    <form method="post" action="/api/enrol">
                        <input type="hidden" name="course" value=slug.clone() />
                        <button type="submit" class="button">{t(Key::CourseEnrol)}</button>
                    </form>
                }.into_any(),
                Some(p) => view! {
                    <p>{t(Key::CourseEnrolled)}</p>
                    <ProgressBar progress=p.clone() />
                    <Resume course=slug.clone() progress=p />
                }.into_any(),
            }}
        </section>
        <SaveOnDevice course=slug.clone() />
        <h2>{t(Key::CourseLessonsHeading)}</h2>
        {groups(lessons)
            .into_iter()
            .map(|(module, first, lessons)| {
                let slug = slug.clone();
                let done = progress.as_ref().map(|p| p.done.clone()).unwrap_or_default();
                view! {
                    {module.map(|m| view! { <h3 class="module-title" lang=lang>{m}</h3> })}
                    <ol class="lesson-list" start=first.to_string() lang=lang>
                        {lessons
                            .into_iter()
                            .map(|lesson| {
                                let minutes = lesson.minutes.to_string();
                                let is_done = done.contains(&lesson.slug);
                                view! {
                                    <li>
                                        <a href=format!("/courses/{slug}/{}", lesson.slug)>{lesson.title}</a>
                                        " "
                                        {is_done.then(|| view! { <span class="done-mark">"✓ " {t(Key::LessonDoneBadge)}</span> " " })}
                                        <span class="muted">
                                            {tf(Key::LessonMinutes, vec![("minutes", minutes)])}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
            })
            .collect_view()}
        {(!badges.is_empty()).then(|| view! {
            <section class="badges" aria-labelledby="badges-title">
                <h2 id="badges-title">{t(Key::CourseBadgesHeading)}</h2>
                <ul class="badge-list" lang=lang>
                    {badges.into_iter().map(|b| {
                        let approval = b.approval.then(|| view! {
                            <Evidence course=slug.clone() badge=b.slug.clone() name=b.name.clone() mine=evidence.clone() />
                        });
                        view! {
                            <li class="badge-card" id=format!("badge-{}", b.slug)>
                                <h3>{b.name}</h3>
                                <p>{b.description}</p>
                                {(!b.criteria.is_empty()).then(|| view! {
                                    <p><strong>{t(Key::BadgeCriteria)}</strong> " " {b.criteria}</p>
                                })}
                                {approval}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// "Save on this device": shown by `offline.js` where the browser can keep
/// a course (a service worker and its caches); hidden without JavaScript,
/// where it cannot work. The texts the script shows come with it.
#[component]
fn SaveOnDevice(course: String) -> impl IntoView {
    view! {
        <section
            class="offline-save"
            aria-labelledby="offline-title"
            hidden
            data-offline-course=course
            data-text-size=t(Key::OfflineSize)
            data-text-saved=t(Key::OfflineSaved)
            data-text-saving=t(Key::OfflineSaving)
            data-text-failed=t(Key::OfflineFailed)
            data-text-removed=t(Key::OfflineRemoved)
        >
            <h2 id="offline-title">{t(Key::OfflineTitle)}</h2>
            <p>{t(Key::OfflineIntro)}</p>
            <p data-status role="status"></p>
            <button type="button" class="button" data-save>{t(Key::OfflineSave)}</button>
            <button type="button" data-remove hidden>{t(Key::OfflineRemove)}</button>
        </section>
    }
}

/// A badge a coach approves: where the learner's evidence stands, and the
/// form to send it (what was typed comes back if it is refused).
#[component]
fn Evidence(
    course: String,
    badge: String,
    name: String,
    mine: Option<Vec<MyEvidence>>,
) -> impl IntoView {
    let Some(mine) = mine else {
        return view! { <p>{t(Key::EvidenceSignIn)}</p> }.into_any();
    };
    let q = leptos_router::hooks::use_query_map().read_untracked();
    let here = q.get("badge").as_deref() == Some(badge.as_str());
    let (text, link) = if here {
        (
            q.get("text").unwrap_or_default(),
            q.get("link").unwrap_or_default(),
        )
    } else {
        (String::new(), String::new())
    };
    let error = here.then(|| q.get("error")).flatten();
    let sent = q.get("sent").as_deref() == Some(badge.as_str());
    // The newest request tells where things stand; an approved badge that
    // was revoked since can be asked for again.
    let latest = mine
        .into_iter()
        .find(|e| e.badge == badge)
        .filter(|e| e.state != "approved" || e.held);
    let state = latest.as_ref().map(|e| e.state.clone()).unwrap_or_default();
    let status = latest.map(|e| {
        let key = match e.state.as_str() {
            "approved" => Key::EvidenceApproved,
            "declined" => Key::EvidenceDeclined,
            _ => Key::EvidencePending,
        };
        view! {
            <p class="notice" role=sent.then_some("status")>{tf(key, vec![("date", crate::i18n::local_time_now(&e.sent))])}</p>
            {e.note.map(|note| view! { <p><strong>{t(Key::EvidenceCoachNote)}</strong> " " {note}</p> })}
        }
    });
    let (text_id, link_id) = (
        format!("evidence-{badge}-text"),
        format!("evidence-{badge}-link"),
    );
    let form = (state != "pending" && state != "approved").then(|| view! {
        <form method="post" action="/api/send_evidence" class="stack form-narrow">
            <input type="hidden" name="course" value=course.clone() />
            <input type="hidden" name="badge" value=badge.clone() />
            {error.map(|code| view! { <p class="notice notice--error" role="alert">{t(rejection_key(&code))}</p> })}
            <label for=text_id.clone()>{t(Key::EvidenceText)}</label>
            <textarea id=text_id name="text" rows="4" required maxlength="2000">{text}</textarea>
            <label for=link_id.clone()>{t(Key::EvidenceLink)}</label>
            <input type="url" id=link_id name="link" maxlength="500" inputmode="url" value=link placeholder="https://" />
            <button type="submit" class="button">{tf(Key::EvidenceSend, vec![("name", name.clone())])}</button>
        </form>
    });
    view! { {status} {form} }.into_any()
}

/// Consecutive lessons of the same module, with the 1-based number of
/// the group's first lesson.
fn groups(lessons: Vec<LessonLink>) -> Vec<(Option<String>, usize, Vec<LessonLink>)> {
    let mut out: Vec<(Option<String>, usize, Vec<LessonLink>)> = Vec::new();
    for (i, lesson) in lessons.into_iter().enumerate() {
        match out.last_mut() {
            Some((module, _, list)) if *module == lesson.module_title => list.push(lesson),
            _ => out.push((lesson.module_title.clone(), i + 1, vec![lesson])),
        }
    }
    out
}
