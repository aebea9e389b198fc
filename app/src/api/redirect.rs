//! Where to send someone after a form (`next`): only a path on this site.

/// `next` when it is a same-site path (`/courses/x?y=1`), else `fallback`.
///
/// Browsers forgive a lot in a `Location`: they drop tabs and newlines,
/// read `\` as `/` and `//host` as another site, so `/\t/evil.example`
/// leads away. Accepted is only a path that starts with one `/`, has no
/// control character, whitespace or backslash, and whose percent-escapes
/// decoded give no control character or backslash and no leading `//`
/// (`/%2F%2Fevil.example`, `/%5Cevil.example`).
pub fn safe_next<'a>(next: &'a str, fallback: &'a str) -> &'a str {
    let ok = same_site_path(next.as_bytes())
        && !next.chars().any(char::is_whitespace)
        && decoded_is_safe(next);
    if ok { next } else { fallback }
}

/// One `/`, then no second `/` first, and no byte a browser might skip or
/// turn into `/`. Bytes of multi-byte characters (≥ 0x80) are fine.
fn same_site_path(path: &[u8]) -> bool {
    path.first() == Some(&b'/')
        && path.get(1) != Some(&b'/')
        && !path.iter().any(|&b| b.is_ascii_control() || b == b'\\')
}

/// `path` with its percent-escapes decoded, as often as they decode to
/// something new (`%252F` → `%2F` → `/`), is still a same-site path.
fn decoded_is_safe(path: &str) -> bool {
    let mut current = path.as_bytes().to_vec();
    // Each round shortens the text, so this ends; a few rounds is plenty.
    for _ in 0..4 {
        let decoded = percent_decode(&current);
        if decoded == current {
            return true;
        }
        if !same_site_path(&decoded) {
            return false;
        }
        current = decoded;
    }
    false
}

fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1)
            .copied()
            .and_then(hex)
            .zip(bytes.get(i + 2).copied().and_then(hex));
        match (bytes[i], escaped) {
            (b'%', Some((high, low))) => {
                // Two hex digits are at most 0xff.
                out.push(u8::try_from(high * 16 + low).unwrap_or(u8::MAX));
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn ordinary_paths_pass() {
        for next in [
            "/",
            "/dashboard",
            "/courses/x?y=1",
            "/courses/x?y=1#part-2",
            "/search?q=ty%C3%B6nhaku",
            "/search?q=job%20search&page=100%25",
            "/kurssit/työnhaku",
        ] {
            assert_eq!(safe_next(next, "/dashboard"), next, "{next:?}");
        }
    }

    #[test]
    fn other_sites_and_tricks_go_to_the_fallback() {
        for next in [
            "",
            "dashboard",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            " /dashboard",
            "/path with space",
            "/a\\b",
            "/a\u{7f}",
            "https://evil.example/",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%2F%2Fevil.example",
            "/%2f/evil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/%252F%252Fevil.example",
            "/x%00",
            "/%0D%0A/evil.example",
        ] {
            assert_eq!(safe_next(next, "/dashboard"), "/dashboard", "{next:?}");
        }
    }
}
