//! What is kept, and for how long: a person's messages in her data
//! export, and the retention sweep of conversations no longer needed.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::address;
use crate::CoreError;
use crate::accounts::names;
use crate::db::entities::{conversation_reads, conversations, group_members, groups, messages};
use polku_types::messages::ThreadRef;

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

/// What one retention sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Conversations found closed now (she left, or an account went).
    pub closed: u64,
    /// Conversations open again (back in touch).
    pub reopened: u64,
    /// Conversations deleted, closed longer than the retention days.
    pub deleted: u64,
}

/// Keeps private conversations only while they are needed: one whose
/// learner and coach are no longer in touch (she left every group of the
/// coach, or either account was erased) is marked closed at `now`, and
/// deleted with its messages once it has been closed `retention_days`;
/// in touch again before that, it opens again. Group announcements go
/// with their group.
pub async fn sweep<C: ConnectionTrait>(
    db: &C,
    now: chrono::DateTime<Utc>,
    retention_days: i64,
) -> Result<Swept, CoreError> {
    use sea_orm::{JoinType, RelationTrait};
    let touching: std::collections::HashSet<(i32, i32)> = crate::coaching::joined()
        .join(JoinType::InnerJoin, group_members::Relation::Groups.def())
        .select_only()
        .column(group_members::Column::UserId)
        .column(groups::Column::CoachId)
        .into_tuple::<(i32, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let cutoff = now - Duration::days(retention_days);
    let mut swept = Swept::default();
    let direct = conversations::Entity::find()
        .filter(conversations::Column::GroupId.is_null())
        .all(db)
        .await?;
    for row in direct {
        let in_touch = matches!(
            (row.learner_id, row.coach_id),
            (Some(l), Some(c)) if touching.contains(&(l, c))
        );
        let set_closed = |at: Option<chrono::DateTime<Utc>>| {
            conversations::Entity::update_many()
                .col_expr(conversations::Column::ClosedAt, Expr::value(at))
                .filter(conversations::Column::Id.eq(row.id))
        };
        match (in_touch, row.closed_at) {
            (true, Some(_)) => {
                set_closed(None).exec(db).await?;
                swept.reopened += 1;
            }
            (false, None) => {
                set_closed(Some(now)).exec(db).await?;
                swept.closed += 1;
            }
            (false, Some(since)) if since <= cutoff => {
                conversations::Entity::delete_by_id(row.id).exec(db).await?;
                swept.deleted += 1;
            }
            _ => {}
        }
    }
    Ok(swept)
}
