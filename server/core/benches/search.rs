//! Search speed on a generated corpus: N lessons (default 10 000, set
//! `POLKU_BENCH_LESSONS`) in courses of 100, Finnish with a Swedish and an
//! English variant for every third lesson. The text comes from a seeded
//! generator: a few thousand pseudo-words plus real Finnish, Swedish and
//! English words (inflected forms, compounds, a rare word), so the index
//! has a realistic vocabulary. Prints, in one run on the same data:
//!
//! * the tantivy index: build time (the median of `POLKU_BENCH_BUILDS`,
//!   default 3), size on disk, query latency p50/p99
//!   (`POLKU_BENCH_QUERIES` queries, default 2000, round-robin over a fixed
//!   list of query kinds) and search-as-you-type latency;
//! * the SQL baseline: an SQLite FTS5 table over `lesson_texts` (build
//!   time, size, latency) and a `LIKE '%word%'` scan, with per-query hit
//!   counts next to tantivy's (neither stems nor tolerates typos).
//!
//! `POLKU_BENCH_COPIES=N` takes real text instead: the courses of
//! `content/` copied N times (the queries are then the same generated
//! words, so their figures mean less; the build's are the point).
//!
//! `POLKU_BENCH_KEEP=<folder>` writes the content to `<folder>/content` and
//! keeps it (`scripts/bench-search.sh` serves it over HTTP).
//!
//! Run: `cargo bench -p polku-core --bench search`
#![expect(clippy::expect_used, reason = "a bench fails loudly")]

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use polku_core::Language;
use polku_core::content::load_dir;
use polku_core::courses::import_courses;
use polku_core::search::{Scope, SearchIndex, SearchRequest};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value};

/// The server's allocator (server/src/main.rs), so the figures are the
/// server's.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Lessons per generated course.
const PER_COURSE: usize = 100;
/// Every this many lessons has a Swedish and an English variant.
const VARIANT_EVERY: usize = 3;
/// Pseudo-words in the vocabulary.
const PSEUDO_WORDS: usize = 3000;
/// Body words per lesson file (about).
const BODY_WORDS: usize = 300;
/// At most this many `LIKE` scans (each may read the whole table)…
const MAX_LIKE_RUNS: usize = 500;
/// …and after one round of every word, no longer than this.
const LIKE_BUDGET: Duration = Duration::from_secs(60);
/// A word that occurs in about one lesson in a thousand.
const RARE: &str = "kvanttitietokone";

const FI_WORDS: &[&str] = &[
    "salasana",
    "salasanan",
    "salasanaa",
    "salasanat",
    "salasanoja",
    "vahva",
    "työttömyysturva",
    "työttömyysturvan",
    "tietoturva",
    "tietoturvan",
    "ansioluettelo",
    "ansioluettelon",
    "sähköposti",
    "sähköpostin",
    "sähköpostiin",
    "työhakemus",
    "työhakemuksen",
    "työnhaku",
    "verkkopankki",
    "verkkopankin",
    "huijaus",
    "huijausviesti",
    "selain",
    "selaimen",
    "kirjautuminen",
    "tunnistautuminen",
    "työpaikka",
    "työpaikkailmoitus",
    "työmarkkinatori",
    "hakemus",
    "haastattelu",
    "haastatteluun",
    "palkka",
    "puhelin",
    "kalenteri",
    "tiedosto",
];
const SV_WORDS: &[&str] = &[
    "lösenord",
    "lösenordet",
    "lösenorden",
    "starkt",
    "webbläsare",
    "webbläsaren",
    "e-post",
    "ersättningen",
    "meritförteckning",
    "ansökan",
    "ansökningar",
    "nätfiske",
    "säkerhet",
    "inloggning",
    "arbetsförmedlingen",
    "nätbank",
    "jobbsökning",
    "intervju",
    "lön",
    "telefon",
    "kalender",
    "fil",
];
const EN_WORDS: &[&str] = &[
    "password",
    "passwords",
    "strong",
    "phishing",
    "browser",
    "browsers",
    "email",
    "resume",
    "application",
    "applications",
    "unemployment",
    "benefit",
    "security",
    "login",
    "bank",
    "job",
    "search",
    "scam",
    "interview",
    "salary",
    "phone",
    "calendar",
    "file",
];

