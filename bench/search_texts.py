# ruff: noqa: RUF001 - letters of many scripts (Cyrillic, Greek, fullwidth) are the point of these strings
"""An object's public text in the 36 public languages, for the search benchmark (``bench/search.py``).

Each language has the same vocabulary (8 colours, 12 kinds of object, 6 materials) and the same five
templates (title, description, two questions, a hint), written in that language, so that one generated
object reads the same in every language: "Red handbag" in English is "Sac à main rouge" in French and
"红色手提包" in Chinese. A brand name (made of Latin syllables), a year and an article number make the
objects differ, as real ones do. The words are ordinary dictionary words; inflection is simplified (a
template avoids agreement where it can), which changes nothing for the search's cost.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    colors: tuple[str, ...]  # red, blue, green, yellow, black, white, pink, brown
    objects: tuple[str, ...]  # bag, handbag, backpack, scarf, teddy bear, doll, mug, blanket, lamp, shoe,
    #                           T-shirt, toy car
    materials: tuple[str, ...]  # leather, wool, plastic, cotton, wood, metal
    title: str
    description: str
    questions: tuple[str, str]
    hint: str


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split("|"))


LANGUAGES: dict[str, Language] = {
    "en": Language(
        _words("red|blue|green|yellow|black|white|pink|brown"),
        _words("bag|handbag|backpack|scarf|teddy bear|doll|mug|blanket|lamp|shoe|T-shirt|toy car"),
        _words("leather|wool|plastic|cotton|wood|metal"),
        "{Color} {object}",
        "A {color} {object} made of {material}, with a gold clasp and a small label that says {brand} "
        "(article {number}). Probably sold around {year}.",
        ("Where was this {object} sold?", "Have you seen the brand {brand} before?"),
        "Look at the stitching and the {material}, not at the colour.",
    ),
    "fr": Language(
        _words("rouge|bleu|vert|jaune|noir|blanc|rose|marron"),
        _words(
            "sac|sac à main|sac à dos|écharpe|ours en peluche|poupée|tasse|couverture|lampe|chaussure|"
            "tee-shirt|petite voiture"
        ),
        _words("cuir|laine|plastique|coton|bois|métal"),
        "{Object} {color}",
        "{Object} {color} en {material}, avec un fermoir doré et une petite étiquette « {brand} » "
        "(article {number}). Vendu probablement vers {year}.",
        ("Où cet objet ({object}) a-t-il été vendu ?", "Connaissez-vous la marque {brand} ?"),
        "Regardez les coutures et la matière ({material}), pas la couleur.",
    ),
    "de": Language(
        _words("rot|blau|grün|gelb|schwarz|weiß|rosa|braun"),
        _words(
            "Tasche|Handtasche|Rucksack|Schal|Teddybär|Puppe|Becher|Decke|Lampe|Schuh|T-Shirt|Spielzeugauto"
        ),
        _words("Leder|Wolle|Kunststoff|Baumwolle|Holz|Metall"),
        "{Object}, {color}",
        "{Object} aus {material}, Farbe {color}, mit goldenem Verschluss und einem kleinen Etikett „{brand}“ "
        "(Artikel {number}). Vermutlich um {year} verkauft.",
        ("Wo wurde dieser Gegenstand ({object}) verkauft?", "Kennen Sie die Marke {brand}?"),
        "Achten Sie auf die Nähte und das Material ({material}), nicht auf die Farbe.",
    ),
    "es": Language(
        _words("rojo|azul|verde|amarillo|negro|blanco|rosa|marrón"),
        _words(
            "bolso|bolso de mano|mochila|bufanda|osito de peluche|muñeca|taza|manta|lámpara|zapato|"
            "camiseta|coche de juguete"
        ),
        _words("cuero|lana|plástico|algodón|madera|metal"),
        "{Object} {color}",
        "{Object} {color} de {material}, con un cierre dorado y una pequeña etiqueta «{brand}» "
        "(artículo {number}). Se vendió probablemente hacia {year}.",
        ("¿Dónde se vendía este objeto ({object})?", "¿Conoce la marca {brand}?"),
        "Fíjese en las costuras y en el material ({material}), no en el color.",
    ),
    "it": Language(
        _words("rosso|blu|verde|giallo|nero|bianco|rosa|marrone"),
        _words(
            "borsa|borsetta|zaino|sciarpa|orsacchiotto|bambola|tazza|coperta|lampada|scarpa|maglietta|"
            "macchinina"
        ),
        _words("pelle|lana|plastica|cotone|legno|metallo"),
        "{Object} {color}",
        "{Object} {color} in {material}, con una chiusura dorata e una piccola etichetta «{brand}» "
        "(articolo {number}). Venduto probabilmente intorno al {year}.",
        ("Dove è stato venduto questo oggetto ({object})?", "Conosce la marca {brand}?"),
        "Guardi le cuciture e il materiale ({material}), non il colore.",
    ),
    "pt": Language(
        _words("vermelho|azul|verde|amarelo|preto|branco|cor-de-rosa|castanho"),
        _words(
            "saco|bolsa de mão|mochila|cachecol|urso de peluche|boneca|caneca|cobertor|candeeiro|sapato|"
            "t-shirt|carrinho de brincar"
        ),
        _words("couro|lã|plástico|algodão|madeira|metal"),
        "{Object} {color}",
        "{Object} {color} de {material}, com um fecho dourado e uma pequena etiqueta «{brand}» "
        "(artigo {number}). Vendido provavelmente por volta de {year}.",
        ("Onde foi vendido este objeto ({object})?", "Conhece a marca {brand}?"),
        "Repare nas costuras e no material ({material}), não na cor.",
    ),
    "nl": Language(
        _words("rood|blauw|groen|geel|zwart|wit|roze|bruin"),
        _words("tas|handtas|rugzak|sjaal|teddybeer|pop|mok|deken|lamp|schoen|T-shirt|speelgoedauto"),
        _words("leer|wol|plastic|katoen|hout|metaal"),
        "{Object}, {color}",
        "{Object} van {material}, kleur {color}, met een gouden sluiting en een klein label „{brand}” "
        "(artikel {number}). Waarschijnlijk rond {year} verkocht.",
        ("Waar werd dit voorwerp ({object}) verkocht?", "Kent u het merk {brand}?"),
        "Let op de naden en het materiaal ({material}), niet op de kleur.",
    ),
    "da": Language(
        _words("rød|blå|grøn|gul|sort|hvid|lyserød|brun"),
        _words("taske|håndtaske|rygsæk|halstørklæde|bamse|dukke|krus|tæppe|lampe|sko|T-shirt|legetøjsbil"),
        _words("læder|uld|plastik|bomuld|træ|metal"),
        "{Object}, {color}",
        '{Object} af {material}, farve {color}, med en gylden lås og en lille mærkat "{brand}" '
        "(varenummer {number}). Sandsynligvis solgt omkring {year}.",
        ("Hvor blev denne genstand ({object}) solgt?", "Kender du mærket {brand}?"),
        "Se på syningen og materialet ({material}), ikke på farven.",
    ),
    "sv": Language(
        _words("röd|blå|grön|gul|svart|vit|rosa|brun"),
        _words("väska|handväska|ryggsäck|halsduk|nallebjörn|docka|mugg|filt|lampa|sko|T-shirt|leksaksbil"),
        _words("läder|ull|plast|bomull|trä|metall"),
        "{Object}, {color}",
        "{Object} av {material}, färg {color}, med ett guldfärgat lås och en liten etikett ”{brand}” "
        "(artikel {number}). Troligen såld omkring {year}.",
        ("Var såldes det här föremålet ({object})?", "Känner du till märket {brand}?"),
        "Titta på sömmarna och materialet ({material}), inte på färgen.",
    ),
    "fi": Language(
        _words("punainen|sininen|vihreä|keltainen|musta|valkoinen|vaaleanpunainen|ruskea"),
        _words("laukku|käsilaukku|reppu|huivi|nallekarhu|nukke|muki|peitto|lamppu|kenkä|T-paita|leikkiauto"),
        _words("nahka|villa|muovi|puuvilla|puu|metalli"),
        "{Color} {object}",
        "{Object}, materiaali {material}, väri {color}, kultainen lukko ja pieni etiketti ”{brand}” "
        "(tuote {number}). Myyty luultavasti noin vuonna {year}.",
        ("Mistä tämä esine ({object}) on ostettu?", "Tunnetko merkin {brand}?"),
        "Katso saumoja ja materiaalia ({material}), älä väriä.",
    ),
    "et": Language(
        _words("punane|sinine|roheline|kollane|must|valge|roosa|pruun"),
        _words("kott|käekott|seljakott|sall|mängukaru|nukk|kruus|tekk|lamp|king|T-särk|mänguauto"),
        _words("nahk|vill|plast|puuvill|puit|metall"),
        "{Color} {object}",
        "{Object} ({material}), värvus {color}, kuldse lukuga ja väikese sildiga „{brand}” "
        "(toode {number}). Müüdi arvatavasti umbes {year}. aastal.",
        ("Kus seda eset ({object}) müüdi?", "Kas tunnete kaubamärki {brand}?"),
        "Vaadake õmblusi ja materjali ({material}), mitte värvi.",
    ),
    "lv": Language(
        _words("sarkans|zils|zaļš|dzeltens|melns|balts|rozā|brūns"),
        _words(
            "soma|rokassoma|mugursoma|šalle|rotaļu lācis|lelle|krūze|sega|lampa|kurpe|T-krekls|rotaļu mašīna"
        ),
        _words("āda|vilna|plastmasa|kokvilna|koks|metāls"),
        "{Color} {object}",
        "{Object} no materiāla {material}, krāsa {color}, ar zeltainu aizdari un mazu etiķeti “{brand}” "
        "(prece {number}). Droši vien pārdots ap {year}. gadu.",
        ("Kur šī lieta ({object}) tika pārdota?", "Vai jūs zināt zīmolu {brand}?"),
        "Skatieties uz šuvēm un materiālu ({material}), nevis krāsu.",
    ),
    "lt": Language(
        _words("raudonas|mėlynas|žalias|geltonas|juodas|baltas|rožinis|rudas"),
        _words(
            "krepšys|rankinė|kuprinė|šalikas|pliušinis meškiukas|lėlė|puodelis|antklodė|lempa|batas|"
            "marškinėliai|žaislinė mašinėlė"
        ),
        _words("oda|vilna|plastikas|medvilnė|medis|metalas"),
        "{Color} {object}",
        "{Object}, medžiaga {material}, spalva {color}, su auksine sagtimi ir maža etikete „{brand}“ "
        "(prekė {number}). Tikriausiai parduota apie {year} m.",
        ("Kur buvo parduodamas šis daiktas ({object})?", "Ar žinote prekės ženklą {brand}?"),
        "Žiūrėkite į siūles ir medžiagą ({material}), ne į spalvą.",
    ),
    "pl": Language(
        _words("czerwony|niebieski|zielony|żółty|czarny|biały|różowy|brązowy"),
        _words("torba|torebka|plecak|szalik|pluszowy miś|lalka|kubek|koc|lampa|but|koszulka|samochodzik"),
        _words("skóra|wełna|plastik|bawełna|drewno|metal"),
        "{Object}, {color}",
        "{Object}, kolor {color}, materiał: {material}, ze złotym zapięciem i małą metką „{brand}” "
        "(artykuł {number}). Sprzedawany prawdopodobnie około {year} roku.",
        ("Gdzie sprzedawano ten przedmiot ({object})?", "Czy zna Pan lub Pani markę {brand}?"),
        "Proszę spojrzeć na szwy i materiał ({material}), nie na kolor.",
    ),
    "cs": Language(
        _words("červený|modrý|zelený|žlutý|černý|bílý|růžový|hnědý"),
        _words("taška|kabelka|batoh|šála|plyšový medvídek|panenka|hrnek|deka|lampa|bota|tričko|autíčko"),
        _words("kůže|vlna|plast|bavlna|dřevo|kov"),
        "{Object}, {color}",
        "{Object}, barva {color}, materiál {material}, se zlatým zapínáním a malým štítkem „{brand}“ "
        "(zboží {number}). Prodáváno nejspíš kolem roku {year}.",
        ("Kde se tento předmět ({object}) prodával?", "Znáte značku {brand}?"),
        "Podívejte se na švy a materiál ({material}), ne na barvu.",
    ),
    "sk": Language(
        _words("červený|modrý|zelený|žltý|čierny|biely|ružový|hnedý"),
        _words("taška|kabelka|batoh|šál|plyšový medvedík|bábika|hrnček|deka|lampa|topánka|tričko|autíčko"),
        _words("koža|vlna|plast|bavlna|drevo|kov"),
        "{Object}, {color}",
        "{Object}, farba {color}, materiál {material}, so zlatým zapínaním a malým štítkom „{brand}“ "
        "(tovar {number}). Predávané pravdepodobne okolo roku {year}.",
        ("Kde sa tento predmet ({object}) predával?", "Poznáte značku {brand}?"),
        "Pozrite sa na švy a materiál ({material}), nie na farbu.",
    ),
    "sl": Language(
        _words("rdeč|moder|zelen|rumen|črn|bel|roza|rjav"),
        _words(
            "torba|ročna torbica|nahrbtnik|šal|plišasti medvedek|punčka|skodelica|odeja|svetilka|"
            "čevelj|majica|avtomobilček"
        ),
        _words("usnje|volna|plastika|bombaž|les|kovina"),
        "{Object}, {color}",
        "{Object}, barva {color}, material {material}, z zlato zaponko in majhno etiketo »{brand}« "
        "(artikel {number}). Verjetno prodano okoli leta {year}.",
        ("Kje so prodajali ta predmet ({object})?", "Ali poznate znamko {brand}?"),
        "Poglejte šive in material ({material}), ne barve.",
    ),
    "hr": Language(
        _words("crven|plav|zelen|žut|crn|bijel|ružičast|smeđ"),
        _words(
            "torba|ručna torbica|ruksak|šal|plišani medvjedić|lutka|šalica|deka|svjetiljka|cipela|"
            "majica|autić"
        ),
        _words("koža|vuna|plastika|pamuk|drvo|metal"),
        "{Object}, {color}",
        "{Object}, boja {color}, materijal {material}, sa zlatnom kopčom i malom etiketom „{brand}” "
        "(artikl {number}). Vjerojatno prodavano oko {year}. godine.",
        ("Gdje se prodavao ovaj predmet ({object})?", "Poznajete li marku {brand}?"),
        "Pogledajte šavove i materijal ({material}), a ne boju.",
    ),
    "hu": Language(
        _words("piros|kék|zöld|sárga|fekete|fehér|rózsaszín|barna"),
        _words("táska|kézitáska|hátizsák|sál|plüssmaci|baba|bögre|takaró|lámpa|cipő|póló|játékautó"),
        _words("bőr|gyapjú|műanyag|pamut|fa|fém"),
        "{Color} {object}",
        "{Color} {object}, anyaga {material}, arany csattal és egy kis „{brand}” címkével "
        "(cikkszám {number}). Valószínűleg {year} körül árulták.",
        ("Hol árulták ezt a tárgyat ({object})?", "Ismeri a(z) {brand} márkát?"),
        "Nézze a varrást és az anyagot ({material}), ne a színt.",
    ),
    "ro": Language(
        _words("roșu|albastru|verde|galben|negru|alb|roz|maro"),
        _words("geantă|poșetă|rucsac|fular|ursuleț de pluș|păpușă|cană|pătură|lampă|pantof|tricou|mașinuță"),
        _words("piele|lână|plastic|bumbac|lemn|metal"),
        "{Object} {color}",
        "{Object} {color} din {material}, cu o închizătoare aurie și o etichetă mică „{brand}” "
        "(articol {number}). Vândut probabil în jurul anului {year}.",
        ("Unde s-a vândut acest obiect ({object})?", "Cunoașteți marca {brand}?"),
        "Uitați-vă la cusături și la material ({material}), nu la culoare.",
    ),
    "bg": Language(
        _words("червен|син|зелен|жълт|черен|бял|розов|кафяв"),
        _words("чанта|дамска чанта|раница|шал|плюшено мече|кукла|чаша|одеяло|лампа|обувка|тениска|количка"),
        _words("кожа|вълна|пластмаса|памук|дърво|метал"),
        "{Color} {object}",
        "{Object}, цвят {color}, материал {material}, със златна закопчалка и малък етикет „{brand}“ "
        "(артикул {number}). Вероятно продаван около {year} г.",
        ("Къде се е продавал този предмет ({object})?", "Познавате ли марката {brand}?"),
        "Вижте шевовете и материала ({material}), не цвета.",
    ),
    "el": Language(
        _words("κόκκινος|μπλε|πράσινος|κίτρινος|μαύρος|άσπρος|ροζ|καφέ"),
        _words(
            "τσάντα|τσάντα χειρός|σακίδιο|κασκόλ|αρκουδάκι|κούκλα|κούπα|κουβέρτα|λάμπα|παπούτσι|"
            "μπλουζάκι|αυτοκινητάκι"
        ),
        _words("δέρμα|μαλλί|πλαστικό|βαμβάκι|ξύλο|μέταλλο"),
        "{Object}, {color}",
        "{Object}, χρώμα {color}, από {material}, με χρυσό κούμπωμα και μικρή ετικέτα «{brand}» "
        "(κωδικός {number}). Πιθανότατα πουλήθηκε γύρω στο {year}.",
        ("Πού πουλήθηκε αυτό το αντικείμενο ({object});", "Γνωρίζετε τη μάρκα {brand};"),
        "Κοιτάξτε τις ραφές και το υλικό ({material}), όχι το χρώμα.",
    ),
    "ga": Language(
        _words("dearg|gorm|glas|buí|dubh|bán|bándearg|donn"),
        _words("mála|mála láimhe|mála droma|scaif|béirín|bábóg|muga|pluid|lampa|bróg|T-léine|carr bréagáin"),
        _words("leathar|olann|plaisteach|cadás|adhmad|miotal"),
        "{Object} {color}",
        "{Object} {color} déanta as {material}, le claspa órga agus lipéad beag „{brand}“ "
        "(earra {number}). Díoladh é timpeall {year}, is dócha.",
        ("Cá háit ar díoladh an rud seo ({object})?", "An bhfuil aithne agat ar an mbranda {brand}?"),
        "Féach ar an bhfuáil agus ar an ábhar ({material}), ní ar an dath.",
    ),
    "mt": Language(
        _words("aħmar|blu|aħdar|isfar|iswed|abjad|roża|kannella"),
        _words(
            "borża|borża tal-idejn|borża tad-dahar|xalpa|ors tal-pluxx|pupa|kikkra|kutra|lampa|żarbun|"
            "flokk|karozza tal-logħob"
        ),
        _words("ġilda|suf|plastik|qoton|injam|metall"),
        "{Object} {color}",
        '{Object} {color} magħmula minn {material}, b\'għeluq tad-deheb u tikketta żgħira "{brand}" '
        "(oġġett {number}). Probabbilment inbiegħet madwar {year}.",
        ("Fejn inbiegħ dan l-oġġett ({object})?", "Taf il-marka {brand}?"),
        "Ħares lejn il-ħjata u l-materjal ({material}), mhux lejn il-kulur.",
    ),
    "tr": Language(
        _words("kırmızı|mavi|yeşil|sarı|siyah|beyaz|pembe|kahverengi"),
        _words(
            "çanta|el çantası|sırt çantası|atkı|oyuncak ayı|oyuncak bebek|kupa|battaniye|lamba|ayakkabı|"
            "tişört|oyuncak araba"
        ),
        _words("deri|yün|plastik|pamuk|ahşap|metal"),
        "{Color} {object}",
        "{Color} {object}, malzemesi {material}, altın rengi bir tokası ve küçük bir „{brand}” etiketi var "
        "(ürün {number}). Muhtemelen {year} civarında satıldı.",
        ("Bu eşya ({object}) nerede satıldı?", "{brand} markasını tanıyor musunuz?"),
        "Renge değil, dikişlere ve malzemeye ({material}) bakın.",
    ),
    "ru": Language(
        _words("красный|синий|зелёный|жёлтый|чёрный|белый|розовый|коричневый"),
        _words(
            "сумка|дамская сумочка|рюкзак|шарф|плюшевый мишка|кукла|кружка|одеяло|лампа|туфля|футболка|"
            "игрушечная машинка"
        ),
        _words("кожа|шерсть|пластик|хлопок|дерево|металл"),
        "{Color} {object}",
        "{Object}, цвет {color}, материал {material}, с золотой застёжкой и маленькой этикеткой «{brand}» "
        "(артикул {number}). Вероятно, продавался около {year} года.",
        ("Где продавался этот предмет ({object})?", "Вы знаете марку {brand}?"),
        "Смотрите на швы и материал ({material}), а не на цвет.",
    ),
    "uk": Language(
        _words("червоний|синій|зелений|жовтий|чорний|білий|рожевий|коричневий"),
        _words(
            "сумка|жіноча сумочка|рюкзак|шарф|плюшевий ведмедик|лялька|чашка|ковдра|лампа|черевик|"
            "футболка|іграшкова машинка"
        ),
        _words("шкіра|вовна|пластик|бавовна|дерево|метал"),
        "{Color} {object}",
        "{Object}, колір {color}, матеріал {material}, із золотою застібкою та маленькою етикеткою "
        "«{brand}» (артикул {number}). Імовірно, продавався близько {year} року.",
        ("Де продавався цей предмет ({object})?", "Чи знаєте ви марку {brand}?"),
        "Дивіться на шви та матеріал ({material}), а не на колір.",
    ),
    "ar": Language(
        _words("أحمر|أزرق|أخضر|أصفر|أسود|أبيض|وردي|بني"),
        _words("حقيبة|حقيبة يد|حقيبة ظهر|وشاح|دبدوب|دمية|كوب|بطانية|مصباح|حذاء|قميص|سيارة لعبة"),
        _words("جلد|صوف|بلاستيك|قطن|خشب|معدن"),
        "{object} {color}",
        "{object} {color} مصنوعة من {material}، بمشبك ذهبي وملصق صغير مكتوب عليه «{brand}» "
        "(الصنف {number}). بيعت على الأرجح حوالي عام {year}.",
        ("أين بيعت هذه القطعة ({object})؟", "هل تعرف العلامة التجارية {brand}؟"),
        "انظر إلى الخياطة وإلى المادة ({material})، لا إلى اللون.",
    ),
    "fa": Language(
        _words("قرمز|آبی|سبز|زرد|سیاه|سفید|صورتی|قهوه‌ای"),
        _words("کیف|کیف دستی|کوله‌پشتی|شال گردن|خرس عروسکی|عروسک|لیوان|پتو|چراغ|کفش|تی‌شرت|ماشین اسباب‌بازی"),
        _words("چرم|پشم|پلاستیک|پنبه|چوب|فلز"),
        "{object} {color}",
        "{object} {color} از جنس {material}، با قفل طلایی و برچسب کوچک «{brand}» (کالای {number}). "
        "احتمالاً حدود سال {year} فروخته شده است.",
        ("این {object} کجا فروخته می‌شد؟", "آیا برند {brand} را می‌شناسید؟"),
        "به دوخت‌ها و جنس ({material}) نگاه کنید، نه به رنگ.",
    ),
    "hi": Language(
        _words("लाल|नीला|हरा|पीला|काला|सफ़ेद|गुलाबी|भूरा"),
        _words("थैला|हैंडबैग|बस्ता|दुपट्टा|टेडी बियर|गुड़िया|मग|कंबल|लैंप|जूता|टी-शर्ट|खिलौना कार"),
        _words("चमड़ा|ऊन|प्लास्टिक|सूती कपड़ा|लकड़ी|धातु"),
        "{color} {object}",
        '{material} का {color} {object}, सुनहरे बकसुए और छोटे लेबल "{brand}" के साथ (सामान {number})। '
        "शायद लगभग {year} में बेचा गया।",
        ("यह {object} कहाँ बेचा गया था?", "क्या आप {brand} ब्रांड को जानते हैं?"),
        "रंग नहीं, सिलाई और {material} को देखिए।",
    ),
    "id": Language(
        _words("merah|biru|hijau|kuning|hitam|putih|merah muda|cokelat"),
        _words(
            "tas|tas tangan|ransel|syal|boneka beruang|boneka|cangkir|selimut|lampu|sepatu|kaus|mobil mainan"
        ),
        _words("kulit|wol|plastik|katun|kayu|logam"),
        "{Object} {color}",
        '{Object} {color} dari {material}, dengan gesper emas dan label kecil "{brand}" '
        "(barang {number}). Kemungkinan dijual sekitar tahun {year}.",
        ("Di mana barang ini ({object}) dijual?", "Apakah Anda mengenal merek {brand}?"),
        "Perhatikan jahitan dan bahannya ({material}), bukan warnanya.",
    ),
    "ja": Language(
        _words("赤い|青い|緑の|黄色い|黒い|白い|ピンクの|茶色の"),
        _words(
            "バッグ|ハンドバッグ|リュックサック|マフラー|テディベア|人形|マグカップ|毛布|ランプ|靴|Tシャツ|"
            "おもちゃの車"
        ),
        _words("革|ウール|プラスチック|綿|木|金属"),
        "{color}{object}",
        "{material}製の{color}{object}。金色の留め金と「{brand}」という小さなラベルが付いています"
        "（品番{number}）。{year}年ごろに販売されたと思われます。",
        ("この{object}はどこで売られていましたか？", "{brand}というブランドを知っていますか？"),
        "色ではなく、縫い目と{material}を見てください。",
    ),
    "ko": Language(
        _words("빨간|파란|초록색|노란|검은|흰|분홍색|갈색"),
        _words("가방|핸드백|배낭|목도리|곰인형|인형|머그컵|담요|램프|신발|티셔츠|장난감 자동차"),
        _words("가죽|울|플라스틱|면|나무|금속"),
        "{color} {object}",
        '{material}로 만든 {color} {object}. 금색 잠금장치와 "{brand}"라고 적힌 작은 라벨이 있습니다 '
        "(품번 {number}). {year}년경에 판매된 것으로 보입니다.",
        ("이 {object}은 어디에서 팔렸습니까?", "{brand} 브랜드를 아십니까?"),
        "색이 아니라 바느질과 {material}를 보세요.",
    ),
    "th": Language(
        _words("สีแดง|สีน้ำเงิน|สีเขียว|สีเหลือง|สีดำ|สีขาว|สีชมพู|สีน้ำตาล"),
        _words("กระเป๋า|กระเป๋าถือ|กระเป๋าเป้|ผ้าพันคอ|ตุ๊กตาหมี|ตุ๊กตา|แก้วมัค|ผ้าห่ม|โคมไฟ|รองเท้า|เสื้อยืด|รถของเล่น"),
        _words("หนัง|ขนสัตว์|พลาสติก|ผ้าฝ้าย|ไม้|โลหะ"),
        "{object}{color}",
        '{object}{color}ทำจาก{material} มีตัวล็อกสีทองและป้ายเล็ก ๆ เขียนว่า "{brand}" (สินค้า {number}) '
        "น่าจะขายประมาณปี {year}",
        ("{object}นี้ขายที่ไหน", "คุณรู้จักยี่ห้อ {brand} ไหม"),
        "ดูที่ตะเข็บและ{material} ไม่ใช่สี",
    ),
    "vi": Language(
        _words("đỏ|xanh dương|xanh lá|vàng|đen|trắng|hồng|nâu"),
        _words("túi|túi xách|ba lô|khăn quàng|gấu bông|búp bê|cốc|chăn|đèn|giày|áo phông|ô tô đồ chơi"),
        _words("da|len|nhựa|vải bông|gỗ|kim loại"),
        "{Object} {color}",
        '{Object} {color} bằng {material}, có khóa màu vàng kim và nhãn nhỏ ghi "{brand}" '
        "(mã hàng {number}). Có lẽ được bán vào khoảng năm {year}.",
        ("Món đồ này ({object}) được bán ở đâu?", "Bạn có biết thương hiệu {brand} không?"),
        "Hãy nhìn đường may và chất liệu ({material}), không phải màu sắc.",
    ),
    "zh-hans": Language(
        _words("红色|蓝色|绿色|黄色|黑色|白色|粉色|棕色"),
        _words("包|手提包|背包|围巾|泰迪熊|娃娃|马克杯|毯子|台灯|鞋子|T恤|玩具车"),
        _words("皮革|羊毛|塑料|棉布|木头|金属"),
        "{color}{object}",
        "{material}制成的{color}{object}，带金色扣子和写着“{brand}”的小标签（货号{number}）。"
        "大约在{year}年前后出售。",
        ("这个{object}是在哪里卖的？", "你知道{brand}这个品牌吗？"),
        "请看缝线和{material}，不要看颜色。",
    ),
}

_SYLLABLES = [
    "ka",
    "lo",
    "vi",
    "ra",
    "ne",
    "to",
    "mi",
    "su",
    "ba",
    "de",
    "fo",
    "gu",
    "ha",
    "ji",
    "ku",
    "le",
    "mo",
    "na",
    "pi",
    "ro",
    "sa",
    "te",
    "vu",
    "zo",
]


@dataclass(frozen=True)
class ObjectText:
    """One object's public text in one language."""

    title: str
    description: str
    questions: list[str]
    hints: list[str]


@dataclass(frozen=True)
class Picks:
    """What one generated object is: the same in every language."""

    color: int
    kind: int
    material: int
    brand: str
    year: int
    number: str


def picks(rng: random.Random) -> Picks:
    brand = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
    return Picks(
        color=rng.randrange(8),
        kind=rng.randrange(12),
        material=rng.randrange(6),
        brand=brand.capitalize(),
        year=rng.randint(1995, 2024),
        number=f"{rng.randint(100, 99999)}-{rng.choice('ABCDEFGHKLMNPRSTX')}",
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def object_text(language: str, chosen: Picks) -> ObjectText:
    """The object's text in ``language``, from the language's templates and words."""
    words = LANGUAGES[language]
    slots = {
        "color": words.colors[chosen.color],
        "object": words.objects[chosen.kind],
        "material": words.materials[chosen.material],
        "brand": chosen.brand,
        "year": str(chosen.year),
        "number": chosen.number,
    }
    slots["Color"] = _capital(slots["color"])
    slots["Object"] = _capital(slots["object"])
    return ObjectText(
        title=_capital(words.title.format(**slots)),
        description=words.description.format(**slots),
        questions=[question.format(**slots) for question in words.questions],
        hints=[words.hint.format(**slots)],
    )
