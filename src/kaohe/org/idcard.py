"""The 18-digit resident ID number (GB 11643): format and ISO 7064 MOD 11-2 check digit."""

import datetime as dt
import re

from django.utils.translation import gettext as _

from kaohe.core.errors import ApplicationError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PATTERN = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    value = value.strip().upper()
    if not PATTERN.match(value):
        raise ApplicationError(_("An ID number has 17 digits and a final digit or X."), field="id_number")
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise ApplicationError(_("The birth date inside the ID number is not a real date."), field="id_number") from exc
    if check_char(value[:17]) != value[17]:
        raise ApplicationError(_("The ID number's check digit is wrong; please check it."), field="id_number")