/// What is searched: (kind, text).
const QUERIES: &[(&str, &str)] = &[
    ("fi inflected", "salasanan"),
    ("fi inflected", "sähköpostiin"),
    ("en word", "password"),
    ("en word", "browser"),
    ("sv word", "lösenordet"),
    ("two words", "vahva salasana"),
    ("two words", "työhakemus haastattelu"),
    ("typo", "pasword"),
    ("typo", "salasnaa"),
    ("phrase", "\"vahva salasana\""),
    ("compound part", "turva"),
    ("rare word", RARE),
    ("no match", "xylofoni"),
];
/// Search-as-you-type: unfinished words.
const SUGGEST: &[&str] = &["salas", "työttö", "passw", "lösen", "sähköpo"];

/// xorshift64*: deterministic, good enough for text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A skewed pick from `0..n`: low indexes are much more common.
    fn zipf(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u * u) * n as f64) as usize % n
    }
}

fn pseudo_words(rng: &mut Rng) -> Vec<String> {
    const SYLLABLES: &[&str] = &[
        "ka", "ke", "ki", "ko", "ku", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "mu",
        "na", "ne", "ni", "no", "nu", "pa", "pe", "pi", "po", "ra", "re", "ri", "ro", "sa", "se",
        "si", "so", "su", "ta", "te", "ti", "to", "tu", "va", "ve", "vi", "ty", "ly", "sä", "tä",
        "vä", "kö", "lö", "ai", "ei", "oi", "uu", "aa", "hy", "jo", "ja",
    ];
    const ENDINGS: &[&str] = &["", "", "", "n", "t", "s", "l", "k", "nen"];
    let real: HashSet<&str> = FI_WORDS
        .iter()
        .chain(SV_WORDS)
        .chain(EN_WORDS)
        .chain(QUERIES.iter().map(|(_, q)| q))
        .copied()
        .collect();
    let mut seen = HashSet::new();
    let mut words = Vec::with_capacity(PSEUDO_WORDS);
    while words.len() < PSEUDO_WORDS {
        let mut word = String::new();
        for _ in 0..2 + rng.below(3) {
            word.push_str(SYLLABLES[rng.below(SYLLABLES.len())]);
        }
        word.push_str(ENDINGS[rng.below(ENDINGS.len())]);
        if !real.contains(word.as_str()) && seen.insert(word.clone()) {
            words.push(word);
        }
    }
    words
}

/// Writes lesson text in one language.
struct Writer<'a> {
    rng: Rng,
    pseudo: &'a [String],
    real: &'a [&'a str],
    /// This lesson's subject: real words it repeats.
    topic: Vec<&'a str>,
    finnish: bool,
}

