//! The lesson read aloud: a plain `<audio controls>` player that works
//! without JavaScript; hydrated, the sentence being heard is highlighted
//! on the page, the learner can skip a paragraph back or forth, tap a
//! paragraph to hear it from there, and change the speed.
//!
//! The server's cues name the sentence by its block: the `n`-th readable
//! element of the page under `data-say` (the rule is the server's, in
//! `polku_core::speech::script`, followed here element for element).

use leptos::prelude::*;

use crate::api::LessonAudio;
use crate::i18n::{IslandTexts, Key, Locale, t, tf};

/// The texts [`ReadAloud`] shows.
pub const READ_ALOUD_TEXTS: &[Key] = &[
    Key::ReadAloudDownload,
    Key::ReadAloudHint,
    Key::ReadAloudLength,
    Key::ReadAloudNext,
    Key::ReadAloudPrevious,
    Key::ReadAloudSpeed,
    Key::ReadAloudSpeedFast,
    Key::ReadAloudSpeedFaster,
    Key::ReadAloudSpeedNormal,
    Key::ReadAloudSpeedSlow,
    Key::ReadAloudTitle,
];

/// The playback speeds: the option's value, the rate, its name.
const SPEEDS: [(&str, f64, Key); 4] = [
    ("0.75", 0.75, Key::ReadAloudSpeedSlow),
    ("1", 1.0, Key::ReadAloudSpeedNormal),
    ("1.25", 1.25, Key::ReadAloudSpeedFast),
    ("1.5", 1.5, Key::ReadAloudSpeedFaster),
];

