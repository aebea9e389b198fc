//! The authorisation matrix: every server function and every plain route,
//! called by every role (signed out, learners, instructors, coaches, an
//! admin) on their own and on others' data, must be allowed or refused
//! exactly as the table below says. The server functions are read from
//! the running registry and the plain routes from the list the router is
//! built from (`server::routes::plain_routes`), so a new endpoint that is
//! not in the table fails this test. It runs on SQLite, and on PostgreSQL
//! too when `POLKU_TEST_POSTGRES_URL` is set.
//!
//! The fixture: two coaches with a group each; a learner who joined the
//! coach's group, a learner only invited to it (no consent, so the coach
//! has no power over her), a learner who joined the other coach's group;
//! two instructors, each the author of a different course; an admin. The
//! learner and the coach have written to each other.
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use axum::Router;
use axum::body::Body;
use common::{app_on, fresh_databases, send};
use http::header::{CONTENT_TYPE, COOKIE};
use http::{Request, StatusCode};
use polku_core::accounts::{self, Actor, NewAccount, Role, admin};
use polku_core::authz::{Act, GroupId, PersonId, authorize};
use polku_core::coaching;
use polku_core::db::DatabaseConnection;

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    /// Joined the coach's group (consented): `{badge}`, `{request}`.
    Learner,
    /// Only invited to the coach's group, never accepted:
    /// `{invited_badge}`, `{invited_request}`.
    Invited,
    /// Joined the other coach's group: `{other_badge}`.
    OtherLearner,
    /// Author of digital-basics.
    Instructor,
    /// Author of job-seeking-online only.
    OtherInstructor,
    /// Coach of `{group}`.
    Coach,
    /// Coach of `{othergroup}`.
    OtherCoach,
    Admin,
}

use Who::*;

const EVERYONE: &[Who] = &[
    Anonymous,
    Learner,
    Invited,
    OtherLearner,
    Instructor,
    OtherInstructor,
    Coach,
    OtherCoach,
    Admin,
];
const SIGNED_IN: &[Who] = &[
    Learner,
    Invited,
    OtherLearner,
    Instructor,
    OtherInstructor,
    Coach,
    OtherCoach,
    Admin,
];
const STAFF: &[Who] = &[Instructor, OtherInstructor, Coach, OtherCoach, Admin];
const COACHES: &[Who] = &[Coach, OtherCoach, Admin];
/// The coach of `{group}` (and of its consenting learner), an admin.
const GROUP_COACH: &[Who] = &[Coach, Admin];
/// The coach of `{othergroup}` (and of its consenting learner), an admin.
const OTHER_GROUP_COACH: &[Who] = &[OtherCoach, Admin];
const AUTHOR: &[Who] = &[Instructor, Admin];
const OTHER_AUTHOR: &[Who] = &[OtherInstructor, Admin];
/// The learner's own badge: nobody else, not even an admin, acts as its
/// holder.
const HOLDER: &[Who] = &[Learner];
/// The learners invited to `{group}`: the one who accepted, the one who
/// has not (yet).
const GROUP_LEARNERS: &[Who] = &[Learner, Invited];
const ADMIN: &[Who] = &[Admin];
const NOBODY: &[Who] = &[];

/// One endpoint call: how to make it and who may.
struct Rule {
    method: &'static str,
    path: &'static str,
    /// Form body (query for GET); `{name}` placeholders are filled in from
    /// the fixture's ids.
    body: &'static str,
    allowed: &'static [Who],
    /// This caller acts on herself here and must be refused with the
    /// reason `not_on_self`.
    on_self: Option<Who>,
    /// Text every allowed answer must contain (the data it is for).
    shows: &'static str,
    /// Texts no answer may contain (data the caller has no right to).
    hides: &'static [&'static str],
}

const fn rule(
    method: &'static str,
    path: &'static str,
    body: &'static str,
    allowed: &'static [Who],
) -> Rule {
    Rule {
        method,
        path,
        body,
        allowed,
        on_self: None,
        shows: "",
        hides: &[],
    }
}

impl Rule {
    const fn on_self(mut self, who: Who) -> Rule {
        self.on_self = Some(who);
        self
    }

    const fn shows(mut self, text: &'static str) -> Rule {
        self.shows = text;
        self
    }

    const fn hides(mut self, texts: &'static [&'static str]) -> Rule {
        self.hides = texts;
        self
    }
}

/// What only the invited (not joined) learner has: her progress row, her
/// evidence and her badge must not reach the coach who invited her.
const INVITEE_DATA: &[&str] = &[
    "\"username\":\"invitee\"",
    "Salaisuus",
    "\"holder\":\"invitee\"",
];

