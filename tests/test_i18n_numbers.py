"""Numbers, times, money and the normaliser in the guide's own language.

("zero" is not among the English words looked for: Polish says "zero" too.)
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audioguide.i18n.catalogue import messages
from audioguide.i18n.normalise import normalise_text
from audioguide.i18n.numbers import spell_digits, spell_money, spell_number, spell_ordinal, spell_time, spell_year
from audioguide.i18n.sentences import abbreviations

OTHERS = ["es", "fr", "de", "pl", "cy", "ar"]


@pytest.mark.parametrize(
    ("language", "value", "gender", "words"),
    [
        ("es", 21, None, "veintiuno"),
        ("es", 21, "m", "veintiún"),
        ("es", 21, "f", "veintiuna"),
        ("es", 1, "m", "un"),
        ("es", 31, "m", "treinta y un"),
        ("es", 31, "f", "treinta y una"),
        ("es", 200, "f", "doscientas"),
        ("es", 1500, None, "mil quinientos"),
        ("fr", 21, "f", "vingt et une"),
        ("fr", 80, None, "quatre-vingts"),
        ("fr", 71, None, "soixante et onze"),
        ("de", 1, None, "eins"),
        ("de", 1, "m", "ein"),
        ("de", 1, "f", "eine"),
        ("de", 21, "f", "einundzwanzig"),
        ("pl", 2, "f", "dwie"),
        ("pl", 22, "f", "dwadzieścia dwie"),
        ("pl", 1, "f", "jedna"),
        ("pl", 1, "n", "jedno"),
        ("pl", 5, None, "pięć"),
        ("cy", 10, None, "deg"),
        ("cy", 11, None, "un deg un"),
        ("cy", 17, None, "un deg saith"),
        ("cy", 21, None, "dau ddeg un"),
        ("cy", 35, None, "tri deg pump"),
        ("cy", 35, "m", "tri deg pum"),
        ("cy", 66, None, "chwe deg chwech"),
        ("cy", 300, None, "tri chant"),
        ("cy", 2000, None, "dwy fil"),
        ("cy", 5000, None, "pum mil"),
        ("cy", 2, "f", "dwy"),
        ("cy", 3, "f", "tair"),
        ("cy", 4, "f", "pedair"),
        ("cy", 0, None, "dim"),
        ("cy", -4, None, "minws pedwar"),
        ("ar", 21, None, "واحد وعشرون"),
        ("ar", 3, None, "ثلاثة"),
        ("en", 21, None, "twenty-one"),
        ("en", 1250, None, "one thousand two hundred and fifty"),
    ],
)
def test_cardinals(language: str, value: int, gender: str | None, words: str) -> None:
    assert spell_number(value, language, gender) == words


def test_decimals_and_unknown_languages() -> None:
    assert spell_number(Decimal("2.5"), "cy") == "dau pwynt pump"
    assert spell_number("0.25", "ar") == "صفر فاصلة اثنان خمسة"
    assert spell_number(7, "xx") == "7"  # no speller: the voice reads its own digits
    with pytest.raises(ValueError):
        spell_number("seven", "es")
    with pytest.raises(ValueError):
        spell_number(float("nan"), "es")


@pytest.mark.parametrize(
    ("language", "value", "gender", "words"),
    [
        ("es", 3, None, "tercero"),
        ("es", 3, "f", "tercera"),
        ("es", 1, "m", "primer"),
        ("fr", 1, None, "premier"),
        ("fr", 1, "f", "première"),
        ("fr", 3, None, "troisième"),
        ("de", 3, None, "dritte"),
        ("pl", 3, None, "trzeci"),
        ("pl", 3, "f", "trzecia"),
        ("pl", 2, "f", "druga"),
        ("pl", 21, "f", "dwudziesta pierwsza"),
        ("cy", 3, None, "trydydd"),
        ("ar", 1, None, "الأول"),
        ("ar", 3, "f", "الثالثة"),
        ("ar", 11, None, "الحادي عشر"),
        ("en", 22, None, "twenty-second"),
    ],
)
def test_ordinals(language: str, value: int, gender: str | None, words: str) -> None:
    assert spell_ordinal(value, language, gender) == words


@pytest.mark.parametrize(
    ("language", "year", "words"),
    [
        ("en", 1998, "nineteen ninety-eight"),
        ("es", 2024, "dos mil veinticuatro"),
        ("fr", 1998, "mille neuf cent quatre-vingt-dix-huit"),
        ("de", 1998, "neunzehnhundertachtundneunzig"),
        ("de", 2024, "zweitausendvierundzwanzig"),
        ("pl", 2024, "dwa tysiące dwadzieścia cztery"),
        ("cy", 1998, "mil naw cant naw deg wyth"),
        ("cy", 2024, "dwy fil dau ddeg pedwar"),
    ],
)
def test_years(language: str, year: int, words: str) -> None:
    assert spell_year(year, language) == words


@pytest.mark.parametrize(
    ("language", "hour", "minute", "case", "words"),
    [
        ("es", 9, 30, None, "nueve y treinta"),
        ("es", 1, 0, None, "una"),
        ("es", 21, 0, None, "veintiuna"),
        ("fr", 9, 30, None, "neuf heures trente"),
        ("fr", 1, 0, None, "une heure"),
        ("fr", 21, 0, None, "vingt et une heures"),
        ("fr", 0, 0, None, "minuit"),
        ("de", 9, 30, None, "neun Uhr dreißig"),
        ("de", 1, 0, None, "ein Uhr"),
        ("pl", 9, 0, None, "dziewiąta"),
        ("pl", 9, 0, "oblique", "dziewiątej"),
        ("pl", 21, 15, "oblique", "dwudziestej pierwszej piętnaście"),
        ("pl", 2, 0, "oblique", "drugiej"),
        ("cy", 9, 0, None, "naw o'r gloch"),
        ("cy", 17, 45, None, "un deg saith pedwar deg pump"),
        ("ar", 9, 0, None, "الساعة التاسعة صباحًا"),
        ("ar", 13, 2, None, "الساعة الواحدة ودقيقتان مساءً"),
        ("en", 9, 5, None, "nine oh five"),
    ],
)
def test_times(language: str, hour: int, minute: int, case: str | None, words: str) -> None:
    assert spell_time(hour, minute, language, case) == words


def test_impossible_times_are_refused() -> None:
    for hour, minute in ((25, 0), (9, 60), (-1, 0)):
        with pytest.raises(ValueError):
            spell_time(hour, minute, "es")


@pytest.mark.parametrize(
    ("language", "amount", "currency", "words"),
    [
        ("es", "20.50", "GBP", "veinte libras con cincuenta peniques"),
        ("es", "21", "GBP", "veintiuna libras"),
        ("es", "21", "EUR", "veintiún euros"),
        ("es", "1", "EUR", "un euro"),
        ("es", "0.50", "EUR", "cincuenta céntimos"),
        ("fr", "1", "GBP", "une livre"),
        ("fr", "2.05", "EUR", "deux euros et cinq centimes"),
        ("de", "1", "EUR", "ein Euro"),
        ("de", "20.50", "EUR", "zwanzig Euro fünfzig Cent"),
        ("pl", "1", "PLN", "jeden złoty"),
        ("pl", "2", "PLN", "dwa złote"),
        ("pl", "5", "PLN", "pięć złotych"),
        ("pl", "22", "PLN", "dwadzieścia dwa złote"),
        ("pl", "12", "PLN", "dwanaście złotych"),
        ("pl", "1", "EUR", "jedno euro"),
        ("cy", "1", "GBP", "un bunt"),
        ("cy", "2", "GBP", "dwy bunt"),
        ("cy", "6", "GBP", "chwe phunt"),
        ("cy", "20", "GBP", "dau ddeg punt"),
        ("ar", "1", "USD", "دولار واحد"),
        ("ar", "2", "USD", "دولاران"),
        ("ar", "5", "USD", "خمسة دولارات"),
        ("en", "3.20", "GBP", "three pounds and twenty pence"),
        ("es", "-3", "EUR", "menos tres euros"),
    ],
)
def test_money(language: str, amount: str, currency: str, words: str) -> None:
    assert spell_money(Decimal(amount), currency, language) == words


def test_digits() -> None:
    assert spell_digits("0300 123", "es") == "cero tres cero cero uno dos tres"
    assert spell_digits("+44", "cy") == "pedwar pedwar"
    assert spell_digits("90", "ar") == "تسعة صفر"
    assert spell_digits("12", "ro") == "unu doi"  # from num2words
    assert spell_digits("12", "xx") == "1 2"


# --- the normaliser ----------------------------------------------------------------------------------

ENGLISH_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|hundred|thousand|"
    r"milligrams?|millilitres?|pounds|percent|o'clock|point)\b"
)


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "es",
            "Algunos médicos recetan 20 mg de prednisona al día durante 3 meses.",
            "Algunos médicos recetan veinte miligramos de prednisona al día durante tres meses.",
        ),
        ("es", "Llame al 900 123 456.", "Llame al nueve cero cero, uno dos tres, cuatro cinco seis."),
        ("es", "Abrimos de 9:00 a 17:30.", "Abrimos de nueve a diecisiete y treinta."),
        (
            "es",
            "Cuesta 15,50 € y el 25 % lo paga.",
            "Cuesta quince euros con cincuenta céntimos y el veinticinco por ciento lo paga.",
        ),
        ("es", "Tome 1 mg el 3 de marzo de 2024.", "Tome un miligramo el tres de marzo de dos mil veinticuatro."),
        ("es", "En 1998 había 1.500 pacientes.", "En mil novecientos noventa y ocho había mil quinientos pacientes."),
        ("es", "Tome 2-3 comprimidos, p. ej. con leche.", "Tome dos a tres comprimidos, por ejemplo con leche."),
        ("fr", "Prenez 20 mg à 9h30.", "Prenez vingt milligrammes à neuf heures trente."),
        ("fr", "Appelez le 01 23 45 67 89.", "Appelez le zéro un, deux trois, quatre cinq, six sept, huit neuf."),
        ("fr", "Le 1er mars 2025, 1 000 patients.", "Le premier mars deux mille vingt-cinq, mille patients."),
        ("de", "Nehmen Sie 20 mg um 9:00 Uhr ein.", "Nehmen Sie zwanzig Milligramm um neun Uhr ein."),
        ("de", "Termin am 3. März um 14.30 Uhr.", "Termin am dritten März um vierzehn Uhr dreißig."),
        ("de", "Tel. 030 1234567", "Telefon null drei null, eins zwei drei vier fünf sechs sieben"),
        ("pl", "Bierz 20 mg przez 3 miesiące.", "Bierz dwadzieścia miligramów przez trzy miesiące."),
        ("pl", "Przyjdź o 9:00, np. 3 marca.", "Przyjdź o dziewiątej, na przykład trzeciego marca."),
        (
            "pl",
            "Wypij 1,5 l wody i 2 kg, 5 kg.",
            "Wypij jeden przecinek pięć litra wody i dwa kilogramy, pięć kilogramów.",
        ),
        ("pl", "Wizyta kosztuje 150 zł.", "Wizyta kosztuje sto pięćdziesiąt złotych."),
        (
            "cy",
            "Ffoniwch 0300 123 4567 am 9:00.",
            "Ffoniwch dim tri dim dim, un dau tri, pedwar pump chwech saith am naw o'r gloch.",
        ),
        ("cy", "Mae'n costio £20.50.", "Mae'n costio dau ddeg punt pum deg ceiniog."),
        ("cy", "ar 3 Mawrth 2024", "ar y trydydd o Fawrth dwy fil dau ddeg pedwar"),
        ("cy", "2 mg, 1 kg, 3 kg", "dau filigram, un cilogram, tri chilogram"),
        ("ar", "تناول 20 mg لمدة 3 أشهر.", "تناول عشرون مليغرامًا لمدة ثلاثة أشهر."),
        ("ar", "يكلف ٢٠ € أو 25 %.", "يكلف عشرون يورو أو خمسة وعشرون بالمئة."),
        ("ar", "الساعة 9:00", "الساعة التاسعة صباحًا"),
    ],
)
def test_normalise_text(language: str, text: str, expected: str) -> None:
    assert normalise_text(text, language) == expected


SAMPLES = {
    "es": "Si tiene fiebre de 38 °C llame al 112. Cita: 12/03/2025 a las 10:15. Tome 500 mg (2 comprimidos) cada 8 h.",
    "fr": "En cas de fièvre à 38 °C, appelez le 15. Rendez-vous le 12/03/2025 à 10h15. 500 mg toutes les 8 h.",
    "de": "Bei 38 °C Fieber rufen Sie 112 an. Termin: 12.03.2025 um 10:15 Uhr. 500 mg alle 8 Stunden, 20 %.",
    "pl": "Przy gorączce 38 °C zadzwoń pod 112. Wizyta: 12.03.2025 o 10:15. 500 mg co 8 godzin, 20 %.",
    "cy": "Os oes gennych dymheredd o 38 °C, ffoniwch 111. Apwyntiad: 12/03/2025 am 10:15. 500 mg bob 8 awr.",
    "ar": "إذا كانت حرارتك 38 °C فاتصل بالرقم 999. الموعد: 12/03/2025 الساعة 10:15. تناول 500 mg كل 8 ساعات.",
}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_no_digits_and_no_english_number_words_remain(language: str) -> None:
    spoken = normalise_text(SAMPLES[language], language)
    assert not re.search(r"[0-9]", spoken), spoken
    assert not ENGLISH_WORDS.search(spoken), spoken


def test_english_is_left_to_the_english_rules() -> None:
    assert normalise_text("Take 20 mg.", "en-GB") == "Take 20 mg."


@given(
    st.text(alphabet=st.sampled_from(list("0123456789 .,:-/%€£$hHmgkl+zł٣abc\u00a0")), max_size=40),
    st.sampled_from(OTHERS),
)
def test_normalise_never_raises_and_leaves_no_digits(text: str, language: str) -> None:
    spoken = normalise_text(text, language)
    assert isinstance(spoken, str)
    assert not re.search(r"[0-9]", spoken), (text, spoken)


@given(st.text(max_size=60), st.sampled_from(OTHERS))
def test_normalise_is_idempotent_on_any_text(text: str, language: str) -> None:
    once = normalise_text(text, language)
    assert normalise_text(once, language) == once


def test_abbreviation_tables_for_the_splitter() -> None:
    assert "sra" in abbreviations("es").never_end
    assert "z.b" in abbreviations("de").never_end
    assert "np" in abbreviations("pl").never_end
    assert "nº" in abbreviations("es").before_number
    assert "nr" in abbreviations("pl").before_number
    assert "e.g" in abbreviations("tlh").never_end  # no catalogue: English's
    for language in OTHERS + ["en"]:
        tables = abbreviations(language)
        for word in tables.never_end | tables.before_number:
            assert word == word.lower().rstrip(".") and " " not in word, (language, word)


@pytest.mark.parametrize(
    ("language", "word", "value"),
    [
        ("es", "tres", 3),
        ("es", "una", 1),
        ("pl", "dwie", 2),
        ("cy", "tair", 3),
        ("de", "zwölf", 12),
        ("ar", "ثلاثة", 3),
    ],
)
def test_number_words_for_voice_commands(language: str, word: str, value: int) -> None:
    from audioguide.i18n.numbers import number_words

    words = number_words(language)
    assert words[word] == value
    assert len(set(words.values())) == 21


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "es",
            "Tome 20 mg/día o 5 mg/kg, 2 ml/h.",
            "Tome veinte miligramos al día o cinco miligramos por kilo, dos mililitros por hora.",
        ),
        ("fr", "10 mg/j et 1 mg/kg", "dix milligrammes par jour et un milligramme par kilo"),
        ("de", "20 mg/Tag", "zwanzig Milligramm pro Tag"),
        ("pl", "20 mg/dobę, 5 mg/kg", "dwadzieścia miligramów na dobę, pięć miligramów na kilogram"),
        ("cy", "20 mg/dydd", "dau ddeg miligram y dydd"),
        ("ar", "20 mg/يوم", "عشرون مليغرامًا يوميًا"),
        ("es", "La 2.ª dosis y el 3.º control.", "La segunda dosis y el tercer control."),
        ("es", "Quedó en 1.º.", "Quedó en primero."),
        ("fr", "La 1re dose, le 2e rappel, le 1er jour.", "La première dose, le deuxième rappel, le premier jour."),
    ],
)
def test_per_units_and_written_ordinals(language: str, text: str, expected: str) -> None:
    assert normalise_text(text, language) == expected


def test_english_says_what_the_english_speech_rules_say() -> None:
    """The English speller is num2words shaped to speech/numbers.py's British rules: the two agree."""
    from audioguide.speech import numbers as english

    for n in [*range(0, 3000), 10_000, 12_345, 100_001, 1_000_000, 2_500_000_017, 10**15 - 1, 10**15]:
        assert spell_number(n, "en") == english.cardinal(n), n
    for n in range(1, 1200):
        assert spell_ordinal(n, "en") == english.ordinal(n), n
    for n in range(0, 2200):
        assert spell_year(n, "en") == english.year(n), n
    for written in ("1,250", "2.5", ".5", "007", "0", "10.05"):
        assert spell_number(written, "en") == english.number(written), written


