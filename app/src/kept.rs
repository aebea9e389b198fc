//! Lesson pages kept for every signed-in reader: rendered once per lesson,
//! interface language, reading settings and content generation, with holes
//! where a reader's own parts go ([`crate::components::hole`]); each answer
//! fills them with this reader's parts, rendered by the same components as
//! a whole page renders them, from what `polku_core::readers` keeps in
//! memory (her unread counts, her standing in the lesson, its comments).
//! A signed-in lesson page then costs no render of the page, and no query
//! while nothing she sees has changed (but the view noted, at most every
//! `VIEW_WRITE_INTERVAL_SECONDS`).
//!
//! Kept only for lesson pages without a program to write (an exercise
//! shows her own last program: such pages are rendered whole), and only
//! when `polku_web::pages` would keep the page at all (no query
//! but `?lang=`, no cookie but language, reading settings and session):
//! `polku_web::pages::serve`, the first layer of the stack this one ends,
//! leaves that key in the request.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use polku_core::accounts::Actor;
use polku_web::pages::Key;
use polku_web::{AppState, WebError};

use crate::api::{LessonLearner, QuizKind};
use crate::components::hole::{ReaderHoles, WHO_HOLE, WhoField};
use crate::components::layout::{NAV_HOLE, UserLinks};
use crate::i18n::{I18n, Locale};
use crate::pages::discussion::{DISCUSSION_HOLE, DiscussionView, Typed};
use crate::pages::lesson::{LessonStatus, STATUS_HOLE};

/// The course and lesson slugs of a lesson page's path.
fn lesson_of(path: &str) -> Option<(&str, &str)> {
    let (course, lesson) = path.strip_prefix("/courses/")?.split_once('/')?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    (plain(course) && plain(lesson)).then_some((course, lesson))
}

/// The middleware (after `polku_web::session::resolve` and the anonymous
/// pages' `polku_web::pages::serve`).
pub async fn serve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    // Worked out by `polku_web::pages::serve`, for a signed-in reader only.
    let Some(key) = request.extensions_mut().remove::<Key>() else {
        return next.run(request).await;
    };
    let actor = polku_web::session::from_extensions(request.extensions()).actor;
    let path = request.uri().path().to_owned();
    let (Some(actor), Some((course, lesson)), Some(locale)) =
        (actor, lesson_of(&path), Locale::from_code(key.locale))
    else {
        return next.run(request).await;
    };
    let generation = state.content.generation();
    let kept = match state.pages.get(&key, generation) {
        Some(kept) => kept,
        None => {
            if !with_holes(&state, course, lesson, locale).await {
                return next.run(request).await;
            }
            let (parts, body) = request.into_parts();
            let mut template = Request::from_parts(parts.clone(), body);
            template.extensions_mut().insert(ReaderHoles);
            match state
                .pages
                .keep(key, generation, next.clone().run(template).await)
                .await
            {
                (_, Some(kept)) => kept,
                // Not a page that can be kept after all (it went while
                // being rendered): rendered again, whole.
                (_, None) => {
                    return next
                        .run(Request::from_parts(parts, axum::body::Body::empty()))
                        .await;
                }
            }
        }
    };
    let own = match own_parts(&state, &actor, course, lesson, locale).await {
        Ok(own) => own,
        Err(err) => return WebError::from(err).into_response(),
    };
    kept.answer(|hole| own.get(hole)).unwrap_or_else(|| {
        // Only this module's holes are ever made: a hole nothing fills is
        // a mistake in the code, said loudly.
        let err = polku_core::CoreError::Internal(format!(
            "a kept page of {path} has a hole no part fills"
        ));
        WebError::from(err).into_response()
    })
}

/// Whether the lesson can be kept with holes: it is there and has no
/// program to write.
async fn with_holes(state: &AppState, course: &str, lesson: &str, locale: Locale) -> bool {
    state
        .content
        .lesson(&state.db, course, lesson, locale)
        .await
        .is_ok_and(|page| !page.quizzes.iter().any(|q| q.kind == QuizKind::Python))
}

/// A reader's own parts of a lesson page, rendered.
struct Own {
    nav: String,
    status: String,
    who: String,
    discussion: String,
}

impl Own {
    fn get(&self, hole: &str) -> Option<&str> {
        Some(match hole {
            NAV_HOLE => &self.nav,
            STATUS_HOLE => &self.status,
            WHO_HOLE => &self.who,
            DISCUSSION_HOLE => &self.discussion,
            _ => return None,
        })
    }
}

/// Reads and renders `actor`'s parts of the lesson page: her links and
/// counts, her standing in the lesson (noting the view, as a whole page's
/// render does), the discussion as she sees it.
async fn own_parts(
    state: &AppState,
    actor: &Actor,
    course: &str,
    lesson: &str,
    locale: Locale,
) -> Result<Own, polku_core::CoreError> {
    let db = &state.db;
    let (course_id, lesson_id) = state.content.locate(db, course, lesson).await?;
    let learner: LessonLearner = state
        .readers
        .record_view(db, actor, course_id, lesson_id)
        .await?;
    let me = crate::api::accounts::me_of(state, actor).await?;
    let discussion = crate::api::discussion::discussion_of(state, actor, lesson_id).await?;
    let (course, lesson) = (course.to_owned(), lesson.to_owned());
    let owner = Owner::new();
    Ok(owner.with(|| {
        provide_context(I18n(RwSignal::new(locale)));
        Own {
            nav: view! { <UserLinks me=Some(me) /> }.to_html(),
            status: view! {
                <LessonStatus course=course.clone() lesson=lesson.clone() learner=Some(learner) />
            }
            .to_html(),
            who: view! { <WhoField who=actor.id() /> }.to_html(),
            discussion: view! {
                <DiscussionView course lesson discussion typed=Typed::default() />
            }
            .to_html(),
        }
    }))
}
