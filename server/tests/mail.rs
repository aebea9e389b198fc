//! Notification e-mails through a real SMTP server on loopback (Debian's
//! `python3-aiosmtpd`, writing what it receives to a Maildir that the test
//! reads back): the headers, the link to the settings, no message text
//! unless chosen; SMTP down, then up: the e-mail waits and goes; an
//! instance that crashed holding an e-mail: another sends it once, with
//! the same `Message-ID`; two instances at once: each e-mail once.
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use polku_core::accounts::{self, Actor, NewAccount, Role};
use polku_core::messages::{self, ThreadRef};
use polku_core::notifications::{self, CLAIM, NotificationKind};
use server::mailer::{Mailer, Pass};

/// The SMTP server, stopped when dropped.
struct Smtp(Child);

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the SMTP server on `port`, delivering to the Maildir `dir`;
/// `None` (the test is skipped, said loudly) where aiosmtpd is missing
/// outside CI.
fn start_smtp(port: u16, dir: &Path) -> Option<Smtp> {
    let python = "/usr/bin/python3";
    let present = Command::new(python)
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !present {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI=true but python3-aiosmtpd is missing (scripts/setup.sh installs it)"
        );
        eprintln!("SMTP tests SKIPPED: install python3-aiosmtpd (scripts/setup.sh does)");
        return None;
    }
    let child = Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let smtp = Smtp(child);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(smtp);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the SMTP server did not start on port {port}");
}

/// The e-mails received so far, as text (quoted-printable decoded).
fn received(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = ["new", "cur"]
        .iter()
        .filter_map(|sub| std::fs::read_dir(dir.join(sub)).ok())
        .flatten()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| unquote(&std::fs::read_to_string(f).unwrap()))
        .collect()
}

