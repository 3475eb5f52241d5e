"""Field encryption, blind indexes and hashing behind one provider interface (密评).

The software provider uses SM4-GCM (GB/T 32907) or AES-GCM and HMAC-SM3 (GB/T 32905) from
`cryptography`/OpenSSL. A certified cryptographic module (密码机/KMS) replaces it by implementing
`CryptoProvider`. Keys live in a key file or the environment, never in the database.

Ciphertext format: ``v1.<key id>.<base64(nonce ‖ ciphertext ‖ tag)>``; the field name is bound
as associated data, so a value copied into another column fails to decrypt.
"""

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

NONCE_BYTES = 12
TAG_BYTES = 16


class KeyError_(Exception):
    """Keys are missing, malformed, or a ciphertext was made with an unknown key."""


class CryptoProvider(Protocol):
    def encrypt(self, plaintext: str, *, context: str) -> str: ...
    def decrypt(self, token: str, *, context: str) -> str: ...
    def encrypt_bytes(self, data: bytes, *, context: str) -> bytes: ...
    def decrypt_bytes(self, blob: bytes, *, context: str) -> bytes: ...
    def blind_index(self, value: str, *, context: str) -> str: ...


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


@dataclass(frozen=True)
class KeyRing:
    active: str
    data_keys: dict[str, bytes]
    index_key: bytes

    @classmethod
    def generate(cls) -> "KeyRing":
        return cls(active="k1", data_keys={"k1": os.urandom(16)}, index_key=os.urandom(32))

    @classmethod
    def from_json(cls, text: str) -> "KeyRing":
        raw = json.loads(text)
        return cls(
            active=raw["active"],
            data_keys={kid: base64.b64decode(k) for kid, k in raw["data_keys"].items()},
            index_key=base64.b64decode(raw["index_key"]),
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "active": self.active,
                "data_keys": {kid: base64.b64encode(k).decode() for kid, k in self.data_keys.items()},
                "index_key": base64.b64encode(self.index_key).decode(),
            }
        )

    def rotated(self) -> "KeyRing":
        """A ring with a fresh active data key; old keys stay for decryption."""
        new_id = f"k{len(self.data_keys) + 1}"
        return KeyRing(new_id, {**self.data_keys, new_id: os.urandom(16)}, self.index_key)


class SoftwareProvider:
    def __init__(self, ring: KeyRing, algorithm: str = "sm4-gcm") -> None:
        if algorithm not in ("sm4-gcm", "aes-gcm"):
            raise KeyError_(f"Unknown algorithm {algorithm!r}: use sm4-gcm or aes-gcm")
        self.ring = ring
        self.algorithm = algorithm

    def _cipher(self, key: bytes, nonce: bytes, tag: bytes | None = None) -> Cipher[modes.GCM]:
        algo = algorithms.SM4(key) if self.algorithm == "sm4-gcm" else algorithms.AES(key)
        return Cipher(algo, modes.GCM(nonce, tag))

    def encrypt(self, plaintext: str, *, context: str) -> str:
        blob = base64.b64encode(self._seal(plaintext.encode(), context)).decode()
        return f"v1.{self.ring.active}.{blob}"

    def decrypt(self, token: str, *, context: str) -> str:
        try:
            _version, key_id, blob = token.split(".", 2)
        except ValueError as exc:
            raise KeyError_("Ciphertext is malformed or was made with an unknown key") from exc
        return self._open(key_id, base64.b64decode(blob), context).decode()

    def encrypt_bytes(self, data: bytes, *, context: str) -> bytes:
        """Binary form for files (backups): key id, a NUL, then nonce ‖ ciphertext ‖ tag."""
        return self.ring.active.encode() + b"\x00" + self._seal(data, context)

    def decrypt_bytes(self, blob: bytes, *, context: str) -> bytes:
        key_id, _, sealed = blob.partition(b"\x00")
        return self._open(key_id.decode(errors="replace"), sealed, context)

    def _seal(self, data: bytes, context: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        encryptor = self._cipher(self.ring.data_keys[self.ring.active], nonce).encryptor()
        encryptor.authenticate_additional_data(context.encode())
        body = encryptor.update(data) + encryptor.finalize()
        return nonce + body + encryptor.tag

    def _open(self, key_id: str, raw: bytes, context: str) -> bytes:
        key = self.ring.data_keys.get(key_id)
        if key is None or len(raw) < NONCE_BYTES + TAG_BYTES:
            raise KeyError_("Ciphertext is malformed or was made with an unknown key")
        nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
        decryptor = self._cipher(key, nonce, tag).decryptor()
        decryptor.authenticate_additional_data(context.encode())
        try:
            return decryptor.update(body) + decryptor.finalize()
        except InvalidTag as exc:
            raise KeyError_("Ciphertext failed its integrity check (wrong key or tampered)") from exc

    def blind_index(self, value: str, *, context: str) -> str:
        """HMAC-SM3 of the normalised value: equality lookups without storing the plaintext."""
        message = f"{context}\x00{value.strip().upper()}".encode()
        return hmac.new(self.ring.index_key, message, "sm3").hexdigest()


def load_or_create_ring(path: Path, *, create: bool) -> KeyRing:
    if path.exists():
        return KeyRing.from_json(path.read_text())
    if not create:
        raise KeyError_(f"Key file {path} is missing: run `python manage.py init_keys` or set KAOHE_KEY_FILE")
    path.parent.mkdir(parents=True, exist_ok=True)
    ring = KeyRing.generate()
    path.write_text(ring.to_json())
    path.chmod(0o600)
    return ring


@cache
def provider() -> CryptoProvider:
    create = bool(getattr(settings, "KAOHE_CREATE_KEYS", False))
    ring = load_or_create_ring(Path(settings.KAOHE_KEY_FILE), create=create)
    return SoftwareProvider(ring, settings.KAOHE_CRYPTO_ALGORITHM)
