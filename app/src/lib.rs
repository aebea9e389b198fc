//! Polku's user interface: Leptos pages rendered on the server and hydrated
//! in the browser, the typed API (server functions) and the translations.
//!
//! Feature `ssr` builds the server half, `hydrate` the wasm half.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod kept;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::layout::{SiteFooter, SiteHeader};
use crate::i18n::{I18n, Key, Locale, Texts};
use crate::pages::{
    admin::{AdminPage, PathwayEditorPage, PrivacyPage, ResetPage},
    appointments::{AppointmentPage, AppointmentsPage},
    audit::AdminAuditPage,
    auth::{AccountPage, LoginPage, SignupPage},
    author::{AuthorCoursePage, AuthorHomePage},
    badge_editor::BadgeEditorPage,
    catalog::CatalogPage,
    coach::{CoachHomePage, GroupPage},
    course::CoursePage,
    dashboard::DashboardPage,
    editor::EditorPage,
    lesson::LessonPage,
    messages::{InboxPage, ThreadPage},
    not_found::NotFound,
    notifications::{ConfirmEmailPage, NotificationsPage},
    offline::OfflinePage,
    search::SearchPage,
    verify::VerifyPage,
    wallet::{CertificatePage, WalletPage},
};

/// Loads the browser half (JavaScript and wasm) once the page has loaded
/// and the browser is idle, without preloading it: on a slow line the
/// page's own bytes come first, and the page works before the script
/// arrives (links are links, forms post). Then hydrates the page's islands
/// (`<leptos-island>`, the interactive parts), outermost ones only: an
/// island inside another is hydrated with it. Leptos' `HydrationScripts`
/// always preloads the wasm, which competes with the page for the line.
#[component]
fn BrowserHalf(options: LeptosOptions) -> impl IntoView {
    let base = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    let script = format!(
        r#"(() => {{
  const load = () => import("{base}.js").then(async (m) => {{
    await m.default({{ module_or_path: "{base}_bg.wasm" }});
    m.hydrate();
    for (const el of document.querySelectorAll("leptos-island")) {{
      if (el.parentElement.closest("leptos-island")) continue;
      const island = m[el.dataset.component];
      if (island) await island(el);
      else console.error("no code for the island " + el.dataset.component);
    }}
    document.documentElement.dataset.hydrated = "true";
  }});
  const idle = () => "requestIdleCallback" in window
    ? requestIdleCallback(load, {{ timeout: 2000 }}) : setTimeout(load, 0);
  if (document.readyState === "complete") idle();
  else addEventListener("load", idle, {{ once: true }});
}})();"#
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = initial_locale();
    let reading = crate::components::reading::initial_reading();
    // `pkg/<version>`: the browser half's files, named by their content
    // (see the server's routes::assets).
    let pkg = options.site_pkg_dir.clone();
    #[cfg(feature = "ssr")]
    {
        security::set_content_security_policy();
        // Islands: only the islands' data and markers go into the page (as
        // Leptos' `HydrationScripts` does with `islands`).
        if let Some(context) = Owner::current_shared_context() {
            context.set_is_hydrating(false);
        }
    }
    view! {
        <!DOCTYPE html>
        <html
            lang=locale.code()
            data-size=reading.size.code()
            data-spacing=reading.spacing.code()
            data-theme=reading.theme.code()
            data-font=reading.font.code()
        >
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content=reading.theme.color_scheme() />
                <link rel="stylesheet" href=format!("/{pkg}/polku.css") />
                // The reading font, for a reader who chose it: asked for
                // at once, so that it is there for the first paint (the
                // CSS uses it only if it is, and never swaps it in later:
                // the text does not jump under the reader's eyes).
                {(reading.font == polku_types::reading::Font::Readable).then(|| {
                    ["400", "700"].map(|weight| view! {
                        <link
                            rel="preload"
                            href=format!("/{pkg}/atkinson-hyperlegible-latin-{weight}-normal.woff2")
                            r#as="font"
                            r#type="font/woff2"
                            crossorigin=""
                        />
                    })
                })}
                <link rel="icon" href=format!("/{pkg}/favicon.svg") type="image/svg+xml" />
                <link rel="manifest" href=format!("/{pkg}/manifest.webmanifest") />
                <meta name="theme-color" content="#0a58a8" />
                // Saved courses and answers kept offline (a small script of
                // the site's own; the page works without it).
                <script type="module" src=format!("/{pkg}/offline.js")></script>
                <BrowserHalf options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The interface language of this page: on the server from the request's
/// cookie or `Accept-Language`, in the browser from `<html lang>` as the
/// server rendered it.
pub(crate) fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| {
                let header = |name| {
                    parts
                        .headers
                        .get(name)
                        .and_then(|v: &http::HeaderValue| v.to_str().ok())
                };
                Locale::negotiate(
                    header(http::header::COOKIE),
                    header(http::header::ACCEPT_LANGUAGE),
                )
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|el| el.get_attribute("lang"))
            .and_then(|code| Locale::from_code(&code))
            .unwrap_or_default()
    }
}

