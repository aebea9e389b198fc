//! Coaching: a coach's groups, the group table with the stuck flag and
//! the progress chart, adding and removing learners, joining with a code,
//! and one-time password reset codes. The core services check that the
//! signed-in person coaches the group (or is an admin).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;
use crate::i18n::Locale;

/// A group in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCard {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Join code.
    pub join_code: String,
    /// Learners.
    pub members: usize,
    /// Evidence waiting for the coach's decision.
    pub waiting: usize,
}

/// Why a learner is flagged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StuckReason {
    /// Days without activity.
    Idle(i64),
    /// Wrong answers in a row.
    FailingQuiz(usize),
}

/// A row of the group table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnerRow {
    /// Account id.
    pub user_id: i32,
    /// Username.
    pub username: String,
    /// Name.
    pub name: String,
    /// Percent per course column (`None`: not enrolled).
    pub progress: Vec<Option<u8>>,
    /// Last activity (UTC date), if any.
    pub last_activity: Option<String>,
    /// Right answers.
    pub quiz_right: usize,
    /// All answers.
    pub quiz_attempts: usize,
    /// The stuck flag.
    pub stuck: Option<StuckReason>,
}

/// The group page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupView {
    /// The group.
    pub group: GroupCard,
    /// Course columns: (slug, title).
    pub courses: Vec<(String, String)>,
    /// Learners who joined.
    pub rows: Vec<LearnerRow>,
    /// Learners invited who have not accepted (nothing else is shown).
    pub invited: Vec<InvitedView>,
    /// Days without activity that flag a learner.
    pub idle_days: i64,
    /// Progress over time: (week-end date, average lessons done).
    pub chart: Vec<(String, f64)>,
    /// Evidence waiting for the coach's decision, oldest first.
    pub requests: Vec<EvidenceView>,
    /// Badges the learners hold, newest first.
    pub badges: Vec<MemberBadgeView>,
}

/// A learner invited to a group who has not accepted yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitedView {
    pub user_id: i32,
    pub name: String,
}

/// Evidence a learner sent for a badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceView {
    pub id: i32,
    pub learner: String,
    pub badge: String,
    pub text: String,
    /// A link to the work (http or https), if given.
    pub link: Option<String>,
    /// Sent (`YYYY-MM-DD`).
    pub sent: String,
}

/// A badge a learner of the group holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberBadgeView {
    pub id: i32,
    pub holder: String,
    pub name: String,
    /// Issued (`YYYY-MM-DD`).
    pub issued: String,
    /// Revoked: date and reason.
    pub revoked: Option<(String, String)>,
}

/// The coach's start page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachHome {
    /// Groups.
    pub groups: Vec<GroupCard>,
    /// A reset code just made: (username, code), shown once.
    pub reset_code: Option<(String, String)>,
}

/// Name of the short-lived cookie that carries a new reset code to the
/// page that shows it once (never in a URL).
pub const FLASH_COOKIE: &str = "polku_flash";

#[cfg(feature = "ssr")]
fn card(g: polku_core::coaching::GroupSummary) -> GroupCard {
    GroupCard {
        id: g.id,
        name: g.name,
        join_code: g.join_code,
        members: g.members,
        waiting: 0,
    }
}

/// `POST /api/get_coach_home`: the coach's groups (and a reset code just
/// made, read once from its cookie).
#[server(prefix = "/api", endpoint = "get_coach_home")]
pub async fn get_coach_home() -> Result<CoachHome, AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    let groups = polku_core::coaching::my_groups(&db, &actor).await?;
    let ids: Vec<i32> = groups.iter().map(|g| g.id).collect();
    let waiting = polku_core::badges::requests::waiting_by_group(&db, &ids).await?;
    let reset_code = use_context::<http::request::Parts>()
        .and_then(|p| super::cookie(&p.headers, FLASH_COOKIE))
        .and_then(|v| {
            let (user, code) = v.split_once(':')?;
            Some((user.to_owned(), code.to_owned()))
        });
    if reset_code.is_some() {
        let secure = super::cookies::SecureCookies::current();
        super::cookies::append(&secure.remove(FLASH_COOKIE, super::cookies::SameSite::Strict))?;
    }
    Ok(CoachHome {
        groups: groups
            .into_iter()
            .map(|g| GroupCard {
                waiting: waiting.get(&g.id).copied().unwrap_or_default(),
                ..card(g)
            })
            .collect(),
        reset_code,
    })
}

