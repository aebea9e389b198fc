//! A learner's progress: enrolment, lessons viewed and done, quiz attempts,
//! per-course progress and "continue where you left off".
//!
//! Every function takes the [`Actor`] whose progress it reads or writes, so
//! a learner can only ever touch their own. Progress is keyed on stable
//! lesson ids: new revisions of a lesson keep it; archived lessons leave
//! the counts.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, Set,
};

use crate::accounts::Actor;
use crate::badges::issue::IssueContext;
use crate::content::quiz::{Answer, QuizFeedback};
use crate::courses::{self, LessonLink};
use crate::db::entities::courses as courses_table;
use crate::db::entities::{
    badge_awards, code_submissions, enrolments, lesson_progress, quiz_attempts, users,
};
use crate::{CoreError, Language};
use polku_types::courses::{CodeSubmission, CodeVerdict};

pub use polku_types::courses::LessonLearner;
pub use polku_types::progress::{CourseProgressView, DashboardEntry};

/// A lesson read again within this many seconds is not written again.
pub const VIEW_WRITE_INTERVAL_SECONDS: i64 = 30;

async fn is_enrolled<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course_id: i32,
) -> Result<bool, CoreError> {
    Ok(enrolments::Entity::find()
        .filter(enrolments::Column::UserId.eq(actor.id()))
        .filter(enrolments::Column::CourseId.eq(course_id))
        .one(db)
        .await?
        .is_some())
}

async fn enrol_id<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course_id: i32,
) -> Result<(), CoreError> {
    enrolments::Entity::insert(enrolments::ActiveModel {
        user_id: Set(actor.id()),
        course_id: Set(course_id),
        enrolled_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([enrolments::Column::UserId, enrolments::Column::CourseId])
    .exec(db)
    .await?;
    Ok(())
}

async fn touch<C: ConnectionTrait>(db: &C, actor: &Actor) -> Result<(), CoreError> {
    users::Entity::update_many()
        .col_expr(
            users::Column::LastActiveAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(users::Column::Id.eq(actor.id()))
        .exec(db)
        .await?;
    Ok(())
}

/// Enrols the actor in a course (again: nothing changes).
pub async fn enrol<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course_slug: &str,
) -> Result<(), CoreError> {
    let (course, _) = courses::find_course(db, course_slug).await?;
    enrol_id(db, actor, course.id).await?;
    touch(db, actor).await
}

/// Notes that the actor is reading a lesson (only in courses they are
/// enrolled in): "continue" brings them back here.
pub async fn record_view<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course_slug: &str,
    lesson_slug: &str,
) -> Result<LessonLearner, CoreError> {
    let (course_id, lesson_id) = courses::locate(db, course_slug, lesson_slug).await?;
    record_view_at(db, actor, course_id, lesson_id).await
}

/// [`record_view`] of a lesson already located (its course's id and its
/// own, as [`crate::courses::cache::ContentCache::locate`] gives them).
pub async fn record_view_at<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course_id: i32,
    lesson_id: i32,
) -> Result<LessonLearner, CoreError> {
    let standing = standing(db, actor, course_id, lesson_id).await?;
    Ok(note_view(db, actor, (course_id, lesson_id), standing)
        .await?
        .0)
}

