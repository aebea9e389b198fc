//! Pathways: ordered paths of courses and badges, in levels (from a first
//! course to first programs), declared in `pathways.toml` at the top of
//! the content folder (format: `content/README.md`).
//!
//! * **Read strictly**, like `course.toml`: unknown keys, a step that is
//!   neither a course nor a badge, a slug used twice or a step that names
//!   no course or badge of the site are [`Problem`]s with the file and
//!   line; a pathway with a problem is not imported.
//! * **Stored** one row per pathway (`pathways`), in the file's order; an
//!   unchanged pathway writes nothing. The file is the list: a pathway
//!   taken out of it leaves the site at the next import of the folder
//!   (learners lose nothing: where they stand is read from their courses
//!   and badges, never stored with the pathway).
//! * **A learner's position** ([`for_learner`]): a course step is done when
//!   every lesson of the course is; a badge step when she holds the badge
//!   (issued, not revoked, not expired). The next step is the first one not
//!   done, in order.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::accounts::Actor;
use crate::badges::issue::{IssueContext, Origin};
use crate::badges::wallet::localized;
use crate::content::{BadgeSource, Problem};
use crate::db::entities::{
    badge_awards, course_authors, courses, lesson_progress, lessons, pathways, site_drafts,
};
use crate::{CoreError, Language};

pub use polku_types::progress::{
    MilestoneView, PathwayLevelView, PathwayStepView, PathwayView, StepKind,
};

/// The pathways file, at the top of the content folder.
pub const FILE: &str = "pathways.toml";
/// The largest pathways file read.
const MAX_FILE_BYTES: u64 = 256 * 1024;

/// A pathway as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pathway {
    /// Its key.
    pub slug: String,
    /// Its name per language.
    pub title: BTreeMap<Language, String>,
    /// What it leads to, per language.
    #[serde(default)]
    pub summary: BTreeMap<Language, String>,
    /// Its levels, in order.
    pub levels: Vec<Level>,
}

/// One level of a pathway: steps taken in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    /// Its name per language.
    pub title: BTreeMap<Language, String>,
    /// Its steps, in order.
    pub steps: Vec<Step>,
    /// The badge issued when every step is held (its rule is the level's;
    /// no picture of its own: Polku's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone: Option<BadgeSource>,
}

/// One step: a course to finish or a badge to hold.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Step {
    /// Every lesson of the course done.
    Course { course: String },
    /// The badge `badge` of course `course` held.
    Badge { course: String, badge: String },
}

impl Step {
    fn course(&self) -> &str {
        match self {
            Step::Course { course } | Step::Badge { course, .. } => course,
        }
    }
}

