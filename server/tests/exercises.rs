//! The interactive exercises of the bundled lessons (order, match, spot,
//! form) over HTTP, as a browser without JavaScript uses them: nothing of
//! the answers is in the page, answers are graded on the server, what the
//! learner chose or typed stays filled in with the verdict, attempts are
//! recorded, and they count in a badge's quiz score.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use common::{
    ONE_AT_A_TIME, app, app_db, approved_badge, get, person, picks, post_form, send, shown_order,
};
use http::header;
use polku_core::accounts::Role;

const ALGORITHMS: &str = "/courses/first-steps-in-programming/everyday-algorithms";
const PHISHING: &str = "/courses/digital-basics/passwords-and-phishing";
const APPLYING: &str = "/courses/job-seeking-online/applying-online";
const DEVICES: &str = "/courses/digital-basics/devices";

/// The tea steps in their right order (as in the Finnish lesson).
const TEA: [&str; 5] = [
    "Laita vettä vedenkeittimeen.",
    "Käynnistä vedenkeitin ja odota, että vesi kiehuu.",
    "Kaada kuuma vesi mukiin, jossa on teepussi.",
    "Odota kolme minuuttia.",
    "Ota teepussi pois ja juo tee.",
];

/// Sends an answer without JavaScript: the attempt is recorded, and the
/// browser goes to the verdict. The verdict page.
async fn answer(app: &axum::Router, lesson: &str, body: &str, cookie: Option<&str>) -> String {
    let (status, headers, _) = post_form(app, &format!("{lesson}/answer"), body, cookie).await;
    assert!(status.is_redirection(), "{status}");
    let location = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with(lesson), "{location}");
    get(app, &location, cookie).await.2
}