/// The endpoints everyone or the signed-in person uses on her own data,
/// and the coaching ones.
const RULES: &[Rule] = &[
    // Public reads and the account forms.
    rule("POST", "/api/get_catalog", "locale=fi", EVERYONE),
    rule(
        "POST",
        "/api/get_course",
        "slug=digital-basics&locale=fi",
        EVERYONE,
    ),
    rule(
        "POST",
        "/api/get_lesson",
        "course=digital-basics&lesson=devices&locale=fi",
        EVERYONE,
    ),
    rule(
        "POST",
        "/api/get_read_aloud_cues",
        "course=digital-basics&lesson=devices&language=fi",
        EVERYONE,
    ),
    rule("POST", "/api/set_language", "locale=sv", EVERYONE),
    rule("POST", "/api/get_me", "", EVERYONE),
    // Search: everyone; drafts only in the author's results (tested in
    // polku-core's search tests and in http.rs).
    rule("GET", "/api/search", "q=salasana&locale=fi", EVERYONE),
    rule("GET", "/api/suggest", "q=salas&locale=fi", EVERYONE),
    rule(
        "POST",
        "/api/get_course_progress",
        "course=digital-basics&locale=fi",
        EVERYONE,
    ),
    rule(
        "POST",
        "/api/get_discussion",
        "course=digital-basics&lesson=devices",
        EVERYONE,
    ),
    rule("POST", "/api/get_author_home", "locale=fi", STAFF_AUTHORS),
    rule(
        "POST",
        "/api/sign_up",
        "username=x&password=short",
        EVERYONE,
    ),
    rule(
        "POST",
        "/api/log_in",
        "username=nobody&password=wrong-password",
        EVERYONE,
    ),
    rule(
        "POST",
        "/api/reset_password",
        "username=nobody&code=AAAA-BBBB-CCCC&new=long-enough-1",
        EVERYONE,
    ),
    // A signed-in person's own data.
    rule("POST", "/api/get_dashboard", "locale=fi", SIGNED_IN),
    rule("POST", "/api/enrol", "course=digital-basics", SIGNED_IN),
    rule(
        "POST",
        "/api/mark_done",
        "course=digital-basics&lesson=devices&done=true",
        SIGNED_IN,
    ),
    rule(
        "POST",
        "/api/answer_quiz",
        "course=digital-basics&lesson=browser&locale=fi&answer[index]=0&answer[choices][0]=1",
        SIGNED_IN,
    ),
    rule(
        "POST",
        "/api/change_password",
        "current=wrong-password&new=long-enough-2",
        SIGNED_IN,
    ),
    rule("POST", "/api/join_group", "code=NOSUCHCODE", SIGNED_IN),
    rule("POST", "/api/get_my_audit", "", SIGNED_IN),
    rule(
        "POST",
        "/api/post_comment",
        "course=digital-basics&lesson=devices&body=Hei",
        SIGNED_IN,
    ),
    rule(
        "POST",
        "/api/send_feedback",
        "course=digital-basics&lesson=devices&body=Hei",
        SIGNED_IN,
    ),
    rule(
        "POST",
        "/api/delete_my_account",
        "password=wrong-password",
        SIGNED_IN,
    ),
    rule("GET", "/account/export.json", "", SIGNED_IN),
    // Badges: the holder's wallet, sharing and files; evidence for a
    // coach; the public check of a shared link.
    rule("POST", "/api/get_wallet", "", SIGNED_IN),
    rule("POST", "/api/share_badge", "id={badge}&share=true", HOLDER),
    rule("POST", "/api/get_certificate", "id={badge}", HOLDER),
    rule("GET", "/badges/{badge}/badge.json", "", HOLDER),
    rule("POST", "/api/check_shared", "badge=nosuchtoken", EVERYONE),
    rule(
        "POST",
        "/api/get_my_evidence",
        "course=digital-basics&locale=fi",
        EVERYONE,
    ),
    rule(
        "POST",
        "/api/send_evidence",
        "course=digital-basics&badge=job-email&text=Tein&link=",
        SIGNED_IN,
    ),
    rule(
        "POST",
        "/courses/digital-basics/browser/answer",
        "quiz=0&a=1",
        EVERYONE,
    ),
    // A program is run only for someone signed in (it costs the server).
    rule(
        "POST",
        "/courses/first-steps-in-programming/first-program/code",
        "quiz=2&code=print(1)",
        SIGNED_IN,
    ),
    // Messages: a learner and the coach of a group she joined, either
    // way; a group's announcements for its coach (and admins) to write and
    // its members to read. Nobody else, admins included, reads or writes
    // a private conversation.
    rule("POST", "/api/get_inbox", "", SIGNED_IN),
    rule(
        "POST",
        "/api/get_thread",
        "person={learner_account}",
        &[Coach],
    )
    .on_self(Learner)
    .shows("Hei valmentaja"),
    rule(
        "POST",
        "/api/get_thread",
        "person={coach_account}",
        &[Learner],
    )
    .on_self(Coach)
    .shows("Hei valmentaja"),
    rule(
        "POST",
        "/api/get_thread",
        "group={group}",
        &[Learner, Coach, Admin],
    ),
    rule(
        "POST",
        "/api/send_message",
        "person={learner_account}&body=Hei",
        &[Coach],
    )
    .on_self(Learner),
    rule(
        "POST",
        "/api/send_message",
        "person={coach_account}&body=Hei",
        &[Learner],
    )
    .on_self(Coach),
    rule(
        "POST",
        "/api/send_message",
        "group={group}&body=Hei",
        GROUP_COACH,
    ),
    rule(
        "POST",
        "/api/hide_message",
        "id={message}&hidden=false",
        &[Coach],
    ),
    rule(
        "POST",
        "/api/delete_message",
        "id={coach_message}",
        &[Coach],
    ),
    // Appointments: the coach's times are seen and booked by the learner
    // who joined her group (nobody else, admins included); only the
    // learner who booked one cancels it; only its coach changes it or
    // calls it off; the calendar file is for the two of them.
    rule("POST", "/api/get_appointments", "", SIGNED_IN),
    rule(
        "POST",
        "/api/get_appointment",
        "id={time}",
        &[Learner, Coach],
    )
    .shows("video.example.fi"),
    rule(
        "POST",
        "/api/get_appointment",
        "id={free_time}",
        &[Learner, Coach],
    ),
    rule(
        "GET",
        "/appointments/{time}/calendar.ics",
        "",
        &[Learner, Coach],
    )
    .shows("METHOD:REQUEST"),
    rule(
        "GET",
        "/appointments/{free_time}/calendar.ics",
        "",
        &[Coach],
    )
    .shows("METHOD:PUBLISH"),
    rule(
        "POST",
        "/api/offer_times",
        "date={week_y}-{week_m}-{week_d}&time=10:00&minutes=30&count=2&place=phone&location=&note=",
        &[Coach, OtherCoach],
    ),
    rule(
        "POST",
        "/api/change_time",
        "id={free_time}&date={week_y}-{week_m}-{week_d}&time=12:00&minutes=45&place=phone&location=&note=Soitan",
        &[Coach],
    ),
    rule(
        "POST",
        "/api/ask_other_time",
        "id={time}&body=Sopisiko toinen aika",
        &[Learner],
    )
    .on_self(Coach),
    rule("POST", "/api/cancel_booking", "id={time}", &[Learner]),
    rule("POST", "/api/book_time", "id={free_time}", &[Learner]).on_self(Coach),
    rule(
        "POST",
        "/api/call_off_time",
        "id={spare_time}&reason=",
        &[Coach],
    ),
    // Notifications and e-mail settings: one's own only.
    rule("POST", "/api/get_notifications", "", SIGNED_IN),
    rule("POST", "/api/get_email_settings", "", SIGNED_IN),
    rule(
        "POST",
        "/api/set_email_settings",
        "email=&message=on&bodies=",
        SIGNED_IN,
    ),
    // A link to confirm one's own address (none given here: refused in
    // words); confirming needs only the link's code.
    rule("POST", "/api/request_email_confirmation", "", SIGNED_IN),
    rule("POST", "/api/confirm_email", "code=not-a-code", EVERYONE),
    // Staff.
    rule(
        "POST",
        "/api/hide_comment",
        "course=digital-basics&lesson=devices&id={comment}&hidden=false",
        STAFF,
    ),
    // Coaches: their own groups only (admins: all); a learner's data only
    // once she consented (joined or accepted), never an invitee's.
    rule("POST", "/api/get_coach_home", "", COACHES),
    rule("POST", "/api/create_group", "name=Uusi", COACHES),
    rule(
        "POST",
        "/api/get_group",
        "id={group}&locale=fi",
        GROUP_COACH,
    )
    .shows("\"username\":\"learner\"")
    .hides(INVITEE_DATA),
    rule(
        "POST",
        "/api/get_group",
        "id={othergroup}&locale=fi",
        OTHER_GROUP_COACH,
    )
    .shows("\"username\":\"otherlearner\""),
    rule("GET", "/coach/groups/{group}/table.csv", "", GROUP_COACH)
        .shows("learner")
        .hides(&["invitee"]),
    rule(
        "GET",
        "/coach/groups/{othergroup}/table.csv",
        "",
        OTHER_GROUP_COACH,
    )
    .shows("otherlearner"),
    rule(
        "POST",
        "/api/add_member",
        "group={group}&username=spare",
        GROUP_COACH,
    ),
    // A coach is never a member of his own group.
    rule(
        "POST",
        "/api/add_member",
        "group={group}&username=coach",
        NOBODY,
    )
    .on_self(Coach),
    rule(
        "POST",
        "/api/remove_member",
        "group={group}&user={spare}",
        GROUP_COACH,
    ),
    rule(
        "POST",
        "/api/make_reset_code",
        "username=learner",
        GROUP_COACH,
    )
    .on_self(Learner),
    rule("POST", "/api/make_reset_code", "username=invitee", ADMIN).on_self(Invited),
    rule(
        "POST",
        "/api/make_reset_code",
        "username=otherlearner",
        OTHER_GROUP_COACH,
    )
    .on_self(OtherLearner),
    // Staff: only an admin, never for oneself.
    rule("POST", "/api/make_reset_code", "username=coach", ADMIN).on_self(Coach),
    rule("POST", "/api/make_reset_code", "username=admin", NOBODY).on_self(Admin),
    rule(
        "POST",
        "/api/revoke_badge",
        "group={group}&badge={badge}&reason=Testi",
        GROUP_COACH,
    )
    .on_self(Learner),
    rule(
        "POST",
        "/api/revoke_badge",
        "group={group}&badge={invited_badge}&reason=Testi",
        ADMIN,
    )
    .on_self(Invited),
    rule(
        "POST",
        "/api/revoke_badge",
        "group={othergroup}&badge={other_badge}&reason=Testi",
        OTHER_GROUP_COACH,
    )
    .on_self(OtherLearner),
    rule(
        "POST",
        "/api/allow_reissue",
        "group={group}&badge={badge}&reason=Testi",
        GROUP_COACH,
    )
    .on_self(Learner),
    rule(
        "POST",
        "/api/allow_reissue",
        "group={group}&badge={invited_badge}&reason=Testi",
        ADMIN,
    )
    .on_self(Invited),
    rule(
        "POST",
        "/api/allow_reissue",
        "group={othergroup}&badge={other_badge}&reason=Testi",
        OTHER_GROUP_COACH,
    )
    .on_self(OtherLearner),
    rule(
        "POST",
        "/api/decide_evidence",
        "group={group}&request={request}&decision=decline&note=Lisää+linkki",
        GROUP_COACH,
    )
    .on_self(Learner),
    rule(
        "POST",
        "/api/decide_evidence",
        "group={group}&request={invited_request}&decision=decline&note=Lisää+linkki",
        ADMIN,
    )
    .on_self(Invited),
];