/// A pathway read from the file, with where each step is written (for
/// the problems found once the site's courses are known).
#[derive(Debug, Clone)]
pub struct PathwaySource {
    pub pathway: Pathway,
    /// The file it was read from.
    pub path: PathBuf,
    /// The line of each level's steps, level by level.
    pub step_lines: Vec<Vec<usize>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    #[serde(default)]
    pathway: Vec<Spanned<PathwayToml>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathwayToml {
    slug: Spanned<String>,
    title: Spanned<BTreeMap<String, String>>,
    #[serde(default)]
    summary: BTreeMap<String, String>,
    #[serde(default)]
    level: Vec<Spanned<LevelToml>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelToml {
    title: Spanned<BTreeMap<String, String>>,
    #[serde(default)]
    steps: Vec<Spanned<StepToml>>,
    #[serde(default)]
    milestone: Option<Spanned<MilestoneToml>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MilestoneToml {
    slug: String,
    name: BTreeMap<String, String>,
    #[serde(default)]
    description: BTreeMap<String, String>,
    #[serde(default)]
    criteria: BTreeMap<String, String>,
    #[serde(default)]
    valid_days: Option<u32>,
    #[serde(default)]
    alignment: Vec<crate::content::AlignmentToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepToml {
    course: Option<String>,
    badge: Option<String>,
}

/// Reads `root/pathways.toml`: `None` when the folder has none.
pub fn load(root: &Path) -> Option<(Vec<PathwaySource>, Vec<Problem>)> {
    let path = root.join(FILE);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    let refused = |message: String| Some((Vec::new(), vec![Problem::new(&path, None, message)]));
    if !meta.is_file() {
        return refused("not a plain file (a link or a folder); pathways are not imported".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return refused(format!(
            "the file is larger than {} KiB; pathways are not imported",
            MAX_FILE_BYTES / 1024
        ));
    }
    match std::fs::read(&path).map(String::from_utf8) {
        Ok(Ok(text)) => Some(parse(&path, &text)),
        Ok(Err(_)) => refused("the file is not UTF-8 text; save it as UTF-8".into()),
        Err(err) => refused(format!("cannot read the file: {err}")),
    }
}

/// Parses the text of a pathways file (`path` names it in problems).
/// Pathways with a problem are left out; the others are returned.
pub fn parse(path: &Path, text: &str) -> (Vec<PathwaySource>, Vec<Problem>) {
    let line = |offset: usize| crate::content::line_of(text, offset);
    let mut problems = Vec::new();
    let file: FileToml = match toml::from_str(text) {
        Ok(file) => file,
        Err(err) => {
            problems.push(crate::content::toml_problem(path, text, 1, &err));
            return (Vec::new(), problems);
        }
    };
    let mut out: Vec<PathwaySource> = Vec::new();
    let mut slugs = HashSet::new();
    for entry in file.pathway {
        let at = line(entry.span().start);
        let entry = entry.into_inner();
        let before = problems.len();
        let slug = entry.slug.get_ref().trim().to_owned();
        let slug_line = line(entry.slug.span().start);
        if !crate::content::valid_slug(&slug) {
            problems.push(Problem::new(
                path,
                Some(slug_line),
                format!(
                    "the pathway slug \"{slug}\" is not valid: use lowercase letters a-z, digits and hyphens"
                ),
            ));
        } else if !slugs.insert(slug.clone()) {
            problems.push(Problem::new(
                path,
                Some(slug_line),
                format!("another pathway already uses the slug \"{slug}\""),
            ));
        }
        let title_line = line(entry.title.span().start);
        let title = texts(
            path,
            title_line,
            "title",
            entry.title.get_ref(),
            &mut problems,
        );
        // Optional: only its languages are checked.
        let summary =
            crate::content::language_map(path, at, "summary", &entry.summary, &mut problems);
        if entry.level.is_empty() {
            problems.push(Problem::new(
                path,
                Some(at),
                format!("the pathway \"{slug}\" has no [[pathway.level]]: add at least one level with steps"),
            ));
        }
        let mut levels = Vec::new();
        let mut step_lines = Vec::new();
        let mut seen = HashSet::new();
        let mut milestones = HashSet::new();
        for level in entry.level {
            let level_line = line(level.span().start);
            let level = level.into_inner();
            let title_line = line(level.title.span().start);
            let title = texts(
                path,
                title_line,
                "the level's title",
                level.title.get_ref(),
                &mut problems,
            );
            if level.steps.is_empty() {
                problems.push(Problem::new(
                    path,
                    Some(level_line),
                    "the level has no steps: steps = [{ course = \"…\" }, { badge = \"course/badge\" }]",
                ));
            }
            let mut steps = Vec::new();
            let mut lines = Vec::new();
            for step in level.steps {
                let step_line = line(step.span().start);
                let Some(step) = read_step(path, step_line, step.get_ref(), &mut problems) else {
                    continue;
                };
                if !seen.insert(step.clone()) {
                    problems.push(Problem::new(
                        path,
                        Some(step_line),
                        format!("the same step is in the pathway \"{slug}\" twice"),
                    ));
                }
                steps.push(step);
                lines.push(step_line);
            }
            let milestone = level.milestone.and_then(|m| {
                let at = line(m.span().start);
                read_milestone(path, at, &m.into_inner(), &mut milestones, &mut problems)
            });
            levels.push(Level {
                title,
                steps,
                milestone,
            });
            step_lines.push(lines);
        }
        if problems.len() == before {
            out.push(PathwaySource {
                pathway: Pathway {
                    slug,
                    title,
                    summary,
                    levels,
                },
                path: path.to_path_buf(),
                step_lines,
            });
        }
    }
    (out, problems)
}

/// A per-language table: at least one language, none empty.
fn texts(
    path: &Path,
    line: usize,
    what: &str,
    table: &BTreeMap<String, String>,
    problems: &mut Vec<Problem>,
) -> BTreeMap<Language, String> {
    let out = crate::content::language_map(path, line, what, table, problems);
    if table.is_empty() {
        problems.push(Problem::new(
            path,
            Some(line),
            format!("the {what} is missing: give it in at least one language (fi, sv, en)"),
        ));
    } else if out.values().any(String::is_empty) {
        problems.push(Problem::new(
            path,
            Some(line),
            format!("the {what} is empty in a language"),
        ));
    }
    out
}

/// A level's `[pathway.level.milestone]`: a badge like a course's (slug
/// unique in its pathway; name, description and criteria required).
fn read_milestone(
    path: &Path,
    line: usize,
    raw: &MilestoneToml,
    slugs: &mut HashSet<String>,
    problems: &mut Vec<Problem>,
) -> Option<BadgeSource> {
    let before = problems.len();
    let slug = raw.slug.trim();
    if !crate::content::valid_slug(slug) {
        problems.push(Problem::new(
            path,
            Some(line),
            format!("the milestone slug \"{slug}\" is not valid: use lowercase letters a-z, digits and hyphens"),
        ));
    } else if !slugs.insert(slug.to_owned()) {
        problems.push(Problem::new(
            path,
            Some(line),
            format!("another milestone of this pathway already uses the slug \"{slug}\""),
        ));
    }
    let name = texts(path, line, "milestone's name", &raw.name, problems);
    let description = texts(
        path,
        line,
        "milestone's description",
        &raw.description,
        problems,
    );
    let criteria = texts(path, line, "milestone's criteria", &raw.criteria, problems);
    if raw.valid_days == Some(0) {
        problems.push(Problem::new(
            path,
            Some(line),
            "valid_days must be at least 1 (leave it out for no end)",
        ));
    }
    let alignment = crate::content::alignments(&raw.alignment).unwrap_or_else(|message| {
        problems.push(Problem::new(path, Some(line), message));
        Vec::new()
    });
    (problems.len() == before).then(|| BadgeSource {
        slug: slug.to_owned(),
        name,
        description,
        criteria,
        rule: crate::content::BadgeRule::default(),
        valid_days: raw.valid_days,
        image: None,
        alignment,
    })
}

fn read_step(
    path: &Path,
    line: usize,
    step: &StepToml,
    problems: &mut Vec<Problem>,
) -> Option<Step> {
    let valid = crate::content::valid_slug;
    match (&step.course, &step.badge) {
        (Some(course), None) if valid(course) => Some(Step::Course {
            course: course.clone(),
        }),
        (None, Some(badge)) => match badge.split_once('/') {
            Some((course, badge)) if valid(course) && valid(badge) => Some(Step::Badge {
                course: course.to_owned(),
                badge: badge.to_owned(),
            }),
            _ => {
                problems.push(Problem::new(
                    path,
                    Some(line),
                    format!("the badge step \"{badge}\" is not course/badge (e.g. \"digital-basics/job-email\")"),
                ));
                None
            }
        },
        (Some(course), None) => {
            problems.push(Problem::new(
                path,
                Some(line),
                format!("the course slug \"{course}\" is not valid"),
            ));
            None
        }
        _ => {
            problems.push(Problem::new(
                path,
                Some(line),
                "a step is either { course = \"slug\" } or { badge = \"course/badge\" }",
            ));
            None
        }
    }
}

/// The courses of a site and their badges' slugs, to check steps against.
pub type Known = HashMap<String, BTreeSet<String>>;

/// The site's courses and their badges, from the database.
pub async fn known<C: ConnectionTrait>(db: &C) -> Result<Known, CoreError> {
    let rows = courses::Entity::find().all(db).await?;
    Ok(rows
        .iter()
        .map(|course| {
            let badges = crate::courses::badge_sources(course)
                .into_iter()
                .map(|b| b.slug)
                .collect();
            (course.slug.clone(), badges)
        })
        .collect())
}

/// Keeps the pathways whose every step names a course or badge in
/// `known`; a problem for each step that does not (its pathway is left
/// out).
pub fn check(sources: Vec<PathwaySource>, known: &Known) -> (Vec<PathwaySource>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut kept = Vec::new();
    for source in sources {
        let before = problems.len();
        for (level, lines) in source.pathway.levels.iter().zip(&source.step_lines) {
            for (step, line) in level.steps.iter().zip(lines) {
                let message = match (step, known.get(step.course())) {
                    (_, None) => Some(format!(
                        "no course \"{}\" on this site; pathway \"{}\" is not imported",
                        step.course(),
                        source.pathway.slug
                    )),
                    (Step::Badge { course, badge }, Some(badges)) if !badges.contains(badge) => {
                        Some(format!(
                            "the course \"{course}\" has no badge \"{badge}\"; pathway \"{}\" is not imported",
                            source.pathway.slug
                        ))
                    }
                    _ => None,
                };
                if let Some(message) = message {
                    problems.push(Problem::new(&source.path, Some(*line), message));
                }
            }
        }
        if problems.len() == before {
            kept.push(source);
        }
    }
    (kept, problems)
}

/// What an import of pathways did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PathwayReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Pathways no longer in the file, taken off the site.
    pub removed: usize,
    /// Pathways an admin changed in the browser since the file's version
    /// was imported, kept as the admin left them (the file's version of
    /// each is unchanged).
    pub kept_from_browser: usize,
}

fn definition_of(pathway: &Pathway) -> Result<(String, String), CoreError> {
    let definition = serde_json::to_string(pathway)
        .map_err(|err| CoreError::Internal(format!("pathway as JSON: {err}")))?;
    let hash = format!("{:x}", Sha256::digest(definition.as_bytes()));
    Ok((definition, hash))
}

/// Stores the content file's `pathways` in this order as the site's
/// pathways (one transaction): new ones created, changed ones updated,
/// those no longer listed removed. A pathway an admin edited or took off
/// the site in the browser stays as the admin left it while the file's
/// version of it is unchanged (as a lesson edited in the browser does); a
/// pathway made in the browser is never removed by an import, nor is one
/// the file dropped after an admin edited it.
pub async fn import(
    db: &DatabaseConnection,
    pathways: &[Pathway],
) -> Result<PathwayReport, CoreError> {
    let txn = crate::db::begin_write(db).await?;
    let stored = pathways::Entity::find().all(&txn).await?;
    let mut report = PathwayReport::default();
    for old in &stored {
        let in_file = pathways.iter().any(|p| p.slug == old.slug);
        if in_file || old.source_hash.is_empty() {
            continue;
        }
        if old.edited_at.is_some() && !old.hidden {
            // The browser's now: no file version to follow any more.
            let mut row = pathways::ActiveModel::from(old.clone());
            row.source_hash = Set(String::new());
            row.update(&txn).await?;
            report.kept_from_browser += 1;
        } else {
            pathways::Entity::delete_by_id(old.id).exec(&txn).await?;
            report.removed += 1;
        }
    }
    for (index, pathway) in pathways.iter().enumerate() {
        let (definition, hash) = definition_of(pathway)?;
        let position = i32::try_from(index).unwrap_or(i32::MAX);
        let mut row = match stored.iter().find(|s| s.slug == pathway.slug) {
            Some(old) if old.source_hash == hash && old.edited_at.is_some() => {
                report.kept_from_browser += 1;
                continue;
            }
            Some(old) if old.source_hash == hash && old.position == position => {
                report.unchanged += 1;
                continue;
            }
            Some(old) => {
                report.updated += 1;
                pathways::ActiveModel::from(old.clone())
            }
            None => {
                report.created += 1;
                pathways::ActiveModel {
                    slug: Set(pathway.slug.clone()),
                    ..Default::default()
                }
            }
        };
        row.position = Set(position);
        row.definition = Set(definition);
        row.source_hash = Set(hash);
        row.updated_at = Set(Utc::now());
        row.edited_at = Set(None);
        row.hidden = Set(false);
        row.save(&txn).await?;
    }
    txn.commit().await?;
    Ok(report)
}

/// The site's pathways, in order (those taken off the site left out).
pub async fn all<C: ConnectionTrait>(db: &C) -> Result<Vec<Pathway>, CoreError> {
    let rows = pathways::Entity::find()
        .filter(pathways::Column::Hidden.eq(false))
        .order_by_asc(pathways::Column::Position)
        .all(db)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|row| match serde_json::from_str(&row.definition) {
            Ok(pathway) => Some(pathway),
            Err(err) => {
                tracing::warn!(slug = %row.slug, "a stored pathway cannot be read: {err}");
                None
            }
        })
        .collect())
}

/// `pathways` written in the format of the content file (see
/// `content/README.md`), laid out as the bundled file is, so that
/// [`parse`] reads them back the same.
pub fn to_toml(pathways: &[Pathway]) -> String {
    use std::fmt::Write as _;
    // A TOML string, quoted and escaped.
    let quoted = |text: &str| toml::Value::String(text.to_owned()).to_string();
    let texts = |map: &BTreeMap<Language, String>| {
        let pairs: Vec<String> = map
            .iter()
            .map(|(l, t)| format!("{} = {}", l.code(), quoted(t)))
            .collect();
        format!("{{ {} }}", pairs.join(", "))
    };
    let mut out =
        String::from("# Learning paths (format: content/README.md, \"Learning paths\").\n");
    for pathway in pathways {
        let _ = write!(
            out,
            "\n[[pathway]]\nslug = {}\ntitle = {}\n",
            quoted(&pathway.slug),
            texts(&pathway.title)
        );
        if !pathway.summary.is_empty() {
            let _ = writeln!(out, "summary = {}", texts(&pathway.summary));
        }
        for level in &pathway.levels {
            let _ = write!(
                out,
                "\n[[pathway.level]]\ntitle = {}\nsteps = [\n",
                texts(&level.title)
            );
            for step in &level.steps {
                let _ = match step {
                    Step::Course { course } => {
                        writeln!(out, "  {{ course = {} }},", quoted(course))
                    }
                    Step::Badge { course, badge } => writeln!(
                        out,
                        "  {{ badge = {} }},",
                        quoted(&format!("{course}/{badge}"))
                    ),
                };
            }
            out.push_str("]\n");
            let Some(m) = &level.milestone else {
                continue;
            };
            let _ = write!(
                out,
                "\n[pathway.level.milestone]\nslug = {}\nname = {}\ndescription = {}\ncriteria = {}\n",
                quoted(&m.slug),
                texts(&m.name),
                texts(&m.description),
                texts(&m.criteria)
            );
            if let Some(days) = m.valid_days {
                let _ = writeln!(out, "valid_days = {days}");
            }
            for a in &m.alignment {
                let _ = write!(
                    out,
                    "\n[[pathway.level.milestone.alignment]]\nframework = {}\n",
                    quoted(&a.framework)
                );
                if let Some(code) = &a.code {
                    let _ = writeln!(out, "code = {}", quoted(code));
                }
                let _ = writeln!(out, "name = {}", quoted(&a.name));
                if let Some(url) = &a.url {
                    let _ = writeln!(out, "url = {}", quoted(url));
                }
            }
        }
    }
    out
}

/// The name of the pathways text among the site's drafts.
pub const DRAFT: &str = "pathways.toml";

/// The pathways as an admin edits them in the browser: the draft she saved
/// (with its problems) if there is one, else the site's pathways as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorText {
    pub text: String,
    /// The text is a draft, not what the site shows.
    pub draft: bool,
    /// Its problems, each with its line.
    pub problems: Vec<Problem>,
    /// The pathways learners see now.
    pub published: Vec<Pathway>,
}

/// Reads and checks `text` as a pathways file against the site's courses.
async fn checked<C: ConnectionTrait>(
    db: &C,
    text: &str,
) -> Result<(Vec<Pathway>, Vec<Problem>), CoreError> {
    let path = Path::new(DRAFT);
    let (sources, mut problems) = parse(path, text);
    let (kept, unknown) = check(sources, &known(db).await?);
    problems.extend(unknown);
    problems.sort_by_key(|p| p.line);
    Ok((kept.into_iter().map(|s| s.pathway).collect(), problems))
}

/// The pathways editor for an admin (see [`EditorText`]).
pub async fn editor(db: &DatabaseConnection, actor: &Actor) -> Result<EditorText, CoreError> {
    actor.require(&[crate::accounts::Role::Admin])?;
    let published = all(db).await?;
    if let Some(draft) = site_drafts::Entity::find_by_id(DRAFT).one(db).await? {
        let (_, problems) = checked(db, &draft.text).await?;
        return Ok(EditorText {
            text: draft.text,
            draft: true,
            problems,
            published,
        });
    }
    Ok(EditorText {
        text: to_toml(&published),
        draft: false,
        problems: Vec::new(),
        published,
    })
}

/// What saving the pathways text did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// The site shows the text now; else it is kept as a draft.
    pub published: bool,
    pub problems: Vec<Problem>,
}

