"""The byte encodings the credential specifications name: multibase base58-btc (`z…`) for
signatures and keys, multicodec headers for Ed25519 keys (a Multikey), and multibase
base64url without padding (`u…`) for a status list's compressed bitstring."""

from __future__ import annotations

import base64
import binascii

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_VALUES = {symbol: value for value, symbol in enumerate(BASE58_ALPHABET)}
# Multicodec varints: ed25519-pub is 0xed, ed25519-priv 0x1300 (varint 0x80 0x26).
ED25519_PUBLIC_HEADER = b"\xed\x01"
ED25519_PRIVATE_HEADER = b"\x80\x26"
# No proof value, key or list we read is longer; a longer text is refused before any
# quadratic base-58 arithmetic runs on it.
MAX_BASE58_SYMBOLS = 200


class EncodingError(ValueError):
    """A value is not in the encoding it claims."""


def base58btc(data: bytes) -> str:
    """Bitcoin's base-58: each leading zero byte is a "1", the rest a big-endian number."""
    number = int.from_bytes(data, "big")
    symbols = []
    while number:
        number, remainder = divmod(number, 58)
        symbols.append(BASE58_ALPHABET[remainder])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(symbols))


def from_base58btc(text: str) -> bytes:
    if len(text) > MAX_BASE58_SYMBOLS:
        raise EncodingError("too long for a base-58 value")
    number = 0
    for symbol in text:
        if symbol not in _BASE58_VALUES:
            raise EncodingError(f"{symbol!r} is not a base-58 symbol")
        number = number * 58 + _BASE58_VALUES[symbol]
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def multibase_base58btc(data: bytes) -> str:
    return "z" + base58btc(data)


def from_multibase_base58btc(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise EncodingError("not a multibase base58-btc value (it must start with 'z')")
    return from_base58btc(text[1:])


def multikey(public_key_bytes: bytes) -> str:
    """An Ed25519 public key as a Multikey's publicKeyMultibase (`z6Mk…`)."""
    return multibase_base58btc(ED25519_PUBLIC_HEADER + public_key_bytes)


def multikey_bytes(text: str, header: bytes = ED25519_PUBLIC_HEADER) -> bytes:
    """The 32 raw key bytes of a multibase Ed25519 key (public by default)."""
    decoded = from_multibase_base58btc(text)
    if not decoded.startswith(header) or len(decoded) != len(header) + 32:
        raise EncodingError("not a multibase Ed25519 key")
    return decoded[len(header):]


def multibase_base64url(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def from_multibase_base64url(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("u"):
        raise EncodingError("not a multibase base64url value (it must start with 'u')")
    body = text[1:]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as error:
        raise EncodingError("not base64url") from error
