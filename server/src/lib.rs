//! The Polku server: configuration, start-up, CLI and the HTTP router.

pub mod backups;
pub mod config;
pub mod mailer;
pub mod routes;
pub mod sweeper;
pub mod telemetry;

use std::net::SocketAddr;
use std::process::ExitCode;

use axum::serve::ListenerExt;
use polku_core::content;
use polku_core::db::DatabaseConnection;

use crate::config::{Command, Config};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Command options that do not go together.
    #[error("{0}")]
    Options(String),
    /// The SMTP settings are not usable.
    #[error("cannot send e-mail: {0}")]
    Mail(String),
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Database(#[from] polku_core::db::OpenError),
    /// Importing content failed at the database.
    #[error("cannot import content: {0}")]
    Import(#[from] polku_core::CoreError),
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// No course has the slug given.
    #[error("no course has the slug \"{0}\"")]
    NoCourse(String),
    /// Writing an export failed.
    #[error("cannot write {}: {source}", path.display())]
    Export {
        /// Where.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The admin account could not be created.
    #[error("cannot create the admin: {0}")]
    Admin(String),
    /// The issuer keys cannot be used.
    #[error(transparent)]
    Keys(#[from] polku_core::badges::KeyringError),
    /// The trust file cannot be used.
    #[error("trusted issuers: {0}")]
    Trust(String),
    /// The speech command cannot be read.
    #[error("--tts-command: {0}")]
    Speech(String),
    /// The search index cannot be used.
    #[error(transparent)]
    Search(#[from] polku_core::search::SearchError),
    /// A backup, restore or copy failed.
    #[error(transparent)]
    Backup(#[from] polku_core::backup::BackupError),
    /// Serving failed.
    #[error("server error: {0}")]
    Serve(std::io::Error),
    /// The Python interpreter could not be compiled.
    #[error(transparent)]
    Sandbox(#[from] polku_sandbox::SandboxError),
}

/// Loads `dir`, logs every problem as `path:line: message`, imports the
/// courses that are fine. Returns the number of problems (a course refused
/// because its slug is another course's counts as one).
pub async fn import_content(
    db: &DatabaseConnection,
    dir: &std::path::Path,
) -> Result<usize, StartError> {
    import_with_progress(db, dir, None, false).await
}

/// Whether `dir` is one course rather than a folder of course folders:
/// it is, unless one of its folders has a `course.toml` (a plain folder's
/// sub-folders are its modules).
fn is_single_course(dir: &std::path::Path) -> bool {
    dir.join("course.toml").is_file()
        || std::fs::read_dir(dir).is_ok_and(|entries| {
            !entries
                .filter_map(Result::ok)
                .any(|e| e.path().join("course.toml").is_file())
        })
}

/// What `polku import [--slug] [--language] [DIR]` chose for DIR, which
/// may then be one course folder (`None` without a DIR: the choices need
/// one).
fn import_single(
    dir: Option<&std::path::Path>,
    slug: Option<String>,
    language: Option<polku_core::Language>,
) -> Result<Option<content::Overrides>, StartError> {
    let overrides = content::Overrides { slug, language };
    if dir.is_none() && overrides != content::Overrides::default() {
        return Err(StartError::Options(
            "--slug and --language are for one course folder: polku import --slug NAME FOLDER"
                .into(),
        ));
    }
    Ok(dir.is_some().then_some(overrides))
}

/// As [`import_content`]; with `single`, `dir` may also be one course
/// folder (then its import summary is printed: every file taken or left
/// out, the language and where it came from), and with `bar` a progress
/// bar is drawn on a terminal.
async fn import_with_progress(
    db: &DatabaseConnection,
    dir: &std::path::Path,
    single: Option<content::Overrides>,
    bar: bool,
) -> Result<usize, StartError> {
    let summary = single.is_some();
    // The server's start-up import counts plain-language advice (it is for
    // authors); `polku import` lists it.
    let (courses, problems, placement) = load_for_import(dir, single, bar)?;
    if summary {
        for course in &courses {
            print_summary(course);
        }
    }
    let lessons: usize = courses.iter().map(|c| c.lessons.len()).sum();
    let progress = if bar {
        indicatif::ProgressBar::new(lessons as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} lessons  {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = polku_core::courses::import_courses_with_progress(
        db,
        &courses,
        placement,
        &mut |done, _| progress.set_position(done as u64),
    )
    .await?;
    progress.finish_and_clear();
    for refusal in &report.refused {
        tracing::warn!(target: "polku::content", "{refusal}");
    }
    tracing::info!(
        courses = courses.len() - report.refused.len(),
        lessons,
        created = report.created,
        updated = report.updated,
        unchanged = report.unchanged,
        refused = report.refused.len(),
        revisions = report.revisions,
        problems = problems.len(),
        "content imported from {}",
        dir.display()
    );
    let pathway_problems = if placement == polku_core::courses::Placement::InOrder {
        import_pathways(db, dir).await?
    } else {
        0
    };
    Ok(failing(&problems) + report.refused.len() + pathway_problems)
}

/// Imports the pathways of a content folder (`pathways.toml`, when it has
/// one), checked against the site's courses as imported; logs every
/// problem and returns how many there were.
async fn import_pathways(
    db: &DatabaseConnection,
    dir: &std::path::Path,
) -> Result<usize, StartError> {
    use polku_core::pathways;
    let Some(loaded) = pathways::load(dir) else {
        return Ok(0);
    };
    let (kept, problems) = checked_pathways(loaded, &pathways::known(db).await?);
    // A file with problems changes nothing: taking the others as the whole
    // list would remove the broken one from the site.
    if problems.is_empty() {
        let list: Vec<_> = kept.into_iter().map(|s| s.pathway).collect();
        let report = pathways::import(db, &list).await?;
        tracing::info!(
            target: "polku::content",
            pathways = list.len(),
            created = report.created,
            updated = report.updated,
            unchanged = report.unchanged,
            removed = report.removed,
            "pathways imported from {}",
            dir.join(pathways::FILE).display()
        );
    }
    Ok(problems.len())
}

/// Pathways read from a file, checked against the courses `known`, every
/// problem logged: those kept and all the problems.
fn checked_pathways(
    (sources, mut problems): (
        Vec<polku_core::pathways::PathwaySource>,
        Vec<content::Problem>,
    ),
    known: &polku_core::pathways::Known,
) -> (
    Vec<polku_core::pathways::PathwaySource>,
    Vec<content::Problem>,
) {
    let (kept, unknown) = polku_core::pathways::check(sources, known);
    problems.extend(unknown);
    for problem in &problems {
        tracing::warn!(target: "polku::content", "{problem}");
    }
    (kept, problems)
}

/// What to import: the courses, the problems found, where they go.
type Loaded = (
    Vec<content::CourseSource>,
    Vec<content::Problem>,
    polku_core::courses::Placement,
);

/// Loads what to import from `dir`: one course folder (with `single`, when
/// it is one) or a folder of courses; logs every problem.
fn load_for_import(
    dir: &std::path::Path,
    single: Option<content::Overrides>,
    list_advice: bool,
) -> Result<Loaded, StartError> {
    use polku_core::courses::Placement;
    let loaded = match single {
        Some(overrides) if polku_core::cartridge::is_cartridge(dir) => {
            let (course, problems) = polku_core::cartridge::load(dir, &overrides);
            (
                course.into_iter().collect::<Vec<_>>(),
                problems,
                Placement::KeepOrAppend,
            )
        }
        Some(overrides) if is_single_course(dir) => {
            let (course, problems) = content::load_course_dir_with(dir, &overrides);
            (
                course.into_iter().collect::<Vec<_>>(),
                problems,
                Placement::KeepOrAppend,
            )
        }
        Some(overrides) if overrides != content::Overrides::default() => {
            return Err(StartError::Options(format!(
                "{} is a folder of course folders: --slug and --language are for one course folder",
                dir.display()
            )));
        }
        _ => {
            let (courses, problems) = content::load_dir(dir);
            (courses, problems, Placement::InOrder)
        }
    };
    let mut advice = 0;
    for problem in &loaded.1 {
        if problem.advice && !list_advice {
            advice += 1;
        } else {
            tracing::warn!(target: "polku::content", "{problem}");
        }
    }
    if advice > 0 {
        tracing::info!(
            target: "polku::content",
            "{advice} plain-language notes for authors in {} (polku import --dry-run lists them)",
            dir.display()
        );
    }
    Ok(loaded)
}

/// The problems that make an import fail: warnings (an image without alt
/// text) do not.
fn failing(problems: &[content::Problem]) -> usize {
    problems.iter().filter(|p| !p.warning).count()
}

/// `polku import --dry-run`: reads `dir` as an import would, prints what
/// would be imported (every course's summary) and every problem, and
/// writes nothing. Returns the number of problems (warnings not counted).
fn import_dry_run(
    dir: &std::path::Path,
    single: Option<content::Overrides>,
) -> Result<usize, StartError> {
    let (courses, mut problems, placement) = load_for_import(dir, single, true)?;
    for course in &courses {
        print_summary(course);
    }
    if placement == polku_core::courses::Placement::InOrder
        && let Some(loaded) = polku_core::pathways::load(dir)
    {
        // Checked against the folder's own courses.
        let known = courses
            .iter()
            .map(|c| {
                (
                    c.slug.clone(),
                    c.badges.iter().map(|b| b.slug.clone()).collect(),
                )
            })
            .collect();
        let (kept, found) = checked_pathways(loaded, &known);
        println!(
            "pathways: {} read from {}",
            kept.len(),
            polku_core::pathways::FILE
        );
        problems.extend(found);
    }
    println!(
        "dry run: {} courses read from {}, nothing written (a slug taken by another course is found only by the import itself)",
        courses.len(),
        dir.display()
    );
    Ok(failing(&problems))
}

/// Prints what `polku import` made of one course folder.
fn print_summary(course: &content::CourseSource) {
    use content::Taken;
    let title = course.texts.first().map_or("", |t| t.title.as_str());
    println!(
        "course \"{title}\" (slug {}) from {}",
        course.slug, course.origin
    );
    match course.language_choice {
        Some(choice) => println!("  language: {choice}"),
        None => println!(
            "  languages: {} (from course.toml)",
            course
                .texts
                .iter()
                .map(|t| t.language.code())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
    println!(
        "  lessons: {}, modules: {}, media files: {}",
        course.lessons.len(),
        course.modules.len(),
        course.media.len()
    );
    println!("  readability (LIX, lower is easier) and plain-language notes:");
    for lesson in &course.lessons {
        let figures: Vec<String> = lesson
            .variants
            .iter()
            .map(|v| {
                let (advice, readability) = v.plain_language();
                format!(
                    "{} {:.0} ({} notes)",
                    v.language.code(),
                    readability.lix,
                    advice.len()
                )
            })
            .collect();
        println!("    {}: {}", lesson.slug, figures.join(", "));
    }
    let left_out = course
        .files
        .iter()
        .filter(|f| matches!(f.taken, Taken::LeftOut(_)))
        .count();
    println!("  files taken: {}", course.files.len() - left_out);
    for note in &course.files {
        match &note.taken {
            Taken::Lesson(slug) => {
                let module = course
                    .lessons
                    .iter()
                    .find(|l| &l.slug == slug)
                    .and_then(|l| l.module.as_deref());
                match module {
                    Some(module) => println!("    {}: lesson {slug} in module {module}", note.path),
                    None => println!("    {}: lesson {slug}", note.path),
                }
            }
            Taken::Media => println!("    {}: media", note.path),
            Taken::Settings => println!("    {}: settings", note.path),
            Taken::LeftOut(_) => {}
        }
    }
    println!("  files left out: {left_out}");
    for note in &course.files {
        if let Taken::LeftOut(reason) = &note.taken {
            println!("    {}: {reason}", note.path);
        }
    }
}

/// Opens the search index of `config` and keeps it current from `db` in
/// the background (the first pass fills a new index; until then searches
/// find less).
pub fn start_search(
    config: &Config,
    db: &DatabaseConnection,
) -> Result<polku_core::search::SearchIndex, StartError> {
    let dir = config.search_dir();
    let index = polku_core::search::SearchIndex::open(&dir)?;
    tracing::info!(
        documents = index.documents(),
        "search index {}",
        dir.display()
    );
    polku_core::search::spawn_sync(index.clone(), db.clone());
    Ok(index)
}

/// The deployment as a badge issuer (its keyring created on first start).
pub fn open_issuer(
    config: &Config,
) -> Result<std::sync::Arc<polku_core::badges::Issuer>, StartError> {
    let path = config.issuer_keys_path();
    let mut issuer = polku_core::badges::Issuer::open(&config.public_url(), &path)?;
    issuer.email_recipients = config.badge_recipient_email;
    tracing::info!(
        did = %issuer.did,
        key = issuer.keyring.current().0,
        "badge issuer keys {}",
        path.display()
    );
    Ok(std::sync::Arc::new(issuer))
}

/// `polku reindex`: rebuilds the search index with a progress bar.
pub(crate) async fn reindex(config: &Config, db: &DatabaseConnection) -> Result<(), StartError> {
    let dir = config.search_dir();
    let index = polku_core::search::SearchIndex::open(&dir)?;
    let started = std::time::Instant::now();
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} courses  {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = index
        .rebuild(db, &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })
        .await?;
    bar.finish_and_clear();
    tracing::info!(
        courses = report.courses,
        documents = report.documents,
        ms = started.elapsed().as_millis() as u64,
        "search index {} rebuilt",
        dir.display()
    );
    Ok(())
}

/// Runs the command the configuration names.
pub async fn run(config: Config) -> Result<ExitCode, StartError> {
    polku_core::dates::set_zone(config.time_zone);
    // A dry run reads files only: no database is opened or created.
    if let Some(Command::Import {
        dir,
        slug,
        language,
        dry_run: true,
    }) = config.command.clone()
    {
        let single = import_single(dir.as_deref(), slug, language)?;
        let dir = dir.unwrap_or_else(|| config.content_dir.clone());
        let problems = import_dry_run(&dir, single)?;
        return Ok(if problems == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    // Compiling the interpreter needs no database.
    if let Some(Command::PrecompilePython { wasm, out }) = &config.command {
        polku_sandbox::precompile(wasm, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    // A restore checks its archive before it opens (and creates) the
    // database.
    if let Some(Command::Restore { archive, force }) = &config.command {
        backups::restore_command(&config, archive, *force).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let db = polku_core::db::open(&config.database_url).await?;
    tracing::info!(database = %redact(&config.database_url), "database ready");
    match config.command.clone().unwrap_or(Command::Serve) {
        Command::Migrate | Command::PrecompilePython { .. } => Ok(ExitCode::SUCCESS),
        Command::Backup { out } => {
            backups::backup_command(&config, &db, &out).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { .. } => Ok(ExitCode::SUCCESS),
        Command::MigrateDb { to, force } => {
            backups::migrate_db_command(&db, &to, force).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Reindex => {
            reindex(&config, &db).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::RotateIssuerKey => {
            let path = config.issuer_keys_path();
            let mut keyring = polku_core::badges::Keyring::open_or_create(&path)?;
            let id = keyring.rotate()?;
            println!(
                "badges are now signed with {}#{id} (older keys stay published); restart the servers",
                polku_core::badges::did_web(&config.public_url())
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            dir,
            slug,
            language,
            ..
        } => {
            let single = import_single(dir.as_deref(), slug, language)?;
            let dir = dir.unwrap_or_else(|| config.content_dir.clone());
            let problems = import_with_progress(&db, &dir, single, true).await?;
            Ok(if problems == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Export {
            course,
            out,
            language,
        } if out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("imscc")) =>
        {
            export_cartridge(&db, &course, &out, language).await
        }
        Command::Export { course, out, .. } => {
            let files = polku_core::courses::export_course(&db, &course)
                .await
                .map_err(|e| match e {
                    polku_core::CoreError::NotFound => StartError::NoCourse(course.clone()),
                    other => other.into(),
                })?;
            let written = if out
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
            {
                let bytes = polku_core::courses::zip(&course, &files)?;
                std::fs::write(&out, bytes).map(|()| out.clone())
            } else {
                let dir = out.join(&course);
                polku_core::courses::write_folder(&dir, &files).map(|()| dir)
            };
            match written {
                Ok(path) => {
                    tracing::info!(
                        files = files.len(),
                        "course {course} exported to {}",
                        path.display()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(source) => Err(StartError::Export { path: out, source }),
            }
        }
        Command::CreateAdmin { username } => {
            let password = match std::env::var("POLKU_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .map_err(|e| StartError::Admin(e.to_string()))?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            polku_core::accounts::ensure_admin(&db, &username, &password)
                .await
                .map_err(|e| match e {
                    polku_core::CoreError::Rejected(code) => {
                        StartError::Admin(code.replace('_', " "))
                    }
                    other => StartError::Import(other),
                })?;
            println!(
                "admin account \"{}\" is ready",
                polku_core::accounts::normalize_username(&username)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve => {
            import_content(&db, &config.content_dir).await?;
            serve(config, db).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `polku export SLUG OUT.imscc`: the course as a Common Cartridge, and
/// what its standard part lacks (kept in its `polku/` copy).
async fn export_cartridge(
    db: &DatabaseConnection,
    course: &str,
    out: &std::path::Path,
    language: Option<polku_core::Language>,
) -> Result<ExitCode, StartError> {
    let (bytes, report) = polku_core::cartridge::export(db, course, language)
        .await
        .map_err(|e| match e {
            polku_core::CoreError::NotFound => StartError::NoCourse(course.to_owned()),
            other => other.into(),
        })?;
    std::fs::write(out, bytes).map_err(|source| StartError::Export {
        path: out.to_path_buf(),
        source,
    })?;
    println!(
        "course {course} written to {} as a Common Cartridge 1.3: {} lessons as pages, {} quiz questions as QTI, in {}",
        out.display(),
        report.lessons,
        report.quizzes,
        report.language.map_or("", |l| l.code())
    );
    if !report.not_in_cc.is_empty() {
        println!(
            "  not in the Common Cartridge part (kept in its polku/ copy, which Polku reads back):"
        );
        for note in &report.not_in_cc {
            println!("    {note}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(config: Config, db: DatabaseConnection) -> Result<(), StartError> {
    let addr = SocketAddr::new(config.host, config.port);
    let search = start_search(&config, &db)?;
    let issuer = open_issuer(&config)?;
    let federation = config.federation().map_err(StartError::Trust)?;
    sweeper::spawn(
        db.clone(),
        sweeper::Days {
            idle: config.session_idle(),
            audit: config.audit_days,
            messages: config.message_retention_days,
        },
    );
    if let Some(schedule) = config.backup_schedule() {
        tracing::info!(
            "a backup is written to {} every {} hours (the newest {} kept)",
            schedule.dir.display(),
            config.backup_hours,
            schedule.keep
        );
        backups::spawn_scheduled(&config, db.clone(), schedule);
    }
    match polku_core::speech::Engine::new(&config.tts_command) {
        Ok(Some(engine)) => {
            tracing::info!(
                "lessons are read aloud by `{}` (audio made in the background)",
                engine.program()
            );
            polku_core::speech::spawn_worker(db.clone(), engine);
        }
        Ok(None) => tracing::info!("read aloud is off (--tts-command off)"),
        Err(err) => return Err(StartError::Speech(err)),
    }
    if let Some(url) = &config.smtp_url {
        let mailer = mailer::Mailer::new(url, &config.smtp_from, &config.public_url())
            .map_err(StartError::Mail)?;
        mailer.spawn(db.clone());
        tracing::info!("notification e-mails go out through the SMTP server");
    }
    let (router, state) = routes::router_and_state(&config, db, search, issuer, federation);
    if state.code.is_on() {
        tracing::info!(
            "learners' programs are checked in the Python sandbox (made in the background)"
        );
        state.code.warm_up();
    } else {
        tracing::info!(
            "programs are not checked here (--python-wasm off, or no interpreter in the site directory)"
        );
    }
    if let Some(addr) = config.metrics_addr {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        tracing::info!("metrics on http://{addr}/metrics");
        let metrics = routes::metrics_router(state);
        tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, metrics).await {
                tracing::error!("metrics listener stopped: {err}");
            }
        });
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?
        // Streamed pages are written in several pieces: without TCP_NODELAY,
        // Nagle's algorithm and delayed ACKs stall each response by ~40 ms.
        .tap_io(|stream| {
            if let Err(err) = stream.set_nodelay(true) {
                tracing::debug!("cannot set TCP_NODELAY: {err}");
            }
        });
    tracing::info!("Polku is listening on http://{addr}");
    // The peer's address reaches handlers as `ConnectInfo` (throttling).
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(StartError::Serve)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// A database URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{}:***@{}", &url[..scheme_end], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://polku:s3cret@db/polku"),
            "postgres://polku:***@db/polku"
        );
        assert_eq!(
            super::redact("sqlite://data/polku.db"),
            "sqlite://data/polku.db"
        );
    }
}