/// `POST /api/create_group` (form).
#[server(prefix = "/api", endpoint = "create_group")]
pub async fn create_group(name: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    match polku_core::coaching::create_group(&db, &actor, &name).await {
        Ok(g) => super::redirect_with(&format!("/coach/groups/{}", g.id), &[]),
        Err(polku_core::CoreError::Rejected(code)) => {
            super::redirect_with("/coach", &[("error", code), ("name", &name)])
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/get_group`: the group table, for its coach or an admin.
#[server(prefix = "/api", endpoint = "get_group")]
pub async fn get_group(id: i32, locale: Locale) -> Result<GroupView, AppError> {
    use polku_core::authz::{Act, GroupId, authorize};
    use polku_core::coaching::{self, Stuck, StuckRule};
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    let rule: StuckRule = super::state()?.stuck_rule;
    let now = chrono::Utc::now();
    let language = super::courses::convert::language(locale);
    let grant = authorize(&db, &actor, Act::CoachGroup, GroupId(id)).await?;
    let table = coaching::group_table(&db, &grant, rule, language, now).await?;
    let chart = coaching::progress_over_time(&db, &grant, 8, now).await?;
    let day = super::day;
    let requests = polku_core::badges::requests::group_requests(&db, &grant, language)
        .await?
        .into_iter()
        .map(|r| EvidenceView {
            id: r.id,
            learner: r.learner,
            badge: r.badge_name,
            text: r.evidence_text,
            link: r.evidence_url,
            sent: day(r.submitted_at),
        })
        .collect();
    let badges = polku_core::badges::revoke::group_badges(&db, &grant)
        .await?
        .into_iter()
        .map(|b| MemberBadgeView {
            id: b.id,
            holder: b.holder,
            name: b.name,
            issued: day(b.issued_at),
            revoked: b.revoked.map(|(at, why)| (day(at), why)),
        })
        .collect();
    Ok(GroupView {
        requests,
        badges,
        group: card(table.group),
        courses: table.courses,
        invited: table
            .invited
            .into_iter()
            .map(|(user_id, name)| InvitedView { user_id, name })
            .collect(),
        rows: table
            .rows
            .into_iter()
            .map(|r| LearnerRow {
                user_id: r.user_id,
                username: r.username,
                name: r.name,
                progress: r.progress,
                last_activity: r.last_activity.map(super::day),
                quiz_right: r.quiz_right,
                quiz_attempts: r.quiz_attempts,
                stuck: r.stuck.map(|s| match s {
                    Stuck::Idle { days } => StuckReason::Idle(days),
                    Stuck::FailingQuiz { attempts } => StuckReason::FailingQuiz(attempts),
                }),
            })
            .collect(),
        idle_days: rule.idle_days,
        chart: chart
            .into_iter()
            .map(|(t, v)| (t.format("%d.%m.").to_string(), v))
            .collect(),
    })
}

/// `POST /api/add_member` (form): invites a learner by username; she is
/// in the group once she accepts on her dashboard.
#[server(prefix = "/api", endpoint = "add_member")]
pub async fn add_member(group: i32, username: String) -> Result<(), AppError> {
    use polku_core::authz::{Act, GroupId, authorize};
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    let path = format!("/coach/groups/{group}");
    let grant = authorize(&db, &actor, Act::CoachGroup, GroupId(group)).await?;
    match polku_core::coaching::invite(&db, &grant, &username).await {
        Ok(()) => super::redirect_with(&path, &[("added", username.trim())]),
        Err(polku_core::CoreError::Rejected(code)) => {
            super::redirect_with(&path, &[("error", code), ("username", &username)])
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/remove_member` (form).
#[server(prefix = "/api", endpoint = "remove_member")]
pub async fn remove_member(group: i32, user: i32) -> Result<(), AppError> {
    use polku_core::authz::{Act, GroupId, authorize};
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    let grant = authorize(&db, &actor, Act::CoachGroup, GroupId(group)).await?;
    polku_core::coaching::remove_member(&db, &grant, user).await?;
    super::redirect_with(&format!("/coach/groups/{group}"), &[]);
    Ok(())
}

/// `POST /api/join_group` (form): the signed-in learner joins with a code.
#[server(prefix = "/api", endpoint = "join_group")]
pub async fn join_group(code: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    match polku_core::coaching::join(&db, &actor, &code).await {
        Ok(name) => super::redirect_with("/dashboard", &[("joined", &name)]),
        Err(polku_core::CoreError::Rejected(code_)) => {
            super::redirect_with("/dashboard", &[("error", code_), ("code", &code)])
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/accept_invitation` (form): the signed-in learner accepts a
/// coach's invitation to `group`; from then on its coach follows her.
#[server(prefix = "/api", endpoint = "accept_invitation")]
pub async fn accept_invitation(group: i32) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    match polku_core::coaching::accept(&db, &actor, group).await {
        Ok(name) => super::redirect_with("/dashboard", &[("joined", &name)]),
        Err(polku_core::CoreError::Rejected(code)) => {
            super::redirect_with("/dashboard", &[("error", code)])
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/leave_group` (form): the signed-in learner leaves `group`
/// (or declines its invitation); its coach no longer sees her.
#[server(prefix = "/api", endpoint = "leave_group")]
pub async fn leave_group(group: i32) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    let name = polku_core::coaching::leave(&db, &actor, group).await?;
    super::redirect_with("/dashboard", &[("left", &name)]);
    Ok(())
}

/// `POST /api/make_reset_code` (form): a one-time password reset code for
/// a learner who joined one of the coach's groups (an admin: anyone but
/// themselves). The code reaches the next page in a short-lived HttpOnly
/// cookie, never in a URL.
#[server(prefix = "/api", endpoint = "make_reset_code")]
pub async fn make_reset_code(username: String) -> Result<(), AppError> {
    use polku_core::accounts::admin;
    use polku_core::authz::{Act, PersonId, authorize};
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    let made = match admin::account_id(&db, &username).await {
        Ok(id) => match authorize(&db, &actor, Act::MakeResetCode, PersonId(id)).await {
            Ok(grant) => admin::create_reset_code(&db, grant).await,
            Err(err) => Err(err),
        },
        Err(err) => Err(err),
    };
    match made {
        Ok(code) => {
            let user = polku_core::accounts::normalize_username(&username);
            let secure = super::cookies::SecureCookies::current();
            let value = format!("{user}:{code}");
            super::cookies::append(&secure.set(
                FLASH_COOKIE,
                &value,
                300,
                super::cookies::SameSite::Strict,
            ))?;
            super::redirect_with("/coach", &[]);
        }
        Err(polku_core::CoreError::Rejected(code)) => {
            super::redirect_with("/coach", &[("error", code), ("username", &username)])
        }
        Err(polku_core::CoreError::NotFound | polku_core::CoreError::Forbidden) => {
            super::redirect_with(
                "/coach",
                &[("error", "not_your_learner"), ("username", &username)],
            )
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/revoke_badge` (form): revokes a badge of a learner in the
/// coach's group `group`, for `reason`; back to the group page (the reason
/// kept in the form if it is refused).
#[server(prefix = "/api", endpoint = "revoke_badge")]
pub async fn revoke_badge(group: i32, badge: i32, reason: String) -> Result<(), AppError> {
    use polku_core::authz::{Act, BadgeId, authorize};
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    let path = format!("/coach/groups/{group}");
    let revoked = match authorize(&db, &actor, Act::RevokeBadge, BadgeId(badge)).await {
        Ok(grant) => polku_core::badges::revoke::revoke(&db, grant, &reason).await,
        Err(err) => Err(err),
    };
    match revoked {
        Ok(()) => super::redirect_with(&path, &[("revoked", &badge.to_string())]),
        Err(polku_core::CoreError::Rejected(code)) => super::redirect_with(
            &path,
            &[
                ("error", code),
                ("badge", &badge.to_string()),
                ("reason", &reason),
            ],
        ),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

/// `POST /api/decide_evidence` (form): approves (`decision=approve`: the
/// badge is issued with the evidence in it) or declines (with a note for
/// the learner) evidence sent by a learner of group `group`.
#[server(prefix = "/api", endpoint = "decide_evidence")]
pub async fn decide_evidence(
    group: i32,
    request: i32,
    decision: String,
    note: String,
) -> Result<(), AppError> {
    use polku_core::authz::{Act, EvidenceId, authorize};
    use polku_core::badges::requests::{Decision, decide};
    let actor = super::accounts::session::require().await?;
    let db = super::courses::convert::db()?;
    let issuing = super::state()?.issuing;
    let choice = if decision == "approve" {
        Decision::Approve
    } else {
        Decision::Decline
    };
    let path = format!("/coach/groups/{group}");
    let decided = match authorize(&db, &actor, Act::DecideEvidence, EvidenceId(request)).await {
        Ok(grant) => decide(&db, &issuing.context(), grant, choice, &note).await,
        Err(err) => Err(err),
    };
    match decided {
        Ok(_) => super::redirect_with(&path, &[("decided", &decision)]),
        Err(polku_core::CoreError::Rejected(code)) => super::redirect_with(
            &path,
            &[
                ("error", code),
                ("request", &request.to_string()),
                ("note", &note),
            ],
        ),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
