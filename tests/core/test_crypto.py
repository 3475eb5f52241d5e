"""Known-answer tests (GB/T 32905 SM3, GB/T 32907 SM4) and the provider's guarantees."""

import hashlib

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from kaohe.core.crypto import KeyError_, KeyRing, SoftwareProvider, sm3_hex


def test_sm3_known_answer():
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm4_known_answer():
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 (the standard's test vector)

    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


@pytest.mark.parametrize("algorithm", ["sm4-gcm", "aes-gcm"])
def test_round_trip_and_fresh_nonce(algorithm):
    provider = SoftwareProvider(KeyRing.generate(), algorithm)
    first = provider.encrypt("360102199005171234", context="f")

    assert provider.decrypt(first, context="f") == "360102199005171234"
    assert provider.encrypt("360102199005171234", context="f") != first


def test_wrong_key_fails_the_integrity_check():
    token = SoftwareProvider(KeyRing.generate()).encrypt("secret", context="f")

    with pytest.raises(KeyError_, match="integrity"):
        SoftwareProvider(KeyRing.generate()).decrypt(token, context="f")


def test_a_value_moved_to_another_column_does_not_decrypt():
    provider = SoftwareProvider(KeyRing.generate())
    token = provider.encrypt("13812345678", context="org.civilservant.phone")

    with pytest.raises(KeyError_):
        provider.decrypt(token, context="org.civilservant.id_number")


def test_rotated_ring_still_reads_old_values_and_writes_with_the_new_key():
    ring = KeyRing.generate()
    old = SoftwareProvider(ring).encrypt("old", context="f")
    rotated = SoftwareProvider(KeyRing.from_json(ring.rotated().to_json()))

    assert rotated.decrypt(old, context="f") == "old"
    assert rotated.encrypt("new", context="f").startswith("v1.k2.")


def test_blind_index_is_keyed_and_normalised():
    ring = KeyRing.generate()
    provider = SoftwareProvider(ring)

    assert provider.blind_index(" 36010219900517123x", context="f") == provider.blind_index("36010219900517123X",
                                                                                             context="f")
    assert provider.blind_index("a", context="f") != SoftwareProvider(KeyRing.generate()).blind_index("a", context="f")
    assert provider.blind_index("a", context="f") != hashlib.new("sm3", b"A").hexdigest()
