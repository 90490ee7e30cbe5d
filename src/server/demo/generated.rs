//! A large generated catalog for benchmarks and demos (`tienda seed --products N`): products
//! numbered 1 to N, each a pure function of its number, so a run is repeatable and a second run
//! adds only the numbers that are missing (each has a slug of its own, ending in `-g<number>`).
//!
//! Titles combine a category's nouns with adjectives and materials or origins (some with accents:
//! "Cádiz", "Bogotá"), and descriptions repeat the title among sentences of the category's
//! vocabulary, so that a search hits a realistic share of the catalog: one word matches a few
//! percent of it, two words much less. Prices spread from one to two thousand units over a
//! log scale; about one product in twenty is out of stock.

use super::catalog_data::CATEGORIES;
use crate::model::Money;
use crate::server::text::slugify;
use chrono::{DateTime, Duration, TimeZone, Utc};

/// One generated product, owned; the seed lends it to `db::catalog::NewProduct`.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedProduct {
    pub title: String,
    pub slug: String,
    pub description: String,
    pub price: Money,
    pub stock: i64,
    /// Index into the demo's categories.
    pub category: usize,
    pub at: DateTime<Utc>,
}

/// Words for one category: what is sold, and what it is made of or where it comes from.
struct Vocabulary {
    nouns: &'static [&'static str],
    materials: &'static [&'static str],
    uses: &'static [&'static str],
}

/// In the order of the demo's categories: clothes, electronics, furniture, shoes, miscellaneous.
/// No use names another category's kind of product ("for the desk" made a search for desks find
/// mugs).
const VOCABULARIES: [Vocabulary; 5] = [
    Vocabulary {
        nouns: &[
            "Shirt", "Hoodie", "Jacket", "Sweater", "Scarf", "Dress", "Cardigan", "Poncho", "Vest", "Beanie", "Blouse",
            "Trousers",
        ],
        materials: &["Cotton", "Linen", "Wool", "Alpaca", "Denim", "Silk", "Fleece", "Piqué", "Crêpe", "Corduroy"],
        uses: &["for cool evenings", "for the office", "for weekend trips", "for layering", "for warm days"],
    },
    Vocabulary {
        nouns: &[
            "Headphones",
            "Speaker",
            "Keyboard",
            "Mouse",
            "Charger",
            "Monitor",
            "Webcam",
            "Microphone",
            "Router",
            "Tablet",
            "Smartwatch",
            "Earbuds",
        ],
        materials: &[
            "Wireless",
            "Bluetooth",
            "Aluminium",
            "Portable",
            "Ergonomic",
            "Compact",
            "Noise-cancelling",
            "Rechargeable",
            "USB-C",
            "Solar",
        ],
        uses: &["for calls", "for studying", "for gaming", "for travel", "for the home office"],
    },
    Vocabulary {
        nouns: &[
            "Chair",
            "Table",
            "Shelf",
            "Lamp",
            "Desk",
            "Stool",
            "Bench",
            "Sofa",
            "Cabinet",
            "Bookcase",
            "Nightstand",
            "Mirror",
        ],
        materials: &["Walnut", "Oak", "Pine", "Teak", "Bamboo", "Rattan", "Marble", "Steel", "Velvet", "Birch"],
        uses: &["for small flats", "for the living room", "for reading corners", "for the bedroom", "for terraces"],
    },
    Vocabulary {
        nouns: &[
            "Sneakers",
            "Boots",
            "Sandals",
            "Loafers",
            "Espadrilles",
            "Slippers",
            "Trainers",
            "Moccasins",
            "Clogs",
            "Brogues",
            "Mules",
            "Runners",
        ],
        materials: &["Leather", "Suede", "Canvas", "Mesh", "Rubber", "Cork", "Jute", "Felt", "Nubuck", "Knit"],
        uses: &["for long walks", "for running", "for the beach", "for rainy days", "for dancing"],
    },
    Vocabulary {
        nouns: &[
            "Mug", "Backpack", "Notebook", "Candle", "Bottle", "Blanket", "Basket", "Planter", "Tote", "Puzzle",
            "Journal", "Teapot",
        ],
        materials: &[
            "Ceramic",
            "Recycled",
            "Handmade",
            "Enamel",
            "Glass",
            "Paper",
            "Clay",
            "Copper",
            "Woven",
            "Terracotta",
        ],
        uses: &["for gifts", "for picnics", "for the kitchen", "for the study", "for slow mornings"],
    },
];

const _: () = assert!(VOCABULARIES.len() == CATEGORIES.len(), "one vocabulary per demo category");

const ADJECTIVES: &[&str] = &[
    "Classic",
    "Modern",
    "Rustic",
    "Minimal",
    "Vintage",
    "Bold",
    "Soft",
    "Urban",
    "Nordic",
    "Tropical",
    "Elegant",
    "Sturdy",
    "Light",
    "Cozy",
    "Bright",
    "Quiet",
    "Smart",
    "Everyday",
    "Premium",
    "Essential",
];

