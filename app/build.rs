//! Generates the translation table from `src/i18n/{fi,sv,en}.json`.
//!
//! Each file is one flat JSON object, key → text. The build fails, naming
//! the file and key, when a language lacks a key the others have, so a
//! missing translation can never reach a user. Keys become `Key` variants
//! (`catalog_heading` → `Key::CatalogHeading`), checked by the compiler.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

const LOCALES: [&str; 3] = ["fi", "sv", "en"];

fn camel(key: &str) -> String {
    key.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn main() {
    let dir = Path::new("src/i18n");
    let mut tables: Vec<BTreeMap<String, String>> = Vec::new();
    for locale in LOCALES {
        let path = dir.join(format!("{locale}.json"));
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
        let table: BTreeMap<String, String> = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), e.line()));
        tables.push(table);
    }
    let keys: Vec<&String> = tables[0].keys().collect();
    for (locale, table) in LOCALES.iter().zip(&tables) {
        for key in &keys {
            assert!(
                table.contains_key(*key),
                "src/i18n/{locale}.json: missing key \"{key}\""
            );
        }
        for key in table.keys() {
            assert!(
                tables[0].contains_key(key),
                "src/i18n/fi.json: missing key \"{key}\" (found in {locale}.json)"
            );
        }
        for key in table.keys() {
            assert!(
                key.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "src/i18n/{locale}.json: key \"{key}\" must be snake_case"
            );
        }
    }
    let mut out = String::new();
    out.push_str("/// A translatable text. Generated from `src/i18n/*.json`.\n");
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub enum Key {\n");
    for key in &keys {
        let _ = writeln!(out, "    /// `{key}`\n    {},", camel(key));
    }
    out.push_str("}\n\n");
    for (locale, table) in LOCALES.iter().zip(&tables) {
        let _ = writeln!(
            out,
            "const {}: [&str; {}] = [",
            locale.to_ascii_uppercase(),
            keys.len()
        );
        for key in &keys {
            let _ = writeln!(out, "    {:?},", table[*key]);
        }
        out.push_str("];\n\n");
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("i18n.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}
