//! `/courses/:course/:lesson`: one lesson with previous/next navigation.

use leptos::prelude::*;
use leptos::server::codee::string::JsonSerdeCodec;
use leptos::server::codee::{Decoder, Encoder};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::content_lang;
use crate::api::courses::get_lesson;
use crate::api::{BodyPart, LessonLearner, LessonLink, LessonPage as Lesson, QuizAnswer, QuizKind};
use crate::components::code_exercise::{CodeExercise, NotChecked};
use crate::components::hole::{Hole, WhoField, holes_on};
use crate::components::loaded::loaded;
use crate::components::quiz::Quiz;
use crate::components::read_aloud::{READ_ALOUD_TEXTS, ReadAloud};
use crate::i18n::IslandTexts;
use crate::i18n::{Key, Texts, t, tf, use_locale};
use crate::pages::auth::urlencode;
use crate::pages::discussion::{DISCUSSION_HOLE, LessonDiscussion, discussion_resource};

/// The lesson page.
#[component]
pub fn LessonPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let lesson = Resource::<_, WithoutBodyHtml>::new_with_options(
        move || {
            let p = params.read();
            // `?lang=sv` shows that language's text (search results link to
            // the text that matched); else the reader's language.
            let language = query
                .read()
                .get("lang")
                .and_then(|code| crate::i18n::Locale::from_code(&code))
                .unwrap_or_else(|| locale.get());
            (
                p.get("course").unwrap_or_default(),
                p.get("lesson").unwrap_or_default(),
                language,
                answer_from_query(&query.read()),
            )
        },
        |(course, lesson, locale, answer)| get_lesson(course, lesson, locale, answer),
        false,
    );
    let discussion = discussion_resource();
    loaded(
        lesson,
        move |lesson| view! { <LessonView lesson discussion /> },
    )
}

/// How the lesson rendered on the server reaches the hydrating browser:
/// as JSON without the HTML of its body, which the page already carries
/// once (hydration keeps an element's server-rendered inner HTML; a lesson
/// loaded later, by navigation or a language switch, comes whole from
/// `get_lesson`). Halves the bytes of a lesson page's hydration data.
struct WithoutBodyHtml;

type LessonResult = Result<Lesson, crate::api::AppError>;

impl Encoder<LessonResult> for WithoutBodyHtml {
    type Error = <JsonSerdeCodec as Encoder<LessonResult>>::Error;
    type Encoded = String;

    fn encode(value: &LessonResult) -> Result<String, Self::Error> {
        let Ok(lesson) = value else {
            return JsonSerdeCodec::encode(value);
        };
        let mut shell = lesson.clone();
        for part in &mut shell.body {
            if let BodyPart::Html(html) = part {
                html.clear();
            }
        }
        JsonSerdeCodec::encode(&Ok::<_, crate::api::AppError>(shell))
    }
}

impl Decoder<LessonResult> for WithoutBodyHtml {
    type Error = <JsonSerdeCodec as Decoder<LessonResult>>::Error;
    type Encoded = str;

    fn decode(encoded: &str) -> Result<LessonResult, Self::Error> {
        JsonSerdeCodec::decode(encoded)
    }
}

