"""The demo's objects, releases and the material its tips are written from.

Kept as plain data, apart from the loader, so that the demo can be read and changed as prose. Titles
name invented brands only: a real brand on a demo object could read as an accusation. Tips do name real
shop chains and marketplaces, as real tips do, because the triage signals (countries, brands, links)
have to be shown working on something that looks like real input.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from babel import Locale
from django.utils.text import slugify

from traceobject.demo.drawing import Picture
from traceobject.gallery.models import Audience, ObjectStatus
from traceobject.tips.services import TipPayload

# The order of the category menu: things people wear and carry first, places last.
CATEGORY_ORDER = (
    "clothing",
    "bags",
    "shoes",
    "toys",
    "textiles",
    "furniture",
    "bottles",
    "packaging",
    "signs-logos",
    "buildings-landscapes",
)


@dataclass(frozen=True)
class DemoRelease:
    key: str
    name: str
    days_ago: int


# Batch K went out long enough ago for one of its objects to have been traced, its lead sent, and the
# outcomes reported in an earlier calendar quarter (past any quiet period or publication delay).
RELEASES = (
    DemoRelease("K", "Batch K", 400),
    DemoRelease("L", "Batch L", 45),
    DemoRelease("M", "Batch M", 3),
)


@dataclass(frozen=True)
class DemoOutcome:
    """What a partner reported on a lead, ``days_ago``; ``corrected`` is a later correction of it:
    (count, days_ago, update)."""

    kind: str
    days_ago: int
    update: str
    count: int = 0
    corrected: tuple[int, int, str] | None = None


@dataclass(frozen=True)
class DemoDetermination:
    """The analysts' decision on an object, walked through the real services and then dated back.

    ``confirmed_days_ago`` None leaves the proposal waiting for a second person; ``sent_days_ago`` None
    leaves the leads ready, and so on. Kinds and outcome kinds are the leads app's values, as strings.
    """

    kind: str
    rationale: str
    proposed_days_ago: int
    countries: tuple[str, ...] = ()
    confirmed_days_ago: int | None = None
    sent_days_ago: int | None = None
    note_for_authority: str = ""
    acknowledged_days_ago: int | None = None
    outcomes: tuple[DemoOutcome, ...] = ()


@dataclass(frozen=True)
class DemoFollowUp:
    """An analyst's question to the tipster of one of the object's tips, and the tipster's answer."""

    question: str
    asked_days_ago: int
    answer: str
    answered_days_ago: int


@dataclass(frozen=True)
class DemoObject:
    """One gallery object. ``release`` is a ``DemoRelease.key``; ``None`` leaves a draft unscheduled."""

    code: str
    category: str
    release: str | None
    title: str
    description: str
    questions: tuple[str, ...]
    hints: tuple[str, ...]
    # Each picture with its alt text; a second entry is a second crop (the seed moves and relights it).
    pictures: tuple[tuple[Picture, str], ...]
    status: str = ObjectStatus.PUBLISHED
    audience: str = Audience.PUBLIC
    related: tuple[str, ...] = ()
    # The country where the object's trail leads (half its tips point there); empty: chosen by the seed.
    trail: str = ""
    determination: DemoDetermination | None = None
    follow_up: DemoFollowUp | None = None

    @property
    def located_days_ago(self) -> int | None:
        """Days since the determination was confirmed (the object left the gallery), or None."""
        return self.determination.confirmed_days_ago if self.determination else None

    @property
    def tips_until_days_ago(self) -> int:
        """Tips arrive until the analysts proposed a determination that was then confirmed."""
        if self.determination and self.determination.confirmed_days_ago is not None:
            return self.determination.proposed_days_ago
        return 0


SHOP_QUESTION = "Which shop or brand sold this?"
COUNTRY_QUESTION = "In which country was it on sale?"

