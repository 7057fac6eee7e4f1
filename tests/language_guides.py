"""Short guides of our own in each shipped language, for the wiring tests (tests/test_language_guides.py).

Each has a dose, a count of months, a date, a time, a phone number and a length of time, in two
chapters: (title, [(chapter heading, paragraph)]).
"""

from __future__ import annotations

GUIDES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "en": (
        "Living with myositis",
        [
            (
                "Your medicines",
                "Take 20 mg of prednisolone each morning for 3 months. Your next review is on 3 March 2024 "
                "at 9:30. Call 0300 123 4567 if you feel unwell.",
            ),
            ("Moving safely", "Walk for 15 minutes twice a day."),
        ],
    ),
    "es": (
        "Vivir con miositis",
        [
            (
                "Sus medicamentos",
                "Tome 20 mg de prednisona cada mañana durante 3 meses. Su próxima revisión es el 3 de marzo "
                "de 2024 a las 9:30. Llame al 900 123 456 si se encuentra mal.",
            ),
            ("Moverse con seguridad", "Camine 15 minutos dos veces al día."),
        ],
    ),
    "fr": (
        "Vivre avec la myosite",
        [
            (
                "Vos médicaments",
                "Prenez 20 mg de prednisone chaque matin pendant 3 mois. Votre prochain rendez-vous est le "
                "3 mars 2024 à 9:30. Appelez le 01 23 45 67 89 si vous vous sentez mal.",
            ),
            ("Bouger sans risque", "Marchez 15 minutes deux fois par jour."),
        ],
    ),
    "de": (
        "Leben mit Myositis",
        [
            (
                "Ihre Medikamente",
                "Nehmen Sie jeden Morgen 20 mg Prednisolon, 3 Monate lang. Ihr nächster Termin ist am "
                "3. März 2024 um 9:30 Uhr. Rufen Sie 030 1234567 an, wenn es Ihnen schlecht geht.",
            ),
            ("Sicher bewegen", "Gehen Sie 15 Minuten zweimal am Tag spazieren."),
        ],
    ),
    "pl": (
        "Życie z zapaleniem mięśni",
        [
            (
                "Twoje leki",
                "Przyjmuj 20 mg prednizonu każdego ranka przez 3 miesiące. Następna wizyta jest 3 marca 2024 "
                "o 9:30. Zadzwoń pod numer 22 123 45 67, jeśli źle się czujesz.",
            ),
            ("Bezpieczny ruch", "Spaceruj 15 minut dwa razy dziennie."),
        ],
    ),
    "cy": (
        "Byw gyda myositis",
        [
            (
                "Eich meddyginiaethau",
                "Cymerwch 20 mg o prednisolone bob bore am 3 mis. Mae eich apwyntiad nesaf ar 3 Mawrth 2024 "
                "am 9:30. Ffoniwch 029 2012 3456 os ydych yn teimlo'n sâl.",
            ),
            ("Symud yn ddiogel", "Cerddwch am 15 munud ddwywaith y dydd."),
        ],
    ),
    "ar": (
        "العيش مع التهاب العضلات",
        [
            (
                "أدويتك",
                "تناول 20 mg من البريدنيزولون كل صباح لمدة 3 أشهر. موعدك القادم في 3 مارس 2024 الساعة 9:30. "
                "اتصل بالرقم 0123 456 789 إذا شعرت بتعب.",
            ),
            ("الحركة بأمان", "امشِ 15 دقيقة مرتين في اليوم."),
        ],
    ),
}


def markdown(language: str) -> str:
    """The guide as Markdown with its language in the front matter."""
    title, chapters = GUIDES[language]
    body = "\n\n".join(f"# {heading}\n\n{text}" for heading, text in chapters)
    return f"---\ntitle: {title}\nlanguage: {language}\n---\n\n{body}\n"


def html_page(language: str) -> str:
    """The guide as an HTML page with ``<html lang>`` (and no other sign of its language)."""
    import html

    title, chapters = GUIDES[language]
    body = "\n".join(f"<h1>{html.escape(h)}</h1>\n<p>{html.escape(t)}</p>" for h, t in chapters)
    return (
        f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body><main>\n{body}\n</main></body></html>\n"
    )
