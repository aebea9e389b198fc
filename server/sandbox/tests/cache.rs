//! The compiled interpreter kept in a cache folder: compiled once, then
//! mapped from the file; a damaged copy is compiled again and older
//! copies are removed; when compiling into the folder fails, the sandbox
//! is still made (in memory).
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::path::Path;

use polku_sandbox::{Compiler, Limits, Origin, Outcome, Sandbox, local_interpreter};

fn answers(sandbox: &Sandbox) {
    let run = sandbox.run_now("print(6 * int(input()))", "7\n");
    assert_eq!(run.outcome, Outcome::Exited(0), "{}", run.stderr);
    assert_eq!(run.stdout, "42\n");
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_interpreter_is_compiled_once_then_mapped_from_the_cache() {
    let temp = tempfile::tempdir().unwrap();
    let cache = temp.path().join("polku.sandbox");
    let load = || {
        Sandbox::load_cached(
            &local_interpreter(),
            &cache,
            &Compiler::InProcess,
            Limits::default(),
            1,
        )
        .unwrap()
    };

    let (sandbox, origin) = load();
    assert_eq!(origin, Origin::Compiled);
    answers(&sandbox);
    let kept = files(&cache);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(
        kept[0].starts_with("python-") && kept[0].ends_with(".cwasm"),
        "{kept:?}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&cache).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "the cache folder is the server's own");
    }

    // The next start maps the kept copy; the first sandbox still runs.
    let (second, origin) = load();
    assert_eq!(origin, Origin::Cache);
    answers(&second);
    answers(&sandbox);
    drop((sandbox, second));

    // A damaged copy (and an older interpreter's) is replaced.
    let file = cache.join(&kept[0]);
    let size = std::fs::metadata(&file).unwrap().len();
    std::fs::write(&file, b"\x7fELF not a compiled module").unwrap();
    std::fs::write(cache.join("python-0123456789abcdef-0.cwasm"), b"old").unwrap();
    let (sandbox, origin) = load();
    assert_eq!(origin, Origin::Compiled);
    answers(&sandbox);
    assert_eq!(files(&cache), kept, "one copy, nothing left over");
    assert_eq!(std::fs::metadata(&file).unwrap().len(), size);
}

#[test]
fn a_failing_compiler_leaves_nothing_and_the_sandbox_is_made_in_memory() {
    let temp = tempfile::tempdir().unwrap();
    let cache = temp.path().join("cache");
    let compiler = Compiler::Command {
        program: "false".into(),
        args: Vec::new(),
    };
    let (sandbox, origin) = Sandbox::load_cached(
        &local_interpreter(),
        &cache,
        &compiler,
        Limits::default(),
        1,
    )
    .unwrap();
    assert_eq!(origin, Origin::InMemory);
    answers(&sandbox);
    assert_eq!(files(&cache), Vec::<String>::new(), "no partial file kept");
}
