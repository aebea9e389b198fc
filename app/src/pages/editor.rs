//! `/author/courses/:course/:lesson?lang=xx`: the lesson editor. The form
//! posts (saves a draft or publishes) and works without JavaScript; the
//! preview below it is rendered by the server with the import pipeline,
//! and, hydrated, follows the text as the author types.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::authoring::{Editing, PreviewResult, get_editing, preview_lesson};
use crate::api::{BodyPart, QuizKind, QuizView};
use crate::components::code_exercise::CodeExercise;
use crate::components::loaded::loaded;
use crate::components::quiz::Quiz;
use crate::i18n::{IslandTexts, Key, Locale, Texts, t, tf, use_locale};

/// The editor page.
#[component]
pub fn EditorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let locale = use_locale();
    let key = move || {
        let p = params.read();
        let lang = query
            .read()
            .get("lang")
            .unwrap_or_else(|| locale.get_untracked().code().to_owned());
        (
            p.get("course").unwrap_or_default(),
            p.get("lesson").unwrap_or_default(),
            lang,
        )
    };
    let editing = Resource::new(key, |(course, lesson, lang)| {
        get_editing(course, lesson, lang)
    });
    loaded(editing, move |editing| {
        let (course, lesson, lang) = key();
        view! { <EditorView editing course lesson lang /> }
    })
}

