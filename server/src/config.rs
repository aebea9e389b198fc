//! Configuration: flags or environment variables, parsed once at start-up.
//! Every setting has a default, so `polku` runs with no configuration.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Polku, the learning platform.
#[derive(Debug, Clone, Parser)]
#[command(name = "polku", version, about)]
pub struct Config {
    /// Database URL: `sqlite://path/file.db` (created if missing) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "POLKU_DATABASE_URL",
        default_value = "sqlite://data/polku.db",
        global = true
    )]
    pub database_url: String,

    /// Folder of courses to import at start-up.
    #[arg(
        long,
        env = "POLKU_CONTENT_DIR",
        default_value = "content",
        global = true
    )]
    pub content_dir: PathBuf,

    /// Address to listen on.
    #[arg(long, env = "POLKU_HOST", default_value = "127.0.0.1", global = true)]
    pub host: IpAddr,

    /// Port to listen on.
    #[arg(long, env = "POLKU_PORT", default_value_t = 3000, global = true)]
    pub port: u16,

    /// Folder with the built browser files (`pkg/polku.js`, `pkg/polku_bg.wasm`, `pkg/polku.css`).
    #[arg(
        long,
        env = "POLKU_SITE_DIR",
        default_value = "target/site",
        global = true
    )]
    pub site_dir: PathBuf,

    /// Secret that unlocks course authoring in the browser (/author), at
    /// least 16 characters. Without it authoring is off.
    #[arg(long, env = "POLKU_ADMIN_TOKEN", hide_env_values = true, value_parser = parse_token, global = true)]
    pub admin_token: Option<String>,

    /// Mark cookies `Secure` (set this when Polku is served over HTTPS,
    /// e.g. behind a TLS-terminating proxy).
    #[arg(long, env = "POLKU_SECURE_COOKIES", global = true)]
    pub secure_cookies: bool,

    /// Polku runs behind a reverse proxy that appends the client's address
    /// to `X-Forwarded-For`: sign-in throttling then counts per the last
    /// entry of that header instead of the proxy's address. Only turn this
    /// on when clients cannot reach Polku except through the proxy.
    #[arg(long, env = "POLKU_TRUSTED_PROXY", global = true)]
    pub trusted_proxy: bool,

    /// A learner with no activity for this many days (and a course not
    /// finished) is flagged as stuck in the coach's table.
    #[arg(long, env = "POLKU_STUCK_DAYS", default_value_t = 7, global = true)]
    pub stuck_days: i64,

    /// A learner with this many wrong answers in a row to one quiz is
    /// flagged as stuck.
    #[arg(long, env = "POLKU_STUCK_FAILURES", default_value_t = 3, global = true)]
    pub stuck_failures: usize,

    /// A session not used for this many days ends (every session also
    /// ends 30 days after sign-in).
    #[arg(
        long,
        env = "POLKU_SESSION_IDLE_DAYS",
        default_value_t = polku_core::accounts::SessionIdle::DEFAULT_DAYS,
        value_parser = clap::value_parser!(i64).range(1..),
        global = true
    )]
    pub session_idle_days: i64,

    /// Audit log entries older than this many days are deleted (by the
    /// hourly sweep).
    #[arg(
        long,
        env = "POLKU_AUDIT_DAYS",
        default_value_t = 365,
        value_parser = clap::value_parser!(i64).range(1..),
        global = true
    )]
    pub audit_days: i64,

    /// A private conversation is deleted this many days after its learner
    /// and coach are no longer in touch (she left the group, or an account
    /// was erased); checked by the hourly sweep.
    #[arg(
        long,
        env = "POLKU_MESSAGE_RETENTION_DAYS",
        default_value_t = 365,
        value_parser = clap::value_parser!(i64).range(1..),
        global = true
    )]
    pub message_retention_days: i64,

    /// Folder of the search index (a cache of the database, rebuilt when
    /// missing). Each server instance needs its own. Default: next to the
    /// SQLite file (`data/polku.db` → `data/polku.search`), else
    /// `data/search`.
    #[arg(long, env = "POLKU_SEARCH_INDEX", global = true)]
    pub search_index: Option<PathBuf>,

    /// The issuer's signing keys for badges: a private (0600) file created
    /// on first start. Keep it out of the repository and back it up;
    /// several server instances must share it. Default: next to the SQLite
    /// file (`data/polku.issuer-keys.json`), else `data/issuer-keys.json`.
    #[arg(long, env = "POLKU_ISSUER_KEYS", global = true)]
    pub issuer_keys: Option<PathBuf>,

    /// The address people reach this site at (badges and the issuer's
    /// `did:web` identity name it). Default: `http://HOST:PORT`.
    #[arg(long, env = "POLKU_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// The SMTP server notifications are e-mailed through, e.g.
    /// `smtps://user:password@mail.example.fi` (TLS),
    /// `smtp://user:password@mail.example.fi:587?tls=required` (STARTTLS)
    /// or `smtp://127.0.0.1:2525` (a local relay, no TLS). Without it, no
    /// e-mail is sent (notifications are still shown in Polku).
    #[arg(long, env = "POLKU_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// The sender of notification e-mails.
    #[arg(
        long,
        env = "POLKU_SMTP_FROM",
        default_value = "Polku <polku@localhost>",
        global = true
    )]
    pub smtp_from: String,

    /// The time zone times are shown in (an IANA name).
    #[arg(
        long,
        env = "POLKU_TIME_ZONE",
        default_value = "Europe/Helsinki",
        value_parser = parse_zone,
        global = true
    )]
    pub time_zone: polku_core::dates::Tz,

    /// The issuer's name on badges (e.g. the municipality's service).
    #[arg(
        long,
        env = "POLKU_ISSUER_NAME",
        default_value = "Polku",
        global = true
    )]
    pub issuer_name: String,

    /// Also name a learner in the badges she earns by a salted SHA-256 of
    /// her e-mail address, once she has confirmed it (an Open Badges
    /// `emailAddress` identity): an employer can then check on the verify
    /// page that a badge was issued to the address an applicant gave.
    /// Without a confirmed address, badges name her as before.
    #[arg(long, env = "POLKU_BADGE_RECIPIENT_EMAIL", global = true)]
    pub badge_recipient_email: bool,

    /// The other badge issuers this site trusts (a TOML file of
    /// `[[issuer]]` tables with `did` and `name`, e.g. the next
    /// municipality's Polku as `did:web:polku.kemi.fi` named "Kemin
    /// kaupunki"). Their badges verify as valid under the name given here;
    /// any other issuer's badge says "issuer not verified". Default: none.
    #[arg(long, env = "POLKU_TRUST_FILE", global = true)]
    pub trust_file: Option<PathBuf>,

    /// How long fetching a trusted issuer's DID document or revocation
    /// list may take, in milliseconds.
    #[arg(
        long,
        env = "POLKU_FETCH_TIMEOUT_MS",
        default_value_t = 2000,
        global = true
    )]
    pub fetch_timeout_ms: u64,

    /// The longest a trusted issuer's revocation list is kept before it is
    /// fetched again, in seconds (also bounded by the list's own
    /// `Cache-Control`; 0: fetched for every check).
    #[arg(
        long,
        env = "POLKU_STATUS_CACHE_SECONDS",
        default_value_t = 300,
        global = true
    )]
    pub status_cache_seconds: u64,

    /// Badge checks (`POST /verify`, `POST /api/verify`) one client
    /// address may make at once before it is asked to wait (429 with
    /// `Retry-After`).
    #[arg(
        long,
        env = "POLKU_VERIFY_BURST",
        default_value_t = 10,
        value_parser = clap::value_parser!(u32).range(1..),
        global = true
    )]
    pub verify_burst: u32,

    /// Badge checks per minute one client address may make after its
    /// burst.
    #[arg(
        long,
        env = "POLKU_VERIFY_PER_MINUTE",
        default_value_t = 20,
        value_parser = clap::value_parser!(u32).range(1..),
        global = true
    )]
    pub verify_per_minute: u32,

    /// Folder the server writes a backup into every `--backup-hours`
    /// (`polku-backup-<time>.zip`, readable by its owner only; the same
    /// archive as `polku backup`). Default: none. Set it on one instance.
    #[arg(long, env = "POLKU_BACKUP_DIR", global = true)]
    pub backup_dir: Option<PathBuf>,

    /// How many scheduled backups to keep (the oldest are deleted).
    #[arg(
        long,
        env = "POLKU_BACKUP_KEEP",
        default_value_t = 7,
        value_parser = clap::value_parser!(u32).range(1..),
        global = true
    )]
    pub backup_keep: u32,

    /// Hours between two scheduled backups.
    #[arg(
        long,
        env = "POLKU_BACKUP_HOURS",
        default_value_t = 24,
        value_parser = clap::value_parser!(u32).range(1..),
        global = true
    )]
    pub backup_hours: u32,

    /// A second address that serves only Prometheus metrics
    /// (`/metrics`, no token), for monitoring on a private network, e.g.
    /// `127.0.0.1:9100`. On the site's own address `/metrics` needs the
    /// admin token.
    #[arg(long, env = "POLKU_METRICS_ADDR", global = true)]
    pub metrics_addr: Option<std::net::SocketAddr>,

    /// The speech engine that reads lessons aloud: a command that reads
    /// text on standard input and writes WAV on standard output, `{lang}`
    /// standing for `fi`, `sv` or `en` (e.g. `piper --model
    /// /srv/voices/{lang}.onnx --output_file -`); `off` for no read aloud.
    /// Audio is made in the background after content changes and
    /// compressed with `opusenc`.
    #[arg(long, env = "POLKU_TTS_COMMAND", default_value = polku_core::speech::DEFAULT_COMMAND, global = true)]
    pub tts_command: String,

    /// The Python that checks learners' programs on the server: CPython
    /// built for WASI, run in a sandbox (see `polku_sandbox`). Default: the
    /// copy `scripts/build.sh` puts at `SITE_DIR/sandbox/python.wasm`;
    /// `off`: programs are not checked (learners still run them in their
    /// browser).
    #[arg(long, env = "POLKU_PYTHON_WASM", global = true)]
    pub python_wasm: Option<String>,

    /// Log format.
    #[arg(long, env = "POLKU_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

