//! Data loaded from the server: a loading text meanwhile, the error page
//! (with its HTTP status) on failure.

use leptos::prelude::*;

use crate::api::AppError;
use crate::components::notice::ErrorNotice;
use crate::i18n::{Key, t};

/// Renders `resource` with `render` once it has loaded. While it reloads
/// (e.g. after a language switch) the previous content stays on screen.
pub fn loaded<T, V, Ser>(
    resource: Resource<Result<T, AppError>, Ser>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    Ser: Send + Sync + 'static,
{
    view! {
        <Transition fallback=|| view! { <p>{t(Key::Loading)}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
