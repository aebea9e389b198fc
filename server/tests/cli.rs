//! The binary's behaviour on bad configuration and bad content: one clear
//! line and a non-zero exit, or problems reported as `path:line: message`.

use std::process::Command;

fn polku() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_polku"));
    command
        .env_remove("POLKU_DATABASE_URL")
        .env_remove("POLKU_PORT")
        .env_remove("RUST_LOG");
    command
}

#[test]
fn a_bad_config_value_exits_with_one_clear_line() {
    let output = polku().env("POLKU_PORT", "abc").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("polku: invalid value 'abc' for '--port <PORT>'"),
        "{stderr}"
    );
}

#[test]
fn an_unreachable_database_exits_with_one_clear_line() {
    let output = polku()
        .args([
            "--database-url",
            "postgres://polku@127.0.0.1:1/polku",
            "migrate",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    // With the default log level: nothing but the one line.
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("polku: cannot connect to the database"),
        "{stderr}"
    );

    let output = polku()
        .args(["--database-url", "mysql://x@localhost/db", "migrate"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("polku: unsupported database URL"));
}

#[test]
fn import_reports_each_problem_with_file_and_line_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = &format!(
        "{}/../server/core/tests/fixtures/invalid",
        std::env::var("CARGO_MANIFEST_DIR").unwrap()
    );
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    let output = polku()
        .args(["--database-url", &url, "--content-dir", fixtures, "import"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "problems make `import` fail");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("mixed/02-bad-minutes.md:3: "), "{stderr}");
    assert!(stderr.contains("bad-manifest/course.toml:4: "), "{stderr}");
    assert!(stderr.contains("mixed/03-unclosed.md:1: "), "{stderr}");
}

#[test]
fn import_one_course_folder_then_export_it_as_folder_and_zip() {
    let dir = tempfile::tempdir().unwrap();
    let course = &format!(
        "{}/../server/core/tests/fixtures/valid/first-course",
        std::env::var("CARGO_MANIFEST_DIR").unwrap()
    );
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    let output = polku()
        .args(["--database-url", &url, "import", course])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");

    let out = dir.path().join("export");
    let output = polku()
        .args(["--database-url", &url, "export", "first-course"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    for file in [
        "course.toml",
        "01-welcome.md",
        "01-welcome.en.md",
        "02-no-front-matter.md",
        "03-more/module.toml",
        "03-more/01-rich.md",
        "media/pic.png",
    ] {
        assert!(out.join("first-course").join(file).is_file(), "{file}");
    }

    let zip = dir.path().join("course.zip");
    let output = polku()
        .args(["--database-url", &url, "export", "first-course"])
        .arg(&zip)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let bytes = std::fs::read(&zip).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "not a zip file");

    let output = polku()
        .args(["--database-url", &url, "export", "no-such-course"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.lines().last(),
        Some("polku: no course has the slug \"no-such-course\"")
    );
}

#[test]
fn reindex_rebuilds_the_search_index_and_refuses_a_busy_folder() {
    let dir = tempfile::tempdir().unwrap();
    let course = &format!(
        "{}/../server/core/tests/fixtures/search/turvallisuus",
        std::env::var("CARGO_MANIFEST_DIR").unwrap()
    );
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    let index = dir.path().join("index");
    let output = polku()
        .args(["--database-url", &url, "import", course])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let output = polku()
        .args(["--database-url", &url, "--search-index"])
        .arg(&index)
        .arg("reindex")
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let log = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("rebuilt"), "{log}");
    // Six lesson texts (three languages of one lesson, two Finnish-only
    // lessons, one in English).
    let held = polku_core::search::SearchIndex::open(&index).unwrap();
    assert_eq!(held.documents(), 6);

    // Another process holding the folder: one clear line, exit 1.
    let output = polku()
        .args(["--database-url", &url, "--search-index"])
        .arg(&index)
        .arg("reindex")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("in use by another Polku process"),
        "{stderr}"
    );
}

#[test]
fn rotate_issuer_key_adds_a_key_and_keeps_the_old_one() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    let keys = dir.path().join("keys.json");
    for expected in ["key-2", "key-3"] {
        let output = polku()
            .args(["--database-url", &url, "--issuer-keys"])
            .arg(&keys)
            .args([
                "--public-url",
                "https://polku.example/",
                "rotate-issuer-key",
            ])
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            stdout.contains(&format!("did:web:polku.example#{expected}")),
            "{stdout}"
        );
    }
    let mode = std::fs::metadata(&keys).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let ring = polku_core::badges::Keyring::open_or_create(&keys).unwrap();
    assert_eq!(ring.public_keys().len(), 3);
    assert_eq!(ring.current().0, "key-3");
}

