//! Plain-language advice for authors: the passages of a lesson that are
//! hard to read, sentence by sentence with their line, and a readability
//! figure per lesson. Advice, never a refusal: an import reports it as
//! warnings, the editor's preview lists it.
//!
//! The rules follow the plain-language guidelines for Finnish (Kotus'
//! selkeä virkakieli and Selkokeskus' selkokieli), Swedish (Språkrådet's
//! klarspråk, lättläst) and English (plainlanguage.gov): short sentences,
//! no very long words, the active voice, no abbreviations, everyday words
//! instead of officialese. The figure is LIX (läsbarhetsindex: words per
//! sentence plus the percentage of words longer than six letters), the
//! Nordic readability measure; `content/README.md` lists the rules, the
//! limits and how to read the figure.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::Language;

/// Words in a sentence above which it is "long".
fn sentence_limit(language: Language) -> usize {
    match language {
        // Finnish words carry endings English and Swedish write as words.
        Language::Fi => 15,
        Language::Sv => 20,
        Language::En => 25,
    }
}

/// Letters in a word above which it is "very long" (a compound to split).
fn word_limit(language: Language) -> usize {
    match language {
        Language::Fi | Language::Sv => 20,
        Language::En => 17,
    }
}

/// Abbreviations to write out.
fn abbreviations(language: Language) -> &'static [&'static str] {
    match language {
        Language::Fi => &[
            "esim.", "mm.", "ns.", "yms.", "jne.", "ks.", "ts.", "vrt.", "em.", "ym.", "ko.", "yo.",
        ],
        Language::Sv => &[
            "t.ex.", "bl.a.", "osv.", "dvs.", "s.k.", "m.m.", "o.s.v.", "fr.o.m.", "t.o.m.",
            "p.g.a.",
        ],
        Language::En => &[
            "e.g.", "i.e.", "etc.", "approx.", "incl.", "viz.", "cf.", "w.r.t.",
        ],
    }
}

/// Officialese of employment services: (how the word starts in any of its
/// forms, the word, a plainer way to say it).
fn jargon(language: Language) -> &'static [(&'static str, &'static str, &'static str)] {
    match language {
        Language::Fi => &[
            (
                "työllistymissuunnitelm",
                "työllistymissuunnitelma",
                "suunnitelma työn löytämiseksi",
            ),
            ("palvelutarpe", "palvelutarve", "mitä apua tarvitset"),
            ("palvelutarve", "palvelutarve", "mitä apua tarvitset"),
            ("asiakkuu", "asiakkuus", "kun olet asiakas"),
            ("velvoittav", "velvoittava", "pakollinen"),
            ("etuu", "etuus", "tuki tai raha, jota saat"),
            ("karens", "karenssi", "aika, jolloin et saa tukea"),
            ("toimenpi", "toimenpide", "mitä tehdään"),
            ("suorittaa", "suorittaa", "tehdä"),
            ("kyseinen", "kyseinen", "tämä"),
            ("kyseise", "kyseinen", "tämä"),
            ("asianomai", "asianomainen", "se, jota asia koskee"),
            ("informoi", "informoida", "kertoa"),
            ("hyödyntä", "hyödyntää", "käyttää"),
        ],
        Language::Sv => &[
            ("förmån", "förmån", "stöd eller pengar du får"),
            ("karens", "karens", "tid då du inte får stöd"),
            ("åtgärd", "åtgärd", "det som görs"),
            ("erhåll", "erhålla", "få"),
            ("tillhandahåll", "tillhandahålla", "ge"),
            ("densamma", "densamma", "den"),
            ("nyttj", "nyttja", "använda"),
            ("avseende", "avseende", "om"),
            ("innehav", "inneha", "ha"),
            ("inneha", "inneha", "ha"),
        ],
        Language::En => &[
            ("utilis", "utilise", "use"),
            ("utiliz", "utilize", "use"),
            ("commenc", "commence", "start"),
            ("prior to", "prior to", "before"),
            ("in accordance with", "in accordance with", "following"),
            ("facilitat", "facilitate", "help"),
            ("beneficiar", "beneficiary", "the person who gets it"),
            ("endeavour", "endeavour", "try"),
            ("in order to", "in order to", "to"),
            ("subsequently", "subsequently", "then"),
            ("aforementioned", "aforementioned", "this"),
        ],
    }
}