#[component]
fn LessonView(
    lesson: Lesson,
    discussion: Resource<Result<Option<crate::api::discussion::Discussion>, crate::api::AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let content_language = lesson.language;
    let lang = move || content_lang(content_language, locale.get());
    let course_href = format!("/courses/{}", lesson.course_slug);
    let link = |l: &LessonLink| format!("/courses/{}/{}", lesson.course_slug, l.slug);
    let (n, total, minutes) = (
        lesson.position.to_string(),
        lesson.total.to_string(),
        lesson.minutes.to_string(),
    );
    let previous = lesson.previous.as_ref().map(|l| (link(l), l.title.clone()));
    let next = lesson.next.as_ref().map(|l| (link(l), l.title.clone()));
    let objectives = lesson.objectives.clone();
    let action = link_to_self(&lesson);
    let signed_in = lesson.learner.is_some();
    let who = lesson.learner.map(|l| l.who);
    let body = lesson
        .body
        .iter()
        .map(|part| match part {
            BodyPart::Html(html) => view! { <div data-say="flow" inner_html=html.clone()></div> }.into_any(),
            BodyPart::Quiz(n) => match lesson.quizzes.get(*n) {
                Some(quiz) if quiz.kind == QuizKind::Python => {
                    let submission = lesson.code.iter().find(|s| s.index == *n).cloned();
                    let not_checked = not_checked(*n);
                    view! {
                        <CodeExercise index=*n quiz=quiz.clone() action=action.clone() submission signed_in who not_checked />
                    }
                    .into_any()
                }
                Some(quiz) => {
                    let verdict = lesson.verdict.clone().filter(|(a, _)| a.index == *n);
                    view! { <Quiz index=*n quiz=quiz.clone() action=action.clone() verdict record=signed_in who /> }
                        .into_any()
                }
                None => ().into_any(),
            },
        })
        .collect_view();
    let module = lesson.module_title.clone();
    let audio = lesson.audio.clone();
    let (course_slug, lesson_slug) = (lesson.course_slug.clone(), lesson.slug.clone());
    view! {
        <Title text=lesson.title.clone() />
        <nav class="breadcrumb" aria-label=t(Key::BreadcrumbLabel)>
            <ol>
                <li><a href="/">{t(Key::NavCourses)}</a></li>
                <li><a href=course_href.clone()>{lesson.course_title.clone()}</a></li>
                <li><a href=link_to_self(&lesson) aria-current="page" lang=lang>{lesson.title.clone()}</a></li>
            </ol>
        </nav>
        <article class="lesson" aria-labelledby="lesson-title">
            {module.map(|m| view! { <p class="lesson-module" lang=lang>{m}</p> })}
            <p class="lesson-meta">
                {tf(Key::LessonPosition, vec![("n", n), ("total", total)])}
                " · "
                {tf(Key::LessonMinutes, vec![("minutes", minutes)])}
            </p>
            <h1 id="lesson-title" lang=lang data-say="block">{lesson.title.clone()}</h1>
            {move || {
                (content_language != locale.get()).then(|| {
                    let name = content_language.endonym().to_owned();
                    view! {
                        <p class="notice">
                            {tf(Key::LessonOtherLanguage, vec![("language", name)])}
                        </p>
                    }
                })
            }}
            {(!objectives.is_empty()).then(|| view! {
                <section class="objectives" aria-labelledby="objectives-title">
                    <h2 id="objectives-title">{t(Key::LessonObjectives)}</h2>
                    <ul lang=lang data-say="flow">{objectives.into_iter().map(|o| view! { <li>{o}</li> }).collect_view()}</ul>
                </section>
            })}
            {audio.map(|audio| view! { <ReadAloud texts=IslandTexts::of(READ_ALOUD_TEXTS) audio course=course_slug.clone() lesson=lesson_slug.clone() language=content_language /> })}
            <div class="lesson-body" lang=lang>{body}</div>
        </article>
        {if holes_on() {
            view! { <Hole name=STATUS_HOLE /> <Hole name=DISCUSSION_HOLE /> }.into_any()
        } else {
            view! {
                <LessonStatus course=lesson.course_slug.clone() lesson=lesson.slug.clone() learner=lesson.learner earned=earned_from_query() />
                <LessonDiscussion course=lesson.course_slug.clone() lesson=lesson.slug.clone() discussion />
            }
            .into_any()
        }}
        <nav class="pager" aria-label=t(Key::LessonNavLabel)>
            {previous.map(|(href, title)| view! {
                <a class="pager__prev" rel="prev" href=href>
                    <span class="pager__dir">{t(Key::LessonPrevious)}</span>
                    <span class="pager__title">{title}</span>
                </a>
            })}
            {next.map(|(href, title)| view! {
                <a class="pager__next" rel="next" href=href>
                    <span class="pager__dir">{t(Key::LessonNext)}</span>
                    <span class="pager__title">{title}</span>
                </a>
            })}
        </nav>
    }
}

