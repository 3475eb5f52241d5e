"""A text field stored encrypted through the crypto provider; reads decrypt, raw SQL sees ciphertext."""

from typing import Any

from django.db import models

from kaohe.core.crypto import provider


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Encrypted at rest. Filter with the blind index next to it, never on this column."""

    def __init__(self, *args: Any, context: str = "", **kwargs: Any) -> None:
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return provider().decrypt(value, context=self.context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return provider().encrypt(str(value), context=self.context)
