//! `counters` row `accounts`: counts the changes that can end a session or
//! change who a session's holder is (signing out, a password changed or
//! reset, a role changed, an account erased), so that every server
//! instance's sessions kept in memory are read again at once
//! (`polku_core::accounts::session_cache`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Counters::Table)
                    .columns([Counters::Name, Counters::Value])
                    .values_panic(["accounts".into(), 0i64.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Counters::Table)
                    .and_where(Expr::col(Counters::Name).eq("accounts"))
                    .to_owned(),
            )
            .await
    }
}
