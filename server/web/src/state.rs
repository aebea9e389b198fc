//! The state every handler shares.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use polku_core::authoring::AdminToken;
use polku_core::badges::issue::Issuing;
use polku_core::coaching::StuckRule;
use polku_core::db::DatabaseConnection;
use polku_core::search::SearchIndex;

use crate::cookies::SecureCookies;

/// Shared state of every handler, and the Leptos context of every page
/// render and server function (one value, not one context per part).
///
/// One allocation shared by reference count: every middleware, handler
/// and render takes its own copy of the state, and copying the parts
/// themselves (Leptos' options are a dozen strings) cost more than serving
/// a kept page.
#[derive(Clone)]
pub struct AppState(std::sync::Arc<Shared>);

impl AppState {
    /// The state made of its parts.
    pub fn new(shared: Shared) -> Self {
        AppState(std::sync::Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for DatabaseConnection {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

/// The parts of the [`AppState`].
pub struct Shared {
    /// Leptos' site settings.
    pub leptos_options: LeptosOptions,
    /// The database.
    pub db: DatabaseConnection,
    /// The admin token, when authoring with a token is on.
    pub admin_token: Option<AdminToken>,
    /// When a learner counts as stuck.
    pub stuck_rule: StuckRule,
    /// The search index.
    pub search: SearchIndex,
    /// The deployment as a badge issuer (its identity and keys), and what
    /// issuing after progress needs.
    pub issuing: Issuing,
    /// Whether cookies get `Secure` (served over HTTPS).
    pub secure_cookies: SecureCookies,
    /// After how many unused days a session ends.
    pub session_idle: polku_core::accounts::SessionIdle,
    /// Live sessions read before (see
    /// [`polku_core::accounts::sessions::SessionCache`]).
    pub sessions: polku_core::accounts::sessions::SessionCache,
    /// Readers' unread counts, standings and lessons' comments read before
    /// (see [`polku_core::readers::ReaderCache`]).
    pub readers: polku_core::readers::ReaderCache,
    /// The other badge issuers this site trusts, and what is fetched
    /// from them.
    pub federation: crate::federation::Federation,
    /// How often one client address may have badges checked
    /// (`POST /verify`, `POST /api/verify`).
    pub verify_limit: crate::limits::AddressLimit,
    /// Published content read before, until it changes (see
    /// [`polku_core::courses::cache`]).
    pub content: polku_core::courses::cache::ContentCache,
    /// Whole pages for readers who are not signed in (see [`crate::pages`]).
    pub pages: crate::pages::PageCache,
    /// The site sends e-mail (it has SMTP settings).
    pub sends_email: bool,
    /// Learners' programs checked in the Python sandbox.
    pub code: crate::code::CodeChecker,
}

impl AppState {
    /// The state of the render or server function running now (Leptos
    /// context); `None` only outside a request.
    pub fn current() -> Option<AppState> {
        leptos::prelude::use_context::<AppState>()
    }

    /// What a check of badge `text` here knows: this site (its revocation
    /// list read now, so a revocation counts at once), the trusted
    /// issuers, and what was fetched from the badge's issuer if it is one.
    pub async fn known_for(
        &self,
        text: &str,
    ) -> Result<polku_core::badges::Known, polku_core::CoreError> {
        let mut known =
            polku_core::badges::revoke::known(&self.db, &self.issuing, self.federation.trusted())
                .await?;
        known.fetched = self.federation.fetch_for(text).await;
        Ok(known)
    }
}
