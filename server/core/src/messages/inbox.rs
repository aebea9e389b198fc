//! The inbox: a person's conversations with their unread counts, whom she
//! can write to, and when a coach last wrote to each learner.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::address;
use crate::CoreError;
use crate::accounts::Actor;
use crate::accounts::names;
use crate::db::entities::{conversation_reads, conversations, group_members, groups, messages};
use polku_types::messages::{Inbox, ThreadCard, ThreadRef};

/// Characters of the newest message the inbox shows.
const SNIPPET: usize = 80;

/// The condition "conversation is one of `user`'s": a party of it, or a
/// group she joined.
fn theirs(user: i32) -> Condition {
    let joined = Query::select()
        .column(group_members::Column::GroupId)
        .from(group_members::Entity)
        .and_where(Expr::col(group_members::Column::UserId).eq(user))
        .and_where(Expr::col(group_members::Column::AcceptedAt).is_not_null())
        .to_owned();
    let coached = Query::select()
        .column(groups::Column::Id)
        .from(groups::Entity)
        .and_where(Expr::col(groups::Column::CoachId).eq(user))
        .to_owned();
    Condition::any()
        .add(Expr::col((conversations::Entity, conversations::Column::LearnerId)).eq(user))
        .add(Expr::col((conversations::Entity, conversations::Column::CoachId)).eq(user))
        .add(Expr::col((conversations::Entity, conversations::Column::GroupId)).in_subquery(joined))
        .add(
            Expr::col((conversations::Entity, conversations::Column::GroupId)).in_subquery(coached),
        )
}

#[derive(Debug, FromQueryResult)]
struct UnreadRow {
    conversation_id: i32,
    unread: i64,
}

/// Unread messages per conversation of `user` (only those with any).
/// The messages `user` has not read (in conversations she is in, written
/// by someone else, not hidden, after the last one she read): the query's
/// `FROM`, joins and conditions, for the caller to select from.
fn unread_messages(user: i32) -> sea_orm::sea_query::SelectStatement {
    let m = messages::Entity;
    Query::select()
        .from(m)
        .inner_join(
            conversations::Entity,
            Expr::col((conversations::Entity, conversations::Column::Id))
                .equals((m, messages::Column::ConversationId)),
        )
        .left_join(
            conversation_reads::Entity,
            Condition::all()
                .add(
                    Expr::col((
                        conversation_reads::Entity,
                        conversation_reads::Column::ConversationId,
                    ))
                    .equals((m, messages::Column::ConversationId)),
                )
                .add(
                    Expr::col((
                        conversation_reads::Entity,
                        conversation_reads::Column::UserId,
                    ))
                    .eq(user),
                ),
        )
        .cond_where(theirs(user))
        .and_where(Expr::col((m, messages::Column::AuthorId)).ne(user))
        .and_where(Expr::col((m, messages::Column::Hidden)).eq(false))
        .and_where(Expr::col((m, messages::Column::Id)).gt(Func::coalesce([
            Expr::col((
                conversation_reads::Entity,
                conversation_reads::Column::LastReadId,
            )),
            Expr::val(0),
        ])))
        .to_owned()
}

async fn unread_by_conversation<C: ConnectionTrait>(
    db: &C,
    user: i32,
) -> Result<HashMap<i32, u32>, CoreError> {
    let m = messages::Entity;
    let query = unread_messages(user)
        .expr_as(
            Expr::col((m, messages::Column::ConversationId)),
            "conversation_id",
        )
        .expr_as(Func::count(Expr::col((m, messages::Column::Id))), "unread")
        .group_by_col((m, messages::Column::ConversationId))
        .to_owned();
    let statement = db.get_database_backend().build(&query);
    Ok(UnreadRow::find_by_statement(statement)
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.conversation_id,
                u32::try_from(r.unread).unwrap_or(u32::MAX),
            )
        })
        .collect())
}

/// How many messages `user` has not read, in all her conversations.
pub async fn unread_count<C: ConnectionTrait>(db: &C, user: i32) -> Result<u32, CoreError> {
    Ok(unread_by_conversation(db, user).await?.values().sum())
}

#[derive(Debug, FromQueryResult)]
struct Counts {
    messages: i64,
    notifications: i64,
}

/// The header's two counts for `user`, in one statement (every signed-in
/// page shows them, and each statement is a round trip): messages she has
/// not read, and her unread notifications about anything else
/// (`notifications::unread_count`).
pub async fn header_counts<C: ConnectionTrait>(db: &C, user: i32) -> Result<(u32, u32), CoreError> {
    let messages = unread_messages(user)
        .expr(Func::count(Expr::col((
            messages::Entity,
            messages::Column::Id,
        ))))
        .to_owned();
    let query = Query::select()
        .expr_as(messages, "messages")
        .expr_as(crate::notifications::unread_query(user), "notifications")
        .to_owned();
    let statement = db.get_database_backend().build(&query);
    let counts = Counts::find_by_statement(statement)
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok((count(counts.messages), count(counts.notifications)))
}