/// Decodes quoted-printable (soft line breaks and `=XX` bytes).
fn unquote(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let mut bytes = Vec::new();
    let raw = joined.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (raw[i], hex) {
            (b'=', Some(byte)) => {
                bytes.push(byte);
                i += 3;
            }
            (b, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

async fn person(db: &polku_core::db::DatabaseConnection, name: &str, role: Role) -> Actor {
    let account = NewAccount {
        username: name.into(),
        password: "long enough secret".into(),
        email: (role == Role::Learner).then(|| format!("{name}@example.fi")),
        display_name: Some(format!("{name} Testinen")),
    };
    accounts::create_account(db, account, role).await.unwrap();
    Actor::for_cli(db, name).await.unwrap()
}

/// A site in a new folder: its SQLite database, a coach (Kaisa) and a
/// learner (Maija, with an e-mail address) who joined her group.
async fn coach_and_learner() -> (
    tempfile::TempDir,
    polku_core::db::DatabaseConnection,
    Actor,
    Actor,
) {
    let dir = tempfile::tempdir().unwrap();
    let db = polku_core::db::open(&format!(
        "sqlite://{}",
        dir.path().join("polku.db").display()
    ))
    .await
    .unwrap();
    let kaisa = person(&db, "kaisa", Role::Coach).await;
    let maija = person(&db, "maija", Role::Learner).await;
    let group = polku_core::coaching::create_group(&db, &kaisa, "Tiistai")
        .await
        .unwrap();
    polku_core::coaching::join(&db, &maija, &group.join_code)
        .await
        .unwrap();
    (dir, db, kaisa, maija)
}

fn total(a: Pass, b: Pass) -> usize {
    a.sent + b.sent
}

#[tokio::test]
async fn notification_emails_wait_for_the_smtp_server_and_go_once() {
    let (dir, db, kaisa, maija) = coach_and_learner().await;
    let maildir = dir.path().join("mail");
    let port = free_port();
    let mailer = Mailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "Polku <polku@polku.example>",
        "https://polku.example/",
    )
    .unwrap();
    let to_maija = ThreadRef::Person(maija.id());
    messages::send(&db, &kaisa, to_maija, "Salainen viesti: tule tiistaina")
        .await
        .unwrap();

    // SMTP down: the e-mail fails, and waits.
    let now = Utc::now();
    let pass = mailer.send_due(&db, now).await.unwrap();
    assert_eq!(pass, Pass { sent: 0, failed: 1 });
    assert_eq!(notifications::waiting(&db).await.unwrap(), 1);

    // SMTP back: not before the wait is over; then sent.
    let Some(_smtp) = start_smtp(port, &maildir) else {
        return;
    };
    assert_eq!(
        mailer.send_due(&db, Utc::now()).await.unwrap(),
        Pass::default()
    );
    let later = Utc::now() + notifications::backoff(1) + chrono::Duration::seconds(1);
    assert_eq!(mailer.send_due(&db, later).await.unwrap().sent, 1);
    assert_eq!(notifications::waiting(&db).await.unwrap(), 0);
    let mails = received(&maildir);
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    let first_id = {
        use polku_core::db::entities::notifications as rows;
        use sea_orm::EntityTrait;
        rows::Entity::find().one(&db).await.unwrap().unwrap().id
    };
    assert!(
        mail.contains(&format!("Message-ID: {}", mailer.message_id(first_id))),
        "{mail}"
    );
    assert!(
        mail.contains("To: \"maija Testinen\" <maija@example.fi>"),
        "{mail}"
    );
    assert!(mail.contains("From: Polku <polku@polku.example>"), "{mail}");
    assert!(
        mail.contains("Subject: Polku: kaisa Testinen kirjoitti sinulle viestin."),
        "{mail}"
    );
    assert!(mail.contains("Hei maija Testinen,"), "{mail}");
    assert!(
        mail.contains(&format!(
            "https://polku.example/messages/people/{}",
            kaisa.id()
        )),
        "{mail}"
    );
    assert!(
        mail.contains("https://polku.example/account#email"),
        "the link to the setting: {mail}"
    );
    assert!(
        mail.contains("Saat tämän sähköpostin, koska"),
        "why it was sent: {mail}"
    );
    assert!(
        !mail.contains("Salainen viesti"),
        "no message text unless chosen: {mail}"
    );

    // An instance crashed holding the next e-mail: nobody sends it until
    // its claim runs out; then it goes once, under its own Message-ID.
    messages::send(&db, &kaisa, to_maija, "Toinen")
        .await
        .unwrap();
    let held = notifications::claim_due(&db, Utc::now(), 10).await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(
        mailer.send_due(&db, Utc::now()).await.unwrap(),
        Pass::default()
    );
    let expired = Utc::now() + CLAIM + chrono::Duration::seconds(1);
    assert_eq!(mailer.send_due(&db, expired).await.unwrap().sent, 1);
    let mails = received(&maildir);
    assert_eq!(mails.len(), 2);
    assert!(
        mails
            .iter()
            .any(|m| m.contains(&format!("Message-ID: {}", mailer.message_id(held[0].id))))
    );

    // Two instances at once: every e-mail once.
    for n in 0..5 {
        messages::send(&db, &kaisa, to_maija, &format!("Viesti {n}"))
            .await
            .unwrap();
    }
    let other = mailer.clone();
    let now = Utc::now();
    let (a, b) = tokio::join!(mailer.send_due(&db, now), other.send_due(&db, now));
    assert_eq!(total(a.unwrap(), b.unwrap()), 5);
    let mails = received(&maildir);
    assert_eq!(mails.len(), 7);
    let mut ids: Vec<&str> = mails
        .iter()
        .filter_map(|m| m.lines().find(|l| l.starts_with("Message-ID:")))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 7, "no e-mail twice");

    // She chose to have messages' text in e-mails.
    notifications::set_email_settings(
        &db,
        &maija,
        Some("maija@example.fi".into()),
        &[NotificationKind::Message],
        true,
    )
    .await
    .unwrap();
    messages::send(
        &db,
        &kaisa,
        to_maija,
        "Tule tiistaina klo 10, ota henkilökortti mukaan.",
    )
    .await
    .unwrap();
    assert_eq!(mailer.send_due(&db, Utc::now()).await.unwrap().sent, 1);
    let mails = received(&maildir);
    assert!(
        mails
            .iter()
            .any(|m| m.contains("> Tule tiistaina klo 10, ota henkilökortti mukaan.")),
        "{mails:?}"
    );
}

#[tokio::test]
async fn appointment_emails_carry_the_calendar_entry_request_then_cancel() {
    use polku_core::appointments::{self, Offer};
    let (dir, db, kaisa, maija) = coach_and_learner().await;
    let maildir = dir.path().join("mail");
    notifications::set_email_settings(
        &db,
        &kaisa,
        Some("kaisa@example.fi".into()),
        &NotificationKind::ALL,
        false,
    )
    .await
    .unwrap();
    let port = free_port();
    let Some(_smtp) = start_smtp(port, &maildir) else {
        return;
    };
    let mailer = Mailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "Polku <polku@polku.example>",
        "https://polku.example/",
    )
    .unwrap();
    let date = (Utc::now() + chrono::Duration::days(4))
        .format("%Y-%m-%d")
        .to_string();
    let offer = Offer {
        date: date.clone(),
        time: "14:00".into(),
        minutes: 30,
        count: 1,
        place: "address".into(),
        where_: "Kirjasto; 2. kerros, huone 5".into(),
        note: String::new(),
    };
    let id = appointments::offer(&db, &kaisa, &offer).await.unwrap()[0];
    appointments::book(&db, &maija, id).await.unwrap();
    assert_eq!(mailer.send_due(&db, Utc::now()).await.unwrap().sent, 1);
    let uid = format!("UID:appointment-{id}-1@polku.example");
    // Calendar lines longer than 75 octets are folded (RFC 5545 3.1).
    let unfolded = |dir: &Path| -> Vec<String> {
        received(dir)
            .into_iter()
            .map(|m| m.replace("\r\n ", "").replace("\n ", ""))
            .collect()
    };
    let mails = unfolded(&maildir);
    let booked = &mails[0];
    assert!(
        booked.contains("To: \"kaisa Testinen\" <kaisa@example.fi>"),
        "{booked}"
    );
    assert!(
        booked.contains("Subject: Polku: maija Testinen varasi ajan"),
        "{booked}"
    );
    assert!(
        booked.contains("Content-Type: text/calendar; charset=utf-8; method=REQUEST"),
        "{booked}"
    );
    assert!(booked.contains("filename=\"appointment.ics\""), "{booked}");
    for line in [
        "METHOD:REQUEST",
        &uid,
        "SUMMARY:Tapaaminen: maija Testinen",
        "LOCATION:Kirjasto\\; 2. kerros\\, huone 5",
        "ORGANIZER;CN=\"kaisa Testinen\":mailto:kaisa@example.fi",
        "ATTENDEE;CN=\"maija Testinen\";PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:maija@example.fi",
        "T140000",
    ] {
        assert!(booked.contains(line), "{line} missing in {booked}");
    }
    // The learner changes her mind: the coach's calendar is told to
    // remove the same entry.
    appointments::cancel(&db, &maija, id).await.unwrap();
    assert_eq!(mailer.send_due(&db, Utc::now()).await.unwrap().sent, 1);
    let mails = unfolded(&maildir);
    let cancelled = mails
        .iter()
        .find(|m| m.contains("METHOD:CANCEL"))
        .unwrap_or_else(|| panic!("no CANCEL among {mails:?}"));
    assert!(
        cancelled.contains("SUMMARY:Tapaaminen: maija Testinen"),
        "{cancelled}"
    );
    assert!(cancelled.contains(&uid), "the same entry: {cancelled}");
    assert!(cancelled.contains("STATUS:CANCELLED"), "{cancelled}");
    assert!(cancelled.contains("SEQUENCE:2"), "{cancelled}");
    // Booked again and moved by the coach: the learner's entry is
    // updated with a higher sequence.
    appointments::book(&db, &maija, id).await.unwrap();
    let moved = Offer {
        time: "15:00".into(),
        ..offer
    };
    appointments::change(&db, &kaisa, id, &moved).await.unwrap();
    assert_eq!(mailer.send_due(&db, Utc::now()).await.unwrap().sent, 2);
    let mails = unfolded(&maildir);
    let changed = mails
        .iter()
        .find(|m| m.contains("To: \"maija Testinen\""))
        .unwrap_or_else(|| panic!("no e-mail to the learner among {mails:?}"));
    assert!(changed.contains("method=REQUEST"), "{changed}");
    assert!(
        changed.contains(&format!("UID:appointment-{id}-2@polku.example")),
        "{changed}"
    );
    assert!(changed.contains("SEQUENCE:4"), "{changed}");
    assert!(changed.contains("T150000"), "{changed}");
}

