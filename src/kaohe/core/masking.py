"""How personal data is shown when the viewer may not see it in full (PIPL; 等保 G2)."""


def mask_id_number(value: str) -> str:
    """First 3 and last 4 characters of a 身份证号: 110***********1234."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """138****1234."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张*三 / 张* — used on 公示 pages inside the organ."""
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
