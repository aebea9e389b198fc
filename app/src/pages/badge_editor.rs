//! `/author/badges/:course`: a course's badges for its author: the list,
//! and one badge's form (`?badge=slug`; without it, a new badge): texts
//! per language, the rule (lessons, quiz score, a coach's approval) and the
//! validity period. A refused form comes back with what was typed and
//! every problem.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::authoring::{BadgeDraft, BadgeEditorView, get_badge_editor};
use crate::components::loaded::loaded;
use crate::i18n::{Key, Locale, t, tf, use_locale};

/// The page.
#[component]
pub fn BadgeEditorPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let editor = Resource::new(
        move || {
            (
                params.read().get("course").unwrap_or_default(),
                query.read().get("badge").unwrap_or_default(),
                locale.get(),
            )
        },
        |(course, badge, locale)| get_badge_editor(course, badge, locale),
    );
    loaded(editor, |view| view! { <Editor view /> })
}

/// The draft with what the refused form sent laid over it.
fn typed(mut draft: BadgeDraft) -> (BadgeDraft, Vec<String>) {
    let q = use_query_map().read_untracked();
    if q.get("typed").is_none() {
        return (draft, Vec::new());
    }
    let get = |k: &str| q.get(k).unwrap_or_default();
    draft.slug = get("badge");
    draft.min_quiz_score = get("min_quiz_score");
    draft.valid_days = get("valid_days");
    draft.approval = !get("approval").is_empty();
    let lessons = get("lessons");
    let chosen: Vec<&str> = lessons.split(',').collect();
    for (slug, _, on) in &mut draft.lessons {
        *on = chosen.contains(&slug.as_str());
    }
    let kept = get("alignments");
    let kept: Vec<&str> = kept.lines().collect();
    for (key, _, on) in &mut draft.alignments {
        *on = kept.contains(&key.as_str());
    }
    draft.add_competence = get("add_competence");
    for text in &mut draft.texts {
        text.name = get(&format!("name_{}", text.language));
        text.description = get(&format!("description_{}", text.language));
        text.criteria = get(&format!("criteria_{}", text.language));
    }
    let problems = get("problems")
        .lines()
        .map(str::to_owned)
        .filter(|p| !p.is_empty())
        .collect();
    (draft, problems)
}

#[component]
fn Editor(view: BadgeEditorView) -> impl IntoView {
    let q = use_query_map().read_untracked();
    let saved = q.get("saved").is_some();
    let existing = view.badges.iter().any(|(slug, _)| *slug == view.draft.slug);
    let (draft, problems) = typed(view.draft.clone());
    let course = view.course.clone();
    let heading = if existing {
        Key::BadgeEditorEditHeading
    } else {
        Key::BadgeEditorNewHeading
    };
    view! {
        <leptos_meta::Title text=view.course_title.clone() />
        <nav class="breadcrumb" aria-label=t(Key::BreadcrumbLabel)>
            <ol>
                <li><a href="/author">{t(Key::AuthorHeading)}</a></li>
                <li><a href=format!("/author/courses/{course}")>{view.course_title.clone()}</a></li>
                <li><a href=format!("/author/badges/{course}") aria-current="page">{t(Key::BadgeEditorHeading)}</a></li>
            </ol>
        </nav>
        <h1>{t(Key::BadgeEditorHeading)}</h1>
        <p class="lead">{t(Key::BadgeEditorIntro)}</p>
        {saved.then(|| view! { <p class="notice" role="status">{t(Key::BadgeEditorSaved)}</p> })}
        <ul class="badge-editor-list">
            {view.badges.iter().map(|(slug, name)| view! {
                <li><a href=format!("/author/badges/{course}?badge={slug}")>{name.clone()}</a></li>
            }).collect_view()}
            <li><a href=format!("/author/badges/{course}")>{t(Key::BadgeEditorNew)}</a></li>
        </ul>
        <h2 id="badge-form-title">{t(heading)}</h2>
        {(!problems.is_empty()).then(|| view! {
            <div class="notice notice--error" role="alert">
                <p>{t(Key::BadgeEditorProblems)}</p>
                <ul lang="en">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
            </div>
        })}
        <BadgeForm course=view.course.clone() draft existing competences=view.competences.clone() />
    }
}

/// The language's name in the editor's language.
fn language_key(language: Locale) -> Key {
    match language {
        Locale::Fi => Key::LanguageFinnish,
        Locale::Sv => Key::LanguageSwedish,
        Locale::En => Key::LanguageEnglish,
    }
}