# --- phone numbers and what is not one ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # One unspaced run, cued or long enough to be nothing else: digit by digit, in threes.
        ("es", "Llame al 900123456.", "Llame al nueve cero cero, uno dos tres, cuatro cinco seis."),
        ("ar", "اتصل على 900123456", "اتصل على تسعة صفر صفر، واحد اثنان ثلاثة، أربعة خمسة ستة"),
        ("fr", "Appelez le 0123456789.", "Appelez le zéro un deux, trois quatre cinq, six sept huit neuf."),
        (
            "de",
            "Rufen Sie 08001234567 an.",
            "Rufen Sie null acht null, null eins zwei, drei vier fünf, sechs sieben an.",
        ),
        ("cy", "Ffoniwch 03001234567.", "Ffoniwch dim tri dim, dim un dau, tri pedwar pump, chwech saith."),
        ("pl", "Zadzwoń: 600700800.", "Zadzwoń: sześć zero zero, siedem zero zero, osiem zero zero."),
        # A leading 00 or + (the country), then the number.
        (
            "es",
            "Tel. 0034 912345678",
            "Teléfono cero cero tres cuatro, nueve uno dos, tres cuatro cinco, seis siete ocho",
        ),
        (
            "pl",
            "Zadzwoń 0048221234567.",
            "Zadzwoń zero zero cztery, osiem dwa dwa, jeden dwa trzy, cztery pięć sześć siedem.",
        ),
        (
            "es",
            "Llame al +34912345678.",
            "Llame al más tres cuatro nueve, uno dos tres, cuatro cinco seis, siete ocho.",
        ),
        ("fr", "Tél. : 01.23.45.67.89", "Téléphone: zéro un, deux trois, quatre cinq, six sept, huit neuf"),
        # Short service numbers after a cue.
        ("es", "Llame al 112.", "Llame al uno uno dos."),
        ("cy", "Ffoniwch 111.", "Ffoniwch un un un."),
    ],
)
def test_phone_numbers_are_read_digit_by_digit(language: str, text: str, expected: str) -> None:
    assert normalise_text(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "es",
            "Entre 1998-2005 hubo 1 000 casos.",
            "Entre mil novecientos noventa y ocho a dos mil cinco hubo mil casos.",
        ),
        ("es", "En 2025 tome 1.500 mg.", "En dos mil veinticinco tome mil quinientos miligramos."),
        ("es", "Tome 100000 unidades.", "Tome cien mil unidades."),
        ("de", "Seit 2020 sind es 1.000.000 Menschen.", "Seit zweitausendzwanzig sind es eine Million Menschen."),
        ("fr", "En 2024, 250 000 patients.", "En deux mille vingt-quatre, deux cent cinquante mille patients."),
        (
            "pl",
            "W latach 2019-2024 było 12 000 osób.",
            "W latach dwa tysiące dziewiętnaście do dwa tysiące dwadzieścia cztery było dwanaście tysięcy osób.",
        ),
        ("cy", "Yn 2024 roedd 3 000 o bobl.", "Yn dwy fil dau ddeg pedwar roedd tair mil o bobl."),
        ("ar", "في عام 2024 كان هناك 1500 مريض.", "في عام ألفان وأربعة وعشرون كان هناك ألف وخمسمائة مريض."),
    ],
)
def test_quantities_and_years_are_not_phone_numbers(language: str, text: str, expected: str) -> None:
    assert normalise_text(text, language) == expected


