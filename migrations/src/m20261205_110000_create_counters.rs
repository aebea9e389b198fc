//! Numbers handed out before the row that uses them is written:
//! `counters` holds one row per named sequence and its last value. A badge
//! takes its number (its id, and its index in the revocation list) here,
//! is signed, and only then written, so no write transaction is held open
//! while a badge is signed.
//!
//! The `badge` counter starts above every number a badge has ever had: the
//! largest id in `badge_awards` and `badge_revocations`, and the table's
//! own auto-increment high-water mark (a badge erased with its holder's
//! account keeps its number: its credential still points at that index).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, QueryResult};

use crate::helpers::text;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
}

#[derive(DeriveIden)]
enum BadgeAwards {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum BadgeRevocations {
    Table,
    Id,
}

/// The first column of the one row `stmt` selects, as a number.
async fn number(manager: &SchemaManager<'_>, stmt: SelectStatement) -> Result<i64, DbErr> {
    let db = manager.get_connection();
    let row: Option<QueryResult> = db.query_one(&stmt).await?;
    Ok(match row {
        Some(row) => row
            .try_get_by_index::<Option<i64>>(0)
            .or_else(|_| {
                row.try_get_by_index::<Option<i32>>(0)
                    .map(|v| v.map(i64::from))
            })?
            .unwrap_or(0),
        None => 0,
    })
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Counters::Table)
                    .col(text(Counters::Name, 32).primary_key())
                    .col(ColumnDef::new(Counters::Value).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        let max = |table: DynIden, col: DynIden| {
            Query::select()
                .expr(Func::max(Expr::col(col)))
                .from(table)
                .to_owned()
        };
        let mut start = number(
            manager,
            max(BadgeAwards::Table.into_iden(), BadgeAwards::Id.into_iden()),
        )
        .await?;
        start = Ord::max(
            start,
            number(
                manager,
                max(
                    BadgeRevocations::Table.into_iden(),
                    BadgeRevocations::Id.into_iden(),
                ),
            )
            .await?,
        );
        let high_water = match manager.get_database_backend() {
            DbBackend::Sqlite => Some(
                Query::select()
                    .column(Alias::new("seq"))
                    .from(Alias::new("sqlite_sequence"))
                    .and_where(Expr::col(Alias::new("name")).eq("badge_awards"))
                    .to_owned(),
            ),
            DbBackend::Postgres => Some(
                Query::select()
                    .column(Alias::new("last_value"))
                    .from(Alias::new("badge_awards_id_seq"))
                    .to_owned(),
            ),
            _ => None,
        };
        if let Some(stmt) = high_water {
            start = Ord::max(start, number(manager, stmt).await?);
        }
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Counters::Table)
                    .columns([Counters::Name, Counters::Value])
                    .values_panic(["badge".into(), start.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Counters::Table).to_owned())
            .await
    }
}
