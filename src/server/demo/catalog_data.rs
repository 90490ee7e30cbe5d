//! The demo catalog: five categories and fifty-one products, written for Tienda.
//! Prices are whole dollars; images are generated (see `images.rs`).

pub struct DemoCategory {
    pub name: &'static str,
    pub slug: &'static str,
}

pub struct DemoProduct {
    /// Index into `CATEGORIES`.
    pub category: usize,
    pub title: &'static str,
    /// Whole dollars, 10 to 98.
    pub price: i64,
    pub stock: i64,
    pub description: &'static str,
}

pub const CATEGORIES: [DemoCategory; 5] = [
    DemoCategory { name: "Clothes", slug: "clothes" },
    DemoCategory { name: "Electronics", slug: "electronics" },
    DemoCategory { name: "Furniture", slug: "furniture" },
    DemoCategory { name: "Shoes", slug: "shoes" },
    DemoCategory { name: "Miscellaneous", slug: "miscellaneous" },
];

pub const PRODUCTS: [DemoProduct; 51] = [
    DemoProduct {
        category: 0,
        title: "Classic Oxford Shirt",
        price: 42,
        stock: 24,
        description: "A crisp cotton Oxford shirt with a button-down collar and a relaxed, easy fit. Smart \
            enough for the office, soft enough for weekends.",
    },
    DemoProduct {
        category: 0,
        title: "Organic Cotton T-Shirt",
        price: 18,
        stock: 60,
        description: "An everyday crew-neck tee cut from soft organic cotton. Pre-washed to keep its shape and \
            size after many trips through the laundry.",
    },
    DemoProduct {
        category: 0,
        title: "Linen Summer Shirt",
        price: 46,
        stock: 15,
        description: "Breathable pure linen in a loose, airy cut with a camp collar. Made for hot afternoons, \
            beach dinners and long summer trips.",
    },
    DemoProduct {
        category: 0,
        title: "Flannel Check Shirt",
        price: 39,
        stock: 31,
        description: "Brushed cotton flannel in a warm red and navy check. Two chest pockets and a slightly \
            longer hem for layering over a tee.",
    },
    DemoProduct {
        category: 0,
        title: "Vintage Denim Jacket",
        price: 78,
        stock: 12,
        description: "A stonewashed denim jacket with a faded, lived-in look. Copper buttons, roomy chest \
            pockets and a boxy fit that suits any season.",
    },
    DemoProduct {
        category: 0,
        title: "Merino Wool Sweater",
        price: 64,
        stock: 20,
        description: "Fine-gauge merino wool that keeps you warm without bulk. Naturally breathable and soft \
            against the skin, with ribbed cuffs and hem.",
    },
    DemoProduct {
        category: 0,
        title: "Hooded Fleece Pullover",
        price: 49,
        stock: 27,
        description: "A cozy midweight fleece hoodie with a kangaroo pocket and drawstring hood. Perfect for \
            chilly mornings, camping trips and lazy Sundays.",
    },
    DemoProduct {
        category: 0,
        title: "Slim Fit Chino Pants",
        price: 44,
        stock: 33,
        description: "Stretch cotton chinos with a tapered leg and clean finish. Dress them up with a blazer \
            or down with sneakers and a tee.",
    },
    DemoProduct {
        category: 0,
        title: "Relaxed Cargo Shorts",
        price: 29,
        stock: 40,
        description: "Durable cotton twill shorts with six roomy pockets and an easy relaxed fit. Built for \
            hiking, errands and everything in between.",
    },
    DemoProduct {
        category: 0,
        title: "Quilted Puffer Vest",
        price: 58,
        stock: 0,
        description: "A lightweight quilted vest with recycled insulation and a water-resistant shell. Packs \
            down small and adds warmth without the sleeves.",
    },
    DemoProduct {
        category: 0,
        title: "Striped Breton Top",
        price: 27,
        stock: 22,
        description: "A heavyweight cotton boat-neck top with classic navy stripes. A timeless piece that \
            pairs with jeans, skirts or wide-leg trousers.",
    },
    DemoProduct {
        category: 0,
        title: "Wool Blend Overcoat",
        price: 96,
        stock: 8,
        description: "A tailored knee-length overcoat in a warm wool blend with a notch lapel. Fully lined, \
            with deep pockets for cold city commutes.",
    },
    DemoProduct {
        category: 0,
        title: "Ribbed Knit Beanie",
        price: 14,
        stock: 55,
        description: "A snug ribbed beanie knit from soft acrylic and wool. Fold the cuff up or wear it \
            slouchy for an easy winter layer.",
    },
    DemoProduct {
        category: 0,
        title: "Graphic Print T-Shirt",
        price: 22,
        stock: 38,
        description: "A soft cotton tee printed with a hand-drawn mountain sunset design. Water-based inks \
            keep the print bright and the fabric soft.",
    },
    DemoProduct {
        category: 0,
        title: "High Rise Denim Jeans",
        price: 54,
        stock: 26,
        description: "Straight-leg jeans in rigid indigo denim that softens with wear. A flattering high rise \
            and five classic pockets.",
    },
    DemoProduct {
        category: 0,
        title: "Lightweight Rain Jacket",
        price: 68,
        stock: 17,
        description: "A packable rain shell with sealed seams, an adjustable hood and zip pockets. Keeps you \
            dry on commutes and trail walks alike.",
    },
    DemoProduct {
        category: 0,
        title: "Cashmere Blend Scarf",
        price: 36,
        stock: 19,
        description: "A generous scarf in a soft cashmere and wool blend with fringed ends. Warm, light and \
            easy to wrap over any winter coat.",
    },
    DemoProduct {
        category: 1,
        title: "Wireless Noise Cancelling Headphones",
        price: 94,
        stock: 14,
        description: "Over-ear headphones with active noise cancelling and up to 30 hours of battery life. \
            Plush memory foam cushions for long listening sessions.",
    },
    DemoProduct {
        category: 1,
        title: "Wireless Charging Pad",
        price: 24,
        stock: 45,
        description: "A slim charging pad for any Qi-compatible phone or earbuds case. Non-slip surface and a \
            soft status light that will not keep you awake.",
    },
    DemoProduct {
        category: 1,
        title: "Portable Bluetooth Speaker",
        price: 48,
        stock: 29,
        description: "A rugged, splash-proof speaker with rich bass and 12 hours of playtime. Clip it to a \
            backpack and take your music anywhere.",
    },
    DemoProduct {
        category: 1,
        title: "Mechanical Keyboard",
        price: 82,
        stock: 11,
        description: "A compact tenkeyless keyboard with tactile switches and warm white backlighting. \
            Detachable USB-C cable and solid aluminum top plate.",
    },
    DemoProduct {
        category: 1,
        title: "Ergonomic Wireless Mouse",
        price: 32,
        stock: 36,
        description: "A contoured mouse that supports a natural hand position during long workdays. Silent \
            clicks, adjustable DPI and months of battery life.",
    },
    DemoProduct {
        category: 1,
        title: "USB-C Travel Hub",
        price: 38,
        stock: 25,
        description: "A pocket-size hub that adds HDMI, two USB-A ports, an SD card reader and pass-through \
            charging to your laptop.",
    },
    DemoProduct {
        category: 1,
        title: "Smart LED Desk Lamp",
        price: 56,
        stock: 18,
        description: "A dimmable desk lamp with adjustable color temperature and a flexible arm. Set a reading \
            glow or bright daylight for focused work.",
    },
    DemoProduct {
        category: 1,
        title: "Retro Instant Camera",
        price: 89,
        stock: 0,
        description: "A fun instant camera with a vintage look that prints credit-card size photos in seconds. \
            Built-in flash and selfie mirror included.",
    },
    DemoProduct {
        category: 1,
        title: "HD Streaming Webcam",
        price: 62,
        stock: 21,
        description: "A 1080p webcam with autofocus and dual microphones for clear video calls. Clips onto any \
            monitor and works without extra drivers.",
    },
    DemoProduct {
        category: 1,
        title: "Power Bank 20000mAh",
        price: 34,
        stock: 42,
        description: "A high-capacity power bank that charges a phone several times over. Two outputs and fast \
            USB-C charging in a slim aluminum body.",
    },
    DemoProduct {
        category: 2,
        title: "Solid Oak Coffee Table",
        price: 98,
        stock: 6,
        description: "A sturdy coffee table made from solid oak with a natural oil finish. Clean lines and a \
            lower shelf for books and magazines.",
    },
    DemoProduct {
        category: 2,
        title: "Mid Century Accent Chair",
        price: 92,
        stock: 9,
        description: "An upholstered accent chair with tapered walnut legs and a curved back. Comfortable for \
            reading and a stylish corner for any room.",
    },
    DemoProduct {
        category: 2,
        title: "Bamboo Bookshelf",
        price: 74,
        stock: 13,
        description: "A five-tier bookshelf crafted from sustainable bamboo. Light and strong, with open \
            shelves for books, plants and keepsakes.",
    },
    DemoProduct {
        category: 2,
        title: "Folding Bistro Set",
        price: 86,
        stock: 7,
        description: "A small round table with two matching chairs in powder-coated steel. Folds flat for \
            storage and is ideal for balconies and patios.",
    },
    DemoProduct {
        category: 2,
        title: "Rustic Pine Nightstand",
        price: 59,
        stock: 16,
        description: "A compact nightstand in knotty pine with one drawer and an open shelf. Just the right \
            size for a lamp, a book and a glass of water.",
    },
    DemoProduct {
        category: 2,
        title: "Velvet Storage Ottoman",
        price: 52,
        stock: 20,
        description: "A soft velvet ottoman with a lift-off lid and hidden storage inside. Use it as a \
            footrest, extra seat or a home for blankets.",
    },
    DemoProduct {
        category: 2,
        title: "Industrial Wall Shelf",
        price: 41,
        stock: 23,
        description: "A floating wall shelf that pairs reclaimed-look wood with black metal brackets. Mounting \
            hardware included for easy setup.",
    },
    DemoProduct {
        category: 3,
        title: "Classic Leather Loafers",
        price: 88,
        stock: 12,
        description: "Hand-finished leather penny loafers with a cushioned insole and stitched moccasin toe. \
            Easy to slip on and polished enough for work.",
    },
    DemoProduct {
        category: 3,
        title: "Canvas Low Top Sneakers",
        price: 35,
        stock: 48,
        description: "Simple canvas sneakers with a vulcanized rubber sole and padded collar. A versatile \
            everyday pair that goes with almost anything.",
    },
    DemoProduct {
        category: 3,
        title: "Trail Running Shoes",
        price: 79,
        stock: 19,
        description: "Lightweight trail runners with an aggressive lug outsole and breathable mesh upper. Sure \
            footing on mud, gravel and rocky paths.",
    },
    DemoProduct {
        category: 3,
        title: "Suede Chelsea Boots",
        price: 95,
        stock: 10,
        description: "Soft suede ankle boots with elastic side panels and a pull tab at the heel. A stacked \
            heel and durable rubber sole for city streets.",
    },
    DemoProduct {
        category: 3,
        title: "Waterproof Hiking Boots",
        price: 97,
        stock: 8,
        description: "Mid-height hiking boots with a waterproof membrane and supportive ankle collar. Grippy \
            soles handle wet trails and steep climbs.",
    },
    DemoProduct {
        category: 3,
        title: "Memory Foam Slippers",
        price: 21,
        stock: 50,
        description: "Warm fleece-lined slippers with a memory foam footbed and a non-slip sole. Ideal for \
            padding around the house on cold mornings.",
    },
    DemoProduct {
        category: 3,
        title: "Leather Strap Sandals",
        price: 44,
        stock: 0,
        description: "Two-strap sandals in vegetable-tanned leather with adjustable buckles. A contoured cork \
            footbed molds to your feet over time.",
    },
    DemoProduct {
        category: 3,
        title: "Vintage Court Trainers",
        price: 66,
        stock: 22,
        description: "Retro-inspired court shoes with a smooth leather upper and a gum rubber sole. A clean, \
            timeless sneaker for everyday wear.",
    },
    DemoProduct {
        category: 3,
        title: "Lightweight Slip On Shoes",
        price: 31,
        stock: 34,
        description: "Knit slip-on shoes that are airy, flexible and machine washable. A go-to pair for \
            travel, errands and warm weather.",
    },
    DemoProduct {
        category: 3,
        title: "Rubber Rain Boots",
        price: 40,
        stock: 28,
        description: "Tall natural rubber boots with a cotton lining and sturdy tread. Keeps feet dry through \
            puddles, garden work and muddy walks.",
    },
    DemoProduct {
        category: 4,
        title: "Insulated Steel Water Bottle",
        price: 26,
        stock: 57,
        description: "A double-wall stainless steel bottle that keeps drinks cold for 24 hours or hot for 12. \
            Leak-proof lid and a powder-coated grip.",
    },
    DemoProduct {
        category: 4,
        title: "Handmade Ceramic Mug Set",
        price: 33,
        stock: 24,
        description: "A set of four stoneware mugs glazed by hand in soft earthy tones. Each one is slightly \
            unique and safe for dishwasher and microwave.",
    },
    DemoProduct {
        category: 4,
        title: "Scented Soy Candle",
        price: 19,
        stock: 44,
        description: "A hand-poured soy wax candle with notes of cedar, vanilla and smoke. Burns cleanly for \
            up to 40 hours in a reusable amber jar.",
    },
    DemoProduct {
        category: 4,
        title: "Leather Bound Journal",
        price: 28,
        stock: 32,
        description: "A refillable journal with a soft leather cover and 200 pages of thick, cream paper. \
            Great for sketches, notes and travel logs.",
    },
    DemoProduct {
        category: 4,
        title: "Canvas Weekend Tote",
        price: 37,
        stock: 30,
        description: "A roomy waxed canvas tote with leather handles and an inner zip pocket. Carries \
            groceries, gym gear or a weekend's worth of clothes.",
    },
    DemoProduct {
        category: 4,
        title: "Cork Yoga Mat",
        price: 45,
        stock: 15,
        description: "A natural cork yoga mat with a grippy surface that improves as you sweat. Backed with \
            rubber for cushioning and easy to clean.",
    },
    DemoProduct {
        category: 4,
        title: "Bamboo Cutting Board",
        price: 23,
        stock: 39,
        description: "A thick cutting board made from sustainable bamboo with a juice groove around the edge. \
            Gentle on knives and easy to care for.",
    },
];