@pytest.mark.parametrize("language", OTHERS)
def test_a_written_leading_zero_is_read_digit_by_digit(language: str) -> None:
    from audioguide.i18n import spell_digits

    assert normalise_text("007", language) == spell_digits("007", language)


# --- numbers before nouns, and after the words that change them ------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # Polish: one agrees with the noun it counts, by the noun's ending.
        ("pl", "Weź 1 tabletkę rano.", "Weź jedną tabletkę rano."),
        ("pl", "Wystarczy 1 tabletka.", "Wystarczy jedna tabletka."),
        ("pl", "Kup 1 opakowanie i 1 lek.", "Kup jedno opakowanie i jeden lek."),
        ("pl", "Popij 1 łyżką wody.", "Popij jedną łyżką wody."),
        ("pl", "Weź 21 tabletek.", "Weź dwadzieścia jeden tabletek."),  # compound: invariable
        ("pl", "Rozdział 1.", "Rozdział jeden."),
        # Welsh: a number after am, i, o, ar, neu... takes the soft mutation; after a, tua, gyda the
        # aspirate one; five and six shorten before a noun.
        ("cy", "Cymerwch hwn am 3 mis.", "Cymerwch hwn am dri mis."),
        ("cy", "am 10 diwrnod", "am ddeg diwrnod"),
        ("cy", "o 5 diwrnod i 6 wythnos", "o bum diwrnod i chwe wythnos"),
        ("cy", "rhwng 2 a 3 gwaith", "rhwng dau a thri gwaith"),
        ("cy", "tua 3 mis neu 2 fis", "tua thri mis neu ddau fis"),
        ("cy", "Dewch am 2:00.", "Dewch am ddau o'r gloch."),
        ("cy", "Mae 5 yn ddigon.", "Mae pump yn ddigon."),
        (
            "cy",
            "Ffoniwch ni ar 0300 123 4567.",
            "Ffoniwch ni ar dim tri dim dim, un dau tri, pedwar pump chwech saith.",
        ),
        # Arabic: the quarter and half hours as people say them.
        ("ar", "الموعد 14:30.", "الموعد الساعة الثانية والنصف مساءً."),
        ("ar", "الساعة 9:15", "الساعة التاسعة والربع صباحًا"),
        ("ar", "الساعة 8:45", "الساعة التاسعة إلا ربعًا صباحًا"),
        ("ar", "الساعة 12:45", "الساعة الواحدة إلا ربعًا مساءً"),
        ("ar", "الساعة 10:10", "الساعة العاشرة وعشر دقائق صباحًا"),
    ],
)
def test_numbers_agree_with_the_words_around_them(language: str, text: str, expected: str) -> None:
    assert normalise_text(text, language) == expected


