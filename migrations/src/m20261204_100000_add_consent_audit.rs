//! Consent to coaching and the audit log.
//!
//! `group_members.accepted_at`: when the learner joined the group herself
//! (with its code) or accepted the coach's invitation. Until then the row
//! is only an invitation and gives the coach no power over her. Rows that
//! exist before this migration cannot tell a learner who joined by code
//! from one a coach added without asking, so they all start as
//! invitations: each learner accepts once on her dashboard.
//!
//! `audit_events`: an append-only record of who did what to whom and when
//! (role changes, authorship, invitations and removals, reset codes made
//! and used, evidence decisions, revocations, erasures and exports). It
//! keeps account numbers, never names, passwords, codes or tokens, so an
//! erased person is a number in it; rows older than the retention setting
//! are deleted by the server's sweep.

use sea_orm_migration::prelude::*;

use crate::helpers::{id, index, text, time, time_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GroupMembers {
    Table,
    AcceptedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    CreatedAt,
    ActorId,
    Action,
    SubjectId,
    Detail,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(GroupMembers::Table)
                    .add_column(time_null(GroupMembers::AcceptedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(id(AuditEvents::Id))
                    .col(time(AuditEvents::CreatedAt))
                    .col(ColumnDef::new(AuditEvents::ActorId).integer().null())
                    .col(text(AuditEvents::Action, 32))
                    .col(ColumnDef::new(AuditEvents::SubjectId).integer().null())
                    .col(ColumnDef::new(AuditEvents::Detail).string_len(200).null())
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("audit_events_created_at_idx", AuditEvents::CreatedAt),
            ("audit_events_actor_id_idx", AuditEvents::ActorId),
            ("audit_events_subject_id_idx", AuditEvents::SubjectId),
        ] {
            index(
                manager,
                name,
                AuditEvents::Table,
                vec![column.into_iden()],
                false,
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(GroupMembers::Table)
                    .drop_column(GroupMembers::AcceptedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