const ORIGINS: &[&str] = &[
    "Cádiz",
    "Bogotá",
    "Málaga",
    "Zürich",
    "Cusco",
    "Córdoba",
    "Medellín",
    "Mérida",
    "Lisboa",
    "Oaxaca",
    "Kyoto",
    "Oslo",
];

const PRAISE: &[&str] = &[
    "Built to last and easy to care for.",
    "A favourite of our customers this season.",
    "Designed in small batches with attention to detail.",
    "Simple lines that fit any style.",
    "Tested for everyday use.",
    "Made with responsibly sourced materials.",
    "Light enough to take anywhere.",
    "Comes with a two-year warranty.",
];

/// Product number `n` (from 1) of the generated catalog.
pub fn product(n: u64) -> GeneratedProduct {
    let epoch = epoch();
    let mut random = SplitMix(n);
    let category = random.below(CATEGORIES.len() as u64) as usize;
    let words = &VOCABULARIES[category];
    let noun = pick(&mut random, words.nouns);
    let adjective = pick(&mut random, ADJECTIVES);
    // One title in four names a place instead of a material.
    let material = if random.below(4) == 0 { pick(&mut random, ORIGINS) } else { pick(&mut random, words.materials) };
    let title = format!("{adjective} {material} {noun}");
    let used = pick(&mut random, words.uses);
    // Two different sentences of praise: the second is one of the others.
    let first = random.below(PRAISE.len() as u64) as usize;
    let second = (first + 1 + random.below(PRAISE.len() as u64 - 1) as usize) % PRAISE.len();
    let description = format!("{title}, {used}. {} {}", PRAISE[first], PRAISE[second]);
    // Log-uniform from 1 to 2,000 units, rounded to end in .99 or .00 like shop prices (at least
    // 100 cents before rounding, so never below 0.99).
    let cents = (100.0 * 2000f64.powf(random.unit())) as i64;
    let cents = if random.below(2) == 0 { cents / 100 * 100 } else { cents / 100 * 100 + 99 };
    let stock = if random.below(20) == 0 { 0 } else { 1 + random.below(200) as i64 };
    GeneratedProduct {
        slug: format!("{}-g{n}", slugify(&title)),
        title,
        description,
        price: Money(cents),
        stock,
        category,
        // A second apart: a million products span under twelve days after the epoch.
        at: epoch + Duration::seconds(n as i64),
    }
}

fn pick<'a>(random: &mut SplitMix, words: &[&'a str]) -> &'a str {
    words[random.below(words.len() as u64) as usize]
}

/// When generated product number 1 was added: before the demo's own products, so that "newest"
/// still opens with the demo catalog.
pub fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 12, 1, 9, 0, 0).single().expect("a valid date")
}

/// SplitMix64: a small, well-mixed sequence from a seed, so that each product is a pure
/// function of its number (no random-number crate, and the same catalog on every machine).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (the tiny bias of a modulo does not matter for a demo catalog).
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_product_is_a_function_of_its_number() {
        assert_eq!(product(42), product(42));
        assert_ne!(product(42).title, product(43).title);
    }

    #[test]
    fn slugs_are_unique_and_prices_stock_and_categories_spread() {
        let products: Vec<_> = (1..=5_000).map(product).collect();
        let slugs: std::collections::HashSet<_> = products.iter().map(|p| &p.slug).collect();
        assert_eq!(slugs.len(), products.len());
        assert!(products.iter().all(|p| (99..=200_000).contains(&p.price.cents())), "prices stay in range");
        let cheap = products.iter().filter(|p| p.price.cents() < 1_000).count();
        let dear = products.iter().filter(|p| p.price.cents() > 50_000).count();
        assert!(cheap > 500 && dear > 500, "prices spread: {cheap} under 10, {dear} over 500");
        let sold_out = products.iter().filter(|p| p.stock == 0).count();
        assert!((100..500).contains(&sold_out), "about one in twenty is sold out: {sold_out}");
        for category in 0..CATEGORIES.len() {
            let share = products.iter().filter(|p| p.category == category).count();
            assert!((800..1_200).contains(&share), "category {category} has {share} of 5,000");
        }
        assert!(products.iter().any(|p| p.title.contains('á') || p.title.contains('é')), "some titles have accents");
    }

    #[test]
    fn one_word_is_selective_and_two_words_more() {
        let products: Vec<_> = (1..=5_000).map(product).collect();
        let matching = |words: &[&str]| {
            products
                .iter()
                .filter(|p| {
                    let text = format!("{} {}", p.title, p.description).to_lowercase();
                    words.iter().all(|w| text.contains(w))
                })
                .count()
        };
        let one = matching(&["walnut"]);
        let two = matching(&["walnut", "chair"]);
        assert!((25..500).contains(&one), "one word: {one} of 5,000");
        assert!(two > 0 && two < one, "two words: {two} of 5,000");
    }
}
