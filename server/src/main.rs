//! `polku`: the server binary.

use std::process::ExitCode;

use server::config::Config;

/// jemalloc instead of the system allocator: faster for many threads
/// rendering pages at once, and it gives freed memory back (see
/// `.cargo/config.toml` for its settings).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_args(std::env::args_os()) {
        Ok(Ok(config)) => config,
        Ok(Err(help)) => {
            print!("{help}");
            return ExitCode::SUCCESS;
        }
        Err(line) => {
            eprintln!("polku: {line}");
            return ExitCode::from(2);
        }
    };
    let log = server::telemetry::init(config.log_format);
    let result = server::run(config).await;
    // The log's waiting lines are written out before anything else.
    drop(log);
    match result {
        Ok(code) => code,
        Err(err) => {
            // One line on stderr, nothing else: the log would say it twice.
            eprintln!("polku: {}", err.to_string().replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}
