//! `/dashboard`: the signed-in learner's courses with their progress and
//! "continue where you left off", the most recently active first.

use leptos::prelude::*;

use crate::api::progress::{
    CourseProgressView, MembershipView, PathwayView, StepKind, get_dashboard,
};
use crate::components::loaded::loaded;
use crate::components::notice::PageTitle;
use crate::i18n::{Key, t, tf, use_locale};

/// The dashboard page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let locale = use_locale();
    let dashboard = Resource::new(move || locale.get(), get_dashboard);
    loaded(dashboard, move |d| {
        let q = leptos_router::hooks::use_query_map().read_untracked();
        let joined = q.get("joined").unwrap_or_default();
        let typed = q.get("code").unwrap_or_default();
        view! {
            <PageTitle key=Key::DashboardHeading />
            <h1>{t(Key::DashboardHeading)}</h1>
            <p class="lead">{tf(Key::DashboardGreeting, vec![("name", d.name.clone())])}</p>
            {if d.courses.is_empty() {
                view! {
                    <p>{t(Key::DashboardEmpty)}</p>
                    <p><a class="button" href="/">{t(Key::DashboardChoose)}</a></p>
                }
                .into_any()
            } else {
                view! {
                    <ul class="dashboard-courses">
                        {d.courses.into_iter().map(|entry| {
                            let slug = entry.course.slug.clone();
                            view! {
                                <li class="dashboard-course">
                                    <h2><a href=format!("/courses/{slug}")>{entry.course.title.clone()}</a></h2>
                                    <ProgressBar progress=entry.progress.clone() />
                                    <Resume course=slug progress=entry.progress />
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <Pathways pathways=d.pathways.clone() />
            {(!d.badges.is_empty()).then(|| view! {
                <h2 id="my-badges">{t(Key::BadgesHeading)}</h2>
                <ul class="held-badges" aria-labelledby="my-badges">
                    {d.badges.clone().into_iter().map(|b| view! {
                        <li class="held-badge">
                            <h3>{b.name.clone()}</h3>
                            <p>{tf(Key::BadgeIssued, vec![("date", crate::i18n::local_time_now(&b.issued))])}
                                {b.revoked.then(|| view! { " · " <strong>{t(Key::BadgeRevoked)}</strong> })}</p>
                            <p><a href=format!("/badges#badge-{}", b.id)>{tf(Key::BadgeOpenWallet, vec![("name", b.name.clone())])}</a></p>
                        </li>
                    }).collect_view()}
                </ul>
                <p><a href="/verify">{t(Key::BadgeVerifyHint)}</a></p>
            })}
            {(!d.appointments.is_empty() || d.groups.iter().any(|g| g.joined)).then(|| view! {
                <h2 id="my-appointments">{t(Key::DashboardAppointmentsHeading)}</h2>
                <crate::pages::appointments::AppointmentList list=d.appointments.clone() empty=Key::AppointmentsNone />
                <p><a href="/appointments">{t(Key::DashboardAppointmentsBook)}</a></p>
            })}
            <Groups groups=d.groups.clone() />
            <h2 id="join-group">{t(Key::JoinHeading)}</h2>
            <p>{t(Key::JoinIntro)}</p>
            {(!joined.is_empty()).then(|| view! { <p class="notice" role="status">{tf(Key::JoinDone, vec![("group", joined)])}</p> })}
            <crate::components::notice::FormError />
            <form method="post" action="/api/join_group" class="stack form-narrow" aria-labelledby="join-group">
                <label for="join-code">{t(Key::JoinCode)}</label>
                <input type="text" id="join-code" name="code" required maxlength="16" autocomplete="off"
                    autocapitalize="characters" spellcheck="false" value=typed />
                <button type="submit" class="button">{t(Key::JoinSubmit)}</button>
            </form>
        }
    })
}

/// The site's learning paths: where the learner is on each (its level),
/// her next step, and every step with what it gives.
#[component]
fn Pathways(pathways: Vec<PathwayView>) -> impl IntoView {
    (!pathways.is_empty()).then(|| view! {
        <h2 id="my-pathways">{t(Key::PathwaysHeading)}</h2>
        <p>{t(Key::PathwaysIntro)}</p>
        {pathways.into_iter().map(|p| {
            let heading = format!("pathway-{}", p.slug);
            let labelled = heading.clone();
            let total = p.levels.len();
            let position = p.next.and_then(|(l, s)| {
                let level = p.levels.get(l)?;
                let step = level.steps.get(s)?;
                Some((l + 1, level.title.clone(), step.title.clone(), step.href.clone()))
            });
            view! {
                <section class="pathway" aria-labelledby=labelled>
                    <h3 id=heading>{p.title.clone()}</h3>
                    {(!p.summary.is_empty()).then(|| view! { <p>{p.summary.clone()}</p> })}
                    {match position {
                        Some((n, level, step, href)) => view! {
                            <p class="pathway-position">{tf(Key::PathwayPosition, vec![("n", n.to_string()), ("total", total.to_string()), ("level", level)])}</p>
                            <p class="pathway-next">{t(Key::PathwayNext)}" "<a href=href>{step}</a></p>
                        }.into_any(),
                        None => view! { <p class="pathway-position">{t(Key::PathwayComplete)}</p> }.into_any(),
                    }}
                    <ol class="pathway-levels">
                        {p.levels.into_iter().map(|level| view! {
                            <li class="pathway-level">
                                <h4>{level.title.clone()}{level.done.then(|| view! { " · " {t(Key::PathwayLevelDone)} })}</h4>
                                <ol class="pathway-steps">
                                    {level.steps.into_iter().map(|step| {
                                        let kind = match step.kind {
                                            StepKind::Course => t(Key::PathwayStepCourse),
                                            StepKind::Badge => t(Key::PathwayStepBadge),
                                        };
                                        let class = if step.done { "pathway-step pathway-step--done" } else { "pathway-step" };
                                        let gives = (!step.gives.is_empty()).then(|| tf(Key::PathwayGives, vec![("badges", step.gives.join(", "))]));
                                        view! {
                                            <li class=class>
                                                <span class="pathway-step__kind">{kind}": "</span>
                                                <a href=step.href.clone()>{step.title.clone()}</a>
                                                " · "
                                                <strong>{if step.done { t(Key::PathwayStepDone)() } else { t(Key::PathwayStepTodo)() }}</strong>
                                                {gives.map(|g| view! { <br /><span class="pathway-step__gives">{g}</span> })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                                {level.milestone.map(|m| view! {
                                    <p class="pathway-milestone">
                                        {tf(Key::PathwayMilestone, vec![("name", m.name.clone())])}
                                        " · "
                                        {match m.held {
                                            Some(id) => view! { <a href=format!("/badges#badge-{id}")>{t(Key::PathwayMilestoneHeld)}</a> }.into_any(),
                                            None => view! { <span>{t(Key::PathwayMilestoneTodo)}</span> }.into_any(),
                                        }}
                                    </p>
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
            }
        }).collect_view()}
    })
}

/// The coaching groups that follow the learner (each can be left) and the
/// invitations she can accept or decline.
#[component]
fn Groups(groups: Vec<MembershipView>) -> impl IntoView {
    let left = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("left")
        .unwrap_or_default();
    let (joined, invited): (Vec<_>, Vec<_>) = groups.into_iter().partition(|g| g.joined);
    view! {
        {(!left.is_empty()).then(|| view! { <p class="notice" role="status">{tf(Key::DashboardLeft, vec![("group", left)])}</p> })}
        {(!invited.is_empty()).then(|| view! {
            <h2 id="invitations">{t(Key::DashboardInvitationsHeading)}</h2>
            <p>{t(Key::DashboardInvitationsIntro)}</p>
            <ul class="memberships" aria-labelledby="invitations">
                {invited.into_iter().map(|g| {
                    let id = g.group_id.to_string();
                    view! {
                        <li>
                            <p>{tf(Key::DashboardInvitation, vec![("coach", g.coach.clone()), ("group", g.group.clone())])}</p>
                            <div class="button-row">
                                <form method="post" action="/api/accept_invitation">
                                    <input type="hidden" name="group" value=id.clone() />
                                    <button type="submit" class="button">{tf(Key::DashboardAccept, vec![("group", g.group.clone())])}</button>
                                </form>
                                <form method="post" action="/api/leave_group">
                                    <input type="hidden" name="group" value=id />
                                    <button type="submit" class="button button--quiet">{tf(Key::DashboardDecline, vec![("group", g.group.clone())])}</button>
                                </form>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        {(!joined.is_empty()).then(|| view! {
            <h2 id="my-groups">{t(Key::DashboardGroupsHeading)}</h2>
            <p>{t(Key::DashboardGroupsIntro)}</p>
            <ul class="memberships" aria-labelledby="my-groups">
                {joined.into_iter().map(|g| view! {
                    <li>
                        <p>{tf(Key::DashboardMembership, vec![("coach", g.coach.clone()), ("group", g.group.clone())])}</p>
                        <form method="post" action="/api/leave_group">
                            <input type="hidden" name="group" value=g.group_id.to_string() />
                            <button type="submit" class="button button--small button--quiet">{tf(Key::DashboardLeave, vec![("group", g.group.clone())])}</button>
                        </form>
                    </li>
                }).collect_view()}
            </ul>
        })}
    }
}

/// "3 of 4 lessons done (75 %)" with a progress bar.
#[component]
pub fn ProgressBar(progress: CourseProgressView) -> impl IntoView {
    let summary = tf(
        Key::ProgressSummary,
        vec![
            ("done", progress.done.len().to_string()),
            ("total", progress.total.to_string()),
            ("percent", progress.percent.to_string()),
        ],
    );
    view! {
        <div class="progress">
            <progress max="100" value=progress.percent.to_string() aria-label=t(Key::ProgressLabel)>
                {progress.percent.to_string()} " %"
            </progress>
            <p class="progress__summary">{summary}</p>
        </div>
    }
}

/// The "continue" link, or "completed".
#[component]
pub fn Resume(course: String, progress: CourseProgressView) -> impl IntoView {
    match progress.resume {
        Some(lesson) => view! {
            <p>
                <a class="button" href=format!("/courses/{course}/{}", lesson.slug)>
                    {tf(Key::DashboardContinue, vec![("title", lesson.title)])}
                </a>
            </p>
        }
        .into_any(),
        None => view! { <p class="notice">{t(Key::DashboardComplete)}</p> }.into_any(),
    }
}
