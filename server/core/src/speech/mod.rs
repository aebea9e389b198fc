//! Lessons read aloud.
//!
//! Every published lesson text (each language) gets audio made on the
//! server by a speech engine ([`Engine`]): sentence by sentence, joined
//! with short pauses, compressed to Ogg Opus and kept in `lesson_audio`
//! with the moment each sentence is heard ([`Cue`]s, for highlighting).
//! [`render_pending`] makes what is missing and is run in the background
//! after content changes (never inside an import): audio is made once per
//! spoken text (its [`Script::hash`]) and kept while that is unchanged.
//! A lesson without audio (not made yet, or the engine failed) is shown
//! as before, without a player.

mod engine;
pub mod script;

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set,
};

pub use engine::{CONTENT_TYPE, DEFAULT_COMMAND, Engine, Pcm, SpeechError};
pub use polku_types::courses::{Cue, LessonAudio};
pub use script::Script;

use crate::content::quiz::Quiz;
use crate::courses::{active_lesson, find_course};
use crate::db::entities::{counters, lesson_audio, lesson_texts, lessons};
use crate::{CoreError, Language};

/// The silence after a sentence, and after the last sentence of a block.
const SENTENCE_PAUSE_MS: u32 = 250;
const BLOCK_PAUSE_MS: u32 = 600;
/// The silence kept before and after each sentence the engine speaks.
const EDGE_MS: u32 = 40;
/// The `counters` row bumped whenever audio is made or kept.
const COUNTER: &str = "audio";

/// What one [`render_pending`] pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpeechReport {
    /// Audio made (the engine ran).
    pub made: usize,
    /// Texts changed only where nothing is read: their audio was kept.
    pub kept: usize,
    /// Texts whose audio could not be made (they are shown without).
    pub failed: usize,
    /// Audio of texts that are gone, removed.
    pub removed: usize,
    /// The engine is not there: the pass stopped at the first text.
    pub engine_missing: bool,
}

/// A lesson text's script.
fn script_of(text: &lesson_texts::Model) -> Script {
    let objectives: Vec<String> = serde_json::from_str(&text.objectives).unwrap_or_default();
    let quizzes: Vec<Quiz> = serde_json::from_str(&text.quizzes).unwrap_or_default();
    Script::lesson(&text.title, &objectives, &text.body_html, &quizzes)
}

/// Speaks `script` sentence by sentence: the audio, compressed, its length
/// and each sentence's cue.
pub async fn speak(
    engine: &Engine,
    language: Language,
    script: &Script,
) -> Result<(Vec<u8>, u32, Vec<Cue>), SpeechError> {
    let mut pcm = Pcm::default();
    let mut cues = Vec::with_capacity(script.sentences.len());
    let spoken: Vec<(u32, String)> = script.spoken().collect();
    for (i, (block, text)) in spoken.iter().enumerate() {
        let mut sentence = engine.speak(language, text).await?;
        sentence.trim(EDGE_MS);
        if sentence.samples.is_empty() {
            continue;
        }
        let start_ms = pcm.duration_ms();
        pcm.append(sentence).map_err(|detail| SpeechError::Failed {
            command: engine.program().to_owned(),
            detail,
        })?;
        let (from, to) = script.utf16_range(i);
        cues.push(Cue {
            block: *block,
            from,
            to,
            start_ms,
            end_ms: pcm.duration_ms(),
        });
        let last_of_block = spoken.get(i + 1).is_none_or(|(next, _)| next != block);
        pcm.pause(if last_of_block {
            BLOCK_PAUSE_MS
        } else {
            SENTENCE_PAUSE_MS
        });
    }
    let duration = pcm.duration_ms();
    let bytes = engine.encode(&pcm).await?;
    Ok((bytes, duration, cues))
}

/// What is known of a text's audio without its bytes.
type AudioHead = (i32, i32, String, String, String);

/// Makes the audio that is missing or out of date, one text at a time,
/// and removes audio whose text is gone. Texts that fail are logged and
/// left without audio; when the engine itself is missing, the pass says
/// so once and stops.
pub async fn render_pending(
    db: &DatabaseConnection,
    engine: &Engine,
) -> Result<SpeechReport, CoreError> {
    render(db, engine, None).await
}

