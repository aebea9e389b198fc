//! Holes: where a signed-in reader's own parts go in a page kept for every
//! reader (see `polku_web::pages` and [`crate::kept`]). A page rendered to
//! be kept that way has the request extension [`ReaderHoles`]; each part
//! of the reader's own then renders a [`Hole`] instead of itself, and each
//! answer fills the holes with that reader's parts.

use leptos::prelude::*;

/// The request extension of a render that leaves the reader's own parts
/// as holes.
#[derive(Debug, Clone, Copy)]
pub struct ReaderHoles;

/// Whether this render leaves the reader's own parts as holes.
pub fn holes_on() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .is_some_and(|parts| parts.extensions.get::<ReaderHoles>().is_some())
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// The hole a reader's part `name` is filled into (an empty `template`,
/// marked with the process' key: no text can make one).
#[component]
pub fn Hole(name: &'static str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let key = polku_web::pages::hole_key();
    #[cfg(not(feature = "ssr"))]
    let key = "";
    view! { <template data-hole=name data-key=key></template> }
}

/// The hole [`WhoField`] leaves.
pub const WHO_HOLE: &str = "who";

/// The signed-in learner's account in a form (an answer kept offline is
/// recorded only for her): one of her own parts.
#[component]
pub fn WhoField(who: i32) -> impl IntoView {
    if holes_on() {
        return view! { <Hole name=WHO_HOLE /> }.into_any();
    }
    view! { <input type="hidden" name="who" value=who.to_string() /> }.into_any()
}
