//! Competence frameworks bundled with Polku, for badge alignments: DigComp
//! 2.2 (all five areas and 21 competences) and a subset of ESCO skills
//! about digital skills and job seeking, each entry with its official
//! identifier and its names in Finnish, Swedish and English. The data
//! files (`digcomp-2.2.toml`, `esco.toml`) state their sources and
//! licences; a name no source gave in a language is Polku's translation,
//! marked as such (`translated`).
//!
//! A badge's alignment (in `course.toml`, a pathway's milestone, or the
//! badge editor) that names a bundled framework must name one of its
//! entries: a DigComp competence by its code (`2.1`), an ESCO skill by its
//! URI (as `code` or `url`). The name and address may then be left out:
//! they come from here. The verify page shows an aligned competence in the
//! reader's language.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::Language;

/// A bundled framework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framework {
    /// Its name as alignments write it (`DigComp 2.2`, `ESCO`).
    pub name: String,
    /// Its home page.
    pub url: String,
    /// Its version, where it states one.
    pub version: Option<String>,
    /// Its licence, as its publisher states it.
    pub licence: String,
    /// Where the entries and their names come from.
    pub sources: Vec<String>,
    /// Its entries: competences or skills (and areas, marked).
    pub entries: Vec<Entry>,
}

/// A competence or skill of a framework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its identifier in the framework: a DigComp code (`2.1`) or an ESCO
    /// URI.
    pub code: String,
    /// Its address: the framework's page (DigComp) or its URI (ESCO).
    pub url: String,
    /// Its names per language (English always).
    pub name: BTreeMap<Language, String>,
    /// A competence area (a heading, not aligned to).
    pub area: bool,
    /// Languages whose name is Polku's own translation (no published name
    /// in that language was found; the data file says where the others
    /// come from).
    pub translated: Vec<Language>,
}

impl Entry {
    /// Named by its URI, its address (an ESCO skill), not by a code.
    pub fn by_uri(&self) -> bool {
        self.url == self.code
    }

    /// A badge's alignment to this entry of `framework`: its code (none
    /// for a skill named by its URI), its English name, its address.
    pub fn alignment(&self, framework: &Framework) -> crate::content::BadgeAlignment {
        crate::content::BadgeAlignment {
            framework: framework.name.clone(),
            code: (!self.by_uri()).then(|| self.code.clone()),
            name: self.name_in(Language::En).to_owned(),
            url: Some(self.url.clone()),
        }
    }

    /// The name in `language`, else in English.
    pub fn name_in(&self, language: Language) -> &str {
        self.name
            .get(&language)
            .or_else(|| self.name.get(&Language::En))
            .map_or("", String::as_str)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    framework: MetaToml,
    #[serde(default)]
    area: Vec<EntryToml>,
    #[serde(default)]
    competence: Vec<EntryToml>,
    #[serde(default)]
    skill: Vec<SkillToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MetaToml {
    name: String,
    url: String,
    licence: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryToml {
    code: String,
    name: BTreeMap<Language, String>,
    #[serde(default)]
    translated: Vec<Language>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SkillToml {
    uri: String,
    name: BTreeMap<Language, String>,
    #[serde(default)]
    translated: Vec<Language>,
}

/// The data files, as bundled.
const FILES: [(&str, &str); 2] = [
    ("digcomp-2.2.toml", include_str!("digcomp-2.2.toml")),
    ("esco.toml", include_str!("esco.toml")),
];

fn parse(text: &str) -> Result<Framework, String> {
    let file: FileToml = toml::from_str(text).map_err(|e| e.to_string())?;
    let meta = file.framework;
    let mut entries: Vec<Entry> = Vec::new();
    let mut push = |code: String,
                    url: String,
                    name: BTreeMap<Language, String>,
                    area: bool,
                    translated: Vec<Language>| {
        if let Some(language) = Language::ALL.iter().find(|l| !name.contains_key(l)) {
            return Err(format!("{code} has no name in {}", language.code()));
        }
        if translated.contains(&Language::En) {
            return Err(format!("{code}: the English name is the framework's own"));
        }
        if entries.iter().any(|e| e.code == code) {
            return Err(format!("{code} is listed twice"));
        }
        entries.push(Entry {
            code,
            url,
            name,
            area,
            translated,
        });
        Ok(())
    };
    for area in file.area {
        push(
            area.code,
            meta.url.clone(),
            area.name,
            true,
            area.translated,
        )?;
    }
    for competence in file.competence {
        push(
            competence.code,
            meta.url.clone(),
            competence.name,
            false,
            competence.translated,
        )?;
    }
    for skill in file.skill {
        if !skill.uri.starts_with("http://data.europa.eu/esco/skill/") {
            return Err(format!("{} is not an ESCO skill URI", skill.uri));
        }
        push(
            skill.uri.clone(),
            skill.uri,
            skill.name,
            false,
            skill.translated,
        )?;
    }
    Ok(Framework {
        name: meta.name,
        url: meta.url,
        version: meta.version,
        licence: meta.licence,
        sources: meta.sources,
        entries,
    })
}

static FRAMEWORKS: LazyLock<Vec<Framework>> = LazyLock::new(|| {
    FILES
        .iter()
        .filter_map(|(name, text)| match parse(text) {
            Ok(framework) => Some(framework),
            // A unit test keeps this from happening.
            Err(err) => {
                tracing::error!("the bundled framework {name} cannot be read: {err}");
                None
            }
        })
        .collect()
});

/// Every bundled framework.
pub fn all() -> &'static [Framework] {
    &FRAMEWORKS
}

/// The bundled framework called `name` (case and spacing ignored).
pub fn framework(name: &str) -> Option<&'static Framework> {
    let wanted = simple(name);
    all().iter().find(|f| simple(&f.name) == wanted)
}

/// The entry of bundled framework `name` that `code` or `url` names: a
/// competence by its code, a skill by its URI. `None` when the framework
/// is not bundled or has no such entry.
pub fn resolve(
    name: &str,
    code: Option<&str>,
    url: Option<&str>,
) -> Option<(&'static Framework, &'static Entry)> {
    let framework = framework(name)?;
    let entry = framework.entries.iter().find(|e| {
        !e.area
            && (code.is_some_and(|c| c.trim() == e.code)
                || url.is_some_and(|u| u.trim() == e.code && e.by_uri()))
    })?;
    Some((framework, entry))
}

/// Entries (not areas) whose code or name in any language contains
/// `query` (case ignored), at most `limit`, in the frameworks' order.
pub fn search(query: &str, limit: usize) -> Vec<(&'static Framework, &'static Entry)> {
    let query = query.trim().to_lowercase();
    all()
        .iter()
        .flat_map(|f| f.entries.iter().map(move |e| (f, e)))
        .filter(|(_, e)| !e.area)
        .filter(|(_, e)| {
            query.is_empty()
                || e.code.to_lowercase().contains(&query)
                || e.name.values().any(|n| n.to_lowercase().contains(&query))
        })
        .take(limit)
        .collect()
}

/// How the badge editor offers an entry (a choice of its list) in
/// `language`: "DigComp 2.2 2.1 – name" or "ESCO – name".
pub fn choice(framework: &Framework, entry: &Entry, language: Language) -> String {
    if entry.by_uri() {
        format!("{} – {}", framework.name, entry.name_in(language))
    } else {
        format!(
            "{} {} – {}",
            framework.name,
            entry.code,
            entry.name_in(language)
        )
    }
}

/// The entry an author means by `text`: a choice of the editor's list in
/// any language, a DigComp code (`2.1`, `DigComp 2.2 2.1`), an ESCO URI,
/// or the one entry with that name in some language (case ignored).
pub fn pick(text: &str) -> Option<(&'static Framework, &'static Entry)> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return None;
    }
    let entries = || {
        all()
            .iter()
            .flat_map(|f| f.entries.iter().map(move |e| (f, e)))
            .filter(|(_, e)| !e.area)
    };
    let by_choice = entries().find(|(f, e)| {
        Language::ALL
            .iter()
            .any(|l| e.name.contains_key(l) && choice(f, e, *l) == text)
    });
    let code = text
        .strip_prefix("DigComp 2.2 ")
        .unwrap_or(&text)
        .to_owned();
    let lower = text.to_lowercase();
    by_choice
        .or_else(|| entries().find(|(_, e)| e.code == code))
        .or_else(|| {
            let mut named =
                entries().filter(|(_, e)| e.name.values().any(|n| n.to_lowercase() == lower));
            match (named.next(), named.next()) {
                (Some(one), None) => Some(one),
                _ => None,
            }
        })
}

