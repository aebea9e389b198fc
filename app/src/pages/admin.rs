//! `/admin`: every account with its role, the courses it authors, data
//! export and erasure on request. Admins only (the server refuses others).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::admin::{PendingBadge, get_admin_home, get_pathway_editor};
use crate::components::loaded::loaded;
use crate::components::notice::{FormError, PageTitle};
use crate::i18n::{Key, t, tf, use_locale};
use polku_types::accounts::Role;

const ROLES: [(&str, Key); 4] = [
    ("learner", Key::RoleLearner),
    ("instructor", Key::RoleInstructor),
    ("coach", Key::RoleCoach),
    ("admin", Key::RoleAdmin),
];

/// Badge definitions waiting for approval, each with what it would issue
/// and an approve button.
#[component]
fn PendingBadges(pending: Vec<PendingBadge>) -> impl IntoView {
    view! {
        <h2 id="pending-badges-heading">{t(Key::AdminPendingBadgesHeading)}</h2>
        {if pending.is_empty() {
            view! { <p>{t(Key::AdminPendingBadgesNone)}</p> }.into_any()
        } else {
            view! {
                <p>{t(Key::AdminPendingBadgesIntro)}</p>
                <ul class="member-badges" aria-labelledby="pending-badges-heading">
                    {pending.into_iter().map(|b| {
                        let lessons = if b.lessons.is_empty() { t(Key::AdminBadgeEveryLesson)().to_owned() } else { b.lessons.join(", ") };
                        let score = b.min_quiz_score.map(|s| format!("{s} %")).unwrap_or_else(|| "–".into());
                        let days = b.valid_days.map(|d| d.to_string()).unwrap_or_else(|| "–".into());
                        view! {
                            <li class="member-badge">
                                <h3>{format!("{} – {}", b.name, b.course)}</h3>
                                {b.replaces.then(|| view! { <p class="muted">{t(Key::AdminBadgeReplaces)}</p> })}
                                <p>{tf(Key::VerifyEarned, vec![("how", b.criteria.clone())])}</p>
                                <p>{tf(Key::AdminBadgeRule, vec![("lessons", lessons), ("score", score), ("days", days)])}</p>
                                {b.approval.then(|| view! { <p>{t(Key::AdminBadgeNeedsCoach)}</p> })}
                                <form method="post" action="/api/approve_badge">
                                    <input type="hidden" name="course" value=b.course.clone() />
                                    <input type="hidden" name="badge" value=b.slug.clone() />
                                    <input type="hidden" name="version" value=b.version.clone() />
                                    <button type="submit" class="button button--small">
                                        {tf(Key::AdminApproveBadge, vec![("badge", b.name.clone()), ("course", b.course.clone())])}
                                    </button>
                                </form>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// `/admin`
#[component]
pub fn AdminPage() -> impl IntoView {
    let locale = use_locale();
    let home = Resource::new(move || locale.get(), |locale| get_admin_home(Some(locale)));
    loaded(home, move |home| {
        // Read with the data: hydrated, a form sent in place comes back to
        // this same page with a new query.
        let approved = use_query_map().with_untracked(|q| q.get("approved").unwrap_or_default());
        let courses = home.courses.clone();
        view! {
            <PageTitle key=Key::AdminHeading />
            <h1>{t(Key::AdminHeading)}</h1>
            <p><a href="/admin/audit">{t(Key::AdminAuditLink)}</a></p>
            <p><a href="/admin/pathways">{t(Key::AdminPathwaysLink)}</a></p>
            <FormError />
            {(!approved.is_empty()).then(|| view! { <p class="notice" role="status">{t(Key::AdminBadgeApprovedNotice)}</p> })}
            <PendingBadges pending=home.pending_badges.clone() />
            <h2 id="trusted-issuers-heading">{t(Key::AdminTrustedHeading)}</h2>
            {if home.trusted_issuers.is_empty() {
                view! { <p>{t(Key::AdminTrustedNone)}</p> }.into_any()
            } else {
                view! {
                    <p>{t(Key::AdminTrustedIntro)}</p>
                    <ul aria-labelledby="trusted-issuers-heading">
                        {home.trusted_issuers.iter().map(|(did, name)| view! {
                            <li>{name.clone()} " " <span class="muted">"(" <code>{did.clone()}</code> ")"</span></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h2 id="accounts-heading">{t(Key::AdminAccountsHeading)}</h2>
            <ul class="user-list">
                {home.users.into_iter().map(|u| {
                    let courses = courses.clone();
                    let id = u.id.to_string();
                    let heading = format!("user-{}", u.id);
                    let role_id = format!("role-{}", u.id);
                    let course_id = format!("course-{}", u.id);
                    view! {
                        <li class="user-card">
                            <h2 id=heading>{u.name.clone()} <span class="muted">" (" {u.username.clone()} ")"</span></h2>
                            <p class="muted">{tf(Key::AdminLastActive, vec![("date", u.last_active.clone().unwrap_or_else(|| "–".into()))])}</p>
                            <form method="post" action="/api/set_role" class="inline-fields">
                                <input type="hidden" name="user" value=id.clone() />
                                <label for=role_id.clone()>{t(Key::AdminRole)}</label>
                                <select id=role_id name="role">
                                    {ROLES.iter().map(|(code, key)| view! {
                                        <option value=*code selected=u.role.code() == *code>{t(*key)}</option>
                                    }).collect_view()}
                                </select>
                                <button type="submit" class="button button--small">{t(Key::AdminSave)}</button>
                            </form>
                            {(u.role == Role::Instructor).then(|| view! {
                                <p>{t(Key::AdminAuthors)} " " {if u.authors.is_empty() { "–".to_owned() } else { u.authors.join(", ") }}</p>
                                <form method="post" action="/api/set_author" class="inline-fields">
                                    <input type="hidden" name="user" value=id.clone() />
                                    <input type="hidden" name="author" value="true" />
                                    <label for=course_id.clone()>{t(Key::AdminCourse)}</label>
                                    <select id=course_id name="course">
                                        {courses.iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                                    </select>
                                    <button type="submit" class="button button--small">{t(Key::AdminAddAuthor)}</button>
                                </form>
                            })}
                            <p>
                                <a href=format!("/admin/users/{id}/export.json") download>{tf(Key::AdminExport, vec![("name", u.username.clone())])}</a>
                            </p>
                            <form method="post" action="/api/delete_user">
                                <input type="hidden" name="user" value=id.clone() />
                                <button type="submit" class="button button--small button--danger">
                                    {tf(Key::AdminDelete, vec![("name", u.username.clone())])}
                                </button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}

/// `/privacy`: what Polku keeps and why (translated text).
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let items = [
        Key::PrivacyAccount,
        Key::PrivacyProgress,
        Key::PrivacyDiscussion,
        Key::PrivacyGroups,
        Key::PrivacyMessages,
        Key::PrivacyNotifications,
        Key::PrivacyAppointments,
        Key::PrivacyBadges,
        Key::PrivacySecurity,
        Key::PrivacyAudit,
        Key::PrivacyNot,
    ];
    view! {
        <PageTitle key=Key::PrivacyHeading />
        <h1>{t(Key::PrivacyHeading)}</h1>
        <p class="lead">{t(Key::PrivacyIntro)}</p>
        <ul class="privacy-list">{items.into_iter().map(|k| view! { <li>{t(k)}</li> }).collect_view()}</ul>
        <h2>{t(Key::PrivacyRightsHeading)}</h2>
        <p>{t(Key::PrivacyRights)}</p>
    }
}

/// `/reset`: a new password with a one-time code from a coach.
#[component]
pub fn ResetPage() -> impl IntoView {
    let username = use_query_map()
        .read_untracked()
        .get("username")
        .unwrap_or_default();
    view! {
        <PageTitle key=Key::ResetHeading />
        <h1>{t(Key::ResetHeading)}</h1>
        <p>{t(Key::ResetIntro)}</p>
        <FormError />
        <form method="post" action="/api/reset_password" class="stack form-narrow">
            <label for="username">{t(Key::FieldUsername)}</label>
            <input type="text" id="username" name="username" value=username required maxlength="32"
                autocomplete="username" autocapitalize="none" spellcheck="false" />
            <label for="code">{t(Key::ResetCode)}</label>
            <input type="text" id="code" name="code" required maxlength="20" autocomplete="one-time-code"
                autocapitalize="characters" spellcheck="false" />
            <label for="new">{t(Key::FieldNewPassword)}</label>
            <p id="new-help" class="muted">{t(Key::FieldPasswordHelp)}</p>
            <input type="password" id="new" name="new" required minlength="8" maxlength="128"
                autocomplete="new-password" aria-describedby="new-help" />
            <button type="submit" class="button">{t(Key::ResetSubmit)}</button>
        </form>
    }
}

/// `/admin/pathways`: the learning paths as the content file's text, for
/// an admin to edit, save as a draft or publish. A text with problems is
/// never published: it is kept as a draft and its problems are listed
/// with their lines.
#[component]
pub fn PathwayEditorPage() -> impl IntoView {
    let locale = use_locale();
    let editor = Resource::new(
        move || locale.get(),
        |locale| get_pathway_editor(Some(locale)),
    );
    loaded(editor, move |view| {
        let saved = use_query_map().with_untracked(|q| q.get("saved").unwrap_or_default());
        let notice = match saved.as_str() {
            "published" => Some(Key::PathwayEditorSavedPublished),
            "draft" => Some(Key::PathwayEditorSavedDraft),
            "discarded" => Some(Key::PathwayEditorSavedDiscarded),
            _ => None,
        };
        let published = view
            .published
            .iter()
            .map(|(_, title)| title.clone())
            .collect::<Vec<_>>()
            .join(", ");
        view! {
            <PageTitle key=Key::PathwayEditorHeading />
            <nav class="breadcrumb" aria-label=t(Key::BreadcrumbLabel)>
                <ol>
                    <li><a href="/admin">{t(Key::AdminHeading)}</a></li>
                    <li><a href="/admin/pathways" aria-current="page">{t(Key::PathwayEditorHeading)}</a></li>
                </ol>
            </nav>
            <h1>{t(Key::PathwayEditorHeading)}</h1>
            <p class="lead">{t(Key::PathwayEditorIntro)}</p>
            <FormError />
            {notice.filter(|_| view.problems.is_empty()).map(|key| view! { <p class="notice" role="status">{t(key)}</p> })}
            <p>{if published.is_empty() { t(Key::PathwayEditorNone)().to_owned() } else { tf(Key::PathwayEditorPublished, vec![("list", published)])() }}</p>
            {view.draft.then(|| view! { <p class="notice">{t(Key::PathwayEditorDraft)}</p> })}
            {(!view.problems.is_empty()).then(|| view! {
                <div class="notice notice--error" role="alert">
                    <p id="pathway-problems">{t(Key::PathwayEditorProblems)}</p>
                    <ul aria-labelledby="pathway-problems">
                        {view.problems.iter().map(|p| view! { <li><code>{p.clone()}</code></li> }).collect_view()}
                    </ul>
                </div>
            })}
            <form method="post" action="/api/save_pathways" class="stack">
                <label for="pathways-text">{t(Key::PathwayEditorLabel)}</label>
                <textarea id="pathways-text" name="text" rows="30" spellcheck="false" autocapitalize="off"
                    class="code-input">{view.text.clone()}</textarea>
                <div class="button-row">
                    <button type="submit" name="intent" value="publish" class="button">{t(Key::PathwayEditorPublish)}</button>
                    <button type="submit" name="intent" value="draft" class="button button--quiet">{t(Key::PathwayEditorSaveDraft)}</button>
                </div>
            </form>
            {view.draft.then(|| view! {
                <form method="post" action="/api/discard_pathways_draft">
                    <button type="submit" class="button button--small button--quiet">{t(Key::PathwayEditorDiscard)}</button>
                </form>
            })}
        }
    })
}