OBJECTS = (
    # --- Batch K: the oldest release; three of its objects have been located since.
    DemoObject(
        code="K01-2026",
        category="textiles",
        release="K",
        title="Wallpaper with small blue flowers",
        description=(
            "Wallpaper with rows of small blue flowers, yellow centres and pairs of green leaves on a cream "
            "ground. A seam shows that it was hung in strips."
        ),
        questions=("Which shop or brand sold this wallpaper?", COUNTRY_QUESTION),
        hints=("Probably hung between 2008 and 2014.",),
        pictures=(
            (
                Picture("wallpaper_floral", ("#efe6cc", "#4a6fb5", "#e9c440", "#6b9955")),
                "Cream wallpaper with rows of small blue flowers",
            ),
        ),
        trail="FR",
        # Traced long ago: the lead was sent, acknowledged and reported on in an earlier quarter.
        determination=DemoDetermination(
            kind="identified",
            rationale=(
                "Independent tips from France name the same discount chain and the years 2010 to 2013; "
                "the pattern matches its catalogue."
            ),
            countries=("FR",),
            proposed_days_ago=212,
            confirmed_days_ago=210,
            sent_days_ago=200,
            note_for_authority=(
                "The wallpaper was sold in France between 2010 and 2013. The tipster of the first selected "
                "tip answered our question about the shop (see the thread)."
            ),
            acknowledged_days_ago=198,
            outcomes=(
                DemoOutcome(
                    kind="investigation_opened",
                    days_ago=190,
                    update="Investigation opened; the room is being compared with our seizures.",
                ),
                DemoOutcome(
                    kind="victim_identified",
                    count=1,
                    days_ago=176,
                    update="One child identified and safeguarded.",
                ),
                DemoOutcome(
                    kind="offender_arrested",
                    count=2,
                    days_ago=168,
                    update="Two suspects arrested.",
                    corrected=(1, 160, "Correction: one suspect arrested; the second was a witness."),
                ),
            ),
        ),
        follow_up=DemoFollowUp(
            question="Do you remember which shop it was, and in which town?",
            asked_days_ago=240,
            answer=(
                "It was the discount shop on the main square, I think in 2011. They had a whole aisle of it."
            ),
            answered_days_ago=238,
        ),
        related=("K02-2026", "K03-2026"),
    ),
    DemoObject(
        code="K02-2026",
        category="toys",
        release="K",
        title="Brown teddy bear with a red bow",
        description=(
            "A brown plush teddy bear, about 30 cm tall, with beige paws and muzzle and a red satin bow. "
            "It sits on a blue bedspread."
        ),
        questions=("Where was this teddy bear sold?", "Was it given away with a magazine or a promotion?"),
        hints=("Look at the bow and the stitched nose, not at the bedspread.",),
        pictures=(
            (Picture("teddy", ("#8b5a2b", "#e3c9a0", "#c0282d")), "A brown teddy bear with a red bow"),
            (
                Picture("teddy", ("#86562a", "#e0c59c", "#b9252a", "#cfc8bb", "#5d6f98")),
                "The same teddy bear seen from a little further away",
            ),
        ),
        related=("K01-2026", "K03-2026"),
    ),
    DemoObject(
        code="K03-2026",
        category="textiles",
        release="K",
        title="Red carpet with a navy border and diamond medallion",
        description=(
            "A machine-made carpet with a red field, a navy border of small cream diamonds, a gold line "
            "and a stepped diamond medallion. A short fringe runs along one end."
        ),
        questions=("Which shop sold this carpet?", "Is this design from a known manufacturer?"),
        hints=("Look at the carpet, not the floor.", "Circa 2010."),
        pictures=(
            (
                Picture("carpet", ("#8e2430", "#1f2d52", "#e9dcc0", "#c9a13b")),
                "Corner of a red carpet with a navy border on a wooden floor",
            ),
            (
                Picture("carpet", ("#922733", "#1d2a4e", "#eadfc5", "#c59c36", "#7d5533")),
                "Another corner of the same carpet",
            ),
        ),
        related=("K01-2026", "K02-2026"),
    ),
    DemoObject(
        code="K04-2026",
        category="bottles",
        release="K",
        title="Green shampoo bottle with a yellow label",
        description="A green plastic bottle with a white screw cap and a yellow label printed HERBAFRESH.",
        questions=(SHOP_QUESTION, "Where is this brand from?"),
        hints=("The label was changed around 2016.",),
        pictures=(
            (
                Picture("bottle", ("#3f8a4f", "#f2d14b", "#f4f4f0"), text="HERBAFRESH"),
                "A green bottle with a yellow HERBAFRESH label on a bathroom shelf",
            ),
        ),
        # Sold in many countries: the trail was ruled out long ago.
        determination=DemoDetermination(
            kind="widespread",
            rationale=(
                "Tips name the same bottle in a dozen countries over ten years: the trail is ruled out."
            ),
            proposed_days_ago=302,
            confirmed_days_ago=300,
        ),
    ),
    DemoObject(
        code="K05-2026",
        category="signs-logos",
        release="K",
        title="Blue shop sign with a star logo",
        description=(
            "A blue enamel sign reading MINI MARKT with a white star in a circle, hung on a brick wall "
            "above a shop window."
        ),
        questions=("Where is this shop?", "Is MINI MARKT a chain, and in which country?"),
        hints=("Seen from across a street.",),
        pictures=(
            (
                Picture("sign", ("#1d4e89", "#fdfcf7", "#9c4a32"), text="MINI MARKT"),
                "A blue MINI MARKT sign on a brick wall",
            ),
        ),
    ),
    DemoObject(
        code="K06-2026",
        category="bags",
        release="K",
        title="Striped canvas tote bag",
        description=(
            "A canvas tote bag with navy and cream vertical stripes, cream handles and a small printed "
            "patch reading BEACH CLUB."
        ),
        questions=("Which shop sold this bag?", "Was it a promotional gift?"),
        hints=("Probably sold around 2015.",),
        pictures=(
            (
                Picture("bag", ("#23466e", "#f3f0e6"), text="BEACH CLUB", variant="tote"),
                "A navy and cream striped tote bag",
            ),
            (
                Picture("bag", ("#254a72", "#f0ede2", "#d7d0c2"), text="BEACH CLUB", variant="tote"),
                "The tote bag on the floor by a wall",
            ),
        ),
    ),
    DemoObject(
        code="K07-2026",
        category="clothing",
        release="K",
        title="Yellow T-shirt with a blue star",
        description="A yellow cotton T-shirt with a large blue star and the words SUPER STAR on the front.",
        questions=("Which shop or brand sold this T-shirt?",),
        hints=("Children's sizes.",),
        pictures=(
            (
                Picture("garment", ("#f1cf3c", "#2f4f9e"), text="SUPER STAR", variant="tshirt"),
                "A yellow T-shirt with a blue star laid flat",
            ),
        ),
    ),
    DemoObject(
        code="K08-2026",
        category="packaging",
        release="K",
        title="Cereal box with a sun logo",
        description="A yellow cereal box with an orange sun logo and a blue band reading SOLEIL.",
        questions=(SHOP_QUESTION, COUNTRY_QUESTION),
        hints=("Look at the sun logo, which may be a store brand.",),
        pictures=(
            (
                Picture("packaging_box", ("#f0c419", "#2a63b0", "#e2572a"), text="SOLEIL"),
                "A yellow cereal box with a sun logo on a table",
            ),
        ),
    ),
    DemoObject(
        code="K09-2026",
        category="buildings-landscapes",
        release="K",
        title="Block of flats with green balconies",
        description=(
            "A beige block of flats with white window frames and green balconies on every other window, "
            "seen from a window across the street."
        ),
        questions=("Where is this building?", "Which town has blocks like this?"),
        hints=("Built in the 1970s or 1980s.",),
        pictures=(
            (
                Picture("facade", ("#d8c9a8", "#f4f4f2", "#2f6b3a"), variant="block"),
                "A beige block of flats with green balconies",
            ),
        ),
        trail="DE",
        # Traced just now: the lead went out two days ago, inside the quiet period, not yet acknowledged.
        determination=DemoDetermination(
            kind="identified",
            rationale="Several tips from Germany place this type of block in the same city.",
            countries=("DE",),
            proposed_days_ago=4,
            confirmed_days_ago=3,
            sent_days_ago=2,
        ),
    ),
    DemoObject(
        code="K10-2026",
        category="furniture",
        release="K",
        title="Wooden chair with a green seat cushion",
        description="A wooden kitchen chair with a rounded top rail, upright slats and a green seat cushion.",
        questions=("Which shop sold this chair?", "Is it part of a known furniture range?"),
        hints=(),
        pictures=(
            (
                Picture("chair", ("#a0693a", "#6d8f3d")),
                "A wooden chair with a green seat cushion",
            ),
        ),
    ),
    # --- Batch L.
    DemoObject(
        code="L01-2026",
        category="textiles",
        release="L",
        title="Curtain with orange checks",
        description="A cotton curtain with orange and beige checks, hung on a dark rod with metal rings.",
        questions=("Which shop sold this curtain fabric?",),
        hints=("The window behind it has white frames.",),
        pictures=((Picture("curtain", ("#e3d9bd", "#c8642a")), "An orange checked curtain beside a window"),),
        related=("L02-2026", "L07-2026"),
    ),
    DemoObject(
        code="L02-2026",
        category="toys",
        release="L",
        title="Tin robot with a red antenna",
        description=(
            "A grey toy robot with a red antenna ball, yellow eyes, a dial panel with three coloured lamps "
            "and red feet."
        ),
        questions=("Who made this toy robot?", "Where was it sold?"),
        hints=("It may be a reproduction of an older toy.", "Around 2012."),
        pictures=(
            (Picture("robot", ("#a9b2bb", "#d2452f")), "A grey toy robot with a red antenna on a shelf"),
            (
                Picture("robot", ("#a4adb6", "#cc412c", "#ddd5c4", "#a8865e")),
                "The toy robot from slightly to the side",
            ),
        ),
        related=("L01-2026", "L07-2026"),
    ),
    DemoObject(
        code="L03-2026",
        category="shoes",
        release="L",
        title="Pink trainer with white laces",
        description="A pink canvas trainer with a white rubber sole, white laces and three darker stripes.",
        questions=("Which brand is this trainer?", "Which shop sold it?"),
        hints=("Children's size, around EU 30.",),
        pictures=(
            (
                Picture("shoe", ("#e86a92", "#f4f4f4", "#ffffff")),
                "A pink trainer with white laces on a tiled floor",
            ),
        ),
        trail="NL",
        # Proposed by one analyst yesterday: waiting for a second person to confirm or reject it.
        determination=DemoDetermination(
            kind="identified",
            rationale="Most tips with a shop name point to a Dutch chain and its 2015 children's range.",
            countries=("NL",),
            proposed_days_ago=1,
        ),
        follow_up=DemoFollowUp(
            question="Was the trainer bought new, and do you remember the size range on the shelf?",
            asked_days_ago=3,
            answer="Bought new, in a shop in Utrecht. The shelf had sizes 28 to 34.",
            answered_days_ago=1,
        ),
    ),
    DemoObject(
        code="L04-2026",
        category="bottles",
        release="L",
        title="Brown glass bottle with an oval label",
        description="A brown glass bottle with a gold cap and a cream oval label reading KLOSTER.",
        questions=("What did this bottle contain?", "Where is the KLOSTER brand sold?"),
        hints=("The label may be a regional brand.",),
        pictures=(
            (
                Picture("bottle", ("#5e3519", "#efe4c8", "#c9a13b"), text="KLOSTER", variant="oval"),
                "A brown bottle with a cream oval KLOSTER label",
            ),
        ),
    ),
    DemoObject(
        code="L05-2026",
        category="packaging",
        release="L",
        title="Biscuit box with a red band",
        description="A cream biscuit box with a red band reading KRONBERG and a blue sun-shaped logo.",
        questions=(SHOP_QUESTION, COUNTRY_QUESTION),
        hints=("Sold before Christmas.",),
        pictures=(
            (
                Picture("packaging_box", ("#f5efe0", "#b3262e", "#2f5d9e"), text="KRONBERG"),
                "A cream biscuit box with a red KRONBERG band",
            ),
        ),
        determination=DemoDetermination(
            kind="widespread",
            rationale="The same box was sold by a chain with shops in most of Europe.",
            proposed_days_ago=9,
            confirmed_days_ago=8,
        ),
    ),
    DemoObject(
        code="L06-2026",
        category="signs-logos",
        release="L",
        title="White mug with an orange fox-head logo",
        description="A white ceramic mug with an orange and white fox head printed on the side.",
        questions=("Whose logo is this fox?", "Where was this mug sold or given away?"),
        hints=("The fox may be a company or a sports club logo.",),
        pictures=(
            (
                Picture("mug", ("#f6f3ec", "#e07b28"), variant="fox"),
                "A white mug with an orange fox-head logo on a wooden table",
            ),
        ),
    ),
    DemoObject(
        code="L07-2026",
        category="clothing",
        release="L",
        title="Red knitted jumper with a zigzag band",
        description="A red knitted jumper with two cream zigzag bands across the chest and the sleeves.",
        questions=("Which shop sold this jumper?", "Was it a Christmas collection?"),
        hints=("Around 2017.",),
        pictures=(
            (
                Picture("garment", ("#b8322c", "#f4efe4"), variant="jumper"),
                "A red knitted jumper with cream zigzag bands laid flat",
            ),
        ),
        related=("L01-2026", "L02-2026"),
    ),
    DemoObject(
        code="L08-2026",
        category="bags",
        release="L",
        title="Teal backpack with a reflective stripe",
        description="A teal school backpack with a front pocket, padded straps and a reflective stripe.",
        questions=("Which brand made this backpack?", "Which shop sold it?"),
        hints=(),
        pictures=(
            (
                Picture("bag", ("#2b7a78", "#f3f0e6"), variant="backpack"),
                "A teal backpack with a reflective stripe",
            ),
        ),
    ),
    DemoObject(
        code="L09-2026",
        category="buildings-landscapes",
        release="L",
        title="Red-brick house with a green door",
        description="A two-storey red-brick house with white windows, a dark roof and a green front door.",
        questions=("Where is this house?", "Is this style typical of one region?"),
        hints=("Look at the brick pattern and the roof.",),
        pictures=(
            (
                Picture("facade", ("#9c4632", "#f2f0ea", "#2f6b3a", "#b7cde2"), variant="house"),
                "A red-brick house with a green front door",
            ),
        ),
    ),
    DemoObject(
        code="L10-2026",
        category="textiles",
        release="L",
        title="Towel with blue and red stripes",
        description="A white cotton towel with broad navy stripes and thin red stripes.",
        questions=("Which shop sold this towel?",),
        hints=("Possibly from a hotel or a holiday flat.",),
        pictures=(
            (
                Picture("textile_stripes", ("#f4f1ea", "#1f3f7a", "#c0392b")),
                "A white towel with navy and red stripes",
            ),
        ),
    ),
    # --- Batch M: the newest release, which carries the "new" badge.
    DemoObject(
        code="M01-2026",
        category="textiles",
        release="M",
        title="Bedsheet with a green tartan pattern",
        description="A cotton bedsheet with a green and cream tartan crossed by thin red lines.",
        questions=("Which shop sold this bed linen?", COUNTRY_QUESTION),
        hints=("Look at the thin red lines.",),
        pictures=(
            (
                Picture("textile_checks", ("#f2efe6", "#3f7a4a", "#b3262e"), variant="tartan"),
                "A green tartan bedsheet",
            ),
        ),
    ),
    DemoObject(
        code="M02-2026",
        category="toys",
        release="M",
        title="Blue toy car with the number 7",
        description="A blue toy car with a white stripe, pale blue windows and the number 7 on the door.",
        questions=("Who made this toy car?", "Was it part of a set?"),
        hints=("About 20 cm long.",),
        pictures=(
            (
                Picture("toy_car", ("#1e6fd9", "#bcd6e8"), text="7"),
                "A blue toy car with the number 7 on a green rug",
            ),
            (
                Picture("toy_car", ("#1c6ad0", "#b8d2e4", "#e8e0d2", "#6f7d55"), text="7"),
                "The toy car from a little further away",
            ),
        ),
        related=("M05-2026", "M07-2026"),
    ),
    DemoObject(
        code="M03-2026",
        category="shoes",
        release="M",
        title="Black shoe with a silver buckle",
        description="A black leather strap shoe with a silver buckle and a dark rubber sole.",
        questions=("Which shop sold these shoes?", "Are they part of a school uniform?"),
        hints=(),
        pictures=(
            (
                Picture("shoe", ("#232326", "#2e2e30", "#c8c8cc"), variant="buckle"),
                "A black strap shoe with a silver buckle",
            ),
        ),
    ),
    DemoObject(
        code="M04-2026",
        category="bottles",
        release="M",
        title="Blue bottle of washing-up liquid",
        description="A blue plastic bottle with a red cap and a white label reading CLARO.",
        questions=(SHOP_QUESTION, "In which countries is CLARO sold?"),
        hints=("Probably a supermarket's own brand.",),
        pictures=(
            (
                Picture("bottle", ("#2f7fc1", "#ffffff", "#e8412c"), text="CLARO"),
                "A blue bottle with a white CLARO label by a kitchen sink",
            ),
        ),
    ),
    DemoObject(
        code="M05-2026",
        category="packaging",
        release="M",
        title="Tea box with a green band",
        description="A dark green tea box with a yellow band reading CHAI HOUSE and an orange sun logo.",
        questions=(SHOP_QUESTION,),
        hints=("Look at the logo, not the table.",),
        pictures=(
            (
                Picture("packaging_box", ("#2d6a4f", "#f1c232", "#e76f51"), text="CHAI HOUSE"),
                "A green tea box with a yellow band",
            ),
        ),
        related=("M02-2026", "M07-2026"),
    ),
    DemoObject(
        code="M06-2026",
        category="clothing",
        release="M",
        title="Yellow dress with navy dots",
        description="A sleeveless yellow dress with navy polka dots and a navy waistband, on a hanger.",
        questions=("Which shop sold this dress?",),
        hints=("Children's size.", "Summer collection, around 2019."),
        pictures=(
            (
                Picture("garment", ("#e8c22f", "#22386b"), variant="dress"),
                "A yellow dress with navy dots on a hanger",
            ),
        ),
    ),
    DemoObject(
        code="M07-2026",
        category="furniture",
        release="M",
        title="Bedside lamp with a pleated shade",
        description="A bedside lamp with a round teal ceramic base and a pleated cream shade.",
        questions=("Which shop sold this lamp?",),
        hints=("The wallpaper behind it has pale stripes.",),
        pictures=(
            (
                Picture("lamp", ("#efe0bd", "#4b7c74")),
                "A bedside lamp with a teal base and a pleated shade",
            ),
        ),
        related=("M02-2026", "M05-2026"),
    ),
    DemoObject(
        code="M08-2026",
        category="buildings-landscapes",
        release="M",
        title="View of hills with a church tower",
        description=(
            "The view from a window: a white church tower with a dark spire and a clock, a few houses with "
            "red roofs, trees, and blue hills behind."
        ),
        questions=("Where is this view?", "Do you recognise the church tower?"),
        hints=("Look at the shape of the spire and the hills.",),
        pictures=(
            (
                Picture("landscape", ("#9fc3e6", "#7d9bb0", "#6f9a4a")),
                "Hills with a church tower, seen through a window",
            ),
        ),
    ),
    DemoObject(
        code="M09-2026",
        category="bags",
        release="M",
        title="Red handbag with a gold clasp",
        description="A red faux-leather handbag with a single handle, a front flap and a gold clasp.",
        questions=("Which brand made this handbag?", "Which shop sold it?"),
        hints=("Around 2014.",),
        pictures=(
            (
                Picture("bag", ("#9e1b32", "#d4af37"), variant="handbag"),
                "A red handbag with a gold clasp",
            ),
            (
                Picture("bag", ("#981a30", "#d0aa35", "#cfc7b8"), variant="handbag"),
                "The red handbag on a wooden floor",
            ),
        ),
    ),
    DemoObject(
        code="M10-2026",
        category="signs-logos",
        release="M",
        title="Red bar sign with a star",
        description="A red sign with cream letters reading BAR CENTRAL and a small star, above a doorway.",
        questions=("Where is this bar?",),
        hints=("The wall is of yellow brick.",),
        pictures=(
            (
                Picture("sign", ("#a32020", "#f6eedb", "#c9a25a"), text="BAR CENTRAL"),
                "A red BAR CENTRAL sign on a yellow brick wall",
            ),
        ),
    ),
    # Not public: shown to national partners first, so the public must never see it.
    DemoObject(
        code="M11-2026",
        category="textiles",
        release="M",
        title="Duvet cover with grey dots",
        description="A white duvet cover with small grey dots, hung as a curtain.",
        questions=("Which shop sold this duvet cover?",),
        hints=(),
        pictures=(
            (
                Picture("curtain", ("#f2f1ee", "#8a8d91"), variant="dots"),
                "A white duvet cover with grey dots beside a window",
            ),
        ),
        audience=Audience.PARTNERS,
    ),
    # Still being prepared: no release, not reviewed, never public.
    DemoObject(
        code="M12-2026",
        category="textiles",
        release=None,
        title="Wallpaper with pink flowers",
        description="Wallpaper with pink flowers and olive leaves on a pale green ground.",
        questions=("Which shop sold this wallpaper?",),
        hints=(),
        pictures=(
            (
                Picture("wallpaper_floral", ("#e4efe2", "#d9799b", "#f5e3a1", "#7b8a4b")),
                "Pale green wallpaper with pink flowers",
            ),
        ),
        status=ObjectStatus.DRAFT,
    ),
    # Written and submitted by demo-publisher: waiting for a second publisher (demo-publisher-2) to review.
    DemoObject(
        code="M13-2026",
        category="furniture",
        release=None,
        title="Yellow bedside lamp with a white shade",
        description=(
            "A small lamp with a round yellow ceramic base and a white pleated shade, on a bedside table."
        ),
        questions=("Which shop sold this lamp?", COUNTRY_QUESTION),
        hints=("The switch is on the cable.",),
        pictures=(
            (
                Picture("lamp", ("#f4f1e8", "#d9b22c")),
                "A bedside lamp with a yellow base and a white pleated shade",
            ),
        ),
        status=ObjectStatus.IN_REVIEW,
    ),
)


