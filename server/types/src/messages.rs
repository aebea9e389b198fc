//! Messages between a learner and her coaches, and a coach's
//! announcements to a group.

use serde::{Deserialize, Serialize};

/// A conversation, as its page addresses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ThreadRef {
    /// The conversation with this person (a learner and one of her
    /// coaches): `/messages/people/{id}`.
    Person(i32),
    /// A group's announcements: `/messages/groups/{id}`.
    Group(i32),
}

impl ThreadRef {
    /// The conversation's page.
    pub fn href(self) -> String {
        match self {
            ThreadRef::Person(id) => format!("/messages/people/{id}"),
            ThreadRef::Group(id) => format!("/messages/groups/{id}"),
        }
    }
}

/// A piece of a message's text: text, or a web address made a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextPart {
    /// Plain text, shown as text.
    Text(String),
    /// An `http`/`https` address: (`href`, the text as written).
    Link(String, String),
}

/// A conversation in the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadCard {
    /// Where it is; `None`: the other person's account was deleted, and
    /// only the card is left.
    pub thread: Option<ThreadRef>,
    /// The other person's name or the group's; `None`: a deleted account.
    pub title: Option<String>,
    /// The newest message's first words, if any.
    pub last: Option<String>,
    /// When the newest message was written (UTC, `YYYY-MM-DD HH:MM`).
    pub last_at: Option<String>,
    /// Messages the reader has not seen.
    pub unread: u32,
    /// The reader may write here.
    pub can_write: bool,
}

/// The reader's conversations: the ones with messages newest first, then
/// the people she can write to who have none yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    /// Conversations.
    pub threads: Vec<ThreadCard>,
}

/// A message as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    /// Id.
    pub id: i32,
    /// The author's name; `None`: a deleted account.
    pub author: Option<String>,
    /// Written by the reader.
    pub own: bool,
    /// The text, with its web addresses as links.
    pub body: Vec<TextPart>,
    /// When (UTC, `YYYY-MM-DD HH:MM`).
    pub at: String,
    /// Hidden by the coach (shown only to the coach and the author).
    pub hidden: bool,
    /// The reader wrote it recently enough to delete it.
    pub deletable: bool,
}

/// One conversation for its reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    /// Where it is.
    pub thread: ThreadRef,
    /// The other person's name or the group's.
    pub title: String,
    /// Messages, oldest first (the newest 200).
    pub messages: Vec<MessageView>,
    /// The reader may write here.
    pub can_write: bool,
    /// The reader may hide others' messages here (the coach).
    pub moderator: bool,
    /// The language the other person chose for the site, if known (a
    /// coach's nudge is written in it).
    pub language: Option<crate::Language>,
}
