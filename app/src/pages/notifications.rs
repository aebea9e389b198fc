//! `/notifications`: what happened that concerns the reader, newest first
//! (those new since her last visit marked), each with a link to it; and
//! the e-mail settings on `/account`.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::notifications::{
    EmailSettings, NotificationView, get_email_settings, get_notifications,
};
use crate::components::loaded::loaded;
use crate::components::notice::{FormError, PageTitle};
use crate::i18n::{Key, email_kind_key, notification_sentence, t, tf, use_locale};

/// `/notifications`
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| get_notifications());
    loaded(list, |items| {
        view! {
            <PageTitle key=Key::NotificationsHeading />
            <h1>{t(Key::NotificationsHeading)}</h1>
            {if items.is_empty() {
                view! { <p>{t(Key::NotificationsNone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="notifications">
                        {items.into_iter().map(|n| view! { <Notification n /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        }
    })
}

#[component]
fn Notification(n: NotificationView) -> impl IntoView {
    let locale = use_locale();
    let deleted = t(Key::MessagesDeletedAccount);
    let (kind, who, what) = (n.kind, n.who.clone(), n.what.clone());
    let sentence = move || {
        notification_sentence(
            locale.get(),
            kind,
            who.clone().unwrap_or_else(|| deleted().to_owned()),
            what.clone().unwrap_or_default(),
        )
    };
    view! {
        <li class="notification" class:notification--new=n.unread>
            <p>
                {n.unread.then(|| view! { <strong class="tag">{t(Key::NotificationsNew)}</strong> " " })}
                {sentence}
            </p>
            {n.note.map(|note| view! { <p class="notification__note">{tf(Key::NotificationNote, vec![("note", note)])}</p> })}
            <p class="muted">{crate::i18n::lt(n.at)} " · " <a href=n.link>{t(Key::NotificationsOpen)}</a></p>
        </li>
    }
}

/// The e-mail settings section of `/account`.
#[component]
pub fn EmailSettingsSection() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_email_settings());
    loaded(settings, |s| view! { <EmailForm s /> })
}

#[component]
fn EmailForm(s: EmailSettings) -> impl IntoView {
    let q = use_query_map().read_untracked();
    let saved = q.get("email").is_some_and(|v| v == "saved");
    let typed = q
        .get("email_typed")
        .filter(|_| q.get("email_error").is_some())
        .or_else(|| s.email.clone())
        .unwrap_or_default();
    view! {
        <h2 id="email">{t(Key::EmailHeading)}</h2>
        <p>{t(if s.site_sends { Key::EmailIntro } else { Key::EmailSiteOff })}</p>
        {saved.then(|| view! { <p class="notice" role="status">{t(Key::EmailSaved)}</p> })}
        <FormError param="email_error" />
        <form method="post" action="/api/set_email_settings" class="stack form-narrow" aria-labelledby="email">
            <label for="email-address">{t(Key::FieldEmail)}</label>
            <input type="email" id="email-address" name="email" maxlength="254" autocomplete="email" value=typed />
            <fieldset>
                <legend>{t(Key::EmailKindsLegend)}</legend>
                {s.kinds.into_iter().map(|(kind, on)| {
                    let id = format!("email-{}", kind.code());
                    view! {
                        <div class="check">
                            <input type="checkbox" id=id.clone() name=kind.code() checked=on />
                            <label for=id>{t(email_kind_key(kind))}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="check">
                <input type="checkbox" id="email-bodies" name="bodies" checked=s.bodies />
                <label for="email-bodies">{t(Key::EmailBodies)}</label>
            </div>
            <button type="submit" class="button">{t(Key::EmailSave)}</button>
        </form>
        {s.email.clone().map(|address| {
            let sent = q.get("confirm").is_some_and(|v| v == "sent");
            view! {
                <h3 id="email-confirmation">{t(Key::ConfirmEmailHeading)}</h3>
                <FormError param="confirm_error" />
                {sent.then(|| view! { <p class="notice" role="status">{t(Key::EmailConfirmSent)}</p> })}
                {if s.email_confirmed {
                    view! { <p>{t(Key::EmailConfirmed)}</p> }.into_any()
                } else {
                    view! {
                        <p>{t(Key::EmailNotConfirmed)}</p>
                        {s.site_sends.then(|| view! {
                            <form method="post" action="/api/request_email_confirmation">
                                <button type="submit" class="button button--quiet">
                                    {tf(Key::EmailConfirmSend, vec![("email", address.clone())])}
                                </button>
                            </form>
                        })}
                    }.into_any()
                }}
            }
        })}
    }
}

/// `/account/confirm-email?code=…`: the page a confirmation link opens.
/// Pressing its button confirms (a link alone changes nothing, so a mail
/// scanner opening it confirms nothing); it works signed out too.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let q = use_query_map();
    let code = move || q.read().get("code").unwrap_or_default();
    let done = move || q.read().get("confirmed").unwrap_or_default();
    view! {
        <PageTitle key=Key::ConfirmEmailHeading />
        <h1>{t(Key::ConfirmEmailHeading)}</h1>
        <FormError />
        {move || {
            let done = done();
            if done.is_empty() {
                view! {
                    <p>{t(Key::ConfirmEmailIntro)}</p>
                    <form method="post" action="/api/confirm_email">
                        <input type="hidden" name="code" value=code() />
                        <button type="submit" class="button">{t(Key::ConfirmEmailButton)}</button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <p class="notice" role="status">{t(Key::ConfirmEmailDone)}</p>
                    <p><a href="/account#email">{t(Key::ConfirmEmailAccount)}</a></p>
                }.into_any()
            }
        }}
    }
}
