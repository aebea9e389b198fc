//! The services that act on others, called as a web handler calls them:
//! `authorize` first, then the service with its grant. Each test binary
//! uses some of these.
#![allow(dead_code, reason = "shared by test binaries that each use a part")]
#![expect(clippy::expect_used, reason = "test helpers fail the test loudly")]

use chrono::{DateTime, Utc};
use polku_core::accounts::{Actor, Role, admin};
use polku_core::authz::{Act, BadgeId, EvidenceId, GroupId, PersonId, authorize};
use polku_core::badges::issue::IssueContext;
use polku_core::badges::requests::{self, Decision, Request};
use polku_core::badges::revoke::{self, MemberBadgeView};
use polku_core::coaching::{self, GroupTable, StuckRule};
use polku_core::db::DatabaseConnection;
use polku_core::db::entities::badge_awards;
use polku_core::{CoreError, Language};

pub async fn invite(
    db: &DatabaseConnection,
    coach: &Actor,
    group: i32,
    username: &str,
) -> Result<(), CoreError> {
    let grant = authorize(db, coach, Act::CoachGroup, GroupId(group)).await?;
    coaching::invite(db, &grant, username).await
}

/// The coach invites `learner`, who accepts.
pub async fn invite_accepted(db: &DatabaseConnection, coach: &Actor, group: i32, learner: &Actor) {
    invite(db, coach, group, learner.username())
        .await
        .expect("invite");
    coaching::accept(db, learner, group).await.expect("accept");
}

pub async fn group_table(
    db: &DatabaseConnection,
    who: &Actor,
    group: i32,
    rule: StuckRule,
    language: Language,
    now: DateTime<Utc>,
) -> Result<GroupTable, CoreError> {
    let grant = authorize(db, who, Act::CoachGroup, GroupId(group)).await?;
    coaching::group_table(db, &grant, rule, language, now).await
}

pub async fn progress_over_time(
    db: &DatabaseConnection,
    who: &Actor,
    group: i32,
    weeks: u32,
    now: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, f64)>, CoreError> {
    let grant = authorize(db, who, Act::CoachGroup, GroupId(group)).await?;
    coaching::progress_over_time(db, &grant, weeks, now).await
}

pub async fn remove_member(
    db: &DatabaseConnection,
    who: &Actor,
    group: i32,
    user: i32,
) -> Result<(), CoreError> {
    let grant = authorize(db, who, Act::CoachGroup, GroupId(group)).await?;
    coaching::remove_member(db, &grant, user).await
}

pub async fn set_role(
    db: &DatabaseConnection,
    who: &Actor,
    user: i32,
    role: Role,
) -> Result<(), CoreError> {
    let grant = authorize(db, who, Act::ManageAccount, PersonId(user)).await?;
    admin::set_role(db, grant, role).await
}

pub async fn set_course_author(
    db: &DatabaseConnection,
    who: &Actor,
    user: i32,
    course: &str,
    author: bool,
) -> Result<(), CoreError> {
    let grant = authorize(db, who, Act::ManageAccount, PersonId(user)).await?;
    admin::set_course_author(db, grant, course, author).await
}

pub async fn reset_code(
    db: &DatabaseConnection,
    who: &Actor,
    username: &str,
) -> Result<String, CoreError> {
    let id = admin::account_id(db, username).await?;
    let grant = authorize(db, who, Act::MakeResetCode, PersonId(id)).await?;
    admin::create_reset_code(db, grant).await
}

pub async fn revoke(
    db: &DatabaseConnection,
    who: &Actor,
    badge: i32,
    reason: &str,
) -> Result<(), CoreError> {
    let grant = authorize(db, who, Act::RevokeBadge, BadgeId(badge)).await?;
    revoke::revoke(db, grant, reason).await
}

pub async fn allow_reissue(
    db: &DatabaseConnection,
    who: &Actor,
    badge: i32,
    reason: &str,
) -> Result<(), CoreError> {
    let grant = authorize(db, who, Act::AllowReissue, BadgeId(badge)).await?;
    revoke::allow_reissue(db, grant, reason).await
}

pub async fn group_badges(
    db: &DatabaseConnection,
    who: &Actor,
    group: i32,
) -> Result<Vec<MemberBadgeView>, CoreError> {
    let grant = authorize(db, who, Act::CoachGroup, GroupId(group)).await?;
    revoke::group_badges(db, &grant).await
}

pub async fn group_requests(
    db: &DatabaseConnection,
    who: &Actor,
    group: i32,
    language: Language,
) -> Result<Vec<Request>, CoreError> {
    let grant = authorize(db, who, Act::CoachGroup, GroupId(group)).await?;
    requests::group_requests(db, &grant, language).await
}

pub async fn decide(
    db: &DatabaseConnection,
    ctx: &IssueContext<'_>,
    who: &Actor,
    request: i32,
    decision: Decision,
    note: &str,
) -> Result<Option<badge_awards::Model>, CoreError> {
    let grant = authorize(db, who, Act::DecideEvidence, EvidenceId(request)).await?;
    requests::decide(db, ctx, grant, decision, note).await
}
