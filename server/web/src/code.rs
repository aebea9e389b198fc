//! Checking learners' programs for Python exercises: each test of the
//! exercise runs the program in the [`polku_sandbox`] (CPython for WASI in
//! wasmtime, with its limits), and the verdict says, per test, whether it
//! passed and what the program printed or which error stopped it. The
//! browser may run a program first (a convenience); only this verdict is
//! recorded and counts towards badges.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use polku_core::content::quiz::{CodeExercise, CodeTest};
use polku_core::sync::lock;
pub use polku_sandbox::Compiler;
use polku_sandbox::{Limits, Outcome, Run, Sandbox};
use polku_types::courses::{CodeVerdict, RunEnd, TestVerdict};
use tokio::sync::OnceCell;

/// Why a program was not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// This site checks no programs (no interpreter, or it failed to load).
    #[error("programs are not checked on this site")]
    Off,
    /// The learner's previous program is still being checked.
    #[error("a program of this learner is being checked")]
    Busy,
}

/// The site's program checker: the sandbox, made once (compiling the
/// interpreter takes seconds, so it starts in the background when the
/// server starts), and who is being checked now.
#[derive(Clone)]
pub struct CodeChecker {
    interpreter: Option<PathBuf>,
    cache: Option<(PathBuf, Compiler)>,
    sandbox: Arc<OnceCell<Option<Arc<Sandbox>>>>,
    running: Arc<Mutex<HashSet<i32>>>,
}

/// Programs checked at once; the others wait their turn.
const AT_ONCE: usize = 2;
/// The most characters of what a test shows the program printed.
const SHOWN_OUTPUT: usize = 2_000;

impl CodeChecker {
    /// A checker running `interpreter` (a WASI build of CPython); `None`:
    /// programs are not checked.
    pub fn new(interpreter: Option<PathBuf>) -> CodeChecker {
        CodeChecker {
            interpreter,
            cache: None,
            sandbox: Arc::new(OnceCell::new()),
            running: Arc::new(Mutex::new(HashSet::new())),
        }
    }

    /// Keeps the compiled interpreter in `dir`, compiled there by
    /// `compiler` when no usable copy is kept (see
    /// [`Sandbox::load_cached`]); without it, the interpreter is compiled
    /// in memory at each start.
    #[must_use]
    pub fn with_cache(mut self, dir: PathBuf, compiler: Compiler) -> CodeChecker {
        self.cache = Some((dir, compiler));
        self
    }

    /// Starts making the sandbox now, in the background.
    pub fn warm_up(&self) {
        let this = self.clone();
        tokio::spawn(async move {
            this.sandbox().await;
        });
    }

    /// The sandbox, made on first use.
    async fn sandbox(&self) -> Option<Arc<Sandbox>> {
        let path = self.interpreter.clone()?;
        let cache = self.cache.clone();
        self.sandbox
            .get_or_init(|| async move {
                let made = tokio::task::spawn_blocking(move || {
                    let (limits, at_once) = (Limits::default(), AT_ONCE);
                    match &cache {
                        Some((dir, compiler)) => {
                            Sandbox::load_cached(&path, dir, compiler, limits, at_once)
                                .map(|(sandbox, _)| sandbox)
                        }
                        None => Sandbox::load(&path, limits, at_once),
                    }
                    .map_err(|e| e.to_string())
                })
                .await
                .map_err(|e| e.to_string())
                .and_then(|made| made);
                made.map(Arc::new)
                    .inspect_err(
                        |err| tracing::error!(error = %err, "programs will not be checked"),
                    )
                    .ok()
            })
            .await
            .clone()
    }

    /// Whether programs are checked here (the sandbox made, or to be).
    pub fn is_on(&self) -> bool {
        self.interpreter.is_some()
    }

    /// Checks learner `who`'s `program` against `exercise`'s tests; one
    /// program of hers at a time.
    pub async fn check(
        &self,
        who: i32,
        exercise: &CodeExercise,
        program: &str,
    ) -> Result<CodeVerdict, CheckError> {
        let sandbox = self.sandbox().await.ok_or(CheckError::Off)?;
        let _turn = Turn::take(&self.running, who).ok_or(CheckError::Busy)?;
        let mut tests = Vec::new();
        for test in &exercise.shown.tests {
            tests.push(check_one(&sandbox, test, program).await);
        }
        Ok(CodeVerdict {
            passed: !tests.is_empty() && tests.iter().all(|t| t.passed),
            tests,
            earned: None,
        })
    }
}

/// A learner's place among those being checked, given up when dropped.
struct Turn<'a> {
    running: &'a Mutex<HashSet<i32>>,
    who: i32,
}

impl<'a> Turn<'a> {
    fn take(running: &'a Mutex<HashSet<i32>>, who: i32) -> Option<Turn<'a>> {
        let fresh = lock(running).insert(who);
        // Made only when she had no turn, and after the lock is released:
        // a turn given up takes the lock again.
        fresh.then(|| Turn { running, who })
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        lock(self.running).remove(&self.who);
    }
}

async fn check_one(sandbox: &Arc<Sandbox>, test: &CodeTest, program: &str) -> TestVerdict {
    let whole = match &test.code {
        Some(after) => format!("{program}\n\n{after}\n"),
        None => program.to_owned(),
    };
    let mut input = test.input.clone().unwrap_or_default();
    if !input.is_empty() && !input.ends_with('\n') {
        input.push('\n');
    }
    let run = sandbox.run(&whole, &input).await;
    verdict_of(test, &run)
}

/// The verdict on one run of a test.
fn verdict_of(test: &CodeTest, run: &Run) -> TestVerdict {
    let end = match &run.outcome {
        Outcome::Exited(0) => RunEnd::Finished,
        Outcome::Exited(_) => RunEnd::Error,
        Outcome::TimedOut => RunEnd::TimedOut,
        Outcome::OutOfMemory => RunEnd::OutOfMemory,
        Outcome::TooMuchOutput => RunEnd::TooMuchOutput,
        Outcome::StackOverflow => RunEnd::TooDeep,
        Outcome::Crashed(why) => {
            tracing::warn!(why, "a program could not be run");
            RunEnd::NotRun
        }
    };
    let passed = end == RunEnd::Finished
        && test
            .output
            .as_deref()
            .is_none_or(|expected| same_output(&run.stdout, expected));
    let error = (end == RunEnd::Error)
        .then(|| run.stderr.lines().rev().find(|l| !l.trim().is_empty()))
        .flatten()
        .map(|line| line.trim().chars().take(300).collect());
    TestVerdict {
        passed,
        end,
        printed: run.stdout.chars().take(SHOWN_OUTPUT).collect(),
        error,
    }
}

/// Whether `printed` is `expected`, line by line, not counting spaces at
/// the ends of lines or empty lines at the end.
fn same_output(printed: &str, expected: &str) -> bool {
    let lines = |text: &str| -> Vec<String> {
        let mut lines: Vec<String> = text.lines().map(|l| l.trim_end().to_owned()).collect();
        while lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        lines
    };
    lines(printed) == lines(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_compared_line_by_line() {
        assert!(same_output("Hei, Aino!  \n\n", "Hei, Aino!"));
        assert!(same_output("1\n2\n", "1\n2"));
        assert!(!same_output("1\n2\n", "1 2"));
        assert!(!same_output("hei, aino!", "Hei, Aino!"));
        assert!(!same_output("", "x"));
    }
}
