//! Under a lesson: the discussion (signed-in people read and write; staff
//! hide comments) and the "send feedback to the instructor" form. Comment
//! text is shown as text, never as HTML.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::AppError;
use crate::api::discussion::{Discussion, get_discussion};
use crate::components::notice::Refusal;
use crate::i18n::{Key, t};

/// The discussion of the lesson in the route (created with the page's
/// other resources, before anything is awaited, so that server and browser
/// number the resources alike).
pub fn discussion_resource() -> Resource<Result<Option<Discussion>, AppError>> {
    let params = leptos_router::hooks::use_params_map();
    Resource::new(
        move || {
            let p = params.read();
            (
                p.get("course").unwrap_or_default(),
                p.get("lesson").unwrap_or_default(),
            )
        },
        |(c, l)| get_discussion(c, l),
    )
}

/// The hole [`LessonDiscussion`] leaves in a lesson page kept for every
/// signed-in reader.
pub const DISCUSSION_HOLE: &str = "discussion";

/// What the reader typed into a form under the lesson that was refused or
/// sent, as the server gave it back in the page's query.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    /// Her comment (`?comment=`).
    pub comment: String,
    /// Why it was refused (`?comment_error=`).
    pub comment_error: Option<String>,
    /// Her feedback (`?feedback_text=`).
    pub feedback: String,
    /// Why it was refused (`?feedback_error=`).
    pub feedback_error: Option<String>,
    /// Her feedback was sent (`?feedback`).
    pub feedback_sent: bool,
}

/// The discussion and feedback of one lesson.
#[component]
pub fn LessonDiscussion(
    course: String,
    lesson: String,
    discussion: Resource<Result<Option<Discussion>, AppError>>,
) -> impl IntoView {
    let q = use_query_map().read_untracked();
    let error = |key: &str| q.get(key).filter(|code| !code.is_empty());
    let typed = Typed {
        comment: q.get("comment").unwrap_or_default(),
        comment_error: error("comment_error"),
        feedback: q.get("feedback_text").unwrap_or_default(),
        feedback_error: error("feedback_error"),
        feedback_sent: q.get("feedback").is_some(),
    };
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (course, lesson, typed) = (course.clone(), lesson.clone(), typed.clone());
                Suspend::new(async move {
                    let Ok(Some(discussion)) = discussion.await else { return ().into_any() };
                    view! { <DiscussionView course lesson discussion typed /> }.into_any()
                })
            }}
        </Suspense>
    }
}

/// [`LessonDiscussion`] once its comments are there.
#[component]
pub fn DiscussionView(
    course: String,
    lesson: String,
    discussion: Discussion,
    typed: Typed,
) -> impl IntoView {
    let moderator = discussion.moderator;
    let comments = discussion.comments;
    view! {
        <section class="discussion" id="discussion" aria-labelledby="discussion-title">
            <h2 id="discussion-title">{t(Key::DiscussionHeading)}</h2>
            {if comments.is_empty() {
                view! { <p>{t(Key::DiscussionEmpty)}</p> }.into_any()
            } else {
                view! {
                    <ol class="comments">
                        {comments.into_iter().map(|c| {
                            let (course, lesson) = (course.clone(), lesson.clone());
                            view! {
                                <li id=format!("comment-{}", c.id) class=c.hidden.then_some("comment--hidden")>
                                    <p class="comment__meta"><strong>{c.author}</strong> " · " {crate::i18n::lt(c.created_at)}
                                        {c.hidden.then(|| view! { " · " {t(Key::DiscussionHiddenMark)} })}
                                    </p>
                                    <p class="comment__body">{c.body}</p>
                                    {moderator.then(|| view! {
                                        <form method="post" action="/api/hide_comment">
                                            <input type="hidden" name="course" value=course />
                                            <input type="hidden" name="lesson" value=lesson />
                                            <input type="hidden" name="id" value=c.id.to_string() />
                                            <input type="hidden" name="hidden" value=(!c.hidden).to_string() />
                                            <button type="submit" class="button button--small button--quiet">
                                                {t(if c.hidden { Key::DiscussionShow } else { Key::DiscussionHide })}
                                            </button>
                                        </form>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {typed.comment_error.map(|code| view! { <Refusal code /> })}
            <form method="post" action="/api/post_comment" class="stack">
                <input type="hidden" name="course" value=course.clone() />
                <input type="hidden" name="lesson" value=lesson.clone() />
                <label for="comment-body">{t(Key::DiscussionYourComment)}</label>
                <textarea id="comment-body" name="body" rows="3" maxlength="2000" required>{typed.comment}</textarea>
                <button type="submit" class="button">{t(Key::DiscussionPost)}</button>
            </form>
        </section>
        <section class="feedback" id="feedback" aria-labelledby="feedback-title">
            <h2 id="feedback-title">{t(Key::FeedbackHeading)}</h2>
            <p>{t(Key::FeedbackIntro)}</p>
            {typed.feedback_sent.then(|| view! { <p class="notice" role="status">{t(Key::FeedbackSent)}</p> })}
            {typed.feedback_error.map(|code| view! { <Refusal code /> })}
            <form method="post" action="/api/send_feedback" class="stack">
                <input type="hidden" name="course" value=course />
                <input type="hidden" name="lesson" value=lesson />
                <label for="feedback-body">{t(Key::FeedbackYourMessage)}</label>
                <textarea id="feedback-body" name="body" rows="3" maxlength="2000" required>{typed.feedback}</textarea>
                <button type="submit" class="button">{t(Key::FeedbackSend)}</button>
            </form>
        </section>
    }
}
