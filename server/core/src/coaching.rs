//! Coaching: coaches' groups of learners, the group table (progress per
//! course, last activity, quiz results, the "stuck" flag), its CSV form,
//! and progress over time.
//!
//! A learner is in a group only by her own act: she joins with the
//! group's code, or accepts the coach's invitation on her dashboard. An
//! invited learner is listed to the coach as "invited" and nothing more.
//! She sees which groups (and coaches) follow her and can leave any.
//! The group's coach (or an admin) reaches a group's data only with a
//! [`Grant`] from [`crate::authz::authorize`].

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::accounts::{Actor, Role};
use crate::audit::{self, Action};
use crate::authz::Grant;
use crate::courses;
use crate::db::entities::{
    enrolments, group_members, groups, lesson_progress, lessons, quiz_attempts, users,
};
use crate::{CoreError, Language};

pub use polku_types::coaching::{GroupCard, InvitedView, LearnerRow, StuckReason};
pub use polku_types::progress::MembershipView;

/// When a learner counts as stuck.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StuckRule {
    /// No activity for this many days (with a course not finished).
    pub idle_days: i64,
    /// This many wrong answers in a row to one quiz.
    pub failed_attempts: usize,
}

impl Default for StuckRule {
    fn default() -> Self {
        StuckRule {
            idle_days: 7,
            failed_attempts: 3,
        }
    }
}

/// The group table.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTable {
    /// The group.
    pub group: GroupCard,
    /// Columns: courses any member is enrolled in (slug, title).
    pub courses: Vec<(String, String)>,
    /// Columns: the site's pathways (slug, title).
    pub pathways: Vec<(String, String)>,
    /// Rows, by name: the learners who joined.
    pub rows: Vec<LearnerRow>,
    /// Learners invited who have not accepted: (account id, name), by
    /// name. Nothing else about them is shown.
    pub invited: Vec<InvitedView>,
}

fn staff(actor: &Actor) -> Result<(), CoreError> {
    actor.require(&[Role::Coach, Role::Admin])
}

fn join_code() -> Result<String, CoreError> {
    crate::accounts::random_code(8)
}

/// The memberships that count: joined with the group's code or an
/// accepted invitation (an invitation alone gives the coach no power).
pub(crate) fn joined() -> sea_orm::Select<group_members::Entity> {
    group_members::Entity::find().filter(group_members::Column::AcceptedAt.is_not_null())
}