#[cfg(feature = "ssr")]
mod security {
    use leptos::prelude::*;

    /// Sends a strict Content-Security-Policy whose nonce is the one Leptos
    /// puts on its hydration script: no inline script runs without it. The
    /// same nonce admits the one style element a script adds (the code
    /// editor's own rules, `app/editor/code-editor.js`); style attributes
    /// in markup stay refused.
    pub fn set_content_security_policy() {
        let (Some(nonce), Some(response)) = (
            leptos::nonce::use_nonce(),
            use_context::<leptos_axum::ResponseOptions>(),
        ) else {
            return;
        };
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'nonce-{nonce}'; \
             img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'"
        );
        if let Ok(value) = http::HeaderValue::from_str(&policy) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// The application: language context, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = RwSignal::new(initial_locale());
    provide_context(I18n(locale));

    // Leptos renders <title> after this scope has ended, where reading a
    // signal panics: the formatter uses a plain string (the site name is the
    // same in every language).
    let site = locale.get_untracked().text(Key::SiteName);
    let title_formatter = move |title: String| format!("{title} – {site}");
    view! {
        <Title formatter=title_formatter />
        <Router>
            <SiteHeader />
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=CatalogPage ssr=SsrMode::Async />
                    <Route path=path!("/courses/:course") view=CoursePage ssr=SsrMode::Async />
                    <Route path=path!("/courses/:course/:lesson") view=LessonPage ssr=SsrMode::Async />
                    <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async />
                    <Route path=path!("/verify") view=VerifyPage ssr=SsrMode::Async />
                    <Route path=path!("/offline") view=OfflinePage />
                    <Route path=path!("/badges") view=WalletPage ssr=SsrMode::Async />
                    <Route path=path!("/badges/:id/certificate") view=CertificatePage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/signup") view=SignupPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/account/confirm-email") view=ConfirmEmailPage ssr=SsrMode::Async />
                    <Route path=path!("/dashboard") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/reset") view=ResetPage ssr=SsrMode::Async />
                    <Route path=path!("/privacy") view=PrivacyPage ssr=SsrMode::Async />
                    <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async />
                    <Route path=path!("/messages") view=InboxPage ssr=SsrMode::Async />
                    <Route path=path!("/messages/people/:id") view=ThreadPage ssr=SsrMode::Async />
                    <Route path=path!("/messages/groups/:id") view=ThreadPage ssr=SsrMode::Async />
                    <Route path=path!("/appointments") view=AppointmentsPage ssr=SsrMode::Async />
                    <Route path=path!("/appointments/:id") view=AppointmentPage ssr=SsrMode::Async />
                    <Route path=path!("/coach") view=CoachHomePage ssr=SsrMode::Async />
                    <Route path=path!("/coach/groups/:id") view=GroupPage ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/audit") view=AdminAuditPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/pathways") view=PathwayEditorPage ssr=SsrMode::Async />
                    <Route path=path!("/author") view=AuthorHomePage ssr=SsrMode::Async />
                    <Route path=path!("/author/courses/:course") view=AuthorCoursePage ssr=SsrMode::Async />
                    <Route path=path!("/author/badges/:course") view=BadgeEditorPage ssr=SsrMode::Async />
                    <Route path=path!("/author/courses/:course/:lesson") view=EditorPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

/// Entry point of the wasm half: sets up the reactive system; the
/// loader (see `BrowserHalf`) then hydrates each island.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