#[tokio::test]
async fn exercises_are_graded_on_the_server_and_keep_what_was_given() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, dir) = app().await;
    let maija = person(&dir, "maija", Role::Learner).await;

    // Order: the steps are never shown in their right order, and nothing
    // in the page says which is which.
    let (_, _, page) = get(&app, ALGORITHMS, None).await;
    let shown = shown_order(&page, 2, &TEA);
    assert_ne!(shown, TEA, "shown in the right order");
    let right: Vec<String> = shown
        .iter()
        .map(|step| TEA.iter().position(|t| t == step).unwrap().to_string())
        .collect();
    let mut wrong = right.clone();
    wrong.swap(0, 1);
    wrong[4] = String::new();
    let verdict = answer(&app, ALGORITHMS, &picks(2, &wrong), Some(&maija)).await;
    assert!(verdict.contains("Ei vielä aivan oikein"), "{verdict}");
    assert!(verdict.contains("väärällä paikalla"));
    // The places she chose stay chosen (the one left open too).
    let chosen = format!("<option value=\"{}\" selected", wrong[0]);
    assert!(verdict.contains(&chosen), "{verdict}");
    let verdict = answer(&app, ALGORITHMS, &picks(2, &right), Some(&maija)).await;
    assert!(verdict.contains("Oikein!"), "{verdict}");
    // Signed out, the same answer is graded and shown, not recorded.
    let verdict = answer(&app, ALGORITHMS, &picks(2, &right), None).await;
    assert!(verdict.contains("Oikein!"));

    // Match: the choices, then each item graded with its feedback.
    let (_, _, page) = get(&app, DEVICES, None).await;
    let gestures = [
        "Napauta",
        "Pyyhkäise",
        "Nipistä",
        "Pidä painettuna",
        "Ravista puhelinta",
    ];
    let choices = shown_order(&page, 0, &gestures);
    let at = |g: &str| choices.iter().position(|c| *c == g).unwrap().to_string();
    let right = [
        at("Napauta"),
        at("Pyyhkäise"),
        at("Nipistä"),
        at("Pidä painettuna"),
    ];
    let wrong = [
        at("Napauta"),
        at("Ravista puhelinta"),
        at("Nipistä"),
        at("Pidä painettuna"),
    ];
    let verdict = answer(&app, DEVICES, &picks(0, &wrong), Some(&maija)).await;
    assert!(verdict.contains("Ei vielä aivan oikein"), "{verdict}");
    let verdict = answer(&app, DEVICES, &picks(0, &right), Some(&maija)).await;
    assert!(verdict.contains("Oikein!"), "{verdict}");

    // Spot: the message is drawn, its link is no link, and no feedback is
    // in the page before an answer.
    let (_, _, page) = get(&app, PHISHING, None).await;
    assert!(page.contains("pankki-turva-fi.com/kirjaudu"));
    assert!(
        !page.contains("href=\"https://pankki-turva-fi.com"),
        "a link to follow"
    );
    assert!(
        !page.contains("Huijari voi keksiä"),
        "feedback before an answer"
    );
    // Marking the greeting too: wrong, with the feedback on it.
    let all = ["0", "1", "2", "3", "4"].map(String::from);
    let verdict = answer(&app, PHISHING, &picks(2, &all), Some(&maija)).await;
    assert!(
        verdict.contains("Tämä tervehdys on tavallinen"),
        "{verdict}"
    );
    assert!(verdict.contains("Ei vielä aivan oikein"));
    // One sign missed: wrong, and it says how many are missing.
    let missed = ["0", "1", "3"].map(String::from);
    let verdict = answer(&app, PHISHING, &picks(2, &missed), Some(&maija)).await;
    assert!(
        verdict.contains("Oikeita vastauksia puuttuu vielä: 1"),
        "{verdict}"
    );
    let signs = ["0", "1", "3", "4"].map(String::from);
    let verdict = answer(&app, PHISHING, &picks(2, &signs), Some(&maija)).await;
    assert!(verdict.contains("Oikein!"), "{verdict}");

    // Form: each field checked as a real service does, the message at the
    // field, and everything typed kept.
    let typed =
        "quiz=2&t=Aino&t=Virtanen&t=aino.virtanen%40esimerkki&t=040+12&t=9010&t=31.6.2026&t=";
    let verdict = answer(&app, APPLYING, typed, Some(&maija)).await;
    for message in [
        "Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.",
        "Kirjoita puhelinnumero numeroina",
        "Postinumerossa on viisi numeroa",
        "Kirjoita päivämäärä muodossa päivä.kuukausi.vuosi",
    ] {
        assert!(verdict.contains(message), "{message}: {verdict}");
    }
    assert!(
        verdict.contains("value=\"aino.virtanen@esimerkki\""),
        "{verdict}"
    );
    assert!(verdict.contains("value=\"31.6.2026\""));
    assert!(verdict.contains("aria-invalid=\"true\""));
    assert!(verdict.contains("Korjaa nämä kohdat:"));
    // Well formed but not the task's details: the author's message.
    let other = "quiz=2&t=Maija&t=Virtanen&t=aino.virtanen%40esimerkki.fi&t=040+123+4567&t=90100&t=1.6.2026&t=";
    let verdict = answer(&app, APPLYING, other, Some(&maija)).await;
    assert!(
        verdict.contains("Kirjoita tehtävän etunimi: Aino."),
        "{verdict}"
    );
    // A required field left empty.
    let empty =
        "quiz=2&t=Aino&t=&t=aino.virtanen%40esimerkki.fi&t=040+123+4567&t=90100&t=1.6.2026&t=";
    let verdict = answer(&app, APPLYING, empty, Some(&maija)).await;
    assert!(verdict.contains("Täytä tämä kenttä."), "{verdict}");
    let right = "quiz=2&t=aino&t=Virtanen&t=Aino.Virtanen%40esimerkki.fi&t=0401234567&t=90100&t=01.06.2026&t=";
    let verdict = answer(&app, APPLYING, right, Some(&maija)).await;
    assert!(verdict.contains("Oikein!"), "{verdict}");
    assert!(!verdict.contains("aria-invalid"));

    // Every attempt of the signed-in learner was recorded, right or
    // wrong; the signed-out one was not.
    use polku_core::db::entities::quiz_attempts;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let db = app_db(&dir).await;
    let recorded = quiz_attempts::Entity::find().count(&db).await.unwrap();
    let right = quiz_attempts::Entity::find()
        .filter(quiz_attempts::Column::Correct.eq(true))
        .count(&db)
        .await
        .unwrap();
    assert_eq!((recorded, right), (11, 4));
}