fn parse_zone(value: &str) -> Result<polku_core::dates::Tz, String> {
    value
        .parse()
        .map_err(|_| format!("unknown time zone {value:?}: use a name like Europe/Helsinki"))
}

fn parse_slug(value: &str) -> Result<String, String> {
    if polku_core::content::valid_slug(value) {
        Ok(value.to_owned())
    } else {
        Err("a slug may only use lowercase letters a-z, digits and hyphens".into())
    }
}

fn parse_language(value: &str) -> Result<polku_core::Language, String> {
    value
        .parse::<polku_core::Language>()
        .map_err(|e| e.to_string())
}

fn parse_token(value: &str) -> Result<String, String> {
    if value.chars().count() < 16 {
        return Err("the admin token must be at least 16 characters long".into());
    }
    Ok(value.to_owned())
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Subcommands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Migrate the database, import the content folder and serve (the default).
    Serve,
    /// Migrate the database, import courses, report problems and exit
    /// (status 1 when a file has a problem). DIR is a folder of course
    /// folders, or one course folder (it has a course.toml or Markdown
    /// files), or a Common Cartridge file (`.imscc`, as Moodle and Canvas
    /// export courses); without DIR, the content folder.
    Import {
        /// What to import (default: the content folder).
        dir: Option<PathBuf>,
        /// The slug of the course DIR (when it is one course folder):
        /// instead of the one its course.toml or folder name gives.
        #[arg(long, value_parser = parse_slug)]
        slug: Option<String>,
        /// The language of the course DIR when it is a folder without
        /// course.toml (fi, sv or en): instead of the one detected from
        /// its text.
        #[arg(long, value_parser = parse_language)]
        language: Option<polku_core::Language>,
        /// Read and check everything and print what would be imported,
        /// without opening the database or writing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a course back to its folder form (course.toml, lesson files,
    /// media) under OUT/<slug>, or as a zip file when OUT ends in `.zip`,
    /// or as an IMS Common Cartridge 1.3 (for Moodle, Canvas and other
    /// LMSes) when OUT ends in `.imscc`.
    Export {
        /// The course's slug.
        course: String,
        /// Where to write it.
        out: PathBuf,
        /// The language of a cartridge's pages and quizzes (fi, sv or en;
        /// default: the course's). Its polku/ copy keeps every language.
        #[arg(long, value_parser = parse_language)]
        language: Option<polku_core::Language>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Write a backup of the running site to OUT (a zip): the database,
    /// the issuer's private keys and the settings. Safe while the server
    /// runs. Keep it where only you can read it.
    Backup {
        /// The archive to write.
        out: PathBuf,
    },
    /// Restore a backup into the configured database (empty, or `--force`)
    /// and issuer key file (absent, or `--force`); checks the whole
    /// archive first and writes nothing if any of it is damaged.
    Restore {
        /// The archive written by `polku backup`.
        archive: PathBuf,
        /// Replace the data in the database and the key file.
        #[arg(long)]
        force: bool,
    },
    /// Copy everything in the configured database into another one (e.g.
    /// from SQLite to PostgreSQL), which must be empty unless `--force`.
    MigrateDb {
        /// The database to copy into, e.g. `postgres://polku@db/polku`.
        #[arg(long)]
        to: String,
        /// Replace the data in the target database.
        #[arg(long)]
        force: bool,
    },
    /// Rebuild the search index from the database (stop the server using
    /// the same index folder first).
    Reindex,
    /// Start signing badges with a new issuer key. Old keys stay published
    /// so badges signed with them keep verifying; restart the servers.
    RotateIssuerKey,
    /// Compile the Python interpreter WASM into OUT for the sandbox (what
    /// the server runs in a child process when its cache has no copy).
    #[command(hide = true)]
    PrecompilePython {
        /// The interpreter (python.wasm).
        wasm: PathBuf,
        /// The compiled file to write.
        out: PathBuf,
    },
    /// Create the first admin account (or make an existing account an
    /// admin and set its password). The password comes from
    /// POLKU_ADMIN_PASSWORD, else from the first line of standard input.
    CreateAdmin {
        /// The admin's username.
        username: String,
    },
}

impl Config {
    /// The trusted issuers of `--trust-file` (none without one); a
    /// problem in the file is named with its line.
    pub fn trust_list(&self) -> Result<polku_core::badges::TrustList, String> {
        let Some(path) = &self.trust_file else {
            return Ok(polku_core::badges::TrustList::new());
        };
        let text =
            std::fs::read_to_string(path).map_err(|err| format!("{}: {err}", path.display()))?;
        polku_core::badges::TrustList::parse(&text, &path.display().to_string())
    }

    /// The trusted issuers with the fetcher for their keys and lists.
    pub fn federation(&self) -> Result<polku_web::federation::Federation, String> {
        polku_web::federation::Federation::new(
            std::sync::Arc::new(self.trust_list()?),
            std::time::Duration::from_millis(self.fetch_timeout_ms),
            std::time::Duration::from_secs(self.status_cache_seconds),
        )
    }

    /// When an unused session ends.
    pub fn session_idle(&self) -> polku_core::accounts::SessionIdle {
        polku_core::accounts::SessionIdle {
            days: self.session_idle_days,
        }
    }

    /// The issuer keyring file.
    pub fn issuer_keys_path(&self) -> PathBuf {
        self.issuer_keys.clone().unwrap_or_else(|| {
            polku_core::db::beside(
                &self.database_url,
                "issuer-keys.json",
                "data/issuer-keys.json",
            )
        })
    }

    /// The Python interpreter that checks programs, when there is one
    /// (`--python-wasm off`, or no file at the default place: none).
    pub fn python_interpreter(&self) -> Option<std::path::PathBuf> {
        match self.python_wasm.as_deref() {
            Some("off") => None,
            Some(path) => Some(path.into()),
            None => Some(self.site_dir.join("sandbox/python.wasm")).filter(|p| p.exists()),
        }
    }

    /// The site's program checker: the interpreter compiled once into a
    /// folder beside the database (`data/polku.sandbox` for
    /// `data/polku.db`; `data/sandbox` for PostgreSQL), by this binary
    /// run as a child (`polku precompile-python`), so the server itself
    /// never holds the compiler's memory.
    pub fn code_checker(&self) -> polku_web::code::CodeChecker {
        let compiler = match std::env::current_exe() {
            Ok(program) => polku_web::code::Compiler::Command {
                program,
                args: vec!["precompile-python".into()],
            },
            Err(err) => {
                tracing::warn!(
                    "cannot find this program to compile the Python interpreter in a child process, compiling in this one: {err}"
                );
                polku_web::code::Compiler::InProcess
            }
        };
        let dir = polku_core::db::beside(&self.database_url, "sandbox", "data/sandbox");
        polku_web::code::CodeChecker::new(self.python_interpreter()).with_cache(dir, compiler)
    }

    /// The public address of the site, without a trailing slash.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| {
                format!("http://{}", std::net::SocketAddr::new(self.host, self.port))
            })
            .trim_end_matches('/')
            .to_owned()
    }

    /// Whether the site is served over HTTPS (`--secure-cookies`, or a
    /// public URL that starts with `https://`): cookies are then `Secure`
    /// and responses carry `Strict-Transport-Security`.
    pub fn https(&self) -> bool {
        self.secure_cookies || self.public_url().starts_with("https://")
    }

    /// Where and how often the server writes backups by itself (none
    /// without `--backup-dir`).
    pub fn backup_schedule(&self) -> Option<crate::backups::Schedule> {
        self.backup_dir.clone().map(|dir| crate::backups::Schedule {
            dir,
            keep: self.backup_keep as usize,
            every: std::time::Duration::from_secs(u64::from(self.backup_hours) * 3600),
        })
    }

    /// The search index folder: `--search-index`, else next to the database.
    pub fn search_dir(&self) -> PathBuf {
        self.search_index
            .clone()
            .unwrap_or_else(|| polku_core::search::default_dir(&self.database_url))
    }

    /// Parses flags and environment. On a bad value, returns one line that
    /// says what is wrong; `--help` and `--version` come back as `Ok(Err(text))`.
    pub fn from_args<I, T>(args: I) -> Result<Result<Config, String>, String>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        match Config::try_parse_from(args) {
            Ok(config) => Ok(Ok(config)),
            Err(err)
                if matches!(
                    err.kind(),
                    clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
                ) =>
            {
                Ok(Err(err.to_string()))
            }
            Err(err) => {
                let text = err.to_string();
                let line = text
                    .lines()
                    .next()
                    .unwrap_or("invalid configuration")
                    .trim();
                Err(line.strip_prefix("error: ").unwrap_or(line).to_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, String> {
        Config::from_args(std::iter::once("polku").chain(args.iter().copied())).and_then(|r| r)
    }

    #[test]
    fn defaults_need_no_configuration() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.database_url, "sqlite://data/polku.db");
        assert_eq!(config.port, 3000);
        assert_eq!(config.host.to_string(), "127.0.0.1");
        assert_eq!(config.content_dir, PathBuf::from("content"));
        assert_eq!(config.log_format, LogFormat::Text);
        assert_eq!(config.command, None);
        assert!(!config.trusted_proxy);
        assert_eq!(config.session_idle_days, 14);
        assert_eq!(config.audit_days, 365);
    }

    #[test]
    fn retention_days_are_positive() {
        let config = parse(&["--session-idle-days", "3", "--audit-days", "30"]).unwrap();
        assert_eq!((config.session_idle_days, config.audit_days), (3, 30));
        assert!(parse(&["--session-idle-days", "0"]).is_err());
        assert!(parse(&["--audit-days", "-1"]).is_err());
    }

    #[test]
    fn flags_override_defaults() {
        let config = parse(&[
            "--port",
            "8080",
            "--database-url",
            "postgres://p@localhost/polku",
            "--content-dir",
            "/srv/courses",
            "import",
            "/tmp/one-course",
        ])
        .unwrap();
        assert_eq!(config.port, 8080);
        assert_eq!(config.database_url, "postgres://p@localhost/polku");
        assert_eq!(config.content_dir, PathBuf::from("/srv/courses"));
        assert_eq!(
            config.command,
            Some(Command::Import {
                dir: Some(PathBuf::from("/tmp/one-course")),
                slug: None,
                language: None,
                dry_run: false,
            })
        );
    }

    #[test]
    fn bad_values_give_one_clear_line() {
        let err = parse(&["--port", "abc"]).unwrap_err();
        assert!(!err.contains('\n'), "{err}");
        assert!(err.contains("--port") && err.contains("abc"), "{err}");

        let err = parse(&["--log-format", "xml"]).unwrap_err();
        assert!(!err.contains('\n') && err.contains("xml"), "{err}");

        let err = parse(&["--no-such-flag"]).unwrap_err();
        assert!(
            !err.contains('\n') && err.contains("--no-such-flag"),
            "{err}"
        );

        let err = parse(&["--host", "not-an-ip"]).unwrap_err();
        assert!(err.contains("not-an-ip"), "{err}");
    }
}
