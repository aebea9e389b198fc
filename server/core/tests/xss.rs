//! The sanitiser against a list of known XSS vectors written into lesson
//! Markdown: none may reach the page as a live tag, handler or URL.

use std::collections::BTreeSet;

use polku_core::Language;
use polku_core::content::markdown::{RenderContext, render, render_lesson};

/// Vectors from the classic filter-evasion lists, as an author could write
/// them in Markdown: raw HTML blocks and inline HTML, link/image/autolink
/// URLs, entity and case tricks, SVG/MathML, styles, frames and forms.
const VECTORS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script\n>alert(1)</script\n>",
    "<<script>alert(1)//<</script>",
    "<scr<script>ipt>alert(1)</script>",
    "<div>\n<script>alert(1)</script>\n</div>",
    "text <script>alert(1)</script> inline",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror=\"alert(1)\"/>",
    "<IMG SRC=x ONERROR=alert(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<img/src=x/onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=\"javascript:alert(1)\">x</math>",
    "<details open ontoggle=alert(1)>",
    "<p onclick=\"alert(1)\">click</p>",
    "<a href=\"https://ok.example\" onmouseover=\"alert(1)\">x</a>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<div style=\"width: expression(alert(1))\">x</div>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<style>body{background:url(\"javascript:alert(1)\")}</style>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<frameset><frame src=\"javascript:alert(1)\"></frameset>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<base href=\"https://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<button formaction=\"javascript:alert(1)\">x</button>",
    "<input autofocus onfocus=alert(1)>",
    "<textarea onfocus=alert(1) autofocus>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"  javascript:alert(1)\">x</a>",
    "<a href=\"java\tscript:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "![x](\"onerror=alert(1))",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[x](https://ok.example \"title\\\" onmouseover=alert(1) x=\\\"\")",
    "<a href=\"https://ok.example\" target=\"_blank\">no opener</a>",
    "```html\n<script>alert(1)</script>\n```",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "<x onclick=alert(1)>custom tag</x>",
    "<polku-quiz onload=alert(1)>unknown custom element</polku-quiz>",
];

/// The same attacks placed where Polku's own Markdown extensions put author
/// text: quizzes, exercises, videos, callouts, images and headings.
const BLOCK_VECTORS: &[&str] = &[
    "```quiz\nquestion = \"<script>alert(1)</script>\"\ntype = \"single\"\n[[options]]\ntext = \"<img src=x onerror=alert(1)>\"\ncorrect = true\nfeedback = \"<a href=javascript:alert(1)>x</a>\"\n[[options]]\ntext = \"b\"\n```",
    "```exercise\ntitle = \"<svg onload=alert(1)>\"\ntask = \"<script>alert(1)</script> [x](javascript:alert(1))\"\ncheck = [\"<iframe src=javascript:alert(1)>\"]\n```",
    "```exercise\ntask = \"\"\"\n<img src=x onerror=alert(1)>\n<form action=//evil.example><button>x</button></form>\n\"\"\"\ncheck = [\"\\\" onmouseover=\\\"alert(1)\"]\n```",
    "```video\ntitle = \"\\\"><script>alert(1)</script>\"\nsrc = \"javascript:alert(1)\"\ntranscript = \"https://x\"\n```",
    "```video\ntitle = \"t\"\nsrc = \"media/v.mp4\"\ntranscript = \"javascript:alert(1)\"\n```",
    "```video\ntitle = \"t\"\nsrc = \"media/v.mp4\"\ncaptions = { fi = \"data:text/vtt,x\" }\n```",
    "```video\ntitle = \"t\"\nsrc = \"media/v.mp4\\\" onerror=\\\"alert(1)\"\ntranscript = \"https://x\"\n```",
    "> [!TIP]\n> <script>alert(1)</script>\n> <img src=x onerror=alert(1)>",
    "> [!WARNING]\n> [x](javascript:alert(1))",
    "## <img src=x onerror=alert(1)> heading",
    "## x\" onmouseover=\"alert(1)",
    "![\" onerror=\"alert(1)](media/a.png)",
    "![x](media/a.png \"\\\" onerror=\\\"alert(1)\")",
    "![x](javascript:alert(1))",
    "<aside class=\"callout\" onclick=\"alert(1)\" style=\"x\">x</aside>",
    "<!--polku-quiz:0--><h2 id=\"x\" onclick=\"alert(1)\">x</h2>",
];

/// Trusted tags Polku's own blocks write (every value in them escaped).
fn trusted(tag: &str) -> bool {
    let numbered = |prefix: &str| {
        tag.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix('"'))
            .is_some_and(|id| id.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
    };
    let plain_url = |prefix: &str| {
        tag.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix('"'))
            .is_some_and(|url| !url.contains([' ', '"', '\'', '<', '>']))
    };
    numbered("input type=\"checkbox\" id=\"exercise-")
        || plain_url("video controls preload=\"none\" src=\"/media/c/media/")
        || tag == "/video"
}

