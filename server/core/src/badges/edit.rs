//! Badge definitions edited in the browser by the course's authors: name,
//! description and criteria per language, the rule (lessons, quiz score, a
//! coach's approval), the validity period and the competences it stands
//! for (kept, taken away, or added from the bundled frameworks: see
//! [`crate::frameworks`]). The picture stays as `course.toml` gives it. Saved definitions go where
//! import puts them (the course row), so the course export writes them
//! back to `course.toml`, and they apply to badges issued from then on
//! (badges already issued keep what they were signed with).

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

use crate::authoring::{AuthorGrant, course_row};
use crate::content::{BadgeRule, BadgeSource, valid_slug};
use crate::{CoreError, Language};

pub use polku_types::authoring::{BadgeDraft, BadgeEditorView, BadgeTexts};

/// The longest name, and the longest description or criteria.
pub const MAX_NAME: usize = 200;
pub const MAX_TEXT: usize = 2_000;

/// A badge as its author edits it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BadgeEdit {
    /// The badge's key in the course (new: a new badge).
    pub slug: String,
    pub name: BTreeMap<Language, String>,
    pub description: BTreeMap<Language, String>,
    pub criteria: BTreeMap<Language, String>,
    /// Lessons to mark done (slugs); empty: every lesson.
    pub lessons: Vec<String>,
    /// The least share of those lessons' quizzes answered right (percent).
    pub min_quiz_score: Option<u8>,
    /// A coach approves evidence the learner sends.
    pub approval: bool,
    /// Days a badge stays valid after it is issued.
    pub valid_days: Option<u32>,
    /// The alignments kept (see [`alignment_key`]); those not named are
    /// taken away.
    pub alignments: Vec<String>,
    /// A competence to add, as typed (see [`crate::frameworks::pick`]).
    pub add_competence: String,
}

/// How the editor names one of a badge's alignments in its form.
pub fn alignment_key(a: &crate::content::BadgeAlignment) -> String {
    let id = a.code.as_deref().or(a.url.as_deref()).unwrap_or(&a.name);
    format!("{}|{id}", a.framework)
}

