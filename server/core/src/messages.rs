//! Messages: a private conversation between a learner and each coach of a
//! group she joined, and a coach's announcements to a group.
//!
//! Rules, all checked here:
//! - Writing to a person needs an [`Act::Converse`] grant: a learner and
//!   the coach of a group she joined (or accepted), either way. An
//!   invitation alone, another coach's learner, or an admin without such a
//!   group gets "not found".
//! - A conversation stays readable by its two people after she leaves the
//!   group, but neither can write in it any more.
//! - A group's announcements are written by whoever may coach the group
//!   ([`Act::CoachGroup`]) and read by its members who joined.
//! - The coach of a conversation can hide a message (it then shows only to
//!   the coach and its author); an author can delete her own message for
//!   [`DELETE_WINDOW`] after writing it.
//! - Each person writes at most [`RATE_LIMIT`] messages per
//!   [`RATE_WINDOW`], counted in the database (so across instances).
//!
//! Reading a conversation records how far its reader has read it; the
//! unread count is every message after that, written by someone else and
//! not hidden.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::CoreError;
use crate::accounts::{Actor, Role};
use crate::authz::{Act, GroupId, PersonId, authorize};
use crate::db::entities::{
    conversation_reads, conversations, group_members, groups, messages, users,
};
use crate::notifications::{Detail, Note, NotificationKind, notify};

pub use polku_types::messages::{Inbox, MessageView, TextPart, ThreadCard, ThreadRef, ThreadView};

/// How long an author can delete her own message.
pub const DELETE_WINDOW: Duration = Duration::minutes(10);
/// Messages one person may write per [`RATE_WINDOW`].
pub const RATE_LIMIT: u64 = 30;
/// The window of [`RATE_LIMIT`].
pub const RATE_WINDOW: Duration = Duration::minutes(10);
/// Messages a conversation page shows (the newest).
const SHOWN: u64 = 200;
/// Characters of the newest message the inbox shows.
const SNIPPET: usize = 80;

/// A conversation located for its reader.
struct Located {
    /// The row, once anyone has written.
    row: Option<conversations::Model>,
    /// The other person's name or the group's (`None`: deleted account).
    title: Option<String>,
    /// The reader may write.
    can_write: bool,
    /// The reader may hide messages.
    moderator: bool,
    /// The other person's language, if she chose one.
    language: Option<crate::Language>,
}

fn name_of(user: &users::Model) -> String {
    user.display_name
        .clone()
        .unwrap_or_else(|| user.username.clone())
}

/// The (learner, coach) of a conversation between the actor and `other`:
/// the learner is the one whose role is learner.
fn pair(actor: &Actor, other: &users::Model) -> Option<(i32, i32)> {
    let other_learner = other.role == Role::Learner.code();
    match (actor.role() == Role::Learner, other_learner) {
        (true, false) => Some((actor.id(), other.id)),
        (false, true) => Some((other.id, actor.id())),
        _ => None,
    }
}

async fn pair_row<C: ConnectionTrait>(
    db: &C,
    (learner, coach): (i32, i32),
) -> Result<Option<conversations::Model>, CoreError> {
    Ok(conversations::Entity::find()
        .filter(conversations::Column::LearnerId.eq(learner))
        .filter(conversations::Column::CoachId.eq(coach))
        .one(db)
        .await?)
}

async fn group_row<C: ConnectionTrait>(
    db: &C,
    group: i32,
) -> Result<Option<conversations::Model>, CoreError> {
    Ok(conversations::Entity::find()
        .filter(conversations::Column::GroupId.eq(group))
        .one(db)
        .await?)
}

/// Whether `user` joined (or accepted) group `group`.
async fn member<C: ConnectionTrait>(db: &C, user: i32, group: i32) -> Result<bool, CoreError> {
    Ok(group_members::Entity::find()
        .filter(group_members::Column::GroupId.eq(group))
        .filter(group_members::Column::UserId.eq(user))
        .filter(group_members::Column::AcceptedAt.is_not_null())
        .count(db)
        .await?
        > 0)
}