/// Every real tag in sanitised output (text content has `<` escaped).
fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or_default().to_lowercase())
        .collect()
}

/// What is dangerous in `html`, if anything.
fn danger(html: &str) -> Option<String> {
    const TAGS: &[&str] = &[
        "script", "iframe", "frame", "frameset", "object", "embed", "style", "link", "base",
        "meta", "form", "input", "button", "textarea", "svg", "math", "audio", "video", "source",
        "template", "noscript", "body",
    ];
    for tag in tags(html) {
        if trusted(&tag) {
            continue;
        }
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default()
            .to_owned();
        if TAGS.contains(&name.as_str()) {
            return Some(format!("tag <{name}>"));
        }
        let squashed: String = tag.chars().filter(|c| !c.is_whitespace()).collect();
        for bad in [
            "=\"javascript:",
            "='javascript:",
            "=\"vbscript:",
            "=\"data:",
            "style=",
            "srcdoc=",
            "formaction=",
            "xlink:href=",
        ] {
            if squashed.contains(bad) {
                return Some(format!("{bad} in <{tag}>"));
            }
        }
        // Attribute names only: quoted values are text (quotes inside them
        // are escaped as &quot; by the serialiser).
        let names: Vec<&str> = tag.split('"').step_by(2).collect();
        if names
            .join(" ")
            .split_whitespace()
            .skip(1)
            .any(|attr| attr.starts_with("on"))
        {
            return Some(format!("event handler in <{tag}>"));
        }
    }
    None
}

#[test]
fn the_vector_list_is_long_enough() {
    assert!(VECTORS.len() >= 50, "{} vectors", VECTORS.len());
}

#[test]
fn no_xss_vector_survives_rendering() {
    let failures: Vec<String> = VECTORS
        .iter()
        .filter_map(|vector| {
            let html = render(vector);
            danger(&html).map(|what| format!("{vector:?}\n  -> {html}\n  ({what})"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} vectors survived:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn no_xss_vector_survives_the_lesson_pipeline() {
    let media: BTreeSet<String> = ["media/a.png".to_owned(), "media/v.mp4".to_owned()].into();
    let ctx = RenderContext {
        language: Language::Fi,
        course_slug: "c",
        lesson_dir: "",
        media: &media,
        first_line: 1,
    };
    let failures: Vec<String> = VECTORS
        .iter()
        .chain(BLOCK_VECTORS)
        .filter_map(|vector| {
            let html = render_lesson(vector, &ctx).html;
            danger(&html).map(|what| format!("{vector:?}\n  -> {html}\n  ({what})"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} vectors survived:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Markers only come from real quizzes: a forged one is stripped.
    let forged = render_lesson(BLOCK_VECTORS[15], &ctx).html;
    assert!(!forged.contains("<!--"), "{forged}");
}

#[test]
fn the_checker_itself_catches_each_kind_of_danger() {
    for unsafe_html in [
        "<script>x</script>",
        "<a href=\"javascript:x\">x</a>",
        "<img src=\"data:image/png;base64,AA\">",
        "<p onclick=\"x\">x</p>",
        "<p style=\"x\">x</p>",
        "<svg></svg>",
    ] {
        assert!(danger(unsafe_html).is_some(), "{unsafe_html}");
    }
    assert_eq!(
        danger(
            "<p>a &lt;script&gt; b</p><a href=\"https://ok.example\" rel=\"noopener noreferrer\">x</a>"
        ),
        None
    );
    assert_eq!(
        danger("<a title=\"x&quot; onclick=y\">x</a>"),
        None,
        "text inside a value is no handler"
    );
}
