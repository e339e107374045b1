"""Validate and normalise the identifiers the desk handles (DOMAIN.md §3).

Every function takes text as an officer typed or pasted it (full-width digits from a
Japanese IME, spaces, hyphens of several kinds) and either returns the stored form
or raises :class:`SosaError` naming the value and what is wrong with it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final, Literal

from sosa_cli.errors import SosaError
from sosa_cli.i18n import _

__all__ = [
    "ACCEPTANCE_WORKING_DAYS",
    "COUNTRIES",
    "PROGRAM_CODES",
    "cage",
    "corporate_check_digit",
    "corporate_number",
    "country",
    "dpas_rating",
    "email",
    "fsc",
    "is_us_cage",
    "ncage",
    "nsn",
    "nsn_class",
    "phone",
    "psc",
    "rating_symbol",
    "supplier_code",
]

# Characters people type or paste for a hyphen: ASCII, the Unicode hyphens and dashes,
# the minus sign, and the katakana long-vowel mark a Japanese IME often produces instead.
_DASHES: Final = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc"
_DASH_TO_HYPHEN: Final = str.maketrans({c: "-" for c in _DASHES})
_SEPARATORS: Final = re.compile(rf"[\s{re.escape(_DASHES)}]+")


def _text(value: object) -> str:
    """NFKC-normalised, stripped text: full-width letters, digits and spaces become ASCII."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _compact(value: object) -> str:
    """``_text`` with every space and hyphen removed."""
    return _SEPARATORS.sub("", _text(value))


def _first_non_digit(text: str) -> str:
    return next(c for c in text if c not in "0123456789")


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit() also accepts "²" or Arabic-Indic digits; only 0-9 are identifiers.
    return text.isascii() and text.isdigit()


# --- 法人番号 -------------------------------------------------------------------------


def corporate_check_digit(base12: str) -> int:
    """The check digit (1–9) of a 法人番号 from its 12-digit base.

    法人番号の指定等に関する省令（平成26年財務省令第70号）第2条 (DOMAIN.md §3):
    9 − (Σ Pn×Qn mod 9), Pn the n-th digit counted from the right, Qn 1 if n is odd else 2.
    """
    base = _compact(base12)
    if len(base) != 12 or not _is_ascii_digits(base):
        raise SosaError(_('法人番号 base "{value}": must be 12 digits').format(value=base12))
    total = sum(int(c) * (1 if n % 2 else 2) for n, c in enumerate(reversed(base), start=1))
    return 9 - total % 9


def corporate_number(value: str) -> str:
    """The 13 ASCII digits of a 法人番号, or SosaError if the length or check digit is wrong.

    A mod-9 check cannot see a 0 typed as 9 (or 9 as 0): such a typo passes.
    """
    digits = _compact(value)
    if not digits:
        raise SosaError(_("no 法人番号 given: give its 13 digits, e.g. 7000012050002"))
    if digits[0] in "Tt" and len(digits) == 14 and _is_ascii_digits(digits[1:]):
        raise SosaError(
            _('法人番号 "{value}": only digits are allowed, not "{character}"').format(value=value, character=digits[0]),
            hint=_("an invoice registration number (登録番号) is T + 法人番号: drop the T"),
        )
    if not _is_ascii_digits(digits):
        raise SosaError(_('法人番号 "{value}": only digits are allowed, not "{character}"').format(value=value, character=_first_non_digit(digits)))
    if len(digits) != 13:
        raise SosaError(_("法人番号 {value}: must be 13 digits, not {n}").format(value=digits, n=len(digits)))
    expected = corporate_check_digit(digits[1:])
    if int(digits[0]) != expected:
        raise SosaError(_("法人番号 {value}: check digit should be {expected}, not {given}").format(value=digits, expected=expected, given=digits[0]))
    return digits


# --- NCAGE / CAGE ---------------------------------------------------------------------