/// An admin saves the pathways text: published (`publish`, and only when
/// it has no problem) as the site's pathways, else kept as her draft. The
/// file's pathways she changes or leaves out stay so through imports of an
/// unchanged file; those she adds are the site's own.
pub async fn save_text(
    db: &DatabaseConnection,
    actor: &Actor,
    text: &str,
    publish: bool,
) -> Result<Saved, CoreError> {
    actor.require(&[crate::accounts::Role::Admin])?;
    if text.len() > usize::try_from(MAX_FILE_BYTES).unwrap_or(usize::MAX) {
        return Err(CoreError::Rejected("field_too_long"));
    }
    let (pathways, problems) = checked(db, text).await?;
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    if !publish || !problems.is_empty() {
        site_drafts::Entity::delete_by_id(DRAFT).exec(&txn).await?;
        site_drafts::ActiveModel {
            name: Set(DRAFT.to_owned()),
            text: Set(text.to_owned()),
            updated_by: Set(Some(actor.id())),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        return Ok(Saved {
            published: false,
            problems,
        });
    }
    let stored = pathways::Entity::find().all(&txn).await?;
    for old in &stored {
        if pathways.iter().any(|p| p.slug == old.slug) {
            continue;
        }
        if old.source_hash.is_empty() {
            pathways::Entity::delete_by_id(old.id).exec(&txn).await?;
        } else if !old.hidden {
            // One of the file's: off the site until the file changes it.
            let mut row = pathways::ActiveModel::from(old.clone());
            row.hidden = Set(true);
            row.edited_at = Set(Some(now));
            row.update(&txn).await?;
        }
    }
    for (index, pathway) in pathways.iter().enumerate() {
        let (definition, _) = definition_of(pathway)?;
        let position = i32::try_from(index).unwrap_or(i32::MAX);
        let mut row = match stored.iter().find(|s| s.slug == pathway.slug) {
            Some(old)
                if old.definition == definition && old.position == position && !old.hidden =>
            {
                continue;
            }
            Some(old) => pathways::ActiveModel::from(old.clone()),
            None => pathways::ActiveModel {
                slug: Set(pathway.slug.clone()),
                source_hash: Set(String::new()),
                ..Default::default()
            },
        };
        row.position = Set(position);
        row.definition = Set(definition);
        row.updated_at = Set(now);
        row.edited_at = Set(Some(now));
        row.hidden = Set(false);
        row.save(&txn).await?;
    }
    site_drafts::Entity::delete_by_id(DRAFT).exec(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor.id()),
        crate::audit::Action::PathwaysEdited,
        None,
        Some(format!("{} pathways", pathways.len())),
    )
    .await?;
    txn.commit().await?;
    Ok(Saved {
        published: true,
        problems: Vec::new(),
    })
}

