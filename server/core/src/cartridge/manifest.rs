//! `imsmanifest.xml` read: the course's title and language, its
//! organisation (a tree of items, the course outline) and its resources.
//! Any Common Cartridge 1.x (and Thin CC) manifest is read by element
//! names, whatever prefixes its namespaces use.

use std::collections::BTreeMap;

use roxmltree::{Document, Node, ParsingOptions};

use super::CartridgeError;

/// At most this many XML nodes in one file (a huge manifest is refused).
const MOST_NODES: u32 = 2_000_000;
/// At most this many items in the outline and resources in all.
const MOST_PARTS: usize = 20_000;
/// Items nested deeper than this are refused.
const MOST_DEPTH: usize = 32;

/// A parsed XML file, refusing document type declarations (and so every
/// entity, external or not).
pub fn parse<'a>(file: &str, text: &'a str) -> Result<Document<'a>, CartridgeError> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MOST_NODES,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => CartridgeError::Dtd(file.to_owned()),
        roxmltree::Error::NodesLimitReached => CartridgeError::Huge(file.to_owned()),
        other => CartridgeError::Xml(file.to_owned(), other.to_string()),
    })
}

/// A manifest.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// The manifest's `identifier`.
    pub identifier: String,
    /// The CC version (`1.3.0`), when it says.
    pub version: Option<String>,
    /// The course's title (the first of the LOM title's strings).
    pub title: Option<String>,
    /// The LOM description.
    pub description: Option<String>,
    /// The LOM language.
    pub language: Option<String>,
    /// The outline's top items (the children of the root item).
    pub items: Vec<Item>,
    /// Resources by identifier.
    pub resources: BTreeMap<String, Resource>,
    /// Their identifiers in the manifest's order.
    pub order: Vec<String>,
}

/// An item of the outline.
#[derive(Debug, Clone, Default)]
pub struct Item {
    /// Its title.
    pub title: String,
    /// The resource it shows, if any.
    pub resource: Option<String>,
    /// Items inside it (a module's).
    pub children: Vec<Item>,
}

/// A resource.
#[derive(Debug, Clone, Default)]
pub struct Resource {
    /// Its identifier.
    pub identifier: String,
    /// Its type (`webcontent`, `imswl_xmlv1p3`…).
    pub kind: String,
    /// Its main file, an archive path.
    pub href: Option<String>,
    /// Its files, archive paths.
    pub files: Vec<String>,
}

/// The child elements of `node` named `name` (any namespace).
pub(super) fn named<'a, 'i>(
    node: Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

/// The first child element of `node` named `name`.
pub(super) fn first<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> Option<Node<'a, 'i>> {
    named(node, name).next()
}

/// The text of a node, whitespace collapsed.
pub fn text_of(node: Node<'_, '_>) -> String {
    let text: String = node
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A LOM `langstring`-like element's first `string` (or its own text).
fn lom_string(node: Node<'_, '_>) -> Option<String> {
    let text = first(node, "string").map_or_else(|| text_of(node), text_of);
    (!text.is_empty()).then_some(text)
}

/// Joins an `xml:base` and a path.
fn based(base: &str, path: &str) -> String {
    let base = base.trim_matches('/');
    if base.is_empty() {
        path.trim_start_matches("./").to_owned()
    } else {
        format!("{base}/{}", path.trim_start_matches("./"))
    }
}

fn xml_base<'a>(node: Node<'a, '_>) -> &'a str {
    node.attribute(("http://www.w3.org/XML/1998/namespace", "base"))
        .unwrap_or_default()
}

/// Reads the manifest `text`.
pub fn read(text: &str) -> Result<Manifest, CartridgeError> {
    const FILE: &str = "imsmanifest.xml";
    let document = parse(FILE, text)?;
    let root = document.root_element();
    if root.tag_name().name() != "manifest" {
        return Err(CartridgeError::Xml(
            FILE.into(),
            "its top element is not <manifest>".into(),
        ));
    }
    let mut manifest = Manifest {
        identifier: root.attribute("identifier").unwrap_or_default().to_owned(),
        ..Manifest::default()
    };
    if let Some(metadata) = first(root, "metadata") {
        manifest.version = first(metadata, "schemaversion").map(text_of);
        if let Some(general) = first(metadata, "lom").and_then(|lom| first(lom, "general")) {
            manifest.title = first(general, "title").and_then(lom_string);
            manifest.description = first(general, "description").and_then(lom_string);
            // Its own element, else the title's `language` attribute.
            manifest.language = first(general, "language")
                .map(text_of)
                .filter(|l| !l.is_empty())
                .or_else(|| {
                    first(general, "title")
                        .and_then(|t| first(t, "string"))
                        .and_then(|s| s.attribute("language"))
                        .map(str::to_owned)
                });
        }
    }
    let mut parts = 0usize;
    if let Some(organization) =
        first(root, "organizations").and_then(|orgs| first(orgs, "organization"))
    {
        // CC's organisation has one root item holding the outline; a plain
        // IMS content package may list its items directly.
        let tops: Vec<Node<'_, '_>> = named(organization, "item").collect();
        let outline = match tops.as_slice() {
            [only] if only.attribute("identifierref").is_none() => named(*only, "item").collect(),
            _ => tops,
        };
        for node in outline {
            manifest.items.push(item(node, 1, &mut parts)?);
        }
    }
    if let Some(resources) = first(root, "resources") {
        let base = xml_base(resources);
        for node in named(resources, "resource") {
            parts += 1;
            if parts > MOST_PARTS {
                return Err(CartridgeError::Huge(FILE.into()));
            }
            let own = based(base, xml_base(node));
            let path = |href: &str| based(&own, href);
            let resource = Resource {
                identifier: node.attribute("identifier").unwrap_or_default().to_owned(),
                kind: node.attribute("type").unwrap_or_default().to_owned(),
                href: node.attribute("href").map(path),
                files: named(node, "file")
                    .filter_map(|f| f.attribute("href"))
                    .map(path)
                    .collect(),
            };
            manifest.order.push(resource.identifier.clone());
            manifest
                .resources
                .insert(resource.identifier.clone(), resource);
        }
    }
    Ok(manifest)
}

fn item(node: Node<'_, '_>, depth: usize, parts: &mut usize) -> Result<Item, CartridgeError> {
    *parts += 1;
    if depth > MOST_DEPTH || *parts > MOST_PARTS {
        return Err(CartridgeError::Huge("imsmanifest.xml".into()));
    }
    let mut children = Vec::new();
    for child in named(node, "item") {
        children.push(item(child, depth + 1, parts)?);
    }
    Ok(Item {
        title: first(node, "title").map(text_of).unwrap_or_default(),
        resource: node.attribute("identifierref").map(str::to_owned),
        children,
    })
}
