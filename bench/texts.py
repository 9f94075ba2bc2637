# ruff: noqa: RUF001 - Cyrillic and Turkish letters are the point of these strings, not look-alikes
"""Realistic tip bodies for the intake benchmark: what members of the public write, in many languages.

The intake's cost depends on what it is given (form validation, JSON, the sealed box, the row size), so
the benchmark posts varied tips of 100 to 600 characters with the optional fields filled as often as a
real visitor might fill them, rather than one fixed string.
"""

from __future__ import annotations

import random

SENTENCES: dict[str, list[str]] = {
    "en": [
        "I am fairly sure this backpack was sold at a supermarket chain in the north of England around 2014.",
        "My daughter had the same one; we bought it at a market stall and the zip puller had a little star.",
        "The print looks like a copy of a cartoon cat that was popular in Poland, not the licensed version.",
        "Check the label inside: the ones I saw had a washing symbol printed in a green square.",
        "I saw this exact pattern on school bags in a discount store next to the railway station.",
        "It might be an own-brand product, the stitching on the straps is typical of that shop.",
    ],
    "fr": [
        "J'ai vu ce sac à dos dans un magasin de jouets à Lyon vers 2016, au rayon de la rentrée scolaire.",
        "Ma nièce avait le même, acheté dans une grande surface près de Lille, je m'en souviens bien.",
        "Le motif du chat ressemble à une marque vendue seulement en Belgique et dans le nord de la France.",
        "La fermeture éclair avec une étoile rose était typique de cette collection pour enfants.",
    ],
    "de": [
        "Diesen Rucksack gab es um 2015 bei einem Discounter in Süddeutschland, im Angebot zum Schulanfang.",
        "Meine Tochter hatte genau so einen, gekauft auf einem Wochenmarkt in Graz, ziemlich billig.",
        "Das Katzenmotiv stammt meiner Meinung nach aus einer österreichischen Kinderserie im Fernsehen.",
        "Achten Sie auf das Etikett innen, dort steht normalerweise die Artikelnummer des Herstellers.",
    ],
    "es": [
        "Vi esta mochila en un mercadillo de Valencia hacia 2017, la vendían junto con estuches iguales.",
        "Mi hijo tenía una igual, la compramos en una tienda de todo a un euro en Sevilla.",
        "El dibujo del gato es de una serie infantil que emitían en la televisión autonómica.",
    ],
    "nl": [
        "Deze rugzak werd rond 2015 verkocht bij een warenhuisketen in Nederland, tijdens de schoolactie.",
        "De rits met het sterretje ken ik van de Hema, maar het katje komt me niet bekend voor.",
        "Mijn buurmeisje had precies dezelfde, volgens haar moeder gekocht op de markt in Antwerpen.",
    ],
    "pl": [
        "Taki sam plecak widziałam w dyskoncie w Łodzi około 2016 roku, w promocji na nowy rok szkolny.",
        "Nadruk z kotem przypomina bajkę, która była bardzo popularna w polskiej telewizji.",
        "Moja córka miała identyczny, kupiony na bazarze w Gdańsku za kilkanaście złotych.",
    ],
    "it": [
        "Ho visto questo zaino in un negozio di giocattoli a Milano intorno al 2015, vicino alla stazione.",
        "Mia figlia ne aveva uno identico, comprato in un mercato rionale a Napoli.",
        "La cerniera con la stellina rosa era tipica di una linea venduta nei supermercati del nord.",
    ],
    "pt": [
        "Vi esta mochila numa loja de desporto no Porto por volta de 2016, estava em promoção.",
        "A minha sobrinha tinha uma igual, comprada numa feira em Braga.",
    ],
    "ru": [
        "Такой же рюкзак продавался в сетевом магазине в Минске примерно в 2015 году.",
        "У моей дочери был точно такой же, мы купили его на рынке в Калининграде.",
        "Рисунок с кошкой похож на героиню мультфильма, который показывали по местному каналу.",
    ],
    "sv": [
        "Jag såg den här ryggsäcken på ett lågprisvaruhus i Göteborg runt 2016.",
        "Dragkedjan med stjärnan känner jag igen från en klädkedja som fanns i hela Norden.",
    ],
    "tr": [
        "Bu sırt çantasını 2015 civarında İzmir'de bir pazarda gördüm, çok ucuza satılıyordu.",
        "Kızımın da aynısı vardı, okul alışverişinde büyük bir marketten almıştık.",
    ],
    "ar": [
        "رأيت هذه الحقيبة في متجر للألعاب في الدار البيضاء حوالي عام 2016.",
        "كانت لابنتي حقيبة مماثلة تماما، اشتريناها من سوق شعبي في تونس العاصمة.",
    ],
}

PLACES = [
    "Leeds, West Yorkshire",
    "Lyon, Part-Dieu",
    "Graz",
    "Łódź, ulica Piotrkowska",
    "Valencia, Ruzafa market",
    "Antwerpen",
    "Göteborg",
    "İzmir, Kemeraltı",
    "Napoli",
    "Калининград",
]
SHOPS = ["Primark", "Hema", "Tchibo", "Carrefour", "Lidl", "Pepco", "Kik", "Biedronka", "Action", "Dia"]
PERIODS = ["around 2014", "2015-2017", "only in the 1990s", "summer 2016", "before 2010"]
COUNTRIES = ["GB", "FR", "DE", "ES", "NL", "PL", "IT", "PT", "BY", "SE", "TR", "MA", "BE", "AT"]
LINK_HOSTS = ["shop.example.de", "www.example.co.uk", "catalogue.example.fr", "sklep.example.pl"]
MIN_CHARS, MAX_CHARS = 100, 600


def tip_text(rng: random.Random) -> str:
    """One tip in one language, 100 to 600 characters, as visitors write them: a few plain sentences."""
    sentences = list(SENTENCES[rng.choice(sorted(SENTENCES))])
    rng.shuffle(sentences)
    target = rng.randint(MIN_CHARS, MAX_CHARS)
    text = ""
    while sentences and (len(text) < target or len(text) < MIN_CHARS):
        text = f"{text} {sentences.pop()}".strip()
    while len(text) < MIN_CHARS:  # a language with short sentences: say it again, as people do
        text = f"{text} {text}"
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS].rsplit(" ", 1)[0]
    return text


def tip_fields(rng: random.Random) -> dict[str, str]:
    """The tip form's fields, the optional ones filled with the odds of a real visitor."""
    fields = {"text": tip_text(rng)}
    if rng.random() < 0.5:
        fields["place"] = rng.choice(PLACES)
    if rng.random() < 0.4:
        fields["shop_brand"] = rng.choice(SHOPS)
    if rng.random() < 0.3:
        fields["country"] = rng.choice(COUNTRIES)
    if rng.random() < 0.3:
        fields["time_period"] = rng.choice(PERIODS)
    if rng.random() < 0.3:
        fields["links"] = "\n".join(
            f"https://{rng.choice(LINK_HOSTS)}/item/{rng.randint(1000, 999999)}"
            for _ in range(rng.randint(1, 2))
        )
    if rng.random() < 0.1:
        fields["contact"] = f"signal: tipster.{rng.randint(100, 999)}"
    return fields
