//! Structured logs with `tracing`; `RUST_LOG` filters (default `info`).
//!
//! Lines go to stderr through a writer thread: a request hands its access
//! log line over and goes on, and the thread writes whatever lines have
//! come in, in one `write` when several have. Written one by one on the
//! request's own thread, the line cost 13 % of the server's CPU on a kept
//! lesson page (the `write` alone 8.5 %; `perf` under wrk, 2026-12-07).
//! The hand-over blocks rather than drops a line when [`LINES_WAITING`]
//! are waiting, and [`LogGuard`] writes out the rest when the server
//! stops.

use std::io::IsTerminal as _;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Lines that may wait for the writer thread. The queue is allocated
/// whole at start (32 bytes a line: tracing-appender's default of 128 000
/// held 4 MiB of an idle server's heap); the thread writes far more lines
/// a second than the server answers requests.
const LINES_WAITING: usize = 4_096;

/// Keep until the process ends: dropping it writes out the lines still
/// waiting.
#[must_use = "the log's last lines are written when this is dropped"]
pub struct LogGuard {
    _worker: WorkerGuard,
}

/// Installs the global subscriber.
pub fn init(format: LogFormat) -> LogGuard {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(LINES_WAITING)
        .thread_name("polku-log")
        .finish(std::io::BufWriter::new(std::io::stderr()));
    // Colours only on a terminal: not in a journal, a container's log or
    // a file.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(writer);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
    LogGuard { _worker: guard }
}