/// An admin throws her pathways draft away (the site's pathways stay).
pub async fn discard_draft(db: &DatabaseConnection, actor: &Actor) -> Result<(), CoreError> {
    actor.require(&[crate::accounts::Role::Admin])?;
    site_drafts::Entity::delete_by_id(DRAFT).exec(db).await?;
    Ok(())
}

/// A course as a pathway's steps need it.
struct Course {
    id: i32,
    title: String,
    badges: Vec<BadgeSource>,
}

/// The site's courses as pathways read them: each with its title (in the
/// reader's language) and badges, and every active lesson.
struct Site {
    courses: HashMap<String, Course>,
    /// (lesson, course) of every active lesson.
    active: Vec<(i32, i32)>,
}

impl Site {
    async fn read<C: ConnectionTrait>(db: &C, language: Language) -> Result<Site, CoreError> {
        // Every course of the site (the catalog holds them all), read once.
        let courses = crate::courses::catalog_by_id(db, language)
            .await?
            .into_values()
            .map(|(row, card)| {
                let course = Course {
                    id: row.id,
                    title: card.title,
                    badges: crate::courses::badge_sources(&row),
                };
                (row.slug, course)
            })
            .collect();
        let active = lessons::Entity::find()
            .select_only()
            .columns([lessons::Column::Id, lessons::Column::CourseId])
            .filter(lessons::Column::Archived.eq(false))
            .into_tuple()
            .all(db)
            .await?;
        Ok(Site { courses, active })
    }
}

