"""The demo objects' text in other languages: what the staff would have entered per language.

Written for a reader of that language, not word for word: French "en lés" for wallpaper hung in strips,
Polish "bryt" for a strip of it, German "Handtasche" (where the gallery search must find "Tasche").
Arabic is there to show a right-to-left text on the French, Polish and Arabic pages of the same object.

``TRANSLATIONS`` are stored with the objects, as if reviewed with them. ``IN_REVIEW`` goes through the
translation service by the object's author before submission, so the publication review lists it;
``PROPOSED`` is proposed by demo-analyst for a published object and waits for a publisher's review.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoText:
    title: str
    description: str
    questions: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()


# French puts a narrow no-break space before ? and :, so that the mark never starts a line.
_Q = "\u202f?"

TRANSLATIONS: dict[str, dict[str, DemoText]] = {
    "K01-2026": {
        "fr": DemoText(
            title="Papier peint à petites fleurs bleues",
            description=(
                "Papier peint à rangées de petites fleurs bleues au cœur jaune, accompagnées de paires de "
                "feuilles vertes, sur fond crème. Un raccord montre qu'il a été posé en lés."
            ),
            questions=(
                f"Quel magasin ou quelle marque vendait ce papier peint{_Q}",
                f"Dans quel pays était-il en vente{_Q}",
            ),
            hints=("Probablement posé entre 2008 et 2014.",),
        ),
        "pl": DemoText(
            title="Tapeta w małe niebieskie kwiatki",
            description=(
                "Tapeta w rzędy małych niebieskich kwiatków z żółtymi środkami i parami zielonych listków na "
                "kremowym tle. Widać łączenie brytów, więc tapetę kładziono pasami."
            ),
            questions=(
                "Który sklep albo która marka sprzedawała tę tapetę?",
                "W jakim kraju była w sprzedaży?",
            ),
            hints=("Prawdopodobnie położona między 2008 a 2014 rokiem.",),
        ),
        "ar": DemoText(
            title="ورق جدران بزهور زرقاء صغيرة",
            description=(
                "ورق جدران عليه صفوف من الزهور الزرقاء الصغيرة ذات الأوساط الصفراء وأزواج من الأوراق "
                "الخضراء، على خلفية بلون الكريم. ويظهر فيه خط وصل بين قطعتين، ما يدل على أنه أُلصق شرائط."
            ),
            questions=("أي متجر أو علامة تجارية باعت ورق الجدران هذا؟", "في أي بلد كان يُباع؟"),
            hints=("أُلصق على الأرجح بين عامي 2008 و2014.",),
        ),
    },
    "L03-2026": {
        "fr": DemoText(
            title="Basket rose à lacets blancs",
            description=(
                "Une basket en toile rose avec une semelle en caoutchouc blanc, des lacets blancs et trois "
                "bandes plus foncées."
            ),
            questions=(f"De quelle marque est cette basket{_Q}", f"Dans quel magasin était-elle vendue{_Q}"),
            hints=("Pointure enfant, vers le 30 (pointure européenne).",),
        ),
        "pl": DemoText(
            title="Różowy trampek z białymi sznurówkami",
            description=(
                "Różowy płócienny trampek z białą gumową podeszwą, białymi sznurówkami i trzema "
                "ciemniejszymi paskami."
            ),
            questions=("Jakiej marki jest ten trampek?", "W jakim sklepie go sprzedawano?"),
            hints=("Rozmiar dziecięcy, około 30.",),
        ),
        "ar": DemoText(
            title="حذاء رياضي وردي برباط أبيض",
            description=(
                "حذاء رياضي من القماش باللون الوردي، بنعل مطاطي أبيض ورباط أبيض وثلاثة خطوط أغمق لونًا."
            ),
            questions=("ما ماركة هذا الحذاء الرياضي؟", "أي متجر باعه؟"),
            hints=("مقاس أطفال، نحو 30 بالمقاس الأوروبي.",),
        ),
        "es": DemoText(
            title="Zapatilla rosa con cordones blancos",
            description=(
                "Una zapatilla de lona rosa con suela de goma blanca, cordones blancos y tres franjas más "
                "oscuras."
            ),
            questions=("¿De qué marca es esta zapatilla?", "¿En qué tienda se vendía?"),
            hints=("Talla infantil, alrededor de la 30 europea.",),
        ),
    },
    "L06-2026": {
        "fr": DemoText(
            title="Mug blanc au logo tête de renard orange",
            description=(
                "Un mug en céramique blanche, avec une tête de renard orange et blanche imprimée sur le côté."
            ),
            questions=(f"À qui appartient ce logo de renard{_Q}", f"Où ce mug était-il vendu ou offert{_Q}"),
            hints=("Le renard est peut-être le logo d'une entreprise ou d'un club sportif.",),
        ),
        "pl": DemoText(
            title="Biały kubek z logo w kształcie głowy lisa",
            description="Biały ceramiczny kubek z nadrukowaną z boku pomarańczowo-białą głową lisa.",
            questions=("Do kogo należy to logo z lisem?", "Gdzie sprzedawano albo rozdawano ten kubek?"),
            hints=("Lis może być logo firmy albo klubu sportowego.",),
        ),
    },
    "M01-2026": {
        "fr": DemoText(
            title="Drap à carreaux écossais verts",
            description=(
                "Un drap en coton à carreaux écossais vert et crème, traversés de fines lignes rouges."
            ),
            questions=(f"Quel magasin vendait ce linge de lit{_Q}", f"Dans quel pays était-il en vente{_Q}"),
            hints=("Regardez les fines lignes rouges.",),
        ),
        "pl": DemoText(
            title="Prześcieradło w zieloną kratę",
            description=(
                "Bawełniane prześcieradło w zielono-kremową szkocką kratę, przeciętą cienkimi czerwonymi "
                "liniami."
            ),
            questions=("W jakim sklepie sprzedawano tę pościel?", "W jakim kraju była w sprzedaży?"),
            hints=("Zwróć uwagę na cienkie czerwone linie.",),
        ),
        "ar": DemoText(
            title="شرشف سرير بمربعات خضراء",
            description=(
                "شرشف سرير من القطن بنقشة مربعات اسكتلندية باللونين الأخضر والكريمي، تقطعها خطوط حمراء رفيعة."
            ),
            questions=("أي متجر باع مفارش السرير هذه؟", "في أي بلد كانت تُباع؟"),
            hints=("انتبه إلى الخطوط الحمراء الرفيعة.",),
        ),
    },
    "M02-2026": {
        "fr": DemoText(
            title="Petite voiture bleue portant le numéro 7",
            description=(
                "Une voiture miniature bleue avec une bande blanche, des vitres bleu clair et le numéro 7 "
                "sur la portière."
            ),
            questions=(f"Qui a fabriqué cette petite voiture{_Q}", f"Faisait-elle partie d'un coffret{_Q}"),
            hints=("Environ 20 cm de long.",),
        ),
        "pl": DemoText(
            title="Niebieski samochodzik z numerem 7",
            description=(
                "Niebieski samochodzik z białym pasem, jasnoniebieskimi szybami i numerem 7 na drzwiach."
            ),
            questions=("Kto wyprodukował ten samochodzik?", "Czy należał do zestawu?"),
            hints=("Ma około 20 cm długości.",),
        ),
        "ar": DemoText(
            title="سيارة لعبة زرقاء تحمل الرقم 7",
            description="سيارة لعبة زرقاء عليها شريط أبيض ونوافذ زرقاء فاتحة، والرقم 7 على بابها.",
            questions=("من صنع هذه السيارة اللعبة؟", "هل كانت جزءًا من مجموعة؟"),
            hints=("طولها نحو 20 سم.",),
        ),
        "de": DemoText(
            title="Blaues Spielzeugauto mit der Nummer 7",
            description=(
                "Ein blaues Spielzeugauto mit weißem Streifen, hellblauen Fenstern und der Nummer 7 "
                "auf der Tür."
            ),
            questions=("Wer hat dieses Spielzeugauto hergestellt?", "Gehörte es zu einem Set?"),
            hints=("Etwa 20 cm lang.",),
        ),
    },
    "M09-2026": {
        "fr": DemoText(
            title="Sac à main rouge à fermoir doré",
            description=(
                "Un sac à main rouge en similicuir, avec une seule anse, un rabat sur le devant et un "
                "fermoir doré."
            ),
            questions=(f"Quelle marque a fabriqué ce sac{_Q}", f"Dans quel magasin était-il vendu{_Q}"),
            hints=("Vers 2014.",),
        ),
        "pl": DemoText(
            title="Czerwona torebka ze złotym zapięciem",
            description=(
                "Czerwona torebka ze sztucznej skóry, z jednym uchwytem, klapką z przodu i złotym zapięciem."
            ),
            questions=("Jaka firma wyprodukowała tę torebkę?", "W jakim sklepie ją sprzedawano?"),
            hints=("Około 2014 roku.",),
        ),
        "ar": DemoText(
            title="حقيبة يد حمراء بمشبك ذهبي",
            description="حقيبة يد حمراء من الجلد الصناعي، لها مقبض واحد وغطاء أمامي ومشبك ذهبي.",
            questions=("ما العلامة التجارية التي صنعت هذه الحقيبة؟", "في أي متجر كانت تُباع؟"),
            hints=("نحو عام 2014.",),
        ),
        "de": DemoText(
            title="Rote Handtasche mit goldenem Verschluss",
            description=(
                "Eine rote Handtasche aus Kunstleder mit einem Henkel, einer Überschlagklappe und einem "
                "goldenen Verschluss."
            ),
            questions=(
                "Welche Marke hat diese Handtasche hergestellt?",
                "In welchem Geschäft wurde sie verkauft?",
            ),
            hints=("Etwa 2014.",),
        ),
        "es": DemoText(
            title="Bolso rojo con cierre dorado",
            description=(
                "Un bolso de mano rojo de piel sintética, con una sola asa, solapa delantera y cierre dorado."
            ),
            questions=("¿Qué marca fabricó este bolso?", "¿En qué tienda se vendía?"),
            hints=("Hacia 2014.",),
        ),
    },
    # Published for the national partners only: the portal shows it in the partner's language.
    "M11-2026": {
        "pl": DemoText(
            title="Poszwa na kołdrę w szare kropki",
            description="Biała poszwa na kołdrę w małe szare kropki, zawieszona jako zasłona.",
            questions=("W jakim sklepie sprzedawano tę poszwę?",),
        ),
        "de": DemoText(
            title="Bettbezug mit grauen Punkten",
            description="Ein weißer Bettbezug mit kleinen grauen Punkten, als Vorhang aufgehängt.",
            questions=("In welchem Geschäft wurde dieser Bettbezug verkauft?",),
        ),
    },
}

# The object in review: its author adds a French text before submitting it.
IN_REVIEW: dict[str, dict[str, DemoText]] = {
    "M13-2026": {
        "fr": DemoText(
            title="Lampe de chevet jaune à abat-jour blanc",
            description=(
                "Une petite lampe au pied rond en céramique jaune, avec un abat-jour plissé blanc, posée sur "
                "une table de chevet."
            ),
            questions=(f"Quel magasin vendait cette lampe{_Q}", f"Dans quel pays était-elle en vente{_Q}"),
            hints=("L'interrupteur se trouve sur le fil.",),
        ),
    },
}

# Proposed by demo-analyst for a published object, waiting for a publisher who did not write it.
PROPOSED: dict[str, dict[str, DemoText]] = {
    "M01-2026": {
        "es": DemoText(
            title="Sábana de cuadros escoceses verdes",
            description=(
                "Una sábana de algodón de cuadros escoceses en verde y crema, atravesados por finas líneas "
                "rojas."
            ),
            questions=("¿Qué tienda vendía esta ropa de cama?", "¿En qué país estaba a la venta?"),
            hints=("Fíjese en las finas líneas rojas.",),
        ),
    },
}
