//! `pathways`: paths of courses and badges in levels (see the migration
//! and [`crate::pathways`]).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "pathways")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub slug: String,
    /// Its place on the dashboard (the file's order).
    pub position: i32,
    /// The pathway as JSON (`crate::pathways::Pathway`).
    #[sea_orm(column_type = "Text")]
    pub definition: String,
    /// SHA-256 of the content file's version of it as last imported, hex
    /// (empty: made in the browser).
    pub source_hash: String,
    pub updated_at: ChronoDateTimeUtc,
    /// When an admin last changed it in the browser (an import of an
    /// unchanged file keeps that).
    pub edited_at: Option<ChronoDateTimeUtc>,
    /// Taken off the site in the browser (a pathway of the file).
    pub hidden: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