/// "Mark as done" for a signed-in learner, else an invitation to sign in.
#[component]
pub fn LessonStatus(
    /// The course's slug.
    course: String,
    /// The lesson's slug.
    lesson: String,
    /// The reader's standing in it (`None`: signed out).
    learner: Option<LessonLearner>,
    /// A badge that marking this lesson done just earned (its id).
    #[prop(default = None)]
    earned: Option<i32>,
) -> impl IntoView {
    let here = format!("/courses/{course}/{lesson}");
    let body = match learner {
        None => view! {
            <p><a href=format!("/login?next={}", urlencode(&here))>{t(Key::LessonSignInPrompt)}</a></p>
        }
        .into_any(),
        Some(state) => view! {
            <p role="status">{t(if state.done { Key::LessonIsDone } else { Key::LessonNotDone })}</p>
            {earned.map(|id| view! {
                <p class="notice notice--success" role="status">
                    <strong>{t(Key::LessonBadgeEarned)}</strong> " "
                    <a href=format!("/badges#badge-{id}")>{t(Key::LessonBadgeSee)}</a>
                </p>
            })}
            <form method="post" action="/api/mark_done" data-offline-queue="">
                <input type="hidden" name="course" value=course />
                <input type="hidden" name="lesson" value=lesson />
                <input type="hidden" name="done" value=(!state.done).to_string() />
                <WhoField who=state.who />
                <button type="submit" class=if state.done { "button button--quiet" } else { "button" }>
                    {t(if state.done { Key::LessonMarkUndone } else { Key::LessonMarkDone })}
                </button>
            </form>
        }
        .into_any(),
    };
    view! {
        <section class="lesson-status" id="progress" aria-labelledby="lesson-status-title">
            <h2 id="lesson-status-title" class="visually-hidden">{t(Key::LessonProgressHeading)}</h2>
            {body}
        </section>
    }
}

/// The hole [`LessonStatus`] leaves in a lesson page kept for every
/// signed-in reader.
pub const STATUS_HOLE: &str = "status";

/// A badge that marking the lesson done just earned, as the server said in
/// the page's query (`?earned=id`).
fn earned_from_query() -> Option<i32> {
    leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("earned")
        .and_then(|id| id.parse::<i32>().ok())
}

/// Why program `n` was not checked, as the server said in the page's
/// query (`?checking=n`: hers was being checked; `?unchecked=n`: this site
/// checks none).
fn not_checked(n: usize) -> Option<NotChecked> {
    let query = leptos_router::hooks::use_query_map().read_untracked();
    let names = |key: &str| query.get(key).and_then(|v| v.parse::<usize>().ok()) == Some(n);
    if names("checking") {
        Some(NotChecked::Busy)
    } else if names("unchecked") {
        Some(NotChecked::Off)
    } else {
        None
    }
}

fn link_to_self(lesson: &Lesson) -> String {
    format!("/courses/{}/{}", lesson.course_slug, lesson.slug)
}

/// The quiz answer in the page's query (`?quiz=0&a=1&a=2`,
/// `?quiz=2&text=…` or a form exercise's `?quiz=3&t=…&t=…`), as a form
/// without JavaScript sends it.
fn answer_from_query(query: &leptos_router::params::ParamsMap) -> Option<QuizAnswer> {
    let index = query.get("quiz")?.parse().ok()?;
    let choices = query
        .get_all("a")
        .unwrap_or_default()
        .iter()
        .map(|a| crate::api::choice_value(a))
        .take(crate::api::MOST_CHOICES)
        .collect();
    Some(QuizAnswer {
        index,
        choices,
        text: query.get("text"),
        texts: query
            .get_all("t")
            .unwrap_or_default()
            .into_iter()
            .take(crate::api::MOST_CHOICES)
            .collect(),
    })
}
