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
#[derive(Clone, FromRef)]
pub struct AppState {
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
