//! `/verify`: anyone (an employer, without an account) pastes a badge and
//! reads a plain-language verdict, with the technical checks below it. The
//! form posts to `/verify` itself; the server checks the badge and answers
//! with this page showing the result (no JavaScript needed, nothing stored).
//! A shared badge's public link (`/verify?badge=…`, also in its QR code)
//! opens this page with that badge checked.

use leptos::prelude::*;

use crate::api::badges::{CheckView, Submitted, VerifyView};
use crate::components::notice::PageTitle;
use crate::i18n::{Key, Locale, t, tf, use_locale};

/// The page: the form, and the verdict when a badge was posted.
#[component]
pub fn VerifyPage() -> impl IntoView {
    // Given by the server when it answers a posted badge; serialised into
    // the page, so hydration shows the same verdict.
    let submitted = use_context::<Submitted>().map(|s| s.0);
    let query = leptos_router::hooks::use_query_map();
    let reader = use_locale();
    let result = Resource::new(
        move || {
            let token = query.read().get("badge").unwrap_or_default();
            (token, reader.get())
        },
        move |(token, locale): (String, Locale)| {
            let submitted = submitted.clone();
            async move {
                match submitted {
                    Some(v) => Ok(Some(Ok(v))),
                    None if token.is_empty() => Ok(None),
                    // A shared link: no badge under it is said in words.
                    None => crate::api::badges::check_shared(token, Some(locale))
                        .await
                        .map(|found| Some(found.ok_or(()))),
                }
            }
        },
    );
    view! {
        <PageTitle key=Key::VerifyHeading />
        <h1>{t(Key::VerifyHeading)}</h1>
        <p class="lead">{t(Key::VerifyIntro)}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let answer: Result<Option<Result<VerifyView, ()>>, crate::api::AppError> = result.await;
                let (verdict, gone) = match answer {
                    Ok(Some(Ok(v))) => (Some(v), false),
                    Ok(Some(Err(()))) => (None, true),
                    _ => (None, false),
                };
                let input = verdict.as_ref().map(|v| v.input.clone()).unwrap_or_default();
                let typed_email = verdict.as_ref().map(|v| v.email.clone()).unwrap_or_default();
                // Not checked (too many checks from this address, or the
                // server is busy): said instead of a verdict.
                let refused = match verdict.as_ref().map(|v| v.outcome.as_str()) {
                    Some("too_many_requests") => Some(Key::VerifyTooMany),
                    Some("busy") => Some(Key::ErrorBusy),
                    _ => None,
                };
                let verdict = verdict.filter(|_| refused.is_none());
                view! {
                    {gone.then(|| view! { <p class="notice notice--error" role="alert">{t(Key::VerifyLinkGone)}</p> })}
                    {refused.map(|key| view! { <p class="notice notice--error" role="alert">{t(key)}</p> })}
                    {verdict.map(|v| view! { <Verdict verdict=v /> })}
                    <form class="stack" method="post" action="/verify" enctype="multipart/form-data">
                        <p class="field">
                            <label for="verify-file">{t(Key::VerifyFileLabel)}</label>
                            <input id="verify-file" type="file" name="badge" accept=".png,.svg,.json,image/png,image/svg+xml,application/json" />
                        </p>
                        <p class="field">
                            <label for="verify-credential">{t(Key::VerifyLabel)}</label>
                            <textarea id="verify-credential" name="credential" rows="8" spellcheck="false">{input}</textarea>
                        </p>
                        <p class="field">
                            <label for="verify-email">{t(Key::VerifyEmailLabel)}</label>
                            <span id="verify-email-help" class="muted">{t(Key::VerifyEmailHelp)}</span>
                            <input id="verify-email" type="email" name="email" maxlength="254" autocomplete="off"
                                aria-describedby="verify-email-help" value=typed_email />
                        </p>
                        <button type="submit">{t(Key::VerifyButton)}</button>
                    </form>
                }
            })}
        </Suspense>
    }
}

/// A date-time as the reader's locale writes a date.
fn day(value: &Option<String>, locale: Locale) -> String {
    let Some(date) = value.as_deref().and_then(|v| v.get(..10)) else {
        return String::new();
    };
    let mut parts = date.split('-');
    match (locale, parts.next(), parts.next(), parts.next()) {
        (Locale::Fi, Some(y), Some(m), Some(d)) => format!(
            "{}.{}.{y}",
            d.trim_start_matches('0'),
            m.trim_start_matches('0')
        ),
        _ => date.to_owned(),
    }
}

