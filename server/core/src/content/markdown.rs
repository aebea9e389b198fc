//! Markdown to safe HTML: pulldown-cmark renders, ammonia sanitises.
//!
//! Lesson HTML is produced here once, at import, and stored; pages never
//! re-render it. Anything an author writes as raw HTML passes through the
//! sanitiser: scripts, event handlers, `style` and `javascript:` URLs never
//! reach a learner's browser.

use pulldown_cmark::{Options, Parser, html};

/// The Markdown dialect of lessons: CommonMark plus GFM tables and
/// strikethrough.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Renders Markdown to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options()));
    sanitise(&unsafe_html)
}

/// Sanitises author HTML with ammonia's conservative defaults (which drop
/// scripts, event-handler attributes, `style` and non-web URL schemes and add
/// `rel="noopener noreferrer"` to links).
pub fn sanitise(html: &str) -> String {
    ammonia::clean(html)
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_commonmark_and_tables() {
        let html = render("## Otsikko\n\nTeksti **lihava**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(html.contains("<h2>Otsikko</h2>"), "{html}");
        assert!(html.contains("<strong>lihava</strong>"), "{html}");
        assert!(
            html.contains("<table>") && html.contains("<td>2</td>"),
            "{html}"
        );
    }

    #[test]
    fn script_tags_never_survive() {
        for input in [
            "<script>alert(1)</script>",
            "Text <script src=\"https://evil.example/x.js\"></script> more",
            "<div>\n<script>alert(1)</script>\n</div>",
            "<SCRIPT>alert(1)</SCRIPT>",
        ] {
            let html = render(input);
            assert!(
                !html.to_lowercase().contains("<script"),
                "{input:?} gave {html}"
            );
            assert!(!html.contains("evil.example"), "{input:?} gave {html}");
        }
    }

    #[test]
    fn javascript_links_never_survive() {
        for input in [
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "[x](  javascript:alert(1) )",
            "<javascript:alert(1)>",
            "![img](javascript:alert(1))",
        ] {
            // As text the URL is harmless; it must never be an attribute value.
            let html: String = render(input).to_lowercase().split_whitespace().collect();
            assert!(
                !html.contains("=\"javascript:") && !html.contains("='javascript:"),
                "{input:?} gave {html}"
            );
            assert!(
                !html.contains("href=\"javascript") && !html.contains("src=\"javascript"),
                "{input:?} gave {html}"
            );
        }
    }

    #[test]
    fn event_handlers_never_survive() {
        for input in [
            "<img src=x onerror=\"alert(1)\">",
            "<p onclick=\"alert(1)\">hi</p>",
            "<a href=\"https://example.org\" onmouseover=alert(1)>x</a>",
            "<svg onload=alert(1)></svg>",
            "<details open ontoggle=alert(1)>",
        ] {
            let html = render(input);
            assert!(
                !html.to_lowercase().contains(" on"),
                "{input:?} gave {html}"
            );
            assert!(!html.contains("alert"), "{input:?} gave {html}");
        }
    }

    #[test]
    fn style_and_iframes_are_removed() {
        let html =
            render("<iframe src=\"https://evil.example\"></iframe><p style=\"color:red\">x</p>");
        assert!(
            !html.contains("iframe") && !html.contains("style"),
            "{html}"
        );
    }

    #[test]
    fn safe_links_keep_working_and_get_rel() {
        let html = render("[Työmarkkinatori](https://tyomarkkinatori.fi)");
        assert!(
            html.contains("href=\"https://tyomarkkinatori.fi\""),
            "{html}"
        );
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
    }
}