/// As [`render_pending`], for the lessons of one course only (audio of
/// other courses is neither made nor removed).
pub async fn render_course(
    db: &DatabaseConnection,
    engine: &Engine,
    course_slug: &str,
) -> Result<SpeechReport, CoreError> {
    let (course, _) = find_course(db, course_slug).await?;
    render(db, engine, Some(course.id)).await
}

async fn render(
    db: &DatabaseConnection,
    engine: &Engine,
    course: Option<i32>,
) -> Result<SpeechReport, CoreError> {
    let mut report = SpeechReport::default();
    let lesson_ids: Option<Vec<i32>> = match course {
        Some(course) => Some(
            lessons::Entity::find()
                .select_only()
                .column(lessons::Column::Id)
                .filter(lessons::Column::CourseId.eq(course))
                .into_tuple()
                .all(db)
                .await?,
        ),
        None => None,
    };
    let mut texts = lesson_texts::Entity::find();
    let mut heads = lesson_audio::Entity::find();
    if let Some(ids) = &lesson_ids {
        texts = texts.filter(lesson_texts::Column::LessonId.is_in(ids.clone()));
        heads = heads.filter(lesson_audio::Column::LessonId.is_in(ids.clone()));
    }
    let texts: Vec<(i32, i32, String, String, String)> = texts
        .select_only()
        .columns([
            lesson_texts::Column::Id,
            lesson_texts::Column::LessonId,
            lesson_texts::Column::Language,
            lesson_texts::Column::SourceHash,
            lesson_texts::Column::SourcePath,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let heads: Vec<AudioHead> = heads
        .select_only()
        .columns([
            lesson_audio::Column::Id,
            lesson_audio::Column::LessonId,
            lesson_audio::Column::Language,
            lesson_audio::Column::SourceHash,
            lesson_audio::Column::ScriptHash,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let mut audio: HashMap<(i32, String), (i32, String, String)> = heads
        .into_iter()
        .map(|(id, lesson, language, source, script)| ((lesson, language), (id, source, script)))
        .collect();
    let identity = engine.identity();
    for (text_id, lesson_id, language, source_hash, path) in texts {
        let had = audio.remove(&(lesson_id, language.clone()));
        if had
            .as_ref()
            .is_some_and(|(_, source, _)| *source == source_hash)
        {
            continue;
        }
        let Some(text) = lesson_texts::Entity::find_by_id(text_id).one(db).await? else {
            continue;
        };
        let script = script_of(&text);
        let script_hash = script.hash(&identity);
        if let Some((id, _, kept_hash)) = &had
            && *kept_hash == script_hash
        {
            let txn = crate::db::begin_write(db).await?;
            lesson_audio::Entity::update_many()
                .col_expr(lesson_audio::Column::SourceHash, Expr::value(source_hash))
                .filter(lesson_audio::Column::Id.eq(*id))
                .exec(&txn)
                .await?;
            bump(&txn).await?;
            txn.commit().await?;
            report.kept += 1;
            continue;
        }
        let lang: Language = language.parse().unwrap_or(Language::Fi);
        if script.is_empty() {
            continue;
        }
        match speak(engine, lang, &script).await {
            Ok((bytes, duration_ms, cues)) => {
                store(
                    db,
                    lesson_id,
                    &language,
                    &source_hash,
                    &script_hash,
                    bytes,
                    duration_ms,
                    &cues,
                )
                .await?;
                report.made += 1;
            }
            Err(SpeechError::Missing(program)) => {
                tracing::error!(
                    target: "polku::speech",
                    "read aloud is off: the speech engine `{program}` was not found (install espeak-ng, or name another engine with --tts-command); lessons are shown without audio"
                );
                report.engine_missing = true;
                report.failed += 1;
                break;
            }
            Err(err) => {
                tracing::warn!(
                    target: "polku::speech",
                    "read aloud: no audio for {path} ({language}): {err}; the lesson is shown without it"
                );
                report.failed += 1;
            }
        }
    }
    // What is left had no text: a language or lesson removed.
    for (id, _, _) in audio.into_values() {
        lesson_audio::Entity::delete_by_id(id).exec(db).await?;
        report.removed += 1;
    }
    if report.removed > 0 {
        bump(db).await?;
    }
    Ok(report)
}

/// How often [`spawn_worker`] looks for changed content.
const WORKER_PERIOD: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs [`render_pending`] at start and whenever content changes (the
/// course versions the search index follows), for as long as the server
/// runs. One text at a time: the engine never competes with itself for
/// the machine's cores.
pub fn spawn_worker(db: DatabaseConnection, engine: Engine) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut seen: Option<Vec<(i32, String)>> = None;
        loop {
            match crate::search::course_versions(&db).await {
                Ok(mut now) => {
                    now.sort_unstable();
                    if seen.as_ref() != Some(&now) {
                        let started = std::time::Instant::now();
                        match render_pending(&db, &engine).await {
                            Ok(report) => {
                                if report.made + report.failed > 0 {
                                    tracing::info!(
                                        target: "polku::speech",
                                        made = report.made,
                                        kept = report.kept,
                                        failed = report.failed,
                                        "read aloud: audio made for {} lesson texts in {:.1} s",
                                        report.made,
                                        started.elapsed().as_secs_f64()
                                    );
                                }
                                seen = Some(now);
                            }
                            Err(err) => tracing::error!(
                                target: "polku::speech",
                                "read aloud: making audio failed (retrying): {err}"
                            ),
                        }
                    }
                }
                Err(err) => tracing::debug!(target: "polku::speech", "content versions: {err}"),
            }
            tokio::time::sleep(WORKER_PERIOD).await;
        }
    })
}

/// Replaces a text's audio.
#[expect(clippy::too_many_arguments, reason = "one row's columns")]
async fn store(
    db: &DatabaseConnection,
    lesson_id: i32,
    language: &str,
    source_hash: &str,
    script_hash: &str,
    bytes: Vec<u8>,
    duration_ms: u32,
    cues: &[Cue],
) -> Result<(), CoreError> {
    let txn = crate::db::begin_write(db).await?;
    lesson_audio::Entity::delete_many()
        .filter(lesson_audio::Column::LessonId.eq(lesson_id))
        .filter(lesson_audio::Column::Language.eq(language))
        .exec(&txn)
        .await?;
    // The lesson may have been removed meanwhile: then nothing is kept.
    if lessons::Entity::find_by_id(lesson_id)
        .one(&txn)
        .await?
        .is_some()
    {
        lesson_audio::ActiveModel {
            lesson_id: Set(lesson_id),
            language: Set(language.to_owned()),
            source_hash: Set(source_hash.to_owned()),
            script_hash: Set(script_hash.to_owned()),
            content_type: Set(CONTENT_TYPE.to_owned()),
            bytes: Set(bytes),
            duration_ms: Set(i32::try_from(duration_ms).unwrap_or(i32::MAX)),
            cues: Set(serde_json::to_string(cues).unwrap_or_else(|_| "[]".to_owned())),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    // Each lesson's player shows as soon as its audio is there.
    bump(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Counts a change to the audio, for every instance's page cache.
async fn bump(db: &impl ConnectionTrait) -> Result<(), CoreError> {
    crate::db::next_number(db, COUNTER).await?;
    Ok(())
}

/// How many times audio has changed (see [`render_pending`]); 0 before any.
pub async fn changes(db: &impl ConnectionTrait) -> Result<i64, CoreError> {
    Ok(counters::Entity::find_by_id(COUNTER.to_owned())
        .one(db)
        .await?
        .map_or(0, |row| row.value))
}

/// The address of a lesson's audio, named by its version (`?v=`: the
/// first 16 digits of its script hash), so it can be kept for good.
pub fn audio_url(
    course_slug: &str,
    lesson_slug: &str,
    language: &str,
    script_hash: &str,
) -> String {
    format!(
        "/courses/{course_slug}/{lesson_slug}/audio/{language}?v={}",
        &script_hash[..script_hash.len().min(16)]
    )
}

/// The audio of lesson `lesson_id` in `language` made for the text whose
/// source hash is `source_hash` (none once the text changed).
fn made_for(
    lesson_id: i32,
    language: &str,
    source_hash: &str,
) -> sea_orm::Select<lesson_audio::Entity> {
    lesson_audio::Entity::find()
        .filter(lesson_audio::Column::LessonId.eq(lesson_id))
        .filter(lesson_audio::Column::Language.eq(language))
        .filter(lesson_audio::Column::SourceHash.eq(source_hash))
}

/// The audio of a lesson text, when it is made for this very text.
pub async fn current<C: ConnectionTrait>(
    db: &C,
    course_slug: &str,
    lesson_slug: &str,
    text: &lesson_texts::Model,
) -> Result<Option<LessonAudio>, CoreError> {
    let found: Option<(String, i32, String)> =
        made_for(text.lesson_id, &text.language, &text.source_hash)
            .select_only()
            .columns([
                lesson_audio::Column::ContentType,
                lesson_audio::Column::DurationMs,
                lesson_audio::Column::ScriptHash,
            ])
            .into_tuple()
            .one(db)
            .await?;
    Ok(
        found.map(|(content_type, duration_ms, script_hash)| LessonAudio {
            url: audio_url(course_slug, lesson_slug, &text.language, &script_hash),
            content_type,
            duration_ms: u32::try_from(duration_ms).unwrap_or(0),
        }),
    )
}

/// A lesson's audio in `language`, made for its published text.
pub struct Audio {
    /// The MIME type.
    pub content_type: String,
    /// The script hash (an ETag).
    pub script_hash: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// The lesson's id and the source hash of its published text in
/// `language` (not found without such a text).
async fn published<C: ConnectionTrait>(
    db: &C,
    course_slug: &str,
    lesson_slug: &str,
    language: Language,
) -> Result<(i32, String), CoreError> {
    let (course, _) = find_course(db, course_slug).await?;
    let lesson = active_lesson(db, course.id, lesson_slug).await?;
    let source_hash: String = lesson_texts::Entity::find()
        .select_only()
        .column(lesson_texts::Column::SourceHash)
        .filter(lesson_texts::Column::LessonId.eq(lesson.id))
        .filter(lesson_texts::Column::Language.eq(language.code()))
        .into_tuple()
        .one(db)
        .await?
        .ok_or(CoreError::NotFound)?;
    Ok((lesson.id, source_hash))
}

/// The audio of lesson `lesson_slug` in `language`: not found when the
/// lesson has no text in that language or its audio is not made yet.
pub async fn audio<C: ConnectionTrait>(
    db: &C,
    course_slug: &str,
    lesson_slug: &str,
    language: Language,
) -> Result<Audio, CoreError> {
    let (lesson_id, source_hash) = published(db, course_slug, lesson_slug, language).await?;
    let (content_type, script_hash, bytes): (String, String, Vec<u8>) =
        made_for(lesson_id, language.code(), &source_hash)
            .select_only()
            .columns([
                lesson_audio::Column::ContentType,
                lesson_audio::Column::ScriptHash,
                lesson_audio::Column::Bytes,
            ])
            .into_tuple()
            .one(db)
            .await?
            .ok_or(CoreError::NotFound)?;
    Ok(Audio {
        content_type,
        script_hash,
        bytes,
    })
}

/// Where each sentence of lesson `lesson_slug` is heard in its audio in
/// `language`: none while its audio is not made; not found when the
/// lesson has no text in that language.
pub async fn cues<C: ConnectionTrait>(
    db: &C,
    course_slug: &str,
    lesson_slug: &str,
    language: Language,
) -> Result<Vec<Cue>, CoreError> {
    let (lesson_id, source_hash) = published(db, course_slug, lesson_slug, language).await?;
    let cues: Option<String> = made_for(lesson_id, language.code(), &source_hash)
        .select_only()
        .column(lesson_audio::Column::Cues)
        .into_tuple()
        .one(db)
        .await?;
    Ok(cues
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or_default())
}