# --- addresses, "times", minutes and hours, abbreviations: what real guidance writes ----------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "de",
            "Schreiben Sie an info@example.de.",
            "Schreiben Sie an info ät example Punkt D E.",
        ),
        ("de", "Mehr unter www.example.de/hilfe-seite.", "Mehr unter example Punkt D E Schrägstrich hilfe seite."),
        (
            "de",
            "Mail an praxis_2@klinik-nord.de",
            "Mail an praxis Unterstrich zwei ät klinik Bindestrich nord Punkt D E",
        ),
        (
            "es",
            "Escriba a info@ejemplo.es o visite www.ejemplo.es/ayuda.",
            "Escriba a info arroba ejemplo punto E S o visite ejemplo punto E S barra ayuda.",
        ),
        ("fr", "Écrivez à contact@sante.fr.", "Écrivez à contact arobase sante point F R."),
        ("fr", "Voir https://www.sante.fr/aide", "Voir sante point F R slash aide"),
        ("pl", "Napisz: info@przyklad.pl", "Napisz: info małpa przyklad kropka P L"),
        ("pl", "Wejdź na gov.pl/zdrowie.", "Wejdź na gov kropka P L ukośnik zdrowie."),
        ("cy", "Ewch i llyw.cymru/iechyd.", "Ewch i llyw dot cymru slaes iechyd."),
        ("cy", "E-bost: help@enghraifft.cymru", "E-bost: help at enghraifft dot cymru"),
        ("ar", "راسلنا على info@example.com", "راسلنا على info آت example نقطة com"),
        # A long or machine-made address is named by its host, as a website unless the text says so already.
        ("de", "Siehe www.example.de/a/b/c?id=7", "Siehe die Website example Punkt D E"),
        ("de", "Auf der Website www.example.de/a/b/c?id=7", "Auf der Website example Punkt D E"),
        ("es", "Consulte www.ejemplo.es/a/b/c/d.", "Consulte la web ejemplo punto E S."),
        # The digits in an address are read one by one, in the language.
        ("es", "Visite www.salud24.es", "Visite salud dos cuatro punto E S"),
    ],
)
def test_email_and_web_addresses_are_read_in_the_language(language: str, text: str, expected: str) -> None:
    assert normalise_text(text, language) == expected


