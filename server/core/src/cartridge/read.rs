//! A cartridge made a Polku course folder (`course.toml`, module folders,
//! lesson files, media), which the ordinary folder import then checks and
//! loads: a cartridge is held to the same rules as any course.
//!
//! * **A Polku cartridge** carries its course in folder form under
//!   `polku/` (a learning-application resource, as Canvas carries its own
//!   course settings): that folder is the course, exactly.
//! * **Any other** (Moodle, Canvas, Brightspace): the outline's folders
//!   become modules (deeper folders flattened into their module, in
//!   order), pages lessons (HTML made Markdown), web links lessons with
//!   the link, assessments lessons with their quizzes (the question types
//!   Polku has), pictures of the pages media. Everything else is listed as
//!   left out, with the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Seek};
use std::sync::Arc;

use serde::Serialize;

use super::archive::{Archive, MOST_MANIFEST_BYTES};
use super::html::{self, Media};
use super::manifest::{self, Item, Manifest, Resource};
use super::qti::{self, Question};
use super::{CartridgeError, POLKU_FOLDER};
use crate::Language;
use crate::content::source::{MAX_MEDIA_BYTES, slug_from_name};
use crate::content::{FileNote, LanguageChoice, Overrides, Taken};
use crate::courses::ExportFile;

/// The largest page read.
const MOST_PAGE_BYTES: u64 = 4 << 20;

