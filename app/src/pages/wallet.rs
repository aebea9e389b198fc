//! `/badges`: the signed-in person's badge wallet: each badge with its
//! downloads (baked PNG and SVG pictures, the JSON credential), its public
//! link with a QR code and "add to LinkedIn" while shared, and the
//! printable certificate (`/badges/:id/certificate`). Sharing starts and
//! stops with plain forms.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::badges::{Certificate, WalletBadge, get_certificate, get_wallet};
use crate::components::loaded::loaded;
use crate::components::notice::PageTitle;
use crate::i18n::{Key, t, tf};

/// The wallet.
#[component]
pub fn WalletPage() -> impl IntoView {
    let wallet = Resource::new(|| (), |_| get_wallet());
    let query = use_query_map();
    let shared = move || query.read().get("shared");
    view! {
        <PageTitle key=Key::WalletHeading />
        <h1>{t(Key::WalletHeading)}</h1>
        <p class="lead">{t(Key::WalletIntro)}</p>
        {move || shared().map(|on| {
            let key = if on == "true" { Key::WalletSharedNotice } else { Key::WalletStoppedNotice };
            view! { <p class="notice" role="status">{t(key)}</p> }
        })}
        {loaded(wallet, |badges: Vec<WalletBadge>| {
            if badges.is_empty() {
                view! { <p>{t(Key::WalletEmpty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="wallet">
                        {badges.into_iter().map(|b| view! { <WalletItem badge=b /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }
        })}
        <p><a href="/verify">{t(Key::BadgeVerifyHint)}</a></p>
    }
}

/// One badge in the wallet.
#[component]
fn WalletItem(badge: WalletBadge) -> impl IntoView {
    let id = badge.id;
    let heading = format!("badge-{id}-name");
    let labelled_by = heading.clone();
    let name = badge.name.clone();
    let show = crate::i18n::local_time_now;
    let issued = show(&badge.issued);
    let dates = match (&badge.valid_until, badge.expired) {
        (Some(until), true) => tf(
            Key::WalletExpired,
            vec![("issued", issued), ("date", show(until))],
        ),
        (Some(until), false) => tf(
            Key::WalletValidUntil,
            vec![("issued", issued), ("date", show(until))],
        ),
        (None, _) => tf(Key::BadgeIssued, vec![("date", issued)]),
    };
    let sharing = match badge.share_url.clone() {
        Some(url) => {
            let token = url.rsplit('=').next().unwrap_or_default().to_owned();
            view! {
                <p>{t(Key::WalletShareLink)} " " <a href=url.clone() class="wallet-badge__link">{url.clone()}</a></p>
                <img class="qr" src=format!("/badges/shared/{token}/qr.svg") width="160" height="160"
                    alt=tf(Key::WalletQrAlt, vec![("name", name.clone())]) />
                <ul class="wallet-badge__actions">
                    {badge.linkedin_url.clone().map(|href| view! {
                        <li><a href=href rel="noopener noreferrer">{t(Key::WalletLinkedin)}</a></li>
                    })}
                    <li><a href=format!("/badges/{id}/certificate")>{t(Key::WalletCertificate)}</a></li>
                </ul>
                <form method="post" action="/api/share_badge">
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="share" value="false" />
                    <button type="submit" class="button button--quiet">
                        {tf(Key::WalletStopSharing, vec![("name", name.clone())])}
                    </button>
                </form>
            }
            .into_any()
        }
        None => view! {
            <p>{t(Key::WalletNotShared)}</p>
            <form method="post" action="/api/share_badge">
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="share" value="true" />
                <button type="submit" class="button">
                    {tf(Key::WalletShare, vec![("name", name.clone())])}
                </button>
            </form>
        }
        .into_any(),
    };
    view! {
        <li class="wallet-badge" id=format!("badge-{id}") aria-labelledby=labelled_by>
            <img class="wallet-badge__picture" src=format!("/badges/{id}/badge.svg") width="96" height="96" alt="" />
            <h2 id=heading>{badge.name.clone()}</h2>
            <p>{dates}</p>
            {badge.revoked.clone().map(|(date, reason)| view! {
                <p class="notice notice--error">
                    <strong>{tf(Key::WalletRevoked, vec![("date", date)])}</strong>
                    " " {reason}
                </p>
            })}
            <h3>{t(Key::WalletFilesHeading)}</h3>
            <ul class="wallet-badge__files">
                <li><a href=format!("/badges/{id}/badge.png") download>{t(Key::BadgeDownloadPng)}</a></li>
                <li><a href=format!("/badges/{id}/badge.svg") download>{t(Key::BadgeDownloadSvg)}</a></li>
                <li><a href=format!("/badges/{id}/badge.json") download>{t(Key::BadgeDownloadJson)}</a></li>
            </ul>
            <h3>{t(Key::WalletShareHeading)}</h3>
            {sharing}
        </li>
    }
}

/// `/badges/:id/certificate`: one page to print, with the QR code of the
/// badge's public link.
#[component]
pub fn CertificatePage() -> impl IntoView {
    let params = use_params_map();
    let certificate = Resource::new(
        move || {
            params
                .read()
                .get("id")
                .and_then(|id| id.parse::<i32>().ok())
                .unwrap_or_default()
        },
        get_certificate,
    );
    loaded(certificate, |c: Certificate| {
        let token = c
            .share_url
            .as_deref()
            .and_then(|u| u.rsplit('=').next())
            .map(str::to_owned);
        view! {
            <leptos_meta::Title text=c.name.clone() />
            <p class="no-print"><a href=format!("/badges#badge-{}", c.id)>{t(Key::CertificateBack)}</a></p>
            <article class="certificate" aria-labelledby="certificate-title">
                <p class="certificate__kicker">{t(Key::CertificateKicker)}</p>
                <h1 id="certificate-title">{c.name.clone()}</h1>
                <p class="certificate__recipient">{tf(Key::CertificateAwardedTo, vec![("name", c.recipient.clone())])}</p>
                <p>{c.description.clone()}</p>
                <h2>{t(Key::CertificateHow)}</h2>
                <p>{c.criteria.clone()}</p>
                <p>{tf(Key::CertificateIssued, vec![("issuer", c.issuer.clone()), ("date", crate::i18n::local_time_now(&c.issued))])}</p>
                {c.valid_until.clone().map(|d| view! { <p>{tf(Key::CertificateValidUntil, vec![("date", d)])}</p> })}
                {c.revoked.then(|| view! { <p class="notice notice--error"><strong>{t(Key::CertificateRevoked)}</strong></p> })}
                {match (token, c.share_url.clone()) {
                    (Some(token), Some(url)) => view! {
                        <div class="certificate__check">
                            <img class="qr" src=format!("/badges/shared/{token}/qr.svg") width="160" height="160"
                                alt=tf(Key::WalletQrAlt, vec![("name", c.name.clone())]) />
                            <p>{t(Key::CertificateCheck)} " " <span class="certificate__url">{url}</span></p>
                        </div>
                    }.into_any(),
                    _ => view! { <p class="no-print">{t(Key::CertificateNotShared)}</p> }.into_any(),
                }}
            </article>
            <p class="no-print">{t(Key::CertificatePrintHint)}</p>
        }
    })
}