#[tokio::test]
async fn a_form_exercise_counts_in_a_badges_quiz_score() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, dir) = app().await;
    let maija = person(&dir, "maija", Role::Learner).await;
    person(&dir, "anna", Role::Admin).await;
    let db = app_db(&dir).await;
    approved_badge(
        &db,
        "anna",
        "job-seeking-online",
        "applying-online",
        "forms",
    )
    .await;
    let (_, headers, _) = post_form(
        &app,
        "/api/mark_done",
        "course=job-seeking-online&lesson=applying-online&done=true",
        Some(&maija),
    )
    .await;
    assert!(
        !headers[header::LOCATION]
            .to_str()
            .unwrap()
            .contains("earned=")
    );
    // Both quizzes right: two of three graded parts, not enough.
    let send = |body: &'static str| {
        let (app, maija) = (app.clone(), maija.clone());
        async move {
            let (_, headers, _) =
                post_form(&app, &format!("{APPLYING}/answer"), body, Some(&maija)).await;
            headers[header::LOCATION].to_str().unwrap().to_owned()
        }
    };
    assert!(!send("quiz=0&a=1").await.contains("earned="));
    assert!(!send("quiz=1&a=0&a=1&a=2").await.contains("earned="));
    // The form filled in right earns it.
    let location = send(
        "quiz=2&t=Aino&t=Virtanen&t=aino.virtanen%40esimerkki.fi&t=040+123+4567&t=90100&t=1.6.2026&t=",
    )
    .await;
    assert!(location.contains("earned="), "{location}");
}

/// A server function called as the hydrated page calls it.
async fn call(
    app: &axum::Router,
    endpoint: &str,
    body: &str,
    cookie: Option<&str>,
) -> (http::StatusCode, String) {
    let mut request = http::Request::post(endpoint)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let (status, _, body) = send(app, request.body(body.to_owned().into()).unwrap()).await;
    (status, body)
}

#[tokio::test]
async fn the_hydrated_page_checks_typed_answers_through_its_server_function() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, dir) = app().await;
    let maija = person(&dir, "maija", Role::Learner).await;
    // A server function's form encoding leaves an empty list out: a form
    // exercise's (and a text quiz's) answer has no choices at all.
    let fields = [
        "Aino",
        "Virtanen",
        "aino.virtanen%40esimerkki.fi",
        "040+123+4567",
        "90100",
        "1.6.2026",
        "",
    ];
    let mut body =
        "course=job-seeking-online&lesson=applying-online&locale=fi&answer[index]=2".to_owned();
    for (i, field) in fields.iter().enumerate() {
        body.push_str(&format!("&answer[texts][{i}]={field}"));
    }
    let (status, verdict) = call(&app, "/api/answer_quiz", &body, Some(&maija)).await;
    assert_eq!(status, http::StatusCode::OK, "{verdict}");
    let verdict: serde_json::Value = serde_json::from_str(&verdict).unwrap();
    assert_eq!(verdict["correct"], true, "{verdict}");
    let (status, page) = call(
        &app,
        "/api/get_lesson",
        &body.replace("answer[texts][0]=Aino", "answer[texts][0]=Maija"),
        None,
    )
    .await;
    assert_eq!(status, http::StatusCode::OK, "{page}");
    assert!(page.contains("Kirjoita tehtävän etunimi: Aino."), "{page}");
    let text_quiz =
        "course=job-seeking-online&lesson=job-portals&locale=fi&answer[index]=1&answer[text]=kunta";
    let (status, verdict) = call(&app, "/api/answer_quiz", text_quiz, Some(&maija)).await;
    assert_eq!(status, http::StatusCode::OK, "{verdict}");
}

const FIRST_PROGRAM: &str = "/courses/first-steps-in-programming/first-program";

/// The Python the test command installs for the program checks.
fn python() -> String {
    polku_sandbox::npm_interpreter().display().to_string()
}

/// A program for the pay exercise (graded part 2 of the lesson), as a
/// form sends it.
fn program(code: &str) -> String {
    let code: String = form_urlencoded::byte_serialize(code.as_bytes()).collect();
    format!("quiz=2&code={code}")
}

