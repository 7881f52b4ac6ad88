"""Redaction of private text before it is stored in samples or written into reports.

Review samples and weekly reports show real prompts and responses, which may carry users' e-mail
addresses, phone numbers, card numbers, IP addresses or secrets. By default every stored text
passes through ``redact`` (the ``store_raw_text`` setting turns that off, explicitly). Each kind
is replaced by a typed placeholder such as ``[EMAIL]`` so a reviewer still sees what was there.

Patterns are deliberately broad (a false redaction costs a reviewer a few characters; a missed
one leaks data). Card numbers are confirmed with the Luhn checksum so that long order ids and
timestamps survive.
"""

from __future__ import annotations

import re

__all__ = ["redact", "REDACTION_KINDS"]

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SECRET = re.compile(
    r"\b(?:"
    r"sk-[A-Za-z0-9_-]{16,}"  # OpenAI-style keys
    r"|(?:AKIA|ASIA)[A-Z0-9]{16}"  # AWS access key ids
    r"|gh[pousr]_[A-Za-z0-9]{30,}"  # GitHub tokens
    r"|xox[abprs]-[A-Za-z0-9-]{10,}"  # Slack tokens
    r"|AIza[0-9A-Za-z_-]{35}"  # Google API keys
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"  # JWTs
    r")"
    r"|(?i:\b(?:api[_-]?key|secret|token|password|passwd|bearer)\b[\"']?\s*[:=]?\s*[\"']?)[A-Za-z0-9_\-./+=]{12,}"
)
_IPV4 = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_PHONE = re.compile(r"(?<![\w+(])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,5}){1,4}(?![\w-])|(?<![\w+])\+\d{8,15}\b")
_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4}")

REDACTION_KINDS = ("EMAIL", "SECRET", "CARD", "IP", "PHONE")


def _luhn_ok(digits: str) -> bool:
    total, parity = 0, len(digits) % 2
    for i, ch in enumerate(digits):
        d = ord(ch) - 48
        if i % 2 == parity:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "[CARD]" if 13 <= len(digits) <= 19 and _luhn_ok(digits) else match.group(0)


def _phone(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = re.sub(r"\D", "", found)
    marked = found.startswith(("+", "("))  # an international or area prefix says "phone"
    if _DATE.search(found) or not (7 if marked else 9) <= len(digits) <= 15:
        return found
    return "[PHONE]"


def _ipv6(match: re.Match[str]) -> str:
    found = match.group(0)
    # "::" or many groups: an address; two colons alone are a clock time such as 12:00:00.
    if ("::" in found or found.count(":") >= 5) and any(c.isdigit() for c in found):
        return "[IP]"
    return found


_DIGIT = re.compile(r"\d")
#: Every _SECRET match contains one of these (lower-cased): a cheap test before the costly scan.
_SECRET_MARKERS = ("sk-", "akia", "asia", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox", "aiza", "eyj",
                   "api", "secret", "token", "passw", "bearer")


def redact(text: str) -> str:
    """``text`` with e-mail addresses, secrets, card numbers, IP addresses and phone numbers replaced.

    Each pattern runs only where it can match (an address needs "@", a secret one of its markers,
    cards, IPs and phone numbers a digit): most prose has none, and the full scan of a 100-character
    text costs ~60 µs.
    """
    if not text:
        return text
    if "@" in text:
        text = _EMAIL.sub("[EMAIL]", text)
    low = text.lower()
    if any(marker in low for marker in _SECRET_MARKERS):
        text = _SECRET.sub("[SECRET]", text)
    if _DIGIT.search(text) is None:
        return text
    text = _CARD.sub(_card, text)
    text = _IPV4.sub("[IP]", text)
    if ":" in text:
        text = _IPV6.sub(_ipv6, text)
    return _PHONE.sub(_phone, text)