/// `get_author_home` answers every staff member (an instructor with the
/// courses she authors); it refuses the others.
const STAFF_AUTHORS: &[Who] = &[Instructor, OtherInstructor, Admin];

/// The authoring endpoints on one course, for its author (and admins).
macro_rules! authoring {
    ($course:literal, $lesson:literal, $badge:literal, $allowed:expr) => {
        &[
            rule(
                "POST",
                "/api/get_outline",
                concat!("course=", $course, "&locale=fi"),
                $allowed,
            ),
            rule(
                "POST",
                "/api/get_editing",
                concat!("course=", $course, "&lesson=", $lesson, "&lang=fi"),
                $allowed,
            ),
            rule(
                "POST",
                "/api/preview_lesson",
                concat!("course=", $course, "&lesson=", $lesson, "&lang=fi&text=Hei"),
                $allowed,
            ),
            rule(
                "POST",
                "/api/save_lesson",
                concat!(
                    "course=",
                    $course,
                    "&lesson=",
                    $lesson,
                    "&lang=fi&text=%2B%2B%2B%0Atitle+%3D+%22T%22%0A%2B%2B%2B%0AHei&intent=draft"
                ),
                $allowed,
            ),
            rule(
                "POST",
                "/api/restore_revision",
                concat!("course=", $course, "&lesson=", $lesson, "&lang=fi&number=1"),
                $allowed,
            ),
            rule(
                "POST",
                "/api/create_lesson",
                concat!("course=", $course, "&slug=&title="),
                $allowed,
            ),
            rule(
                "POST",
                "/api/move_lesson",
                concat!("course=", $course, "&lesson=", $lesson, "&direction=down"),
                $allowed,
            ),
            rule(
                "POST",
                "/api/get_course_feedback",
                concat!("course=", $course, "&locale=fi"),
                $allowed,
            ),
            rule(
                "POST",
                "/api/get_badge_editor",
                concat!("course=", $course, "&badge=", $badge, "&locale=fi"),
                $allowed,
            ),
            rule(
                "POST",
                "/api/save_badge",
                concat!(
                    "course=",
                    $course,
                    "&slug=",
                    $badge,
                    "&texts[0][language]=fi&texts[0][name]=Merkki&texts[0][description]=&texts[0][criteria]=&min_quiz_score=&valid_days="
                ),
                $allowed,
            ),
            rule(
                "GET",
                concat!("/author/courses/", $course, "/export.zip"),
                "",
                $allowed,
            ),
            rule(
                "GET",
                concat!("/author/courses/", $course, "/export.imscc"),
                "",
                $allowed,
            ),
        ]
    };
}

