//! Baked badges: the credential inside the badge image, as Open Badges 3.0
//! describes. PNG: an uncompressed `iTXt` chunk with the keyword
//! `openbadgecredential`. SVG: an `<openbadges:credential>` element (in
//! namespace `https://purl.imsglobal.org/ob/v3p0`) right inside `<svg>`,
//! holding the credential in CDATA. At most one per image.

use std::io::Cursor;

/// The PNG chunk keyword.
pub const PNG_KEYWORD: &str = "openbadgecredential";
/// The SVG namespace of the element.
pub const SVG_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";
/// Most memory decoding an image may take.
const DECODE_LIMIT: usize = 32 * 1024 * 1024;

/// Why a credential cannot be baked into or read from a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BakeError {
    /// Not a PNG, SVG or JSON file.
    #[error("the file is not a badge: not a PNG image, an SVG image or JSON")]
    UnknownFormat,
    /// A broken PNG.
    #[error("the PNG image cannot be read: {0}")]
    Png(String),
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
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
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

fn png_error(err: impl std::fmt::Display) -> BakeError {
    BakeError::Png(err.to_string())
}

/// `png` with `credential` baked in (any earlier credential replaced).
pub fn bake_png(png: &[u8], credential: &str) -> Result<Vec<u8>, BakeError> {
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(png),
        png::Limits {
            bytes: DECODE_LIMIT,
        },
    );
    decoder.set_ignore_text_chunk(true);
    let mut reader = decoder.read_info().map_err(png_error)?;
    let mut pixels = vec![
        0;
        reader
            .output_buffer_size()
            .ok_or(BakeError::Png("too large".into()))?
    ];
    let frame = reader.next_frame(&mut pixels).map_err(png_error)?;
    pixels.truncate(frame.buffer_size());
    let info = reader.info();
    let mut out = Vec::with_capacity(png.len() + credential.len() + 64);
    {
        let mut encoder = png::Encoder::new(&mut out, info.width, info.height);
        encoder.set_color(info.color_type);
        encoder.set_depth(info.bit_depth);
        if let Some(palette) = &info.palette {
            encoder.set_palette(palette.to_vec());
        }
        if let Some(trns) = &info.trns {
            encoder.set_trns(trns.to_vec());
        }
        // Uncompressed, as the specification requires.
        encoder
            .add_itxt_chunk(PNG_KEYWORD.to_owned(), credential.to_owned())
            .map_err(png_error)?;
        let mut writer = encoder.write_header().map_err(png_error)?;
        writer.write_image_data(&pixels).map_err(png_error)?;
        writer.finish().map_err(png_error)?;
    }
    Ok(out)
}

/// The credential baked into `png`.
pub fn read_png(png: &[u8]) -> Result<String, BakeError> {
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(png),
        png::Limits {
            bytes: DECODE_LIMIT,
        },
    );
    decoder.set_ignore_text_chunk(false);
    let mut reader = decoder.read_info().map_err(png_error)?;
    // The chunk may come after the image data: read to the end.
    let mut pixels = vec![
        0;
        reader
            .output_buffer_size()
            .ok_or(BakeError::Png("too large".into()))?
    ];
    reader.next_frame(&mut pixels).map_err(png_error)?;
    reader.finish().map_err(png_error)?;
    let found: Vec<&png::text_metadata::ITXtChunk> = reader
        .info()
        .utf8_text
        .iter()
        .filter(|c| c.keyword == PNG_KEYWORD)
        .collect();
    match found.as_slice() {
        [one] => {
            let text = one.get_text().map_err(png_error)?;
            if text.trim_start().starts_with("http") {
                Err(BakeError::Hosted)
            } else {
                Ok(text)
            }
        }
        [] => Err(BakeError::NotBaked),
        _ => Err(BakeError::Png("more than one baked credential".into())),
    }
}

/// `svg` with `credential` baked in, right inside the root element.
pub fn bake_svg(svg: &str, credential: &str) -> Result<String, BakeError> {
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
    match kind(bytes).ok_or(BakeError::UnknownFormat)? {
        Kind::Png => read_png(bytes),
        Kind::Svg => {
            read_svg(std::str::from_utf8(bytes).map_err(|e| BakeError::Svg(e.to_string()))?)
        }
        Kind::Json => String::from_utf8(bytes.to_vec()).map_err(|_| BakeError::UnknownFormat),
    }
}
