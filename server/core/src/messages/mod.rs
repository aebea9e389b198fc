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

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::CoreError;
use crate::accounts::{Actor, Role};
use crate::authz::{Act, GroupId, PersonId, authorize};
use crate::db::entities::{
    conversation_reads, conversations, group_members, groups, messages, users,
};
use crate::notifications::{Detail, Note, NotificationKind, notify};

pub use polku_types::messages::{Inbox, MessageView, TextPart, ThreadCard, ThreadRef, ThreadView};

mod inbox;
mod keep;

pub use inbox::{header_counts, inbox, last_written, unread_count};
pub use keep::{Swept, personal_data, sweep};

/// How long an author can delete her own message.
pub const DELETE_WINDOW: Duration = Duration::minutes(10);
/// Messages one person may write per [`RATE_WINDOW`].
pub const RATE_LIMIT: u64 = 30;
/// The window of [`RATE_LIMIT`].
pub const RATE_WINDOW: Duration = Duration::minutes(10);
/// Messages a conversation page shows (the newest).
const SHOWN: u64 = 200;

/// A conversation located for its reader.
struct Located {
    /// Which conversation it is.
    key: Key,
    /// The row, once anyone has written.
    row: Option<conversations::Model>,
    /// The other person's name or the group's.
    title: String,
    /// The reader may write.
    can_write: bool,
    /// The reader may hide messages.
    moderator: bool,
    /// The other person's language, if she chose one.
    language: Option<crate::Language>,
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

/// Which row a conversation is: a learner and one of her coaches, or a
/// group's announcements.
#[derive(Debug, Clone, Copy)]
enum Key {
    Pair { learner: i32, coach: i32 },
    Group(i32),
}

/// The row of conversation `key`, once anyone has written in it.
async fn row_of<C: ConnectionTrait>(
    db: &C,
    key: Key,
) -> Result<Option<conversations::Model>, CoreError> {
    let query = match key {
        Key::Pair { learner, coach } => conversations::Entity::find()
            .filter(conversations::Column::LearnerId.eq(learner))
            .filter(conversations::Column::CoachId.eq(coach)),
        Key::Group(group) => {
            conversations::Entity::find().filter(conversations::Column::GroupId.eq(group))
        }
    };
    Ok(query.one(db).await?)
}

/// Whether `user` joined (or accepted) group `group`.
async fn member<C: ConnectionTrait>(db: &C, user: i32, group: i32) -> Result<bool, CoreError> {
    Ok(crate::coaching::joined()
        .filter(group_members::Column::GroupId.eq(group))
        .filter(group_members::Column::UserId.eq(user))
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
            let (learner, coach) = pair(actor, &user).ok_or(CoreError::NotFound)?;
            let key = Key::Pair { learner, coach };
            let row = row_of(db, key).await?;
            let can_write = match authorize(db, actor, Act::Converse, PersonId(other)).await {
                Ok(_) => true,
                Err(CoreError::NotFound) => false,
                Err(other) => return Err(other),
            };
            if row.is_none() && !can_write {
                return Err(CoreError::NotFound);
            }
            Ok(Located {
                key,
                row,
                title: user.shown_name(),
                can_write,
                moderator: coach == actor.id(),
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
            let key = Key::Group(group);
            Ok(Located {
                key,
                row: row_of(db, key).await?,
                title,
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
    let authors = crate::accounts::names(db, rows.iter().map(|m| m.author_id).collect()).await?;
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
pub async fn send(
    db: &sea_orm::DatabaseConnection,
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
        None => start(db, located.key).await?,
    };
    // Each reader is told, with a link to the conversation as she sees it.
    let (readers, link, what) = match thread {
        ThreadRef::Person(other) => (vec![other], ThreadRef::Person(actor.id()), None),
        ThreadRef::Group(group) => (
            crate::coaching::members_of(db, group).await?,
            thread,
            Some(located.title.clone()),
        ),
    };
    // The message, its notifications (and so their e-mails) in one
    // transaction, which begins with a write: all of it or none is kept,
    // with one flush to disk.
    let txn = crate::db::begin_write(db).await?;
    let message = messages::ActiveModel {
        conversation_id: Set(conversation.id),
        author_id: Set(actor.id()),
        body: Set(body),
        hidden: Set(false),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    conversations::Entity::update_many()
        .col_expr(conversations::Column::LastMessageAt, Expr::value(now))
        .filter(conversations::Column::Id.eq(conversation.id))
        .exec(&txn)
        .await?;
    mark_read(&txn, conversation.id, actor.id(), message.id).await?;
    for reader in readers.into_iter().filter(|r| *r != actor.id()) {
        notify(
            &txn,
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
                    ..Default::default()
                },
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(message.id)
}

/// Makes the row of conversation `key`, which nobody has written in yet
/// (or finds the one another request just made).
async fn start<C: ConnectionTrait>(db: &C, key: Key) -> Result<conversations::Model, CoreError> {
    let now = Utc::now();
    let mut row = conversations::ActiveModel {
        created_at: Set(now),
        last_message_at: Set(now),
        closed_at: Set(None),
        ..Default::default()
    };
    let unique = match key {
        Key::Pair { learner, coach } => {
            row.learner_id = Set(Some(learner));
            row.coach_id = Set(Some(coach));
            vec![
                conversations::Column::LearnerId,
                conversations::Column::CoachId,
            ]
        }
        Key::Group(group) => {
            row.group_id = Set(Some(group));
            vec![conversations::Column::GroupId]
        }
    };
    // Two first messages at once: the unique index keeps one row, and
    // both go on with it.
    conversations::Entity::insert(row)
        .on_conflict_do_nothing_on(unique)
        .exec(db)
        .await?;
    row_of(db, key).await?.ok_or(CoreError::NotFound)
}

/// The message `id`, its conversation and where that is for the actor,
/// when she may see it.
async fn visible<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
) -> Result<(messages::Model, Located, ThreadRef), CoreError> {
    let message = messages::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    let thread = thread_in(db, actor, message.conversation_id).await?;
    let located = locate(db, actor, thread).await?;
    if message.hidden && !located.moderator && message.author_id != actor.id() {
        return Err(CoreError::NotFound);
    }
    Ok((message, located, thread))
}

/// The coach of the message's conversation hides it (or shows it again);
/// the conversation it is in.
pub async fn set_hidden<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    hidden: bool,
) -> Result<ThreadRef, CoreError> {
    let (message, located, thread) = visible(db, actor, id).await?;
    if !located.moderator {
        return Err(CoreError::NotFound);
    }
    let mut row: messages::ActiveModel = message.into();
    row.hidden = Set(hidden);
    row.update(db).await?;
    Ok(thread)
}

/// The author deletes her own message, within [`DELETE_WINDOW`]; the
/// conversation it was in.
pub async fn delete<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
) -> Result<ThreadRef, CoreError> {
    let (message, _, thread) = visible(db, actor, id).await?;
    if message.author_id != actor.id() {
        return Err(CoreError::NotFound);
    }
    if Utc::now() - message.created_at >= DELETE_WINDOW {
        return Err(CoreError::Rejected("message_too_old"));
    }
    messages::Entity::delete_by_id(message.id).exec(db).await?;
    Ok(thread)
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