/// The learners who joined group `group_id` or accepted its invitation.
pub(crate) async fn members_of<C: ConnectionTrait>(
    db: &C,
    group_id: i32,
) -> Result<Vec<i32>, CoreError> {
    Ok(joined()
        .filter(group_members::Column::GroupId.eq(group_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

fn summary(group: groups::Model, members: usize) -> GroupCard {
    GroupCard {
        id: group.id,
        name: group.name,
        join_code: group.join_code,
        members,
        waiting: 0,
    }
}

/// Creates a group coached by the actor.
pub async fn create_group<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    name: &str,
) -> Result<GroupCard, CoreError> {
    staff(actor)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(CoreError::Rejected("group_name_invalid"));
    }
    let row = groups::ActiveModel {
        name: Set(name.to_owned()),
        coach_id: Set(actor.id()),
        join_code: Set(join_code()?),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(summary(row, 0))
}

/// The actor's groups (every group for an admin), by name.
pub async fn my_groups<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
) -> Result<Vec<GroupCard>, CoreError> {
    staff(actor)?;
    let mut query = groups::Entity::find().order_by_asc(groups::Column::Name);
    if actor.role() != Role::Admin {
        query = query.filter(groups::Column::CoachId.eq(actor.id()));
    }
    let mut out = Vec::new();
    for group in query.all(db).await? {
        let members = members_of(db, group.id).await?.len();
        out.push(summary(group, members));
    }
    Ok(out)
}

/// Records a membership event of group `group_id` in the audit log.
async fn group_event<C: ConnectionTrait>(
    db: &C,
    actor: i32,
    action: Action,
    subject: i32,
    group_id: i32,
) -> Result<(), CoreError> {
    audit::record(
        db,
        Some(actor),
        action,
        Some(subject),
        Some(format!("group {group_id}")),
    )
    .await
}

/// Adds `user_id` to `group_id` (accepted at `accepted`, else only
/// invited) unless a row exists; whether a row was added.
async fn insert_member<C: ConnectionTrait>(
    db: &C,
    group_id: i32,
    user_id: i32,
    accepted: Option<DateTime<Utc>>,
) -> Result<bool, CoreError> {
    let inserted = group_members::Entity::insert(group_members::ActiveModel {
        group_id: Set(group_id),
        user_id: Set(user_id),
        joined_at: Set(Utc::now()),
        accepted_at: Set(accepted),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([
        group_members::Column::GroupId,
        group_members::Column::UserId,
    ])
    .exec(db)
    .await?;
    Ok(!matches!(inserted, sea_orm::TryInsertResult::Conflicted))
}

/// Invites the learner `username` to the group of `grant`. She is in the
/// group only once she accepts. Staff cannot be invited (coaches do not
/// coach each other through groups), nor the group's own coach.
pub async fn invite<C: ConnectionTrait>(
    db: &C,
    grant: &Grant<groups::Model>,
    username: &str,
) -> Result<(), CoreError> {
    let group = grant.target();
    let user = users::Entity::find()
        .filter(users::Column::Username.eq(crate::accounts::normalize_username(username)))
        .one(db)
        .await?
        .ok_or(CoreError::Rejected("no_such_user"))?;
    if user.id == grant.actor_id() || user.id == group.coach_id {
        return Err(CoreError::Rejected("not_on_self"));
    }
    if user.role != Role::Learner.code() {
        return Err(CoreError::Rejected("no_such_user"));
    }
    if insert_member(db, group.id, user.id, None).await? {
        group_event(
            db,
            grant.actor_id(),
            Action::GroupInvited,
            user.id,
            group.id,
        )
        .await?;
        crate::notifications::notify(
            db,
            crate::notifications::Note {
                user: user.id,
                kind: crate::notifications::NotificationKind::Invitation,
                actor: Some(grant.actor_id()),
                link: "/dashboard".into(),
                names: Default::default(),
                detail: crate::notifications::Detail {
                    what: Some(group.name.clone()),
                    ..Default::default()
                },
            },
        )
        .await?;
    }
    Ok(())
}

/// Takes a learner (or an invitation) out of the group of `grant`.
pub async fn remove_member<C: ConnectionTrait>(
    db: &C,
    grant: &Grant<groups::Model>,
    user_id: i32,
) -> Result<(), CoreError> {
    let group = grant.target();
    let removed = group_members::Entity::delete_many()
        .filter(group_members::Column::GroupId.eq(group.id))
        .filter(group_members::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if removed.rows_affected > 0 {
        group_event(
            db,
            grant.actor_id(),
            Action::GroupRemoved,
            user_id,
            group.id,
        )
        .await?;
    }
    Ok(())
}

/// Makes the actor's row in `group` a membership she consented to (new or
/// an invitation accepted). The group's coach cannot be a member.
async fn consent<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    group: &groups::Model,
) -> Result<(), CoreError> {
    if group.coach_id == actor.id() {
        return Err(CoreError::Rejected("not_on_self"));
    }
    let now = Utc::now();
    let existing = group_members::Entity::find()
        .filter(group_members::Column::GroupId.eq(group.id))
        .filter(group_members::Column::UserId.eq(actor.id()))
        .one(db)
        .await?;
    match existing {
        Some(row) if row.accepted_at.is_some() => return Ok(()),
        Some(row) => {
            let mut row: group_members::ActiveModel = row.into();
            row.accepted_at = Set(Some(now));
            row.update(db).await?;
        }
        None => {
            insert_member(db, group.id, actor.id(), Some(now)).await?;
        }
    }
    group_event(db, actor.id(), Action::GroupJoined, actor.id(), group.id).await
}

/// The actor joins the group with this code; returns its name.
pub async fn join<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    code: &str,
) -> Result<String, CoreError> {
    let code = code.trim().to_uppercase();
    let group = groups::Entity::find()
        .filter(groups::Column::JoinCode.eq(code))
        .one(db)
        .await?
        .ok_or(CoreError::Rejected("join_code_unknown"))?;
    consent(db, actor, &group).await?;
    Ok(group.name)
}

/// The actor's invitation to `group_id`, if she has one (else `NotFound`).
async fn invitation<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    group_id: i32,
) -> Result<groups::Model, CoreError> {
    group_members::Entity::find()
        .filter(group_members::Column::GroupId.eq(group_id))
        .filter(group_members::Column::UserId.eq(actor.id()))
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    groups::Entity::find_by_id(group_id)
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)
}

/// The actor accepts her invitation to `group_id`; returns its name.
pub async fn accept<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    group_id: i32,
) -> Result<String, CoreError> {
    let group = invitation(db, actor, group_id).await?;
    consent(db, actor, &group).await?;
    Ok(group.name)
}