#[tokio::test]
async fn programs_are_run_on_the_server_and_kept_with_their_verdict() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let python = python();
    let (app, dir) = common::app_with(&["--python-wasm", &python]).await;
    let maija = person(&dir, "maija", Role::Learner).await;
    let pekka = person(&dir, "pekka", Role::Learner).await;
    let send = |body: String, cookie: Option<String>| {
        let app = app.clone();
        async move {
            let (status, headers, _) = post_form(
                &app,
                &format!("{FIRST_PROGRAM}/code"),
                &body,
                cookie.as_deref(),
            )
            .await;
            assert!(status.is_redirection(), "{status}");
            headers[header::LOCATION].to_str().unwrap().to_owned()
        }
    };

    // The page shows the task, its tests and the starting code; not the
    // author's solution.
    let (_, _, page) = get(&app, FIRST_PROGRAM, Some(&maija)).await;
    assert!(page.contains("Palkkalaskuri"));
    assert!(page.contains("tunnit = float(input())"));
    assert!(
        !page.contains("palkka = tunnit * tuntipalkka"),
        "the solution leaked"
    );
    // Signed out, nothing is run.
    let (status, _, _) = post_form(
        &app,
        &format!("{FIRST_PROGRAM}/code"),
        &program("print(1)"),
        None,
    )
    .await;
    assert_eq!(status, http::StatusCode::UNAUTHORIZED);

    // A wrong program: not passed, with what it printed; kept for her.
    let wrong =
        "tunnit = float(input())\ntuntipalkka = float(input())\nprint(tunnit + tuntipalkka)";
    let location = send(program(wrong), Some(maija.clone())).await;
    assert_eq!(location, format!("{FIRST_PROGRAM}#quiz-2-verdict"));
    let (_, _, page) = get(&app, FIRST_PROGRAM, Some(&maija)).await;
    assert!(
        page.contains("Ohjelma ei vielä läpäise kaikkia testejä"),
        "{page}"
    );
    assert!(page.contains("23.0"), "what it printed");
    assert!(
        page.contains("print(tunnit + tuntipalkka)"),
        "her program is kept"
    );
    // Another learner sees the starting code, not hers.
    let (_, _, other) = get(&app, FIRST_PROGRAM, Some(&pekka)).await;
    assert!(!other.contains("print(tunnit + tuntipalkka)"));
    // An error, an endless loop: said in plain words.
    send(program("print(palkka)"), Some(maija.clone())).await;
    let (_, _, page) = get(&app, FIRST_PROGRAM, Some(&maija)).await;
    assert!(
        page.contains("NameError: name &#x27;palkka&#x27; is not defined")
            || page.contains("NameError: name 'palkka' is not defined"),
        "{page}"
    );
    send(program("while True:\n    pass"), Some(maija.clone())).await;
    let (_, _, page) = get(&app, FIRST_PROGRAM, Some(&maija)).await;
    assert!(page.contains("Ohjelma toimi liian kauan"), "{page}");
    // The right program passes.
    let right = "tunnit = float(input())\ntuntipalkka = float(input())\nprint(\"Palkka:\", tunnit * tuntipalkka, \"euroa\")";
    send(program(right), Some(maija.clone())).await;
    let (_, _, page) = get(&app, FIRST_PROGRAM, Some(&maija)).await;
    assert!(page.contains("Kaikki testit menivät läpi!"), "{page}");

    // A form kept on a shared device for someone else is refused.
    let (status, _, _) = post_form(
        &app,
        &format!("{FIRST_PROGRAM}/code"),
        &format!("{}&who=999999", program(right)),
        Some(&maija),
    )
    .await;
    assert_eq!(status, http::StatusCode::FORBIDDEN);
    // A program cannot be passed off as a quiz answer.
    let (_, headers, _) = post_form(
        &app,
        &format!("{FIRST_PROGRAM}/answer"),
        "quiz=2&text=anything",
        Some(&pekka),
    )
    .await;
    assert_eq!(headers[header::LOCATION], FIRST_PROGRAM);

    use polku_core::db::entities::{code_submissions, quiz_attempts};
    use sea_orm::{EntityTrait, PaginatorTrait};
    let db = app_db(&dir).await;
    let attempts = quiz_attempts::Entity::find().all(&db).await.unwrap();
    let marks: Vec<bool> = attempts.iter().map(|a| a.correct).collect();
    assert_eq!(
        marks,
        [false, false, false, true],
        "one attempt a program, none for pekka"
    );
    assert_eq!(
        code_submissions::Entity::find().count(&db).await.unwrap(),
        1
    );
}

