//! The frame of every page: skip link, header with the language switch,
//! footer.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::accounts::get_me;
use crate::api::preferences::set_language;
use crate::i18n::{Key, Locale, t, use_locale};

/// Skip link, site name, main navigation and the language switch.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        // rel="external" keeps the client-side router away from this link, so
        // the browser itself moves keyboard focus to <main>, hydrated or not.
        <a class="skip-link" href="#main" rel="external">{t(Key::SkipToContent)}</a>
        <header class="site-header">
            <div class="site-header__inner">
                <a class="site-name" href="/">
                    <span class="site-name__title">{t(Key::SiteName)}</span>
                    <span class="site-name__tagline">{t(Key::SiteTagline)}</span>
                </a>
                <nav class="main-nav" aria-label=t(Key::MainNavLabel)>
                    <a href="/">{t(Key::NavCourses)}</a>
                    <UserNav />
                </nav>
                <LanguageSwitch />
            </div>
        </header>
    }
}

/// Signed out: "Sign in" and "Create an account"; signed in: "My
/// learning", "My account" and "Sign out" (a form: signing out changes
/// state, so it is never a link).
#[component]
fn UserNav() -> impl IntoView {
    let me = Resource::new(crate::forms::version, |_| get_me());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! {
                        <a href="/dashboard">{t(Key::NavDashboard)}</a>
                        {matches!(me.role.as_str(), "coach" | "admin").then(|| view! { <a href="/coach">{t(Key::NavCoach)}</a> })}
                        {matches!(me.role.as_str(), "instructor" | "admin").then(|| view! { <a href="/author">{t(Key::NavAuthor)}</a> })}
                        {(me.role == "admin").then(|| view! { <a href="/admin">{t(Key::NavAdmin)}</a> })}
                        <a href="/account">{t(Key::NavAccount)}</a>
                        <form method="post" action="/api/log_out" class="inline-form">
                            <button type="submit" class="link-button">{t(Key::NavLogOut)}</button>
                        </form>
                    }
                    .into_any(),
                    _ => view! {
                        <a href="/login">{t(Key::NavLogIn)}</a>
                        <a href="/signup">{t(Key::NavSignUp)}</a>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// Three buttons, one per language. Without JavaScript the form posts to
/// `/lang`, which sets the cookie and redirects back; hydrated, a click
/// switches the language in place and stores the choice in the background.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let next = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    let buttons = Locale::ALL
        .into_iter()
        .map(|choice| {
            let on_click = move |ev: leptos::ev::MouseEvent| {
                ev.prevent_default();
                locale.set(choice);
                leptos::task::spawn_local(async move {
                    let _ = set_language(choice).await;
                });
            };
            view! {
                <button
                    type="submit"
                    name="lang"
                    value=choice.code()
                    lang=choice.code()
                    aria-current=move || (locale.get() == choice).then_some("true")
                    on:click=on_click
                >
                    {choice.endonym()}
                </button>
            }
        })
        .collect_view();
    view! {
        <form class="lang-switch" method="post" action="/lang" aria-label=t(Key::LanguageSwitchLabel)>
            <input type="hidden" name="next" value=next />
            {buttons}
        </form>
    }
}

/// Site footer.
#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>{t(Key::FooterText)}</p>
            <p><a href="/privacy">{t(Key::PrivacyHeading)}</a></p>
        </footer>
    }
}