def ncage(value: str) -> str:
    """A CAGE or NCAGE code, upper-cased: exactly 5 of A–Z and 0–9."""
    code = _text(value).upper()
    if not code:
        raise SosaError(_("no NCAGE code given: give its 5 letters or digits, e.g. 1ABC5"))
    bad = next((c for c in code if not ("A" <= c <= "Z" or "0" <= c <= "9")), None)
    if bad is not None:
        raise SosaError(_('NCAGE "{value}": only A–Z and 0–9 are allowed, not "{character}"').format(value=value, character=bad))
    if len(code) != 5:
        raise SosaError(_('NCAGE "{value}": must be 5 characters, not {n}').format(value=code, n=len(code)))
    return code


def is_us_cage(code: str) -> bool:
    """True for a US CAGE code: digit, 3 letters or digits, digit (NCAGE codes of other nations differ)."""
    try:
        normalised = ncage(code)
    except SosaError:
        return False
    return re.fullmatch(r"[0-9][A-Z0-9]{3}[0-9]", normalised) is not None


# The form of a US CAGE code: a digit, three letters or digits, a digit (DOMAIN.md §3).
# DLA leaves the letters I and O out of CAGE codes, so that they are not read as 1 and 0.


def cage(value: str) -> str:
    """A US supplier's CAGE code: digit, three letters or digits, digit; no I or O."""
    code = ncage(value)
    if not is_us_cage(code):
        raise SosaError(
            _(
                'CAGE "{value}" does not have the form of a US CAGE code: a digit, three letters or digits, and a digit, as 1ABC2 or 81755; '
                "for a supplier outside the US give --supplier-country and its NCAGE code"
            ).format(value=code)
        )
    letter = next((c for c in code if c in "IO"), None)
    if letter is not None:
        raise SosaError(
            _('CAGE "{value}": a US CAGE code has no letter {letter} (I and O are not used, to be told from 1 and 0)').format(value=code, letter=letter)
        )
    return code


def supplier_code(value: str, country_code: str | None) -> str:
    """A supplier's code for its country: a US CAGE code for the US (or no country given),
    else an NCAGE code, which a nation other than the US never issues in the US form."""
    if country_code in (None, "US"):
        return cage(value)
    code = ncage(value)
    if is_us_cage(code):
        raise SosaError(
            _(
                'NCAGE "{value}" has the form of a US CAGE code, which only the US issues: a supplier in {country} '
                "has an NCAGE code of its own country; drop --supplier-country if the supplier is in the US"
            ).format(value=code, country=country_code)
        )
    return code


# ISO 3166-1 alpha-2: the codes officially assigned (249 countries and territories).
COUNTRIES: Final = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
    KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT
    MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
    UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()
)
# Codes people write for a country that ISO 3166 gives another code.
_COUNTRY_HINTS: Final = {"UK": "GB", "EN": "GB", "JA": "JP", "USA": "US"}


def country(value: str) -> str:
    """An ISO 3166-1 alpha-2 country code, upper-cased: ``gb`` → ``GB``."""
    code = _text(value).upper()
    if not code:
        raise SosaError(_("no country given: give its ISO 3166 two-letter code, e.g. GB"))
    if code in _COUNTRY_HINTS:
        raise SosaError(_('country "{value}": the ISO 3166 code is {code}').format(value=value, code=_COUNTRY_HINTS[code]))
    if code not in COUNTRIES:
        raise SosaError(_('country "{value}" is not an ISO 3166 two-letter code (e.g. US, GB, JP, DE)').format(value=value))
    return code


# --- NSN and supply class -------------------------------------------------------------


def nsn(value: str) -> str:
    """A National Stock Number as 4-2-3-4 (``5935-01-234-5678``), from 13 digits with or without hyphens."""
    digits = _compact(value)
    if not digits:
        raise SosaError(_("no NSN given: give its 13 digits, e.g. 5935-01-234-5678"))
    if not _is_ascii_digits(digits):
        raise SosaError(_('NSN "{value}": only digits are allowed, not "{character}"').format(value=value, character=_first_non_digit(digits)))
    if len(digits) == 9:
        raise SosaError(
            _("NSN {value}: must be 13 digits, not {n}").format(value=digits, n=9),
            hint=_("that looks like a NIIN: put the 4-digit supply class (FSC) in front"),
        )
    if len(digits) != 13:
        raise SosaError(_("NSN {value}: must be 13 digits, not {n}").format(value=digits, n=len(digits)))
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:9]}-{digits[9:]}"


