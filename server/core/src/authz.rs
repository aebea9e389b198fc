//! The one authorisation policy for acting on another person's data.
//!
//! Every service that reads or changes what belongs to someone else takes
//! a [`Grant`], and only [`authorize`] makes one, so a caller cannot reach
//! such a service without going through the rules below. The rules, in
//! one place:
//!
//! | act | resource | who |
//! | --- | --- | --- |
//! | [`Act::CoachGroup`] | a group | its coach, an admin |
//! | [`Act::ViewProgress`] | a person | herself, an admin, a coach she consented to |
//! | [`Act::DecideEvidence`] | evidence | an admin or a coach she consented to; never the sender |
//! | [`Act::RevokeBadge`] | a badge | an admin or a coach she consented to; never the holder |
//! | [`Act::AllowReissue`] | a badge | an admin or a coach she consented to; never the holder |
//! | [`Act::MakeResetCode`] | a person | a learner: an admin or a coach she consented to; staff: an admin; never oneself |
//! | [`Act::ManageAccount`] | a person | an admin; never oneself |
//! | [`Act::Converse`] | a person | a learner and the coach of a group she joined, either way; never oneself |
//! | [`Act::OfferTime`] | an appointment | its coach |
//! | [`Act::Book`] | an appointment | a learner who joined a group of its coach; never its coach |
//!
//! A learner consents to a coach by joining one of the coach's groups with
//! its code or by accepting the coach's invitation; an invitation alone
//! gives no power. One denial rule: someone else's data the actor has no
//! relation to answers [`CoreError::NotFound`], exactly as if it did not
//! exist; acting on oneself where that is never allowed answers
//! `Rejected("not_on_self")`, a reason the user can read.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::CoreError;
use crate::accounts::{Actor, Role};
use crate::db::entities::{
    appointments, badge_awards, badge_requests, group_members, groups, users,
};

/// What the actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// See a group's table, evidence and badges; invite and remove.
    CoachGroup,
    /// See a person's progress.
    ViewProgress,
    /// Approve or decline evidence.
    DecideEvidence,
    /// Revoke a badge.
    RevokeBadge,
    /// Let a revoked badge be earned again by its rule.
    AllowReissue,
    /// Make a one-time password reset code.
    MakeResetCode,
    /// Change a role or authorship, export the data of someone else.
    ManageAccount,
    /// Write a message to a person.
    Converse,
    /// Change or call off a time one offers.
    OfferTime,
    /// Book a coach's time.
    Book,
}

/// A group, by id.
#[derive(Debug, Clone, Copy)]
pub struct GroupId(pub i32);
/// An account, by id.
#[derive(Debug, Clone, Copy)]
pub struct PersonId(pub i32);
/// Evidence sent for a badge (a badge request), by id.
#[derive(Debug, Clone, Copy)]
pub struct EvidenceId(pub i32);
/// A held badge, by id.
#[derive(Debug, Clone, Copy)]
pub struct BadgeId(pub i32);
/// An appointment (a coach's time), by id.
#[derive(Debug, Clone, Copy)]
pub struct AppointmentId(pub i32);

/// Proof that the actor may do `act` to `target`. Only [`authorize`]
/// creates one; it cannot be built, cloned or changed elsewhere.
#[derive(Debug)]
pub struct Grant<T> {
    actor_id: i32,
    act: Act,
    target: T,
}

impl<T> Grant<T> {
    /// The account acting.
    pub fn actor_id(&self) -> i32 {
        self.actor_id
    }

    /// What was allowed.
    pub fn act(&self) -> Act {
        self.act
    }

    /// What it was allowed on, as read when allowed.
    pub fn target(&self) -> &T {
        &self.target
    }
}

/// A resource the policy knows: how to read it and whose it is.
pub trait Resource {
    /// The row a grant carries.
    type Target: Send;

    /// Reads it; `None` when it does not exist.
    fn load<C: ConnectionTrait>(
        self,
        db: &C,
    ) -> impl Future<Output = Result<Option<Self::Target>, CoreError>> + Send;
}

impl Resource for GroupId {
    type Target = groups::Model;
    async fn load<C: ConnectionTrait>(self, db: &C) -> Result<Option<groups::Model>, CoreError> {
        Ok(groups::Entity::find_by_id(self.0).one(db).await?)
    }
}

impl Resource for PersonId {
    type Target = users::Model;
    async fn load<C: ConnectionTrait>(self, db: &C) -> Result<Option<users::Model>, CoreError> {
        Ok(users::Entity::find_by_id(self.0).one(db).await?)
    }
}

impl Resource for EvidenceId {
    type Target = badge_requests::Model;
    async fn load<C: ConnectionTrait>(
        self,
        db: &C,
    ) -> Result<Option<badge_requests::Model>, CoreError> {
        Ok(badge_requests::Entity::find_by_id(self.0).one(db).await?)
    }
}

impl Resource for BadgeId {
    type Target = badge_awards::Model;
    async fn load<C: ConnectionTrait>(
        self,
        db: &C,
    ) -> Result<Option<badge_awards::Model>, CoreError> {
        Ok(badge_awards::Entity::find_by_id(self.0).one(db).await?)
    }
}