/// Instructors: the courses they author only (admins: all).
const AUTHORING: &[Rule] = authoring!("digital-basics", "devices", "digital-basics", AUTHOR);
const OTHER_AUTHORING: &[Rule] = authoring!(
    "job-seeking-online",
    "job-portals",
    "online-job-seeker",
    OTHER_AUTHOR
);

/// Admins; never on themselves.
const ADMINS: &[Rule] = &[
    rule("POST", "/api/get_admin_home", "", ADMIN),
    rule(
        "POST",
        "/api/approve_badge",
        "course=digital-basics&badge=digital-basics&version=0123abcd",
        ADMIN,
    ),
    rule("POST", "/api/get_audit", "person=learner&page=0", ADMIN),
    rule("POST", "/api/get_pathway_editor", "locale=fi", ADMIN),
    // A draft: the site's pathways stay as they are for the other rules.
    rule(
        "POST",
        "/api/save_pathways",
        "text=%23+draft&intent=draft",
        ADMIN,
    ),
    rule("POST", "/api/discard_pathways_draft", "", ADMIN),
    rule("POST", "/api/set_role", "user={spare}&role=learner", ADMIN),
    rule("POST", "/api/set_role", "user={admin}&role=admin", NOBODY).on_self(Admin),
    rule(
        "POST",
        "/api/set_author",
        "user={spare}&course=digital-basics&author=false",
        ADMIN,
    ),
    rule(
        "POST",
        "/api/set_author",
        "user={admin}&course=digital-basics&author=true",
        NOBODY,
    )
    .on_self(Admin),
    rule("POST", "/api/delete_user", "user={victim}", ADMIN),
    rule("GET", "/admin/users/{victim}/export.json", "", ADMIN),
];