#[component]
fn EditorView(editing: Editing, course: String, lesson: String, lang: String) -> impl IntoView {
    let query = use_query_map();
    let saved = query.read_untracked().get("saved");
    let notice = saved.as_deref().map(|s| match s {
        "published" => Key::AuthorSavedPublished,
        "restored" => Key::AuthorSavedRestored,
        _ => Key::AuthorSavedDraft,
    });
    let title = if editing.preview.title.is_empty() {
        lesson.clone()
    } else {
        editing.preview.title.clone()
    };
    let base = format!("/author/courses/{course}/{lesson}");
    view! {
        <leptos_meta::Title text=title.clone() />
        <nav class="breadcrumb" aria-label=t(Key::BreadcrumbLabel)>
            <ol>
                <li><a href="/author">{t(Key::AuthorHeading)}</a></li>
                <li><a href=format!("/author/courses/{course}")>{course.clone()}</a></li>
                <li><a href=format!("{base}?lang={lang}") aria-current="page">{title.clone()}</a></li>
            </ol>
        </nav>
        <h1>{t(Key::AuthorEditing)} ": " {title.clone()}</h1>
        {notice.map(|key| view! { <p class="notice" role="status">{t(key)}</p> })}
        <nav aria-label=t(Key::AuthorLanguageVersions) class="language-versions">
            <ul>
                {Locale::ALL.iter().map(|l| {
                    let current = (l.code() == lang).then_some("page");
                    view! { <li><a href=format!("{base}?lang={}", l.code()) aria-current=current lang=l.code()>{l.endonym()}</a></li> }
                }).collect_view()}
            </ul>
        </nav>
        <LessonEditor
            texts=IslandTexts::all()
            course=course.clone()
            lesson=lesson.clone()
            lang=lang.clone()
            text=editing.text.clone()
            initial=editing.preview.clone()
        />
        <section class="history" aria-labelledby="history-title">
            <h2 id="history-title">{t(Key::AuthorHistory)}</h2>
            <ol class="history-list">
                {editing.history.into_iter().map(|r| {
                    let n = r.number.to_string();
                    view! {
                        <li>
                            <strong>{tf(Key::AuthorRevision, vec![("n", n.clone())])}</strong>
                            " · " {crate::i18n::lt(r.created_at)} " · "
                            {t(if r.published { Key::AuthorStatusPublished } else { Key::AuthorStatusDraft })}
                            " · "
                            {t(if r.imported { Key::AuthorOriginImport } else { Key::AuthorOriginEditor })}
                            " · " <span lang=lang.clone()>{r.title}</span>
                            {r.current.then(|| view! { " · " <em>{t(Key::AuthorCurrent)}</em> })}
                            <form method="post" action="/api/restore_revision" class="inline-form">
                                <input type="hidden" name="course" value=course.clone() />
                                <input type="hidden" name="lesson" value=lesson.clone() />
                                <input type="hidden" name="lang" value=lang.clone() />
                                <input type="hidden" name="number" value=n.clone() />
                                <button type="submit" class="button button--small">{tf(Key::AuthorRestore, vec![("n", n)])}</button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// The text and its preview (an island, its code loaded only on this
/// page): hydrated, the preview follows typing; without JavaScript it shows
/// the text as saved.
#[island(lazy)]
fn LessonEditor(
    texts: IslandTexts,
    course: String,
    lesson: String,
    lang: String,
    text: String,
    initial: PreviewResult,
) -> impl IntoView {
    texts.provide();
    let live = live_preview(course.clone(), lesson.clone(), lang.clone());
    view! {
        <form method="post" action="/api/save_lesson" class="editor">
            <input type="hidden" name="course" value=course />
            <input type="hidden" name="lesson" value=lesson />
            <input type="hidden" name="lang" value=lang.clone() />
            <label for="lesson-text">{t(Key::AuthorTextLabel)}</label>
            <p id="lesson-text-help" class="muted">{t(Key::AuthorTextHelp)}</p>
            <textarea id="lesson-text" name="text" rows="22" spellcheck="true" lang=lang.clone()
                aria-describedby="lesson-text-help"
                on:input=move |ev| live.typed(event_target_value(&ev))>
                {text}
            </textarea>
            <div class="editor-actions">
                <button type="submit" name="intent" value="draft" class="button button--quiet">{t(Key::AuthorSaveDraft)}</button>
                <button type="submit" name="intent" value="publish" class="button">{t(Key::AuthorPublish)}</button>
            </div>
        </form>
        <section class="preview" aria-labelledby="preview-title">
            <h2 id="preview-title">{t(Key::AuthorPreview)}</h2>
            {move || {
                let shown = live.result.get().unwrap_or_else(|| initial.clone());
                view! { <PreviewView preview=shown lang=lang.clone() /> }
            }}
        </section>
    }
}

#[component]
fn PreviewView(preview: PreviewResult, lang: String) -> impl IntoView {
    view! {
        <div role="status" aria-live="polite" class="preview-problems">
            {if preview.problems.is_empty() {
                view! { <p>{t(Key::AuthorNoProblems)}</p> }.into_any()
            } else {
                view! {
                    <h3>{t(Key::AuthorProblems)}</h3>
                    <ul>{preview.problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                }
                .into_any()
            }}
        </div>
        <section class="preview-advice" aria-labelledby="plain-language">
            <h3 id="plain-language">{t(Key::AuthorPlainLanguage)}</h3>
            {preview.readability.map(|lix| view! {
                <p>{tf(Key::AuthorReadability, vec![("lix", lix.to_string())])}</p>
            })}
            {if preview.advice.is_empty() {
                view! { <p>{t(Key::AuthorNoAdvice)}</p> }.into_any()
            } else {
                view! {
                    <ul>{preview.advice.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul>
                }
                .into_any()
            }}
        </section>
        <div class="lesson-body" lang=lang>
            {preview.body.into_iter().map(|part| match part {
                BodyPart::Html(html) => view! { <div inner_html=html></div> }.into_any(),
                BodyPart::Quiz(n) => match preview.quizzes.get(n) {
                    Some(quiz) => view! { <ExercisePreview index=n quiz=quiz.clone() /> }.into_any(),
                    None => view! {
                        <p class="quiz-placeholder">{t(Key::AuthorQuizPreview)} " " {(n + 1).to_string()}</p>
                    }.into_any(),
                },
            }).collect_view()}
        </div>
    }
}

/// A quiz or exercise drawn as a learner sees it, its controls disabled
/// (a disabled fieldset: nothing is answered or sent from the editor, and
/// a screen reader still reads every part).
#[component]
fn ExercisePreview(index: usize, quiz: QuizView) -> impl IntoView {
    let part = if quiz.kind == QuizKind::Python {
        view! {
            <CodeExercise index quiz action=String::new() submission=None signed_in=true who=None not_checked=None />
        }
        .into_any()
    } else {
        view! { <Quiz index quiz action=String::new() verdict=None /> }.into_any()
    };
    view! {
        <fieldset class="exercise-preview" disabled="">
            <legend class="visually-hidden">{tf(Key::AuthorExercisePreview, vec![("n", (index + 1).to_string())])}</legend>
            {part}
        </fieldset>
    }
}

/// The preview that follows typing (hydrated only): the text is sent to
/// the server 400 ms after the last key press.
#[derive(Clone, Copy)]
struct LivePreview {
    key: StoredValue<(String, String, String)>,
    version: RwSignal<u64>,
    result: RwSignal<Option<PreviewResult>>,
}

impl LivePreview {
    fn typed(self, text: String) {
        let version = self.version.get_untracked() + 1;
        self.version.set(version);
        set_timeout(
            move || {
                if self.version.get_untracked() == version {
                    self.fire(text);
                }
            },
            Duration::from_millis(400),
        );
    }

    fn fire(self, text: String) {
        let (course, lesson, lang) = self.key.get_value();
        let result = self.result;
        leptos::task::spawn_local(async move {
            if let Ok(p) = preview_lesson(course, lesson, lang, text).await {
                result.set(Some(p));
            }
        });
    }
}

fn live_preview(course: String, lesson: String, lang: String) -> LivePreview {
    LivePreview {
        key: StoredValue::new((course, lesson, lang)),
        version: RwSignal::new(0),
        result: RwSignal::new(None),
    }
}
