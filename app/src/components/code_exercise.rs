//! A Python exercise inside a lesson: the task, its tests, and a form
//! with the learner's program (a plain text area: works without
//! JavaScript, by keyboard and screen reader, on any phone). Sending it
//! posts to `/courses/{course}/{lesson}/code`, where the server runs it
//! against the tests in its sandbox and keeps it with the verdict; the
//! lesson page then shows both, so she finds her program where she left
//! it. With JavaScript, "Try the program" first runs it in her browser
//! (`app/public/python-run.js`, MicroPython in a Web Worker, fetched only
//! when pressed); its texts are in the section's `data-` attributes, the
//! tests it reads from the list of tests. Once the page is hydrated, the
//! same script puts a code editor in the text area's place
//! (`app/editor/code-editor.js`, CodeMirror 6), which keeps the text area
//! filled, so the form posts the same.

use leptos::prelude::*;

use crate::api::{CodeSubmission, CodeVerdict, MOST_CODE, QuizView, RunEnd, TestVerdict};
use crate::i18n::{Key, t, tf};
use crate::pages::auth::urlencode;

/// What the page says about a program that was not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotChecked {
    /// Her previous program is still being checked.
    Busy,
    /// This site checks no programs.
    Off,
}

/// One Python exercise.
#[component]
pub fn CodeExercise(
    /// Its number among the lesson's graded parts.
    index: usize,
    /// The exercise.
    quiz: QuizView,
    /// The lesson page's path.
    action: String,
    /// The signed-in learner's last program and its verdict.
    submission: Option<CodeSubmission>,
    /// Someone is signed in (only then is a program checked).
    signed_in: bool,
    /// The signed-in learner's account, named in the form.
    who: Option<i32>,
    /// Why the last program was not checked, when it was not.
    not_checked: Option<NotChecked>,
) -> impl IntoView {
    let Some(task) = quiz.code.clone() else {
        return ().into_any();
    };
    let id = crate::api::quiz_id(index);
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    let code_id = format!("{id}-code");
    let (program, verdict) = match submission {
        Some(s) => (s.code, Some(s.verdict)),
        None => (task.starter.clone(), None),
    };
    let rows = program.lines().count().clamp(6, 24).to_string();
    let tests = task
        .tests
        .iter()
        .enumerate()
        .map(|(n, test)| {
            view! {
                <li>
                    <span class="code-test-name">{tf(Key::CodeTestN, vec![("n", (n + 1).to_string())])}</span>
                    {test.input.clone().map(|input| view! {
                        <p>{t(Key::CodeTestInput)}</p>
                        <pre class="code-test-input"><code>{input}</code></pre>
                    })}
                    {test.output.clone().map(|output| view! {
                        <p>{t(Key::CodeTestOutput)}</p>
                        <pre class="code-test-output"><code>{output}</code></pre>
                    })}
                    {test.code.clone().map(|code| view! {
                        <p>{t(Key::CodeTestCheck)}</p>
                        <pre class="code-test-code"><code>{code}</code></pre>
                    })}
                </li>
            }
        })
        .collect_view();
    let notice = not_checked.map(|why| {
        let key = match why {
            NotChecked::Busy => Key::CodeChecking,
            NotChecked::Off => Key::CodeUnchecked,
        };
        view! { <p class="notice">{t(key)}</p> }
    });
    let sign_in = (!signed_in).then(|| {
        let next = urlencode(&format!("{action}#{id}"));
        view! { <p><a href=format!("/login?next={next}")>{t(Key::CodeSignIn)}</a></p> }
    });
    view! {
        <section
            class="quiz quiz--python"
            id=id.clone()
            aria-labelledby=labelled_by
            data-text-running=t(Key::CodeRunning)
            data-text-summary=t(Key::CodeRunSummary)
            data-text-note=t(Key::CodeRunNote)
            data-text-test=t(Key::CodeTestN)
            data-text-passed=t(Key::CodeTestPassed)
            data-text-failed=t(Key::CodeTestFailed)
            data-text-timeout=t(Key::CodeTimedOut)
            data-text-error=t(Key::CodeError)
            data-text-printed=t(Key::CodePrinted)
            data-text-nothing=t(Key::CodePrintedNothing)
        >
            <h2 id=title_id class="code-title">
                <span class="quiz-label">{t(Key::CodeLabel)}</span>
                " "
                <span data-say="block">{quiz.question.clone()}</span>
            </h2>
            <div class="code-task" inner_html=task.task_html.clone()></div>
            {quiz.hint.clone().map(|hint| view! { <p class="quiz-hint" data-say="block">{hint}</p> })}
            <details class="code-tests">
                <summary>{t(Key::CodeTests)}</summary>
                <ol>{tests}</ol>
            </details>
            <form method="post" action=format!("{action}/code")>
                <input type="hidden" name="quiz" value=index.to_string() />
                {who.map(|who| view! { <crate::components::hole::WhoField who /> })}
                <label for=code_id.clone() id=format!("{code_id}-label")>{t(Key::CodeYourProgram)}</label>
                <textarea
                    id=code_id.clone()
                    name="code"
                    class="code-input"
                    rows=rows
                    maxlength=MOST_CODE.to_string()
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    translate="no"
                    lang="en"
                >{program}</textarea>
                // Shown by the code editor, which takes the text area's place.
                <p class="code-editor-hint" id=format!("{code_id}-hint") hidden="">{t(Key::CodeEditorHint)}</p>
                {sign_in}
                {signed_in.then(|| view! { <button type="submit">{t(Key::CodeSend)}</button> })}
            </form>
            <button type="button" class="button--quiet" data-python-run="" hidden="">{t(Key::CodeRun)}</button>
            <div class="code-run" role="status" aria-live="polite" hidden=""></div>
            {notice}
            <div class="quiz-result" id=crate::api::verdict_id(index) role="status" aria-live="polite" tabindex="-1">
                {verdict.map(|v| view! { <Verdict verdict=v /> })}
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn Verdict(verdict: CodeVerdict) -> impl IntoView {
    let class = if verdict.passed {
        "verdict verdict--right"
    } else {
        "verdict verdict--wrong"
    };
    let tests = verdict
        .tests
        .into_iter()
        .enumerate()
        .map(|(n, test)| view! { <TestResult n test /> })
        .collect_view();
    view! {
        <div class=class>
            <p class="verdict-title">{t(if verdict.passed { Key::CodePassed } else { Key::CodeFailed })}</p>
            <ol class="code-results">{tests}</ol>
        </div>
    }
}

#[component]
fn TestResult(n: usize, test: TestVerdict) -> impl IntoView {
    let why = match test.end {
        RunEnd::Finished | RunEnd::Error => None,
        RunEnd::TimedOut => Some(Key::CodeTimedOut),
        RunEnd::OutOfMemory => Some(Key::CodeOutOfMemory),
        RunEnd::TooMuchOutput => Some(Key::CodeTooMuchOutput),
        RunEnd::TooDeep => Some(Key::CodeTooDeep),
        RunEnd::NotRun => Some(Key::CodeNotRun),
    };
    let printed = (!test.passed).then(|| {
        if test.printed.is_empty() {
            view! { <p>{t(Key::CodePrintedNothing)}</p> }.into_any()
        } else {
            view! {
                <p>{t(Key::CodePrinted)}</p>
                <pre><code>{test.printed.clone()}</code></pre>
            }
            .into_any()
        }
    });
    view! {
        <li>
            <strong>{tf(Key::CodeTestN, vec![("n", (n + 1).to_string())])}</strong>
            ": "
            {t(if test.passed { Key::CodeTestPassed } else { Key::CodeTestFailed })}
            {why.map(|key| view! { <p>{t(key)}</p> })}
            {test.error.map(|error| view! { <p>{t(Key::CodeError)} " " <code>{error}</code></p> })}
            {printed}
        </li>
    }
}
