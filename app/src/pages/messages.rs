//! `/messages`: the signed-in person's conversations (with her coaches, or
//! a coach's with her learners, and groups' announcements), and
//! `/messages/people/:id` and `/messages/groups/:id`: one conversation.
//!
//! Without JavaScript the conversation is a page with a form that posts;
//! hydrated, new messages appear without a reload (it asks the server
//! every [`POLL_SECONDS`] seconds) and are announced to screen readers.
//! Message text is shown as text; only web addresses become links.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::messages::{
    Inbox, MessageView, TextPart, ThreadRef, ThreadView, get_inbox, get_thread,
};
use crate::components::loaded::loaded;
use crate::components::notice::{FormError, PageTitle};
use crate::i18n::{IslandTexts, Key, Locale, Texts, fill, t, tf, use_locale};

/// How often an open conversation asks for new messages, hydrated.
pub const POLL_SECONDS: u64 = 20;

/// `/messages`
#[component]
pub fn InboxPage() -> impl IntoView {
    let inbox = Resource::new(|| (), |_| get_inbox());
    loaded(inbox, |inbox| view! { <InboxView inbox /> })
}

#[component]
fn InboxView(inbox: Inbox) -> impl IntoView {
    view! {
        <PageTitle key=Key::MessagesHeading />
        <h1>{t(Key::MessagesHeading)}</h1>
        {if inbox.threads.is_empty() {
            view! { <p>{t(Key::MessagesNone)}</p> }.into_any()
        } else {
            view! {
                <ul class="threads">
                    {inbox.threads.into_iter().map(|card| {
                        let title = card.title.clone();
                        let name = move || title.clone().unwrap_or_else(|| t(Key::MessagesDeletedAccount)().to_owned());
                        let group = matches!(card.thread, Some(ThreadRef::Group(_)));
                        let heading = move || if group { tf(Key::MessagesAnnouncementsOf, vec![("group", name())])() } else { name() };
                        view! {
                            <li class="thread-card" class:thread-card--unread={card.unread > 0}>
                                <h2>
                                    {match card.thread {
                                        Some(thread) => view! { <a href=thread.href()>{heading}</a> }.into_any(),
                                        None => view! { <span>{heading}</span> }.into_any(),
                                    }}
                                </h2>
                                {(card.unread > 0).then(|| view! {
                                    <p><strong>{tf(Key::MessagesUnread, vec![("count", card.unread.to_string())])}</strong></p>
                                })}
                                {match (card.last, card.last_at) {
                                    (Some(last), Some(at)) => view! {
                                        <p class="thread-card__last">{last}</p>
                                        <p class="muted">{crate::i18n::lt(at)}</p>
                                    }.into_any(),
                                    _ => view! { <p class="muted">{t(if card.can_write { Key::MessagesStart } else { Key::MessagesEmpty })}</p> }.into_any(),
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// The conversation of the route: `person` or `group` from the path.
fn route_thread() -> Option<ThreadRef> {
    let params = use_params_map();
    let p = params.read();
    let id: i32 = p.get("id")?.parse().ok()?;
    let path = leptos_router::hooks::use_location().pathname.get();
    if path.starts_with("/messages/groups/") {
        Some(ThreadRef::Group(id))
    } else {
        Some(ThreadRef::Person(id))
    }
}

fn parts_of(thread: Option<ThreadRef>) -> (Option<i32>, Option<i32>) {
    match thread {
        Some(ThreadRef::Person(id)) => (Some(id), None),
        Some(ThreadRef::Group(id)) => (None, Some(id)),
        None => (None, None),
    }
}

/// `/messages/people/:id` and `/messages/groups/:id`
#[component]
pub fn ThreadPage() -> impl IntoView {
    let thread = Resource::new(
        move || parts_of(route_thread()),
        |(person, group)| get_thread(person, group),
    );
    loaded(thread, |view| view! { <Conversation view /> })
}

#[component]
fn Conversation(view: ThreadView) -> impl IntoView {
    let locale = use_locale();
    let q = use_query_map().read_untracked();
    let title = view.title.clone();
    let heading = {
        let (thread, title) = (view.thread, title.clone());
        move |locale: Locale| match thread {
            ThreadRef::Group(_) => fill(
                locale.text(Key::MessagesAnnouncementsOf),
                &[("group", title.clone())],
            ),
            ThreadRef::Person(_) => {
                fill(locale.text(Key::MessagesWith), &[("name", title.clone())])
            }
        }
    };
    // <title> is rendered outside the page's scope: a plain string.
    let page_title = heading(locale.get_untracked());
    let heading = move || heading(locale.get());
    // What the form shows: what was typed (after a refusal), a nudge in
    // the learner's own language, or nothing.
    let typed = q.get("body").unwrap_or_default();
    let draft = if !typed.is_empty() {
        typed
    } else if q.get("nudge").is_some() && view.moderator {
        let language: Locale = view.language.unwrap_or_else(|| locale.get_untracked());
        fill(
            language.text(Key::MessagesNudgeText),
            &[("name", title.clone())],
        )
    } else {
        String::new()
    };
    let (person, group) = parts_of(Some(view.thread));
    let moderator = view.moderator;
    view! {
        <leptos_meta::Title text=page_title />
        <nav class="breadcrumb" aria-label=t(Key::BreadcrumbLabel)>
            <ol>
                <li><a href="/messages">{t(Key::MessagesHeading)}</a></li>
                <li><a href=view.thread.href() aria-current="page">{heading.clone()}</a></li>
            </ol>
        </nav>
        <h1>{heading}</h1>
        <MessageList texts=IslandTexts::of(MESSAGE_LIST_TEXTS) thread=view.thread messages=view.messages moderator />
        <FormError />
        {if view.can_write {
            view! {
                <form method="post" action="/api/send_message" class="stack compose" id="compose">
                    {person.map(|id| view! { <input type="hidden" name="person" value=id.to_string() /> })}
                    {group.map(|id| view! { <input type="hidden" name="group" value=id.to_string() /> })}
                    <label for="message-body">{t(Key::MessagesYourMessage)}</label>
                    <textarea id="message-body" name="body" rows="4" maxlength="2000" required>{draft}</textarea>
                    <button type="submit" class="button">{t(Key::MessagesSend)}</button>
                </form>
            }.into_any()
        } else {
            view! {
                <p class="notice" id="compose">{t(match view.thread {
                    ThreadRef::Group(_) => Key::MessagesAnnouncementsOnly,
                    ThreadRef::Person(_) => Key::MessagesClosed,
                })}</p>
            }.into_any()
        }}
    }
}

/// The texts [`MessageList`] shows.
const MESSAGE_LIST_TEXTS: &[Key] = &[
    Key::MessagesEmpty,
    Key::MessagesDeletedAccount,
    Key::MessagesHiddenMark,
    Key::MessagesShow,
    Key::MessagesHide,
    Key::MessagesDelete,
];

/// The conversation's messages (an island, its code loaded only on
/// this page): hydrated, new ones appear
/// as they come (asked for every few seconds).
#[island(lazy)]
fn MessageList(
    texts: IslandTexts,
    thread: ThreadRef,
    messages: Vec<MessageView>,
    moderator: bool,
) -> impl IntoView {
    texts.provide();
    let messages = RwSignal::new(messages);
    #[cfg(feature = "hydrate")]
    {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let (person, group) = parts_of(Some(thread));
                leptos::task::spawn_local(async move {
                    if let Ok(fresh) = get_thread(person, group).await {
                        messages.set(fresh.messages);
                    }
                });
            },
            std::time::Duration::from_secs(POLL_SECONDS),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = thread;
    view! {
        <Show
            when=move || !messages.read().is_empty()
            fallback=|| view! { <p>{t(Key::MessagesEmpty)}</p> }
        >
            <ol class="messages" aria-live="polite" aria-relevant="additions">
                <For
                    each=move || messages.get()
                    key=|m| (m.id, m.hidden)
                    children=move |m: MessageView| view! { <Message m moderator /> }
                />
            </ol>
        </Show>
    }
}

#[component]
fn Message(m: MessageView, moderator: bool) -> impl IntoView {
    let author = m.author.clone();
    let author = move || {
        author
            .clone()
            .unwrap_or_else(|| t(Key::MessagesDeletedAccount)().to_owned())
    };
    let id = m.id;
    view! {
        <li id=format!("message-{id}") class="message" class:message--own=m.own class:message--hidden=m.hidden>
            <p class="message__meta"><strong>{author}</strong> " · " {crate::i18n::lt(m.at.clone())}
                {m.hidden.then(|| view! { " · " {t(Key::MessagesHiddenMark)} })}
            </p>
            <p class="message__body">
                {m.body.into_iter().map(|part| match part {
                    TextPart::Text(text) => text.into_any(),
                    TextPart::Link(href, text) => view! { <a href=href rel="nofollow noopener noreferrer ugc">{text}</a> }.into_any(),
                }).collect_view()}
            </p>
            {(moderator && !m.own).then(|| view! {
                <form method="post" action="/api/hide_message" class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="hidden" value=(!m.hidden).to_string() />
                    <button type="submit" class="button button--small button--quiet">
                        {t(if m.hidden { Key::MessagesShow } else { Key::MessagesHide })}
                    </button>
                </form>
            })}
            {m.deletable.then(|| view! {
                <form method="post" action="/api/delete_message" class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="button button--small button--quiet">{t(Key::MessagesDelete)}</button>
                </form>
            })}
        </li>
    }
}
