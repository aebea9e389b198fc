//! Coaching: a coach's groups, the group table with the stuck flag and
//! the progress chart, adding and removing learners, joining with a code,
//! and one-time password reset codes. The core services check that the
//! signed-in person coaches the group (or is an admin).

use leptos::prelude::*;

use super::AppError;
use crate::i18n::Locale;
pub use polku_types::coaching::{
    CoachHome, EvidenceView, GroupCard, GroupView, InvitedView, LearnerRow, MemberBadgeView,
    PathwayPlace, StuckReason,
};

/// Name of the short-lived cookie that carries a new reset code to the
/// page that shows it once (never in a URL).
pub const FLASH_COOKIE: &str = "polku_flash";

/// `POST /api/get_coach_home`: the coach's groups (and a reset code just
/// made, read once from its cookie).
#[server(prefix = "/api", endpoint = "get_coach_home", output = crate::api::TextJson)]
pub async fn get_coach_home() -> Result<CoachHome, AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
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
                ..g
            })
            .collect(),
        reset_code,
        appointments: polku_core::appointments::upcoming(&db, &actor).await?,
    })
}

/// `POST /api/create_group` (form).
#[server(prefix = "/api", endpoint = "create_group", output = crate::api::TextJson)]
pub async fn create_group(name: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
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
#[server(prefix = "/api", endpoint = "get_group", output = crate::api::TextJson)]
pub async fn get_group(id: i32, locale: Locale) -> Result<GroupView, AppError> {
    use polku_core::authz::{Act, GroupId, authorize};
    use polku_core::coaching::{self, StuckRule};
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let rule: StuckRule = super::state()?.stuck_rule;
    let now = chrono::Utc::now();
    let language = locale;
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
    let badges = polku_core::badges::revoke::group_badges(&db, &grant).await?;
    Ok(GroupView {
        requests,
        badges,
        group: table.group,
        courses: table.courses,
        pathways: table.pathways,
        invited: table.invited,
        rows: table.rows,
        idle_days: rule.idle_days,
        chart: chart
            .into_iter()
            .map(|(t, v)| (t.format("%d.%m.").to_string(), v))
            .collect(),
    })
}

/// `POST /api/add_member` (form): invites a learner by username; she is
/// in the group once she accepts on her dashboard.
#[server(prefix = "/api", endpoint = "add_member", output = crate::api::TextJson)]
pub async fn add_member(group: i32, username: String) -> Result<(), AppError> {
    use polku_core::authz::{Act, GroupId, authorize};
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
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
#[server(prefix = "/api", endpoint = "remove_member", output = crate::api::TextJson)]
pub async fn remove_member(group: i32, user: i32) -> Result<(), AppError> {
    use polku_core::authz::{Act, GroupId, authorize};
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let grant = authorize(&db, &actor, Act::CoachGroup, GroupId(group)).await?;
    polku_core::coaching::remove_member(&db, &grant, user).await?;
    super::redirect_with(&format!("/coach/groups/{group}"), &[]);
    Ok(())
}

/// `POST /api/join_group` (form): the signed-in learner joins with a code.
#[server(prefix = "/api", endpoint = "join_group", output = crate::api::TextJson)]
pub async fn join_group(code: String) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
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
#[server(prefix = "/api", endpoint = "accept_invitation", output = crate::api::TextJson)]
pub async fn accept_invitation(group: i32) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
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
#[server(prefix = "/api", endpoint = "leave_group", output = crate::api::TextJson)]
pub async fn leave_group(group: i32) -> Result<(), AppError> {
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let name = polku_core::coaching::leave(&db, &actor, group).await?;
    super::redirect_with("/dashboard", &[("left", &name)]);
    Ok(())
}

/// `POST /api/make_reset_code` (form): a one-time password reset code for
/// a learner who joined one of the coach's groups (an admin: anyone but
/// themselves). The code reaches the next page in a short-lived HttpOnly
/// cookie, never in a URL.
#[server(prefix = "/api", endpoint = "make_reset_code", output = crate::api::TextJson)]
pub async fn make_reset_code(username: String) -> Result<(), AppError> {
    use polku_core::accounts::admin;
    use polku_core::authz::{Act, PersonId, authorize};
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
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
#[server(prefix = "/api", endpoint = "revoke_badge", output = crate::api::TextJson)]
pub async fn revoke_badge(group: i32, badge: i32, reason: String) -> Result<(), AppError> {
    badge_decision(group, badge, reason, BadgeDecision::Revoke).await
}

/// `POST /api/allow_reissue` (form): lets a revoked badge of a learner in
/// the coach's group `group` be earned again by its rule, for `reason`
/// (kept in the audit log); back to the group page (the reason kept in the
/// form if it is refused).
#[server(prefix = "/api", endpoint = "allow_reissue", output = crate::api::TextJson)]
pub async fn allow_reissue(group: i32, badge: i32, reason: String) -> Result<(), AppError> {
    badge_decision(group, badge, reason, BadgeDecision::AllowAgain).await
}

/// What a coach decides, with a reason, on a learner's badge.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy)]
enum BadgeDecision {
    /// Revoke it.
    Revoke,
    /// Let a revoked badge be earned again.
    AllowAgain,
}

/// A coach's decision with a reason on a badge of a learner in group
/// `group`, authorised then carried out; back to the group page saying it
/// was done, or with the refusal and what was typed.
#[cfg(feature = "ssr")]
async fn badge_decision(
    group: i32,
    badge: i32,
    reason: String,
    decision: BadgeDecision,
) -> Result<(), AppError> {
    use polku_core::authz::{Act, BadgeId, authorize};
    use polku_core::badges::revoke;
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let path = format!("/coach/groups/{group}");
    let (act, done) = match decision {
        BadgeDecision::Revoke => (Act::RevokeBadge, "revoked"),
        BadgeDecision::AllowAgain => (Act::AllowReissue, "reissue"),
    };
    let decided = match authorize(&db, &actor, act, BadgeId(badge)).await {
        Ok(grant) => match decision {
            BadgeDecision::Revoke => revoke::revoke(&db, grant, &reason).await,
            BadgeDecision::AllowAgain => revoke::allow_reissue(&db, grant, &reason).await,
        },
        Err(err) => Err(err),
    };
    match decided {
        Ok(()) => super::redirect_with(&path, &[(done, &badge.to_string())]),
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
#[server(prefix = "/api", endpoint = "decide_evidence", output = crate::api::TextJson)]
pub async fn decide_evidence(
    group: i32,
    request: i32,
    decision: String,
    note: String,
) -> Result<(), AppError> {
    use polku_core::authz::{Act, EvidenceId, authorize};
    use polku_core::badges::requests::{Decision, decide};
    let actor = super::accounts::session::require().await?;
    let db = super::db()?;
    let issuing = super::state()?.issuing.clone();
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
