//! The frame of every page: skip link, header with the language switch,
//! footer.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::accounts::get_me;
use crate::api::search::{Suggestion, suggest};
use crate::components::reading::ReadingSettingsForm;
use crate::i18n::{IslandTexts, Key, Locale, Texts, t, tf, use_locale};
use polku_types::accounts::{Me, Role};

/// Skip link, site name, main navigation and the language switch.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">{t(Key::SkipToContent)}</a>
        <header class="site-header">
            <div class="site-header__inner">
                <a class="site-name" href="/">
                    <span class="site-name__title">{t(Key::SiteName)}</span>
                    <span class="site-name__tagline">{t(Key::SiteTagline)}</span>
                </a>
                // On a phone the rest folds under "Menu" (one tap, no
                // script needed); on a wide screen it is always open.
                <details class="site-menu">
                    <summary class="site-menu__toggle">{t(Key::MenuLabel)}</summary>
                    <div class="site-menu__panel">
                        <nav class="main-nav" aria-label=t(Key::MainNavLabel)>
                            <a href="/">{t(Key::NavCourses)}</a>
                            <UserNav />
                        </nav>
                        <SearchBox texts=IslandTexts::of(SEARCH_BOX_TEXTS) />
                        <LanguageSwitch />
                        <ReadingSettingsForm />
                    </div>
                </details>
            </div>
        </header>
        <OfflineNotice />
    }
}

/// Where the page tells what happened to answers kept offline (filled by
/// `offline.js` from these texts, in the reader's language).
#[component]
fn OfflineNotice() -> impl IntoView {
    view! {
        <p
            id="offline-sync"
            class="notice offline-sync"
            role="status"
            hidden
            data-text-queued=t(Key::OfflineQueued)
            data-text-sent=t(Key::OfflineSent)
        ></p>
    }
}

/// The texts [`SearchBox`] shows.
const SEARCH_BOX_TEXTS: &[Key] = &[
    Key::SearchLabel,
    Key::SearchButton,
    Key::SearchSuggestionsCount,
    Key::SearchSuggestionsLabel,
];

/// The search box of every page: a GET form to `/search`. Hydrated (an
/// island), it suggests lessons while typing (links below the box, their
/// number announced); without JavaScript the form just searches.
#[island]
fn SearchBox(texts: IslandTexts) -> impl IntoView {
    texts.provide();
    let locale = use_locale();
    let suggestions = RwSignal::new(Vec::<Suggestion>::new());
    // Only the answer to the newest input is shown.
    let generation = StoredValue::new(0u64);
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        if text.trim().chars().count() < 2 {
            suggestions.set(Vec::new());
            return;
        }
        set_timeout(
            move || {
                if generation.get_value() != mine {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let found = suggest(text, locale.get_untracked())
                        .await
                        .unwrap_or_default();
                    if generation.get_value() == mine {
                        suggestions.set(found);
                    }
                });
            },
            std::time::Duration::from_millis(150),
        );
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            suggestions.set(Vec::new());
        }
    };
    let count = move || {
        let n = suggestions.read().len();
        if n > 0 {
            tf(Key::SearchSuggestionsCount, vec![("count", n.to_string())])()
        } else {
            String::new()
        }
    };
    view! {
        <form class="site-search" method="get" action="/search" role="search" aria-label=t(Key::SearchLabel) on:keydown=on_keydown>
            <label for="site-search-q" class="visually-hidden">{t(Key::SearchLabel)}</label>
            <input
                id="site-search-q"
                type="search"
                name="q"
                maxlength="2000"
                autocomplete="off"
                aria-describedby="site-search-count"
                on:input=on_input
            />
            <button type="submit">{t(Key::SearchButton)}</button>
            <p id="site-search-count" class="visually-hidden" role="status">{count}</p>
            <Show when=move || !suggestions.read().is_empty()>
                <ul class="search-suggestions" aria-label=t(Key::SearchSuggestionsLabel)>
                    <For
                        each=move || suggestions.get()
                        key=|s| s.href.clone()
                        children=move |s: Suggestion| {
                            let lang = move || crate::pages::content_lang(s.language, locale.get());
                            view! {
                                <li>
                                    <a href=s.href.clone() lang=lang>
                                        <span class="search-suggestion__title">{s.title.clone()}</span>
                                        <span class="search-suggestion__course">{s.course_title.clone()}</span>
                                    </a>
                                </li>
                            }
                        }
                    />
                </ul>
            </Show>
        </form>
    }
}