/// What a learner has, as pathways read it: her lessons done per course,
/// her badges and milestones.
struct Facts<'s> {
    site: &'s Site,
    /// Per course id: (active lessons, of them done).
    lessons: HashMap<i32, (usize, usize)>,
    /// The courses she authors: nobody takes a step by her own course.
    authored: HashSet<i32>,
    /// Her course badges held now (issued, not revoked, not expired).
    held: Vec<badge_awards::Model>,
    /// Her milestones that keep the rule from issuing them again, by
    /// (pathway, milestone slug): one not revoked (held, or expired), else
    /// a revoked one not allowed again (revocation sticks).
    milestones: HashMap<(String, String), badge_awards::Model>,
}

impl<'s> Facts<'s> {
    async fn read<C: ConnectionTrait>(
        db: &C,
        site: &'s Site,
        user_id: i32,
    ) -> Result<Facts<'s>, CoreError> {
        let mut all = Facts::read_many(db, site, &[user_id]).await?;
        Ok(all.remove(&user_id).unwrap_or_else(|| Facts::empty(site)))
    }

    fn empty(site: &'s Site) -> Facts<'s> {
        Facts {
            site,
            lessons: HashMap::new(),
            authored: HashSet::new(),
            held: Vec::new(),
            milestones: HashMap::new(),
        }
    }

    /// The facts of each of `users` (four queries whatever their number).
    async fn read_many<C: ConnectionTrait>(
        db: &C,
        site: &'s Site,
        users: &[i32],
    ) -> Result<HashMap<i32, Facts<'s>>, CoreError> {
        let mut out: HashMap<i32, Facts<'s>> =
            users.iter().map(|id| (*id, Facts::empty(site))).collect();
        let done: HashSet<(i32, i32)> = lesson_progress::Entity::find()
            .select_only()
            .columns([
                lesson_progress::Column::UserId,
                lesson_progress::Column::LessonId,
            ])
            .filter(lesson_progress::Column::UserId.is_in(users.iter().copied()))
            .filter(lesson_progress::Column::CompletedAt.is_not_null())
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect();
        for (user, facts) in &mut out {
            for (lesson, course) in &site.active {
                let entry = facts.lessons.entry(*course).or_default();
                entry.0 += 1;
                if done.contains(&(*user, *lesson)) {
                    entry.1 += 1;
                }
            }
        }
        let authored: Vec<(i32, i32)> = course_authors::Entity::find()
            .select_only()
            .columns([
                course_authors::Column::UserId,
                course_authors::Column::CourseId,
            ])
            .filter(course_authors::Column::UserId.is_in(users.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        for (user, course) in authored {
            if let Some(facts) = out.get_mut(&user) {
                facts.authored.insert(course);
            }
        }
        let now = Utc::now();
        for award in badge_awards::Entity::find()
            .filter(badge_awards::Column::UserId.is_in(users.iter().copied()))
            .order_by_asc(badge_awards::Column::Id)
            .all(db)
            .await?
        {
            let Some(facts) = out.get_mut(&award.user_id) else {
                continue;
            };
            let revoked = award.revoked_at.is_some();
            match &award.pathway_slug {
                Some(pathway) => {
                    let sticks = revoked && award.reissue_allowed_at.is_none();
                    if !revoked || sticks {
                        let key = (pathway.clone(), award.badge_slug.clone());
                        match facts.milestones.get(&key) {
                            Some(kept) if kept.revoked_at.is_none() => {}
                            _ => {
                                facts.milestones.insert(key, award);
                            }
                        }
                    }
                }
                None if !revoked && award.valid_until.is_none_or(|until| until > now) => {
                    facts.held.push(award);
                }
                None => {}
            }
        }
        Ok(out)
    }

    fn course_done(&self, slug: &str) -> bool {
        self.site
            .courses
            .get(slug)
            .filter(|c| !self.authored.contains(&c.id))
            .and_then(|c| self.lessons.get(&c.id))
            .is_some_and(|(total, done)| *total > 0 && done == total)
    }

    /// Her badge `badge` of course `slug`, while she holds it.
    fn badge(&self, slug: &str, badge: &str) -> Option<&badge_awards::Model> {
        let course = self.site.courses.get(slug)?;
        self.held
            .iter()
            .find(|a| a.course_id == Some(course.id) && a.badge_slug == badge)
    }

    fn done(&self, step: &Step) -> bool {
        match step {
            Step::Course { course } => self.course_done(course),
            Step::Badge { course, badge } => self.badge(course, badge).is_some(),
        }
    }

    /// Whether `level` of `pathway` has a milestone the rule would issue
    /// her now: every step held, and no milestone of it kept from issuing.
    fn due(&self, pathway: &str, level: &Level) -> bool {
        level.milestone.as_ref().is_some_and(|m| {
            !self
                .milestones
                .contains_key(&(pathway.to_owned(), m.slug.clone()))
                && level.steps.iter().all(|s| self.done(s))
        })
    }

    /// Her milestone of `level` of `pathway`: held (not revoked, not
    /// expired) or not.
    fn milestone(&self, pathway: &str, level: &Level) -> Option<&badge_awards::Model> {
        let milestone = level.milestone.as_ref()?;
        let now = Utc::now();
        self.milestones
            .get(&(pathway.to_owned(), milestone.slug.clone()))
            .filter(|a| a.revoked_at.is_none() && a.valid_until.is_none_or(|until| until > now))
    }

    /// The OB 3.0 `evidence` of a milestone of `level`: each course step
    /// (its page) with the badges of it she holds, and each badge step
    /// (the badge's credential), in the level's order.
    fn evidence(&self, level: &Level, public_url: &str, language: Language) -> serde_json::Value {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let badge = |award: &badge_awards::Model| {
            serde_json::json!({
                "id": format!("{public_url}/badges/{}", award.id),
                "type": ["Evidence"],
                "name": crate::badges::wallet::badge_name(award),
                "genre": "Badge",
                "narrative": crate::content::label(language, "evidence_badge"),
            })
        };
        for step in &level.steps {
            match step {
                Step::Course { course: slug } => {
                    let Some(course) = self.site.courses.get(slug) else {
                        continue;
                    };
                    let id = format!("{public_url}/courses/{slug}");
                    if seen.insert(id.clone()) {
                        out.push(serde_json::json!({
                            "id": id,
                            "type": ["Evidence"],
                            "name": course.title,
                            "genre": "Course",
                            "narrative": crate::content::label(language, "evidence_course"),
                        }));
                    }
                    for award in self.held.iter().filter(|a| a.course_id == Some(course.id)) {
                        if seen.insert(format!("{public_url}/badges/{}", award.id)) {
                            out.push(badge(award));
                        }
                    }
                }
                Step::Badge {
                    course,
                    badge: slug,
                } => {
                    if let Some(award) = self.badge(course, slug)
                        && seen.insert(format!("{public_url}/badges/{}", award.id))
                    {
                        out.push(badge(award));
                    }
                }
            }
        }
        serde_json::Value::Array(out)
    }
}

/// Every pathway of the site as the learner stands on it, in `language`.
pub async fn for_learner<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    language: Language,
) -> Result<Vec<PathwayView>, CoreError> {
    let pathways = all(db).await?;
    if pathways.is_empty() {
        return Ok(Vec::new());
    }
    let site = Site::read(db, language).await?;
    let facts = Facts::read(db, &site, actor.id()).await?;
    Ok(views(pathways, &site, &facts, language))
}

