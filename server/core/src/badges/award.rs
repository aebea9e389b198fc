//! The rules: which badges a learner's progress now earns. When it meets
//! a badge's approved rule, the badge is issued at once (see
//! [`super::issue`]) and kept for her (see [`super::wallet`]).

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::Value;

use super::issue::{IssueContext, Origin, issue};
use crate::CoreError;
use crate::accounts::Actor;
use crate::content::BadgeSource;
use crate::db::entities::{badge_awards, courses, lesson_progress, lesson_texts, quiz_attempts};

/// Issues every badge of course `course_id` whose rule the actor now
/// meets and which they neither hold nor had revoked (unless a coach
/// allowed it again), from its approved definition (see
/// [`super::approval`]); badges needing a coach's approval are not issued
/// here, and authors of the course earn none. Then the milestones of
/// pathways the course is a step of, if now due. Returns the badges
/// issued now.
pub async fn award_due(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    actor: &Actor,
    course_id: i32,
) -> Result<Vec<badge_awards::Model>, CoreError> {
    match courses::Entity::find_by_id(course_id).one(db).await? {
        Some(course) => award_due_in(db, ctx, actor, &course).await,
        None => Ok(Vec::new()),
    }
}

/// [`award_due`] for a course already read: the course's badges, then the
/// pathways' milestones that a step of this course may have completed
/// (see [`crate::pathways::award_milestones`]).
pub(crate) async fn award_due_in(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    actor: &Actor,
    course: &courses::Model,
) -> Result<Vec<badge_awards::Model>, CoreError> {
    let mut issued = course_badges_due(db, ctx, actor, course).await?;
    issued
        .extend(crate::pathways::award_milestones(db, ctx, actor.id(), Some(&course.slug)).await?);
    Ok(issued)
}

/// The badges of `course` due to the actor, issued.
async fn course_badges_due(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    actor: &Actor,
    course: &courses::Model,
) -> Result<Vec<badge_awards::Model>, CoreError> {
    let course_id = course.id;
    // Only approved definitions issue.
    let badges = super::approval::issuing(db, course).await?;
    // Most courses award nothing automatically: no further queries then.
    if badges.iter().all(|b| b.rule.approval) {
        return Ok(Vec::new());
    }
    // Nobody earns the badges of a course they author.
    if super::approval::authors(db, actor.id(), course_id).await? {
        return Ok(Vec::new());
    }
    // Not due: held (issued, not revoked), or revoked and not allowed
    // again by a coach or an admin (revocation sticks: the rule does not
    // simply issue it again).
    let held: BTreeSet<String> = badge_awards::Entity::find()
        .filter(badge_awards::Column::UserId.eq(actor.id()))
        .filter(badge_awards::Column::CourseId.eq(course_id))
        .all(db)
        .await?
        .into_iter()
        .filter(|a| a.revoked_at.is_none() || a.reissue_allowed_at.is_none())
        .map(|a| a.badge_slug)
        .collect();
    let due: Vec<&BadgeSource> = badges
        .iter()
        .filter(|b| !b.rule.approval && !held.contains(&b.slug))
        .collect();
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let lessons = crate::courses::active_lessons(db, course_id).await?;
    let done: BTreeSet<i32> = lesson_progress::Entity::find()
        .filter(lesson_progress::Column::UserId.eq(actor.id()))
        .filter(lesson_progress::Column::CourseId.eq(course_id))
        .filter(lesson_progress::Column::CompletedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.lesson_id)
        .collect();
    let right: BTreeSet<(i32, i32)> = quiz_attempts::Entity::find()
        .filter(quiz_attempts::Column::UserId.eq(actor.id()))
        .filter(quiz_attempts::Column::CourseId.eq(course_id))
        .filter(quiz_attempts::Column::Correct.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.lesson_id, a.quiz_index))
        .collect();
    let default_language = course.default_language.clone();
    let quiz_counts: HashMap<i32, usize> = lesson_texts::Entity::find()
        .filter(lesson_texts::Column::LessonId.is_in(lessons.iter().map(|l| l.id)))
        .filter(lesson_texts::Column::Language.eq(&default_language))
        .all(db)
        .await?
        .into_iter()
        .map(|t| {
            let quizzes: Vec<Value> = serde_json::from_str(&t.quizzes).unwrap_or_default();
            (t.lesson_id, quizzes.len())
        })
        .collect();

    let mut issued = Vec::new();
    for badge in due {
        let required: Vec<i32> = match &badge.rule.lessons {
            None => lessons.iter().map(|l| l.id).collect(),
            Some(slugs) => lessons
                .iter()
                .filter(|l| slugs.contains(&l.slug))
                .map(|l| l.id)
                .collect(),
        };
        if required.is_empty() || !required.iter().all(|id| done.contains(id)) {
            continue;
        }
        if let Some(min) = badge.rule.min_quiz_score {
            let total: usize = required
                .iter()
                .map(|id| quiz_counts.get(id).copied().unwrap_or(0))
                .sum();
            let answered = right
                .iter()
                .filter(|(lesson, _)| required.contains(lesson))
                .count();
            if total > 0 && answered * 100 < usize::from(min) * total {
                continue;
            }
        }
        if let Some(row) =
            issue_earned(db, ctx, actor.id(), Origin::Course(course), badge, None).await?
        {
            issued.push(row);
        }
    }
    Ok(issued)
}

/// Issues `badge` that learner `user_id` has just earned by a rule and
/// tells her. `None` when another request issued it at the same moment
/// (another tab, another instance): the database keeps one held badge
/// (`badge_awards_held_key`, `badge_awards_milestone_key`), and that one
/// was not issued here.
pub(crate) async fn issue_earned(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    user_id: i32,
    origin: Origin<'_>,
    badge: &BadgeSource,
    evidence: Option<Value>,
) -> Result<Option<badge_awards::Model>, CoreError> {
    match issue(db, ctx, user_id, origin, badge, evidence).await {
        Ok(row) => {
            crate::notifications::notify(
                db,
                crate::notifications::Note {
                    user: user_id,
                    kind: crate::notifications::NotificationKind::BadgeEarned,
                    actor: None,
                    link: format!("/badges#badge-{}", row.id),
                    names: badge.name.clone(),
                    detail: Default::default(),
                },
            )
            .await?;
            Ok(Some(row))
        }
        Err(CoreError::Db(err))
            if matches!(
                err.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Ok(None)
        }
        Err(err) => Err(err),
    }
}