impl Writer<'_> {
    fn word(&mut self) -> String {
        let roll = self.rng.unit();
        if roll < 0.06 {
            self.topic[self.rng.below(self.topic.len())].to_owned()
        } else if roll < 0.063 {
            self.real[self.rng.below(self.real.len())].to_owned()
        } else if self.finnish && roll < 0.064 {
            "vahva salasana".to_owned()
        } else {
            self.pseudo[self.rng.zipf(self.pseudo.len())].clone()
        }
    }

    fn words(&mut self, n: usize) -> String {
        let mut out = String::new();
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&self.word());
        }
        capitalise(&out)
    }

    /// From `min` to `max` words.
    fn words_between(&mut self, min: usize, max: usize) -> String {
        let n = min + self.rng.below(max - min + 1);
        self.words(n)
    }

    fn lesson(&mut self, rare: bool) -> String {
        let title = self.words_between(2, 5);
        let mut text = format!("+++\ntitle = \"{title}\"\nminutes = 10\n+++\n\n");
        let sections = 3 + self.rng.below(3);
        let mut rare = rare;
        for _ in 0..sections {
            let _ = write!(text, "## {}\n\n", self.words_between(2, 4));
            let mut written = 0;
            while written < BODY_WORDS / sections {
                for _ in 0..3 + self.rng.below(3) {
                    let n = 6 + self.rng.below(9);
                    text.push_str(&self.words(n));
                    if rare {
                        text.push(' ');
                        text.push_str(RARE);
                        rare = false;
                    }
                    text.push_str(". ");
                    written += n;
                }
                text.push_str("\n\n");
            }
        }
        text
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Writes the content folder; returns (files, bytes).
fn generate(root: &Path, lessons: usize) -> (usize, usize) {
    let mut rng = Rng(0x5EED_0F5E_A2C4);
    let pseudo = pseudo_words(&mut rng);
    let (mut files, mut bytes) = (0, 0);
    for course in 0..lessons.div_ceil(PER_COURSE) {
        let folder = root.join(format!("course-{course:04}"));
        std::fs::create_dir_all(&folder).expect("course folder");
        std::fs::write(
            folder.join("course.toml"),
            format!(
                "default_language = \"fi\"\nlanguages = [\"fi\", \"sv\", \"en\"]\nlevel = \"beginner\"\nhours = 10\n[title]\nfi = \"Kurssi {course}\"\nsv = \"Kurs {course}\"\nen = \"Course {course}\"\n"
            ),
        )
        .expect("course.toml");
        for n in 0..PER_COURSE.min(lessons - course * PER_COURSE) {
            let index = course * PER_COURSE + n;
            let mut variants = vec![("", FI_WORDS)];
            if index.is_multiple_of(VARIANT_EVERY) {
                variants.push((".sv", SV_WORDS));
                variants.push((".en", EN_WORDS));
            }
            for (suffix, real) in variants {
                let mut writer = Writer {
                    rng: Rng(rng.next() | 1),
                    pseudo: &pseudo,
                    real,
                    topic: Vec::new(),
                    finnish: suffix.is_empty(),
                };
                for _ in 0..3 {
                    let word = real[writer.rng.below(real.len())];
                    writer.topic.push(word);
                }
                let text = writer.lesson(suffix.is_empty() && index % 997 == 13);
                bytes += text.len();
                files += 1;
                std::fs::write(
                    folder.join(format!("{:03}-lesson-{n}{suffix}.md", n + 1)),
                    text,
                )
                .expect("lesson");
            }
        }
    }
    (files, bytes)
}

/// `POLKU_BENCH_COPIES=N`: the courses of the repository's `content/`
/// (real text, not generated; `POLKU_BENCH_COPIES_FROM=<folder>` for
/// another folder of courses) copied `N` times into `root`, each copy's
/// course and badge slugs suffixed with its number. Returns courses,
/// lesson files and their bytes.
fn copy_bundled(root: &Path, copies: usize) -> (usize, usize, usize) {
    let bundled = std::env::var_os("POLKU_BENCH_COPIES_FROM").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content"),
        PathBuf::from,
    );
    let mut courses: Vec<PathBuf> = std::fs::read_dir(&bundled)
        .expect("content/")
        .map(|entry| entry.expect("content/ entry").path())
        .filter(|path| path.join("course.toml").is_file())
        .collect();
    courses.sort();
    let (mut count, mut files, mut bytes) = (0, 0, 0);
    for copy in 0..copies {
        for course in &courses {
            let name = course.file_name().expect("a folder name").to_string_lossy();
            let folder = root.join(format!("{name}-{copy:03}"));
            copy_folder(course, &folder, &mut |path, text| {
                if path.file_name().is_some_and(|n| n == "course.toml") {
                    // Every `slug = "…"` line: the course's and its badges'.
                    let mut out = String::with_capacity(text.len());
                    for line in text.lines() {
                        match line
                            .strip_prefix("slug = \"")
                            .and_then(|l| l.strip_suffix('"'))
                        {
                            Some(slug) => {
                                writeln!(out, "slug = \"{slug}-{copy:03}\"").expect("write")
                            }
                            None => writeln!(out, "{line}").expect("write"),
                        }
                    }
                    out
                } else {
                    if path.extension().is_some_and(|e| e == "md") {
                        files += 1;
                        bytes += text.len();
                    }
                    text.to_owned()
                }
            });
            count += 1;
        }
    }
    (count, files, bytes)
}