# --- tips -------------------------------------------------------------------------------------------
# A tip is written by someone in a country, usually in one of its languages, about a shop in that
# country. Every object has one country where its "true" trail leads (chosen by the seed), and about
# half the tips point there, so that the consensus on the triage pages has something to find.


@dataclass(frozen=True)
class Country:
    code: str
    languages: tuple[str, ...]
    cities: tuple[str, ...]
    shops: tuple[str, ...]
    # A marketplace listing as a tipster would paste it, with {slug} and {number} to fill in.
    link: str


COUNTRIES = (
    Country(
        "PL",
        ("pl",),
        ("Gdańsk", "Kraków", "Poznań", "Wrocław", "Łódź", "Lublin"),
        ("Biedronka", "Pepco", "Rossmann", "Smyk", "Jysk"),
        "https://allegro.pl/oferta/{slug}-{number}",
    ),
    Country(
        "DE",
        ("de",),
        ("Berlin", "Hamburg", "Köln", "Leipzig", "München", "Dortmund"),
        ("Tchibo", "KiK", "dm", "Woolworth", "Aldi"),
        "https://www.kleinanzeigen.de/s-anzeige/{slug}/{number}",
    ),
    Country(
        "FR",
        ("fr",),
        ("Lyon", "Lille", "Marseille", "Nantes", "Toulouse", "Rennes"),
        ("Carrefour", "Monoprix", "Kiabi", "La Foir'Fouille", "Gifi"),
        "https://www.leboncoin.fr/ad/maison/{number}",
    ),
    Country(
        "NL",
        ("nl",),
        ("Utrecht", "Rotterdam", "Eindhoven", "Groningen", "Zwolle"),
        ("HEMA", "Action", "Blokker", "Kruidvat", "Xenos"),
        "https://www.marktplaats.nl/v/huis-en-inrichting/m{number}-{slug}",
    ),
    Country(
        "BE",
        ("nl", "fr"),
        ("Gent", "Antwerpen", "Liège", "Namur", "Leuven"),
        ("Zeeman", "Colruyt", "Delhaize", "JBC"),
        "https://www.2dehands.be/v/huis-en-inrichting/m{number}-{slug}",
    ),
    Country(
        "ES",
        ("es",),
        ("Valencia", "Sevilla", "Zaragoza", "Bilbao", "Málaga"),
        ("El Corte Inglés", "Mercadona", "Alcampo", "Tiger"),
        "https://es.wallapop.com/item/{slug}-{number}",
    ),
    Country(
        "IT",
        ("it",),
        ("Torino", "Bologna", "Napoli", "Bari", "Verona"),
        ("Coin", "Esselunga", "OVS", "Upim"),
        "https://www.subito.it/arredamento-casalinghi/{slug}-{number}.htm",
    ),
    Country(
        "PT",
        ("pt",),
        ("Porto", "Braga", "Coimbra", "Faro", "Aveiro"),
        ("Continente", "Pingo Doce", "Worten"),
        "https://www.olx.pt/d/anuncio/{slug}-ID{number}.html",
    ),
    Country(
        "GB",
        ("en",),
        ("Leeds", "Bristol", "Glasgow", "Cardiff", "Norwich"),
        ("Argos", "Tesco", "Wilko", "B&M", "Poundland"),
        "https://www.ebay.co.uk/itm/{number}",
    ),
    Country(
        "IE",
        ("en",),
        ("Cork", "Galway", "Limerick"),
        ("Dunnes Stores", "Penneys", "Mr Price"),
        "https://www.donedeal.ie/household-for-sale/{slug}/{number}",
    ),
    Country(
        "AT",
        ("de",),
        ("Graz", "Linz", "Salzburg"),
        ("Billa", "Interspar", "Libro"),
        "https://www.willhaben.at/iad/kaufen-und-verkaufen/d/{slug}-{number}/",
    ),
    Country(
        "CH",
        ("de", "fr"),
        ("Basel", "Bern", "Lausanne"),
        ("Migros", "Coop", "Manor"),
        "https://www.ricardo.ch/de/a/{slug}-{number}/",
    ),
    Country(
        "US",
        ("en",),
        ("Columbus", "Tucson", "Albany"),
        ("Walmart", "Target", "Dollar Tree"),
        "https://www.ebay.com/itm/{number}",
    ),
)