/// The player (an island: hydrated on its own). In the first module: a
/// module of its own would add more to a lesson with audio (most lessons)
/// than it takes from the pages without one.
#[island]
pub fn ReadAloud(
    /// Its texts ([`READ_ALOUD_TEXTS`]).
    texts: IslandTexts,
    /// The audio.
    audio: LessonAudio,
    /// The course's key.
    course: String,
    /// The lesson's key.
    lesson: String,
    /// The language of the lesson text (and of its audio).
    language: Locale,
) -> impl IntoView {
    texts.provide();
    let whole = audio.duration_ms / 1000;
    let (minutes, seconds) = ((whole / 60).to_string(), (whole % 60).to_string());
    let audio_ref = NodeRef::<leptos::html::Audio>::new();
    // The tools need JavaScript: shown once the page is hydrated.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    #[cfg(feature = "hydrate")]
    let player = live::Player::start(audio_ref, course, lesson, language);
    #[cfg(not(feature = "hydrate"))]
    let _ = (course, lesson);
    #[cfg(feature = "hydrate")]
    let (on_time, on_ended, previous, next, on_speed) = (
        move |_| player.follow(),
        move |_| player.clear(),
        move |_| player.skip(-1),
        move |_| player.skip(1),
        move |ev: leptos::ev::Event| player.speed(&event_target_value(&ev)),
    );
    #[cfg(not(feature = "hydrate"))]
    let (on_time, on_ended, previous, next, on_speed) = (
        |_: leptos::ev::Event| {},
        |_: leptos::ev::Event| {},
        |_: leptos::ev::MouseEvent| {},
        |_: leptos::ev::MouseEvent| {},
        |_: leptos::ev::Event| {},
    );
    let url = audio.url.clone();
    view! {
        <section class="read-aloud" aria-labelledby="read-aloud-title">
            <h2 id="read-aloud-title" class="read-aloud__title">{t(Key::ReadAloudTitle)}</h2>
            <p class="read-aloud__length">
                {tf(Key::ReadAloudLength, vec![("minutes", minutes), ("seconds", seconds)])}
            </p>
            <audio
                controls
                preload="none"
                lang=language.code()
                aria-labelledby="read-aloud-title"
                node_ref=audio_ref
                on:timeupdate=on_time
                on:seeked=on_time
                on:ended=on_ended
            >
                <source src=url.clone() type=audio.content_type.clone() />
                <a href=url download="">{t(Key::ReadAloudDownload)}</a>
            </audio>
            {move || hydrated.get().then(|| view! {
                <div class="read-aloud__tools">
                    <button type="button" on:click=previous>{t(Key::ReadAloudPrevious)}</button>
                    <button type="button" on:click=next>{t(Key::ReadAloudNext)}</button>
                    <label>
                        {t(Key::ReadAloudSpeed)} " "
                        <select on:change=on_speed>
                            {SPEEDS.iter().map(|&(value, _, label)| view! {
                                <option value=value selected={value == "1"}>{t(label)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                </div>
                <p class="read-aloud__hint">{t(Key::ReadAloudHint)}</p>
            })}
        </section>
    }
}

/// The hydrated player: cues, highlighting, skipping.
#[cfg(feature = "hydrate")]
mod live {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, Node};

    use crate::api::Cue;
    use crate::i18n::Locale;

    /// Readable elements (as `polku_core::speech::script::BLOCK_TAGS`).
    const BLOCKS: &str = "h1,h2,h3,h4,h5,h6,p,li,dt,dd,th,td,caption,figcaption,summary";
    /// Elements whose content is never read (`SKIPPED_TAGS`).
    const SKIPPED: &str = "pre,script,style,svg,math,video,audio,iframe,template,textarea,select";
    /// What a tap on the page means for itself: never a jump.
    const INTERACTIVE: &str = "a,button,input,label,select,summary,textarea,audio";
    /// The name of the highlight (`::highlight(read-aloud)` in the CSS).
    const HIGHLIGHT: &str = "read-aloud";

    #[derive(Clone, Copy)]
    pub struct Player {
        audio: NodeRef<leptos::html::Audio>,
        cues: RwSignal<Vec<Cue>>,
        current: RwSignal<Option<usize>>,
    }

    impl Player {
        /// Loads the cues and listens for taps on paragraphs.
        pub fn start(
            audio: NodeRef<leptos::html::Audio>,
            course: String,
            lesson: String,
            language: Locale,
        ) -> Player {
            let player = Player {
                audio,
                cues: RwSignal::new(Vec::new()),
                current: RwSignal::new(None),
            };
            let cues = player.cues;
            leptos::task::spawn_local(async move {
                if let Ok(found) =
                    crate::api::courses::get_read_aloud_cues(course, lesson, language).await
                {
                    cues.set(found);
                }
            });
            let handle = window_event_listener(leptos::ev::click, move |ev| player.tapped(&ev));
            on_cleanup(move || {
                handle.remove();
                clear_highlight();
            });
            player
        }

        /// Follows the audio: highlights the sentence heard now.
        pub fn follow(self) {
            let Some(audio) = self.audio.get_untracked() else {
                return;
            };
            let now = audio.current_time() * 1000.0;
            let at = self
                .cues
                .with_untracked(|cues| cues.iter().rposition(|c| f64::from(c.start_ms) <= now));
            if at == self.current.get_untracked() {
                return;
            }
            self.current.set(at);
            match at.and_then(|i| self.cues.with_untracked(|c| c.get(i).copied())) {
                Some(cue) => highlight(&cue),
                None => clear_highlight(),
            }
        }

        /// The audio ended: nothing is highlighted.
        pub fn clear(self) {
            self.current.set(None);
            clear_highlight();
        }

        /// Jumps `by` paragraphs (blocks) from the one heard now.
        pub fn skip(self, by: i32) {
            // The cues are still on their way (pressed right after the
            // page opened): "next" starts from the top, as it does before
            // anything has been heard; the highlight follows once they come.
            if self.cues.with_untracked(Vec::is_empty) {
                if by > 0
                    && let Some(audio) = self.audio.get_untracked()
                {
                    audio.set_current_time(0.0);
                    let _ = audio.play();
                }
                return;
            }
            let here = self.current.get_untracked().and_then(|i| {
                self.cues
                    .with_untracked(|cues| cues.get(i).map(|c| c.block))
            });
            let target = self.cues.with_untracked(|cues| {
                let mut blocks: Vec<u32> = cues.iter().map(|c| c.block).collect();
                blocks.dedup();
                let position = here.and_then(|b| blocks.iter().position(|x| *x == b));
                let wanted = match position {
                    Some(p) => i64::try_from(p).unwrap_or(0) + i64::from(by),
                    None if by > 0 => 0,
                    None => return None,
                };
                usize::try_from(wanted)
                    .ok()
                    .and_then(|w| blocks.get(w).copied())
            });
            if let Some(block) = target {
                self.play_block(block);
            }
        }

        /// Plays from the first sentence of `block`.
        fn play_block(self, block: u32) {
            let start = self
                .cues
                .with_untracked(|cues| cues.iter().find(|c| c.block == block).map(|c| c.start_ms));
            if let (Some(ms), Some(audio)) = (start, self.audio.get_untracked()) {
                audio.set_current_time(f64::from(ms) / 1000.0);
                let _ = audio.play();
            }
        }

        /// A tap on a paragraph while the audio plays: read from there.
        fn tapped(self, ev: &leptos::ev::MouseEvent) {
            let Some(audio) = self.audio.get_untracked() else {
                return;
            };
            if audio.paused() {
                return;
            }
            let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            if target.closest(INTERACTIVE).ok().flatten().is_some() {
                return;
            }
            let Some(block) = target.closest(BLOCKS).ok().flatten() else {
                return;
            };
            if let Some(n) = blocks().iter().position(|b| *b == block) {
                self.play_block(u32::try_from(n).unwrap_or(u32::MAX));
            }
        }

        /// Sets the playback speed.
        pub fn speed(self, value: &str) {
            let rate = super::SPEEDS.iter().find(|(v, ..)| *v == value);
            if let (Some(&(_, rate, _)), Some(audio)) = (rate, self.audio.get_untracked()) {
                audio.set_playback_rate(rate);
            }
        }
    }

    /// The page's readable elements, in the server's order.
    fn blocks() -> Vec<Element> {
        let mut out = Vec::new();
        let Ok(containers) = document().query_selector_all("[data-say]") else {
            return out;
        };
        for i in 0..containers.length() {
            let Some(container) = containers
                .item(i)
                .and_then(|n| n.dyn_into::<Element>().ok())
            else {
                continue;
            };
            if container.get_attribute("data-say").as_deref() == Some("block") {
                out.push(container);
                continue;
            }
            let Ok(found) = container.query_selector_all(BLOCKS) else {
                continue;
            };
            for j in 0..found.length() {
                if let Some(el) = found.item(j).and_then(|n| n.dyn_into::<Element>().ok())
                    && !hidden(&el, &container)
                {
                    out.push(el);
                }
            }
        }
        out
    }

    /// Whether `el` is never read: inside something skipped, or inside a
    /// `<details>` but not its summary.
    fn hidden(el: &Element, container: &Element) -> bool {
        let mut node = Some(el.clone());
        while let Some(at) = node {
            if at == *container {
                return false;
            }
            if at.matches(SKIPPED).unwrap_or(false) {
                return true;
            }
            let parent = at.parent_element();
            if let Some(p) = &parent
                && p.tag_name().eq_ignore_ascii_case("details")
                && !at.tag_name().eq_ignore_ascii_case("summary")
            {
                return true;
            }
            node = parent;
        }
        false
    }

    /// The text nodes that make a block's own text, in order.
    fn own_text(el: &Node, out: &mut Vec<Node>) {
        let children = el.child_nodes();
        let is_details = el
            .dyn_ref::<Element>()
            .is_some_and(|e| e.tag_name().eq_ignore_ascii_case("details"));
        for i in 0..children.length() {
            let Some(child) = children.item(i) else {
                continue;
            };
            match child.node_type() {
                Node::TEXT_NODE => out.push(child),
                Node::ELEMENT_NODE => {
                    let Some(e) = child.dyn_ref::<Element>() else {
                        continue;
                    };
                    let nested = e.matches(BLOCKS).unwrap_or(false);
                    let skipped = e.matches(SKIPPED).unwrap_or(false)
                        || (is_details && !e.tag_name().eq_ignore_ascii_case("summary"));
                    if !nested && !skipped {
                        own_text(&child, out);
                    }
                }
                _ => {}
            }
        }
    }

    fn units(node: &Node) -> u32 {
        let text = node.text_content().unwrap_or_default();
        u32::try_from(text.encode_utf16().count()).unwrap_or(u32::MAX)
    }

    /// Highlights a cue's sentence (the CSS Custom Highlight API; where it
    /// is missing, the block's outline alone shows the place).
    fn highlight(cue: &Cue) {
        clear_highlight();
        let Some(block) = blocks().into_iter().nth(cue.block as usize) else {
            return;
        };
        let _ = block.class_list().add_1("is-reading");
        let mut nodes = Vec::new();
        own_text(&block, &mut nodes);
        let (mut start, mut end) = (None, None);
        let mut seen = 0u32;
        for node in &nodes {
            let length = units(node);
            if start.is_none() && cue.from < seen + length {
                start = Some((node.clone(), cue.from - seen));
            }
            if cue.to <= seen + length {
                end = Some((node.clone(), cue.to - seen));
                break;
            }
            seen += length;
        }
        if let (Some((s, so)), Some((e, eo))) = (start, end)
            && let Ok(range) = document().create_range()
            && range.set_start(&s, so).is_ok()
            && range.set_end(&e, eo).is_ok()
        {
            set_highlight(&range);
        }
        if !in_view(&block) {
            block.scroll_into_view_with_bool(false);
        }
    }

    fn in_view(el: &Element) -> bool {
        let rect = el.get_bounding_client_rect();
        let height = window()
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0);
        rect.top() >= 0.0 && rect.bottom() <= height
    }

    fn registry() -> Option<wasm_bindgen::JsValue> {
        let css = js_sys::Reflect::get(&window(), &"CSS".into()).ok()?;
        let highlights = js_sys::Reflect::get(&css, &"highlights".into()).ok()?;
        (!highlights.is_undefined()).then_some(highlights)
    }

    fn set_highlight(range: &web_sys::Range) {
        let Some(highlights) = registry() else {
            return;
        };
        let Ok(constructor) = js_sys::Reflect::get(&window(), &"Highlight".into())
            .and_then(|c| c.dyn_into::<js_sys::Function>())
        else {
            return;
        };
        let Ok(highlight) = js_sys::Reflect::construct(&constructor, &js_sys::Array::of1(range))
        else {
            return;
        };
        if let Ok(set) = js_sys::Reflect::get(&highlights, &"set".into())
            .and_then(|f| f.dyn_into::<js_sys::Function>())
        {
            let _ = set.call2(&highlights, &HIGHLIGHT.into(), &highlight);
        }
    }

    fn clear_highlight() {
        if let Ok(reading) = document().query_selector_all(".is-reading") {
            for i in 0..reading.length() {
                if let Some(el) = reading.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let _ = el.class_list().remove_1("is-reading");
                }
            }
        }
        if let Some(highlights) = registry()
            && let Ok(delete) = js_sys::Reflect::get(&highlights, &"delete".into())
                .and_then(|f| f.dyn_into::<js_sys::Function>())
        {
            let _ = delete.call1(&highlights, &HIGHLIGHT.into());
        }
    }
}
