//! Labels written into lesson HTML (callout titles, exercise headings…) in
//! the lesson's language, read from the translation file `labels.toml`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::Language;

type Table = BTreeMap<String, BTreeMap<String, String>>;

static LABELS: LazyLock<Table> =
    LazyLock::new(|| toml::from_str(include_str!("labels.toml")).unwrap_or_default());

/// The label `key` in `language`; the key itself if it is missing (a unit
/// test makes sure none is).
pub(crate) fn label(language: Language, key: &str) -> &'static str {
    LABELS
        .get(language.code())
        .and_then(|t| t.get(key))
        .map_or_else(|| fallback(key), String::as_str)
}

fn fallback(key: &str) -> &'static str {
    // Only reachable if labels.toml lost a key, which the test below forbids.
    match key {
        "tip" => "Tip",
        "warning" => "Warning",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_label() {
        let table: Table = toml::from_str(include_str!("labels.toml")).unwrap();
        let keys: Vec<&String> = table["fi"].keys().collect();
        assert!(keys.len() >= 10);
        for language in Language::ALL {
            let own: Vec<&String> = table[language.code()].keys().collect();
            assert_eq!(own, keys, "{language}");
            assert!(table[language.code()].values().all(|v| !v.is_empty()));
        }
    }
}