/// Notes that the actor is reading the lesson `(course_id, lesson_id)`
/// in which her standing is `standing` (`None`: not enrolled, nothing is
/// noted): written unless she read it within the last
/// [`VIEW_WRITE_INTERVAL_SECONDS`]. Her state in the lesson, and her
/// standing now.
pub async fn note_view<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    (course_id, lesson_id): (i32, i32),
    standing: Option<Standing>,
) -> Result<(LessonLearner, Option<Standing>), CoreError> {
    let Some(standing) = standing else {
        let learner = LessonLearner {
            who: actor.id(),
            enrolled: false,
            done: false,
        };
        return Ok((learner, None));
    };
    let now = Utc::now();
    let learner = LessonLearner {
        who: actor.id(),
        enrolled: true,
        done: standing.completed_at.is_some(),
    };
    // Reading the same lesson again within a short while changes nothing
    // worth a write (every write waits for the disk).
    if standing
        .last_viewed_at
        .is_some_and(|seen| now - seen < chrono::Duration::seconds(VIEW_WRITE_INTERVAL_SECONDS))
    {
        return Ok((learner, Some(standing)));
    }
    lesson_progress::Entity::insert(lesson_progress::ActiveModel {
        user_id: Set(actor.id()),
        lesson_id: Set(lesson_id),
        course_id: Set(course_id),
        first_viewed_at: Set(now),
        last_viewed_at: Set(now),
        completed_at: Set(None),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            lesson_progress::Column::UserId,
            lesson_progress::Column::LessonId,
        ])
        .update_column(lesson_progress::Column::LastViewedAt)
        .to_owned(),
    )
    .exec(db)
    .await?;
    // The upsert leaves `completed_at` alone: `done` read above holds.
    touch(db, actor).await?;
    let standing = Standing {
        last_viewed_at: Some(now),
        ..standing
    };
    Ok((learner, Some(standing)))
}

/// An enrolled learner's progress in one lesson of the course (both
/// `None` before her first view).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromQueryResult)]
pub struct Standing {
    /// When she marked it done.
    pub completed_at: Option<DateTime<Utc>>,
    /// When she last read it (as last written).
    pub last_viewed_at: Option<DateTime<Utc>>,
}

/// The actor's standing in a lesson: `None` when she is not enrolled in
/// its course. One query (the enrolment joined with the lesson's progress
/// row): every signed-in lesson view asks it.
pub async fn standing<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course_id: i32,
    lesson_id: i32,
) -> Result<Option<Standing>, CoreError> {
    use sea_orm::sea_query::{Condition, ExprTrait, Query};
    let query = Query::select()
        .column((
            lesson_progress::Entity,
            lesson_progress::Column::CompletedAt,
        ))
        .column((
            lesson_progress::Entity,
            lesson_progress::Column::LastViewedAt,
        ))
        .from(enrolments::Entity)
        .left_join(
            lesson_progress::Entity,
            Condition::all()
                .add(
                    Expr::col((lesson_progress::Entity, lesson_progress::Column::UserId))
                        .equals((enrolments::Entity, enrolments::Column::UserId)),
                )
                .add(
                    Expr::col((lesson_progress::Entity, lesson_progress::Column::LessonId))
                        .eq(lesson_id),
                ),
        )
        .and_where(Expr::col((enrolments::Entity, enrolments::Column::UserId)).eq(actor.id()))
        .and_where(Expr::col((enrolments::Entity, enrolments::Column::CourseId)).eq(course_id))
        .to_owned();
    let statement = db.get_database_backend().build(&query);
    Ok(Standing::find_by_statement(statement).one(db).await?)
}

/// The learner marks a lesson done (or not done again): recorded, and
/// when done, every badge whose approved rule she now meets is issued
/// (see [`crate::badges::award`]). Returns the badges issued now. The
/// progress is saved first; if issuing then fails, the error is returned
/// and the next progress tries again.
pub async fn mark_done(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    actor: &Actor,
    course_slug: &str,
    lesson_slug: &str,
    done: bool,
) -> Result<Vec<badge_awards::Model>, CoreError> {
    let course = record_done(db, actor, course_slug, lesson_slug, done).await?;
    if !done {
        return Ok(Vec::new());
    }
    crate::badges::award::award_due_in(db, ctx, actor, &course).await
}