async fn locate<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    thread: ThreadRef,
) -> Result<Located, CoreError> {
    match thread {
        ThreadRef::Person(other) => {
            if other == actor.id() {
                return Err(CoreError::Rejected("not_on_self"));
            }
            let user = users::Entity::find_by_id(other)
                .one(db)
                .await?
                .ok_or(CoreError::NotFound)?;
            let pair = pair(actor, &user).ok_or(CoreError::NotFound)?;
            let row = pair_row(db, pair).await?;
            let can_write = match authorize(db, actor, Act::Converse, PersonId(other)).await {
                Ok(_) => true,
                Err(CoreError::NotFound) => false,
                Err(other) => return Err(other),
            };
            if row.is_none() && !can_write {
                return Err(CoreError::NotFound);
            }
            Ok(Located {
                row,
                title: Some(name_of(&user)),
                can_write,
                moderator: pair.1 == actor.id(),
                language: user
                    .language
                    .as_deref()
                    .and_then(crate::Language::from_code),
            })
        }
        ThreadRef::Group(group) => {
            let coach = match authorize(db, actor, Act::CoachGroup, GroupId(group)).await {
                Ok(grant) => Some(grant.target().name.clone()),
                Err(CoreError::NotFound) => None,
                Err(other) => return Err(other),
            };
            let (title, moderator) = match coach {
                Some(name) => (name, true),
                None if member(db, actor.id(), group).await? => {
                    let row = groups::Entity::find_by_id(group).one(db).await?;
                    (row.ok_or(CoreError::NotFound)?.name, false)
                }
                None => return Err(CoreError::NotFound),
            };
            Ok(Located {
                row: group_row(db, group).await?,
                title: Some(title),
                can_write: moderator,
                moderator,
                language: None,
            })
        }
    }
}

/// A message's text with its web addresses as links (`http`/`https`
/// only; an address written without one gets `https://`).
pub fn parts(body: &str) -> Vec<TextPart> {
    let mut finder = linkify::LinkFinder::new();
    finder
        .kinds(&[linkify::LinkKind::Url])
        .url_must_have_scheme(false);
    finder
        .spans(body)
        .map(|span| {
            let text = span.as_str();
            let lower = text.to_ascii_lowercase();
            match span.kind() {
                Some(linkify::LinkKind::Url)
                    if lower.starts_with("https://") || lower.starts_with("http://") =>
                {
                    TextPart::Link(text.to_owned(), text.to_owned())
                }
                Some(linkify::LinkKind::Url) if !lower.contains(':') => {
                    TextPart::Link(format!("https://{text}"), text.to_owned())
                }
                _ => TextPart::Text(text.to_owned()),
            }
        })
        .collect()
}

/// Records that `user` has read `conversation` up to message `last`.
async fn mark_read<C: ConnectionTrait>(
    db: &C,
    conversation: i32,
    user: i32,
    last: i32,
) -> Result<(), CoreError> {
    use sea_orm::sea_query::OnConflict;
    conversation_reads::Entity::insert(conversation_reads::ActiveModel {
        conversation_id: Set(conversation),
        user_id: Set(user),
        last_read_id: Set(last),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            conversation_reads::Column::UserId,
            conversation_reads::Column::ConversationId,
        ])
        .update_column(conversation_reads::Column::LastReadId)
        .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Names of accounts by id.
async fn names<C: ConnectionTrait>(
    db: &C,
    ids: Vec<i32>,
) -> Result<HashMap<i32, String>, CoreError> {
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .iter()
        .map(|u| (u.id, name_of(u)))
        .collect())
}