/// Copies the files under `from` to `to`, text through `edit`.
fn copy_folder(from: &Path, to: &Path, edit: &mut dyn FnMut(&Path, &str) -> String) {
    std::fs::create_dir_all(to).expect("a course folder");
    for entry in std::fs::read_dir(from).expect("a bundled course") {
        let path = entry.expect("an entry").path();
        let target = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_folder(&path, &target, edit);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            std::fs::write(&target, edit(&path, &text)).expect("write a copy");
        } else {
            std::fs::copy(&path, &target).expect("copy a file");
        }
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The nearest-rank percentile of sorted durations.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() * p).div_ceil(100)).clamp(1, sorted.len()) - 1]
}

/// Latencies, overall and by key.
#[derive(Default)]
struct Timings {
    all: Vec<Duration>,
    by: BTreeMap<String, Vec<Duration>>,
    wall: Duration,
}

impl Timings {
    fn add(&mut self, key: &str, d: Duration) {
        self.all.push(d);
        self.by.entry(key.to_owned()).or_default().push(d);
    }

    fn finish(&mut self) {
        self.all.sort();
        for v in self.by.values_mut() {
            v.sort();
        }
    }

    fn p50(&self, key: &str) -> Option<f64> {
        self.by.get(key).map(|v| ms(percentile(v, 50)))
    }

    fn line(&self, label: &str) {
        println!(
            "{label:<34} p50 {:>8.3} ms   p99 {:>8.3} ms   max {:>8.3} ms   {:>8.0} queries/s ({} queries, one thread)",
            ms(percentile(&self.all, 50)),
            ms(percentile(&self.all, 99)),
            ms(self.all.last().copied().unwrap_or_default()),
            self.all.len() as f64 / self.wall.as_secs_f64(),
            self.all.len()
        );
    }
}

/// The CPU time this process has used (user and system), where the
/// system tells it: steadier than the wall clock on a shared machine.
fn cpu_seconds() -> Option<f64> {
    // Fields 14 and 15 of /proc/self/stat, in clock ticks of 1/100 s
    // (Linux's USER_HZ); the name (field 2) may hold spaces, so count
    // from the parenthesis that closes it.
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ').skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / 100.0)
}

fn folder_size(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).expect("index folder").flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        total += if meta.is_dir() {
            folder_size(&entry.path())
        } else {
            meta.len()
        };
    }
    total
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

fn statement(sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
}

async fn scalar(db: &DatabaseConnection, sql: &str, values: Vec<Value>) -> i64 {
    db.query_one_raw(statement(sql, values))
        .await
        .expect("query")
        .expect("a row")
        .try_get_by_index::<i64>(0)
        .expect("a number")
}

/// Bytes of database pages in use.
async fn db_bytes(db: &DatabaseConnection) -> i64 {
    let pages = scalar(db, "PRAGMA page_count", vec![]).await;
    let free = scalar(db, "PRAGMA freelist_count", vec![]).await;
    let size = scalar(db, "PRAGMA page_size", vec![]).await;
    (pages - free) * size
}

/// The query as FTS5 input: every word a quoted string, any one of them
/// matching (as tantivy: one word suffices), a quoted phrase kept whole.
fn fts5_query(text: &str) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    if let Some(phrase) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return quote(phrase);
    }
    text.split_whitespace()
        .map(quote)
        .collect::<Vec<_>>()
        .join(" OR ")
}

fn single_word(text: &str) -> bool {
    !text.contains([' ', '"'])
}

