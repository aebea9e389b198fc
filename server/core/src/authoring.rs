//! Authoring in the browser: edit a lesson's Markdown with a preview from
//! the same pipeline as import, save drafts, publish, see the history and
//! restore, create and reorder lessons.
//!
//! Every function takes an [`AuthorGrant`], which only [`AdminToken::grant`]
//! creates: a caller cannot reach these services without passing the
//! check. Until accounts exist the grant comes from the admin token in the
//! configuration; with accounts it becomes the instructor role.

use std::collections::BTreeSet;
use std::path::Path;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use sha2::{Digest, Sha256};

use crate::content::{RenderContext, lesson_from_text};
use crate::courses::Origin;
use crate::courses::revisions::{self, DRAFT};
use crate::db::entities::{course_media, courses, lesson_revisions, lesson_texts, lessons};
use crate::{CoreError, Language};

pub use polku_types::authoring::{Editing, Outline, OutlineLesson, PreviewResult, Revision};

/// The secret that unlocks authoring, from the configuration. Only its
/// SHA-256 digest is kept.
#[derive(Clone)]
pub struct AdminToken {
    digest: [u8; 32],
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(…)")
    }
}

/// Proof that the caller may author, and which courses. Only
/// [`AdminToken::grant`] (every course) and [`AuthorGrant::for_actor`]
/// (an admin: every course; an instructor: the courses they author) make
/// one.
#[derive(Debug)]
pub struct AuthorGrant {
    /// `None`: every course; else these course ids.
    courses: Option<Vec<i32>>,
}

impl AuthorGrant {
    /// The grant of a signed-in person: admins author every course,
    /// instructors the courses they are authors of; others none.
    pub async fn for_actor<C: sea_orm::ConnectionTrait>(
        db: &C,
        actor: &crate::accounts::Actor,
    ) -> Result<AuthorGrant, CoreError> {
        use crate::accounts::Role;
        use crate::db::entities::course_authors;
        match actor.role() {
            Role::Admin => Ok(AuthorGrant { courses: None }),
            Role::Instructor => {
                let ids = course_authors::Entity::find()
                    .filter(course_authors::Column::UserId.eq(actor.id()))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|a| a.course_id)
                    .collect();
                Ok(AuthorGrant { courses: Some(ids) })
            }
            _ => Err(CoreError::Forbidden),
        }
    }

    /// The course ids covered; `None`: every course.
    pub fn course_ids(&self) -> Option<&[i32]> {
        self.courses.as_deref()
    }

    /// Whether the grant covers course `id`.
    pub fn covers(&self, id: i32) -> bool {
        self.courses.as_ref().is_none_or(|ids| ids.contains(&id))
    }
}

impl AdminToken {
    /// The token from the configuration.
    pub fn new(token: &str) -> Self {
        AdminToken {
            digest: Sha256::digest(token.as_bytes()).into(),
        }
    }

    /// What the sign-in cookie holds: a digest of a digest, so the cookie
    /// never contains the token itself.
    pub fn cookie_value(&self) -> String {
        format!("{:x}", Sha256::digest(self.digest))
    }

    /// Whether `token` (typed at sign-in) is the admin token. Digests are
    /// compared, so the time taken says nothing about the token.
    pub fn matches(&self, token: &str) -> bool {
        <[u8; 32]>::from(Sha256::digest(token.as_bytes())) == self.digest
    }

    /// A grant when `cookie` is the sign-in cookie's value.
    pub fn grant(&self, cookie: Option<&str>) -> Option<AuthorGrant> {
        let expected = self.cookie_value();
        let given = cookie?;
        (Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes()))
            .then_some(AuthorGrant { courses: None })
    }
}

/// What saving did.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    /// The new revision's number.
    pub number: i32,
    /// It was published (false: kept as a draft).
    pub published: bool,
    /// Problems that kept it from being published.
    pub problems: Vec<String>,
}

/// Largest lesson text accepted from the editor.
pub const MAX_TEXT: usize = 200_000;

/// The course, if the grant covers it.
pub(crate) async fn course_row(
    db: &DatabaseConnection,
    grant: &AuthorGrant,
    slug: &str,
) -> Result<courses::Model, CoreError> {
    let course = courses::Entity::find()
        .filter(courses::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    if !grant.covers(course.id) {
        return Err(CoreError::Forbidden);
    }
    Ok(course)
}

async fn lesson_row(
    db: &DatabaseConnection,
    course: &courses::Model,
    slug: &str,
) -> Result<lessons::Model, CoreError> {
    lessons::Entity::find()
        .filter(lessons::Column::CourseId.eq(course.id))
        .filter(lessons::Column::Slug.eq(slug))
        .filter(lessons::Column::Archived.eq(false))
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)
}