#[tokio::test]
async fn the_bundled_solutions_pass_their_tests() {
    let checker = polku_web::code::CodeChecker::new(Some(python().into()));
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let mut files = Vec::new();
    let mut folders = vec![content];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    let media = std::collections::BTreeSet::new();
    let mut checked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let ctx = polku_core::content::markdown::RenderContext {
            language: polku_core::Language::Fi,
            course_slug: "course",
            lesson_dir: "",
            media: &media,
            first_line: 1,
        };
        let rendered = polku_core::content::markdown::render_lesson(&text, &ctx);
        for exercise in rendered.quizzes.iter().filter_map(|q| q.code.clone()) {
            let where_ = format!("{}: {:?}", path.display(), exercise.shown.task_html);
            let solution = exercise
                .solution
                .clone()
                .expect("a bundled exercise has a solution");
            let verdict = checker.check(1, &exercise, &solution).await.unwrap();
            assert!(verdict.passed, "{where_}: {verdict:?}");
            let starter = checker
                .check(1, &exercise, &exercise.shown.starter)
                .await
                .unwrap();
            assert!(
                !starter.passed,
                "{where_}: the starting code passes already"
            );
            checked += 1;
        }
    }
    // 23 exercises in each of the three languages (10 of the first
    // programming course, 13 of python-practice).
    assert_eq!(checked, 69, "the bundled Python exercises");
}

#[tokio::test]
async fn a_site_without_the_sandbox_says_it_checks_no_programs() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let (app, dir) = common::app_with(&["--python-wasm", "off"]).await;
    let maija = person(&dir, "maija", Role::Learner).await;
    let (_, headers, _) = post_form(
        &app,
        &format!("{FIRST_PROGRAM}/code"),
        &program("print(1)"),
        Some(&maija),
    )
    .await;
    let location = headers[header::LOCATION].to_str().unwrap();
    assert_eq!(location, format!("{FIRST_PROGRAM}?unchecked=2#quiz-2"));
    let (_, _, page) = get(&app, location, Some(&maija)).await;
    assert!(page.contains("Tällä sivustolla palvelin ei tarkista ohjelmia."));
}

#[tokio::test]
async fn one_program_of_a_learner_is_checked_at_a_time() {
    use polku_core::content::quiz::{CodeExercise, CodeTask, CodeTest};
    use polku_types::courses::RunEnd;
    use polku_web::code::CheckError;
    let checker = polku_web::code::CodeChecker::new(Some(python().into()));
    let exercise = CodeExercise {
        shown: CodeTask {
            task_html: String::new(),
            starter: String::new(),
            tests: vec![CodeTest {
                input: None,
                output: Some("1".into()),
                code: None,
            }],
        },
        solution: None,
    };
    // Learner `who`'s right program, checked: whether it passed.
    let passes = async |who: i32| {
        checker
            .check(who, &exercise, "print(1)")
            .await
            .unwrap()
            .passed
    };
    // The sandbox is made first, so the checks below wait only for each
    // other.
    assert!(passes(1).await);
    let endless = {
        let (checker, exercise) = (checker.clone(), exercise.clone());
        tokio::spawn(async move { checker.check(1, &exercise, "while True:\n    pass").await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // While her endless loop runs, her next program is refused, another
    // learner's is checked.
    assert_eq!(
        checker.check(1, &exercise, "print(1)").await.unwrap_err(),
        CheckError::Busy
    );
    assert!(passes(2).await);
    let stopped = endless.await.unwrap().unwrap();
    assert_eq!(stopped.tests[0].end, RunEnd::TimedOut);
    // Once it is stopped, hers are checked again.
    assert!(passes(1).await);
}