/// The actor's inbox: her conversations with messages, newest first; then
/// the people she may write to and her groups' announcements that have
/// none yet.
pub async fn inbox<C: ConnectionTrait>(db: &C, actor: &Actor) -> Result<Inbox, CoreError> {
    let rows = conversations::Entity::find()
        .filter(theirs(actor.id()))
        .order_by_desc(conversations::Column::LastMessageAt)
        .all(db)
        .await?;
    let unread = unread_by_conversation(db, actor.id()).await?;
    let contacts = contacts(db, actor).await?;
    let mut threads = Vec::new();
    let mut seen = Vec::new();
    let mut newest = newest_messages(db, actor.id(), rows.iter().map(|r| r.id).collect()).await?;
    for row in rows {
        let thread = address(&row, actor.id());
        let Some(last) = newest.remove(&row.id) else {
            continue;
        };
        let contact = contacts.iter().find(|(t, _, _)| Some(*t) == thread);
        let title = match (contact, thread) {
            (Some((_, name, _)), _) => Some(name.clone()),
            (None, Some(ThreadRef::Person(id))) => names(db, vec![id]).await?.remove(&id),
            (None, Some(ThreadRef::Group(id))) => groups::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|g| g.name),
            (None, None) => None,
        };
        let mut snippet: String = last.body.chars().take(SNIPPET).collect();
        if last.body.chars().count() > SNIPPET {
            snippet.push('…');
        }
        seen.extend(thread);
        threads.push(ThreadCard {
            thread,
            title,
            last: Some(snippet),
            last_at: Some(crate::dates::minute(last.created_at)),
            unread: unread.get(&row.id).copied().unwrap_or(0),
            can_write: contact.is_some_and(|(_, _, w)| *w),
        });
    }
    for (thread, name, can_write) in contacts {
        if !seen.contains(&thread) {
            threads.push(ThreadCard {
                thread: Some(thread),
                title: Some(name),
                last: None,
                last_at: None,
                unread: 0,
                can_write,
            });
        }
    }
    Ok(Inbox { threads })
}

/// The newest message the reader sees in each of `conversations`, in one
/// query (a coach has a conversation with each of her learners).
async fn newest_messages<C: ConnectionTrait>(
    db: &C,
    reader: i32,
    conversations: Vec<i32>,
) -> Result<HashMap<i32, messages::Model>, CoreError> {
    let visible = || {
        Condition::any()
            .add(Expr::col(messages::Column::Hidden).eq(false))
            .add(Expr::col(messages::Column::AuthorId).eq(reader))
    };
    let newest = Query::select()
        .expr(Func::max(Expr::col(messages::Column::Id)))
        .from(messages::Entity)
        .and_where(Expr::col(messages::Column::ConversationId).is_in(conversations))
        .cond_where(visible())
        .group_by_col(messages::Column::ConversationId)
        .to_owned();
    Ok(messages::Entity::find()
        .filter(messages::Column::Id.in_subquery(newest))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.conversation_id, m))
        .collect())
}

/// Whom the actor is in touch with: (conversation, name, may write), by
/// name. A learner: the coaches of the groups she joined (and those
/// groups' announcements, read only). A coach: the learners who joined her
/// groups, and each group's announcements.
async fn contacts<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
) -> Result<Vec<(ThreadRef, String, bool)>, CoreError> {
    use sea_orm::{JoinType, RelationTrait};
    let mut out = Vec::new();
    // Groups the actor joined: their coach, their announcements.
    let joined = groups::Entity::find()
        .join(
            JoinType::InnerJoin,
            group_members::Relation::Groups.def().rev(),
        )
        .filter(group_members::Column::UserId.eq(actor.id()))
        .filter(group_members::Column::AcceptedAt.is_not_null())
        .order_by_asc(groups::Column::Name)
        .all(db)
        .await?;
    let coaches = names(db, joined.iter().map(|g| g.coach_id).collect()).await?;
    let mut people: Vec<(i32, String)> = coaches.into_iter().collect();
    // Groups the actor coaches: their members, their announcements.
    let coached = groups::Entity::find()
        .filter(groups::Column::CoachId.eq(actor.id()))
        .order_by_asc(groups::Column::Name)
        .all(db)
        .await?;
    let members: Vec<i32> = crate::coaching::joined()
        .filter(group_members::Column::GroupId.is_in(coached.iter().map(|g| g.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    people.extend(names(db, members).await?);
    people.sort_by(|a, b| {
        a.1.to_lowercase()
            .cmp(&b.1.to_lowercase())
            .then(a.0.cmp(&b.0))
    });
    people.dedup_by_key(|p| p.0);
    for (id, name) in people {
        if id != actor.id() {
            out.push((ThreadRef::Person(id), name, true));
        }
    }
    for group in coached {
        out.push((ThreadRef::Group(group.id), group.name, true));
    }
    for group in joined {
        out.push((ThreadRef::Group(group.id), group.name, false));
    }
    Ok(out)
}

/// When the coach last wrote to each of `learners` (UTC minute), for the
/// group table.
pub async fn last_written<C: ConnectionTrait>(
    db: &C,
    coach: i32,
    learners: &[i32],
) -> Result<HashMap<i32, String>, CoreError> {
    #[derive(Debug, FromQueryResult)]
    struct Row {
        learner_id: i32,
        at: chrono::DateTime<Utc>,
    }
    let m = messages::Entity;
    let c = conversations::Entity;
    let query = Query::select()
        .expr_as(
            Expr::col((c, conversations::Column::LearnerId)),
            "learner_id",
        )
        .expr_as(Func::max(Expr::col((m, messages::Column::CreatedAt))), "at")
        .from(m)
        .inner_join(
            c,
            Expr::col((c, conversations::Column::Id)).equals((m, messages::Column::ConversationId)),
        )
        .and_where(Expr::col((c, conversations::Column::CoachId)).eq(coach))
        .and_where(Expr::col((c, conversations::Column::LearnerId)).is_in(learners.iter().copied()))
        .and_where(Expr::col((m, messages::Column::AuthorId)).eq(coach))
        .group_by_col((c, conversations::Column::LearnerId))
        .to_owned();
    let statement = db.get_database_backend().build(&query);
    Ok(Row::find_by_statement(statement)
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.learner_id, crate::dates::minute(r.at)))
        .collect())
}