#[test]
fn importing_a_repository_prints_every_file_and_refuses_a_taken_slug() {
    let dir = tempfile::tempdir().unwrap();
    let repos = format!(
        "{}/../server/core/tests/fixtures/repos",
        std::env::var("CARGO_MANIFEST_DIR").unwrap()
    );
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    let output = polku()
        .args(["--database-url", &url, "import"])
        .arg(format!("{repos}/python-mooc/data"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    for line in [
        "course \"Introduction to Programming\" (slug introduction-to-programming) from ",
        "  language: en (detected from the text, ",
        "  lessons: 9, modules: 3, media files: 1",
        "    data/part-1/extra/deep-dive.md: lesson deep-dive in module part-1",
        "    data/part-1/img/hello.png: media",
        "  files left out: 3",
        "    data/config.yml: not a lesson (.md) or a media file",
        "    data/.github: hidden (its name starts with . or _)",
    ] {
        assert!(stdout.contains(line), "{line:?} not in:\n{stdout}");
    }

    // Two folders named alike: the second is refused (exit 1), naming both.
    let first = format!("{repos}/a/kurssi");
    let second = format!("{repos}/b/kurssi");
    let output = polku()
        .args(["--database-url", &url, "import", &first])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let output = polku()
        .args(["--database-url", &url, "import", &second])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("a/kurssi") && stderr.contains("b/kurssi") && stderr.contains("--slug"),
        "{stderr}"
    );
    // --slug and --language choose.
    let output = polku()
        .args([
            "--database-url",
            &url,
            "import",
            "--slug",
            "kurssi-sv",
            "--language",
            "sv",
            &second,
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("(slug kurssi-sv)")
            && stdout.contains("language: sv (given with --language)"),
        "{stdout}"
    );
    // A folder whose sub-folders hold Markdown (and no course.toml) is
    // one course with modules, not a folder of courses.
    let output = polku()
        .args(["--database-url", &url, "import"])
        .arg(format!("{repos}/python-mooc"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("(slug python-mooc)") && stdout.contains("lessons: 9, modules: 1,"),
        "{stdout}"
    );
    // A dry run prints the same and writes nothing, not even a database.
    let untouched = dir.path().join("untouched.db");
    let output = polku()
        .args(["--database-url"])
        .arg(format!("sqlite://{}", untouched.display()))
        .args(["import", "--dry-run"])
        .arg(format!("{repos}/shell-novice/episodes"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("course \"The Unix Shell\" (slug the-unix-shell)")
            && stdout.contains("dry run: 1 courses read from"),
        "{stdout}"
    );
    assert!(!untouched.exists(), "a dry run created the database");
    // They are for one course folder.
    let output = polku()
        .args(["--database-url", &url, "import", "--slug", "x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("for one course folder"));
}

#[test]
fn backup_then_restore_on_a_new_machine_and_refuse_to_overwrite() {
    let old = tempfile::tempdir().unwrap();
    let new = tempfile::tempdir().unwrap();
    let course = &format!(
        "{}/../server/core/tests/fixtures/valid",
        std::env::var("CARGO_MANIFEST_DIR").unwrap()
    );
    let old_url = format!("sqlite://{}", old.path().join("polku.db").display());
    let new_url = format!("sqlite://{}", new.path().join("polku.db").display());
    let archive = old.path().join("backup.zip");
    let public = ["--public-url", "https://polku.example"];
    let run = |url: &str, args: &[&str]| {
        polku()
            .args(["--database-url", url, "--content-dir", course])
            .args(public)
            .args(args)
            .output()
            .unwrap()
    };
    let imported = run(&old_url, &["import"]);
    assert!(imported.status.success());
    // The key file is created on first start; rotating creates it too.
    assert!(run(&old_url, &["rotate-issuer-key"]).status.success());
    let written = run(&old_url, &["backup", archive.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&written.stdout);
    assert!(written.status.success(), "{stdout}");
    assert!(
        stdout.contains("(keys included)") && stdout.contains("keep it where only you can read it"),
        "{stdout}"
    );

    let restored = run(&new_url, &["restore", archive.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&restored.stdout);
    assert!(
        restored.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert!(
        stdout.contains("restored") && stdout.contains("issuer keys written"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read(old.path().join("polku.issuer-keys.json")).unwrap(),
        std::fs::read(new.path().join("polku.issuer-keys.json")).unwrap()
    );

    // A second restore into the same place is refused with one line.
    let again = run(&new_url, &["restore", archive.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("--force"), "{stderr}");
    assert!(
        run(&new_url, &["restore", "--force", archive.to_str().unwrap()])
            .status
            .success()
    );

    // A damaged archive: refused before a database is even created. The
    // byte flipped is in the middle of the largest file's compressed data
    // (the middle of the archive may be a header field that readers
    // ignore, such as a modification time: nothing damaged).
    let damaged = old.path().join("damaged.zip");
    let mut bytes = std::fs::read(&archive).unwrap();
    let middle = {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let (size, start) = (0..zip.len())
            .map(|i| {
                let file = zip.by_index_raw(i).unwrap();
                (file.compressed_size(), file.data_start().unwrap())
            })
            .max()
            .unwrap();
        usize::try_from(start + size / 2).unwrap()
    };
    bytes[middle] ^= 0xff;
    std::fs::write(&damaged, bytes).unwrap();
    let fresh = format!("sqlite://{}", new.path().join("fresh.db").display());
    let refused = run(&fresh, &["restore", damaged.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("damaged") || stderr.contains("not a Polku backup"),
        "{stderr}"
    );
    assert!(!new.path().join("fresh.db").exists());

    // migrate-db copies into another database.
    let copy = format!("sqlite://{}", new.path().join("copy.db").display());
    let copied = run(&old_url, &["migrate-db", "--to", &copy]);
    assert!(copied.status.success());
    assert!(String::from_utf8_lossy(&copied.stdout).contains("copied"));
}

#[test]
fn the_server_writes_scheduled_backups_and_keeps_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let backups = dir.path().join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    // Older backups than --backup-keep allows: the oldest go.
    for day in 1..=3 {
        std::fs::write(
            backups.join(format!("polku-backup-2026010{day}T030000Z.zip")),
            b"old",
        )
        .unwrap();
    }
    let content = format!(
        "{}/../server/core/tests/fixtures/valid",
        std::env::var("CARGO_MANIFEST_DIR").unwrap()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    let mut server = polku()
        .args([
            "--database-url",
            &url,
            "--content-dir",
            &content,
            "--port",
            &port,
        ])
        .args([
            "--backup-dir",
            backups.to_str().unwrap(),
            "--backup-keep",
            "2",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let listed = || {
        let mut names: Vec<String> = std::fs::read_dir(&backups)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    // The newest one there is months old: one is written at start.
    let mut names = listed();
    for _ in 0..600 {
        if names.len() == 2 && !names.iter().any(|n| n.contains("20260102")) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        names = listed();
    }
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0], "polku-backup-20260103T030000Z.zip");
    let fresh = backups.join(&names[1]);
    assert!(names[1].starts_with("polku-backup-2026") && names[1] != names[0]);
    // It is a whole backup that a restore accepts.
    let restored = dir.path().join("restored.db");
    let output = polku()
        .args([
            "--database-url",
            &format!("sqlite://{}", restored.display()),
            "--issuer-keys",
            dir.path().join("restored-keys.json").to_str().unwrap(),
            "restore",
            fresh.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_python_interpreter_is_compiled_in_a_child_process_and_kept() {
    let temp = tempfile::tempdir().unwrap();
    let cache = temp.path().join("polku.sandbox");
    let wasm = polku_sandbox::local_interpreter();
    // What the server does at its first start: this binary compiles.
    let compiler = polku_sandbox::Compiler::Command {
        program: env!("CARGO_BIN_EXE_polku").into(),
        args: vec!["precompile-python".into()],
    };
    let limits = polku_sandbox::Limits::default();
    let (sandbox, origin) =
        polku_sandbox::Sandbox::load_cached(&wasm, &cache, &compiler, limits, 1).unwrap();
    assert_eq!(origin, polku_sandbox::Origin::Compiled);
    let run = sandbox.run_now("print(sum(range(10)))", "");
    assert_eq!(run.stdout, "45\n", "{}", run.stderr);
    // The next start maps it.
    let (_, origin) =
        polku_sandbox::Sandbox::load_cached(&wasm, &cache, &compiler, limits, 1).unwrap();
    assert_eq!(origin, polku_sandbox::Origin::Cache);

    // A file that is not an interpreter: one clear line.
    let bad = temp.path().join("bad.wasm");
    std::fs::write(&bad, b"not wasm").unwrap();
    let output = polku()
        .args(["precompile-python"])
        .arg(&bad)
        .arg(temp.path().join("out.cwasm"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("polku: cannot prepare the Python interpreter"),
        "{stderr}"
    );
}

#[test]
fn a_course_goes_out_as_a_common_cartridge_and_a_canvas_cartridge_comes_in() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = format!(
        "{}/../server/core/tests/fixtures",
        std::env::var("CARGO_MANIFEST_DIR").unwrap()
    );
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    let output = polku()
        .args(["--database-url", &url, "import"])
        .arg(format!("{fixtures}/valid/first-course"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");

    // Out, in English: what the standard part lacks is said.
    let cartridge = dir.path().join("first-course.imscc");
    let output = polku()
        .args([
            "--database-url",
            &url,
            "export",
            "first-course",
            "--language",
            "en",
        ])
        .arg(&cartridge)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("as a Common Cartridge 1.3") && stdout.contains("in en"),
        "{stdout}"
    );
    assert!(stdout.contains("no en text; written in fi"), "{stdout}");

    // In again, into another site: the summary names every file.
    let other = format!("sqlite://{}", dir.path().join("other.db").display());
    let output = polku()
        .args(["--database-url", &other, "import"])
        .arg(&cartridge)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("course \"Ensimmäinen kurssi\" (slug first-course)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("imsmanifest.xml: the Common Cartridge view"),
        "{stdout}"
    );

    // A Canvas export: its language detected and said, what is left out
    // listed with the reason.
    let output = polku()
        .args(["--database-url", &other, "import", "--dry-run"])
        .arg(format!("{fixtures}/cartridges/canvas/grouptest.zip"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("(slug questiongroupcourse) from cartridge"),
        "{stdout}"
    );
    assert!(
        stdout.contains("g6a3ef7b3c7ee48cbc9df1d0d8012167a/assessment_qti.xml: lesson grouped-questions in module md-1"),
        "{stdout}"
    );
    assert!(
        stdout.contains("a question of the type cc.essay.v0p1"),
        "{stdout}"
    );

    // A hostile one: one clear line, status 1, nothing imported.
    let bad = dir.path().join("bad.imscc");
    std::fs::write(&bad, b"not a zip").unwrap();
    let output = polku()
        .args(["--database-url", &other, "import"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("bad.imscc: not a zip archive"), "{stderr}");
}