const FTS_TOP: &str = "SELECT rowid, title, snippet(lesson_fts, 1, '[', ']', '…', 24) FROM lesson_fts WHERE lesson_fts MATCH ? ORDER BY rank LIMIT 10";
const FTS_COUNT: &str = "SELECT count(*) FROM lesson_fts WHERE lesson_fts MATCH ?";
const LIKE_TOP: &str =
    "SELECT id, title FROM lesson_texts WHERE title LIKE ? OR body_markdown LIKE ? LIMIT 10";
const LIKE_COUNT: &str =
    "SELECT count(*) FROM lesson_texts WHERE title LIKE ? OR body_markdown LIKE ?";

fn main() {
    let lessons = env_number("POLKU_BENCH_LESSONS", 10_000);
    let queries = env_number("POLKU_BENCH_QUERIES", 2000);
    let temp = tempfile::tempdir().expect("temp dir");
    let root: PathBuf = match std::env::var_os("POLKU_BENCH_KEEP") {
        Some(keep) => {
            let root = PathBuf::from(keep).join("content");
            if root.exists() {
                std::fs::remove_dir_all(&root).expect("remove the old content");
            }
            root
        }
        None => temp.path().join("content"),
    };

    let started = Instant::now();
    let kept = if std::env::var_os("POLKU_BENCH_KEEP").is_some() {
        format!(", kept in {}", root.display())
    } else {
        String::new()
    };
    let copies = env_number("POLKU_BENCH_COPIES", 0);
    if copies > 0 {
        let (courses, files, bytes) = copy_bundled(&root, copies);
        println!(
            "corpus: the bundled courses {copies} times: {courses} courses, {files} lesson files, {:.1} MiB of Markdown (copied in {:.1} s{kept})",
            bytes as f64 / 1_048_576.0,
            started.elapsed().as_secs_f64(),
        );
    } else {
        let (files, bytes) = generate(&root, lessons);
        let variants = lessons.div_ceil(VARIANT_EVERY);
        println!(
            "corpus: {lessons} lessons in {} courses: {lessons} fi + {variants} sv + {variants} en = {files} lesson files, {:.1} MiB of Markdown (generated in {:.1} s{kept})",
            lessons.div_ceil(PER_COURSE),
            bytes as f64 / 1_048_576.0,
            started.elapsed().as_secs_f64(),
        );
    }

    let started = Instant::now();
    let (sources, mut problems) = load_dir(&root);
    // Plain-language advice on random sentences is beside the point here.
    problems.retain(|problem| !problem.advice);
    assert!(
        problems.is_empty(),
        "{:?}",
        &problems[..problems.len().min(3)]
    );
    let load = started.elapsed();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let url = format!("sqlite://{}", temp.path().join("bench.db").display());
        let db = polku_core::db::open(&url).await.expect("database");
        let started = Instant::now();
        import_courses(&db, &sources).await.expect("import");
        println!(
            "load + import into SQLite: {:.1} s + {:.1} s",
            load.as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
        let texts = scalar(&db, "SELECT count(*) FROM lesson_texts", vec![]).await;

        // tantivy
        println!();
        println!("== tantivy index (polku_core::search) ==");
        // The build three times (`POLKU_BENCH_BUILDS`), each into a new
        // folder (the earlier ones closed and removed first): this shared
        // machine varies by 5-15 % from one build to the next, so the
        // median is reported, with all of them. The last index answers the
        // queries below.
        let builds_wanted: usize = std::env::var("POLKU_BENCH_BUILDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3)
            .max(1);
        let mut builds = Vec::with_capacity(builds_wanted);
        let mut last = None;
        for round in 0..builds_wanted {
            let dir = temp.path().join(format!("search-{round}"));
            if let Some((index, old)) = last.take() {
                drop::<SearchIndex>(index);
                std::fs::remove_dir_all(old).expect("remove an earlier index");
            }
            let index = SearchIndex::open(&dir).expect("index");
            let cpu_before = cpu_seconds();
            let started = Instant::now();
            let report = index.rebuild(&db, &mut |_, _| {}).await.expect("rebuild");
            let build = started.elapsed();
            let build_cpu = cpu_seconds().zip(cpu_before).map(|(after, before)| after - before);
            assert_eq!(report.documents as u64, index.documents());
            builds.push((build, build_cpu));
            last = Some((index, dir));
        }
        let (index, dir) = last.expect("an index");
        let documents = index.documents();
        let mut sorted = builds.clone();
        sorted.sort_by_key(|(build, _)| *build);
        let (build, build_cpu) = sorted[builds_wanted / 2];
        let all: Vec<String> = builds
            .iter()
            .map(|(build, cpu)| {
                format!(
                    "{:.2} s{}",
                    build.as_secs_f64(),
                    cpu.map_or(String::new(), |cpu| format!(" (CPU {cpu:.2})"))
                )
            })
            .collect();
        println!(
            "build: {:.2} s, {:.0} documents/s ({documents} documents = lesson texts: {texts}){}; median of {builds_wanted} builds: {}",
            build.as_secs_f64(),
            documents as f64 / build.as_secs_f64(),
            build_cpu.map_or(String::new(), |cpu| format!(", CPU {cpu:.2} s")),
            all.join(", ")
        );
        println!(
            "size on disk: {:.1} MiB ({:.0} bytes/document)",
            mib(folder_size(&dir)),
            folder_size(&dir) as f64 / documents as f64
        );

        let search = |text: &str, suggest: bool| {
            index
                .search(
                    &SearchRequest {
                        text: text.to_owned(),
                        per_page: 10,
                        prefer: Some(Language::Fi),
                        suggest,
                        ..Default::default()
                    },
                    &Scope::Reader,
                )
                .expect("search")
        };
        let mut tantivy_hits = BTreeMap::new();
        for (_, q) in QUERIES {
            tantivy_hits.insert(*q, search(q, false).total);
        }
        let mut tantivy = Timings::default();
        let started = Instant::now();
        for i in 0..queries {
            let (_, q) = QUERIES[i % QUERIES.len()];
            let t = Instant::now();
            std::hint::black_box(search(q, false));
            tantivy.add(q, t.elapsed());
        }
        tantivy.wall = started.elapsed();
        tantivy.finish();
        tantivy.line("query (10 hits, snippets, total)");
        let mut suggest = Timings::default();
        let started = Instant::now();
        for i in 0..queries {
            let q = SUGGEST[i % SUGGEST.len()];
            let t = Instant::now();
            std::hint::black_box(search(q, true));
            suggest.add(q, t.elapsed());
        }
        suggest.wall = started.elapsed();
        suggest.finish();
        suggest.line("suggest (last word a prefix)");
        for q in SUGGEST {
            println!(
                "  suggest {q:<10} p50 {:>8.3} ms   {} hits",
                suggest.p50(q).unwrap_or_default(),
                search(q, true).total
            );
        }

        // SQL baselines
        println!();
        println!("== SQL baseline (same SQLite file, through sea-orm/sqlx) ==");
        let mut floor = Timings::default();
        let started = Instant::now();
        for _ in 0..queries.min(1000) {
            let t = Instant::now();
            scalar(&db, "SELECT 1", vec![]).await;
            floor.add("", t.elapsed());
        }
        floor.wall = started.elapsed();
        floor.finish();
        floor.line("round trip floor (SELECT 1)");

        let before = db_bytes(&db).await;
        let started = Instant::now();
        let fts = db
            .execute_unprepared(
                "CREATE VIRTUAL TABLE lesson_fts USING fts5(title, body_markdown, content = 'lesson_texts', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2')",
            )
            .await;
        let fts = match fts {
            Ok(_) => {
                db.execute_unprepared("INSERT INTO lesson_fts(lesson_fts) VALUES ('rebuild')")
                    .await
                    .expect("FTS5 rebuild");
                let build = started.elapsed();
                println!(
                    "FTS5 build (external content = lesson_texts, unicode61 remove_diacritics 2): {:.2} s, {:.0} documents/s",
                    build.as_secs_f64(),
                    texts as f64 / build.as_secs_f64()
                );
                println!(
                    "FTS5 size: {:.1} MiB (database pages added; the text stays in lesson_texts)",
                    mib(u64::try_from(db_bytes(&db).await - before).unwrap_or_default())
                );
                true
            }
            Err(err) => {
                println!("FTS5 is not compiled into this SQLite ({err}): LIKE only");
                false
            }
        };

        let mut fts_hits = BTreeMap::new();
        let mut fts_timings = Timings::default();
        if fts {
            for (_, q) in QUERIES {
                let count = scalar(&db, FTS_COUNT, vec![fts5_query(q).into()]).await;
                fts_hits.insert(*q, count);
            }
            let started = Instant::now();
            for i in 0..queries {
                let (_, q) = QUERIES[i % QUERIES.len()];
                let t = Instant::now();
                let rows = db
                    .query_all_raw(statement(FTS_TOP, vec![fts5_query(q).into()]))
                    .await
                    .expect("FTS5 query");
                std::hint::black_box(rows);
                fts_timings.add(q, t.elapsed());
            }
            fts_timings.wall = started.elapsed();
            fts_timings.finish();
            fts_timings.line("FTS5 MATCH (10 by rank, snippet)");
        }

        let words: Vec<&str> = QUERIES
            .iter()
            .map(|(_, q)| *q)
            .filter(|q| single_word(q))
            .collect();
        let like = |q: &str| -> Vec<Value> {
            let pattern = format!("%{q}%");
            vec![pattern.clone().into(), pattern.into()]
        };
        let mut like_hits = BTreeMap::new();
        for q in &words {
            like_hits.insert(*q, scalar(&db, LIKE_COUNT, like(q)).await);
        }
        let mut like_timings = Timings::default();
        let started = Instant::now();
        for i in 0..queries.min(MAX_LIKE_RUNS) {
            if i >= words.len() && started.elapsed() > LIKE_BUDGET {
                break;
            }
            let q = words[i % words.len()];
            let t = Instant::now();
            let rows = db
                .query_all_raw(statement(LIKE_TOP, like(q)))
                .await
                .expect("LIKE query");
            std::hint::black_box(rows);
            like_timings.add(q, t.elapsed());
        }
        like_timings.wall = started.elapsed();
        like_timings.finish();
        like_timings.line("LIKE '%word%' (first 10, one word)");

        // Side by side
        println!();
        println!(
            "== per query: documents found and p50 latency (of {documents} documents) =="
        );
        println!(
            "{:<14} {:<26} {:>16} {:>16} {:>16}",
            "kind", "query", "tantivy", "FTS5", "LIKE"
        );
        let cell = |hits: Option<i64>, p50: Option<f64>| match (hits, p50) {
            (Some(h), Some(p)) => format!("{h:>6} {p:>7.2}ms"),
            _ => "-".to_owned(),
        };
        for (kind, q) in QUERIES {
            println!(
                "{kind:<14} {q:<26} {:>16} {:>16} {:>16}",
                cell(
                    tantivy_hits.get(q).map(|&h| h as i64),
                    tantivy.p50(q)
                ),
                cell(fts_hits.get(q).copied(), fts_timings.p50(q)),
                cell(like_hits.get(q).copied(), like_timings.p50(q)),
            );
        }
        println!(
            "FTS5 and LIKE do not stem (\"salasanan\" finds only that exact form, tantivy also salasana/salasanaa/salasanat…), \
             have no typo tolerance (\"pasword\") and no compound parts (\"turva\" in työttömyysturva); \
             LIKE is a substring scan (finds parts of words, ASCII-only case folding, no ranking). \
             FTS5 two-word queries are `\"a\" OR \"b\"` as in tantivy (one word suffices)."
        );
    });
}
