#!/usr/bin/env python3
"""Writes sessions/demo.jsonl: the bundled demo dataset, invented for this project.

Every product below is made up. Sessions are shaped like the BundleRec data (2-10 items,
about 70% of items in some bundle, some overlapping bundles, a few duplicate or superset
bundles that preprocessing removes, a few untitled items) so the workbench behaves on the
demo as it does on the real data. Deterministic: the same seed gives the same file.
"""
import json, random, sys

SEED = 20261129

# domain -> list of themes: (intent, [(title, category path)])
CATALOG = {
    "electronic": [
        ("Travel photography kit", [
            ("Kestrel M20 Mirrorless Camera Body, 24MP", ["Electronics", "Camera & Photo", "Digital Cameras", "Mirrorless Cameras"]),
            ("Kestrel 18-55mm f/3.5 Zoom Lens", ["Electronics", "Camera & Photo", "Lenses", "Camera Lenses"]),
            ("Voltaro KB-20 Spare Battery for Kestrel M-series", ["Electronics", "Camera & Photo", "Accessories", "Batteries"]),
            ("Nimbus 64GB SDXC UHS-I Memory Card", ["Electronics", "Computers & Accessories", "Memory Cards", "SD Cards"]),
            ("TrailPack Slim Camera Sling Bag, Grey", ["Electronics", "Camera & Photo", "Bags & Cases", "Camera Bags"]),
            ("Pocket Tripod 6-inch with Phone Clamp", ["Electronics", "Camera & Photo", "Tripods & Monopods", "Tabletop Tripods"]),
        ]),
        ("Home office upgrade", [
            ("Lumen 27-inch IPS Monitor, 1440p", ["Electronics", "Computers & Accessories", "Monitors"]),
            ("Quietype Wireless Keyboard, Low Profile", ["Electronics", "Computers & Accessories", "Keyboards"]),
            ("Glide Ergonomic Vertical Mouse", ["Electronics", "Computers & Accessories", "Mice"]),
            ("DeskHub 7-in-1 USB-C Docking Station", ["Electronics", "Computers & Accessories", "USB Hubs"]),
            ("ClearCall USB Headset with Noise-Cancelling Mic", ["Electronics", "Computers & Accessories", "Headsets"]),
        ]),
        ("Backup and storage", [
            ("Vaultline 2TB Portable Hard Drive, USB 3.0", ["Electronics", "Computers & Accessories", "Data Storage", "External Hard Drives"]),
            ("Vaultline 500GB SATA SSD", ["Electronics", "Computers & Accessories", "Data Storage", "Internal Solid State Drives"]),
            ("Flashlet 32GB USB Flash Drive, 3-pack", ["Electronics", "Computers & Accessories", "Data Storage", "USB Flash Drives"]),
            ("Hard Drive Carrying Case, Shockproof", ["Electronics", "Computers & Accessories", "Data Storage", "Drive Cases"]),
        ]),
        ("Charging on the go", [
            ("Ampere 10000mAh Power Bank", ["Electronics", "Cell Phones & Accessories", "Chargers", "Portable Power Banks"]),
            ("Braided USB-C Cable, 2m", ["Electronics", "Cell Phones & Accessories", "Cables", "USB Cables"]),
            ("Dual-Port Wall Charger 20W", ["Electronics", "Cell Phones & Accessories", "Chargers", "Wall Chargers"]),
            ("Car Charger with Two USB Ports", ["Electronics", "Cell Phones & Accessories", "Chargers", "Car Chargers"]),
        ]),
        ("Living room audio", [
            ("Sonora 2.1 Soundbar with Subwoofer", ["Electronics", "Home Audio", "Soundbars"]),
            ("Optical Audio Cable, 3m", ["Electronics", "Home Audio", "Cables", "Optical Cables"]),
            ("Universal Remote, 4 Devices", ["Electronics", "Television & Video", "Remote Controls"]),
            ("Slim Wall Mount for 32-55 inch TVs", ["Electronics", "Television & Video", "Mounts"]),
        ]),
        ("Gaming setup", [
            ("Raptor RGB Mechanical Keyboard", ["Electronics", "Computers & Accessories", "Keyboards"]),
            ("Raptor 16000 DPI Gaming Mouse", ["Electronics", "Computers & Accessories", "Mice"]),
            ("XL Extended Mouse Pad, Stitched Edges", ["Electronics", "Computers & Accessories", "Mouse Pads"]),
            ("Surround Gaming Headset 7.1", ["Electronics", "Computers & Accessories", "Headsets"]),
        ]),
    ],
    "clothing": [
        ("Summer beach outfit", [
            ("Coral Reef Women's Two-Piece Swimsuit", ["Clothing, Shoes & Jewelry", "Women", "Clothing", "Swimsuits & Cover Ups"]),
            ("Breezy Linen Cover-Up Kaftan, White", ["Clothing, Shoes & Jewelry", "Women", "Clothing", "Swimsuits & Cover Ups", "Cover-Ups"]),
            ("Wide Brim Straw Sun Hat", ["Clothing, Shoes & Jewelry", "Women", "Accessories", "Hats & Caps"]),
            ("Flip-Flop Sandals with Arch Support", ["Clothing, Shoes & Jewelry", "Women", "Shoes", "Sandals"]),
            ("Polarised Cat-Eye Sunglasses", ["Clothing, Shoes & Jewelry", "Women", "Accessories", "Sunglasses"]),
        ]),
        ("Running gear", [
            ("Stride Lite Men's Running Shoe", ["Clothing, Shoes & Jewelry", "Men", "Shoes", "Athletic", "Running"]),
            ("DryFit Men's Running Shorts, 7-inch", ["Clothing, Shoes & Jewelry", "Men", "Clothing", "Active", "Shorts"]),
            ("Seamless Crew Running Socks, 3 pairs", ["Clothing, Shoes & Jewelry", "Men", "Clothing", "Socks"]),
            ("Reflective Lightweight Running Jacket", ["Clothing, Shoes & Jewelry", "Men", "Clothing", "Active", "Jackets"]),
        ]),
        ("Office wear", [
            ("Slim Fit Non-Iron Dress Shirt, Sky Blue", ["Clothing, Shoes & Jewelry", "Men", "Clothing", "Shirts", "Dress Shirts"]),
            ("Wool Blend Flat-Front Trousers", ["Clothing, Shoes & Jewelry", "Men", "Clothing", "Pants", "Dress"]),
            ("Leather Oxford Shoes, Brown", ["Clothing, Shoes & Jewelry", "Men", "Shoes", "Oxfords"]),
            ("Reversible Leather Belt", ["Clothing, Shoes & Jewelry", "Men", "Accessories", "Belts"]),
            ("Silk Tie, Navy Pin Dot", ["Clothing, Shoes & Jewelry", "Men", "Accessories", "Neckties"]),
        ]),
        ("Matching jewelry set", [
            ("Sterling Silver Leaf Pendant Necklace", ["Clothing, Shoes & Jewelry", "Women", "Jewelry", "Necklaces"]),
            ("Sterling Silver Leaf Stud Earrings", ["Clothing, Shoes & Jewelry", "Women", "Jewelry", "Earrings"]),
            ("Leaf Charm Bangle Bracelet", ["Clothing, Shoes & Jewelry", "Women", "Jewelry", "Bracelets"]),
            ("Velvet Jewelry Gift Box", ["Clothing, Shoes & Jewelry", "Women", "Jewelry", "Jewelry Boxes"]),
        ]),
        ("Winter warmth", [
            ("Quilted Puffer Jacket with Hood", ["Clothing, Shoes & Jewelry", "Women", "Clothing", "Coats & Jackets"]),
            ("Cable Knit Beanie and Scarf Set", ["Clothing, Shoes & Jewelry", "Women", "Accessories", "Scarves"]),
            ("Touchscreen Knit Gloves", ["Clothing, Shoes & Jewelry", "Women", "Accessories", "Gloves & Mittens"]),
            ("Fleece-Lined Winter Boots", ["Clothing, Shoes & Jewelry", "Women", "Shoes", "Boots"]),
        ]),
        ("Kids school clothes", [
            ("Boys' Crew Neck T-Shirts, 5-pack", ["Clothing, Shoes & Jewelry", "Boys", "Clothing", "Tops & Tees"]),
            ("Boys' Pull-On Jogger Pants", ["Clothing, Shoes & Jewelry", "Boys", "Clothing", "Pants"]),
            ("Kids' Light-Up Sneakers", ["Clothing, Shoes & Jewelry", "Boys", "Shoes", "Sneakers"]),
            ("Kids' Backpack with Name Tag", ["Clothing, Shoes & Jewelry", "Boys", "Accessories", "Backpacks"]),
        ]),
    ],
    "food": [
        ("Afternoon tea break", [
            ("Hillside Sencha Green Tea, 20 bags", ["Grocery & Gourmet Food", "Beverages", "Tea", "Green"]),
            ("抹茶 Ceremonial Matcha Powder, 30g", ["Grocery & Gourmet Food", "Beverages", "Tea", "Matcha"]),
            ("Butter Shortbread Biscuits, Tin", ["Grocery & Gourmet Food", "Snack Foods", "Cookies"]),
            ("Raw Wildflower Honey, 350g Jar", ["Grocery & Gourmet Food", "Pantry", "Honey"]),
            ("Earl Grey Loose Leaf Tea, 100g", ["Grocery & Gourmet Food", "Beverages", "Tea", "Black"]),
        ]),
        ("Asian pantry", [
            ("海苔 Roasted Seaweed Snack Sheets, 10 packs", ["Grocery & Gourmet Food", "Asian", "Seaweed"]),
            ("Naturally Brewed Soy Sauce, 500ml", ["Grocery & Gourmet Food", "Asian", "Sauces"]),
            ("Short Grain Sushi Rice, 2kg", ["Grocery & Gourmet Food", "Pantry", "Rice"]),
            ("Furikake Rice Seasoning, Sesame", ["Grocery & Gourmet Food", "Asian", "Seasonings"]),
            ("Instant Ramen, Spicy Miso, 5-pack", ["Grocery & Gourmet Food", "Asian", "Noodles"]),
        ]),
        ("Movie night snacks", [
            ("Sea Salt Kettle Chips, Sharing Bag", ["Grocery & Gourmet Food", "Snack Foods", "Chips & Crisps"]),
            ("Microwave Butter Popcorn, 6 bags", ["Grocery & Gourmet Food", "Snack Foods", "Popcorn"]),
            ("Sour Gummy Worms, 400g", ["Grocery & Gourmet Food", "Candy & Chocolate", "Gummies"]),
            ("Sparkling Lemonade, 6 cans", ["Grocery & Gourmet Food", "Beverages", "Soft Drinks"]),
        ]),
        ("Italian dinner", [
            ("Bronze-Cut Spaghetti, 500g", ["Grocery & Gourmet Food", "Pasta & Noodles", "Spaghetti"]),
            ("San Marzano Style Peeled Tomatoes, 400g", ["Grocery & Gourmet Food", "Canned Foods", "Tomatoes"]),
            ("Extra Virgin Olive Oil, 750ml", ["Grocery & Gourmet Food", "Pantry", "Oils"]),
            ("Aged Parmesan Wedge, 200g", ["Grocery & Gourmet Food", "Dairy", "Cheese"]),
            ("Dried Oregano, 30g", ["Grocery & Gourmet Food", "Herbs & Spices", "Oregano"]),
        ]),
        ("Healthy breakfast", [
            ("Rolled Oats, Gluten Free, 1kg", ["Grocery & Gourmet Food", "Breakfast Foods", "Oatmeal"]),
            ("Chia Seeds, 500g", ["Grocery & Gourmet Food", "Pantry", "Seeds"]),
            ("Almond Butter, Smooth, 340g", ["Grocery & Gourmet Food", "Pantry", "Nut Butters"]),
            ("Dried Blueberries, 200g", ["Grocery & Gourmet Food", "Dried Fruits", "Berries"]),
        ]),
        ("Baking day", [
            ("Unbleached All-Purpose Flour, 2kg", ["Grocery & Gourmet Food", "Baking", "Flours"]),
            ("Madagascar Vanilla Extract, 60ml", ["Grocery & Gourmet Food", "Baking", "Extracts"]),
            ("Dark Chocolate Chips, 70%", ["Grocery & Gourmet Food", "Baking", "Chocolate Chips"]),
            ("Baking Powder, Aluminium Free", ["Grocery & Gourmet Food", "Baking", "Leaveners"]),
        ]),
    ],
}