/// A cartridge as a course folder.
#[derive(Debug, Default)]
pub struct Converted {
    /// The folder's files.
    pub files: Vec<ExportFile>,
    /// The cartridge's manifest identifier.
    pub identifier: String,
    /// Whether it is Polku's own copy (`polku/`).
    pub polku: bool,
    /// How the language was chosen (not for a Polku copy).
    pub language: Option<LanguageChoice>,
    /// Every resource and file of the cartridge: taken as what, or left
    /// out and why.
    pub notes: Vec<FileNote>,
    /// Generated file → the cartridge file it came from.
    pub sources: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct CourseOut {
    slug: String,
    default_language: String,
    level: &'static str,
    hours: u32,
    title: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    summary: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct ModuleOut {
    title: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct FrontOut<'a> {
    title: &'a str,
}

/// A lesson made from the outline.
struct Lesson {
    title: String,
    slug: String,
    module: Option<usize>,
    body: String,
    source: String,
}

/// Reads `reader`, a cartridge, as a course folder.
pub fn convert<R: Read + Seek>(
    reader: R,
    overrides: &Overrides,
) -> Result<Converted, CartridgeError> {
    let mut archive = Archive::open(reader)?;
    let text = archive
        .read("imsmanifest.xml", MOST_MANIFEST_BYTES)?
        .ok_or(CartridgeError::NoManifest)?;
    let text = String::from_utf8(text)
        .map_err(|_| CartridgeError::Xml("imsmanifest.xml".into(), "not UTF-8".into()))?;
    let manifest = manifest::read(text.trim_start_matches('\u{feff}'))?;
    if archive.has(&format!("{POLKU_FOLDER}/course.toml")) {
        return polku_copy(&mut archive, manifest);
    }
    foreign(&mut archive, manifest, overrides)
}

/// A Polku cartridge: its `polku/` folder.
fn polku_copy<R: Read + Seek>(
    archive: &mut Archive<R>,
    manifest: Manifest,
) -> Result<Converted, CartridgeError> {
    let prefix = format!("{POLKU_FOLDER}/");
    let mut converted = Converted {
        identifier: manifest.identifier,
        polku: true,
        ..Converted::default()
    };
    let names: Vec<String> = archive.names().map(str::to_owned).collect();
    for name in names {
        let Some(path) = name.strip_prefix(&prefix) else {
            converted.notes.push(FileNote {
                path: name,
                taken: Taken::LeftOut(
                    "the Common Cartridge view of the course; Polku reads its own copy in polku/"
                        .into(),
                ),
            });
            continue;
        };
        let bytes = archive
            .read(&name, MAX_MEDIA_BYTES as u64 + 1)?
            .unwrap_or_default();
        converted.sources.insert(path.to_owned(), name.clone());
        converted.files.push(ExportFile {
            path: path.to_owned(),
            bytes,
        });
    }
    Ok(converted)
}

fn is_page(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml")
}

/// Why a resource of `kind` is not taken.
fn not_taken(kind: &str) -> String {
    let what = if kind.starts_with("imsdt_") {
        "a discussion topic (Polku's discussions belong to lessons; start it again under a lesson)"
    } else if kind.starts_with("imsbasiclti_") || kind.contains("lti") {
        "an LTI tool link (outside tools are not run in Polku)"
    } else if kind.starts_with("assignment_") {
        "an assignment (Polku has no hand-ins; a coach awards badges for checked work)"
    } else if kind.contains("question-bank") {
        "a question bank (only quizzes placed in the course are taken)"
    } else if kind.starts_with("associatedcontent/") {
        "the LMS's own settings and data"
    } else {
        return format!("a resource of the type {kind}, which Polku cannot read");
    };
    what.into()
}

fn foreign<R: Read + Seek>(
    archive: &mut Archive<R>,
    manifest: Manifest,
    overrides: &Overrides,
) -> Result<Converted, CartridgeError> {
    let mut notes: Vec<FileNote> = Vec::new();
    let mut lessons: Vec<Lesson> = Vec::new();
    let mut modules: Vec<(String, String)> = Vec::new(); // (title, slug)
    let mut media = Media::default();
    let mut used: BTreeSet<String> = BTreeSet::new();
    // Shared with each page's converter (which wants it owned).
    let names: Arc<BTreeSet<String>> = Arc::new(archive.names().map(str::to_owned).collect());

    // The outline, flattened: (item, module).
    let mut placed: Vec<(Item, Option<usize>)> = Vec::new();
    let heading = |item: &Item, notes: &mut Vec<FileNote>| {
        notes.push(FileNote {
            path: format!("imsmanifest.xml ({})", item.title),
            taken: Taken::LeftOut("a heading in the outline, with nothing under it".into()),
        });
    };
    for top in &manifest.items {
        if top.resource.is_some() {
            placed.push((top.clone(), None));
        } else if top.children.is_empty() {
            heading(top, &mut notes);
        } else {
            modules.push((top.title.clone(), String::new()));
            let module = modules.len() - 1;
            let mut stack: Vec<&Item> = top.children.iter().rev().collect();
            while let Some(item) = stack.pop() {
                if item.resource.is_some() {
                    placed.push((item.clone(), Some(module)));
                } else if item.children.is_empty() {
                    heading(item, &mut notes);
                }
                stack.extend(item.children.iter().rev());
            }
        }
    }
    // Pages and quizzes of the course that no module shows (Canvas keeps
    // those outside its modules) come after them, in the manifest's order.
    let outlined: BTreeSet<&str> = placed
        .iter()
        .filter_map(|(item, _)| item.resource.as_deref())
        .collect();
    let mut unplaced = Vec::new();
    for id in &manifest.order {
        let Some(resource) = manifest.resources.get(id) else {
            continue;
        };
        let page = resource.kind == "webcontent"
            && resource
                .href
                .as_deref()
                .is_some_and(|h| is_page(h) && !h.starts_with("web_resources/"));
        let quiz = resource.kind.starts_with("imsqti_") && resource.kind.ends_with("/assessment");
        if (page || quiz) && !outlined.contains(id.as_str()) {
            unplaced.push((
                Item {
                    title: String::new(),
                    resource: Some(id.clone()),
                    children: Vec::new(),
                },
                None,
            ));
        }
    }
    placed.extend(unplaced);
    for (item, module) in &placed {
        let module = *module;
        let Some(resource) = item
            .resource
            .as_ref()
            .and_then(|id| manifest.resources.get(id))
        else {
            notes.push(FileNote {
                path: format!("imsmanifest.xml ({})", item.title),
                taken: Taken::LeftOut("names a resource the manifest does not have".into()),
            });
            continue;
        };
        used.insert(resource.identifier.clone());
        let main = resource
            .href
            .clone()
            .or_else(|| resource.files.first().cloned())
            .unwrap_or_default();
        let title = item.title.trim().to_owned();
        let made = lesson_of(archive, &names, resource, &main, &title, &mut media)?;
        let title = match &made {
            _ if !title.is_empty() => title,
            Ok((_, _, Some(own))) if !own.is_empty() => own.clone(),
            _ => main.rsplit('/').next().unwrap_or_default().to_owned(),
        };
        match made {
            Ok((body, left_out, _)) => {
                for reason in left_out {
                    notes.push(FileNote {
                        path: main.clone(),
                        taken: Taken::LeftOut(reason),
                    });
                }
                lessons.push(Lesson {
                    slug: String::new(),
                    title,
                    module,
                    body,
                    source: main.clone(),
                });
            }
            Err(reason) => notes.push(FileNote {
                path: if main.is_empty() {
                    format!("imsmanifest.xml ({title})")
                } else {
                    main.clone()
                },
                taken: Taken::LeftOut(reason),
            }),
        }
    }
    let mut noted: BTreeSet<String> = notes.iter().map(|n| n.path.clone()).collect();
    for resource in manifest.resources.values() {
        if used.contains(&resource.identifier) {
            continue;
        }
        let web = resource.kind == "webcontent";
        for file in resource.files.iter().chain(resource.href.iter()) {
            if web && media.files.contains_key(file) {
                continue;
            }
            let reason = if web {
                "not shown by any lesson".to_owned()
            } else {
                not_taken(&resource.kind)
            };
            if noted.insert(file.clone()) {
                notes.push(FileNote {
                    path: file.clone(),
                    taken: Taken::LeftOut(reason),
                });
            }
        }
    }

    if lessons.is_empty() {
        let mut reasons: Vec<String> = notes
            .iter()
            .filter_map(|n| match &n.taken {
                Taken::LeftOut(reason) => Some(format!("{}: {reason}", n.path)),
                _ => None,
            })
            .take(5)
            .collect();
        if reasons.is_empty() {
            reasons.push("its outline is empty".into());
        }
        return Err(CartridgeError::Nothing(reasons.join("; ")));
    }
    // Slugs: unique in the course (lessons), and for the modules.
    let mut taken_slugs: Vec<String> = Vec::new();
    for lesson in &mut lessons {
        lesson.slug = unique(&lesson.title, "lesson", &mut taken_slugs);
    }
    let mut module_slugs: Vec<String> = Vec::new();
    for (title, slug) in &mut modules {
        *slug = unique(title, "module", &mut module_slugs);
    }

    // The text decides when it says enough; else what the cartridge
    // declares (LOM `language`, `en-US` read as `en`).
    let declared = manifest
        .language
        .as_deref()
        .and_then(|l| l.get(..2))
        .and_then(|l| l.to_ascii_lowercase().parse::<Language>().ok());
    let language = match overrides.language {
        Some(language) => LanguageChoice::Given(language),
        None => match (
            crate::content::plain::detect(lessons.iter().map(|l| l.body.as_str())),
            declared,
        ) {
            (found @ LanguageChoice::Detected { reliable: true, .. }, _) => found,
            (_, Some(language)) => LanguageChoice::Declared(language),
            (found, None) => found,
        },
    };
    let code = language.language().code().to_owned();
    let title = manifest
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "Course".into());
    let slug = overrides
        .slug
        .clone()
        .unwrap_or_else(|| match slug_from_name(&title) {
            s if s.is_empty() => "course".into(),
            s => s,
        });
    let words: usize = lessons
        .iter()
        .map(|l| l.body.split_whitespace().count())
        .sum();
    let course = CourseOut {
        slug,
        default_language: code.clone(),
        level: "beginner",
        hours: u32::try_from(words / (150 * 60) + 1).unwrap_or(1),
        title: BTreeMap::from([(code.clone(), title)]),
        summary: manifest
            .description
            .as_deref()
            .map(qti::plain)
            .filter(|s| !s.is_empty())
            .map(|s| BTreeMap::from([(code.clone(), s)]))
            .unwrap_or_default(),
    };
    let mut converted = Converted {
        identifier: manifest.identifier.clone(),
        language: Some(language),
        ..Converted::default()
    };
    converted.files.push(ExportFile {
        path: "course.toml".into(),
        bytes: toml_text(&course)?.into_bytes(),
    });

    // Numbered like an exported course: loose lessons and modules in the
    // order they come, lessons inside a module by theirs.
    let mut top = 0usize;
    let mut folders: BTreeMap<usize, (String, usize)> = BTreeMap::new(); // module → (folder, lessons so far)
    for lesson in &lessons {
        let path = match lesson.module {
            None => {
                top += 1;
                format!("{top:02}-{}.md", lesson.slug)
            }
            Some(module) => {
                if let std::collections::btree_map::Entry::Vacant(entry) = folders.entry(module) {
                    top += 1;
                    let (title, slug) = &modules[module];
                    let folder = format!("{top:02}-{slug}");
                    converted.files.push(ExportFile {
                        path: format!("{folder}/module.toml"),
                        bytes: toml_text(&ModuleOut {
                            title: BTreeMap::from([(code.clone(), title.clone())]),
                        })?
                        .into_bytes(),
                    });
                    entry.insert((folder, 0));
                }
                let Some((folder, count)) = folders.get_mut(&module) else {
                    continue;
                };
                *count += 1;
                // Media paths are written from the course folder.
                format!("{folder}/{count:02}-{}.md", lesson.slug)
            }
        };
        let depth = path.matches('/').count();
        let body = if depth > 0 {
            rebase(&lesson.body, depth)
        } else {
            lesson.body.clone()
        };
        let front = toml_text(&FrontOut {
            title: &lesson.title,
        })?;
        converted
            .sources
            .insert(path.clone(), lesson.source.clone());
        notes.push(FileNote {
            path: lesson.source.clone(),
            taken: Taken::Lesson(lesson.slug.clone()),
        });
        converted.files.push(ExportFile {
            path,
            bytes: format!("+++\n{front}+++\n\n{body}\n").into_bytes(),
        });
    }
    for (from, to) in &media.files {
        match archive.read(from, MAX_MEDIA_BYTES as u64 + 1)? {
            Some(bytes) => {
                converted.sources.insert(to.clone(), from.clone());
                notes.push(FileNote {
                    path: from.clone(),
                    taken: Taken::Media,
                });
                converted.files.push(ExportFile {
                    path: to.clone(),
                    bytes,
                });
            }
            None => notes.push(FileNote {
                path: from.clone(),
                taken: Taken::LeftOut("missing from the archive".into()),
            }),
        }
    }
    // Files no resource names.
    let named: BTreeSet<&str> = manifest
        .resources
        .values()
        .flat_map(|r| r.files.iter().chain(r.href.iter()))
        .map(String::as_str)
        .collect();
    for name in names.iter() {
        if name != "imsmanifest.xml" && !named.contains(name.as_str()) {
            notes.push(FileNote {
                path: name.clone(),
                taken: Taken::LeftOut("not named by the manifest".into()),
            });
        }
    }
    converted.notes = notes;
    Ok(converted)
}

/// Media references (`media/…`) of a lesson written one or more folders
/// down.
fn rebase(body: &str, depth: usize) -> String {
    body.replace("](media/", &format!("]({}media/", "../".repeat(depth)))
}

/// A slug from `title` not yet in `taken` (which it joins).
fn unique(title: &str, fallback: &str, taken: &mut Vec<String>) -> String {
    let base = match slug_from_name(title) {
        s if s.is_empty() => fallback.to_owned(),
        s => s
            .chars()
            .take(60)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned(),
    };
    let refs: Vec<&str> = taken.iter().map(String::as_str).collect();
    let slug = crate::content::plain::unique(base, &refs);
    taken.push(slug.clone());
    slug
}

/// A lesson's body, what was left out of it and the title its file gives
/// (for a page or quiz outside the outline); or why no lesson is made.
type Made = Result<(String, Vec<String>, Option<String>), String>;

/// The `<title>` of an HTML page.
fn page_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open = start + lower[start..].find('>')? + 1;
    let end = open + lower[open..].find("</title")?;
    Some(qti::plain(&html[open..end])).filter(|t| !t.is_empty())
}

