//! Messages in place of content: errors and "not found".

use leptos::prelude::*;

use crate::api::AppError;
use crate::i18n::{Key, Texts, t, use_locale};

/// Shows an error from a server function, and sets the HTTP status.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status());
    }
    let (heading, text) = match error {
        AppError::NotFound => (Key::NotFoundHeading, Key::NotFoundText),
        AppError::Forbidden => (Key::ForbiddenHeading, Key::ForbiddenText),
        AppError::Unauthenticated => (Key::UnauthenticatedHeading, Key::UnauthenticatedText),
        AppError::Invalid(_) | AppError::Rejected(_) | AppError::Internal => {
            (Key::ErrorHeading, Key::ErrorText)
        }
        AppError::Busy => (Key::ErrorHeading, Key::ErrorBusy),
    };
    let sign_in = matches!(error, AppError::Unauthenticated).then(|| {
        view! { <p><a class="button" href=next_login()>{t(Key::NavLogIn)}</a></p> }
    });
    view! {
        <PageTitle key=heading />
        <div class="notice notice--error">
            <h1>{t(heading)}</h1>
            <p>{t(text)}</p>
            {sign_in}
            <p>
                <a href="/">{t(Key::BackToCatalog)}</a>
            </p>
        </div>
    }
}

/// The document title from a translation key. The title text is a plain
/// string, re-created when the language changes: Leptos renders `<title>`
/// after the page's reactive scope has ended, where reading a signal panics.
#[component]
pub fn PageTitle(key: Key) -> impl IntoView {
    let locale = use_locale();
    move || view! { <leptos_meta::Title text=locale.get().text(key) /> }
}

/// `/login?next=<this page>`.
fn next_login() -> String {
    let location = leptos_router::hooks::use_location();
    let path = location.pathname.get_untracked();
    format!("/login?next={}", crate::pages::auth::urlencode(&path))
}

/// The message for a refusal code from the server.
pub fn rejection_key(code: &str) -> Key {
    match code {
        "username_taken" => Key::ErrorUsernameTaken,
        "username_invalid" => Key::ErrorUsernameInvalid,
        "password_short" => Key::ErrorPasswordShort,
        "password_long" => Key::ErrorPasswordLong,
        "email_invalid" => Key::ErrorEmailInvalid,
        "field_too_long" => Key::ErrorFieldTooLong,
        "wrong_credentials" => Key::ErrorWrongCredentials,
        "throttled" => Key::ErrorThrottled,
        "busy" => Key::ErrorBusy,
        "wrong_password" => Key::ErrorWrongPassword,
        "no_such_user" => Key::ErrorNoSuchUser,
        "join_code_unknown" => Key::ErrorJoinCodeUnknown,
        "group_name_invalid" => Key::ErrorGroupNameInvalid,
        "message_empty" => Key::ErrorMessageEmpty,
        "message_long" => Key::ErrorMessageLong,
        "message_closed" => Key::ErrorMessageClosed,
        "message_rate" => Key::ErrorMessageRate,
        "message_too_old" => Key::ErrorMessageTooOld,
        "appointment_date" => Key::ErrorAppointmentDate,
        "appointment_past" => Key::ErrorAppointmentPast,
        "appointment_far" => Key::ErrorAppointmentFar,
        "appointment_length" => Key::ErrorAppointmentLength,
        "appointment_count" => Key::ErrorAppointmentCount,
        "appointment_place" => Key::ErrorAppointmentPlace,
        "appointment_link" => Key::ErrorAppointmentLink,
        "appointment_note" => Key::ErrorAppointmentNote,
        "appointment_overlap" => Key::ErrorAppointmentOverlap,
        "appointment_taken" => Key::ErrorAppointmentTaken,
        "appointment_too_many" => Key::ErrorAppointmentTooMany,
        "appointment_cancelled" => Key::ErrorAppointmentCancelled,
        "appointment_stale" => Key::ErrorAppointmentStale,
        "appointment_rate" => Key::ErrorAppointmentRate,
        "own_role" => Key::ErrorOwnRole,
        "reset_code_wrong" => Key::ErrorResetCodeWrong,
        "last_admin" => Key::ErrorLastAdmin,
        "not_your_learner" => Key::ErrorNotYourLearner,
        "revoke_reason_missing" => Key::ErrorRevokeReasonMissing,
        "reissue_reason_missing" => Key::ErrorReissueReasonMissing,
        "badge_not_revoked" => Key::ErrorBadgeNotRevoked,
        "badge_changed" => Key::ErrorBadgeChanged,
        "author_cannot_earn" => Key::ErrorAuthorCannotEarn,
        "evidence_missing" => Key::ErrorEvidenceMissing,
        "evidence_link_invalid" => Key::ErrorEvidenceLinkInvalid,
        "evidence_pending" => Key::ErrorEvidencePending,
        "badge_held" => Key::ErrorBadgeHeld,
        "evidence_decided" => Key::ErrorEvidenceDecided,
        "decline_note_missing" => Key::ErrorDeclineNoteMissing,
        "badge_gone" => Key::ErrorBadgeGone,
        "not_on_self" => Key::ErrorNotOnSelf,
        "confirmation_invalid" => Key::ErrorConfirmationInvalid,
        "email_missing" => Key::ErrorEmailMissing,
        "email_confirmed" => Key::ErrorEmailConfirmed,
        "confirmation_sent_recently" => Key::ErrorConfirmationSentRecently,
        _ => Key::ErrorRejected,
    }
}

/// The reason a form was refused (query parameter `param`, default
/// `error`), announced when it appears.
#[component]
pub fn FormError(#[prop(default = "error")] param: &'static str) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    move || {
        let code = query.read().get(param).unwrap_or_default();
        (!code.is_empty()).then(|| view! { <Refusal code /> })
    }
}

/// The reason a form was refused, from its code, announced.
#[component]
pub fn Refusal(code: String) -> impl IntoView {
    view! { <p class="notice notice--error" role="alert">{t(rejection_key(&code))}</p> }
}