/// Whether `word` (lowercase) reads as a Finnish passive verb form: a
/// vowel and *-taan/-tään/-ttiin*, or a vowel or *h* and *-daan/-dään*
/// (*kirjoitetaan, tehdään, lopetettiin*; not *vähintään, nimeltään,
/// kenttään*).
fn finnish_passive(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 6 || ["mitään", "ketään", "mihinkään", "kumpaakaan"].contains(&word) {
        return false;
    }
    let before = |ending: &str| chars[chars.len() - ending.chars().count() - 1];
    let vowel = |c: char| "aeiouyäö".contains(c);
    if ["ttiin"].iter().any(|e| word.ends_with(e)) {
        return vowel(before("ttiin"));
    }
    if ["taan", "tään"].iter().any(|e| word.ends_with(e)) {
        return vowel(before("taan"));
    }
    if ["daan", "dään"].iter().any(|e| word.ends_with(e)) {
        let c = before("daan");
        return vowel(c) || c == 'h';
    }
    false
}

/// Swedish verbs that end in *-s* and are not passive (deponents).
const SV_DEPONENTS: &[&str] = &[
    "finnas", "hoppas", "minnas", "trivas", "lyckas", "synas", "kännas", "andas", "låtsas",
    "skämmas", "fattas", "svettas", "umgås", "slåss", "märkas", "åldras", "envisas",
];

/// English participles that read as adjectives after *be* (*interested*).
const EN_ADJECTIVES: &[&str] = &[
    "interested",
    "ashamed",
    "tired",
    "bored",
    "worried",
    "excited",
    "pleased",
    "scared",
    "surprised",
    "married",
    "concerned",
    "confused",
    "annoyed",
    "frightened",
    "satisfied",
];

const EN_BE: &[&str] = &["am", "is", "are", "was", "were", "be", "been", "being"];
const EN_IRREGULAR: &[&str] = &[
    "done", "made", "given", "sent", "taken", "shown", "written", "known", "told", "kept", "seen",
    "found", "paid", "chosen", "held", "built",
];
const SV_MODALS: &[&str] = &["kan", "ska", "måste", "bör", "får", "skall", "kommer"];

/// Whether the words at `i` (and the one before) read as a passive.
fn passive_at(words: &[String], i: usize, language: Language) -> bool {
    let word = words[i].as_str();
    let before = i.checked_sub(1).map(|j| words[j].as_str());
    match language {
        Language::Fi => finnish_passive(word),
        Language::Sv => {
            (word.ends_with("ades") && word.chars().count() > 6)
                || (word.ends_with("as")
                    && word.chars().count() > 4
                    && !SV_DEPONENTS.contains(&word)
                    && before.is_some_and(|b| SV_MODALS.contains(&b)))
        }
        Language::En => {
            before.is_some_and(|b| EN_BE.contains(&b))
                && !EN_ADJECTIVES.contains(&word)
                && ((word.ends_with("ed") && word.chars().count() > 4)
                    || EN_IRREGULAR.contains(&word))
        }
    }
}

/// One sentence of a lesson and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sentence {
    line: usize,
    text: String,
}

/// The lesson's prose, sentence by sentence: paragraphs, list items,
/// quotes and table cells; not headings, code, quizzes or HTML.
fn sentences(markdown: &str, first_line: usize) -> Vec<Sentence> {
    // Where each line break is: a sentence's line is the number of breaks
    // before it (found by binary search, not by counting again).
    let breaks: Vec<usize> = markdown
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(at, _)| at)
        .collect();
    let line_of = |offset: usize| first_line + breaks.partition_point(|&at| at < offset);
    let mut out = Vec::new();
    // The block being read: its text and the offset each piece starts at.
    let mut block = String::new();
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let mut skip = 0usize;
    let mut flush = |block: &mut String, starts: &mut Vec<(usize, usize)>| {
        split_block(block, starts, &line_of, &mut out);
        block.clear();
        starts.clear();
    };
    let options = Options::ENABLE_TABLES | Options::ENABLE_GFM | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. } | Tag::CodeBlock(_) | Tag::HtmlBlock) => skip += 1,
            Event::End(TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::HtmlBlock) => {
                skip = skip.saturating_sub(1);
            }
            Event::Start(Tag::Paragraph | Tag::Item | Tag::TableCell)
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                flush(&mut block, &mut starts);
            }
            Event::Text(text) if skip == 0 => {
                starts.push((block.len(), range.start));
                block.push_str(&text);
            }
            // Inline code names a thing (a command, an address): a word.
            Event::Code(_) if skip == 0 => {
                starts.push((block.len(), range.start));
                block.push_str("code");
            }
            Event::SoftBreak | Event::HardBreak if skip == 0 => block.push(' '),
            _ => {}
        }
    }
    flush(&mut block, &mut starts);
    out
}

