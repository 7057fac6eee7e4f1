"""Web addresses and email addresses, read aloud the way a careful narrator reads them.

"www.gov.uk/apply-blue-badge" -> "gov dot U K slash apply blue badge"; the scheme and "www" are
left out; a long or machine-made path is shortened to "the gov dot U K website". The rules are
``audioguide.i18n.addresses``'s, with English's words and digits.
"""

from __future__ import annotations

from audioguide.i18n import addresses as _rules
from audioguide.i18n.addresses import DOMAIN, EMAIL, TLDS, URL, split_trailing
from audioguide.speech import numbers as num

__all__ = ["DOMAIN", "EMAIL", "ENGLISH", "TLDS", "URL", "say_address", "say_email", "say_host", "split_trailing"]

ENGLISH = _rules.AddressWords()
"""English's words for the parts of an address."""


def say_host(host: str) -> str:
    """A host name: "nhs.uk" -> "N H S dot U K"."""
    return _rules.say_host(host, ENGLISH, num.digits)


def say_address(address: str, before: str = "", after: str = "") -> str:
    """Speak a web address (no trailing sentence punctuation); ``before`` and ``after`` are the text
    around it (a shortened address says "website" only when the sentence does not already)."""
    return _rules.say_address(address, before, after, ENGLISH, num.digits)


def say_email(address: str) -> str:
    """Speak an email address: "help-line@ibm.org.uk" -> "help dash line at ibm dot org dot U K"."""
    return _rules.say_email(address, ENGLISH, num.digits)