/// The learner's dashboard part: [`for_learner`], after issuing any
/// milestone she has come to hold without a progress event issuing it (a
/// pathway added or changed since). The common case, nothing due, reads
/// her standing once; a failure to issue is logged and the pathways are
/// shown all the same (the next visit tries again).
pub async fn dashboard(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    actor: &Actor,
    language: Language,
) -> Result<Vec<PathwayView>, CoreError> {
    let pathways = all(db).await?;
    if pathways.is_empty() {
        return Ok(Vec::new());
    }
    let site = Site::read(db, language).await?;
    let mut facts = Facts::read(db, &site, actor.id()).await?;
    let due = pathways
        .iter()
        .any(|p| p.levels.iter().any(|l| facts.due(&p.slug, l)));
    if due {
        match award_milestones(db, ctx, actor.id(), None).await {
            Ok(_) => facts = Facts::read(db, &site, actor.id()).await?,
            Err(err) => tracing::warn!(user = actor.id(), "milestones not issued yet: {err}"),
        }
    }
    Ok(views(pathways, &site, &facts, language))
}

/// The pathways as `facts`' learner stands on them, in `language`.
fn views(
    pathways: Vec<Pathway>,
    site: &Site,
    facts: &Facts<'_>,
    language: Language,
) -> Vec<PathwayView> {
    let mut out = Vec::with_capacity(pathways.len());
    for pathway in pathways {
        let mut levels = Vec::with_capacity(pathway.levels.len());
        let mut next = None;
        for (l, level) in pathway.levels.iter().enumerate() {
            let mut steps = Vec::with_capacity(level.steps.len());
            for (s, step) in level.steps.iter().enumerate() {
                let course = site.courses.get(step.course());
                let done = facts.done(step);
                let view = match step {
                    Step::Course { course: slug } => PathwayStepView {
                        kind: StepKind::Course,
                        title: course.map_or_else(|| slug.clone(), |c| c.title.clone()),
                        href: format!("/courses/{slug}"),
                        done,
                        gives: course
                            .map(|c| {
                                c.badges
                                    .iter()
                                    .filter(|b| !b.rule.approval)
                                    .map(|b| localized(&b.name, language))
                                    .collect()
                            })
                            .unwrap_or_default(),
                    },
                    Step::Badge {
                        course: slug,
                        badge,
                    } => {
                        let name = course
                            .and_then(|c| c.badges.iter().find(|b| &b.slug == badge))
                            .map_or_else(|| badge.clone(), |b| localized(&b.name, language));
                        PathwayStepView {
                            kind: StepKind::Badge,
                            title: name.clone(),
                            href: format!("/courses/{slug}"),
                            done,
                            gives: vec![name],
                        }
                    }
                };
                if !view.done && next.is_none() {
                    next = Some((l, s));
                }
                steps.push(view);
            }
            let milestone = level.milestone.as_ref().map(|m| MilestoneView {
                name: localized(&m.name, language),
                held: facts.milestone(&pathway.slug, level).map(|a| a.id),
            });
            levels.push(PathwayLevelView {
                title: localized(&level.title, language),
                done: steps.iter().all(|s| s.done),
                steps,
                milestone,
            });
        }
        out.push(PathwayView {
            slug: pathway.slug.clone(),
            title: localized(&pathway.title, language),
            summary: localized(&pathway.summary, language),
            next,
            levels,
        });
    }
    out
}

