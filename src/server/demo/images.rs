//! Generated SVG artwork for the demo catalog, so the store ships no third-party images and needs
//! no network. Each category has its own colour and pictogram; each image of a product varies them.

use crate::server::text::escape_xml;

/// The size every generated image declares, so pages can reserve space before it loads.
pub const SIZE: u32 = 800;

/// Hue (degrees) and pictogram per category, in `CATEGORIES` order.
const STYLES: [(u32, &str); 5] = [
    // Clothes: a T-shirt.
    (
        350,
        "M290 250 L360 215 Q400 255 440 215 L510 250 L570 330 L520 362 L500 340 L500 560 L300 560 L300 340 \
           L280 362 L230 330 Z",
    ),
    // Electronics: headphones.
    (
        210,
        "M260 470 L260 400 Q260 240 400 240 Q540 240 540 400 L540 470 L500 470 L500 400 Q500 280 400 280 \
           Q300 280 300 400 L300 470 Z M240 430 h80 v130 h-80 Z M480 430 h80 v130 h-80 Z",
    ),
    // Furniture: a chair.
    (30, "M300 220 h200 v200 h-200 Z M280 420 h240 v40 h-240 Z M295 460 h30 v120 h-30 Z M475 460 h30 v120 h-30 Z"),
    // Shoes: a sneaker.
    (
        150,
        "M220 470 Q230 360 300 350 L360 350 Q380 400 440 410 L540 430 Q590 445 590 500 L590 520 L220 520 Z \
           M220 530 h370 v30 h-370 Z",
    ),
    // Miscellaneous: a gift box.
    (
        280,
        "M260 330 h280 v60 h-280 Z M280 390 h240 v180 h-240 Z M385 330 h30 v240 h-30 Z \
           M400 330 Q330 250 330 300 Q330 330 400 330 Q470 250 470 300 Q470 330 400 330 Z",
    ),
];

/// An SVG image for image number `variant` of a product (or category) titled `label`.
pub fn product_svg(category: usize, variant: usize, label: &str) -> String {
    let (base_hue, pictogram) = STYLES[category % STYLES.len()];
    let hue = (base_hue + 17 * variant as u32) % 360;
    let angle = 35 * variant;
    let scale = [1.0, 0.8, 1.15][variant % 3];
    let label = escape_xml(label);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}" role="img" aria-label="{label}">
<defs><linearGradient id="bg" gradientTransform="rotate({angle} .5 .5)">
<stop offset="0" stop-color="hsl({hue} 70% 92%)"/><stop offset="1" stop-color="hsl({hue} 55% 78%)"/></linearGradient></defs>
<rect width="{SIZE}" height="{SIZE}" fill="url(#bg)"/>
<circle cx="400" cy="390" r="260" fill="hsl({hue} 60% 97%)" opacity=".55"/>
<g transform="translate(400 390) scale({scale}) translate(-400 -390)"><path d="{pictogram}" fill="hsl({hue} 45% 32%)"/></g>
<text x="400" y="720" text-anchor="middle" font-family="system-ui, sans-serif" font-size="40" font-weight="600" fill="hsl({hue} 45% 22%)">{label}</text>
</svg>
"##
    )
}

/// A round avatar with the person's initial.
pub fn avatar_svg(name: &str) -> String {
    let initial = escape_xml(&name.chars().next().unwrap_or('?').to_uppercase().to_string());
    let hue = name.bytes().fold(0u32, |h, b| (h * 31 + u32::from(b)) % 360);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
<circle cx="128" cy="128" r="128" fill="hsl({hue} 55% 45%)"/>
<text x="128" y="168" text-anchor="middle" font-family="system-ui, sans-serif" font-size="120" fill="#fff">{initial}</text>
</svg>
"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_well_formed_and_escaped() {
        let svg = product_svg(0, 1, "Shirts & <Tees>");
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("Shirts &amp; &lt;Tees&gt;"));
        assert_ne!(product_svg(0, 0, "a"), product_svg(0, 1, "a"), "variants differ");
    }
}
