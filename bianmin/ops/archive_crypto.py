"""Streaming encryption of a backup archive with a separate backup key (AES-256-GCM in 1 MiB chunks).

The file is a header (magic and a random nonce prefix) and chunks of ``length | ciphertext+tag``. Each chunk's nonce
is the prefix and its counter; its associated data says whether it is the last, so a truncated or reordered file
fails to decrypt instead of restoring half an archive."""

from __future__ import annotations

import base64
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"BIANMIN-BACKUP-AES256GCM-1\n"
CHUNK = 1024 * 1024


class BackupKeyError(ValueError):
    pass


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _aead(key: str) -> AESGCM:
    try:
        raw = base64.urlsafe_b64decode(key.strip().encode())
    except ValueError as exc:
        raise BackupKeyError("备份密钥格式不正确：应为 manage.py backup --generate-key 生成的 44 位字符串。") from exc
    if len(raw) != 32:
        raise BackupKeyError("备份密钥格式不正确：应为 manage.py backup --generate-key 生成的 44 位字符串。")
    return AESGCM(raw)


def is_encrypted(path: os.PathLike[str] | str) -> bool:
    with open(path, "rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def encrypt_stream(source: BinaryIO, target: BinaryIO, *, key: str) -> None:
    aead = _aead(key)
    prefix = os.urandom(8)
    target.write(MAGIC + prefix)
    counter = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        nonce = prefix + struct.pack(">I", counter)
        sealed = aead.encrypt(nonce, chunk, MAGIC + struct.pack(">I?", counter, last))
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        chunk, counter = following, counter + 1


def decrypt_stream(source: BinaryIO, target: BinaryIO, *, key: str) -> None:
    aead = _aead(key)
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupKeyError("不是加密的备份文件。")
    prefix = source.read(8)
    counter = 0
    while True:
        head = source.read(4)
        if len(head) != 4:
            raise BackupKeyError("加密备份文件不完整（被截断）。")
        (length,) = struct.unpack(">I", head)
        sealed = source.read(length)
        nonce = prefix + struct.pack(">I", counter)
        for last in (False, True):
            try:
                chunk = aead.decrypt(nonce, sealed, MAGIC + struct.pack(">I?", counter, last))
            except InvalidTag:
                continue
            break
        else:
            raise BackupKeyError("无法解密备份：备份密钥不符，或文件已损坏。")
        target.write(chunk)
        if last:
            if source.read(1):
                raise BackupKeyError("加密备份文件末尾有多余数据。")
            return
        counter += 1