impl Resource for AppointmentId {
    type Target = appointments::Model;
    async fn load<C: ConnectionTrait>(
        self,
        db: &C,
    ) -> Result<Option<appointments::Model>, CoreError> {
        Ok(appointments::Entity::find_by_id(self.0).one(db).await?)
    }
}

/// What a target is, for the policy: the group's coach, or the person the
/// data belongs to.
enum Owner {
    Group { coach_id: i32 },
    Person { id: i32, staff: bool },
    Time { coach_id: i32 },
}

trait Owned {
    fn owner(&self) -> Owner;
}

impl Owned for groups::Model {
    fn owner(&self) -> Owner {
        Owner::Group {
            coach_id: self.coach_id,
        }
    }
}

impl Owned for users::Model {
    fn owner(&self) -> Owner {
        Owner::Person {
            id: self.id,
            staff: Role::from_code(&self.role).is_some_and(|r| r != Role::Learner),
        }
    }
}

impl Owned for badge_requests::Model {
    fn owner(&self) -> Owner {
        Owner::Person {
            id: self.user_id,
            staff: false,
        }
    }
}

impl Owned for appointments::Model {
    fn owner(&self) -> Owner {
        Owner::Time {
            coach_id: self.coach_id,
        }
    }
}

impl Owned for badge_awards::Model {
    fn owner(&self) -> Owner {
        Owner::Person {
            id: self.user_id,
            staff: false,
        }
    }
}

/// The only way to a [`Grant`]: reads `resource` and applies the policy
/// in the module's table.
#[expect(private_bounds, reason = "the policy's owner view stays private")]
pub async fn authorize<C, R>(
    db: &C,
    actor: &Actor,
    act: Act,
    resource: R,
) -> Result<Grant<R::Target>, CoreError>
where
    C: ConnectionTrait,
    R: Resource,
    R::Target: Owned,
{
    let target = resource.load(db).await?.ok_or(CoreError::NotFound)?;
    let allowed = match (act, target.owner()) {
        (Act::CoachGroup, Owner::Group { coach_id }) => {
            actor.role() == Role::Admin || (actor.role() == Role::Coach && coach_id == actor.id())
        }
        (Act::OfferTime, Owner::Time { coach_id }) => coach_id == actor.id(),
        (Act::Book, Owner::Time { coach_id }) => {
            if coach_id == actor.id() {
                return Err(CoreError::Rejected("not_on_self"));
            }
            actor.role() == Role::Learner && in_touch(db, actor.id(), coach_id).await?
        }
        (_, Owner::Time { .. }) => false,
        (Act::OfferTime | Act::Book, _) => false,
        (Act::CoachGroup, Owner::Person { .. }) => false,
        (_, Owner::Group { .. }) => false,
        (Act::ViewProgress, Owner::Person { id, .. }) => {
            id == actor.id() || actor.role() == Role::Admin || consented(db, actor, id).await?
        }
        (Act::Converse, Owner::Person { id, .. }) => {
            if id == actor.id() {
                return Err(CoreError::Rejected("not_on_self"));
            }
            in_touch(db, actor.id(), id).await?
        }
        (act, Owner::Person { id, staff }) => {
            if id == actor.id() {
                return Err(CoreError::Rejected("not_on_self"));
            }
            match (act, actor.role()) {
                (_, Role::Admin) => true,
                (Act::ManageAccount, _) => false,
                (Act::MakeResetCode, Role::Coach) if !staff => consented(db, actor, id).await?,
                (Act::DecideEvidence | Act::RevokeBadge | Act::AllowReissue, Role::Coach) => {
                    consented(db, actor, id).await?
                }
                _ => false,
            }
        }
    };
    if !allowed {
        return Err(CoreError::NotFound);
    }
    Ok(Grant {
        actor_id: actor.id(),
        act,
        target,
    })
}

/// Whether learner `person` is in a group `actor` coaches and has joined
/// or accepted it (an invitation alone does not count).
async fn consented<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    person: i32,
) -> Result<bool, CoreError> {
    if actor.role() != Role::Coach {
        return Ok(false);
    }
    let mine: Vec<i32> = groups::Entity::find()
        .filter(groups::Column::CoachId.eq(actor.id()))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    Ok(crate::coaching::joined()
        .filter(group_members::Column::GroupId.is_in(mine))
        .filter(group_members::Column::UserId.eq(person))
        .one(db)
        .await?
        .is_some())
}

/// Whether one of the two coaches a group the other joined or accepted
/// (whatever their roles now: an admin coaching a group counts; an admin
/// alone does not).
async fn in_touch<C: ConnectionTrait>(db: &C, one: i32, other: i32) -> Result<bool, CoreError> {
    use sea_orm::{Condition, JoinType, QuerySelect, RelationTrait};
    let found = crate::coaching::joined()
        .join(JoinType::InnerJoin, group_members::Relation::Groups.def())
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(groups::Column::CoachId.eq(one))
                        .add(group_members::Column::UserId.eq(other)),
                )
                .add(
                    Condition::all()
                        .add(groups::Column::CoachId.eq(other))
                        .add(group_members::Column::UserId.eq(one)),
                ),
        )
        .one(db)
        .await?;
    Ok(found.is_some())
}