# Chains found in many countries: a tip naming one says little about the country, as in real life.
INTERNATIONAL_SHOPS = ("IKEA", "Lidl", "Primark", "Action", "Pepco", "Decathlon", "C&A", "H&M")


@dataclass(frozen=True)
class Language:
    code: str
    weight: int
    # How a tipster in this language writes an approximate year: "around 2015".
    around: str
    # Placeholders: {shop}, {city}, {year}, {country} (the country's name in this language).
    templates: tuple[str, ...]
    # A tip with nothing in it, as some are.
    vague: str


LANGUAGES = (
    Language(
        "en",
        24,
        "around {year}",
        (
            "I'm fairly sure this was sold at {shop} around {year}. My sister had the same one in {city}.",
            "We had exactly this at home. I think we bought it at {shop} in {city}, maybe in {year}.",
            "This looks like something {shop} sold a few years ago. Very common in {country} around {year}.",
            "Saw this in a {shop} in {city} the last time I was there, in the bargain section.",
            "My neighbour's kids had one like this. I believe it came from {shop}.",
            "The design reminds me of a range {shop} had in {year}. Check their old catalogue.",
            "Not sure about the shop, but in {country} these were everywhere around {year}.",
            "I used to work at {shop} in {city} and we sold this around {year}, I remember unpacking them.",
        ),
        "No idea about the shop, but I'm sure I have seen this before. Good luck!",
    ),
    Language(
        "de",
        15,
        "um {year}",
        (
            "Ich bin mir ziemlich sicher, dass es das um {year} bei {shop} gab. Meine Schwester hatte "
            "das gleiche in {city}.",
            "Genau das hatten wir zu Hause. Gekauft bei {shop} in {city}, vielleicht {year}.",
            "Sieht aus wie etwas, das {shop} vor ein paar Jahren verkauft hat. Um {year} war das sehr "
            "verbreitet (Land: {country}).",
            "Habe das in einem {shop} in {city} gesehen, bei den Sonderangeboten.",
            "Die Kinder meiner Nachbarn hatten so eins. Ich glaube, es war von {shop}.",
            "Das Muster erinnert mich an eine Kollektion von {shop} aus {year}. Schauen Sie in den alten "
            "Katalog.",
            "Welches Geschäft weiß ich nicht, aber um {year} gab es das überall (Land: {country}).",
            "Ich habe bei {shop} in {city} gearbeitet und wir haben das um {year} verkauft, ich erinnere "
            "mich an das Auspacken.",
        ),
        "Keine Ahnung, welches Geschäft, aber ich habe das sicher schon einmal gesehen. Viel Erfolg!",
    ),
    Language(
        "fr",
        13,
        "vers {year}",
        (
            "Je suis presque sûr que c'était vendu chez {shop} vers {year}. Ma sœur avait le même à {city}.",
            "Nous avions exactement le même à la maison, acheté chez {shop} à {city}, peut-être en {year}.",
            "Ça ressemble beaucoup à ce qu'on trouvait chez {shop} il y a quelques années. Très courant "
            "vers {year} (pays : {country}).",
            "J'ai vu ça chez {shop} à {city}, au rayon des promotions.",
            "Les enfants de mes voisins avaient le même. Je crois que ça venait de chez {shop}.",
            "Le motif me rappelle une collection de {shop} de {year}. Regardez leur ancien catalogue.",
            "Je ne sais pas quel magasin, mais c'était partout vers {year} (pays : {country}).",
            "J'ai travaillé chez {shop} à {city} et nous vendions ça vers {year}, je me souviens de les "
            "avoir déballés.",
        ),
        "Aucune idée du magasin, mais je suis sûr d'avoir déjà vu ça. Bon courage !",
    ),
    Language(
        "pl",
        12,
        "około {year}",
        (
            "Jestem prawie pewna, że to było w sklepie {shop} około {year} roku. Moja siostra miała takie "
            "samo ({city}).",
            "Mieliśmy dokładnie takie w domu. Kupione w {shop}, {city}, chyba w {year} roku.",
            "Wygląda jak coś, co {shop} sprzedawał kilka lat temu. Bardzo popularne około {year} roku "
            "(kraj: {country}).",
            "Widziałem to w sklepie {shop} w mieście {city}, na promocji.",
            "Dzieci moich sąsiadów miały takie samo. Chyba było z {shop}.",
            "Wzór przypomina mi kolekcję {shop} z {year} roku. Warto sprawdzić ich stary katalog.",
            "Nie wiem, w którym sklepie, ale około {year} roku to było wszędzie (kraj: {country}).",
            "Pracowałam w {shop} ({city}) i sprzedawaliśmy to około {year} roku, pamiętam, jak to "
            "rozpakowywaliśmy.",
        ),
        "Nie wiem, z jakiego sklepu, ale na pewno już to widziałem. Powodzenia!",
    ),
    Language(
        "nl",
        10,
        "rond {year}",
        (
            "Ik weet bijna zeker dat dit rond {year} bij de {shop} werd verkocht. Mijn zus had precies "
            "hetzelfde in {city}.",
            "Wij hadden precies dit thuis. Gekocht bij {shop} in {city}, misschien in {year}.",
            "Lijkt heel erg op wat {shop} een paar jaar geleden verkocht. Heel gewoon rond {year} "
            "(land: {country}).",
            "Ik heb dit gezien bij een {shop} in {city}, bij de aanbiedingen.",
            "De kinderen van mijn buren hadden er ook zo een. Ik denk dat het van de {shop} kwam.",
            "Het patroon doet me denken aan een collectie van {shop} uit {year}. Kijk eens in hun oude "
            "folder.",
            "Welke winkel weet ik niet, maar rond {year} zag je dit overal (land: {country}).",
            "Ik werkte bij de {shop} in {city} en wij verkochten dit rond {year}, ik weet nog dat ik ze "
            "uitpakte.",
        ),
        "Geen idee welke winkel, maar ik heb dit zeker eerder gezien. Succes!",
    ),
    Language(
        "es",
        9,
        "hacia {year}",
        (
            "Estoy casi seguro de que esto se vendía en {shop} hacia {year}. Mi hermana tenía uno igual "
            "en {city}.",
            "Teníamos exactamente esto en casa. Lo compramos en {shop} en {city}, quizás en {year}.",
            "Se parece mucho a lo que vendía {shop} hace unos años. Muy común hacia {year} "
            "(país: {country}).",
            "Vi esto en un {shop} de {city}, en la sección de ofertas.",
            "Los hijos de mis vecinos tenían uno igual. Creo que era de {shop}.",
            "El diseño me recuerda a una colección de {shop} de {year}. Mirad su catálogo antiguo.",
            "No sé en qué tienda, pero hacia {year} estaba por todas partes (país: {country}).",
            "Trabajé en {shop} en {city} y vendíamos esto hacia {year}, recuerdo desempaquetarlos.",
        ),
        "Ni idea de la tienda, pero seguro que he visto esto antes. ¡Suerte!",
    ),
    Language(
        "it",
        9,
        "intorno al {year}",
        (
            "Sono quasi sicuro che questo si vendeva da {shop} intorno al {year}. Mia sorella ne aveva uno "
            "uguale a {city}.",
            "Avevamo esattamente questo a casa. Comprato da {shop} a {city}, forse nel {year}.",
            "Assomiglia molto a quello che vendeva {shop} qualche anno fa. Molto comune intorno al {year} "
            "(paese: {country}).",
            "Ho visto questo in un negozio {shop} a {city}, nel reparto delle offerte.",
            "I figli dei miei vicini ne avevano uno così. Credo che venisse da {shop}.",
            "Il motivo mi ricorda una collezione di {shop} del {year}. Guardate il loro vecchio catalogo.",
            "Non so quale negozio, ma intorno al {year} era dappertutto (paese: {country}).",
            "Lavoravo da {shop} a {city} e lo vendevamo intorno al {year}, ricordo di averli spacchettati.",
        ),
        "Non so quale negozio, ma sono sicuro di aver già visto questo. Buona fortuna!",
    ),
    Language(
        "pt",
        8,
        "por volta de {year}",
        (
            "Tenho quase a certeza de que isto era vendido no {shop} por volta de {year}. A minha irmã "
            "tinha um igual em {city}.",
            "Tínhamos exatamente isto em casa. Comprado no {shop} em {city}, talvez em {year}.",
            "Parece muito com o que o {shop} vendia há uns anos. Muito comum por volta de {year} "
            "(país: {country}).",
            "Vi isto numa loja {shop} em {city}, na secção de promoções.",
            "Os filhos dos meus vizinhos tinham um igual. Acho que vinha do {shop}.",
            "O padrão lembra-me uma coleção do {shop} de {year}. Vejam o catálogo antigo deles.",
            "Não sei em que loja, mas por volta de {year} estava em todo o lado (país: {country}).",
            "Trabalhei no {shop} em {city} e vendíamos isto por volta de {year}, lembro-me de os desembalar.",
        ),
        "Não faço ideia da loja, mas tenho a certeza de que já vi isto. Boa sorte!",
    ),
)

