//! Appointments: times a coach offers and her learners book.

use serde::{Deserialize, Serialize};

/// Where an appointment happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Place {
    /// By phone (the coach calls, or the number to call).
    Phone,
    /// A video call: the link of the municipality's own service.
    Video,
    /// At an address.
    Address,
}

impl Place {
    /// Every kind, in the order forms list them.
    pub const ALL: [Place; 3] = [Place::Phone, Place::Video, Place::Address];

    /// The stored name (also the form's value).
    pub fn code(self) -> &'static str {
        match self {
            Place::Phone => "phone",
            Place::Video => "video",
            Place::Address => "address",
        }
    }

    /// The kind stored as `code`.
    pub fn from_code(code: &str) -> Option<Place> {
        Place::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AppointmentState {
    /// Offered, not booked.
    Open,
    /// Booked by a learner.
    Booked,
    /// Called off by the coach.
    Cancelled,
}

impl AppointmentState {
    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            AppointmentState::Open => "open",
            AppointmentState::Booked => "booked",
            AppointmentState::Cancelled => "cancelled",
        }
    }

    /// The state stored as `code`.
    pub fn from_code(code: &str) -> Option<AppointmentState> {
        [
            AppointmentState::Open,
            AppointmentState::Booked,
            AppointmentState::Cancelled,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// An appointment as one of its two people (or a learner who may book
/// it) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentView {
    /// Id.
    pub id: i32,
    /// When it starts (site time, `YYYY-MM-DD HH:MM`).
    pub starts: String,
    /// When it ends (site time, `YYYY-MM-DD HH:MM`).
    pub ends: String,
    /// Its length in minutes.
    pub minutes: i32,
    /// Phone, video or an address.
    pub place: Place,
    /// The number, the video link or the address.
    pub where_: String,
    /// The coach's note.
    pub note: String,
    /// Where it stands.
    pub state: AppointmentState,
    /// The coach's account and name.
    pub coach: (i32, String),
    /// The learner who booked it (her account and name), while her
    /// account exists.
    pub learner: Option<(i32, String)>,
    /// Booked by an account since erased.
    pub booked_by_deleted: bool,
    /// The reader is its coach.
    pub mine: bool,
}

/// `/appointments` for the reader: what she has booked or offers, and
/// (a learner) the free times of her coaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointments {
    /// The reader may offer times (she coaches a group).
    pub offers: bool,
    /// Her coming appointments (booked, or called off by the coach and
    /// not yet passed) and, a coach, her open times: soonest first.
    pub upcoming: Vec<AppointmentView>,
    /// Free times of her coaches she may book, soonest first.
    pub free: Vec<AppointmentView>,
}
