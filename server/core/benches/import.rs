//! Import speed on a generated corpus: N lessons (default 10 000, set
//! `POLKU_BENCH_LESSONS`) in courses of 100, each lesson with front matter,
//! headings, paragraphs, a list, a callout, an exercise and a quiz. Prints
//! lessons/s for loading (read + parse + render + sanitise) and for writing
//! into a fresh SQLite file, then the time of an unchanged re-import.
//!
//! Run: `cargo bench -p polku-core --bench import`
#![expect(clippy::expect_used, reason = "a bench fails loudly")]

use std::fmt::Write as _;
use std::time::Instant;

use polku_core::content::load_dir;
use polku_core::courses::import_courses;

/// The server's allocator (server/src/main.rs), so the figures are the
/// server's.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn lesson(course: usize, n: usize) -> String {
    let mut text = String::new();
    let _ = write!(
        text,
        "+++\ntitle = \"Oppitunti {n} kurssilla {course}\"\nminutes = 15\nobjectives = [\"Osaat asian {n}\", \"Tiedät, miksi se on tärkeää\"]\n+++\n\n"
    );
    for section in 0..4 {
        let _ = write!(
            text,
            "## Osa {section}: työnhaku verkossa\n\nTyöpaikkailmoitukset löytyvät Työmarkkinatorilta. Lue ilmoitus huolellisesti ja **kirjoita** hakemus, joka vastaa juuri sitä paikkaa. Katso myös [ohjeet](https://tyomarkkinatori.fi).\n\n- Tallenna haku\n- Tilaa hakuvahti\n- Tarkista sähköposti päivittäin\n\nLyhyet lauseet ovat helppoja lukea. Yksi asia kappaleessa riittää.\n\n"
        );
    }
    text.push_str("> [!TIP]\n> Kirjoita osoite itse äläkä klikkaa linkkiä.\n\n");
    text.push_str("```exercise\ntask = \"Avaa selain ja etsi kolme ilmoitusta.\"\ncheck = [\"Löysit kolme ilmoitusta\", \"Tallensit haun\"]\n```\n\n");
    text.push_str("```quiz\nquestion = \"Mistä löydät julkiset työpaikkailmoitukset?\"\ntype = \"single\"\n[[options]]\ntext = \"Työmarkkinatorilta\"\ncorrect = true\nfeedback = \"Oikein!\"\n[[options]]\ntext = \"Lehden sääsivulta\"\nfeedback = \"Ei sieltä.\"\n```\n");
    text
}

fn main() {
    let lessons: usize = std::env::var("POLKU_BENCH_LESSONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let per_course = 100;
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("content");
    let mut bytes = 0usize;
    for course in 0..lessons.div_ceil(per_course) {
        let folder = root.join(format!("course-{course:04}"));
        std::fs::create_dir_all(&folder).expect("course folder");
        std::fs::write(
            folder.join("course.toml"),
            format!("default_language = \"fi\"\nlevel = \"beginner\"\nhours = 10\n[title]\nfi = \"Kurssi {course}\"\n"),
        )
        .expect("course.toml");
        for n in 0..per_course.min(lessons - course * per_course) {
            let text = lesson(course, n);
            bytes += text.len();
            std::fs::write(folder.join(format!("{:03}-lesson-{n}.md", n + 1)), text)
                .expect("lesson");
        }
    }
    println!(
        "corpus: {lessons} lessons, {:.1} MiB of Markdown",
        bytes as f64 / 1048576.0
    );

    let started = Instant::now();
    let (sources, mut problems) = load_dir(&root);
    let load = started.elapsed();
    // Plain-language advice on generated sentences is beside the point here.
    problems.retain(|problem| !problem.advice);
    assert!(
        problems.is_empty(),
        "{:?}",
        &problems[..problems.len().min(3)]
    );
    let loaded: usize = sources.iter().map(|c| c.lessons.len()).sum();
    assert_eq!(loaded, lessons);
    println!(
        "load (read, parse, render, sanitise): {:.2} s, {:.0} lessons/s",
        load.as_secs_f64(),
        lessons as f64 / load.as_secs_f64()
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let db = polku_core::db::open(&url).await.expect("database");
        let started = Instant::now();
        let report = import_courses(&db, &sources).await.expect("import");
        let write = started.elapsed();
        assert_eq!(report.revisions, lessons);
        println!(
            "write into SQLite (new revisions, synchronous=FULL): {:.2} s, {:.0} lessons/s",
            write.as_secs_f64(),
            lessons as f64 / write.as_secs_f64()
        );
        println!(
            "load + write: {:.0} lessons/s",
            lessons as f64 / (load + write).as_secs_f64()
        );
        let started = Instant::now();
        let report = import_courses(&db, &sources).await.expect("re-import");
        assert_eq!(report.unchanged, sources.len());
        println!(
            "unchanged re-import (hash check only): {:.3} s",
            started.elapsed().as_secs_f64()
        );
    });
}
