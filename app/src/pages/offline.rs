//! `/offline`: what a page that is not saved on the device shows with no
//! connection. The service worker keeps it, rendered in the learner's
//! language, and answers with it (see `app/public/sw.js`).

use leptos::prelude::*;

use crate::components::notice::PageTitle;
use crate::i18n::{Key, t};

/// The offline page.
#[component]
pub fn OfflinePage() -> impl IntoView {
    view! {
        <PageTitle key=Key::OfflinePageTitle />
        <h1>{t(Key::OfflinePageTitle)}</h1>
        <p>{t(Key::OfflinePageText)}</p>
        <p><a href="/">{t(Key::OfflinePageCatalog)}</a></p>
    }
}
