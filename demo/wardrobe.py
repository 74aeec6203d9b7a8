"""What the demo shop sells: departments, their subcategories, brands, words, colors and sizes.

Plain data, no database: `catalog.py` turns it into rows and `pictures.py` into images.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Color:
    name: str
    code: str  # short and stable: part of every SKU code
    hex: str


COLORS = {
    color.code: color
    for color in (
        Color("Black", "BLK", "#1C1C1E"),
        Color("Ivory", "IVR", "#F2EDE3"),
        Color("Navy", "NVY", "#1F2A44"),
        Color("Camel", "CML", "#B88A5A"),
        Color("Olive", "OLV", "#6B6B3A"),
        Color("Burgundy", "BRG", "#6D1F2F"),
        Color("Sage", "SAG", "#9CAF88"),
        Color("Dusty Rose", "RSE", "#CFA0A0"),
        Color("Sky Blue", "SKY", "#8DB6DE"),
        Color("Charcoal", "CHR", "#3E3F43"),
        Color("Sand", "SND", "#D6C2A1"),
        Color("Terracotta", "TRC", "#C2653F"),
        Color("Denim", "DNM", "#4A6A96"),
        Color("Forest", "FRS", "#2F4A3A"),
        Color("Lilac", "LLC", "#B7A2CC"),
        Color("Red", "RED", "#B3262E"),
        Color("Mustard", "MST", "#D1A02B"),
        Color("Chocolate", "CHC", "#5A3B2B"),
        Color("Grey Melange", "GRY", "#A3A4A6"),
        Color("White", "WHT", "#FAFAF7"),
    )
}

# Size runs; a product offers a contiguous slice of its run.
SIZE_RUNS = {
    "apparel": ("XS", "S", "M", "L", "XL"),
    "shoes_eu": tuple(str(size) for size in range(36, 46)),
    "shoes_us": tuple(f"US {size}" for size in range(6, 13)),
    "kids": ("2Y", "4Y", "6Y", "8Y", "10Y", "12Y"),
    "baby": ("0-3M", "3-6M", "6-12M", "12-18M", "18-24M"),
    "one": ("One size",),
}


@dataclass(frozen=True)
class SubcategorySpec:
    name: str
    slug: str
    shape: str  # the silhouette pictures.py draws
    sizes: str  # key of SIZE_RUNS; "shoes" means EU or US sizes by the product's market
    nouns: tuple[str, ...]
    materials: tuple[str, ...]
    usd: tuple[int, int]  # price band in dollars; som prices are derived from it
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategorySpec:
    name: str
    slug: str
    market: str
    icon: str
    description: str
    colors: tuple[str, ...]
    brands: tuple[str, ...]
    subcategories: tuple[SubcategorySpec, ...]
    # Brands sold only in one market's products of this category (local labels).
    local_brands: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def brands_for(self, market):
        local = dict(self.local_brands).get(market, ())
        return self.brands + local


KG_LOCAL = ("Ala-Too Atelier", "Tengri Wool", "Saima Studio", "Issyk Linen")
US_LOCAL = ("Harbor & Pine", "Northfield Supply", "Juniper Row")

CATEGORIES = (
    CategorySpec(
        name="Women",
        slug="women",
        market="ALL",
        icon="dress",
        description="Dresses, knitwear, tailoring and outerwear for every day and every occasion.",
        colors=("BLK", "IVR", "NVY", "CML", "BRG", "SAG", "RSE", "SND"),
        brands=("Atelier Nord", "Maison Olko", "Vela Studio", "Ondine", "Marlowe & Finch"),
        local_brands=(("KG", KG_LOCAL), ("US", US_LOCAL)),
        subcategories=(
            SubcategorySpec(
                "Dresses",
                "dresses",
                "dress",
                "apparel",
                ("Midi Dress", "Wrap Dress", "Slip Dress", "Shirt Dress", "Maxi Dress", "Mini Dress"),
                ("Linen", "Satin", "Cotton Poplin", "Crepe", "Jersey", "Viscose"),
                (49, 260),
                ("Concealed zip at the back", "Side pockets", "Adjustable straps", "Tie waist"),
            ),
            SubcategorySpec(
                "Tops & Blouses",
                "tops-blouses",
                "top",
                "apparel",
                ("Blouse", "Tank Top", "Boxy Tee", "Camisole", "Peplum Top", "Bodysuit"),
                ("Cotton", "Silk", "Linen", "Jersey", "Modal", "Georgette"),
                (19, 140),
                ("Mother-of-pearl buttons", "Dropped shoulders", "Curved hem"),
            ),
            SubcategorySpec(
                "Knitwear",
                "knitwear",
                "knit",
                "apparel",
                ("Cardigan", "Crew-Neck Sweater", "Turtleneck", "Knit Vest", "Ribbed Pullover"),
                ("Merino Wool", "Cashmere", "Cotton Knit", "Alpaca Blend", "Mohair Blend"),
                (45, 320),
                ("Ribbed cuffs and hem", "Fully fashioned seams", "Horn buttons"),
            ),
            SubcategorySpec(
                "Jeans & Trousers",
                "jeans-trousers",
                "trousers",
                "apparel",
                ("Straight Jeans", "Wide-Leg Trousers", "Cigarette Pants", "Barrel Jeans", "Cargo Pants"),
                ("Rigid Denim", "Stretch Denim", "Wool Twill", "Linen", "Cotton Twill"),
                (39, 220),
                ("Five-pocket styling", "Pressed front crease", "Zip fly with button"),
            ),
            SubcategorySpec(
                "Skirts",
                "skirts",
                "skirt",
                "apparel",
                ("Pleated Midi Skirt", "A-Line Skirt", "Slip Skirt", "Denim Skirt", "Wrap Skirt"),
                ("Satin", "Wool Blend", "Denim", "Linen", "Crepe"),
                (35, 180),
                ("Elasticated back waist", "Side zip", "Fully lined"),
            ),
            SubcategorySpec(
                "Coats & Jackets",
                "coats-jackets",
                "coat",
                "apparel",
                ("Wrap Coat", "Trench Coat", "Cropped Jacket", "Quilted Jacket", "Longline Blazer"),
                ("Wool Blend", "Cotton Gabardine", "Boucle", "Recycled Nylon", "Double-Face Wool"),
                (89, 390),
                ("Fully lined", "Storm flap", "Belted waist", "Inside pocket"),
            ),
        ),
    ),
    CategorySpec(
        name="Men",
        slug="men",
        market="ALL",
        icon="shirt",
        description="Shirts, knitwear, denim and outerwear, cut to last.",
        colors=("BLK", "IVR", "NVY", "CML", "OLV", "CHR", "SND", "DNM"),
        brands=("Kestrel Row", "Bosco Lane", "Caldera", "Atelier Nord", "Marlowe & Finch"),
        local_brands=(("KG", KG_LOCAL), ("US", US_LOCAL)),
        subcategories=(
            SubcategorySpec(
                "T-Shirts & Polos",
                "t-shirts-polos",
                "top",
                "apparel",
                ("Crew-Neck Tee", "Pocket Tee", "Piqué Polo", "Henley", "Long-Sleeve Tee"),
                ("Organic Cotton", "Supima Cotton", "Slub Jersey", "Linen Jersey", "Cotton Piqué"),
                (19, 95),
                ("Taped neck seams", "Chest pocket", "Side vents"),
            ),
            SubcategorySpec(
                "Shirts",
                "shirts",
                "shirt",
                "apparel",
                ("Oxford Shirt", "Overshirt", "Camp-Collar Shirt", "Poplin Shirt", "Flannel Shirt"),
                ("Cotton Oxford", "Linen", "Brushed Flannel", "Cotton Poplin", "Chambray"),
                (39, 160),
                ("Button-down collar", "Chest pocket", "Curved hem", "Corozo buttons"),
            ),
            SubcategorySpec(
                "Knitwear",
                "knitwear",
                "knit",
                "apparel",
                ("Crew-Neck Sweater", "Quarter-Zip", "Shawl Cardigan", "Fisherman Sweater", "Knit Polo"),
                ("Merino Wool", "Lambswool", "Cashmere", "Cotton Knit", "Yak Wool"),
                (49, 320),
                ("Ribbed cuffs and hem", "Saddle shoulders", "Two-way zip"),
            ),
            SubcategorySpec(
                "Trousers & Jeans",
                "trousers-jeans",
                "trousers",
                "apparel",
                ("Slim Jeans", "Relaxed Chinos", "Pleated Trousers", "Carpenter Pants", "Drawstring Pants"),
                ("Selvedge Denim", "Stretch Denim", "Cotton Twill", "Wool Flannel", "Ripstop"),
                (45, 220),
                ("Five-pocket styling", "Button fly", "Belt loops", "Hammer loop"),
            ),
            SubcategorySpec(
                "Jackets & Coats",
                "jackets-coats",
                "coat",
                "apparel",
                ("Overcoat", "Field Jacket", "Chore Jacket", "Puffer Jacket", "Harrington Jacket"),
                ("Wool Melton", "Waxed Cotton", "Canvas", "Recycled Nylon", "Corduroy"),
                (89, 390),
                ("Fully lined", "Storm cuffs", "Two-way zip", "Inside pocket"),
            ),
            SubcategorySpec(
                "Suits & Blazers",
                "suits-blazers",
                "coat",
                "apparel",
                ("Single-Breasted Blazer", "Unstructured Blazer", "Two-Piece Suit", "Double-Breasted Blazer"),
                ("Wool", "Linen", "Seersucker", "Wool Flannel", "Hopsack"),
                (129, 390),
                ("Half lined", "Working cuff buttons", "Notch lapel"),
            ),
        ),
    ),
    CategorySpec(
        name="Shoes",
        slug="shoes",
        market="ALL",
        icon="shoe",
        description="Sneakers, boots, loafers and heels, in full and half sizes.",
        colors=("BLK", "WHT", "CML", "CHC", "NVY", "BRG", "SND"),
        brands=("Cobble & Last", "Stride Atelier", "Pacer Lab", "Solé Verde", "Loma Leather"),
        subcategories=(
            SubcategorySpec(
                "Sneakers",
                "sneakers",
                "sneaker",
                "shoes",
                ("Court Sneakers", "Runner Sneakers", "Canvas Low-Tops", "High-Top Sneakers", "Retro Trainers"),
                ("Leather", "Suede", "Canvas", "Recycled Mesh", "Nubuck"),
                (49, 210),
                ("Rubber cupsole", "Cushioned insole", "Padded collar"),
            ),
            SubcategorySpec(
                "Boots",
                "boots",
                "boot",
                "shoes",
                ("Chelsea Boots", "Lace-Up Boots", "Ankle Boots", "Hiking Boots", "Knee-High Boots"),
                ("Leather", "Suede", "Waxed Leather", "Nubuck"),
                (89, 390),
                ("Goodyear-welted sole", "Elastic side panels", "Pull tab", "Lug sole"),
            ),
            SubcategorySpec(
                "Loafers & Flats",
                "loafers-flats",
                "sneaker",
                "shoes",
                ("Penny Loafers", "Ballet Flats", "Horsebit Loafers", "Mary Janes", "Slippers"),
                ("Leather", "Patent Leather", "Suede", "Velvet"),
                (59, 260),
                ("Leather lining", "Stacked heel", "Padded footbed"),
            ),
            SubcategorySpec(
                "Heels",
                "heels",
                "heel",
                "shoes",
                ("Pointed Pumps", "Slingbacks", "Block-Heel Sandals", "Kitten Heels", "Mules"),
                ("Leather", "Satin", "Suede", "Patent Leather"),
                (69, 320),
                ("Leather sole", "Padded footbed", "Adjustable ankle strap"),
            ),
        ),
    ),
    CategorySpec(
        name="Bags & Accessories",
        slug="bags-accessories",
        market="ALL",
        icon="bag",
        description="Handbags, backpacks, scarves and hats to finish every look.",
        colors=("BLK", "CML", "CHC", "IVR", "BRG", "OLV", "TRC"),
        brands=("Carryall Co", "Atlas Goods", "Loma Leather", "Maison Olko", "Vela Studio"),
        local_brands=(("KG", ("Ala-Too Atelier", "Kiyiz Craft")), ("US", ("Harbor & Pine",))),
        subcategories=(
            SubcategorySpec(
                "Handbags",
                "handbags",
                "bag",
                "one",
                ("Tote Bag", "Crossbody Bag", "Shoulder Bag", "Bucket Bag", "Top-Handle Bag", "Clutch"),
                ("Pebbled Leather", "Smooth Leather", "Suede", "Canvas", "Woven Raffia"),
                (59, 390),
                ("Magnetic closure", "Detachable strap", "Interior zip pocket", "Protective feet"),
            ),
            SubcategorySpec(
                "Backpacks",
                "backpacks",
                "backpack",
                "one",
                ("Daypack", "Rolltop Backpack", "Laptop Backpack", "Mini Backpack"),
                ("Recycled Nylon", "Waxed Canvas", "Leather", "Cordura"),
                (49, 240),
                ("Padded laptop sleeve", "Water-resistant", "Padded straps"),
            ),
            SubcategorySpec(
                "Scarves",
                "scarves",
                "scarf",
                "one",
                ("Blanket Scarf", "Silk Square", "Ribbed Scarf", "Fringed Wrap", "Snood"),
                ("Cashmere", "Silk Twill", "Merino Wool", "Yak Wool", "Modal"),
                (25, 190),
                ("Hand-rolled edges", "Fringed ends", "Oversized"),
            ),
            SubcategorySpec(
                "Hats & Caps",
                "hats-caps",
                "hat",
                "one",
                ("Felt Fedora", "Bucket Hat", "Beanie", "Baseball Cap", "Wide-Brim Hat"),
                ("Wool Felt", "Cotton Twill", "Merino Wool", "Straw", "Corduroy"),
                (19, 140),
                ("Grosgrain band", "Adjustable back", "Packable"),
            ),
        ),
    ),
    CategorySpec(
        name="Kids",
        slug="kids",
        market="ALL",
        icon="kids",
        description="Soft, hard-wearing clothes for playgrounds and school days.",
        colors=("SKY", "RSE", "MST", "SAG", "NVY", "RED"),
        brands=("Little Fern", "Sprout & Co", "Puddle Jumpers", "Tiny Atlas"),
        subcategories=(
            SubcategorySpec(
                "Girls",
                "girls",
                "dress",
                "kids",
                ("Smock Dress", "Pinafore Dress", "Party Dress", "Jersey Dress"),
                ("Organic Cotton", "Corduroy", "Tulle", "Muslin"),
                (19, 79),
                ("Easy pull-on", "Back buttons", "Grows-with-me hem"),
            ),
            SubcategorySpec(
                "Boys",
                "boys",
                "top",
                "kids",
                ("Graphic Tee", "Striped Tee", "Rugby Shirt", "Sweatshirt"),
                ("Organic Cotton", "French Terry", "Cotton Jersey"),
                (19, 69),
                ("Reinforced elbows", "Easy pull-on", "Taped seams"),
            ),
            SubcategorySpec(
                "Baby",
                "baby",
                "top",
                "baby",
                ("Romper", "Bodysuit Set", "Sleepsuit", "Knit Cardigan"),
                ("Organic Cotton", "Muslin", "Merino Wool", "Bamboo Jersey"),
                (19, 59),
                ("Nickel-free snaps", "Fold-over mitts", "Envelope neckline"),
            ),
        ),
    ),
    CategorySpec(
        name="Heritage",
        slug="heritage",
        market="KG",
        icon="kalpak",
        description="Chapans, kalpaks and felt pieces by Kyrgyz makers, with ornaments from the Ala-Too.",
        colors=("IVR", "BRG", "NVY", "TRC", "FRS", "MST"),
        brands=("Ala-Too Atelier", "Kiyiz Craft", "Tengri Wool", "Saima Studio"),
        subcategories=(
            SubcategorySpec(
                "Chapan Coats",
                "chapan-coats",
                "coat",
                "apparel",
                ("Chapan Coat", "Embroidered Chapan", "Quilted Chapan", "Short Chapan"),
                ("Velvet", "Wool Felt", "Cotton Sateen", "Silk Blend"),
                (120, 380),
                ("Hand-embroidered ornament", "Quilted lining", "Made in Bishkek"),
            ),
            SubcategorySpec(
                "Kalpaks & Hats",
                "kalpaks-hats",
                "hat",
                "one",
                ("Ak Kalpak", "Embroidered Kalpak", "Felt Hat", "Fur-Trim Hat"),
                ("Wool Felt", "Sheep Wool", "Yak Wool"),
                (25, 120),
                ("Hand-felted", "Embroidered crown", "Made in Naryn"),
            ),
            SubcategorySpec(
                "Felt Accessories",
                "felt-accessories",
                "bag",
                "one",
                ("Felt Tote", "Shyrdak Clutch", "Felt Crossbody", "Felt Pouch"),
                ("Wool Felt", "Shyrdak Felt"),
                (25, 140),
                ("Hand-stitched shyrdak pattern", "Cotton lining", "Made by artisans in Kochkor"),
            ),
            SubcategorySpec(
                "Ornament Knitwear",
                "ornament-knitwear",
                "knit",
                "apparel",
                ("Ornament Sweater", "Ornament Cardigan", "Knit Vest", "Jacquard Pullover"),
                ("Yak Wool", "Sheep Wool", "Camel Wool"),
                (59, 220),
                ("Jacquard ornament", "Ribbed cuffs and hem", "Spun in Kyrgyzstan"),
            ),
        ),
    ),
    CategorySpec(
        name="Warm Layers",
        slug="warm-layers",
        market="KG",
        icon="coat",
        description="Down, wool and thermals for Bishkek winters and mountain weekends.",
        colors=("BLK", "NVY", "OLV", "CHR", "BRG", "RED"),
        brands=("Tengri Wool", "Caldera", "Kestrel Row", "Northpeak"),
        subcategories=(
            SubcategorySpec(
                "Down Jackets",
                "down-jackets",
                "coat",
                "apparel",
                ("Down Parka", "Puffer Jacket", "Down Vest", "Long Puffer Coat"),
                ("Recycled Nylon", "Ripstop", "Matte Nylon"),
                (99, 380),
                ("Responsibly sourced down", "Detachable hood", "Two-way zip"),
            ),
            SubcategorySpec(
                "Wool Accessories",
                "wool-accessories",
                "scarf",
                "one",
                ("Yak Wool Scarf", "Felted Mittens Set", "Snood", "Ribbed Scarf"),
                ("Yak Wool", "Merino Wool", "Camel Wool"),
                (19, 110),
                ("Extra warm", "Hand-knitted", "Made in Kyrgyzstan"),
            ),
            SubcategorySpec(
                "Thermal Basics",
                "thermal-basics",
                "top",
                "apparel",
                ("Thermal Long-Sleeve", "Base Layer Top", "Thermal Leggings Set"),
                ("Merino Wool", "Brushed Jersey", "Waffle Knit"),
                (25, 90),
                ("Flatlock seams", "Moisture-wicking", "Odour-resistant"),
            ),
        ),
    ),
    CategorySpec(
        name="Activewear",
        slug="activewear",
        market="US",
        icon="run",
        description="Leggings, hoodies and running shoes that move with you.",
        colors=("BLK", "CHR", "NVY", "SAG", "LLC", "SKY", "GRY"),
        brands=("Pacer Lab", "Juniper Row", "Stride Atelier", "Tidewell"),
        subcategories=(
            SubcategorySpec(
                "Leggings",
                "leggings",
                "trousers",
                "apparel",
                ("High-Rise Leggings", "Pocket Leggings", "Bike Shorts", "Flare Leggings"),
                ("Sculpt Knit", "Recycled Nylon", "Brushed Jersey"),
                (29, 110),
                ("Squat-proof", "Hidden waistband pocket", "Four-way stretch"),
            ),
            SubcategorySpec(
                "Sports Bras & Tanks",
                "sports-bras-tanks",
                "swimsuit",
                "apparel",
                ("Sports Bra", "Racerback Tank", "Longline Bra", "Muscle Tank"),
                ("Recycled Nylon", "Mesh Jersey", "Rib Knit"),
                (24, 75),
                ("Removable cups", "Sweat-wicking", "Medium support"),
            ),
            SubcategorySpec(
                "Hoodies & Sweatshirts",
                "hoodies-sweatshirts",
                "knit",
                "apparel",
                ("Pullover Hoodie", "Zip Hoodie", "Crewneck Sweatshirt", "Half-Zip Fleece"),
                ("French Terry", "Brushed Fleece", "Organic Cotton"),
                (45, 140),
                ("Kangaroo pocket", "Ribbed cuffs and hem", "Brushed inside"),
            ),
            SubcategorySpec(
                "Running Shoes",
                "running-shoes",
                "sneaker",
                "shoes",
                ("Road Runners", "Trail Runners", "Tempo Trainers", "Recovery Runners"),
                ("Engineered Mesh", "Recycled Knit", "Ripstop Mesh"),
                (89, 210),
                ("Carbon-free foam midsole", "Reflective details", "Grippy rubber outsole"),
            ),
        ),
    ),
    CategorySpec(
        name="Swim & Resort",
        slug="swim-resort",
        market="US",
        icon="sun",
        description="Swimsuits, trunks and cover-ups for the beach and the pool.",
        colors=("SKY", "TRC", "MST", "NVY", "BLK", "RSE", "WHT"),
        brands=("Tidewell", "Ondine", "Harbor & Pine", "Solé Verde"),
        subcategories=(
            SubcategorySpec(
                "Swimsuits",
                "swimsuits",
                "swimsuit",
                "apparel",
                ("One-Piece Swimsuit", "Bikini Set", "Scoop-Back Swimsuit", "Tankini"),
                ("Recycled Nylon", "Textured Lycra", "Ribbed Lycra"),
                (39, 180),
                ("Chlorine-resistant", "UPF 50+", "Lined"),
            ),
            SubcategorySpec(
                "Swim Trunks",
                "swim-trunks",
                "trousers",
                "apparel",
                ("Swim Trunks", "Board Shorts", "Volley Shorts"),
                ("Recycled Polyester", "Quick-Dry Nylon", "Seersucker"),
                (35, 110),
                ("Mesh lining", "Zip back pocket", "Quick-dry"),
            ),
            SubcategorySpec(
                "Cover-Ups",
                "cover-ups",
                "dress",
                "apparel",
                ("Beach Kaftan", "Linen Shirt Dress", "Crochet Cover-Up", "Sarong"),
                ("Linen", "Cotton Voile", "Crochet Cotton", "Gauze"),
                (39, 160),
                ("Side slits", "Relaxed fit", "Packable"),
            ),
        ),
    ),
)

ADJECTIVES = (
    "Relaxed",
    "Tailored",
    "Cropped",
    "Oversized",
    "Classic",
    "Everyday",
    "Belted",
    "Washed",
    "Soft",
    "Structured",
    "Easy",
    "Fluid",
    "Essential",
    "Heritage",
)

FITS = ("Relaxed fit", "Regular fit", "Slim fit", "Oversized fit", "True to size")
# Shoes and bags are cared for differently from what is worn as clothing.
HARD_GOODS = {"bag", "backpack", "sneaker", "boot", "heel"}
CARE = {
    "textile": ("Machine wash at 30°C", "Hand wash cold", "Dry clean only", "Machine wash cold, dry flat"),
    "goods": ("Wipe clean with a damp cloth", "Store in the dust bag provided", "Condition the leather twice a year"),
}
MODEL_NOTES = (
    "Model is 176 cm and wears size S",
    "Model is 185 cm and wears size M",
    "Model is 170 cm and wears size XS",
)

MATERIAL_PHRASES = {
    "Linen": "washed European linen that softens with every wear",
    "Cotton": "breathable long-staple cotton",
    "Organic Cotton": "GOTS-certified organic cotton",
    "Merino Wool": "fine, temperature-regulating merino wool",
    "Cashmere": "brushed Mongolian cashmere",
    "Yak Wool": "warm yak down wool from the Tian Shan highlands",
    "Satin": "fluid satin with a soft sheen",
    "Leather": "full-grain leather that ages beautifully",
    "Suede": "velvety suede",
    "Wool Felt": "dense hand-felted wool",
    "Recycled Nylon": "recycled nylon that shrugs off wind and light rain",
}

OPENINGS = (
    "A {adjective} {noun} in {material}.",
    "Our {noun} in {material}: {adjective}, comfortable and made to last.",
    "The {noun}, cut from {material}.",
)
MIDDLES = (
    "Designed to layer through the seasons and made to be worn for years.",
    "Clean lines, considered details and a fit that works from morning to evening.",
    "Finished by hand in small batches, with attention to every seam.",
    "A wardrobe staple you will reach for again and again.",
    "Pairs as easily with sneakers as it does with something sharper.",
)
CLOSINGS = {
    "KG": (
        "Delivered across Kyrgyzstan, with cash on delivery in Bishkek and Osh.",
        "Sewn in Bishkek by a small studio team.",
        "Try it at home; returns are free within 14 days.",
    ),
    "US": (
        "Ships free on orders over $100.",
        "Free returns within 30 days.",
        "Designed in Brooklyn and made in small runs.",
    ),
    "ALL": (
        "Free returns within 14 days.",
        "Made in a family-run workshop in Portugal.",
        "Part of our responsibly sourced collection.",
    ),
}

REVIEW_TEXTS = {
    5: (
        ("Perfect fit", "Exactly as pictured and the quality is excellent. Ordering another color."),
        ("Love it", "Beautiful fabric and it arrived quickly. Compliments every time I wear it."),
        ("Worth every som", "Great quality for the price, true to size."),
    ),
    4: (
        ("Very nice", "Lovely piece, runs slightly large so consider sizing down."),
        ("Good quality", "Soft and well made. The color is a little darker than in the photos."),
    ),
    3: (
        ("It's okay", "Nice material but the fit was not quite right for me."),
        ("Average", "Decent for everyday, nothing special."),
    ),
    2: (("Disappointed", "The seams came loose after a few washes."),),
    1: (("Not as described", "The color was completely different from the picture. Returned it."),),
}
