//! `/login`, `/signup` and `/account`: plain forms that post to the
//! accounts server functions and work without JavaScript. A refused form
//! comes back with the reason (announced) and what was typed, except the
//! password.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::get_me;
use crate::components::loaded::loaded;
use crate::components::notice::{FormError, PageTitle};
use crate::i18n::{Key, t, use_locale};

/// The query's value for `name`, or empty.
fn typed(name: &str) -> String {
    use_query_map()
        .read_untracked()
        .get(name)
        .unwrap_or_default()
}

/// `/login`
#[component]
pub fn LoginPage() -> impl IntoView {
    let next = typed("next");
    let signup = if next.is_empty() {
        "/signup".to_owned()
    } else {
        format!("/signup?next={}", urlencode(&next))
    };
    view! {
        <PageTitle key=Key::LoginHeading />
        <h1>{t(Key::LoginHeading)}</h1>
        <FormError />
        <form method="post" action="/api/log_in" class="stack form-narrow">
            <input type="hidden" name="next" value=next />
            <label for="username">{t(Key::FieldUsername)}</label>
            <input type="text" id="username" name="username" value=typed("username") required
                maxlength="32" autocomplete="username" autocapitalize="none" spellcheck="false" />
            <label for="password">{t(Key::FieldPassword)}</label>
            <input type="password" id="password" name="password" required maxlength="128"
                autocomplete="current-password" />
            <button type="submit" class="button">{t(Key::LoginSubmit)}</button>
        </form>
        <p>{t(Key::LoginNoAccount)} " " <a href=signup>{t(Key::NavSignUp)}</a></p>
        <p class="muted">{t(Key::LoginForgot)} " " <a href="/reset">{t(Key::ResetHeading)}</a></p>
    }
}

/// `/signup`
#[component]
pub fn SignupPage() -> impl IntoView {
    let next = typed("next");
    view! {
        <PageTitle key=Key::SignupHeading />
        <h1>{t(Key::SignupHeading)}</h1>
        <p class="lead">{t(Key::SignupIntro)}</p>
        <FormError />
        <form method="post" action="/api/sign_up" class="stack form-narrow">
            <input type="hidden" name="next" value=next />
            <label for="username">{t(Key::FieldUsername)}</label>
            <p id="username-help" class="muted">{t(Key::FieldUsernameHelp)}</p>
            <input type="text" id="username" name="username" value=typed("username") required
                minlength="3" maxlength="32" autocomplete="username" autocapitalize="none"
                spellcheck="false" aria-describedby="username-help" />
            <label for="password">{t(Key::FieldPassword)}</label>
            <p id="password-help" class="muted">{t(Key::FieldPasswordHelp)}</p>
            <input type="password" id="password" name="password" required minlength="8"
                maxlength="128" autocomplete="new-password" aria-describedby="password-help" />
            <label for="display_name">{t(Key::FieldDisplayName)}</label>
            <p id="display-name-help" class="muted">{t(Key::FieldDisplayNameHelp)}</p>
            <input type="text" id="display_name" name="display_name" value=typed("display_name")
                maxlength="100" autocomplete="name" aria-describedby="display-name-help" />
            <label for="email">{t(Key::FieldEmail)}</label>
            <p id="email-help" class="muted">{t(Key::FieldEmailHelp)}</p>
            <input type="email" id="email" name="email" value=typed("email") maxlength="254"
                autocomplete="email" aria-describedby="email-help" />
            <button type="submit" class="button">{t(Key::SignupSubmit)}</button>
        </form>
        <p>{t(Key::SignupHaveAccount)} " " <a href="/login">{t(Key::NavLogIn)}</a></p>
    }
}

/// `/account`: who is signed in, password change, sign out.
#[component]
pub fn AccountPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    let saved = !typed("saved").is_empty();
    let _ = use_locale();
    loaded(me, move |me| {
        match me {
        None => view! { <crate::components::notice::ErrorNotice error=crate::api::AppError::Unauthenticated /> }
            .into_any(),
        Some(me) => view! {
            <PageTitle key=Key::AccountHeading />
            <h1>{t(Key::AccountHeading)}</h1>
            <p>{crate::i18n::tf(Key::AccountSignedInAs, vec![("username", me.username.clone())])}</p>
            <h2 id="password-heading">{t(Key::PasswordHeading)}</h2>
            {saved.then(|| view! { <p class="notice" role="status">{t(Key::PasswordChanged)}</p> })}
            <FormError />
            <form method="post" action="/api/change_password" class="stack form-narrow" aria-labelledby="password-heading">
                <input type="text" name="username" value=me.username.clone() autocomplete="username" hidden readonly />
                <label for="current">{t(Key::FieldCurrentPassword)}</label>
                <input type="password" id="current" name="current" required maxlength="128" autocomplete="current-password" />
                <label for="new">{t(Key::FieldNewPassword)}</label>
                <p id="new-help" class="muted">{t(Key::FieldPasswordHelp)}</p>
                <input type="password" id="new" name="new" required minlength="8" maxlength="128"
                    autocomplete="new-password" aria-describedby="new-help" />
                <button type="submit" class="button">{t(Key::PasswordSubmit)}</button>
            </form>
            <form method="post" action="/api/log_out">
                <button type="submit" class="button button--quiet">{t(Key::NavLogOut)}</button>
            </form>
            <crate::pages::notifications::EmailSettingsSection />
            <h2>{t(Key::AccountDataHeading)}</h2>
            <p>{t(Key::AccountDataIntro)} " " <a href="/privacy">{t(Key::PrivacyHeading)}</a></p>
            <p><a class="button" href="/account/export.json" download>{t(Key::AccountExport)}</a></p>
            <crate::pages::audit::MyAudit />
            <h2 id="delete-heading">{t(Key::AccountDeleteHeading)}</h2>
            <p>{t(Key::AccountDeleteIntro)}</p>
            <FormError param="delete_error" />
            <form method="post" action="/api/delete_my_account" class="stack form-narrow" aria-labelledby="delete-heading">
                <label for="delete-password">{t(Key::FieldCurrentPassword)}</label>
                <input type="password" id="delete-password" name="password" required maxlength="128" autocomplete="current-password" />
                <button type="submit" class="button button--danger">{t(Key::AccountDeleteSubmit)}</button>
            </form>
        }
        .into_any(),
    }
    })
}

/// Percent-encodes a query value.
pub(crate) fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