/// The learner answers quiz `index`: graded, the attempt recorded, and
/// every badge she now meets issued; the feedback names the first badge
/// earned (`earned`). An answer with a `key` (one kept offline and sent
/// later) is recorded once however often it arrives. As [`mark_done`] on
/// failures.
#[expect(
    clippy::too_many_arguments,
    reason = "the answer's place, and who issues"
)]
pub async fn answer(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    actor: &Actor,
    course_slug: &str,
    lesson_slug: &str,
    language: Language,
    index: usize,
    given: &Answer,
    key: Option<&str>,
) -> Result<QuizFeedback, CoreError> {
    let place = (course_slug, lesson_slug, language, index);
    let (mut feedback, course) = record_answer(db, actor, place, given, key).await?;
    let issued = crate::badges::award::award_due_in(db, ctx, actor, &course).await?;
    feedback.earned = issued.first().map(|badge| badge.id);
    Ok(feedback)
}

/// Marks a lesson done (or not done again), enrolling the actor if
/// needed, and issues nothing: the record [`mark_done`] starts with
/// (tests and imports of progress use it alone).
pub async fn set_done<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course_slug: &str,
    lesson_slug: &str,
    done: bool,
) -> Result<(), CoreError> {
    record_done(db, actor, course_slug, lesson_slug, done)
        .await
        .map(|_| ())
}

/// Records done (or not) and returns the course's row.
async fn record_done<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course_slug: &str,
    lesson_slug: &str,
    done: bool,
) -> Result<courses_table::Model, CoreError> {
    let (course, lesson_id) = courses::locate_row(db, course_slug, lesson_slug).await?;
    let course_id = course.id;
    enrol_id(db, actor, course_id).await?;
    let now = Utc::now();
    // One statement, so two requests at once cannot both insert; marking
    // done again keeps the first completion time.
    let completed = if done {
        Expr::cust("COALESCE(lesson_progress.completed_at, excluded.completed_at)")
    } else {
        Expr::value(Option::<chrono::DateTime<Utc>>::None)
    };
    lesson_progress::Entity::insert(lesson_progress::ActiveModel {
        user_id: Set(actor.id()),
        lesson_id: Set(lesson_id),
        course_id: Set(course_id),
        first_viewed_at: Set(now),
        last_viewed_at: Set(now),
        completed_at: Set(done.then_some(now)),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            lesson_progress::Column::UserId,
            lesson_progress::Column::LessonId,
        ])
        .update_column(lesson_progress::Column::LastViewedAt)
        .value(lesson_progress::Column::CompletedAt, completed)
        .to_owned(),
    )
    .exec(db)
    .await?;
    touch(db, actor).await?;
    Ok(course)
}

/// Grades an answer to quiz `index` and records the attempt (right or
/// wrong; the answer itself is not kept), enrolling the actor if needed;
/// issues nothing (see [`answer`]).
pub async fn answer_quiz<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course_slug: &str,
    lesson_slug: &str,
    language: Language,
    index: usize,
    answer: &Answer,
) -> Result<QuizFeedback, CoreError> {
    record_answer(
        db,
        actor,
        (course_slug, lesson_slug, language, index),
        answer,
        None,
    )
    .await
    .map(|(grade, _)| grade)
}