def test_english_address_words_in_the_catalogue_are_the_ones_english_says() -> None:
    from audioguide.speech.addresses import ENGLISH

    english = messages("en")
    for key in ("at", "dot", "slash", "dash", "underscore", "plus", "website"):
        assert english.raw(f"addresses.{key}") == getattr(ENGLISH, key), key


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "Nehmen Sie 500 mg 2 x täglich.", "Nehmen Sie fünfhundert Milligramm zweimal täglich."),
        ("de", "1 x täglich, 3× pro Woche", "einmal täglich, dreimal pro Woche"),
        ("de", "1-mal täglich, 2-mal pro Woche, 3mal, 4 mal", "einmal täglich, zweimal pro Woche, dreimal, viermal"),
        ("de", "2-3 x täglich", "zwei bis dreimal täglich"),
        ("de", "2 x 500 mg", "zweimal fünfhundert Milligramm"),
        ("es", "Tome 2 x al día.", "Tome dos veces al día."),
        ("es", "1 x al día, 21 x", "una vez al día, veintiuna veces"),
        ("es", "1-2 x al día", "una a dos veces al día"),
        ("fr", "2 x par jour, 1 x par semaine", "deux fois par jour, une fois par semaine"),
        ("pl", "2 x dziennie, 1 x dziennie, 5 x w tygodniu", "dwa razy dziennie, raz dziennie, pięć razy w tygodniu"),
        ("cy", "2 x y dydd, 1 x, 3 x, 4 x, 5 x", "dwywaith y dydd, unwaith, teirgwaith, pedair gwaith, pum gwaith"),
        ("ar", "تناول 2 x يوميًا أو 1 x أسبوعيًا", "تناول مرتين يوميًا أو مرة واحدة أسبوعيًا"),
        ("ar", "3 x يوميًا", "ثلاثة مرات يوميًا"),
        # The sign between two numbers too: "10 × 20 cm".
        ("fr", "10 × 20 cm", "dix fois vingt centimètres"),
    ],
)
def test_the_multiplication_sign_after_a_number_is_said_times(language: str, text: str, expected: str) -> None:
    assert normalise_text(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "Ein 5-jähriges Kind, 3-tägig, 1-jährig", "Ein fünfjähriges Kind, dreitägig, einjährig"),
        ("de", "Typ-2-Diabetes und COVID-19", "Typ zwei Diabetes und COVID neunzehn"),
        ("es", "la COVID-19", "la COVID diecinueve"),
        ("de", "Wir sind 24/7 erreichbar.", "Wir sind rund um die Uhr erreichbar."),
        ("es", "Abierto 24/7, 7 días.", "Abierto las veinticuatro horas, siete días."),
        ("fr", "Ouvert 24/7.", "Ouvert vingt-quatre heures sur vingt-quatre."),
        ("pl", "Czynne 24/7.", "Czynne całą dobę."),
        ("ar", "متاح 24/7", "متاح على مدار الساعة"),
    ],
)
def test_compounds_and_round_the_clock(language: str, text: str, expected: str) -> None:
    assert normalise_text(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "de",
            "Warten Sie 20 Min. und ruhen Sie 2 Std. aus.",
            "Warten Sie zwanzig Minuten und ruhen Sie zwei Stunden aus.",
        ),
        ("de", "Es dauert 5-10 Min.", "Es dauert fünf bis zehn Minuten."),
        ("de", "1 Min., 30 Sek.", "eine Minute, dreißig Sekunden."),  # the sentence's full stop stays
        ("es", "Espere 20 min y descanse 2 h.", "Espere veinte minutos y descanse dos horas."),
        ("fr", "Attendez 20 min, puis 1 min.", "Attendez vingt minutes, puis une minute."),
        ("pl", "Odczekaj 20 min, 2 min, 3 godz.", "Odczekaj dwadzieścia minut, dwie minuty, trzy godziny."),
        ("pl", "o godz. 8:30", "o godzinie ósmej trzydzieści"),
        ("cy", "Arhoswch 20 mun neu 2 awr.", "Arhoswch dau ddeg munud neu ddwy awr."),
        ("ar", "انتظر 20 min", "انتظر عشرون دقيقة"),
        ("de", "2 x täglich 1 Tbl.", "zweimal täglich eine Tablette."),
        ("pl", "3 tabl. dziennie", "trzy tabletki dziennie"),
        ("fr", "1 cp matin et soir", "un comprimé matin et soir"),
        # A time written with a full stop, after a word of time or with its "h".
        ("es", "a las 8.30 h o a las 9.15", "a las ocho y treinta o a las nueve y quince"),
        ("de", "um 8.30 beginnt es", "um acht Uhr dreißig beginnt es"),
        ("pl", "od 8.30 do 15.00", "od ósmej trzydzieści do piętnastej"),
        # ... but a decimal stays a decimal.
        ("es", "Mide 8,30 m", "Mide ocho coma treinta m"),
    ],
)
def test_minutes_hours_and_tablets_after_a_number(language: str, text: str, expected: str) -> None:
    assert normalise_text(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "(s. Kap. 3)", "(siehe Kapitel drei)"),
        (
            "de",
            "Siehe S. 12, vgl. Abs. 2, ggf. bzw. u. U.",
            "Siehe Seite zwölf, vergleiche Absatz zwei, gegebenenfalls beziehungsweise unter Umständen.",
        ),
        ("de", "Obst, Gemüse usw.", "Obst, Gemüse und so weiter."),
        ("de", "v. a. abends, i. d. R. mind. 2", "vor allem abends, in der Regel mindestens zwei"),
        ("es", "Ver pág. 12 y núm. 3, etc.", "Ver página doce y número tres, etcétera."),
        ("es", "la Dra. López y el Sr. Pérez", "la doctora López y el señor Pérez"),
        ("es", "Tome aprox. 3 veces, máx. 4", "Tome aproximadamente tres veces, máximo cuatro"),
        ("fr", "n° 5, c.-à-d. env. 3", "numéro cinq, c'est-à-dire environ trois"),
        ("fr", "Mme Dupont, M. Durand, p. ex. demain", "madame Dupont, monsieur Durand, par exemple demain"),
        ("pl", "np. tzn. ul. Długa", "na przykład to znaczy ulica Długa"),
        ("pl", "zob. rozdz. 3, itd.", "zobacz rozdział trzy, i tak dalej."),
        ("cy", "gw. tud. 4, e.e. h.y.", "gweler tudalen pedwar, er enghraifft hynny yw."),
        ("ar", "الحمى والصداع إلخ", "الحمى والصداع إلى آخره"),
        # A word that only looks like an abbreviation is left alone ("lek" is Polish for a medicine).
        ("pl", "Kup 1 lek.", "Kup jeden lek."),
    ],
)
def test_abbreviations_are_said_as_words(language: str, text: str, expected: str) -> None:
    assert normalise_text(text, language) == expected


