//! The Polku server: configuration, start-up, CLI and the HTTP router.

pub mod config;
pub mod routes;
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
    /// Serving failed.
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// Loads `dir`, logs every problem as `path:line: message`, imports the
/// courses that are fine. Returns the number of problems.
pub async fn import_content(
    db: &DatabaseConnection,
    dir: &std::path::Path,
) -> Result<usize, StartError> {
    let (courses, problems) = content::load_dir(dir);
    for problem in &problems {
        tracing::warn!(target: "polku::content", "{problem}");
    }
    let lessons: usize = courses.iter().map(|c| c.lessons.len()).sum();
    let report = polku_core::courses::import_courses(db, &courses).await?;
    tracing::info!(
        courses = courses.len(),
        lessons,
        created = report.created,
        updated = report.updated,
        unchanged = report.unchanged,
        problems = problems.len(),
        "content imported from {}",
        dir.display()
    );
    Ok(problems.len())
}

/// Runs the command the configuration names.
pub async fn run(config: Config) -> Result<ExitCode, StartError> {
    let db = polku_core::db::open(&config.database_url).await?;
    tracing::info!(database = %redact(&config.database_url), "database ready");
    match config.command.clone().unwrap_or(Command::Serve) {
        Command::Migrate => Ok(ExitCode::SUCCESS),
        Command::Import => {
            let problems = import_content(&db, &config.content_dir).await?;
            Ok(if problems == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Serve => {
            import_content(&db, &config.content_dir).await?;
            serve(config, db).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn serve(config: Config, db: DatabaseConnection) -> Result<(), StartError> {
    let addr = SocketAddr::new(config.host, config.port);
    let router = routes::router(&config, db);
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
    axum::serve(listener, router)
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
