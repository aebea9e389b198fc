//! Sends notification e-mails from the durable outbox in the database
//! ([`polku_core::notifications`]), started with the server when it has
//! SMTP settings (`--smtp-url`). Every instance runs one: an e-mail is
//! sent by the instance that claims it, and a failed one is tried again
//! later, so an SMTP outage or a crash loses nothing. The `Message-ID` is
//! made from the notification, so an e-mail sent again (after a crash in
//! the middle of sending) is recognisably the same e-mail.
//!
//! Each e-mail is plain text in the person's language: what happened, a
//! link to it, why she gets this e-mail and a link to change that. A
//! message's text is in it only if she chose so.

use std::time::Duration;

use app::i18n::{Key, Locale, Texts, fill};
use chrono::{DateTime, Utc};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use polku_core::CoreError;
use polku_core::appointments::ics;
use polku_core::db::DatabaseConnection;
use polku_core::notifications::{self, Outgoing};

/// How often the outbox is looked at when it was empty.
pub const POLL: Duration = Duration::from_secs(5);
/// E-mails claimed at a time.
const BATCH: u64 = 20;
/// The longest an SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The SMTP connection settings and what every e-mail needs.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
    host: String,
}

/// What one pass over the outbox did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// E-mails the SMTP server accepted.
    pub sent: usize,
    /// E-mails that failed (tried again later, or given up).
    pub failed: usize,
}

impl Mailer {
    /// The mailer for `smtp_url`, sending as `from`, linking to
    /// `public_url`.
    pub fn new(smtp_url: &str, from: &str, public_url: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("--smtp-url: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from: Mailbox = from.parse().map_err(|e| format!("--smtp-from: {e}"))?;
        let host = notifications::site_host(public_url).to_owned();
        let public_url = public_url.trim_end_matches('/').to_owned();
        Ok(Mailer {
            transport,
            from,
            public_url,
            host,
        })
    }

    /// Sends what is due every [`POLL`] (at once again while there is
    /// more), in the background.
    pub fn spawn(self, db: DatabaseConnection) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                match self.send_due(&db, Utc::now()).await {
                    Ok(pass) if pass.sent + pass.failed >= 1 => {
                        tracing::info!(
                            sent = pass.sent,
                            failed = pass.failed,
                            "notification e-mails"
                        );
                        if pass.sent + pass.failed < usize::try_from(BATCH).unwrap_or(usize::MAX) {
                            tokio::time::sleep(POLL).await;
                        }
                    }
                    Ok(_) => tokio::time::sleep(POLL).await,
                    Err(err) => {
                        tracing::warn!(error = %err, "reading the e-mail outbox failed");
                        tokio::time::sleep(POLL).await;
                    }
                }
            }
        })
    }

    /// Claims the e-mails due at `now` and sends them.
    pub async fn send_due(
        &self,
        db: &DatabaseConnection,
        now: DateTime<Utc>,
    ) -> Result<Pass, CoreError> {
        let mut pass = Pass::default();
        for mail in notifications::claim_due(db, now, BATCH).await? {
            let message = match self.message(&mail) {
                Ok(message) => message,
                Err(err) => {
                    tracing::warn!(notification = mail.id, error = %err, "an e-mail cannot be made");
                    notifications::undeliverable(db, mail.id, &err).await?;
                    pass.failed += 1;
                    continue;
                }
            };
            let result = self
                .transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string());
            match result {
                Ok(()) => {
                    notifications::sent(db, mail.id, Utc::now()).await?;
                    pass.sent += 1;
                }
                Err(err) => {
                    tracing::warn!(notification = mail.id, attempts = mail.attempts + 1, error = %err, "sending an e-mail failed");
                    notifications::failed(db, &mail, &err, Utc::now()).await?;
                    pass.failed += 1;
                }
            }
        }
        Ok(pass)
    }

    /// The `Message-ID` of notification `id`'s e-mail: the same every
    /// time it is sent.
    pub fn message_id(&self, id: i32) -> String {
        format!("<notification-{id}@{}>", self.host)
    }

    fn message(&self, mail: &Outgoing) -> Result<Message, String> {
        let (subject, body) = compose(mail, &self.public_url);
        let to: Mailbox = Mailbox::new(
            Some(mail.name.clone()),
            mail.to.parse().map_err(|e| format!("address: {e}"))?,
        );
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(self.message_id(mail.id)));
        // Quoted-printable: readable in the raw, safe for any server.
        let text = Body::new_with_encoding(body, ContentTransferEncoding::QuotedPrintable)
            .map_err(|_| "the text cannot be encoded".to_owned())?;
        match &mail.calendar {
            None => builder.header(ContentType::TEXT_PLAIN).body(text),
            // An appointment's e-mail carries its calendar entry, which
            // mail programs offer to add, change or remove.
            Some(entry) => {
                let summary =
                    appointment_summary(mail.language, entry, mail.user_id, mail.who.as_deref());
                let calendar = ics::write(entry, &summary, &self.public_url, Utc::now());
                let kind = ContentType::parse(&format!(
                    "text/calendar; charset=utf-8; method={}",
                    entry.method.code()
                ))
                .map_err(|e| e.to_string())?;
                builder.multipart(
                    MultiPart::mixed()
                        .singlepart(
                            SinglePart::builder()
                                .header(ContentType::TEXT_PLAIN)
                                .body(text),
                        )
                        .singlepart(
                            Attachment::new("appointment.ics".to_owned()).body(
                                Body::new_with_encoding(
                                    calendar,
                                    ContentTransferEncoding::QuotedPrintable,
                                )
                                .map_err(|_| "the calendar cannot be encoded".to_owned())?,
                                kind,
                            ),
                        ),
                )
            }
        }
        .map_err(|e| e.to_string())
    }
}