/// Grades and records an answer; the grade and the course's row.
async fn record_answer<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    (course_slug, lesson_slug, language, index): (&str, &str, Language, usize),
    answer: &Answer,
    key: Option<&str>,
) -> Result<(QuizFeedback, courses_table::Model), CoreError> {
    let grade = courses::check_quiz(db, course_slug, lesson_slug, language, index, answer).await?;
    let (course, lesson_id) = courses::locate_row(db, course_slug, lesson_slug).await?;
    let course_id = course.id;
    enrol_id(db, actor, course_id).await?;
    // A browser's key: at most 64 letters, digits and dashes, else none.
    let key = key.filter(|k| {
        !k.is_empty() && k.len() <= 64 && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if let Some(key) = key {
        let seen = quiz_attempts::Entity::find()
            .filter(quiz_attempts::Column::UserId.eq(actor.id()))
            .filter(quiz_attempts::Column::ClientKey.eq(key))
            .one(db)
            .await?;
        if seen.is_some() {
            return Ok((grade, course));
        }
    }
    insert_attempt(db, actor, (course_id, lesson_id, index), grade.correct, key).await?;
    touch(db, actor).await?;
    Ok((grade, course))
}

/// Records one attempt at graded part `index` of a lesson, right or wrong.
async fn insert_attempt<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    (course_id, lesson_id, index): (i32, i32, usize),
    correct: bool,
    key: Option<&str>,
) -> Result<(), CoreError> {
    let recorded = quiz_attempts::ActiveModel {
        user_id: Set(actor.id()),
        lesson_id: Set(lesson_id),
        course_id: Set(course_id),
        quiz_index: Set(i32::try_from(index).unwrap_or(i32::MAX)),
        correct: Set(correct),
        created_at: Set(Utc::now()),
        client_key: Set(key.map(str::to_owned)),
        ..Default::default()
    }
    .insert(db)
    .await;
    match recorded {
        Ok(_) => Ok(()),
        // The same key arriving twice at once: the other one recorded it.
        Err(err)
            if key.is_some()
                && matches!(
                    err.sql_err(),
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                ) =>
        {
            Ok(())
        }
        Err(err) => Err(err.into()),
    }
}

/// A learner's program for the Python exercise that is graded part `index`
/// of a lesson, with the verdict the server's sandbox gave it: recorded as
/// an attempt (right when every test passed), kept as her last program for
/// the exercise, and every badge she now meets issued (the verdict names
/// the first one earned).
#[expect(
    clippy::too_many_arguments,
    reason = "the program's place, and who issues"
)]
pub async fn record_code(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    actor: &Actor,
    course_slug: &str,
    lesson_slug: &str,
    index: usize,
    code: &str,
    mut verdict: CodeVerdict,
) -> Result<CodeVerdict, CoreError> {
    let (course, lesson_id) = courses::locate_row(db, course_slug, lesson_slug).await?;
    enrol_id(db, actor, course.id).await?;
    insert_attempt(
        db,
        actor,
        (course.id, lesson_id, index),
        verdict.passed,
        None,
    )
    .await?;
    let stored = serde_json::to_string(&verdict).map_err(|e| CoreError::Internal(e.to_string()))?;
    code_submissions::Entity::insert(code_submissions::ActiveModel {
        user_id: Set(actor.id()),
        lesson_id: Set(lesson_id),
        course_id: Set(course.id),
        quiz_index: Set(i32::try_from(index).unwrap_or(i32::MAX)),
        code: Set(code.to_owned()),
        verdict: Set(stored),
        passed: Set(verdict.passed),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            code_submissions::Column::UserId,
            code_submissions::Column::LessonId,
            code_submissions::Column::QuizIndex,
        ])
        .update_columns([
            code_submissions::Column::Code,
            code_submissions::Column::Verdict,
            code_submissions::Column::Passed,
            code_submissions::Column::CreatedAt,
        ])
        .to_owned(),
    )
    .exec(db)
    .await?;
    touch(db, actor).await?;
    let issued = crate::badges::award::award_due_in(db, ctx, actor, &course).await?;
    verdict.earned = issued.first().map(|badge| badge.id);
    Ok(verdict)
}

/// The actor's last program for each Python exercise of a lesson.
pub async fn code_submissions<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    lesson_id: i32,
) -> Result<Vec<CodeSubmission>, CoreError> {
    let rows = code_submissions::Entity::find()
        .filter(code_submissions::Column::UserId.eq(actor.id()))
        .filter(code_submissions::Column::LessonId.eq(lesson_id))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(CodeSubmission {
                index: usize::try_from(row.quiz_index).ok()?,
                verdict: serde_json::from_str(&row.verdict).ok()?,
                code: row.code,
            })
        })
        .collect())
}

/// The actor's progress in one course.
pub async fn course_progress<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course_slug: &str,
    language: Language,
) -> Result<CourseProgressView, CoreError> {
    let (course, _) = courses::find_course(db, course_slug).await?;
    let enrolled = is_enrolled(db, actor, course.id).await?;
    let links = courses::lesson_links(db, &course, language).await?;
    let rows = lesson_progress::Entity::find()
        .filter(lesson_progress::Column::UserId.eq(actor.id()))
        .filter(lesson_progress::Column::CourseId.eq(course.id))
        .all(db)
        .await?;
    Ok(summarise(enrolled, &links, &rows).0)
}