pub use polku_types::coaching::PathwayPlace;

/// The site's pathways as columns (slug, title in `language`) and where
/// each of `users` stands on each, for a coach's group table.
pub async fn places<C: ConnectionTrait>(
    db: &C,
    users: &[i32],
    language: Language,
) -> Result<(Vec<(String, String)>, HashMap<i32, Vec<PathwayPlace>>), CoreError> {
    let pathways = all(db).await?;
    if pathways.is_empty() || users.is_empty() {
        return Ok((Vec::new(), HashMap::new()));
    }
    let site = Site::read(db, language).await?;
    let facts = Facts::read_many(db, &site, users).await?;
    let columns = pathways
        .iter()
        .map(|p| (p.slug.clone(), localized(&p.title, language)))
        .collect();
    let places = facts
        .iter()
        .map(|(user, facts)| {
            let row = pathways
                .iter()
                .map(|pathway| PathwayPlace {
                    level: pathway
                        .levels
                        .iter()
                        .position(|l| !l.steps.iter().all(|s| facts.done(s)))
                        .map(|l| l + 1),
                    levels: pathway.levels.len(),
                    milestones: pathway
                        .levels
                        .iter()
                        .filter(|l| facts.milestone(&pathway.slug, l).is_some())
                        .count(),
                })
                .collect();
            (*user, row)
        })
        .collect();
    Ok((columns, places))
}