/// An alignment as its author reads it: a bundled framework's entry in
/// `language`, else as written.
fn alignment_label(a: &crate::content::BadgeAlignment, language: Language) -> String {
    match crate::frameworks::resolve(&a.framework, a.code.as_deref(), a.url.as_deref()) {
        Some((framework, entry)) => crate::frameworks::choice(framework, entry, language),
        None => [
            Some(a.framework.as_str()),
            a.code.as_deref(),
            Some(a.name.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" "),
    }
}

/// The badge editor for course `course`'s author: its badges (slug, name
/// in `language`) and badge `badge` ready to edit (empty or unknown: a new
/// one), its texts in every language, the course's default first.
pub async fn editor(
    db: &DatabaseConnection,
    grant: &AuthorGrant,
    course: &str,
    badge: &str,
    language: Language,
) -> Result<BadgeEditorView, CoreError> {
    let outline = crate::authoring::outline(db, grant, course, language).await?;
    let row = course_row(db, grant, course).await?;
    let badges = crate::courses::badge_sources(&row);
    let found = badges.iter().find(|b| b.slug == badge);
    let mut languages = vec![outline.default_language];
    languages.extend(
        Language::ALL
            .into_iter()
            .filter(|l| *l != outline.default_language),
    );
    let text = |map: Option<&BTreeMap<Language, String>>, l: Language| {
        map.and_then(|m| m.get(&l)).cloned().unwrap_or_default()
    };
    let required: Option<&Vec<String>> = found.and_then(|b| b.rule.lessons.as_ref());
    let draft = BadgeDraft {
        slug: found.map(|b| b.slug.clone()).unwrap_or_default(),
        texts: languages
            .into_iter()
            .map(|l| BadgeTexts {
                language: l,
                name: text(found.map(|b| &b.name), l),
                description: text(found.map(|b| &b.description), l),
                criteria: text(found.map(|b| &b.criteria), l),
            })
            .collect(),
        lessons: outline
            .lessons
            .into_iter()
            .map(|l| {
                let on = required.is_some_and(|r| r.contains(&l.slug));
                (l.slug, l.title, on)
            })
            .collect(),
        min_quiz_score: found
            .and_then(|b| b.rule.min_quiz_score)
            .map(|s| s.to_string())
            .unwrap_or_default(),
        approval: found.is_some_and(|b| b.rule.approval),
        valid_days: found
            .and_then(|b| b.valid_days)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        alignments: found
            .map(|b| {
                b.alignment
                    .iter()
                    .map(|a| (alignment_key(a), alignment_label(a, language), true))
                    .collect()
            })
            .unwrap_or_default(),
        add_competence: String::new(),
    };
    Ok(BadgeEditorView {
        badges: badges
            .iter()
            .map(|b| {
                let name = crate::badges::wallet::localized(&b.name, language);
                (b.slug.clone(), name)
            })
            .collect(),
        course: outline.slug,
        course_title: outline.title,
        draft,
        competences: crate::frameworks::search("", usize::MAX)
            .into_iter()
            .map(|(f, e)| crate::frameworks::choice(f, e, language))
            .collect(),
    })
}

/// Saves a badge of course `course` (a new slug adds one). Every problem
/// is reported at once, naming the field.
pub async fn save(
    db: &DatabaseConnection,
    grant: &AuthorGrant,
    course: &str,
    edit: BadgeEdit,
) -> Result<(), CoreError> {
    // The grant first: nobody learns anything from a refused call.
    let row = course_row(db, grant, course).await?;
    let default_language = crate::courses::default_language(&row);
    let lessons: Vec<String> = crate::courses::active_lessons(db, row.id)
        .await?
        .into_iter()
        .map(|l| l.slug)
        .collect();
    let mut problems = Vec::new();
    let slug = edit.slug.trim().to_owned();
    if !valid_slug(&slug) || slug.len() > 64 {
        problems.push(
            "slug: use lowercase letters a-z, digits and hyphens (at most 64), e.g. email-basics"
                .to_owned(),
        );
    }
    let clean = |map: BTreeMap<Language, String>| -> BTreeMap<Language, String> {
        map.into_iter()
            .map(|(l, v)| (l, v.trim().to_owned()))
            .filter(|(_, v)| !v.is_empty())
            .collect()
    };
    let (name, description, criteria) = (
        clean(edit.name),
        clean(edit.description),
        clean(edit.criteria),
    );
    if !name.contains_key(&default_language) {
        problems.push(format!(
            "name: the badge needs a name in the course's default language ({})",
            default_language.code()
        ));
    }
    if name.values().any(|n| n.chars().count() > MAX_NAME) {
        problems.push(format!("name: at most {MAX_NAME} characters"));
    }
    if description
        .values()
        .chain(criteria.values())
        .any(|t| t.chars().count() > MAX_TEXT)
    {
        problems.push(format!(
            "description, criteria: at most {MAX_TEXT} characters each"
        ));
    }
    for lesson in &edit.lessons {
        if !lessons.contains(lesson) {
            problems.push(format!("lessons: the course has no lesson \"{lesson}\""));
        }
    }
    if edit.min_quiz_score.is_some_and(|s| s > 100) {
        problems.push("quiz score: a percentage from 0 to 100".to_owned());
    }
    if edit.valid_days == Some(0) || edit.valid_days.is_some_and(|d| d > 36_500) {
        problems.push("valid days: from 1 to 36 500, or empty for no end".to_owned());
    }
    let added = match edit.add_competence.trim() {
        "" => None,
        typed => match crate::frameworks::pick(typed) {
            Some((framework, entry)) => Some(entry.alignment(framework)),
            None => {
                problems.push(format!(
                    "competence: no DigComp competence or ESCO skill is \"{typed}\"; pick one from the list (search by name or code)"
                ));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(CoreError::Invalid(problems));
    }
    let mut badges = crate::courses::badge_sources(&row);
    let aligned = |old: &[crate::content::BadgeAlignment]| {
        let mut kept: Vec<crate::content::BadgeAlignment> = old
            .iter()
            .filter(|a| edit.alignments.contains(&alignment_key(a)))
            .cloned()
            .collect();
        if let Some(new) = &added
            && !kept.iter().any(|a| alignment_key(a) == alignment_key(new))
        {
            kept.push(new.clone());
        }
        kept
    };
    let rule = BadgeRule {
        lessons: (!edit.lessons.is_empty()).then_some(edit.lessons),
        min_quiz_score: edit.min_quiz_score,
        approval: edit.approval,
    };
    match badges.iter_mut().find(|b| b.slug == slug) {
        Some(badge) => {
            badge.name = name;
            badge.description = description;
            badge.criteria = criteria;
            badge.rule = rule;
            badge.valid_days = edit.valid_days;
            badge.alignment = aligned(&badge.alignment);
        }
        None => badges.push(BadgeSource {
            slug,
            name,
            description,
            criteria,
            rule,
            valid_days: edit.valid_days,
            image: None,
            alignment: aligned(&[]),
        }),
    }
    let mut active: crate::db::entities::courses::ActiveModel = row.into();
    active.badges = Set(serde_json::to_string(&badges).unwrap_or_else(|_| "[]".to_owned()));
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}