/// The body of the lesson that shows `resource`.
fn lesson_of<R: Read + Seek>(
    archive: &mut Archive<R>,
    names: &Arc<BTreeSet<String>>,
    resource: &Resource,
    main: &str,
    title: &str,
    media: &mut Media,
) -> Result<Made, CartridgeError> {
    let kind = resource.kind.as_str();
    if kind == "webcontent" {
        if crate::content::source::media_type(main).is_some_and(|t| t.starts_with("image/"))
            && names.contains(main)
        {
            let name = media.name_for(main);
            let alt = title.replace(['[', ']'], "");
            return Ok(Ok((format!("![{alt}]({name})"), Vec::new(), None)));
        }
        if !is_page(main) {
            let what = main.rsplit_once('.').map_or("a file", |(_, ext)| ext);
            return Ok(Err(format!(
                "a file ({what}) on its own: Polku lessons are pages; link it from one"
            )));
        }
        let Some(bytes) = archive.read(main, MOST_PAGE_BYTES)? else {
            return Ok(Err("missing from the archive".into()));
        };
        let text = String::from_utf8_lossy(&bytes);
        let known = Arc::clone(names);
        let (page, back) = html::convert(
            &text,
            main,
            title,
            move |p| known.contains(p),
            std::mem::take(media),
        );
        *media = back;
        if page.markdown.trim().is_empty() {
            return Ok(Err("an empty page".into()));
        }
        return Ok(Ok((page.markdown, page.left_out, page_title(&text))));
    }
    if kind.starts_with("imswl_") {
        let Some(bytes) = archive.read(main, 1 << 20)? else {
            return Ok(Err("missing from the archive".into()));
        };
        let text = String::from_utf8_lossy(&bytes);
        let document = manifest::parse(main, &text)?;
        let url = document
            .descendants()
            .find(|n| n.is_element() && n.tag_name().name() == "url")
            .and_then(|n| n.attribute("href"))
            .unwrap_or_default()
            .trim()
            .to_owned();
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.contains(['(', ')', ' ', '<', '>'])
        {
            return Ok(Err(format!("a web link that is not a web address ({url})")));
        }
        let own = document
            .descendants()
            .find(|n| n.is_element() && n.tag_name().name() == "title")
            .map(manifest::text_of)
            .filter(|t| !t.is_empty());
        let text = match (title.is_empty(), &own) {
            (false, _) => title,
            (true, Some(own)) => own.as_str(),
            (true, None) => url.as_str(),
        };
        return Ok(Ok((
            format!("[{}]({url})", text.replace(['[', ']'], "")),
            Vec::new(),
            own,
        )));
    }
    if kind.starts_with("imsqti_") && kind.ends_with("/assessment") {
        let file = resource
            .files
            .iter()
            .find(|f| f.ends_with(".xml"))
            .cloned()
            .unwrap_or_else(|| main.to_owned());
        let Some(bytes) = archive.read(&file, 8 << 20)? else {
            return Ok(Err("missing from the archive".into()));
        };
        let assessment = qti::read(&file, &String::from_utf8_lossy(&bytes))?;
        let mut body = String::new();
        let mut left_out = Vec::new();
        if let Some(rubric) = &assessment.rubric {
            let (page, back) =
                html::convert(rubric, &file, title, |_| false, std::mem::take(media));
            *media = back;
            body.push_str(&page.markdown);
            body.push_str("\n\n");
            left_out.extend(page.left_out);
        }
        let mut quizzes = 0;
        for question in assessment.questions {
            match question {
                Question::Quiz(quiz) => {
                    let block = toml_text(&quiz)?;
                    body.push_str(&format!("```quiz\n{block}```\n\n"));
                    quizzes += 1;
                }
                Question::LeftOut { title, reason } => {
                    left_out.push(format!("the question \"{title}\": {reason}"));
                }
            }
        }
        if quizzes == 0 {
            return Ok(Err(if left_out.is_empty() {
                "a quiz with no questions (questions drawn from a question bank are not taken)"
                    .to_owned()
            } else {
                format!(
                    "a quiz with no question Polku can take ({})",
                    left_out.join("; ")
                )
            }));
        }
        return Ok(Ok((
            body.trim_end().to_owned(),
            left_out,
            Some(assessment.title),
        )));
    }
    Ok(Err(not_taken(kind)))
}

fn toml_text<T: Serialize>(value: &T) -> Result<String, CartridgeError> {
    toml::to_string(value).map_err(|e| CartridgeError::Internal(e.to_string()))
}