/// The `polku` server with SMTP settings, on `db_url`, in `dir`.
fn start_polku(dir: &Path, db_url: &str, smtp_port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_polku"))
        .current_dir(dir)
        .env_remove("POLKU_DATABASE_URL")
        .env_remove("RUST_LOG")
        .args(["--database-url", db_url])
        .args(["--content-dir", "content"])
        .args(["--search-index", "index"])
        .args(["--issuer-keys", "keys"])
        .args(["--port", &free_port().to_string()])
        .args(["--smtp-url", &format!("smtp://127.0.0.1:{smtp_port}")])
        .args(["--smtp-from", "Polku <polku@polku.example>"])
        .args(["--public-url", "https://polku.example"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The `Message-ID` of each e-mail received.
fn message_ids(maildir: &Path) -> Vec<String> {
    received(maildir)
        .iter()
        .filter_map(|m| {
            m.lines()
                .find(|l| l.starts_with("Message-ID:"))
                .map(str::to_owned)
        })
        .collect()
}

/// Waits (up to `seconds`) until `done` holds for the e-mails received.
fn wait_for(maildir: &Path, seconds: u64, done: impl Fn(&[String]) -> bool) -> Vec<String> {
    for _ in 0..seconds * 10 {
        let ids = message_ids(maildir);
        if done(&ids) {
            return ids;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    message_ids(maildir)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_killed_while_sending_loses_no_email_and_repeats_at_most_one() {
    const QUEUED: usize = 120;
    let (dir, db, kaisa, maija) = coach_and_learner().await;
    std::fs::create_dir(dir.path().join("content")).unwrap();
    let maildir = dir.path().join("mail");
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    for n in 0..QUEUED {
        notifications::notify(
            &db,
            notifications::Note {
                user: maija.id(),
                kind: NotificationKind::Invitation,
                actor: Some(kaisa.id()),
                link: "/dashboard".into(),
                names: Default::default(),
                detail: notifications::Detail {
                    what: Some(format!("Ryhmä {n}")),
                    ..Default::default()
                },
            },
        )
        .await
        .unwrap();
    }
    let port = free_port();
    let Some(_smtp) = start_smtp(port, &maildir) else {
        return;
    };
    // The server sends; it is killed (SIGKILL: no clean-up) in the middle.
    let mut first = start_polku(dir.path(), &url, port);
    let before = wait_for(&maildir, 60, |ids| ids.len() >= 25);
    first.kill().unwrap();
    first.wait().unwrap();
    let at_kill = message_ids(&maildir).len();
    assert!(
        (25..QUEUED).contains(&at_kill),
        "killed in the middle of sending: {at_kill} of {QUEUED} sent ({} seen before)",
        before.len()
    );
    // Started again, it sends the rest: what the dead one had claimed once
    // its claim runs out.
    let mut second = start_polku(dir.path(), &url, port);
    let wait = u64::try_from(CLAIM.num_seconds()).unwrap() + 60;
    let ids = wait_for(&maildir, wait, |ids| {
        let mut distinct = ids.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        distinct.len() >= QUEUED
    });
    second.kill().unwrap();
    second.wait().unwrap();
    let mut distinct = ids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    eprintln!(
        "killed after {at_kill} of {QUEUED} e-mails; {} received in all, {} distinct",
        ids.len(),
        distinct.len()
    );
    assert_eq!(distinct.len(), QUEUED, "every e-mail arrived");
    // The one e-mail the SMTP server may have accepted just before the
    // kill, whose sending was not yet recorded, goes again, under the same
    // Message-ID (a mail system keeps one); nothing else twice.
    assert!(
        ids.len() <= QUEUED + 1,
        "at most one e-mail repeated: {} received",
        ids.len()
    );
    assert_eq!(notifications::waiting(&db).await.unwrap(), 0);
}
