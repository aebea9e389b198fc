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
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::accounts::Actor;
use crate::badges::wallet::localized;
use crate::content::Problem;
use crate::db::entities::{badge_awards, courses, lesson_progress, lessons, pathways};
use crate::{CoreError, Language};

pub use polku_types::progress::{PathwayLevelView, PathwayStepView, PathwayView, StepKind};

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
            levels.push(Level { title, steps });
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
}

/// Stores `pathways` in this order as the site's pathways (one
/// transaction): new ones created, changed ones updated, those no longer
/// listed removed.
pub async fn import(
    db: &DatabaseConnection,
    pathways: &[Pathway],
) -> Result<PathwayReport, CoreError> {
    let txn = db.begin().await?;
    let stored = pathways::Entity::find().all(&txn).await?;
    let mut report = PathwayReport::default();
    for old in &stored {
        if !pathways.iter().any(|p| p.slug == old.slug) {
            pathways::Entity::delete_by_id(old.id).exec(&txn).await?;
            report.removed += 1;
        }
    }
    for (index, pathway) in pathways.iter().enumerate() {
        let definition = serde_json::to_string(pathway)
            .map_err(|err| CoreError::Internal(format!("pathway as JSON: {err}")))?;
        let hash = format!("{:x}", Sha256::digest(definition.as_bytes()));
        let position = i32::try_from(index).unwrap_or(i32::MAX);
        let mut row = match stored.iter().find(|s| s.slug == pathway.slug) {
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
        row.save(&txn).await?;
    }
    txn.commit().await?;
    Ok(report)
}

/// The site's pathways, in order.
pub async fn all<C: ConnectionTrait>(db: &C) -> Result<Vec<Pathway>, CoreError> {
    let rows = pathways::Entity::find()
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

/// A course as a pathway's steps need it.
struct Course<'a> {
    id: i32,
    title: &'a str,
    badges: Vec<crate::content::BadgeSource>,
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
    // Every course of the site (the catalog holds them all), with its
    // title in `language` and its badges, read once each.
    let catalog = crate::courses::catalog_by_id(db, language).await?;
    let by_slug: HashMap<&str, Course<'_>> = catalog
        .values()
        .map(|(row, card)| {
            let course = Course {
                id: row.id,
                title: &card.title,
                badges: crate::courses::badge_sources(row),
            };
            (row.slug.as_str(), course)
        })
        .collect();
    // Lessons per course, and hers done.
    let active: Vec<(i32, i32)> = lessons::Entity::find()
        .select_only()
        .columns([lessons::Column::Id, lessons::Column::CourseId])
        .filter(lessons::Column::Archived.eq(false))
        .into_tuple()
        .all(db)
        .await?;
    let done: HashSet<i32> = lesson_progress::Entity::find()
        .select_only()
        .column(lesson_progress::Column::LessonId)
        .filter(lesson_progress::Column::UserId.eq(actor.id()))
        .filter(lesson_progress::Column::CompletedAt.is_not_null())
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut lessons_of: HashMap<i32, (usize, usize)> = HashMap::new();
    for (lesson, course) in active {
        let entry = lessons_of.entry(course).or_default();
        entry.0 += 1;
        if done.contains(&lesson) {
            entry.1 += 1;
        }
    }
    let now = Utc::now();
    let held: HashSet<(i32, String)> = badge_awards::Entity::find()
        .filter(badge_awards::Column::UserId.eq(actor.id()))
        .filter(badge_awards::Column::RevokedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .filter(|award| award.valid_until.is_none_or(|until| until > now))
        .map(|award| (award.course_id, award.badge_slug))
        .collect();
    let mut out = Vec::with_capacity(pathways.len());
    for pathway in pathways {
        let mut levels = Vec::with_capacity(pathway.levels.len());
        let mut next = None;
        for (l, level) in pathway.levels.iter().enumerate() {
            let mut steps = Vec::with_capacity(level.steps.len());
            for (s, step) in level.steps.iter().enumerate() {
                let course = by_slug.get(step.course());
                let view = match step {
                    Step::Course { course: slug } => {
                        let done = course
                            .and_then(|c| lessons_of.get(&c.id))
                            .is_some_and(|(total, done)| *total > 0 && done == total);
                        let gives = course
                            .map(|c| {
                                c.badges
                                    .iter()
                                    .filter(|b| !b.rule.approval)
                                    .map(|b| localized(&b.name, language))
                                    .collect()
                            })
                            .unwrap_or_default();
                        PathwayStepView {
                            kind: StepKind::Course,
                            title: course.map_or_else(|| slug.clone(), |c| c.title.to_owned()),
                            href: format!("/courses/{slug}"),
                            done,
                            gives,
                        }
                    }
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
                            done: course.is_some_and(|c| held.contains(&(c.id, badge.clone()))),
                            gives: vec![name],
                        }
                    }
                };
                if !view.done && next.is_none() {
                    next = Some((l, s));
                }
                steps.push(view);
            }
            levels.push(PathwayLevelView {
                title: localized(&level.title, language),
                done: steps.iter().all(|s| s.done),
                steps,
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
    Ok(out)
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