fn simple(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_frameworks_load_whole() {
        for (name, text) in FILES {
            let framework = parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!framework.licence.is_empty(), "{name}: licence");
            assert!(!framework.sources.is_empty(), "{name}: sources");
        }
        let digcomp = framework("DigComp 2.2").expect("DigComp 2.2");
        let competences: Vec<&str> = digcomp
            .entries
            .iter()
            .filter(|e| !e.area)
            .map(|e| e.code.as_str())
            .collect();
        assert_eq!(
            competences,
            [
                "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3",
                "3.4", "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "5.4"
            ]
        );
        assert_eq!(digcomp.entries.iter().filter(|e| e.area).count(), 5);
        let esco = framework("esco").expect("ESCO");
        assert!(esco.entries.len() >= 10, "{}", esco.entries.len());
    }

    #[test]
    fn entries_resolve_by_code_or_uri_and_search_by_name_or_code() {
        let (_, programming) = resolve("DigComp 2.2", Some("3.4"), None).unwrap();
        assert_eq!(programming.name_in(Language::En), "Programming");
        assert!(resolve("digcomp  2.2", Some("9.9"), None).is_none());
        assert!(resolve("DigComp 2.2", Some("3"), None).is_none(), "an area");
        assert!(resolve("Somebody's framework", Some("3.4"), None).is_none());
        let skill = &framework("ESCO").unwrap().entries[0];
        assert_eq!(resolve("ESCO", None, Some(&skill.code)).unwrap().1, skill);
        assert_eq!(resolve("ESCO", Some(&skill.code), None).unwrap().1, skill);
        let found = search("3.4", 5);
        assert!(found.iter().any(|(_, e)| e.code == "3.4"));
        let found = search("PROGRAMMING", 50);
        assert!(found.iter().any(|(_, e)| e.code == "3.4"));
        assert!(search("", 3).len() == 3);
        // What the badge editor's field accepts.
        let (f, e) = resolve("DigComp 2.2", Some("2.1"), None).unwrap();
        for language in Language::ALL {
            if e.name.contains_key(&language) {
                assert_eq!(pick(&choice(f, e, language)).unwrap().1, e);
            }
        }
        assert_eq!(pick(" 2.1 ").unwrap().1, e);
        assert_eq!(pick("DigComp 2.2 2.1").unwrap().1, e);
        assert_eq!(pick(&e.name[&Language::En].to_uppercase()).unwrap().1, e);
        assert_eq!(pick(&skill.code).unwrap().1, skill);
        assert!(pick("9.9").is_none());
        assert!(pick("").is_none());
    }
}
