//! The authorisation matrix: every server function and every plain route,
//! called by every role (signed out, learner, instructor, coach, admin) on
//! their own and on others' data, must be allowed or refused exactly as
//! the table below says. The list of server functions is read from the
//! running registry and the plain routes from the router's source, so a
//! new endpoint that is not in the table fails this test.
#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use std::collections::BTreeSet;

use axum::Router;
use axum::body::Body;
use common::{app, send};
use http::header::{CONTENT_TYPE, COOKIE};
use http::{Request, StatusCode};
use polku_core::accounts::{self, NewAccount, Role, admin};
use polku_core::authz::{Act, GroupId, PersonId, authorize};
use polku_core::coaching;
use polku_core::db::DatabaseConnection;

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Learner,
    /// A learner acting on another learner's data (or a stranger's group).
    OtherLearner,
    Instructor,
    /// An instructor who does not author the course in question.
    OtherInstructor,
    Coach,
    /// A coach who does not coach the group in question.
    OtherCoach,
    Admin,
}

use Who::*;

const EVERYONE: &[Who] = &[
    Anonymous,
    Learner,
    OtherLearner,
    Instructor,
    OtherInstructor,
    Coach,
    OtherCoach,
    Admin,
];
const SIGNED_IN: &[Who] = &[
    Learner,
    OtherLearner,
    Instructor,
    OtherInstructor,
    Coach,
    OtherCoach,
    Admin,
];
const STAFF: &[Who] = &[Instructor, OtherInstructor, Coach, OtherCoach, Admin];
const COACHES: &[Who] = &[Coach, OtherCoach, Admin];
const GROUP_COACH: &[Who] = &[Coach, Admin];
const AUTHOR: &[Who] = &[Instructor, Admin];
/// The learner's own badge: nobody else, not even an admin, acts as its
/// holder.
const HOLDER: &[Who] = &[Learner];
const ADMIN: &[Who] = &[Admin];

/// One endpoint: how to call it and who may.
struct Rule {
    method: &'static str,
    path: &'static str,
    /// Form body; `{group}`, `{victim}` and `{spare}` are filled in.
    body: &'static str,
    allowed: &'static [Who],
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
    }
}

/// Every endpoint. "Allowed" for public reads that answer differently
/// when signed out (e.g. no progress) means "answers without refusing".
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
    rule("POST", "/api/get_author_home", "locale=fi", AUTHOR),
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
    // Only the invited learner accepts (she already has: no change).
    rule("POST", "/api/accept_invitation", "group={group}", HOLDER),
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
    // Staff.
    rule(
        "POST",
        "/api/hide_comment",
        "course=digital-basics&lesson=devices&id={comment}&hidden=false",
        STAFF,
    ),
    // Coaches: their own groups only (admins: all).
    rule("POST", "/api/get_coach_home", "", COACHES),
    rule("POST", "/api/create_group", "name=Uusi", COACHES),
    rule(
        "POST",
        "/api/get_group",
        "id={group}&locale=fi",
        GROUP_COACH,
    ),
    rule(
        "POST",
        "/api/add_member",
        "group={group}&username=spare",
        GROUP_COACH,
    ),
    rule(
        "POST",
        "/api/remove_member",
        "group={group}&user={spare}",
        GROUP_COACH,
    ),
    rule("GET", "/coach/groups/{group}/table.csv", "", GROUP_COACH),
    rule(
        "POST",
        "/api/make_reset_code",
        "username=learner",
        GROUP_COACH,
    ),
    rule(
        "POST",
        "/api/revoke_badge",
        "group={group}&badge={badge}&reason=Testi",
        GROUP_COACH,
    ),
    rule(
        "POST",
        "/api/decide_evidence",
        "group={group}&request={request}&decision=decline&note=Lisää+linkki",
        GROUP_COACH,
    ),
    // Instructors: the courses they author only (admins: all).
    rule(
        "POST",
        "/api/get_outline",
        "course=digital-basics&locale=fi",
        AUTHOR,
    ),
    rule(
        "POST",
        "/api/get_editing",
        "course=digital-basics&lesson=devices&lang=fi",
        AUTHOR,
    ),
    rule(
        "POST",
        "/api/preview_lesson",
        "course=digital-basics&lesson=devices&lang=fi&text=Hei",
        AUTHOR,
    ),
    rule(
        "POST",
        "/api/save_lesson",
        "course=digital-basics&lesson=devices&lang=fi&text=%2B%2B%2B%0Atitle+%3D+%22T%22%0A%2B%2B%2B%0AHei&intent=draft",
        AUTHOR,
    ),
    rule(
        "POST",
        "/api/restore_revision",
        "course=digital-basics&lesson=devices&lang=fi&number=1",
        AUTHOR,
    ),
    rule(
        "POST",
        "/api/create_lesson",
        "course=digital-basics&slug=&title=",
        AUTHOR,
    ),
    rule(
        "POST",
        "/api/move_lesson",
        "course=digital-basics&lesson=devices&direction=down",
        AUTHOR,
    ),
    rule(
        "POST",
        "/api/get_course_feedback",
        "course=digital-basics&locale=fi",
        AUTHOR,
    ),
    rule(
        "POST",
        "/api/get_badge_editor",
        "course=digital-basics&badge=digital-basics&locale=fi",
        AUTHOR,
    ),
    rule(
        "POST",
        "/api/save_badge",
        "course=digital-basics&slug=digital-basics&texts[0][language]=fi&texts[0][name]=Digitaidot&texts[0][description]=&texts[0][criteria]=&min_quiz_score=&valid_days=",
        AUTHOR,
    ),
    rule(
        "GET",
        "/author/courses/digital-basics/export.zip",
        "",
        AUTHOR,
    ),
    // Admins.
    rule("POST", "/api/get_admin_home", "", ADMIN),
    rule("POST", "/api/get_audit", "person=learner&page=0", ADMIN),
    rule("POST", "/api/set_role", "user={spare}&role=learner", ADMIN),
    rule(
        "POST",
        "/api/set_author",
        "user={spare}&course=digital-basics&author=false",
        ADMIN,
    ),
    rule("POST", "/api/delete_user", "user={victim}", ADMIN),
    rule("GET", "/admin/users/{victim}/export.json", "", ADMIN),
    // Near the end: the learner leaves the group the rules above use.
    rule("POST", "/api/leave_group", "group={group}", HOLDER),
    // Last: it ends each caller's session.
    rule("POST", "/api/log_out", "", EVERYONE),
];