/// A header link with the number of unread things behind it: the number
/// is shown in a badge, and read out as "N unread".
#[component]
fn CountedLink(href: &'static str, label: Key, count: u32) -> impl IntoView {
    view! {
        <a href=href>
            {t(label)}
            {(count > 0).then(|| view! {
                " " <span class="count" aria-hidden="true">{count}</span>
                <span class="visually-hidden">{tf(Key::NavUnread, vec![("count", count.to_string())])}</span>
            })}
        </a>
    }
}

/// Signed out: "Sign in" and "Create an account"; signed in: "My
/// learning", "My badges", "Messages" and "Notifications" (with their
/// unread counts), "My account" and "Sign out" (a form: signing out changes
/// state, so it is never a link).
#[component]
fn UserNav() -> impl IntoView {
    if crate::components::hole::holes_on() {
        return view! { <crate::components::hole::Hole name=NAV_HOLE /> }.into_any();
    }
    let me = Resource::new(|| (), |_| get_me());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { view! { <UserLinks me=me.await.ok().flatten() /> } })}
        </Suspense>
    }
    .into_any()
}

/// The hole [`UserNav`] leaves in a page kept for every signed-in reader.
pub const NAV_HOLE: &str = "nav";

/// [`UserNav`]'s links for `me` (`None`: signed out).
#[component]
pub fn UserLinks(me: Option<Me>) -> impl IntoView {
    match me {
        Some(me) => view! {
            <a href="/dashboard">{t(Key::NavDashboard)}</a>
            <a href="/badges">{t(Key::NavBadges)}</a>
            <CountedLink href="/messages" label=Key::NavMessages count=me.unread />
            <CountedLink href="/notifications" label=Key::NavNotifications count=me.notifications />
            {matches!(me.role, Role::Coach | Role::Admin).then(|| view! { <a href="/coach">{t(Key::NavCoach)}</a> })}
            {matches!(me.role, Role::Instructor | Role::Admin).then(|| view! { <a href="/author">{t(Key::NavAuthor)}</a> })}
            {(me.role == Role::Admin).then(|| view! { <a href="/admin">{t(Key::NavAdmin)}</a> })}
            <a href="/account">{t(Key::NavAccount)}</a>
            <form method="post" action="/api/log_out" class="inline-form">
                <button type="submit" class="link-button">{t(Key::NavLogOut)}</button>
            </form>
        }
        .into_any(),
        None => view! {
            <a href="/login">{t(Key::NavLogIn)}</a>
            <a href="/signup">{t(Key::NavSignUp)}</a>
        }
        .into_any(),
    }
}

/// The address of the page now, path and query (for a form's `next`: where
/// the server sends the reader back to).
pub fn this_page() -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let location = use_location();
    move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    }
}

/// Three buttons, one per language: the form posts to `/lang`, which sets
/// the cookie and sends the reader back to the page, now in that language.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let now = use_locale().get_untracked();
    let next = this_page();
    let buttons = Locale::ALL
        .into_iter()
        .map(|choice| {
            view! {
                <button
                    type="submit"
                    name="lang"
                    value=choice.code()
                    lang=choice.code()
                    aria-current=(now == choice).then_some("true")
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
            <p><a href="/verify">{t(Key::FooterVerify)}</a>" · "<a href="/privacy">{t(Key::PrivacyHeading)}</a></p>
        </footer>
    }
}