#[component]
fn BadgeForm(
    course: String,
    draft: BadgeDraft,
    existing: bool,
    competences: Vec<String>,
) -> impl IntoView {
    let slug_field = if existing {
        view! { <input type="hidden" name="slug" value=draft.slug.clone() /> }.into_any()
    } else {
        view! {
            <label for="badge-slug">{t(Key::AuthorSlugLabel)}</label>
            <p id="badge-slug-help" class="muted">{t(Key::AuthorSlugHelp)}</p>
            <input type="text" id="badge-slug" name="slug" value=draft.slug.clone() required maxlength="64"
                pattern="[a-z0-9]+(-[a-z0-9]+)*" aria-describedby="badge-slug-help" autocomplete="off" />
        }
        .into_any()
    };
    view! {
        <form method="post" action="/api/save_badge" class="stack" aria-labelledby="badge-form-title">
            <input type="hidden" name="course" value=course />
            {slug_field}
            {draft.texts.iter().enumerate().map(|(i, text)| {
                let id = |field: &str| format!("badge-{field}-{}", text.language);
                let lang = text.language.code();
                let required = i == 0;
                view! {
                    <fieldset>
                        <legend>{t(language_key(text.language))}</legend>
                        <input type="hidden" name=format!("texts[{i}][language]") value=lang />
                        <label for=id("name")>{t(Key::BadgeEditorName)}</label>
                        <input type="text" id=id("name") name=format!("texts[{i}][name]") lang=lang
                            value=text.name.clone() required=required maxlength="200" />
                        <label for=id("description")>{t(Key::BadgeEditorDescription)}</label>
                        <textarea id=id("description") name=format!("texts[{i}][description]") lang=lang
                            rows="2" maxlength="2000">{text.description.clone()}</textarea>
                        <label for=id("criteria")>{t(Key::BadgeEditorCriteria)}</label>
                        <textarea id=id("criteria") name=format!("texts[{i}][criteria]") lang=lang
                            rows="3" maxlength="2000">{text.criteria.clone()}</textarea>
                    </fieldset>
                }
            }).collect_view()}
            <fieldset>
                <legend>{t(Key::BadgeEditorLessons)}</legend>
                <p class="muted">{t(Key::BadgeEditorLessonsHelp)}</p>
                {draft.lessons.iter().enumerate().map(|(i, (slug, title, on))| {
                    let id = format!("badge-lesson-{slug}");
                    view! {
                        <p class="check-item">
                            <input type="checkbox" id=id.clone() name=format!("lessons[{i}]") value=slug.clone() checked=*on />
                            <label for=id>{title.clone()}</label>
                        </p>
                    }
                }).collect_view()}
            </fieldset>
            <label for="badge-score">{t(Key::BadgeEditorScore)}</label>
            <input type="number" id="badge-score" name="min_quiz_score" min="0" max="100" inputmode="numeric"
                value=draft.min_quiz_score.clone() />
            <p class="check-item">
                <input type="checkbox" id="badge-approval" name="approval" value="on" checked=draft.approval />
                <label for="badge-approval">{t(Key::BadgeEditorApproval)}</label>
            </p>
            <label for="badge-days">{t(Key::BadgeEditorDays)}</label>
            <input type="number" id="badge-days" name="valid_days" min="1" max="36500" inputmode="numeric"
                value=draft.valid_days.clone() />
            <fieldset>
                <legend>{t(Key::BadgeEditorCompetences)}</legend>
                {draft.alignments.iter().enumerate().map(|(i, (key, label, on))| {
                    let id = format!("badge-competence-{i}");
                    view! {
                        <p class="check-item">
                            <input type="checkbox" id=id.clone() name=format!("alignments[{i}]") value=key.clone() checked=*on />
                            <label for=id>{label.clone()}</label>
                        </p>
                    }
                }).collect_view()}
                <label for="badge-add-competence">{t(Key::BadgeEditorAddCompetence)}</label>
                <p id="badge-add-competence-help" class="muted">{t(Key::BadgeEditorAddCompetenceHelp)}</p>
                <input type="text" id="badge-add-competence" name="add_competence" list="badge-competence-choices"
                    value=draft.add_competence.clone() maxlength="300" autocomplete="off"
                    aria-describedby="badge-add-competence-help" />
                <datalist id="badge-competence-choices">
                    {competences.into_iter().map(|c| view! { <option value=c></option> }).collect_view()}
                </datalist>
                <p class="muted">{t(Key::VerifyEscoNotice)}</p>
            </fieldset>
            <button type="submit" class="button">{t(Key::BadgeEditorSave)}</button>
        </form>
        <p class="muted">{tf(Key::BadgeEditorFilesNote, vec![("file", "course.toml".to_owned())])}</p>
    }
}
