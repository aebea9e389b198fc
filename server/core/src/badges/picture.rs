//! Polku's default badge picture, for badges whose course gives none.

/// Where Polku's default badge picture is served (the achievement image
/// of badges whose course gives none).
pub fn default_picture_url(public_url: &str) -> String {
    format!("{public_url}/badges/default.png")
}

/// Polku's default badge picture as PNG (256 × 256): a blue disc with a
/// white ring and a tick, drawn once.
pub fn default_png() -> &'static [u8] {
    static PNG: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    PNG.get_or_init(|| {
        const SIZE: u32 = 256;
        let c = 128.0_f32;
        // Coverage of a pixel by a shape whose signed distance is `d`
        // (negative inside): a one-pixel soft edge.
        let cover = |d: f32| (0.5 - d).clamp(0.0, 1.0);
        let segment = |p: (f32, f32), a: (f32, f32), b: (f32, f32)| {
            let (abx, aby) = (b.0 - a.0, b.1 - a.1);
            let t =
                (((p.0 - a.0) * abx + (p.1 - a.1) * aby) / (abx * abx + aby * aby)).clamp(0.0, 1.0);
            ((p.0 - a.0 - t * abx).powi(2) + (p.1 - a.1 - t * aby).powi(2)).sqrt()
        };
        let mut pixels = Vec::with_capacity((SIZE * SIZE * 4) as usize);
        for y in 0..SIZE {
            for x in 0..SIZE {
                let p = (x as f32 + 0.5, y as f32 + 0.5);
                let r = ((p.0 - c).powi(2) + (p.1 - c).powi(2)).sqrt();
                let disc = cover(r - 120.0);
                let ring = cover((r - 104.0).abs() - 2.0);
                let tick = cover(
                    segment(p, (82.0, 132.0), (114.0, 164.0)).min(segment(
                        p,
                        (114.0, 164.0),
                        (176.0, 96.0),
                    )) - 8.0,
                );
                let white = ring.max(tick);
                let mix = |blue: f32| (blue * (1.0 - white) + 255.0 * white).round() as u8;
                pixels.extend_from_slice(&[
                    mix(10.0),
                    mix(88.0),
                    mix(168.0),
                    (disc * 255.0).round() as u8,
                ]);
            }
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, SIZE, SIZE);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        // Drawn once: the smallest file is worth the time (slow links).
        encoder.set_compression(png::Compression::High);
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(&pixels);
        }
        out
    })
}

/// A plain round badge picture with `name` on it (when a course gives no
/// picture), as SVG.
pub fn default_picture(name: &str) -> String {
    let mut escaped = String::new();
    let _ = pulldown_cmark_escape::escape_html(&mut escaped, name);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img" aria-label="{escaped}"><circle cx="128" cy="128" r="120" fill="#0a58a8"/><circle cx="128" cy="128" r="104" fill="none" stroke="#ffffff" stroke-width="4"/><text x="128" y="136" font-family="sans-serif" font-size="18" fill="#ffffff" text-anchor="middle">{escaped}</text></svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_picture_is_a_small_256_pixel_png_that_bakes() {
        let png = default_png();
        println!("default picture: {} bytes", png.len());
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().expect("a PNG");
        assert_eq!((reader.info().width, reader.info().height), (256, 256));
        assert!(png.len() < 16 * 1024, "{} bytes", png.len());
        let baked = crate::badges::bake_png(png, "{\"a\":1}").expect("bakes");
        assert_eq!(
            crate::badges::bake::read_png(&baked).expect("reads"),
            "{\"a\":1}"
        );
    }
}
