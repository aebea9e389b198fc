//! Forms without reloads. Every form that changes something posts to a
//! server function (`/api/…`) and works without JavaScript: the server
//! redirects to the page to show next. Hydrated, one listener sends those
//! forms with `fetch` instead, follows the redirect inside the app, and
//! bumps the data version that every page's resources read, so the page
//! shows the new state without a reload. If the fetch fails, the form is
//! posted the plain way.

use leptos::prelude::*;

/// The data version: pages' resources read it, so they load again after a
/// form has been sent.
#[derive(Debug, Clone, Copy)]
pub struct Refresh(pub RwSignal<u32>);

/// The current data version (tracked).
pub fn version() -> u32 {
    use_context::<Refresh>().map(|r| r.0.get()).unwrap_or(0)
}

/// Starts sending `/api/` forms with fetch (browser only; call inside the
/// router).
#[cfg(feature = "hydrate")]
pub fn send_forms_in_place(refresh: RwSignal<u32>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let navigate = leptos_router::hooks::use_navigate();
    let handler =
        Closure::<dyn FnMut(web_sys::SubmitEvent)>::new(move |ev: web_sys::SubmitEvent| {
            if ev.default_prevented() {
                return;
            }
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let action = form.get_attribute("action").unwrap_or_default();
            if !form.method().eq_ignore_ascii_case("post") || !action.starts_with("/api/") {
                return;
            }
            let Ok(data) = web_sys::FormData::new_with_form(&form) else {
                return;
            };
            // The button that was pressed, if it carries a value (e.g. "publish").
            if let Some(button) = ev.submitter()
                && let Some(name) = button.get_attribute("name")
            {
                let _ =
                    data.append_with_str(&name, &button.get_attribute("value").unwrap_or_default());
            }
            let Ok(params) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else {
                return;
            };
            ev.prevent_default();
            let body: String = params.to_string().into();
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                match send(&action, &body).await {
                    Ok(Some(location)) => {
                        let here = window().location();
                        let same_page = match (here.pathname(), here.origin()) {
                            (Ok(path), Ok(origin)) => {
                                path == path_of(location.strip_prefix(&origin).unwrap_or(&location))
                            }
                            _ => true,
                        };
                        navigate(&location, Default::default());
                        // Back on the same page, its data is loaded again.
                        // Another page loads its own when it opens; the page
                        // being left must not load its data again (it may no
                        // longer be allowed to, e.g. after signing out, and a
                        // lazily loaded page opens only once its code is
                        // there, so a refresh "soon" could still reach it).
                        if same_page {
                            set_timeout(
                                move || refresh.update(|v| *v += 1),
                                std::time::Duration::ZERO,
                            );
                        }
                    }
                    Ok(None) => refresh.update(|v| *v += 1),
                    Err(()) => {
                        let _ = form.submit();
                    }
                }
            });
        });
    let _ = window().add_event_listener_with_callback("submit", handler.as_ref().unchecked_ref());
    handler.forget();
}

/// The path of a redirect's target (`/a/b?x=1#y` → `/a/b`).
#[cfg(feature = "hydrate")]
fn path_of(location: &str) -> &str {
    let end = location.find(['?', '#']).unwrap_or(location.len());
    &location[..end]
}

/// Posts the form; the redirect's target, if the server sent one.
#[cfg(feature = "hydrate")]
async fn send(action: &str, body: &str) -> Result<Option<String>, ()> {
    use wasm_bindgen::JsCast;
    let headers = web_sys::Headers::new().map_err(|_| ())?;
    headers
        .set("Content-Type", "application/x-www-form-urlencoded")
        .map_err(|_| ())?;
    headers.set("Accept", "application/json").map_err(|_| ())?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&wasm_bindgen::JsValue::from_str(body));
    let response =
        wasm_bindgen_futures::JsFuture::from(window().fetch_with_str_and_init(action, &init))
            .await
            .map_err(|_| ())?
            .dyn_into::<web_sys::Response>()
            .map_err(|_| ())?;
    if !response.ok() {
        return Err(());
    }
    Ok(response.headers().get("location").ok().flatten())
}
