//! Baked badges: the credential inside the badge image, as Open Badges 3.0
//! describes. PNG: an uncompressed `iTXt` chunk with the keyword
//! `openbadgecredential`. SVG: an `<openbadges:credential>` element (in
//! namespace `https://purl.imsglobal.org/ob/v3p0`) right inside `<svg>`,
//! holding the credential in CDATA. At most one per image.

/// The PNG chunk keyword.
pub const PNG_KEYWORD: &str = "openbadgecredential";
/// The SVG namespace of the element.
pub const SVG_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";
/// Largest file a credential is read from or baked into (the server's
/// request limit is lower still). Images are never decoded: only their
/// chunks or elements are read, so this bounds the work too.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Most PNG chunks walked in one image.
const MAX_CHUNKS: usize = 4096;
/// The PNG signature.
const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Why a credential cannot be baked into or read from a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BakeError {
    /// Not a PNG, SVG or JSON file.
    #[error("the file is not a badge: not a PNG image, an SVG image or JSON")]
    UnknownFormat,
    /// Larger than [`MAX_FILE_BYTES`].
    #[error("the file is too large to be a badge (more than {MAX_FILE_BYTES} bytes)")]
    TooLarge,
    /// A broken PNG.
    #[error("the PNG image cannot be read: {0}")]
    Png(String),
    /// A PNG whose credential chunk is compressed: Open Badges 3.0 bakes
    /// it uncompressed, and inflating what anyone sends is not bounded.
    #[error(
        "the badge in the PNG image is compressed; Open Badges 3.0 bakes it uncompressed (an iTXt chunk without compression)"
    )]
    Compressed,
    /// A broken SVG.
    #[error("the SVG image cannot be read: {0}")]
    Svg(String),
    /// An image without a credential in it.
    #[error("the image has no badge in it (no Open Badges credential is baked into it)")]
    NotBaked,
    /// An image with a link instead of the credential (hosted badges).
    #[error("the image only links to its badge; paste the badge itself")]
    Hosted,
}

/// What kind of file `bytes` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Png,
    Svg,
    Json,
}

/// Guesses from the first bytes (never from a name or a declared type).
pub fn kind(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(PNG_SIGNATURE) {
        return Some(Kind::Png);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('<') {
        Some(Kind::Svg)
    } else if start.starts_with('{') {
        Some(Kind::Json)
    } else {
        None
    }
}

fn png_error(message: &str) -> BakeError {
    BakeError::Png(message.to_owned())
}

/// One PNG chunk: its type, its data, and all of its bytes (length, type,
/// data and CRC) as they are in the file.
struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    raw: &'a [u8],
}

/// The chunks of `png`, up to and including `IEND`, each with its CRC
/// checked. Only the chunk structure is read: no image data is inflated
/// or decoded, whatever size the header claims.
fn chunks(png: &[u8]) -> Result<Vec<Chunk<'_>>, BakeError> {
    if png.len() > MAX_FILE_BYTES {
        return Err(BakeError::TooLarge);
    }
    let mut rest = png
        .strip_prefix(PNG_SIGNATURE.as_slice())
        .ok_or_else(|| png_error("no PNG signature"))?;
    let mut out: Vec<Chunk<'_>> = Vec::new();
    loop {
        if out.len() >= MAX_CHUNKS {
            return Err(png_error("too many chunks"));
        }
        let (Some(length), Some(kind)) = (rest.get(..4), rest.get(4..8)) else {
            return Err(png_error("truncated (no IEND chunk)"));
        };
        let length = u32::from_be_bytes([length[0], length[1], length[2], length[3]]) as usize;
        let kind = [kind[0], kind[1], kind[2], kind[3]];
        let total = length
            .checked_add(12)
            .filter(|&t| t <= rest.len())
            .ok_or_else(|| png_error("truncated chunk"))?;
        let raw = &rest[..total];
        let data = &raw[8..8 + length];
        let mut crc = flate2::Crc::new();
        crc.update(&raw[4..8 + length]);
        if crc.sum().to_be_bytes() != raw[8 + length..] {
            return Err(png_error("a chunk's checksum does not match"));
        }
        if out.is_empty() && (&kind != b"IHDR" || length != 13) {
            return Err(png_error("the first chunk is not IHDR"));
        }
        rest = &rest[total..];
        let end = &kind == b"IEND";
        out.push(Chunk { kind, data, raw });
        if end {
            return Ok(out);
        }
    }
}

/// An `iTXt` chunk's fields (PNG 1.2, 4.2.3.3).
struct Itxt<'a> {
    compressed: bool,
    text: &'a [u8],
}

fn itxt(data: &[u8]) -> Result<Itxt<'_>, BakeError> {
    let broken = || png_error("a broken iTXt chunk");
    let nul = |bytes: &[u8]| bytes.iter().position(|&b| b == 0).ok_or_else(broken);
    let k = nul(data)?;
    let rest = &data[k + 1..];
    let [flag, _method, rest @ ..] = rest else {
        return Err(broken());
    };
    let language = nul(rest)?;
    let rest = &rest[language + 1..];
    let translated = nul(rest)?;
    Ok(Itxt {
        compressed: *flag != 0,
        text: &rest[translated + 1..],
    })
}

/// Whether `chunk` holds a baked credential.
fn is_credential(chunk: &Chunk<'_>) -> bool {
    &chunk.kind == b"iTXt"
        && chunk
            .data
            .split(|&b| b == 0)
            .next()
            .is_some_and(|k| k == PNG_KEYWORD.as_bytes())
}