/// The title of an appointment's calendar entry for `reader`: "Appointment
/// with …" naming the other person (or `known`, the one who cancelled a
/// booking the entry no longer names).
pub fn appointment_summary(
    locale: Locale,
    entry: &ics::Entry,
    reader: i32,
    known: Option<&str>,
) -> String {
    let other = entry
        .other_name(reader)
        .or(known)
        .map(str::to_owned)
        .unwrap_or_else(|| locale.text(Key::MessagesDeletedAccount).to_owned());
    fill(locale.text(Key::AppointmentWith), &[("name", other)])
}

/// The subject and text of `mail`'s e-mail, in its reader's language.
pub fn compose(mail: &Outgoing, public_url: &str) -> (String, String) {
    let locale: Locale = mail.language;
    let text = |key: Key| locale.text(key);
    let deleted = text(Key::MessagesDeletedAccount).to_owned();
    let sentence = app::i18n::notification_sentence(
        locale,
        mail.kind,
        mail.who.clone().unwrap_or(deleted),
        mail.what.clone().unwrap_or_default(),
    );
    let mut body = fill(text(Key::EmailGreeting), &[("name", mail.name.clone())]);
    body.push_str("\n\n");
    body.push_str(&sentence);
    body.push('\n');
    if let Some(note) = &mail.note {
        body.push('\n');
        body.push_str(&fill(
            text(Key::NotificationNote),
            &[("note", note.clone())],
        ));
        body.push('\n');
    }
    if let Some(message) = &mail.text {
        body.push_str("\n> ");
        body.push_str(&message.replace('\n', "\n> "));
        body.push('\n');
    }
    body.push('\n');
    body.push_str(&fill(
        text(Key::EmailOpen),
        &[("link", format!("{public_url}{}", mail.link))],
    ));
    body.push_str("\n\n-- \n");
    body.push_str(&fill(
        text(Key::EmailWhy),
        &[
            (
                "kind",
                text(app::i18n::email_kind_key(mail.kind)).to_owned(),
            ),
            ("link", format!("{public_url}/account#email")),
        ],
    ));
    body.push('\n');
    let subject = format!("{}: {sentence}", text(Key::SiteName));
    (subject, body)
}