def nsn_class(value: str) -> str:
    """The federal supply class (FSC), the first 4 digits of an NSN."""
    return nsn(value)[:4]


def fsc(value: str) -> str:
    """A 4-digit federal supply class (FSC/NSC), e.g. ``5935``."""
    code = _text(value)
    if not code:
        raise SosaError(_("no supply class given: give its 4 digits, e.g. 5935"))
    if not _is_ascii_digits(code):
        raise SosaError(_('supply class "{value}": only digits are allowed, not "{character}"').format(value=value, character=_first_non_digit(code)))
    if len(code) != 4:
        raise SosaError(_("supply class {value}: must be 4 digits, not {n}").format(value=code, n=len(code)))
    return code


def psc(value: str) -> str:
    """A service's product and service code (PSC), e.g. ``J015``: a letter and three
    letters or digits, upper-cased.

    A PSC of four digits names a product: it is the supply class (FSC) of a part, given
    as an FSC. The PSC Manual's service codes begin with a letter (J maintenance and
    repair, H quality control and testing, R professional services, A research).
    """
    code = _compact(value).upper()
    if not code:
        raise SosaError(_("no service code given: give its PSC, a letter and three letters or digits, e.g. J015"))
    if _is_ascii_digits(code) and len(code) == 4:
        raise SosaError(_("PSC {value} is a supply class (FSC) of parts: give it as an FSC; a service code begins with a letter, e.g. J015").format(value=code))
    if len(code) != 4 or not code.isascii() or not code.isalnum() or not code[0].isalpha():
        raise SosaError(_('service code "{value}" is not a PSC: a letter and three letters or digits, e.g. J015').format(value=value))
    return code


# --- DPAS ratings ---------------------------------------------------------------------

# Program identification symbols of 15 CFR 700 Schedule I (as revised in 2024) that the
# SoSA desk meets: the DoD programs, military assistance to foreign nations, co-production,
# and H7. Canada has its own symbols (D1-D3), so a Japanese order is a G-program
# (most likely G2 or G3, DOMAIN.md §2).
PROGRAM_CODES: Final[dict[str, str]] = {
    "A1": "Aircraft",
    "A2": "Missiles and space",
    "A3": "Ships",
    "A4": "Tank-automotive",
    "A5": "Weapons",
    "A6": "Ammunition",
    "A7": "Electronic and communications equipment",
    "B1": "Military building supplies",
    "B8": "Production equipment (for defense contractor's account)",
    "B9": "Production equipment (Government owned)",
    "C2": "Department of Defense construction",
    "C3": "Maintenance, repair, and operating supplies (MRO) for Department of Defense facilities",
    "C9": "Miscellaneous",
    "G1": "Certain munitions items purchased by foreign governments through domestic commercial channels for export",
    "G2": "Certain direct defense needs of foreign governments other than Canada",
    "G3": "Foreign nations (other than Canada) production and construction",
    "G4": "Foreign critical infrastructure programs",
    "H7": "Maintenance, repair, and operating supplies (MRO)",
    "J1": "Co-production program",
}

# 15 CFR 700.13(d): a supplier must accept or reject a rated order within 15 working days
# of receiving a DO order and 10 working days of a DX order.
ACCEPTANCE_WORKING_DAYS: Final[dict[str, int]] = {"DO": 15, "DX": 10}


def _runs(codes: list[str]) -> str:
    """``A1, A2, A3, B1, B8`` → ``A1–A3, B1, B8``: a short list for error messages."""
    groups: list[list[str]] = []
    for code in sorted(codes):
        last = groups[-1][-1] if groups else ""
        if last and last[0] == code[0] and int(code[1]) == int(last[1]) + 1:
            groups[-1].append(code)
        else:
            groups.append([code])
    return ", ".join(f"{g[0]}–{g[-1]}" if len(g) > 2 else ", ".join(g) for g in groups)