fn summarise(
    enrolled: bool,
    links: &[(crate::db::entities::lessons::Model, LessonLink)],
    rows: &[lesson_progress::Model],
) -> (CourseProgressView, Option<DateTime<Utc>>) {
    let by_lesson: HashMap<i32, &lesson_progress::Model> =
        rows.iter().map(|r| (r.lesson_id, r)).collect();
    let is_done = |id: i32| by_lesson.get(&id).is_some_and(|r| r.completed_at.is_some());
    let done: Vec<String> = links
        .iter()
        .filter(|(l, _)| is_done(l.id))
        .map(|(l, _)| l.slug.clone())
        .collect();
    let total = links.len();
    let percent = (done.len() * 100)
        .checked_div(total)
        .map_or(0, |p| u8::try_from(p).unwrap_or(100));
    // The lesson read last (among those still in the course).
    let last = links
        .iter()
        .enumerate()
        .filter_map(|(i, (l, _))| by_lesson.get(&l.id).map(|r| (i, r.last_viewed_at)))
        .max_by_key(|(_, at)| *at);
    let first_open_from = |start: usize| {
        links
            .iter()
            .skip(start)
            .chain(links.iter().take(start))
            .find(|(l, _)| !is_done(l.id))
            .map(|(_, link)| link.clone())
    };
    let resume = match last {
        Some((i, _)) if !is_done(links[i].0.id) => Some(links[i].1.clone()),
        Some((i, _)) => first_open_from(i + 1),
        None => first_open_from(0),
    };
    let last_activity = rows
        .iter()
        .map(|r| {
            r.last_viewed_at
                .max(r.completed_at.unwrap_or(r.last_viewed_at))
        })
        .max();
    let view = CourseProgressView {
        enrolled,
        done,
        total,
        percent,
        resume,
    };
    (view, last_activity)
}

/// The actor's state in one lesson (no write).
pub async fn lesson_state<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    course_slug: &str,
    lesson_slug: &str,
) -> Result<LessonLearner, CoreError> {
    let (course_id, lesson_id) = courses::locate(db, course_slug, lesson_slug).await?;
    let standing = standing(db, actor, course_id, lesson_id).await?;
    Ok(LessonLearner {
        who: actor.id(),
        enrolled: standing.is_some(),
        done: standing.is_some_and(|s| s.completed_at.is_some()),
    })
}

/// The actor's courses, the most recently active first.
pub async fn dashboard<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    language: Language,
) -> Result<Vec<DashboardEntry>, CoreError> {
    let enrolled = enrolments::Entity::find()
        .filter(enrolments::Column::UserId.eq(actor.id()))
        .order_by_asc(enrolments::Column::EnrolledAt)
        .all(db)
        .await?;
    let catalog = courses::catalog_by_id(db, language).await?;
    let mut out = Vec::with_capacity(enrolled.len());
    for enrolment in enrolled {
        let Some((course_row, entry)) = catalog.get(&enrolment.course_id) else {
            continue;
        };
        let links = courses::lesson_links(db, course_row, language).await?;
        let rows = lesson_progress::Entity::find()
            .filter(lesson_progress::Column::UserId.eq(actor.id()))
            .filter(lesson_progress::Column::CourseId.eq(enrolment.course_id))
            .all(db)
            .await?;
        let (progress, last_activity) = summarise(true, &links, &rows);
        let entry = DashboardEntry {
            course: entry.clone(),
            progress,
        };
        out.push((last_activity.unwrap_or(enrolment.enrolled_at), entry));
    }
    out.sort_by_key(|(last_activity, _)| std::cmp::Reverse(*last_activity));
    Ok(out.into_iter().map(|(_, entry)| entry).collect())
}