/// The actor leaves `group_id` (or declines its invitation); its coach no
/// longer sees anything of hers. Returns the group's name.
pub async fn leave<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    group_id: i32,
) -> Result<String, CoreError> {
    let group = invitation(db, actor, group_id).await?;
    group_members::Entity::delete_many()
        .filter(group_members::Column::GroupId.eq(group.id))
        .filter(group_members::Column::UserId.eq(actor.id()))
        .exec(db)
        .await?;
    group_event(db, actor.id(), Action::GroupLeft, actor.id(), group.id).await?;
    Ok(group.name)
}

/// The groups that follow the actor and those she is invited to, by name.
pub async fn memberships<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
) -> Result<Vec<MembershipView>, CoreError> {
    let rows = group_members::Entity::find()
        .filter(group_members::Column::UserId.eq(actor.id()))
        .all(db)
        .await?;
    let found = groups::Entity::find()
        .filter(groups::Column::Id.is_in(rows.iter().map(|r| r.group_id)))
        .all(db)
        .await?;
    let coaches = crate::badges::revoke::names(db, found.iter().map(|g| g.coach_id)).await?;
    let mut out: Vec<MembershipView> = rows
        .iter()
        .filter_map(|row| {
            let group = found.iter().find(|g| g.id == row.group_id)?;
            Some(MembershipView {
                group_id: group.id,
                group: group.name.clone(),
                coach: coaches.get(&group.coach_id).cloned().unwrap_or_default(),
                joined: row.accepted_at.is_some(),
            })
        })
        .collect();
    out.sort_by_key(|m| m.group.to_lowercase());
    Ok(out)
}