/// Last, as they change the fixture.
const LAST: &[Rule] = &[
    // Only the invited learners accept (the learner already has: no
    // change; the invitee consents now, after every rule that needs her
    // not to have).
    rule(
        "POST",
        "/api/accept_invitation",
        "group={group}",
        GROUP_LEARNERS,
    ),
    // The learners leave the group the rules above use.
    rule("POST", "/api/leave_group", "group={group}", GROUP_LEARNERS),
    // Metrics answer the operator's token (observe.rs), never a
    // session, not even an admin's.
    rule("GET", "/metrics", "", &[]),
    // Last: it ends each caller's session.
    rule("POST", "/api/log_out", "", EVERYONE),
];

/// Every rule, in the order the matrix calls them.
fn rules() -> impl Iterator<Item = &'static Rule> {
    [RULES, AUTHORING, OTHER_AUTHORING, ADMINS, LAST]
        .into_iter()
        .flatten()
}

/// Plain routes that need no check (public by nature), with the reason.
const PUBLIC_ROUTES: &[&str] = &[
    "/healthz",                                    // liveness
    "/readyz",                                     // readiness: ok or not per part, no detail
    "/api/openapi.json",                           // the API description
    "/lang",                                       // language cookie
    "/reading",                                    // reading settings cookie
    "/courses/{course}/{lesson}/audio/{language}", // a published lesson read aloud
    "/courses/{course}/offline.json",              // what saving a published course takes
    "/sw.js",                                      // the service worker
    "/media/{course}/{*path}",                     // published course media
    "/author/login",                               // the admin-token sign-in form
    "/author/logout",                              // clears the author cookie
    "/.well-known/did.json",                       // the badge issuer's public keys
    "/api/verify",                                 // anyone checks a badge (employers, no account)
    "/verify",                                     // the same from the page's form
    "/badges/status/1",                            // the signed revocation list verifiers read
    "/badges/default.png",                         // the default picture badges name as their image
    "/badges/shared/{token}/qr.svg",               // a shared badge's QR (the token is the key)
];

