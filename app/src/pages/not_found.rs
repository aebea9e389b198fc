//! Any path that matches no page.

use leptos::prelude::*;

use crate::api::AppError;
use crate::components::notice::ErrorNotice;

/// The 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorNotice error=AppError::NotFound /> }
}