/// The slugs of the courses the grant covers, in catalog order.
pub async fn authored_slugs(
    db: &DatabaseConnection,
    grant: &AuthorGrant,
) -> Result<Vec<String>, CoreError> {
    Ok(courses::Entity::find()
        .order_by_asc(courses::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .filter(|c| grant.covers(c.id))
        .map(|c| c.slug)
        .collect())
}

/// A course's lessons for its author.
pub async fn outline(
    db: &DatabaseConnection,
    grant: &AuthorGrant,
    slug: &str,
    language: Language,
) -> Result<Outline, CoreError> {
    let course = course_row(db, grant, slug).await?;
    let title = crate::courses::title_in(db, &course, language).await?;
    let default_language = crate::courses::default_language(&course);
    let rows = crate::courses::active_lessons(db, course.id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let published = lesson_texts::Entity::find()
            .filter(lesson_texts::Column::LessonId.eq(row.id))
            .filter(lesson_texts::Column::Language.eq(default_language.code()))
            .one(db)
            .await?;
        let latest = revisions::latest(db, row.id, default_language.code(), None).await?;
        let title = published
            .as_ref()
            .map(|p| p.title.clone())
            .or_else(|| latest.as_ref().map(|r| r.title.clone()))
            .unwrap_or_else(|| row.slug.clone());
        out.push(OutlineLesson {
            slug: row.slug,
            title,
            module: row.module,
            published: published.is_some(),
            has_draft: latest.is_some_and(|r| r.status == DRAFT),
        });
    }
    Ok(Outline {
        slug: course.slug,
        title,
        default_language,
        lessons: out,
    })
}

/// The text to edit, its preview and the history of (lesson, language).
pub async fn editing(
    db: &DatabaseConnection,
    grant: &AuthorGrant,
    course: &str,
    lesson: &str,
    language: Language,
) -> Result<Editing, CoreError> {
    let course = course_row(db, grant, course).await?;
    let lesson = lesson_row(db, &course, lesson).await?;
    let current = lesson_texts::Entity::find()
        .filter(lesson_texts::Column::LessonId.eq(lesson.id))
        .filter(lesson_texts::Column::Language.eq(language.code()))
        .one(db)
        .await?
        .and_then(|t| t.revision_id);
    let rows = lesson_revisions::Entity::find()
        .filter(lesson_revisions::Column::LessonId.eq(lesson.id))
        .filter(lesson_revisions::Column::Language.eq(language.code()))
        .order_by_desc(lesson_revisions::Column::Number)
        .all(db)
        .await?;
    let text = rows.first().map_or_else(
        || format!("+++\ntitle = \"{}\"\n+++\n\n", lesson.slug),
        |r| r.body_markdown.clone(),
    );
    let preview = preview_of(render(db, &course, &lesson, language, &text).await?);
    Ok(Editing {
        text,
        is_draft: rows.first().is_some_and(|r| r.status == DRAFT),
        history: rows
            .iter()
            .map(|r| Revision {
                number: r.number,
                published: r.status == revisions::PUBLISHED,
                imported: r.origin == Origin::Import.as_str(),
                title: r.title.clone(),
                created_at: crate::dates::minute(r.created_at),
                current: Some(r.id) == current,
            })
            .collect(),
        preview,
    })
}

async fn media_paths(
    db: &DatabaseConnection,
    course_id: i32,
) -> Result<BTreeSet<String>, CoreError> {
    let paths: Vec<String> = course_media::Entity::find()
        .select_only()
        .column(course_media::Column::Path)
        .filter(course_media::Column::CourseId.eq(course_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(paths.into_iter().collect())
}

/// Renders `text` through the import pipeline.
async fn render(
    db: &DatabaseConnection,
    course: &courses::Model,
    lesson: &lessons::Model,
    language: Language,
    text: &str,
) -> Result<(Option<crate::content::LessonVariant>, Vec<String>), CoreError> {
    if text.len() > MAX_TEXT {
        return Err(CoreError::Invalid(vec![format!(
            "the text is longer than {MAX_TEXT} characters; split it into several lessons"
        )]));
    }
    let media = media_paths(db, course.id).await?;
    // Relative media paths are read from the folder the lesson's file was
    // imported from (kept in its source path); a lesson made in the browser
    // sits in its module's folder (`../media/…`).
    let imported: Option<String> = lesson_texts::Entity::find()
        .select_only()
        .column(lesson_texts::Column::SourcePath)
        .filter(lesson_texts::Column::LessonId.eq(lesson.id))
        .order_by_desc(lesson_texts::Column::Language.eq(language.code()))
        .into_tuple()
        .one(db)
        .await?;
    let lesson_dir = match imported {
        Some(path) => crate::content::source_dir(&path),
        None => lesson.module.clone().unwrap_or_default(),
    };
    let ctx = RenderContext {
        language,
        course_slug: &course.slug,
        lesson_dir: &lesson_dir,
        media: &media,
        first_line: 1,
    };
    let source_path = format!(
        "{}/{}{}.{}.md",
        course.slug,
        if lesson_dir.is_empty() {
            String::new()
        } else {
            format!("{lesson_dir}/")
        },
        lesson.slug,
        language.code()
    );
    let (variant, problems) = lesson_from_text(
        Path::new(&source_path),
        source_path.clone(),
        text,
        &ctx,
        None,
    );
    let problems = problems
        .into_iter()
        .map(|p| match p.line {
            Some(line) => format!("line {line}: {}", p.message),
            None => p.message,
        })
        .collect();
    Ok((variant, problems))
}

/// A preview of `text` for (course, lesson, language).
pub async fn preview(
    db: &DatabaseConnection,
    grant: &AuthorGrant,
    course: &str,
    lesson: &str,
    language: Language,
    text: &str,
) -> Result<PreviewResult, CoreError> {
    let course = course_row(db, grant, course).await?;
    let lesson = lesson_row(db, &course, lesson).await?;
    Ok(preview_of(
        render(db, &course, &lesson, language, text).await?,
    ))
}

/// What [`render`] made, as the editor shows it.
fn preview_of(
    (variant, problems): (Option<crate::content::LessonVariant>, Vec<String>),
) -> PreviewResult {
    match variant {
        Some(v) => {
            let (advice, readability) = v.plain_language();
            PreviewResult {
                advice: advice
                    .iter()
                    .map(|(line, message)| format!("line {line}: {message}"))
                    .collect(),
                readability: (readability.sentences > 0).then(|| readability.lix.round() as u32),
                title: v.title,
                body: crate::content::markdown::split_body(&v.body_html),
                quizzes: v
                    .quizzes
                    .iter()
                    .map(crate::content::quiz::Quiz::question)
                    .collect(),
                problems,
            }
        }
        None => PreviewResult {
            title: String::new(),
            body: Vec::new(),
            quizzes: Vec::new(),
            problems,
            advice: Vec::new(),
            readability: None,
        },
    }
}

/// Saves `text` as a new revision; with `publish` and no problems, it is
/// published at once, else kept as a draft (nothing typed is ever lost).
pub async fn save(
    db: &DatabaseConnection,
    grant: &AuthorGrant,
    course: &str,
    lesson: &str,
    language: Language,
    text: &str,
    publish: bool,
) -> Result<Saved, CoreError> {
    let course = course_row(db, grant, course).await?;
    let lesson = lesson_row(db, &course, lesson).await?;
    save_text(db, &course, &lesson, language, text, publish).await
}

/// [`save`] for a course and lesson already read.
async fn save_text(
    db: &DatabaseConnection,
    course: &courses::Model,
    lesson: &lessons::Model,
    language: Language,
    text: &str,
    publish: bool,
) -> Result<Saved, CoreError> {
    let (variant, problems) = render(db, course, lesson, language, text).await?;
    let mut variant = match variant {
        Some(v) => v,
        None => {
            // Unusable front matter: keep the text as a draft all the same.
            crate::content::LessonVariant {
                language,
                title: lesson.slug.clone(),
                minutes: 1,
                source_path: format!("{}/{}.md", course.slug, lesson.slug),
                body_markdown: text.to_owned(),
                body_html: String::new(),
                objectives: Vec::new(),
                quizzes: Vec::new(),
                headings: Vec::new(),
                sections: Vec::new(),
                source_hash: String::new(),
            }
        }
    };
    let publishable = publish && problems.is_empty();
    variant.source_hash = format!("{:x}", Sha256::digest(text.as_bytes()));
    let txn = crate::db::begin_write(db).await?;
    let revision =
        revisions::insert(&txn, lesson.id, &variant, Origin::Editor, publishable).await?;
    revisions::touch_course(&txn, course.id).await?;
    txn.commit().await?;
    Ok(Saved {
        number: revision.number,
        published: publishable,
        problems,
    })
}

/// Restores revision `number`: its text becomes a new draft (publish it to
/// show it to learners). Returns the new draft's number.
pub async fn restore(
    db: &DatabaseConnection,
    grant: &AuthorGrant,
    course: &str,
    lesson: &str,
    language: Language,
    number: i32,
) -> Result<i32, CoreError> {
    let course = course_row(db, grant, course).await?;
    let lesson = lesson_row(db, &course, lesson).await?;
    let old = lesson_revisions::Entity::find()
        .filter(lesson_revisions::Column::LessonId.eq(lesson.id))
        .filter(lesson_revisions::Column::Language.eq(language.code()))
        .filter(lesson_revisions::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    let saved = save_text(db, &course, &lesson, language, &old.body_markdown, false).await?;
    Ok(saved.number)
}

/// Creates an empty lesson at the end of the course, with a draft in the
/// default language titled `title`.
pub async fn create_lesson(
    db: &DatabaseConnection,
    grant: &AuthorGrant,
    course: &str,
    slug: &str,
    title: &str,
) -> Result<(), CoreError> {
    // The grant first: nobody learns anything from a refused call.
    let row = course_row(db, grant, course).await?;
    let slug = slug.trim();
    let title = title.trim();
    let mut problems = Vec::new();
    if !crate::content::valid_slug(slug) {
        problems
            .push("slug: use lowercase letters a-z, digits and hyphens, e.g. my-lesson".to_owned());
    }
    if title.is_empty() {
        problems.push("title: the lesson needs a title".to_owned());
    }
    if !problems.is_empty() {
        return Err(CoreError::Invalid(problems));
    }
    let default_language = crate::courses::default_language(&row);
    let existing = lessons::Entity::find()
        .filter(lessons::Column::CourseId.eq(row.id))
        .filter(lessons::Column::Slug.eq(slug))
        .one(db)
        .await?;
    let lesson = match existing {
        Some(lesson) if !lesson.archived => {
            return Err(CoreError::Invalid(vec![format!(
                "slug: the course already has a lesson \"{slug}\""
            )]));
        }
        Some(lesson) => {
            let mut active: lessons::ActiveModel = lesson.into();
            active.archived = Set(false);
            active.update(db).await?
        }
        None => {
            let last: Option<i32> = lessons::Entity::find()
                .select_only()
                .column_as(lessons::Column::Position.max(), "max")
                .filter(lessons::Column::CourseId.eq(row.id))
                .into_tuple()
                .one(db)
                .await?
                .flatten();
            lessons::ActiveModel {
                course_id: Set(row.id),
                slug: Set(slug.to_owned()),
                position: Set(last.map_or(0, |p| p + 1)),
                module: Set(None),
                archived: Set(false),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    let mut front = toml::Table::new();
    front.insert("title".into(), toml::Value::String(title.to_owned()));
    let text = format!(
        "+++\n{}+++\n\n",
        toml::to_string(&front).unwrap_or_default()
    );
    save_text(db, &row, &lesson, default_language, &text, false).await?;
    Ok(())
}

/// Moves a lesson one place up (earlier) or down in its course.
pub async fn move_lesson(
    db: &DatabaseConnection,
    grant: &AuthorGrant,
    course: &str,
    lesson: &str,
    up: bool,
) -> Result<(), CoreError> {
    let course = course_row(db, grant, course).await?;
    let txn = crate::db::begin_write(db).await?;
    let rows = crate::courses::active_lessons(&txn, course.id).await?;
    let index = rows
        .iter()
        .position(|l| l.slug == lesson)
        .ok_or(CoreError::NotFound)?;
    let other = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1).filter(|&i| i < rows.len())
    };
    let Some(other) = other else {
        return Ok(());
    };
    let mut order: Vec<i32> = rows.iter().map(|l| l.id).collect();
    order.swap(index, other);
    for (position, id) in order.into_iter().enumerate() {
        lessons::ActiveModel {
            id: Set(id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            ..Default::default()
        }
        .update(&txn)
        .await?;
    }
    revisions::touch_course(&txn, course.id).await?;
    txn.commit().await?;
    Ok(())
}
