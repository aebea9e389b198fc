//! Every cookie the site sets, built in one place on the `cookie` crate:
//! `HttpOnly` (no script of ours reads a cookie), a `SameSite` policy,
//! `Path=/`, and `Secure` when the site is served over HTTPS. The session
//! cookie is then named `__Host-polku_session`: browsers keep such a cookie
//! only when it is Secure, for `Path=/` and without `Domain`, so no
//! subdomain or plain-HTTP page can plant or overwrite it. Cookies sent by
//! the browser are read here too.

use cookie::Cookie;
use cookie::time::Duration;

pub use cookie::SameSite;

/// The session cookie's name over plain HTTP.
pub const SESSION_COOKIE: &str = "polku_session";
/// The session cookie's name when cookies are `Secure`.
pub const HOST_SESSION_COOKIE: &str = "__Host-polku_session";

/// Whether cookies get `Secure` (the site is served over HTTPS); kept in
/// the [`crate::AppState`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecureCookies(pub bool);

impl SecureCookies {
    /// The setting of this request (from the state in Leptos context; off
    /// outside a request).
    pub fn current() -> Self {
        crate::AppState::current().map_or_else(SecureCookies::default, |s| s.secure_cookies)
    }

    /// The `Set-Cookie` value that keeps `name=value` for `max_age` seconds.
    pub fn set(self, name: &str, value: &str, max_age: i64, same_site: SameSite) -> String {
        self.build(name, value, same_site)
            .max_age(Duration::seconds(max_age))
            .build()
            .to_string()
    }

    /// The `Set-Cookie` value that removes the cookie `name`.
    pub fn remove(self, name: &str, same_site: SameSite) -> String {
        let mut cookie = self.build(name, "", same_site).build();
        cookie.make_removal();
        cookie.to_string()
    }

    fn build<'a>(
        self,
        name: &'a str,
        value: &'a str,
        same_site: SameSite,
    ) -> cookie::CookieBuilder<'a> {
        Cookie::build((name, value))
            .path("/")
            .http_only(true)
            .same_site(same_site)
            .secure(self.0)
    }

    /// The name the session cookie is set under.
    pub fn session_name(self) -> &'static str {
        if self.0 {
            HOST_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        }
    }
}

/// The value of cookie `name` in request headers, if any.
pub fn get(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// The session token a request carries, under either name (the `__Host-`
/// one first).
pub fn session_token(headers: &http::HeaderMap) -> Option<String> {
    get(headers, HOST_SESSION_COOKIE).or_else(|| get(headers, SESSION_COOKIE))
}

#[cfg(test)]
mod tests {
    use super::{SameSite, SecureCookies, get};

    #[test]
    fn every_cookie_is_http_only_site_wide_and_secure_over_https() {
        let plain = SecureCookies(false).set("polku_lang", "fi", 60, SameSite::Lax);
        for part in [
            "polku_lang=fi",
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=60",
        ] {
            assert!(plain.contains(part), "{plain}");
        }
        assert!(!plain.contains("Secure"), "{plain}");
        let secure = SecureCookies(true).set("x", "1", 60, SameSite::Strict);
        assert!(
            secure.contains("Secure") && secure.contains("SameSite=Strict"),
            "{secure}"
        );
        let gone = SecureCookies(true).remove("x", SameSite::Strict);
        assert!(
            gone.starts_with("x=;") && gone.contains("Max-Age=0") && gone.contains("Secure"),
            "{gone}"
        );
        assert_eq!(SecureCookies(true).session_name(), "__Host-polku_session");
        assert_eq!(SecureCookies(false).session_name(), "polku_session");
    }

    #[test]
    fn request_cookies_are_read_by_name() {
        let mut headers = http::HeaderMap::new();
        headers.append(
            http::header::COOKIE,
            http::HeaderValue::from_static("a=1; polku_session=abc; polku_lang=sv"),
        );
        headers.append(http::header::COOKIE, http::HeaderValue::from_static("b=2"));
        assert_eq!(get(&headers, "polku_session").as_deref(), Some("abc"));
        assert_eq!(get(&headers, "b").as_deref(), Some("2"));
        assert_eq!(get(&headers, "polku"), None);
    }
}