/// Learners invited to `group_id` who have not accepted: (id, name).
async fn invited_to<C: ConnectionTrait>(
    db: &C,
    group_id: i32,
) -> Result<Vec<InvitedView>, CoreError> {
    let ids: Vec<i32> = group_members::Entity::find()
        .filter(group_members::Column::GroupId.eq(group_id))
        .filter(group_members::Column::AcceptedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let names = crate::badges::revoke::names(db, ids.iter().copied()).await?;
    let mut out: Vec<InvitedView> = ids
        .into_iter()
        .map(|user_id| InvitedView {
            user_id,
            name: names.get(&user_id).cloned().unwrap_or_default(),
        })
        .collect();
    out.sort_by_key(|i| i.name.to_lowercase());
    Ok(out)
}

/// The stuck rule applied to one learner.
fn stuck(
    rule: StuckRule,
    now: DateTime<Utc>,
    last_activity: Option<DateTime<Utc>>,
    unfinished: bool,
    attempts: &[&quiz_attempts::Model],
) -> Option<StuckReason> {
    // Wrong answers in a row, per quiz, counted from the newest.
    let mut by_quiz: BTreeMap<(i32, i32), Vec<&quiz_attempts::Model>> = BTreeMap::new();
    for a in attempts {
        by_quiz
            .entry((a.lesson_id, a.quiz_index))
            .or_default()
            .push(a);
    }
    let worst = by_quiz
        .values_mut()
        .map(|list| {
            list.sort_by_key(|a| std::cmp::Reverse((a.created_at, a.id)));
            list.iter().take_while(|a| !a.correct).count()
        })
        .max()
        .unwrap_or(0);
    if rule.failed_attempts > 0 && worst >= rule.failed_attempts {
        return Some(StuckReason::FailingQuiz(worst));
    }
    let idle = now - last_activity?;
    (unfinished && idle >= Duration::days(rule.idle_days))
        .then_some(StuckReason::Idle(idle.num_days()))
}

/// The group table of a group the actor coaches.
pub async fn group_table<C: ConnectionTrait>(
    db: &C,
    grant: &Grant<groups::Model>,
    rule: StuckRule,
    language: Language,
    now: DateTime<Utc>,
) -> Result<GroupTable, CoreError> {
    let group = grant.target().clone();
    let member_ids = members_of(db, group.id).await?;
    let people = users::Entity::find()
        .filter(users::Column::Id.is_in(member_ids.clone()))
        .all(db)
        .await?;
    let enrolled = enrolments::Entity::find()
        .filter(enrolments::Column::UserId.is_in(member_ids.clone()))
        .all(db)
        .await?;
    let done = lesson_progress::Entity::find()
        .filter(lesson_progress::Column::UserId.is_in(member_ids.clone()))
        .all(db)
        .await?;
    let attempts = quiz_attempts::Entity::find()
        .filter(quiz_attempts::Column::UserId.is_in(member_ids.clone()))
        .all(db)
        .await?;
    let catalog = courses::catalog_by_id(db, language).await?;
    // Columns: courses anyone is enrolled in, in catalog order.
    let mut course_ids: Vec<i32> = enrolled.iter().map(|e| e.course_id).collect();
    course_ids.sort_unstable();
    course_ids.dedup();
    let mut columns: Vec<(i32, &courses::CourseCard)> = course_ids
        .iter()
        .filter_map(|id| catalog.get(id).map(|(_, entry)| (*id, entry)))
        .collect();
    columns.sort_by_key(|(id, _)| catalog.get(id).map(|(row, _)| row.position));
    // Active lessons per course (archived ones do not count).
    let active: Vec<lessons::Model> = lessons::Entity::find()
        .filter(lessons::Column::CourseId.is_in(course_ids.clone()))
        .filter(lessons::Column::Archived.eq(false))
        .all(db)
        .await?;
    let mut lessons_in: HashMap<i32, Vec<i32>> = HashMap::new();
    for l in &active {
        lessons_in.entry(l.course_id).or_default().push(l.id);
    }
    let mut rows = Vec::with_capacity(people.len());
    for person in people {
        let mine = |course_id: i32| {
            enrolled
                .iter()
                .any(|e| e.user_id == person.id && e.course_id == course_id)
        };
        let done_ids: Vec<i32> = done
            .iter()
            .filter(|p| p.user_id == person.id && p.completed_at.is_some())
            .map(|p| p.lesson_id)
            .collect();
        let progress: Vec<Option<u8>> = columns
            .iter()
            .map(|(course_id, _)| {
                mine(*course_id).then(|| {
                    let all = lessons_in
                        .get(course_id)
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    let n = all.iter().filter(|id| done_ids.contains(id)).count();
                    (n * 100)
                        .checked_div(all.len())
                        .map_or(0, |p| u8::try_from(p).unwrap_or(100))
                })
            })
            .collect();
        let unfinished = progress.iter().any(|p| matches!(p, Some(p) if *p < 100));
        let own: Vec<&quiz_attempts::Model> =
            attempts.iter().filter(|a| a.user_id == person.id).collect();
        let first_enrolment = enrolled
            .iter()
            .filter(|e| e.user_id == person.id)
            .map(|e| e.enrolled_at)
            .min();
        let last_activity = person.last_active_at.or(first_enrolment);
        rows.push(LearnerRow {
            user_id: person.id,
            name: person
                .display_name
                .clone()
                .unwrap_or_else(|| person.username.clone()),
            username: person.username,
            progress,
            last_activity: last_activity.map(crate::dates::day),
            quiz_right: own.iter().filter(|a| a.correct).count(),
            quiz_attempts: own.len(),
            stuck: stuck(rule, now, last_activity, unfinished, &own),
            last_contacted: None,
            pathways: Vec::new(),
        });
    }
    let (pathway_columns, mut places) = crate::pathways::places(db, &member_ids, language).await?;
    for row in &mut rows {
        row.pathways = places.remove(&row.user_id).unwrap_or_default();
    }
    let contacted = crate::messages::last_written(db, group.coach_id, &member_ids).await?;
    for row in &mut rows {
        row.last_contacted = contacted.get(&row.user_id).cloned();
    }
    rows.sort_by_key(|a| a.name.to_lowercase());
    let invited = invited_to(db, group.id).await?;
    Ok(GroupTable {
        group: summary(group, member_ids.len()),
        invited,
        courses: columns
            .into_iter()
            .map(|(_, entry)| (entry.slug.clone(), entry.title.clone()))
            .collect(),
        pathways: pathway_columns,
        rows,
    })
}

/// A spreadsheet cell: text that a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@`) gets a leading apostrophe.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The group table as CSV (UTF-8 with a BOM so spreadsheets read the
/// letters right). `headers` are the translated fixed column names:
/// name, username, last activity, quiz results, stuck; `place_text`
/// words a learner's place on a pathway.
pub fn table_csv(
    table: &GroupTable,
    headers: [&str; 5],
    stuck_text: impl Fn(&StuckReason) -> String,
    place_text: impl Fn(&crate::pathways::PathwayPlace) -> String,
) -> Result<Vec<u8>, CoreError> {
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let mut head: Vec<String> = vec![headers[0].into(), headers[1].into()];
    head.extend(table.courses.iter().map(|(_, title)| cell(title)));
    head.extend(table.pathways.iter().map(|(_, title)| cell(title)));
    head.extend([headers[2].into(), headers[3].into(), headers[4].into()]);
    let fail = |e: csv::Error| CoreError::Internal(format!("csv: {e}"));
    out.write_record(&head).map_err(fail)?;
    for row in &table.rows {
        let mut record = vec![cell(&row.name), cell(&row.username)];
        record.extend(
            row.progress
                .iter()
                .map(|p| p.map(|p| format!("{p} %")).unwrap_or_default()),
        );
        record.extend(row.pathways.iter().map(&place_text));
        record.push(row.last_activity.clone().unwrap_or_default());
        record.push(format!("{}/{}", row.quiz_right, row.quiz_attempts));
        record.push(row.stuck.as_ref().map(&stuck_text).unwrap_or_default());
        out.write_record(&record).map_err(fail)?;
    }
    out.into_inner()
        .map_err(|e| CoreError::Internal(format!("csv: {e}")))
}

/// The group's progress over the last `weeks` weeks: for the end of each
/// week (oldest first), the average number of lessons done per learner.
pub async fn progress_over_time<C: ConnectionTrait>(
    db: &C,
    grant: &Grant<groups::Model>,
    weeks: u32,
    now: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, f64)>, CoreError> {
    let members = members_of(db, grant.target().id).await?;
    let completions: Vec<DateTime<Utc>> = lesson_progress::Entity::find()
        .filter(lesson_progress::Column::UserId.is_in(members.clone()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| p.completed_at)
        .collect();
    let people = f64::from(u32::try_from(members.len()).unwrap_or(u32::MAX).max(1));
    Ok((0..=weeks)
        .rev()
        .map(|back| {
            let end = now - Duration::weeks(i64::from(back));
            let count = completions.iter().filter(|t| **t <= end).count();
            let count = f64::from(u32::try_from(count).unwrap_or(u32::MAX));
            (end, count / people)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(id: i32, quiz: i32, correct: bool, minutes_ago: i64) -> quiz_attempts::Model {
        quiz_attempts::Model {
            id,
            user_id: 1,
            lesson_id: 1,
            course_id: 1,
            quiz_index: quiz,
            correct,
            created_at: Utc::now() - Duration::minutes(minutes_ago),
            client_key: None,
        }
    }

    #[test]
    fn the_stuck_rule() {
        let rule = StuckRule::default();
        let now = Utc::now();
        let recent = Some(now - Duration::days(1));
        let old = Some(now - Duration::days(8));
        assert_eq!(stuck(rule, now, recent, true, &[]), None);
        assert_eq!(stuck(rule, now, old, true, &[]), Some(StuckReason::Idle(8)));
        assert_eq!(
            stuck(rule, now, old, false, &[]),
            None,
            "all done: not stuck"
        );
        assert_eq!(stuck(rule, now, None, true, &[]), None, "never started");
        // Three wrong in a row on one quiz.
        let a = [
            attempt(1, 0, false, 3),
            attempt(2, 0, false, 2),
            attempt(3, 0, false, 1),
        ];
        let refs: Vec<_> = a.iter().collect();
        assert_eq!(
            stuck(rule, now, recent, true, &refs),
            Some(StuckReason::FailingQuiz(3))
        );
        // A right answer at the end clears it; wrong answers spread over
        // different quizzes do not add up.
        let b = [
            attempt(1, 0, false, 4),
            attempt(2, 0, false, 3),
            attempt(3, 0, false, 2),
            attempt(4, 0, true, 1),
        ];
        let refs: Vec<_> = b.iter().collect();
        assert_eq!(stuck(rule, now, recent, true, &refs), None);
        let c = [
            attempt(1, 0, false, 3),
            attempt(2, 1, false, 2),
            attempt(3, 2, false, 1),
        ];
        let refs: Vec<_> = c.iter().collect();
        assert_eq!(stuck(rule, now, recent, true, &refs), None);
    }

    #[test]
    fn csv_cells_cannot_become_formulas() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("Maija"), "Maija");
    }

    #[test]
    fn join_codes_are_readable() {
        let code = join_code().unwrap();
        assert_eq!(code.len(), 8);
        assert!(
            code.chars()
                .all(|c| c.is_ascii_alphanumeric() && !"01OIL".contains(c)),
            "{code}"
        );
    }
}