@pytest.mark.parametrize(
    ("language", "paragraph", "sentences"),
    [
        ("de", "Mehr dazu (s. Kap. 3) finden Sie dort.", 1),
        ("de", "Das gilt u. U. auch für Kinder, v. a. nachts.", 1),
        ("de", "Ab dem 3. Tag wirkt es. Nach der 2. Impfung ruhen.", 2),
        ("de", "Nehmen Sie 2. Danach ruhen Sie.", 2),
        ("es", "Vea la pág. 3 o el núm. 4 de la Dra. Ruiz.", 1),
        ("fr", "Voir le n° 3, c.-à-d. le chap. 2.", 1),
        ("pl", "Zob. rozdz. 3, tzn. ul. Długą.", 1),
        ("cy", "Gw. tud. 4 am fwy.", 1),
    ],
)
def test_abbreviations_do_not_end_a_sentence(language: str, paragraph: str, sentences: int) -> None:
    from audioguide.speech import split_sentences

    assert len(split_sentences(paragraph, abbreviations(language))) == sentences


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "Das 2. Kapitel", "Das zweite Kapitel"),
        ("de", "Ab dem 3. Tag, im 2. Lebensjahr", "Ab dem dritten Tag, im zweiten Lebensjahr"),
        ("de", "Nach der 2. Impfung kommt die 3. Dosis.", "Nach der zweiten Impfung kommt die dritte Dosis."),
        ("de", "Nehmen Sie 1 Tablette oder 1 Glas Wasser.", "Nehmen Sie eine Tablette oder ein Glas Wasser."),
        ("de", "nach 1 Woche, für 1 Tag", "nach einer Woche, für einen Tag"),
        ("de", "1–2 Tabletten, Schritt 1 von 3", "ein bis zwei Tabletten, Schritt eins von drei"),
        ("es", "1 comprimido o 1 cápsula durante 21 días", "un comprimido o una cápsula durante veintiún días"),
        ("es", "El paso 1 consiste en 31 semanas.", "El paso uno consiste en treinta y una semanas."),
        ("cy", "2 awr, 3 wythnos, 2 ddiwrnod", "dwy awr, tair wythnos, dau ddiwrnod"),
    ],
)
def test_ordinals_and_one_before_a_noun(language: str, text: str, expected: str) -> None:
    assert normalise_text(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("es", "Tome 1 1/2 comprimidos.", "Tome uno y medio comprimidos."),
        ("es", "Tome 1/2 comprimido o 3/4 de vaso.", "Tome medio comprimido o tres cuartos de vaso."),
        ("es", "Beba 1½ vasos.", "Beba uno y medio vasos."),
        (
            "de",
            "Nehmen Sie 1 1/2 Tabletten oder 2 1/2 Tabletten.",
            "Nehmen Sie eineinhalb Tabletten oder zweieinhalb Tabletten.",
        ),
        ("de", "Trinken Sie ¾ Liter.", "Trinken Sie drei Viertel Liter."),
        ("fr", "Prenez ½ comprimé.", "Prenez un demi comprimé."),
        ("pl", "Weź 1 1/2 tabletki albo 2/3 szklanki.", "Weź półtora tabletki albo dwie trzecie szklanki."),
        ("pl", "Odpocznij 2 1/2 godziny.", "Odpocznij dwa i pół godziny."),
        ("cy", "Cymerwch 1 1/2 tabled.", "Cymerwch un a hanner tabled."),
        ("ar", "خذ 1 1/2 قرص أو ¼ ملعقة.", "خذ واحد ونصف قرص أو ربع ملعقة."),
        # A date stays a date, and a phone number a phone number.
        ("es", "Cita el 1/2/2025.", "Cita el uno de febrero de dos mil veinticinco."),
    ],
)
def test_halves_thirds_and_quarters_are_one_amount(language: str, text: str, expected: str) -> None:
    """Read digit by digit, "1 1/2" would be "one, one, two": a dose must be said as one amount."""
    assert normalise_text(text, language) == expected
