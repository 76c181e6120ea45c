"""Masking of personal data shown on pages, exports and certificates."""


def mask_id_number(id_number: str | None) -> str:
    """Keep the first 6 and last 4 characters: 152627********123X."""
    if not id_number:
        return ""
    if len(id_number) <= 10:
        return id_number[:2] + "*" * max(len(id_number) - 4, 1) + id_number[-2:]
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_phone(phone: str | None) -> str:
    """Keep the first 3 and last 4 digits: 138****0000."""
    if not phone:
        return ""
    if len(phone) < 8:
        return phone[:1] + "*" * (len(phone) - 1)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str:
    """Keep the family name only: 张三 -> 张*, 欧阳娜娜 -> 欧***; latin names keep the initial."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)