# First names for contact addresses; the domains are reserved for examples and reach nobody.
CONTACT_NAMES = ("anna", "marek", "julie", "thomas", "sofia", "pieter", "lucia", "joao", "emma", "kasia")
CONTACT_DOMAINS = ("example.org", "example.net", "example.com")
# Ofcom keeps 07700 900000-900999 for drama: numbers that look real and belong to no one.
CONTACT_PHONE = "+44 7700 900{number:03d}"


@dataclass(frozen=True)
class DemoTip:
    """A payload with the language it was written in, which the payload itself does not record."""

    language: str
    payload: TipPayload


@dataclass(frozen=True)
class Trail:
    country: str
    year: int


@cache
def _country_name(language: str, country: str) -> str:
    return str(Locale.parse(language).territories[country])


_YEAR = re.compile(r"\b(20[0-2][0-9])\b")


class TipWriter:
    """Writes tips from the material above with one seeded generator, so a seed always gives the same tips.

    Half the tips follow the object's trail (its ``answer`` country); the rest are spread over other
    countries, written by travellers or people abroad, or say nothing at all. About one in eight repeats
    an earlier tip on the same object with a small change, as when someone sends a tip twice or a
    forum post is copied: the clusters on the triage pages need such near-duplicates to group.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._countries = {country.code: country for country in COUNTRIES}
        self._languages = {language.code: language for language in LANGUAGES}

    def trail(self, country: str = "") -> Trail:
        """Where and when an object's real trail leads, for the tips that follow it: ``country`` when
        the demo's story needs one (a determination names it), else one chosen by the seed."""
        codes = [country.code for country in COUNTRIES if country.code not in {"US", "CH"}]
        chosen = self.rng.choice(codes)
        return Trail(country or chosen, self.rng.randint(2008, 2020))

    def write(self, *, title: str, trail: Trail, earlier: Sequence[DemoTip]) -> DemoTip:
        rng = self.rng
        if earlier and rng.random() < 0.12:
            return self._near_duplicate(rng.choice(earlier))
        country = self._countries[trail.country] if rng.random() < 0.5 else rng.choice(COUNTRIES)
        if rng.random() < 0.8:
            language = self._languages[rng.choice(country.languages)]
        else:
            language = rng.choices(LANGUAGES, weights=[language.weight for language in LANGUAGES])[0]
        if rng.random() < 0.06:
            return DemoTip(language.code, TipPayload(text=language.vague))
        shop = rng.choice(INTERNATIONAL_SHOPS) if rng.random() < 0.2 else rng.choice(country.shops)
        city = rng.choice(country.cities)
        year = trail.year + rng.randint(-2, 2) if rng.random() < 0.6 else rng.randint(2006, 2022)
        template = rng.choice(language.templates)
        text = template.format(
            shop=shop, city=city, year=year, country=_country_name(language.code, country.code)
        )
        payload = TipPayload(
            text=text,
            country=country.code if rng.random() < 0.6 else "",
            place=city if "{city}" in template and rng.random() < 0.5 else "",
            shop_brand=shop if "{shop}" in template and rng.random() < 0.55 else "",
            time_period=self._period(language, year)
            if rng.random() < (0.5 if "{year}" in template else 0.15)
            else "",
            links=self._links(country, title) if rng.random() < 0.2 else [],
            contact=self._contact() if rng.random() < 0.12 else "",
        )
        return DemoTip(language.code, payload)

    def _period(self, language: Language, year: int) -> str:
        form = self.rng.randrange(3)
        if form == 0:
            return language.around.format(year=year)
        if form == 1:
            return f"{year}\u2013{year + self.rng.randint(1, 3)}"
        return str(year)

    def _links(self, country: Country, title: str) -> list[str]:
        links = []
        for _ in range(1 if self.rng.random() < 0.8 else 2):
            link = country.link.format(slug=slugify(title)[:40], number=self.rng.randint(10**7, 10**10))
            # Older listings and copied links still come as plain http.
            links.append(link.replace("https://", "http://", 1) if self.rng.random() < 0.15 else link)
        return links

    def _contact(self) -> str:
        rng = self.rng
        if rng.random() < 0.7:
            return f"{rng.choice(CONTACT_NAMES)}.{rng.randint(1, 99)}@{rng.choice(CONTACT_DOMAINS)}"
        phone = CONTACT_PHONE.format(number=rng.randrange(1000))
        return f"Signal {phone}" if rng.random() < 0.5 else phone

    def _near_duplicate(self, tip: DemoTip) -> DemoTip:
        text = tip.payload.text
        form = self.rng.randrange(4)
        if form == 0:
            text = text.lower()
        elif form == 1:
            text = text.rstrip(".!") + "!!"
        elif form == 2:
            text = _YEAR.sub(lambda match: str(int(match.group(1)) + 1), text, count=1)
        else:
            text = text.replace(", ", " ", 1).replace(". ", ", ", 1)
        return DemoTip(tip.language, replace(tip.payload, text=text, contact=""))