/// An uncompressed `iTXt` chunk with the credential.
fn credential_chunk(credential: &str) -> Result<Vec<u8>, BakeError> {
    let mut data = Vec::with_capacity(PNG_KEYWORD.len() + 5 + credential.len());
    data.extend_from_slice(PNG_KEYWORD.as_bytes());
    // Keyword end, no compression, method 0, no language, no translation.
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(credential.as_bytes());
    let length = u32::try_from(data.len())
        .ok()
        .filter(|&l| l < 1 << 31)
        .ok_or_else(|| png_error("the credential is too large"))?;
    let mut chunk = Vec::with_capacity(data.len() + 12);
    chunk.extend_from_slice(&length.to_be_bytes());
    chunk.extend_from_slice(b"iTXt");
    chunk.extend_from_slice(&data);
    let mut crc = flate2::Crc::new();
    crc.update(&chunk[4..]);
    chunk.extend_from_slice(&crc.sum().to_be_bytes());
    Ok(chunk)
}

/// `png` with `credential` baked in (any earlier credential replaced):
/// the image's own chunks are copied as they are, and the credential goes
/// right after the header, uncompressed, as the specification requires.
pub fn bake_png(png: &[u8], credential: &str) -> Result<Vec<u8>, BakeError> {
    let chunks = chunks(png)?;
    let added = credential_chunk(credential)?;
    let mut out = Vec::with_capacity(png.len() + added.len());
    out.extend_from_slice(PNG_SIGNATURE);
    for (i, chunk) in chunks.iter().enumerate() {
        if !is_credential(chunk) {
            out.extend_from_slice(chunk.raw);
        }
        if i == 0 {
            out.extend_from_slice(&added);
        }
    }
    Ok(out)
}

/// The credential baked into `png`, read from its chunks alone (the image
/// is never decoded, so its claimed size costs nothing). A compressed
/// credential chunk is refused, never inflated.
pub fn read_png(png: &[u8]) -> Result<String, BakeError> {
    let mut found = None;
    for chunk in chunks(png)?.iter().filter(|c| is_credential(c)) {
        let fields = itxt(chunk.data)?;
        if found.is_some() {
            return Err(png_error("more than one baked credential"));
        }
        if fields.compressed {
            return Err(BakeError::Compressed);
        }
        found = Some(fields.text);
    }
    let text = std::str::from_utf8(found.ok_or(BakeError::NotBaked)?)
        .map_err(|_| png_error("the baked credential is not UTF-8"))?;
    if text.trim_start().starts_with("http") {
        Err(BakeError::Hosted)
    } else {
        Ok(text.to_owned())
    }
}

/// `svg` with `credential` baked in, right inside the root element.
pub fn bake_svg(svg: &str, credential: &str) -> Result<String, BakeError> {
    if svg.len() > MAX_FILE_BYTES {
        return Err(BakeError::TooLarge);
    }
    let document = roxmltree::Document::parse(svg).map_err(|e| BakeError::Svg(e.to_string()))?;
    let root = document.root_element();
    if root.tag_name().name() != "svg" {
        return Err(BakeError::Svg("the root element is not <svg>".into()));
    }
    if find_svg_credential(&document).is_some() {
        return Err(BakeError::Svg("it already holds a credential".into()));
    }
    // The end of the root start tag: the first '>' outside quotes.
    let start = root.range().start;
    let mut quote = None;
    let mut end = None;
    for (i, c) in svg[start..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => {
                end = Some(start + i);
                break;
            }
            _ => {}
        }
    }
    let end = end.ok_or_else(|| BakeError::Svg("unterminated <svg> tag".into()))?;
    let self_closing = svg[..end].ends_with('/');
    let head_end = if self_closing { end - 1 } else { end };
    // JSON can hold "]]>" only inside strings, where "\u003e" means ">".
    let safe = credential.replace("]]>", "]]\\u003e");
    let element = format!("<openbadges:credential><![CDATA[{safe}]]></openbadges:credential>");
    let mut out = String::with_capacity(svg.len() + element.len() + 64);
    out.push_str(&svg[..head_end]);
    out.push_str(&format!(" xmlns:openbadges=\"{SVG_NAMESPACE}\">"));
    out.push_str(&element);
    if self_closing {
        out.push_str("</svg>");
        out.push_str(&svg[end + 1..]);
    } else {
        out.push_str(&svg[end + 1..]);
    }
    Ok(out)
}

fn find_svg_credential<'a>(
    document: &'a roxmltree::Document<'a>,
) -> Option<roxmltree::Node<'a, 'a>> {
    document.descendants().find(|n| {
        n.is_element()
            && n.tag_name().name() == "credential"
            && n.tag_name().namespace() == Some(SVG_NAMESPACE)
    })
}

/// The credential baked into `svg`.
pub fn read_svg(svg: &str) -> Result<String, BakeError> {
    if svg.len() > MAX_FILE_BYTES {
        return Err(BakeError::TooLarge);
    }
    let document = roxmltree::Document::parse(svg).map_err(|e| BakeError::Svg(e.to_string()))?;
    let node = find_svg_credential(&document).ok_or(BakeError::NotBaked)?;
    let text: String = node.children().filter_map(|c| c.text()).collect::<String>();
    if text.trim().is_empty() {
        return match node.attribute("verify") {
            Some(_) => Err(BakeError::Hosted),
            None => Err(BakeError::NotBaked),
        };
    }
    Ok(text)
}

/// The credential in a dropped file: a baked PNG or SVG, or JSON as is.
pub fn credential_in(bytes: &[u8]) -> Result<String, BakeError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(BakeError::TooLarge);
    }
    match kind(bytes).ok_or(BakeError::UnknownFormat)? {
        Kind::Png => read_png(bytes),
        Kind::Svg => {
            read_svg(std::str::from_utf8(bytes).map_err(|e| BakeError::Svg(e.to_string()))?)
        }
        Kind::Json => String::from_utf8(bytes.to_vec()).map_err(|_| BakeError::UnknownFormat),
    }
}