/// Plain routes that need no check (public by nature), with the reason.
const PUBLIC_ROUTES: &[&str] = &[
    "/healthz",                      // liveness
    "/lang",                         // language cookie
    "/media/{course}/{*path}",       // published course media
    "/author/login",                 // the admin-token sign-in form
    "/author/logout",                // clears the author cookie
    "/.well-known/did.json",         // the badge issuer's public keys
    "/api/verify",                   // anyone checks a badge (employers, no account)
    "/verify",                       // the same from the page's form
    "/badges/status/1",              // the signed revocation list verifiers read
    "/badges/shared/{token}/qr.svg", // a shared badge's QR (the token is the key)
];

struct Fixture {
    db: DatabaseConnection,
    cookies: Vec<(Who, String)>,
    group: i32,
    comment: i32,
    /// A badge the learner holds.
    badge: i32,
    /// Evidence the learner sent, waiting for the coach.
    request: i32,
}

async fn person(db: &DatabaseConnection, name: &str, role: Role) -> String {
    let account = NewAccount {
        username: name.into(),
        password: "long enough secret".into(),
        ..Default::default()
    };
    accounts::create_account(db, account, role).await.unwrap();
    let session = accounts::log_in(
        db,
        name,
        "long enough secret",
        None,
        accounts::UNKNOWN_CLIENT,
    )
    .await
    .unwrap();
    format!("polku_session={}", session.token)
}