/// Issues learner `user_id` every milestone badge whose level's steps she
/// now all holds and which she does not hold (nor had revoked, unless
/// allowed again), with the steps as its evidence. `touched`: the course
/// whose progress changed (only levels with a step of it are looked at);
/// `None` looks at every level. Of two requests finding the same level
/// done at once, one issues (`badge_awards_milestone_key`). Returns the
/// milestones issued now.
pub async fn award_milestones(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    user_id: i32,
    touched: Option<&str>,
) -> Result<Vec<badge_awards::Model>, CoreError> {
    let pathways = all(db).await?;
    let concerned = |level: &Level| {
        level.milestone.is_some()
            && touched.is_none_or(|course| level.steps.iter().any(|s| s.course() == course))
    };
    if !pathways.iter().any(|p| p.levels.iter().any(concerned)) {
        return Ok(Vec::new());
    }
    let Some(user) = crate::db::entities::users::Entity::find_by_id(user_id)
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    let language = user
        .language
        .as_deref()
        .and_then(Language::from_code)
        .unwrap_or_default();
    let site = Site::read(db, language).await?;
    let facts = Facts::read(db, &site, user_id).await?;
    let mut issued = Vec::new();
    for pathway in &pathways {
        for level in pathway.levels.iter().filter(|l| concerned(l)) {
            let Some(milestone) = level
                .milestone
                .as_ref()
                .filter(|_| facts.due(&pathway.slug, level))
            else {
                continue;
            };
            let origin = Origin::Milestone {
                pathway: &pathway.slug,
                language,
            };
            let evidence = facts.evidence(level, ctx.public_url, language);
            let earned = crate::badges::award::issue_earned(
                db,
                ctx,
                user_id,
                origin,
                milestone,
                Some(evidence),
            )
            .await?;
            if let Some(row) = earned {
                tracing::info!(badge = row.id, pathway = %pathway.slug, "milestone issued");
                issued.push(row);
            }
        }
    }
    Ok(issued)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (Vec<PathwaySource>, Vec<(usize, String)>) {
        let (out, problems) = parse(Path::new("pathways.toml"), text);
        (
            out,
            problems
                .into_iter()
                .map(|p| (p.line.unwrap_or(0), p.message))
                .collect(),
        )
    }

    const VALID: &str = r#"
[[pathway]]
slug = "digital-skills"
title = { fi = "Digitaidot", en = "Digital skills" }
summary = { en = "From the first click to first programs." }

[[pathway.level]]
title = { en = "Level 1" }
steps = [
  { course = "digital-basics" },
  { badge = "digital-basics/job-email" },
]

[[pathway.level]]
title = { en = "Level 2" }
steps = [{ course = "first-steps-in-programming" }]
"#;

    #[test]
    fn a_valid_file_gives_its_pathways_with_their_steps_in_order() {
        let (out, problems) = parsed(VALID);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(out.len(), 1);
        let p = &out[0].pathway;
        assert_eq!(p.slug, "digital-skills");
        assert_eq!(p.title[&Language::Fi], "Digitaidot");
        assert_eq!(p.levels.len(), 2);
        assert_eq!(
            p.levels[0].steps,
            vec![
                Step::Course {
                    course: "digital-basics".into()
                },
                Step::Badge {
                    course: "digital-basics".into(),
                    badge: "job-email".into()
                },
            ]
        );
        assert_eq!(out[0].step_lines, vec![vec![10, 11], vec![16]]);
    }

    #[test]
    fn each_mistake_is_named_with_its_line_and_its_pathway_left_out() {
        let text = r#"[[pathway]]
slug = "Bad Slug"
title = { en = "A" }

[[pathway.level]]
title = { en = "L" }
steps = [
  { course = "a", badge = "a/b" },
  { badge = "no-slash" },
  { course = "a" },
  { course = "a" },
]

[[pathway]]
slug = "empty"
title = { xx = "A" }

[[pathway]]
slug = "fine"
title = { en = "Fine" }
[[pathway.level]]
title = { en = "L" }
steps = [{ course = "a" }]
"#;
        let (out, problems) = parsed(text);
        let lines: Vec<usize> = problems.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![2, 8, 9, 11, 16, 14], "{problems:?}");
        assert!(problems[0].1.contains("Bad Slug"));
        assert!(problems[1].1.contains("either"));
        assert!(problems[2].1.contains("course/badge"));
        assert!(problems[3].1.contains("twice"));
        assert!(problems[4].1.contains("unknown language \"xx\""));
        assert!(problems[5].1.contains("no [[pathway.level]]"));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].pathway.slug, "fine");
    }

    #[test]
    fn a_levels_milestone_is_read_strictly_with_its_line() {
        let text = r#"[[pathway]]
slug = "p"
title = { en = "P" }

[[pathway.level]]
title = { en = "L1" }
steps = [{ course = "a" }]

[pathway.level.milestone]
slug = "first"
name = { fi = "Eka", en = "First" }
description = { en = "Can do it." }
criteria = { en = "Every step." }
valid_days = 365

[[pathway.level.milestone.alignment]]
framework = "DigComp 2.2"
code = "2.1"
name = "Interacting"
url = "https://example.org/digcomp"

[[pathway.level]]
title = { en = "L2" }
steps = [{ course = "b" }]

[[pathway]]
slug = "q"
title = { en = "Q" }

[[pathway.level]]
title = { en = "L1" }
steps = [{ course = "a" }]
[pathway.level.milestone]
slug = "Bad Slug"
name = { en = "M" }
description = { en = "D" }
criteria = {}
valid_days = 0

[[pathway.level]]
title = { en = "L2" }
steps = [{ course = "b" }]
[pathway.level.milestone]
slug = "twice"
name = { en = "M" }
description = { en = "D" }
criteria = { en = "C" }
[[pathway.level.milestone.alignment]]
framework = "DigComp 2.2"
name = "X"
url = "ftp://example.org"

[[pathway.level]]
title = { en = "L3" }
steps = [{ course = "c" }]
[pathway.level.milestone]
slug = "twice"
name = { en = "M" }
description = { en = "D" }
criteria = { en = "C" }
"#;
        let (out, problems) = parsed(text);
        assert_eq!(out.len(), 1, "{problems:?}");
        let level = &out[0].pathway.levels[0];
        let milestone = level.milestone.as_ref().unwrap();
        assert_eq!(milestone.slug, "first");
        assert_eq!(milestone.name[&Language::Fi], "Eka");
        assert_eq!(milestone.valid_days, Some(365));
        assert_eq!(milestone.alignment[0].code.as_deref(), Some("2.1"));
        assert!(!milestone.rule.approval);
        assert!(out[0].pathway.levels[1].milestone.is_none());
        let found: Vec<(usize, &str)> = problems.iter().map(|(l, m)| (*l, m.as_str())).collect();
        let lines: Vec<usize> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![33, 33, 33, 43, 56], "{found:?}");
        assert!(found[0].1.contains("Bad Slug"));
        assert!(found[1].1.contains("criteria is missing"));
        assert!(found[2].1.contains("valid_days"));
        assert!(found[3].1.contains("not a web address"));
        assert!(found[4].1.contains("already uses the slug \"twice\""));
    }

    #[test]
    fn the_editors_text_reads_back_as_the_same_pathways() {
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
        let (sources, problems) = load(&bundled).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let mut pathways: Vec<Pathway> = sources.into_iter().map(|s| s.pathway).collect();
        // Text that needs escaping survives too.
        pathways[0]
            .title
            .insert(Language::En, "A \"quoted\" path \\ with a backslash".into());
        let text = to_toml(&pathways);
        let (again, problems) = parsed(&text);
        assert!(problems.is_empty(), "{problems:?}\n{text}");
        let again: Vec<Pathway> = again.into_iter().map(|s| s.pathway).collect();
        assert_eq!(again, pathways);
    }

    #[test]
    fn an_unknown_key_or_a_syntax_error_names_its_line() {
        let (out, problems) = parsed("[[pathway]]\nslug = \"a\"\ncolour = \"red\"\n");
        assert!(out.is_empty());
        assert_eq!(problems[0].0, 3, "{problems:?}");
        assert!(problems[0].1.contains("colour"), "{problems:?}");
        let (_, problems) = parsed("[[pathway]]\nslug = \"a\n");
        assert_eq!(problems[0].0, 2, "{problems:?}");
    }

    #[test]
    fn a_folder_without_the_file_has_no_pathways_and_a_bad_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).is_none());
        std::fs::write(dir.path().join(FILE), b"slug = \"\xff\"\n").unwrap();
        let (out, problems) = load(dir.path()).unwrap();
        assert!(out.is_empty());
        assert!(problems[0].message.contains("not UTF-8"), "{problems:?}");
        std::fs::remove_file(dir.path().join(FILE)).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join(FILE)).unwrap();
        let (out, problems) = load(dir.path()).unwrap();
        assert!(out.is_empty());
        assert!(
            problems[0].message.contains("not a plain file"),
            "{problems:?}"
        );
        assert_eq!(problems[0].path, dir.path().join(FILE));
    }

    #[test]
    fn the_same_slug_twice_is_refused() {
        let twice = format!("{VALID}\n{VALID}");
        let (out, problems) = parsed(&twice);
        assert_eq!(out.len(), 1);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 20);
        assert!(problems[0].1.contains("already uses"));
    }

    #[test]
    fn steps_must_name_the_sites_courses_and_badges() {
        let (out, _) = parsed(VALID);
        let mut known = Known::new();
        known.insert(
            "digital-basics".into(),
            BTreeSet::from(["digital-basics".to_owned()]),
        );
        known.insert("first-steps-in-programming".into(), BTreeSet::new());
        let (kept, problems) = check(out.clone(), &known);
        assert!(kept.is_empty());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(11));
        assert!(problems[0].message.contains("no badge \"job-email\""));
        known
            .get_mut("digital-basics")
            .unwrap()
            .insert("job-email".into());
        known.remove("first-steps-in-programming");
        let (kept, problems) = check(out.clone(), &known);
        assert!(kept.is_empty());
        assert_eq!(problems[0].line, Some(16));
        assert!(problems[0].message.contains("no course"));
        known.insert("first-steps-in-programming".into(), BTreeSet::new());
        let (kept, problems) = check(out, &known);
        assert!(problems.is_empty());
        assert_eq!(kept.len(), 1);
    }
}