/// One conversation for the actor (the newest [`SHOWN`] messages), which
/// she has then read.
pub async fn thread<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    thread: ThreadRef,
) -> Result<ThreadView, CoreError> {
    let located = locate(db, actor, thread).await?;
    let mut rows = match &located.row {
        Some(row) => {
            messages::Entity::find()
                .filter(messages::Column::ConversationId.eq(row.id))
                .order_by_desc(messages::Column::Id)
                .limit(SHOWN)
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    rows.reverse();
    if let (Some(row), Some(last)) = (&located.row, rows.last()) {
        mark_read(db, row.id, actor.id(), last.id).await?;
        crate::notifications::seen(db, actor.id(), &thread.href()).await?;
    }
    let authors = names(db, rows.iter().map(|m| m.author_id).collect()).await?;
    let now = Utc::now();
    let messages = rows
        .into_iter()
        .filter(|m| !m.hidden || located.moderator || m.author_id == actor.id())
        .map(|m| {
            let own = m.author_id == actor.id();
            MessageView {
                id: m.id,
                author: authors.get(&m.author_id).cloned(),
                own,
                body: parts(&m.body),
                at: crate::dates::minute(m.created_at),
                hidden: m.hidden,
                deletable: own && now - m.created_at < DELETE_WINDOW,
            }
        })
        .collect();
    Ok(ThreadView {
        thread,
        title: located.title,
        messages,
        can_write: located.can_write,
        moderator: located.moderator,
        language: located.language,
    })
}

/// The actor writes `body` in a conversation; the new message's id.
pub async fn send<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    thread: ThreadRef,
    body: &str,
) -> Result<i32, CoreError> {
    let body = crate::discussion::message(body)?;
    let located = locate(db, actor, thread).await?;
    if !located.can_write {
        return Err(CoreError::Rejected("message_closed"));
    }
    let now = Utc::now();
    let recent = messages::Entity::find()
        .filter(messages::Column::AuthorId.eq(actor.id()))
        .filter(messages::Column::CreatedAt.gt(now - RATE_WINDOW))
        .count(db)
        .await?;
    if recent >= RATE_LIMIT {
        return Err(CoreError::Rejected("message_rate"));
    }
    let conversation = match located.row.clone() {
        Some(row) => row,
        None => start(db, actor, thread).await?,
    };
    let message = messages::ActiveModel {
        conversation_id: Set(conversation.id),
        author_id: Set(actor.id()),
        body: Set(body),
        hidden: Set(false),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    conversations::Entity::update_many()
        .col_expr(conversations::Column::LastMessageAt, Expr::value(now))
        .filter(conversations::Column::Id.eq(conversation.id))
        .exec(db)
        .await?;
    mark_read(db, conversation.id, actor.id(), message.id).await?;
    // Each reader is told, with a link to the conversation as she sees it.
    let (readers, link, what) = match thread {
        ThreadRef::Person(other) => (vec![other], ThreadRef::Person(actor.id()), None),
        ThreadRef::Group(group) => (
            crate::coaching::members_of(db, group).await?,
            thread,
            located.title.clone(),
        ),
    };
    for reader in readers.into_iter().filter(|r| *r != actor.id()) {
        notify(
            db,
            Note {
                user: reader,
                kind: NotificationKind::Message,
                actor: Some(actor.id()),
                link: link.href(),
                names: Default::default(),
                detail: Detail {
                    what: what.clone(),
                    note: None,
                    message: Some(message.id),
                },
            },
        )
        .await?;
    }
    Ok(message.id)
}

/// Makes the row of a conversation nobody has written in yet (or finds
/// the one another request just made).
async fn start<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    thread: ThreadRef,
) -> Result<conversations::Model, CoreError> {
    let now = Utc::now();
    let mut row = conversations::ActiveModel {
        created_at: Set(now),
        last_message_at: Set(now),
        ..Default::default()
    };
    let pair = match thread {
        ThreadRef::Person(other) => {
            let user = users::Entity::find_by_id(other)
                .one(db)
                .await?
                .ok_or(CoreError::NotFound)?;
            let pair = pair(actor, &user).ok_or(CoreError::NotFound)?;
            row.learner_id = Set(Some(pair.0));
            row.coach_id = Set(Some(pair.1));
            Some(pair)
        }
        ThreadRef::Group(group) => {
            row.group_id = Set(Some(group));
            None
        }
    };
    conversations::Entity::insert(row)
        .on_conflict_do_nothing()
        .exec(db)
        .await?;
    match (thread, pair) {
        (_, Some(pair)) => pair_row(db, pair).await?,
        (ThreadRef::Group(group), None) => group_row(db, group).await?,
        (ThreadRef::Person(_), None) => None,
    }
    .ok_or(CoreError::NotFound)
}

/// The message `id` and its conversation, when the actor may see it.
async fn visible<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
) -> Result<(messages::Model, Located), CoreError> {
    let message = messages::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    let thread = thread_in(db, actor, message.conversation_id).await?;
    let located = locate(db, actor, thread).await?;
    if message.hidden && !located.moderator && message.author_id != actor.id() {
        return Err(CoreError::NotFound);
    }
    Ok((message, located))
}

/// The coach of the message's conversation hides it (or shows it again).
/// Where it is: the conversation's address.
pub async fn set_hidden<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    hidden: bool,
) -> Result<(), CoreError> {
    let (message, located) = visible(db, actor, id).await?;
    if !located.moderator {
        return Err(CoreError::NotFound);
    }
    let mut row: messages::ActiveModel = message.into();
    row.hidden = Set(hidden);
    row.update(db).await?;
    Ok(())
}

/// The author deletes her own message, within [`DELETE_WINDOW`].
pub async fn delete<C: ConnectionTrait>(db: &C, actor: &Actor, id: i32) -> Result<(), CoreError> {
    let (message, _) = visible(db, actor, id).await?;
    if message.author_id != actor.id() {
        return Err(CoreError::NotFound);
    }
    if Utc::now() - message.created_at >= DELETE_WINDOW {
        return Err(CoreError::Rejected("message_too_old"));
    }
    messages::Entity::delete_by_id(message.id).exec(db).await?;
    Ok(())
}

/// The address of message `id`'s conversation, for the actor.
pub async fn thread_of<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
) -> Result<ThreadRef, CoreError> {
    let row = messages::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    thread_in(db, actor, row.conversation_id).await
}