# Items that carry no title, like the many untitled session items of the real data.
UNTITLED = {"E304", "E404", "C205", "C404", "F305", "F604"}

# Intent phrasings a crowd worker might write for the same theme: free text, like the real data.
VARIANTS = ["{}", "{}", "{}", "items for {}", "{} ", "{} set"]


def build(seed=SEED, per_domain=30):
    rng = random.Random(seed)
    lines = []
    for domain, themes in CATALOG.items():
        prefix = domain[0]
        ids = {}
        for t, (_, products) in enumerate(themes):
            for p, (title, cats) in enumerate(products):
                ids[title] = f"{prefix.upper()}{t + 1}{p + 1:02d}"
        for n in range(per_domain):
            sid = f"{prefix}{n + 1:03d}"
            chosen = rng.sample(range(len(themes)), rng.choice([1, 2, 2, 2, 3]))
            items, bundles = [], []
            for t in chosen:
                intent, products = themes[t]
                size = rng.randint(2, min(4, len(products)))
                picks = rng.sample(products, size)
                for title, cats in picks:
                    if title not in [i[0] for i in items]:
                        items.append((title, cats))
                variant = rng.choice(VARIANTS).format(intent.lower() if rng.random() < 0.3 else intent)
                bundles.append(([ids[p[0]] for p in picks], variant))
            if len(bundles) >= 2 and rng.random() < 0.25:  # an overlapping bundle across themes
                a, b = bundles[0][0], bundles[1][0]
                bundles.append(([a[0], b[0]], "Gift ideas"))
            noise_themes = [t for t in range(len(themes)) if t not in chosen]
            for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
                title, cats = rng.choice(themes[rng.choice(noise_themes)][1])
                if title not in [i[0] for i in items]:
                    items.append((title, cats))
            items = items[:10]
            rng.shuffle(items)
            if rng.random() < 0.12:  # a worker repeated a bundle, or marked a superset
                ids_in = [ids[i[0]] for i in items]
                first = bundles[0][0]
                extra = [i for i in ids_in if i not in first]
                bundles.append((first + extra[:1] if extra else list(first), "Based on the high demand."))
            if n % 15 == 14:  # like the real data, some sessions have no bundle at all
                bundles = []
            present = {ids[i[0]] for i in items}
            bundles = [(b, intent) for b, intent in bundles if set(b) <= present and len(b) >= 2]
            item_lines = []
            for title, cats in items:
                entry = {"id": ids[title], "title": title, "categories": [cats]}
                if ids[title] in UNTITLED:  # untitled, as many real session items are
                    entry["title"] = None
                item_lines.append(entry)
            lines.append({
                "domain": domain, "id": sid, "user": f"u{rng.randint(1, 60):03d}",
                "timestamp": 1388534400 + rng.randint(0, 365 * 86400),
                "items": item_lines,
                "bundles": [{"id": f"{sid}-{k + 1}", "items": b, "intent": intent} for k, (b, intent) in enumerate(bundles)],
            })
    return lines


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "sessions/demo.jsonl"
    with open(out, "w", encoding="utf-8") as f:
        for line in build():
            f.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
