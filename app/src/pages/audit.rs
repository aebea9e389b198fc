//! `/admin/audit`: the audit log for admins (filter by person, paging);
//! [`MyAudit`]: the entries about oneself, on `/account`.

use leptos::prelude::*;

use crate::api::audit::{AuditEntryView, get_audit, get_my_audit};
use crate::components::loaded::loaded;
use crate::components::notice::PageTitle;
use crate::i18n::{Key, t};

/// The text of an action code.
fn action_key(code: &str) -> Key {
    match code {
        "role_changed" => Key::AuditRoleChanged,
        "authorship_changed" => Key::AuditAuthorshipChanged,
        "group_invited" => Key::AuditGroupInvited,
        "group_joined" => Key::AuditGroupJoined,
        "group_left" => Key::AuditGroupLeft,
        "group_removed" => Key::AuditGroupRemoved,
        "reset_code_made" => Key::AuditResetCodeMade,
        "reset_code_used" => Key::AuditResetCodeUsed,
        "evidence_approved" => Key::AuditEvidenceApproved,
        "evidence_declined" => Key::AuditEvidenceDeclined,
        "badge_revoked" => Key::AuditBadgeRevoked,
        "badge_reissue_allowed" => Key::AuditBadgeReissueAllowed,
        "badge_definition_approved" => Key::AuditBadgeDefinitionApproved,
        "account_erased" => Key::AuditAccountErased,
        "data_exported" => Key::AuditDataExported,
        "pathways_edited" => Key::AuditPathwaysEdited,
        _ => Key::AuditOther,
    }
}

/// The log as a table.
#[component]
fn AuditTable(entries: Vec<AuditEntryView>, caption: Key) -> impl IntoView {
    view! {
        <div class="table-scroll" role="region" aria-labelledby="audit-caption" tabindex="0">
            <table class="audit-table">
                <caption id="audit-caption">{t(caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t(Key::AuditColWhen)}</th>
                        <th scope="col">{t(Key::AuditColWho)}</th>
                        <th scope="col">{t(Key::AuditColWhat)}</th>
                        <th scope="col">{t(Key::AuditColWhom)}</th>
                        <th scope="col">{t(Key::AuditColDetail)}</th>
                    </tr>
                </thead>
                <tbody>
                    {entries.into_iter().map(|e| view! {
                        <tr>
                            <td>{crate::i18n::lt(e.at.clone())}</td>
                            <td>{e.actor.clone().unwrap_or_else(|| t(Key::AuditOperator)().to_owned())}</td>
                            <td>{t(action_key(&e.action))}</td>
                            <td>{e.subject.clone().unwrap_or_default()}</td>
                            <td>{e.detail.clone().unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/admin/audit?person=<username>&page=<n>`
#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let log = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("person"),
                q.get("page").and_then(|p| p.parse::<u64>().ok()),
            )
        },
        |(person, page)| get_audit(person, page),
    );
    loaded(log, |log| {
        let person = log.person.clone();
        let link = move |page: u64| {
            let mut href = format!("/admin/audit?page={page}");
            if !person.is_empty() {
                href.push_str("&person=");
                href.push_str(&crate::pages::auth::urlencode(&person));
            }
            href
        };
        let (newer, older) = (
            (log.page > 0).then(|| link(log.page - 1)),
            log.more.then(|| link(log.page + 1)),
        );
        view! {
            <PageTitle key=Key::AdminAuditHeading />
            <nav class="breadcrumb" aria-label=t(Key::BreadcrumbLabel)>
                <ol>
                    <li><a href="/admin">{t(Key::AdminHeading)}</a></li>
                    <li><a href="/admin/audit" aria-current="page">{t(Key::AdminAuditHeading)}</a></li>
                </ol>
            </nav>
            <h1>{t(Key::AdminAuditHeading)}</h1>
            <p>{t(Key::AdminAuditIntro)}</p>
            <form method="get" action="/admin/audit" class="inline-fields" role="search">
                <label for="audit-person">{t(Key::AdminAuditPerson)}</label>
                <input type="text" id="audit-person" name="person" maxlength="32" autocomplete="off" value=log.person.clone() />
                <button type="submit" class="button button--small">{t(Key::AdminAuditFilter)}</button>
            </form>
            {log.unknown_person.then(|| view! { <p class="notice notice--error" role="alert">{t(Key::ErrorNoSuchUser)}</p> })}
            {if log.entries.is_empty() {
                view! { <p>{t(Key::AuditEmpty)}</p> }.into_any()
            } else {
                view! { <AuditTable entries=log.entries.clone() caption=Key::AdminAuditHeading /> }.into_any()
            }}
            <nav class="pager" aria-label=t(Key::AdminAuditPages)>
                {newer.map(|href| view! { <a href=href>{t(Key::AdminAuditNewer)}</a> })}
                " "
                {older.map(|href| view! { <a href=href>{t(Key::AdminAuditOlder)}</a> })}
            </nav>
        }
    })
}

/// What was done to the signed-in person's account, for `/account`.
#[component]
pub fn MyAudit() -> impl IntoView {
    let mine = Resource::new(|| (), |_| get_my_audit());
    loaded(mine, |entries| {
        view! {
            <h2 id="my-audit">{t(Key::AccountAuditHeading)}</h2>
            <p>{t(Key::AccountAuditIntro)}</p>
            {if entries.is_empty() {
                view! { <p>{t(Key::AuditEmpty)}</p> }.into_any()
            } else {
                view! { <AuditTable entries caption=Key::AccountAuditHeading /> }.into_any()
            }}
            <p class="muted">{t(Key::AccountAuditKept)}</p>
        }
    })
}