/// The verdict in words, then the checks.
#[component]
fn Verdict(verdict: VerifyView) -> impl IntoView {
    let locale = use_locale();
    let v = verdict.clone();
    let headline = move || {
        let l = locale.get();
        let key = match v.outcome.as_str() {
            "valid" => Key::VerifyValid,
            "valid_trusted" => {
                let issuer = v.issuer_verified.clone().unwrap_or_default();
                return tf(Key::VerifyValidTrusted, vec![("issuer", issuer)])();
            }
            // An intact signature by a key nobody vouches for, or a key
            // this site never looks up.
            "issuer_not_verified" if v.signer.is_some() => Key::VerifyIssuerNotVerified,
            "issuer_not_verified" => Key::VerifyUnknownIssuer,
            "tampered" => Key::VerifyTampered,
            "revoked" => Key::VerifyRevoked,
            "expired" => {
                return tf(Key::VerifyExpired, vec![("date", day(&v.valid_until, l))])();
            }
            "not_yet_valid" => {
                return tf(Key::VerifyNotYet, vec![("date", day(&v.issued, l))])();
            }
            _ => Key::VerifyNotABadge,
        };
        t(key)().to_owned()
    };
    let valid = matches!(verdict.outcome.as_str(), "valid" | "valid_trusted");
    // Whether the revocation list was read and the badge is not in it.
    let status_read = verdict
        .checks
        .iter()
        .any(|c| c.kind == "status" && c.result == "passed");
    let readable = verdict.outcome != "not_a_badge";
    let v = verdict.clone();
    let details = readable.then(|| {
        let issued = {
            let v = v.clone();
            move || {
                let l = locale.get();
                // The issuer is named as this site knows it; a name only the
                // badge gives is shown as its claim.
                let (issuer, to, by) = match &v.issuer_verified {
                    Some(name) => (name.clone(), Key::VerifyIssuedTo, Key::VerifyIssuedBy),
                    None => (
                        v.issuer_name
                            .clone()
                            .or_else(|| v.issuer_id.clone())
                            .unwrap_or_default(),
                        Key::VerifyClaimedTo,
                        Key::VerifyClaimedBy,
                    ),
                };
                let date = day(&v.issued, l);
                match &v.recipient {
                    Some(r) => tf(
                        to,
                        vec![("recipient", r.clone()), ("issuer", issuer), ("date", date)],
                    )(),
                    None => tf(by, vec![("issuer", issuer), ("date", date)])(),
                }
            }
        };
        let what = v
            .achievement
            .clone()
            .map(|a| match &v.description {
                Some(d) => format!("{a}. {d}"),
                None => a,
            })
            .map(|what| view! { <p>{tf(Key::VerifyCertifies, vec![("what", what)])}</p> });
        let how = v
            .criteria
            .clone()
            .map(|how| view! { <p>{tf(Key::VerifyEarned, vec![("how", how)])}</p> });
        let until = {
            let v = v.clone();
            move || match &v.valid_until {
                Some(_) => tf(
                    Key::VerifyValidUntil,
                    vec![("date", day(&v.valid_until, locale.get()))],
                )(),
                None => t(Key::VerifyNoEnd)().to_owned(),
            }
        };
        // The applicant's address compared with the badge's holder (only
        // what a verified issuer signed can say whose a badge is).
        let email_check = (!v.email.is_empty() && v.issuer_verified.is_some()).then(|| {
            let key = match v.email_match {
                Some(true) => Key::VerifyEmailMatch,
                Some(false) => Key::VerifyEmailNoMatch,
                None => Key::VerifyEmailUnknown,
            };
            let strong = v.email_match == Some(false);
            let text = tf(key, vec![("email", v.email.clone())]);
            view! { <p class=if strong { "verdict__email verdict__email--no" } else { "verdict__email" }>{text}</p> }
        });
        // ESCO's terms of reuse ask a service showing it to say so.
        let esco = v.alignment.iter().any(|a| a.starts_with("ESCO "));
        let competences = (!v.alignment.is_empty()).then(|| {
            view! {
                <p>{tf(Key::VerifyCompetences, vec![("list", v.alignment.join("; "))])}</p>
                {esco.then(|| view! { <p class="muted">{t(Key::VerifyEscoNotice)}</p> })}
            }
        });
        let evidence = (!v.evidence.is_empty()).then(|| {
            view! {
                <p>{t(Key::VerifyEvidence)}</p>
                <ul class="verdict__evidence">
                    {v.evidence.iter().map(|(what, link)| view! {
                        <li>
                            {what.clone()}
                            {link.clone().map(|href| {
                                let shown = href.clone();
                                view! { " " <a href=href rel="noopener noreferrer nofollow">{shown}</a> }
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            }
        });
        let signer = (v.issuer_verified.is_none())
            .then(|| v.signer.clone())
            .flatten()
            .map(|signer| view! { <p>{tf(Key::VerifySignedBy, vec![("signer", signer)])}</p> });
        let checked_at = v.status_checked_at.clone();
        let status = move || match (&checked_at, status_read) {
            (Some(at), true) => tf(
                Key::VerifyNotRevokedAt,
                vec![("time", at.replace('T', " ").trim_end_matches('Z').to_owned())],
            )(),
            (None, true) => t(Key::VerifyNotRevoked)().to_owned(),
            (_, false) => t(Key::VerifyStatusUnchecked)().to_owned(),
        };
        view! {
            <p>{issued}</p>
            {email_check}
            {signer}
            {what}
            {how}
            {competences}
            {evidence}
            {valid.then(|| view! {
                <p>{until}</p>
                <p>{status}</p>
            })}
        }
    });
    let checks = verdict
        .checks
        .into_iter()
        .map(|c| view! { <CheckRow check=c /> })
        .collect_view();
    view! {
        <section
            class=if valid { "verdict verdict--valid" } else { "verdict verdict--invalid" }
            aria-labelledby="verdict-heading"
        >
            <h2 id="verdict-heading">{t(Key::VerifyResultHeading)}</h2>
            <p class="verdict__headline"><strong>{headline}</strong></p>
            {details}
            <h3>{t(Key::VerifyChecksHeading)}</h3>
            <ul class="verdict__checks">{checks}</ul>
        </section>
    }
}

/// One technical check: its name, result and detail.
#[component]
fn CheckRow(check: CheckView) -> impl IntoView {
    let name = match check.kind.as_str() {
        "format" => Key::VerifyCheckFormat,
        "signature" => Key::VerifyCheckSignature,
        "issuer_key" => Key::VerifyCheckIssuerKey,
        "dates" => Key::VerifyCheckDates,
        _ => Key::VerifyCheckStatus,
    };
    let result = match check.result.as_str() {
        "passed" => Key::VerifyPassed,
        "failed" => Key::VerifyFailed,
        _ => Key::VerifyNotChecked,
    };
    view! {
        <li>
            <strong>{t(name)}</strong>": "{t(result)}
            <br />
            <span class="verdict__detail" lang="en">{check.detail}</span>
        </li>
    }
}
