//! `counters` row `readers` and the triggers that count in it every change
//! to what a signed-in reader's own parts of a page are read from: her
//! unread messages (messages, conversations, conversation reads, groups
//! and their members) and notifications, her enrolments and the lessons
//! she marked done, the lessons' comments and their authors' names. Every
//! server instance reads its kept copies of those again when the counter
//! moves (`polku_core::readers`). Triggers, not the code that writes: no
//! writer (a new one, a `polku` command, a restored backup) can forget to
//! count. Noting a view (`lesson_progress.last_viewed_at`) and a person's
//! last activity are not counted.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
}

/// Tables whose every insert, update and delete counts.
const WHOLE: &[&str] = &[
    "messages",
    "conversations",
    "conversation_reads",
    "groups",
    "group_members",
    "notifications",
    "enrolments",
    "comments",
];

/// SQLite's triggers: (name, when and on what, condition).
const SQLITE_PARTS: &[(&str, &str, &str)] = &[
    (
        "readers_lesson_progress_insert",
        "AFTER INSERT ON lesson_progress",
        "WHEN NEW.completed_at IS NOT NULL",
    ),
    (
        "readers_lesson_progress_update",
        "AFTER UPDATE OF completed_at ON lesson_progress",
        "WHEN OLD.completed_at IS NOT NEW.completed_at",
    ),
    (
        "readers_lesson_progress_delete",
        "AFTER DELETE ON lesson_progress",
        "",
    ),
    (
        "readers_users_update",
        "AFTER UPDATE OF username, display_name ON users",
        "WHEN OLD.username IS NOT NEW.username OR OLD.display_name IS NOT NEW.display_name",
    ),
    ("readers_users_delete", "AFTER DELETE ON users", ""),
];

/// PostgreSQL's triggers: (name, when and on what, level and condition).
const POSTGRES_PARTS: &[(&str, &str, &str)] = &[
    (
        "readers_lesson_progress_insert",
        "AFTER INSERT ON lesson_progress",
        "FOR EACH ROW WHEN (NEW.completed_at IS NOT NULL)",
    ),
    (
        "readers_lesson_progress_update",
        "AFTER UPDATE OF completed_at ON lesson_progress",
        "FOR EACH ROW WHEN (OLD.completed_at IS DISTINCT FROM NEW.completed_at)",
    ),
    (
        "readers_lesson_progress_delete",
        "AFTER DELETE ON lesson_progress",
        "FOR EACH STATEMENT",
    ),
    (
        "readers_users_update",
        "AFTER UPDATE OF username, display_name ON users",
        "FOR EACH ROW WHEN (OLD.username IS DISTINCT FROM NEW.username \
         OR OLD.display_name IS DISTINCT FROM NEW.display_name)",
    ),
    (
        "readers_users_delete",
        "AFTER DELETE ON users",
        "FOR EACH STATEMENT",
    ),
];

const COUNT: &str = "UPDATE counters SET value = value + 1 WHERE name = 'readers'";

/// Every trigger's name and table, for `down`.
fn names() -> Vec<(String, &'static str)> {
    let mut names = Vec::new();
    for table in WHOLE {
        for event in ["insert", "update", "delete"] {
            names.push((format!("readers_{table}_{event}"), *table));
        }
    }
    for (name, on, _) in SQLITE_PARTS {
        let table = if on.contains("users") {
            "users"
        } else {
            "lesson_progress"
        };
        names.push(((*name).to_owned(), table));
    }
    names
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Counters::Table)
                    .columns([Counters::Name, Counters::Value])
                    .values_panic(["readers".into(), 0i64.into()])
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let mut statements = Vec::new();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                statements.push(format!(
                    "CREATE FUNCTION polku_readers_changed() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN {COUNT}; RETURN NULL; END $$"
                ));
                for table in WHOLE {
                    for event in ["insert", "update", "delete"] {
                        statements.push(format!(
                            "CREATE TRIGGER readers_{table}_{event} AFTER {} ON \"{table}\" \
                             FOR EACH STATEMENT EXECUTE FUNCTION polku_readers_changed()",
                            event.to_uppercase()
                        ));
                    }
                }
                for (name, on, level) in POSTGRES_PARTS {
                    statements.push(format!(
                        "CREATE TRIGGER {name} {on} {level} EXECUTE FUNCTION polku_readers_changed()"
                    ));
                }
            }
            _ => {
                for table in WHOLE {
                    for event in ["insert", "update", "delete"] {
                        statements.push(format!(
                            "CREATE TRIGGER readers_{table}_{event} AFTER {} ON \"{table}\" \
                             BEGIN {COUNT}; END",
                            event.to_uppercase()
                        ));
                    }
                }
                for (name, on, when) in SQLITE_PARTS {
                    statements.push(format!(
                        "CREATE TRIGGER {name} {on} {when} BEGIN {COUNT}; END"
                    ));
                }
            }
        }
        for statement in statements {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        for (name, table) in names() {
            let statement = if postgres {
                format!("DROP TRIGGER IF EXISTS {name} ON \"{table}\"")
            } else {
                format!("DROP TRIGGER IF EXISTS {name}")
            };
            db.execute_unprepared(&statement).await?;
        }
        if postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS polku_readers_changed()")
                .await?;
        }
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Counters::Table)
                    .and_where(Expr::col(Counters::Name).eq("readers"))
                    .to_owned(),
            )
            .await
    }
}