/// The address of conversation `id` for the actor: `NotFound` unless it
/// is a group's or the actor's with someone whose account still exists.
async fn thread_in<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
) -> Result<ThreadRef, CoreError> {
    let row = conversations::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    address(&row, actor.id()).ok_or(CoreError::NotFound)
}

/// Where conversation `row` is for `reader`: `None` when the other person
/// is gone (or the reader is not in it).
fn address(row: &conversations::Model, reader: i32) -> Option<ThreadRef> {
    match (row.group_id, row.learner_id, row.coach_id) {
        (Some(group), _, _) => Some(ThreadRef::Group(group)),
        (None, Some(l), Some(c)) if l == reader => Some(ThreadRef::Person(c)),
        (None, Some(l), Some(c)) if c == reader => Some(ThreadRef::Person(l)),
        _ => None,
    }
}

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
async fn unread_by_conversation<C: ConnectionTrait>(
    db: &C,
    user: i32,
) -> Result<HashMap<i32, u32>, CoreError> {
    let m = messages::Entity;
    let query = Query::select()
        .expr_as(
            Expr::col((m, messages::Column::ConversationId)),
            "conversation_id",
        )
        .expr_as(Func::count(Expr::col((m, messages::Column::Id))), "unread")
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
    for row in rows {
        let thread = address(&row, actor.id());
        let last = messages::Entity::find()
            .filter(messages::Column::ConversationId.eq(row.id))
            .filter(
                Condition::any()
                    .add(messages::Column::Hidden.eq(false))
                    .add(messages::Column::AuthorId.eq(actor.id())),
            )
            .order_by_desc(messages::Column::Id)
            .one(db)
            .await?;
        let Some(last) = last else { continue };
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
    let members: Vec<i32> = group_members::Entity::find()
        .filter(group_members::Column::GroupId.is_in(coached.iter().map(|g| g.id)))
        .filter(group_members::Column::AcceptedAt.is_not_null())
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

/// Person `user`'s part of her data export: `conversations` (the ones
/// she is a party to or coaches, with every message in them), `messages`
/// (what she wrote) and `conversation_reads` (how far she has read).
pub async fn personal_data<C: ConnectionTrait>(
    db: &C,
    user: i32,
) -> Result<serde_json::Map<String, serde_json::Value>, CoreError> {
    use serde_json::json;
    let coached: Vec<i32> = groups::Entity::find()
        .filter(groups::Column::CoachId.eq(user))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    let rows = conversations::Entity::find()
        .filter(
            Condition::any()
                .add(conversations::Column::LearnerId.eq(user))
                .add(conversations::Column::CoachId.eq(user))
                .add(conversations::Column::GroupId.is_in(coached)),
        )
        .all(db)
        .await?;
    let all = messages::Entity::find()
        .filter(messages::Column::ConversationId.is_in(rows.iter().map(|r| r.id)))
        .order_by_asc(messages::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows
        .iter()
        .flat_map(|r| [r.learner_id, r.coach_id])
        .flatten()
        .chain(all.iter().map(|m| m.author_id))
        .collect();
    let people = names(db, ids).await?;
    let written = messages::Entity::find()
        .filter(messages::Column::AuthorId.eq(user))
        .order_by_asc(messages::Column::Id)
        .all(db)
        .await?;
    let reads = conversation_reads::Entity::find()
        .filter(conversation_reads::Column::UserId.eq(user))
        .all(db)
        .await?;
    let time = |t: chrono::DateTime<Utc>| t.to_rfc3339();
    let with = |row: &conversations::Model| match address(row, user) {
        Some(ThreadRef::Person(id)) => json!({"person": people.get(&id)}),
        Some(ThreadRef::Group(id)) => json!({"group": id}),
        None => json!({"person": null}),
    };
    let message = |m: &messages::Model| json!({"from": people.get(&m.author_id), "text": m.body, "at": time(m.created_at), "hidden": m.hidden});
    let conversations: Vec<_> = rows
        .iter()
        .map(|row| {
            json!({
                "with": with(row),
                "started": time(row.created_at),
                "messages": all.iter().filter(|m| m.conversation_id == row.id).map(message).collect::<Vec<_>>(),
            })
        })
        .collect();
    let written: Vec<_> = written.iter().map(message).collect();
    let reads: Vec<_> = reads
        .iter()
        .map(|r| json!({"conversation": r.conversation_id, "read_up_to_message": r.last_read_id}))
        .collect();
    let mut out = serde_json::Map::new();
    out.insert("conversations".into(), conversations.into());
    out.insert("messages".into(), written.into());
    out.insert("conversation_reads".into(), reads.into());
    Ok(out)
}