_VALID_PROGRAMS: Final = _runs(sorted(PROGRAM_CODES))


def dpas_rating(value: str) -> str:
    """A DPAS priority rating as ``DO-A1`` / ``DX-G2`` from ``do-a1``, ``DO A1`` or ``DOA1``."""
    compact = _compact(value).upper()
    if not compact:
        raise SosaError(_("no DPAS rating given: give DO or DX and a program code, e.g. DO-A1"))
    match = re.fullmatch(r"([A-Z]{2})([A-Z][0-9])", compact)
    if match is None:
        raise SosaError(_('DPAS rating "{value}": write DO or DX and a program code, e.g. DO-A1 or DX-G2').format(value=value))
    symbol, program = match.groups()
    if symbol not in ACCEPTANCE_WORKING_DAYS:
        raise SosaError(_('DPAS rating "{value}": the symbol must be DO or DX, not {symbol}').format(value=value, symbol=symbol))
    if program not in PROGRAM_CODES:
        raise SosaError(
            _('DPAS rating "{value}": {program} is not a program code (valid: {valid})').format(value=value, program=program, valid=_VALID_PROGRAMS)
        )
    return f"{symbol}-{program}"


def rating_symbol(rating: str) -> Literal["DO", "DX"]:
    """``DO`` or ``DX``: DX outranks DO (15 CFR 700.11)."""
    return "DX" if dpas_rating(rating).startswith("DX") else "DO"


# --- contacts -------------------------------------------------------------------------

_DOMAIN_LABEL: Final = re.compile(r"(?:[^\W_]|-)+")


def email(value: str) -> str:
    """A practical e-mail check: one @, a local part, a dotted domain, no spaces; domain lower-cased."""
    text = _text(value)
    if not text:
        raise SosaError(_("no e-mail address given"))
    if re.search(r"\s", text):
        raise SosaError(_('"{value}" is not an e-mail address: it contains a space').format(value=text))
    ats = text.count("@")
    if ats != 1:
        if ats == 0:
            raise SosaError(_('"{value}" is not an e-mail address: it has no @').format(value=text))
        raise SosaError(_('"{value}" is not an e-mail address: it has {n} @ signs').format(value=text, n=ats))
    local, domain = text.split("@")
    if not local:
        raise SosaError(_('"{value}" is not an e-mail address: nothing before the @').format(value=text))
    bad = next((c for c in local if c in '<>()[],;:\\"'), None)
    if bad is not None:
        raise SosaError(_('"{value}" is not an e-mail address: "{character}" before the @').format(value=text, character=bad))
    if "." not in domain:
        raise SosaError(_('"{value}" is not an e-mail address: the domain "{domain}" has no dot').format(value=text, domain=domain))
    if not all(_DOMAIN_LABEL.fullmatch(label) for label in domain.split(".")):
        raise SosaError(_('"{value}" is not an e-mail address: "{domain}" is not a domain name').format(value=text, domain=domain))
    return f"{local}@{domain.lower()}"


def phone(value: str) -> str:
    """A phone number as typed (full-width made ASCII): digits, spaces, hyphens, parentheses, leading +."""
    text = re.sub(r"\s+", " ", _text(value).translate(_DASH_TO_HYPHEN))
    if not text:
        raise SosaError(_("no phone number given"))
    bad = next((c for c in text if c not in "0123456789 -()+"), None)
    if bad is not None:
        raise SosaError(_('phone number "{value}": "{character}" is not allowed (digits, spaces, - ( ) and a leading +)').format(value=text, character=bad))
    if "+" in text[1:]:
        raise SosaError(_('phone number "{value}": + may only come first').format(value=text))
    count = sum(c.isdigit() for c in text)
    if count < 6:
        raise SosaError(_('phone number "{value}": needs at least 6 digits, has {n}').format(value=text, n=count))
    # ITU-T E.164: an international number has at most 15 digits.
    if count > 15:
        raise SosaError(_('phone number "{value}": has {n} digits, more than the 15 a number can have').format(value=text, n=count))
    return text
