//! `/coach` and `/coach/groups/:id`: a coach's groups, a group's table
//! (progress per course, last activity, quiz results, who is stuck), its
//! progress over time as a server-rendered SVG chart, CSV download, adding
//! and removing learners, and one-time password reset codes.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::coaching::{
    EvidenceView, GroupView, InvitedView, MemberBadgeView, PathwayPlace, StuckReason,
    get_coach_home, get_group,
};
use crate::components::loaded::loaded;
use crate::components::notice::{FormError, PageTitle};
use crate::i18n::{Key, t, tf, use_locale};

fn query(name: &str) -> String {
    use_query_map()
        .read_untracked()
        .get(name)
        .unwrap_or_default()
}

/// `/coach`
#[component]
pub fn CoachHomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| get_coach_home());
    loaded(home, move |home| {
        view! {
            <PageTitle key=Key::CoachHeading />
            <h1>{t(Key::CoachHeading)}</h1>
            <FormError />
            {home.reset_code.map(|(user, code)| view! {
                <div class="notice" role="status">
                    <p>{tf(Key::CoachResetCodeFor, vec![("username", user)])}</p>
                    <p class="reset-code"><strong>{code}</strong></p>
                    <p>{t(Key::CoachResetCodeHelp)}</p>
                </div>
            })}
            <h2 id="my-appointments">{t(Key::DashboardAppointmentsHeading)}</h2>
            <crate::pages::appointments::AppointmentList list=home.appointments.clone() empty=Key::AppointmentsNone />
            <p><a href="/appointments">{t(Key::AppointmentsOfferHeading)}</a></p>
            <h2>{t(Key::CoachGroupsHeading)}</h2>
            {if home.groups.is_empty() {
                view! { <p>{t(Key::CoachNoGroups)}</p> }.into_any()
            } else {
                view! {
                    <ul class="group-list">
                        {home.groups.into_iter().map(|g| view! {
                            <li>
                                <a href=format!("/coach/groups/{}", g.id)>{g.name}</a>
                                " "
                                <span class="muted">{tf(Key::CoachMembers, vec![("count", g.members.to_string())])}</span>
                                {(g.waiting > 0).then(|| view! {
                                    " · " <strong>{tf(Key::CoachEvidenceWaiting, vec![("count", g.waiting.to_string())])}</strong>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h2 id="new-group">{t(Key::CoachNewGroup)}</h2>
            <form method="post" action="/api/create_group" class="stack form-narrow" aria-labelledby="new-group">
                <label for="group-name">{t(Key::CoachGroupName)}</label>
                <input type="text" id="group-name" name="name" required maxlength="100" value=query("name") />
                <button type="submit" class="button">{t(Key::CoachCreateGroup)}</button>
            </form>
            <h2 id="reset">{t(Key::CoachResetHeading)}</h2>
            <p>{t(Key::CoachResetIntro)}</p>
            <form method="post" action="/api/make_reset_code" class="stack form-narrow" aria-labelledby="reset">
                <label for="reset-username">{t(Key::FieldUsername)}</label>
                <input type="text" id="reset-username" name="username" required maxlength="32"
                    autocomplete="off" value=query("username") />
                <button type="submit" class="button">{t(Key::CoachMakeCode)}</button>
            </form>
        }
    })
}

/// `/coach/groups/:id`
#[component]
pub fn GroupPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let group = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse().ok())
                    .unwrap_or(0),
                locale.get(),
            )
        },
        |(id, locale)| get_group(id, locale),
    );
    loaded(group, |view| view! { <GroupTable view /> })
}

/// "Level 2/3 · level badges 1": where a learner stands on a pathway.
fn pathway_place(place: &PathwayPlace) -> impl Fn() -> String + Send + Sync + 'static {
    let milestones = ("milestones", place.milestones.to_string());
    match place.level {
        Some(level) => tf(
            Key::CoachPathwayLevel,
            vec![
                ("level", level.to_string()),
                ("levels", place.levels.to_string()),
                milestones,
            ],
        ),
        None => tf(Key::CoachPathwayDone, vec![milestones]),
    }
}

#[component]
fn GroupTable(view: GroupView) -> impl IntoView {
    let id = view.group.id;
    let added = query("added");
    let stuck_count = view.rows.iter().filter(|r| r.stuck.is_some()).count();
    let courses = view.courses.clone();
    let pathways = view.pathways.clone();
    view! {
        <leptos_meta::Title text=view.group.name.clone() />
        <nav class="breadcrumb" aria-label=t(Key::BreadcrumbLabel)>
            <ol>
                <li><a href="/coach">{t(Key::CoachHeading)}</a></li>
                <li><a href=format!("/coach/groups/{id}") aria-current="page">{view.group.name.clone()}</a></li>
            </ol>
        </nav>
        <h1>{view.group.name.clone()}</h1>
        <p>{tf(Key::CoachJoinCode, vec![("code", view.group.join_code.clone())])}</p>
        <p><a href=format!("/messages/groups/{id}#compose")>{t(Key::CoachAnnounce)}</a></p>
        <p>{tf(Key::CoachStuckSummary, vec![("count", stuck_count.to_string()), ("days", view.idle_days.to_string())])}</p>
        {(!added.is_empty()).then(|| view! { <p class="notice" role="status">{tf(Key::CoachAdded, vec![("username", added.clone())])}</p> })}
        <FormError />
        {if view.rows.is_empty() {
            view! { <p>{t(Key::CoachNoMembers)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll" role="region" aria-labelledby="group-table-caption" tabindex="0">
                    <table class="group-table">
                        <caption id="group-table-caption">{t(Key::CoachTableCaption)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t(Key::CoachColName)}</th>
                                {courses.iter().map(|(_, title)| view! { <th scope="col">{title.clone()}</th> }).collect_view()}
                                {pathways.iter().map(|(_, title)| view! { <th scope="col">{title.clone()}</th> }).collect_view()}
                                <th scope="col">{t(Key::CoachColLastActivity)}</th>
                                <th scope="col">{t(Key::CoachColQuiz)}</th>
                                <th scope="col">{t(Key::CoachColStuck)}</th>
                                <th scope="col">{t(Key::CoachColContacted)}</th>
                                <th scope="col"><span class="visually-hidden">{t(Key::CoachColActions)}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {view.rows.into_iter().map(|row| {
                                let name = row.name.clone();
                                view! {
                                    <tr class=row.stuck.is_some().then_some("is-stuck")>
                                        <th scope="row">{row.name.clone()} <span class="muted">" (" {row.username.clone()} ")"</span></th>
                                        {row.progress.iter().map(|p| view! {
                                            <td>{match p { Some(p) => format!("{p} %"), None => "–".to_owned() }}</td>
                                        }).collect_view()}
                                        {row.pathways.iter().map(|place| view! {
                                            <td>{pathway_place(place)}</td>
                                        }).collect_view()}
                                        <td>{crate::i18n::lt(row.last_activity.clone().unwrap_or_else(|| "–".into()))}</td>
                                        <td>{format!("{}/{}", row.quiz_right, row.quiz_attempts)}</td>
                                        <td>{row.stuck.clone().map(|s| match s {
                                            StuckReason::Idle(days) => view! { <strong>{tf(Key::CoachStuckIdle, vec![("days", days.to_string())])}</strong> }.into_any(),
                                            StuckReason::FailingQuiz(n) => view! { <strong>{tf(Key::CoachStuckQuiz, vec![("count", n.to_string())])}</strong> }.into_any(),
                                        })}</td>
                                        <td>{crate::i18n::lt(row.last_contacted.clone().unwrap_or_else(|| "–".into()))}</td>
                                        <td>
                                            {if row.stuck.is_some() {
                                                view! {
                                                    <a class="button button--small" href=format!("/messages/people/{}?nudge=1#compose", row.user_id)>
                                                        {tf(Key::CoachNudge, vec![("name", name.clone())])}
                                                    </a>
                                                }.into_any()
                                            } else {
                                                view! {
                                                    <a class="button button--small button--quiet" href=format!("/messages/people/{}#compose", row.user_id)>
                                                        {tf(Key::CoachWrite, vec![("name", name.clone())])}
                                                    </a>
                                                }.into_any()
                                            }}
                                            <form method="post" action="/api/remove_member">
                                                <input type="hidden" name="group" value=id.to_string() />
                                                <input type="hidden" name="user" value=row.user_id.to_string() />
                                                <button type="submit" class="button button--small button--quiet">
                                                    {tf(Key::CoachRemove, vec![("name", name)])}
                                                </button>
                                            </form>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p><a href=format!("/coach/groups/{id}/table.csv") download>{t(Key::CoachDownloadCsv)}</a></p>
            }.into_any()
        }}
        <Invited group=id invited=view.invited />
        <GroupBadges group=id requests=view.requests badges=view.badges />
        <h2 id="chart-title">{t(Key::CoachChartHeading)}</h2>
        <ProgressChart points=view.chart />
        <h2 id="add-member">{t(Key::CoachAddMember)}</h2>
        <form method="post" action="/api/add_member" class="stack form-narrow" aria-labelledby="add-member">
            <input type="hidden" name="group" value=id.to_string() />
            <label for="member-username">{t(Key::FieldUsername)}</label>
            <input type="text" id="member-username" name="username" required maxlength="32"
                autocomplete="off" value=query("username") />
            <button type="submit" class="button">{t(Key::CoachAdd)}</button>
        </form>
    }
}

/// Learners invited who have not accepted: only their names, and a way to
/// withdraw the invitation.
#[component]
fn Invited(group: i32, invited: Vec<InvitedView>) -> impl IntoView {
    (!invited.is_empty()).then(|| {
        view! {
            <h2 id="invited-heading">{t(Key::CoachInvitedHeading)}</h2>
            <p>{t(Key::CoachInvitedIntro)}</p>
            <ul class="invited-list" aria-labelledby="invited-heading">
                {invited.into_iter().map(|person| view! {
                    <li>
                        {person.name.clone()} " · " {t(Key::CoachInvitedState)}
                        <form method="post" action="/api/remove_member" class="inline-form">
                            <input type="hidden" name="group" value=group.to_string() />
                            <input type="hidden" name="user" value=person.user_id.to_string() />
                            <button type="submit" class="button button--small button--quiet">
                                {tf(Key::CoachWithdraw, vec![("name", person.name.clone())])}
                            </button>
                        </form>
                    </li>
                }).collect_view()}
            </ul>
        }
    })
}

/// Evidence waiting for the coach's decision, and the badges the learners
/// hold (each revocable with a reason).
#[component]
fn GroupBadges(
    group: i32,
    requests: Vec<EvidenceView>,
    badges: Vec<MemberBadgeView>,
) -> impl IntoView {
    let decided = query("decided");
    let revoked = query("revoked");
    let reissue = query("reissue");
    let (kept_request, kept_note) = (query("request"), query("note"));
    let (kept_badge, kept_reason) = (query("badge"), query("reason"));
    view! {
        <h2 id="evidence-heading">{t(Key::CoachEvidenceHeading)}</h2>
        {(!decided.is_empty()).then(|| view! { <p class="notice" role="status">{t(Key::CoachEvidenceDecided)}</p> })}
        {if requests.is_empty() {
            view! { <p>{t(Key::CoachEvidenceNone)}</p> }.into_any()
        } else {
            view! {
                <ul class="evidence-list" aria-labelledby="evidence-heading">
                    {requests.into_iter().map(|r| {
                        let note_id = format!("note-{}", r.id);
                        let note = if kept_request == r.id.to_string() { kept_note.clone() } else { String::new() };
                        view! {
                            <li class="evidence">
                                <h3>{tf(Key::CoachEvidenceFor, vec![("learner", r.learner.clone()), ("badge", r.badge.clone())])}</h3>
                                <p class="muted">{tf(Key::CoachEvidenceSent, vec![("date", crate::i18n::local_time_now(&r.sent))])}</p>
                                <blockquote class="evidence__text">{r.text.clone()}</blockquote>
                                {r.link.clone().map(|href| { let url = href.clone(); view! {
                                    <p><a href=href rel="noopener noreferrer nofollow">{tf(Key::CoachEvidenceLink, vec![("url", url)])}</a></p>
                                }})}
                                <form method="post" action="/api/decide_evidence" class="stack form-narrow">
                                    <input type="hidden" name="group" value=group.to_string() />
                                    <input type="hidden" name="request" value=r.id.to_string() />
                                    <label for=note_id.clone()>{t(Key::CoachEvidenceNote)}</label>
                                    <textarea id=note_id name="note" rows="3" maxlength="2000">{note}</textarea>
                                    <div class="button-row">
                                        <button type="submit" name="decision" value="approve" class="button">
                                            {tf(Key::CoachEvidenceApprove, vec![("learner", r.learner.clone())])}
                                        </button>
                                        <button type="submit" name="decision" value="decline" class="button button--quiet">
                                            {tf(Key::CoachEvidenceDecline, vec![("learner", r.learner.clone())])}
                                        </button>
                                    </div>
                                </form>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <h2 id="group-badges-heading">{t(Key::CoachBadgesHeading)}</h2>
        {(!revoked.is_empty()).then(|| view! { <p class="notice" role="status">{t(Key::CoachBadgeRevokedNotice)}</p> })}
        {(!reissue.is_empty()).then(|| view! { <p class="notice" role="status">{t(Key::CoachBadgeReissueNotice)}</p> })}
        {if badges.is_empty() {
            view! { <p>{t(Key::CoachBadgesNone)}</p> }.into_any()
        } else {
            view! {
                <ul class="member-badges" aria-labelledby="group-badges-heading">
                    {badges.into_iter().map(|b| {
                        let reason_id = format!("reason-{}", b.id);
                        let reissue_id = format!("reissue-{}", b.id);
                        let reason = if kept_badge == b.id.to_string() { kept_reason.clone() } else { String::new() };
                        let title = tf(Key::CoachBadgeOf, vec![("badge", b.name.clone()), ("learner", b.holder.clone())]);
                        view! {
                            <li class="member-badge">
                                <h3>{title}</h3>
                                <p>{tf(Key::BadgeIssued, vec![("date", crate::i18n::local_time_now(&b.issued))])}</p>
                                {match b.revoked.clone() {
                                    Some((date, why)) if b.reissue_allowed => view! {
                                        <p><strong>{tf(Key::WalletRevoked, vec![("date", date)])}</strong> " " {why}</p>
                                        <p>{t(Key::CoachReissueAllowed)}</p>
                                    }.into_any(),
                                    Some((date, why)) => view! {
                                        <p><strong>{tf(Key::WalletRevoked, vec![("date", date)])}</strong> " " {why}</p>
                                        <form method="post" action="/api/allow_reissue" class="stack form-narrow">
                                            <input type="hidden" name="group" value=group.to_string() />
                                            <input type="hidden" name="badge" value=b.id.to_string() />
                                            <label for=reissue_id.clone()>{t(Key::CoachReissueReason)}</label>
                                            <input type="text" id=reissue_id name="reason" required maxlength="500" value=reason.clone() />
                                            <button type="submit" class="button button--quiet">
                                                {tf(Key::CoachAllowReissue, vec![("badge", b.name.clone()), ("learner", b.holder.clone())])}
                                            </button>
                                        </form>
                                    }.into_any(),
                                    None => view! {
                                        <form method="post" action="/api/revoke_badge" class="stack form-narrow">
                                            <input type="hidden" name="group" value=group.to_string() />
                                            <input type="hidden" name="badge" value=b.id.to_string() />
                                            <label for=reason_id.clone()>{t(Key::CoachRevokeReason)}</label>
                                            <input type="text" id=reason_id name="reason" required maxlength="500" value=reason />
                                            <button type="submit" class="button button--quiet">
                                                {tf(Key::CoachRevoke, vec![("badge", b.name.clone()), ("learner", b.holder.clone())])}
                                            </button>
                                        </form>
                                    }.into_any(),
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// The group's average lessons done per learner at the end of each week,
/// as an SVG line chart drawn on the server (readable without JavaScript;
/// the same figures are in the chart's text alternative).
#[component]
fn ProgressChart(points: Vec<(String, f64)>) -> impl IntoView {
    const W: f64 = 320.0;
    const H: f64 = 160.0;
    const PAD: f64 = 28.0;
    let max = points
        .iter()
        .map(|(_, v)| *v)
        .fold(1.0_f64, f64::max)
        .ceil();
    let n = points.len().max(2) - 1;
    let step = (W - 2.0 * PAD) / n as f64;
    let xy = |i: usize, v: f64| (PAD + step * i as f64, H - PAD - (H - 2.0 * PAD) * v / max);
    let line: String = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let (x, y) = xy(i, *v);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let summary = points
        .iter()
        .map(|(d, v)| format!("{d} {v:.1}"))
        .collect::<Vec<_>>()
        .join(", ");
    let first = points.first().map(|(d, _)| d.clone()).unwrap_or_default();
    let last = points.last().map(|(d, _)| d.clone()).unwrap_or_default();
    let label = tf(Key::CoachChartLabel, vec![("values", summary)]);
    view! {
        <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby="chart-title chart-desc">
            <desc id="chart-desc">{label}</desc>
            <line x1=PAD y1=H - PAD x2=W - PAD y2=H - PAD class="chart__axis" />
            <line x1=PAD y1=PAD x2=PAD y2=H - PAD class="chart__axis" />
            <text x=PAD - 4.0 y=PAD + 4.0 text-anchor="end" class="chart__label">{format!("{max:.0}")}</text>
            <text x=PAD - 4.0 y=H - PAD text-anchor="end" class="chart__label">"0"</text>
            <text x=PAD y=H - 8.0 class="chart__label">{first}</text>
            <text x=W - PAD y=H - 8.0 text-anchor="end" class="chart__label">{last}</text>
            <polyline points=line class="chart__line" />
            {points.iter().enumerate().map(|(i, (_, v))| {
                let (x, y) = xy(i, *v);
                view! { <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="3" class="chart__dot" /> }
            }).collect_view()}
        </svg>
    }
}