struct Fixture {
    db: DatabaseConnection,
    cookies: Vec<(Who, String)>,
    /// Placeholder name → id: groups, badges, evidence, accounts.
    ids: BTreeMap<&'static str, i32>,
}

async fn person(db: &DatabaseConnection, name: &str, role: Role) -> String {
    common::signed_up(db, name, role).await
}

/// A badge held by `user` and evidence she sent (pending), on
/// digital-basics: (badge id, evidence id).
async fn badge_and_evidence(db: &DatabaseConnection, user: i32, evidence: &str) -> (i32, i32) {
    use polku_core::db::entities::{badge_awards, badge_requests, courses};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let course = courses::Entity::find()
        .filter(courses::Column::Slug.eq("digital-basics"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let badge = badge_awards::ActiveModel {
        user_id: Set(user),
        course_id: Set(Some(course.id)),
        badge_slug: Set("digital-basics".into()),
        credential: Set("{}".into()),
        issued_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let request = badge_requests::ActiveModel {
        user_id: Set(user),
        course_id: Set(course.id),
        badge_slug: Set("digital-basics".into()),
        evidence_text: Set(evidence.into()),
        state: Set("pending".into()),
        submitted_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    (badge.id, request.id)
}

async fn fixture(url: &str) -> Fixture {
    let db = polku_core::db::open(url).await.unwrap();
    let mut cookies = Vec::new();
    for (who, name, role) in [
        (Learner, "learner", Role::Learner),
        (Invited, "invitee", Role::Learner),
        (OtherLearner, "otherlearner", Role::Learner),
        (Instructor, "instructor", Role::Instructor),
        (OtherInstructor, "otherinstructor", Role::Instructor),
        (Coach, "coach", Role::Coach),
        (OtherCoach, "othercoach", Role::Coach),
        (Admin, "admin", Role::Admin),
    ] {
        cookies.push((who, person(&db, name, role).await));
    }
    person(&db, "spare", Role::Learner).await;
    let actor = async |name: &str| Actor::for_cli(&db, name).await.unwrap();
    let boss = actor("admin").await;
    // Each instructor authors one course.
    for (name, course) in [
        ("instructor", "digital-basics"),
        ("otherinstructor", "job-seeking-online"),
    ] {
        let who = actor(name).await;
        let grant = authorize(&db, &boss, Act::ManageAccount, PersonId(who.id()))
            .await
            .unwrap();
        admin::set_course_author(&db, grant, course, true)
            .await
            .unwrap();
    }
    // The coach's group: the learner accepted her invitation, the invitee
    // has not.
    let coach = actor("coach").await;
    let group = coaching::create_group(&db, &coach, "Ryhmä").await.unwrap();
    let grant = authorize(&db, &coach, Act::CoachGroup, GroupId(group.id))
        .await
        .unwrap();
    coaching::invite(&db, &grant, "learner").await.unwrap();
    coaching::invite(&db, &grant, "invitee").await.unwrap();
    let learner = actor("learner").await;
    coaching::accept(&db, &learner, group.id).await.unwrap();
    // The other coach's group: the other learner joined with its code.
    let othercoach = actor("othercoach").await;
    let othergroup = coaching::create_group(&db, &othercoach, "Toinen")
        .await
        .unwrap();
    let otherlearner = actor("otherlearner").await;
    coaching::join(&db, &otherlearner, &othergroup.join_code)
        .await
        .unwrap();
    polku_core::discussion::post_comment(&db, &learner, "digital-basics", "devices", "Hei")
        .await
        .unwrap();
    let comment = polku_core::discussion::comments(&db, &learner, "digital-basics", "devices")
        .await
        .unwrap()[0]
        .id;
    let invitee = actor("invitee").await;
    let (message, coach_message) = {
        use polku_core::messages::{self, ThreadRef};
        let to_coach = ThreadRef::Person(coach.id());
        let to_learner = ThreadRef::Person(learner.id());
        (
            messages::send(&db, &learner, to_coach, "Hei valmentaja")
                .await
                .unwrap(),
            messages::send(&db, &coach, to_learner, "Hei")
                .await
                .unwrap(),
        )
    };
    // The coach's times, three days ahead: one the learner booked, two
    // open.
    let (time, free_time, spare_time) = {
        use polku_core::appointments::{self, Offer};
        let date = (chrono::Utc::now() + chrono::Duration::days(3))
            .format("%Y-%m-%d")
            .to_string();
        let offer = Offer {
            date,
            time: "10:00".into(),
            minutes: 30,
            count: 3,
            place: "video".into(),
            where_: "https://video.example.fi/coach".into(),
            note: String::new(),
        };
        let ids = appointments::offer(&db, &coach, &offer).await.unwrap();
        appointments::book(&db, &learner, ids[0]).await.unwrap();
        (ids[0], ids[1], ids[2])
    };
    let week = chrono::Utc::now() + chrono::Duration::days(7);
    let (badge, request) = badge_and_evidence(&db, learner.id(), "Tein").await;
    let (invited_badge, invited_request) = badge_and_evidence(&db, invitee.id(), "Salaisuus").await;
    let (other_badge, _) = badge_and_evidence(&db, otherlearner.id(), "Tein myös").await;
    let ids = BTreeMap::from([
        ("group", group.id),
        ("othergroup", othergroup.id),
        ("comment", comment),
        ("badge", badge),
        ("request", request),
        ("invited_badge", invited_badge),
        ("invited_request", invited_request),
        ("other_badge", other_badge),
        ("admin", boss.id()),
        ("spare", actor("spare").await.id()),
        ("learner_account", learner.id()),
        ("coach_account", coach.id()),
        ("message", message),
        ("coach_message", coach_message),
        ("time", time),
        ("free_time", free_time),
        ("spare_time", spare_time),
        ("week_y", chrono::Datelike::year(&week)),
        (
            "week_m",
            i32::try_from(chrono::Datelike::month(&week)).unwrap(),
        ),
        (
            "week_d",
            i32::try_from(chrono::Datelike::day(&week)).unwrap(),
        ),
    ]);
    Fixture { db, cookies, ids }
}

/// Fills every `{name}` of `text` from `ids`.
fn fill(text: &str, ids: &BTreeMap<&'static str, i32>) -> String {
    ids.iter().fold(text.to_owned(), |text, (name, id)| {
        text.replace(&format!("{{{name}}}"), &id.to_string())
    })
}

/// Whether the server refused: 401/403 from plain routes, or a server
/// function's `Forbidden`/`Unauthenticated` error; `get_author_home`
/// refuses by answering "not signed in".
fn refused(path: &str, status: StatusCode, body: &str) -> bool {
    if path == "/api/get_author_home" {
        return body.contains("\"signed_in\":false") || body.contains("\"courses\":[]");
    }
    if body.contains("error=not_your_learner")
        || body.contains("error=not_on_self")
        || body.contains("error=message_closed")
        || body.contains("\"Rejected\":\"not_on_self\"")
    {
        return true;
    }
    // Someone else's data is "not found" (one denial rule): every
    // resource the table names exists, so "not found" is a refusal.
    if status == StatusCode::NOT_FOUND || body.contains("\"NotFound\"") {
        return true;
    }
    matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
        || body.contains("\"Forbidden\"")
        || body.contains("\"Unauthenticated\"")
}

/// Whether the route pattern `pattern` (axum's `{x}` and `{*rest}`)
/// matches the rule's path `path` (whose own `{placeholders}` stand for
/// any segment).
fn matches_route(pattern: &str, path: &str) -> bool {
    let mut path = path.split('/');
    for segment in pattern.split('/') {
        if segment.starts_with("{*") {
            return path.next().is_some_and(|s| !s.is_empty());
        }
        match path.next() {
            Some(p) if segment.starts_with('{') => {
                if p.is_empty() {
                    return false;
                }
            }
            Some(p) if p == segment => {}
            _ => return false,
        }
    }
    path.next().is_none()
}

async fn call(
    app: &Router,
    method: &str,
    path: &str,
    body: String,
    cookie: Option<&str>,
) -> (StatusCode, String) {
    // GET server functions take their arguments in the query.
    let (uri, body) = if method == "GET" && !body.is_empty() {
        (format!("{path}?{body}"), String::new())
    } else {
        (path.to_owned(), body)
    };
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("sec-fetch-site", "same-origin")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let (status, headers, text) = send(app, request.body(Body::from(body)).unwrap()).await;
    // A refusal shown on the form comes back as a redirect.
    let location = headers
        .get(http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    (status, format!("{text} {location}"))
}

/// Every endpoint in the table, and every rule an endpoint: the server
/// functions from the registry, the plain routes from the router's list.
fn check_completeness() -> (usize, usize) {
    let registered: BTreeMap<String, String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, m)| (p.to_owned(), m.to_string()))
        .collect();
    let plain: Vec<(&str, String)> = server::routes::plain_routes()
        .into_iter()
        .map(|r| (r.path, r.method.to_string()))
        .collect();
    let ruled: BTreeSet<(&str, &str)> = rules().map(|r| (r.method, r.path)).collect();
    let mut problems = Vec::new();
    for (path, method) in &registered {
        if !ruled.contains(&(method.as_str(), path.as_str())) {
            problems.push(format!("server function without a rule: {method} {path}"));
        }
    }
    for (path, method) in &plain {
        let covered = PUBLIC_ROUTES.contains(path)
            || ruled
                .iter()
                .any(|(m, p)| m == method && matches_route(path, p));
        if !covered {
            problems.push(format!("plain route without a rule: {method} {path}"));
        }
    }
    for public in PUBLIC_ROUTES {
        if !plain.iter().any(|(p, _)| p == public) {
            problems.push(format!("public route {public} is not in the router"));
        }
    }
    for (method, path) in &ruled {
        let known = registered.get(*path).is_some_and(|m| m == method)
            || plain
                .iter()
                .any(|(p, m)| m == method && matches_route(p, path));
        if !known {
            problems.push(format!("rule for no endpoint: {method} {path}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        registered.len() >= 40,
        "the registry lists the server functions ({})",
        registered.len()
    );
    (registered.len(), plain.len())
}

/// Calls every rule as every caller on one backend; the failures.
async fn run_matrix(backend: &str, app: &Router, f: &Fixture) -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let mut calls = 0;
    for rule in rules() {
        for who in EVERYONE {
            let cookie = f
                .cookies
                .iter()
                .find(|(w, _)| w == who)
                .map(|(_, c)| c.clone());
            // A fresh target for the destructive calls.
            let mut ids = f.ids.clone();
            if rule.path.contains("{victim}") || rule.body.contains("{victim}") {
                let account = NewAccount {
                    username: format!("victim{}", rand_suffix()),
                    password: "long enough secret".into(),
                    ..Default::default()
                };
                let victim = accounts::create_account(&f.db, account, Role::Learner)
                    .await
                    .unwrap();
                ids.insert("victim", victim);
            }
            let path = fill(rule.path, &ids);
            let body = fill(rule.body, &ids);
            let (status, text) =
                call(app, rule.method, &path, body.clone(), cookie.as_deref()).await;
            calls += 1;
            let denied = refused(rule.path, status, &text);
            let expected_allowed = rule.allowed.contains(who);
            let what = format!("[{backend}] {} {path} {body} as {who:?}", rule.method);
            let excerpt = || text.chars().take(160).collect::<String>();
            if denied == expected_allowed {
                failures.push(format!(
                    "{what}: expected {}, got {status} {}",
                    if expected_allowed {
                        "allowed"
                    } else {
                        "refused"
                    },
                    excerpt()
                ));
            }
            if rule.on_self == Some(*who) && !text.contains("not_on_self") {
                failures.push(format!(
                    "{what}: acts on herself, expected not_on_self, got {status} {}",
                    excerpt()
                ));
            }
            if !denied && !rule.shows.is_empty() && !text.contains(rule.shows) {
                failures.push(format!("{what}: the answer lacks {}", rule.shows));
            }
            for hidden in rule.hides {
                if text.contains(hidden) {
                    failures.push(format!("{what}: the answer shows {hidden}"));
                }
            }
            // No answer is a failure of the server, refusals included: a
            // refusal is 4xx (or a redirect back to the form).
            if status.is_server_error() {
                failures.push(format!("{what}: {status}"));
            }
        }
    }
    (failures, calls)
}

#[tokio::test]
async fn every_endpoint_allows_exactly_the_right_roles() {
    let (functions, plain) = check_completeness();
    let rule_count = rules().count();
    let mut failures = Vec::new();
    let mut calls = 0;
    let mut backends = Vec::new();
    for (backend, url, dir) in fresh_databases().await {
        let app = app_on(&url, dir.path(), &[]).await;
        let f = fixture(&url).await;
        let (mut failed, made) = run_matrix(backend, &app, &f).await;
        failures.append(&mut failed);
        calls += made;
        backends.push(backend);
    }
    eprintln!(
        "authz matrix: {functions} server functions + {plain} plain routes ({} public); \
         {rule_count} rules x {} actors = {} calls per backend; backends {backends:?}: {calls} calls",
        PUBLIC_ROUTES.len(),
        EVERYONE.len(),
        rule_count * EVERYONE.len(),
    );
    assert!(
        failures.is_empty(),
        "{} authorisation failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn rand_suffix() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}
