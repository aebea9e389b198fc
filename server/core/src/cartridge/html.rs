//! A cartridge's HTML page (a Moodle page, a Canvas wiki page) as the
//! Markdown body of a lesson: htmd converts, and Polku's own handlers
//! decide what may come along. Pictures and videos of the cartridge become
//! the course's media files; outside pictures, frames and scripts are left
//! out (and said so), as Polku never loads outside content into a lesson;
//! links to the LMS's own pages keep their text.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use htmd::element_handler::Handlers;
use htmd::{Element, HtmlToMarkdown};

use super::archive::resolve;
use crate::content::source::media_type;
use crate::sync::lock;

/// The prefixes Canvas and Moodle write before a path in `web_resources/`.
const FILE_BASES: &[&str] = &[
    "$IMS-CC-FILEBASE$/",
    "%24IMS-CC-FILEBASE%24/",
    "$IMS_CC_FILEBASE$/",
    "%24IMS_CC_FILEBASE%24/",
];

/// The course's media: archive path → the file's path in the course
/// folder (`media/…`), shared by every page of a cartridge.
#[derive(Debug, Default, Clone)]
pub struct Media {
    /// Archive path → course path.
    pub files: BTreeMap<String, String>,
}

impl Media {
    /// The course path for archive file `path`, given a free name under
    /// `media/` the first time.
    pub(super) fn name_for(&mut self, path: &str) -> String {
        if let Some(name) = self.files.get(path) {
            return name.clone();
        }
        let file = path.rsplit('/').next().unwrap_or(path);
        let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
        let stem = crate::content::source::slug_from_name(stem);
        let stem = if stem.is_empty() { "file".into() } else { stem };
        let ext = ext.to_ascii_lowercase();
        let mut name = format!("media/{stem}.{ext}");
        let mut n = 2;
        while self.files.values().any(|v| *v == name) {
            name = format!("media/{stem}-{n}.{ext}");
            n += 1;
        }
        self.files.insert(path.to_owned(), name.clone());
        name
    }
}

/// A page converted.
#[derive(Debug, Default)]
pub struct Page {
    /// The lesson body.
    pub markdown: String,
    /// What was left out of the page, in words.
    pub left_out: Vec<String>,
}

struct State {
    page: String,
    exists: Box<dyn Fn(&str) -> bool + Send + Sync>,
    media: Media,
    left_out: Vec<String>,
    /// Heading levels moved down by this much (a page with `<h1>`s:
    /// the lesson's title is its only first-level heading).
    shift: usize,
}

/// `reference` (a `src` or `href` in the page) as an archive path.
fn archive_path(page: &str, reference: &str) -> Option<String> {
    let reference = reference.trim();
    for base in FILE_BASES {
        if let Some(rest) = reference.strip_prefix(base) {
            return resolve("web_resources/x", rest);
        }
    }
    resolve(page, reference)
}