/// Splits one block's text into sentences.
fn split_block(
    block: &str,
    starts: &[(usize, usize)],
    line_of: &dyn Fn(usize) -> usize,
    out: &mut Vec<Sentence>,
) {
    let source_offset = |at: usize| {
        starts
            .iter()
            .rev()
            .find(|(in_block, _)| *in_block <= at)
            .map_or(0, |(in_block, source)| source + (at - in_block))
    };
    for range in sentence_ranges(block) {
        out.push(Sentence {
            line: line_of(source_offset(range.start)),
            text: block[range].to_owned(),
        });
    }
}

/// Where the sentences of a block of text are (byte ranges, without the
/// space around them): they end at `.`, `!` and `?` followed by a space
/// (abbreviations do not end one), with the closing quotes and brackets
/// after them. Pieces without a letter are no sentence.
pub(crate) fn sentence_ranges(block: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut push = |begin: usize, end: usize| {
        let piece = &block[begin..end];
        let text = piece.trim();
        if text.chars().any(char::is_alphabetic) {
            let lead = piece.len() - piece.trim_start().len();
            out.push(begin + lead..begin + lead + text.len());
        }
    };
    let mut begin = 0;
    let chars: Vec<(usize, char)> = block.char_indices().collect();
    for (k, (at, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') || *at < begin {
            continue;
        }
        // Closing quotes and brackets belong to the sentence they end.
        let mut last = k;
        while chars
            .get(last + 1)
            .is_some_and(|(_, next)| matches!(next, '”' | '"' | '’' | '\'' | '»' | ')' | ']'))
        {
            last += 1;
        }
        let (end_at, end_char) = chars[last];
        let end = end_at + end_char.len_utf8();
        let ends = chars
            .get(last + 1)
            .is_none_or(|(_, next)| next.is_whitespace())
            && !ends_in_abbreviation(&block[begin..=*at]);
        if ends {
            push(begin, end);
            begin = end;
        }
    }
    push(begin, block.len());
    out
}

fn ends_in_abbreviation(text: &str) -> bool {
    let last = text
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .to_lowercase();
    [Language::Fi, Language::Sv, Language::En]
        .iter()
        .any(|l| abbreviations(*l).contains(&last.as_str()))
        // A number with a dot (a Finnish ordinal, "1.") or a single letter.
        || last.trim_end_matches('.').chars().all(|c| c.is_ascii_digit())
        || last.trim_end_matches('.').chars().count() == 1
}

/// The words of a sentence, lowercase, without punctuation around them.
fn words(sentence: &str) -> Vec<String> {
    sentence
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect()
}

/// A lesson's readability.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Readability {
    /// LIX: words per sentence + 100 × words over six letters / words.
    pub lix: f64,
    /// Sentences read.
    pub sentences: usize,
    /// Words read.
    pub words: usize,
}

/// One piece of advice: the line and what to do.
pub type Advice = (usize, String);

