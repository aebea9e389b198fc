//! Notifications: what happened that concerns the reader, in the app and
//! (when she chose it) by e-mail.

use serde::{Deserialize, Serialize};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NotificationKind {
    /// Someone wrote to her (or to her group).
    Message,
    /// Her evidence was approved (the badge was issued).
    EvidenceApproved,
    /// Her evidence was declined, with the coach's note.
    EvidenceDeclined,
    /// She earned a badge.
    BadgeEarned,
    /// Her badge was revoked, with the reason.
    BadgeRevoked,
    /// A coach invited her to a group.
    Invitation,
    /// A learner booked one of her times (to the coach).
    AppointmentBooked,
    /// The coach changed a booked time (to the learner).
    AppointmentChanged,
    /// A booked time was cancelled by the other person.
    AppointmentCancelled,
    /// A booked time is the next day (to both).
    AppointmentSoon,
    /// The link that confirms her e-mail address, which she asked for
    /// (always sent by e-mail; not a setting).
    EmailConfirmation,
}

impl NotificationKind {
    /// Every kind, in the order settings list them.
    pub const ALL: [NotificationKind; 10] = [
        NotificationKind::Message,
        NotificationKind::EvidenceApproved,
        NotificationKind::EvidenceDeclined,
        NotificationKind::BadgeEarned,
        NotificationKind::BadgeRevoked,
        NotificationKind::Invitation,
        NotificationKind::AppointmentBooked,
        NotificationKind::AppointmentChanged,
        NotificationKind::AppointmentCancelled,
        NotificationKind::AppointmentSoon,
    ];

    /// The stored name (also the form field of its e-mail setting).
    pub fn code(self) -> &'static str {
        match self {
            NotificationKind::Message => "message",
            NotificationKind::EvidenceApproved => "evidence_approved",
            NotificationKind::EvidenceDeclined => "evidence_declined",
            NotificationKind::BadgeEarned => "badge_earned",
            NotificationKind::BadgeRevoked => "badge_revoked",
            NotificationKind::Invitation => "invitation",
            NotificationKind::AppointmentBooked => "appointment_booked",
            NotificationKind::AppointmentChanged => "appointment_changed",
            NotificationKind::AppointmentCancelled => "appointment_cancelled",
            NotificationKind::AppointmentSoon => "appointment_soon",
            NotificationKind::EmailConfirmation => "email_confirmation",
        }
    }

    /// The kind stored as `code`.
    pub fn from_code(code: &str) -> Option<NotificationKind> {
        NotificationKind::ALL
            .into_iter()
            .chain([NotificationKind::EmailConfirmation])
            .find(|k| k.code() == code)
    }
}

/// A notification as its reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    /// Id.
    pub id: i32,
    /// What it is about.
    pub kind: NotificationKind,
    /// Who did it (a coach, the one who wrote); `None`: nobody named, or
    /// a deleted account.
    pub who: Option<String>,
    /// What it concerns: a badge's or a group's name, or an
    /// appointment's start (site time, `YYYY-MM-DD HH:MM`).
    pub what: Option<String>,
    /// The coach's note or the reason, if any.
    pub note: Option<String>,
    /// Where to see it: a path on the site.
    pub link: String,
    /// When (UTC, `YYYY-MM-DD HH:MM`).
    pub at: String,
    /// Not seen before this visit.
    pub unread: bool,
}

/// The reader's e-mail settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailSettings {
    /// Her e-mail address, if she gave one.
    pub email: Option<String>,
    /// She confirmed it by the link sent to it.
    #[serde(default)]
    pub email_confirmed: bool,
    /// The site sends e-mail (it has SMTP settings).
    pub site_sends: bool,
    /// Each kind and whether it comes by e-mail.
    pub kinds: Vec<(NotificationKind, bool)>,
    /// Messages' text in the e-mail (else only who wrote, and a link).
    pub bodies: bool,
}