fn attribute<'a>(element: &'a Element<'_>, name: &str) -> Option<&'a str> {
    element
        .attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

/// `html`, the page at archive path `page`, as Markdown. `exists` tells
/// whether the archive has a file; `media` collects the files the page
/// shows (given back with the page's).
pub fn convert(
    html: &str,
    page: &str,
    title: &str,
    exists: impl Fn(&str) -> bool + Send + Sync + 'static,
    media: Media,
) -> (Page, Media) {
    let lower = html.to_ascii_lowercase();
    let state = Arc::new(Mutex::new(State {
        page: page.to_owned(),
        exists: Box::new(exists),
        media,
        left_out: Vec::new(),
        shift: usize::from(lower.contains("<h1")),
    }));
    let images = Arc::clone(&state);
    let headings = Arc::clone(&state);
    let frames = Arc::clone(&state);
    let converter = HtmlToMarkdown::builder()
        .skip_tags(vec![
            "head", "script", "style", "noscript", "template", "form", "button", "input", "select",
            "textarea",
        ])
        .add_handler(vec!["img"], move |_: &dyn Handlers, element: Element| {
            let src = attribute(&element, "src").unwrap_or_default();
            let alt = attribute(&element, "alt").unwrap_or_default().trim();
            let mut state = lock(&images);
            let found = archive_path(&state.page, src)
                .filter(|path| media_type(path).is_some_and(|t| t.starts_with("image/")))
                .filter(|path| (state.exists)(path));
            match found {
                Some(path) => {
                    let name = state.media.name_for(&path);
                    Some(format!("![{}]({name})", alt.replace(['[', ']'], "")).into())
                }
                None => {
                    let shown = if src.len() > 80 { &src[..80] } else { src };
                    state.left_out.push(format!(
                        "a picture that is not a picture file of the cartridge ({shown})"
                    ));
                    (!alt.is_empty()).then(|| format!("*{alt}*").into())
                }
            }
        })
        .add_handler(
            vec!["a"],
            move |handlers: &dyn Handlers, element: Element| {
                let href = attribute(&element, "href").unwrap_or_default().trim();
                let web = href.starts_with("https://")
                    || href.starts_with("http://")
                    || href.starts_with("mailto:");
                if web && !href.contains(['(', ')', ' ', '<', '>']) {
                    return handlers.fallback(element);
                }
                Some(handlers.walk_children(element.node))
            },
        )
        .add_handler(
            vec!["h1", "h2", "h3", "h4", "h5", "h6"],
            move |handlers: &dyn Handlers, element: Element| {
                let level: usize = element.tag[1..].parse().unwrap_or(2);
                let level = (level + lock(&headings).shift).clamp(2, 6);
                let text = handlers.walk_children(element.node).content;
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                (!text.is_empty()).then(|| format!("\n\n{} {text}\n\n", "#".repeat(level)).into())
            },
        )
        .add_handler(
            vec!["iframe", "video", "audio", "embed", "object"],
            move |_: &dyn Handlers, element: Element| {
                let src = attribute(&element, "src")
                    .or_else(|| attribute(&element, "data"))
                    .unwrap_or_default();
                let shown = if src.len() > 80 { &src[..80] } else { src };
                lock(&frames).left_out.push(format!(
                    "an embedded {} ({shown}): Polku does not load outside content into lessons",
                    element.tag
                ));
                None
            },
        )
        .build();
    let markdown = converter.convert(html).unwrap_or_default();
    let markdown = without_title(markdown.trim(), title);
    drop(converter);
    let mut state = lock(&state);
    (
        Page {
            markdown,
            left_out: std::mem::take(&mut state.left_out),
        },
        std::mem::take(&mut state.media),
    )
}

/// `markdown` without a first heading that only repeats the lesson's title.
fn without_title(markdown: &str, title: &str) -> String {
    let first = markdown.lines().next().unwrap_or_default();
    let heading = first.trim_start_matches('#');
    if heading.len() < first.len() && heading.trim() == title.trim() {
        markdown[first.len()..].trim_start().to_owned()
    } else {
        markdown.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str, files: &'static [&'static str]) -> (Page, Media) {
        convert(
            html,
            "wiki_content/page.html",
            "Welcome",
            move |p| files.contains(&p),
            Media::default(),
        )
    }

    #[test]
    fn pictures_of_the_cartridge_become_media_and_outside_ones_are_left_out() {
        let (page, media) = page(
            r#"<h1>Welcome</h1><p>Hello <b>you</b>.</p>
            <p><img src="$IMS-CC-FILEBASE$/Uploaded%20Media/cat.png" alt="A cat"></p>
            <p><img src="../web_resources/dog.jpg" alt="A dog"></p>
            <p><img src="https://tracker.example/pixel.gif" alt=""></p>
            <iframe src="https://www.youtube.com/embed/x"></iframe>
            <script>alert(1)</script>"#,
            &[
                "web_resources/Uploaded Media/cat.png",
                "web_resources/dog.jpg",
            ],
        );
        assert!(
            page.markdown.starts_with("Hello **you**."),
            "{}",
            page.markdown
        );
        assert!(page.markdown.contains("![A cat](media/cat.png)"));
        assert!(page.markdown.contains("![A dog](media/dog.jpg)"));
        assert!(!page.markdown.contains("tracker") && !page.markdown.contains("alert"));
        assert_eq!(page.left_out.len(), 2, "{:?}", page.left_out);
        assert_eq!(media.files.len(), 2);
    }

    #[test]
    fn headings_move_down_under_the_title_and_lms_links_keep_their_text() {
        let (page, _) = page(
            r#"<h1>Part one</h1><h2>Detail</h2><p>See <a href="$WIKI_REFERENCE$/pages/next">the next page</a>
            and <a href="https://example.org/a">the web</a>.</p>"#,
            &[],
        );
        assert!(page.markdown.contains("## Part one"), "{}", page.markdown);
        assert!(page.markdown.contains("### Detail"));
        assert!(page.markdown.contains("See the next page"));
        assert!(page.markdown.contains("[the web](https://example.org/a)"));
    }
}