/// Reads `markdown` (a lesson body whose first line is `first_line` of its
/// file) in `language`: the advice, in line order, and the figure. Words
/// beginning with one of `terms` (the lesson's front matter: names the
/// learner must recognise as they are) are not pointed out as long or as
/// jargon.
pub fn check(
    markdown: &str,
    first_line: usize,
    language: Language,
    terms: &[String],
) -> (Vec<Advice>, Readability) {
    // A term's stem: less its last two letters, so that inflected forms
    // count ("työturvallisuuskortti" keeps "työturvallisuuskortin").
    let terms: Vec<String> = terms
        .iter()
        .map(|t| {
            let t = t.trim().to_lowercase();
            let letters = t.chars().count();
            if letters >= 8 {
                t.chars().take(letters - 2).collect()
            } else {
                t
            }
        })
        .filter(|t| !t.is_empty())
        .collect();
    let kept = |word: &str| terms.iter().any(|t| word.starts_with(t.as_str()));
    let mut advice = Vec::new();
    let (mut total_words, mut long_words, mut count) = (0usize, 0usize, 0usize);
    for sentence in sentences(markdown, first_line) {
        let words = words(&sentence.text);
        if words.is_empty() {
            continue;
        }
        count += 1;
        total_words += words.len();
        long_words += words.iter().filter(|w| w.chars().count() > 6).count();
        let line = sentence.line;
        let limit = sentence_limit(language);
        if words.len() > limit {
            advice.push((
                line,
                format!(
                    "plain language: a long sentence ({} words; keep to {limit}): split it",
                    words.len()
                ),
            ));
        }
        let long = word_limit(language);
        // Addresses, e-mail addresses, file names and hyphenated examples
        // are not words to split.
        let plain_word = |w: &&String| !w.contains(['.', '@', '/', '_', '-', ':']);
        for word in words
            .iter()
            .filter(plain_word)
            .filter(|w| w.chars().count() > long && !kept(w))
        {
            advice.push((
                line,
                format!(
                    "plain language: \"{word}\" is a very long word: split it or say it another way"
                ),
            ));
        }
        if let Some(i) = (0..words.len()).find(|&i| passive_at(&words, i, language)) {
            let shown = match i.checked_sub(1) {
                Some(j) if language != Language::Fi => format!("{} {}", words[j], words[i]),
                _ => words[i].clone(),
            };
            advice.push((
                line,
                format!("plain language: \"{shown}\" is passive: say who does it (\"you send\", not \"it is sent\")"),
            ));
        }
        let lower = sentence.text.to_lowercase();
        for abbreviation in abbreviations(language) {
            if lower
                .split_whitespace()
                .any(|w| w.trim_start_matches('(') == *abbreviation)
            {
                advice.push((
                    line,
                    format!("plain language: write \"{abbreviation}\" out in full"),
                ));
            }
        }
        let mut named = Vec::new();
        for (start, word, plainer) in jargon(language) {
            let found = if start.contains(' ') {
                lower.contains(start)
            } else {
                words.iter().any(|w| w.starts_with(start) && !kept(w))
            };
            if found && !named.contains(word) {
                named.push(*word);
                advice.push((
                    line,
                    format!("plain language: instead of \"{word}\", say \"{plainer}\""),
                ));
            }
        }
    }
    let lix = if count == 0 || total_words == 0 {
        0.0
    } else {
        let value =
            total_words as f64 / count as f64 + 100.0 * long_words as f64 / total_words as f64;
        (value * 10.0).round() / 10.0
    };
    (
        advice,
        Readability {
            lix,
            sentences: count,
            words: total_words,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, language: Language) -> Vec<(usize, String)> {
        check(text, 1, language, &[]).0
    }

    #[test]
    fn sentences_keep_their_lines_and_skip_code_headings_and_quizzes() {
        let text = "# Otsikko joka on pitkä mutta ei lause\n\nEnsimmäinen lause. Toinen\nlause rivillä kaksi!\n\n```quiz\nquestion = \"Tämä ei ole lause, jota luetaan.\"\n```\n\n- Kohta listassa, esim. tämä.\n";
        let found = sentences(text, 10);
        let texts: Vec<(usize, &str)> = found.iter().map(|s| (s.line, s.text.as_str())).collect();
        assert_eq!(
            texts,
            [
                (12, "Ensimmäinen lause."),
                (12, "Toinen lause rivillä kaksi!"),
                (19, "Kohta listassa, esim. tämä."),
            ]
        );
    }

    #[test]
    fn hard_finnish_is_pointed_out_with_its_line() {
        let hard = "Sinulle laaditaan työllistymissuunnitelma.\n\nHakemus lähetetään esim. sähköisesti, ja kun hakemus on vastaanotettu ja käsitelty, sinulle ilmoitetaan päätöksestä kirjeellä tai viestillä verkkopalvelussa.\n\nTyöttömyysetuushakemusprosessi kestää.\n";
        let advice = lines(hard, Language::Fi);
        let at = |line: usize, needle: &str| {
            advice.iter().any(|(l, m)| *l == line && m.contains(needle))
        };
        assert!(at(1, "passive"), "{advice:?}");
        assert!(at(1, "työllistymissuunnitelma"), "{advice:?}");
        assert!(at(3, "long sentence"), "{advice:?}");
        assert!(at(3, "esim."), "{advice:?}");
        assert!(at(5, "very long word"), "{advice:?}");
        let easy = "Lähetä hakemus verkossa. Saat päätöksen viestinä.\n\nKysy neuvoa, jos et tiedä mitään.\n\nKirjoita vähintään kaksi riviä hakukenttään nimeltään Haku.\n\nOsoite on https://www.tyomarkkinatori.fi ja sähköposti matti.virtanen@example.fi.\n";
        assert_eq!(lines(easy, Language::Fi), Vec::<Advice>::new());
    }

    #[test]
    fn hard_swedish_and_english_too() {
        let sv = "Ansökan kan skickas via nätet.\n\nDu erhåller beslutet t.ex. per post.\n";
        let advice = lines(sv, Language::Sv);
        assert!(
            advice
                .iter()
                .any(|(l, m)| *l == 1 && m.contains("kan skickas")),
            "{advice:?}"
        );
        assert!(
            advice.iter().any(|(l, m)| *l == 3 && m.contains("erhålla")),
            "{advice:?}"
        );
        assert!(
            advice.iter().any(|(l, m)| *l == 3 && m.contains("t.ex.")),
            "{advice:?}"
        );
        assert!(
            lines(
                "Skicka ansökan på nätet. Du får beslutet per post. Det kan finnas fel.\n",
                Language::Sv
            )
            .is_empty()
        );

        let en = "The form is sent by the office, e.g. by post.\n\nPrior to applying, utilise the checklist.\n";
        let advice = lines(en, Language::En);
        assert!(
            advice.iter().any(|(l, m)| *l == 1 && m.contains("is sent")),
            "{advice:?}"
        );
        assert!(
            advice.iter().any(|(l, m)| *l == 1 && m.contains("e.g.")),
            "{advice:?}"
        );
        assert!(
            advice
                .iter()
                .any(|(l, m)| *l == 3 && m.contains("prior to")),
            "{advice:?}"
        );
        assert!(
            advice.iter().any(|(l, m)| *l == 3 && m.contains("utilise")),
            "{advice:?}"
        );
        assert!(
            lines(
                "Send the form by post. You get the answer in a week. You are interested.\n",
                Language::En
            )
            .is_empty()
        );
    }

    #[test]
    fn a_quotation_ends_its_sentence() {
        let found = sentences("Svara: ”Hej, det är Anna.” Hon ringer sedan.\n", 1);
        let texts: Vec<&str> = found.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["Svara: ”Hej, det är Anna.”", "Hon ringer sedan."]);
    }

    #[test]
    fn terms_the_learner_must_recognise_are_not_pointed_out() {
        let text = "Kysy työllisyyspalveluista apua. Tarvitset työturvallisuuskortin.";
        let flagged = check(text, 1, Language::Fi, &[]).0;
        assert!(
            flagged
                .iter()
                .any(|(_, m)| m.contains("työturvallisuuskortin")),
            "{flagged:?}"
        );
        // Listed in its basic form, inflected forms count too.
        let kept = check(text, 1, Language::Fi, &["Työturvallisuuskortti".to_owned()]).0;
        assert!(
            !kept
                .iter()
                .any(|(_, m)| m.contains("työturvallisuuskortin")),
            "{kept:?}"
        );
    }

    #[test]
    fn the_figure_is_lix() {
        // 2 sentences, 7 words, 3 of them over six letters (hakemus,
        // päätöksen, netissä): 3.5 + 42.9 = 46.4.
        let (_, figure) = check(
            "Lähetä hakemus nyt. Saat päätöksen pian netissä.",
            1,
            Language::Fi,
            &[],
        );
        assert_eq!((figure.sentences, figure.words), (2, 7));
        assert!((figure.lix - 46.4).abs() < 0.05, "{figure:?}");
    }
}