async fn fixture(dir: &tempfile::TempDir) -> Fixture {
    let url = format!("sqlite://{}", dir.path().join("polku.db").display());
    let db = polku_core::db::open(&url).await.unwrap();
    let mut cookies = Vec::new();
    for (who, name, role) in [
        (Learner, "learner", Role::Learner),
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
    let boss = accounts::authenticate(
        &db,
        cookies[6].1.trim_start_matches("polku_session="),
        accounts::SessionIdle::default(),
    )
    .await
    .unwrap()
    .unwrap();
    let instructor = accounts::Actor::for_cli(&db, "instructor").await.unwrap();
    let grant = authorize(&db, &boss, Act::ManageAccount, PersonId(instructor.id()))
        .await
        .unwrap();
    admin::set_course_author(&db, grant, "digital-basics", true)
        .await
        .unwrap();
    let coach = accounts::Actor::for_cli(&db, "coach").await.unwrap();
    let group = coaching::create_group(&db, &coach, "Ryhmä").await.unwrap();
    let grant = authorize(&db, &coach, Act::CoachGroup, GroupId(group.id))
        .await
        .unwrap();
    coaching::invite(&db, &grant, "learner").await.unwrap();
    let learner = accounts::Actor::for_cli(&db, "learner").await.unwrap();
    coaching::accept(&db, &learner, group.id).await.unwrap();
    polku_core::discussion::post_comment(&db, &learner, "digital-basics", "devices", "Hei")
        .await
        .unwrap();
    let comment = polku_core::discussion::comments(&db, &learner, "digital-basics", "devices")
        .await
        .unwrap()[0]
        .id;
    let (badge, request) = {
        use polku_core::db::entities::{badge_awards, badge_requests, courses};
        use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
        let course = courses::Entity::find()
            .filter(courses::Column::Slug.eq("digital-basics"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let badge = badge_awards::ActiveModel {
            user_id: Set(learner.id()),
            course_id: Set(course.id),
            badge_slug: Set("digital-basics".into()),
            credential: Set("{}".into()),
            issued_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        let request = badge_requests::ActiveModel {
            user_id: Set(learner.id()),
            course_id: Set(course.id),
            badge_slug: Set("digital-basics".into()),
            evidence_text: Set("Tein".into()),
            state: Set("pending".into()),
            submitted_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        (badge.id, request.id)
    };
    Fixture {
        db,
        cookies,
        group: group.id,
        comment,
        badge,
        request,
    }
}

fn fill(text: &str, f: &Fixture, victim: i32, spare: i32) -> String {
    text.replace("{group}", &f.group.to_string())
        .replace("{comment}", &f.comment.to_string())
        .replace("{badge}", &f.badge.to_string())
        .replace("{request}", &f.request.to_string())
        .replace("{victim}", &victim.to_string())
        .replace("{spare}", &spare.to_string())
}

/// Whether the server refused: 401/403 from plain routes, or a server
/// function's `Forbidden`/`Unauthenticated` error; `get_author_home`
/// refuses by answering "not signed in".
fn refused(path: &str, status: StatusCode, body: &str) -> bool {
    if path == "/api/get_author_home" {
        return body.contains("\"signed_in\":false") || body.contains("\"courses\":[]");
    }
    if body.contains("error=not_your_learner") || body.contains("error=not_on_self") {
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

#[tokio::test]
async fn every_endpoint_allows_exactly_the_right_roles() {
    let (app, dir) = app().await;
    let f = fixture(&dir).await;

    // Completeness: every registered server function and every plain
    // route is in the table.
    let ruled: BTreeSet<&str> = RULES.iter().map(|r| r.path).collect();
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_owned())
        .collect();
    let missing: Vec<&String> = registered
        .iter()
        .filter(|p| !ruled.contains(p.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "server functions without an authorisation rule: {missing:?}"
    );
    assert!(
        registered.len() >= 40,
        "the registry lists the server functions ({})",
        registered.len()
    );
    let source = std::fs::read_to_string(format!(
        "{}/src/routes/mod.rs",
        std::env::var("CARGO_MANIFEST_DIR").unwrap()
    ))
    .unwrap();
    for route in source
        .split(".route(\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
    {
        let covered = PUBLIC_ROUTES.contains(&route)
            || RULES.iter().any(|r| {
                let pattern = r
                    .path
                    .replace("{group}", "{id}")
                    .replace("{victim}", "{id}")
                    .replace("{badge}", "{id}");
                pattern == route
                    || route.replace("{file}", "badge.json") == pattern
                    || route
                        .replace("{course}", "digital-basics")
                        .replace("{lesson}", "browser")
                        == r.path
            });
        assert!(covered, "the route {route} has no authorisation rule");
    }

    // The matrix.
    let mut failures = Vec::new();
    for rule in RULES {
        for who in EVERYONE {
            let cookie = f
                .cookies
                .iter()
                .find(|(w, _)| w == who)
                .map(|(_, c)| c.clone());
            // Fresh targets for the destructive calls.
            let victim_name = format!("victim{}", failures.len() + rand_suffix());
            let victim = {
                let account = NewAccount {
                    username: victim_name.clone(),
                    password: "long enough secret".into(),
                    ..Default::default()
                };
                accounts::create_account(&f.db, account, Role::Learner)
                    .await
                    .unwrap()
            };
            let spare = accounts::Actor::for_cli(&f.db, "spare").await.unwrap().id();
            let path = fill(rule.path, &f, victim, spare);
            // Someone else's group for the "other" roles is the same group:
            // they do not coach it.
            let body = fill(rule.body, &f, victim, spare);
            let (status, text) = call(&app, rule.method, &path, body, cookie.as_deref()).await;
            let denied = refused(rule.path, status, &text);
            let expected_allowed = rule.allowed.contains(who);
            if denied == expected_allowed {
                failures.push(format!(
                    "{} {} as {who:?}: expected {}, got {status} {}",
                    rule.method,
                    rule.path,
                    if expected_allowed {
                        "allowed"
                    } else {
                        "refused"
                    },
                    text.chars().take(120).collect::<String>()
                ));
            }
            if status == StatusCode::INTERNAL_SERVER_ERROR
                && !denied
                && text.contains("\"Internal\"")
            {
                failures.push(format!(
                    "{} {} as {who:?}: internal error",
                    rule.method, rule.path
                ));
            }
        }
    }
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
